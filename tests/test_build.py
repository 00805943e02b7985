"""End-to-end builds (`python -m pipeline build`), into temporary folders."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from pipeline.package import read_back
from tests.conftest import (
    PAPER_FILE,
    REPO,
    frictionless_validate,
    package_bytes,
    replace_in_raw,
    run_build,
)

PACKAGE_FILES = ["datapackage.json", "curated"]


def test_fresh_build_passes_frictionless_validate(fresh_build):
    result = frictionless_validate(fresh_build)
    assert result.returncode == 0, result.stdout


def test_two_builds_are_byte_identical(fresh_build, tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    result = run_build(REPO / "raw", out)
    assert result.returncode == 0, result.stderr
    assert package_bytes(out) == package_bytes(fresh_build)


def differences(committed: Path, built: Path) -> list[str]:
    """What differs between two packages: for a CSV, each row (by its first field and line in
    the file) and field whose value differs, and rows only one of them has; for another file,
    that it differs."""
    found = []
    for name, content in package_bytes(built).items():
        kept = package_bytes(committed).get(name)
        if kept == content:
            continue
        if kept is None or not name.endswith(".csv"):
            found.append(f"{name}: {'new file' if kept is None else 'differs'}")
            continue
        old_rows = list(csv.DictReader(io.StringIO(kept.decode("utf-8"))))
        new_rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
        for line, (old, new) in enumerate(zip(old_rows, new_rows, strict=False), start=2):
            label = f"{name} line {line} ({next(iter(new.items()), ('', ''))[1]})"
            found += [
                f"{label}: {field} {old.get(field)!r} committed, {value!r} built"
                for field, value in new.items()
                if old.get(field) != value
            ]
        if len(old_rows) != len(new_rows):
            found.append(f"{name}: {len(old_rows)} rows committed, {len(new_rows)} built")
    return found


@pytest.mark.committed_output
def test_committed_package_is_what_a_fresh_build_produces(fresh_build):
    found = differences(REPO, fresh_build)
    assert not found, (
        "the published package differs from a fresh build: the output changed, which says "
        "nothing of whether it is right. Check each value against its line of the source "
        "before committing it (`make build`, `git diff curated/`); if it is wrong, the code or "
        "a declaration has a bug:\n" + "\n".join(found[:40])
    )


def test_differences_name_the_rows_and_fields_that_differ(tmp_path):
    committed, built = tmp_path / "committed", tmp_path / "built"
    for folder, value, extra in ((committed, "1.5", ""), (built, "1.6", "c,9\n")):
        (folder / "curated").mkdir(parents=True)
        (folder / "datapackage.json").write_text("{}", encoding="utf-8")
        (folder / "curated" / "t.csv").write_text(f"id,v\na,1\nb,{value}\n{extra}")
    assert differences(committed, built) == [
        "curated/t.csv line 3 (b): v '1.5' committed, '1.6' built",
        "curated/t.csv: 2 rows committed, 3 built",
    ]


@pytest.fixture
def published_copy(tmp_path: Path, fresh_build: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name in PACKAGE_FILES:
        source = fresh_build / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, out / name)
    return out


@pytest.mark.parametrize(
    ("old", "new", "resnapshot", "message"),
    [
        (
            "Haiti 37.1",
            "Haiti 37.2",
            False,
            rf"raw/{PAPER_FILE}: expected sha256 .*if the change is intended, run `make snapshot`",
        ),
        (
            "Table 2: “Top 25",
            "Table 2 “Top 25",
            True,
            rf"raw/{PAPER_FILE}: expected a caption 'Table 2: “...”'",
        ),
        (
            "2017 1459 111 221 33.50% 99 1221",
            "2017 1459 111 221 33.50% 99",
            True,
            rf"raw/{PAPER_FILE}:1235: expected a row of mexico_refugee_claims",
        ),
        (
            "2015 111 40 39 50% 12 78",
            "2015 111 40 39 50% 12 98",
            True,
            r"check mexico__backlog_stock_flow failed: mexico\.backlog_stock_flow \[2015\]: "
            rf"expected 78, observed 98 .* from raw/{PAPER_FILE}:1233",
        ),
        (
            "5 Eritrea 450",
            "6 Eritrea 450",
            True,
            rf"raw/{PAPER_FILE}:691: expected rank 5 next in Table 2",
        ),
    ],
)
def test_bad_input_stops_the_build_and_publishes_nothing(
    raw_copy, published_copy, old, new, resnapshot, message
):
    before = package_bytes(published_copy)
    replace_in_raw(raw_copy, old, new, resnapshot=resnapshot)
    result = run_build(raw_copy, published_copy)
    assert result.returncode != 0
    assert result.stderr.count("build failed:") == 1, result.stderr
    assert re.search(message, result.stderr), result.stderr
    assert package_bytes(published_copy) == before
    # The build lock stays (a lock file is never removed: that would race with a waiting build).
    left = sorted(p.name for p in published_copy.iterdir())
    assert left == [".build-lock", *sorted(PACKAGE_FILES)]


def test_edited_number_changes_exactly_that_cell(raw_copy, published_copy):
    before = package_bytes(published_copy)
    replace_in_raw(raw_copy, "Peru 1.5 3.3 57", "Peru 1.6 3.3 57")
    result = run_build(raw_copy, published_copy)
    assert result.returncode == 0, result.stderr
    after = package_bytes(published_copy)
    changed = {name for name in before if before[name] != after[name]}
    # The raw file's checksum is published too (documents.csv and the descriptor's hashes).
    # The reconciliation rules reading that cell report the new value too, and the number
    # coverage the number as printed.
    assert changed == {
        "curated/remittances.csv",
        "curated/documents.csv",
        "curated/reconciliation.csv",
        "curated/number_coverage.csv",
        "datapackage.json",
    }
    diff = changed_lines(before, after, "curated/remittances.csv")
    assert diff == [(diff[0][0], diff[0][0].replace(",1.5,", ",1.6,"))]
    assert diff[0][0].startswith("PER,Peru,11,1.5,")
    coverage = changed_lines(before, after, "curated/number_coverage.csv")
    assert len(coverage) == 1
    assert coverage[0][1] == coverage[0][0].replace(",1.5,", ",1.6,", 1)


def changed_lines(before: dict, after: dict, name: str) -> list[tuple[str, str]]:
    old_lines = before[name].decode().splitlines()
    new_lines = after[name].decode().splitlines()
    return [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]


def test_readme_lists_every_known_discrepancy_as_published():
    from pipeline.package import dictionary

    reconciliation = read_back.read_table(REPO, "reconciliation")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme[
        readme.index(dictionary.KNOWN_START) + len(dictionary.KNOWN_START) : readme.index(
            dictionary.KNOWN_END
        )
    ]
    assert block == "\n" + dictionary.known_discrepancies_markdown(reconciliation)
    assert block.count("expected ") == (reconciliation["status"] == "known-discrepancy").sum()


@pytest.mark.e2e
def test_the_command_line_exits_non_zero_with_one_message(raw_copy, published_copy):
    """The same failure through a real process: exit status, one line on stderr."""
    before = package_bytes(published_copy)
    replace_in_raw(raw_copy, "5 Eritrea 450", "6 Eritrea 450")
    result = run_build(raw_copy, published_copy, in_process=False)
    assert result.returncode == 1
    assert result.stderr.count("build failed:") == 1, result.stderr
    assert f"raw/{PAPER_FILE}:691: expected rank 5 next in Table 2" in result.stderr
    assert package_bytes(published_copy) == before
