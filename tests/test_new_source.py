"""`python -m pipeline new-source FILE --id DOCUMENT_ID`: the file copied into raw/, its manifest
entry appended (the manifest's text kept) with every key the manifest requires and its
checksums, which the snapshot verifies; an empty declarations folder the loaders accept; and
what it refuses, changing nothing. Run on copies of raw/ and the declarations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pipeline import strict_yaml
from pipeline.extract import locate, new_declarations
from pipeline.paths import Paths
from pipeline.schemas import NOT_STATED
from pipeline.sources import new_source, snapshot
from tests.conftest import REPO, run_main

NOTE = "invented_note"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    shutil.copytree(Paths.from_env().declarations_dir, tmp_path / "declarations")
    note = tmp_path / "note.txt"
    note.write_text("About 46,000 workers came in 2019.\n", encoding="utf-8")
    return tmp_path


def add(folder: Path, file: Path, document_id: str = NOTE):
    env = {"CLM_RAW_DIR": str(folder / "raw"), "CLM_DECLARATIONS_DIR": str(folder / "declarations")}
    return run_main(["new-source", str(file), "--id", document_id], env)


def snapshot_of(folder: Path) -> dict[str, bytes]:
    """Every file of raw/ and of the declarations, by path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for name in ("raw", "declarations")
        for path in sorted((folder / name).rglob("*"))
        if path.is_file()
    }


def test_a_new_source_is_copied_and_its_entry_appended_for_the_snapshot_to_verify(folder):
    manifest = folder / "raw" / snapshot.MANIFEST_NAME
    before = manifest.read_text(encoding="utf-8")
    done = add(folder, folder / "note.txt")
    assert (done.returncode, done.stderr) == (0, "")
    assert (folder / "raw" / "note.txt").read_bytes() == (folder / "note.txt").read_bytes()
    after = manifest.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: the manifest's own text and comments stay
    entry = next(e for e in snapshot.load_manifest(folder / "raw") if e["document_id"] == NOTE)
    required = [
        key for key, field in snapshot.ManifestEntry.model_fields.items() if field.is_required()
    ]
    known = {"document_id": NOTE, "raw_path": "raw/note.txt", "original_file_name": "note.txt"}
    flagged = [key for key in required if key not in known]
    assert {key: entry[key] for key in known} == known
    # Not stated, or not redistributed until its rights are established; each for review.
    # The release carries a statement why it is not redistributed (as tests/test_provenance.py
    # requires of every entry).
    stated = {"redistributed": False, "redistribution": new_source.NOT_REDISTRIBUTED}
    values = {key: stated.get(key, NOT_STATED) for key in flagged}
    assert {key: entry[key] for key in flagged} == values
    appended = after[len(before) :].splitlines()
    for key, value in values.items():
        printed = yaml.safe_dump(value).removesuffix("...\n").strip()  # as YAML writes it
        assert f"  {key}: {printed}  # {new_source.REVIEW}" in appended
    verified = snapshot.take(folder / "raw").documents[NOTE]
    assert verified.text == (folder / "note.txt").read_text(encoding="utf-8")
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"copied {folder / 'note.txt'} to raw/note.txt ({entry['bytes']} bytes, "
        f"sha256 {entry['sha256']})"
    )
    assert lines[1] == (
        "appended its entry to raw/manifest.yaml; to review (marked TODO): " + ", ".join(flagged)
    )
    assert lines[-1] == f"next: python -m pipeline todo {NOTE}"


def test_an_entry_keeps_a_value_of_up_to_100_columns_on_one_line(folder):
    """The manifest is written 100 columns wide: a long file name is not folded at 80."""
    name = "a note with a long name, " + "x" * 25 + " and more words.txt"
    line = f"  original_file_name: {name}"
    assert 80 < len(line) <= 100
    shutil.copy(folder / "note.txt", folder / name)
    assert add(folder, folder / name).returncode == 0
    manifest = (folder / "raw" / snapshot.MANIFEST_NAME).read_text(encoding="utf-8")
    assert line in manifest.splitlines()


