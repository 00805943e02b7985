"""Harmonised: the extracted tables with countries as ISO3 codes, and the countries table."""

from __future__ import annotations

from functools import cache

import pandas as pd
from dagster import AssetIn, AssetsDefinition, asset

from pipeline import harmonise, schemas
from pipeline.assets.checks import Checked, checked, declared, published
from pipeline.extract import events as prose_events
from pipeline.extract import printed_tables
from pipeline.sources.snapshot import RawSnapshot


def _with_iso3(table: printed_tables.PrintedTable) -> AssetsDefinition:
    """A declared printed table whose labels name countries, with their ISO3 codes."""

    @asset(
        name=table.name,
        ins={"as_printed": AssetIn(table.extracted_name)},
        description=f"`{table.extracted_name}` with ISO3 codes for the printed countries.",
        **declared(table.name),
    )
    def with_iso3(raw_documents: RawSnapshot, as_printed: pd.DataFrame) -> Checked:
        yield from checked(table.name, harmonise.add_iso3(as_printed, raw_documents.paths))

    return with_iso3


printed = [_with_iso3(d.table) for d in printed_tables.load_tables() if d.table.countries]


@asset(**declared("roxham_road_claims"))
def roxham_road_claims(
    raw_documents: RawSnapshot, roxham_road_claims_extracted: pd.DataFrame
) -> Checked:
    """Table 2 in long form with ISO3 codes; 'Stateless' keeps its rows with an empty code."""
    claims = harmonise.add_iso3(roxham_road_claims_extracted, raw_documents.paths)
    yield from checked("roxham_road_claims", claims)


@asset(**declared("memberships"))
def memberships(
    raw_documents: RawSnapshot,
    group_members_extracted: pd.DataFrame,
    project_countries_extracted: pd.DataFrame,
) -> Checked:
    """Group memberships and project countries with ISO3 codes."""
    listed = [group_members_extracted, project_countries_extracted]
    frames = [harmonise.add_iso3(frame, raw_documents.paths) for frame in listed]
    yield from checked("memberships", pd.concat(frames, ignore_index=True))


@asset(**declared("events"))
def events(raw_documents: RawSnapshot) -> Checked:
    """Dated events stated in the documents, found by declared locators; dates normalised with
    their precision, actor countries as ISO3."""
    found = prose_events.extract_events(raw_documents.documents, prose_events.load_events())
    yield from checked("events", harmonise.add_actor_iso3(found, raw_documents.paths))


@asset(**declared("event_actors"))
def event_actors(events: pd.DataFrame) -> Checked:
    """One row per event and actor country, from `events`: the actor countries as a key to
    `countries`."""
    yield from checked("event_actors", harmonise.actor_rows(events))


@cache
def _naming_countries() -> tuple[str, ...]:
    """The published tables with an ISO3 country column, in the package's order."""
    return tuple(
        name
        for name in published()
        if name != "countries" and "country_iso3" in schemas.load(name).field_names
    )


@asset(ins={name: AssetIn(name) for name in _naming_countries()}, **declared("countries"))
def countries(raw_documents: RawSnapshot, **tables: pd.DataFrame) -> Checked:
    """Every country the tables name: ISO3, short name, UN M49 region and sub-region, the
    spellings the sources use, and where the texts first name it."""
    frames = [tables[name] for name in _naming_countries()]
    order = harmonise.document_order(raw_documents.documents)
    yield from checked("countries", harmonise.countries_table(frames, order))
