"""Crash-consistent publishing (package/journal.py): a publish stopped after any one of its file
system operations leaves, once recovered, a complete package whose descriptor matches every
file (the old package before the journal's commit, the new one after), and the next build
succeeds and leaves nothing behind. The stop is injected through the one seam every operation
goes through (`journal.OPS`); one is a real kill of a build process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from pipeline import schemas
from pipeline.errors import SourceError
from pipeline.package import journal, publish, read_back
from tests.conftest import REPO, copy_package, package_bytes, replace_in_raw, run_build

CLEAN = [".build-lock", "curated", "datapackage.json"]


class Killed(BaseException):
    """The process dies here: a BaseException, so no `except Exception` handles it."""


class DyingOps(journal.FileOps):
    """The real operations, recorded; after `after` of them every operation dies (a killed
    process does nothing more, not even its clean-up)."""

    def __init__(self, after: int | None = None):
        self.after = after
        self.done: list[str] = []

    def _do(self, name: str, *args) -> None:
        if self.after is not None and len(self.done) >= self.after:
            raise Killed(name)
        getattr(journal.FileOps, name)(self, *args)
        self.done.append(f"{name} {' -> '.join(Path(a).name for a in args if isinstance(a, Path))}")

    def write(self, path: Path, data: bytes) -> None:
        self._do("write", path, data)

    def mkdir(self, path: Path) -> None:
        self._do("mkdir", path)

    def rename(self, source: Path, target: Path) -> None:
        self._do("rename", source, target)

    def unlink(self, path: Path) -> None:
        self._do("unlink", path)

    def rmdir(self, path: Path) -> None:
        self._do("rmdir", path)


@pytest.fixture(scope="module")
def old_and_new(tables) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The published tables, and the same with one value changed (a package that differs)."""
    old = {name: tables[name] for name in schemas.package().resources}
    new = {**old, "remittances": old["remittances"].copy()}
    new["remittances"].loc[0, "remittances_pct_gdp"] += 0.1
    return old, new


# Four of the package's tables (with those they refer to): every kind of file system operation,
# a few crash points of each.
SMALL_PACKAGE = schemas.package().model_copy(
    update={"resources": ("countries", "documents", "facts", "remittances")}
)


def publish_to(out: Path, tables: dict[str, pd.DataFrame]) -> None:
    publish.publish(out, tables, SMALL_PACKAGE)


@pytest.fixture
def quick_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    # Frictionless validation (half a second) reads only; each state is checked by hashes.
    monkeypatch.setattr(publish, "validate_package", lambda folder: [])


def test_a_publish_stopped_after_any_operation_recovers_to_a_whole_package(
    tmp_path, monkeypatch, old_and_new, quick_publish
):
    old_tables, new_tables = old_and_new
    template = tmp_path / "template"
    publish_to(template, old_tables)
    old = package_bytes(template)

    rehearsal = tmp_path / "rehearsal"
    shutil.copytree(template, rehearsal)
    monkeypatch.setattr(journal, "OPS", recorder := DyingOps())
    publish_to(rehearsal, new_tables)
    new = package_bytes(rehearsal)
    assert new != old
    operations = recorder.done
    commit = operations.index(f"rename .publish-journal.{os.getpid()} -> .publish-journal") + 1
    released = operations.index("unlink .publish-journal") + 1

    for after in range(len(operations)):
        out = tmp_path / f"after-{after}"
        shutil.copytree(template, out)
        monkeypatch.setattr(journal, "OPS", DyingOps(after))
        with pytest.raises(Killed):
            publish_to(out, new_tables)
        monkeypatch.setattr(journal, "OPS", journal.FileOps())
        where = f"stopped after {after} operations (next: {operations[after]})"
        if after < commit:  # before the commit the published files are never touched
            assert package_bytes(out) == old, where
        assert (out / journal.JOURNAL).exists() == (commit <= after < released), where
        journal.recover(out)
        assert journal.mismatches(out) == [], where
        assert package_bytes(out) == (old if after < commit else new), where
        assert sorted(p.name for p in out.iterdir()) == CLEAN, where
        publish_to(out, new_tables)  # the next build
        assert package_bytes(out) == new, where
        assert sorted(p.name for p in out.iterdir()) == CLEAN, where
        shutil.rmtree(out)
    # Writes, renames, unlinks: every one of them was a crash point.
    kinds = {operation.split()[0] for operation in operations}
    assert kinds == {"mkdir", "write", "rename", "unlink", "rmdir"}, operations
    print(f"{len(operations)} crash points, commit after operation {commit}")


