"""Projects and programmes, and country memberships of groups, found by declared locators."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from pipeline.extract.facts import partial_date
from pipeline.text import Match, RawDocument

DECLARATIONS = Path(__file__).resolve().parent.parent / "declarations"


def load(name: str) -> list[dict]:
    spec = yaml.safe_load((DECLARATIONS / f"{name}.yaml").read_text(encoding="utf-8"))
    return spec[name if name != "memberships" else "groups"]


# Between two names of a printed list: a comma (maybe with "and"), or "and".
LIST_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def split_countries(printed: str) -> list[tuple[str, int]]:
    """'Costa Rica, Guatemala, and the United States' -> names with their offsets in the text."""
    starts = [0] + [m.end() for m in LIST_SEPARATOR.finditer(printed)]
    ends = [m.start() for m in LIST_SEPARATOR.finditer(printed)] + [len(printed)]
    names = []
    for start, end in zip(starts, ends, strict=True):
        lead = re.match(r"\s*(?:the\s+)?", printed[start:end]).end()
        name = printed[start + lead : end].strip()
        if name:
            names.append((name, start + lead))
    return names


def _country_rows(doc: RawDocument, match: Match, **fields) -> list[dict]:
    printed = match.groups["countries"]
    start = match.group_offsets["countries"]
    return [
        {
            **fields,
            "country_as_printed": name,
            "document_id": doc.document_id,
            "line": doc.line_at(start + offset),
        }
        for name, offset in split_countries(printed)
    ]


def extract_memberships(documents: dict[str, RawDocument], groups: list[dict]) -> pd.DataFrame:
    rows = []
    for group in groups:
        for listing in group["lists"]:
            doc = documents[listing["document_id"]]
            locator_id = f"memberships.{group['group']}.{listing['role']}"
            match = doc.find_unique(listing["pattern"], locator_id)
            rows += _country_rows(
                doc,
                match,
                group=group["group"],
                group_type=group["group_type"],
                role=listing["role"],
            )
    return pd.DataFrame(rows)


def extract_projects(
    documents: dict[str, RawDocument], projects: list[dict]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per project, one row per project country and describing document)."""
    rows, countries = [], []
    for project in projects:
        matches = []
        for index, description in enumerate(project["described_in"]):
            doc = documents[description["document_id"]]
            match = doc.find_unique(
                description["pattern"], f"projects.{project['project_id']}.{index}"
            )
            matches.append((doc, match))
            if "countries" in match.groups:
                countries += _country_rows(
                    doc,
                    match,
                    group=project["project_id"],
                    group_type=project["kind"],
                    role="project country",
                )
        found = {k: v for _, m in matches for k, v in m.groups.items()}
        primary_doc, primary = matches[0]
        rows.append(
            {
                "project_id": project["project_id"],
                "title": " ".join(found.get("title", "").split()) or None,
                "kind": project["kind"],
                "funder": project["funder"],
                "implementer": project["implementer"],
                "status": project["status"],
                "start": partial_date(found["start"]) if "start" in found else None,
                "end": partial_date(found["end"]) if "end" in found else None,
                "document_id": primary_doc.document_id,
                "document_ids": "; ".join(dict.fromkeys(d.document_id for d, _ in matches)),
                "quote": primary.quote,
                "line_start": primary.line_start,
                "line_end": primary.line_end,
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(countries)
