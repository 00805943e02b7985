"""Which row publishes a number: the test `claimed` (also used by tests/mutation_run.py) and an
index of the rows of the tables that read the raw text, by document and line.

A row publishes a token when the row was read from the token's line (its document and line
range cover it) and the token is, or is part of, one of the row's values:

- a numeric cell equals the number the token states, in one of its readings ("$1.24 billion"
  is 1240000000 - or 1.24 in a table counting in billions);
- a date cell (a period's start or end, a start or end date, ISO 8601) is of the year the
  token prints ("2018" and a period_start 2018-06), or of the day it prints next to the
  date's month, in a form declared in declarations/date_forms.yaml ("5 March" and a
  period_end 2020-03-05);
- a text cell that is a value as printed (`value_as_printed`, `date_as_printed`, a name as
  printed ...) stands at the row's lines and spans the token;
- or, for a range, the rows of one table whose values are its bounds together ("60-70%" and the
  two facts of its lower and upper bound).

A quote is no value: a number that lies only inside a row's quote ("In 2018 Canada became the
world's top country ...", a footnote marker, "Fig. 1") is not published by it, and is either
published by a value of some row or skipped by a declared rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

import pandas as pd

from pipeline import schemas
from pipeline.extract.dates import load_date_forms
from pipeline.extract.numbers import SCALES
from pipeline.reconcile.coverage.scan import Token
from pipeline.sources.text import RawDocument

# Where a row was read from is provenance, not a value it publishes: a line number that equals
# a number printed on that line must not account for it.
PROVENANCE = frozenset(
    {
        "line",
        "line_start",
        "line_end",
        "value_line",
        "date_line",
        "quote_line_start",
        "quote_line_end",
    }
)
# Nor is a value derived from how a number is printed: a fact's rounding unit (1 for "twice")
# must not account for a "1" or a "first" printed elsewhere on its lines.
DERIVED = frozenset({"rounding_unit"})
# Cells holding an ISO 8601 date read from the text: they publish the year they print.
DATES = frozenset({"period_start", "period_end", "start_date", "end_date"})
# Text cells that are a value as the source prints it, besides every `*_as_printed` column: a
# name printed with a number in it ("Migration Five (M5)"). Every other text cell - a quote,
# an indicator, a title - publishes no number.
NAMES = frozenset({"group_name"})
# Where a row says it read a value: the line of the columns each names. Of rows of equal value,
# the one that read it from the token's line is credited ("zero in 2018, and / zero in 2019").
READ_AT = {
    "value_line": frozenset({"value", "value_as_printed"}),
    "date_line": frozenset({"date_start", "date_end", "date_as_printed"}),
}
# How a reason names a column ("the value of facts:x", "the period of facts:x").
COLUMN_WORDS = {
    "value": "value",
    "value_as_printed": "value",
    "period_start": "period",
    "period_end": "period",
    "start_date": "start date",
    "end_date": "end date",
    "date_as_printed": "date",
    "group_name": "name",
}
_YEAR = re.compile(r"([0-9]{4})(?:-[0-9]{2}(?:-[0-9]{2})?)?")
_DAY = re.compile(r"[0-9]{4}-([0-9]{2})-([0-9]{2})")


def _number(value: float) -> float:
    """A number as compared: to six decimals, so that 1.24 * 10**9 computed in floating point
    equals 1240000000."""
    return round(value, 6)


def numbers_of(row: dict) -> dict[float, str]:
    """The row's numeric values, each with the first column that holds it."""
    found: dict[float, str] = {}
    for column, cell in row.items():
        if column in PROVENANCE | DERIVED or not _numeric(cell):
            continue
        found.setdefault(_number(float(cell)), column)
    return found


def _printed_times(line: str, text: str) -> int:
    """How many times `text` stands on a line as a token of its own."""
    return len(re.findall(rf"(?<![\w.,]){re.escape(text)}(?![\w])", line))


def _numeric(cell: object) -> bool:
    """A finite number (not a boolean) in a cell."""
    return isinstance(cell, int | float) and not isinstance(cell, bool) and math.isfinite(cell)


