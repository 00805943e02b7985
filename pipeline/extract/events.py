"""Dated events stated in the documents: agreements signed and in force, processes launched,
visas imposed and lifted, chairmanships, programmes begun and ended, compacts adopted, court
rulings.

Each event is a locator of sources/<document_id>/events.yaml whose group `date` captures the
date as printed; the declaration says only what happened (type, description, actors). The
date is normalised here, at build time, from the text: "2004", "March 2019", "5 December 2019",
"July 1st, 2020", "Oct. 3<sup>rd</sup> 2008", "the last day of 2004", "late 2018", and intervals
"from 2016 to 2020", "2019 to 2020", "between 2022 and 2024".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd

from pipeline import harmonise, locate
from pipeline.errors import SourceError
from pipeline.extract.facts import partial_date
from pipeline.text import RawDocument

EventType = Literal[
    "agreement signed",
    "agreement in force",
    "policy adopted",
    "process launched",
    "membership",
    "visa imposed",
    "visa lifted",
    "chairmanship",
    "programme begun",
    "programme expanded",
    "programme ended",
    "programme period",
    "declaration adopted",
    "compact adopted",
    "court challenge",
    "court ruling",
    "announcement",
    "report published",
    "seminar held",
    "election held",
    "border closed",
    "meetings resumed",
]
Precision = Literal["year", "month", "day"]
PRECISIONS: dict[int, Precision] = {1: "year", 2: "month", 3: "day"}  # by ISO parts

# "from 2016 to 2020", "2019 to 2020", "between 2022 and 2024": two dates of one interval.
INTERVAL = re.compile(r"(?:[Ff]rom\s+|[Bb]etween\s+)?(?P<start>.+?)\s+(?:to|and)\s+(?P<end>.+)")
# A qualifier of a year that keeps its precision ("late 2018" is a year, not a month).
YEAR_PART = re.compile(r"(?:late|early|mid)[\s-]+(?P<year>[0-9]{4})")
LAST_DAY_OF_YEAR = re.compile(r"the last day of (?P<year>[0-9]{4})")
# "July 1st, 2020", "Oct. 3rd 2008": month first, the day maybe an ordinal.
MONTH_FIRST = re.compile(
    r"(?P<month>[A-Za-z]+\.?)\s+(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>[0-9]{4})"
)


class Event(locate.Locator):
    """A dated event: its locator (group `date`, the date as printed) and what happened.
    `countries` are names as the quote prints them (harmonised to ISO3); `organisations` are
    named as the quote names them."""

    required_groups: ClassVar[tuple[str, ...]] = ("date",)
    event_type: EventType
    description: str
    countries: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()


class EventsFile(locate.LocatorFile):
    events: list[Event]


@cache
def load_events(root: Path = locate.DECLARATIONS) -> tuple[locate.Sourced[EventsFile], ...]:
    return locate.load_sources(EventsFile, "events", root)


@dataclass(frozen=True)
class EventDate:
    start: str  # ISO 8601 of reduced precision
    end: str | None  # only for an interval
    precision: Precision


def _point(printed: str) -> str:
    """One date as printed -> ISO 8601 of its precision; ValueError if no date."""
    text = re.sub(r"</?sup>", "", printed).strip()
    if m := YEAR_PART.fullmatch(text):
        return m["year"]
    if m := LAST_DAY_OF_YEAR.fullmatch(text):
        return f"{m['year']}-12-31"
    if m := MONTH_FIRST.fullmatch(text):
        text = f"{m['day']} {m['month']} {m['year']}"
    iso = partial_date(text.replace(".", ""))
    if iso.count("-") == 2:
        dt.date.fromisoformat(iso)  # "32 December" is no day: ValueError
    return iso


def parse_date(printed: str) -> EventDate:
    """A date or interval as printed -> start, end and precision; ValueError otherwise. Both
    ends of an interval must be printed to the same precision."""
    text = " ".join(printed.split())
    try:
        start = _point(text)
        end = None
    except ValueError:
        interval = INTERVAL.fullmatch(text)
        if not interval:
            raise
        start, end = _point(interval["start"]), _point(interval["end"])
        if start.count("-") != end.count("-") or end < start:
            raise ValueError(
                f"not an interval of two dates of one precision: {printed!r}"
            ) from None
    return EventDate(start, end, PRECISIONS[start.count("-") + 1])


def _event_row(document: RawDocument, event: Event, where: str) -> dict:
    match = locate.locate(document, event)
    printed = match.groups["date"]  # exactly as in the text: a no-break space stays one
    try:
        date = parse_date(printed)
    except ValueError as error:
        raise SourceError(
            document.path, match.group_lines["date"], f"a date readable by {event.id!r}", printed
        ) from error
    # The declared actors must be named by the quote: a declaration cannot add what the source
    # does not say.
    for name in event.countries + event.organisations:
        if name not in match.quote:
            raise SourceError(where, None, f"actor {name!r} of {event.id!r} named in", match.quote)
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
        "line_start": match.line_start,
        "line_end": match.line_end,
        "date_line": match.group_lines["date"],
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


def add_actor_iso3(frame: pd.DataFrame, paths: dict[str, str]) -> pd.DataFrame:
    """`actor_iso3`: the ISO3 codes of the actor countries, "; "-separated in declared order; a
    name country_converter does not know stops the build."""
    names = [
        {"document_id": row.document_id, "line_start": row.line_start, "country_as_printed": n}
        for row in frame.itertuples()
        for n in (row.actor_countries_as_printed or "").split("; ")
        if n
    ]
    known = harmonise.add_iso3(pd.DataFrame(names), paths) if names else pd.DataFrame()
    codes = dict(
        zip(known.get("country_as_printed", []), known.get("country_iso3", []), strict=True)
    )
    out = frame.copy()
    out["actor_iso3"] = [
        "; ".join(codes[n] for n in (printed or "").split("; ") if n) or None
        for printed in frame["actor_countries_as_printed"]
    ]
    return out


def actor_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event and actor country (the lists of `actor_iso3` and
    `actor_countries_as_printed` unpacked, in declared order), at the event's lines: a key to
    `countries` that a "; "-separated cell cannot be."""
    rows = [
        {
            "event_id": event.event_id,
            "country_iso3": code,
            "country_as_printed": name,
            "document_id": event.document_id,
            "line_start": event.line_start,
            "line_end": event.line_end,
        }
        for event in events.itertuples()
        if isinstance(event.actor_iso3, str)  # a conformed table has NA for no actor
        for code, name in zip(
            event.actor_iso3.split("; "), event.actor_countries_as_printed.split("; "), strict=True
        )
    ]
    columns = ["event_id", "country_iso3", "country_as_printed", "document_id"]
    return pd.DataFrame(rows, columns=[*columns, "line_start", "line_end"])
