"""Prose statistics: found by locators, quotes verbatim at their lines, values as stated."""

from __future__ import annotations

import dataclasses
import re

import pytest

from pipeline import hedges
from pipeline.errors import SourceError
from pipeline.extract import facts, groups
from tests.conftest import edit_document


@pytest.fixture(scope="module")
def table(documents):
    return facts.extract_facts(documents, facts.load_facts())


def test_at_least_sixty_facts_from_all_five_documents(table, documents):
    assert len(table) >= 60
    prose = {d for d, doc in documents.items() if not doc.path.endswith(".csv")}  # not the series
    assert set(table["document_id"]) == prose and len(prose) == 5
    assert table["fact_id"].is_unique


def test_each_quote_is_verbatim_at_its_lines(table, documents):
    for row in table.itertuples():
        doc = documents[row.document_id]
        span = " ".join(doc.line(n).strip() for n in range(row.line_start, row.line_end + 1))
        squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - line breaks may join words
        assert squash(row.quote) in squash(span), row.fact_id
        assert row.value_as_printed.split()[0] in row.quote, row.fact_id
        assert row.line_start <= row.value_line <= row.line_end


@pytest.mark.parametrize(
    ("fact_id", "value", "unit", "qualifier", "start", "end"),
    [
        ("roxham_road_claimants", 53000, "persons", "approximately", "2017", "2020-03"),
        ("venezuelans_abroad", 4_900_000, "persons", "exact", None, "2020-03-05"),
        ("remittances_from_canada_to_lac", 1_240_000_000, "USD", "exact", "2017", "2017"),
        ("regional_response_funding_gap", 1_100_000_000, "USD", "at least", None, None),
        ("resettled_from_western_hemisphere_share", 1, "percent", "at most", None, None),
        ("stca_denied_entry", 9836, "persons", "exact", "2005", "2019"),
        ("lac_population_below_poverty_line_share", 30, "percent", "exact", None, None),
        ("canada_covid_support_to_host_states", 27_000_000, "CAD", "exact", "2020-05", "2020-05"),
        ("pta_accepted_by_canada_2018", 0, "persons", "exact", "2018", "2018"),
        ("imcbp_membership_fees", 300_000, "CAD", "approximately", None, None),
        ("temporary_foreign_workers_canada", 171_844, "persons", "exact", "2006", "2006"),
        ("ilo_colombia_panama_project_duration", 2, "years", "approximately", None, None),
        ("canadian_share_of_lac_mining_operations_high", 70, "percent", "at most", None, None),
    ],
)
def test_values_units_qualifiers_and_periods(table, fact_id, value, unit, qualifier, start, end):
    row = table.set_index("fact_id").loc[fact_id]
    assert (row["value"], row["unit"], row["qualifier"]) == (value, unit, qualifier)
    assert (row["period_start"], row["period_end"]) == (start, end)


def test_hyphenated_and_wrapped_quotes_are_joined(table):
    quote = table.set_index("fact_id").loc["ntca_internally_displaced", "quote"]
    assert "at least 714,000 internally-displaced persons (IDPs)" in quote


def test_changed_number_in_a_quote_changes_the_value(documents):
    paper = documents["working_paper_2020"]
    edited = {
        **documents,
        "working_paper_2020": edit_document(paper, "9,836 people", "9,863 people"),
    }
    changed = facts.extract_facts(edited, facts.load_facts()).set_index("fact_id")
    assert changed.loc["stca_denied_entry", "value"] == 9863


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Roughly 53,000 people", "Roughly 53.000.0 people", "roxham_road_claimants"),
        ("Roughly 53,000 people", "About 53,000 people", "locator 'roxham_road_claimants'"),
    ],
)
def test_locator_that_no_longer_matches_names_itself(documents, old, new, message):
    paper = edit_document(documents["working_paper_2020"], old, new)
    with pytest.raises(SourceError, match=message):
        facts.extract_facts({**documents, "working_paper_2020": paper}, facts.load_facts())


