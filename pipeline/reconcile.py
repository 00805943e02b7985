"""The reconciliation engine: rules declared as data, evaluated on the extracted tables.

A rule (pipeline/declarations/reconciliation.yaml) says how `expected` and `observed` are
computed (Python expressions over a table's columns, other tables by name, and the prose facts
through `fact(id)`), over which scopes (each row, each group, or the whole), and the tolerance
band observed must fall in. A scope outside its band is a failure; a failure the sources are
known to contain is declared per scope with its reason and published as a known discrepancy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from pipeline import schemas, snapshot
from pipeline.extract import texts
from pipeline.extract.numbers import month_year
from pipeline.text import RawDocument

RULES = Path(__file__).resolve().parent / "declarations" / "reconciliation.yaml"
STATUS_PASS, STATUS_FAIL, STATUS_KNOWN = "pass", "fail", "known-discrepancy"


@dataclass
class Rule:
    check_id: str
    description: str
    resources: list[str]
    expected: str
    observed: str
    tolerance: dict
    severity: str = "error"
    table: str | None = None
    group_by: str | None = None
    where: str | None = None
    scope: str = "all"
    known_discrepancies: dict[str, str] = field(default_factory=dict)


def load_declarations(path: Path = RULES) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_rules(declarations: dict) -> list[Rule]:
    rules = []
    for entry in declarations["rules"]:
        entry = dict(entry)
        known = {str(k["scope"]): k["reason"] for k in entry.pop("known_discrepancies", [])}
        rules.append(Rule(**entry, known_discrepancies=known))
    return rules


class Inputs:
    """What rule expressions can see, recording which source lines each scope used."""

    def __init__(
        self, tables: dict[str, pd.DataFrame], declarations: dict, documents: dict[str, RawDocument]
    ):
        self.tables = tables
        self.facts = tables["facts"].set_index("fact_id")
        self.hedges = declarations["hedges"]
        self.texts = texts.extract_texts(documents, texts.load_texts()).set_index("text_id")
        self.documents = documents
        self.paths = snapshot.paths_of(documents)
        self.used: list[tuple[str, int, int]] = []

    def _fact_row(self, fact_id: str) -> pd.Series:
        row = self.facts.loc[fact_id]
        self.used.append((row["document_id"], int(row["line_start"]), int(row["line_end"])))
        return row

    def fact(self, fact_id: str) -> float:
        return float(self._fact_row(fact_id)["value"])

    def fact_year(self, fact_id: str) -> int:
        return int(str(self._fact_row(fact_id)["period_end"])[:4])

    def fact_yyyymm(self, fact_id: str, end: str) -> int:
        """period_start or period_end of a fact as YYYYMM (the fact must state the month)."""
        text = str(self._fact_row(fact_id)[end])
        return int(text[:4]) * 100 + int(text[5:7])

    def half_unit(self, fact_id: str) -> float:
        """Half the unit of the last printed digit: the rounding an exact figure allows."""
        return 0.5 * float(self.facts.loc[fact_id, "rounding_unit"])

    def text(self, name: str, group: str) -> str:
        """A group of a locator declared under `locators` (a title's period, a speaker)."""
        row = self.texts.loc[f"{name}.{group}"]
        self.used.append((row["document_id"], int(row["line_start"]), int(row["line_end"])))
        return str(row["text"])

    def yyyymm(self, name: str, group: str) -> int:
        year, month = month_year(self.text(name, group))
        return year * 100 + month

    def fact_years(self, fact_id: str) -> int:
        """Number of calendar years in a fact's period (1991 to 1993 -> 3)."""
        row = self._fact_row(fact_id)
        return int(str(row["period_end"])[:4]) - int(str(row["period_start"])[:4]) + 1

    def namespace(self, frame: pd.DataFrame | None) -> dict:
        names: dict = {
            **self.tables,
            "fact": self.fact,
            "fact_year": self.fact_year,
            "fact_yyyymm": self.fact_yyyymm,
            "yyyymm": self.yyyymm,
            "text": self.text,
            "fact_years": self.fact_years,
            "decimals": decimals,
            "len": len,
            "set": set,
            "range": range,
            "min": min,
            "max": max,
            "abs": abs,
            "int": int,
            "float": float,
            "sorted": sorted,
            "inf": math.inf,
        }
        if frame is not None:
            names.update({column: frame[column] for column in frame.columns})
            names["rows"] = frame
        return names


def decimals(printed: pd.Series | str) -> pd.Series | int:
    """Decimal places of printed numbers ('12.50%' -> 2, '12%' -> 0)."""

    def count(text: str) -> int:
        return len(str(text).rstrip("%").partition(".")[2])

    return printed.map(count) if isinstance(printed, pd.Series) else count(printed)


def _evaluate(expression: str | float | int, names: dict):
    if not isinstance(expression, str):
        return expression
    return eval(expression, {"__builtins__": {}}, names)  # only declared rules are evaluated


def _band(rule: Rule, expected, names: dict, inputs: Inputs) -> tuple[object, object, str]:
    """(allowed_min, allowed_max, text) for observed, from the rule's tolerance."""
    t = rule.tolerance
    if "hedge_of" in t:
        fact_id = t["hedge_of"]
        qualifier = inputs.facts.loc[fact_id, "qualifier"]
        half = inputs.half_unit(fact_id) * t.get("scale", 1)
        width = inputs.hedges[qualifier] * abs(expected)
        lower = {
            "exact": half,
            "approximately": max(width, half),
            "at most": max(width, half),
            "at least": 0.0,
        }[qualifier]
        upper = {
            "exact": half,
            "approximately": max(width, half),
            "at most": 0.0,
            "at least": max(width, half),
        }[qualifier]
        hedge = inputs.facts.loc[fact_id, "hedge_as_printed"]
        text = f"{qualifier} ({'no hedge' if pd.isna(hedge) else hedge})"
        return expected - lower, expected + upper, text
    lower = _evaluate(t.get("below", t.get("absolute", 0)), names)
    upper = _evaluate(t.get("above", t.get("absolute", 0)), names)
    if "relative" in t:
        lower = upper = t["relative"] * abs(expected)
    if "half_unit_of_decimals" in t:
        lower = upper = 0.5 * 10.0 ** -_evaluate(t["half_unit_of_decimals"], names)
    return expected - lower, expected + upper, t.get("text", "")


def _scopes(rule: Rule, inputs: Inputs):
    """Yield (scope label, namespace, rows) for each scope of the rule."""
    if rule.table is None:
        yield rule.scope, inputs.namespace(None), None
        return
    frame = inputs.tables[rule.table]
    if rule.where:
        frame = frame[_evaluate(rule.where, inputs.namespace(frame)).fillna(False).astype(bool)]
    if rule.group_by:
        for key, group in frame.groupby(rule.group_by, sort=True):
            yield rule.scope.format(**{rule.group_by: key}), inputs.namespace(group), group
    else:
        yield rule.scope, inputs.namespace(frame), frame


class RuleError(Exception):
    """A rule that cannot be evaluated on the data (a missing row, a bad expression)."""


def evaluate(rule: Rule, inputs: Inputs) -> list[dict]:
    try:
        return _evaluate_rule(rule, inputs)
    except Exception as error:
        raise RuleError(
            f"reconciliation rule {rule.check_id} could not be evaluated: "
            f"{type(error).__name__}: {error}"
        ) from error


def _evaluate_rule(rule: Rule, inputs: Inputs) -> list[dict]:
    rows = []
    for label, names, frame in _scopes(rule, inputs):
        inputs.used = []
        expected = _evaluate(rule.expected, names)
        observed = _evaluate(rule.observed, names)
        per_row = isinstance(expected, pd.Series) or isinstance(observed, pd.Series)
        if per_row:
            index = (expected if isinstance(expected, pd.Series) else observed).index
            expected = pd.Series(expected, index=index).astype("Float64")
            observed = pd.Series(observed, index=index).astype("Float64")
            low, high, text = _band(rule, expected, names, inputs)
            low = pd.Series(low, index=index).astype("Float64")
            high = pd.Series(high, index=index).astype("Float64")
            for i in index:
                if pd.isna(expected[i]) or pd.isna(observed[i]):
                    continue  # e.g. the first year of a stock-flow identity
                row = frame.loc[i]
                rows.append(
                    _result(
                        rule,
                        rule.scope.format(**row.to_dict()),
                        expected[i],
                        observed[i],
                        low[i],
                        high[i],
                        text,
                        _lines(inputs.used, frame.loc[[i]]),
                        inputs.paths,
                    )
                )
        else:
            low, high, text = _band(rule, expected, names, inputs)
            rows.append(
                _result(
                    rule,
                    label,
                    expected,
                    observed,
                    low,
                    high,
                    text,
                    _lines(inputs.used, frame),
                    inputs.paths,
                )
            )
    return rows


def _lines(used: list, frame: pd.DataFrame | None) -> list[tuple[str, int, int]]:
    """Where a scope's inputs were printed: the table rows per document, then the facts."""
    if frame is None or frame.empty or "document_id" not in frame:
        return list(used)
    first, last = schemas.line_columns(frame)
    rows = [
        (document_id, int(group[first].min()), int(group[last].max()))
        for document_id, group in frame.groupby("document_id", sort=False)
    ]
    return rows + list(used)


def _number(value) -> float:
    return float(value) if value is not None and not pd.isna(value) else math.nan


def _result(
    rule: Rule,
    scope: str,
    expected,
    observed,
    low,
    high,
    tolerance: str,
    lines: list[tuple[str, int, int]],
    paths: dict[str, str],
) -> dict:
    expected, observed = _number(expected), _number(observed)
    low, high = _number(low), _number(high)
    passed = low - 1e-9 <= observed <= high + 1e-9
    known = rule.known_discrepancies.get(scope)
    tolerated = bool(known) or rule.severity == "warning"
    status = STATUS_PASS if passed else (STATUS_KNOWN if tolerated else STATUS_FAIL)
    severity = "warning" if tolerated else "error"
    document_id = lines[0][0] if lines else ""
    same_document = [(s, e) for d, s, e in lines if d == document_id]
    return {
        "check_id": rule.check_id,
        "scope": scope,
        "description": " ".join(rule.description.split()),
        "resources": ", ".join(rule.resources),
        "expected": round(expected, 6),
        "observed": round(observed, 6),
        "difference": round(observed - expected, 6),
        "allowed_min": round(low, 6) if math.isfinite(low) else None,
        "allowed_max": round(high, 6) if math.isfinite(high) else None,
        "tolerance": tolerance,
        "severity": severity,
        "status": status,
        "note": " ".join(known.split())
        if (known and not passed)
        else ("declared as a known discrepancy but it now passes" if known else None),
        "document_id": document_id,
        "line_start": min(s for s, _ in same_document) if same_document else None,
        "line_end": max(e for _, e in same_document) if same_document else None,
        "sources": "; ".join(
            f"{paths.get(d, d)}:{s}" if s == e else f"{paths.get(d, d)}:{s}-{e}"
            for d, s, e in lines
        ),
    }


def reconcile(
    tables: dict[str, pd.DataFrame], declarations: dict, documents: dict[str, RawDocument]
) -> pd.DataFrame:
    inputs = Inputs(tables, declarations, documents)
    rows = [row for rule in parse_rules(declarations) for row in evaluate(rule, inputs)]
    return pd.DataFrame(rows)


def failure_message(rows: pd.DataFrame) -> str:
    """One line per failed scope: rule, numbers, and where they come from."""
    return "; ".join(
        f"{r.check_id} [{r.scope}]: expected {r.expected:g}, observed {r.observed:g} "
        f"(allowed {'-inf' if pd.isna(r.allowed_min) else r.allowed_min} to "
        f"{'inf' if pd.isna(r.allowed_max) else r.allowed_max}) from {r.sources}"
        for r in rows.itertuples()
    )
