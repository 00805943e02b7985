"""Dated events: found by locators, dates read as printed and normalised with their precision."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import locate, runner, snapshot
from pipeline.errors import SourceError
from pipeline.extract import events
from tests.conftest import PAPER_FILE, edit_document

PROSE = {
    "working_paper_2020",
    "ircc_fact_sheet_2019",
    "focal_seminar_2008",
    "ircc_news_release_2022",
    "ilo_news_2022",
}


@pytest.fixture(scope="module")
def table(documents) -> pd.DataFrame:
    found = events.extract_events(documents, events.load_events())
    return events.add_actor_iso3(found, snapshot.paths_of(documents)).set_index("event_id")


# --- dates as printed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "start", "end", "precision"),
    [
        ("2004", "2004", None, "year"),
        ("March 2019", "2019-03", None, "month"),
        ("March, 2020", "2020-03", None, "month"),  # a comma, as the paper prints it
        ("5 December 2019", "2019-12-05", None, "day"),
        ("from 2016 to 2020", "2016", "2020", "year"),
        ("2019 to 2020", "2019", "2020", "year"),
        ("Between 2022 and 2024", "2022", "2024", "year"),
        ("July 1st, 2020", "2020-07-01", None, "day"),
        ("August\u00a016, 2022", "2022-08-16", None, "day"),  # a no-break space, as printed
        ("Oct. 3<sup>rd</sup> 2008", "2008-10-03", None, "day"),
        ("the last day of 2004", "2004-12-31", None, "day"),
        ("late 2019", "2019", None, "year"),
        ("from March 2019 to June 2020", "2019-03", "2020-06", "month"),
    ],
)
def test_each_date_form_is_read_as_printed(printed, start, end, precision):
    assert events.parse_date(printed) == events.EventDate(start, end, precision)


@pytest.mark.parametrize(
    "printed",
    [
        "",
        "soon",
        "20044",
        "Smarch 2019",
        "32 December 2019",  # no such day
        "from 2020 to 2016",  # an interval that ends before it starts
        "from 2016 to March 2020",  # two precisions
        "from 2016 to",
        "2019 and",
    ],
)
def test_a_malformed_date_is_refused(printed):
    with pytest.raises(ValueError):
        events.parse_date(printed)


# --- the published events ---------------------------------------------------------------------


def test_clearly_dated_events_of_all_five_documents(table):
    assert set(table["document_id"]) == PROSE
    assert table.index.is_unique
    assert len(table) >= 44


@pytest.mark.parametrize(
    ("event_id", "printed", "start", "end", "precision", "event_type", "actors"),
    [
        (
            "stca_in_force",
            "the last day of 2004",
            "2004-12-31",
            None,
            "day",
            "agreement in force",
            None,
        ),
        ("mexico_visa_imposed", "2009", "2009", None, "year", "visa imposed", "MEX"),
        ("mexico_visa_lifted", "2016", "2016", None, "year", "visa lifted", "MEX"),
        ("m5_chair_canada", "November 2019", "2019-11", None, "month", "chairmanship", "CAN"),
        ("igc_chairmanship_canada", "2019 to 2020", "2019", "2020", "year", "chairmanship", "CAN"),
        (
            "cusma_in_force",
            "July 1st, 2020",
            "2020-07-01",
            None,
            "day",
            "agreement in force",
            "CAN; USA; MEX",
        ),
        ("stca_declared_invalid", "July 2020", "2020-07", None, "month", "court ruling", None),
        (
            "ilo_fair_recruitment_project_period",
            "Between 2022 and 2024",
            "2022",
            "2024",
            "year",
            "programme period",
            "CRI; GTM; HND",
        ),
        (
            "roxham_road_route_closed",
            "March, 2020",
            "2020-03",
            None,
            "month",
            "border closed",
            None,
        ),
        (
            "regional_asylum_capacity_support_group_resumes",
            "June 2019",
            "2019-06",
            None,
            "month",
            "meetings resumed",
            None,
        ),
        ("trump_administration_elected", "2016", "2016", None, "year", "election held", None),
        ("canada_federal_election_2015", "2015", "2015", None, "year", "election held", "CAN"),
        ("oas_singles_out_canada_mining", "2015", "2015", None, "year", "announcement", "CAN"),
        (
            "canada_promises_additional_support_host_states",
            "May 2020",
            "2020-05",
            None,
            "month",
            "announcement",
            None,
        ),
        (
            "world_humanitarian_summit_new_way_of_working",
            "2016",
            "2016",
            None,
            "year",
            "policy adopted",
            None,
        ),
        (
            "unitar_labour_migration_seminar",
            "Oct. 3<sup>rd</sup> 2008",
            "2008-10-03",
            None,
            "day",
            "seminar held",
            None,
        ),
    ],
)
def test_dates_types_and_actors(
    table, event_id, printed, start, end, precision, event_type, actors
):
    row = table.loc[event_id]
    assert (row["date_as_printed"], row["date_start"], row["date_end"]) == (printed, start, end)
    assert (row["date_precision"], row["event_type"], row["actor_iso3"]) == (
        precision,
        event_type,
        actors,
    )


def test_each_quote_is_verbatim_at_its_lines_and_holds_its_date(table, documents):
    squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - line breaks may join words
    for event_id, row in table.iterrows():
        doc = documents[row["document_id"]]
        span = " ".join(doc.line(n).strip() for n in range(row["line_start"], row["line_end"] + 1))
        assert squash(row["quote"]) in squash(span), event_id
        assert row["date_as_printed"] in row["quote"], event_id
        assert row["line_start"] <= row["date_line"] <= row["line_end"], event_id


def test_no_date_or_number_is_typed_into_the_declarations():
    """The declarations say what happened; the dates are read from raw/ at build time."""
    for source in events.load_events():
        for event in source.declarations.events:
            declared = [event.description, *event.countries, *event.organisations]
            # A number standing alone ("2009", "16"), not part of a name such as "M5".
            assert not [t for t in declared if re.search(r"(?<![A-Za-z])[0-9]", t)], event.id
            assert not re.search(r"(?<![0-9{,])(?:19|20)[0-9]{2}", event.pattern), event.id


# --- an edited source changes the row ---------------------------------------------------------


def test_an_edited_date_in_raw_changes_the_row(raw_copy: Path):
    path = raw_copy / PAPER_FILE
    text = path.read_text(encoding="utf-8")
    old = "Harper government in 2009 after Mexico"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("2009", "2008")), encoding="utf-8")
    snapshot.record(raw_copy)
    tables = runner.materialize(snapshot.take(raw_copy))
    row = tables["events"].set_index("event_id").loc["mexico_visa_imposed"]
    assert (row["date_as_printed"], row["date_start"]) == ("2008", "2008")
    assert "Harper government in 2008" in row["quote"]


# --- locators match exactly once --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("The visa was imposed by the", "A visa was imposed by the", "0 matches"),
        (
            "The removal of visa requirement for Mexico in 2016",
            "The removal of visa requirement for Mexico in 2016. The removal of visa requirement "
            "for Mexico in 2016",
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
        ("  event_type: chairmanship", "  event_type: chairing", "event_type"),
        ("(?P<date>[0-9]{4} to [0-9]{4})", "([0-9]{4} to [0-9]{4})", r"named groups \['date'\]"),
        ("- id: m5_chair_canada", "- id: igc_chairmanship_canada", "events locator ids used once"),
    ],
)
def test_inconsistent_declarations_are_refused(root: Path, old, new, problem):
    _edit(root, "sources/ircc_fact_sheet_2019/events.yaml", old, new)
    with pytest.raises(SourceError, match=problem):
        events.load_events(root)


def test_an_actor_the_quote_does_not_name_is_refused(root: Path, documents):
    _edit(
        root,
        "sources/working_paper_2020/events.yaml",
        "  countries: [Mexico]\n  pattern: 'The removal",
        "  countries: [Mexico, Guatemala]\n  pattern: 'The removal",
    )
    with pytest.raises(SourceError, match="actor 'Guatemala' of 'mexico_visa_lifted'"):
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
