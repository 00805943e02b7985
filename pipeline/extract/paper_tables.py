"""Parsers of the working paper's three printed tables (PDF-extracted, layouts scrambled).

Each table is found by its caption and parsed by its structure: the header says which column is
which, the rows are validated token by token, and anything unexpected raises a SourceError
naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from pipeline.errors import SourceError
from pipeline.extract.numbers import (
    INTEGER,
    first_day,
    last_day,
    month_number,
    month_year,
    parse_decimal,
    parse_integer,
)
from pipeline.sources.text import RawDocument

NUMBER = rf"(?:{INTEGER})(?:\.[0-9]+)?"

# Column labels as printed in the headers -> published column names.
REMITTANCE_COLUMNS = {
    "% of GDP": "remittances_pct_gdp",
    "Total (billions USD)": "remittances_usd_bn",
    "From Canada (millions USD)": "remittances_from_canada_usd_m",
}
MEXICO_COLUMNS = {
    "Year": "year",
    "Referred": "referred",
    "Accepted": "accepted",
    "Rejected": "rejected",
    "Rate": "acceptance_rate_pct",
    "Abandoned / Withdrawn": "abandoned_withdrawn",
    "Backlog": "pending",
}


def find_caption(doc: RawDocument, number: int) -> tuple[int, str]:
    """Line and quoted title of the caption 'Table N: “...”'."""
    pattern = rf"^\s*Table {number}:\s*“(.+)”\s*$"
    line = doc.find_line(pattern, f"a caption 'Table {number}: “...”'")
    title = re.match(pattern, doc.line(line)).group(1).strip()  # type: ignore[union-attr]
    return line, title


def _rows_until(
    doc: RawDocument, start: int, closing: str, table: str
) -> Iterator[tuple[int, str]]:
    """(line number, text) of the non-blank lines from `start` up to the closing line."""
    for number in range(start, len(doc.lines) + 1):
        text = doc.line(number).strip()
        if text.startswith(closing):
            return
        if text:
            yield number, text
    raise SourceError(doc.path, len(doc.lines), f"the '{closing}' line closing {table}")


def _header_columns(doc: RawDocument, line: int, text: str, labels: list[str]) -> list[str]:
    """Split a printed header into known column labels, in printed order."""
    pattern = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    rest = re.sub(pattern, "", text).strip()
    if rest:
        raise SourceError(doc.path, line, f"a header made of the columns {labels}", text)
    return re.findall(pattern, text)


# --- Table 1 -----------------------------------------------------------------------------------


def parse_remittances(doc: RawDocument) -> pd.DataFrame:
    caption_line, title = find_caption(doc, 1)
    caption_year = re.search(r"([0-9]{4})$", title)
    if not caption_year:
        raise SourceError(doc.path, caption_line, "a caption ending with the year", title)
    header_line = doc.find_line(
        r"^Country ", "the header row of Table 1 ('Country ...')", start=caption_line
    )
    header = doc.line(header_line).strip()
    columns = _header_columns(
        doc, header_line, header.removeprefix("Country").strip(), list(REMITTANCE_COLUMNS)
    )
    if len(columns) != len(REMITTANCE_COLUMNS):
        raise SourceError(doc.path, header_line, f"the columns {list(REMITTANCE_COLUMNS)}", header)
    year_line = header_line + 1
    year_text = doc.line(year_line).strip() if year_line <= len(doc.lines) else ""
    from_canada_year = re.fullmatch(r"\(([0-9]{4})\)", year_text)
    if not from_canada_year:
        raise SourceError(
            doc.path,
            min(year_line, len(doc.lines)),
            "the year of the last column, e.g. '(YYYY)', under the header",
            year_text,
        )
    row_pattern = re.compile(
        rf"^(?P<country>[^0-9]+?) (?P<v1>{NUMBER}) (?P<v2>{NUMBER}) "
        rf"(?P<v3>{NUMBER})$"
    )
    rows: list[dict] = []
    for number, text in _rows_until(doc, year_line + 1, "*Source", "Table 1"):
        match = row_pattern.match(text)
        if not match:
            raise SourceError(
                doc.path,
                number,
                "a Table 1 row 'Country <% of GDP> "
                "<total, billions USD> <from Canada, millions USD>'",
                text,
            )
        values = dict(zip(columns, (match["v1"], match["v2"], match["v3"]), strict=True))
        rows.append(
            {
                "country_as_printed": match["country"].strip(),
                "printed_order": len(rows) + 1,
                **{REMITTANCE_COLUMNS[label]: parse_decimal(v) for label, v in values.items()},
                "gdp_share_and_total_year": int(caption_year.group(1)),
                "from_canada_year": int(from_canada_year.group(1)),
                "document_id": doc.document_id,
                "line_start": number,
                "line_end": number,
            }
        )
    if not rows:
        raise SourceError(doc.path, header_line, "at least one row under the Table 1 header")
    return pd.DataFrame(rows)


# --- Table 2 -----------------------------------------------------------------------------------


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


# --- Table 3 -----------------------------------------------------------------------------------


def parse_mexico_claims(doc: RawDocument) -> pd.DataFrame:
    caption_line, title = find_caption(doc, 3)
    caption_period = re.search(
        r"([A-Z][a-z]+\.? [0-9]{4})\s*[–-]\s*([A-Z][a-z]+\.? [0-9]{4})$", title
    )
    if not caption_period:
        raise SourceError(
            doc.path,
            caption_line,
            "a caption ending with its period 'Mon YYYY – Month YYYY'",
            title,
        )
    try:
        first_year, first_month = month_year(caption_period.group(1))
    except ValueError:
        raise SourceError(
            doc.path, caption_line, "a caption period starting with a month name", title
        ) from None
    header_line = doc.find_line(
        r"^Year ", "the header row of Table 3 ('Year ...')", start=caption_line
    )
    header_end = header_line
    while header_end < len(doc.lines) and doc.line(header_end + 1).strip():
        header_end += 1
    header = " ".join(doc.line(n).strip() for n in range(header_line, header_end + 1))
    columns = _header_columns(doc, header_line, header, list(MEXICO_COLUMNS))
    if sorted(columns) != sorted(MEXICO_COLUMNS) or columns[0] != "Year":
        raise SourceError(doc.path, header_line, f"the columns {list(MEXICO_COLUMNS)}", header)
    value_columns = [MEXICO_COLUMNS[label] for label in columns[1:]]
    row_pattern = re.compile(r"^(?P<year>[0-9]{4})(?: \((?P<month>[A-Z][a-z]+)\))? (?P<values>.+)$")
    rows = []
    for number, text in _rows_until(doc, header_end + 1, "Source:", "Table 3"):
        match = row_pattern.match(text)
        values = match["values"].split() if match else []
        if not match or len(values) != len(value_columns):
            raise SourceError(
                doc.path,
                number,
                "a Table 3 row 'YYYY' or 'YYYY (Month)' then "
                f"{len(value_columns)} values ({', '.join(columns[1:])})",
                text,
            )
        year = int(match["year"])
        row: dict = {"year": year}
        for column, printed in zip(value_columns, values, strict=True):
            is_rate = column == "acceptance_rate_pct"
            if is_rate != printed.endswith("%"):
                raise SourceError(
                    doc.path,
                    number,
                    "a percentage in the Rate column and whole numbers elsewhere",
                    printed,
                )
            try:
                row[column] = parse_decimal(printed) if is_rate else parse_integer(printed)
            except ValueError as error:
                raise SourceError(
                    doc.path, number, f"a number in column {column}", printed
                ) from error
            if is_rate:
                row["acceptance_rate_as_printed"] = printed
        try:
            start_month = first_month if year == first_year else 1
            end_month = month_number(match["month"]) if match["month"] else 12
            period = first_day(year, start_month), last_day(year, end_month)
        except ValueError:
            raise SourceError(
                doc.path, number, "a Table 3 row's year and month name, e.g. '2020 (March)'", text
            ) from None
        row.update(
            {
                "period_start": period[0],
                "period_end": period[1],
                "document_id": doc.document_id,
                "line_start": number,
                "line_end": number,
            }
        )
        rows.append(row)
    if not rows:
        raise SourceError(doc.path, header_end, "at least one row under the Table 3 header")
    frame = pd.DataFrame(rows)
    frame["other_outcomes"] = (
        frame["pending"].shift(1)
        + frame["referred"]
        - frame["accepted"]
        - frame["rejected"]
        - frame["abandoned_withdrawn"]
        - frame["pending"]
    ).astype("Int64")
    return frame
