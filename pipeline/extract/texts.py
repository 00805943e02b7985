"""Texts the reconciliation rules compare (a title's period, a quotation's speaker), found by
the locators of pipeline/declarations/texts.yaml: one row per named group."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import declared
from pipeline.text import RawDocument

TEXTS = Path(__file__).resolve().parent.parent / "declarations" / "texts.yaml"


class TextLocator(declared.Declared):
    document_id: str
    pattern: str


class TextLocators(declared.Declared):
    texts: dict[str, TextLocator]


def load_locators(path: Path = TEXTS) -> TextLocators:
    return declared.load(TextLocators, path)


def extract_texts(documents: dict[str, RawDocument], locators: TextLocators) -> pd.DataFrame:
    """text_id (`<locator>.<group>`), the text (whitespace collapsed), document and lines."""
    rows = []
    for name, locator in locators.texts.items():
        match = documents[locator.document_id].find_unique(locator.pattern, name)
        rows += [
            {
                "text_id": f"{name}.{group}",
                "text": " ".join(value.split()),
                "document_id": locator.document_id,
                "line_start": match.line_start,
                "line_end": match.line_end,
            }
            for group, value in match.groups.items()
        ]
    return pd.DataFrame(rows)
