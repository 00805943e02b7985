"""The one resource of the graph: where it reads raw/ and writes the package."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from pipeline.paths import Paths


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
