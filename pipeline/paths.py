"""Where the pipeline reads and writes; tests point these at temporary folders."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def raw_dir() -> Path:
    return Path(os.environ.get("CLM_RAW_DIR", REPO_ROOT / "raw"))


def out_dir() -> Path:
    return Path(os.environ.get("CLM_OUT_DIR", REPO_ROOT))
