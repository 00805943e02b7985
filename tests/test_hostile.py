"""Hostile and odd inputs, end to end (`python -m pipeline build`): each stops the build with
one message naming the file and the line (or byte offset) and publishes nothing; a source saved
with CRLF line ends or a byte-order mark builds to the same values and line numbers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.extract import facts
from pipeline.paths import Paths
from pipeline.sources import snapshot
from tests.conftest import (
    PAPER_FILE,
    REPO,
    copy_package,
    edit_manifest,
    package_bytes,
    run_build,
)

ILO_FILE = "ilo_news_2022-08-16.txt"
ILO_RAW_PATH = f"raw/{ILO_FILE}"


@pytest.fixture
def published(tmp_path: Path, fresh_build: Path) -> Path:
    """An output folder holding a published package, to see that a failed build keeps it."""
    return copy_package(fresh_build, tmp_path / "out")


def assert_refused(result: subprocess.CompletedProcess, out: Path, before: dict, message: str):
    """A non-zero exit, one message matching `message`, the package as it was, no leftovers."""
    assert result.returncode != 0, result.stdout
    assert result.stderr.count("build failed:") == 1, result.stderr
    first = result.stderr.splitlines()[0]
    assert re.search(message, first), result.stderr
    assert package_bytes(out) == before
    assert sorted(p.name for p in out.iterdir()) == [".build-lock", "curated", "datapackage.json"]


def build_refused(raw_dir: Path, out: Path, message: str) -> None:
    before = package_bytes(out)
    assert_refused(run_build(raw_dir, out), out, before, message)


# --- the manifest -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw_path",
    ["../ilo_news_2022-08-16.txt", "/etc/hostname", "raw/../../etc/hostname", "raw/..", "raw/."],
)
def test_a_manifest_path_outside_raw_is_refused(raw_copy, published, raw_path):
    line = edit_manifest(raw_copy, f"raw_path: {ILO_RAW_PATH}", f"raw_path: {raw_path}")
    build_refused(
        raw_copy,
        published,
        rf"{re.escape(str(raw_copy / 'manifest.yaml'))}:{line}: expected a raw_path inside raw/",
    )


def link_out_of_raw(raw_dir: Path, elsewhere: Path) -> None:
    """The ILO file moved to `elsewhere`, a link of its name in raw/ pointing to it: the same
    bytes, so the checksum matches; only the location gives it away."""
    shutil.move(raw_dir / ILO_FILE, elsewhere / ILO_FILE)
    (raw_dir / ILO_FILE).symlink_to(elsewhere / ILO_FILE)


def test_a_link_pointing_out_of_raw_is_refused(raw_copy, published, tmp_path):
    link_out_of_raw(raw_copy, tmp_path)
    build_refused(raw_copy, published, rf"{ILO_RAW_PATH}: expected a file inside raw/")


def test_a_link_pointing_out_of_raw_is_named_with_its_path(raw_copy, tmp_path):
    link_out_of_raw(raw_copy, tmp_path)
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert str(error.value) == (
        f"{ILO_RAW_PATH}: expected a file inside raw/ (a link may point only within raw/); "
        f"found '{raw_copy / ILO_FILE}'"
    )


def test_a_link_within_raw_is_read(raw_copy, tmp_path):
    shutil.move(raw_copy / ILO_FILE, raw_copy / "ilo.original")
    (raw_copy / ILO_FILE).symlink_to(raw_copy / "ilo.original")
    assert snapshot.verify(raw_copy)["ilo_news_2022"].text.startswith("The Government")


def test_a_duplicated_document_id_is_refused(raw_copy, published):
    edit_manifest(raw_copy, "document_id: ilo_news_2022", "document_id: ircc_news_release_2022")
    build_refused(
        raw_copy,
        published,
        r"manifest\.yaml:3: expected declarations that match the model \(key 'documents'\); "
        r"found .*document ids listed more than once: ircc_news_release_2022",
    )


def test_a_key_given_twice_in_the_manifest_is_refused(raw_copy, published):
    line = edit_manifest(raw_copy, "  kind: news item\n", "  kind: news item\n  kind: other\n")
    build_refused(
        raw_copy,
        published,
        rf"manifest\.yaml:{line + 1}: expected valid YAML; found .*key 'kind' given twice",
    )


def test_a_manifest_that_is_not_utf8_is_refused(raw_copy, published):
    manifest = raw_copy / snapshot.MANIFEST_NAME
    data = manifest.read_bytes()
    offset = data.index(b"International Labour")
    manifest.write_bytes(data[:offset] + b"\xe9" + data[offset:])
    line = data.count(b"\n", 0, offset) + 1
    build_refused(
        raw_copy,
        published,
        rf"manifest\.yaml:{line}: expected UTF-8 text; found 'byte 0xe9 at byte offset {offset}'",
    )


# --- the raw files ------------------------------------------------------------------------------


def insert_bytes(raw_dir: Path, before: bytes, inserted: bytes) -> tuple[int, int]:
    """Insert `inserted` before the first `before` in the paper and re-snapshot; the byte
    offset and line of the insertion."""
    path = raw_dir / PAPER_FILE
    data = path.read_bytes()
    offset = data.index(before)
    path.write_bytes(data[:offset] + inserted + data[offset:])
    snapshot.record(raw_dir)
    return offset, data.count(b"\n", 0, offset) + 1


def test_invalid_utf8_is_refused_naming_line_and_byte_offset(raw_copy, published):
    offset, line = insert_bytes(raw_copy, b"Haiti 37.1", b"\xff")
    build_refused(
        raw_copy,
        published,
        rf"raw/{PAPER_FILE}:{line}: expected UTF-8 text; found 'byte 0xff at byte offset {offset}'",
    )


def test_a_nul_byte_is_refused_naming_line_and_byte_offset(raw_copy, published):
    offset, line = insert_bytes(raw_copy, b"Haiti 37.1", b"\0")
    build_refused(
        raw_copy,
        published,
        rf"raw/{PAPER_FILE}:{line}: expected text without NUL bytes; "
        rf"found 'NUL at byte offset {offset}'",
    )


def test_an_empty_file_is_refused(raw_copy, published):
    (raw_copy / ILO_FILE).write_bytes(b"")
    snapshot.record(raw_copy)
    build_refused(raw_copy, published, rf"{ILO_RAW_PATH}: expected a non-empty file")


def test_a_file_over_the_size_limit_is_refused(raw_copy, published):
    (raw_copy / ILO_FILE).write_bytes(b"x" * (snapshot.MAX_RAW_BYTES + 1))
    snapshot.record(raw_copy)
    build_refused(
        raw_copy,
        published,
        rf"{ILO_RAW_PATH}: expected a file of at most {snapshot.MAX_RAW_BYTES} bytes "
        rf"\(the size limit of a raw file\); found '{snapshot.MAX_RAW_BYTES + 1} bytes'",
    )


def test_a_folder_in_place_of_a_file_is_refused(raw_copy, published):
    (raw_copy / ILO_FILE).unlink()
    (raw_copy / ILO_FILE).mkdir()
    build_refused(raw_copy, published, rf"{ILO_RAW_PATH}: expected a regular file")


# --- declarations -------------------------------------------------------------------------------

FACTS = Path("sources/ilo_news_2022/facts.yaml")  # in the declarations folder


@pytest.fixture(scope="module")
def declarations_template(tmp_path_factory) -> Path:
    """A copy of the declarations, which a build is pointed at (`CLM_DECLARATIONS_DIR`)."""
    root = tmp_path_factory.mktemp("declarations") / "declarations"
    shutil.copytree(Paths.from_env().declarations_dir, root)
    return root


def build_with(declarations: Path, out: Path) -> subprocess.CompletedProcess:
    """`python -m pipeline build` with the declarations of `declarations` on the real raw/, in
    a process of its own (the graph's assets are made from the declarations it imports)."""
    env = {
        "CLM_RAW_DIR": str(REPO / "raw"),
        "CLM_OUT_DIR": str(out),
        "CLM_DECLARATIONS_DIR": str(declarations),
    }
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--force"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def edit_declaration(declarations: Path, old: str, new: str, nth: int = 1) -> int:
    """Replace the `nth` occurrence of `old` in the ILO facts; the 1-based line of the change."""
    path = declarations / FACTS
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:at].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "nth", "offset", "message"),
    [
        (
            "  unit: years\n",
            "  unit: years\n  unit_of_measure: years\n",
            1,
            1,
            r"expected declarations that match the model \(key 'facts\.1\.unit_of_measure'\); "
            r"found 'an unknown key'",
        ),
        (
            "  unit: years\n",
            "  unit: years\n  lines: many\n",
            1,
            1,
            r"expected declarations that match the model \(key 'facts\.1\.lines'\); "
            r"found 'Input should be a valid integer",
        ),
        (
            "- id: ilo_colombia_panama_project_duration\n",
            "- id: ilo_new_projects\n",
            1,
            0,
            r"expected facts locator ids used once; found 'ilo_new_projects'",
        ),
        (
            "  unit: years\n",
            "  unit: years\n  unit: months\n",
            1,
            1,
            r"expected valid YAML; found .*key 'unit' given twice",
        ),
    ],
    ids=["unknown key", "wrong type", "duplicated id", "duplicated key"],
)
def test_a_bad_declaration_is_refused_naming_file_and_line(
    declarations_template, tmp_path, old, new, nth, offset, message
):
    declarations = tmp_path / "declarations"
    shutil.copytree(declarations_template, declarations)
    line = edit_declaration(declarations, old, new, nth) + offset
    with pytest.raises(SourceError) as refused:
        facts.load_facts(declarations)
    where = re.escape(str(declarations / FACTS))
    assert re.fullmatch(rf"{where}:{line}: {message}.*", str(refused.value)), refused.value


