"""A build reads and writes nothing outside the repository, its raw folder and its output
folder: a build runs with an audit hook (`sys.addaudithook`) recording every file opened,
created, renamed or removed and every network call, with HOME, TMPDIR and the XDG folders
pointing at canary folders that must stay empty."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from tests.conftest import REPO

AUDIT = """
import json, sys
events, recording = [], [True]
WATCHED = {"open", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.mkdir", "os.link",
           "os.symlink", "os.truncate", "shutil.rmtree", "shutil.copyfile", "socket.connect",
           "socket.bind", "socket.getaddrinfo", "urllib.Request", "subprocess.Popen",
           "os.system", "os.posix_spawn", "os.exec"}

def hook(event, args):
    if recording[0] and event in WATCHED:
        plain = [a if isinstance(a, (str, int, type(None))) else str(a) for a in args]
        events.append([event, plain])

sys.addaudithook(hook)
try:
    code = run()
finally:
    recording[0] = False
    with open(sys.argv[1], "w") as log:
        json.dump(events, log)
sys.exit(code)
"""
BUILD = """
def run():
    from pipeline.__main__ import main
    return main(["build", "--force"])
"""
# What the test must catch, to show that it can fail: a write into HOME, a read of /etc and a
# network look-up.
LEAK = """
def run():
    import os, socket
    open(os.path.expanduser("~/leaked"), "w").close()
    open("/etc/hostname").close()
    try:
        socket.getaddrinfo("localhost", 80)
    except OSError:
        pass
    return 0
"""
NETWORK_AND_PROCESSES = {
    "socket.connect",
    "socket.bind",
    "socket.getaddrinfo",
    "urllib.Request",
    "subprocess.Popen",
    "os.system",
    "os.posix_spawn",
    "os.exec",
}

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
FILE_CHANGES = {
    "os.rename": 2,  # the event -> how many of its first arguments are paths
    "os.replace": 2,
    "os.link": 2,
    "os.symlink": 2,
    "shutil.copyfile": 2,
    "os.remove": 1,
    "os.rmdir": 1,
    "os.mkdir": 1,
    "os.truncate": 1,
    "shutil.rmtree": 1,
}

pytestmark = pytest.mark.e2e  # whole builds in separate processes


def written(event: str, args: list) -> list[str]:
    """The paths an event writes, creates or removes."""
    if event == "open":
        mode, flags = args[1], args[2]
        writes = bool(set(mode or "") & set("wax+")) or (mode is None and flags & WRITE_FLAGS)
        return [args[0]] if writes and isinstance(args[0], str) else []
    return [a for a in args[: FILE_CHANGES.get(event, 0)] if isinstance(a, str)]


def under(path: str, *folders: Path | str) -> bool:
    resolved = Path(os.path.realpath(path))
    return any(resolved.is_relative_to(os.path.realpath(folder)) for folder in folders)


def run_audited(body: str, tmp_path: Path, raw_dir: Path) -> tuple[list, dict[str, Path], Path]:
    """The events of `body` (a build of `raw_dir` into a fresh folder), the canary folders and
    the output folder."""
    canaries = {name: tmp_path / "canary" / name for name in ("HOME", "TMPDIR", "XDG")}
    for folder in canaries.values():
        folder.mkdir(parents=True)
    out, log = tmp_path / "out", tmp_path / "events.json"
    env = {
        **os.environ,
        "CLM_RAW_DIR": str(raw_dir),
        "CLM_OUT_DIR": str(out),
        "HOME": str(canaries["HOME"]),
        "TMPDIR": str(canaries["TMPDIR"]),
        **{f"XDG_{k}_HOME": str(canaries["XDG"]) for k in ("CACHE", "CONFIG", "DATA", "STATE")},
    }
    result = subprocess.run(
        [sys.executable, "-c", body + AUDIT, str(log)],
        cwd=REPO,  # `-c` imports the pipeline from the working folder
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(log.read_text()), canaries, out


# Importing Dagster runs `file -b <interpreter>` once (its vendored croniter asks
# `platform.architecture()` whether Python is 32-bit), with /dev/null as its stdin: the engine's
# doing, read-only, and the only process a build starts.
ENGINE_IMPORT_PROCESS = ["file", str(["file", "-b", os.path.realpath(sys.executable)])]


def outside_writes(events: list, out: Path) -> list[str]:
    return [
        path
        for event, args in events
        for path in written(event, args)
        if not under(path, out)
        # Bytecode caches of the repository's own modules are the interpreter's, not the build's.
        and not (under(path, REPO) and "__pycache__" in path)
        and path != os.devnull
    ]


def outside_reads(events: list, *allowed: Path | str) -> list[str]:
    # The interpreter's own library, the system time-zone database (pandas' dates) and the
    # kernel's pseudo-files are no input of the build.
    system = [sys.prefix, sys.base_prefix, sys.exec_prefix, *zoneinfo.TZPATH, "/etc/localtime"]
    system += ["/proc", "/sys", "/dev"]
    opened = [args[0] for event, args in events if event == "open" and isinstance(args[0], str)]
    return [path for path in opened if not under(path, REPO, *allowed, *system)]


def network_and_processes(events: list) -> list[str]:
    return [
        event
        for event, args in events
        if event in NETWORK_AND_PROCESSES
        and not (event == "subprocess.Popen" and args[:2] == ENGINE_IMPORT_PROCESS)
    ]


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("audited") / "raw"
    shutil.copytree(REPO / "raw", target)
    return target


@pytest.fixture(scope="module")
def audited(tmp_path_factory, raw_dir: Path) -> tuple[list, dict[str, Path], Path]:
    """One audited build for the three tests below."""
    return run_audited(BUILD, tmp_path_factory.mktemp("build"), raw_dir)


def test_a_build_writes_only_into_its_output_folder(audited):
    events, canaries, out = audited
    assert any(written(e, args) for e, args in events), "the audit hook is not recording"
    assert outside_writes(events, out) == []
    assert all(not any(folder.iterdir()) for folder in canaries.values())


def test_a_build_reads_only_the_repository_its_folders_and_the_interpreter(audited, raw_dir):
    events, _, out = audited
    opened = [args[0] for event, args in events if event == "open"]
    assert any(under(p, raw_dir) for p in opened if isinstance(p, str)), "raw/ not seen read"
    assert outside_reads(events, raw_dir, out) == []


def test_a_build_makes_no_network_call_and_starts_no_process(audited):
    events, _, _ = audited
    assert network_and_processes(events) == []


def test_the_audit_catches_a_write_a_read_and_a_look_up_outside(tmp_path, raw_copy):
    events, canaries, out = run_audited(LEAK, tmp_path, raw_copy)
    home = canaries["HOME"] / "leaked"
    assert outside_writes(events, out) == [str(home)]
    assert outside_reads(events, raw_copy, out) == [str(home), "/etc/hostname"]
    assert network_and_processes(events) == ["socket.getaddrinfo"]
    assert home.exists()
