"""Prose paragraphs on resettlement to Canada by region of origin (the working paper's), found
by the locators of sources/<document_id>/resettlement_by_region.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from pipeline.errors import SourceError
from pipeline.extract import dates, locate
from pipeline.extract.numbers import first_day, last_day, parse_integer
from pipeline.sources.text import RawDocument


class ResettlementTotal(locate.Locator):
    """The stated total and its period ('From January 2015 to June 2020 ...')."""

    required_groups: ClassVar[tuple[str, ...]] = ("value", "period_start", "period_end")


class Region(locate.Locator):
    """One region's count."""

    required_groups: ClassVar[tuple[str, ...]] = ("value",)
    region: str


class ResettlementFile(locate.LocatorFile):
    total: ResettlementTotal
    regions: list[Region]


ResettlementDeclarations = tuple[locate.Sourced[ResettlementFile], ...]


@cache
def load_resettlement_by_region(root: Path = locate.DECLARATIONS) -> ResettlementDeclarations:
    return locate.load_sources(ResettlementFile, "resettlement_by_region", root)


def _count(document: RawDocument, match: locate.Match, locator: str) -> int:
    """The whole number a locator read; a misprint is an error naming its line."""
    try:
        return parse_integer(match.groups["value"])
    except ValueError:
        raise SourceError(
            document.path,
            match.group_lines["value"],
            f"a whole number like '1,234' for locator {locator!r}",
            match.groups["value"],
        ) from None


def _paragraph_rows(document: RawDocument, paragraph: ResettlementFile) -> list[dict]:
    total = locate.locate(document, paragraph.total)
    try:
        forms = dates.load_date_forms()
        start_year, start_month = forms.month(total.groups["period_start"])
        end_year, end_month = forms.month(total.groups["period_end"])
        period = first_day(start_year, start_month), last_day(end_year, end_month)
    except ValueError as error:
        raise SourceError(
            document.path, total.line_start, "a period 'Month YYYY to Month YYYY'", total.quote
        ) from error
    total_resettled = _count(document, total, paragraph.total.id)
    if total_resettled == 0:
        raise SourceError(document.path, total.line_start, "a total above zero", total.quote)
    rows: list[dict[str, Any]] = []
    for region in paragraph.regions:
        match = locate.locate(document, region)
        resettled = _count(document, match, region.id)
        rows.append(
            {
                "region": region.region,
                "resettled": resettled,
                "total_resettled": total_resettled,
                "share_pct": round(100 * resettled / total_resettled, 2),
                "period_start": period[0],
                "period_end": period[1],
                "quote": match.quote,
                "document_id": document.document_id,
                "line_start": match.line_start,
                "line_end": match.line_end,
            }
        )
    # What the stated total leaves once the regions are counted.
    unexplained = total_resettled - sum(row["resettled"] for row in rows)
    return [{**row, "unexplained_resettled": unexplained} for row in rows]


def extract_resettlement_by_region(
    documents: dict[str, RawDocument], declarations: ResettlementDeclarations
) -> pd.DataFrame:
    """One row per region of each declared paragraph, with the paragraph's total and period."""
    rows = [
        row
        for source in declarations
        for row in _paragraph_rows(source.document(documents), source.declarations)
    ]
    return pd.DataFrame(rows)