def test_locator_matching_twice_is_an_error(documents):
    paper = documents["working_paper_2020"]
    doubled = edit_document(
        paper,
        "945 were resettled from Colombia.",
        "945 were resettled from Colombia. Of those, 945 were resettled from Colombia.",
    )
    declarations = facts.load_facts()
    paper_only = dataclasses.replace(
        declarations,
        sources=tuple(s for s in declarations.sources if s.document_id == "working_paper_2020"),
    )
    with pytest.raises(SourceError, match="2 matches"):
        facts.extract_facts({**documents, "working_paper_2020": doubled}, paper_only)


def test_qualifiers_come_from_the_declared_hedge_words(documents):
    declared = hedges.load()
    without_roughly = declared.model_copy(
        update={
            "qualifiers": {
                qualifier: hedge.model_copy(
                    update={"words": [w for w in hedge.words if w != "roughly"]}
                )
                for qualifier, hedge in declared.qualifiers.items()
            }
        }
    )
    declarations = dataclasses.replace(facts.load_facts(), hedges=without_roughly)
    with pytest.raises(SourceError, match=r"a known hedge word for '\w+'; found 'roughly'"):
        facts.extract_facts(documents, declarations)


def test_facts_follow_the_declared_document_order(table):
    order = list(dict.fromkeys(table["document_id"]))
    assert order == [
        "working_paper_2020",
        "ircc_fact_sheet_2019",
        "focal_seminar_2008",
        "ircc_news_release_2022",
        "ilo_news_2022",
    ]
    assert table["fact_id"].iloc[0] == "venezuela_displaced_in_region_intro"


def test_repeated_slide_is_disambiguated_by_its_anchor(table):
    row = table.set_index("fact_id").loc["temporary_foreign_workers_canada"]
    assert row["line_start"] == 31


def test_country_lists_are_split_with_their_lines(documents):
    assert [name for name, _ in groups.split_countries("Costa Rica, Guatemala, and Honduras")] == [
        "Costa Rica",
        "Guatemala",
        "Honduras",
    ]
    assert [
        name
        for name, _ in groups.split_countries(
            "Australia, New Zealand, the United Kingdom and the United States"
        )
    ] == ["Australia", "New Zealand", "United Kingdom", "United States"]
    members = groups.extract_memberships(documents, groups.load_memberships())
    mercosur = members[
        (members["group_name"] == "MERCOSUR") & (members["role"] == "associate state")
    ]
    assert mercosur["country_as_printed"].tolist()[-1] == "Surinam"
    assert set(mercosur["line"]) == {523}
    # A group listed by two documents keeps its rows together, documents in declared order.
    puebla = members.index[members["group_name"].str.startswith("Puebla")]
    assert list(puebla) == list(range(len(puebla)))
    assert list(dict.fromkeys(members.loc[puebla, "document_id"])) == [
        "working_paper_2020",
        "ircc_fact_sheet_2019",
    ]


def test_projects_read_titles_and_years_from_the_text(documents):
    declarations = groups.load_projects()
    projects = groups.extract_projects(documents, declarations)
    countries = groups.extract_project_countries(documents, declarations)
    fair = projects.set_index("project_id").loc["ilo_fair_recruitment_central_america"]
    assert (fair["start_date"], fair["end_date"]) == ("2022", "2024")
    assert fair["document_ids"] == "ilo_news_2022; ircc_news_release_2022"
    assert fair["title"].startswith("Fair Recruitment in Central America")
    named = countries[countries["group_name"] == "ilo_fair_recruitment_central_america"]
    assert sorted(set(named["country_as_printed"])) == ["Costa Rica", "Guatemala", "Honduras"]
    # The primary description (the ILO's) gives the quote and lines, and comes first.
    assert fair["document_id"] == "ilo_news_2022"
    assert list(dict.fromkeys(named["document_id"])) == ["ilo_news_2022", "ircc_news_release_2022"]
