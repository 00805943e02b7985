"""What rules read: the tables by name, facts and texts by id. Each read is recorded with the raw
lines it came from, so every published scope names its sources; an input that is missing,
selects nothing or is undefined (NaN) is an error, never skipped."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline import schemas
from pipeline.extract.dates import load_date_forms
from pipeline.reconcile.rules import (
    FactMonth,
    FactShare,
    FactValue,
    LatestMonth,
    Month,
    Quantity,
    TableSum,
    TableValue,
    TextMonth,
    Where,
    YearOf,
)

Line = tuple[str, int, int]  # document_id, first line, last line


class RuleError(Exception):
    """A rule that cannot be evaluated on the data: a missing table, column, fact or text, a
    selection with no row, an undefined (NaN) value."""


@dataclass(frozen=True)
class Scope:
    """One evaluated scope of a rule: the numbers, the band observed must fall in, the band's
    wording and where the inputs were printed."""

    label: str
    expected: float
    observed: float
    low: float
    high: float
    tolerance: str
    lines: list[Line]
    texts: tuple[str, ...] = ()  # the texts a text comparison read, for its pin


def defined(value: Any, what: str) -> float:
    """`value` as a number; NaN, a missing value or an infinity is an error naming `what`."""
    if value is None or pd.isna(value) or not math.isfinite(float(value)):
        raise RuleError(f"{what} is undefined ({value})")
    return float(value)


def _line_of(row: pd.Series) -> Line:
    return row["document_id"], int(row["line_start"]), int(row["line_end"])


def _lines_of_rows(frame: pd.DataFrame) -> list[Line]:
    """One (document, first line, last line) per document of the rows, in order of appearance.
    Read row by row, not grouped: a scope's rows are few, and a groupby per scope cost more
    than the rules' arithmetic."""
    if "document_id" not in frame:
        return []
    first, last = schemas.line_columns(frame)
    spans: dict[str, tuple[int, int]] = {}
    for document_id, start, end in zip(
        frame["document_id"], frame[first], frame[last], strict=True
    ):
        low, high = spans.get(document_id, (start, end))
        spans[document_id] = (min(low, start), max(high, end))
    return [(document_id, int(low), int(high)) for document_id, (low, high) in spans.items()]


def _yyyymm(date: object, what: str) -> int:
    """'2020-03' or '2020-03-31' -> 202003; a date without its month is an error."""
    if pd.isna(date) or len(str(date)) < 7:
        raise RuleError(f"{what} states no month ({date})")
    return int(str(date)[:4]) * 100 + int(str(date)[5:7])


