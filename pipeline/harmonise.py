"""Harmonise printed country names to ISO3 and build the `countries` table."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pandas as pd
from pydantic import Field, field_validator

from pipeline import schemas, strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import locate
from pipeline.paths import ROOTS
from pipeline.sources.text import RawDocument

DECLARATIONS = ROOTS.declarations_dir / "country_names.yaml"
# country_converter's `continent` names -> UN M49 region names.
M49_REGION = {"America": "Americas"}
LATIN_AMERICA_CARIBBEAN_SUBREGIONS = {"Caribbean", "Central America", "South America"}


@cache
def _converter() -> Any:
    import country_converter as coco  # slow import (about 1.4 s): only when harmonising

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


class CountryNames(strict_yaml.Declared):
    """Printed names in a country column that denote no country, each with the reason; and
    names the texts print for a country that no table prints (by ISO3 code), searched with the
    tables' spellings for where the country is first named."""

    not_a_country: dict[str, str]
    also_printed: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    adjectives: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    def adjective_codes(self) -> dict[str, str]:
        return {name: code for code, names in self.adjectives.items() for name in names}

    @field_validator("also_printed", "adjectives")
    @classmethod
    def _iso3_keys(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        bad = [code for code in value if not re.fullmatch(r"[A-Z]{3}", code)]
        if bad:
            raise ValueError(f"not an ISO3 code: {bad[0]!r}")
        return value


@cache
def country_names() -> CountryNames:
    return strict_yaml.load(CountryNames, DECLARATIONS)


def not_a_country() -> frozenset[str]:
    return frozenset(country_names().not_a_country)


def iso3_of(names: list[str]) -> dict[str, str | None]:
    """ISO3 code of each distinct name; None for names declared as not a country."""
    adjectives = country_names().adjective_codes()
    distinct = sorted(set(names) - not_a_country() - adjectives.keys())
    codes = _converter().convert(distinct, to="ISO3", not_found=None) if distinct else []
    if isinstance(codes, str):
        codes = [codes]
    mapping: dict[str, str | None] = dict.fromkeys(set(names) & not_a_country())
    mapping |= {name: adjectives[name] for name in set(names) & adjectives.keys()}
    for name, code in zip(distinct, codes, strict=True):
        mapping[name] = code if isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code) else ""
    return mapping


def add_iso3(
    frame: pd.DataFrame, paths: dict[str, str], name_column: str = "country_as_printed"
) -> pd.DataFrame:
    """Add `country_iso3` next to the printed name; an unknown name stops the build."""
    mapping = iso3_of(frame[name_column].tolist())
    unknown = frame[frame[name_column].map(mapping) == ""]
    if not unknown.empty:
        row = unknown.iloc[0]
        raise SourceError(
            paths[row["document_id"]],
            int(row[schemas.line_columns(frame)[0]]),
            "a country name country_converter recognises, or one declared in "
            "pipeline/declarations/country_names.yaml",
            row[name_column],
        )
    out = frame.copy()
    out["country_iso3"] = out[name_column].map(mapping)
    return out


def document_order(documents: dict[str, RawDocument]) -> list[RawDocument]:
    """The documents in the order of pipeline/declarations/sources.yaml (the order their
    declarations are read in), then the others (the series) by document_id."""
    listed = {folder.name: rank for rank, folder in enumerate(locate.document_folders())}
    ranked = sorted(documents, key=lambda d: (listed.get(d, len(listed)), d))
    return [documents[d] for d in ranked]


