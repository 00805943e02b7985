"""Projects: years, funders, implementers and statuses are read from the text, at the lines the
row cites."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.extract import groups, locate
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


@pytest.mark.parametrize(
    ("project_id", "funder", "start", "end", "lines"),
    [
        # The funder is named by the sentence after the description: the lines include it.
        ("irb_comar_twinning", "Immigration and Refugee Board (IRB)", None, None, (978, 982)),
        # "IMCBP ... by funding: ... Under the new MCEE capacity-building assistance".
        ("ircc_mcee", "IMCBP", None, None, (27, 30)),
        # The deck names potential funders only; its slide "Participants" names the partners.
        ("focal_temporary_foreign_workers_skills", "not stated", None, None, (69, 69)),
        # Dated by no line it cites: the map legend's years are the event mpdp_projects_period.
        # Its lines are the heading and the former name printed below it.
        ("ircc_imcbp", "not stated", None, None, (22, 24)),
        ("ilo_fair_recruitment_central_america", "not stated", "2022", "2024", (18, 18)),
        # The section heading above the sentence ("A long-lasting partnership") is not cited.
        ("ilo_venezuelan_employability", "not stated", "2021", None, (23, 23)),
    ],
)
def test_funders_and_years_as_the_text_states_them(table, project_id, funder, start, end, lines):
    row = table.loc[project_id]
    assert (row["funder"], row["start_date"], row["end_date"]) == (funder, start, end)
    assert (row["line_start"], row["line_end"]) == lines


@pytest.mark.parametrize(
    ("project_id", "implementer", "status"),
    [
        # "through Immigration and Refugee Board (IRB) twinning projects ..., by sending senior
        # decision-makers to advise COMAR": COMAR is advised, not an implementer.
        ("irb_comar_twinning", "Immigration and Refugee Board (IRB)", "not stated"),
        ("focal_temporary_foreign_workers_skills", "FOCAL, Connexion, IOM Geneva", "not stated"),
        ("ilo_venezuelan_employability", "not stated", "recently completed"),
        ("ircc_grsi", "GRSI partners", "not stated"),
        ("ircc_mcee", "not stated", "new"),
        # A heading states neither; nothing says a programme is "ongoing".
        ("ircc_imcbp", "not stated", "not stated"),
        ("ilo_fair_recruitment_central_america", "not stated", "not stated"),
    ],
)
def test_implementers_and_statuses_as_the_text_states_them(table, project_id, implementer, status):
    row = table.loc[project_id]
    assert (row["implementer"], row["status"]) == (implementer, status)


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
