"""The small cross-document declarations are strict too: a misspelt key is refused naming the
file and the key (the hedge words and the country-name exceptions)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import harmonise, strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import hedges


def misspelt(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    text = copy.read_text(encoding="utf-8")
    assert old in text
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def test_a_misspelt_key_in_the_hedges_is_refused(tmp_path):
    path = misspelt(tmp_path, hedges.HEDGES, "    band: 0.05\n", "    bnad: 0.05\n")
    with pytest.raises(SourceError) as error:
        hedges.load(path)
    assert error.value.path == str(path)
    assert "(key 'qualifiers.approximately.bnad')" in error.value.expected


def test_a_missing_qualifier_in_the_hedges_is_refused(tmp_path):
    path = misspelt(tmp_path, hedges.HEDGES, "  at least:\n", "  at leat:\n")
    with pytest.raises(SourceError, match="qualifiers"):
        hedges.load(path)


def test_a_misspelt_key_in_the_country_name_exceptions_is_refused(tmp_path):
    path = misspelt(tmp_path, harmonise.DECLARATIONS, "not_a_country:", "not_a_contry:")
    with pytest.raises(SourceError) as error:
        strict_yaml.load(harmonise.CountryNames, path)
    assert "(key 'not_a_contry')" in error.value.expected


@pytest.mark.parametrize(
    ("qualifier", "expected", "half_unit", "band"),
    [
        ("exact", 120.0, 0.5, (0.5, 0.5)),  # half a unit of the last printed digit either way
        ("approximately", 1000.0, 0.5, (50.0, 50.0)),  # 5% both ways
        ("approximately", 10.0, 0.5, (0.5, 0.5)),  # never narrower than half a unit
        ("at most", 1000.0, 0.5, (100.0, 0.0)),  # "almost 1,000": only below
        ("at least", 1000.0, 0.5, (0.0, 100.0)),  # "over 1,000": only above
    ],
)
def test_each_qualifier_opens_its_declared_band_on_its_declared_sides(
    qualifier, expected, half_unit, band
):
    assert hedges.load().band(qualifier, expected, half_unit) == pytest.approx(band)
