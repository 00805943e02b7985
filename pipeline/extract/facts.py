"""Statistics stated in prose, found by the locators of sources/<document_id>/facts.yaml and
normalised.

A fact's locator (extract/locate.py) names groups: `value` (the number as printed; required),
`scale` ("million", "billion"), `hedge` (a word such as "roughly" that gives the qualifier, per
pipeline/declarations/hedges.yaml), and `start`/`end`/`year` (the period, read from the text;
from the locator's `after` anchor when the pattern has none: the period stated where the
figure's paragraph opens, the quote staying the figure's own sentence).
Everything numeric comes from the match; the declaration only says what it means: its `topic`
(from the closed vocabulary of schemas/facts.yaml), the `bound` a printed range gives, whether
its currency is inferred (`unit_inferred`), the lines the PDF text printed inside its sentence
(`skip`, a pattern: figure labels, a footnote) and whether it is stated in a footnote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd
from pydantic import field_validator, model_validator

from pipeline import schemas, strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import dates, hedges, locate, numbers
from pipeline.extract.hedges import Hedges, Qualifier
from pipeline.extract.numbers import SCALES, parse_decimal, words_value
from pipeline.sources.text import RawDocument

# Units that are currencies: whether the currency is printed next to the figure is checked.
CURRENCIES = ("CAD", "USD")
BOUND_QUALIFIERS: dict[str, Qualifier] = {"lower": "at least", "upper": "at most"}


@cache
def topic_field() -> schemas.Field:
    """The field `topic` of schemas/facts.yaml: its enum the topics, its description what
    each covers."""
    return next(field for field in schemas.load("facts").fields if field.name == "topic")


def topics() -> tuple[str, ...]:
    """The closed vocabulary of `topic`, declared once: the enum of schemas/facts.yaml."""
    return tuple(topic_field().constraints.enum or ())


RANK = "rank"
# How the items of a printed ranking are separated ("Mexico, followed by Guatemala and Jamaica").
LIST_SEPARATOR = re.compile(r",\s*followed by\s+|,\s*and\s+|,\s*|\s+and\s+|\s+followed by\s+")


class Misprint(strict_yaml.Declared):
    """A number word the source misprints, published with its reading and flagged, never
    corrected silently: the value as printed must hold `printed` (else the build stops), and
    is read with `read_as` in its place ("top thee countries": three)."""

    printed: str
    read_as: str

    @property
    def _pattern(self) -> str:
        return rf"\b{re.escape(self.printed)}\b"

    def holds(self, value_as_printed: str) -> bool:
        return re.search(self._pattern, value_as_printed) is not None

    def reading(self, value_as_printed: str) -> str:
        return re.sub(self._pattern, self.read_as, value_as_printed)

    @property
    def note(self) -> str:
        return f'printed "{self.printed}", read as "{self.read_as}"'


def listed_rank(printed: str) -> int:
    """The place of the last item of a printed ranking: 'Mexico, followed by Guatemala' -> 2."""
    items = [item for item in LIST_SEPARATOR.split(printed.strip()) if item]
    if not items:
        raise ValueError(f"no item in the printed ranking {printed!r}")
    return len(items)


class Fact(locate.Locator):
    """A statistic: its locator and what the number is. `qualifier` is declared only for a bound
    of a printed range ("60-70%") read by its own pattern; a range read whole ("$3-4") declares
    its `bound` instead. Otherwise the hedge word decides it. `skip` is a pattern over the raw
    text (multi-line: ^ and $ at line ends): the lines a match touches are left out of the text
    the locator and the quote are read from. `in_footnote`: the statement is a footnote, whose
    number the quote leaves out."""

    required_groups: ClassVar[tuple[str, ...]] = ("value",)
    indicator: str
    unit: str
    topic: str
    geography: str | None = None
    country_iso3: str | None = None
    qualifier: Qualifier | None = None
    bound: Literal["lower", "upper"] | None = None
    unit_inferred: bool = False
    in_footnote: bool = False
    # A rank (unit `rank`) says among what ("the world's countries of refugee resettlement").
    ranked_among: str | None = None
    # A rank stated by a place in a printed list: `value` is the list up to the ranked item
    # ("Mexico, followed by Guatemala": 2).
    listed_rank: bool = False
    misprint: Misprint | None = None

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, topic: str) -> str:
        if topic not in topics():
            raise ValueError(f"a topic among {', '.join(topics())}, not {topic!r}")
        return topic

    @model_validator(mode="after")
    def _inferred_only_for_currencies(self) -> Fact:
        if self.unit_inferred and self.unit not in CURRENCIES:
            raise ValueError(f"unit_inferred is for a currency ({', '.join(CURRENCIES)})")
        if self.bound is not None and self.qualifier is not None:
            raise ValueError("a bound gives the qualifier: declare `bound` or `qualifier`")
        if (self.unit == RANK) != (self.ranked_among is not None):
            raise ValueError(f"`ranked_among` exactly when the unit is {RANK!r}")
        if self.listed_rank and self.unit != RANK:
            raise ValueError(f"`listed_rank` is for a unit {RANK!r}")
        return self


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


def number_of(printed: str) -> float:
    """'12,000' -> 12000, '$1.25' -> 1.25, 'Thirty' -> 30, 'sixty-five' -> 65, 'twice' -> 2,
    'second' -> 2, 'top' -> 1 (a rank), 'half' -> 0.5; ValueError for anything else."""
    text = printed.strip().lstrip("$\\").rstrip("%").strip()
    spelled = words_value(text)
    if spelled is not None:
        return float(spelled)
    readers = (numbers.times_word, numbers.ordinal, numbers.rank_word, numbers.fraction_word)
    for reader in readers:
        try:
            return float(reader(text))
        except ValueError:
            pass
    return parse_decimal(text)


def _footnote_quote(document: RawDocument, fact: Fact, match: locate.Match) -> str:
    """The quote of a statement in a footnote, without the footnote's number."""
    number = re.match(r"[0-9]{1,2} (?=\S)", match.quote)
    if number is None:
        raise SourceError(
            document.path, match.line_start, f"a footnote number opening {fact.id!r}", match.quote
        )
    return match.quote[number.end() :]


