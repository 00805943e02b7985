"""Dated events stated in the documents: agreements signed and in force, processes launched,
visas imposed and lifted, chairmanships, programmes begun and ended, compacts adopted, court
rulings.

Each event is a locator of sources/<document_id>/events.yaml whose group `date` captures the
date as printed; the declaration says only what happened (type, description, actors, the
type one of the enum of `event_type` in schemas/events.yaml). The date is normalised here, at
build time, from the text, by the forms of a date declared in date_forms.yaml (extract/dates.py):
"2004", "July 1st, 2020", "the last day of 2004", "late 2018", "from 2016 to 2020" ...

The quote is the prose sentence(s) that state the event:
- where the document prints the date only in its dateline ("August 16, 2022—Ottawa—"), the
  pattern finds the sentence stating the event and `dateline` (a pattern with the group `date`)
  the dateline above it, whose line is the row's `date_line`;
- `skip` (extract/locate.py) leaves out the lines the PDF text printed inside the sentence (a
  footnote, a table), recorded in `lines_skipped`;
- `legend: true` declares an event that only a figure's legend states: its quote is the legend
  entry alone (`quote_kind` "legend entry"), and the text must label it a legend.
Every actor declared is named by the quote. Where the sentence stating the event names an actor
only by a pronoun or a short name ("it pledged", "The STCA was signed"), the pattern starts at
the nearest earlier sentence of the same paragraph that names it, so that the quote (and its
lines) still name every actor; an actor named further away is not strict_yaml.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import field_validator, model_validator

from pipeline import schemas, strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import dates, locate, numbers
from pipeline.extract.numbers import QUANTITY_WORDS, SCALES, TENS_WORDS, UNIT_WORDS
from pipeline.sources.text import RawDocument

# Words for numbers that a description may not hold (no date or number in a description):
# cardinals, scales, times, ordinals and fractions. Capitalised inside a description, such a word
# is part of a name ("the Migration Five").
NUMBER_WORDS = frozenset(
    {*UNIT_WORDS, *TENS_WORDS, "hundred", *SCALES, *numbers.TIMES_WORDS, *numbers.ORDINAL_WORDS}
    | set(QUANTITY_WORDS)
)
# A digit standing alone ("2", "2009"), not part of a name such as "M5".
LONE_DIGIT = re.compile(r"(?<![A-Za-z])[0-9]")
QUOTE_KINDS = {False: "prose", True: "legend entry"}
LEGEND_LABEL = re.compile(r"\bLegend\b")


def numbers_in(description: str) -> list[str]:
    """The digits and number words of a description (see NUMBER_WORDS)."""
    found = [m.group() for m in LONE_DIGIT.finditer(description)]
    for index, word in enumerate(re.findall(r"[A-Za-z]+", description)):
        if word.lower() in NUMBER_WORDS and (word.islower() or index == 0):
            found.append(word)
    return found


@cache
def event_types() -> tuple[str, ...]:
    """The event types: declared once, as the enum of `event_type` in schemas/events.yaml."""
    field = next(f for f in schemas.load("events").fields if f.name == "event_type")
    return tuple(field.constraints.enum or ())


class Event(locate.Locator):
    """A dated event: its locator (group `date`, the date as printed, unless `dateline` gives
    it) and what happened. `countries` are names as the quote prints them (harmonised to
    ISO3); `organisations` are named as the quote names them. `dateline`: a pattern with the
    group `date`, for a date the document prints only in its dateline. `legend`: the event is
    stated only by a figure's legend."""

    event_type: str  # one of the enum of `event_type` in schemas/events.yaml
    description: str
    countries: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    dateline: strict_yaml.Regex | None = None
    legend: bool = False

    @field_validator("event_type")
    @classmethod
    def _declared_type(cls, event_type: str) -> str:
        if event_type not in (known := event_types()):
            raise ValueError(
                f"{event_type!r} is no event type: the enum of `event_type` in "
                f"schemas/events.yaml is {list(known)}"
            )
        return event_type

    @field_validator("description")
    @classmethod
    def _no_number(cls, description: str) -> str:
        if found := numbers_in(description):
            raise ValueError(f"a description without a date or number, not {found}")
        return description

    @model_validator(mode="after")
    def _dated_once(self) -> Event:
        in_pattern = "date" in re.compile(self.pattern).groupindex
        if self.dateline is None and not in_pattern:
            raise ValueError(f"the pattern of {self.id!r} needs the named groups ['date']")
        if self.dateline is not None and (
            in_pattern or "date" not in re.compile(self.dateline).groupindex
        ):
            raise ValueError(f"the group `date` of {self.id!r} in its `dateline`, not its pattern")
        return self


class EventsFile(locate.LocatorFile):
    events: list[Event]


@cache
def load_events(root: Path = locate.DECLARATIONS) -> tuple[locate.Sourced[EventsFile], ...]:
    return locate.load_sources(EventsFile, "events", root)


def _dated(document: RawDocument, event: Event, match: locate.Match) -> locate.Match:
    """The match that holds the date: the event's own, or that of its dateline, which must
    precede the sentence stating the event."""
    if event.dateline is None:
        return match
    dateline = locate.locate(
        document, locate.Locator(id=f"{event.id}.dateline", pattern=event.dateline)
    )
    if dateline.line_end >= match.line_start:
        raise SourceError(
            document.path,
            dateline.line_start,
            f"the dateline of {event.id!r} above the sentence stating it",
            f"line {dateline.line_start}",
        )
    return dateline


def _event_row(document: RawDocument, event: Event, where: str) -> dict:
    match = locate.locate(document, event)
    dated = _dated(document, event, match)
    printed = dated.groups["date"]  # exactly as in the text: a no-break space stays one
    try:
        date = dates.load_date_forms().parse(printed)
    except ValueError as error:
        raise SourceError(
            document.path, dated.group_lines["date"], f"a date readable by {event.id!r}", printed
        ) from error
    # The declared actors must be named by the quote: a declaration cannot add what the source
    # does not say.
    for name in event.countries + event.organisations:
        if name not in match.quote:
            raise SourceError(where, None, f"actor {name!r} of {event.id!r} named in", match.quote)
    if event.legend and not LEGEND_LABEL.search(match.quote):
        raise SourceError(
            document.path, match.line_start, f"a legend labelled so for {event.id!r}", match.quote
        )
    return {
        "event_id": event.id,
        "document_id": document.document_id,
        "event_type": event.event_type,
        "description": event.description,
        "date_as_printed": printed,
        "date_start": date.start,
        "date_end": date.end,
        "date_precision": date.precision,
        "actor_countries_as_printed": "; ".join(event.countries) or None,
        "actor_organisations": "; ".join(event.organisations) or None,
        "quote": match.quote,
        "quote_kind": QUOTE_KINDS[event.legend],
        "line_start": match.line_start,
        "line_end": match.line_end,
        "lines_skipped": "; ".join(map(str, match.lines_skipped)) or None,
        "date_line": dated.group_lines["date"],
    }


def extract_events(
    documents: dict[str, RawDocument], declarations: tuple[locate.Sourced[EventsFile], ...]
) -> pd.DataFrame:
    """One row per declared event, documents in their declared order, each file in its order."""
    rows = [
        _event_row(source.document(documents), event, source.path)
        for source in declarations
        for event in source.declarations.events
    ]
    return pd.DataFrame(rows)
