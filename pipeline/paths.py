"""Where the pipeline reads and writes: one config object, read from the environment once.

`CLM_RAW_DIR` and `CLM_OUT_DIR` point a build at other folders (the tests build copies of raw/
into temporary folders); nothing else reads them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    raw_dir: Path
    out_dir: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(
            raw_dir=Path(os.environ.get("CLM_RAW_DIR", REPO_ROOT / "raw")),
            out_dir=Path(os.environ.get("CLM_OUT_DIR", REPO_ROOT)),
        )

    @property
    def readme(self) -> Path:
        """The repository README whose known-discrepancies block the build refreshes."""
        return self.out_dir / "README.md"
