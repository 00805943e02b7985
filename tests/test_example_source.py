"""Adding a source is declarations, not code: the example source (tests/example_source/), added
to a copy of the repository's inputs by the walkthrough of docs/adding-a-source.md, is built
through the real graph and published with its prose statistics, dated events, printed table
and known discrepancy; nothing is left to do for it. The site's golden copy is rendered from
its rows (tests/golden/package/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.extract import events, facts, printed_tables
from pipeline.package import read_back
from tests import fixture_package
from tests.conftest import REPO
from tests.example_source.walkthrough import DOCUMENT_ID, RepositoryCopy, add_example_source

pytestmark = pytest.mark.e2e
GOLDEN_PACKAGE = REPO / "tests" / "golden" / "package"


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> RepositoryCopy:
    copy = RepositoryCopy.of(tmp_path_factory.mktemp("walkthrough"))
    add_example_source(copy)
    built = copy.run("build", "--force")
    assert built.returncode == 0, built.stderr
    return copy


def rows_of_the_example(copy: RepositoryCopy, table: str):
    frame = read_back.read_table(copy.out_dir, table)
    return frame[frame["document_id"] == DOCUMENT_ID]


def test_every_declaration_of_the_example_is_published(walked: RepositoryCopy):
    root = walked.declarations_dir
    (fact_file,) = [s for s in facts.load_facts(root).sources if s.document_id == DOCUMENT_ID]
    declared_facts = {fact.id for fact in fact_file.declarations.facts}
    assert set(rows_of_the_example(walked, "facts")["fact_id"]) == declared_facts
    (event_file,) = [s for s in events.load_events(root) if s.document_id == DOCUMENT_ID]
    declared_events = {event.id for event in event_file.declarations.events}
    assert set(rows_of_the_example(walked, "events")["event_id"]) == declared_events
    for declared in printed_tables.load_tables(root):
        if declared.source.document_id == DOCUMENT_ID:
            assert not rows_of_the_example(walked, declared.table.name).empty


def test_every_number_of_the_example_is_accounted_for(walked: RepositoryCopy):
    """Nothing is left for `make todo` to list (which reads the same coverage: test_todo)."""
    coverage = rows_of_the_example(walked, "number_coverage")
    assert not coverage.empty
    assert set(coverage["status"]) <= {"published", "skipped"}


def test_the_examples_discrepancy_is_published_as_known(walked: RepositoryCopy):
    reconciliation = rows_of_the_example(walked, "reconciliation")
    assert set(reconciliation["status"]) == {"known-discrepancy"}


@pytest.mark.committed_output
def test_the_golden_package_is_the_examples_rows(walked: RepositoryCopy, tmp_path: Path):
    made = tmp_path / "package"
    fixture_package.make(walked.out_dir, walked.raw_dir, DOCUMENT_ID, made)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN_PACKAGE, ignore_errors=True)
        shutil.copytree(made, GOLDEN_PACKAGE)
    files = sorted(p.relative_to(made) for p in made.rglob("*") if p.is_file())
    kept = sorted(p.relative_to(GOLDEN_PACKAGE) for p in GOLDEN_PACKAGE.rglob("*") if p.is_file())
    assert files == kept, "the golden package's files differ (`make golden` after a change)"
    for name in files:
        assert (made / name).read_bytes() == (GOLDEN_PACKAGE / name).read_bytes(), str(name)
