"""Statistics stated in prose, found by declared locators and normalised.

A locator is a regular expression matched on a document's flattened text. Its named groups:
`value` (the number as printed; required), `scale` ("million", "billion"), `hedge` (a word such
as "roughly" that becomes the qualifier), and `start`/`end`/`year` (the period, read from the
text). Everything numeric comes from the match; the declaration only says what it means.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from pipeline.errors import SourceError
from pipeline.extract.numbers import month_number, parse_decimal
from pipeline.text import RawDocument

LOCATORS = Path(__file__).resolve().parent.parent / "declarations" / "facts.yaml"

# English number words, for statements such as "Thirty percent" or "six have launched".
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {word: index for index, word in enumerate(_UNITS.split())} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Hedge words -> qualifier; a statement without one is exact.
QUALIFIERS = {
    "roughly": "approximately",
    "approximately": "approximately",
    "about": "approximately",
    "around": "approximately",
    "some": "approximately",
    "an estimated": "approximately",
    "almost": "at most",
    "nearly": "at most",
    "just under": "at most",
    "under": "at most",
    "up to": "at most",
    "less than": "at most",
    "over": "at least",
    "more than": "at least",
    "at least": "at least",
    "just over": "at least",
    "slightly more than": "at least",
}


def load_locators(path: Path = LOCATORS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]


def number_of(printed: str) -> float:
    """'12,000' -> 12000, '$1.25' -> 1.25, 'Thirty' -> 30, 'sixty-five' -> 65."""
    text = printed.strip().lstrip("$\\").rstrip("%").strip()
    words = re.split(r"[- ]", text.lower())
    if all(word in NUMBER_WORDS for word in words):
        return float(sum(NUMBER_WORDS[word] for word in words))
    return parse_decimal(text)


def partial_date(printed: str) -> str:
    """'1999' -> '1999', 'March, 1999' -> '1999-03', '5 March, 1999' -> '1999-03-05'."""
    text = printed.strip().replace(",", " ")
    parts = text.split()
    if re.fullmatch(r"\d{4}", text):
        return text
    if len(parts) == 2 and re.fullmatch(r"\d{4}", parts[1]):
        return f"{parts[1]}-{month_number(parts[0]):02d}"
    if len(parts) == 3 and re.fullmatch(r"\d{1,2}", parts[0]) and re.fullmatch(r"\d{4}", parts[2]):
        return f"{parts[2]}-{month_number(parts[1]):02d}-{int(parts[0]):02d}"
    raise ValueError(f"not a date: {printed!r}")


def extract_fact(doc: RawDocument, locator: dict) -> dict:
    within = None
    if "after" in locator:
        anchor = doc.find_unique(locator["after"], f"{locator['fact_id']}.after")
        within = (anchor.line_start, anchor.line_start + locator["lines"])
    match = doc.find_unique(locator["pattern"], locator["fact_id"], within=within)
    groups = match.groups
    where = (doc.path, match.line_start)
    try:
        value = number_of(groups["value"])
        scale = groups.get("scale", "").lower()
        value *= SCALES.get(scale, 1)
        start = groups.get("start") or groups.get("year")
        end = groups.get("end") or groups.get("year")
        period_start = partial_date(start) if start else None
        period_end = partial_date(end) if end else None
    except (KeyError, ValueError) as error:
        raise SourceError(
            *where, f"a number and period readable by locator {locator['fact_id']!r}", match.quote
        ) from error
    hedge = groups.get("hedge", "").lower()
    if hedge and hedge not in QUALIFIERS:
        raise SourceError(*where, f"a known hedge word for {locator['fact_id']!r}", hedge)
    printed = groups["value"] + (f" {groups['scale']}" if groups.get("scale") else "")
    return {
        "fact_id": locator["fact_id"],
        "document_id": doc.document_id,
        "indicator": locator["indicator"],
        "value": round(value, 6),
        "unit": locator["unit"],
        # A range bound ("60-70%") declares its qualifier; otherwise the hedge word decides.
        "qualifier": locator.get("qualifier") or QUALIFIERS.get(hedge, "exact"),
        "hedge_as_printed": groups.get("hedge"),
        "value_as_printed": printed,
        "rounding_unit": 10.0 ** -len(groups["value"].partition(".")[2].rstrip("%"))
        * SCALES.get(scale, 1),
        "period_start": period_start,
        "period_end": period_end,
        "geography": locator.get("geography"),
        "country_iso3": locator.get("country_iso3"),
        "quote": match.quote,
        "line_start": match.line_start,
        "line_end": match.line_end,
        "value_line": match.group_lines["value"],
    }


def extract_facts(documents: dict[str, RawDocument], locators: list[dict]) -> pd.DataFrame:
    rows = [extract_fact(documents[loc["document_id"]], loc) for loc in locators]
    return pd.DataFrame(rows)
