"""Every declared constraint becomes a Pandera check that fails on a frame that breaks it; the
Table Schemas and CSVs derived from schemas/ are the published ones."""

from __future__ import annotations

import json
import os

import pandas as pd
import pandera.pandas as pa
import pytest

from pipeline import schemas
from pipeline.package import publish, read_back
from tests.conftest import REPO

PUBLISHED = schemas.package().resources


def published(name: str) -> pd.DataFrame:
    return read_back.read_table(REPO, name)


def breakages(resource: schemas.Resource):
    """(label, bad value) for every constraint of every field."""
    for field in resource.fields:
        c = field.constraints
        if c.required:
            yield field.name, "required", pd.NA
        if c.minimum is not None:
            yield field.name, "minimum", c.minimum - 1
        if c.maximum is not None:
            yield field.name, "maximum", c.maximum + 1
        if c.pattern is not None or field.type == "date":
            yield field.name, "pattern", "not-matching!"
        if c.enum is not None:
            yield field.name, "enum", "not-in-enum"


PANDERA_CHECK = {
    "required": "not_nullable",
    "minimum": "greater_than_or_equal_to",
    "maximum": "less_than_or_equal_to",
    "pattern": "str_matches",
    "enum": "isin",
}


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_table_passes_its_schema(name):
    schemas.load(name).pandera_schema().validate(published(name), lazy=True)


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_constraint_fails_on_bad_value(name):
    """Every breakage of a constraint, each in a row of its own (copies of the first row), is
    reported by one validation as a failure of that constraint's check at that row."""
    resource = schemas.load(name)
    cases = list(breakages(resource))
    frame = pd.concat([published(name).iloc[[0]]] * max(len(cases), 1), ignore_index=True)
    for row, (column, _, bad) in enumerate(cases):
        frame.loc[row, column] = bad  # keeps the column's dtype, so only the constraint can fail
    with pytest.raises(pa.errors.SchemaErrors) as raised:
        resource.pandera_schema().validate(frame, lazy=True)
    failures = raised.value.failure_cases
    for row, (column, constraint, _) in enumerate(cases):
        at = failures[(failures["column"] == column) & (failures["index"] == row)]
        failed = at["check"].astype(str).tolist()
        assert any(PANDERA_CHECK[constraint] in check for check in failed), (column, failed)


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_unique_field_fails_on_a_repeated_value(name):
    resource = schemas.load(name)
    frame = published(name)
    for field in (f for f in resource.fields if f.constraints.unique):
        doubled = frame.copy()
        doubled.loc[1, field.name] = doubled.loc[0, field.name]
        with pytest.raises(pa.errors.SchemaErrors) as raised:
            resource.pandera_schema().validate(doubled, lazy=True)
        cases = raised.value.failure_cases
        assert "field_uniqueness" in cases[cases["column"] == field.name]["check"].tolist()


@pytest.mark.parametrize("name", PUBLISHED)
def test_duplicate_primary_key_fails(name):
    frame = published(name)
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    with pytest.raises(Exception, match=r"unique|duplicate"):
        schemas.load(name).pandera_schema().validate(doubled, lazy=True)


def test_undeclared_column_fails():
    frame = published("remittances").assign(extra=1)
    with pytest.raises(Exception, match="extra"):
        schemas.load("remittances").pandera_schema().validate(frame, lazy=True)


def test_schema_check_reports_failure_cases():
    frame = published("roxham_road_claims")
    frame.loc[3, "claims"] = -5
    outcome = schemas.load("roxham_road_claims").check(frame)
    assert not outcome.passed
    assert "claims" in outcome.description
    assert "-5" in outcome.details["failure_case"].tolist()
    assert schemas.load("roxham_road_claims").check(published("roxham_road_claims")).passed


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_schema_check_blocks_a_bad_frame(name):
    frame = published(name)
    required = next(f.name for f in schemas.load(name).fields if f.constraints.required)
    frame.loc[0, required] = pd.NA
    outcome = schemas.load(name).check(frame)
    assert not outcome.passed
    assert outcome.severity == "error"
    assert required in outcome.details["column"].tolist()
    assert schemas.load(name).check(published(name)).passed


def test_table_schema_is_derived_from_the_declaration():
    resource = schemas.load("roxham_road_claims")
    table_schema = resource.table_schema()
    assert [f["name"] for f in table_schema["fields"]] == resource.field_names
    assert table_schema["primaryKey"] == ["year", "rank"]
    claims = next(f for f in table_schema["fields"] if f["name"] == "claims")
    assert claims["constraints"] == {"required": True, "minimum": 0}
    assert {
        "fields": ["country_iso3"],
        "reference": {"resource": "countries", "fields": ["country_iso3"]},
    } in table_schema["foreignKeys"]


def test_published_descriptor_has_the_derived_table_schemas():
    package = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in package["resources"] if "schema" in r]
    assert [r["name"] for r in tables] == list(PUBLISHED)
    for entry in tables:
        derived = schemas.load(entry["name"]).table_schema()
        assert json.dumps(derived) == json.dumps(entry["schema"]), entry["name"]


def test_package_metadata_is_the_published_descriptors():
    package = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    metadata = schemas.package().metadata(read_back.read_table(REPO, "documents"))
    assert json.dumps(metadata) == json.dumps({key: package[key] for key in metadata})


def test_shared_field_is_used_with_its_overrides():
    countries = schemas.load("countries")
    iso3 = countries.fields[0]
    document_id = next(f for f in countries.fields if f.name == "document_id")
    assert iso3.constraints == schemas.Constraints(required=True, unique=True, pattern="^[A-Z]{3}$")
    assert iso3.description.startswith("ISO 3166-1 alpha-3")  # not overridden: shared
    assert document_id.description.startswith("The document where the country is first named")
    assert document_id.constraints.pattern == "^[a-z0-9_]+$"  # not overridden: shared


@pytest.mark.parametrize("name", PUBLISHED)
def test_read_csv_then_write_gives_the_published_bytes(name, monkeypatch):
    monkeypatch.setattr(os, "linesep", "\r\n")  # as on Windows: the lines still end in LF
    path = REPO / "curated" / f"{name}.csv"
    assert publish.csv_bytes(published(name), schemas.load(name)) == path.read_bytes()


def test_read_csv_types_columns_as_declared():
    countries = published("countries")
    assert str(countries["latin_america_caribbean"].dtype) == "boolean"
    assert str(countries["line_start"].dtype) == "Int64"
    claims = published("mexico_refugee_claims")
    assert str(claims["acceptance_rate_pct"].dtype) == "float64"
    assert claims["other_outcomes"].isna().iloc[0]  # an empty cell is missing


def test_conform_orders_and_casts_and_names_missing_columns():
    resource = schemas.load("roxham_road_totals")
    frame = published("roxham_road_totals")
    shuffled = frame[list(reversed(frame.columns))].assign(extra=1, year=frame["year"].astype(int))
    conformed = resource.conform(shuffled)
    assert list(conformed.columns) == resource.field_names
    assert str(conformed["year"].dtype) == "Int64"
    with pytest.raises(KeyError, match=r"roxham_road_totals.*'year'"):
        resource.conform(frame.drop(columns="year"))
