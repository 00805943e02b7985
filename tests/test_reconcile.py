"""Each reconciliation rule passes on the sources and fails when its input is perturbed; each
rule kind fails on bad data; known discrepancies hold only at the value they were accepted at;
the declarations are strict and an input that is missing or undefined is an error."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pandas as pd
import pytest
import yaml

from pipeline import graph, reconcile, strict_yaml
from pipeline.assets.checks import CheckFailed
from pipeline.errors import SourceError
from pipeline.extract import compared_texts
from pipeline.reconcile import engine
from pipeline.reconcile.rules import RuleFile
from pipeline.sources import snapshot
from pipeline.sources.snapshot import RawSnapshot
from pipeline.sources.text import RawDocument
from tests.conftest import edit_document, replace_in_raw, run_build

PAPER = "working_paper_2020"
RULES = reconcile.load_rules()


@pytest.fixture(scope="module")
def tables(documents_snapshot):
    """Every table of the sources, as the build makes them."""
    return graph.materialize(documents_snapshot)


def run_rules(
    tables: dict[str, pd.DataFrame],
    documents: dict[str, RawDocument],
    rules: tuple | None = None,
) -> pd.DataFrame:
    """The reconciliation of `tables`, with the rule texts read again from `documents` (as
    the build reads them: a test may edit the documents)."""
    texts = compared_texts.extract_texts(documents, compared_texts.load_texts())
    return reconcile.reconcile(
        {**tables, "texts": texts},
        RULES if rules is None else rules,
        snapshot.paths_of(documents),
    )


def set_cell(frame: pd.DataFrame, where: dict, column: str, value) -> None:
    mask = pd.Series(True, index=frame.index)
    for key, wanted in where.items():
        mask &= frame[key] == wanted
    assert mask.sum() == 1, where
    frame.loc[mask, column] = value


def add_to(frame: pd.DataFrame, column: str, amount: int) -> None:
    frame.loc[:, column] = frame[column] + amount


def swap_rows(frame: pd.DataFrame, column: str, a: int, b: int) -> None:
    frame.loc[[a, b], column] = frame.loc[[b, a], column].to_numpy()


def copied(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in tables.items()}


def without_known_discrepancies(rules=RULES) -> tuple:
    return tuple(rule.model_copy(update={"known_discrepancies": []}) for rule in rules)


def rule_named(check_id: str):
    return next(rule for rule in RULES if rule.check_id == check_id)


# (check_id, how to break its input)
PERTURBATIONS = {
    "roxham_road.yearly_totals_vs_prose": lambda t: add_to(
        t["roxham_road_totals"], "total_claims", 20000
    ),
    "roxham_road.table_period_vs_prose": lambda t: set_cell(
        t["roxham_road_totals"], {"year": 2020}, "period_end", "2020-06-30"
    ),
    "roxham_road.top25_within_total": lambda t: set_cell(
        t["roxham_road_totals"], {"year": 2017}, "total_claims", 100
    ),
    "roxham_road.ranks_complete": lambda t: t.__setitem__(
        "roxham_road_claims", t["roxham_road_claims"].query("not (year == 2018 and rank == 5)")
    ),
    "roxham_road.claims_non_increasing_with_rank": lambda t: set_cell(
        t["roxham_road_claims"], {"year": 2017, "rank": 2}, "claims", 9999
    ),
    "roxham_road.country_once_per_year": lambda t: set_cell(
        t["roxham_road_claims"], {"year": 2017, "rank": 2}, "country_as_printed", "Haiti"
    ),
    "resettlement.regions_vs_total": lambda t: add_to(
        t["resettlement_by_region"], "total_resettled", 5000
    ),
    "resettlement.western_hemisphere_share_vs_prose": lambda t: set_cell(
        t["resettlement_by_region"], {"region": "Western hemisphere"}, "share_pct", 3.5
    ),
    "resettlement.mena_share_vs_figure_label": lambda t: set_cell(
        t["resettlement_by_region"], {"region": "Middle East and North Africa"}, "share_pct", 51.2
    ),
    "resettlement.colombia_within_western_hemisphere": lambda t: set_cell(
        t["facts"], {"fact_id": "resettled_from_colombia"}, "value", 5000.0
    ),
    "resettlement.period_start_prose_vs_figure": lambda t: set_cell(
        t["facts"], {"fact_id": "resettled_total"}, "period_start", "2014-01"
    ),
    "resettlement.period_end_prose_vs_figure": lambda t: set_cell(
        t["facts"], {"fact_id": "resettled_total"}, "period_end", "2020-09"
    ),
    "remittances.from_canada_sum_vs_prose": lambda t: set_cell(
        t["remittances"], {"country_as_printed": "Haiti"}, "remittances_from_canada_usd_m", 233.0
    ),
    "remittances.descending_pct_gdp": lambda t: swap_rows(
        t["remittances"], "remittances_pct_gdp", 3, 4
    ),
    "mexico.acceptance_rate_vs_counts": lambda t: set_cell(
        t["mexico_refugee_claims"], {"year": 2013}, "acceptance_rate_pct", 35.0
    ),
    "mexico.backlog_stock_flow": lambda t: set_cell(
        t["mexico_refugee_claims"], {"year": 2015}, "pending", 90
    ),
    "mexico.prose_rate_vs_table": lambda t: set_cell(
        t["facts"], {"fact_id": "mexican_claims_recognition_rate"}, "value", 38.0
    ),
    "stca.components_vs_total": lambda t: set_cell(
        t["facts"], {"fact_id": "stca_denied_entry"}, "value", 5000.0
    ),
    "funding.components_vs_total": lambda t: set_cell(
        t["facts"], {"fact_id": "canada_covid_support_to_host_states"}, "value", 37e6
    ),
    "venezuela.in_region_within_abroad": lambda t: set_cell(
        t["facts"], {"fact_id": "venezuelans_abroad"}, "value", 3.9e6
    ),
    "venezuela.introduction_vs_unhcr_in_region": lambda t: set_cell(
        t["facts"], {"fact_id": "venezuelans_abroad_in_region"}, "value", 3.1e6
    ),
    "venezuela.exodus_vs_unhcr_abroad": lambda t: set_cell(
        t["facts"], {"fact_id": "venezuelans_abroad"}, "value", 5.9e6
    ),
    "roxham_road.residents_transit_split": lambda t: set_cell(
        t["facts"], {"fact_id": "roxham_road_transit_share"}, "value", 50.0
    ),
    "roxham_road.nigerian_claims_vs_prose": lambda t: set_cell(
        t["roxham_road_claims"], {"year": 2018, "rank": 1}, "claims", 17645
    ),
    "pta.resettled_to_us_within_recommended": lambda t: set_cell(
        t["facts"], {"fact_id": "pta_resettled_to_united_states"}, "value", 1150.0
    ),
    "news_2022.new_projects_count": lambda t: set_cell(
        t["facts"], {"fact_id": "ilo_new_projects"}, "value", 3.0
    ),
    "news_2022.same_project_countries": lambda t: set_cell(
        t["memberships"],
        {
            "group_name": "ilo_venezuelan_integration_colombia_panama",
            "document_id": "ilo_news_2022",
            "country_as_printed": "Panama",
        },
        "country_iso3",
        "CRI",
    ),
}

# Rules that compare text found in raw/ (quotation speakers), broken in the document itself.
TEXT_PERTURBATIONS = {
    "news_2022.champion_quote_speaker": (
        "ilo_news_2022",
        "the Honourable Sean Fraser",
        "the Honourable Jane Doe",
    ),
    "news_2022.fair_recruitment_quote_speaker": (
        "ilo_news_2022",
        "said Francesco Carella",
        "said Elena Montobbio",
    ),
}


def test_every_rule_has_a_perturbation():
    declared_ids = {rule.check_id for rule in RULES}
    assert declared_ids == set(PERTURBATIONS) | set(TEXT_PERTURBATIONS)


def test_sources_produce_no_failure(tables, documents):
    results = run_rules(tables, documents)
    assert (results["status"] != reconcile.STATUS_FAIL).all(), results.query("status == 'fail'")
    assert set(results["check_id"]) == set(PERTURBATIONS) | set(TEXT_PERTURBATIONS)


@pytest.mark.parametrize("check_id", sorted(PERTURBATIONS))
def test_rule_fails_on_perturbed_input(check_id, tables, documents):
    """The message names the rule and the raw file and lines of its inputs."""
    broken = copied(tables)
    PERTURBATIONS[check_id](broken)
    results = run_rules(broken, documents, without_known_discrepancies())
    failed = results[(results["check_id"] == check_id) & (results["status"] == "fail")]
    assert not failed.empty
    message = reconcile.failure_message(failed)
    assert message.startswith(check_id)
    assert re.search(r"from raw/[a-z0-9_-]+\.txt:\d+", message), message


def test_speaker_rules_follow_the_text(documents, tables):
    for check_id, (document_id, old, new) in TEXT_PERTURBATIONS.items():
        doc = documents[document_id]
        edited = {**documents, document_id: edit_document(doc, old, new)}
        results = run_rules(tables, edited, without_known_discrepancies())
        row = results[results["check_id"] == check_id].iloc[0]
        # the champion quote breaks when edited; the fair-recruitment one is fixed by the edit
        assert row["status"] == ("fail" if check_id.endswith("champion_quote_speaker") else "pass")


KNOWN = {
    ("resettlement.regions_vs_total", "all"),
    ("resettlement.period_start_prose_vs_figure", "all"),
    ("mexico.acceptance_rate_vs_counts", "2014"),
    ("mexico.acceptance_rate_vs_counts", "2015"),
    ("mexico.acceptance_rate_vs_counts", "2017"),
    ("mexico.acceptance_rate_vs_counts", "2019"),
    ("mexico.backlog_stock_flow", "2020"),
    ("stca.components_vs_total", "all"),
    ("news_2022.fair_recruitment_quote_speaker", "all"),
}


def test_known_discrepancies_are_published_as_warnings(tables, documents):
    results = run_rules(tables, documents)
    known = results[results["status"] == reconcile.STATUS_KNOWN]
    assert set(zip(known["check_id"], known["scope"], strict=True)) == KNOWN
    assert (known["severity"] == "warning").all() and known["note"].notna().all()
    # Without the declarations, the same scopes are failures.
    stripped = run_rules(tables, documents, without_known_discrepancies())
    assert (stripped["status"] == "fail").sum() == len(known)


def test_declared_discrepancy_that_no_longer_occurs_is_flagged(tables, documents):
    fixed = copied(tables)
    regions = fixed["resettlement_by_region"]
    regions["total_resettled"] = regions["resettled"].sum()
    results = run_rules(fixed, documents)
    row = results[results["check_id"] == "resettlement.regions_vs_total"].iloc[0]
    assert row["status"] == "pass"
    assert row["note"] == reconcile.NOW_PASSES


def test_stated_numbers_published_in_the_reconciliation(tables, documents):
    results = run_rules(tables, documents).set_index(["check_id", "scope"])
    roxham = results.loc[("roxham_road.yearly_totals_vs_prose", "all years")]
    assert (roxham["expected"], roxham["observed"]) == (53000, 53270)
    regions = results.loc[("resettlement.regions_vs_total", "all")]
    assert (regions["expected"], regions["observed"], regions["difference"]) == (
        154820,
        153630,
        -1190,
    )
    backlog = results.loc[("mexico.backlog_stock_flow", "2020")]
    assert backlog["difference"] == 10


def test_unevaluable_rule_names_itself(tables, documents):
    broken = copied(tables)
    broken["resettlement_by_region"] = broken["resettlement_by_region"].query(
        "region != 'Western hemisphere'"
    )
    with pytest.raises(reconcile.RuleError, match=r"resettlement\.western_hemisphere_share"):
        run_rules(broken, documents)


def test_no_mutation_of_the_resettlement_paragraph_is_silent():
    from tests import mutation_run

    outcomes = mutation_run.run({"resettlement_by_region"})["resettlement_by_region"]
    assert outcomes
    assert [o for o in outcomes if o.result == "silent"] == []
    # Each count of the paragraph moves the known gap between the regions and the total: its
    # pin catches the change instead of publishing it under the old reason.
    by_the_pin = [o for o in outcomes if o.by == "check resettlement__regions_vs_total"]
    assert {o.printed for o in by_the_pin} >= {"154,820", "93,270", "45,725", "13,420", "1,215"}


def test_failure_message_shows_an_unbounded_side_as_infinite(tables, documents):
    broken = copied(tables)
    PERTURBATIONS["roxham_road.top25_within_total"](broken)
    results = run_rules(broken, documents)
    failed = results[
        (results["check_id"] == "roxham_road.top25_within_total") & (results["status"] == "fail")
    ]
    assert "(allowed -inf to 100.0)" in reconcile.failure_message(failed)


# --- known discrepancies are pinned: a drift in raw/ stops the build ----------------------------

# (check_id, scope): (printed in the working paper, edited, accepted at, now). Each edit keeps the
# scope failing, by a different amount.
DRIFTS = {
    ("mexico.backlog_stock_flow", "2020"): (
        "2020 (March) 1518 291 448 39% 191 7427",
        "2020 (March) 1518 291 448 39% 191 7437",
        "difference 10",
        "20",
    ),
    ("mexico.acceptance_rate_vs_counts", "2014"): (
        "39.50%",
        "39.51%",
        "difference 0.06338",
        "0.07338",
    ),
    ("mexico.acceptance_rate_vs_counts", "2015"): (
        "111 40 39 50% 12 78",
        "111 40 39 49% 12 78",
        "difference -0.632911",
        "-1.63291",
    ),
    ("mexico.acceptance_rate_vs_counts", "2017"): (
        "33.50%",
        "33.51%",
        "difference 0.066265",
        "0.076265",
    ),
    ("mexico.acceptance_rate_vs_counts", "2019"): (
        "36.50%",
        "36.51%",
        "difference -0.051305",
        "-0.041305",
    ),
    ("resettlement.regions_vs_total", "all"): (
        "a total of 154,820 people",
        "a total of 154,830 people",
        "difference -1190",
        "-1200",
    ),
    ("resettlement.period_start_prose_vs_figure", "all"): (
        "From January 2015 to June",
        "From February 2015 to June",
        "difference -100",
        "-99",
    ),
    ("stca.components_vs_total", "all"): (
        "From 2005 to 2019, 9,836 people",
        "From 2005 to 2019, 9,846 people",
        "difference 694",
        "684",
    ),
}
# Its observed value is 0 or 1 (the speakers differ or not): it cannot fail by another amount.
# Its pin (observed 0) is guarded by test_speaker_rules_follow_the_text.
# A text comparison observes 0 or 1: its pin is the texts it compared.
TEXT_DRIFTS = {
    ("news_2022.fair_recruitment_quote_speaker", "all"): (
        "ilo_news_2022",
        "said Francesco Carella,",
        "said Francesca Carella,",
    )
}


def test_every_known_discrepancy_is_drifted():
    declared_known = {(r.check_id, k.scope) for r in RULES for k in r.known_discrepancies}
    assert declared_known == KNOWN == set(DRIFTS) | set(TEXT_DRIFTS)


@pytest.mark.parametrize("known", sorted(TEXT_DRIFTS), ids=lambda k: f"{k[0]}[{k[1]}]")
def test_a_known_text_discrepancy_with_other_texts_stops_the_build(known, documents_snapshot):
    document_id, old, new = TEXT_DRIFTS[known]
    raw = documents_snapshot
    edited = edit_document(raw.documents[document_id], old, new)
    with pytest.raises(CheckFailed) as failure:
        graph.materialize(RawSnapshot({**raw.documents, document_id: edited}, raw.manifest))
    message = str(failure.value)
    assert f"{known[0]} [{known[1]}]" in message
    assert "accepted comparing ['Elena Montobbio', 'Francesco Carella']" in message, message
    assert "now ['Elena Montobbio', 'Francesca Carella']" in message


def with_paper_edit(raw: RawSnapshot, old: str, new: str) -> RawSnapshot:
    paper = raw.documents[PAPER]
    assert paper.text.count(old) == 1, old
    return RawSnapshot({**raw.documents, PAPER: edit_document(paper, old, new)}, raw.manifest)


@pytest.mark.parametrize("known", sorted(DRIFTS), ids=lambda k: f"{k[0]}[{k[1]}]")
def test_drifted_known_discrepancy_stops_the_build(known, documents_snapshot):
    """The build (the asset graph) stops at the rule's check, naming the rule, the
    scope, the value the discrepancy was accepted at and the new one."""
    check_id, scope = known
    old, new, pinned, now = DRIFTS[known]
    with pytest.raises(CheckFailed) as failure:
        graph.materialize(with_paper_edit(documents_snapshot, old, new))
    assert failure.value.check.name == check_id.replace(".", "__")
    message = str(failure.value)
    assert f"{check_id} [{scope}]" in message
    assert f"accepted at {pinned} (within" in message and f"now {now}" in message, message


def test_drift_in_raw_fails_the_command_line_build(raw_copy, tmp_path):
    old, new, _, _ = DRIFTS[("mexico.backlog_stock_flow", "2020")]
    replace_in_raw(raw_copy, old, new)
    out = tmp_path / "out"
    out.mkdir()
    result = run_build(raw_copy, out)
    assert result.returncode == 1
    assert "mexico.backlog_stock_flow [2020]" in result.stderr
    assert "accepted at difference 10 (within 0), now 20" in result.stderr
    assert not (out / "curated").exists()


def test_a_drift_within_the_pin_stays_known(tables, documents):
    drifted = copied(tables)
    # 2019's rate as 36.500005: a difference 5e-6 away from the pin, within its 1e-5
    set_cell(drifted["mexico_refugee_claims"], {"year": 2019}, "acceptance_rate_pct", 36.500005)
    results = run_rules(drifted, documents).set_index(["check_id", "scope"])
    assert (
        results.loc[("mexico.acceptance_rate_vs_counts", "2019"), "status"] == "known-discrepancy"
    )


def test_a_known_discrepancy_of_a_missing_scope_is_an_error(tables, documents):
    backlog = rule_named("mexico.backlog_stock_flow")
    moved = backlog.known_discrepancies[0].model_copy(update={"scope": "2021"})
    rules = [backlog.model_copy(update={"known_discrepancies": [moved]})]
    with pytest.raises(reconcile.RuleError, match="scope '2021' matches no scope"):
        run_rules(tables, documents, rules)


# --- check outcomes ---------------------------------------------------------------------------


def test_check_outcome_of_a_passing_a_known_and_a_failing_rule(tables, documents):
    results = run_rules(tables, documents)
    passing = reconcile.check_outcome(rule_named("roxham_road.ranks_complete"), results)
    assert passing.passed and passing.description == "4 scope(s) pass"
    assert list(passing.details["scope"]) == ["2017", "2018", "2019", "2020"]
    known = reconcile.check_outcome(rule_named("stca.components_vs_total"), results)
    assert (known.passed, known.severity) == (False, "warning")
    assert known.description.startswith("known discrepancy: stca.components_vs_total [all]")
    broken = copied(tables)
    PERTURBATIONS["mexico.backlog_stock_flow"](broken)
    failing = reconcile.check_outcome(
        rule_named("mexico.backlog_stock_flow"), run_rules(broken, documents)
    )
    assert (failing.passed, failing.severity) == (False, "error")
    assert failing.description.startswith("mexico.backlog_stock_flow [2015]: expected 78, ")


def test_rule_attributes_for_the_orchestration():
    rule = rule_named("mexico.backlog_stock_flow")
    assert rule.check_id == "mexico.backlog_stock_flow"
    assert rule.resources == ["mexico_refugee_claims"]
    assert rule.description.startswith("Each year's backlog equals")


# --- empty or undefined inputs are errors, never skipped --------------------------------------


def test_a_where_that_selects_no_row_is_an_error(tables, documents):
    broken = copied(tables)
    broken["remittances"]["from_canada_year"] = 1999  # no row of the fact's year
    with pytest.raises(reconcile.RuleError, match=r"remittances\.from_canada_sum.*selects no row"):
        run_rules(broken, documents)


UNDEFINED = {
    "a table cell of a per-row rule": (
        lambda t: set_cell(t["mexico_refugee_claims"], {"year": 2016}, "pending", pd.NA),
        r"mexico\.backlog_stock_flow.*pending of scope '2016' is undefined",
    ),
    "the first row of a stock-flow identity": (
        lambda t: set_cell(t["mexico_refugee_claims"], {"year": 2013}, "pending", pd.NA),
        r"mexico\.backlog_stock_flow.*pending of scope '2013' is undefined",
    ),
    "the first row of a row-above comparison": (
        lambda t: set_cell(
            t["remittances"], {"country_as_printed": "Haiti"}, "remittances_pct_gdp", None
        ),
        r"remittances\.descending_pct_gdp.*remittances_pct_gdp of scope 'Haiti' is undefined",
    ),
    "a fact": (
        lambda t: set_cell(t["facts"], {"fact_id": "venezuelans_abroad"}, "value", None),
        r"venezuela\.in_region_within_abroad.*fact 'venezuelans_abroad' is undefined",
    ),
    "a value summed": (
        lambda t: set_cell(t["roxham_road_totals"], {"year": 2019}, "total_claims", pd.NA),
        r"roxham_road\.yearly_totals_vs_prose.*total_claims has an undefined value",
    ),
    "a group key": (
        lambda t: set_cell(t["roxham_road_claims"], {"year": 2019, "rank": 3}, "year", pd.NA),
        r"roxham_road\.ranks_complete.*roxham_road_claims\.year has an undefined value",
    ),
    "a missing fact": (
        lambda t: t.__setitem__("facts", t["facts"].query("fact_id != 'stca_denied_entry'")),
        r"stca\.components_vs_total.*no fact 'stca_denied_entry'",
    ),
}


@pytest.mark.parametrize("case", sorted(UNDEFINED))
def test_an_undefined_input_is_an_error(case, tables, documents):
    breaking, message = UNDEFINED[case]
    broken = copied(tables)
    breaking(broken)
    with pytest.raises(reconcile.RuleError, match=message):
        run_rules(broken, documents)


def test_the_first_row_of_a_stock_flow_or_row_above_rule_is_not_a_scope(tables, documents):
    results = run_rules(tables, documents)
    backlog = results[results["check_id"] == "mexico.backlog_stock_flow"]
    assert list(backlog["scope"]) == [str(year) for year in range(2014, 2021)]
    claims = results[results["check_id"] == "roxham_road.claims_non_increasing_with_rank"]
    assert len(claims) == 4 * 24 and not claims["scope"].str.endswith(" rank 1").any()


# --- strict declarations ----------------------------------------------------------------------


def declarations_with(tmp_path: Path, change: Callable[[dict], None]) -> Path:
    data = yaml.safe_load(reconcile.RULES.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "reconciliation.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def rule_entry(data: dict, check_id: str) -> dict:
    return next(rule for rule in data["rules"] if rule["check_id"] == check_id)


MISSPELT = {
    "a rule": (
        lambda d: rule_entry(d, "roxham_road.top25_within_total").update(tabel="x"),
        "row_subset.tabel",
    ),
    "a tolerance": (
        lambda d: rule_entry(d, "roxham_road.nigerian_claims_vs_prose")["tolerance"].update(
            abvoe=0
        ),
        "tolerance.below.abvoe",
    ),
    "a known discrepancy": (
        lambda d: rule_entry(d, "mexico.backlog_stock_flow")["known_discrepancies"][0].update(
            reasons="x"
        ),
        "known_discrepancies.0.reasons",
    ),
    "a pin": (
        lambda d: rule_entry(d, "stca.components_vs_total")["known_discrepancies"][0][
            "accepted_at"
        ].update(withn=1),
        "accepted_at.withn",
    ),
    "a value": (
        lambda d: rule_entry(d, "funding.components_vs_total")["total"].update(divded_by=1),
        "total.fact.divded_by",
    ),
}


@pytest.mark.parametrize("case", sorted(MISSPELT))
def test_a_misspelt_key_is_refused_naming_file_and_key(case, tmp_path):
    change, key = MISSPELT[case]
    path = declarations_with(tmp_path, change)
    with pytest.raises(SourceError) as error:
        reconcile.load_rules(path)
    assert str(path) in str(error.value)
    assert key in str(error.value) and "an unknown key" in str(error.value)


def test_an_unknown_kind_and_a_pin_without_its_value_are_refused(tmp_path):
    unknown = declarations_with(
        tmp_path, lambda d: rule_entry(d, "pta.resettled_to_us_within_recommended").update(kind="x")
    )
    with pytest.raises(SourceError, match="does not match any of the expected tags"):
        reconcile.load_rules(unknown)
    (tmp_path / "pin").mkdir()
    unpinned = declarations_with(
        tmp_path / "pin",
        lambda d: rule_entry(d, "stca.components_vs_total")["known_discrepancies"][0].update(
            accepted_at={"within": 0}
        ),
    )
    with pytest.raises(SourceError, match="exactly one of `difference` and `observed`"):
        reconcile.load_rules(unpinned)


def test_no_rule_is_evaluated_from_code_text():
    sources = Path(reconcile.__file__).parent.glob("*.py")
    assert not [p for p in sources if re.search(r"\b(eval|exec)\(", p.read_text())]


# --- every kind fails on bad data ---------------------------------------------------------------


def small_tables() -> dict[str, pd.DataFrame]:
    """A tiny world: two facts, two texts, a table of counts and a table of members."""
    at = {"document_id": "doc", "line_start": 1, "line_end": 1}
    facts = pd.DataFrame(
        [
            {"fact_id": "total", "value": 12.0, "period_start": "2019-01", "period_end": "2019-12"},
            {"fact_id": "about", "value": 100.0, "qualifier": "approximately"},
            {"fact_id": "near", "value": 103.0, "qualifier": "exact"},
        ]
    ).assign(rounding_unit=1.0, hedge_as_printed="about", **at)
    texts = pd.DataFrame(
        [
            {"text_id": "title.start", "text": "January 2019"},
            {"text_id": "a.speaker", "text": "Ana"},
            {"text_id": "b.speaker", "text": "Ana"},
            {"text_id": "chart.label", "text": "4.0"},
        ]
    ).assign(**at)
    counts = pd.DataFrame(
        {
            "year": [2019, 2019, 2020, 2020],
            "rank": [1, 2, 1, 2],
            "name": ["a", "b", "a", "b"],
            "part": [4, 2, 5, 1],
            "whole": [5, 2, 6, 1],
            "rate": [66.7, 50.0, 83.33, 50.0],
            "rate_as_printed": ["66.7%", "50%", "83.33%", "50%"],
            "yes": [2, 1, 5, 1],
            "no": [1, 1, 1, 1],
            "seq": [1, 2, 3, 4],
            "stock": [10, 12, 15, 14],
            "inflow": [0, 5, 6, 1],
            "outflow": [0, 3, 3, 2],
        }
    ).assign(**at)
    members = pd.DataFrame(
        {
            "group": ["g", "g", "g", "g"],
            "member": ["A", "B", "A", "B"],
            "document_id": ["one", "one", "two", "two"],
            "line": [1, 1, 2, 2],
        }
    )
    return {"facts": facts, "texts": texts, "counts": counts, "members": members}


def counts_cell(year: int, rank: int, column: str, value) -> Callable[[dict], None]:
    return lambda t: set_cell(t["counts"], {"year": year, "rank": rank}, column, value)


def fact_cell(fact_id: str, column: str, value) -> Callable[[dict], None]:
    return lambda t: set_cell(t["facts"], {"fact_id": fact_id}, column, value)


# kind: (rule parameters, how to break the small tables)
KIND_CASES = {
    "sums_to_total": (
        {"parts": [{"table": "counts", "sum_of": "part"}], "total": {"fact": "total"}},
        fact_cell("total", "value", 13.0),
    ),
    "matches_fact": (
        {"fact": "about", "observed": {"fact": "near"}},  # within "about" (5%)
        fact_cell("near", "value", 106.0),
    ),
    "matches_text": (  # 4 is within half a unit of "4.0" (3.95 to 4.05), not of "4.06"
        {
            "text": "chart.label",
            "observed": {"table": "counts", "sum_of": "part", "where": {"seq": 1}},
        },
        lambda t: set_cell(t["texts"], {"text_id": "chart.label"}, "text", "4.06"),
    ),
    "subset": (
        {
            "parts": [{"fact": "total"}],
            "whole": {"table": "counts", "sum_of": "whole", "where": {"year": [2019, 2020]}},
        },
        fact_cell("total", "value", 15.0),
    ),
    "row_subset": (
        {"table": "counts", "part": "part", "whole": "whole", "scope": "{year} {rank}"},
        counts_cell(2020, 2, "part", 2),
    ),
    "rate_of_counts": (
        {
            "table": "counts",
            "rate": "rate",
            "rate_as_printed": "rate_as_printed",
            "numerator": "yes",
            "denominator": ["yes", "no"],
            "scope": "{year} {rank}",
        },
        counts_cell(2020, 1, "rate", 83.34),
    ),
    "stock_flow": (
        {
            "table": "counts",
            "stock": "stock",
            "inflows": ["inflow"],
            "outflows": ["outflow"],
            "order_by": "seq",
            "remainder_at_most": 0.1,
            "scope": "{year} {rank}",
        },
        counts_cell(2020, 1, "stock", 16),
    ),
    "ranks_complete": (
        {"table": "counts", "rank": "rank", "group_by": "year"},
        counts_cell(2020, 2, "rank", 3),
    ),
    "non_increasing": (
        {
            "table": "counts",
            "column": "part",
            "group_by": "year",
            "order_by": "rank",
            "scope": "{year} {rank}",
        },
        counts_cell(2019, 2, "part", 5),
    ),
    "unique_per_group": (
        {"table": "counts", "column": "name", "group_by": "year"},
        counts_cell(2020, 2, "name", "a"),
    ),
    "same_members": (
        {"table": "members", "member": "member", "group_by": "group", "documents": ["one", "two"]},
        lambda t: t["members"].__setitem__("member", ["A", "B", "A", "C"]),
    ),
    "same_text": (
        {"texts": ["a.speaker", "b.speaker"]},
        lambda t: set_cell(t["texts"], {"text_id": "b.speaker"}, "text", "Bo"),
    ),
    "same_month": (
        {"expected": {"text": "title.start"}, "observed": {"fact": "total", "period": "start"}},
        fact_cell("total", "period_start", "2019-02"),
    ),
    "sql": (
        {
            "query": "SELECT concat(name, ' ', year) AS scope, whole AS expected, "
            "part AS observed, document_id, line_start, line_end FROM counts ORDER BY year, rank",
            "tolerance": "at_most",
        },
        counts_cell(2019, 1, "part", 6),
    ),
}


def small_rule(kind: str):
    parameters = KIND_CASES[kind][0]
    entry = {"check_id": f"test.{kind}", "description": kind, "resources": [], "kind": kind}
    return strict_yaml.validate(RuleFile, {"rules": [{**entry, **parameters}]}, "test").rules[0]


def test_every_kind_has_a_case():
    kinds = {get_args(model.model_fields["kind"].annotation)[0] for model in engine.KINDS}
    assert kinds == set(KIND_CASES)


@pytest.mark.parametrize("kind", sorted(KIND_CASES))
def test_each_kind_passes_on_good_data_and_fails_on_bad(kind):
    rule = small_rule(kind)
    good = reconcile.reconcile(small_tables(), [rule], {"doc": "raw/doc.txt"})
    assert (good["status"] == "pass").all(), good
    broken = copy.deepcopy(small_tables())
    KIND_CASES[kind][1](broken)
    bad = reconcile.reconcile(broken, [rule], {"doc": "raw/doc.txt"})
    assert (bad["status"] == "fail").any(), bad


def test_a_label_that_is_no_number_is_an_error():
    tables = small_tables()
    set_cell(tables["texts"], {"text_id": "chart.label"}, "text", "four")
    with pytest.raises(
        reconcile.RuleError, match=r"text 'chart\.label' is not a printed number: 'four'"
    ):
        reconcile.reconcile(tables, [small_rule("matches_text")], {"doc": "raw/doc.txt"})


# Raw edits that break the relation of a rule another check always stops first.
STOPPED_FIRST = {
    "roxham_road.top25_within_total": ("(Jan-Mar) 2,935", "(Jan-Mar) 935"),
    "roxham_road.ranks_complete": ("5 Eritrea 450", "6 Eritrea 450"),
}


@pytest.mark.parametrize("check_id", sorted(STOPPED_FIRST))
def test_a_rule_that_cannot_fail_in_a_build_names_the_check_that_stops_it(
    check_id, documents_snapshot
):
    marked = {rule.check_id: rule.stopped_first_by for rule in RULES if rule.stopped_first_by}
    assert set(marked) == set(STOPPED_FIRST)
    old, new = STOPPED_FIRST[check_id]
    with pytest.raises((CheckFailed, SourceError)) as failure:
        graph.materialize(with_paper_edit(documents_snapshot, old, new))
    if isinstance(failure.value, CheckFailed):
        assert failure.value.check.name == marked[check_id]
    else:
        assert marked[check_id].startswith("parse:")


NAN = float("nan")


def test_a_failure_gives_its_note_and_a_known_discrepancy_does_not():
    """A failed scope's note (a drift: the value it was accepted at) ends its message; a known
    discrepancy's note is its reason, published in the table, not repeated in the warning."""
    row = {
        "check_id": "r.c",
        "scope": "2019",
        "expected": 10.0,
        "observed": 12.0,
        "allowed_min": NAN,
        "allowed_max": 1.0,
        "sources": "raw/a.txt:3",
    }
    rows = pd.DataFrame(
        [
            {**row, "status": engine.STATUS_FAIL, "note": "drifted"},
            {**row, "status": engine.STATUS_FAIL, "note": NAN},
            {**row, "status": engine.STATUS_KNOWN, "note": "the paper's own error"},
            {
                **row,
                "status": engine.STATUS_FAIL,
                "note": NAN,
                "allowed_min": 2.0,
                "allowed_max": NAN,
            },
        ]
    )
    line = "r.c [2019]: expected 10, observed 12 (allowed -inf to 1.0) from raw/a.txt:3"
    unbounded = "r.c [2019]: expected 10, observed 12 (allowed 2.0 to inf) from raw/a.txt:3"
    assert reconcile.failure_message(rows) == f"{line} - drifted; {line}; {line}; {unbounded}"


