"""event_actors: the actor countries of events, one row each, a foreign key to countries; and
countries' first mentions in the real texts."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import harmonise
from pipeline.package import publish


def _events(**columns: list) -> pd.DataFrame:
    base = {
        "event_id": ["a", "b"],
        "document_id": ["d", "d"],
        "actor_iso3": ["CAN; USA; MEX", pd.NA],
        "actor_countries_as_printed": ["Canada; United States; Mexico", pd.NA],
        "line_start": [3, 7],
        "line_end": [4, 7],
    }
    return pd.DataFrame({**base, **columns})


def test_one_row_per_event_and_actor_in_declared_order():
    rows = harmonise.actor_rows(_events())
    assert rows.to_dict("list") == {
        "event_id": ["a", "a", "a"],
        "country_iso3": ["CAN", "USA", "MEX"],
        "country_as_printed": ["Canada", "United States", "Mexico"],
        "document_id": ["d", "d", "d"],
        "line_start": [3, 3, 3],
        "line_end": [4, 4, 4],
    }


def test_codes_and_names_that_do_not_pair_are_refused():
    with pytest.raises(ValueError):
        harmonise.actor_rows(_events(actor_countries_as_printed=["Canada; Mexico", pd.NA]))


def test_every_actor_of_every_event_has_its_row_and_its_country(tables):
    actors = tables["event_actors"]
    listed = [
        (row.event_id, code)
        for row in tables["events"].itertuples()
        if isinstance(row.actor_iso3, str)
        for code in row.actor_iso3.split("; ")
    ]
    assert list(zip(actors["event_id"], actors["country_iso3"], strict=True)) == listed
    assert set(actors["country_iso3"]) <= set(tables["countries"]["country_iso3"])


def test_countries_are_placed_at_their_first_mention_in_the_texts(tables):
    countries = tables["countries"].set_index("country_iso3")
    # Mexico: the paper's introduction, long before any row that names it.
    assert tuple(countries.loc["MEX", ["document_id", "line_start"]]) == ("working_paper_2020", 56)
    # The United States: "US" (declared in country_names.yaml), before "United States".
    assert tuple(countries.loc["USA", ["document_id", "line_start"]]) == ("working_paper_2020", 37)
    first_rows = (
        tables["memberships"].sort_values("line").drop_duplicates("country_iso3", keep="first")
    )
    mexico = first_rows[first_rows["country_iso3"] == "MEX"]
    assert (mexico["line"] > 56).all()


# --- the published package checks the keys -----------------------------------------------------


@pytest.fixture
def package(fresh_build: Path) -> Path:
    """The session's fresh build (tests copy it before changing anything)."""
    return fresh_build


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(change(rows))


def test_the_published_event_actors_are_a_valid_part_of_the_package(package):
    assert publish.validate_package(package) == []
    with (package / "curated" / "event_actors.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) >= 18


@pytest.mark.parametrize(
    ("file", "change"),
    [
        # An actor country that `countries` does not have.
        ("event_actors.csv", lambda rows: [rows[0], [rows[1][0], "FRA", *rows[1][2:]], *rows[2:]]),
        # An actor of an event that `events` does not have.
        ("event_actors.csv", lambda rows: [rows[0], ["no_such_event", *rows[1][1:]], *rows[2:]]),
        # An actor country dropped from `countries`.
        ("countries.csv", lambda rows: [r for r in rows if r[0] != "CRI"]),
    ],
)
def test_a_broken_key_fails_validation(package, tmp_path, file, change):
    copy = tmp_path / "package"
    shutil.copytree(package, copy)
    _rewrite(copy / "curated" / file, change)
    # Only the tables the keys join: validating the rest says nothing of them.
    descriptor = json.loads((copy / publish.DESCRIPTOR).read_text(encoding="utf-8"))
    keyed = {"event_actors", "events", "countries"}
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in keyed]
    (copy / publish.DESCRIPTOR).write_text(json.dumps(descriptor), encoding="utf-8")
    errors = publish.validate_package(copy)
    assert any("event_actors" in e and "foreign" in e.lower() for e in errors), errors
