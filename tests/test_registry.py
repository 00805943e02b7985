"""The table registry and what is generated from it: the Dagster graph and the runner."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import checks, publish, registry, runner, schemas
from pipeline.registry import RAW, Table, in_order, registered
from tests.conftest import REPO


def test_every_published_resource_is_a_registered_table():
    tables = registered()
    assert set(checks.published()) <= set(tables)
    assert set(checks.published()) <= checks.declared_schemas() <= set(tables)


def test_inputs_are_registered_tables_or_the_raw_snapshot():
    tables = registered()
    for table in tables.values():
        assert set(table.inputs) <= set(tables) | {RAW}, table.name
    # The reconciled layer (reconciliation, cross-checks, number coverage) reads the others.
    assert in_order(tables)[-1].layer == "reconciled"


def test_an_input_nothing_produces_is_refused():
    orphan = Table("orphan", "extracted", "reads a table nobody makes", lambda missing: None)
    with pytest.raises(ValueError, match=r"orphan.*missing"):
        in_order({"orphan": orphan})


def test_a_table_registered_twice_is_refused():
    name = next(iter(registered()))
    with pytest.raises(ValueError, match="registered twice"):
        registry.table("extracted", "again")(registered()[name].produce)


def test_dagster_graph_is_generated_from_the_registry():
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == set(registered()) | {RAW, "data_package", "readme_known_discrepancies"}
    for name, table in registered().items():
        node = graph.get(registry_key(name))
        assert node.group_name == table.layer
        assert node.description == table.description
        expected = {c.name for c in checks.checks_of(name)}
        assert {key.name for key in node.check_keys} == expected, name
        if name in checks.declared_schemas():
            columns = node.metadata["dagster/column_schema"].columns
            assert [c.name for c in columns] == schemas.load(name).field_names


def registry_key(name: str):
    from dagster import AssetKey

    return AssetKey(name)


def test_reconciliation_has_one_check_per_rule():
    from pipeline import reconcile

    rules = reconcile.load_rules()
    names = [c.name for c in checks.checks_of("reconciliation")]
    assert names == ["reconciliation_matches_schema"] + [
        r.check_id.replace(".", "__") for r in rules
    ]


def test_runner_makes_the_published_package(documents_snapshot):
    tables = runner.materialize(documents_snapshot)
    for name in checks.published():
        content = publish.csv_bytes(tables[name], schemas.load(name))
        assert content == (REPO / "curated" / f"{name}.csv").read_bytes(), name


def test_runner_stops_at_the_first_failing_check(documents_snapshot, monkeypatch):
    real = runner.make

    def broken(table: Table, inputs: dict) -> pd.DataFrame:
        frame = real(table, inputs)
        if table.name == "roxham_road_totals":
            frame.loc[0, "line_start"] = 0  # schema: minimum 1
        return frame

    monkeypatch.setattr(runner, "make", broken)
    with pytest.raises(runner.CheckFailed, match="roxham_road_totals_matches_schema"):
        runner.materialize(documents_snapshot)


def test_a_tables_parameter_reads_every_table_of_the_earlier_layers():
    tables = registered()
    coverage = tables["number_coverage"]
    earlier = {n for n, t in tables.items() if t.layer in ("extracted", "harmonised")}
    assert set(coverage.inputs) == earlier | {RAW}
    assert "reconciliation" not in coverage.inputs  # the same layer: not an input


def test_a_description_is_kept_with_its_whitespace_collapsed(monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", {})

    @registry.table("extracted", "Rows of\n   a table,  read   once.")
    def rows() -> pd.DataFrame:
        return pd.DataFrame()

    assert registry.REGISTRY["rows"] == Table(
        "rows", "extracted", "Rows of a table, read once.", rows
    )
