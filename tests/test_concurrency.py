"""Builds of one output folder run one at a time (pipeline/buildlock.py): started together they
end with the package one build makes; a waiting build says whom it waits for and re-checks the
stamp once it holds the lock; `--no-wait` fails at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline import buildlock
from tests.conftest import REPO, package_bytes

PUBLISHED = [".build-lock", ".build-stamp", "curated", "datapackage.json"]

pytestmark = pytest.mark.e2e  # whole builds in separate processes


def start_build(out: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "CLM_RAW_DIR": str(REPO / "raw"), "CLM_OUT_DIR": str(out)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(builds: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    """(exit status, stdout, stderr) of each build, once all have ended."""
    outputs = [build.communicate(timeout=300) for build in builds]
    return [(b.returncode, out, err) for b, (out, err) in zip(builds, outputs, strict=True)]


def test_forced_builds_started_together_publish_what_one_build_publishes(tmp_path, fresh_build):
    out = tmp_path / "out"
    builds = [start_build(out, "--force") for _ in range(3)]
    results = finish(builds)
    assert [code for code, _, _ in results] == [0, 0, 0], results
    pids = {str(b.pid) for b in builds}
    waits = [line for _, _, err in results for line in err.splitlines() if "waiting" in line]
    # The three overlap (a build takes seconds): at least one waited, naming another build.
    assert waits, results
    # A waiting build names the holder's pid, or says the holder has not written it yet (it
    # took the lock a moment before).
    named = [re.search(r"\bpid (\d+)", line) for line in waits]
    assert all(m[1] in pids for m in named if m), waits
    unnamed = [line for m, line in zip(named, waits, strict=True) if m is None]
    assert all("has not written its pid yet" in line for line in unnamed), waits
    assert package_bytes(out) == package_bytes(fresh_build)
    assert sorted(p.name for p in out.iterdir()) == PUBLISHED


def test_builds_that_waited_find_the_package_up_to_date(tmp_path, fresh_build):
    out = tmp_path / "out"
    builds = [start_build(out) for _ in range(3)]
    outputs = finish(builds)
    assert [code for code, _, _ in outputs] == [0, 0, 0], outputs
    said = sorted(stdout.split(":")[0].split(" and ")[0] for _, stdout, _ in outputs)
    # One built; the two that waited checked the stamp under the lock and found its package.
    assert said == ["built", "up to date", "up to date"], outputs
    assert package_bytes(out) == package_bytes(fresh_build)


def test_no_wait_fails_at_once_while_another_build_holds_the_lock(tmp_path):
    out = tmp_path / "out"
    with buildlock.held(out):
        build = start_build(out, "--force", "--no-wait")
        [(code, stdout, stderr)] = finish([build])
    assert code == buildlock.EXIT_BUSY, (stdout, stderr)
    assert stderr.strip() == (
        f"build refused: {out / '.build-lock'}: another build (pid {os.getpid()}) is running; "
        "not waiting (--no-wait)"
    )
    assert sorted(p.name for p in out.iterdir()) == [".build-lock"]


def holder_seen(out: Path, build: subprocess.Popen) -> str | None:
    """Who holds the lock of `out` while `build` runs: try to take it without waiting until a
    holder refuses us (its pid, as the refusal names it), or the build ends (None)."""
    while build.poll() is None:
        try:
            with buildlock.held(out, wait=False):
                pass
        except buildlock.Busy as busy:
            found = re.search(r"another build \((pid \d+)\)", str(busy))
            return found.group(1) if found else str(busy)
        time.sleep(0.005)
    return None


def test_a_build_waits_for_the_holder_naming_it_then_builds(tmp_path, fresh_build):
    out = tmp_path / "out"
    with buildlock.held(out):
        build = start_build(out, "--force")
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(build.stderr.readline()))
        reader.start()
        reader.join(timeout=60)
        assert first_line == [
            f"waiting for the build of pid {os.getpid()} to finish (lock {out / '.build-lock'})\n"
        ]
        assert build.poll() is None  # still waiting
        assert not (out / "datapackage.json").exists()
    # Released: the waiting build must now hold the lock itself while it builds (a build that
    # printed "waiting" and then built without the lock would let this test take it).
    assert holder_seen(out, build) == f"pid {build.pid}"
    [(code, _, stderr)] = finish([build])
    assert code == 0, stderr
    assert package_bytes(out) == package_bytes(fresh_build)


def test_the_lock_is_reentrant_within_a_process_and_released_after(tmp_path):
    out = tmp_path / "out"
    with buildlock.held(out), buildlock.held(out):
        assert (out / ".build-lock").read_text() == f"{os.getpid()}\n"
    assert (out / ".build-lock").read_text() == ""
    with buildlock.held(out, wait=False):  # free again
        pass
