"""Builds of one output folder run one at a time (pipeline/buildlock.py). Two callers of the lock
exclude each other (shown by refusals and blocked waits, not timing), a caller that got the lock
after waiting included; a waiting build names the holder and holds the lock itself once it
builds; two builds started together end with the package one build makes, the one that waited
finding it up to date under the lock."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from pipeline import __main__ as pipeline_cli
from pipeline import buildlock, graph
from pipeline.paths import Paths
from tests.conftest import REPO, package_bytes

PUBLISHED = [".build-lock", ".build-stamp", "curated", "datapackage.json"]

# Holds the build lock of argv[1] through pipeline.buildlock until a line arrives on stdin.
HOLDER = """
import sys
from pathlib import Path
from pipeline import buildlock
with buildlock.held(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""

# Says whether another process holds the lock of argv[1], and what the lock file names.
PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except BlockingIOError:
    print("held by", os.pread(fd, 32, 0).decode().strip())
"""


def python(script: str, *args: str) -> list[str]:
    return [sys.executable, "-c", script, *args]


def start_holder(out: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        python(HOLDER, str(out)), cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.write("\n")
    holder.stdin.flush()


def probe(out: Path) -> str:
    done = subprocess.run(
        python(PROBE, str(buildlock.lock_path(out))), capture_output=True, text=True
    )
    return done.stdout.strip()


def start_waiter(out: Path) -> subprocess.Popen:
    """A holder started while the lock is taken: returns once it says it waits (a caller that
    says "held" instead, or nothing, fails the test rather than hang it)."""
    waiter = subprocess.Popen(
        python(HOLDER, str(out)),
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([waiter.stdout, waiter.stderr], [], [], 60)
    said = (ready[0] is waiter.stderr, ready[0].readline()) if ready else (False, "nothing")
    if not (said[0] and said[1].startswith("waiting for the build of pid ")):
        waiter.kill()
        waiter.communicate(timeout=60)
        pytest.fail(f"a caller started while the lock is held said {said[1]!r}, not that it waits")
    return waiter


def blocked_on_a_lock(pid: int) -> bool:
    """Whether `pid` sleeps in the kernel waiting for a lock (a `->` line of /proc/locks)."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and fields[fields.index("->") + 4] == str(pid):
            return True
    return False


def said_held(holder: subprocess.Popen) -> bool:
    """Whether the holder has printed "held" yet, without waiting for it."""
    return bool(select.select([holder.stdout], [], [], 0)[0])


def test_a_caller_that_waits_is_kept_out_while_a_build_that_waited_holds_the_lock(
    tmp_path: Path,
):
    """A build that got the lock after waiting holds it as exclusively as the first: a third
    caller that waits gets in only once it releases. The third caller is shown blocked in the
    kernel (a state, not a delay), so the check does not depend on timing."""
    out = tmp_path / "out"
    started = [start_holder(out)]
    try:
        started.append(start_waiter(out))
        first, second = started
        release(first)
        assert second.stdout.readline() == "held\n"  # got the lock after waiting
        started.append(third := start_waiter(out))
        deadline = time.monotonic() + 60
        while not (blocked_on_a_lock(third.pid) or said_held(third)):
            assert time.monotonic() < deadline, "the third caller neither waits nor holds"
            time.sleep(0.01)
        assert not said_held(third), "got in while the build that waited holds the lock"
        release(second)
        assert second.stdout.readline() == "released\n"
        assert third.stdout.readline() == "held\n"
        assert probe(out) == f"held by {third.pid}"
        release(third)
        assert third.stdout.readline() == "released\n"
    finally:
        for holder in started:
            if holder.poll() is None:
                holder.kill()  # one a failed check left waiting or holding (else ending anyway)
            holder.communicate(timeout=60)
    assert probe(out) == "free"


def test_a_second_caller_is_refused_while_another_process_holds_the_lock(tmp_path):
    out = tmp_path / "out"
    holder = start_holder(out)
    try:
        refused = rf"another build \(pid {holder.pid}\) is running"
        with pytest.raises(buildlock.Busy, match=refused), buildlock.held(out, wait=False):
            pass
        assert probe(out) == f"held by {holder.pid}"
    finally:
        release(holder)
        assert holder.communicate(timeout=60)[0] == "released\n"
    assert probe(out) == "free"
    with buildlock.held(out, wait=False):  # free again, and now ours
        assert probe(out) == f"held by {os.getpid()}"


def test_a_build_waits_for_the_holder_naming_it_then_holds_the_lock_while_it_builds(
    tmp_path, monkeypatch
):
    """The build runs in this process; the graph is replaced by a probe, run from another
    process, of who holds the lock while the graph would run."""
    out = tmp_path / "out"
    seen: list[str] = []
    monkeypatch.setattr(graph, "build", lambda paths, raw: seen.append(probe(out)))
    holder = start_holder(out)
    stderr, stdout = io.StringIO(), io.StringIO()

    def release_once_waiting() -> None:
        deadline = time.monotonic() + 60
        while "waiting" not in stderr.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        release(holder)

    releaser = threading.Thread(target=release_once_waiting)
    releaser.start()
    try:
        with redirect_stderr(stderr), redirect_stdout(stdout):
            code = pipeline_cli.build(Paths(REPO / "raw", out), force=True)
    finally:
        releaser.join()
        holder.communicate(timeout=60)
    assert stderr.getvalue() == (
        f"waiting for the build of pid {holder.pid} to finish (lock {buildlock.lock_path(out)})\n"
    )
    assert (code, stdout.getvalue()) == (0, f"built and published to {out}\n")
    assert seen == [f"held by {os.getpid()}"]
    assert probe(out) == "free"


def test_the_lock_is_reentrant_within_a_process_and_released_after(tmp_path):
    out = tmp_path / "out"
    with buildlock.held(out), buildlock.held(out):
        assert (out / ".build-lock").read_text() == f"{os.getpid()}\n"
    assert (out / ".build-lock").read_text() == ""
    with buildlock.held(out, wait=False):  # free again
        pass


@pytest.mark.e2e
def test_builds_started_together_publish_what_one_build_publishes(tmp_path, fresh_build):
    """Two processes: one builds; the other waits, then finds the package up to date."""
    out = tmp_path / "out"
    env = {**os.environ, "CLM_RAW_DIR": str(REPO / "raw"), "CLM_OUT_DIR": str(out)}
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline", "build"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(b.communicate(timeout=300), b.returncode) for b in builds]
    assert [code for _, code in results] == [0, 0], results
    said = sorted(stdout.split(":")[0].split(" and ")[0] for (stdout, _), _ in results)
    assert said == ["built", "up to date"], results
    assert package_bytes(out) == package_bytes(fresh_build)
    assert sorted(p.name for p in out.iterdir()) == PUBLISHED
