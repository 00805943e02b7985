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


DETAIL_COLUMNS = (
    *("scope", "expected", "observed", "difference"),
    *("allowed_min", "allowed_max", "status", "sources"),
)


def rule_check(rule: reconcile.Rule) -> Check:
    """One reconciliation rule, read from the reconciliation table: a failure outside the
    declared known discrepancies is an error; a known discrepancy is a warning."""

    def evaluate(reconciliation: pd.DataFrame) -> CheckOutcome:
        rows = reconciliation[reconciliation["check_id"] == rule.check_id]
        failed = rows[rows["status"] == reconcile.STATUS_FAIL]
        known = rows[rows["status"] == reconcile.STATUS_KNOWN]
        details = rows[list(DETAIL_COLUMNS)].astype(str)
        if not failed.empty:
            return CheckOutcome(False, "error", reconcile.failure_message(failed), details)
        if not known.empty:
            message = "known discrepancy: " + reconcile.failure_message(known)
            return CheckOutcome(False, "warning", message, details)
        return CheckOutcome(True, "error", f"{len(rows)} scope(s) pass", details)

    return Check(rule.check_id.replace(".", "__"), " ".join(rule.description.split()), evaluate)


@cache
def published() -> tuple[str, ...]:
    return schemas.package().resources


def checks_of(name: str) -> list[Check]:
    checks = [schema_check(name)] if name in published() else []
    if name == "reconciliation":
        checks += [
            rule_check(rule) for rule in reconcile.parse_rules(reconcile.load_declarations())
        ]
    return checks
