"""The asset graph in Dagster's terms (pipeline.definitions): every table an asset of its
layer, its checks made from the declarations and run in its step; `make build` (the asset
definitions invoked in the graph's order) and Dagster's own executor publish the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from dagster import AssetCheckSeverity, AssetKey, DagsterInstance, asset, mem_io_manager

from pipeline import graph, reconcile, schemas, stamp
from pipeline.assets import checks, extracted
from pipeline.assets.resources import PathsResource
from pipeline.definitions import LAYERS, defs
from pipeline.outcome import CheckOutcome
from pipeline.package import publish
from pipeline.paths import Paths
from tests.conftest import REPO, package_bytes, replace_in_raw, run_build

ASSET_GRAPH = defs.resolve_asset_graph()
NAMES = {key.to_user_string() for key in ASSET_GRAPH.get_all_asset_keys()}


def node(name: str):
    return ASSET_GRAPH.get(AssetKey(name))


def test_every_declared_table_is_an_asset_and_every_asset_has_a_layer():
    assert set(checks.published()) <= checks.declared_schemas() <= NAMES
    assert {node(name).group_name for name in NAMES} == set(LAYERS)


def test_no_asset_reads_an_asset_of_a_later_layer():
    order = list(LAYERS)
    for name in NAMES:
        for parent in node(name).parent_keys:
            parent_layer = ASSET_GRAPH.get(parent).group_name
            assert order.index(parent_layer) <= order.index(node(name).group_name), name


def test_a_table_with_a_schema_has_its_checks_and_described_columns_and_one_without_has_none():
    for name in NAMES:
        checked = {key.name for key in node(name).check_keys}
        metadata = node(name).metadata
        if name in checks.declared_schemas():
            assert checked == {c.name for c in checks.checks_of(name)}, name
            columns = metadata["dagster/column_schema"].columns
            assert [(c.name, c.type, c.description) for c in columns] == [
                (f.name, f.type, f.description) for f in schemas.load(name).fields
            ]
        else:
            assert not checked and "dagster/column_schema" not in metadata, name


def test_an_asset_declared_from_a_schema_has_its_checks():
    table = checks.published()[0]

    @asset(name=table, **checks.declared(table))
    def declared_asset(): ...

    assert {key.name for key in declared_asset.check_keys} == {
        check.name for check in checks.checks_of(table)
    }


def test_the_checks_of_a_misspelt_table_are_an_error():
    with pytest.raises(KeyError, match="remitances"):
        checks.checks_of("remitances")


def test_reconciliation_has_one_check_per_rule():
    names = [c.name for c in checks.checks_of("reconciliation")]
    assert names == ["reconciliation_matches_schema"] + [
        r.check_id.replace(".", "__") for r in reconcile.load_rules()
    ]


def test_number_coverage_reads_every_checked_table_of_the_earlier_layers():
    earlier = {n for n in NAMES if node(n).group_name in ("extracted", "harmonised")}
    read = {key.to_user_string() for key in node("number_coverage").parent_keys}
    assert read == (earlier & checks.declared_schemas()) | {graph.RAW}


@pytest.mark.committed_output
def test_materialize_makes_the_published_package(tables):
    for name in checks.published():
        content = publish.csv_bytes(tables[name], schemas.load(name))
        assert content == (REPO / "curated" / f"{name}.csv").read_bytes(), name


def test_a_failing_schema_check_stops_the_graph_in_the_step_of_its_table(
    documents_snapshot, monkeypatch
):
    real = extracted.roxham_road.parse_roxham_road

    def broken(doc):
        claims, totals = real(doc)
        totals.loc[0, "line_start"] = 0  # schema: minimum 1
        return claims, totals

    monkeypatch.setattr(extracted.roxham_road, "parse_roxham_road", broken)
    with pytest.raises(checks.CheckFailed, match="roxham_road_totals_matches_schema") as failed:
        graph.materialize(documents_snapshot)
    assert failed.value.table == "roxham_road_totals"


def test_a_check_result_carries_its_severity_description_and_details():
    check = checks.DeclaredCheck(
        "c", "what it checks", lambda frame: CheckOutcome(True, "error", "")
    )
    details = pd.DataFrame({"scope": ["2019"], "difference": [3]})
    warned = checks.check_result("t", check, CheckOutcome(False, "warning", "3 off", details))
    assert (warned.check_name, warned.passed, warned.description) == ("c", False, "3 off")
    assert warned.severity == AssetCheckSeverity.WARN
    assert warned.metadata["details"].value == details.to_markdown(index=False)
    failed = checks.check_result("t", check, CheckOutcome(False, "error", "broken"))
    assert failed.severity == AssetCheckSeverity.ERROR and "details" not in failed.metadata


def materialize_with_dagster(paths: Paths):
    return defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=DagsterInstance.ephemeral(),
        resources={"paths": PathsResource.of(paths), "io_manager": mem_io_manager},
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )


def test_a_failing_check_stops_dagsters_executor_before_publishing(raw_copy, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    replace_in_raw(raw_copy, "2015 111 40 39 50% 12 78", "2015 111 40 39 50% 12 98")
    result = materialize_with_dagster(Paths(raw_copy, out))
    assert not result.success
    failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failed == ["reconciliation"]
    assert not (out / "datapackage.json").exists()


def test_a_second_build_with_nothing_changed_is_up_to_date(tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    out = tmp_path / "out"
    out.mkdir()
    assert run_build(raw, out, force=False).returncode == 0
    before = package_bytes(out)
    again = run_build(raw, out, force=False)
    assert again.returncode == 0
    assert again.stdout.startswith("up to date")
    assert package_bytes(out) == before
    replace_in_raw(raw, "Peru 1.5 3.3 57", "Peru 1.6 3.3 57")
    assert not stamp.up_to_date(Paths(raw, out))  # the next build builds


def test_a_failed_build_is_never_up_to_date(tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    out = tmp_path / "out"
    out.mkdir()
    replace_in_raw(raw, "5 Eritrea 450", "6 Eritrea 450")  # a rank out of order: a step fails
    assert run_build(raw, out, force=False).returncode != 0
    assert not (out / stamp.STAMP_FILE).exists()
    assert run_build(raw, out, force=False).returncode != 0


def test_a_step_whose_error_checks_fail_raises_the_first_after_reporting_all(tables, monkeypatch):
    name = sorted(checks.declared_schemas())[0]
    failing = [
        checks.DeclaredCheck(n, "fails", lambda frame: CheckOutcome(False, "error", "off"))
        for n in ("first", "second")
    ]
    monkeypatch.setattr(checks, "checks_of", lambda table: failing)
    reported = []
    with pytest.raises(checks.CheckFailed) as failed:
        for result in checks.checked(name, tables[name]):
            reported.append(result)
    assert failed.value.check.name == "first"
    assert len(reported) == 1 + len(failing)  # the table, then every check's result
