"""The typed model of `schemas/`: one declaration per published table, the fields they share
(`_fields.yaml`) and the package metadata (`_package.yaml`).

The YAML files are the single source of truth. They are read only through `pipeline.strict_yaml`,
so a misspelt key, a wrong type or a missing key stops the build at load time, naming the file
and the key. Each constraint is interpreted in one class, `Constraints`; the Frictionless Table
Schema, the Pandera and Great Expectations checks, the data dictionary and the release
comparison are all derived from it.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Literal, Self

import pandas as pd
import pandera.pandas as pa
from annotated_types import MinLen
from pydantic import (
    AfterValidator,
    ConfigDict,
    PlainValidator,
    RootModel,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.outcome import CheckOutcome
from pipeline.paths import ROOTS
from pipeline.strict_yaml import Declared

# What the package writes where a source does not state something: never a guess.
NOT_STATED = "not stated"
# The counts a package description may name in braces ("{documents} documents").
COUNTED = ("documents", "series", "tables")

SCHEMA_DIR = ROOTS.schemas_dir
SHARED_FIELDS_FILE = "_fields.yaml"
PACKAGE_FILE = "_package.yaml"
CURATED = "curated"  # the published tables' folder, in the package and in the repository
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

FieldType = Literal["string", "date", "integer", "number", "boolean"]
# Frictionless type -> pandas dtype used in memory and for writing.
PANDAS_DTYPES: dict[str, str] = {
    "string": "string",
    "date": "string",  # ISO 8601 text; checked by pattern
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
}
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _number(value: object) -> int | float:
    """An int or a float as written (so `0` stays `0` in the Table Schema); YAML's `"0"` or
    `true` is a mistake, not something to coerce."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "Input should be a number")
    return value


Number = Annotated[int | float, PlainValidator(_number)]
OneLine = Annotated[str, AfterValidator(lambda text: " ".join(text.split()))]
Names = Annotated[tuple[str, ...], MinLen(1)]


def _invalid(key: tuple[str | int, ...], value: object, problem: str) -> ValidationError:
    """An error at `key` for a model validator to raise, so the message names that key."""
    return ValidationError.from_exception_data(
        "declaration",
        [InitErrorDetails(type=PydanticCustomError("declaration", problem), loc=key, input=value)],
    )


def _markdown_cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|")


# --- fields ----------------------------------------------------------------------------------


class Constraints(Declared):
    """A field's constraints (Frictionless Table Schema); the only place they are interpreted."""

    required: StrictBool = False
    unique: StrictBool = False
    minimum: Number | None = None
    maximum: Number | None = None
    pattern: strict_yaml.Regex | None = None
    enum: Names | None = None

    def table_schema(self) -> dict[str, Any]:
        """The Table Schema `constraints` (empty when there are none); declared order kept."""
        return self.model_dump(mode="json", exclude_defaults=True)

    def pandera(self) -> dict[str, Any]:
        """Keyword arguments of a Pandera column: nullability, uniqueness and value checks."""
        checks = []
        if self.minimum is not None:
            checks.append(pa.Check.ge(self.minimum))
        if self.maximum is not None:
            checks.append(pa.Check.le(self.maximum))
        if self.pattern is not None:
            checks.append(pa.Check.str_matches(self.pattern))
        if self.enum is not None:
            checks.append(pa.Check.isin(list(self.enum)))
        return {"checks": checks, "nullable": not self.required, "unique": self.unique}

    def dagster(self, dagster: ModuleType) -> Any:
        """The constraints Dagster shows with a column (`dagster/column_schema`)."""
        return dagster.TableColumnConstraints(
            nullable=not self.required, unique=self.unique, other=self._value_rules()
        )

    def expectations(self, gx: ModuleType, column: str) -> list:
        """Great Expectations expectations on `column`, one per constraint."""
        e = gx.expectations
        out = []
        if self.required:
            out.append(e.ExpectColumnValuesToNotBeNull(column=column))
        if self.unique:
            out.append(e.ExpectColumnValuesToBeUnique(column=column))
        if self.minimum is not None or self.maximum is not None:
            out.append(
                e.ExpectColumnValuesToBeBetween(
                    column=column, min_value=self.minimum, max_value=self.maximum
                )
            )
        if self.pattern is not None:
            out.append(e.ExpectColumnValuesToMatchRegex(column=column, regex=self.pattern))
        if self.enum is not None:
            out.append(e.ExpectColumnValuesToBeInSet(column=column, value_set=list(self.enum)))
        return out

    def words(self) -> str:
        """The constraints as the data dictionary states them."""
        flags = [name for name in ("required", "unique") if getattr(self, name)]
        return "; ".join(flags + self._value_rules())

    def _value_rules(self) -> list[str]:
        """The constraints on values, in words (range, pattern, allowed values)."""
        parts = []
        if self.minimum is not None:
            parts.append(f">= {self.minimum}")
        if self.maximum is not None:
            parts.append(f"<= {self.maximum}")
        if self.pattern is not None:
            parts.append(f"pattern `{self.pattern}`")
        if self.enum is not None:
            parts.append("one of " + ", ".join(f"`{value}`" for value in self.enum))
        return parts

    def tighter_than(self, other: Constraints) -> bool:
        """True when a value `other` accepts may be refused here (a breaking change). A changed
        pattern counts as tighter: patterns cannot be compared."""
        return (
            (self.required and not other.required)
            or (self.unique and not other.unique)
            or _bound(self.minimum, -math.inf) > _bound(other.minimum, -math.inf)
            or _bound(self.maximum, math.inf) < _bound(other.maximum, math.inf)
            or (self.pattern is not None and self.pattern != other.pattern)
            or (
                self.enum is not None
                and (other.enum is None or not set(self.enum) >= set(other.enum))
            )
        )


