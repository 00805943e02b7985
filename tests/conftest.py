"""Shared fixtures: the repository's raw documents, and copies of raw/ to break on purpose."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import pytest

from pipeline import paths
from pipeline.sources import snapshot
from pipeline.sources.text import RawDocument

# `make mutation-code`: mutmut's stats run traces this process's calls by walking its stack,
# which fails in a child started with `python -m` (frames of frozen modules). Its children are
# left untraced (they run the code unmutated); mutmut keeps the setting for this process, and
# the runs of each mutant set the variable again, so children do see a mutant.
if os.environ.get("MUTANT_UNDER_TEST") == "stats":
    del os.environ["MUTANT_UNDER_TEST"]

REPO = paths.REPO_ROOT
PAPER_FILE = "working_paper_hemispheric_migration_2020.txt"


@pytest.fixture(scope="session")
def documents() -> dict[str, RawDocument]:
    return snapshot.verify(REPO / "raw")


@pytest.fixture(scope="session")
def paper(documents: dict[str, RawDocument]) -> RawDocument:
    return documents["working_paper_2020"]


def edit_document(doc: RawDocument, old: str, new: str, count: int = 1) -> RawDocument:
    """A copy of `doc` with `old` replaced by `new` (which must occur)."""
    assert old in doc.text, old
    return RawDocument(doc.document_id, doc.path, doc.text.replace(old, new, count))


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(REPO / "raw", target)
    return target


def run_build(
    raw_dir: Path, out_dir: Path, force: bool = True, in_process: bool = True
) -> subprocess.CompletedProcess:
    """`python -m pipeline build` on other folders; forced by default (tests always build).

    In process by default: the same `main` the command line runs, without paying the stack's
    import for every build (most of a test build's time); `in_process=False` starts a real
    process (the command line's exit status and output, and the fresh build, use it)."""
    args = ["build", *(["--force"] if force else [])]
    env = {"CLM_RAW_DIR": str(raw_dir), "CLM_OUT_DIR": str(out_dir)}
    if not in_process:
        return subprocess.run(
            [sys.executable, "-m", "pipeline", *args],
            cwd=REPO,
            env={**os.environ, **env, "DAGSTER_HOME": str(out_dir.parent / "dagster_home")},
            capture_output=True,
            text=True,
            check=False,
        )
    return run_main(args, env)


def run_main(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m pipeline <args>` in this process with `env` set for its duration."""
    from pipeline.__main__ import main

    stdout, stderr = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(args)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(args, code, stdout.getvalue(), stderr.getvalue())


def frictionless_validate(folder: Path) -> subprocess.CompletedProcess:
    frictionless = Path(sys.executable).parent / "frictionless"
    return subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def edit_manifest(raw_dir: Path, old: str, new: str) -> int:
    """Replace `old` in the manifest of `raw_dir`; the 1-based line where it was."""
    manifest = raw_dir / snapshot.MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    assert old in text, old
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def replace_in_raw(raw_dir: Path, old: str, new: str, *, resnapshot: bool = True) -> None:
    path = raw_dir / PAPER_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if resnapshot:
        snapshot.record(raw_dir)


@pytest.fixture(scope="session")
def documents_snapshot() -> snapshot.RawSnapshot:
    return snapshot.take(REPO / "raw")


@pytest.fixture(scope="session")
def materialized(
    documents_snapshot: snapshot.RawSnapshot,
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
) -> dict[str, pd.DataFrame]:
    """Every table of the repository's sources as the build makes them, nothing published: once
    a session, shared by the test processes as a pickle (read through `tables`)."""
    from pipeline import graph

    def make(folder: Path) -> None:
        (folder / "tables.pickle").write_bytes(pickle.dumps(graph.materialize(documents_snapshot)))

    folder = shared_folder(tmp_path_factory, worker_id, "materialized", make)
    return pickle.loads((folder / "tables.pickle").read_bytes())


def made_again(
    raw: snapshot.RawSnapshot,
    target: str,
    materialized: dict[str, pd.DataFrame],
    reads: Iterable[str] | None = None,
) -> dict[str, object]:
    """The asset graph up to `target` on an edited snapshot, as the build runs it (a failing
    check or a bad input raises), making again only `target` and what it reads (or the assets
    named in `reads`) with everything they are made from; the session's values stand for the
    other assets, which would give `target` nothing new."""
    from dagster import AssetKey

    from pipeline import graph
    from pipeline.definitions import defs

    asset_graph = defs.resolve_asset_graph()
    again = {target} | {
        key.to_user_string()
        for name in ([target] if reads is None else reads)
        for key in asset_graph.get_ancestor_asset_keys(AssetKey(name), include_self=True)
    }
    given = {name: value for name, value in materialized.items() if name not in again}
    return graph.run(paths.Paths.from_env(), {graph.RAW: raw, **given}, targets=[target])


@pytest.fixture(scope="module")
def tables(materialized: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The session's tables, copied for a module (its tests may change them)."""
    return {name: frame.copy() for name, frame in materialized.items()}


def copy_package(source: Path, target: Path) -> Path:
    """The published package of `source` (datapackage.json and curated/) in a new folder
    `target`, without raw/ or anything else."""
    target.mkdir(parents=True)
    shutil.copy(source / "datapackage.json", target / "datapackage.json")
    shutil.copytree(source / "curated", target / "curated")
    return target


def package_bytes(folder: Path) -> dict[str, bytes]:
    files = [folder / "datapackage.json", *sorted((folder / "curated").glob("*"))]
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def shared_folder(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    make: Callable[[Path], None],
) -> Path:
    """A folder `make` fills once for the session, shared by pytest-xdist's workers: the first
    to take its lock makes it, the others wait and read it. Tests never change it."""
    base = tmp_path_factory.getbasetemp()
    root = base if worker_id == "master" else base.parent
    folder, done = root / name / "out", root / name / "done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder.parent, ignore_errors=True)  # what a failed attempt left
            folder.mkdir(parents=True)
            make(folder)
            done.touch()
    return folder


def _build_into(out: Path) -> None:
    result = run_build(REPO / "raw", out)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def fresh_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The package a forced build of the repository's raw/ publishes, in a temporary folder:
    one build for the session, in process. Tests copy it before changing anything."""
    return shared_folder(tmp_path_factory, worker_id, "fresh_build", _build_into)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The dataset site of the committed package (tests read it, never change it)."""
    from pipeline import site

    return (
        shared_folder(
            tmp_path_factory, worker_id, "site", lambda out: site.generate(REPO, out / "site")
        )
        / "site"
    )


@pytest.fixture(scope="session")
def release_site_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The site as a release carries it: texts not redistributed are quoted in excerpts."""
    from pipeline import site

    def generate(out: Path) -> None:
        site.generate(REPO, out / "site", redistributable_only=True)

    return shared_folder(tmp_path_factory, worker_id, "release_site", generate) / "site"