def _check_currency(document: RawDocument, fact: Fact, match: locate.Match) -> None:
    """A currency is printed next to the figure ("$2.2 million CAD") unless declared
    inferred, and an inferred currency is not printed there."""
    if fact.unit not in CURRENCIES:
        return
    last = "scale" if "scale" in match.groups else "value"
    end = match.group_offsets[last] + len(match.groups[last])
    printed = re.match(rf"\s*{fact.unit}\b", document.flat_text[end:]) is not None
    if printed == fact.unit_inferred:
        wanted = "unit_inferred: false" if printed else "unit_inferred: true"
        found = f"{fact.unit} {'printed' if printed else 'not printed'} after the figure"
        raise SourceError(
            document.path, match.group_lines["value"], f"{wanted} for {fact.id!r}", found
        )


def _value(fact: Fact, printed: str, scale: float) -> tuple[float, float]:
    """The value and rounding unit of the printed number (a bound of a printed range when the
    fact declares `bound`; a place in a printed list when it declares `listed_rank`; the
    reading of a declared misprint)."""
    if fact.listed_rank:
        return float(listed_rank(printed)), 1.0
    if fact.misprint is not None:
        printed = fact.misprint.reading(printed)
    try:
        bounds: tuple[float, float] | None = numbers.parse_range(printed)
    except ValueError:
        bounds = None
    if (bounds is None) != (fact.bound is None):
        raise ValueError(f"a declared bound exactly when the value is a range: {printed!r}")
    if bounds is not None:
        upper = fact.bound == "upper"
        bound_text, value = re.split(r"\s?[-–]\s?", printed.strip())[upper], bounds[upper]
    else:
        bound_text, value = printed, number_of(printed)
    if bound_text.strip().lower() in numbers.FRACTION_WORDS:
        return value * scale, value * scale  # "half": a fraction stated to within itself
    decimals = len(bound_text.partition(".")[2].rstrip("%"))
    return value * scale, 10.0**-decimals * scale


PERIOD_GROUPS = ("start", "end", "year")


def _anchor_period(document: RawDocument, fact: Fact) -> dict[str, str]:
    """The period groups of the fact's `after` anchor (extract/locate.py has checked that it
    matches once): a figure whose own sentence states no period takes the one stated where
    its paragraph opens ("In July 2020 the court decided ... The Court gave the government
    six months"), while its quote stays the sentence stating the figure."""
    if fact.after is None:
        return {}
    found = re.search(fact.after, document.flat_text)
    if found is None:
        return {}
    return {k: v for k, v in found.groupdict().items() if k in PERIOD_GROUPS and v is not None}


def _fact_row(document: RawDocument, fact: Fact, hedge_words: Hedges) -> dict:
    """The row of `fact`, read from its match in `document`."""
    match = locate.locate(document, fact)  # `skip` (a Locator's key) applied there
    view = match.view
    groups = match.groups
    if not PERIOD_GROUPS & groups.keys():
        groups = {**_anchor_period(view, fact), **groups}
    where = (document.path, match.line_start)
    if fact.misprint is not None and not fact.misprint.holds(groups["value"]):
        wanted = f"the misprint {fact.misprint.printed!r} declared for {fact.id!r}"
        raise SourceError(*where, f"{wanted} in its value as printed", groups["value"])
    try:
        scale = SCALES.get(groups.get("scale", "").lower(), 1)
        value, rounding = _value(fact, groups["value"], scale)
        start = groups.get("start") or groups.get("year")
        end = groups.get("end") or groups.get("year")
        forms = dates.load_date_forms()
        period_start = forms.read(start) if start else None
        period_end = forms.read(end) if end else None
    except (KeyError, ValueError) as error:
        raise SourceError(
            *where, f"a number and period readable by locator {fact.id!r}", match.quote
        ) from error
    hedged = hedge_words.qualifier_of(groups.get("hedge"))
    if hedged is None:
        raise SourceError(*where, f"a known hedge word for {fact.id!r}", groups["hedge"])
    _check_currency(view, fact, match)
    bounded = BOUND_QUALIFIERS[fact.bound] if fact.bound else None
    printed = groups["value"] + (f" {groups['scale']}" if groups.get("scale") else "")
    skipped = match.lines_skipped
    return {
        "fact_id": fact.id,
        "document_id": document.document_id,
        "indicator": fact.indicator,
        "topic": fact.topic,
        "value": round(value, 6),
        "unit": fact.unit,
        "unit_inferred": fact.unit_inferred,
        "ranked_among": fact.ranked_among,
        "qualifier": fact.qualifier or bounded or hedged,
        "hedge_as_printed": groups.get("hedge"),
        "value_as_printed": printed,
        "misprint": fact.misprint.note if fact.misprint else None,
        "rounding_unit": rounding,
        "period_start": period_start,
        "period_end": period_end,
        "geography": fact.geography,
        "country_iso3": fact.country_iso3,
        "quote": _footnote_quote(document, fact, match) if fact.in_footnote else match.quote,
        "line_start": match.line_start,
        "line_end": match.line_end,
        "lines_skipped": "; ".join(map(str, skipped)) or None,
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
