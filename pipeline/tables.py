"""The registry entries: one short pure function per table, from raw documents to the tables
the package publishes. Adding a table is a parser, a schema in schemas/, its tests and one entry
here."""

from __future__ import annotations

import pandas as pd

from pipeline import checks, coverage, harmonise, reconcile
from pipeline import cross_checks as cross_check  # `cross_checks` is the table below
from pipeline.documents import documents_table
from pipeline.extract import events as prose_events
from pipeline.extract import facts as prose_facts
from pipeline.extract import groups, paper_tables, resettlement, series, texts
from pipeline.registry import table
from pipeline.snapshot import RawSnapshot

PAPER = "working_paper_2020"
RCMP = "rcmp_interceptions_2017_2020"
UNHCR = "unhcr_resettlement_2015_2020"

# --- extracted: read from the raw text, names as printed ----------------------------------------


@table(
    "extracted",
    "The source documents as a table, from the manifest of raw/, with the origin of the "
    "series taken from third parties ('not stated' where the manifest does not state it).",
)
def documents(raw_documents: RawSnapshot) -> pd.DataFrame:
    return documents_table(raw_documents.manifest, raw_documents.documents)


@table(
    "extracted",
    "Table 1 of the working paper (remittances), parsed from its caption and header; "
    "countries as printed.",
)
def remittances_extracted(raw_documents: RawSnapshot) -> pd.DataFrame:
    return paper_tables.parse_remittances(raw_documents.documents[PAPER])


@table(
    "extracted",
    "Table 2 of the working paper in long form (year x rank), countries as printed.",
)
def roxham_road_claims_extracted(raw_documents: RawSnapshot) -> pd.DataFrame:
    return paper_tables.parse_roxham_road(raw_documents.documents[PAPER])[0]


@table(
    "extracted",
    "The Totals line of Table 2 per year, with the top-25 sum and the remainder.",
)
def roxham_road_totals(raw_documents: RawSnapshot) -> pd.DataFrame:
    return paper_tables.parse_roxham_road(raw_documents.documents[PAPER])[1]


@table(
    "extracted",
    "Table 3 of the working paper (refugee claims by Mexican nationals), parsed from its "
    "header; rates as numbers.",
)
def mexico_refugee_claims(raw_documents: RawSnapshot) -> pd.DataFrame:
    return paper_tables.parse_mexico_claims(raw_documents.documents[PAPER])


@table(
    "extracted",
    "The working paper's paragraph on resettlement by region of origin, found by declared "
    "locators.",
)
def resettlement_by_region(raw_documents: RawSnapshot) -> pd.DataFrame:
    return resettlement.extract_resettlement_by_region(
        raw_documents.documents, resettlement.load_resettlement_by_region()
    )


@table(
    "extracted",
    "Every statistic stated in the documents' prose, found by declared locators; values "
    "normalised, hedges kept as qualifiers.",
)
def facts(raw_documents: RawSnapshot) -> pd.DataFrame:
    return prose_facts.extract_facts(raw_documents.documents, prose_facts.load_facts())


@table(
    "extracted",
    "Capacity-building projects and programmes, found by declared locators.",
)
def projects(raw_documents: RawSnapshot) -> pd.DataFrame:
    return groups.extract_projects(raw_documents.documents, groups.load_projects())


@table("extracted", "The countries each project names, per describing document.")
def project_countries_extracted(raw_documents: RawSnapshot) -> pd.DataFrame:
    return groups.extract_project_countries(raw_documents.documents, groups.load_projects())


@table(
    "extracted",
    "Member countries of the groups the documents list, found by declared locators.",
)
def group_members_extracted(raw_documents: RawSnapshot) -> pd.DataFrame:
    return groups.extract_memberships(raw_documents.documents, groups.load_memberships())


@table(
    "extracted",
    "Texts the reconciliation rules compare (a title's period, a quotation's speaker), one "
    "row per located group.",
)
def rule_texts(raw_documents: RawSnapshot) -> pd.DataFrame:
    return texts.extract_texts(raw_documents.documents, texts.load_texts())


@table(
    "extracted",
    "RCMP interceptions between ports of entry per month and province (independent series, "
    "CSV), header and records checked.",
)
def rcmp_interceptions(raw_documents: RawSnapshot) -> pd.DataFrame:
    return series.parse_rcmp_interceptions(raw_documents.documents[RCMP])


@table(
    "extracted",
    "UNHCR resettlement arrivals to Canada per year and country of origin, with UNHCR's region "
    "(independent series, CSV), header and records checked.",
)
def unhcr_resettlement_arrivals(raw_documents: RawSnapshot) -> pd.DataFrame:
    return series.parse_unhcr_resettlement(raw_documents.documents[UNHCR])


# --- harmonised: countries as ISO3 ----------------------------------------------------------


@table("harmonised", "Table 1 with ISO3 codes for the printed countries.")
def remittances(raw_documents: RawSnapshot, remittances_extracted: pd.DataFrame) -> pd.DataFrame:
    return harmonise.add_iso3(remittances_extracted, raw_documents.paths)


@table(
    "harmonised",
    "Table 2 in long form with ISO3 codes; 'Stateless' keeps its rows with an empty code.",
)
def roxham_road_claims(
    raw_documents: RawSnapshot, roxham_road_claims_extracted: pd.DataFrame
) -> pd.DataFrame:
    return harmonise.add_iso3(roxham_road_claims_extracted, raw_documents.paths)


