"""Projects: years, funders, implementers and statuses are read from the text, at the lines the
row cites."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import groups, locate
from pipeline.sources.text import RawDocument
from tests.conftest import PAPER_FILE, edit_document


@pytest.fixture(scope="module")
def table(documents) -> pd.DataFrame:
    return groups.extract_projects(documents, groups.load_projects())[0].set_index("project_id")


def _cited(documents, row: pd.Series) -> str:
    """The raw lines a row cites, joined as the flattened text joins them."""
    doc = documents[row["document_id"]]
    lines = (doc.line(n).strip() for n in range(row["line_start"], row["line_end"] + 1))
    return " ".join(line for line in lines if line)


def test_years_funder_implementer_and_status_are_stated_in_the_cited_lines(table, documents):
    for project_id, row in table.iterrows():
        cited = _cited(documents, row)
        assert row["quote"] in cited, project_id
        for year in (row["start_date"], row["end_date"]):
            if year is not None:
                assert re.search(rf"\b{year}\b", row["quote"]), (project_id, year)
        for column in ("funder", "implementer", "status"):
            if row[column] != groups.NOT_STATED:
                assert row[column] in row["quote"], (project_id, column)


FIXTURES = Path(__file__).parent / "fixtures" / "prose"


def note_projects() -> pd.DataFrame:
    """The descriptions of fixtures/prose/projects.yaml, each its own project, read from
    projects_note.txt (a document `note`)."""
    file = strict_yaml.load(groups.ProjectsFile, FIXTURES / "projects.yaml")
    projects = tuple(
        groups.Project(project_id=d.project, kind="project", primary_document="note")
        for d in file.descriptions
    )
    declarations = groups.ProjectDeclarations(projects, (locate.Sourced("note", "p.yaml", file),))
    text = (FIXTURES / "projects_note.txt").read_text(encoding="utf-8")
    document = RawDocument("note", "raw/note.txt", text)
    return groups.extract_projects({"note": document}, declarations)[0].set_index("project_id")


@pytest.mark.parametrize(
    ("project_id", "funder", "implementer", "status", "start", "end", "lines"),
    [
        # The sentence after the description names its budget: the lines include it.
        ("twinning", "Board (IRB)", "Board (IRB)", "not stated", None, None, (1, 2)),
        ("recruitment", "not stated", "not stated", "not stated", "2022", "2024", (4, 4)),
        ("employability", "not stated", "not stated", "recently completed", "2021", None, (6, 6)),
        # A heading states nothing but its title.
        ("skills", "not stated", "not stated", "not stated", None, None, (8, 8)),
    ],
)
def test_funders_implementers_statuses_and_years_as_the_text_states_them(
    project_id, funder, implementer, status, start, end, lines
):
    row = note_projects().loc[project_id]
    assert (row["funder"], row["implementer"], row["status"]) == (funder, implementer, status)
    assert (row["start_date"], row["end_date"]) == (start, end)
    assert (row["line_start"], row["line_end"]) == lines


def test_a_former_name_is_an_alias_of_its_programme_not_a_row(table):
    assert table.loc["ircc_imcbp", "former_names"] == "Migration Policy Development Program"
    named = set(table["title"])
    for project_id, former in table["former_names"].dropna().items():
        assert not set(former.split("; ")) & named, project_id


def test_a_funder_sentence_removed_from_raw_stops_the_locator(documents):
    paper = edit_document(
        documents["working_paper_2020"], "The IRB’s 2019 budget listed", "The 2019 budget listed"
    )
    with pytest.raises(SourceError, match="irb_twinning_projects") as error:
        groups.extract_projects({**documents, "working_paper_2020": paper}, groups.load_projects())
    assert error.value.path == f"raw/{PAPER_FILE}"


# --- declarations that would publish what the cited lines do not state -----------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "declarations"
    shutil.copytree(locate.DECLARATIONS, copy)
    return copy


def _append(root: Path, file: str, text: str) -> None:
    path = root / file
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize("group", ["start", "funder", "implementer", "status"])
def test_a_cited_group_outside_the_primary_description_is_refused(root: Path, group: str):
    # The map legend, far below the MPDP's heading: the regression the 2.0.0 audit found.
    _append(
        root,
        "sources/ircc_fact_sheet_2019/projects.yaml",
        "- id: mpdp_legend\n  project: ircc_imcbp\n"
        f"  pattern: '\\*\\*(?P<{group}>MPDP)\\*\\* [0-9]{{4}} to [0-9]{{4}} funded'\n",
    )
    with pytest.raises(SourceError, match=r"only in its primary description.*'mpdp_legend'") as e:
        groups.load_projects(root)
    path = root / "sources/ircc_fact_sheet_2019/projects.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert e.value.line == lines.index("- id: mpdp_legend") + 1


def test_a_group_declared_twice_is_refused_naming_it(root: Path):
    _append(
        root, groups.GROUPS, "- group: MERCOSUR\n  group_type: regional integration agreement\n"
    )
    with pytest.raises(SourceError) as error:
        groups.load_memberships.__wrapped__(root)
    assert (error.value.expected, error.value.found) == ("each group declared once", "MERCOSUR")
    assert error.value.path.endswith("groups.yaml")


@pytest.mark.parametrize("key", ["funder", "implementer", "status"])
def test_a_typed_funder_implementer_or_status_is_refused(root: Path, key: str):
    path = root / "projects.yaml"
    text = path.read_text(encoding="utf-8")
    old = "- project_id: irb_comar_twinning\n"
    assert old in text
    path.write_text(
        text.replace(old, old + f"  {key}: Immigration and Refugee Board of Canada\n"),
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="an unknown key"):
        groups.load_projects(root)
