"""Country memberships of groups, and the projects and programmes the documents describe.

Both are found by locators declared per document (sources/<document_id>/memberships.yaml and
projects.yaml); what a group or a project is, whatever the document, is declared once in
pipeline/declarations/groups.yaml and projects.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

import pandas as pd

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import dates, locate
from pipeline.schemas import NOT_STATED
from pipeline.sources.text import RawDocument

GROUPS = "groups.yaml"
PROJECTS = "projects.yaml"
# What a project's row states as read from the text: only its primary description may read them,
# so that each is stated in the quote and lines the row cites; "not stated" (funder,
# implementer, status) or empty (start, end) where those lines do not state it.
CITED_GROUPS = ("start", "end", "funder", "implementer", "status")

# Between two names of a printed list: a comma (maybe with "and"), or "and".
LIST_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
LEADING_ARTICLE = re.compile(r"\s*(?:the\s+)?")


class MembershipList(locate.Locator):
    """A printed list of a group's countries (the `countries` group: "A, B, and C")."""

    required_groups: ClassVar[tuple[str, ...]] = ("countries",)
    group: str
    role: str


class MembershipsFile(locate.LocatorFile):
    lists: list[MembershipList]


class Group(strict_yaml.Declared):
    group: str
    group_type: str


class Groups(strict_yaml.Declared):
    groups: list[Group]


@dataclass(frozen=True)
class MembershipDeclarations:
    groups: tuple[Group, ...]  # the order memberships are published in
    lists: tuple[locate.Sourced[MembershipsFile], ...]


class ProjectDescription(locate.Locator):
    """A passage describing a project; it may name its title, a former name (`former_name`),
    countries, and (the primary description only) its start, end, funder, implementer and
    status."""

    project: str  # a project_id of pipeline/declarations/projects.yaml


class ProjectsFile(locate.LocatorFile):
    descriptions: list[ProjectDescription]


class Project(strict_yaml.Declared):
    project_id: str
    kind: str
    primary_document: str  # whose description gives the project's quote and lines


class Projects(strict_yaml.Declared):
    projects: list[Project]


Described = tuple[locate.Sourced[ProjectsFile], ProjectDescription]


@dataclass(frozen=True)
class ProjectDeclarations:
    projects: tuple[Project, ...]  # the order projects are published in
    descriptions: tuple[locate.Sourced[ProjectsFile], ...]

    def described_in(self, project: Project) -> list[Described]:
        """The descriptions of `project`: its primary description (the first in its primary
        document) first, then the others in document order."""
        found = [
            (source, description)
            for source in self.descriptions
            for description in source.declarations.descriptions
            if description.project == project.project_id
        ]
        return sorted(found, key=lambda item: item[0].document_id != project.primary_document)


# --- loading ----------------------------------------------------------------------------------