class Inputs:
    """The tables rules read, by name, with the facts and texts tables indexed by id."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.tables = tables
        self.facts = self.table("facts").set_index("fact_id")
        self.texts = self.table("texts").set_index("text_id")

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise RuleError(f"no table {name!r}")
        return self.tables[name]

    def column(self, frame: pd.DataFrame, table: str, column: str) -> pd.Series:
        if column not in frame:
            raise RuleError(f"table {table!r} has no column {column!r}")
        return frame[column]

    def fact(self, fact_id: str) -> pd.Series:
        if fact_id not in self.facts.index:
            raise RuleError(f"no fact {fact_id!r} in the facts table")
        return self.facts.loc[fact_id]

    def fact_year(self, fact_id: str) -> int:
        """The year a fact is stated for: the year of its period end."""
        end = self.fact(fact_id)["period_end"]
        if pd.isna(end):
            raise RuleError(f"fact {fact_id!r} states no period")
        return int(str(end)[:4])

    def select(self, table: str, where: Where) -> pd.DataFrame:
        """The rows of `table` that `where` selects (all rows by default); none is an error."""
        frame = self.table(table)
        mask = pd.Series(True, index=frame.index)
        for column, condition in where.items():
            values = self.column(frame, table, column)
            if isinstance(condition, YearOf):
                matches = values == self.fact_year(condition.year_of)
            elif isinstance(condition, list):
                matches = values.isin(condition)
            else:
                matches = values == condition
            mask &= matches.fillna(False).astype(bool)
        if not mask.any():
            raise RuleError(f"{table}: {f'where {where}' if where else 'the table'} selects no row")
        return frame[mask]

    def reader(self) -> Reader:
        return Reader(self)


class Reader:
    """Reads one scope's inputs and records where each was printed. Its sources are the table
    rows read (per table and document, in order of appearance), then the facts and texts in the
    order they were read (a fact read twice is listed twice)."""

    def __init__(self, inputs: Inputs):
        self.inputs = inputs
        self._rows: dict[str, pd.DataFrame] = {}
        self._reads: list[Line] = []

    # --- table rows ---------------------------------------------------------------------

    def rows(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Record `frame` (rows of `table`) as inputs of the scope."""
        read = self._rows.get(table)
        merged = frame if read is None else pd.concat([read, frame])
        self._rows[table] = merged[~merged.index.duplicated()]
        return frame

    def row(self, table: str, frame: pd.DataFrame, index: object) -> dict[str, object]:
        """One row as {column: value} (each column keeps its type), recorded as an input."""
        self.rows(table, frame.loc[[index]])
        return {column: frame.at[index, column] for column in frame.columns}

    def number(self, row: dict[str, object], column: str, label: str) -> float:
        if column not in row:
            raise RuleError(f"no column {column!r}")
        return defined(row[column], f"{column} of scope {label!r}")

    # --- facts and texts ----------------------------------------------------------------

    def _fact_row(self, fact_id: str) -> pd.Series:
        row = self.inputs.fact(fact_id)
        self._reads.append(_line_of(row))
        return row

    def fact(self, fact_id: str) -> float:
        return defined(self._fact_row(fact_id)["value"], f"fact {fact_id!r}")

    def fact_years(self, fact_id: str) -> int:
        """Number of calendar years of a fact's period (1991 to 1993 -> 3)."""
        row = self._fact_row(fact_id)
        if pd.isna(row["period_start"]) or pd.isna(row["period_end"]):
            raise RuleError(f"fact {fact_id!r} states no period")
        return int(str(row["period_end"])[:4]) - int(str(row["period_start"])[:4]) + 1

    def text(self, text_id: str) -> str:
        if text_id not in self.inputs.texts.index:
            raise RuleError(f"no text {text_id!r} in the texts table")
        row = self.inputs.texts.loc[text_id]
        self._reads.append(_line_of(row))
        return str(row["text"])

    # --- declared values ----------------------------------------------------------------

    def quantity(self, quantity: Quantity) -> float:
        """The value a declaration names: a fact, one value or a sum of a table, a number."""
        if isinstance(quantity, FactValue):
            value = self.fact(quantity.fact) / quantity.divided_by
            if quantity.times_years_of_period:
                value *= self.fact_years(quantity.fact)
            return value
        if isinstance(quantity, TableValue):
            return self._table_value(quantity)
        if isinstance(quantity, TableSum):
            return self._table_sum(quantity)
        return float(quantity)

    def _table_value(self, quantity: TableValue) -> float:
        frame = self.rows(quantity.table, self.inputs.select(quantity.table, quantity.where))
        values = self.inputs.column(frame, quantity.table, quantity.value_of).drop_duplicates()
        what = f"{quantity.table}.{quantity.value_of}"
        if len(values) != 1:
            raise RuleError(f"{what} holds {len(values)} values in the selected rows, not one")
        return defined(values.iloc[0], what)

    def _table_sum(self, quantity: TableSum) -> float:
        frame = self.rows(quantity.table, self.inputs.select(quantity.table, quantity.where))
        values = self.inputs.column(frame, quantity.table, quantity.sum_of)
        if values.isna().any():
            raise RuleError(f"{quantity.table}.{quantity.sum_of} has an undefined value to sum")
        return float(values.sum())

    def side(self, side: float | FactShare) -> float:
        """One side of a band: a number, or a share of a fact (read as an input)."""
        if isinstance(side, FactShare):
            return side.times * self.fact(side.fact)
        return float(side)

    def month(self, month: Month) -> int:
        """A month as YYYYMM, from a text, a fact's period or a table's date column."""
        if isinstance(month, TextMonth):
            printed = self.text(month.text)
            try:
                year, number = load_date_forms().month(printed)
            except ValueError as error:
                raise RuleError(f"text {month.text!r} is not a month and year") from error
            return year * 100 + number
        if isinstance(month, FactMonth):
            date = self._fact_row(month.fact)[f"period_{month.period}"]
            return _yyyymm(date, f"the period {month.period} of fact {month.fact!r}")
        return self._latest_month(month)

    def _latest_month(self, month: LatestMonth) -> int:
        frame = self.rows(month.table, self.inputs.select(month.table, {}))
        dates = self.inputs.column(frame, month.table, month.latest)
        if dates.isna().any():
            raise RuleError(f"{month.table}.{month.latest} has an undefined date")
        return _yyyymm(dates.max(), f"{month.table}.{month.latest}")

    # --- the result ---------------------------------------------------------------------

    def lines(self) -> list[Line]:
        table_lines = [line for frame in self._rows.values() for line in _lines_of_rows(frame)]
        return table_lines + self._reads

    def scope(
        self, label: str, expected: float, observed: float, low: float, high: float, text: str
    ) -> Scope:
        return Scope(
            label, float(expected), float(observed), float(low), float(high), text, self.lines()
        )
