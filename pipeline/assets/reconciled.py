"""Reconciled: the declared rules over the tables, the paper against the official series, and
every number of the raw text accounted for."""

from __future__ import annotations

from functools import cache

import pandas as pd
from dagster import AssetIn, AssetsDefinition, asset, load_assets_from_modules

from pipeline import reconcile
from pipeline.assets import extracted, harmonised
from pipeline.assets.checks import Checked, checked, declared, declared_schemas, published
from pipeline.reconcile import coverage
from pipeline.reconcile import official_series as official_series
from pipeline.sources.snapshot import RawSnapshot


@cache
def _read_from_the_text() -> tuple[str, ...]:
    """The tables with a schema of the layers before this one: they read the raw text (the
    published ones first, in the package's order: a number two rows publish is credited to
    the first; then the series' tables, checked but not published). Reconciled tables compute
    from these and read no number of their own; tables without a schema are intermediate
    copies."""
    loaded = load_assets_from_modules([extracted, harmonised])
    earlier = {k.path[-1] for a in loaded if isinstance(a, AssetsDefinition) for k in a.keys}
    checked_tables = declared_schemas() & earlier
    order = [*published(), *sorted(declared_schemas() - set(published()))]
    return tuple(name for name in order if name in checked_tables)


@asset(
    ins={name: AssetIn(name) for name in ("rule_texts", *_read_from_the_text())},
    **declared("reconciliation"),
)
def reconciliation(raw_documents: RawSnapshot, **tables: pd.DataFrame) -> Checked:
    """Every reconciliation rule evaluated per scope: expected, observed, allowed band and
    status (pass, fail, known-discrepancy). The rules read any table read from the text, by
    name, and the compared texts as `texts`."""
    readable = {name: tables[name] for name in _read_from_the_text()}
    readable["texts"] = tables["rule_texts"]
    frame = reconcile.reconcile(readable, reconcile.load_rules(), raw_documents.paths)
    yield from checked("reconciliation", frame)


@asset(**declared("cross_checks"))
def cross_checks(
    raw_documents: RawSnapshot,
    roxham_road_totals: pd.DataFrame,
    resettlement_by_region: pd.DataFrame,
    rcmp_interceptions: pd.DataFrame,
    unhcr_resettlement_arrivals: pd.DataFrame,
) -> Checked:
    """The paper's Roxham Road totals and resettlement figures against independent official
    series (RCMP, UNHCR): difference, definitions, tolerance and status per figure and
    period."""
    tables = {
        "roxham_road_totals": roxham_road_totals,
        "resettlement_by_region": resettlement_by_region,
        "rcmp_interceptions": rcmp_interceptions,
        "unhcr_resettlement_arrivals": unhcr_resettlement_arrivals,
    }
    comparisons = official_series.load_cross_checks()
    yield from checked(
        "cross_checks", official_series.compare(tables, comparisons, raw_documents.paths)
    )


@asset(
    ins={name: AssetIn(name) for name in _read_from_the_text()},
    **declared("number_coverage"),
)
def number_coverage(raw_documents: RawSnapshot, **tables: pd.DataFrame) -> Checked:
    """Every number printed in the raw documents, published (with the row that publishes it),
    skipped by a declared rule or pending; a number accounted for by nothing stops the
    build."""
    publishers = {name: tables[name] for name in _read_from_the_text()}
    publishers["events"] = coverage.dates_of(publishers["events"])
    frame = coverage.classify(raw_documents.documents, publishers, coverage.accounting.load_rules())
    yield from checked("number_coverage", frame)
