"""The rule kinds: one short function per kind, returning the scopes it evaluated. Parameters
are the fields of the models in rules.py, listed in the header of
pipeline/declarations/reconciliation.yaml."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import pandas as pd

from pipeline.extract import hedges
from pipeline.extract.numbers import parse_decimal
from pipeline.reconcile.inputs import Inputs, Reader, RuleError, Scope, defined
from pipeline.reconcile.rules import (
    Band,
    FactShare,
    FactValue,
    MatchesFact,
    MatchesText,
    NonIncreasing,
    Quantity,
    RanksComplete,
    RateOfCounts,
    RowSubset,
    SameMembers,
    SameMonth,
    SameText,
    Sql,
    StockFlow,
    Subset,
    SumsToTotal,
    Tolerance,
    UniquePerGroup,
)

EXACT = "exact"
AT_MOST = "observed <= expected"
AS_PRINTED = "as printed (half a unit of its last digit either way)"
SQL_COLUMNS = ("scope", "expected", "observed", "document_id", "line_start", "line_end")


# --- one scope, values declared as facts or table values ---------------------------------------


def sums_to_total(rule: SumsToTotal, inputs: Inputs) -> list[Scope]:
    """The parts, summed, equal the total within the tolerance (exact by default)."""
    read = inputs.reader()
    expected = read.quantity(rule.total)  # read first: the total's inputs are listed first
    observed = sum(read.quantity(part) for part in rule.parts)
    low, high, text = _band(rule.tolerance, expected, rule.total, read)
    return [read.scope(rule.scope, expected, observed, low, high, text)]


def matches_fact(rule: MatchesFact, inputs: Inputs) -> list[Scope]:
    """A value (another fact, or one value of a table) matches a fact within the tolerance (by
    default the band of the fact's hedge word)."""
    read = inputs.reader()
    fact = FactValue(fact=rule.fact)
    expected = read.quantity(fact)
    observed = read.quantity(rule.observed)
    low, high, text = _band(rule.tolerance, expected, fact, read)
    return [read.scope(rule.scope, expected, observed, low, high, text)]


def matches_text(rule: MatchesText, inputs: Inputs) -> list[Scope]:
    """A value matches a number printed in a text ("60" of "MENA 60%"), within half a unit of
    its last printed digit."""
    read = inputs.reader()
    printed = read.text(rule.text)
    try:
        expected = parse_decimal(printed)
    except ValueError as error:
        raise RuleError(f"text {rule.text!r} is not a printed number: {printed!r}") from error
    half_unit = 0.5 * 10.0 ** -len(printed.partition(".")[2].rstrip("%"))
    observed = read.quantity(rule.observed)
    low, high = expected - half_unit, expected + half_unit
    return [read.scope(rule.scope, expected, observed, low, high, AS_PRINTED)]


def subset(rule: Subset, inputs: Inputs) -> list[Scope]:
    """The parts, summed, do not exceed the whole (observed <= expected)."""
    read = inputs.reader()
    expected = read.quantity(rule.whole)
    observed = sum(read.quantity(part) for part in rule.parts)
    return [read.scope(rule.scope, expected, observed, -math.inf, expected, AT_MOST)]


def same_text(rule: SameText, inputs: Inputs) -> list[Scope]:
    """Two texts of the texts table are the same (observed 1 when they are, expected 1)."""
    read = inputs.reader()
    first, second = (read.text(text_id) for text_id in rule.texts)
    scope = read.scope(rule.scope, 1, int(first == second), 1, 1, EXACT)
    return [dataclasses.replace(scope, texts=(first, second))]


def same_month(rule: SameMonth, inputs: Inputs) -> list[Scope]:
    """Two months (as YYYYMM) are the same: each a month printed in a text, the start or end of
    a fact's period, or the latest month of a table's date column."""
    read = inputs.reader()
    expected = read.month(rule.expected)
    observed = read.month(rule.observed)
    return [read.scope(rule.scope, expected, observed, expected, expected, EXACT)]


def _band(
    tolerance: Tolerance, expected: float, expected_as: Quantity, read: Reader
) -> tuple[float, float, str]:
    """(lowest, highest, wording) of the band observed must fall in; a hedge is the one of the
    fact `expected` was read as."""
    if tolerance == "exact":
        return expected, expected, EXACT
    if isinstance(tolerance, Band):
        below, above = read.side(tolerance.below), read.side(tolerance.above)
        sides = f"expected - {_side(tolerance.below)} and expected + {_side(tolerance.above)}"
        return expected - below, expected + above, f"between {sides}"
    if not isinstance(expected_as, FactValue):
        raise RuleError("tolerance `hedge` needs a fact as the expected value")
    return _hedge_band(expected_as, expected, read.inputs)


def _side(side: float | FactShare) -> str:
    return f"{side.times:g} x {side.fact}" if isinstance(side, FactShare) else f"{side:g}"


def _hedge_band(fact: FactValue, expected: float, inputs: Inputs) -> tuple[float, float, str]:
    """The band the fact's hedge word allows (hedges.yaml), never narrower than half a unit of
    its last printed digit (in the unit the fact is compared in)."""
    row = inputs.fact(fact.fact)  # not listed again: the fact was read as `expected`
    half_unit = 0.5 * float(row["rounding_unit"]) / fact.divided_by
    below, above = hedges.load().band(row["qualifier"], expected, half_unit)
    hedge = "no hedge" if pd.isna(row["hedge_as_printed"]) else row["hedge_as_printed"]
    return expected - below, expected + above, f"{row['qualifier']} ({hedge})"


# --- one scope per row --------------------------------------------------------------------------


def _each_row(
    inputs: Inputs, table: str, frame: pd.DataFrame, scope: str
) -> Iterator[tuple[Reader, pd.Series, str]]:
    """(reader, row, scope label) per row of `frame`: each row is read by a reader of its own,
    so its scope lists its own line."""
    for index in frame.index:
        read = inputs.reader()
        row = read.row(table, frame, index)
        yield read, row, scope.format(**row)


def row_subset(rule: RowSubset, inputs: Inputs) -> list[Scope]:
    """Per row, column `part` does not exceed column `whole` (observed <= expected)."""
    frame = _nonempty(inputs, rule.table)
    scopes = []
    for read, row, label in _each_row(inputs, rule.table, frame, rule.scope):
        expected = read.number(row, rule.whole, label)
        observed = read.number(row, rule.part, label)
        scopes.append(read.scope(label, expected, observed, -math.inf, expected, AT_MOST))
    return scopes


def rate_of_counts(rule: RateOfCounts, inputs: Inputs) -> list[Scope]:
    """Per row, the printed rate (percent) equals 100 x numerator / (sum of the denominator
    columns), within half a unit of the rate's last printed decimal."""
    frame = _nonempty(inputs, rule.table)
    scopes = []
    for read, row, label in _each_row(inputs, rule.table, frame, rule.scope):
        numerator = read.number(row, rule.numerator, label)
        denominator = sum(read.number(row, column, label) for column in rule.denominator)
        if denominator == 0:
            raise RuleError(f"scope {label!r}: {' + '.join(rule.denominator)} is 0")
        expected = 100 * numerator / denominator
        half = 0.5 * 10.0 ** -_decimals(row[rule.rate_as_printed], label)
        observed = read.number(row, rule.rate, label)
        text = "half a unit of the printed last decimal"
        scopes.append(read.scope(label, expected, observed, expected - half, expected + half, text))
    return scopes


def _decimals(printed: object, label: str) -> int:
    """Decimal places of a printed number ('12.50%' -> 2, '12%' -> 0)."""
    if pd.isna(printed):
        raise RuleError(f"scope {label!r}: the printed rate is undefined")
    return len(str(printed).rstrip("%").partition(".")[2])


def stock_flow(rule: StockFlow, inputs: Inputs) -> list[Scope]:
    """Per row in `order_by` order, the stock equals the previous row's stock plus the inflows
    minus the outflows. The remainder (stock that left otherwise) must be between 0 and
    `remainder_at_most` of the previous stock plus the inflows. The first row has no previous
    stock, so the identity is undefined there: it is not a scope."""
    frame = _ordered(_nonempty(inputs, rule.table), rule.order_by)
    scopes = []
    previous: float | None = None
    # each row lists its own line: the previous stock is printed on the line above
    for read, row, label in _each_row(inputs, rule.table, frame, rule.scope):
        stock = read.number(row, rule.stock, label)
        if previous is not None:
            opening = previous + sum(read.number(row, c, label) for c in rule.inflows)
            expected = opening - sum(read.number(row, c, label) for c in rule.outflows)
            low = expected - rule.remainder_at_most * opening
            scopes.append(read.scope(label, expected, stock, low, expected, _remainder(rule)))
        previous = stock
    return scopes


def _remainder(rule: StockFlow) -> str:
    return f"remainder between 0 and {rule.remainder_at_most:g} x (previous stock + inflows)"


def non_increasing(rule: NonIncreasing, inputs: Inputs) -> list[Scope]:
    """Per row, the value of `column` does not exceed the row above's (within each `group_by`
    group; rows in `order_by` order, or as printed). The first row of a group has no row above:
    it is not a scope."""
    scopes = []
    for _, group in _groups(_nonempty(inputs, rule.table), rule.group_by, rule.table):
        rows = _ordered(group, rule.order_by) if rule.order_by else group
        above: float | None = None
        for read, row, label in _each_row(inputs, rule.table, rows, rule.scope):
            value = read.number(row, rule.column, label)
            if above is not None:
                text = "observed <= row above"
                scopes.append(read.scope(label, above, value, -math.inf, above, text))
            above = value
    return scopes


def _nonempty(inputs: Inputs, table: str) -> pd.DataFrame:
    return inputs.select(table, {})


def _ordered(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The rows in `by` order; a missing or repeated key leaves "the row before" undefined."""
    keys = frame[by]
    if keys.isna().any() or keys.duplicated().any():
        repeated = sorted(set(keys[keys.duplicated()].tolist()))
        raise RuleError(f"{by} must be defined and unique to order the rows (repeated: {repeated})")
    return frame.sort_values(by, kind="stable")


# --- one scope per group ------------------------------------------------------------------------


def ranks_complete(rule: RanksComplete, inputs: Inputs) -> list[Scope]:
    """Per group, the ranks run 1, 2, ... n without a gap or a repeat (expected n, the number
    of rows; observed how many of 1..n are present)."""
    scopes = []
    for key, group in _groups(_nonempty(inputs, rule.table), rule.group_by, rule.table):
        read = inputs.reader()
        read.rows(rule.table, group)
        ranks = _defined_column(group, rule.rank, rule.table)
        n = len(group)
        observed = len(set(ranks.tolist()) & set(range(1, n + 1)))
        scopes.append(read.scope(str(key), n, observed, n, n, EXACT))
    return scopes


def unique_per_group(rule: UniquePerGroup, inputs: Inputs) -> list[Scope]:
    """Per group, no value of `column` appears twice (observed: repeated values, expected 0)."""
    scopes = []
    for key, group in _groups(_nonempty(inputs, rule.table), rule.group_by, rule.table):
        read = inputs.reader()
        read.rows(rule.table, group)
        repeated = int(_defined_column(group, rule.column, rule.table).duplicated().sum())
        scopes.append(read.scope(str(key), 0, repeated, 0, 0, EXACT))
    return scopes


def same_members(rule: SameMembers, inputs: Inputs) -> list[Scope]:
    """Per group, the two documents name the same members (observed: members named by only one
    of them, expected 0); a group only one document names fails with all its members."""
    frame = inputs.select(rule.table, rule.where)
    frame = frame[frame["document_id"].isin(rule.documents)]
    if frame.empty:
        raise RuleError(f"{rule.table}: no row from {list(rule.documents)}")
    scopes = []
    for key, group in _groups(frame, rule.group_by, rule.table):
        read = inputs.reader()
        read.rows(rule.table, group)
        members = _defined_column(group, rule.member, rule.table)
        first, second = (set(members[group["document_id"] == d]) for d in rule.documents)
        scopes.append(read.scope(str(key), 0, len(first ^ second), 0, 0, EXACT))
    return scopes


def _groups(
    frame: pd.DataFrame, by: str | None, table: str
) -> Iterator[tuple[object, pd.DataFrame]]:
    """The groups in key order (the whole frame when `by` is None); a row without a key would
    belong to no group, so it is an error."""
    if by is None:
        yield None, frame
        return
    _defined_column(frame, by, table)
    yield from frame.groupby(by, sort=True)


def _defined_column(frame: pd.DataFrame, column: str, table: str) -> pd.Series:
    if column not in frame:
        raise RuleError(f"table {table!r} has no column {column!r}")
    if frame[column].isna().any():
        raise RuleError(f"{table}.{column} has an undefined value")
    return frame[column]


# --- anything else, in SQL ------------------------------------------------------------------


def sql(rule: Sql, inputs: Inputs) -> list[Scope]:
    """Anything else, in SQL over the tables (DuckDB; each table registered by its name). The
    query returns one row per scope: scope, expected, observed, and the document_id, line_start
    and line_end of its input. `tolerance`: exact, or at_most (observed <= expected)."""
    import duckdb  # here, not at the top: only SQL rules pay for importing DuckDB

    with duckdb.connect() as connection:
        for name, frame in inputs.tables.items():
            connection.register(name, frame)
        result = connection.execute(rule.query).df()
    missing = [column for column in SQL_COLUMNS if column not in result]
    if missing or result.empty:
        raise RuleError(f"the query must return rows with {list(SQL_COLUMNS)}; missing {missing}")
    scopes = []
    for row in result.itertuples(index=False):
        expected = defined(row.expected, f"expected of scope {row.scope!r}")
        observed = defined(row.observed, f"observed of scope {row.scope!r}")
        low, text = (expected, EXACT) if rule.tolerance == "exact" else (-math.inf, AT_MOST)
        line = (str(row.document_id), int(row.line_start), int(row.line_end))
        scopes.append(Scope(str(row.scope), expected, observed, low, expected, text, [line]))
    return scopes
