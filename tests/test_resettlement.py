"""The paragraph on resettlement by region of origin (extract/resettlement.py), on a note and
declarations written for the test."""

from __future__ import annotations

from pathlib import Path

from pipeline import strict_yaml
from pipeline.extract import locate, resettlement
from pipeline.sources.text import RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "prose"
NOTE = (FIXTURES / "resettlement_note.txt").read_text(encoding="utf-8")


def test_a_resettlement_paragraph_gives_each_region_its_share_and_the_whole_period():
    file = strict_yaml.load(resettlement.ResettlementFile, FIXTURES / "resettlement_by_region.yaml")
    declared = (locate.Sourced("note", "resettlement_by_region.yaml", file),)
    rows = resettlement.extract_resettlement_by_region(
        {"note": RawDocument("note", "raw/note.txt", NOTE)}, declared
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
