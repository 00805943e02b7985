"""The drafts `todo` writes, byte for byte, for notes written for the tests: the prose notes of
tests/fixtures/prose/ (a statistic, a date, a project in each way the sources state one) and
tests/fixtures/drafts/tables_note.txt (a table labelled by country, by year, and one whose
header does not split into labels). Every number of a note is taken as pending. The copy is
tests/golden/drafts/<note>/: each draft file, and `drafted_as.txt`, what each number is drafted
as (the words `todo` lists). test_todo.py checks what a draft must hold; this pins its wording,
so that a change to the drafts shows up as a reviewed diff. After an intended change: `make
golden` (UPDATE_GOLDEN=1) and commit the copy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.extract import hedges
from pipeline.paths import REPO_ROOT
from pipeline.reconcile.coverage import drafts, scan
from pipeline.sources.text import RawDocument
from tests.test_site_golden import differences, write_golden

FIXTURES = REPO_ROOT / "tests" / "fixtures"
NOTES = sorted([*(FIXTURES / "prose").glob("*_note.txt"), *(FIXTURES / "drafts").glob("*.txt")])
GOLDEN_DRAFTS = REPO_ROOT / "tests" / "golden" / "drafts"


def drafts_of(note: Path) -> dict[str, bytes]:
    """The draft files of `note` (every number pending) and what each number is drafted as."""
    document = RawDocument(note.stem, f"raw/{note.name}", note.read_text(encoding="utf-8"))
    tokens = scan.scan(document)
    made = drafts.draft(document, tokens, hedges.load())
    files = {name: text.encode("utf-8") for name, text in made.files().items()}
    files["drafted_as.txt"] = "".join(
        f"{token.line}: {token.text}: {made.what(token)}\n" for token in tokens
    ).encode("utf-8")
    return {f"{note.stem}/{name}": content for name, content in files.items()}


@pytest.mark.committed_output
def test_the_drafts_of_the_fixture_notes_are_the_golden_copy():
    made = {name: content for note in NOTES for name, content in drafts_of(note).items()}
    if os.environ.get("UPDATE_GOLDEN"):
        write_golden(made, GOLDEN_DRAFTS)
    kept = {
        path.relative_to(GOLDEN_DRAFTS).as_posix(): path.read_bytes()
        for path in sorted(GOLDEN_DRAFTS.rglob("*"))
        if path.is_file()
    }
    found = differences(made, kept)
    assert not found, (
        f"{len(found)} draft file(s) differ from tests/golden/drafts/ "
        "(an intended change: `make golden` and commit the copy):\n" + "\n".join(found)
    )
