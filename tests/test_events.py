"""Dated events: found by locators, dates read as printed and normalised with their precision."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import harmonise, strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import events, locate
from pipeline.sources import snapshot
from pipeline.sources.text import RawDocument
from tests.conftest import PAPER_FILE, edit_document, made_again


@pytest.fixture(scope="module")
def table(documents) -> pd.DataFrame:
    found = events.extract_events(documents, events.load_events())
    return harmonise.add_actor_iso3(found, snapshot.paths_of(documents)).set_index("event_id")


# --- the published events ---------------------------------------------------------------------


def test_every_declared_event_is_a_row_of_its_document(table):
    declared = {
        event.id: source.document_id
        for source in events.load_events()
        for event in source.declarations.events
    }
    assert table.index.is_unique
    assert table["document_id"].to_dict() == declared


FIXTURES = Path(__file__).parent / "fixtures" / "prose"


@pytest.mark.parametrize(
    ("event_id", "printed", "start", "end", "precision", "actors"),
    [
        ("announced", "16 August 2022", "2022-08-16", None, "day", "CAN"),  # by its dateline
        ("in_force", "the last day of 2004", "2004-12-31", None, "day", "CAN; USA"),
        ("visa", "2009", "2009", None, "year", "CAN; MEX"),
        ("chair", "November 2019", "2019-11", None, "month", "CAN"),
        ("chairmanship", "2019 to 2020", "2019", "2020", "year", "CAN"),
        ("trade", "July 1st, 2020", "2020-07-01", None, "day", None),
        ("closed", "March, 2020", "2020-03", None, "month", None),
        ("period", "Between 2022 and 2024", "2022", "2024", "year", None),
    ],
)
def test_dates_as_printed_normalised_with_their_precision_and_actors(
    event_id, printed, start, end, precision, actors
):
    file = strict_yaml.load(events.EventsFile, FIXTURES / "events.yaml")
    text = (FIXTURES / "events_note.txt").read_text(encoding="utf-8")
    document = RawDocument("note", "raw/note.txt", text)
    found = events.extract_events({"note": document}, (locate.Sourced("note", "e.yaml", file),))
    rows = harmonise.add_actor_iso3(found, {"note": "raw/note.txt"}).set_index("event_id")
    row = rows.loc[event_id]
    assert (row["date_as_printed"], row["date_start"], row["date_end"]) == (printed, start, end)
    assert (row["date_precision"], row["actor_iso3"]) == (precision, actors)


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        (
            "News | 16 August 2022\n\nTwo new projects will be implemented by the ILO in Canada.\n",
            False,
        ),
        ("News | 16 August 2022: new projects will be implemented by the ILO in Canada.\n", True),
        (
            "Two new projects will be implemented by the ILO in Canada.\nNews | 16 August 2022\n",
            True,
        ),
    ],
)
def test_a_dateline_is_read_only_above_the_sentence_it_dates(text, refused):
    """A dateline on the sentence's own line, or below it, dates nothing."""
    file = strict_yaml.load(events.EventsFile, FIXTURES / "events.yaml")
    file = file.model_copy(update={"events": [e for e in file.events if e.id == "announced"]})
    document = RawDocument("note", "raw/note.txt", text)
    sources = (locate.Sourced("note", "e.yaml", file),)
    if refused:
        with pytest.raises(SourceError, match="the dateline of 'announced' above"):
            events.extract_events({"note": document}, sources)
    else:
        (row,) = events.extract_events({"note": document}, sources).to_dict("records")
        assert (row["date_start"], row["line_start"]) == ("2022-08-16", 3)


def skipped(row) -> set[int]:
    return {int(n) for n in row["lines_skipped"].split("; ")} if row["lines_skipped"] else set()


