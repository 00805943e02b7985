"""Every declared constraint becomes a Pandera check that fails on a frame that breaks it."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from pipeline import schemas
from pipeline.definitions import PUBLISHED, schema_check
from tests.conftest import REPO


def published(name: str) -> pd.DataFrame:
    return schemas.read_table(REPO / "curated" / f"{name}.csv", schemas.load(name))


def breakages(resource: schemas.Resource):
    """(label, bad value) for every constraint of every field."""
    for field in resource.fields:
        c = field.constraints
        if c.get("required"):
            yield field.name, "required", pd.NA
        if "minimum" in c:
            yield field.name, "minimum", c["minimum"] - 1
        if "maximum" in c:
            yield field.name, "maximum", c["maximum"] + 1
        if "pattern" in c or field.type == "date":
            yield field.name, "pattern", "not-matching!"
        if "enum" in c:
            yield field.name, "enum", "not-in-enum"


PANDERA_CHECK = {
    "required": "not_nullable",
    "minimum": "greater_than_or_equal_to",
    "maximum": "less_than_or_equal_to",
    "pattern": "str_matches",
    "enum": "isin",
}

CASES = [(name, *case) for name in PUBLISHED for case in breakages(schemas.load(name))]


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_table_passes_its_schema(name):
    schemas.pandera_schema(schemas.load(name)).validate(published(name), lazy=True)


@pytest.mark.parametrize(
    ("name", "column", "constraint", "bad"), CASES, ids=[f"{n}.{c}.{k}" for n, c, k, _ in CASES]
)
def test_each_constraint_fails_on_bad_value(name, column, constraint, bad):
    frame = published(name)
    frame.loc[0, column] = bad  # keeps the column's dtype, so only the constraint can fail
    with pytest.raises(pa.errors.SchemaErrors) as raised:
        schemas.pandera_schema(schemas.load(name)).validate(frame, lazy=True)
    cases = raised.value.failure_cases
    failed = cases[cases["column"] == column]["check"].astype(str).tolist()
    assert any(PANDERA_CHECK[constraint] in check for check in failed), failed


@pytest.mark.parametrize("name", PUBLISHED)
def test_duplicate_primary_key_fails(name):
    frame = published(name)
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    with pytest.raises(Exception, match=r"unique|duplicate"):
        schemas.pandera_schema(schemas.load(name)).validate(doubled, lazy=True)


def test_undeclared_column_fails():
    frame = published("remittances").assign(extra=1)
    with pytest.raises(Exception, match="extra"):
        schemas.pandera_schema(schemas.load("remittances")).validate(frame, lazy=True)


def test_dagster_check_reports_failure_cases():
    frame = published("roxham_road_claims")
    frame.loc[3, "claims"] = -5
    result = schema_check("roxham_road_claims")(frame)
    assert not result.passed
    assert "claims" in result.description
    assert "-5" in result.metadata["failure_cases"].value
    assert schema_check("roxham_road_claims")(published("roxham_road_claims")).passed


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_dagster_schema_check_blocks_a_bad_frame(name):
    frame = published(name)
    required = next(f.name for f in schemas.load(name).fields if f.required)
    frame.loc[0, required] = pd.NA
    result = schema_check(name)(frame)
    assert not result.passed
    assert result.severity.value == "ERROR"
    assert required in result.metadata["failure_cases"].value
    assert schema_check(name)(published(name)).passed


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