def years_of(row: dict) -> dict[int, str]:
    """The years of the row's date cells, each with the first column that holds it."""
    found: dict[int, str] = {}
    for column in sorted(DATES & row.keys(), key=list(row).index):
        cell = row[column]
        if isinstance(cell, str) and (match := _YEAR.fullmatch(cell)):
            found.setdefault(int(match.group(1)), column)
    return found


def days_of(row: dict) -> dict[tuple[int, int], str]:
    """The (month, day) of the row's date cells precise to the day, each with its column."""
    found: dict[tuple[int, int], str] = {}
    for column in sorted(DATES & row.keys(), key=list(row).index):
        cell = row[column]
        if isinstance(cell, str) and (match := _DAY.fullmatch(cell)):
            found.setdefault((int(match.group(1)), int(match.group(2))), column)
    return found


@cache
def _days_printed(document: RawDocument) -> dict[int, tuple[int, int]]:
    # Once per document, however many of its tokens are asked about.
    return load_date_forms().days_printed(document.flat_text)


def _printed_day(token: Token, document: RawDocument) -> tuple[int, int] | None:
    """The (month, day) a token prints as a day next to its month, in a form declared in
    date_forms.yaml ("5 March, 2020", "July 1st")."""
    if token.kind not in ("digits", "ordinal"):
        return None  # a range, an amount, a number glued to a word: no day
    return _days_printed(document).get(token.start)


def is_value_text(column: str) -> bool:
    return column.endswith("_as_printed") or column in NAMES


def value_texts(row: dict) -> dict[str, str]:
    """The row's text cells that are values as printed (line breaks as one space)."""
    return {
        column: " ".join(cell.split())
        for column, cell in row.items()
        if is_value_text(column) and isinstance(cell, str) and cell
    }


def _scale_after(line: str, end: int) -> int:
    following = re.match(r"\s+([a-z]+)", line[end:])
    return SCALES.get(following.group(1), 1) if following else 1


def claimed(rows: list[dict], line: str, start: int, end: int) -> bool:
    """Whether a row read from `line` publishes the number at line[start:end] as one of its
    values: a numeric cell equal to it (scaled by a "million" printed after it), a date cell
    of its year, or a value-as-printed text cell holding it. A quote does not publish it. The
    text test looks for the number with a few characters either side, so that the "2" of
    "2019" elsewhere in a value does not count; `PublishingRow.publishes` places texts exactly
    instead."""
    printed = line[start:end]
    window = " ".join(line[max(start - 8, 0) : end + 8].split())  # as value_texts joins them
    try:
        value = float(printed.replace(",", ""))
    except ValueError:
        value = None
    for row in rows:
        if any(window in text for text in value_texts(row).values()):
            return True
        if value is None:
            continue
        scaled = {_number(value), _number(value * _scale_after(line, end))}
        if scaled & numbers_of(row).keys():
            return True
        if re.fullmatch(r"[0-9]{4}", printed) and int(printed) in years_of(row):
            return True
    return False


