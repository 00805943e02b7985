"""The two ways of running the registry publish the same package: `make build` (in memory)
and the generated Dagster graph (`make build-recorded`, `make dev`). A build with nothing
changed is up to date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.paths import Paths
from tests.conftest import REPO, package_bytes, replace_in_raw, run_build


def materialize_with_dagster(paths: Paths):
    from dagster import DagsterInstance, mem_io_manager

    from pipeline.definitions import PathsResource, defs

    return defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=DagsterInstance.ephemeral(),
        resources={"paths": PathsResource.of(paths), "io_manager": mem_io_manager},
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )


def test_dagster_graph_publishes_what_the_build_publishes(fresh_build: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    result = materialize_with_dagster(Paths(REPO / "raw", out))
    assert result.success
    assert package_bytes(out) == package_bytes(fresh_build)
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) > 30
    assert {e.check_name for e in evaluations if not e.passed} == {
        # known discrepancies of the sources: warnings, published
        "resettlement__regions_vs_total",
        "resettlement__period_start_prose_vs_figure",
        "mexico__acceptance_rate_vs_counts",
        "mexico__backlog_stock_flow",
        "stca__components_vs_total",
        "news_2022__fair_recruitment_quote_speaker",
    }


def test_a_failing_check_stops_the_dagster_graph_before_publishing(raw_copy, tmp_path: Path):
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
    changed = run_build(raw, out, force=False)
    assert changed.stdout.startswith("built and published"), changed.stderr


@pytest.mark.parametrize("broken", ["2015 111 40 39 50% 12 98"])
def test_a_failed_build_is_never_up_to_date(tmp_path: Path, broken: str):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    out = tmp_path / "out"
    out.mkdir()
    replace_in_raw(raw, "2015 111 40 39 50% 12 78", broken)
    assert run_build(raw, out, force=False).returncode != 0
    assert run_build(raw, out, force=False).returncode != 0


def test_a_check_result_carries_its_severity_description_and_details():
    import pandas as pd
    from dagster import AssetCheckSeverity

    from pipeline.definitions import _check_result
    from pipeline.registry import Check, CheckOutcome

    check = Check("c", "what it checks", lambda frame: CheckOutcome(True, "error", "ok"))
    details = pd.DataFrame({"scope": ["2019"], "difference": [3]})
    warned = _check_result(check, CheckOutcome(False, "warning", "3 off", details))
    assert (warned.check_name, warned.passed, warned.description) == ("c", False, "3 off")
    assert warned.severity == AssetCheckSeverity.WARN
    assert warned.metadata["details"].value == details.to_markdown(index=False)
    failed = _check_result(check, CheckOutcome(False, "error", "broken"))
    assert failed.severity == AssetCheckSeverity.ERROR and "details" not in failed.metadata


def test_an_asset_with_a_schema_shows_its_columns_and_one_without_shows_none():
    from dagster import AssetKey

    from pipeline import checks, schemas
    from pipeline.definitions import defs
    from pipeline.registry import registered

    for name in registered():
        metadata = defs.get_assets_def(AssetKey(name)).metadata_by_key[AssetKey(name)]
        if name in checks.declared_schemas():
            columns = metadata["dagster/column_schema"].columns
            assert [c.name for c in columns] == [f.name for f in schemas.load(name).fields]
        else:
            assert "dagster/column_schema" not in metadata, name
