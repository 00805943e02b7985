"""The readers of the independent series (CSV snapshots in raw/): every record with the line it
was read from; a bad header, cell or record is refused naming the raw file and the line."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.extract import series
from pipeline.sources.text import RawDocument

RCMP = "rcmp_interceptions_2017_2020"
UNHCR = "unhcr_resettlement_2015_2020"


@pytest.fixture(scope="module")
def rcmp(documents) -> RawDocument:
    return documents[RCMP]


@pytest.fixture(scope="module")
def unhcr(documents) -> RawDocument:
    return documents[UNHCR]


def with_line(doc: RawDocument, number: int, text: str | None) -> RawDocument:
    """A copy of `doc` with line `number` replaced by `text` (or removed when None)."""
    lines = list(doc.lines)
    if text is None:
        del lines[number - 1]
    else:
        lines[number - 1] = text
    return RawDocument(doc.document_id, doc.path, "\n".join(lines))


def cells(doc: RawDocument, number: int) -> list[str]:
    return next(csv.reader([doc.line(number)]))


def joined(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def first_line(frame: pd.DataFrame, **where: object) -> int:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return int(rows["line_start"].iloc[0])


@pytest.mark.parametrize(
    ("name", "parse", "count"),
    [
        (RCMP, series.parse_rcmp_interceptions, "rcmp_interceptions"),
        (UNHCR, series.parse_unhcr_resettlement, "resettlement_arrivals"),
    ],
)
def test_every_record_is_read_with_its_line(documents, name, parse, count):
    doc = documents[name]
    frame = parse(doc)
    records = [n for n in range(2, len(doc.lines) + 1) if doc.line(n)]
    assert list(frame["line_start"]) == records
    assert (frame["line_end"] == frame["line_start"]).all()
    assert (frame["document_id"] == name).all()
    for row in frame.itertuples():
        assert cells(doc, row.line_start)[-1] == str(getattr(row, count))


def test_origins_without_a_region_have_an_empty_region(unhcr):
    frame = series.parse_unhcr_resettlement(unhcr)
    for row in frame[frame["unhcr_region_of_origin"].isna()].itertuples():
        assert cells(unhcr, row.line_start)[3] == ""


def test_a_header_that_differs_is_refused_at_line_1(rcmp):
    bad = with_line(rcmp, 1, rcmp.line(1).replace("province", "provence"))
    with pytest.raises(SourceError, match=rf"^{bad.path}:1: expected the header year,month,") as e:
        series.parse_rcmp_interceptions(bad)
    assert e.value.found == bad.line(1)  # the header as printed


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (3, "1,234", "rcmp_interceptions: a whole number of people"),  # quoted: one cell
        (3, "12a", "rcmp_interceptions: a whole number of people"),
        (3, "-5", "rcmp_interceptions: a whole number of people"),
        (3, "", "rcmp_interceptions: a whole number of people"),
        (1, "13", "month: a month number 1-12"),
        (0, "17", "year: a year of four digits"),
        (2, "", "province: a province name"),
    ],
)
def test_a_bad_cell_is_refused_naming_file_and_line(rcmp, column, value, expected):
    number = 7
    values = cells(rcmp, number)
    values[column] = value
    bad = with_line(rcmp, number, joined(values))
    with pytest.raises(SourceError, match=rf"^{bad.path}:{number}: expected {expected}"):
        series.parse_rcmp_interceptions(bad)


def test_a_record_with_a_cell_too_many_is_refused(rcmp):
    bad = with_line(rcmp, 7, rcmp.line(7) + ",0")
    with pytest.raises(SourceError, match=rf"^{bad.path}:7: expected 4 comma-separated cells") as e:
        series.parse_rcmp_interceptions(bad)
    assert e.value.found == bad.line(7)  # the record as printed


def test_a_blank_line_inside_the_file_is_refused(unhcr):
    bad = with_line(unhcr, 10, "")
    with pytest.raises(SourceError, match=rf"^{bad.path}:10: expected 5 comma-separated cells"):
        series.parse_unhcr_resettlement(bad)


def test_a_header_without_records_is_refused(rcmp):
    bad = RawDocument(rcmp.document_id, rcmp.path, rcmp.line(1) + "\n")
    with pytest.raises(SourceError, match=rf"^{bad.path}:2: expected at least one record"):
        series.parse_rcmp_interceptions(bad)


def test_a_repeated_record_is_refused_at_its_second_line(rcmp):
    frame = series.parse_rcmp_interceptions(rcmp)
    first = first_line(frame, province="Quebec")
    second = first_line(frame, province=series.RCMP_TOTAL)
    bad = with_line(rcmp, second, rcmp.line(first))
    row = frame[frame["line_start"] == first].iloc[0]
    with pytest.raises(SourceError) as error:
        series.parse_rcmp_interceptions(bad)
    assert str(error.value) == (
        f"{bad.path}:{second}: expected one record per year, month, province; "
        f"found 'year {row['year']}, month {row['month']}, province Quebec'"
    )


def test_a_province_above_the_total_of_its_month_is_refused(rcmp):
    frame = series.parse_rcmp_interceptions(rcmp)
    row = frame[frame["province"] == "Quebec"].iloc[0]
    total = frame[
        (frame["province"] == series.RCMP_TOTAL)
        & (frame["year"] == row["year"])
        & (frame["month"] == row["month"])
    ].iloc[0]
    values = cells(rcmp, int(row["line_start"]))
    values[3] = str(int(total["rcmp_interceptions"]) + 1)
    bad = with_line(rcmp, int(row["line_start"]), joined(values))
    with pytest.raises(SourceError) as error:
        series.parse_rcmp_interceptions(bad)
    assert str(error.value) == (
        f"{bad.path}:{row['line_start']}: expected Quebec at most the '{series.RCMP_TOTAL}' of "
        f"the month ({total['rcmp_interceptions']}, line {total['line_start']}); "
        f"found '{values[3]}'"
    )


def test_a_province_month_without_its_total_is_refused(rcmp):
    frame = series.parse_rcmp_interceptions(rcmp)
    total = frame[frame["province"] == series.RCMP_TOTAL].iloc[0]
    quebec = first_line(frame, province="Quebec", year=total["year"], month=total["month"])
    bad = with_line(rcmp, int(total["line_start"]), None)
    with pytest.raises(SourceError, match=rf"^{bad.path}:{quebec}: expected a 'Total - RCMP'"):
        series.parse_rcmp_interceptions(bad)


def test_an_origin_that_changes_region_is_refused(unhcr):
    frame = series.parse_unhcr_resettlement(unhcr)
    repeated = frame[frame.duplicated("country_of_origin_iso3", keep="first")]
    row = repeated[repeated["unhcr_region_of_origin"].notna()].iloc[0]
    values = cells(unhcr, int(row["line_start"]))
    values[3] = values[3] + " (moved)"
    bad = with_line(unhcr, int(row["line_start"]), joined(values))
    with pytest.raises(SourceError, match=rf"^{bad.path}:{row['line_start']}: expected "):
        series.parse_unhcr_resettlement(bad)


@pytest.mark.parametrize("ending", ["\n", ""])
def test_the_last_record_is_read_with_or_without_a_final_newline(unhcr, ending):
    text = "\n".join(unhcr.lines[:3]) + ending  # the header and two records
    frame = series.parse_unhcr_resettlement(RawDocument(unhcr.document_id, unhcr.path, text))
    assert frame["line_start"].tolist() == [2, 3]