def test_each_quote_is_verbatim_at_its_lines_and_holds_its_date(table, documents):
    squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - line breaks may join words
    datelined = {e.id for s in events.load_events() for e in s.declarations.events if e.dateline}
    for event_id, row in table.iterrows():
        doc = documents[row["document_id"]]
        lines = range(row["line_start"], row["line_end"] + 1)
        span = " ".join(doc.line(n).strip() for n in lines if n not in skipped(row))
        assert squash(row["quote"]) in squash(span), event_id
        if event_id in datelined:  # the date is printed only in the dateline, above the quote
            assert row["date_line"] < row["line_start"], event_id
            assert row["date_as_printed"] in doc.line(row["date_line"]), event_id
        else:
            assert row["date_as_printed"] in row["quote"], event_id
            assert row["line_start"] <= row["date_line"] <= row["line_end"], event_id
    assert datelined == {
        "ircc_news_release_ilo_projects_announced",
        "ilo_news_ircc_projects_announced",
    }


def test_no_date_or_number_is_typed_into_the_declarations():
    """The declarations say what happened; the dates are read from raw/ at build time."""
    for source in events.load_events():
        for event in source.declarations.events:
            declared = [event.description, *event.countries, *event.organisations]
            # A number standing alone ("2009", "16"), not part of a name such as "M5".
            assert not [t for t in declared if re.search(r"(?<![A-Za-z])[0-9]", t)], event.id
            assert not re.search(r"(?<![0-9{,])(?:19|20)[0-9]{2}", event.pattern), event.id


# --- an edited source changes the row ---------------------------------------------------------


def test_an_edited_date_in_raw_changes_the_row(raw_copy: Path, materialized):
    path = raw_copy / PAPER_FILE
    text = path.read_text(encoding="utf-8")
    old = "Harper government in 2009 after Mexico"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("2009", "2008")), encoding="utf-8")
    snapshot.record(raw_copy)
    tables = made_again(snapshot.take(raw_copy), "events", materialized)
    row = tables["events"].set_index("event_id").loc["mexico_visa_imposed"]
    assert (row["date_as_printed"], row["date_start"]) == ("2008", "2008")
    assert "Harper government in 2008" in row["quote"]


# --- locators match exactly once --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("The visa was imposed by the", "A visa was imposed by the", "0 matches"),
        (
            "The visa was imposed by the",
            "The visa was imposed by the Harper government in 2009 after Mexico became. "
            "The visa was imposed by the",
            "2 matches",
        ),
    ],
)
def test_a_locator_matching_zero_or_two_times_names_file_and_locator(documents, old, new, found):
    paper = edit_document(documents["working_paper_2020"], old, new)
    with pytest.raises(SourceError, match=found) as error:
        events.extract_events({**documents, "working_paper_2020": paper}, events.load_events())
    assert error.value.path == f"raw/{PAPER_FILE}"
    assert "locator 'mexico_visa_" in error.value.expected


def test_an_unreadable_date_names_file_line_and_locator(documents):
    paper = edit_document(
        documents["working_paper_2020"],
        "came into force on the last day of 2004",
        "came into force on the last day of 2004 or so",
    )
    declarations = _with_pattern(
        "stca_in_force", r"came into force on (?P<date>the last day of [0-9]{4} or so)"
    )
    with pytest.raises(SourceError, match="a date readable by 'stca_in_force'") as error:
        events.extract_events({**documents, "working_paper_2020": paper}, declarations)
    assert error.value.line == 513


def _with_pattern(event_id: str, pattern: str) -> tuple[locate.Sourced[events.EventsFile], ...]:
    """The declarations with one event's pattern replaced."""
    changed = []
    for source in events.load_events():
        replaced = [
            e.model_copy(update={"pattern": pattern}) if e.id == event_id else e
            for e in source.declarations.events
        ]
        changed.append(
            locate.Sourced(source.document_id, source.path, events.EventsFile(events=replaced))
        )
    return tuple(changed)


# --- declarations are strict ------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of pipeline/declarations to break."""
    copy = tmp_path / "declarations"
    shutil.copytree(locate.DECLARATIONS, copy)
    return copy


