"""Number coverage: every number of the raw documents is published, skipped by a declared rule
or pending; a new number stops the build naming file and line; rules are strict and narrow."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline import schemas
from pipeline.errors import SourceError
from pipeline.reconcile import coverage
from pipeline.reconcile.coverage import accounting, claims, scan
from pipeline.sources import snapshot
from pipeline.sources.text import RawDocument
from tests.conftest import PAPER_FILE, REPO, made_again, run_build

RULES = accounting.RULES_FILE


def doc(text: str, document_id: str = "d", path: str = "raw/d.txt") -> RawDocument:
    return RawDocument(document_id, path, text)


def write_rules(tmp_path: Path, body: str) -> accounting.Rules:
    path = tmp_path / "number_coverage.yaml"
    path.write_text(body, encoding="utf-8")
    return accounting.load_rules.__wrapped__(path)


# --- the scanner ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed", "kind"),
    [
        ("over 85% of", "85%", "percent"),
        ("gap of $1.1 billion USD", "$1.1 billion", "money"),
        ("an additional $3-4 in", "$3-4", "money"),
        ("in 60-70% of", "60-70%", "range"),
        ("in 60–70% of", "60–70%", "range"),  # an en dash
        ("from 2 - 3 million", "2 - 3 million", "range"),
        ("an additional $3–4 in", "$3–4", "money"),
        ("eleven percent live", "eleven", "word"),
        ("displaced twice on", "twice", "word"),
        ("the second largest", "second", "ordinal"),
        ("on July 1st, 2020", "1st", "ordinal"),
        ("In 2019 approximately 55,000 people", "55,000", "digits"),
        ("the 1990s saw", "1990s", "digits"),
        ("11EU models for", "11", "glued"),
        ("(Betts, 2011b)", "2011", "glued"),
        ("the M5 forum", "5", "glued"),
    ],
)
def test_scanner_finds_each_kind(text: str, printed: str, kind: str) -> None:
    found = {(t.text, t.kind) for t in scan.scan(doc(text))}
    assert (printed, kind) in found


def test_scanner_keeps_digits_glued_to_letters_as_their_own_kind_and_places_tokens() -> None:
    tokens = scan.scan(doc("x\n  the M5 and IDA18 met 12 times"))
    assert [(t.text, t.kind, t.line, t.column) for t in tokens] == [
        ("5", "glued", 2, 8),
        ("18", "glued", 2, 17),
        ("12", "digits", 2, 24),
    ]


def test_scanner_reads_csv_cells_not_comma_groups() -> None:
    tokens = scan.scan(doc("year,n\n2017,1,245\n", path="raw/s.csv"))
    assert [(t.text, t.line, t.column) for t in tokens] == [
        ("2017", 2, 1),
        ("1", 2, 6),
        ("245", 2, 8),
    ]


def test_a_csv_number_is_placed_where_it_is_printed_past_quotes_and_spaces() -> None:
    text = 'year,note,n\n2017,"a ""quoted"", note",12\n"2018", 7 ,"1,234"\n'
    document = doc(text, path="raw/s.csv")
    tokens = scan.scan(document)
    assert [(t.text, t.line, t.column) for t in tokens] == [
        ("2017", 2, 1),
        ("12", 2, 27),
        ("2018", 3, 2),
        ("7", 3, 9),
        ("1,234", 3, 13),
    ]
    for token in tokens:
        assert text[token.raw_start : token.raw_end] == token.text
        assert (token.start, token.end) == (token.raw_start, token.raw_end)


# --- the published classification -----------------------------------------------------------


def test_every_token_is_classified_once(
    tables: dict[str, pd.DataFrame], documents_snapshot: snapshot.RawSnapshot
) -> None:
    frame = tables["number_coverage"]
    misprints = tables["facts"].dropna(subset=["misprint"]).to_dict("records")
    scanned = [
        (t.document_id, t.line, t.column)
        for document in documents_snapshot.documents.values()
        for t in sorted(
            [*scan.scan(document), *scan.misprinted(document, misprints)],
            key=lambda t: (t.line, t.column),
        )
    ]
    assert list(zip(frame.document_id, frame.line, frame.column_number, strict=True)) == scanned
    assert set(frame.status) <= {"published", "skipped", "pending"}
    published = frame[frame.status == "published"]
    assert published.accounted_by.str.match(r"^[a-z_0-9]+:.+").all()
    assert frame[frame.status != "published"].accounted_by.str.startswith("rule:").all()


def test_series_rows_account_for_every_cell(tables: dict[str, pd.DataFrame]) -> None:
    frame = tables["number_coverage"]
    series = frame[frame.document_id.isin(["rcmp_interceptions_2017_2020"])]
    assert (series.status == "published").all()
    assert series.accounted_by.str.startswith("rcmp_interceptions:").all()


def test_a_new_number_stops_the_build_naming_file_and_line(
    documents_snapshot: snapshot.RawSnapshot, materialized: dict[str, pd.DataFrame]
) -> None:
    paper = documents_snapshot.documents["working_paper_2020"]
    added = RawDocument(
        paper.document_id, paper.path, paper.text + "\nIn 2021, 123 people arrived.\n"
    )
    edited = snapshot.RawSnapshot(
        {**documents_snapshot.documents, paper.document_id: added}, documents_snapshot.manifest
    )
    line = len(paper.lines) + 1
    with pytest.raises(coverage.UncoveredNumber) as error:
        made_again(edited, "number_coverage", materialized)
    assert str(error.value) == (
        f'raw/{PAPER_FILE}:{line}: number "123" is neither published nor skipped '
        '(in "In 2021, 123 people arrived."); 1 number(s) in all are neither published nor '
        f"skipped, 1 in {paper.document_id}: `python -m pipeline todo {paper.document_id}` "
        "lists them and drafts their declarations"
    )


# --- rules: each skips what it should, not a near miss -------------------------------------


# More statistics the broad rules must leave alone (found by an audit of the rules).
def tokens_skipped_by(rule: accounting.Rule, text: str, document_id: str) -> set[str]:
    document = doc(text, document_id)
    declared = accounting.Rules(RULES, (rule,))
    spans = accounting.rule_spans(declared, {document_id: document})
    return {t.text for t in scan.scan(document) if accounting.first_rule(declared, t, spans)}


EXAMPLED = [rule for rule in accounting.load_rules().rules if rule.example is not None]


@pytest.mark.parametrize("rule", EXAMPLED, ids=lambda rule: rule.id)
def test_rule_skips_its_example_and_not_its_near_misses(rule: accounting.Rule) -> None:
    assert rule.example is not None
    document_id = (rule.documents or ("any_document",))[0]
    assert rule.example.skips in tokens_skipped_by(rule, rule.example.text, document_id)
    for near_miss in rule.example.near_misses:  # a statistic the rule must leave alone
        assert near_miss and not tokens_skipped_by(rule, near_miss, document_id), near_miss


def test_every_rule_accounts_for_numbers(tables: dict[str, pd.DataFrame]) -> None:
    used = set(tables["number_coverage"].accounted_by)
    assert {f"rule:{r.id}" for r in accounting.load_rules().rules} <= used


def test_no_number_is_pending(tables: dict[str, pd.DataFrame]) -> None:
    assert tables["number_coverage"].query("status == 'pending'").empty
    assert not [r.id for r in accounting.load_rules().rules if r.status == "pending"]


def test_a_quote_publishes_nothing_on_the_lines_it_skipped(tables: dict[str, pd.DataFrame]) -> None:
    """No number on a line a fact's quote skips is credited to that fact (another row read
    from the line may publish it: a sibling bullet skipped by one fact is another's value)."""
    facts = tables["facts"].dropna(subset=["lines_skipped"])
    skipped = {
        (row.document_id, int(line), f"facts:{row.fact_id}")
        for row in facts.itertuples()
        for line in row.lines_skipped.split("; ")
    }
    assert skipped
    frame = tables["number_coverage"]
    credited = set(zip(frame.document_id, frame.line, frame.accounted_by, strict=True))
    assert not skipped & credited, sorted(skipped & credited)