@table("harmonised", "Group memberships and project countries with ISO3 codes.")
def memberships(
    raw_documents: RawSnapshot,
    group_members_extracted: pd.DataFrame,
    project_countries_extracted: pd.DataFrame,
) -> pd.DataFrame:
    listed = [group_members_extracted, project_countries_extracted]
    frames = [harmonise.add_iso3(frame, raw_documents.paths) for frame in listed]
    return pd.concat(frames, ignore_index=True)


@table(
    "harmonised",
    "Dated events stated in the documents, found by declared locators; dates normalised with "
    "their precision, actor countries as ISO3.",
)
def events(raw_documents: RawSnapshot) -> pd.DataFrame:
    found = prose_events.extract_events(raw_documents.documents, prose_events.load_events())
    return prose_events.add_actor_iso3(found, raw_documents.paths)


@table(
    "harmonised",
    "One row per event and actor country, from `events`: the actor countries as a key to "
    "`countries`.",
)
def event_actors(events: pd.DataFrame) -> pd.DataFrame:
    return prose_events.actor_rows(events)


@table(
    "harmonised",
    "Every country the tables name: ISO3, short name, UN M49 region and sub-region, the "
    "spellings the sources use, and where the texts first name it.",
)
def countries(
    raw_documents: RawSnapshot,
    remittances: pd.DataFrame,
    roxham_road_claims: pd.DataFrame,
    facts: pd.DataFrame,
    memberships: pd.DataFrame,
    event_actors: pd.DataFrame,
) -> pd.DataFrame:
    frames = [remittances, roxham_road_claims, facts, memberships, event_actors]
    return harmonise.countries_table(frames, harmonise.document_order(raw_documents.documents))


# --- reconciled: the rules over all tables --------------------------------------------------


@table(
    "reconciled",
    "Every reconciliation rule evaluated per scope: expected, observed, allowed band and "
    "status (pass, fail, known-discrepancy).",
)
def reconciliation(
    raw_documents: RawSnapshot,
    remittances: pd.DataFrame,
    roxham_road_claims: pd.DataFrame,
    roxham_road_totals: pd.DataFrame,
    mexico_refugee_claims: pd.DataFrame,
    resettlement_by_region: pd.DataFrame,
    facts: pd.DataFrame,
    memberships: pd.DataFrame,
    rule_texts: pd.DataFrame,
) -> pd.DataFrame:
    tables = {
        "memberships": memberships,
        "remittances": remittances,
        "roxham_road_claims": roxham_road_claims,
        "roxham_road_totals": roxham_road_totals,
        "mexico_refugee_claims": mexico_refugee_claims,
        "resettlement_by_region": resettlement_by_region,
        "facts": facts,
        "texts": rule_texts,
    }
    return reconcile.reconcile(tables, reconcile.load_rules(), raw_documents.paths)


@table(
    "reconciled",
    "The paper's Roxham Road totals and resettlement figures against independent official "
    "series (RCMP, UNHCR): difference, definitions, tolerance and status per figure and period.",
)
def cross_checks(
    raw_documents: RawSnapshot,
    roxham_road_totals: pd.DataFrame,
    resettlement_by_region: pd.DataFrame,
    rcmp_interceptions: pd.DataFrame,
    unhcr_resettlement_arrivals: pd.DataFrame,
) -> pd.DataFrame:
    tables = {
        "roxham_road_totals": roxham_road_totals,
        "resettlement_by_region": resettlement_by_region,
        "rcmp_interceptions": rcmp_interceptions,
        "unhcr_resettlement_arrivals": unhcr_resettlement_arrivals,
    }
    return cross_check.compare(tables, cross_check.load_cross_checks(), raw_documents.paths)


@table(
    "reconciled",
    "Every number printed in the raw documents, published (with the row that publishes it), "
    "skipped by a declared rule or pending; a number accounted for by nothing stops the build.",
)
def number_coverage(raw_documents: RawSnapshot, **tables: pd.DataFrame) -> pd.DataFrame:
    # The tables with a schema read the raw text (the published ones first, in the package's
    # order: a number two rows publish is credited to the first; then the series' tables, which
    # are checked but not published). Reconciled tables compute from these and read no number
    # of their own; tables without a schema are intermediate copies.
    published = list(checks.published())
    order = published + sorted(checks.declared_schemas() - set(published))
    publishers = {name: tables[name] for name in order if name in tables}
    # Events publish their dates (on the date's line), not the other numbers - citation
    # years, counts - their quotes happen to contain; the quote, at its own lines, only
    # chooses between rows.
    publishers["events"] = _dates_of(publishers["events"])
    return coverage.classify(raw_documents.documents, publishers, coverage.rules.load_rules())


def _dates_of(events: pd.DataFrame) -> pd.DataFrame:
    """What an event publishes for number coverage: its date as printed, on the date's line
    (its quote, at the quote's lines, with the lines it skips)."""
    dates = events[["event_id", "document_id", "date_as_printed", "quote", "lines_skipped"]].copy()
    dates["quote_line_start"], dates["quote_line_end"] = events["line_start"], events["line_end"]
    dates["line_start"] = dates["line_end"] = events["date_line"]
    return dates
