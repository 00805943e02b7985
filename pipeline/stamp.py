"""Content stamp of a build: `make build` with nothing changed since the last successful build
answers "up to date" without importing the stack.

The stamp hashes every input of a build (the files of raw/, the declarations and schemas
wherever they are read from, pipeline code, uv.lock, the Python version) and every file the
build published. A build is up to date when both hashes match what the last successful build
recorded; any change to an input, or to or of a published file, rebuilds. It is checked and
recorded under the build lock (pipeline/buildlock.py), so a build that waited for another sees
what that one published.
Only the standard library is imported here: the check must cost almost nothing.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from pipeline.paths import REPO_ROOT, Paths

STAMP_FILE = ".build-stamp"
CODE_AND_DECLARATIONS = ("pipeline", "schemas")
CODE_SUFFIXES = {".py", ".yaml", ".json"}


def _files(folder: Path, suffixes: set[str] | None = None) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and (not suffixes or p.suffix in suffixes)
    )


def _digest(files: list[Path], root: Path, salt: str = "") -> str:
    h = hashlib.sha256(salt.encode())
    for path in files:
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def inputs_digest(paths: Paths) -> str:
    files = [
        p for folder in CODE_AND_DECLARATIONS for p in _files(REPO_ROOT / folder, CODE_SUFFIXES)
    ]
    code = _digest([*files, REPO_ROOT / "uv.lock"], REPO_ROOT)
    # Declarations and schemas read from elsewhere (CLM_DECLARATIONS_DIR, CLM_SCHEMAS_DIR).
    for folder in (paths.declarations_dir, paths.schemas_dir):
        code += f"\0{folder}\0{_digest(_files(folder, CODE_SUFFIXES), folder)}"
    # The interpreter is an input too: an environment made with another Python rebuilds once.
    salt = f"{paths.raw_dir}\0{code}\0{sys.version}"
    return _digest(_files(paths.raw_dir), paths.raw_dir, salt=salt)


def outputs_digest(paths: Paths) -> str:
    published = [paths.out_dir / "datapackage.json", *_files(paths.out_dir / "curated")]
    if not all(p.exists() for p in published):
        return "missing"
    return _digest(published, paths.out_dir)


def _stamp_path(paths: Paths) -> Path:
    return paths.out_dir / STAMP_FILE


def up_to_date(paths: Paths) -> bool:
    stamp = _stamp_path(paths)
    if not stamp.exists():
        return False
    return stamp.read_text(encoding="utf-8").split() == [
        inputs_digest(paths),
        outputs_digest(paths),
    ]


def record(paths: Paths, inputs: str) -> None:
    """Record a successful build: `inputs` is the digest taken before it started, so a file
    edited during the build makes the next build run again."""
    stamp = _stamp_path(paths)
    partial = stamp.with_suffix(f".{os.getpid()}")
    partial.write_text(f"{inputs}\n{outputs_digest(paths)}\n", encoding="utf-8")
    partial.replace(stamp)


def forget(paths: Paths) -> None:
    """A failed build invalidates the stamp (the next build must run, and fail, again)."""
    _stamp_path(paths).unlink(missing_ok=True)