def _declared_once(names: Iterable[str], path: Path, what: str) -> set[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SourceError(strict_yaml.relative(path), None, f"each {what} declared once", name)
        seen.add(name)
    return seen


@cache
def load_memberships(root: Path = locate.DECLARATIONS) -> MembershipDeclarations:
    """The groups and every document's lists of their countries."""
    groups = strict_yaml.load(Groups, root / GROUPS).groups
    known = _declared_once((g.group for g in groups), root / GROUPS, "group")
    lists = locate.load_sources(MembershipsFile, "memberships", root)
    for source in lists:
        for listing in source.declarations.lists:
            if listing.group not in known:
                raise SourceError(source.path, None, f"a group of {GROUPS}", listing.group)
    return MembershipDeclarations(tuple(groups), lists)


@cache
def load_projects(root: Path = locate.DECLARATIONS) -> ProjectDeclarations:
    """The projects and every document's descriptions of them; each project is described in
    its primary document."""
    projects = strict_yaml.load(Projects, root / PROJECTS).projects
    known = _declared_once((p.project_id for p in projects), root / PROJECTS, "project")
    descriptions = locate.load_sources(ProjectsFile, "projects", root)
    for source in descriptions:
        for description in source.declarations.descriptions:
            if description.project not in known:
                raise SourceError(
                    source.path, None, f"a project of {PROJECTS}", description.project
                )
    loaded = ProjectDeclarations(tuple(projects), descriptions)
    for project in projects:
        described = loaded.described_in(project)
        if not described or described[0][0].document_id != project.primary_document:
            raise SourceError(
                strict_yaml.relative(root / PROJECTS),
                None,
                f"a description of {project.project_id!r} in its primary document",
                project.primary_document,
            )
        for source, description in described[1:]:
            _refuse_cited_groups(source, description)
    return loaded


def _refuse_cited_groups(source: locate.Sourced[ProjectsFile], other: ProjectDescription) -> None:
    """A description other than the primary one may not read a start, end, funder, implementer
    or status: the row cites the primary description's quote and lines only (a year from a map
    legend far from them would be published as if they stated it)."""
    found = sorted(set(re.compile(other.pattern).groupindex) & set(CITED_GROUPS))
    if found:
        path = strict_yaml.REPO_ROOT / source.path  # an absolute path stays itself
        raise SourceError(
            source.path,
            strict_yaml.line_of_value(path, "id", other.id),
            f"the groups {list(CITED_GROUPS)} of {other.project!r} only in its primary "
            f"description (whose lines the row cites); {other.id!r} has {found}",
        )


# --- extraction -------------------------------------------------------------------------------


def split_countries(printed: str) -> list[tuple[str, int]]:
    """'Costa Rica, Guatemala, and the United States' -> names with their offsets in the text."""
    starts = [0] + [m.end() for m in LIST_SEPARATOR.finditer(printed)]
    ends = [m.start() for m in LIST_SEPARATOR.finditer(printed)] + [len(printed)]
    names = []
    for start, end in zip(starts, ends, strict=True):
        lead_match = LEADING_ARTICLE.match(printed[start:end])  # matches at least ""
        lead = lead_match.end() if lead_match else 0
        name = printed[start + lead : end].strip()
        if name:
            names.append((name, start + lead))
    return names


def _country_rows(document: RawDocument, match: locate.Match, **fields: str) -> list[dict]:
    printed = match.groups["countries"]
    start = match.group_offsets["countries"]  # in the text as read (a `skip` leaves lines out)
    return [
        {
            **fields,
            "country_as_printed": name,
            "document_id": document.document_id,
            "line": match.view.line_at(start + offset),
        }
        for name, offset in split_countries(printed)
    ]


def extract_memberships(
    documents: dict[str, RawDocument], declarations: MembershipDeclarations
) -> pd.DataFrame:
    """One row per country of each printed list, group by group (in declared order), then
    document by document: a group listed by two documents keeps its rows together."""
    group_types = {group.group: group.group_type for group in declarations.groups}
    rank = {group: index for index, group in enumerate(group_types)}
    listed = [
        (source, listing) for source in declarations.lists for listing in source.declarations.lists
    ]
    rows = []
    for source, listing in sorted(listed, key=lambda item: rank[item[1].group]):
        document = source.document(documents)
        rows += _country_rows(
            document,
            locate.locate(document, listing),
            group_name=listing.group,
            group_type=group_types[listing.group],
            role=listing.role,
        )
    return pd.DataFrame(rows)


def _located(
    documents: dict[str, RawDocument], declarations: ProjectDeclarations
) -> Iterator[tuple[Project, list[tuple[RawDocument, locate.Match]]]]:
    """Each project with the matches of its descriptions, the primary one first."""
    for project in declarations.projects:
        matches = []
        for source, description in declarations.described_in(project):
            document = source.document(documents)
            matches.append((document, locate.locate(document, description)))
        yield project, matches


def extract_projects(
    documents: dict[str, RawDocument], declarations: ProjectDeclarations
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The projects and the countries their descriptions name, each description located once."""
    located = list(_located(documents, declarations))
    return _project_rows(located), _project_country_rows(located)


Located = list[tuple[Project, list[tuple[RawDocument, locate.Match]]]]


def _project_rows(located: Located) -> pd.DataFrame:
    """One row per project: what is declared, the title its descriptions print, and the years,
    funder, implementer and status its primary description states."""
    forms = dates.load_date_forms()
    rows = []
    for project, matches in located:
        found = {k: v for _, m in matches for k, v in m.groups.items()}
        primary_document, primary = matches[0]
        cited = primary.groups  # dates, funder, implementer, status: in the lines the row cites
        rows.append(
            {
                "project_id": project.project_id,
                "title": " ".join(found.get("title", "").split()) or None,
                "former_names": "; ".join(
                    dict.fromkeys(
                        " ".join(m.groups["former_name"].split())
                        for _, m in matches
                        if "former_name" in m.groups
                    )
                )
                or None,
                "kind": project.kind,
                "funder": " ".join(cited.get("funder", NOT_STATED).split()),
                "implementer": " ".join(cited.get("implementer", NOT_STATED).split()),
                "status": " ".join(cited.get("status", NOT_STATED).split()),
                "start_date": forms.read(cited["start"]) if "start" in cited else None,
                "end_date": forms.read(cited["end"]) if "end" in cited else None,
                "document_id": primary_document.document_id,
                "document_ids": "; ".join(dict.fromkeys(d.document_id for d, _ in matches)),
                "quote": primary.quote,
                "line_start": primary.line_start,
                "line_end": primary.line_end,
            }
        )
    return pd.DataFrame(rows)


def _project_country_rows(located: Located) -> pd.DataFrame:
    """One row per country a project's description names, per describing document."""
    rows = []
    for project, matches in located:
        for document, match in matches:
            if "countries" in match.groups:
                rows += _country_rows(
                    document,
                    match,
                    group_name=project.project_id,
                    group_type=project.kind,
                    role="project country",
                )
    return pd.DataFrame(rows)
