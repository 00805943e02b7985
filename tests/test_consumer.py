"""Great Expectations suites on the published CSVs, read as a consumer reads them."""

from __future__ import annotations

import json

import pytest

from pipeline import schemas
from pipeline.package import expectations
from tests.conftest import REPO, copy_package


def test_every_suite_passes_and_data_docs_list_them(tmp_path):
    docs = tmp_path / "docs"
    results = expectations.run(REPO, docs)
    names = schemas.package().resources
    assert results == {f"{name}_consumer": True for name in names}
    index = (docs / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f"{name}_consumer" in index
    assert "Success" in index


def test_a_broken_published_value_fails_its_suite(tmp_path):
    package = copy_package(REPO, tmp_path / "package")
    totals = package / "curated" / "roxham_road_totals.csv"
    totals.write_text(totals.read_text().replace(",16040,", ",26040,"))
    results = expectations.run(package, tmp_path / "docs", only=["roxham_road_totals"])
    assert results == {"roxham_road_totals_consumer": False}


def test_expectations_are_derived_from_the_declared_constraints():
    import great_expectations as gx

    keys = ("column", "column_list", "min_value", "max_value", "regex", "value_set")
    described = [
        (type(e).__name__, {k: getattr(e, k) for k in keys if getattr(e, k, None) is not None})
        for e in schemas.load("countries").expectations(gx)
    ]
    columns = schemas.load("countries").field_names
    assert described[:3] == [
        ("ExpectTableColumnsToMatchOrderedList", {"column_list": columns}),
        ("ExpectTableRowCountToBeBetween", {"min_value": 1}),
        ("ExpectColumnValuesToBeUnique", {"column": "country_iso3"}),
    ]
    regions = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    for expectation in [
        ("ExpectColumnValuesToNotBeNull", {"column": "country_iso3"}),
        ("ExpectColumnValuesToBeUnique", {"column": "country_iso3"}),
        ("ExpectColumnValuesToMatchRegex", {"column": "country_iso3", "regex": "^[A-Z]{3}$"}),
        ("ExpectColumnValuesToBeInSet", {"column": "un_region", "value_set": regions}),
        ("ExpectColumnValuesToBeBetween", {"column": "line_start", "min_value": 1}),
    ]:
        assert expectation in described
    assert not any(d.get("column") == "names_as_printed" for _, d in described)  # none declared


def test_cross_table_expectations_of_a_table_not_in_the_package_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(expectations, "cross_table_expectations", lambda gx, frames: {"nope": []})
    with pytest.raises(ValueError, match=r"name tables not in the package: \['nope'\]"):
        expectations.run(REPO, tmp_path / "docs", only=["countries"])


def test_a_consumer_reads_text_and_date_columns_as_text(tmp_path):
    fields = [
        {"name": "code", "type": "string"},
        {"name": "day", "type": "date"},
        {"name": "count", "type": "integer"},
    ]
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    (tmp_path / "t.csv").write_text("code,day,count\n007,2019-01-31,5\n")
    frame = expectations.read_as_consumer(tmp_path)["t"]
    assert [str(dtype) for dtype in frame.dtypes] == ["string", "string", "int64"]
    assert frame.iloc[0].tolist() == ["007", "2019-01-31", 5]
