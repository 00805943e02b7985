"""A published package folder read back: the tables its `datapackage.json` lists, each with its
Table Schema read into the typed model of `schemas/` (`schemas.Field`, `schemas.ForeignKey`).

The exports and the dataset site read a package through this module, so they follow the
descriptor: a resource added to `schemas/_package.yaml` appears in both with no code change, and
a package folder is shown as it was published, whatever `schemas/` says today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import schemas

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class PublishedTable:
    """One tabular resource of the descriptor."""

    name: str
    title: str
    description: str
    path: str
    fields: tuple[schemas.Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[schemas.ForeignKey, ...]

    @classmethod
    def of(cls, resource: dict[str, Any]) -> PublishedTable:
        schema = resource["schema"]
        return cls(
            name=resource["name"],
            title=resource.get("title", resource["name"]),
            description=resource.get("description", ""),
            path=resource["path"],
            fields=tuple(schemas.Field.model_validate(field) for field in schema["fields"]),
            primary_key=tuple(schema.get("primaryKey", ())),
            foreign_keys=tuple(
                schemas.ForeignKey.model_validate(fk) for fk in schema.get("foreignKeys", ())
            ),
        )

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def field(self, name: str) -> schemas.Field:
        return next(field for field in self.fields if field.name == name)

    def referenced_tables(self) -> set[str]:
        return {fk.reference.resource for fk in self.foreign_keys} - {self.name}


@dataclass(frozen=True)
class PublishedPackage:
    """A package folder: its descriptor and the tables it lists, in the descriptor's order."""

    folder: Path
    descriptor: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> PublishedPackage:
        text = (folder / DESCRIPTOR).read_text(encoding="utf-8")
        return cls(folder=folder, descriptor=json.loads(text))

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @cached_property
    def tables(self) -> tuple[PublishedTable, ...]:
        return tuple(PublishedTable.of(r) for r in self.descriptor["resources"] if "schema" in r)

    def table(self, name: str) -> PublishedTable | None:
        return next((table for table in self.tables if table.name == name), None)

    @property
    def other_resources(self) -> list[dict[str, Any]]:
        """Resources without a Table Schema (the data dictionary)."""
        return [r for r in self.descriptor["resources"] if "schema" not in r]

    def csv_text(self, table: PublishedTable) -> str:
        return (self.folder / table.path).read_text(encoding="utf-8")

    def frame(self, table: PublishedTable) -> pd.DataFrame:
        """The table with its declared dtypes (an empty cell is missing): the one typed read-back
        of a published CSV."""
        raw = pd.read_csv(self.folder / table.path, dtype=str, keep_default_na=False)
        return pd.DataFrame(
            {f.name: f.from_csv(raw[f.name]) for f in table.fields}, index=raw.index
        )

    def in_dependency_order(self) -> list[PublishedTable]:
        """The tables with each after the tables its foreign keys reference (descriptor order
        otherwise), so a database can create them with their keys."""
        ordered: list[PublishedTable] = []
        pending = list(self.tables)
        while pending:
            done = {table.name for table in ordered}
            ready = [t for t in pending if t.referenced_tables() <= done]
            if not ready:
                names = ", ".join(t.name for t in pending)
                raise ValueError(f"foreign keys reference missing tables or form a cycle: {names}")
            ordered += ready
            pending = [t for t in pending if t not in ready]
        return ordered


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """One published table of the package in `folder`, typed from its descriptor."""
    package = PublishedPackage.load(folder)
    table = package.table(name)
    if table is None:
        raise KeyError(f"{folder / 'datapackage.json'} publishes no table {name!r}")
    return package.frame(table)
