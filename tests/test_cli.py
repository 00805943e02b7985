"""The command lines, run in this process (so that code mutation testing sees them): the site
and the exports (`make site`, `make exports`), and the commands of `python -m pipeline` that the
build tests do not run (release, build-recorded, snapshot, docs, dev, a refused build): their
defaults, their options and what they print."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance

from pipeline import __main__ as pipeline_cli
from pipeline import buildlock, stamp
from pipeline.assets import checks
from pipeline.package import exports, read_back, release
from pipeline.paths import REPO_ROOT
from pipeline.site import __main__ as site_cli
from pipeline.sources import snapshot
from tests.conftest import PAPER_FILE, copy_package, package_bytes, replace_in_raw, run_main

PACKAGE = read_back.PublishedPackage.load(REPO_ROOT)


def test_site_defaults_are_the_repository_and_its_site_folder():
    args = site_cli.arguments().parse_args([])
    assert (args.package, args.sources_root, args.out) == (REPO_ROOT, None, REPO_ROOT / "site")


def test_site_of_another_package_with_its_sources_root(tmp_path, capsys):
    package, out = copy_package(REPO_ROOT, tmp_path / "package"), tmp_path / "site"
    argv = ["--package", str(package), "--sources-root", str(REPO_ROOT), "--out", str(out)]
    assert site_cli.main(argv) == 0
    pages = 1 + len(PACKAGE.tables) + len(list((out / "sources").glob("*.html")))
    assert capsys.readouterr().out == (
        f"site: {pages} pages in {out} (open {out / 'index.html'})\n"
    )
    assert (out / "index.html").is_file()


def test_site_sources_root_defaults_to_the_package(tmp_path):
    """Without --sources-root the raw files are looked for in the package folder: a package
    without raw/ fails before anything is written."""
    package, out = copy_package(REPO_ROOT, tmp_path / "package"), tmp_path / "site"
    with pytest.raises(FileNotFoundError, match="raw"):
        site_cli.main(["--package", str(package), "--out", str(out)])
    assert not out.exists()


def help_of(main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]) -> str:
    """What `main(["--help"])` prints, its whitespace normalised."""
    with pytest.raises(SystemExit):
        main(["--help"])
    return " ".join(capsys.readouterr().out.split())


def test_site_help_says_what_each_folder_is(capsys):
    help_text = help_of(site_cli.main, capsys)
    assert "--package PACKAGE package folder (datapackage.json)" in help_text
    assert "--out OUT site folder" in help_text


def test_exports_defaults_are_the_repository_and_exports():
    args = exports.arguments().parse_args([])
    assert (args.package, args.out) == (REPO_ROOT, REPO_ROOT / "exports")


def test_exports_names_every_file_it_writes(tmp_path, capsys):
    out = tmp_path / "exports"
    assert exports.main(["--package", str(REPO_ROOT), "--out", str(out)]) == 0
    written = [line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()]
    expected = [out / exports.database_name(PACKAGE)]
    expected += [out / exports.PARQUET_DIR / f"{t.name}.parquet" for t in PACKAGE.tables]
    assert written == [str(path) for path in expected]
    assert all(path.is_file() for path in expected)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (release.ReleaseDiffers("release 1.0.0 differs: curated/facts.csv"), ""),
        (ValueError("version 2.0.0 has no CHANGELOG entry"), "release refused: "),
    ],
)
def test_a_release_that_fails_says_why(monkeypatch, capsys, error, message):
    def make_release(*_args):
        raise error

    monkeypatch.setattr(release, "make_release", make_release)
    monkeypatch.setattr(buildlock, "held", lambda _folder: contextlib.nullcontext())
    assert pipeline_cli.main(["release"]) == 1
    assert capsys.readouterr().err == f"{message}{error}\n"


def test_a_release_prints_what_it_did(monkeypatch, capsys):
    held = []
    monkeypatch.setattr(release, "make_release", lambda repo, dist: f"wrote {dist.name}")
    monkeypatch.setattr(
        buildlock, "held", lambda folder: held.append(folder) or contextlib.nullcontext()
    )
    assert pipeline_cli.main(["release"]) == 0
    assert capsys.readouterr().out == "wrote dist\n"
    assert held == [REPO_ROOT]


# --- python -m pipeline: the commands a build test does not run -------------------------------


def recorded_build(raw: Path, out: Path, home: Path) -> subprocess.CompletedProcess:
    env = {"CLM_RAW_DIR": str(raw), "CLM_OUT_DIR": str(out), "DAGSTER_HOME": str(home)}
    return run_main(["build-recorded"], env)


def test_a_recorded_build_publishes_and_stores_its_run(tmp_path, fresh_build):
    """Dagster's executor publishes what the build publishes, and the run it stores holds an
    evaluation of every declared check, failed only for the known discrepancies (warnings)."""
    out, home = tmp_path / "out", tmp_path / "dagster_home"
    out.mkdir()
    done = recorded_build(REPO_ROOT / "raw", out, home)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"built, published to {out} and recorded in {home}\n"
    assert package_bytes(out) == package_bytes(fresh_build)
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == pipeline_cli.DAGSTER_YAML
    assert not (out / stamp.STAMP_FILE).exists()  # the stamp vouches only for `build`
    with DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        records = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
    evaluations = [r.event_log_entry.dagster_event.event_specific_data for r in records]
    expected = {c.name for name in checks.declared_schemas() for c in checks.checks_of(name)}
    assert {e.check_name for e in evaluations} == expected
    reconciliation = read_back.read_table(out, "reconciliation")
    known = reconciliation.loc[reconciliation["status"] == "known-discrepancy", "check_id"]
    assert {e.check_name for e in evaluations if not e.passed} == {
        check_id.replace(".", "__") for check_id in known
    }


def test_a_recorded_build_that_fails_names_the_step_and_publishes_nothing(raw_copy, tmp_path):
    """A raw file edited without `make snapshot`: the first step fails, every later one is
    skipped (a failing check of a later step: test_definitions)."""
    out = tmp_path / "out"
    out.mkdir()
    replace_in_raw(raw_copy, "Peru 1.5 3.3 57", "Peru 1.6 3.3 57", resnapshot=False)
    failed = recorded_build(raw_copy, out, tmp_path / "dagster_home")
    assert failed.returncode == 1
    first, second = failed.stderr.splitlines()
    assert first.startswith(f"build failed: step raw_documents: raw/{PAPER_FILE}: "), first
    assert "expected sha256 " in first, first
    assert second == "nothing was published: curated/ and datapackage.json are unchanged"
    assert sorted(p.name for p in out.iterdir()) == [".build-lock"]


def test_snapshot_names_the_changed_files(raw_copy):
    replace_in_raw(raw_copy, "Peru 1.5 3.3 57", "Peru 1.6 3.3 57", resnapshot=False)
    done = run_main(["snapshot"], {"CLM_RAW_DIR": str(raw_copy)})
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        f"changed: raw/{PAPER_FILE}",
        f"1 file(s) changed; checksums recorded in raw/{snapshot.MANIFEST_NAME}",
    ]
    assert snapshot.take(raw_copy)  # verifies against the new checksums


@pytest.mark.parametrize(("results", "code"), [({"a": True, "b": True}, 0), ({"a": False}, 1)])
def test_docs_says_which_suites_passed(monkeypatch, capsys, results, code):
    from pipeline.package import expectations

    monkeypatch.setattr(expectations, "run", lambda repo, docs_dir: results)
    assert pipeline_cli.main(["docs"]) == code
    lines = [f"{'passed' if ok else 'FAILED'}: {name}" for name, ok in results.items()]
    lines.append(f"Data Docs: {REPO_ROOT / 'build-docs' / 'index.html'}")
    assert capsys.readouterr().out.splitlines() == lines


def test_dev_starts_the_dagster_ui_on_the_project(monkeypatch, tmp_path):
    started = []
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(os, "execvp", lambda file, args: started.append((file, args)))
    pipeline_cli.main(["dev"])
    assert started == [("dagster", ["dagster", "dev", "-m", "pipeline.definitions"])]
    assert (tmp_path / "home" / "dagster.yaml").is_file()


# Holds the lock file argv[1] with argv[2] in it: its pid, nothing yet, or bytes that are no ASCII.
HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
written = {"pid": f"{os.getpid()}\\n".encode(), "no pid": b"", "garbled": b"\\xff\\xfe"}
os.pwrite(fd, written[sys.argv[2]], 0)
print("held", flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("written", ["pid", "no pid", "garbled"])
def test_a_busy_build_is_refused_at_once_with_no_wait(tmp_path, written):
    """Another process holds the lock (within a process the lock is re-entrant), with its pid
    written, not yet, or garbled."""
    out = tmp_path / "out"
    out.mkdir()
    lock = buildlock.lock_path(out)
    argv = [sys.executable, "-c", HOLD_LOCK, str(lock), written]
    holder = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        unknown = "a process that has not written its pid yet"
        who = f"pid {holder.pid}" if written == "pid" else unknown
        env = {"CLM_RAW_DIR": str(REPO_ROOT / "raw"), "CLM_OUT_DIR": str(out)}
        for command in ("build", "build-recorded"):
            refused = run_main([command, "--no-wait"], env)
            assert refused.returncode == buildlock.EXIT_BUSY
            assert refused.stderr == (
                f"build refused: {lock}: another build ({who}) is running; "
                "not waiting (--no-wait)\n"
            )
    finally:
        holder.kill()
        holder.wait()


def test_the_help_says_what_every_command_does(capsys):
    with pytest.raises(SystemExit):
        pipeline_cli.main(["--help"])
    entries: dict[str, list[str]] = {}  # each command's line, and the lines its help wraps to
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("    ") and not line.startswith("     "):
            name, *words = line.split()
            entries[name] = words
        elif line.startswith("     ") and entries:
            entries[list(entries)[-1]] += line.split()
    assert set(entries) == set(pipeline_cli.COMMANDS)
    assert [name for name, words in entries.items() if not words] == []


def test_new_source_help_gives_its_file_and_its_required_id(capsys):
    help_text = help_of(lambda args: pipeline_cli.main(["new-source", *args]), capsys)
    assert "usage: python -m pipeline new-source [-h] --id DOCUMENT_ID FILE" in help_text
    assert "Copy FILE into raw/, append its manifest entry" in help_text


def test_exports_help_says_what_each_option_is(capsys):
    help_text = help_of(exports.main, capsys)
    assert "--package PACKAGE package folder" in help_text
    assert "--out OUT where to write" in help_text
