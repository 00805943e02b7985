"""Published: the package written, validated and swapped in; then the README's list of known
discrepancies."""

from __future__ import annotations

import pandas as pd
from dagster import AssetIn, MetadataValue, Output, asset

from pipeline import schemas
from pipeline.assets.checks import published
from pipeline.assets.resources import PathsResource
from pipeline.package import dictionary, publish


@asset(ins={name: AssetIn(name) for name in published()})
def data_package(paths: PathsResource, **tables: pd.DataFrame) -> Output[None]:
    """Writes curated/*.csv and datapackage.json aside, validates them with frictionless
    (types, constraints, keys, hashes) and swaps them in."""
    ordered = {name: tables[name] for name in published()}
    package = publish.publish(paths.paths.out_dir, ordered, schemas.package())
    files = [f"- `{r['path']}`: {r['bytes']} bytes, {r['hash']}" for r in package["resources"]]
    return Output(
        None,
        metadata={"version": package["version"], "files": MetadataValue.md("\n".join(files))},
    )


@asset(deps=[data_package])
def readme_known_discrepancies(paths: PathsResource, reconciliation: pd.DataFrame) -> None:
    """Rewrites the list of known discrepancies in the repository README from the published
    reconciliation (only after the package is published)."""
    dictionary.refresh_readme(paths.paths.readme, reconciliation)
