"""The checks each table's step runs: its schema (published tables) and, for the
reconciliation, one check per rule. Generated from the declarations, never written per table."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from pipeline import reconcile, schemas
from pipeline.registry import Check, CheckOutcome


def schema_check(name: str) -> Check:
    """Validate a published table against schemas/<name>.yaml (Pandera, lazily: all failures)."""
    schema = schemas.load(name).pandera_schema()

    def evaluate(frame: pd.DataFrame) -> CheckOutcome:
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases[["column", "check", "index", "failure_case"]]
            first = cases.iloc[0]
            return CheckOutcome(
                passed=False,
                severity="error",
                description=f"{name}: {len(cases)} schema failure(s); first: column "
                f"{first['column']} check {first['check']} value "
                f"{first['failure_case']!r} (row {first['index']})",
                details=cases.head(50).astype(str),
            )
        return CheckOutcome(passed=True, severity="error", description=f"{len(frame)} rows valid")

    return Check(
        f"{name}_matches_schema",
        f"Validates `{name}` against schemas/{name}.yaml (Pandera).",
        evaluate,
    )


def rule_check(rule: reconcile.Rule) -> Check:
    """One reconciliation rule, read from the reconciliation table: a failure outside the
    declared known discrepancies (or a known one that drifted) is an error; a known discrepancy
    is a warning."""
    return Check(
        rule.check_id.replace(".", "__"),
        " ".join(rule.description.split()),
        lambda reconciliation: reconcile.check_outcome(rule, reconciliation),
    )


@cache
def published() -> tuple[str, ...]:
    return schemas.package().resources


@cache
def declared_schemas() -> frozenset[str]:
    """Tables with a schema in schemas/: conformed and checked, published or not (a table of
    an independent series can be checked like any other without being republished)."""
    return frozenset(p.stem for p in schemas.SCHEMA_DIR.glob("[!_]*.yaml"))


def checks_of(name: str) -> list[Check]:
    checks = [schema_check(name)] if name in declared_schemas() else []
    if name == "reconciliation":
        checks += [rule_check(rule) for rule in reconcile.load_rules()]
    return checks
