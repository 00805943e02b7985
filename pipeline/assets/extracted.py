"""Extracted: tables read from the raw text, names as printed."""

from __future__ import annotations

import pandas as pd
from dagster import AssetOut, AssetsDefinition, Output, asset, multi_asset

from pipeline.assets.checks import Checked, check_specs, checked, column_schema, declared
from pipeline.extract import (
    compared_texts,
    groups,
    printed_tables,
    resettlement,
    roxham_road,
    series,
)
from pipeline.extract import facts as prose_facts
from pipeline.sources.documents import documents_table
from pipeline.sources.snapshot import RawSnapshot

PAPER = "working_paper_2020"
RCMP = "rcmp_interceptions_2017_2020"
UNHCR = "unhcr_resettlement_2015_2020"


@asset(**declared("documents"))
def documents(raw_documents: RawSnapshot) -> Checked:
    """The source documents as a table, from the manifest of raw/, with the origin of the
    series taken from third parties ('not stated' where the manifest does not state it)."""
    yield from checked(
        "documents", documents_table(raw_documents.manifest, raw_documents.documents)
    )


@multi_asset(
    outs={
        "roxham_road_claims_extracted": AssetOut(
            description="Table 2 of the working paper in long form (year x rank), countries as "
            "printed."
        ),
        "roxham_road_totals": AssetOut(
            description="The Totals line of Table 2 per year, with the top-25 sum and the "
            "remainder.",
            metadata={"dagster/column_schema": column_schema("roxham_road_totals")},
        ),
    },
    check_specs=check_specs("roxham_road_totals"),
)
def roxham_road_table(raw_documents: RawSnapshot) -> Checked:
    """Table 2 of the working paper, parsed once into its two tables."""
    claims, totals = roxham_road.parse_roxham_road(raw_documents.documents[PAPER])
    yield Output(claims, output_name="roxham_road_claims_extracted")
    yield from checked("roxham_road_totals", totals, output_name="roxham_road_totals")


def _printed_table(declared_table: printed_tables.DeclaredTable) -> AssetsDefinition:
    """The asset of a printed table declared in a tables.yaml: checked here, or, when its
    labels name countries, checked once harmonised (`<name>_extracted`, then `<name>`)."""
    table = declared_table.table
    where = f"sources/{declared_table.source.document_id}/tables.yaml"
    if table.countries:

        @asset(name=table.extracted_name, description=f"`{table.name}` as printed ({where}).")
        def as_printed(raw_documents: RawSnapshot) -> pd.DataFrame:
            return declared_table.read(raw_documents.documents)

        return as_printed

    @asset(
        name=table.name, description=f"`{table.name}` as printed ({where}).", **declared(table.name)
    )
    def checked_as_printed(raw_documents: RawSnapshot) -> Checked:
        yield from checked(table.name, declared_table.read(raw_documents.documents))

    return checked_as_printed


# Every declared printed table (the paper's Tables 1 and 3, ...), read by the generic parser.
printed = [_printed_table(declared_table) for declared_table in printed_tables.load_tables()]


@asset(**declared("resettlement_by_region"))
def resettlement_by_region(raw_documents: RawSnapshot) -> Checked:
    """The working paper's paragraph on resettlement by region of origin, found by declared
    locators."""
    declarations = resettlement.load_resettlement_by_region()
    frame = resettlement.extract_resettlement_by_region(raw_documents.documents, declarations)
    yield from checked("resettlement_by_region", frame)


@asset(**declared("facts"))
def facts(raw_documents: RawSnapshot) -> Checked:
    """Every statistic stated in the documents' prose, found by declared locators; values
    normalised, hedges kept as qualifiers."""
    frame = prose_facts.extract_facts(raw_documents.documents, prose_facts.load_facts())
    yield from checked("facts", frame)


@multi_asset(
    outs={
        "projects": AssetOut(
            description="Capacity-building projects and programmes, found by declared locators.",
            metadata={"dagster/column_schema": column_schema("projects")},
        ),
        "project_countries_extracted": AssetOut(
            description="The countries each project names, per describing document."
        ),
    },
    check_specs=check_specs("projects"),
)
def project_descriptions(raw_documents: RawSnapshot) -> Checked:
    """The projects' descriptions, each located once, into the projects and their countries."""
    projects, countries = groups.extract_projects(raw_documents.documents, groups.load_projects())
    yield from checked("projects", projects, output_name="projects")
    yield Output(countries, output_name="project_countries_extracted")


@asset
def group_members_extracted(raw_documents: RawSnapshot) -> pd.DataFrame:
    """Member countries of the groups the documents list, found by declared locators."""
    return groups.extract_memberships(raw_documents.documents, groups.load_memberships())


@asset
def rule_texts(raw_documents: RawSnapshot) -> pd.DataFrame:
    """Texts the reconciliation rules compare (a title's period, a quotation's speaker), one
    row per located group."""
    return compared_texts.extract_texts(raw_documents.documents, compared_texts.load_texts())


@asset(**declared("rcmp_interceptions"))
def rcmp_interceptions(raw_documents: RawSnapshot) -> Checked:
    """RCMP interceptions between ports of entry per month and province (independent series,
    CSV), header and records checked."""
    series_rows = series.parse_rcmp_interceptions(raw_documents.documents[RCMP])
    yield from checked("rcmp_interceptions", series_rows)


@asset(**declared("unhcr_resettlement_arrivals"))
def unhcr_resettlement_arrivals(raw_documents: RawSnapshot) -> Checked:
    """UNHCR resettlement arrivals to Canada per year and country of origin, with UNHCR's
    region (independent series, CSV), header and records checked."""
    series_rows = series.parse_unhcr_resettlement(raw_documents.documents[UNHCR])
    yield from checked("unhcr_resettlement_arrivals", series_rows)
