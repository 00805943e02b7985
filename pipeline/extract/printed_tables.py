"""The generic parser of printed tables declared in YAML (sources/<document_id>/tables.yaml).

A regular printed table is a caption, a header (the label column's heading, then the printed
labels of the cell columns, in any order and over one or more lines), rows of a label and one
cell per column, and a line that ends it (a source line). The declaration says how each is
printed; this module reads every such table the same way, and anything unexpected raises a
SourceError naming the file and line. No number is declared: captions, headers and cells are
read from raw/ at build time; the caption's and header's named groups become columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import field_validator

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import dates, locate
from pipeline.extract.numbers import (
    first_day,
    last_day,
    month_number,
    parse_decimal,
    parse_integer,
)
from pipeline.sources.text import RawDocument

# How a row's label is printed, besides text (the words before the first token with a digit,
# "Dominican Republic"): a year ("2019"), or a year with the month it runs to ("2020 (March)"),
# which gives the row a period.
YEAR_LABELS = {
    "year": re.compile(r"^(?P<label>[0-9]{4}) (?P<cells>.+)$"),
    "year_to_month": re.compile(
        r"^(?P<label>[0-9]{4})(?: \((?P<month>[A-Z][a-z]+)\))? (?P<cells>.+)$"
    ),
}
# The caption group giving the first month of a `year_to_month` table ("Jan 2013"): the first
# row's period starts there instead of in January.
PERIOD_FROM = "period_from"


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a regular expression ({error}): {pattern}") from None
    return pattern


class LabelColumn(strict_yaml.Declared):
    """The first column: its heading as printed, the column it fills and how it is printed."""

    printed: str
    column: str
    cell: Literal["text", "year", "year_to_month"]


class CellColumn(strict_yaml.Declared):
    """A column of cells: its label as printed in the header, the column it fills, how a cell
    is printed ('1,234', '37.1', '36.5%'), and optionally a column keeping the cell as printed."""

    printed: str
    column: str
    cell: Literal["integer", "decimal", "percent"]
    as_printed: str | None = None


class Balance(strict_yaml.Declared):
    """A column the printed ones imply, row by row: the previous row's `previous`, plus `add`,
    minus `subtract` (what a stock-and-flow table leaves unexplained); empty on the first row."""

    column: str
    previous: str
    add: list[str]
    subtract: list[str]


class PrintedTable(strict_yaml.Declared):
    name: str  # the table it gives (schemas/<name>.yaml declares its fields, types and units)
    caption: str  # matched against one line; its named groups become columns of every row
    label: LabelColumn
    columns: list[CellColumn]
    in_header: str | None = None  # printed in the header beside the labels; groups -> columns
    ends: str  # the line after the last row (the table's source line)
    order: str | None = None  # a column numbering the rows as printed (1 = first)
    countries: bool = False  # the labels name countries: harmonised to ISO3 as `name`
    balance: Balance | None = None

    @field_validator("caption", "in_header", "ends")
    @classmethod
    def regular_expression(cls, value: str | None) -> str | None:
        return value if value is None else _compiles(value)

    @property
    def extracted_name(self) -> str:
        """The asset of the table as printed: the table itself unless its countries are then
        harmonised (`<name>_extracted`, then `<name>`)."""
        return f"{self.name}_extracted" if self.countries else self.name


class TablesFile(locate.LocatorFile):
    tables: list[PrintedTable]


@dataclass(frozen=True)
class DeclaredTable:
    """A printed table and the document whose tables.yaml declares it."""

    source: locate.Sourced[TablesFile]
    table: PrintedTable

    def read(self, documents: dict[str, RawDocument]) -> pd.DataFrame:
        return parse(self.source.document(documents), self.table)


@cache
def load_tables(root: Path = locate.DECLARATIONS) -> tuple[DeclaredTable, ...]:
    """Every declared printed table, in document order; a table name is declared once over
    all documents."""
    found: list[DeclaredTable] = []
    for source in locate.load_sources(TablesFile, "tables", root):
        for table in source.declarations.tables:
            if table.name in {declared.table.name for declared in found}:
                line = strict_yaml.line_of_value(
                    root / locate.SOURCES / source.document_id / "tables.yaml", "name", table.name
                )
                raise SourceError(source.path, line, "a table name declared once", table.name)
            found.append(DeclaredTable(source, table))
    return tuple(found)


def _caption(doc: RawDocument, table: PrintedTable) -> tuple[int, dict[str, str]]:
    pattern = re.compile(table.caption)
    lines = [n for n, text in enumerate(doc.lines, start=1) if pattern.search(text)]
    if len(lines) != 1:
        found = f"lines {lines[0]} and {lines[1]}" if lines else "no line"
        raise SourceError(
            doc.path,
            lines[1] if lines else None,
            f"one caption of {table.name} matching '{table.caption}'",
            found,
        )
    match = pattern.search(doc.line(lines[0]))
    assert match is not None
    return lines[0], {k: v for k, v in match.groupdict().items() if v is not None}


def _header(
    doc: RawDocument, table: PrintedTable, caption_line: int
) -> tuple[int, list[CellColumn], dict[str, str]]:
    """The last line of the header, its cell columns in printed order and the groups of
    `in_header`. The header runs from the line starting with the label's heading to a blank
    line or the first row."""
    heading = rf"^\s*{re.escape(table.label.printed)}(?:\s|$)"
    first = doc.find_line(
        heading, f"the header of {table.name} ('{table.label.printed} ...')", start=caption_line
    )
    last = first
    while last < len(doc.lines) and (following := doc.line(last + 1).strip()):
        label, _, cells = split_row(following, table.label.cell)
        if label and len(cells) == len(table.columns):
            break  # the first row, printed right under the header
        last += 1
    text = " ".join(doc.line(n).strip() for n in range(first, last + 1))
    text = text.strip().removeprefix(table.label.printed).strip()
    groups: dict[str, str] = {}
    if table.in_header:
        match = re.search(table.in_header, text)
        if not match:
            raise SourceError(
                doc.path, first, f"the header of {table.name} to print '{table.in_header}'", text
            )
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        text = text[: match.start()] + text[match.end() :]
    by_label = {column.printed: column for column in table.columns}
    # Longest labels first, so a label inside another ("Rate" in "Rate of ...") is not cut out.
    alternatives = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True))
    printed = re.findall(alternatives, text)
    rest = re.sub(alternatives, "", text).strip()
    if rest or sorted(printed) != sorted(by_label):
        raise SourceError(
            doc.path,
            first,
            f"a header of {table.name} made of the columns {list(by_label)}, each once",
            text.strip(),
        )
    return last, [by_label[label] for label in printed], groups


def cell_value(printed: str, cell: str) -> float | int:
    """A cell as printed ('1,234', '37.1', '36.5%') read as its kind of cell; ValueError when
    it is printed otherwise (a % sign where none belongs, or none where one does)."""
    if printed.endswith("%") != (cell == "percent"):
        raise ValueError(f"{printed!r} is no {cell}")
    return parse_integer(printed) if cell == "integer" else parse_decimal(printed)


def _cell(doc: RawDocument, line: int, column: CellColumn, printed: str) -> float | int:
    try:
        return cell_value(printed, column.cell)
    except ValueError:
        sign = ", with a % sign" if column.cell == "percent" else ", without a % sign"
        raise SourceError(
            doc.path,
            line,
            f"{column.cell} in column {column.column} ('{column.printed}'){sign}",
            printed,
        ) from None


def _period(
    doc: RawDocument, line: int, year: int, month: str | None, starts: tuple[int, int] | None
) -> dict[str, str]:
    """A `year_to_month` row's period: the year, or up to its month; the caption's first month
    starts the first year."""
    try:
        start_month = starts[1] if starts and year == starts[0] else 1
        end_month = month_number(month) if month else 12
        return {
            "period_start": first_day(year, start_month),
            "period_end": last_day(year, end_month),
        }
    except ValueError:
        raise SourceError(
            doc.path, line, "a year and a month name, e.g. '2020 (March)'", doc.line(line).strip()
        ) from None


def split_row(text: str, cell: str) -> tuple[str, str | None, list[str]]:
    """A row's label, the month of a `year_to_month` label, and its cells; an empty label when
    the row does not start with one."""
    if cell == "text":
        tokens = text.split()
        first_cell = next((i for i, token in enumerate(tokens) if re.search(r"\d", token)), 0)
        return " ".join(tokens[:first_cell]), None, tokens[first_cell:]
    match = YEAR_LABELS[cell].match(text)
    if not match:
        return "", None, []
    return match["label"], match.groupdict().get("month"), match["cells"].split()


def _constant(value: str) -> str | int:
    """A caption's or header's group as a column value: digits as a number (a year)."""
    return int(value) if value.isdigit() else value


def parse(doc: RawDocument, table: PrintedTable) -> pd.DataFrame:
    """The declared table read from the document: one row per printed row, with its line."""
    caption_line, caption_groups = _caption(doc, table)
    starts: tuple[int, int] | None = None
    if PERIOD_FROM in caption_groups:
        try:
            starts = dates.load_date_forms().month(caption_groups.pop(PERIOD_FROM))
        except ValueError:
            raise SourceError(
                doc.path,
                caption_line,
                "a caption period starting 'Mon YYYY'",
                doc.line(caption_line),
            ) from None
    last, columns, header_groups = _header(doc, table, caption_line)
    constants = {k: _constant(v) for k, v in {**caption_groups, **header_groups}.items()}
    ends = re.compile(table.ends)
    rows: list[dict] = []
    for number in range(last + 1, len(doc.lines) + 1):
        text = doc.line(number).strip()
        if ends.search(text):
            break
        if not text:
            continue
        label, month, cells = split_row(text, table.label.cell)
        if not label or len(cells) != len(columns):
            raise SourceError(
                doc.path,
                number,
                f"a row of {table.name}: a {table.label.cell} label, then "
                f"{len(columns)} cells ({', '.join(c.printed for c in columns)})",
                text,
            )
        row: dict = {table.label.column: label if table.label.cell == "text" else int(label)}
        if table.label.cell == "year_to_month":
            row.update(_period(doc, number, int(label), month, starts))
        if table.order:
            row[table.order] = len(rows) + 1
        for column, printed in zip(columns, cells, strict=True):
            row[column.column] = _cell(doc, number, column, printed)
            if column.as_printed:
                row[column.as_printed] = printed
        rows.append(
            {
                **row,
                **constants,
                "document_id": doc.document_id,
                "line_start": number,
                "line_end": number,
            }
        )
    else:
        raise SourceError(
            doc.path, len(doc.lines), f"the line closing {table.name} ('{table.ends}')"
        )
    if not rows:
        raise SourceError(doc.path, last, f"at least one row under the header of {table.name}")
    frame = pd.DataFrame(rows)
    if table.balance:
        frame[table.balance.column] = _balance(frame, table.balance)
    return frame


def _balance(frame: pd.DataFrame, balance: Balance) -> pd.Series:
    implied = frame[balance.previous].shift(1)
    for column in balance.add:
        implied = implied + frame[column]
    for column in balance.subtract:
        implied = implied - frame[column]
    return implied.astype("Int64")