def _edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_misspelt_key_is_refused_naming_file_and_key(root: Path):
    file = "sources/ircc_fact_sheet_2019/events.yaml"
    _edit(root, file, "  event_type: chairmanship", "  event_typ: chairmanship")
    with pytest.raises(SourceError) as error:
        events.load_events(root)
    assert error.value.path == str(root / file)
    assert "(key 'events.0.event_typ')" in error.value.expected


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("(?P<date>[0-9]{4} to [0-9]{4})", "([0-9]{4} to [0-9]{4})", r"named groups \['date'\]"),
        ("- id: m5_chair_canada", "- id: igc_chairmanship_canada", "events locator ids used once"),
    ],
)
def test_inconsistent_declarations_are_refused(root: Path, old, new, problem):
    _edit(root, "sources/ircc_fact_sheet_2019/events.yaml", old, new)
    with pytest.raises(SourceError, match=problem):
        events.load_events(root)


def test_a_misspelt_event_type_is_refused_naming_file_and_type(root: Path):
    file = "sources/ircc_fact_sheet_2019/events.yaml"
    _edit(root, file, "  event_type: chairmanship", "  event_type: chairing")
    with pytest.raises(SourceError) as error:
        events.load_events(root)
    assert error.value.path == str(root / file)
    assert "(key 'events.0.event_type')" in error.value.expected
    # The types have one home, the enum of `event_type` in the schema: the message points there.
    assert "'chairing' is no event type" in str(error.value.found)
    assert "schemas/events.yaml" in str(error.value.found)


def test_an_actor_the_quote_does_not_name_is_refused(root: Path, documents):
    _edit(
        root,
        "sources/working_paper_2020/events.yaml",
        "  countries: [Mexico]\n  pattern: 'The removal",
        "  countries: [Mexico, Guatemala]\n  pattern: 'The removal",
    )
    with pytest.raises(SourceError, match="actor 'Guatemala' of 'mexico_top_asylum_source'"):
        events.extract_events(documents, events.load_events(root))


def test_an_edited_closing_month_in_raw_changes_the_event(documents, table):
    paper = edit_document(
        documents["working_paper_2020"],
        "to March, 2020 when the route",
        "to April, 2020 when the route",
    )
    found = events.extract_events({**documents, "working_paper_2020": paper}, events.load_events())
    row = found.set_index("event_id").loc["roxham_road_route_closed"]
    assert (row["date_as_printed"], row["date_start"]) == ("April, 2020", "2020-04")
    assert table.loc["roxham_road_route_closed", "date_start"] == "2020-03"


# --- quotes a careful reader accepts (issue 9) ---------------------------------------------


def test_a_footnote_printed_inside_the_sentence_is_skipped(table, documents):
    row = table.loc["puebla_process_established"]
    assert row["quote"].startswith("Established in 1996, the Puebla Process")
    assert "See CUSMA" not in row["quote"] and "https://" not in row["quote"]
    paper = documents["working_paper_2020"]
    lines = sorted(skipped(row))
    assert row["line_start"] < lines[0] < lines[-1] < row["date_line"]
    assert paper.line(lines[0]).startswith("3 See CUSMA Chapter")
    assert paper.line(lines[-1]).startswith("https://")


def test_table_rows_printed_inside_the_sentence_are_skipped(table, documents):
    row = table.loc["canada_mirps_support_platform_presidency_interest"]
    assert row["quote"].startswith("Not only did Canada help champion the compact")
    assert row["quote"].endswith("the next presidency of the MIRPS Support Platform.")
    assert "Referred" not in row["quote"] and "irb-cisr" not in row["quote"]
    paper = documents["working_paper_2020"]
    assert paper.line(min(skipped(row))).startswith("Year Referred Accepted")
    assert paper.line(max(skipped(row))).startswith("Online: https://irb-cisr")
    # Events without a skip pattern skip nothing.
    assert table["lines_skipped"].notna().sum() == 2


@pytest.mark.parametrize(
    ("event_id", "opening"),
    [
        ("ilo_venezuelan_employability_project_begun", "These projects come to strengthen"),
    ],
)
def test_a_heading_above_the_sentence_is_not_quoted(table, event_id, opening):
    assert table.loc[event_id, "quote"].startswith(opening)


