"""The declarations without some documents' locators (`python -m pipeline todo`: a broken
declaration of one document must not keep the others from being read).

A view is a folder of links to the declarations, in which the documents left out keep only the
declarations of their tables (tables.yaml, resettlement_by_region.yaml: the asset graph is
defined with their tables) and lose their facts, events, memberships, projects and texts. The
projects whose primary document is left out are left out of projects.yaml, with their
descriptions in the other documents (a project is read from its primary description). Errors
name the linked files themselves (`strict_yaml.relative` resolves links).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path, PurePath

import yaml

from pipeline import strict_yaml
from pipeline.extract import groups, locate

TABLES = ("tables", "resettlement_by_region")  # the kinds that declare tables of their own


def _write(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def without(declarations: Path, left_out: Collection[str], view: Path) -> Path:
    """A view of `declarations` in the new folder `view`, the documents `left_out` reduced to
    the declarations of their tables."""
    view.mkdir()
    for path in declarations.iterdir():
        if path.name not in (locate.SOURCES, groups.PROJECTS):
            (view / path.name).symlink_to(path.resolve())
    projects = strict_yaml.load(groups.Projects, declarations / groups.PROJECTS).projects
    kept = [p for p in projects if p.primary_document not in left_out]
    dropped = {p.project_id for p in projects} - {p.project_id for p in kept}
    _write(view / groups.PROJECTS, {"projects": [p.model_dump() for p in kept]})
    for folder in (path for path in (declarations / locate.SOURCES).iterdir() if path.is_dir()):
        copy = view / locate.SOURCES / folder.name
        copy.mkdir(parents=True)
        for path in folder.iterdir():
            if folder.name in left_out and path.stem not in TABLES:
                continue
            if path.name == groups.PROJECTS and dropped:
                file = strict_yaml.load(groups.ProjectsFile, path)
                described = [d for d in file.descriptions if d.project not in dropped]
                descriptions = [d.model_dump(exclude_none=True) for d in described]
                _write(copy / path.name, {"descriptions": descriptions})
            else:
                (copy / path.name).symlink_to(path.resolve())
    return view


def document_of(path: str, raw_paths: dict[str, str]) -> str | None:
    """The document whose file an error names: its raw file (`raw_paths`: by document id), or
    a file of its declarations (sources/<document_id>/...); None for any other file."""
    for document_id, raw_path in raw_paths.items():
        if path == raw_path:
            return document_id
    parts = PurePath(path).parts
    for index, part in enumerate(parts[:-2]):
        if part == locate.SOURCES and parts[index + 1] in raw_paths:
            return parts[index + 1]
    return None
