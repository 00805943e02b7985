"""The data dictionary is generated from schemas/ and covers every resource and field."""

from pipeline import dictionary, publish, schemas
from tests.conftest import REPO


def test_dictionary_documents_every_field_of_every_resource():
    text = (REPO / "curated" / "README.md").read_text(encoding="utf-8")
    for name in publish.package_metadata()["resources"]:
        resource = schemas.load(name)
        assert f"## `{name}`: {resource.title}" in text
        for field in resource.fields:
            assert f"| `{field.name}` | {field.type} | {field.unit or ''} |" in text


def test_dictionary_is_listed_in_the_descriptor():
    import json

    package = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(r for r in package["resources"] if r["name"] == "data_dictionary")
    assert entry["path"] == publish.DICTIONARY
    assert entry["bytes"] == (REPO / publish.DICTIONARY).stat().st_size


def test_known_discrepancy_block_replaces_only_the_block():
    text = f"intro\n{dictionary.KNOWN_START}\nold\n{dictionary.KNOWN_END}\nrest\n"
    assert dictionary.replace_block(text, "new\n") == (
        f"intro\n{dictionary.KNOWN_START}\nnew\n{dictionary.KNOWN_END}\nrest\n"
    )