def small_rule_with(kind: str, **changes):
    """The small case of `kind` with some of its parameters changed."""
    entry = {"check_id": f"test.{kind}", "description": kind, "resources": [], "kind": kind}
    parameters = {**KIND_CASES[kind][0], **changes}
    return strict_yaml.validate(RuleFile, {"rules": [{**entry, **parameters}]}, "test").rules[0]


def set_column(table: str, column: str, values: list) -> Callable[[dict], None]:
    return lambda t: t[table].__setitem__(column, values)


# (kind, changed parameters, how to change the small tables, the reason in the message)
UNEVALUABLE = [
    (
        "rate_of_counts",
        {},
        lambda t: (counts_cell(2019, 1, "yes", 0)(t), counts_cell(2019, 1, "no", 0)(t)),
        "scope '2019 1': yes + no is 0",
    ),
    (
        "rate_of_counts",
        {},
        counts_cell(2020, 2, "rate_as_printed", None),
        "scope '2020 2': the printed rate is undefined",
    ),
    (
        "stock_flow",
        {},
        set_column("counts", "seq", [1, 2, 2, 4]),
        "seq must be defined and unique to order the rows (repeated: [2])",
    ),
    (
        "same_members",
        {"documents": ["three", "four"]},
        lambda t: None,
        "members: no row from ['three', 'four']",
    ),
    (
        "unique_per_group",
        {"column": "label"},
        lambda t: None,
        "table 'counts' has no column 'label'",
    ),
    (
        "sql",
        {"query": "SELECT name AS scope, whole AS expected FROM counts"},
        lambda t: None,
        "the query must return rows with ['scope', 'expected', 'observed', 'document_id', "
        "'line_start', 'line_end']; missing ['observed', 'document_id', 'line_start', 'line_end']",
    ),
    (
        "row_subset",
        {"scope": "{year}"},
        lambda t: None,
        "scope '2019' is evaluated twice",
    ),
]


@pytest.mark.parametrize(("kind", "changes", "change_tables", "reason"), UNEVALUABLE)
def test_a_rule_that_cannot_be_evaluated_says_why(kind, changes, change_tables, reason):
    tables = copy.deepcopy(small_tables())
    change_tables(tables)
    with pytest.raises(reconcile.RuleError) as error:
        reconcile.reconcile(tables, [small_rule_with(kind, **changes)], {"doc": "raw/doc.txt"})
    assert str(error.value) == f"reconciliation rule test.{kind} could not be evaluated: {reason}"
