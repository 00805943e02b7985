"""`make build`: the asset graph of pipeline.definitions, each asset definition's function
invoked in the order Dagster's asset graph gives (`AssetGraph.toposorted_asset_keys`), its
inputs those of the definition. The same assets, checks and bytes as `dagster asset
materialize` and `make dev`, without a run in Dagster's storage, which costs more than the
tables themselves (docs/architecture.md gives the figures).

    tables = materialize(snapshot.take(raw_dir))     # every table, checked; nothing published
    build(paths)                                     # every asset: the package is published
    unpublished(paths)     # the numbers nothing publishes or skips, and the dates (`todo`)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

import pandas as pd
from dagster import AssetCheckResult, AssetKey, AssetsDefinition, Output

from pipeline.assets.resources import PathsResource
from pipeline.definitions import LAYERS, defs
from pipeline.paths import Paths
from pipeline.reconcile import coverage
from pipeline.sources import snapshot
from pipeline.sources.snapshot import RawSnapshot

RAW = "raw_documents"
PUBLISHED = "published"  # the layer that writes the package
COVERAGE = "number_coverage"


def _outputs(assets_def: AssetsDefinition, result: object) -> dict[str, object]:
    """The values an invocation made, by asset name (an `@multi_asset` makes several)."""
    results: Iterable[object] = result if inspect.isgenerator(result) else [result]
    values: dict[str, object] = {}
    for item in results:  # check results are reported in the step; an error raised there
        if isinstance(item, AssetCheckResult):
            continue
        output_name = item.output_name if isinstance(item, Output) else "result"
        key = assets_def.keys_by_output_name[output_name]
        values[key.to_user_string()] = item.value if isinstance(item, Output) else item
    return values


def run(
    paths: Paths,
    given: dict[str, object],
    layers: Iterable[str] | None = None,
    targets: Iterable[str] | None = None,
) -> dict:
    """Every asset not given (only those of `layers`, if named, or only `targets` and what they
    read), in the order of Dagster's asset graph; the values by asset name. A failing blocking
    check raises `CheckFailed`."""
    graph = defs.resolve_asset_graph()
    wanted = None
    if targets is not None:
        wanted = {
            key
            for name in targets
            for key in graph.get_ancestor_asset_keys(AssetKey(name), include_self=True)
        }
    resources = {"paths": PathsResource.of(paths)}
    values = dict(given)
    for key in graph.toposorted_asset_keys:
        node = graph.get(key)
        if (
            key.to_user_string() in values
            or (layers is not None and node.group_name not in layers)
            or (wanted is not None and key not in wanted)
        ):
            continue
        assets_def = node.assets_def
        compute_fn = assets_def.op.compute_fn  # the decorated function itself, not a wrapper
        function: Callable[..., object] = getattr(compute_fn, "decorated_fn", compute_fn)  # type: ignore[arg-type]
        parameters = inspect.signature(function).parameters
        takes_all = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
        inputs = {  # a dependency without a value (`deps=`) orders, it is not passed
            name: values[k.to_user_string()]
            for name, k in assets_def.keys_by_input_name.items()
            if name in parameters
            or (takes_all and not assets_def.op.input_def_named(name).dagster_type.is_nothing)
        }
        needed = {
            name: resources[name] for name in assets_def.required_resource_keys & set(resources)
        }
        values.update(_outputs(assets_def, function(**inputs, **needed)))
    return values


def materialize(raw: RawSnapshot, paths: Paths | None = None) -> dict[str, pd.DataFrame]:
    """Every table made from a verified snapshot, each checked in its step; nothing published."""
    tables = [layer for layer in LAYERS if layer != PUBLISHED]
    values = run(paths or Paths.from_env(), {RAW: raw}, layers=tables)
    return {name: value for name, value in values.items() if name != RAW}


def build(paths: Paths, raw: RawSnapshot | None = None) -> None:
    """The whole graph: the snapshot (unless given, already verified), every table with its
    checks, the package, the README."""
    run(paths, {} if raw is None else {RAW: raw})


def unpublished(paths: Paths) -> tuple[list[coverage.Unpublished], list[coverage.Unpublished]]:
    """Every number of raw/ that no row publishes and no rule skips, all at once, and those
    skipped as dates that an event may publish: number coverage and the tables it reads,
    evaluated in memory (nothing published, nothing read from a published package)."""
    raw = snapshot.take(paths.raw_dir)
    rules = coverage.accounting.load_rules()
    try:
        values = run(paths, {RAW: raw}, targets=[COVERAGE])
    except coverage.UncoveredNumber as error:
        return list(error.unpublished), coverage.dated(error.frame, raw.documents, rules)
    frame = values[COVERAGE]
    return coverage.pending(frame, raw.documents), coverage.dated(frame, raw.documents, rules)
