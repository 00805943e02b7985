"""Prose statistics: found by locators, quotes verbatim at their lines, values as stated."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import facts, groups, hedges, locate
from pipeline.sources.text import RawDocument
from tests.conftest import edit_document


@pytest.fixture(scope="module")
def table(documents):
    return facts.extract_facts(documents, facts.load_facts())


def test_every_declared_fact_is_a_row_of_its_document(table):
    declared = {
        fact.id: source.document_id
        for source in facts.load_facts().sources
        for fact in source.declarations.facts
    }
    assert table["fact_id"].is_unique
    assert table.set_index("fact_id")["document_id"].to_dict() == declared


def skipped(row) -> set[int]:
    return {int(n) for n in row.lines_skipped.split("; ")} if row.lines_skipped else set()


def test_each_quote_is_verbatim_at_its_lines(table, documents):
    for row in table.itertuples():
        doc = documents[row.document_id]
        lines = [n for n in range(row.line_start, row.line_end + 1) if n not in skipped(row)]
        span = " ".join(doc.line(n).strip() for n in lines)
        squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - line breaks may join words
        assert squash(row.quote) in squash(span), row.fact_id
        assert row.value_as_printed.split()[0] in row.quote, row.fact_id
        assert row.line_start <= row.value_line <= row.line_end


FIXTURES = Path(__file__).parent / "fixtures" / "prose"


def note_facts() -> pd.DataFrame:
    """The facts of fixtures/prose/facts.yaml read from facts_note.txt (a document `note`)."""
    file = strict_yaml.load(facts.FactsFile, FIXTURES / "facts.yaml")
    source = locate.Sourced("note", "facts.yaml", file)
    text = (FIXTURES / "facts_note.txt").read_text(encoding="utf-8")
    document = RawDocument("note", "raw/note.txt", text)
    return facts.extract_facts({"note": document}, facts.FactDeclarations((source,), hedges.load()))


@pytest.mark.parametrize(
    ("fact_id", "value", "qualifier", "start", "end"),
    [
        ("claimants", 53000, "approximately", "2017", "2020-03"),  # a hedge, a period's two ends
        ("abroad", 4_900_000, "exact", None, "2020-03-05"),  # a scale word; "as of" a day
        ("sent", 1_240_000_000, "exact", "2017", "2017"),  # a year is the whole period
        ("gap", 1_100_000_000, "at least", None, None),
        ("share", 1, "at most", "2015-01", "2020-06"),
        ("challenged", 2, "exact", None, None),  # a count in words
        ("rank", 1, "exact", "2018", "2018"),  # a rank word
        ("ratio", 0.5, "exact", None, None),
        ("leverage_low", 3, "at least", None, None),  # a range read whole: its bounds
        ("leverage_high", 4, "at most", None, None),
        ("from_colombia", 945, "exact", "2016-01", "2020-06"),  # the anchor's period
        ("displaced", 2_500_000, "exact", None, None),  # a capitalised scale word
    ],
)
def test_values_qualifiers_and_periods_as_stated(fact_id, value, qualifier, start, end):
    row = note_facts().set_index("fact_id").loc[fact_id]
    assert (row["value"], row["qualifier"]) == (value, qualifier)
    assert (row["period_start"], row["period_end"]) == (start, end)
    assert row["value_as_printed"] in row["quote"] and row["document_id"] == "note"


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


def test_locator_matching_twice_is_an_error():
    twice = "Canada accepted 11 people in 2017.\nLater: Canada accepted 11 people in 2017.\n"
    declared = {"id": "f", "unit": "persons", "ranked_among": None}
    with pytest.raises(SourceError, match=r"locator 'f'.*2 matches at lines 1, 2"):
        fixture_facts(twice, {**declared, "pattern": r"accepted (?P<value>\d+) people"})


def test_a_hedge_of_several_words_is_known_whatever_its_case_and_spacing():
    declared = hedges.load()
    words = [w for hedge in declared.qualifiers.values() for w in hedge.words if " " in w]
    assert words  # the hedges declare words like "more than"
    for word in words:
        qualifier = declared.qualifier_of(word)
        assert qualifier is not None
        assert declared.qualifier_of(word.upper().replace(" ", "\n  ")) == qualifier
    assert declared.qualifier_of("no such hedge") is None
    assert declared.qualifier_of(None) == declared.qualifier_of("") == "exact"


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
    """The documents' folders in the order of sources.yaml, each file from top to bottom."""
    declared = [
        fact.id for source in facts.load_facts().sources for fact in source.declarations.facts
    ]
    assert table["fact_id"].tolist() == declared
    folders = [folder.name for folder in locate.document_folders()]
    order = list(dict.fromkeys(table["document_id"]))
    assert order == [name for name in folders if name in order]


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