@dataclass(frozen=True)
class PublishingRow:
    """A row of a table that reads the raw text, with what it publishes."""

    table: str
    key: str  # the row's primary key values joined by "|"
    document_id: str
    first_line: int
    last_line: int
    row: dict
    key_columns: tuple[str, ...] = ()

    @cached_property
    def numbers(self) -> dict[float, str]:
        return numbers_of(self.row)

    @cached_property
    def years(self) -> dict[int, str]:
        return years_of(self.row)

    @cached_property
    def days(self) -> dict[tuple[int, int], str]:
        return days_of(self.row)

    @cached_property
    def texts(self) -> dict[str, str]:
        return value_texts(self.row)

    @property
    def label(self) -> str:
        return f"{self.table}:{self.key}"

    def covers(self, token: Token) -> bool:
        """Whether the row was read from the token's line (and did not leave it out)."""
        return self.first_line <= token.line <= self.last_line and token.line not in self.skipped

    def publishes(
        self, token: Token, document: RawDocument, series: bool, dates: bool = True
    ) -> str | None:
        """The column of the row whose value the token is (or is part of), or None; with
        `dates` false, never a date cell nor a value as printed that is the token alone."""
        if token.line in self.skipped:
            return None
        for reading in token.readings:
            numbers = {_number(n) for n in reading}
            if numbers <= self.numbers.keys():
                return self.numbers[min(numbers)]
        year = int(token.text) if re.fullmatch(r"[0-9]{4}", token.text) else None
        if dates and token.kind == "digits" and (column := self.years.get(year or 0)) is not None:
            return column
        in_days = dates and self.days and not series
        if in_days and (day := _printed_day(token, document)) in self.days:
            return self.days[day]
        for column, text in self.texts.items():
            if series and token.text == text:  # a CSV cell: a code, a printed value
                return column
            bare = text == token.text  # "2018" alone: not placed, a date like any other
            if not series and (dates or not bare) and self._text_covers(text, token, document):
                return column
        return None

    def quote_holds(self, token: Token, document: RawDocument) -> bool:
        """Whether the token lies inside the row's quote where the text prints it: of two rows
        read from one paragraph, the one whose sentence prints the number publishes it. The
        quote stands at the row's lines, or at `quote_line_start`-`quote_line_end` where a row
        publishes from one line of a longer quote (an event's date line)."""
        quote = self.row.get("quote")
        if not isinstance(quote, str):
            return False
        first = int(self.row.get("quote_line_start", self.first_line))
        last = int(self.row.get("quote_line_end", self.last_line))
        return self._spans_token(quote, token, document, first, last)

    def reads_here(self, token: Token, column: str, document: RawDocument) -> bool:
        """Whether the row says it read `column` from the token's line (`value_line`,
        `date_line`) and the line prints the token once (a line says nothing of the place)."""
        if _printed_times(document.line(token.line), token.text) != 1:
            return False
        return any(
            column in columns and self.row.get(line_column) == token.line
            for line_column, columns in READ_AT.items()
        )

    def labels(self, token: Token, document: RawDocument) -> bool:
        """Whether a value as printed of the row stands right before the token on its line
        (only white space between): "Stateless 235" is Stateless's cell of a printed table,
        not that of another row of the line with the same number ("Yemen 235")."""
        before = " ".join(document.line(token.line)[: token.column - 1].split())
        return any(
            text != token.text and re.search(rf"(?:^|\s){re.escape(text)}$", before)
            for text in self.texts.values()
        )

    def cell_after_label(self, column: str) -> str:
        """The column of a value printed after the row's label: of the columns holding the
        value, the first that is no part of the key (the key - a rank, a year - is printed
        once for the line, not after each label)."""
        value = _number(float(self.row[column]))
        for name, cell in self.row.items():
            if name in self.key_columns or name in PROVENANCE | DERIVED or not _numeric(cell):
                continue
            if _number(float(cell)) == value:
                return name
        return column

    def places(self, token: Token, document: RawDocument) -> bool:
        """Whether a value as printed of the row spans the token and more ("March, 2020" for
        its "2020"): placed where the text prints it, not a coincidence of years."""
        return any(
            text != token.text and self._text_covers(text, token, document)
            for text in self.texts.values()
        )

    @cached_property
    def skipped(self) -> frozenset[int]:
        """Lines the row's quote leaves out (a fact's `lines_skipped`: figure labels, a
        footnote printed inside its sentence); they publish nothing."""
        text = self.row.get("lines_skipped")
        if not isinstance(text, str) or not text:
            return frozenset()
        return frozenset(int(number) for number in text.split("; "))

    def _text_covers(self, text: str, token: Token, document: RawDocument) -> bool:
        """Whether an occurrence of `text` within the row's lines spans the token."""
        return token.text in text and self._spans_token(
            text, token, document, self.first_line, self.last_line
        )

    def _spans_token(
        self, text: str, token: Token, document: RawDocument, first: int, last: int
    ) -> bool:
        """Whether `text`, where it stands starting within lines first..last (in the text
        without the lines the row skipped), spans the token."""
        if token.line in self.skipped:
            return False
        start, end = token.start, token.end
        if self.skipped:
            document = _without(document, self.skipped)
            start = document.offset_of(token.line, token.column)
            end = start + token.end - token.start
        return any(s <= start and end <= e for s, e in _spans_within(text, document, first, last))


