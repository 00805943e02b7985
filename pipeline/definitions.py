"""The Dagster definitions: the assets of each layer module, grouped by layer, and the one
resource they share. `dagster dev -m pipeline.definitions` (make dev), `dagster asset
materialize -m pipeline.definitions --select '*'` and `make build` run these definitions."""

from __future__ import annotations

from dagster import Definitions, in_process_executor, load_assets_from_modules

from pipeline.assets import extracted, harmonised, published, raw, reconciled
from pipeline.assets.resources import PathsResource
from pipeline.paths import Paths

LAYERS = {
    "raw": raw,
    "extracted": extracted,
    "harmonised": harmonised,
    "reconciled": reconciled,
    "published": published,
}

defs = Definitions(
    assets=[
        assets_def
        for layer, module in LAYERS.items()
        for assets_def in load_assets_from_modules([module], group_name=layer)
    ],
    resources={"paths": PathsResource.of(Paths.from_env())},
    executor=in_process_executor,
)