# --- declarations are strict -----------------------------------------------------------------

RULE = """rules:
- id: r
  status: skipped
  reason: a reason
  pattern: '{pattern}'
"""


def test_a_misspelt_key_is_refused_naming_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        write_rules(tmp_path, RULE.format(pattern="x").replace("reason:", "raeson:"))
    assert "number_coverage.yaml:4" in str(error.value)
    assert "raeson" in str(error.value)


def test_a_stale_rule_is_refused(tmp_path: Path) -> None:
    fig = RULE.format(pattern="Fig\\. (?P<number>[0-9]+)")
    declared = write_rules(tmp_path, fig)
    documents = {"d": doc("In Fig. 2 and nothing else.")}
    assert set(coverage.classify(documents, {}, declared).status) == {"skipped"}
    table = RULE.format(pattern="Table (?P<number>[0-9]+)").replace("rules:\n", "")
    stale = write_rules(tmp_path, fig + table.replace("id: r", "id: stale"))
    with pytest.raises(SourceError, match=r"number_coverage.yaml:6: expected rule 'stale'"):
        coverage.classify(documents, {}, stale)


def test_a_rule_naming_an_unknown_document_is_refused(tmp_path: Path) -> None:
    body = RULE.format(pattern="x") + "  documents: [no_such_document]\n"
    declared = write_rules(tmp_path, body)
    with pytest.raises(SourceError, match="no_such_document"):
        coverage.classify({"d": doc("1")}, {}, declared)