@dataclass(frozen=True)
class Claim:
    """The row(s) that publish a token, and the column whose value it is: one row, or the rows
    of one table whose values are the bounds of a printed range."""

    rows: tuple[PublishingRow, ...]
    column: str

    @property
    def label(self) -> str:
        return "; ".join(row.label for row in self.rows)

    @property
    def reason(self) -> str:
        what = COLUMN_WORDS.get(self.column, self.column.replace("_", " "))
        if len(self.rows) == 1:
            return f"the {what} of {self.label}"
        labels = " and ".join(row.label for row in self.rows)
        return f"a range whose bounds are the {what}s of {labels}"


@cache
def _without(document: RawDocument, lines: frozenset[int]) -> RawDocument:
    return document.hiding(lines)


@cache
def _spans_within(
    text: str, document: RawDocument, first: int, last: int
) -> tuple[tuple[int, int], ...]:
    """Where a text stands in the flattened text, starting within lines first..last. Any white
    space where the text has a space: a cell is stored with single spaces, the source may
    print a no-break space ("August\xa016, 2022") or a line break."""
    pattern = r"\s+".join(map(re.escape, text.split()))
    return tuple(
        found.span()
        for found in re.finditer(pattern, document.flat_text)
        if first <= document.line_at(found.start()) <= last
    )


def publishing_rows(tables: dict[str, pd.DataFrame]) -> dict[str, list[PublishingRow]]:
    """Per document, the rows that publish numbers: rows of every given table that carry a
    document and lines, keyed by the table's primary key."""
    by_document: dict[str, list[PublishingRow]] = {}
    for name, frame in tables.items():
        if "document_id" not in frame or not ({"line_start", "line"} & set(frame.columns)):
            continue
        key_fields = schemas.load(name).primary_key
        first, last = schemas.line_columns(frame)
        for row in frame.to_dict("records"):
            key = "|".join(_key_text(row[field]) for field in key_fields)
            by_document.setdefault(row["document_id"], []).append(
                PublishingRow(
                    name,
                    key,
                    row["document_id"],
                    int(row[first]),
                    int(row[last]),
                    row,
                    tuple(key_fields),
                )
            )
    return by_document


def _key_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _range_claim(rows: list[PublishingRow], token: Token) -> Claim | None:
    """The rows of one table (the first in order) whose values are the bounds of a range, each
    bound the value of its own row ("60-70%": the lower and the upper bound's facts)."""
    for reading in token.readings:
        if len(reading) < 2:
            continue
        for table in dict.fromkeys(row.table for row in rows):
            candidates = [row for row in rows if row.table == table]
            found = []
            for bound in sorted(_number(n) for n in reading):
                row = next((row for row in candidates if bound in row.numbers), None)
                if row is None:
                    break
                if row not in found:
                    found.append(row)
            else:
                column = found[0].numbers[min(_number(n) for n in reading)]
                return Claim(tuple(found), column)
    return None


def first_publisher(
    rows: Iterable[PublishingRow],
    token: Token,
    document: RawDocument,
    series: bool,
    dates: bool = True,
) -> Claim | None:
    """What publishes the token: a row one of whose values it is, or else the rows whose values
    are its bounds. Of several rows (tables in the order given), the one that reads that
    occurrence, by position: the first of a row with a value as printed that spans the token
    and more ("August 16, 2022", "2019 to 2020": placed, not a coincidence of years), a row
    whose printed label stands right before it on its line (a printed table's cell), a row
    that says it read the value from the token's line (`value_line`, `date_line`), a row whose
    quote holds the token, any row. A quote only chooses between rows; it never publishes a
    number by itself. With `dates` false, no date cell publishes it (a cited work's year)."""
    covering = [row for row in rows if row.covers(token)]
    found = [
        Claim((row,), column)
        for row in covering
        if (column := row.publishes(token, document, series, dates)) is not None
    ]
    if not found:
        return _range_claim(covering, token)
    if len(found) == 1:
        return found[0]
    placed = (c for c in found if c.rows[0].places(token, document))
    labelled = (
        Claim(c.rows, c.rows[0].cell_after_label(c.column))
        for c in found
        if c.rows[0].labels(token, document)
    )
    read_here = (c for c in found if c.rows[0].reads_here(token, c.column, document))
    quoted = (c for c in found if c.rows[0].quote_holds(token, document))
    return (
        next(placed, None)
        or next(labelled, None)
        or next(read_here, None)
        or next(quoted, None)
        or found[0]
    )
