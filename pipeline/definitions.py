"""The Dagster asset graph. It only wires the pure functions of the other modules."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pandera.pandas as pa
from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetIn,
    AssetOut,
    Definitions,
    MetadataValue,
    Output,
    asset,
    asset_check,
    in_process_executor,
    multi_asset,
)

from pipeline import harmonise, paths, publish, reconcile, schemas, snapshot
from pipeline.extract import facts as prose_facts
from pipeline.extract import groups, paper_tables, resettlement
from pipeline.text import RawDocument

PAPER = "working_paper_2020"


def _table_output(frame: pd.DataFrame, name: str, output_name: str = "result") -> Output:
    """Conform a frame to its declared schema and attach row count and preview."""
    conformed = schemas.conform(frame, schemas.load(name))
    return Output(
        conformed,
        output_name=output_name,
        metadata={
            "row_count": len(conformed),
            "preview": MetadataValue.md(conformed.head(10).to_markdown(index=False)),
        },
    )


# --- raw -------------------------------------------------------------------------------------


@asset(
    group_name="raw",
    description="The five source documents from raw/, each verified "
    "against the sha256 recorded in raw/manifest.yaml.",
)
def raw_documents() -> Output[dict[str, RawDocument]]:
    documents = snapshot.verify(paths.raw_dir())
    return Output(
        documents,
        metadata={
            "documents": len(documents),
            "lines": sum(len(d.lines) for d in documents.values()),
        },
    )


# --- extract ---------------------------------------------------------------------------------


@asset(group_name="extract", description="The source documents as a table, from the manifest.")
def documents(raw_documents: dict[str, RawDocument]) -> Output[pd.DataFrame]:
    manifest = pd.DataFrame(snapshot.load_manifest(paths.raw_dir()))
    return _table_output(manifest[manifest["document_id"].isin(raw_documents)], "documents")


@asset(
    group_name="extract",
    description="Table 1 of the working paper (remittances), parsed "
    "from its caption and header; countries as printed.",
)
def remittances_extracted(raw_documents: dict[str, RawDocument]) -> pd.DataFrame:
    return paper_tables.parse_remittances(raw_documents[PAPER])


@multi_asset(
    group_name="extract",
    outs={
        "roxham_road_claims_extracted": AssetOut(
            description="Table 2 of the working paper in long form (year x rank), countries as "
            "printed."
        ),
        "roxham_road_totals": AssetOut(
            description="The Totals line of Table 2 per year, with the top-25 sum and the "
            "remainder."
        ),
    },
)
def roxham_road_table(raw_documents: dict[str, RawDocument]) -> Iterator[Output]:
    claims, totals = paper_tables.parse_roxham_road(raw_documents[PAPER])
    yield Output(
        claims, output_name="roxham_road_claims_extracted", metadata={"row_count": len(claims)}
    )
    yield _table_output(totals, "roxham_road_totals", output_name="roxham_road_totals")


@asset(
    group_name="extract",
    description="Table 3 of the working paper (refugee claims by "
    "Mexican nationals), parsed from its header; rates as numbers.",
)
def mexico_refugee_claims(raw_documents: dict[str, RawDocument]) -> Output[pd.DataFrame]:
    return _table_output(
        paper_tables.parse_mexico_claims(raw_documents[PAPER]), "mexico_refugee_claims"
    )


@asset(
    group_name="extract",
    description="The working paper's paragraph on resettlement by "
    "region of origin, found by declared locators.",
)
def resettlement_by_region(raw_documents: dict[str, RawDocument]) -> Output[pd.DataFrame]:
    locators = resettlement.load_locators()
    return _table_output(
        resettlement.parse_resettlement(raw_documents[locators["document_id"]], locators),
        "resettlement_by_region",
    )


@asset(
    group_name="extract",
    description="Every statistic stated in the documents' prose, found by the locators in "
    "pipeline/declarations/facts.yaml; values normalised, hedges kept as qualifiers.",
)
def facts(raw_documents: dict[str, RawDocument]) -> Output[pd.DataFrame]:
    return _table_output(
        prose_facts.extract_facts(raw_documents, prose_facts.load_locators()), "facts"
    )


@multi_asset(
    group_name="extract",
    outs={
        "projects": AssetOut(
            description="Capacity-building projects and programmes, found by the locators in "
            "pipeline/declarations/projects.yaml."
        ),
        "project_countries_extracted": AssetOut(
            description="The countries each project names, per describing document."
        ),
    },
)
def project_table(raw_documents: dict[str, RawDocument]) -> Iterator[Output]:
    projects, countries = groups.extract_projects(raw_documents, groups.load("projects"))
    yield _table_output(projects, "projects", output_name="projects")
    yield Output(
        countries, output_name="project_countries_extracted", metadata={"row_count": len(countries)}
    )


@asset(
    group_name="extract",
    description="Member countries of the groups the documents list, found by the locators in "
    "pipeline/declarations/memberships.yaml.",
)
def group_members_extracted(raw_documents: dict[str, RawDocument]) -> pd.DataFrame:
    return groups.extract_memberships(raw_documents, groups.load("memberships"))


# --- harmonise -------------------------------------------------------------------------------


@asset(group_name="harmonise", description="Table 1 with ISO3 codes for the printed countries.")
def remittances(
    raw_documents: dict[str, RawDocument], remittances_extracted: pd.DataFrame
) -> Output[pd.DataFrame]:
    iso3 = harmonise.add_iso3(remittances_extracted, snapshot.paths_of(raw_documents))
    return _table_output(iso3, "remittances")


@asset(
    group_name="harmonise",
    description="Table 2 in long form with ISO3 codes; 'Stateless' "
    "keeps its rows with an empty code.",
)
def roxham_road_claims(
    raw_documents: dict[str, RawDocument], roxham_road_claims_extracted: pd.DataFrame
) -> Output[pd.DataFrame]:
    iso3 = harmonise.add_iso3(roxham_road_claims_extracted, snapshot.paths_of(raw_documents))
    return _table_output(iso3, "roxham_road_claims")


@asset(
    group_name="harmonise",
    description="Every country the tables name: ISO3, short name, "
    "UN M49 region and sub-region, and the spellings the sources use.",
)
def countries(
    remittances: pd.DataFrame,
    roxham_road_claims: pd.DataFrame,
    facts: pd.DataFrame,
    memberships: pd.DataFrame,
) -> Output[pd.DataFrame]:
    frames = [remittances, roxham_road_claims, facts, memberships]
    return _table_output(harmonise.countries_table(frames), "countries")


@asset(
    group_name="harmonise",
    description="Group memberships and project countries with ISO3 codes.",
)
def memberships(
    raw_documents: dict[str, RawDocument],
    group_members_extracted: pd.DataFrame,
    project_countries_extracted: pd.DataFrame,
) -> Output[pd.DataFrame]:
    frames = [
        harmonise.add_iso3(frame, snapshot.paths_of(raw_documents))
        for frame in (group_members_extracted, project_countries_extracted)
    ]
    return _table_output(pd.concat(frames, ignore_index=True), "memberships")


# --- validate: one blocking Pandera check per published table, made by a factory -------------


def schema_check(name: str) -> AssetChecksDefinition:
    resource = schemas.load(name)
    schema = schemas.pandera_schema(resource)

    @asset_check(
        asset=name,
        name=f"{name}_matches_schema",
        blocking=True,
        description=f"Validates `{name}` against schemas/{name}.yaml (Pandera).",
    )
    def _check(frame: pd.DataFrame) -> AssetCheckResult:
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases[["column", "check", "index", "failure_case"]]
            first = cases.iloc[0]
            return AssetCheckResult(
                passed=False,
                severity=AssetCheckSeverity.ERROR,
                description=f"{name}: {len(cases)} schema failure(s); first: column "
                f"{first['column']} check {first['check']} value "
                f"{first['failure_case']!r} (row {first['index']})",
                metadata={
                    "failure_cases": MetadataValue.md(
                        cases.head(50).astype(str).to_markdown(index=False)
                    )
                },
            )
        return AssetCheckResult(passed=True, metadata={"rows": len(frame)})

    return _check


# --- reconcile: declared rules, one blocking asset check each ----------------------------------

RECONCILIATION = reconcile.load_declarations()


@asset(
    group_name="reconcile",
    description="Every reconciliation rule evaluated per scope: expected, observed, allowed "
    "band and status (pass, fail, known-discrepancy).",
)
def reconciliation(
    raw_documents: dict[str, RawDocument],
    remittances: pd.DataFrame,
    roxham_road_claims: pd.DataFrame,
    roxham_road_totals: pd.DataFrame,
    mexico_refugee_claims: pd.DataFrame,
    resettlement_by_region: pd.DataFrame,
    facts: pd.DataFrame,
    memberships: pd.DataFrame,
) -> Output[pd.DataFrame]:
    tables = {
        "memberships": memberships,
        "remittances": remittances,
        "roxham_road_claims": roxham_road_claims,
        "roxham_road_totals": roxham_road_totals,
        "mexico_refugee_claims": mexico_refugee_claims,
        "resettlement_by_region": resettlement_by_region,
        "facts": facts,
    }
    results = reconcile.reconcile(tables, RECONCILIATION, raw_documents)
    output = _table_output(results, "reconciliation")
    counts = results["status"].value_counts().to_dict()
    return Output(output.value, metadata={**output.metadata, **counts})


def rule_check(rule: reconcile.Rule) -> AssetChecksDefinition:
    @asset_check(
        asset="reconciliation",
        name=rule.check_id.replace(".", "__"),
        blocking=True,
        description=" ".join(rule.description.split()),
    )
    def _check(reconciliation: pd.DataFrame) -> AssetCheckResult:
        rows = reconciliation[reconciliation["check_id"] == rule.check_id]
        failed = rows[rows["status"] == reconcile.STATUS_FAIL]
        known = rows[rows["status"] == reconcile.STATUS_KNOWN]
        table = rows[
            [
                "scope",
                "expected",
                "observed",
                "difference",
                "allowed_min",
                "allowed_max",
                "status",
                "sources",
            ]
        ]
        metadata = {"scopes": MetadataValue.md(table.astype(str).to_markdown(index=False))}
        if not failed.empty:
            return AssetCheckResult(
                passed=False,
                severity=AssetCheckSeverity.ERROR,
                description=reconcile.failure_message(failed),
                metadata=metadata,
            )
        if not known.empty:
            return AssetCheckResult(
                passed=False,
                severity=AssetCheckSeverity.WARN,
                description="known discrepancy: " + reconcile.failure_message(known),
                metadata=metadata,
            )
        return AssetCheckResult(passed=True, metadata=metadata)

    return _check


# --- publish ---------------------------------------------------------------------------------

PUBLISHED: list[str] = publish.package_metadata()["resources"]


@asset(
    group_name="publish",
    ins={name: AssetIn(name) for name in PUBLISHED},
    description="Writes curated/*.csv and datapackage.json aside, validates them with "
    "frictionless (types, constraints, keys, hashes) and swaps them in.",
)
def data_package(**tables: pd.DataFrame) -> Output[None]:
    package = publish.publish(paths.out_dir(), tables, publish.package_metadata())
    return Output(
        None,
        metadata={
            "version": package["version"],
            "resources": MetadataValue.md(
                "\n".join(
                    f"- `{r['path']}`: {r['bytes']} bytes, {r['hash']}"
                    for r in package["resources"]
                )
            ),
        },
    )


defs = Definitions(
    assets=[
        raw_documents,
        documents,
        remittances_extracted,
        roxham_road_table,
        mexico_refugee_claims,
        resettlement_by_region,
        remittances,
        roxham_road_claims,
        countries,
        facts,
        project_table,
        group_members_extracted,
        memberships,
        reconciliation,
        data_package,
    ],
    asset_checks=[schema_check(name) for name in PUBLISHED]
    + [rule_check(rule) for rule in reconcile.parse_rules(RECONCILIATION)],
    executor=in_process_executor,
)
