"""Each reconciliation rule passes on the sources and fails when its declared perturbation breaks
its input; each known discrepancy is published as a warning at the value it was accepted at and
stops the build when its declared drift moves it; each rule kind fails on bad data; the
declarations are strict and an input that is missing or undefined is an error.

No rule, row or value of the sources is written here: the tests of the real data iterate over
the declarations (pipeline/declarations/reconciliation.yaml), so a new rule brings its own test.
The rule kinds are tested on small tables written here."""

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
from pipeline.reconcile.rules import (
    AddTo,
    Drop,
    EditText,
    KnownDiscrepancy,
    Perturbation,
    Rule,
    RuleFile,
    SetCells,
    Swap,
    TextEdit,
)
from pipeline.sources import snapshot
from pipeline.sources.snapshot import RawSnapshot
from pipeline.sources.text import RawDocument
from tests.conftest import edit_document, made_again, run_build

STEP = "reconciliation"  # the asset whose step runs the rules' checks
TEXTS_ASSET = "rule_texts"  # the texts the rules compare (`texts` in a rule)

RULES = reconcile.load_rules()
KNOWN = [(rule, known) for rule in RULES for known in rule.known_discrepancies]
STOPPED_FIRST = [rule for rule in RULES if rule.stopped_first_by]
NAN = float("nan")


def known_id(pair: tuple[Rule, KnownDiscrepancy]) -> str:
    return f"{pair[0].check_id}[{pair[1].scope}]"


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


def copied(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in tables.items()}


def without_known_discrepancies(rules=RULES) -> tuple:
    return tuple(rule.model_copy(update={"known_discrepancies": []}) for rule in rules)


# --- the declared perturbations, applied --------------------------------------------------------


class PerturbationError(Exception):
    """A declared perturbation, drift or edit that cannot be applied; it names its rule."""


