"""Which row publishes a number: the test `claimed` (also used by tests/mutation_run.py) and an
index of the rows of the tables that read the raw text, by document and line.

A row publishes a token when the row was read from the token's line (its document and line
range cover it) and either one of its numeric cells equals the token's number, or the token
lies inside one of its text cells (a quote, a value as printed) where that text stands in the
document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

import pandas as pd

from pipeline import schemas
from pipeline.coverage.scan import Token
from pipeline.text import RawDocument

# Where a row was read from is provenance, not a value it publishes: a line number that equals
# a number printed on that line must not account for it.
PROVENANCE = frozenset({"line", "line_start", "line_end", "value_line", "date_line"})
# Nor is a value derived from how a number is printed: a fact's rounding unit (1 for "twice")
# must not account for a "1" or a "first" printed elsewhere on its lines.
DERIVED = frozenset({"rounding_unit"})


def numbers_of(row: dict) -> set[float]:
    return {
        float(cell)
        for column, cell in row.items()
        if column not in PROVENANCE | DERIVED
        and isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and math.isfinite(cell)
    }


def texts_of(row: dict) -> list[str]:
    return [" ".join(cell.split()) for cell in row.values() if isinstance(cell, str) and cell]


def claimed(rows: list[dict], line: str, start: int, end: int) -> bool:
    """Whether a row read from `line` publishes the number at line[start:end]: as one of its
    numbers, or inside one of its texts (a quote, a value as printed). The text test looks for
    the number with a few characters either side, so that the "2" of "2019" elsewhere in a
    quote does not count; `PublishingRow.publishes` places texts exactly instead."""
    printed = line[start:end]
    window = line[max(start - 8, 0) : end + 8].strip()
    try:
        value = float(printed.replace(",", ""))
    except ValueError:
        value = None
    for row in rows:
        if any(window in text for text in texts_of(row)):
            return True
        if value is not None and value in numbers_of(row):
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

    @cached_property
    def numbers(self) -> set[float]:
        return numbers_of(self.row)

    @cached_property
    def texts(self) -> list[str]:
        return texts_of(self.row)

    @property
    def label(self) -> str:
        return f"{self.table}:{self.key}"

    def publishes(self, token: Token, document: RawDocument, series: bool) -> bool:
        if token.line in self.skipped:
            return False
        if token.values and token.values <= self.numbers:
            return True
        if series:  # a CSV cell: its text as a cell of the row (a code, a printed value)
            return token.text in self.texts
        return any(self._text_covers(text, token, document) for text in self.texts)

    @cached_property
    def skipped(self) -> frozenset[int]:
        """Lines the row's quote leaves out (a fact's `lines_skipped`: figure labels, a
        footnote printed inside its sentence); they publish nothing."""
        text = self.row.get("lines_skipped")
        if not isinstance(text, str) or not text:
            return frozenset()
        return frozenset(int(number) for number in text.split("; "))

    def _text_covers(self, text: str, token: Token, document: RawDocument) -> bool:
        """Whether an occurrence of `text` within the row's lines spans the token (in the text
        without the lines the row skipped, where its quote stands whole)."""
        if token.text not in text or token.line in self.skipped:
            return False
        start, end = token.start, token.end
        if self.skipped:
            document = _without(document, self.skipped)
            start = document.offset_of(token.line, token.column)
            end = start + token.end - token.start
        for found in re.finditer(re.escape(text), document.flat_text):
            spans = found.start() <= start and end <= found.end()
            if spans and self.first_line <= document.line_at(found.start()) <= self.last_line:
                return True
        return False


@cache
def _without(document: RawDocument, lines: frozenset[int]) -> RawDocument:
    return document.hiding(lines)


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
                PublishingRow(name, key, row["document_id"], int(row[first]), int(row[last]), row)
            )
    return by_document


def _key_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def first_publisher(
    rows: Iterable[PublishingRow], token: Token, document: RawDocument, series: bool
) -> PublishingRow | None:
    """The first row (tables in the order given) that publishes the token."""
    for row in rows:
        if row.first_line <= token.line <= row.last_line and row.publishes(token, document, series):
            return row
    return None
