"""The build stamp: up to date only when no input and no published file changed."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import stamp
from pipeline.paths import Paths
from tests.conftest import REPO


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A copy of what a build reads and writes, with the stamp of a successful build."""
    for folder in ("pipeline", "schemas", "raw", "curated"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("uv.lock", "datapackage.json"):
        shutil.copy(REPO / name, tmp_path / name)
    monkeypatch.setattr(stamp, "REPO_ROOT", tmp_path)
    paths = Paths(tmp_path / "raw", tmp_path)
    stamp.record(paths, stamp.inputs_digest(paths))
    assert stamp.up_to_date(paths)
    return paths


def append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode())


@pytest.mark.parametrize(
    "changed",
    [
        "raw/working_paper_hemispheric_migration_2020.txt",
        "raw/manifest.yaml",
        "pipeline/declarations/hedges.yaml",
        "schemas/facts.yaml",
        "pipeline/extract/roxham_road.py",
        "uv.lock",
        "curated/facts.csv",
        "datapackage.json",
    ],
)
def test_any_change_to_an_input_or_output_rebuilds(repo: Paths, changed: str):
    append(repo.out_dir / changed, "\n# changed\n")
    assert not stamp.up_to_date(repo)


@pytest.mark.parametrize("folder", ["declarations_dir", "schemas_dir"])
def test_a_change_to_declarations_read_from_another_folder_rebuilds(
    repo: Paths, tmp_path: Path, folder: str
):
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(getattr(repo, folder), elsewhere)
    moved = replace(repo, **{folder: elsewhere})
    stamp.record(moved, stamp.inputs_digest(moved))
    assert stamp.up_to_date(moved)
    append(sorted(elsewhere.rglob("*.yaml"))[0], "\n# changed\n")
    assert not stamp.up_to_date(moved)


@pytest.mark.parametrize("changed", ["raw/manifest.yaml", "datapackage.json"])
def test_an_edit_that_keeps_the_size_of_a_file_rebuilds(repo: Paths, changed: str):
    path = repo.out_dir / changed
    content = path.read_bytes()
    path.write_bytes(content[:-1] + (b" " if content[-1:] != b" " else b"\t"))  # one byte
    assert path.stat().st_size == len(content)
    assert not stamp.up_to_date(repo)


def test_a_new_raw_file_or_a_deleted_output_rebuilds(repo: Paths):
    (repo.raw_dir / "new_source.txt").write_text("new\n", encoding="utf-8")
    assert not stamp.up_to_date(repo)
    (repo.raw_dir / "new_source.txt").unlink()
    assert stamp.up_to_date(repo)
    (repo.out_dir / "curated" / "facts.csv").unlink()
    assert not stamp.up_to_date(repo)


def test_a_failed_build_forgets_the_stamp(repo: Paths):
    stamp.forget(repo)
    assert not stamp.up_to_date(repo)


def test_an_input_edited_during_the_build_rebuilds(repo: Paths):
    before = stamp.inputs_digest(repo)
    append(repo.raw_dir / "manifest.yaml", "\n")
    stamp.record(repo, before)  # the digest taken when the build started
    assert not stamp.up_to_date(repo)


def test_outputs_not_yet_published_digest_as_missing(tmp_path: Path):
    assert stamp.outputs_digest(Paths(REPO / "raw", tmp_path)) == "missing"
    (tmp_path / "datapackage.json").write_text("{}")
    assert stamp.outputs_digest(Paths(REPO / "raw", tmp_path)) != "missing"


def test_a_published_file_renamed_with_the_same_content_changes_the_digest(tmp_path: Path):
    digests = []
    for name in ("a.csv", "b.csv"):
        out = tmp_path / name
        (out / "curated").mkdir(parents=True)
        (out / "datapackage.json").write_text("{}", encoding="utf-8")
        (out / "curated" / name).write_text("x\n1\n", encoding="utf-8")
        digests.append(stamp.outputs_digest(Paths(REPO / "raw", out)))
    assert digests[0] != digests[1]


@pytest.mark.parametrize(
    ("moved", "to"),
    [("raw/a/doc.txt", "raw/b/doc.txt"), ("curated/facts.csv", "curated/old/facts.csv")],
)
def test_a_file_moved_to_another_folder_with_the_same_name_and_content_rebuilds(
    tmp_path: Path, moved: str, to: str
):
    """The digests hash where a file lies, not only its name: a source or a published table
    moved elsewhere is a different build."""
    for name in ("raw/a/doc.txt", "curated/facts.csv", "datapackage.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n1\n", encoding="utf-8")
    paths = Paths(tmp_path / "raw", tmp_path)
    stamp.record(paths, stamp.inputs_digest(paths))
    assert stamp.up_to_date(paths)
    (tmp_path / to).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / moved).rename(tmp_path / to)
    assert not stamp.up_to_date(paths)
