"""The typed model of schemas/: a mistake in any declaration stops loading with a message naming
the file and the key. Each case edits one thing in a copy of schemas/."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline import schemas
from pipeline.errors import SourceError
from tests.conftest import REPO

Loader = Callable[[Path], object]


def resource(name: str) -> Loader:
    return lambda schema_dir: schemas.load(name, schema_dir)


@pytest.fixture
def schema_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "schemas", tmp_path / "schemas"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_error(schema_dir: Path, file: str, old: str, new: str, load: Loader) -> str:
    """The message loading `schema_dir` fails with once `old` is replaced by `new` in `file`."""
    edit(schema_dir / file, old, new)
    with pytest.raises(SourceError) as raised:
        load(schema_dir)
    message = str(raised.value)
    assert f"schemas/{file}" in message, message
    return message


def test_the_repository_schemas_load():
    package = schemas.package()
    assert package.resources[0] == "documents"
    for name in package.resources:
        assert schemas.load(name).name == name


# (file, text, misspelt, loader, key the message names, what it says about the key)
MISSPELT = {
    "resource": (
        "facts.yaml",
        "foreign_keys:",
        "foreign_key:",
        resource("facts"),
        "foreign_key",
        "an unknown key",
    ),
    "field": (
        "remittances.yaml",
        "    unit: percent of GDP",
        "    units: percent of GDP",
        resource("remittances"),
        "fields.3.units",
        "an unknown key",
    ),
    "constraints": (
        "remittances.yaml",
        "{required: true, minimum: 0, maximum: 100}",
        "{required: true, minimun: 0, maximum: 100}",
        resource("remittances"),
        "fields.3.constraints.minimun",
        "an unknown key",
    ),
    "foreign key": (
        "facts.yaml",
        "{fields: [country_iso3], reference:",
        "{fields: [country_iso3], refrence:",
        resource("facts"),
        "foreign_keys.1.refrence",
        "an unknown key",
    ),
    "use reference": (
        "countries.yaml",
        "    description: >-\n      The document where",
        "    descripton: >-\n      The document where",
        resource("countries"),
        "fields.6.descripton",
        "an unknown key",
    ),
    "shared field": (
        "_fields.yaml",
        "  constraints: {required: true, minimum: 1}",
        "  constraint: {required: true, minimum: 1}",
        resource("facts"),
        "line_start.constraint",
        "an unknown key",
    ),
    "package": (
        "_package.yaml",
        "keywords:",
        "keyword:",
        lambda schema_dir: schemas.package(schema_dir),
        "keyword",
        "an unknown key",
    ),
}


@pytest.mark.parametrize(
    ("file", "old", "new", "load", "key", "problem"), MISSPELT.values(), ids=MISSPELT.keys()
)
def test_a_misspelt_key_names_file_and_key(schema_copy, file, old, new, load, key, problem):
    message = load_error(schema_copy, file, old, new, load)
    assert f"(key '{key}')" in message, message
    assert problem in message, message


# (file, text, replacement, resource, key, words of the problem)
INVALID = {
    "wrong type: unknown field type": (
        "remittances.yaml",
        "    type: integer\n    description: Position",
        "    type: int\n    description: Position",
        "remittances",
        "fields.2.type",
        "'integer'",
    ),
    "wrong type: text minimum": (
        "remittances.yaml",
        "{required: true, minimum: 0, maximum: 100}",
        "{required: true, minimum: '0', maximum: 100}",
        "remittances",
        "fields.3.constraints.minimum",
        "should be a number",
    ),
    "wrong type: text required": (
        "remittances.yaml",
        "{required: true, minimum: 0, maximum: 100}",
        "{required: 'yes', minimum: 0, maximum: 100}",
        "remittances",
        "fields.3.constraints.required",
        "valid boolean",
    ),
    "wrong type: primary key not a list": (
        "facts.yaml",
        "primary_key: [fact_id]",
        "primary_key: {fact_id: 1}",
        "facts",
        "primary_key",
        "valid tuple",
    ),
    "missing key": (
        "facts.yaml",
        "row: one number stated in prose\n",
        "",
        "facts",
        "row",
        "missing",
    ),
    "missing field type": (
        "remittances.yaml",
        "    type: integer\n    description: Position",
        "    description: Position",
        "remittances",
        "fields.2.type",
        "missing",
    ),
    "primary key names a missing field": (
        "facts.yaml",
        "primary_key: [fact_id]",
        "primary_key: [fact_ids]",
        "facts",
        "primary_key.0",
        "fact_ids, which is not a declared field",
    ),
    "foreign key names a missing field": (
        "facts.yaml",
        "{fields: [country_iso3], reference:",
        "{fields: [country], reference:",
        "facts",
        "foreign_keys.1.fields.0",
        "country, which is not a declared field",
    ),
    "foreign key refers to fewer fields": (
        "facts.yaml",
        "reference: {resource: countries, fields: [country_iso3]}",
        "reference: {resource: countries, fields: [country_iso3, name]}",
        "facts",
        "foreign_keys.1.reference.fields",
        "one field per field",
    ),
    "field declared twice": (
        "facts.yaml",
        "  - name: indicator\n",
        "  - name: fact_id\n",
        "facts",
        "fields.2",
        "a second field named fact_id",
    ),
    "pattern that is not a regular expression": (
        "facts.yaml",
        'pattern: "^[a-z0-9_]+$"}',
        'pattern: "^[a-z0-9_+$"}',
        "facts",
        "fields.0.constraints.pattern",
        "not a regular expression",
    ),
}


@pytest.mark.parametrize(
    ("file", "old", "new", "name", "key", "problem"), INVALID.values(), ids=INVALID.keys()
)
def test_an_invalid_declaration_names_file_and_key(schema_copy, file, old, new, name, key, problem):
    message = load_error(schema_copy, file, old, new, resource(name))
    assert f"(key '{key}')" in message, message
    assert problem in message, message


def test_a_refusal_of_a_model_validator_is_an_error_of_type_declaration_at_its_key() -> None:
    """Its own type, not pydantic's `missing` or `extra_forbidden` (which loading words as a
    missing or an unknown key): the message loading gives is the problem stated."""
    declared = {"fields": ["a"], "reference": {"resource": "r", "fields": ["a", "b"]}}
    with pytest.raises(ValidationError) as raised:
        schemas.ForeignKey.model_validate(declared)
    (error,) = raised.value.errors()
    assert (error["type"], error["loc"], error["msg"]) == (
        "declaration",
        ("reference", "fields"),
        "one field per field",
    )


def test_an_unknown_use_names_file_and_key(schema_copy):
    message = load_error(
        schema_copy,
        "countries.yaml",
        "  - use: document_id",
        "  - use: documnet_id",
        resource("countries"),
    )
    assert "key 'fields.6.use' to name a field of _fields.yaml" in message, message
    assert "documnet_id" in message


def test_a_name_other_than_the_file_name_is_refused(schema_copy):
    message = load_error(schema_copy, "facts.yaml", "name: facts", "name: fact", resource("facts"))
    assert "key 'name' to be the file's name 'facts'" in message, message


def test_a_listed_resource_without_schema_file_is_refused(schema_copy):
    message = load_error(schema_copy, "_package.yaml", "  - facts\n", "  - fact\n", schemas.package)
    index = schemas.package().resources.index("facts")
    assert f"key 'resources.{index}' to name a schema file (fact.yaml)" in message, message


def test_a_resource_listed_twice_is_refused(schema_copy):
    message = load_error(
        schema_copy, "_package.yaml", "  - facts\n", "  - projects\n", schemas.package
    )
    assert "(key 'resources')" in message and "listed more than once: projects" in message


def test_a_use_entry_overrides_only_what_it_declares(schema_copy):
    edit(
        schema_copy / "countries.yaml",
        "    description: Line of the raw file where that first mention ends (a name broken across"
        " lines ends on the next).\n",
        "    unit: lines\n",
    )
    line_end = schemas.load("countries", schema_copy).fields[-1]
    assert line_end.unit == "lines"
    assert line_end.description == "Last line of the raw file (1-based) the row was read from."
    assert line_end.constraints == schemas.Constraints(required=True, minimum=1)


def test_overridden_constraints_replace_the_shared_ones():
    iso3 = schemas.load("remittances").fields[0]
    assert iso3.name == "country_iso3"
    assert iso3.constraints == schemas.Constraints(required=True, pattern="^[A-Z]{3}$")
    shared = next(f for f in schemas.load("facts").fields if f.name == "country_iso3")
    assert shared.constraints == schemas.Constraints(pattern="^[A-Z]{3}$")