def the_row(frame: pd.DataFrame, where: dict, table: str, check_id: str) -> object:
    """The index of the one row of `frame` that `where` selects."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        if column not in frame:
            raise PerturbationError(f"{check_id}: table {table!r} has no column {column!r}")
        mask &= frame[column] == value
    if mask.sum() != 1:
        raise PerturbationError(
            f"{check_id}: the perturbation's where {where} selects {mask.sum()} rows of "
            f"{table}, not one"
        )
    return frame.index[mask][0]


def edited(documents: dict[str, RawDocument], edit: TextEdit, check_id: str) -> dict:
    """`documents` with one of them edited as declared (the text replaced must occur once)."""
    doc = documents[edit.document]
    if (count := doc.text.count(edit.replace)) != 1:
        raise PerturbationError(
            f"{check_id}: {edit.replace!r} occurs {count} times in {edit.document}, not once"
        )
    return {**documents, edit.document: edit_document(doc, edit.replace, edit.with_)}


def perturbed(
    check_id: str,
    perturbation: Perturbation,
    tables: dict[str, pd.DataFrame],
    documents: dict[str, RawDocument],
) -> tuple[dict[str, pd.DataFrame], dict[str, RawDocument]]:
    """Copies of `tables` and `documents`, broken as `perturbation` declares."""
    if isinstance(perturbation, EditText):
        return tables, edited(documents, perturbation, check_id)
    tables = copied(tables)
    name = perturbation.table
    if name not in tables:
        raise PerturbationError(f"{check_id}: no table {name!r} to perturb")
    frame = tables[name]
    if isinstance(perturbation, SetCells):
        row = the_row(frame, perturbation.where, name, check_id)
        for column, value in perturbation.set.items():
            frame.loc[row, column] = value
    elif isinstance(perturbation, AddTo):
        for column, amount in perturbation.add.items():
            frame[column] = frame[column] + amount
    elif isinstance(perturbation, Swap):
        column, rows = perturbation.swap.column, list(frame.index[list(perturbation.swap.rows)])
        frame.loc[rows, column] = frame.loc[rows[::-1], column].to_numpy()
    elif isinstance(perturbation, Drop):
        tables[name] = frame.drop(the_row(frame, perturbation.drop.where, name, check_id))
    return tables, documents


# --- a small world, for the mechanisms ----------------------------------------------------------


def small_tables() -> dict[str, pd.DataFrame]:
    """A tiny world: three facts, four texts, a table of counts and a table of members."""
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
            "stock": [10.0, 12.0, 15.0, 14.0],
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


def set_cell(frame: pd.DataFrame, where: dict, column: str, value) -> None:
    frame.loc[the_row(frame, where, "a small table", "test"), column] = value


def counts_cell(year: int, rank: int, column: str, value) -> Callable[[dict], None]:
    return lambda t: set_cell(t["counts"], {"year": year, "rank": rank}, column, value)


def fact_cell(fact_id: str, column: str, value) -> Callable[[dict], None]:
    return lambda t: set_cell(t["facts"], {"fact_id": fact_id}, column, value)


def counts_row(year: int, rank: int, column: str, value) -> dict:
    """A perturbation of the small counts table, as declared."""
    return {"table": "counts", "where": {"year": year, "rank": rank}, "set": {column: value}}


def fact_row(fact_id: str, column: str, value) -> dict:
    return {"table": "facts", "where": {"fact_id": fact_id}, "set": {column: value}}


# kind: (rule parameters, the declared perturbation that breaks the small tables)
KIND_CASES = {
    "sums_to_total": (
        {"parts": [{"table": "counts", "sum_of": "part"}], "total": {"fact": "total"}},
        fact_row("total", "value", 13.0),
    ),
    "matches_fact": (
        {"fact": "about", "observed": {"fact": "near"}},  # within "about" (5%)
        fact_row("near", "value", 106.0),
    ),
    "matches_text": (  # 4 is within half a unit of "4.0" (3.95 to 4.05), not of "4.06"
        {
            "text": "chart.label",
            "observed": {"table": "counts", "sum_of": "part", "where": {"seq": 1}},
        },
        {"table": "texts", "where": {"text_id": "chart.label"}, "set": {"text": "4.06"}},
    ),
    "subset": (
        {
            "parts": [{"fact": "total"}],
            "whole": {"table": "counts", "sum_of": "whole", "where": {"year": [2019, 2020]}},
        },
        fact_row("total", "value", 15.0),
    ),
    "row_subset": (
        {"table": "counts", "part": "part", "whole": "whole", "scope": "{year} {rank}"},
        counts_row(2020, 2, "part", 2),
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
        counts_row(2020, 1, "rate", 83.34),
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
        counts_row(2020, 1, "stock", 16.0),
    ),
    "ranks_complete": (
        {"table": "counts", "rank": "rank", "group_by": "year"},
        counts_row(2020, 2, "rank", 3),
    ),
    "non_increasing": (
        {
            "table": "counts",
            "column": "part",
            "group_by": "year",
            "order_by": "rank",
            "scope": "{year} {rank}",
        },
        counts_row(2019, 2, "part", 5),
    ),
    "unique_per_group": (
        {"table": "counts", "column": "name", "group_by": "year"},
        counts_row(2020, 2, "name", "a"),
    ),
    "same_members": (
        {"table": "members", "member": "member", "group_by": "group", "documents": ["one", "two"]},
        {
            "table": "members",
            "where": {"document_id": "two", "member": "B"},
            "set": {"member": "C"},
        },
    ),
    "same_text": (
        {"texts": ["a.speaker", "b.speaker"]},
        {"table": "texts", "where": {"text_id": "b.speaker"}, "set": {"text": "Bo"}},
    ),
    "same_month": (
        {"expected": {"text": "title.start"}, "observed": {"fact": "total", "period": "start"}},
        fact_row("total", "period_start", "2019-02"),
    ),
    "sql": (
        {
            "query": "SELECT concat(name, ' ', year) AS scope, whole AS expected, "
            "part AS observed, document_id, line_start, line_end FROM counts ORDER BY year, rank",
            "tolerance": "at_most",
        },
        counts_row(2019, 1, "part", 6),
    ),
}
# A known discrepancy of the small sums_to_total rule with its total at 13.
SMALL_KNOWN = {
    "scope": "all",
    "accepted_at": {"difference": -1, "within": 0},
    "drift": {"document": "doc", "replace": "13", "with": "14"},
    "reason": "a test",
}


def small_entry(kind: str, **changes) -> dict:
    """The declaration of the small case of `kind`, with some of its keys changed."""
    parameters, perturbation = KIND_CASES[kind]
    entry = {"check_id": f"test.{kind}", "description": kind, "resources": [], "kind": kind}
    return copy.deepcopy({**entry, **parameters, "perturbation": perturbation, **changes})


def small_rule(kind: str, **changes) -> Rule:
    entry = small_entry(kind, **changes)
    return strict_yaml.validate(RuleFile, {"rules": [entry]}, "test").rules[0]


def reconcile_small(tables: dict[str, pd.DataFrame], rule: Rule) -> pd.DataFrame:
    return reconcile.reconcile(tables, [rule], {"doc": "raw/doc.txt"})


# --- every declared rule, on the sources and perturbed ------------------------------------------


def test_sources_produce_no_failure(tables, documents):
    results = run_rules(tables, documents)
    assert (results["status"] != reconcile.STATUS_FAIL).all(), results.query("status == 'fail'")
    assert list(results["check_id"].unique()) == [rule.check_id for rule in RULES]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.check_id)
def test_the_declared_perturbation_makes_its_rule_fail(rule, tables, documents):
    """The message names the rule and the raw file and lines of its inputs, and the rule's
    check fails with it. A perturbation declared not to fail leaves every scope passing."""
    perturbation = rule.perturbation
    if not isinstance(perturbation, EditText):
        assert perturbation.table in rule.resources  # the rule reads what it is broken by
    broken, edited_documents = perturbed(rule.check_id, perturbation, tables, documents)
    results = run_rules(broken, edited_documents, (rule,))
    outcome = reconcile.check_outcome(rule, results)
    if not perturbation.fails:
        assert (results["status"] == reconcile.STATUS_PASS).all(), results
        known = results[results["scope"].isin([k.scope for k in rule.known_discrepancies])]
        assert (known["note"] == reconcile.NOW_PASSES).all()
        assert outcome.passed
        return
    failed = results[results["status"] == reconcile.STATUS_FAIL]
    assert not failed.empty, results
    message = reconcile.failure_message(failed)
    assert message.startswith(f"{rule.check_id} [")
    assert re.search(r"from raw/[a-z0-9_-]+\.txt:\d+", message), message
    assert (outcome.passed, outcome.severity, outcome.description) == (False, "error", message)


def test_the_check_of_each_rule_on_the_sources(tables, documents):
    """A rule passes with its scopes counted, or warns naming its known discrepancies."""
    results = run_rules(tables, documents)
    for rule in RULES:
        rows = results[results["check_id"] == rule.check_id]
        outcome = reconcile.check_outcome(rule, rows)
        if (rows["status"] == reconcile.STATUS_KNOWN).any():
            assert (outcome.passed, outcome.severity) == (False, "warning")
            assert outcome.description.startswith(f"known discrepancy: {rule.check_id} [")
        else:
            assert outcome.passed and outcome.description == f"{len(rows)} scope(s) pass"
        assert list(outcome.details["scope"]) == list(rows["scope"])


@pytest.mark.parametrize("rule", STOPPED_FIRST, ids=lambda rule: rule.check_id)
def test_a_rule_that_cannot_fail_in_a_build_names_the_check_that_stops_it(rule, documents_snapshot):
    stopped = rule.stopped_first_by
    raw = documents_snapshot
    broken = edited(raw.documents, stopped.edit, rule.check_id)
    with pytest.raises((CheckFailed, SourceError)) as failure:
        graph.materialize(RawSnapshot(broken, raw.manifest))
    if isinstance(failure.value, CheckFailed):
        assert failure.value.check.name == stopped.check
    else:
        assert stopped.check.startswith("parse:")


# --- the declared known discrepancies -----------------------------------------------------------


def test_known_discrepancies_are_published_as_warnings_at_their_pins(tables, documents):
    results = run_rules(tables, documents).set_index(["check_id", "scope"])
    known = results[results["status"] == reconcile.STATUS_KNOWN]
    assert set(known.index) == {(rule.check_id, k.scope) for rule, k in KNOWN}
    for rule, declared in KNOWN:
        row = known.loc[(rule.check_id, declared.scope)]
        assert row["severity"] == "warning"
        assert row["note"] == " ".join(declared.reason.split())
        pin = declared.accepted_at
        assert abs(row[pin.measure] - pin.value) <= pin.within + 1e-9
    # Without the declarations, the same scopes are failures.
    stripped = run_rules(tables, documents, without_known_discrepancies())
    assert (stripped["status"] == "fail").sum() == len(known)


def drift_note(message: str, rule: Rule, known: KnownDiscrepancy) -> str:
    """The drift note of the failure of `known`'s scope in a failure message (one line per
    failed scope of the rule, joined by '; ')."""
    head = f"{rule.check_id} [{known.scope}]: "
    assert head in message, message
    line = message[message.index(head) :]
    end = line.find(f"; {rule.check_id} [")
    return line[: end if end >= 0 else None].partition(" - known discrepancy drifted: ")[2]


@pytest.mark.parametrize("pair", KNOWN, ids=known_id)
def test_the_declared_drift_of_a_known_discrepancy_stops_the_build(
    pair, documents_snapshot, materialized
):
    """The build (the asset graph) stops at the rule's check, naming the rule, the scope, the
    value (or the texts) the discrepancy was accepted at and the new one."""
    rule, known = pair
    raw = documents_snapshot
    drifted = RawSnapshot(edited(raw.documents, known.drift, rule.check_id), raw.manifest)
    with pytest.raises(CheckFailed) as failure:  # the graph up to the reconciliation's step
        made_again(drifted, STEP, materialized, reads=[*rule.resources, TEXTS_ASSET])
    assert failure.value.check.name == rule.check_id.replace(".", "__")
    note = drift_note(str(failure.value), rule, known)
    pin = known.accepted_at
    numbers = re.fullmatch(r"accepted at (\w+) (\S+) \(within (\S+)\), now (\S+)", note)
    if numbers is None:  # the value stays, the texts compared moved
        texts = re.fullmatch(r"accepted comparing (\[.*\]), now (\[.*\])", note)
        assert texts is not None, note
        assert texts[1] == str(list(pin.texts or ())) != texts[2]
        return
    measure, accepted, within, now = numbers.groups()
    assert measure == pin.measure
    assert (float(accepted), float(within)) == pytest.approx((pin.value, pin.within), rel=1e-5)
    assert abs(float(now) - pin.value) > pin.within


def test_a_drift_in_raw_fails_the_command_line_build(raw_copy, tmp_path, documents):
    rule, known = KNOWN[0]
    drift = known.drift
    path = raw_copy / Path(documents[drift.document].path).name
    text = path.read_text(encoding="utf-8")
    assert text.count(drift.replace) == 1
    path.write_text(text.replace(drift.replace, drift.with_), encoding="utf-8")
    snapshot.record(raw_copy)
    out = tmp_path / "out"
    out.mkdir()
    result = run_build(raw_copy, out)
    assert result.returncode == 1
    assert f"{rule.check_id} [{known.scope}]" in result.stderr
    assert "known discrepancy drifted: accepted " in result.stderr
    assert not (out / "curated").exists()


# --- the perturbations are applied as declared, or refused naming the rule ---------------------


def declared_perturbation(entry: dict) -> Perturbation:
    return small_rule("same_text", perturbation=entry).perturbation


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            {"table": "counts", "where": {"year": 2021}, "set": {"part": 1}},
            "test.same_text: the perturbation's where {'year': 2021} selects 0 rows of counts",
        ),
        (
            {"table": "counts", "where": {"year": 2019}, "set": {"part": 1}},
            "test.same_text: the perturbation's where {'year': 2019} selects 2 rows of counts",
        ),
        (
            {"table": "counts", "drop": {"where": {"name": "a"}}},
            "test.same_text: the perturbation's where {'name': 'a'} selects 2 rows of counts",
        ),
        (
            {"table": "counts", "where": {"nmae": "a"}, "set": {"part": 1}},
            "test.same_text: table 'counts' has no column 'nmae'",
        ),
        ({"table": "count", "add": {"part": 1}}, "test.same_text: no table 'count' to perturb"),
        (
            {"document": "doc", "replace": "line", "with": "row"},
            "test.same_text: 'line' occurs 2 times in doc, not once",
        ),
    ],
)
def test_a_perturbation_selecting_no_row_or_several_is_an_error_naming_the_rule(entry, problem):
    documents = {"doc": RawDocument("doc", "raw/doc.txt", "a line\nand another line")}
    with pytest.raises(PerturbationError) as error:
        perturbed("test.same_text", declared_perturbation(entry), small_tables(), documents)
    assert str(error.value).startswith(problem)


def test_each_perturbation_changes_what_it_declares():
    small = small_tables()

    def counts_after(entry: dict) -> pd.DataFrame:
        return perturbed("test.t", declared_perturbation(entry), small, {})[0]["counts"]

    assert list(counts_after({"table": "counts", "add": {"part": 10}})["part"]) == [14, 12, 15, 11]
    swapped = counts_after({"table": "counts", "swap": {"column": "name", "rows": [0, 1]}})
    assert list(swapped["name"]) == ["b", "a", "a", "b"]
    dropped = counts_after({"table": "counts", "drop": {"where": {"year": 2019, "rank": 2}}})
    assert list(dropped["seq"]) == [1, 3, 4]
    changed = counts_after(
        {"table": "counts", "where": {"seq": 3}, "set": {"name": "c", "part": 0}}
    )
    assert changed.loc[2, ["name", "part"]].tolist() == ["c", 0]
    assert small["counts"].equals(small_tables()["counts"])  # the tables given are left as is
    doc = RawDocument("doc", "raw/doc.txt", "said Ana")
    edit = {"document": "doc", "replace": "Ana", "with": "Bo"}
    documents = perturbed("test.t", declared_perturbation(edit), small, {"doc": doc})[1]
    assert (documents["doc"].text, doc.text) == ("said Bo", "said Ana")


# --- known discrepancies are pinned: the mechanism ----------------------------------------------


def pinned_sum(within: float, scope: str = "all") -> Rule:
    """The small sums_to_total rule with a known discrepancy at difference -1 (a total of 13)."""
    known = {**SMALL_KNOWN, "scope": scope, "accepted_at": {"difference": -1, "within": within}}
    return small_rule("sums_to_total", known_discrepancies=[known])


@pytest.mark.parametrize(
    ("total", "status", "note"),
    [
        (13.0, "known-discrepancy", "a test"),
        (13.3, "known-discrepancy", "a test"),  # within the pin
        (14.0, "fail", "known discrepancy drifted: accepted at difference -1 (within 0.5), now -2"),
        (12.0, "pass", reconcile.NOW_PASSES),
    ],
)
def test_a_known_discrepancy_holds_only_at_the_value_it_was_accepted_at(total, status, note):
    small = small_tables()
    set_cell(small["facts"], {"fact_id": "total"}, "value", total)
    row = reconcile_small(small, pinned_sum(0.5)).iloc[0]
    assert (row["status"], row["note"]) == (status, note)
    assert row["severity"] == ("error" if status == "fail" else "warning")


def test_a_known_discrepancy_of_a_missing_scope_is_an_error():
    with pytest.raises(reconcile.RuleError, match="scope '2021' matches no scope"):
        reconcile_small(small_tables(), pinned_sum(0, "2021"))


# --- every kind fails on bad data ---------------------------------------------------------------


def test_every_kind_has_a_case():
    kinds = {get_args(model.model_fields["kind"].annotation)[0] for model in engine.KINDS}
    assert kinds == set(KIND_CASES)


@pytest.mark.parametrize("kind", sorted(KIND_CASES))
def test_each_kind_passes_on_good_data_and_fails_on_its_perturbation(kind):
    rule = small_rule(kind)
    good = reconcile_small(small_tables(), rule)
    assert (good["status"] == "pass").all(), good
    broken, _ = perturbed(rule.check_id, rule.perturbation, small_tables(), {})
    bad = reconcile_small(broken, rule)
    assert (bad["status"] == "fail").any(), bad


def test_a_sql_rule_cites_the_document_and_lines_its_query_returns() -> None:
    query = (
        "SELECT concat(name, ' ', year) AS scope, whole AS expected, part AS observed, "
        "document_id, seq AS line_start, seq + 1 AS line_end FROM counts ORDER BY seq"
    )
    rows = reconcile_small(small_tables(), small_rule("sql", query=query))
    assert set(rows["document_id"]) == {"doc"}
    assert list(rows["sources"]) == [f"raw/doc.txt:{n}-{n + 1}" for n in (1, 2, 3, 4)]


def test_a_member_only_the_second_document_names_fails_same_members() -> None:
    small = small_tables()
    extra = pd.DataFrame([{"group": "g", "member": "C", "document_id": "two", "line": 3}])
    small["members"] = pd.concat([small["members"], extra], ignore_index=True)
    (row,) = reconcile_small(small, small_rule("same_members")).to_dict("records")
    assert (row["status"], row["observed"]) == ("fail", 1.0)


def test_a_scope_read_from_two_documents_gives_the_lines_of_its_first_and_cites_both() -> None:
    """`line_start`/`line_end` are lines of `document_id` alone; `sources` spans each document."""
    small = small_tables()
    small["members"]["line"] = [4, 5, 2, 9]  # document one: lines 4-5; document two: 2 and 9
    (row,) = reconcile_small(small, small_rule("same_members")).to_dict("records")
    assert (row["document_id"], row["line_start"], row["line_end"]) == ("one", 4, 5)
    assert row["sources"] == "one:4-5; two:2-9"


def test_the_difference_is_published_rounded_to_six_decimals_like_the_values() -> None:
    query = (
        "SELECT 'x' AS scope, 1.0 AS expected, 0.9999996 AS observed, 'doc' AS document_id, "
        "1 AS line_start, 1 AS line_end"
    )
    (row,) = reconcile_small(small_tables(), small_rule("sql", query=query)).to_dict("records")
    assert (row["expected"], row["observed"], row["difference"]) == (1.0, 1.0, 0.0)


def test_the_first_row_of_a_stock_flow_or_row_above_rule_is_not_a_scope():
    stock_flow = reconcile_small(small_tables(), small_rule("stock_flow"))
    assert list(stock_flow["scope"]) == ["2019 2", "2020 1", "2020 2"]  # in seq order
    row_above = reconcile_small(small_tables(), small_rule("non_increasing"))
    assert list(row_above["scope"]) == ["2019 2", "2020 2"]  # each year's rank 1 has none


@pytest.mark.parametrize(
    ("printed", "low", "high"), [("4.0", 3.95, 4.05), ("4", 3.5, 4.5), ("4.00%", 3.995, 4.005)]
)
def test_a_printed_number_allows_half_a_unit_of_its_last_digit_either_side(printed, low, high):
    small = small_tables()
    set_cell(small["texts"], {"text_id": "chart.label"}, "text", printed)
    (scope,) = reconcile_small(small, small_rule("matches_text")).itertuples()
    assert (scope.allowed_min, scope.allowed_max) == pytest.approx((low, high))
    # Just inside its half unit passes; just outside fails.
    small["counts"]["part"] = small["counts"]["part"].astype(float)
    for observed, status in ((high - 1e-6, "pass"), (high + 1e-6, "fail")):
        set_cell(small["counts"], {"seq": 1}, "part", observed)
        (scope,) = reconcile_small(small, small_rule("matches_text")).itertuples()
        assert scope.status == status, (printed, observed)


def test_a_label_that_is_no_number_is_an_error():
    small = small_tables()
    set_cell(small["texts"], {"text_id": "chart.label"}, "text", "four")
    with pytest.raises(
        reconcile.RuleError, match=r"text 'chart\.label' is not a printed number: 'four'"
    ):
        reconcile_small(small, small_rule("matches_text"))


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
    (
        "matches_text",
        {},
        set_column("counts", "seq", [5, 6, 7, 8]),
        "counts: where {'seq': 1} selects no row",
    ),
    (
        "subset",
        {"whole": {"table": "counts", "value_of": "whole", "where": {"year": 2019}}},
        lambda t: None,
        "counts.whole holds 2 values in the selected rows, not one",
    ),
    # An undefined (NaN) input, or a missing one, is an error, never skipped.
    (
        "stock_flow",
        {},
        counts_cell(2020, 1, "stock", NAN),
        "stock of scope '2020 1' is undefined (nan)",
    ),
    (  # the first row has no scope of its own, but its stock is the next row's previous stock
        "stock_flow",
        {},
        counts_cell(2019, 1, "stock", NAN),
        "stock of scope '2019 1' is undefined (nan)",
    ),
    (  # the first row of a group is the row above of the second
        "non_increasing",
        {},
        counts_cell(2019, 1, "part", NAN),
        "part of scope '2019 1' is undefined (nan)",
    ),
    ("subset", {}, fact_cell("total", "value", NAN), "fact 'total' is undefined (nan)"),
    (
        "sums_to_total",
        {},
        counts_cell(2019, 2, "part", NAN),
        "counts.part has an undefined value to sum",
    ),
    ("ranks_complete", {}, counts_cell(2019, 2, "year", NAN), "counts.year has an undefined value"),
    (
        "sums_to_total",
        {},
        lambda t: t.__setitem__("facts", t["facts"].query("fact_id != 'total'")),
        "no fact 'total' in the facts table",
    ),
]


@pytest.mark.parametrize(("kind", "changes", "change_tables", "reason"), UNEVALUABLE)
def test_a_rule_that_cannot_be_evaluated_says_why(kind, changes, change_tables, reason):
    small = small_tables()
    change_tables(small)
    with pytest.raises(reconcile.RuleError) as error:
        reconcile_small(small, small_rule(kind, **changes))
    assert str(error.value) == f"reconciliation rule test.{kind} could not be evaluated: {reason}"


# --- check outcomes and messages --------------------------------------------------------------


def test_a_rule_with_no_scope_in_the_reconciliation_is_an_error():
    results = reconcile_small(small_tables(), small_rule("sums_to_total"))
    unevaluated = small_rule("sums_to_total", check_id="test.unevaluated")
    outcome = reconcile.check_outcome(unevaluated, results)
    assert (outcome.passed, outcome.severity, outcome.description) == (
        False,
        "error",
        "test.unevaluated: no scope was evaluated",
    )
    # Its table of scopes is shown all the same, empty.
    evaluated = reconcile.check_outcome(small_rule("sums_to_total"), results).details
    assert outcome.details is not None and outcome.details.empty
    assert list(outcome.details.columns) == list(evaluated.columns)


def test_unique_per_group_expects_no_repeated_value_and_counts_those_repeated():
    rule = small_rule("unique_per_group")
    broken, _ = perturbed(rule.check_id, rule.perturbation, small_tables(), {})
    for tables, repeated in ((small_tables(), {0.0}), (broken, {0.0, 1.0})):
        rows = reconcile_small(tables, rule)
        assert set(rows["expected"]) == {0.0}
        assert set(rows["observed"]) == repeated


def test_a_passing_rule_keeps_the_severity_its_failure_would_have():
    """A check's severity says what its failure stops, pass or fail: an error blocks."""
    outcome = reconcile.check_outcome(
        small_rule("sums_to_total"), reconcile_small(small_tables(), small_rule("sums_to_total"))
    )
    assert (outcome.passed, outcome.severity) == (True, "error")


