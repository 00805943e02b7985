"""Where the pipeline reads and writes: every root in one config object, read from the
environment once.

`CLM_RAW_DIR` and `CLM_OUT_DIR` point a build at other folders (the tests build copies of raw/
into temporary folders); `CLM_DECLARATIONS_DIR` and `CLM_SCHEMAS_DIR` at other declarations and
schemas (a test of one bad declaration edits a copy of the folder, not of the code). Nothing
else reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RELEASES_DIR = REPO_ROOT / "pipeline" / "releases"  # the record of each release, in the code


@dataclass(frozen=True)
class Paths:
    raw_dir: Path
    out_dir: Path
    declarations_dir: Path = REPO_ROOT / "pipeline" / "declarations"
    schemas_dir: Path = REPO_ROOT / "schemas"

    @classmethod
    def from_env(cls) -> Paths:
        defaults = cls(REPO_ROOT / "raw", REPO_ROOT)
        return cls(
            raw_dir=Path(os.environ.get("CLM_RAW_DIR", defaults.raw_dir)),
            out_dir=Path(os.environ.get("CLM_OUT_DIR", defaults.out_dir)),
            declarations_dir=Path(
                os.environ.get("CLM_DECLARATIONS_DIR", defaults.declarations_dir)
            ),
            schemas_dir=Path(os.environ.get("CLM_SCHEMAS_DIR", defaults.schemas_dir)),
        )

    @property
    def readme(self) -> Path:
        """The repository README whose description and known discrepancies the build
        refreshes."""
        return self.out_dir / "README.md"

    @property
    def citation(self) -> Path:
        """The repository CITATION.cff whose abstract the build refreshes."""
        return self.out_dir / "CITATION.cff"


ROOTS = Paths.from_env()  # the roots of this process: the declarations' and schemas' defaults