def _bound(value: float | None, unbounded: float) -> float:
    return unbounded if value is None else value


class SharedField(Declared):
    """A field of `_fields.yaml`, where its name is the key it is declared under."""

    type: FieldType
    description: str
    unit: str | None = None
    constraints: Constraints = Constraints()


class Field(SharedField):
    """A column of a published table."""

    name: str

    def table_schema(self) -> dict[str, Any]:
        descriptor: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        if self.unit:
            descriptor["unit"] = self.unit
        if constraints := self.constraints.table_schema():
            descriptor["constraints"] = constraints
        return descriptor

    def pandera_column(self) -> pa.Column:
        options = self.constraints.pandera()
        if self.type == "date":  # held as ISO 8601 text, whose form only a check can enforce
            options["checks"].append(pa.Check.str_matches(ISO_DATE))
        return pa.Column(PANDAS_DTYPES[self.type], description=self.description, **options)

    def dictionary_row(self) -> str:
        """The field's row in the data dictionary's table of fields."""
        return (
            f"| `{self.name}` | {self.type} | {self.unit or ''} | "
            f"{_markdown_cell(self.description)} | {self.constraints.words()} |"
        )

    def from_csv(self, column: pd.Series) -> pd.Series:
        """A column of CSV text (an empty cell is missing) in this field's dtype."""
        column = column.replace("", pd.NA)
        if self.type == "boolean":
            column = column.map({"true": True, "false": False}, na_action="ignore")
        elif self.type in ("integer", "number"):
            column = pd.to_numeric(column)
        return column.astype(PANDAS_DTYPES[self.type])

    def to_csv(self, value: Any) -> str:
        """One value as its CSV cell: integers as integers, empty for missing."""
        if pd.isna(value):
            return ""
        if self.type == "number":
            return f"{float(value):.15g}"  # 133.0 -> "133", 37.1 -> "37.1"
        if self.type == "boolean":
            return "true" if value else "false"
        return str(value)


class Use(Declared):
    """`use: <name>` in a resource's fields: the field `name` of `_fields.yaml`, whose
    description, unit and constraints the entry may override (constraints as a whole)."""

    use: str
    description: str | None = None
    unit: str | None = None
    constraints: Constraints | None = None

    @property
    def name(self) -> str:
        return self.use

    def resolve(self, shared: SharedField) -> Field:
        overrides = self.model_dump(exclude={"use"}, exclude_unset=True)
        return Field(name=self.use, **{**shared.model_dump(), **overrides})


class SharedFields(RootModel[dict[str, SharedField]]):
    """`_fields.yaml`: field declarations by name. A root model, as its keys are names; each
    declaration refuses unknown keys itself."""

    model_config = ConfigDict(frozen=True)


def _field_or_use(entry: object) -> Field | Use:
    """A `fields:` entry is a `use:` reference when it has that key, else a whole field; chosen
    here so an error names the entry's own keys (a plain union would report both readings)."""
    model = Use if isinstance(entry, dict) and "use" in entry else Field
    return model.model_validate(entry)


FieldEntry = Annotated[Field | Use, PlainValidator(_field_or_use)]


# --- resources -------------------------------------------------------------------------------


class Reference(Declared):
    resource: str
    fields: Names


class ForeignKey(Declared):
    fields: Names
    reference: Reference

    @model_validator(mode="after")
    def _same_length(self) -> Self:
        if len(self.reference.fields) != len(self.fields):
            raise _invalid(("reference", "fields"), self.reference.fields, "one field per field")
        return self

    def words(self) -> str:
        return f"`{', '.join(self.fields)}` -> `{self.reference.resource}`"


