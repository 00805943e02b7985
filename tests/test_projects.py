"""Projects: years and funders are read from the text, at the lines the row cites."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import locate
from pipeline.errors import SourceError
from pipeline.extract import groups
from tests.conftest import PAPER_FILE, edit_document


@pytest.fixture(scope="module")
def table(documents) -> pd.DataFrame:
    return groups.extract_projects(documents, groups.load_projects()).set_index("project_id")


def _cited(documents, row: pd.Series) -> str:
    """The raw lines a row cites, joined as the flattened text joins them."""
    doc = documents[row["document_id"]]
    lines = (doc.line(n).strip() for n in range(row["line_start"], row["line_end"] + 1))
    return " ".join(line for line in lines if line)


def test_years_and_funder_are_stated_in_the_cited_lines(table, documents):
    for project_id, row in table.iterrows():
        cited = _cited(documents, row)
        assert row["quote"] in cited, project_id
        for year in (row["start_date"], row["end_date"]):
            if year is not None:
                assert re.search(rf"\b{year}\b", row["quote"]), (project_id, year)
        if row["funder"] != groups.NOT_STATED:
            assert row["funder"] in row["quote"], project_id


@pytest.mark.parametrize(
    ("project_id", "funder", "start", "end", "lines"),
    [
        # The funder is named by the sentence after the description: the lines include it.
        ("irb_comar_twinning", "Immigration and Refugee Board (IRB)", None, None, (978, 982)),
        # "IMCBP ... by funding: ... Under the new MCEE capacity-building assistance".
        ("ircc_mcee", "IMCBP", None, None, (27, 30)),
        # The deck names potential funders only.
        ("focal_temporary_foreign_workers_skills", "not stated", None, None, (20, 20)),
        # Dated by no line it cites: the map legend's years are the event mpdp_projects_period.
        ("ircc_mpdp", "not stated", None, None, (22, 24)),
        ("ilo_fair_recruitment_central_america", "not stated", "2022", "2024", (18, 18)),
        ("ilo_venezuelan_employability", "not stated", "2021", None, (22, 23)),
    ],
)
def test_funders_and_years_as_the_text_states_them(table, project_id, funder, start, end, lines):
    row = table.loc[project_id]
    assert (row["funder"], row["start_date"], row["end_date"]) == (funder, start, end)
    assert (row["line_start"], row["line_end"]) == lines


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


@pytest.mark.parametrize("group", ["start", "funder"])
def test_a_year_or_funder_outside_the_primary_description_is_refused(root: Path, group: str):
    # The map legend, far below the MPDP's heading: the regression the 2.0.0 audit found.
    _append(
        root,
        "sources/ircc_fact_sheet_2019/projects.yaml",
        "- id: mpdp_legend\n  project: ircc_mpdp\n"
        f"  pattern: '\\*\\*(?P<{group}>MPDP)\\*\\* [0-9]{{4}} to [0-9]{{4}} funded'\n",
    )
    with pytest.raises(SourceError, match=r"only in its primary description.*'mpdp_legend'"):
        groups.load_projects(root)


def test_a_typed_funder_is_refused(root: Path):
    path = root / "projects.yaml"
    text = path.read_text(encoding="utf-8")
    old = "- project_id: irb_comar_twinning\n"
    assert old in text
    path.write_text(
        text.replace(old, old + "  funder: Immigration and Refugee Board of Canada\n"),
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="an unknown key"):
        groups.load_projects(root)
