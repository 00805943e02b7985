"""Consumer-side validation with Great Expectations: the published CSVs, read as a consumer
reads them (plain pandas.read_csv), against expectations derived from schemas/ plus the
cross-table expectations a user cares about. Writes Great Expectations Data Docs.

Great Expectations takes seconds to import: this module is imported only by `make docs` and
the tests, never by the build.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from pipeline import schemas


def _allowed(reconciliation: pd.DataFrame, check_id: str) -> dict:
    """The band a reconciliation rule allowed, as published: one source for both checks."""
    row = reconciliation[reconciliation["check_id"] == check_id].iloc[0]
    return {"min_value": row["allowed_min"], "max_value": row["allowed_max"]}


def cross_table_expectations(gx: ModuleType, frames: dict[str, pd.DataFrame]) -> dict[str, list]:
    """Expectations a consumer checks between tables, with values taken from other tables."""
    e = gx.expectations
    totals = frames["roxham_road_totals"]
    claims = frames["roxham_road_claims"]
    reconciliation = frames["reconciliation"]
    return {
        "roxham_road_totals": [
            e.ExpectColumnSumToBeBetween(
                column="total_claims",
                **_allowed(reconciliation, "roxham_road.yearly_totals_vs_prose"),
            ),
            e.ExpectColumnValuesToBeInSet(column="year", value_set=sorted(set(claims["year"]))),
        ],
        "roxham_road_claims": [
            e.ExpectTableRowCountToEqual(value=len(totals) * int(claims["rank"].max())),
            e.ExpectColumnValuesToBeInSet(
                column="country_iso3", value_set=sorted(frames["countries"]["country_iso3"])
            ),
        ],
        "remittances": [
            e.ExpectColumnSumToBeBetween(
                column="remittances_from_canada_usd_m",
                **_allowed(reconciliation, "remittances.from_canada_sum_vs_prose"),
            ),
        ],
        "documents": [
            # every source document is used by some table
            e.ExpectColumnValuesToBeInSet(
                column="document_id",
                value_set=sorted(
                    set().union(
                        *(
                            set(f[field].dropna())
                            for n, f in frames.items()
                            if n != "documents"
                            for field in schemas.load(n).document_fields
                        )
                    )
                ),
            ),
        ],
        "reconciliation": [
            e.ExpectColumnValuesToBeInSet(column="status", value_set=["pass", "known-discrepancy"]),
        ],
    }


def read_as_consumer(repo: Path) -> dict[str, pd.DataFrame]:
    """pandas.read_csv on each table, text columns typed as text from the descriptor."""
    package = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    frames = {}
    for resource in package["resources"]:
        if "schema" not in resource:
            continue
        text = {
            f["name"]: "string"
            for f in resource["schema"]["fields"]
            if f["type"] in ("string", "date")
        }
        frames[resource["name"]] = pd.read_csv(repo / resource["path"], dtype=text)
    return frames


def run(repo: Path, docs_dir: Path, only: list[str] | None = None) -> dict[str, bool]:
    """Validate every published table; write Data Docs into `docs_dir`; success per suite."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}  # type: ignore[assignment]
    config: Any = context.get_config()  # a typed config, whatever its declared union says
    for site in list(config.data_docs_sites or {}):
        context.delete_data_docs_site(site)
    context.add_data_docs_site(
        site_name="consumer",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    names = schemas.package().resources
    frames = read_as_consumer(repo)
    cross = cross_table_expectations(gx, frames)
    if unknown := sorted(set(cross) - set(names)):  # a misspelt table would check nothing
        raise ValueError(f"cross-table expectations name tables not in the package: {unknown}")
    source = context.data_sources.add_pandas("curated")
    results = {}
    for name in only or names:
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        # Given whole: each `add_expectation` of a stored suite writes the suite again.
        expected = schemas.load(name).expectations(gx) + cross.get(name, [])
        suite = context.suites.add(
            gx.ExpectationSuite(name=f"{name}_consumer", expectations=expected)
        )
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{name}_validation", data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=f"{name}_checkpoint", validation_definitions=[validation])
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frames[name]})
        results[suite.name] = bool(outcome.success)
    # Once, with every result: a docs action on each checkpoint rebuilt the whole site each time.
    context.build_data_docs(site_names=["consumer"])
    return results