def test_the_published_package_passes_frictionless_after_a_recovered_crash(
    tmp_path, monkeypatch, old_and_new
):
    old_tables, new_tables = old_and_new
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(publish, "validate_package", lambda folder: [])
        publish_to(out, old_tables)
    recorder = DyingOps()
    monkeypatch.setattr(journal, "OPS", recorder)
    publish_to(tmp_path / "count", new_tables)
    renames = [i for i, op in enumerate(recorder.done) if op.startswith("rename curated")]
    monkeypatch.setattr(journal, "OPS", DyingOps(renames[0] + 1))  # curated/ moved aside
    with pytest.raises(Killed):
        publish_to(out, new_tables)
    assert not (out / "curated").exists()  # the window the journal exists for
    monkeypatch.setattr(journal, "OPS", journal.FileOps())
    journal.recover(out)
    assert publish.validate_package(out) == []


def test_a_journal_naming_anything_but_a_staging_folder_is_refused(tmp_path):
    (tmp_path / journal.JOURNAL).write_text('{"staging": "../../etc"}')
    with pytest.raises(journal.JournalError, match="expected a staging folder name"):
        journal.recover(tmp_path)


def test_what_a_build_of_the_version_before_the_journal_left_is_restored(fresh_build, tmp_path):
    # That version moved curated/ to .publish-previous, then the staged one in, then the
    # descriptor: killed in between, the old curated/ was only in .publish-previous.
    out = tmp_path / "out"
    shutil.copytree(fresh_build, out, ignore=shutil.ignore_patterns(".build-*"))
    before = package_bytes(out)
    shutil.copytree(out / "curated", out / ".publish-staging" / "curated")
    (out / "curated").rename(out / ".publish-previous")
    journal.recover(out)
    assert package_bytes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["curated", "datapackage.json"]


