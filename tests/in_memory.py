"""The extract -> harmonise -> validate -> reconcile steps run in memory, without Dagster,
for rule tests and the mutation run (the Dagster graph wires the same pure functions)."""

from __future__ import annotations

import pandas as pd

from pipeline import harmonise, reconcile, schemas, snapshot
from pipeline.extract import facts, groups, paper_tables, resettlement
from pipeline.text import RawDocument

PAPER = "working_paper_2020"


def extract(documents: dict[str, RawDocument]) -> dict[str, pd.DataFrame]:
    paper = documents[PAPER]
    claims, totals = paper_tables.parse_roxham_road(paper)
    tables = {
        "remittances": harmonise.add_iso3(
            paper_tables.parse_remittances(paper), snapshot.paths_of(documents)
        ),
        "roxham_road_claims": harmonise.add_iso3(claims, snapshot.paths_of(documents)),
        "roxham_road_totals": totals,
        "mexico_refugee_claims": paper_tables.parse_mexico_claims(paper),
        "resettlement_by_region": resettlement.extract_resettlement_by_region(
            documents, resettlement.load_resettlement_by_region()
        ),
        "facts": facts.extract_facts(documents, facts.load_facts()),
        "memberships": memberships(documents),
    }
    return {name: schemas.load(name).conform(frame) for name, frame in tables.items()}


def memberships(documents: dict[str, RawDocument]) -> pd.DataFrame:
    listed = groups.extract_memberships(documents, groups.load_memberships())
    project_countries = groups.extract_project_countries(documents, groups.load_projects())
    return pd.concat(
        [
            harmonise.add_iso3(listed, snapshot.paths_of(documents)),
            harmonise.add_iso3(project_countries, snapshot.paths_of(documents)),
        ],
        ignore_index=True,
    )


def validate(tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        schemas.load(name).pandera_schema().validate(frame, lazy=True)


def run_rules(
    tables: dict[str, pd.DataFrame],
    documents: dict[str, RawDocument],
    declarations: dict | None = None,
) -> pd.DataFrame:
    return reconcile.reconcile(tables, declarations or reconcile.load_declarations(), documents)
