"""The engine: evaluate each rule by its kind, turn its scopes into rows of the published
`reconciliation` table with the known discrepancies and their pins applied, and give each
rule's check outcome."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from pipeline.outcome import CheckOutcome
from pipeline.reconcile import kinds
from pipeline.reconcile.inputs import Inputs, RuleError, Scope
from pipeline.reconcile.rules import (
    KnownDiscrepancy,
    MatchesFact,
    MatchesText,
    NonIncreasing,
    RanksComplete,
    RateOfCounts,
    RowSubset,
    Rule,
    SameMembers,
    SameMonth,
    SameText,
    Sql,
    StockFlow,
    Subset,
    SumsToTotal,
    UniquePerGroup,
)

STATUS_PASS, STATUS_FAIL, STATUS_KNOWN = "pass", "fail", "known-discrepancy"
NOW_PASSES = "declared as a known discrepancy but it now passes"
DETAIL_COLUMNS = [
    "scope",
    "expected",
    "observed",
    "difference",
    "allowed_min",
    "allowed_max",
    "status",
    "sources",
]

KINDS: dict[type, Callable[..., list[Scope]]] = {
    SumsToTotal: kinds.sums_to_total,
    MatchesFact: kinds.matches_fact,
    MatchesText: kinds.matches_text,
    Subset: kinds.subset,
    RowSubset: kinds.row_subset,
    RateOfCounts: kinds.rate_of_counts,
    StockFlow: kinds.stock_flow,
    RanksComplete: kinds.ranks_complete,
    NonIncreasing: kinds.non_increasing,
    UniquePerGroup: kinds.unique_per_group,
    SameMembers: kinds.same_members,
    SameText: kinds.same_text,
    SameMonth: kinds.same_month,
    Sql: kinds.sql,
}


def reconcile(
    tables: dict[str, pd.DataFrame], rules: Sequence[Rule], paths: dict[str, str]
) -> pd.DataFrame:
    """The `reconciliation` table: every rule's scopes, in rule order. `tables` holds the
    tables the rules read by name, with `facts` and `texts`; `paths` maps document_id to the
    raw file named in `sources`."""
    inputs = Inputs(tables)
    return pd.DataFrame([row for rule in rules for row in evaluate(rule, inputs, paths)])


def evaluate(rule: Rule, inputs: Inputs, paths: dict[str, str]) -> list[dict]:
    """The rows of one rule; RuleError naming the rule when it cannot be evaluated."""
    try:
        scopes = KINDS[type(rule)](rule, inputs)
        _check_scopes(rule, scopes)
    except Exception as error:
        reason = str(error) if isinstance(error, RuleError) else f"{type(error).__name__}: {error}"
        raise RuleError(
            f"reconciliation rule {rule.check_id} could not be evaluated: {reason}"
        ) from error
    return [_row(rule, scope, paths) for scope in scopes]


def _check_scopes(rule: Rule, scopes: list[Scope]) -> None:
    """Every scope defined and named once; every known discrepancy names one of them."""
    if not scopes:
        raise RuleError("no scope to evaluate")
    labels = [scope.label for scope in scopes]
    for scope in scopes:
        if labels.count(scope.label) > 1:
            raise RuleError(f"scope {scope.label!r} is evaluated twice")
        for what in ("expected", "observed", "low", "high"):
            if math.isnan(getattr(scope, what)):
                raise RuleError(f"scope {scope.label!r}: {what} is undefined (NaN)")
    for known in rule.known_discrepancies:
        if known.scope not in labels:
            raise RuleError(f"the known discrepancy of scope {known.scope!r} matches no scope")


def _row(rule: Rule, scope: Scope, paths: dict[str, str]) -> dict:
    expected, observed = scope.expected, scope.observed
    low, high = scope.low, scope.high
    passed = low - 1e-9 <= observed <= high + 1e-9
    difference = round(observed - expected, 6)
    status, severity, note = _status(rule, scope, passed, round(observed, 6), difference)
    lines = scope.lines
    document_id = lines[0][0] if lines else ""
    same_document = [(first, last) for d, first, last in lines if d == document_id]
    return {
        "check_id": rule.check_id,
        "scope": scope.label,
        "description": " ".join(rule.description.split()),
        "resources": ", ".join(rule.resources),
        "expected": round(expected, 6),
        "observed": round(observed, 6),
        "difference": difference,
        "allowed_min": round(low, 6) if math.isfinite(low) else None,
        "allowed_max": round(high, 6) if math.isfinite(high) else None,
        "tolerance": rule.tolerance_text or scope.tolerance,
        "severity": severity,
        "status": status,
        "note": note,
        "document_id": document_id,
        "line_start": min(first for first, _ in same_document) if same_document else None,
        "line_end": max(last for _, last in same_document) if same_document else None,
        "sources": "; ".join(
            f"{paths.get(d, d)}:{first}" if first == last else f"{paths.get(d, d)}:{first}-{last}"
            for d, first, last in lines
        ),
    }


def _status(
    rule: Rule, scope: Scope, passed: bool, observed: float, difference: float
) -> tuple[str, str, str | None]:
    """(status, severity, note) of a scope. A failure declared as a known discrepancy is
    tolerated only at the value it was accepted at; a drifted one fails."""
    known = rule.known(scope.label)
    tolerated = known is not None or rule.severity == "warning"
    severity = "warning" if tolerated else "error"
    if passed:
        return STATUS_PASS, severity, NOW_PASSES if known else None
    if known is None:
        return (STATUS_KNOWN if tolerated else STATUS_FAIL), severity, None
    drift = _drift(known, observed, difference) or _texts_drift(known, scope.texts)
    if drift:
        return STATUS_FAIL, "error", drift
    return STATUS_KNOWN, severity, " ".join(known.reason.split())


def _drift(known: KnownDiscrepancy, observed: float, difference: float) -> str | None:
    """Why a known discrepancy no longer matches what it was accepted at, or None."""
    pin = known.accepted_at
    now = difference if pin.measure == "difference" else observed
    if abs(now - pin.value) <= pin.within + 1e-9:
        return None
    return (
        f"known discrepancy drifted: accepted at {pin.measure} {pin.value:g} "
        f"(within {pin.within:g}), now {now:g}"
    )


def _texts_drift(known: KnownDiscrepancy, texts: tuple[str, ...]) -> str | None:
    """Why a text comparison no longer compares the texts it was accepted at, or None."""
    pinned = known.accepted_at.texts
    if pinned is None or tuple(pinned) == texts:
        return None
    return f"known discrepancy drifted: accepted comparing {list(pinned)}, now {list(texts)}"


def failure_message(rows: pd.DataFrame) -> str:
    """One line per failed scope: rule, numbers, where they come from and, for a drifted known
    discrepancy, the value it was accepted at."""
    return "; ".join(
        f"{r.check_id} [{r.scope}]: expected {r.expected:g}, observed {r.observed:g} "
        f"(allowed {'-inf' if pd.isna(r.allowed_min) else r.allowed_min} to "
        f"{'inf' if pd.isna(r.allowed_max) else r.allowed_max}) from {r.sources}"
        + (f" - {r.note}" if r.status == STATUS_FAIL and isinstance(r.note, str) else "")
        for r in rows.itertuples()
    )


def check_outcome(rule: Rule, reconciliation: pd.DataFrame) -> CheckOutcome:
    """The check of one rule, read from the reconciliation table: a failure (outside the known
    discrepancies, or a known one that drifted) is an error, a known discrepancy a warning."""
    rows = reconciliation[reconciliation["check_id"] == rule.check_id]
    details = rows[DETAIL_COLUMNS].astype(str)
    failed = rows[rows["status"] == STATUS_FAIL]
    known = rows[rows["status"] == STATUS_KNOWN]
    if rows.empty:
        return CheckOutcome(False, "error", f"{rule.check_id}: no scope was evaluated", details)
    if not failed.empty:
        return CheckOutcome(False, "error", failure_message(failed), details)
    if not known.empty:
        return CheckOutcome(
            False, "warning", "known discrepancy: " + failure_message(known), details
        )
    return CheckOutcome(True, "error", f"{len(rows)} scope(s) pass", details)
