"""Independent statistical series, read from their CSV snapshots in raw/: RCMP interceptions
per month and province, UNHCR resettlement arrivals to Canada per year and country of origin.

Each physical line of the file is one record (the extracts quote nothing), so a row carries the
line it was read from. The header must be exactly the expected columns; a cell that does not
match its column's form, a repeated key or a record that contradicts the rest of the series is
a SourceError naming the raw file and the line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipeline.errors import SourceError
from pipeline.sources.text import RawDocument

RCMP_TOTAL = "Total - RCMP"  # the series' row for Canada as a whole, next to each province


@dataclass(frozen=True)
class Column:
    """A column of a CSV series: its header, the form of a cell and how the cell is read."""

    name: str
    pattern: str  # the whole cell must match; an empty cell only if the pattern allows it
    what: str  # the expected form, in words, for the error message
    read: Callable[[str], object] = str


YEAR = Column("year", r"\d{4}", "a year of four digits", int)
COUNT = r"\d+"  # a whole number of people, no sign, no separators

RCMP_COLUMNS = (
    YEAR,
    Column("month", r"[1-9]|1[0-2]", "a month number 1-12", int),
    Column("province", r"\S(?:.*\S)?", "a province name (or the total row)"),
    Column("rcmp_interceptions", COUNT, "a whole number of people", int),
)

UNHCR_COLUMNS = (
    YEAR,
    Column("country_of_origin", r"\S(?:.*\S)?", "a country of origin name"),
    Column("country_of_origin_iso3", r"[A-Z]{3}", "a three-letter code"),
    # Empty for origins UNHCR gives no region (stateless, unknown).
    Column("unhcr_region_of_origin", r"(?:\S(?:.*\S)?)?", "a UNHCR region name, or empty"),
    Column("resettlement_arrivals", COUNT, "a whole number of people", int),
)


def read_records(doc: RawDocument, columns: tuple[Column, ...]) -> pd.DataFrame:
    """The records of a CSV series whose header is `columns`, each with document_id and the
    line it was read from (line_start = line_end)."""
    names = [column.name for column in columns]
    header = _cells(doc, 1)
    if header != names:
        raise SourceError(doc.path, 1, f"the header {','.join(names)}", doc.line(1))
    rows = []
    for number in range(2, len(doc.lines) + 1):
        if number == len(doc.lines) and not doc.line(number):
            break  # the newline that ends the last record
        cells = _cells(doc, number)
        if len(cells) != len(columns):
            raise SourceError(
                doc.path, number, f"{len(columns)} comma-separated cells", doc.line(number)
            )
        record = {
            column.name: _cell(doc, number, column, cell)
            for column, cell in zip(columns, cells, strict=True)
        }
        rows.append(
            {**record, "document_id": doc.document_id, "line_start": number, "line_end": number}
        )
    if not rows:
        raise SourceError(doc.path, 2, "at least one record after the header")
    return pd.DataFrame(rows)


def _cells(doc: RawDocument, number: int) -> list[str]:
    return next(csv.reader([doc.line(number)]), [])


def _cell(doc: RawDocument, number: int, column: Column, cell: str) -> object:
    if not re.fullmatch(column.pattern, cell):
        raise SourceError(doc.path, number, f"{column.name}: {column.what}", cell)
    return column.read(cell) if cell else None


def _key_once(doc: RawDocument, frame: pd.DataFrame, key: list[str]) -> None:
    """Each key at most once: a repeated record would be counted twice in a sum."""
    repeated = frame[frame.duplicated(key)]
    if not repeated.empty:
        row = repeated.iloc[0]
        where = ", ".join(f"{name} {row[name]}" for name in key)
        raise SourceError(
            doc.path, int(row["line_start"]), f"one record per {', '.join(key)}", where
        )


def parse_rcmp_interceptions(doc: RawDocument) -> pd.DataFrame:
    """RCMP interceptions: one row per year x month x province (or the total row)."""
    frame = read_records(doc, RCMP_COLUMNS)
    _key_once(doc, frame, ["year", "month", "province"])
    _provinces_within_total(doc, frame)
    return frame


def _provinces_within_total(doc: RawDocument, frame: pd.DataFrame) -> None:
    """Every month of a province has the total row of that month, at least as large."""
    totals = frame[frame["province"] == RCMP_TOTAL].set_index(["year", "month"])
    for row in frame[frame["province"] != RCMP_TOTAL].itertuples():
        month = (row.year, row.month)
        if month not in totals.index:
            raise SourceError(
                doc.path, row.line_start, f"a '{RCMP_TOTAL}' record for {row.year}-{row.month:02d}"
            )
        total = totals.loc[month]
        if row.rcmp_interceptions > total["rcmp_interceptions"]:
            raise SourceError(
                doc.path,
                row.line_start,
                f"{row.province} at most the '{RCMP_TOTAL}' of the month "
                f"({total['rcmp_interceptions']}, line {total['line_start']})",
                str(row.rcmp_interceptions),
            )


def parse_unhcr_resettlement(doc: RawDocument) -> pd.DataFrame:
    """UNHCR resettlement arrivals: one row per year x country of origin."""
    frame = read_records(doc, UNHCR_COLUMNS)
    _key_once(doc, frame, ["year", "country_of_origin_iso3"])
    _one_region_per_origin(doc, frame)
    return frame


def _one_region_per_origin(doc: RawDocument, frame: pd.DataFrame) -> None:
    """A country of origin is in the same UNHCR region (or none) in every year: the regional
    sums would otherwise depend on the year a country is counted in."""
    first: dict[str, tuple[object, int]] = {}
    for row in frame.itertuples():
        region = row.unhcr_region_of_origin
        seen = first.setdefault(row.country_of_origin_iso3, (region, row.line_start))
        if seen[0] != region:
            raise SourceError(
                doc.path,
                row.line_start,
                f"{row.country_of_origin_iso3} in the same region as on line {seen[1]} "
                f"({seen[0] or 'none'})",
                region or "no region",
            )
