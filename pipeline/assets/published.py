"""Published: the package written, validated and swapped in; then the texts of the repository
that describe it (README, CITATION.cff)."""

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
def repository_texts(
    paths: PathsResource, documents: pd.DataFrame, reconciliation: pd.DataFrame
) -> None:
    """Rewrites, only after the package is published, what the repository says of it: the
    README's description of the package and list of known discrepancies, and CITATION.cff's
    abstract (the description, its counts read from the package)."""
    description = schemas.package().described(documents)
    dictionary.refresh_readme(paths.paths.readme, description, reconciliation)
    dictionary.refresh_citation(paths.paths.citation, description)