def test_a_bad_regular_expression_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=re.escape("key 'rules.0.pattern'")):
        write_rules(tmp_path, RULE.format(pattern="(unclosed"))


# --- end to end ------------------------------------------------------------------------------


def test_build_stops_on_a_new_number(raw_copy: Path, tmp_path: Path) -> None:
    path = raw_copy / PAPER_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "In 2021, 123 people arrived.\n", encoding="utf-8")
    snapshot.record(raw_copy)
    line = text.count("\n") + 1
    out = tmp_path / "out"
    out.mkdir()
    result = run_build(raw_copy, out)
    assert result.returncode != 0
    expected = f'raw/{PAPER_FILE}:{line}: number "123" is neither published nor skipped'
    assert expected in result.stderr
    assert not (out / "datapackage.json").exists()
    assert REPO.exists()


def test_one_as_pronoun_crosses_a_line_break() -> None:
    rule = next(r for r in accounting.load_rules().rules if r.id == "one_as_pronoun")
    assert tokens_skipped_by(rule, "making the SAWP one\nof the world’s", "d") == {"one"}


# --- what publishes a number: a value of a row, never its quote ------------------------------


def fact_row(**cells: object) -> dict:
    """A row of `facts` read from lines 1-2 of document d, with the given cells."""
    return {"fact_id": "f", "document_id": "d", "line_start": 1, "line_end": 2, **cells}


