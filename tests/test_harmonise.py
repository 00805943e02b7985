import pandas as pd
import pytest

from pipeline import harmonise
from pipeline.errors import SourceError


def test_paper_spellings_map_to_iso3_and_stateless_to_none():
    codes = harmonise.iso3_of(["U.S.A.", "DR Congo", "Palestine", "Surinam", "Stateless"])
    assert codes == {
        "U.S.A.": "USA",
        "DR Congo": "COD",
        "Palestine": "PSE",
        "Surinam": "SUR",
        "Stateless": None,
    }


def test_unknown_country_name_stops_with_its_line():
    frame = pd.DataFrame(
        {"country_as_printed": ["Haiti", "Atlantis"], "line_start": [3, 4], "document_id": "x"}
    )
    with pytest.raises(SourceError, match=r"raw/x.txt:4: expected a country name.*'Atlantis'"):
        harmonise.add_iso3(frame, {"x": "raw/x.txt"})


def test_countries_table_regions_and_first_mention():
    frame = pd.DataFrame(
        {
            "country_iso3": ["HTI", "NGA", None, "HTI"],
            "country_as_printed": ["Haiti", "Nigeria", "Stateless", "Haïti"],
            "document_id": ["b", "b", "b", "a"],
            "line_start": [5, 6, 7, 9],
            "line_end": [5, 6, 7, 10],
        }
    )
    table = harmonise.countries_table([frame]).set_index("country_iso3")
    assert table.loc["HTI", "un_region"] == "Americas"
    assert bool(table.loc["HTI", "latin_america_caribbean"]) is True
    assert bool(table.loc["NGA", "latin_america_caribbean"]) is False
    assert len(table) == 2
    assert table.loc["HTI", "names_as_printed"] == "Haiti | Haïti"
    assert (table.loc["HTI", "document_id"], table.loc["HTI", "line_end"]) == ("a", 10)
