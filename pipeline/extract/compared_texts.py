"""Texts the reconciliation rules compare (a title's period, a quotation's speaker), found by
the locators of sources/<document_id>/texts.yaml: one row per named group."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.extract import locate
from pipeline.sources.text import RawDocument


class TextsFile(locate.LocatorFile):
    texts: list[locate.Locator]


TextDeclarations = tuple[locate.Sourced[TextsFile], ...]


@cache
def load_texts(root: Path = locate.DECLARATIONS) -> TextDeclarations:
    return locate.load_sources(TextsFile, "texts", root)


def extract_texts(
    documents: dict[str, RawDocument], declarations: TextDeclarations
) -> pd.DataFrame:
    """text_id (`<locator>.<group>`), the text (whitespace collapsed), document and lines."""
    rows = []
    for source in declarations:
        document = source.document(documents)
        for locator in source.declarations.texts:
            match = locate.locate(document, locator)
            rows += [
                {
                    "text_id": f"{locator.id}.{group}",
                    "text": " ".join(value.split()),
                    "document_id": document.document_id,
                    "line_start": match.line_start,
                    "line_end": match.line_end,
                }
                for group, value in match.groups.items()
            ]
    return pd.DataFrame(rows)
