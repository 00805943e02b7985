"""The folders a build reads and writes: the repository's, or those the environment names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.paths import Paths
from tests.conftest import REPO

FOLDERS = {
    "CLM_RAW_DIR": "raw_dir",
    "CLM_OUT_DIR": "out_dir",
    "CLM_DECLARATIONS_DIR": "declarations_dir",
    "CLM_SCHEMAS_DIR": "schemas_dir",
}


def folders(paths: Paths) -> dict[str, Path]:
    return {field: getattr(paths, field) for field in FOLDERS.values()}


def test_without_the_environment_a_build_reads_and_writes_the_repository(monkeypatch):
    for variable in FOLDERS:
        monkeypatch.delenv(variable, raising=False)
    assert folders(Paths.from_env()) == {
        "raw_dir": REPO / "raw",
        "out_dir": REPO,
        "declarations_dir": REPO / "pipeline" / "declarations",
        "schemas_dir": REPO / "schemas",
    }


def test_each_folder_of_a_build_can_be_put_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path):
    for variable, field in FOLDERS.items():
        monkeypatch.setenv(variable, str(tmp_path / field))
    assert folders(Paths.from_env()) == {field: tmp_path / field for field in FOLDERS.values()}
