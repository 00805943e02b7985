"""The working paper's prose paragraph on resettlement to Canada by region of origin."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from pipeline.errors import SourceError
from pipeline.extract.numbers import first_day, last_day, month_year, parse_integer
from pipeline.text import RawDocument

LOCATORS = Path(__file__).resolve().parent.parent / "declarations" / "resettlement_by_region.yaml"


def load_locators() -> dict:
    return yaml.safe_load(LOCATORS.read_text(encoding="utf-8"))


def parse_resettlement(doc: RawDocument, locators: dict) -> pd.DataFrame:
    total = doc.find_unique(locators["total"]["pattern"], "resettlement_by_region.total")
    try:
        start_year, start_month = month_year(total.groups["period_start"])
        end_year, end_month = month_year(total.groups["period_end"])
    except ValueError as error:
        raise SourceError(
            doc.path, total.line_start, "a period 'Month YYYY to Month YYYY'", total.quote
        ) from error
    total_resettled = parse_integer(total.groups["value"])
    rows = []
    for locator in locators["regions"]:
        match = doc.find_unique(locator["pattern"], f"resettlement_by_region.{locator['region']}")
        resettled = parse_integer(match.groups["value"])
        rows.append(
            {
                "region": locator["region"],
                "resettled": resettled,
                "total_resettled": total_resettled,
                "share_pct": round(100 * resettled / total_resettled, 2),
                "period_start": first_day(start_year, start_month),
                "period_end": last_day(end_year, end_month),
                "quote": match.quote,
                "document_id": doc.document_id,
                "line_start": match.line_start,
                "line_end": match.line_end,
            }
        )
    frame = pd.DataFrame(rows)
    frame["unexplained_resettled"] = total_resettled - frame["resettled"].sum()
    return frame
