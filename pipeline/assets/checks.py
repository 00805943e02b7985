"""The asset checks, made from the declarations (as PUDL makes its checks from its metadata),
never written per table: a table with a schema in schemas/ is conformed to it and validated
against it; the reconciliation is checked once per rule of reconciliation.yaml. The checks run
in the step of the asset they check and block it: an error stops the step, so nothing
downstream (the package) is made.

    @asset(**declared("remittances"))
    def remittances(...) -> Iterator[Output | AssetCheckResult]:
        yield from checked("remittances", frame)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import dagster
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    Failure,
    MetadataValue,
    Output,
    TableColumn,
    TableSchema,
)

from pipeline import reconcile, schemas
from pipeline.outcome import CheckOutcome

Checked = Iterator[Output | AssetCheckResult]  # what an asset with checks yields
RECONCILIATION = "reconciliation"  # the table whose rules are checks of their own


@dataclass(frozen=True)
class DeclaredCheck:
    """A check of one table, as the declarations make it."""

    name: str
    description: str
    evaluate: Callable[[pd.DataFrame], CheckOutcome]


class CheckFailed(Failure):
    """A check with severity error failed: the step fails, nothing downstream is made."""

    def __init__(self, table: str, check: DeclaredCheck, outcome: CheckOutcome):
        self.table, self.check, self.outcome = table, check, outcome
        super().__init__(description=f"check {check.name} failed: {outcome.description}")


@cache
def declared_schemas() -> frozenset[str]:
    """Tables with a schema in schemas/: conformed and checked, published or not (a table of
    an independent series is checked like any other without being republished)."""
    return frozenset(p.stem for p in schemas.SCHEMA_DIR.glob("[!_]*.yaml"))


@cache
def published() -> tuple[str, ...]:
    """The tables the package publishes, in its order."""
    return schemas.package().resources


def _schema_check(table: str) -> DeclaredCheck:
    return DeclaredCheck(
        f"{table}_matches_schema",
        f"Validates `{table}` against schemas/{table}.yaml (Pandera).",
        schemas.load(table).check,
    )


def _rule_check(rule: reconcile.Rule) -> DeclaredCheck:
    """A failure outside the declared known discrepancies (or a known one that drifted) is an
    error; a known discrepancy is a warning."""
    return DeclaredCheck(
        rule.check_id.replace(".", "__"),
        " ".join(rule.description.split()),
        lambda reconciliation: reconcile.check_outcome(rule, reconciliation),
    )


def checks_of(table: str) -> list[DeclaredCheck]:
    """The checks of a table with a schema; a name without one is an error (a misspelt
    table would otherwise go unchecked)."""
    if table not in declared_schemas():
        raise KeyError(f"no schema declares table {table!r} (schemas/{table}.yaml)")
    checks = [_schema_check(table)]
    if table == RECONCILIATION:
        checks += [_rule_check(rule) for rule in reconcile.load_rules()]
    return checks


def column_schema(table: str) -> TableSchema:
    """The table's columns as the Dagster UI shows them."""
    return TableSchema(
        columns=[
            TableColumn(
                f.name,
                f.type,
                description=f.description,
                constraints=f.constraints.dagster(dagster),
            )
            for f in schemas.load(table).fields
        ]
    )


def check_specs(*tables: str) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(c.name, asset=table, description=c.description, blocking=True)
        for table in tables
        for c in checks_of(table)
    ]


def declared(table: str) -> dict[str, Any]:
    """The `@asset` arguments the declarations give a table: its columns and its checks."""
    return {
        "metadata": {"dagster/column_schema": column_schema(table)},
        "check_specs": check_specs(table),
    }


def check_result(table: str, check: DeclaredCheck, outcome: CheckOutcome) -> AssetCheckResult:
    severity = AssetCheckSeverity.ERROR if outcome.severity == "error" else AssetCheckSeverity.WARN
    metadata = {}
    if outcome.details is not None:
        metadata["details"] = MetadataValue.md(outcome.details.to_markdown(index=False))
    return AssetCheckResult(
        asset_key=table,
        check_name=check.name,
        passed=outcome.passed,
        severity=severity,
        description=outcome.description,
        metadata=metadata,
    )


def checked(table: str, frame: pd.DataFrame, output_name: str = "result") -> Checked:
    """The table conformed to its schema, then every result of its checks; the first error
    raises `CheckFailed` once all are reported."""
    conformed = schemas.load(table).conform(frame)
    yield Output(conformed, output_name=output_name, metadata={"row_count": len(conformed)})
    failed: CheckFailed | None = None
    for check in checks_of(table):
        outcome = check.evaluate(conformed)
        yield check_result(table, check, outcome)
        if failed is None and not outcome.passed and outcome.severity == "error":
            failed = CheckFailed(table, check, outcome)
    if failed is not None:
        raise failed
