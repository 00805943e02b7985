"""Statistics stated in prose, found by the locators of sources/<document_id>/facts.yaml and
normalised.

A fact's locator (pipeline/locate.py) names groups: `value` (the number as printed; required),
`scale` ("million", "billion"), `hedge` (a word such as "roughly" that gives the qualifier, per
pipeline/declarations/hedges.yaml), and `start`/`end`/`year` (the period, read from the text).
Everything numeric comes from the match; the declaration only says what it means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

import pandas as pd

from pipeline import hedges, locate
from pipeline.errors import SourceError
from pipeline.extract.numbers import month_number, parse_decimal
from pipeline.hedges import Hedges, Qualifier
from pipeline.text import RawDocument


class Fact(locate.Locator):
    """A statistic: its locator and what the number is. `qualifier` is declared only for a bound
    of a printed range ("60-70%"); otherwise the hedge word decides it."""

    required_groups: ClassVar[tuple[str, ...]] = ("value",)
    indicator: str
    unit: str
    geography: str | None = None
    country_iso3: str | None = None
    qualifier: Qualifier | None = None


class FactsFile(locate.LocatorFile):
    facts: list[Fact]


@dataclass(frozen=True)
class FactDeclarations:
    sources: tuple[locate.Sourced[FactsFile], ...]
    hedges: Hedges


@cache
def load_facts(root: Path = locate.DECLARATIONS) -> FactDeclarations:
    """The facts of every document, with the hedge words that give their qualifiers."""
    return FactDeclarations(
        locate.load_sources(FactsFile, "facts", root), hedges.load(root / hedges.HEDGES.name)
    )


# English number words, for statements such as "Thirty percent" or "six have launched".
UNIT_WORDS = {
    word: value
    for value, word in enumerate(
        [
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen"),
        ]
    )
}
TENS_WORDS = {
    word: 10 * value
    for value, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2
    )
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def _below_hundred(words: list[str]) -> int | None:
    """'sixty five' -> 65; None unless one unit or tens word, or tens then a unit 1-9."""
    if len(words) == 1:
        return UNIT_WORDS.get(words[0], TENS_WORDS.get(words[0]))
    if len(words) == 2 and words[0] in TENS_WORDS and 1 <= UNIT_WORDS.get(words[1], 0) <= 9:
        return TENS_WORDS[words[0]] + UNIT_WORDS[words[1]]
    return None


def words_value(printed: str) -> int | None:
    """'Thirty' -> 30, 'sixty-five' -> 65, 'two hundred and five' -> 205; None unless a
    well-formed number below a thousand in English words (words are not simply added up:
    'one hundred' is 100, 'five five' is no number)."""
    words = re.split(r"[- ]", printed.lower())
    if "hundred" not in words:
        return _below_hundred(words)
    head, rest = words[: words.index("hundred")], words[words.index("hundred") + 1 :]
    if len(head) != 1 or not 1 <= UNIT_WORDS.get(head[0], 0) <= 9:
        return None
    if rest[:1] == ["and"]:
        rest = rest[1:] or ["and"]  # 'two hundred and' is no number
    tail = _below_hundred(rest) if rest else 0
    return None if tail is None or (rest and tail == 0) else 100 * UNIT_WORDS[head[0]] + tail


def number_of(printed: str) -> float:
    """'12,000' -> 12000, '$1.25' -> 1.25, 'Thirty' -> 30, 'sixty-five' -> 65; ValueError for
    anything else."""
    text = printed.strip().lstrip("$\\").rstrip("%").strip()
    spelled = words_value(text)
    return float(spelled) if spelled is not None else parse_decimal(text)


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


def _fact_row(document: RawDocument, fact: Fact, hedge_words: Hedges) -> dict:
    """The row of `fact`, read from its match in `document`."""
    match = locate.locate(document, fact)
    groups = match.groups
    where = (document.path, match.line_start)
    try:
        scale = SCALES.get(groups.get("scale", "").lower(), 1)
        value = number_of(groups["value"]) * scale
        start = groups.get("start") or groups.get("year")
        end = groups.get("end") or groups.get("year")
        period_start = partial_date(start) if start else None
        period_end = partial_date(end) if end else None
    except (KeyError, ValueError) as error:
        raise SourceError(
            *where, f"a number and period readable by locator {fact.id!r}", match.quote
        ) from error
    hedged = hedge_words.qualifier_of(groups.get("hedge"))
    if hedged is None:
        raise SourceError(*where, f"a known hedge word for {fact.id!r}", groups["hedge"])
    printed = groups["value"] + (f" {groups['scale']}" if groups.get("scale") else "")
    return {
        "fact_id": fact.id,
        "document_id": document.document_id,
        "indicator": fact.indicator,
        "value": round(value, 6),
        "unit": fact.unit,
        "qualifier": fact.qualifier or hedged,
        "hedge_as_printed": groups.get("hedge"),
        "value_as_printed": printed,
        "rounding_unit": 10.0 ** -len(groups["value"].partition(".")[2].rstrip("%")) * scale,
        "period_start": period_start,
        "period_end": period_end,
        "geography": fact.geography,
        "country_iso3": fact.country_iso3,
        "quote": match.quote,
        "line_start": match.line_start,
        "line_end": match.line_end,
        "value_line": match.group_lines["value"],
    }


def extract_facts(
    documents: dict[str, RawDocument], declarations: FactDeclarations
) -> pd.DataFrame:
    """One row per fact, documents in their declared order, each file's facts in its order."""
    rows = [
        _fact_row(source.document(documents), fact, declarations.hedges)
        for source in declarations.sources
        for fact in source.declarations.facts
    ]
    return pd.DataFrame(rows)