@cache
def _name_pattern(name: str) -> re.Pattern[str]:
    """A name as a whole word (not inside a longer word), its spaces any run of white space (a
    name may be broken across lines); case as printed."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)")


Named = tuple[str, str]  # (ISO3 code, a name printed for it)


def _inside_names(names: list[Named]) -> dict[Named, list[Named]]:
    """For each name, the longer names of other countries that contain it as a whole word
    ("Sudan" in "South Sudan"): an occurrence inside one of them does not name its country."""
    return {
        (code, name): [
            (other, longer)
            for other, longer in names
            if other != code and len(longer) > len(name) and _name_pattern(name).search(longer)
        ]
        for code, name in names
    }


def _occurrences(name: str, text: str) -> list[tuple[int, int]]:
    """Spans of the whole-word occurrences of `name` in `text`, left to right. The pattern is
    tried only where its first word stands (found as a plain string): searching the texts with
    the pattern itself, once per name, was a large part of a build."""
    pattern, first = _name_pattern(name), name.split()[0]
    spans = []
    at = text.find(first)
    while at >= 0:
        found = pattern.match(text, at)
        spans += [found.span()] if found else []
        at = text.find(first, found.end() if found else at + 1)
    return spans


def _mentions(names: list[Named], inside: dict[Named, list[Named]], text: str) -> list[tuple]:
    """(start, end, code) of every whole-word occurrence of a name in `text`, by position."""
    spans = {named: _occurrences(named[1], text) for named in names}
    found = []
    for named, occurrences in spans.items():
        longer = [span for other in inside[named] for span in spans[other]]
        found += [
            (start, end, named[0])
            for start, end in occurrences
            if not any(a <= start and end <= b for a, b in longer)
        ]
    return sorted(found)


def first_mentions(
    names: Mapping[str, Iterable[str]], documents: list[RawDocument]
) -> dict[str, tuple[str, int, int]]:
    """Per ISO3 code, where one of its names first occurs in the raw texts, documents in the
    given order: document_id and the first and last line of the occurrence."""
    listed = sorted({(code, name) for code, printed in names.items() for name in printed})
    inside = _inside_names(listed)
    first: dict[str, tuple[str, int, int]] = {}
    for document in documents:
        text = document.text
        for start, end, code in _mentions(listed, inside, text):
            if code not in first:
                line = text.count("\n", 0, start) + 1
                first[code] = (document.document_id, line, line + text.count("\n", start, end))
    return first


def _printed_names(frames: list[pd.DataFrame]) -> pd.DataFrame:
    named = [f[["country_iso3", "country_as_printed"]] for f in frames if "country_as_printed" in f]
    return pd.concat(named, ignore_index=True).dropna().drop_duplicates()


def countries_table(frames: list[pd.DataFrame], documents: list[RawDocument]) -> pd.DataFrame:
    """One row per ISO3 code found in `frames`, with where it is first named: the earliest
    whole-word occurrence, in `documents` in their order, of a name the tables print for it
    (`country_as_printed`; prose facts carry only the code) or one declared in
    country_names.yaml. A country none of whose names occurs is placed at its first row (in
    the same document order)."""
    rank = {document.document_id: index for index, document in enumerate(documents)}
    mentions = pd.concat(
        [
            pd.DataFrame(
                {
                    "country_iso3": f["country_iso3"],
                    "document_id": f["document_id"],
                    "line": f[schemas.line_columns(f)[0]],
                    "line_last": f[schemas.line_columns(f)[1]],
                }
            )
            for f in frames
        ],
        ignore_index=True,
    ).dropna(subset=["country_iso3"])
    mentions["rank"] = mentions["document_id"].map(rank).fillna(len(rank))
    first_row = (
        mentions.sort_values(["country_iso3", "rank", "line"]).groupby("country_iso3").first()
    )
    codes = first_row.index.tolist()
    printed_names = _printed_names(frames)
    searched: dict[str, set[str]] = {code: set() for code in codes}
    for code, name in printed_names.itertuples(index=False):
        searched[code].add(name)
    for code, names in country_names().also_printed.items():
        if code in searched:
            searched[code].update(names)
    named_at = first_mentions(searched, documents)
    first = [
        named_at.get(code, (row.document_id, int(row.line), int(row.line_last)))
        for code, row in first_row.iterrows()
    ]
    printed = (
        printed_names.sort_values(["country_iso3", "country_as_printed"])
        .groupby("country_iso3")["country_as_printed"]
        .agg(" | ".join)
        .reindex(codes)
    )
    # country_converter's own table, looked up by code: `convert` matches every name pattern
    # of every country for each code, which is most of this step's time.
    by_code = _converter().data.drop_duplicates("ISO3").set_index("ISO3")

    def lookup(to: str) -> list[str]:
        return by_code.loc[codes, to].tolist()

    subregions = lookup("UNregion")
    return pd.DataFrame(
        {
            "country_iso3": codes,
            "name": lookup("name_short"),
            "un_region": [M49_REGION.get(c, c) for c in lookup("continent")],
            "un_subregion": subregions,
            "latin_america_caribbean": [
                s in LATIN_AMERICA_CARIBBEAN_SUBREGIONS for s in subregions
            ],
            "names_as_printed": printed.tolist(),
            "document_id": [where[0] for where in first],
            "line_start": [where[1] for where in first],
            "line_end": [where[2] for where in first],
        }
    )


def add_actor_iso3(frame: pd.DataFrame, paths: dict[str, str]) -> pd.DataFrame:
    """`actor_iso3`: the ISO3 codes of the actor countries, "; "-separated in declared order; a
    name country_converter does not know stops the build."""
    names = [
        {"document_id": row.document_id, "line_start": row.line_start, "country_as_printed": n}
        for row in frame.itertuples()
        for n in (row.actor_countries_as_printed or "").split("; ")
        if n
    ]
    known = add_iso3(pd.DataFrame(names), paths) if names else pd.DataFrame()
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
