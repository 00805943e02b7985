"""The parser of Table 2 and the resettlement paragraph, on the real text and on broken copies
of it."""

import pytest

from pipeline.errors import SourceError
from pipeline.extract import resettlement, roxham_road
from tests.conftest import edit_document


def test_roxham_road_long_form_and_totals(paper):
    claims, totals = roxham_road.parse_roxham_road(paper)
    assert len(claims) == 100
    assert totals.year.tolist() == [2017, 2018, 2019, 2020]
    assert totals.total_claims.tolist() == [16040, 18310, 15985, 2935]
    assert totals.period_start.tolist()[0] == "2017-04-01"
    assert totals.period_end.tolist()[-1] == "2020-03-31"
    first_2018 = claims[(claims.year == 2018) & (claims["rank"] == 1)].iloc[0]
    assert (first_2018.country_as_printed, first_2018.claims) == ("Nigeria", 7645)
    last_2020 = claims[(claims.year == 2020) & (claims["rank"] == 25)].iloc[0]
    assert (last_2020.country_as_printed, last_2020.claims) == ("Cameroon", 25)
    assert (totals.total_claims == totals.top25_claims + totals.other_claims).all()


def test_a_missing_caption_is_an_error(paper):
    with pytest.raises(SourceError, match=r"Table 2: “...”"):
        roxham_road.parse_roxham_road(
            edit_document(paper, "Table 2: “Top 25", "Table two: “Top 25")
        )


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("7 Yemen 415 Turkey 580", "7 Yemen 415 Turkey", 693),
        ("Haiti 865", "Haiti 8x65", 691),
    ],
)
def test_malformed_row_names_file_and_line(paper, old, new, line):
    with pytest.raises(SourceError, match=rf"{paper.path}:{line}: expected"):
        roxham_road.parse_roxham_road(edit_document(paper, old, new))


def test_missing_rank_is_an_error(paper):
    doc = edit_document(paper, "12 Pakistan 215 Burundi 270 Burundi 280 Turkey 55\n", "")
    with pytest.raises(SourceError, match=r":698: expected rank 12 next in Table 2"):
        roxham_road.parse_roxham_road(doc)


def test_missing_last_rank_is_an_error(paper):
    doc = edit_document(paper, "25 Iraq 40 Libya 125 El Salvador 140 Cameroon 25\n", "")
    with pytest.raises(SourceError, match=r"ranks 1 to 25 before the Totals line"):
        roxham_road.parse_roxham_road(doc)


def test_more_rank_rows_than_the_caption_says_is_an_error(paper):
    doc = edit_document(paper, "Table 2: “Top 25", "Table 2: “Top 24")
    with pytest.raises(SourceError, match=r"\(caption says Top 24\); found '25 rank rows'"):
        roxham_road.parse_roxham_road(doc)


def test_year_headers_must_match_the_columns(paper):
    doc = edit_document(paper, "\n2017 2018 2019\n", "\n2017 2018\n")
    with pytest.raises(SourceError, match="4 distinct year headers"):
        roxham_road.parse_roxham_road(doc)


def test_changed_number_changes_the_value(paper):
    _, totals = roxham_road.parse_roxham_road(
        edit_document(paper, "(Jan-Dec) 18,310", "(Jan-Dec) 18,311")
    )
    assert totals[totals.year == 2018].total_claims.item() == 18311


def test_a_stray_line_in_table_2_is_refused_naming_it(paper):
    edited = edit_document(paper, "5 Eritrea 450", "see above\n5 Eritrea 450")
    with pytest.raises(SourceError) as error:
        roxham_road.parse_roxham_road(edited)
    assert (error.value.line, error.value.found) == (691, "see above")
    assert error.value.expected == "a rank row, the Totals line or a line of year headers"


def resettlement_refusal(documents, old: str, new: str) -> SourceError:
    """The error of the resettlement paragraph's extraction with `old` edited to `new`."""
    paper = documents["working_paper_2020"]
    edited = {**documents, paper.document_id: edit_document(paper, old, new)}
    with pytest.raises(SourceError) as error:
        resettlement.extract_resettlement_by_region(
            edited, resettlement.load_resettlement_by_region()
        )
    return error.value


def test_a_resettlement_period_that_is_no_month_is_refused_with_its_quote(documents, paper):
    error = resettlement_refusal(documents, "From January 2015 to June", "From Janury 2015 to June")
    assert (error.path, error.line) == (paper.path, 1021)
    assert error.expected == "a period 'Month YYYY to Month YYYY'"
    assert "From Janury 2015 to June 2020" in error.found


def test_a_totals_line_with_a_stray_token_is_refused_naming_its_line(paper):
    edited = edit_document(paper, "(Jan-Dec) 18,310", "(Jan-Dec) 18,310 approx.")
    with pytest.raises(SourceError) as error:
        roxham_road.parse_roxham_road(edited)
    assert (error.value.path, error.value.expected) == (
        paper.path,
        "a Totals line '(Mon-Mon) <total>' for each year",
    )
    assert paper.text.split("\n")[error.value.line - 1].startswith("Totals")
    assert error.value.found == edited.line(error.value.line).strip()


def test_a_rank_row_with_a_pair_too_few_names_the_count_it_expects(paper):
    with pytest.raises(SourceError) as error:
        roxham_road.parse_roxham_road(edit_document(paper, "Haiti 865", "Haiti"))
    assert (error.value.line, error.value.expected) == (691, "4 'country claims' pairs in rank 5")
    assert error.value.found == "5 Eritrea 450 Pakistan 635 Haiti Angola 150"


def test_a_resettled_total_of_zero_is_refused_with_its_quote(documents, paper):
    error = resettlement_refusal(
        documents, "resettled a total of 154,820", "resettled a total of 0"
    )
    assert (error.path, error.expected) == (paper.path, "a total above zero")
    assert "Canada resettled a total of 0 people" in error.found


# Each refusal of Table 2's structure, with the line it names and what it expected (its caption
# is on line 649).
REFUSALS = [
    (
        "“Top 25 Countries",
        "“Leading Countries",
        649,
        "'Top N' in the Table 2 caption",
    ),
    (
        "Haiti 865",
        "865 Haiti",
        691,
        "a country name before each number",
    ),
    (
        "Angola 150",
        "Angola",
        691,
        "a number after each country name",
    ),
]


@pytest.mark.parametrize(("old", "new", "line", "expected"), REFUSALS)
def test_a_table_structure_is_refused_naming_its_line(paper, old, new, line, expected):
    with pytest.raises(SourceError) as error:
        roxham_road.parse_roxham_road(edit_document(paper, old, new))
    assert (error.value.path, error.value.line) == (paper.path, line), str(error.value)
    if expected is not None:
        assert error.value.expected == expected, str(error.value)
