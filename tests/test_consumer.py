"""Great Expectations suites on the published CSVs, read as a consumer reads them."""

from __future__ import annotations

import shutil

from pipeline import consumer_checks, publish
from tests.conftest import REPO


def test_every_suite_passes_and_data_docs_list_them(tmp_path):
    docs = tmp_path / "docs"
    results = consumer_checks.run(REPO, docs)
    names = publish.package_metadata()["resources"]
    assert results == {f"{name}_consumer": True for name in names}
    index = (docs / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f"{name}_consumer" in index
    assert "Success" in index


def test_a_broken_published_value_fails_its_suite(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    shutil.copy(REPO / "datapackage.json", package / "datapackage.json")
    shutil.copytree(REPO / "curated", package / "curated")
    totals = package / "curated" / "roxham_road_totals.csv"
    totals.write_text(totals.read_text().replace(",16040,", ",26040,"))
    results = consumer_checks.run(package, tmp_path / "docs", only=["roxham_road_totals"])
    assert results == {"roxham_road_totals_consumer": False}
