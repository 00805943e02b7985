"""The extract -> harmonise -> validate -> reconcile steps run in memory, without Dagster,
for rule tests and the mutation run (the Dagster graph wires the same pure functions)."""

from __future__ import annotations

import pandas as pd

from pipeline import harmonise, reconcile, schemas
from pipeline.extract import facts, paper_tables, resettlement
from pipeline.text import RawDocument

PAPER = "working_paper_2020"


def extract(documents: dict[str, RawDocument]) -> dict[str, pd.DataFrame]:
    paper = documents[PAPER]
    claims, totals = paper_tables.parse_roxham_road(paper)
    tables = {
        "remittances": harmonise.add_iso3(paper_tables.parse_remittances(paper), paper.path),
        "roxham_road_claims": harmonise.add_iso3(claims, paper.path),
        "roxham_road_totals": totals,
        "mexico_refugee_claims": paper_tables.parse_mexico_claims(paper),
        "resettlement_by_region": resettlement.parse_resettlement(
            paper, resettlement.load_locators()
        ),
        "facts": facts.extract_facts(documents, facts.load_locators()),
    }
    return {name: schemas.conform(frame, schemas.load(name)) for name, frame in tables.items()}


def validate(tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        schemas.pandera_schema(schemas.load(name)).validate(frame, lazy=True)


def run_rules(
    tables: dict[str, pd.DataFrame],
    documents: dict[str, RawDocument],
    declarations: dict | None = None,
) -> pd.DataFrame:
    return reconcile.reconcile(tables, declarations or reconcile.load_declarations(), documents)
