"""Load the resource declarations in `schemas/` and derive everything else from them.

The YAML files are the single source of truth; this module turns them into Frictionless Table
Schemas, Pandera schemas and typed DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SHARED_FIELDS_FILE = "_fields.yaml"

# Frictionless type -> pandas dtype used in memory and for writing.
PANDAS_DTYPES = {
    "string": "string",
    "date": "string",  # ISO 8601 text; checked by pattern
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
}
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    constraints: dict
    unit: str | None = None

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    def table_schema(self) -> dict:
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        if self.unit:
            descriptor["unit"] = self.unit
        if self.constraints:
            descriptor["constraints"] = dict(self.constraints)
        return descriptor


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    row: str
    primary_key: list[str]
    foreign_keys: list[dict]
    fields: list[Field]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def table_schema(self) -> dict:
        schema = {
            "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
            "fields": [f.table_schema() for f in self.fields],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": fk["fields"],
                    "reference": {
                        "resource": fk["reference"]["resource"],
                        "fields": fk["reference"]["fields"],
                    },
                }
                for fk in self.foreign_keys
            ]
        return schema


def _resolve_field(spec: dict, shared: dict) -> Field:
    if "use" in spec:
        base = dict(shared[spec["use"]])
        base["name"] = spec["use"]
        base.update({k: v for k, v in spec.items() if k != "use"})
        spec = base
    return Field(
        name=spec["name"],
        type=spec["type"],
        description=spec["description"],
        constraints=dict(spec.get("constraints") or {}),
        unit=spec.get("unit"),
    )


@cache
def load(name: str, schema_dir: Path = SCHEMA_DIR) -> Resource:
    shared = yaml.safe_load((schema_dir / SHARED_FIELDS_FILE).read_text(encoding="utf-8"))
    spec = yaml.safe_load((schema_dir / f"{name}.yaml").read_text(encoding="utf-8"))
    return Resource(
        name=spec["name"],
        title=spec["title"],
        description=" ".join(spec["description"].split()),
        row=spec["row"],
        primary_key=list(spec["primary_key"]),
        foreign_keys=list(spec.get("foreign_keys") or []),
        fields=[_resolve_field(f, shared) for f in spec["fields"]],
    )


def _checks(field: Field) -> list[pa.Check]:
    c = field.constraints
    checks = []
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"]))
    if "pattern" in c:
        checks.append(pa.Check.str_matches(c["pattern"]))
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"]))
    if field.type == "date":
        checks.append(pa.Check.str_matches(ISO_DATE))
    return checks


def pandera_schema(resource: Resource) -> pa.DataFrameSchema:
    """The Pandera schema of a resource: dtypes, required, unique, ranges, patterns, keys."""
    columns = {
        f.name: pa.Column(
            PANDAS_DTYPES[f.type],
            checks=_checks(f),
            nullable=not f.required,
            unique=bool(f.constraints.get("unique")),
            description=f.description,
        )
        for f in resource.fields
    }
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        unique=resource.primary_key,
        report_duplicates="all",
        name=resource.name,
    )


def conform(frame: pd.DataFrame, resource: Resource) -> pd.DataFrame:
    """Order the columns as declared and cast them to their declared dtypes."""
    missing = [name for name in resource.field_names if name not in frame.columns]
    if missing:
        raise KeyError(f"{resource.name}: columns {missing} are declared but not produced")
    out = frame[resource.field_names].copy()
    for field in resource.fields:
        out[field.name] = out[field.name].astype(PANDAS_DTYPES[field.type])
    return out.reset_index(drop=True)


def read_table(path: Path, resource: Resource) -> pd.DataFrame:
    """Read a published CSV back with its declared dtypes (empty cell = missing)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = pd.DataFrame(index=raw.index)
    for field in resource.fields:
        column = raw[field.name].replace("", pd.NA)
        if field.type == "boolean":
            column = column.map({"true": True, "false": False}, na_action="ignore")
        elif field.type in ("integer", "number"):
            column = pd.to_numeric(column)
        out[field.name] = column.astype(PANDAS_DTYPES[field.type])
    return out


def line_columns(frame: pd.DataFrame) -> tuple[str, str]:
    """The provenance line columns of a frame: line_start/line_end, or `line` where a row is
    one line (memberships)."""
    return ("line_start", "line_end") if "line_start" in frame else ("line", "line")
