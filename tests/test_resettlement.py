"""The paragraph on resettlement by region of origin (extract/resettlement.py), on a note and
declarations written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import locate, resettlement
from pipeline.sources.text import RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "prose"
NOTE = (FIXTURES / "resettlement_note.txt").read_text(encoding="utf-8")


def declared() -> tuple[locate.Sourced[resettlement.ResettlementFile], ...]:
    """The fixture's declarations, as the note's (document `note`)."""
    file = strict_yaml.load(resettlement.ResettlementFile, FIXTURES / "resettlement_by_region.yaml")
    return (locate.Sourced("note", "resettlement_by_region.yaml", file),)


def test_a_resettlement_paragraph_gives_each_region_its_share_and_the_whole_period():
    rows = resettlement.extract_resettlement_by_region(
        {"note": RawDocument("note", "raw/note.txt", NOTE)}, declared()
    )
    # Of a total of 1,004: 600 is 59.7609...% and 300 is 29.8804...%, published to two decimals.
    assert rows[["region", "resettled", "share_pct", "unexplained_resettled"]].values.tolist() == [
        ["East", 600, 59.76, 104],
        ["West", 300, 29.88, 104],
    ]
    # From the first day of its first month to the last day of its last.
    assert set(zip(rows["period_start"], rows["period_end"], strict=True)) == {
        ("2015-01-01", "2020-06-30")
    }


def refusal(old: str, new: str) -> SourceError:
    """The error of the note's extraction with `old` edited to `new`."""
    assert old in NOTE, old
    edited = RawDocument("note", "raw/note.txt", NOTE.replace(old, new, 1))
    with pytest.raises(SourceError) as error:
        resettlement.extract_resettlement_by_region({"note": edited}, declared())
    return error.value


def test_a_period_that_is_no_month_is_refused_with_its_quote():
    error = refusal("From January 2015", "From Janury 2015")
    assert (error.path, error.line) == ("raw/note.txt", 1)
    assert error.expected == "a period 'Month YYYY to Month YYYY'"
    assert "From Janury 2015 to June 2020" in error.found


def test_a_resettled_total_of_zero_is_refused_with_its_quote():
    error = refusal("a total of 1,004", "a total of 0")
    assert (error.path, error.line, error.expected) == ("raw/note.txt", 1, "a total above zero")
    assert "Canada resettled a total of 0 people" in error.found
