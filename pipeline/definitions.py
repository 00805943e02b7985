"""The Dagster graph, generated from the table registry (pipeline/tables.py): one asset per
table, grouped by layer (raw -> extracted -> harmonised -> reconciled -> published), each
running its checks in its own step. Dagster wires; the registry's pure functions do the work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetIn,
    AssetsDefinition,
    ConfigurableResource,
    Definitions,
    Failure,
    MetadataValue,
    Output,
    TableColumn,
    TableSchema,
    asset,
    in_process_executor,
)

from pipeline import checks, runner, schemas, snapshot
from pipeline.paths import Paths
from pipeline.registry import RAW, Table, registered
from pipeline.snapshot import RawSnapshot


class PathsResource(ConfigurableResource):
    """Where the build reads raw/ and writes the package (defaults: the repository)."""

    raw_dir: str
    out_dir: str

    @classmethod
    def of(cls, paths: Paths) -> PathsResource:
        return cls(raw_dir=str(paths.raw_dir), out_dir=str(paths.out_dir))

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.raw_dir), Path(self.out_dir))


@asset(
    name=RAW,
    group_name="raw",
    description="The source documents of raw/, each verified against the sha256 recorded in "
    "raw/manifest.yaml.",
)
def raw_documents(paths: PathsResource) -> Output[RawSnapshot]:
    raw = snapshot.take(paths.paths.raw_dir)
    lines = sum(len(d.lines) for d in raw.documents.values())
    return Output(raw, metadata={"documents": len(raw.documents), "lines": lines})


def _column_schema(name: str) -> TableSchema:
    return TableSchema(
        columns=[
            TableColumn(
                f.name,
                f.type,
                description=f.description,
                constraints=f.constraints.dagster(dagster),
            )
            for f in schemas.load(name).fields
        ]
    )


def _check_result(check: checks.Check, outcome: checks.CheckOutcome) -> AssetCheckResult:
    severity = AssetCheckSeverity.ERROR if outcome.severity == "error" else AssetCheckSeverity.WARN
    metadata = {}
    if outcome.details is not None:
        metadata["details"] = MetadataValue.md(outcome.details.to_markdown(index=False))
    return AssetCheckResult(
        check_name=check.name,
        passed=outcome.passed,
        severity=severity,
        description=outcome.description,
        metadata=metadata,
    )


def asset_of(table: Table) -> AssetsDefinition:
    """The asset of a registered table, with its checks run in the same step."""
    has_schema = table.name in checks.declared_schemas()

    @asset(
        name=table.name,
        group_name=table.layer,
        description=table.description,
        ins={name: AssetIn(name) for name in table.inputs},
        metadata={"dagster/column_schema": _column_schema(table.name)} if has_schema else None,
        check_specs=[
            AssetCheckSpec(c.name, asset=table.name, description=c.description, blocking=True)
            for c in checks.checks_of(table.name)
        ],
    )
    def _asset(**inputs: object) -> Iterator[Output | AssetCheckResult]:
        frame = runner.make(table, inputs)
        yield Output(frame, metadata={"row_count": len(frame)})
        outcomes = runner.check_outcomes(table.name, frame)
        yield from (_check_result(check, outcome) for check, outcome in outcomes)
        if failed := runner.first_error(table.name, outcomes):
            raise Failure(str(failed))

    return _asset


@asset(
    group_name="published",
    ins={name: AssetIn(name) for name in checks.published()},
    description="Writes curated/*.csv and datapackage.json aside, validates them with "
    "frictionless (types, constraints, keys, hashes) and swaps them in.",
)
def data_package(paths: PathsResource, **tables: pd.DataFrame) -> Output[None]:
    package = runner.publish_package(paths.paths, tables)
    files = [f"- `{r['path']}`: {r['bytes']} bytes, {r['hash']}" for r in package["resources"]]
    return Output(
        None,
        metadata={"version": package["version"], "files": MetadataValue.md("\n".join(files))},
    )


@asset(
    group_name="published",
    deps=[data_package],
    description="Rewrites the list of known discrepancies in the repository README from the "
    "published reconciliation (only after the package is published).",
)
def readme_known_discrepancies(paths: PathsResource, reconciliation: pd.DataFrame) -> None:
    runner.refresh_readme(paths.paths, reconciliation)


defs = Definitions(
    assets=[
        raw_documents,
        *(asset_of(t) for t in registered().values()),
        data_package,
        readme_known_discrepancies,
    ],
    resources={"paths": PathsResource.of(Paths.from_env())},
    executor=in_process_executor,
)
