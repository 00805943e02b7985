"""The data dictionary is generated from schemas/ and covers every resource and field."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline import schemas
from pipeline.package import dictionary, publish, read_back
from pipeline.paths import Paths
from tests.conftest import REPO


def test_dictionary_documents_every_field_of_every_resource():
    text = (REPO / "curated" / "README.md").read_text(encoding="utf-8")
    for name in schemas.package().resources:
        resource = schemas.load(name)
        assert f"## `{name}`: {resource.title}" in text
        for field in resource.fields:
            assert f"| `{field.name}` | {field.type} | {field.unit or ''} |" in text
            assert field.dictionary_row() in text


def test_dictionary_is_regenerated_from_the_published_tables():
    package = schemas.package()
    frames = {name: read_back.read_table(REPO, name) for name in package.resources}
    text = (REPO / "curated" / "README.md").read_text(encoding="utf-8")
    assert dictionary.data_dictionary_markdown(package, frames) == text


@pytest.mark.parametrize(
    ("constraints", "words"),
    [
        (schemas.Constraints(), ""),
        (schemas.Constraints(required=True, unique=True), "required; unique"),
        (schemas.Constraints(required=True, minimum=0, maximum=100), "required; >= 0; <= 100"),
        (schemas.Constraints(pattern="^[A-Z]{3}$"), "pattern `^[A-Z]{3}$`"),
        (schemas.Constraints(required=True, enum=("a", "b")), "required; one of `a`, `b`"),
    ],
)
def test_constraints_in_words(constraints, words):
    assert constraints.words() == words


def test_field_row_escapes_the_description():
    field = schemas.Field(name="x", type="string", description="a | b\n c", unit="persons")
    assert field.dictionary_row() == "| `x` | string | persons | a \\| b c |  |"


def test_dictionary_is_listed_in_the_descriptor():
    package = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(r for r in package["resources"] if r["name"] == "data_dictionary")
    assert entry["path"] == publish.DICTIONARY
    assert entry["bytes"] == (REPO / publish.DICTIONARY).stat().st_size


def test_known_discrepancy_block_replaces_only_the_block():
    text = f"intro\n{dictionary.KNOWN_START}\nold\n{dictionary.KNOWN_END}\nrest\n"
    assert dictionary.replace_block(text, "new\n") == (
        f"intro\n{dictionary.KNOWN_START}\nnew\n{dictionary.KNOWN_END}\nrest\n"
    )


def test_the_build_rewrites_the_readme_block_only_where_there_is_one(tmp_path):
    reconciliation = read_back.read_table(REPO, "reconciliation")
    paths = Paths(raw_dir=REPO / "raw", out_dir=tmp_path)
    paths.readme.write_text(
        f"intro\n{dictionary.KNOWN_START}\nold\n{dictionary.KNOWN_END}\nrest\n", encoding="utf-8"
    )
    assert dictionary.refresh_readme(paths.readme, reconciliation) is True
    block = dictionary.known_discrepancies_markdown(reconciliation)
    assert "expected " in block
    assert paths.readme.read_text(encoding="utf-8") == (
        f"intro\n{dictionary.KNOWN_START}\n{block}{dictionary.KNOWN_END}\nrest\n"
    )
    paths.readme.write_text("no block here\n", encoding="utf-8")
    assert dictionary.refresh_readme(paths.readme, reconciliation) is False
    assert paths.readme.read_text(encoding="utf-8") == "no block here\n"


def test_a_release_without_known_discrepancies_says_so():
    reconciliation = pd.DataFrame({"status": ["pass", "fail"], "check_id": ["a", "b"]})
    assert dictionary.known_discrepancies_markdown(reconciliation) == (
        "No known discrepancies in this release.\n"
    )