class ResourceDeclaration(Declared):
    """`schemas/<name>.yaml` as written: its fields may be `use:` references."""

    name: str
    title: str
    description: OneLine
    row: str
    primary_key: Names
    foreign_keys: tuple[ForeignKey, ...] = ()
    fields: Annotated[tuple[FieldEntry, ...], MinLen(1)]

    def resolve(self, shared: Mapping[str, SharedField], where: str) -> Resource:
        """The resource with each `use:` entry replaced by its shared field."""
        for index, entry in enumerate(self.fields):
            if isinstance(entry, Use) and entry.use not in shared:
                expected = f"key 'fields.{index}.use' to name a field of {SHARED_FIELDS_FILE}"
                raise SourceError(where, None, expected, entry.use)
        fields = tuple(
            entry.resolve(shared[entry.use]) if isinstance(entry, Use) else entry
            for entry in self.fields
        )
        # Validated again as a whole, so that key errors come after an unknown `use` and name
        # the file like every other error.
        return strict_yaml.validate(Resource, {**dict(self), "fields": fields}, where)


class Resource(ResourceDeclaration):
    """A published table, every field resolved: everything about it is derived from here."""

    fields: Annotated[tuple[Field, ...], MinLen(1)]

    @model_validator(mode="after")
    def _keys_name_declared_fields(self) -> Self:
        names = [field.name for field in self.fields]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise _invalid(("fields", index), name, f"a second field named {name}")
        keys = [(("primary_key", i), key) for i, key in enumerate(self.primary_key)] + [
            (("foreign_keys", i, "fields", j), key)
            for i, fk in enumerate(self.foreign_keys)
            for j, key in enumerate(fk.fields)
        ]
        for where, key in keys:
            if key not in names:
                raise _invalid(where, key, f"{key}, which is not a declared field")
        return self

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    @property
    def document_fields(self) -> list[str]:
        """The fields naming a source document: document_id and any other field with a foreign
        key to `documents` (e.g. the document of an independent series)."""
        to_documents = [
            fk.fields[0] for fk in self.foreign_keys if fk.reference.resource == "documents"
        ]
        names = self.field_names
        return [n for n in names if n == "document_id" or n in to_documents]

    @property
    def path(self) -> str:
        """The table's CSV, relative to the package folder."""
        return f"{CURATED}/{self.name}.csv"

    def table_schema(self) -> dict[str, Any]:
        """The Frictionless Table Schema of the table."""
        schema: dict[str, Any] = {
            "$schema": TABLE_SCHEMA_PROFILE,
            "fields": [field.table_schema() for field in self.fields],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [fk.model_dump(mode="json") for fk in self.foreign_keys]
        return schema

    def pandera_schema(self) -> pa.DataFrameSchema:
        """The Pandera schema: dtypes, required, unique, ranges, patterns, primary key."""
        return pa.DataFrameSchema(
            {field.name: field.pandera_column() for field in self.fields},
            strict=True,
            ordered=True,
            unique=list(self.primary_key),
            report_duplicates="all",
            name=self.name,
        )

    def check(self, frame: pd.DataFrame) -> CheckOutcome:
        """The frame validated against the Pandera schema, lazily: every failure is counted."""
        try:
            self.pandera_schema().validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases[["column", "check", "index", "failure_case"]]
            first = cases.iloc[0]
            return CheckOutcome(
                passed=False,
                severity="error",
                description=f"{self.name}: {len(cases)} schema failure(s); first: column "
                f"{first['column']} check {first['check']} value "
                f"{first['failure_case']!r} (row {first['index']})",
                details=cases.head(50).astype(str),
            )
        return CheckOutcome(passed=True, severity="error", description=f"{len(frame)} rows valid")

    def expectations(self, gx: ModuleType) -> list:
        """Great Expectations expectations of the table on its own: columns, key, constraints
        (`gx` is passed in: it takes seconds to import and the build never needs it)."""
        e = gx.expectations
        out = [
            e.ExpectTableColumnsToMatchOrderedList(column_list=self.field_names),
            e.ExpectTableRowCountToBeBetween(min_value=1),
        ]
        if len(self.primary_key) > 1:
            out.append(e.ExpectCompoundColumnsToBeUnique(column_list=list(self.primary_key)))
        else:
            out.append(e.ExpectColumnValuesToBeUnique(column=self.primary_key[0]))
        for field in self.fields:
            out += field.constraints.expectations(gx, field.name)
        return out

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame's declared columns, in order, cast to their declared dtypes."""
        missing = [name for name in self.field_names if name not in frame.columns]
        if missing:
            raise KeyError(f"{self.name}: columns {missing} are declared but not produced")
        out = frame[self.field_names].copy()
        for field in self.fields:
            out[field.name] = out[field.name].astype(PANDAS_DTYPES[field.type])
        return out.reset_index(drop=True)

    def dictionary_section(self, frame: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
        """The table's section of the data dictionary, as lines; `frame` is the table and
        `documents` the documents table indexed by document_id."""
        out = [
            f"## `{self.name}`: {self.title}",
            "",
            self.description,
            "",
            f"One row per {self.row}; {len(frame)} rows in this release. File `{self.path}`. "
            "Primary key: " + ", ".join(f"`{key}`" for key in self.primary_key) + ".",
            "",
        ]
        if self.foreign_keys:
            out += ["Foreign keys: " + "; ".join(fk.words() for fk in self.foreign_keys) + ".", ""]
        used = sorted(set().union(*(set(frame[f].dropna()) for f in self.document_fields)))
        if used:
            cited = (
                f"`{d}` ({documents.loc[d, 'title']}, {documents.loc[d, 'published']})"
                for d in used
            )
            out += ["Sources: " + "; ".join(cited) + ".", ""]
        out += ["| field | type | unit | description | constraints |", "|---|---|---|---|---|"]
        return [*out, *(field.dictionary_row() for field in self.fields), ""]


# --- the package -----------------------------------------------------------------------------


class License(Declared):
    name: str
    title: str
    path: str


class Contributor(Declared):
    title: str
    roles: Names


class Package(Declared):
    """`_package.yaml`: the package's own metadata and its published tables, in order."""

    name: str
    title: str
    description: OneLine
    version: str
    created: str
    # No homepage: the project is published nowhere that the repository states (a URL here
    # would be invented). Add `homepage` back to the model when there is one.
    keywords: tuple[str, ...]
    licenses: tuple[License, ...]
    contributors: tuple[Contributor, ...]
    resources: Names

    @field_validator("resources")
    @classmethod
    def _listed_once(cls, resources: tuple[str, ...]) -> tuple[str, ...]:
        strict_yaml.once(resources, "resources")
        return resources

    @field_validator("description")
    @classmethod
    def _counts_named(cls, description: str) -> str:
        """Only the counts the package knows may be named in braces (a misspelt one is an
        error here, not a KeyError at publishing)."""
        named = {field for _, field, _, _ in string.Formatter().parse(description) if field}
        if unknown := named - set(COUNTED):
            raise ValueError(f"{sorted(unknown)} are no counts; known: {list(COUNTED)}")
        return description

    def described(self, documents: pd.DataFrame) -> str:
        """The description with its counts, read from the package: the documents read for
        their text, the series taken from a third party (their origin stated) and the tables."""
        series = int((documents["taken_from"] != NOT_STATED).sum())
        counts = {"documents": len(documents) - series, "series": series}
        return self.description.format(**counts, tables=len(self.resources))

    @property
    def id(self) -> str:
        """The package version's identifier: a URN made of the package name and version
        (`urn:<name>:<version>`). The namespace is not registered with IANA and the URN
        resolves nowhere: it names this version of this package, and is not a DOI."""
        return f"urn:{self.name}:{self.version}"

    def metadata(self, documents: pd.DataFrame) -> dict[str, Any]:
        """The package-level properties of datapackage.json, in the order they are written, the
        description's counts those of `documents` (the published `documents` table)."""
        dumped = self.model_dump(mode="json", exclude={"resources"})
        return {"id": self.id, **dumped, "description": self.described(documents)}


# --- loading ---------------------------------------------------------------------------------


@cache
def package(schema_dir: Path = SCHEMA_DIR) -> Package:
    """`_package.yaml`; each resource it lists has its schema file."""
    path = schema_dir / PACKAGE_FILE
    loaded = strict_yaml.load(Package, path)
    for index, name in enumerate(loaded.resources):
        if not (schema_dir / f"{name}.yaml").is_file():
            expected = f"key 'resources.{index}' to name a schema file ({name}.yaml)"
            raise SourceError(strict_yaml.relative(path), None, expected, name)
    return loaded


@cache
def load(name: str, schema_dir: Path = SCHEMA_DIR) -> Resource:
    """The resource declared in `<schema_dir>/<name>.yaml`, its shared fields resolved."""
    path = schema_dir / f"{name}.yaml"
    where = strict_yaml.relative(path)
    declaration = strict_yaml.load(ResourceDeclaration, path)
    if declaration.name != name:
        raise SourceError(
            where, None, f"key 'name' to be the file's name {name!r}", declaration.name
        )
    shared = strict_yaml.load(SharedFields, schema_dir / SHARED_FIELDS_FILE)
    return declaration.resolve(shared.root, where)


def line_columns(frame: pd.DataFrame) -> tuple[str, str]:
    """The provenance line columns of a frame: line_start/line_end, or `line` where a row is
    one line (memberships)."""
    return ("line_start", "line_end") if "line_start" in frame else ("line", "line")
