"""Harmonised: the extracted tables with countries as ISO3 codes, and the countries table."""

from __future__ import annotations

import pandas as pd
from dagster import asset

from pipeline import harmonise
from pipeline.assets.checks import Checked, checked, declared
from pipeline.extract import events as prose_events
from pipeline.sources.snapshot import RawSnapshot


@asset(**declared("remittances"))
def remittances(raw_documents: RawSnapshot, remittances_extracted: pd.DataFrame) -> Checked:
    """Table 1 with ISO3 codes for the printed countries."""
    yield from checked(
        "remittances", harmonise.add_iso3(remittances_extracted, raw_documents.paths)
    )


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


@asset(**declared("countries"))
def countries(
    raw_documents: RawSnapshot,
    remittances: pd.DataFrame,
    roxham_road_claims: pd.DataFrame,
    facts: pd.DataFrame,
    memberships: pd.DataFrame,
    event_actors: pd.DataFrame,
) -> Checked:
    """Every country the tables name: ISO3, short name, UN M49 region and sub-region, the
    spellings the sources use, and where the texts first name it."""
    frames = [remittances, roxham_road_claims, facts, memberships, event_actors]
    order = harmonise.document_order(raw_documents.documents)
    yield from checked("countries", harmonise.countries_table(frames, order))
