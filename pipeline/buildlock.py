"""One build at a time per output folder: an exclusive `fcntl.flock` on `<out>/.build-lock`.

The kernel releases the lock when its holder ends, however it ends (killed included), so a
lock is never stale and never needs cleaning. The file holds the holder's pid, so that a
waiting build can say whom it waits for. The lock is re-entrant within a process: the build
takes it for the whole build (stamp check included), and publishing, which the Dagster graph
also reaches without the command line, takes it again.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".build-lock"
EXIT_BUSY = 75  # EX_TEMPFAIL: another build holds the lock and --no-wait was given

_held: dict[Path, int] = {}  # output folder -> depth, for this process


class Busy(Exception):
    """Another build holds the lock and the caller asked not to wait."""


def lock_path(out_dir: Path) -> Path:
    return out_dir / LOCK_FILE


def _holder(fd: int) -> str:
    """The pid written by the holder; empty between two holders."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f"pid {text}" if text.isdigit() else "a process that has not written its pid yet"


def _acquire(fd: int, path: Path, wait: bool) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        holder = _holder(fd)
    if not wait:
        raise Busy(f"{path}: another build ({holder}) is running; not waiting (--no-wait)")
    print(f"waiting for the build of {holder} to finish (lock {path})", file=sys.stderr)
    fcntl.flock(fd, fcntl.LOCK_EX)


@contextmanager
def held(out_dir: Path, *, wait: bool = True) -> Iterator[None]:
    """Hold the build lock of `out_dir` (created if missing) for the duration of the block."""
    key = out_dir.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(out_dir)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        _acquire(fd, path, wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            os.ftruncate(fd, 0)  # no pid while nobody holds it
    finally:
        os.close(fd)  # releases the lock
