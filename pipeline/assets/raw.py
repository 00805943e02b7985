"""Raw: the source documents, verified against their recorded checksums."""

from __future__ import annotations

from dagster import Output, asset

from pipeline.assets.resources import PathsResource
from pipeline.sources import snapshot
from pipeline.sources.snapshot import RawSnapshot


@asset
def raw_documents(paths: PathsResource) -> Output[RawSnapshot]:
    """The source documents of raw/, each verified against the sha256 recorded in
    raw/manifest.yaml."""
    raw = snapshot.take(paths.paths.raw_dir)
    lines = sum(len(d.lines) for d in raw.documents.values())
    return Output(raw, metadata={"documents": len(raw.documents), "lines": lines})