def test_the_copy_of_the_declarations_loads_as_the_declarations(declarations_template):
    # Without this, the refusals above could come from a copy that never loads.
    copied, declared = facts.load_facts(declarations_template), facts.load_facts()
    assert [s.declarations for s in copied.sources] == [s.declarations for s in declared.sources]


@pytest.mark.e2e
def test_a_build_with_a_bad_declaration_stops_with_one_message(declarations_template, tmp_path):
    declarations = tmp_path / "declarations"
    shutil.copytree(declarations_template, declarations)
    line = edit_declaration(declarations, "  unit: years\n", "  unit: years\n  lines: many\n")
    out = tmp_path / "out"
    result = build_with(declarations, out)
    assert result.returncode != 0, result.stdout
    assert result.stderr.startswith(
        f"build failed: {declarations / FACTS}:{line + 1}: expected declarations that match the "
        "model (key 'facts.1.lines'); found 'Input should be a valid integer"
    ), result.stderr
    assert result.stderr.count("build failed:") == 1, result.stderr
    assert not (out / "datapackage.json").exists() and not (out / "curated").exists()


# --- line ends and byte-order marks -------------------------------------------------------------


def test_crlf_and_a_byte_order_mark_build_to_the_same_values_and_lines(
    raw_copy, tmp_path, fresh_build
):
    for name in (PAPER_FILE, ILO_FILE):
        path = raw_copy / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    snapshot.record(raw_copy)
    out = tmp_path / "out"
    result = run_build(raw_copy, out)
    assert result.returncode == 0, result.stderr
    built, fresh = package_bytes(out), package_bytes(fresh_build)
    differing = {name for name in fresh if built[name] != fresh[name]}
    # Only the checksums and sizes of the two files (documents.csv, the descriptor) differ.
    assert differing == {"curated/documents.csv", "datapackage.json"}
    assert strip_checksums(built["curated/documents.csv"]) == strip_checksums(
        fresh["curated/documents.csv"]
    )


def strip_checksums(csv: bytes) -> list[list[str]]:
    import csv as csv_module

    rows = list(csv_module.reader(csv.decode("utf-8").splitlines()))
    drop = {rows[0].index(column) for column in ("sha256", "bytes")}
    return [[cell for i, cell in enumerate(row) if i not in drop] for row in rows]
