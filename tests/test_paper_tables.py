"""Parsers of the working paper's tables, on the real text and on broken copies of it."""

import pytest

from pipeline.errors import SourceError
from pipeline.extract import paper_tables, resettlement
from tests.conftest import edit_document


def test_remittances_as_printed(paper):
    frame = paper_tables.parse_remittances(paper)
    assert len(frame) == 12
    haiti = frame.iloc[0]
    assert (
        haiti.country_as_printed,
        haiti.remittances_pct_gdp,
        haiti.remittances_usd_bn,
        haiti.remittances_from_canada_usd_m,
    ) == ("Haiti", 37.1, 3.2, 133)
    assert frame.iloc[-1].country_as_printed == "Brazil"
    assert frame.remittances_from_canada_usd_m.sum() == 1240
    assert set(frame.gdp_share_and_total_year) == {2019}
    assert set(frame.from_canada_year) == {2017}
    assert frame.iloc[0].line_start == 333


def test_roxham_road_long_form_and_totals(paper):
    claims, totals = paper_tables.parse_roxham_road(paper)
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


def test_mexico_claims_rates_become_numbers(paper):
    frame = paper_tables.parse_mexico_claims(paper)
    assert frame.year.tolist() == list(range(2013, 2021))
    row_2014 = frame[frame.year == 2014].iloc[0]
    assert (row_2014.acceptance_rate_pct, row_2014.acceptance_rate_as_printed) == (39.5, "39.50%")
    last = frame.iloc[-1]
    assert (last.referred, last.accepted, last.pending, last.period_end) == (
        1518,
        291,
        7427,
        "2020-03-31",
    )


def test_mexico_columns_follow_the_printed_header(paper):
    swapped = edit_document(
        paper, "Year Referred Accepted Rejected Rate", "Year Referred Rejected Accepted Rate"
    )
    frame = paper_tables.parse_mexico_claims(swapped)
    assert frame.iloc[0].accepted == 39 and frame.iloc[0].rejected == 16


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Table 1: “Remittances", "Tableau 1: “Remittances", r"Table 1: “...”"),
        ("Table 2: “Top 25", "Table two: “Top 25", r"Table 2: “...”"),
        ("Table 3: “Mexican", "Table: “Mexican", r"Table 3: “...”"),
    ],
)
def test_missing_caption_is_an_error(paper, old, new, expected):
    doc = edit_document(paper, old, new)
    parser = {
        "1": paper_tables.parse_remittances,
        "2": paper_tables.parse_roxham_road,
        "3": paper_tables.parse_mexico_claims,
    }[expected[6]]
    with pytest.raises(SourceError, match=expected):
        parser(doc)


@pytest.mark.parametrize(
    ("old", "new", "parser", "line"),
    [
        ("Jamaica 16.4 2.5 315", "Jamaica 16.4 2.5", paper_tables.parse_remittances, 336),
        ("Peru 1.5 3.3 57", "Peru 1.5 3,3 57", paper_tables.parse_remittances, 343),
        ("7 Yemen 415 Turkey 580", "7 Yemen 415 Turkey", paper_tables.parse_roxham_road, 693),
        ("Haiti 865", "Haiti 8x65", paper_tables.parse_roxham_road, 691),
        (
            "2016 250 29 53 35% 46 200",
            "2016 250 29 53 35 46 200",
            paper_tables.parse_mexico_claims,
            1234,
        ),
        ("2018 3157 190", "2018 3157", paper_tables.parse_mexico_claims, 1236),
    ],
)
def test_malformed_row_names_file_and_line(paper, old, new, parser, line):
    with pytest.raises(SourceError, match=rf"{paper.path}:{line}: expected"):
        parser(edit_document(paper, old, new))


def test_missing_rank_is_an_error(paper):
    doc = edit_document(paper, "12 Pakistan 215 Burundi 270 Burundi 280 Turkey 55\n", "")
    with pytest.raises(SourceError, match=r":698: expected rank 12 next in Table 2"):
        paper_tables.parse_roxham_road(doc)


def test_missing_last_rank_is_an_error(paper):
    doc = edit_document(paper, "25 Iraq 40 Libya 125 El Salvador 140 Cameroon 25\n", "")
    with pytest.raises(SourceError, match=r"ranks 1 to 25 before the Totals line"):
        paper_tables.parse_roxham_road(doc)


def test_year_headers_must_match_the_columns(paper):
    doc = edit_document(paper, "\n2017 2018 2019\n", "\n2017 2018\n")
    with pytest.raises(SourceError, match="4 distinct year headers"):
        paper_tables.parse_roxham_road(doc)


def test_changed_number_changes_the_value(paper):
    _, totals = paper_tables.parse_roxham_road(
        edit_document(paper, "(Jan-Dec) 18,310", "(Jan-Dec) 18,311")
    )
    assert totals[totals.year == 2018].total_claims.item() == 18311