def test_a_package_whose_files_disagree_with_its_descriptor_is_reported(fresh_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(fresh_build, out)
    (out / "curated" / "facts.csv").write_bytes(b"changed\n")
    (out / "curated" / "extra.csv").write_bytes(b"x\n")
    assert journal.mismatches(out) == [
        "curated/facts.csv: sha256 differs from the descriptor",
        "curated/facts.csv: size differs from the descriptor",
        "curated/extra.csv: not in the descriptor",
    ]


# A build process killed (os._exit: no clean-up, no finally) right after the commit (the rename
# that creates the journal).
KILLED_BUILD = """
import os, sys
from pipeline.package import journal
from pipeline.__main__ import main


def dying(name):
    real = getattr(journal.FileOps, name)
    def operation(self, *args):
        real(self, *args)
        if name == "rename" and args[1].name == journal.JOURNAL:
            os._exit(9)
    return operation

names = ("write", "mkdir", "rename", "unlink", "rmdir")
journal.OPS = type("Dying", (journal.FileOps,), {n: dying(n) for n in names})()
sys.exit(main(["build", "--force"]))
"""


def test_recovery_names_what_a_killed_build_left(tmp_path):
    (tmp_path / ".publish-staging-123" / "curated").mkdir(parents=True)
    (tmp_path / ".build-stamp.456").write_text("x", encoding="utf-8")
    assert journal.recover(tmp_path) == [
        "removed .build-stamp.456, left by an interrupted build",
        "removed .publish-staging-123, left by an interrupted build",
    ]
    assert list(tmp_path.iterdir()) == []


class FailingRenames(journal.FileOps):
    """The real operations, except that a rename fails (as a file system may refuse one)."""

    def rename(self, source: Path, target: Path) -> None:
        raise OSError(16, "Device or resource busy")


def test_a_recovery_that_fails_raises_and_keeps_what_finishes_it_later(
    tmp_path, monkeypatch, old_and_new, quick_publish
):
    old_tables, new_tables = old_and_new
    rehearsal = tmp_path / "rehearsal"
    publish_to(rehearsal, old_tables)
    monkeypatch.setattr(journal, "OPS", recorder := DyingOps())
    publish_to(rehearsal, new_tables)
    new = package_bytes(rehearsal)
    committed = [op.startswith("rename .publish-journal.") for op in recorder.done].index(True) + 1
    out = tmp_path / "out"
    monkeypatch.setattr(journal, "OPS", journal.FileOps())
    publish_to(out, old_tables)
    monkeypatch.setattr(journal, "OPS", DyingOps(committed))
    with pytest.raises(Killed):
        publish_to(out, new_tables)
    left = sorted(p.name for p in out.iterdir())
    monkeypatch.setattr(journal, "OPS", FailingRenames())
    with pytest.raises(OSError, match="resource busy"):
        journal.recover(out)
    assert sorted(p.name for p in out.iterdir()) == left  # the journal and its staging kept
    monkeypatch.setattr(journal, "OPS", journal.FileOps())
    assert journal.recover(out)
    assert package_bytes(out) == new
    assert journal.mismatches(out) == []


@pytest.mark.e2e
def test_a_killed_build_is_completed_by_the_next_build(raw_copy, tmp_path, fresh_build):
    """Killed right after its commit (a stop before it is undone: the test above)."""
    out = tmp_path / "out"
    shutil.copytree(fresh_build, out, ignore=shutil.ignore_patterns(".build-*"))
    replace_in_raw(raw_copy, "Peru 1.5 3.3 57", "Peru 1.6 3.3 57")
    env = {**os.environ, "CLM_RAW_DIR": str(raw_copy), "CLM_OUT_DIR": str(out)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, "commit"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == 9, killed.stderr
    assert (out / journal.JOURNAL).exists()
    result = run_build(raw_copy, out)
    assert result.returncode == 0, result.stderr
    assert "recovered: " in result.stderr
    assert journal.mismatches(out) == []
    assert b",1.6," in package_bytes(out)["curated/remittances.csv"]
    assert sorted(p.name for p in out.iterdir()) == [".build-lock", ".build-stamp", *CLEAN[1:]]


def test_a_package_frictionless_refuses_is_not_published(tmp_path, old_and_new):
    old_tables, _ = old_and_new
    out = tmp_path / "out"
    publish_to(out, old_tables)
    before = package_bytes(out)
    bad = {**old_tables, "facts": old_tables["facts"].copy()}
    bad["facts"].loc[0, "qualifier"] = "maybe"  # outside the field's enum
    with pytest.raises(SourceError) as caught:
        publish_to(out, bad)
    assert caught.value.expected == "a package that passes frictionless validation"
    assert "facts" in caught.value.found and "maybe" in caught.value.found, caught.value.found
    assert package_bytes(out) == before
    assert sorted(p.name for p in out.iterdir()) == CLEAN


@pytest.mark.parametrize("content", ["not json", "{}", "[1]"])
def test_an_unreadable_journal_is_refused_naming_it(tmp_path, content):
    (tmp_path / journal.JOURNAL).write_text(content)
    with pytest.raises(journal.JournalError) as error:
        journal.recover(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / journal.JOURNAL}: unreadable journal (")
    assert str(error.value).endswith("); remove it by hand")


def test_nothing_to_recover_in_a_folder_that_does_not_exist(tmp_path):
    assert journal.recover(tmp_path / "none") == []


def test_mismatches_name_a_missing_changed_or_undescribed_file(fresh_build, tmp_path):
    out = copy_package(fresh_build, tmp_path / "out")
    assert journal.mismatches(out) == []
    (out / "curated" / "facts.csv").unlink()
    with (out / "curated" / "events.csv").open("a", encoding="utf-8") as events:
        events.write("x")
    (out / "curated" / "extra.csv").write_text("a\n")
    assert sorted(journal.mismatches(out)) == [
        "curated/events.csv: sha256 differs from the descriptor",
        "curated/events.csv: size differs from the descriptor",
        "curated/extra.csv: not in the descriptor",
        "curated/facts.csv: missing",
    ]


def test_the_descriptor_declares_each_table_a_csv_file():
    names = schemas.package().resources
    documents = read_back.read_table(REPO, "documents")
    written = publish.descriptor(schemas.package(), documents, {n: b"a\n1\n" for n in names})
    assert [r["name"] for r in written["resources"]] == list(names)
    for resource in written["resources"]:
        assert (resource["format"], resource["mediatype"]) == ("csv", "text/csv"), resource["name"]


def test_a_source_entry_states_its_url_and_hash():
    document = SimpleNamespace(
        title="T",
        publisher="P",
        published="2020",
        redistributed=False,
        url="https://a.org/t",
        sha256="ab",
    )
    assert publish.source(document) == {
        "title": "T (P, 2020)",
        "url": "https://a.org/t",
        "hash": "sha256:ab",
    }
