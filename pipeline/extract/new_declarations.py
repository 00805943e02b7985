"""The declarations folder of a new source document (`python -m pipeline new-source`):
sources/<document_id>/ with one empty file per kind the loaders accept empty, listed last in
sources.yaml (appended as text: its comments stay). A kind without an empty form
(`NO_EMPTY_FORM`) is not made."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import compared_texts, events, facts, groups, locate, printed_tables

NO_EMPTY_FORM = ("resettlement_by_region",)  # of locate.KINDS: a paragraph's total is required
EMPTY: dict[str, type[BaseModel]] = {  # every other kind of locate.KINDS, with its model
    "events": events.EventsFile,
    "facts": facts.FactsFile,
    "memberships": groups.MembershipsFile,
    "projects": groups.ProjectsFile,
    "tables": printed_tables.TablesFile,
    "texts": compared_texts.TextsFile,
}


def folder_of(declarations: Path, document_id: str) -> Path:
    """The folder of a document without declarations yet; an existing one is refused."""
    folder = declarations / locate.SOURCES / document_id
    if folder.exists():
        where = strict_yaml.relative(folder)
        raise SourceError(where, None, "a document without declarations yet", document_id)
    return folder


def create(declarations: Path, document_id: str) -> list[Path]:
    """The folder and its empty files (each read back by its model), listed in sources.yaml."""
    folder = folder_of(declarations, document_id)
    order = declarations / locate.ORDER
    text = order.read_text(encoding="utf-8").rstrip("\n") + f"\n- {document_id}\n"
    listed = strict_yaml.validate(locate.SourceOrder, yaml.safe_load(text), str(order)).order
    if listed[-1:] != [document_id]:
        raise SourceError(strict_yaml.relative(order), None, "a file ending with its list", text)
    folder.mkdir()
    made = []
    for kind, model in EMPTY.items():
        path = folder / f"{kind}.yaml"
        keys = "\n".join(f"{key}: []" for key in model.model_fields)
        path.write_text(
            f"# The {kind} of {document_id}: see another document's {kind}.yaml, or the drafts\n"
            f"# of `python -m pipeline todo {document_id}`.\n{keys}\n",
            encoding="utf-8",
        )
        strict_yaml.load(model, path)
        made.append(path)
    order.write_text(text, encoding="utf-8")
    return made