def test_datelined_announcements_quote_the_sentence_that_states_them(table):
    release = table.loc["ircc_news_release_ilo_projects_announced"]
    assert "pleased to announce the launch" in release["quote"]
    assert (release["line_start"], release["date_line"]) == (11, 5)
    news = table.loc["ilo_news_ircc_projects_announced"]
    assert "new projects will be implemented" in news["quote"]
    assert (news["line_start"], news["date_line"]) == (8, 5)
    assert news["actor_organisations"] == "IRCC; ILO"


def test_the_only_legend_entry_is_quoted_alone_and_marked(table):
    legend = table[table["quote_kind"] == "legend entry"]
    assert list(legend.index) == ["mpdp_projects_period"]
    row = legend.iloc[0]
    assert row["quote"].startswith("**Legend:**") and "GRSI" not in row["quote"]
    assert row["line_start"] == row["line_end"] == row["date_line"]
    assert set(table["quote_kind"]) == {"prose", "legend entry"}


def test_an_actor_named_before_a_pronoun_is_in_the_quote(table):
    """ "In 2019, it pledged": the quote starts at the sentence naming Canada."""
    row = table.loc["canada_pledges_longer_term_regional_support"]
    assert row["quote"].startswith("From a financial perspective, Canada contributed")
    stca = table.loc["stca_signed"]
    assert stca["quote"].startswith("The Canada-US Safe Third Country Agreement (STCA)")


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("The ILO announces two new projects", ["two"]),
        ("Canada announces 2 additional projects", ["2"]),
        ("Two projects are announced", ["Two"]),
        ("The first cohort is recruited", ["first"]),
        ("Canada pledges half a million", ["half", "million"]),
        ("The STCA is twice challenged", ["twice"]),
        ("Canada begins to chair the Migration Five (M5)", []),  # a name, not a number
        ("The Canada-US Safe Third Country Agreement (STCA) is signed", []),
    ],
)
def test_numbers_in_a_description(description, found):
    assert events.numbers_in(description) == found


def test_a_description_with_a_number_is_refused_naming_file_and_key(root: Path):
    file = "sources/ircc_fact_sheet_2019/events.yaml"
    _edit(
        root, file, "description: Canada begins to chair", "description: Canada begins to chair two"
    )
    with pytest.raises(SourceError, match=r"without a date or number, not \['two'\]") as error:
        events.load_events(root)
    assert error.value.path == str(root / file)


def test_a_legend_event_whose_quote_is_no_legend_is_refused(root: Path, documents):
    _edit(
        root,
        "sources/ircc_fact_sheet_2019/events.yaml",
        "- id: m5_chair_canada\n",
        "- id: m5_chair_canada\n  legend: true\n",
    )
    with pytest.raises(SourceError, match="a legend labelled so for 'm5_chair_canada'"):
        events.extract_events(documents, events.load_events(root))


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        # A dateline and a date in the pattern: the date is read in one place.
        (
            "announce the launch of [0-9]+ additional",
            "announce the launch of (?P<date>[0-9]+) additional",
            "in its `dateline`, not its pattern",
        ),
        # Neither: no date at all.
        ("  dateline: '(?P<date>", "  dateline: '(?P<day>", "in its `dateline`, not its pattern"),
    ],
)
def test_a_dateline_must_hold_the_date_alone(root: Path, old, new, problem):
    _edit(root, "sources/ircc_news_release_2022/events.yaml", old, new)
    with pytest.raises(SourceError, match=problem):
        events.load_events(root)


def test_a_dateline_below_the_sentence_is_refused(root: Path, documents):
    _edit(
        root,
        "sources/ilo_news_2022/events.yaml",
        "  dateline: 'News \\| (?P<date>[0-9]{1,2} [A-Z][a-z]+\\s[0-9]{4})'",
        "  dateline: '(?P<date>Between [0-9]{4} and [0-9]{4}), the project'",
    )
    with pytest.raises(SourceError, match="dateline of 'ilo_news_ircc_projects_announced' above"):
        events.extract_events(documents, events.load_events(root))
