"""The data dictionary is generated from schemas/ and covers every resource and field."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

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


def test_dictionary_is_listed_in_the_descriptor_as_markdown(fresh_build):
    package = json.loads((fresh_build / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(r for r in package["resources"] if r["name"] == "data_dictionary")
    assert entry["path"] == publish.DICTIONARY
    assert entry["bytes"] == (fresh_build / publish.DICTIONARY).stat().st_size
    # What a tool reads to open it.
    assert (entry["format"], entry["mediatype"], entry["encoding"]) == (
        "md",
        "text/markdown",
        "utf-8",
    )


def test_known_discrepancy_block_replaces_only_the_block():
    text = f"intro\n{dictionary.KNOWN_START}\nold\n{dictionary.KNOWN_END}\nrest\n"
    assert dictionary.replace_block(text, "new\n") == (
        f"intro\n{dictionary.KNOWN_START}\nnew\n{dictionary.KNOWN_END}\nrest\n"
    )


def test_the_build_rewrites_the_readme_blocks_only_where_there_are_some(tmp_path):
    reconciliation = read_back.read_table(REPO, "reconciliation")
    paths = Paths(raw_dir=REPO / "raw", out_dir=tmp_path)
    known, described = (
        (dictionary.KNOWN_START, dictionary.KNOWN_END),
        (dictionary.DESCRIPTION_START, dictionary.DESCRIPTION_END),
    )
    paths.readme.write_text(
        f"{described[0]}\nold\n{described[1]}\nintro\n{known[0]}\nold\n{known[1]}\nrest\n",
        encoding="utf-8",
    )
    assert dictionary.refresh_readme(paths.readme, "A package.", reconciliation) is True
    block = dictionary.known_discrepancies_markdown(reconciliation)
    assert "expected " in block
    assert paths.readme.read_text(encoding="utf-8") == (
        f"{described[0]}\nA package.\n{described[1]}\nintro\n{known[0]}\n{block}{known[1]}\nrest\n"
    )
    paths.readme.write_text("no block here\n", encoding="utf-8")
    assert dictionary.refresh_readme(paths.readme, "A package.", reconciliation) is False
    assert paths.readme.read_text(encoding="utf-8") == "no block here\n"


def test_the_build_rewrites_the_citation_abstract_and_nothing_else(tmp_path):
    citation = tmp_path / "CITATION.cff"
    citation.write_text("title: T\nabstract: >-\n  Old text\n  on two lines.\nversion: 1.0.0\n")
    assert dictionary.refresh_citation(citation, "New " * 30 + "text.") is True
    text = citation.read_text()
    assert text.startswith("title: T\nabstract: >-\n  New New") and text.endswith(
        "version: 1.0.0\n"
    )
    assert all(len(line) <= 96 for line in text.splitlines())
    assert " ".join(yaml.safe_load(text)["abstract"].split()) == "New " * 30 + "text."
    citation.write_text("title: T\n")
    assert dictionary.refresh_citation(citation, "New text.") is False


def test_the_description_counts_documents_series_and_tables_from_the_package():
    package = schemas.package().model_copy(
        update={"description": "{documents} texts, {series} series, {tables} tables."}
    )
    documents = pd.DataFrame({"taken_from": ["not stated", "owner/repo x.csv", "not stated"]})
    assert package.described(documents) == f"2 texts, 1 series, {len(package.resources)} tables."


def test_a_count_the_package_does_not_know_is_refused():
    declared = schemas.package().model_dump()
    with pytest.raises(ValueError, match="are no counts"):
        schemas.Package.model_validate({**declared, "description": "{documnets} documents"})


def test_the_repository_texts_say_what_the_published_package_says():
    """The README's description block and CITATION.cff's abstract are the descriptor's."""
    description = json.loads((REPO / "datapackage.json").read_text("utf-8"))["description"]
    readme = (REPO / "README.md").read_text("utf-8")
    block = readme.split(dictionary.DESCRIPTION_START)[1].split(dictionary.DESCRIPTION_END)[0]
    assert " ".join(block.split()) == description
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    assert " ".join(citation["abstract"].split()) == description


def test_a_release_without_known_discrepancies_says_so():
    reconciliation = pd.DataFrame({"status": ["pass", "fail"], "check_id": ["a", "b"]})
    assert dictionary.known_discrepancies_markdown(reconciliation) == (
        "No known discrepancies in this release.\n"
    )
