"""Crash-consistent publishing: the published package (`datapackage.json` and `curated/` at the
top of the output folder, real paths that consumers and git read) moves from one complete
package to the next in one atomic step, the rename that creates the journal.

pipeline/package/publish.py writes the new package into a staging folder of its own
(`.publish-staging-<pid>`) and validates it; then `swap_in`:

1. writes the journal `.publish-journal` (under a temporary name, flushed, then renamed): from
   that rename on, the staged package is the published one;
2. moves `curated/` into the staging folder, then the staged `curated/` and `datapackage.json`
   to the top of the output folder;
3. removes the journal, then the staging folder with the old files.

`recover` runs under the build lock before every build and every publish: with a journal it
completes steps 2 and 3 (each step is skipped when already done); without one, any staging
folder is what a killed build left before its commit, and is removed. Between a kill in step 2
and the next build the two paths may disagree (two paths cannot change in one rename); the
descriptor's sha256 of every file says so, and any build, an up-to-date one included, completes
the move first. Only the standard library is used: recovery runs before the stamp check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path

DESCRIPTOR = "datapackage.json"
CURATED = "curated"
JOURNAL = ".publish-journal"
STAGING_PREFIX = ".publish-staging-"
PREVIOUS = "previous-curated"  # the replaced curated/, inside the staging folder
# What a killed build may leave besides a journal: staging folders (this module's and the
# single one of earlier versions), temporary journals, temporary build stamps.
LEFTOVER = re.compile(
    r"\.publish-staging(-\d+)?|\.publish-previous|\.publish-journal\.\d+|\.build-stamp\.\d+|"
    r"\..+\.replacing-\d+"
)


class FileOps:
    """Every change publishing makes to the file system goes through here: one seam, which the
    crash tests replace to stop after any one operation."""

    def write(self, path: Path, data: bytes) -> None:
        # Flushed to disk before anything that depends on it is renamed.
        with open(path, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())

    def mkdir(self, path: Path) -> None:
        path.mkdir()

    def rename(self, source: Path, target: Path) -> None:
        os.rename(source, target)

    def unlink(self, path: Path) -> None:
        path.unlink()

    def rmdir(self, path: Path) -> None:
        path.rmdir()

    def sync(self, folder: Path) -> None:
        """Make the renames in `folder` durable (a directory's entries are flushed with it)."""
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


OPS = FileOps()


class JournalError(Exception):
    """A journal that does not name a staging folder of this output folder."""


def replace_file(path: Path, data: bytes) -> None:
    """Replace one file in a single rename (readers see the old or the new content)."""
    temporary = path.with_name(f".{path.name}.replacing-{os.getpid()}")
    OPS.write(temporary, data)
    OPS.rename(temporary, path)


def new_staging(out_dir: Path) -> Path:
    staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}"
    OPS.mkdir(staging)
    return staging


def remove_tree(path: Path) -> None:
    """Remove `path` file by file through the seam (so each removal is a crash point)."""
    if path.is_dir() and not path.is_symlink():
        for child in sorted(path.iterdir()):
            remove_tree(child)
        OPS.rmdir(path)
    elif path.exists() or path.is_symlink():
        OPS.unlink(path)


def discard(staging: Path) -> None:
    """Best effort, before the commit: a staging folder left behind is removed by `recover`."""
    with contextlib.suppress(OSError):
        remove_tree(staging)


def swap_in(out_dir: Path, staging: Path) -> None:
    """Publish the complete, validated package in `staging` (steps 1-3 above)."""
    temporary = out_dir / f"{JOURNAL}.{os.getpid()}"
    OPS.write(temporary, json.dumps({"staging": staging.name}).encode("utf-8") + b"\n")
    OPS.sync(staging / CURATED)  # the staged files' names are on disk before the commit
    OPS.sync(staging)
    OPS.rename(temporary, out_dir / JOURNAL)  # the commit
    OPS.sync(out_dir)
    _complete(out_dir, staging)


def _complete(out_dir: Path, staging: Path) -> None:
    """Steps 2 and 3, from wherever a killed build stopped."""
    if (staging / CURATED).is_dir():
        if (out_dir / CURATED).exists():
            OPS.rename(out_dir / CURATED, staging / PREVIOUS)
        OPS.rename(staging / CURATED, out_dir / CURATED)
    if (staging / DESCRIPTOR).is_file():
        OPS.rename(staging / DESCRIPTOR, out_dir / DESCRIPTOR)
    OPS.sync(out_dir)
    OPS.unlink(out_dir / JOURNAL)
    OPS.sync(out_dir)
    remove_tree(staging)


def _staging_of(out_dir: Path, journal: Path) -> Path:
    try:
        name = json.loads(journal.read_text(encoding="utf-8"))["staging"]
    except (ValueError, KeyError, TypeError) as error:
        raise JournalError(f"{journal}: unreadable journal ({error}); remove it by hand") from error
    if not isinstance(name, str) or not re.fullmatch(rf"{re.escape(STAGING_PREFIX)}\d+", name):
        raise JournalError(f"{journal}: expected a staging folder name, found {name!r}")
    return out_dir / name


def recover(out_dir: Path) -> list[str]:
    """Complete an interrupted publish, remove what killed builds left; what was done, in
    words. Call it holding the build lock (another build's staging folder is no leftover)."""
    if not out_dir.is_dir():
        return []
    done = []
    legacy = out_dir / ".publish-previous"  # the old curated/ of a build before the journal
    if legacy.is_dir() and not (out_dir / CURATED).exists():
        OPS.rename(legacy, out_dir / CURATED)  # its descriptor was not replaced yet
        done.append("restored curated/ from .publish-previous")
    journal = out_dir / JOURNAL
    if journal.exists():
        staging = _staging_of(out_dir, journal)
        _complete(out_dir, staging)
        done.append(f"completed the publish interrupted in {staging.name}")
    for path in sorted(out_dir.iterdir()):
        if LEFTOVER.fullmatch(path.name):
            remove_tree(path)
            done.append(f"removed {path.name}, left by an interrupted build")
    return done


def mismatches(folder: Path) -> list[str]:
    """How the files of the package in `folder` disagree with its descriptor (sha256, bytes,
    files not described); empty for a consistent package."""
    descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    described = {resource["path"]: resource for resource in descriptor["resources"]}
    problems = []
    for path, resource in described.items():
        file = folder / path
        if not file.is_file():
            problems.append(f"{path}: missing")
            continue
        content = file.read_bytes()
        if resource.get("hash") != f"sha256:{hashlib.sha256(content).hexdigest()}":
            problems.append(f"{path}: sha256 differs from the descriptor")
        if resource.get("bytes") != len(content):
            problems.append(f"{path}: size differs from the descriptor")
    present = {f"{CURATED}/{p.name}" for p in (folder / CURATED).glob("*")}
    problems += [f"{path}: not in the descriptor" for path in sorted(present - set(described))]
    return problems