def classify_with(text: str, *rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    return coverage.classify({"d": doc(text)}, {"facts": frame}, accounting.Rules(RULES, ()))


def claims_row(year: int, rank: int, country: str, claims_count: int) -> dict:
    """A row of a printed table read from line 1 of document d (year, rank: its key)."""
    return {
        "year": year,
        "rank": rank,
        "country_as_printed": country,
        "claims": claims_count,
        "document_id": "d",
        "line_start": 1,
        "line_end": 1,
    }


def test_two_equal_cells_of_one_line_are_each_credited_to_the_row_that_reads_it() -> None:
    text = "16 Yemen 235 Stateless 235\n"
    rows = [claims_row(2018, 16, "Yemen", 235), claims_row(2019, 16, "Stateless", 235)]
    frame = pd.DataFrame(rows)
    found = coverage.classify(
        {"d": doc(text)}, {"roxham_road_claims": frame}, accounting.Rules(RULES, ())
    )
    assert found[["column_number", "accounted_by", "reason"]].values.tolist() == [
        [1, "roxham_road_claims:2018|16", "the rank of roxham_road_claims:2018|16"],
        [10, "roxham_road_claims:2018|16", "the claims of roxham_road_claims:2018|16"],
        [24, "roxham_road_claims:2019|16", "the claims of roxham_road_claims:2019|16"],
    ]


def test_a_cell_equal_to_the_key_is_credited_as_the_cell_of_its_label() -> None:
    text = "25 Nigeria 30 Cameroon 25\n"
    rows = [claims_row(2019, 25, "Nigeria", 30), claims_row(2020, 25, "Cameroon", 25)]
    found = coverage.classify(
        {"d": doc(text)},
        {"roxham_road_claims": pd.DataFrame(rows)},
        accounting.Rules(RULES, ()),
    ).set_index("column_number")
    assert found.loc[1, "reason"] == "the rank of roxham_road_claims:2019|25"
    assert found.loc[24, "reason"] == "the claims of roxham_road_claims:2020|25"


def test_equal_values_on_two_lines_are_credited_by_the_line_each_row_read() -> None:
    text = "Canada accepted zero people in 2018, and\nzero in 2019.\n"
    quote = " ".join(text.split())
    first = fact_row(fact_id="a", value=0.0, value_as_printed="zero", value_line=1, quote=quote)
    second = {**first, "fact_id": "b", "value_line": 2}
    found = classify_with(
        text,
        {**first, "period_start": "2018", "period_end": "2018"},
        {**second, "period_start": "2019", "period_end": "2019"},
    )
    zeros = found[found["text"] == "zero"]
    assert zeros["accounted_by"].tolist() == ["facts:a", "facts:b"]


def test_the_build_names_the_first_number_and_counts_them_all() -> None:
    """All at once: the first number nothing accounts for, with its sentence, how many are
    left in all (those of a `pending` rule too), and the command that lists them."""
    rules = accounting.Rules(
        RULES,
        (accounting.Rule(id="later", status="pending", reason="not yet", pattern="Later: 9"),),
    )
    documents = {
        "d": doc("Some 12 came.\nThen 34 left.\nLater: 9"),
        "e": doc("And 56.", "e", "raw/e.txt"),
    }
    with pytest.raises(coverage.UncoveredNumber) as error:
        coverage.classify(documents, {}, rules)
    assert str(error.value) == (
        'raw/d.txt:1: number "12" is neither published nor skipped (in "Some 12 came."); '
        "4 number(s) in all are neither published nor skipped, 3 in d: "
        "`python -m pipeline todo d` lists them and drafts their declarations"
    )
    unpublished = [(u.token.text, u.token.line, u.rule) for u in error.value.unpublished]
    assert unpublished == [("12", 1, None), ("34", 2, None), ("9", 3, "later"), ("56", 1, None)]


def test_a_number_only_inside_a_quote_stops_the_build() -> None:
    text = "In 2018 Canada became the top country,\nresettling 28,000 refugees."
    quote = " ".join(text.split("\n"))
    row = fact_row(value=28000.0, value_as_printed="28,000", quote=quote)
    with pytest.raises(coverage.UncoveredNumber, match=r'raw/d\.txt:1: number "2018"'):
        classify_with(text, row)
    published = classify_with(text, {**row, "period_start": "2018", "period_end": "2018"})
    assert published.set_index("text").loc["2018", "reason"] == "the period of facts:f"
    assert published.set_index("text").loc["28,000", "reason"] == "the value of facts:f"


@pytest.mark.parametrize(
    ("text", "printed", "value"),
    [
        ("remittances of $1.24 billion USD", "$1.24 billion", 1_240_000_000.0),
        ("pledged $52.9 million for", "$52.9 million", 52_900_000.0),
        ("over four million displaced", "four million", 4_000_000.0),
        ("recorded 4.9 million Venezuelans", "4.9 million", 4.9),  # a table in millions
        ("half the global average", "half", 0.5),
    ],
)
def test_a_scaled_number_is_published_by_a_value_equal_to_it(text, printed, value) -> None:
    frame = classify_with(text, fact_row(value=value, quote=text)).set_index("text")
    assert frame.loc[printed, "reason"] == "the value of facts:f"
    with pytest.raises(coverage.UncoveredNumber):
        classify_with(text, fact_row(value=value + 1, quote=text))


def test_a_range_is_published_by_the_two_bounds_together() -> None:
    text = "in 60-70% of cases, and an additional $3-4 in financing"
    low, high = fact_row(fact_id="low", value=60.0), fact_row(fact_id="high", value=70.0)
    dollars = fact_row(fact_id="d3", value=3.0), fact_row(fact_id="d4", value=4.0)
    frame = classify_with(text, low, high, *dollars).set_index("text")
    assert frame.loc["60-70%", "accounted_by"] == "facts:low; facts:high"
    assert frame.loc["60-70%", "reason"] == (
        "a range whose bounds are the values of facts:low and facts:high"
    )
    assert frame.loc["$3-4", "accounted_by"] == "facts:d3; facts:d4"
    with pytest.raises(coverage.UncoveredNumber, match='number "60-70%"'):
        classify_with(text, low, *dollars)  # one bound is not the range


def test_a_date_publishes_its_year_and_its_day_next_to_its_month() -> None:
    text = "As of 5 March, 2020, UNHCR recorded 4.9 million people; 5 of them in 2019."
    row = fact_row(value=4_900_000.0, period_end="2020-03-05", quote=text)
    with pytest.raises(coverage.UncoveredNumber, match='number "5"'):
        classify_with(text, row)  # the second "5" (no month) and 2019 are no value
    shorter = "As of 5 March, 2020, UNHCR recorded 4.9 million people."
    frame = classify_with(shorter, {**row, "quote": shorter}).set_index("text")
    assert frame.loc["5", "reason"] == frame.loc["2020", "reason"] == "the period of facts:f"


def test_a_date_printed_with_a_no_break_space_is_published_by_its_value_as_printed() -> None:
    text = "August\u00a016, 2022—Ottawa—Canada announces"
    row = fact_row(value_as_printed="August\u00a016, 2022", quote="Canada announces")
    frame = classify_with(text, row).set_index("text")
    assert frame.loc["16", "reason"] == frame.loc["2022", "reason"] == "the value of facts:f"
    with pytest.raises(coverage.UncoveredNumber, match='number "16"'):
        classify_with(text, {**row, "value_as_printed": "August 17, 2022"})


def test_a_line_number_equal_to_the_number_does_not_publish_it():
    from pipeline.reconcile.coverage.claims import claimed

    line = "4 Turkey 540 DR Congo 690 Pakistan 980"
    start = line.index("690")
    provenance_only = {"document_id": "d", "line_start": 690, "line_end": 690, "rank": 4}
    assert not claimed([provenance_only], line, start, start + 3)
    assert claimed([{**provenance_only, "claims": 690}], line, start, start + 3)


# Every field of the package that gives a line of a raw file (`line`, `line_start`, `value_line`,
# ...), read from the schemas: a new one is tested as soon as it is declared.
LINE_FIELDS = sorted(
    {
        name
        for resource in schemas.package().resources
        for name in schemas.load(resource).field_names
        if re.search(r"(^|_)line(_|$)", name)
    }
)


@pytest.mark.parametrize("field", LINE_FIELDS)
def test_no_line_number_of_the_package_publishes_a_number_equal_to_it(field: str) -> None:
    line = "4 Turkey 540 DR Congo 690 Pakistan 980"
    start = line.index("690")
    row = {"document_id": "d", "line_start": 1, "line_end": 1, field: 690}
    assert not claims.claimed([row], line, start, start + 3)


def test_claimed_ignores_quotes_and_reads_scales():
    from pipeline.reconcile.coverage.claims import claimed

    line = "In 2018 Canada resettled $1.24 billion"
    row = {"document_id": "d", "line_start": 1, "line_end": 1, "quote": line}
    year = line.index("2018")
    assert not claimed([row], line, year, year + 4)
    assert claimed([{**row, "period_start": "2018"}], line, year, year + 4)
    money = line.index("1.24")
    assert claimed([{**row, "value": 1_240_000_000.0}], line, money, money + 4)


def test_claimed_scales_a_number_only_by_a_scale_word_after_it():
    line = "Some 12 people, 3 million dollars"
    row = {"document_id": "d", "line_start": 1, "line_end": 1}
    people, dollars = line.index("12"), line.index("3 million")
    assert claims.claimed([{**row, "value": 12}], line, people, people + 2)  # "people": no scale
    for other in (24, 1_200, 12_000, 12_000_000):
        assert not claims.claimed([{**row, "value": other}], line, people, people + 2)
    assert claims.claimed([{**row, "value": 3_000_000}], line, dollars, dollars + 1)


def test_claimed_reads_a_number_printed_with_thousands_separators():
    from pipeline.reconcile.coverage.claims import claimed

    line = "Some 46,000 workers came"
    row = {"document_id": "d", "line_start": 1, "line_end": 1, "quote": line}
    start = line.index("46,000")
    assert not claimed([row], line, start, start + 6)
    assert claimed([{**row, "value": 46_000.0}], line, start, start + 6)


def test_a_number_at_the_start_of_its_line_is_claimed_only_by_a_text_holding_it():
    """The text test reads a few characters either side of the number, none before the line's
    first."""
    from pipeline.reconcile.coverage.claims import claimed

    line = "12 people came to the city of Lima in the spring"
    row = {"document_id": "d", "line_start": 1, "line_end": 1, "value_as_printed": "Lima"}
    assert not claimed([row], line, 0, 2)
    assert claimed([{**row, "value_as_printed": "12 people came"}], line, 0, 2)


def test_no_number_is_published_by_a_quote(tables: dict[str, pd.DataFrame]) -> None:
    published = tables["number_coverage"].query("status == 'published'")
    assert published.reason.str.match(r"^(?:the [a-z ]+ of|a range whose bounds are) ").all()
    assert not published.reason.str.contains("quote").any()


# --- which row publishes a number: placed values, then the sentence that prints it ------------


def citation_rule(over_dates: bool) -> accounting.Rules:
    rule = accounting.Rule(
        id="citation",
        status="skipped",
        reason="a cited work's year",
        pattern=r"\([A-Z][a-z]+, [0-9]{4}\)",
        over_dates=over_dates,
    )
    return accounting.Rules(RULES, (rule,))


def test_a_citation_year_is_not_the_period_of_the_fact_citing_it() -> None:
    text = "In 2019 the party won 1.6% of the vote (Hill, 2019)."
    row = fact_row(value=1.6, period_start="2019", period_end="2019", quote=text)
    frame = pd.DataFrame([row])
    over = coverage.classify({"d": doc(text)}, {"facts": frame}, citation_rule(True))
    assert over["accounted_by"].tolist() == ["facts:f", "facts:f", "rule:citation"]
    # Without over_dates the period's year takes the citation's too, and the rule is stale.
    with pytest.raises(SourceError, match="rule 'citation' to account for at least one number"):
        coverage.classify({"d": doc(text)}, {"facts": frame}, citation_rule(False))


def test_of_two_rows_of_one_paragraph_the_sentence_printing_the_number_publishes_it() -> None:
    text = "Canada gave $2.2 million from 2017 to 2019. In 2019, it pledged $52.9 million."
    relief = fact_row(
        fact_id="relief",
        value=2_200_000.0,
        period_start="2017",
        period_end="2019",
        quote="Canada gave $2.2 million from 2017 to 2019.",
    )
    pledge = fact_row(
        fact_id="pledge",
        value=52_900_000.0,
        period_start="2019",
        period_end="2019",
        quote="In 2019, it pledged $52.9 million.",
    )
    frame = classify_with(text, relief, pledge)
    assert frame["accounted_by"].tolist() == [
        "facts:relief",  # $2.2 million
        "facts:relief",  # 2017
        "facts:relief",  # 2019: the first row whose quote holds it, though both are of 2019
        "facts:pledge",  # In 2019
        "facts:pledge",  # $52.9 million
    ]
    # Without quotes, the first row in order takes every 2019.
    unquoted = classify_with(text, {**relief, "quote": None}, {**pledge, "quote": None})
    assert unquoted["accounted_by"].tolist()[3] == "facts:relief"


def test_a_date_as_printed_at_the_token_wins_over_a_year_of_a_period() -> None:
    text = "In March, 2020 the route closed; 16,000 crossed in 2020."
    fact = fact_row(value=16_000.0, period_start="2020", period_end="2020", quote=text)
    event = {"event_id": "e", "document_id": "d", "line_start": 1, "line_end": 1}
    frame = pd.DataFrame([fact])
    events = pd.DataFrame([{**event, "date_as_printed": "March, 2020", "quote": text}])
    found = coverage.classify(
        {"d": doc(text)}, {"facts": frame, "events": events}, accounting.Rules(RULES, ())
    )
    assert found["accounted_by"].tolist() == ["events:e", "facts:f", "facts:f"]


def test_a_quote_that_skips_a_line_still_places_the_numbers_around_it() -> None:
    text = "Canada gave $2.2 million\nFigure: relief\nin 2019. In 2019, it pledged $52.9 million."
    pledge = fact_row(
        fact_id="pledge",
        line_start=3,
        line_end=3,
        value=52_900_000.0,
        period_start="2019",
        quote="In 2019, it pledged $52.9 million.",
    )
    relief = fact_row(
        fact_id="relief",
        line_start=1,
        line_end=3,
        value=2_200_000.0,
        period_start="2019",
        lines_skipped="2",
        quote="Canada gave $2.2 million in 2019.",
    )
    frame = classify_with(text, pledge, relief)  # the pledge first: order alone would take both
    assert frame["accounted_by"].tolist() == [
        "facts:relief",
        "facts:relief",  # "in 2019", in the quote that skips the figure's line
        "facts:pledge",
        "facts:pledge",
    ]


def test_a_value_as_printed_places_the_token_though_the_row_also_has_its_year() -> None:
    text = "In March, 2020 the route closed; 16,000 crossed in 2020."
    fact = fact_row(fact_id="a", value=16_000.0, period_start="2020", quote=text)
    closed = fact_row(
        fact_id="b", value_as_printed="March, 2020", period_start="2020-03", quote=text
    )
    frame = classify_with(text, fact, closed)
    assert frame["accounted_by"].tolist() == ["facts:b", "facts:a", "facts:a"]


def test_an_events_quote_above_its_date_line_chooses_it() -> None:
    text = "Canada said a lot.\nIn 2019 it pledged help, and 2019 saw 5 claims."
    fact = fact_row(value=5.0, period_start="2019", line_start=2, line_end=2, quote="x")
    event = {
        "event_id": "e",
        "document_id": "d",
        "date_as_printed": "2019",
        "quote": "Canada said a lot. In 2019 it pledged help, and 2019 saw 5 claims.",
        "lines_skipped": None,
        "line_start": 1,
        "line_end": 2,
        "date_line": 2,
    }
    events = coverage.dates_of(pd.DataFrame([event]))
    found = coverage.classify(
        {"d": doc(text)},
        {"facts": pd.DataFrame([fact]), "events": events},
        accounting.Rules(RULES, ()),
    )
    # Both 2019s are on the event's date line and in its quote (which starts a line above).
    assert found["accounted_by"].tolist() == ["events:e", "events:e", "facts:f"]


def anchored_rule(after: str | None, before: str | None) -> accounting.Rule:
    return accounting.Rule(
        id="between",
        status="skipped",
        reason="numbers between two lines",
        pattern=r"[0-9]+",
        after=after,
        before=before,
    )


def test_a_rule_applies_from_its_after_line_up_to_its_before_line() -> None:
    text = "1 a\nB 2\nC 3\nD 4\nB 5\n"
    spans = anchored_rule("^B", "^D").spans(doc(text), "here")
    assert [text[start:end] for start, end in spans] == ["2", "3"]
    assert len(anchored_rule(None, "^C").spans(doc(text), "here")) == 2  # 1 and 2
    assert len(anchored_rule("^D", None).spans(doc(text), "here")) == 2  # 4 and 5


@pytest.mark.parametrize(
    ("after", "before", "key", "pattern"),
    [("^X", None, "after", "^X"), ("^C", "^B", "before", "^B")],
)
def test_an_anchor_not_found_is_refused_naming_the_rule(after, before, key, pattern) -> None:
    """`before` is looked for from the `after` line on: a B above C is not found."""
    with pytest.raises(SourceError) as error:
        anchored_rule(after, before).spans(doc("B 1\nC 2\n"), "rules.yaml")
    assert str(error.value) == (
        f"raw/d.txt: expected the {key} anchor of rule 'between' (rules.yaml); found {pattern!r}"
    )


def test_a_text_without_numbers_gives_the_table_with_its_columns_and_no_row() -> None:
    frame = coverage.classify({"d": doc("No figure here.")}, {}, accounting.Rules(RULES, ()))
    assert list(frame.columns) == list(coverage.COLUMNS) and frame.empty


@pytest.mark.parametrize(("quote", "holds"), [("It rose by 1234", True), ("It rose by 12", False)])
def test_a_quote_that_skips_a_line_holds_a_token_only_whole(quote: str, holds: bool) -> None:
    document = doc("It rose\nFig. 9\nby 1234 people.")
    (token,) = [t for t in scan.scan_prose(document) if t.text == "1234"]
    row = claims.PublishingRow(
        "facts", "f", "d", 1, 3, fact_row(line_end=3, lines_skipped="2", quote=quote)
    )
    assert row.quote_holds(token, document) is holds


def test_a_number_a_row_says_is_misprinted_gets_its_coverage_row() -> None:
    text = "Mexico was in the top thee countries.\n"
    row = fact_row(
        value=3.0,
        value_as_printed="thee",
        misprint='printed "thee", read as "three"',
        value_line=1,
        quote=text.strip(),
    )
    found = classify_with(text, row)
    assert found[["column_number", "text", "kind", "accounted_by"]].values.tolist() == [
        [23, "thee", "word", "facts:f"]
    ]
    assert classify_with(text, {**row, "misprint": None}).empty  # no scanner knows "thee"


def test_a_misprint_a_row_reads_where_the_line_does_not_print_it_is_refused() -> None:
    row = {"document_id": "d", "misprint": "x", "value_as_printed": "thee", "value_line": 1}
    with pytest.raises(SourceError, match=r"raw/d\.txt:1: expected the misprinted 'thee'"):
        scan.misprinted(doc("Mexico was in the top three.\n"), [{**row, "value": 3.0}])


def test_an_anchor_lines_window_starts_at_its_first_character() -> None:
    """The `after` line is inside the window from its first character, the `before` line
    outside it from its first character."""
    text = "1 a\n22 B\n3 C\n"
    spans = anchored_rule("B$", "C$").spans(doc(text), "here")
    assert [text[start:end] for start, end in spans] == ["22"]


def test_the_build_error_names_the_file_and_line_of_the_first_number() -> None:
    documents = {"d": doc("No figure.\nThen 34 left.")}
    with pytest.raises(coverage.UncoveredNumber) as error:
        coverage.classify(documents, {}, accounting.Rules(RULES, ()))
    assert (error.value.path, error.value.line, error.value.found) == ("raw/d.txt", 2, "34")


def test_an_ordinal_day_next_to_its_month_is_published_by_the_period() -> None:
    text = "As of July 1st, 2020, UNHCR recorded 4.9 million people."
    row = fact_row(value=4_900_000.0, period_end="2020-07-01", quote=text)
    frame = classify_with(text, row).set_index("text")
    assert frame.loc["1st", "reason"] == frame.loc["2020", "reason"] == "the period of facts:f"


def test_a_quote_stands_at_its_own_lines_where_the_row_declares_them() -> None:
    """A row read from line 1 whose quote is on line 2 (an event's date line)."""
    document = doc("It rose\nby 1234 people.")
    (token,) = [t for t in scan.scan_prose(document) if t.text == "1234"]
    cells = fact_row(line_end=1, quote="by 1234", quote_line_start=2, quote_line_end=2)
    row = claims.PublishingRow("facts", "f", "d", 1, 1, cells)
    assert row.quote_holds(token, document)