def test_a_failure_shows_an_unbounded_side_as_infinite():
    rule = small_rule("row_subset")
    broken, _ = perturbed(rule.check_id, rule.perturbation, small_tables(), {})
    failed = reconcile_small(broken, rule).query("status == 'fail'")
    assert reconcile.failure_message(failed) == (
        "test.row_subset [2020 2]: expected 1, observed 2 (allowed -inf to 1.0) from raw/doc.txt:1"
    )


def test_a_band_tolerance_states_both_its_sides():
    rule = small_rule("sums_to_total", tolerance={"below": 1, "above": 0.5})
    (row,) = reconcile_small(small_tables(), rule).to_dict("records")
    assert (row["allowed_min"], row["allowed_max"]) == (11.0, 12.5)
    assert row["tolerance"] == "between expected - 1 and expected + 0.5"


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


# --- strict declarations ----------------------------------------------------------------------


def declarations_file(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "reconciliation.yaml"
    path.write_text(yaml.safe_dump({"rules": list(entries)}, sort_keys=False), encoding="utf-8")
    return path


STOPPED = {"check": "c", "edit": {"document": "doc", "replace": "4", "with": "5"}}

# (the small rule and its changed keys, how to misspell a key, the key path named)
MISSPELT = {
    "a rule": (("row_subset", {}), lambda e: e.update(tabel="x"), "row_subset.tabel"),
    "a tolerance": (
        ("sums_to_total", {"tolerance": {"below": 1, "above": 0}}),
        lambda e: e["tolerance"].update(abvoe=0),
        "tolerance.below.abvoe",
    ),
    "a known discrepancy": (
        ("sums_to_total", {"known_discrepancies": [SMALL_KNOWN]}),
        lambda e: e["known_discrepancies"][0].update(reasons="x"),
        "known_discrepancies.0.reasons",
    ),
    "a pin": (
        ("sums_to_total", {"known_discrepancies": [SMALL_KNOWN]}),
        lambda e: e["known_discrepancies"][0]["accepted_at"].update(withn=1),
        "accepted_at.withn",
    ),
    "a drift": (
        ("sums_to_total", {"known_discrepancies": [SMALL_KNOWN]}),
        lambda e: e["known_discrepancies"][0]["drift"].update(wiht="x"),
        "known_discrepancies.0.drift.wiht",
    ),
    "a value": (
        ("sums_to_total", {}),
        lambda e: e["total"].update(divded_by=1),
        "total.fact.divded_by",
    ),
    "a perturbation": (
        ("sums_to_total", {}),
        lambda e: e["perturbation"].update(wher={}),
        "perturbation.set.wher",
    ),
    "a perturbation's kind": (
        ("sums_to_total", {}),
        lambda e: e["perturbation"].update(sett=e["perturbation"].pop("set")),
        "perturbation.set.sett",
    ),
    "the check that stops a rule first": (
        ("row_subset", {"stopped_first_by": STOPPED}),
        lambda e: e["stopped_first_by"].update(chekc="c"),
        "stopped_first_by.chekc",
    ),
}


@pytest.mark.parametrize("case", sorted(MISSPELT))
def test_a_misspelt_key_is_refused_naming_file_and_key(case, tmp_path):
    (kind, changes), misspell, key = MISSPELT[case]
    entry = small_entry(kind, **changes)
    misspell(entry)
    path = declarations_file(tmp_path, entry)
    with pytest.raises(SourceError) as error:
        reconcile.load_rules(path)
    assert str(path) in str(error.value)
    assert key in str(error.value) and "an unknown key" in str(error.value)


def without(key: str) -> Callable[[dict], object]:
    return lambda entry: entry.pop(key)


# (the small rule and its changed keys, the change refused, the problem named)
REFUSED = {
    "an unknown kind": (
        ("subset", {}),
        lambda e: e.update(kind="x"),
        "does not match any of the expected tags",
    ),
    "a pin without its value": (
        ("sums_to_total", {"known_discrepancies": [SMALL_KNOWN]}),
        lambda e: e["known_discrepancies"][0].update(accepted_at={"within": 0}),
        "exactly one of `difference` and `observed`",
    ),
    "a rule without a perturbation": (
        ("subset", {}),
        without("perturbation"),
        "(key 'rules.1.subset.perturbation'); found 'a missing key'",
    ),
    "a known discrepancy without a drift": (
        ("sums_to_total", {"known_discrepancies": [SMALL_KNOWN]}),
        lambda e: e["known_discrepancies"][0].pop("drift"),
        "(key 'rules.1.sums_to_total.known_discrepancies.0.drift'); found 'a missing key'",
    ),
    "a perturbation not failing without the reason": (
        ("same_text", {}),
        lambda e: e["perturbation"].update(fails=False),
        "give a `reason` exactly when the perturbation has `fails: false`",
    ),
    "a reason of a perturbation that fails": (
        ("same_text", {}),
        lambda e: e["perturbation"].update(reason="why"),
        "give a `reason` exactly when the perturbation has `fails: false`",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_rule_declared_inconsistently_is_refused_naming_its_line(case, tmp_path):
    """The second rule of the file is refused, at its line."""
    (kind, changes), change, problem = REFUSED[case]
    entry = small_entry(kind, **changes)
    change(entry)
    path = declarations_file(tmp_path, small_entry("row_subset"), entry)
    line = path.read_text(encoding="utf-8").split("\n").index(f"- check_id: test.{kind}") + 1
    with pytest.raises(SourceError) as error:
        reconcile.load_rules(path)
    assert str(error.value).startswith(f"{path}:")
    assert error.value.line >= line and problem in str(error.value)


def test_no_rule_is_evaluated_from_code_text():
    sources = Path(reconcile.__file__).parent.glob("*.py")
    assert not [p for p in sources if re.search(r"\b(eval|exec)\(", p.read_text())]


def test_a_scope_read_from_no_line_names_no_document():
    tables = small_tables()
    tables["counts"] = tables["counts"].drop(columns=["document_id", "line_start", "line_end"])
    frame = reconcile_small(tables, small_rule("rate_of_counts"))
    assert not frame.empty
    assert (frame["document_id"] == "").all() and frame["line_start"].isna().all()