def test_an_entry_is_appended_on_a_line_of_its_own_to_a_manifest_without_a_final_newline(folder):
    manifest = folder / "raw" / snapshot.MANIFEST_NAME
    before = manifest.read_text(encoding="utf-8").rstrip("\n")
    manifest.write_text(before, encoding="utf-8")
    done = add(folder, folder / "note.txt")
    assert (done.returncode, done.stderr) == (0, "")
    assert manifest.read_text(encoding="utf-8").startswith(before + "\n- ")
    assert NOTE in {entry["document_id"] for entry in snapshot.load_manifest(folder / "raw")}


def test_its_declarations_folder_is_empty_and_accepted_by_every_loader(folder):
    assert add(folder, folder / "note.txt").returncode == 0
    root = folder / "declarations"
    made = root / locate.SOURCES / NOTE
    assert sorted(p.stem for p in made.iterdir()) == sorted(new_declarations.EMPTY)
    for kind, model in new_declarations.EMPTY.items():
        loaded = {s.document_id: s.declarations for s in locate.load_sources(model, kind, root)}
        assert all(value == [] for value in dict(loaded[NOTE]).values())
    order = strict_yaml.load(locate.SourceOrder, root / locate.ORDER).order
    assert order[-1] == NOTE
    assert locate.document_folders(root)[len(order) - 1] == made


@pytest.mark.parametrize(
    ("document_id", "message"),
    [
        ("Invented-Note", "Invented-Note: expected a document id in snake_case ('ilo_news_2022')"),
        ("invented__note", "invented__note: expected a document id in snake_case"),
    ],
)
def test_an_id_not_in_snake_case_is_refused_changing_nothing(folder, document_id, message):
    before = snapshot_of(folder)
    done = add(folder, folder / "note.txt", document_id)
    assert done.returncode == 1
    assert done.stderr.startswith(f"new-source refused: {message}")
    assert snapshot_of(folder) == before


def test_an_id_or_a_file_name_already_there_is_refused_changing_nothing(folder):
    existing = snapshot.load_manifest(folder / "raw")[0]
    before = snapshot_of(folder)
    taken = add(folder, folder / "note.txt", existing["document_id"])
    assert taken.returncode == 1
    manifest = folder / "raw" / snapshot.MANIFEST_NAME
    entry_line = f"- document_id: {existing['document_id']}"
    line = manifest.read_text(encoding="utf-8").splitlines().index(entry_line) + 1
    assert taken.stderr == (
        f"new-source refused: {manifest}:{line}: expected a document id not yet in the "
        f"manifest; found '{existing['document_id']}'\n"
    )
    raw_name = folder / Path(existing["raw_path"]).name
    shutil.copy(folder / "note.txt", raw_name)
    same_name = add(folder, raw_name)
    assert same_name.returncode == 1
    assert same_name.stderr == (
        f"new-source refused: {existing['raw_path']}: expected a file name not yet in raw/; "
        f"found '{raw_name.name}'\n"
    )
    (folder / "declarations" / locate.SOURCES / NOTE).mkdir()
    declared = add(folder, folder / "note.txt")
    assert declared.returncode == 1
    assert "expected a document without declarations yet" in declared.stderr
    (folder / "declarations" / locate.SOURCES / NOTE).rmdir()
    assert snapshot_of(folder) == before


def test_a_file_the_build_could_not_read_is_refused_and_not_copied(folder):
    binary = folder / "binary.txt"
    binary.write_bytes(b"caf\xe9\n")
    before = snapshot_of(folder)
    done = add(folder, binary)
    assert done.returncode == 1
    assert done.stderr == (
        "new-source refused: raw/binary.txt:1: expected UTF-8 text; "
        "found 'byte 0xe9 at byte offset 3'\n"
    )
    assert snapshot_of(folder) == before


def test_every_kind_of_declaration_has_its_empty_file_or_is_said_to_have_none():
    from pipeline.extract import locate, new_declarations

    made = set(new_declarations.EMPTY)
    assert made.isdisjoint(new_declarations.NO_EMPTY_FORM)
    assert made | set(new_declarations.NO_EMPTY_FORM) == set(locate.KINDS)
