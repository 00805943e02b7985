"""The parser of Table 2 (extract/roxham_road.py) on a table written for the test, printed as
the working paper prints it (the year headers in pieces around the rows, a Totals line with each
year's period), and on broken copies of it; then on the real paper, from its structure."""

from __future__ import annotations

import re

import pytest

from pipeline.errors import SourceError
from pipeline.extract import roxham_road
from pipeline.sources.text import RawDocument
from tests.conftest import edit_document

PATH = "raw/paper.txt"
# Line 3 is the caption, rows on lines 6 to 8, the Totals on line 10, the source on line 14.
TABLE = """\
A paper of a few lines, written for the tests.

Table 2: “Top 3 Countries of Origin & Yearly Totals at Roxham Road”

2021
1 Ruritania 1,250 Freedonia 900 Ruritania 40
2 Freedonia 700 Ruritania 650 Sylvania 25
3 Sylvania 50 Bordurian Republic 75 Freedonia 5

Totals (Apr-Dec) 2,100 (Jan-Dec) 1,700 (Jan-Mar) 90

2019 2020

*Source: invented for the test.
The paper goes on.
"""


@pytest.fixture
def table() -> RawDocument:
    return RawDocument("paper", PATH, TABLE)


def refusal(table: RawDocument, old: str, new: str) -> SourceError:
    with pytest.raises(SourceError) as error:
        roxham_road.parse_roxham_road(edit_document(table, old, new))
    assert error.value.path == PATH
    return error.value


def test_each_rank_and_year_is_a_row_and_each_year_has_its_total_and_period(table):
    claims, totals = roxham_road.parse_roxham_road(table)
    # The year printed above the rows is the last column: the columns run in year order.
    assert claims[
        ["year", "rank", "country_as_printed", "claims", "line_start"]
    ].values.tolist() == [
        [2019, 1, "Ruritania", 1250, 6],
        [2020, 1, "Freedonia", 900, 6],
        [2021, 1, "Ruritania", 40, 6],
        [2019, 2, "Freedonia", 700, 7],
        [2020, 2, "Ruritania", 650, 7],
        [2021, 2, "Sylvania", 25, 7],
        [2019, 3, "Sylvania", 50, 8],
        [2020, 3, "Bordurian Republic", 75, 8],
        [2021, 3, "Freedonia", 5, 8],
    ]
    assert totals[
        ["year", "period_start", "period_end", "total_claims", "top25_claims", "other_claims"]
    ].values.tolist() == [
        [2019, "2019-04-01", "2019-12-31", 2100, 2000, 100],
        [2020, "2020-01-01", "2020-12-31", 1700, 1625, 75],
        [2021, "2021-01-01", "2021-03-31", 90, 70, 20],
    ]
    assert set(totals["line_start"]) == {10} and set(claims["document_id"]) == {"paper"}
    assert claims.loc[claims["year"] == 2021, "period_end"].unique().tolist() == ["2021-03-31"]


def test_a_changed_number_changes_its_value(table):
    _, totals = roxham_road.parse_roxham_road(edit_document(table, "1,700", "1,701"))
    assert totals.loc[totals["year"] == 2020, "total_claims"].item() == 1701


@pytest.mark.parametrize("n", [4, 2], ids=["fewer", "more"])
def test_a_count_of_ranks_unlike_the_captions_is_an_error(table, n):
    error = refusal(table, "Top 3", f"Top {n}")
    assert (error.line, error.expected) == (
        10,
        f"ranks 1 to {n} before the Totals line (caption says Top {n})",
    )
    assert error.found == "3 rank rows"


def test_the_year_headers_must_be_one_per_column(table):
    error = refusal(table, "\n2019 2020\n", "\n2019\n")
    assert (error.line, error.expected) == (
        3,
        "3 distinct year headers around Table 2 (one per column)",
    )
    assert refusal(table, "\n2019 2020\n", "\n2019 2021\n").expected == error.expected


def test_a_stray_line_is_refused_naming_it(table):
    error = refusal(table, "2 Freedonia", "see above\n2 Freedonia")
    assert (error.line, error.found) == (7, "see above")
    assert error.expected == "a rank row, the Totals line or a line of year headers"


def test_a_rank_row_with_a_pair_too_few_names_the_count_it_expects(table):
    error = refusal(table, "Ruritania 650", "Ruritania")
    assert (error.line, error.expected) == (7, "3 'country claims' pairs in rank 2")
    assert error.found == "2 Freedonia 700 Ruritania Sylvania 25"


def test_a_totals_line_with_a_stray_token_is_refused_naming_its_line(table):
    error = refusal(table, "(Jan-Dec) 1,700", "(Jan-Dec) 1,700 approx.")
    assert (error.line, error.expected) == (10, "a Totals line '(Mon-Mon) <total>' for each year")
    assert error.found == "Totals (Apr-Dec) 2,100 (Jan-Dec) 1,700 approx. (Jan-Mar) 90"


# Each refusal of the table's structure, with the line it names and what it expected.
REFUSALS = [
    ("Table 2: “Top 3", "Table two: “Top 3", None, "a caption 'Table 2: “...”'"),
    ("2 Freedonia 700 Ruritania 650 Sylvania 25\n", "", 7, "rank 2 next in Table 2"),
    (
        "Totals (Apr-Dec) 2,100 (Jan-Dec) 1,700 (Jan-Mar) 90\n",
        "",
        13,
        "a Totals line before the source of Table 2",
    ),
    ("(Jan-Mar)", "(Jan-Mxr)", 10, "periods of month names in a year, e.g. '(Apr-Dec)'"),
    ("“Top 3 Countries", "“Leading Countries", 3, "'Top N' in the Table 2 caption"),
    ("Freedonia 700", "700 Freedonia", 7, "a country name before each number"),
    ("Sylvania 25", "Sylvania", 7, "a number after each country name"),
    ("Freedonia 700", "Freedonia 7x00", 7, "country names and whole numbers like '1,234'"),
]


@pytest.mark.parametrize(("old", "new", "line", "expected"), REFUSALS)
def test_a_table_structure_is_refused_naming_its_line(table, old, new, line, expected):
    error = refusal(table, old, new)
    assert (error.line, error.expected) == (line, expected), str(error)


def test_the_papers_table_has_the_ranks_its_caption_says_in_each_year(paper):
    claims, totals = roxham_road.parse_roxham_road(paper)
    _, title = roxham_road.find_caption(paper, 2)
    top = int(re.search(r"Top (\d+)", title).group(1))  # type: ignore[union-attr]
    assert len(claims) == top * len(totals)
    ranks = claims.groupby("year")["rank"].agg(sorted).tolist()
    assert ranks == [list(range(1, top + 1))] * len(totals)
    assert (totals["total_claims"] == totals["top25_claims"] + totals["other_claims"]).all()