def note(name: str) -> dict[str, RawDocument]:
    """The document `note` of a fixture text of fixtures/prose/."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return {"note": RawDocument("note", "raw/note.txt", text)}


def test_each_country_of_a_list_printed_over_lines_has_its_own_line():
    file = strict_yaml.load(groups.MembershipsFile, FIXTURES / "memberships.yaml")
    declared = groups.MembershipDeclarations(
        (groups.Group(group="the Process", group_type="regional process"),),
        (locate.Sourced("note", "memberships.yaml", file),),
    )
    members = groups.extract_memberships(note("memberships_note.txt"), declared)
    assert list(zip(members["country_as_printed"], members["line"], strict=True)) == [
        ("Belize", 1),
        ("Canada", 1),
        ("Costa Rica", 2),
        ("Mexico", 2),
    ]


def test_projects_read_titles_and_years_from_the_text(documents):
    declarations = groups.load_projects()
    projects, countries = groups.extract_projects(documents, declarations)
    fair = projects.set_index("project_id").loc["ilo_fair_recruitment_central_america"]
    assert (fair["start_date"], fair["end_date"]) == ("2022", "2024")
    assert fair["document_ids"] == "ilo_news_2022; ircc_news_release_2022"
    assert fair["title"].startswith("Fair Recruitment in Central America")
    named = countries[countries["group_name"] == "ilo_fair_recruitment_central_america"]
    assert sorted(set(named["country_as_printed"])) == ["Costa Rica", "Guatemala", "Honduras"]
    # The primary description (the ILO's) gives the quote and lines, and comes first.
    assert fair["document_id"] == "ilo_news_2022"
    assert list(dict.fromkeys(named["document_id"])) == ["ilo_news_2022", "ircc_news_release_2022"]


# --- topic, skipped lines, inferred currencies, ranges (issue 9) -------------------------------


def only(fact: facts.Fact, document_id: str = "working_paper_2020") -> facts.FactDeclarations:
    """The declarations reduced to one (possibly edited) fact of `document_id`."""
    declarations = facts.load_facts()
    source = next(s for s in declarations.sources if s.document_id == document_id)
    one = dataclasses.replace(source, declarations=facts.FactsFile(facts=[fact]))
    return dataclasses.replace(declarations, sources=(one,))


def declared_fact(fact_id: str) -> facts.Fact:
    return next(
        fact
        for source in facts.load_facts().sources
        for fact in source.declarations.facts
        if fact.id == fact_id
    )


def edited(fact_id: str, **changes) -> facts.Fact:
    """A declared fact with some keys changed, validated again as a declaration."""
    return facts.Fact.model_validate({**declared_fact(fact_id).model_dump(), **changes})


def test_every_fact_has_a_topic_of_the_declared_vocabulary(table):
    assert facts.topics() and set(table["topic"]) <= set(facts.topics())
    assert table["topic"].notna().all()


def test_an_unknown_topic_is_refused_naming_file_and_key(tmp_path):
    root = tmp_path / "declarations"
    shutil.copytree(locate.DECLARATIONS, root)
    path = root / "sources" / "ilo_news_2022" / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("topic: capacity building", "topic: capacity-building", 1))
    with pytest.raises(SourceError, match=r"ilo_news_2022/facts\.yaml:\d+.*'facts\.0\.topic'"):
        facts.load_facts(root)


def test_quotes_leave_out_the_figure_the_pdf_printed_inside_the_sentence(table, documents):
    row = table.set_index("fact_id").loc["latin_america_other_people_of_concern"]
    assert row["quote"].startswith("While resettlement from Latin America")
    assert "asylum seekers in Latin America" in row["quote"]
    assert row["quote"].endswith("refugee-like situations.")
    assert "Retrieved from" not in row["quote"] and "MENA" not in row["quote"]
    lines = [int(n) for n in row["lines_skipped"].split("; ")]
    assert row["line_start"] < min(lines) <= max(lines) < row["value_line"]
    paper = documents["working_paper_2020"]
    assert paper.line(min(lines)).strip() == "MENA"
    assert paper.line(max(lines)).startswith("Retrieved from:")


def test_a_footnote_inside_a_sentence_is_skipped_and_a_quote_starts_at_its_sentence(table):
    rows = table.set_index("fact_id")
    interviews = rows.loc["mirps_research_interviews"]
    assert interviews["quote"].startswith("In 2018 I conducted a research project")
    assert "Migration Review" not in interviews["quote"] and interviews["lines_skipped"]
    assert rows.loc["nigerian_asylum_seekers", "quote"].startswith("Statistics by region")
    assert rows.loc["stca_denied_entry", "quote"].endswith("(See “Fig. 1”).")
    assert rows.loc["stca_court_challenges", "quote"] == (
        "The STCA has twice been challenged in Canadian courts."
    )
    # Facts without a skip pattern skip nothing (one with a skip pattern may leave out lines
    # before its sentence only: stca_court_challenges, whose sentence follows a table's note).
    without_skip = [
        fact.id
        for source in facts.load_facts().sources
        for fact in source.declarations.facts
        if fact.skip is None
    ]
    assert rows.loc[without_skip, "lines_skipped"].isna().all()


def test_a_skip_pattern_that_hides_the_line_of_the_value_is_an_error(documents):
    fact = edited("latin_america_other_people_of_concern", skip=r"^[0-9]+ million other[^\n]*")
    with pytest.raises(SourceError, match=r"leaves the lines its locator reads; found 'line \d+"):
        facts.extract_facts(documents, only(fact))


def test_a_skip_pattern_that_changes_nothing_is_an_error(documents):
    fact = edited("stca_denied_entry", skip=r"^MENA[ \t]*$")
    with pytest.raises(SourceError, match="leaves lines out of its quote"):
        facts.extract_facts(documents, only(fact))


def test_a_footnote_fact_whose_quote_opens_with_no_number_is_an_error(documents):
    fact = edited("stca_denied_entry", in_footnote=True)
    with pytest.raises(SourceError) as error:
        facts.extract_facts(documents, only(fact))
    assert error.value.path == documents["working_paper_2020"].path
    assert error.value.expected == "a footnote number opening 'stca_denied_entry'"


def test_inferred_currencies_are_flagged(table):
    inferred = set(table.loc[table["unit_inferred"], "fact_id"])
    assert {"canada_longer_term_support_pledge", "imcbp_membership_fees"} <= inferred
    assert "remittances_from_canada_to_lac" not in inferred
    assert set(table.loc[table["unit_inferred"], "unit"]) <= set(facts.CURRENCIES)


@pytest.mark.parametrize(
    ("fact_id", "document_id", "inferred", "message"),
    [
        ("canada_longer_term_support_pledge", "working_paper_2020", False, "unit_inferred: true"),
        ("remittances_from_canada_to_lac", "working_paper_2020", True, "unit_inferred: false"),
        ("imcbp_membership_fees", "ircc_fact_sheet_2019", False, "unit_inferred: true"),
    ],
)
def test_a_wrong_currency_flag_is_an_error(documents, fact_id, document_id, inferred, message):
    fact = edited(fact_id, unit_inferred=inferred)
    with pytest.raises(SourceError, match=f"{message} for '{fact_id}'") as error:
        facts.extract_facts(documents, only(fact, document_id))
    assert error.value.path == documents[document_id].path


def test_unit_inferred_is_refused_for_a_unit_that_is_no_currency():
    with pytest.raises(ValidationError, match="unit_inferred is for a currency"):
        edited("stca_denied_entry", unit_inferred=True)


def test_a_range_gives_its_declared_bound(table):
    rows = table.set_index("fact_id")
    low, high = (
        rows.loc["concessional_financing_leverage_low"],
        rows.loc["concessional_financing_leverage_high"],
    )
    assert (low["value"], low["qualifier"], low["value_as_printed"]) == (3, "at least", "3-4")
    assert (high["value"], high["qualifier"], high["rounding_unit"]) == (4, "at most", 1)


@pytest.mark.parametrize(
    ("fact_id", "changes"),
    [
        ("concessional_financing_leverage_low", {"bound": None}),  # a range without a bound
        ("stca_denied_entry", {"bound": "upper"}),  # a bound without a range
    ],
)
def test_a_range_and_a_bound_go_together(documents, fact_id, changes):
    with pytest.raises(SourceError, match=f"a number and period readable by locator '{fact_id}'"):
        facts.extract_facts(documents, only(edited(fact_id, **changes)))


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        *[("twice", 2), ("Twice", 2), ("second", 2), ("17th", 17), ("Thirty", 30)],
        *[("$1.25", 1.25), ("top", 1), ("half", 0.5)],
    ],
)
def test_number_of_reads_counts_in_words_and_ordinals(printed, value):
    assert facts.number_of(printed) == value


@pytest.mark.parametrize("bad", ["twicе", "seconds", "2th", "3-4", "two times", "top 25", "halves"])
def test_number_of_refuses_what_is_no_single_number(bad):
    with pytest.raises(ValueError):
        facts.number_of(bad)


def test_a_quote_starts_at_the_sentence_that_names_its_subject(table):
    """stca_ruling_time_to_respond: "The Court gave the Federal government six months" is quoted
    from the sentence that says which ruling ("The July 2020 the court decided ... declared the
    STCA invalid"), which also gives its period."""
    row = table.set_index("fact_id").loc["stca_ruling_time_to_respond"]
    assert row["quote"].startswith("The July 2020 the court decided")
    assert "The Court gave the Federal government six months" in row["quote"]
    assert row["period_start"] == "2020-07"


def test_a_period_read_from_the_paragraph_follows_the_text(documents):
    paper = edit_document(
        documents["working_paper_2020"], "The July 2020 the court", "The August 2020 the court"
    )
    changed = facts.extract_facts({**documents, "working_paper_2020": paper}, facts.load_facts())
    row = changed.set_index("fact_id").loc["stca_ruling_time_to_respond"]
    assert row["period_start"] == "2020-08"


def test_a_rank_word_is_read_by_the_locator_not_declared(documents):
    paper = edit_document(
        documents["working_paper_2020"],
        "became the world’s top country of resettlement",
        "became the world’s second country of resettlement",
    )
    declarations = facts.load_facts()
    with pytest.raises(SourceError, match="canada_rank_among_resettlement_countries"):
        facts.extract_facts({**documents, "working_paper_2020": paper}, declarations)


def test_a_bound_and_a_qualifier_together_are_refused():
    with pytest.raises(ValidationError, match="a bound gives the qualifier: declare `bound` or"):
        edited("stca_denied_entry", bound="lower", qualifier="approximately")
    assert edited("stca_denied_entry", bound="lower", qualifier=None).bound == "lower"


# --- ranks and misprints, on a text written for the test ------------------------------------

RANKED = (
    "Workers are recruited from Mexico, followed by Guatemala and Jamaica, with the rest from "
    "elsewhere. The region has the most urbanized displaced population. The next most urbanized "
    "region is another. Mexicans were in the top thee countries since 2016.\n"
)


def fixture_facts(text: str, *declared: dict) -> pd.DataFrame:
    """The facts `declared` read from a one-document source set holding `text`."""
    document = RawDocument("d", "raw/d.txt", text)
    common = {"indicator": "i", "topic": "asylum", "unit": "rank", "ranked_among": "r"}
    file = facts.FactsFile(facts=[facts.Fact.model_validate({**common, **d}) for d in declared])
    declarations = facts.FactDeclarations(
        (locate.Sourced("d", "d/facts.yaml", file),), facts.load_facts().hedges
    )
    return facts.extract_facts({"d": document}, declarations).set_index("fact_id")


def test_a_rank_by_place_in_a_printed_list_counts_the_items_up_to_it():
    listed = (
        "Mexico",
        "Mexico, followed by Guatemala",
        "Mexico, followed by Guatemala and Jamaica",
    )
    found = fixture_facts(
        RANKED,
        *(
            {"id": f"r{n}", "listed_rank": True, "pattern": rf"from (?P<value>{printed})\b"}
            for n, printed in enumerate(listed)
        ),
    )
    assert found["value"].tolist() == [1, 2, 3]
    assert found.loc["r2", "value_as_printed"] == listed[2]


def test_rank_words_are_read_from_the_text():
    found = fixture_facts(
        RANKED,
        {"id": "most", "pattern": r"has the (?P<value>most) urbanized"},
        {"id": "next", "pattern": r"The (?P<value>next most) urbanized"},
    )
    assert found["value"].tolist() == [1, 2]
    assert found["ranked_among"].tolist() == ["r", "r"]


def test_a_misprinted_number_word_is_read_as_declared_and_flagged():
    misprint = {"printed": "thee", "read_as": "three"}
    pattern = r"in the (?P<hedge>top) (?P<value>thee) countries since (?P<start>\d{4})"
    row = fixture_facts(RANKED, {"id": "t", "misprint": misprint, "pattern": pattern}).loc["t"]
    assert (row["value"], row["qualifier"], row["value_as_printed"]) == (3, "at most", "thee")
    assert row["misprint"] == 'printed "thee", read as "three"'
    corrected = RANKED.replace("thee", "three")
    with pytest.raises(SourceError, match="the misprint 'thee' declared for 't'"):
        fixture_facts(
            corrected,
            {"id": "t", "misprint": misprint, "pattern": pattern.replace("thee", "three")},
        )


def test_a_rank_says_among_what_and_only_a_rank_does():
    declared = {"id": "x", "indicator": "i", "topic": "asylum", "pattern": "(?P<value>x)"}
    with pytest.raises(ValidationError, match="`ranked_among` exactly when the unit is 'rank'"):
        facts.Fact.model_validate({**declared, "unit": "rank"})
    with pytest.raises(ValidationError, match="`ranked_among` exactly when"):
        facts.Fact.model_validate({**declared, "unit": "persons", "ranked_among": "r"})


def test_every_published_rank_says_among_what(table):
    ranks = table[table["unit"] == "rank"]
    assert ranks["ranked_among"].notna().all()
    assert table.loc[table["unit"] != "rank", "ranked_among"].isna().all()


def test_a_period_stated_where_the_paragraph_opens_is_read_from_the_anchor():
    text = (
        "In July 2020 the court ruled on it.\nThe decision was narrow. The Court gave six months.\n"
    )
    declared = {
        "id": "f",
        "unit": "months",
        "ranked_among": None,
        "after": r"In (?P<start>July 2020) the court",
        "lines": 2,
        "pattern": r"gave (?P<value>six) months",
    }
    row = fixture_facts(text, declared).loc["f"]
    assert (row["value"], row["period_start"]) == (6, "2020-07")
    assert row["quote"] == "The Court gave six months."
