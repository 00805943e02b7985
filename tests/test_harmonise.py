import pandas as pd
import pytest

from pipeline import harmonise
from pipeline.errors import SourceError
from pipeline.sources.text import RawDocument


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


def _doc(document_id: str, text: str) -> RawDocument:
    return RawDocument(document_id, f"raw/{document_id}.txt", text)


def test_countries_table_regions_and_first_row_when_no_name_occurs():
    frame = pd.DataFrame(
        {
            "country_iso3": ["HTI", "NGA", None, "HTI"],
            "country_as_printed": ["Haiti", "Nigeria", "Stateless", "Haïti"],
            "document_id": ["b", "b", "b", "a"],
            "line_start": [5, 6, 7, 9],
            "line_end": [5, 6, 7, 10],
        }
    )
    # Texts that print neither name: the first row, in the documents' order (b before a).
    documents = [_doc("b", "no country\n"), _doc("a", "none here\n")]
    table = harmonise.countries_table([frame], documents).set_index("country_iso3")
    assert table.loc["HTI", "un_region"] == "Americas"
    assert bool(table.loc["HTI", "latin_america_caribbean"]) is True
    assert bool(table.loc["NGA", "latin_america_caribbean"]) is False
    assert len(table) == 2
    assert table.loc["HTI", "names_as_printed"] == "Haiti | Haïti"
    assert (table.loc["HTI", "document_id"], table.loc["HTI", "line_end"]) == ("b", 5)


def test_with_no_name_in_the_texts_the_first_row_is_in_document_order_before_line_order():
    frame = pd.DataFrame(
        {
            "country_iso3": ["HTI", "HTI"],
            "country_as_printed": ["Haiti", "Haiti"],
            "document_id": ["a", "b"],
            "line_start": [2, 9],
            "line_end": [2, 9],
        }
    )
    # b comes first in order: its row at line 9 is the first, not a's at line 2.
    documents = [_doc("b", "no country\n"), _doc("a", "none here\n")]
    table = harmonise.countries_table([frame], documents).set_index("country_iso3")
    assert tuple(table.loc["HTI", ["document_id", "line_start"]]) == ("b", 9)


def test_first_named_is_the_earliest_mention_in_the_text_not_the_first_row():
    frame = pd.DataFrame(
        {
            "country_iso3": ["HTI", "SDN", "SSD", "USA"],
            "country_as_printed": ["Haiti", "Sudan", "South Sudan", "United States"],
            "document_id": "b",
            "line_start": [5, 6, 7, 8],
            "line_end": [5, 6, 7, 8],
        }
    )
    text_b = (
        "Haitians and Haitian are no names.\n"  # whole words only
        "South Sudan comes first.\n"  # "Sudan" inside a longer country name
        "the US\n"  # a name declared in country_names.yaml
        "Then Haiti, and Sudan's.\n"
        "Haiti\nSudan\nSouth Sudan\nUnited States\n"
    )
    documents = [_doc("a", "nothing\nthe United\nStates\n"), _doc("b", text_b)]
    table = harmonise.countries_table([frame], documents).set_index("country_iso3")
    where = table[["document_id", "line_start", "line_end"]].apply(tuple, axis=1).to_dict()
    assert where == {
        "HTI": ("b", 4, 4),  # earlier than its first row (line 5)
        "SDN": ("b", 4, 4),
        "SSD": ("b", 2, 2),
        "USA": ("a", 2, 3),  # the first document in order; a name broken across lines
    }
    # The same texts with the documents in the other order: the declared "US" of b.
    swapped = harmonise.countries_table([frame], documents[::-1]).set_index("country_iso3")
    assert tuple(swapped.loc["USA", ["document_id", "line_start"]]) == ("b", 3)


def test_a_name_at_the_start_of_a_longer_country_name_does_not_name_its_country():
    frame = pd.DataFrame(
        {
            "country_iso3": ["GIN", "GNB"],
            "country_as_printed": ["Guinea", "Guinea-Bissau"],
            "document_id": "a",
            "line_start": [5, 6],
            "line_end": [5, 6],
        }
    )
    # "Guinea" begins "Guinea-Bissau" on line 1: Guinea is first named on line 2.
    documents = [_doc("a", "Guinea-Bissau first.\nThen Guinea.\n")]
    table = harmonise.countries_table([frame], documents).set_index("country_iso3")
    where = table[["document_id", "line_start", "line_end"]].apply(tuple, axis=1).to_dict()
    assert where == {"GIN": ("a", 2, 2), "GNB": ("a", 1, 1)}


def test_document_order_follows_sources_yaml_then_document_id():
    names = ["unhcr_x", "ilo_news_2022", "working_paper_2020", "rcmp_x"]
    documents = {name: _doc(name, "") for name in names}
    ordered = [d.document_id for d in harmonise.document_order(documents)]
    assert ordered == ["working_paper_2020", "ilo_news_2022", "rcmp_x", "unhcr_x"]


def test_a_declared_name_that_is_not_an_iso3_code_is_refused():
    with pytest.raises(ValueError, match="not an ISO3 code"):
        harmonise.CountryNames(not_a_country={}, also_printed={"United States": ("US",)})


def test_one_name_or_none_is_mapped_like_many():
    assert harmonise.iso3_of(["Haiti"]) == {"Haiti": "HTI"}
    assert harmonise.iso3_of(["Haiti", "Haiti", "Mexico"]) == {"Haiti": "HTI", "Mexico": "MEX"}
    assert harmonise.iso3_of([]) == {}


def test_a_declared_adjective_reads_as_its_country():
    declared = harmonise.country_names().adjective_codes()
    assert declared, "pipeline/declarations/country_names.yaml declares no adjective"
    found = harmonise.iso3_of(list(declared))
    assert found == declared
