"""The parser of the working paper's Table 2 (Roxham Road), the one printed table the generic
parser (printed_tables.py) cannot read: each row prints a rank, then one (country, claims) pair
per year; the year headers are printed in pieces around the rows (PDF-extracted); the Totals
line gives each year's total and period. It is found by its caption and parsed by its
structure, and anything unexpected raises a SourceError naming the line.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.errors import SourceError
from pipeline.extract.numbers import (
    INTEGER,
    first_day,
    last_day,
    month_number,
    parse_integer,
)
from pipeline.sources.text import RawDocument


def find_caption(doc: RawDocument, number: int) -> tuple[int, str]:
    """Line and quoted title of the caption 'Table N: “...”'."""
    pattern = rf"^\s*Table {number}:\s*“(.+)”\s*$"
    line = doc.find_line(pattern, f"a caption 'Table {number}: “...”'")
    title = re.match(pattern, doc.line(line)).group(1).strip()  # type: ignore[union-attr]
    return line, title


def _split_pairs(doc: RawDocument, line: int, text: str) -> list[tuple[str, str]]:
    """'Ruritania 1,234 Nowhere Land 56' -> [('Ruritania', '1,234'), ('Nowhere Land', '56')]."""
    pairs: list[tuple[str, str]] = []
    name: list[str] = []
    for token in text.split():
        if re.fullmatch(INTEGER, token):
            if not name:
                raise SourceError(doc.path, line, "a country name before each number", text)
            pairs.append((" ".join(name), token))
            name = []
        elif re.search(r"\d", token):
            raise SourceError(doc.path, line, "country names and whole numbers like '1,234'", token)
        else:
            name.append(token)
    if name:
        raise SourceError(doc.path, line, "a number after each country name", text)
    return pairs


def parse_roxham_road(doc: RawDocument) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 2 as (claims in long form, yearly totals)."""
    caption_line, title = find_caption(doc, 2)
    top = re.search(r"Top ([0-9]+)", title)
    if not top:
        raise SourceError(doc.path, caption_line, "'Top N' in the Table 2 caption", title)
    top_n = int(top.group(1))
    source_line = doc.find_line(
        r"^\*Source", "the '*Source' line closing Table 2", start=caption_line
    )
    years: list[int] = []
    rank_rows: list[tuple[int, int, list[tuple[str, str]]]] = []
    totals: tuple[int, list[tuple[str, str, str]]] | None = None
    for number in range(caption_line + 1, source_line):
        text = doc.line(number).strip()
        if not text:
            continue
        if re.fullmatch(r"[0-9]{4}(?: [0-9]{4})*", text):
            years.extend(int(y) for y in text.split())
        elif text.startswith("Totals"):
            periods = re.findall(
                rf"\(([A-Z][a-z]{{2}})-([A-Z][a-z]{{2}})\) ({INTEGER})(?= |$)", text
            )
            rebuilt = "Totals " + " ".join(f"({a}-{b}) {n}" for a, b, n in periods)
            if not periods or rebuilt != " ".join(text.split()):
                raise SourceError(
                    doc.path, number, "a Totals line '(Mon-Mon) <total>' for each year", text
                )
            totals = (number, periods)
        elif match := re.match(r"^([0-9]+) (.*)$", text):
            rank_rows.append(
                (number, int(match.group(1)), _split_pairs(doc, number, match.group(2)))
            )
        else:
            raise SourceError(
                doc.path, number, "a rank row, the Totals line or a line of year headers", text
            )
    if totals is None:
        raise SourceError(doc.path, source_line, "a Totals line before the source of Table 2")
    totals_line, periods = totals
    n_columns = len(periods)
    if len(years) != n_columns or len(set(years)) != n_columns:
        raise SourceError(
            doc.path,
            caption_line,
            f"{n_columns} distinct year headers around Table 2 (one per column)",
            str(years),
        )
    # The year headers are printed in pieces (one above the rows, the rest below); the columns
    # run chronologically, as the Totals periods confirm (Apr-Dec first, Jan-Mar last).
    years = sorted(years)

    claims = []
    for index, (number, rank, pairs) in enumerate(rank_rows):
        if rank != index + 1:
            raise SourceError(
                doc.path, number, f"rank {index + 1} next in Table 2", doc.line(number).strip()
            )
        if len(pairs) != n_columns:
            raise SourceError(
                doc.path,
                number,
                f"{n_columns} 'country claims' pairs in rank {rank}",
                doc.line(number).strip(),
            )
        for column, (country, printed) in enumerate(pairs):
            claims.append(
                {
                    "year": years[column],
                    "rank": rank,
                    "country_as_printed": country,
                    "claims": parse_integer(printed),
                    "line_start": number,
                    "line_end": number,
                }
            )
    if len(rank_rows) != top_n or not rank_rows:
        raise SourceError(
            doc.path,
            totals_line,
            f"ranks 1 to {top_n} before the Totals line (caption says Top {top_n})",
            f"{len(rank_rows)} rank rows",
        )
    claims_frame = pd.DataFrame(claims)

    total_rows = []
    for year, (start, end, printed) in zip(years, periods, strict=True):
        top_sum = int(claims_frame.loc[claims_frame["year"] == year, "claims"].sum())
        total = parse_integer(printed)
        try:
            period = first_day(year, month_number(start)), last_day(year, month_number(end))
        except ValueError:
            raise SourceError(
                doc.path,
                totals_line,
                "periods of month names in a year, e.g. '(Apr-Dec)'",
                doc.line(totals_line).strip(),
            ) from None
        total_rows.append(
            {
                "year": year,
                "period_start": period[0],
                "period_end": period[1],
                "period_as_printed": f"{start}-{end}",
                "total_claims": total,
                "top25_claims": top_sum,
                "other_claims": total - top_sum,
                "document_id": doc.document_id,
                "line_start": totals_line,
                "line_end": totals_line,
            }
        )
    totals_frame = pd.DataFrame(total_rows)
    claims_frame = claims_frame.merge(
        totals_frame[["year", "period_start", "period_end"]], on="year", how="left"
    )
    claims_frame["document_id"] = doc.document_id
    return claims_frame, totals_frame