def test_a_stray_line_in_table_2_is_refused_naming_it(paper):
    edited = edit_document(paper, "5 Eritrea 450", "see above\n5 Eritrea 450")
    with pytest.raises(SourceError) as error:
        paper_tables.parse_roxham_road(edited)
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
        paper_tables.parse_roxham_road(edited)
    assert (error.value.path, error.value.expected) == (
        paper.path,
        "a Totals line '(Mon-Mon) <total>' for each year",
    )
    assert paper.text.split("\n")[error.value.line - 1].startswith("Totals")
    assert error.value.found == edited.line(error.value.line).strip()


def test_a_rank_row_with_a_pair_too_few_names_the_count_it_expects(paper):
    with pytest.raises(SourceError) as error:
        paper_tables.parse_roxham_road(edit_document(paper, "Haiti 865", "Haiti"))
    assert (error.value.line, error.value.expected) == (691, "4 'country claims' pairs in rank 5")
    assert error.value.found == "5 Eritrea 450 Pakistan 635 Haiti Angola 150"


def test_a_resettled_total_of_zero_is_refused_with_its_quote(documents, paper):
    error = resettlement_refusal(
        documents, "resettled a total of 154,820", "resettled a total of 0"
    )
    assert (error.path, error.expected) == (paper.path, "a total above zero")
    assert "Canada resettled a total of 0 people" in error.found


# Each refusal of a table's structure, with the line it names and what it expected (the caption
# lines: Table 1 306, Table 2 649, Table 3 1176; Table 3's header 1227, its rows 1231-1239).
REFUSALS = [
    (
        paper_tables.parse_remittances,
        "the Caribbean, 2019”",
        "the Caribbean”",
        306,
        "a caption ending with the year",
    ),
    (
        paper_tables.parse_remittances,
        "Total (billions USD) From Canada",
        "Total (billions USD) Canada",
        330,
        "a header made of the columns "
        "['% of GDP', 'Total (billions USD)', 'From Canada (millions USD)']",
    ),
    (
        paper_tables.parse_remittances,
        "Country % of GDP",
        "Nation % of GDP",
        306,
        "the header row of Table 1 ('Country ...')",
    ),
    (paper_tables.parse_remittances, "Jamaica 16.4", "16.4 Jamaica", 336, None),
    (
        paper_tables.parse_roxham_road,
        "“Top 25 Countries",
        "“Leading Countries",
        649,
        "'Top N' in the Table 2 caption",
    ),
    (
        paper_tables.parse_roxham_road,
        "Haiti 865",
        "865 Haiti",
        691,
        "a country name before each number",
    ),
    (
        paper_tables.parse_roxham_road,
        "Angola 150",
        "Angola",
        691,
        "a number after each country name",
    ),
    (
        paper_tables.parse_mexico_claims,
        "Jan 2013 – March 2020”",
        "2013 – 2020”",
        1176,
        "a caption ending with its period 'Mon YYYY – Month YYYY'",
    ),
    (
        paper_tables.parse_mexico_claims,
        "Jan 2013 – March 2020”",
        "Jab 2013 – March 2020”",
        1176,
        "a caption period starting with a month name",
    ),
    (
        paper_tables.parse_mexico_claims,
        "Year Referred Accepted Rejected Rate",
        "Year Referred Accepted Refused Rate",
        1227,
        None,
    ),
    (
        paper_tables.parse_mexico_claims,
        "2018 3157 190",
        "2018 3157",
        1236,
        "a Table 3 row 'YYYY' or 'YYYY (Month)' then 6 values "
        "(Referred, Accepted, Rejected, Rate, Abandoned / Withdrawn, Backlog)",
    ),
    (
        paper_tables.parse_mexico_claims,
        "2014 86 28 43 39.50% 9 58",
        "2014 86 28 43 39.5.0% 9 58",
        1232,
        "a number in column acceptance_rate_pct",
    ),
    (
        paper_tables.parse_mexico_claims,
        "2014 86 28 43 39.50% 9 58",
        "2014 86 28 43 39.50 9% 58",
        1232,
        "a percentage in the Rate column and whole numbers elsewhere",
    ),
    (
        paper_tables.parse_mexico_claims,
        "2020 (March) 1518",
        "2020 (Marsh) 1518",
        1239,
        "a Table 3 row's year and month name, e.g. '2020 (March)'",
    ),
]


@pytest.mark.parametrize(("parser", "old", "new", "line", "expected"), REFUSALS)
def test_a_table_structure_is_refused_naming_its_line(paper, parser, old, new, line, expected):
    with pytest.raises(SourceError) as error:
        parser(edit_document(paper, old, new))
    assert (error.value.path, error.value.line) == (paper.path, line), str(error.value)
    if expected is not None:
        assert error.value.expected == expected, str(error.value)


def test_table_3_needs_a_row_under_its_header(paper):
    rows = "\n".join(paper.lines[1230:1239])
    assert rows.startswith("2013 128") and rows.endswith("191 7427")
    with pytest.raises(SourceError) as error:
        paper_tables.parse_mexico_claims(edit_document(paper, rows, ""))
    assert error.value.expected == "at least one row under the Table 3 header"
