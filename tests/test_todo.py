"""`python -m pipeline todo`: every number of a document that nothing publishes or skips, listed
at once with its line and sentence, and drafts of the declarations that would publish them -
drafts the strict loaders accept once moved, and that then publish their numbers. A broken
declaration of another document is left out. Run on copies of raw/ and the declarations with an
invented note added (nothing of the real documents is asserted)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline import __main__ as pipeline_cli
from pipeline import graph, strict_yaml, todo
from pipeline.extract import events, facts, groups, hedges, locate, printed_tables, views
from pipeline.paths import Paths
from pipeline.reconcile import coverage
from pipeline.reconcile.coverage import accounting, drafts, scan
from pipeline.sources import snapshot
from pipeline.sources.text import RawDocument
from tests.conftest import REPO, run_main

NOTE = "invented_note"
# Two numbers, a date (in a form no skip rule of number_coverage.yaml takes) and a 3-row table.
NOTE_TEXT = """\
About 46,000 workers came to Canada in 2019. Mexico sent 60% of them.
Canada and Mexico signed an agreement in June, 1974.

Workers by country of origin
Country Workers Share
Mexico 27,600 60%
Jamaica 9,200 20%
Trinidad and Tobago 2,300 5%
Source: invented for the test.
The note ends here.
"""
PENDING = [
    (1, "46,000", "About 46,000 workers came to Canada in 2019."),
    (1, "60%", "Mexico sent 60% of them."),
    (2, "1974", "Canada and Mexico signed an agreement in June, 1974."),
    (6, "27,600", "Mexico 27,600 60%"),
    (6, "60%", "Mexico 27,600 60%"),
    (7, "9,200", "Jamaica 9,200 20%"),
    (7, "20%", "Jamaica 9,200 20%"),
    (8, "2,300", "Trinidad and Tobago 2,300 5%"),
    (8, "5%", "Trinidad and Tobago 2,300 5%"),
]
TABLE_ROWS = PENDING[3:]
TABLE_SCHEMA = "workers_by_country_of_origin.schema.yaml"  # named after the table's caption


def roots(folder: Path) -> dict[str, str]:
    return {
        "CLM_RAW_DIR": str(folder / "raw"),
        "CLM_DECLARATIONS_DIR": str(folder / "declarations"),
        "CLM_OUT_DIR": str(folder / "out"),
    }


def copy_of(source: Path, target: Path) -> Path:
    """A copy of the folders of `source` (raw/, declarations/, out/) in `target`."""
    for name in ("raw", "declarations", "out"):
        shutil.copytree(source / name, target / name, symlinks=True)
    return target


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> Path:
    """raw/ and the declarations copied, with the note added by `new-source`."""
    folder = tmp_path_factory.mktemp("todo")
    shutil.copytree(REPO / "raw", folder / "raw")
    shutil.copytree(Paths.from_env().declarations_dir, folder / "declarations")
    (folder / "out").mkdir()
    note = folder / f"{NOTE}.txt"
    note.write_text(NOTE_TEXT, encoding="utf-8")
    done = run_main(["new-source", str(note), "--id", NOTE], roots(folder))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def listed(added: Path, tmp_path_factory):
    """The todo of the note, run on a copy (it writes drafts)."""
    folder = copy_of(added, tmp_path_factory.mktemp("listed"))
    return folder, run_main(["todo", NOTE], roots(folder))


def note_document(folder: Path) -> RawDocument:
    return snapshot.take(folder / "raw").documents[NOTE]


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_todo_lists_every_number_at_once_with_its_line_and_sentence(listed):
    folder, done = listed
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{NOTE}: {len(PENDING)} number(s) neither published nor skipped"
    found = lines[1 : 1 + len(PENDING)]
    for (line, text, sentence), printed in zip(PENDING, found, strict=True):
        assert printed.startswith(f'raw/{NOTE}.txt:{line}: "{text}" (')
        assert printed.endswith(f"): {sentence}")
    assert "(fact invented_note_line1)" in found[0]
    assert "(event invented_note_line2)" in found[2]
    assert all("(table workers_by_country_of_origin (lines 6-8))" in row for row in found[3:])
    # A date a rule skips as a date is listed apart, drafted too (here as the fact's period):
    # an event may publish it, nothing requires it.
    dates = lines[1 + len(PENDING) : -1]
    assert dates == [
        f"{NOTE}: 1 date(s) skipped as dates, which an event may publish",
        f'raw/{NOTE}.txt:1: "2019" (fact invented_note_line1, skipped as a date by rule '
        "event_year): About 46,000 workers came to Canada in 2019.",
    ]
    drafted = folder / "out" / todo.DRAFTS / NOTE
    assert lines[-1].startswith(
        f"drafts: {drafted}/ (facts.yaml, events.yaml, tables.yaml, {TABLE_SCHEMA})"
    )
    assert sorted(p.name for p in drafted.iterdir()) == [
        "events.yaml",
        "facts.yaml",
        "tables.yaml",
        TABLE_SCHEMA,
    ]


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_drafts_are_accepted_by_the_strict_loaders(listed):
    folder, _ = listed
    drafted = folder / "out" / todo.DRAFTS / NOTE
    for kind, model in drafts.MODELS.items():
        assert strict_yaml.load(model, drafted / f"{kind}.yaml")
    declared = strict_yaml.load(facts.FactsFile, drafted / "facts.yaml").facts
    assert [(f.id, f.unit, f.after is not None) for f in declared] == [
        ("invented_note_line1", "TODO", False),
        ("invented_note_line1_2", "percent", True),  # its period: 2019, in the sentence before
    ]
    assert "TODO: raw/" not in (drafted / "facts.yaml").read_text(encoding="utf-8")
    # The topic whose description in schemas/facts.yaml shares the sentence's words ("workers").
    assert declared[0].topic == "labour migration"


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_a_draft_fact_reads_its_value_unchanged_with_its_hedge_and_period(listed):
    folder, _ = listed
    file = strict_yaml.load(facts.FactsFile, folder / "out" / todo.DRAFTS / NOTE / "facts.yaml")
    source = locate.Sourced(NOTE, "a draft", file)
    declarations = facts.FactDeclarations((source,), hedges.load())
    rows = facts.extract_facts({NOTE: note_document(folder)}, declarations)
    read = rows[["value_as_printed", "value", "qualifier", "period_start", "value_line"]]
    assert read.to_dict("records") == [
        {"value_as_printed": "46,000", "value": 46000.0, "qualifier": "approximately",
         "period_start": "2019", "value_line": 1},
        {"value_as_printed": "60", "value": 60.0, "qualifier": "exact",
         "period_start": "2019", "value_line": 1},
    ]  # fmt: skip


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_the_table_draft_reads_the_table_as_drafted(listed):
    folder, _ = listed
    path = folder / "out" / todo.DRAFTS / NOTE / "tables.yaml"
    (table,) = strict_yaml.load(printed_tables.TablesFile, path).tables
    assert (table.name, table.countries) == ("workers_by_country_of_origin", True)
    assert (table.label.printed, table.label.column, table.label.cell) == (
        "Country",
        "country_as_printed",
        "text",
    )
    assert [(c.printed, c.column, c.cell) for c in table.columns] == [
        ("Workers", "workers", "integer"),
        ("Share", "share_pct", "percent"),  # the unit in the name
    ]
    rows = printed_tables.parse(note_document(folder), table)
    assert rows[["country_as_printed", "workers", "share_pct", "line_start"]].values.tolist() == [
        ["Mexico", 27600, 60.0, 6],
        ["Jamaica", 9200, 20.0, 7],
        ["Trinidad and Tobago", 2300, 5.0, 8],
    ]


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_the_tables_schema_is_drafted_from_its_declaration(listed):
    folder, _ = listed
    schema = yaml.safe_load((folder / "out" / todo.DRAFTS / NOTE / TABLE_SCHEMA).read_text())
    assert schema["name"] == "workers_by_country_of_origin"
    assert schema["primary_key"] == ["country_iso3"]
    fields = [field.get("use") or field["name"] for field in schema["fields"]]
    assert fields == [
        "country_iso3",
        "country_as_printed",
        "workers",
        "share_pct",
        "document_id",
        "line_start",
        "line_end",
    ]
    assert [f.get("unit") for f in schema["fields"][2:4]] == ["TODO", "percent"]


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_moved_drafts_publish_their_numbers(listed, tmp_path):
    folder = copy_of(listed[0], tmp_path / "moved")  # with the drafts of the first todo
    drafted = folder / "out" / todo.DRAFTS / NOTE
    for name in ("facts.yaml", "events.yaml"):
        shutil.copy(drafted / name, folder / "declarations" / locate.SOURCES / NOTE / name)
    again = run_main(["todo", NOTE], roots(folder))
    assert again.returncode == 1, again.stderr
    lines = again.stdout.splitlines()
    assert lines[0] == f"{NOTE}: {len(TABLE_ROWS)} number(s) neither published nor skipped"
    assert [line.split(" (", 1)[0] for line in lines[1:-1]] == [
        f'raw/{NOTE}.txt:{line}: "{text}"' for line, text, _ in TABLE_ROWS
    ]
    assert sorted(p.name for p in drafted.iterdir()) == ["tables.yaml", TABLE_SCHEMA]  # rewritten


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_a_broken_declaration_of_another_document_is_left_out(added, tmp_path):
    folder = copy_of(added, tmp_path / "broken")
    sources = folder / "declarations" / locate.SOURCES
    other = next(
        path
        for path in sorted(sources.glob("*/facts.yaml"))
        if path.parent.name != NOTE and "pattern: '" in path.read_text(encoding="utf-8")
    )
    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace("pattern: '", "pattern: 'NO SUCH TEXT ", 1), encoding="utf-8")
    done = run_main(["todo", NOTE], roots(folder))
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        f"{NOTE}: {len(PENDING)} number(s) neither published nor skipped"
    )
    assert done.stderr.startswith(f"{other.parent.name}: locators left out, broken: raw/")
    assert "NO SUCH TEXT" in done.stderr


@pytest.mark.e2e  # todo evaluates the asset graph in a process of its own
def test_a_document_with_nothing_pending_exits_0(added):
    other = next(d for d in snapshot.load_manifest(added / "raw") if d["document_id"] != NOTE)
    done = run_main(["todo", other["document_id"]], roots(added))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"nothing pending: every number of {other['document_id']} is published or skipped\n"
    )


def test_an_unknown_document_is_refused(added):
    done = run_main(["todo", "no_such_document"], roots(added))
    assert done.returncode == 1
    assert done.stderr == (
        "todo failed: raw/manifest.yaml: expected a document of the manifest; "
        "found 'no_such_document'\n"
    )


def test_help_says_the_exit_status(capsys):
    with pytest.raises(SystemExit):
        pipeline_cli.main(["todo", "--help"])
    assert "Exit status 0 when nothing is pending, 1 otherwise." in " ".join(
        capsys.readouterr().out.split()
    )


def test_the_document_is_optional_todo_alone_lists_every_document(monkeypatch):
    called = []
    monkeypatch.setattr(todo, "run", lambda paths, document_id: called.append(document_id) or 0)
    assert pipeline_cli.main(["todo"]) == 0
    assert pipeline_cli.main(["todo", NOTE]) == 0
    assert called == [None, NOTE]


# --- the drafts, on documents of a few lines --------------------------------------------------


def drafted(text: str) -> drafts.Drafts:
    document = RawDocument("d", "raw/d.txt", text)
    return drafts.draft(document, scan.scan(document), hedges.load())


def test_money_with_its_scale_and_printed_currency_and_a_range_as_two_bounds():
    text = drafted("It pledged $1.24 billion USD in aid, and 60-70% of it went to Peru.\n")
    draft = text.files()["facts.yaml"]
    file = strict_yaml.validate(facts.FactsFile, yaml.safe_load(draft), "the draft")
    assert [(f.id, f.unit, f.bound) for f in file.facts] == [
        ("d_line1", "USD", None),
        ("d_line1_2_lower", "percent", "lower"),
        ("d_line1_2_upper", "percent", "upper"),
    ]
    assert r"\$(?P<value>\d+\.\d+) (?P<scale>billion) USD" in file.facts[0].pattern


def test_an_unprinted_currency_is_inferred_and_marked_for_review():
    text = drafted("Canada gave $3 million to the programme.\n").files()["facts.yaml"]
    assert "  unit: CAD\n" in text
    assert "  unit_inferred: true  # TODO: no currency printed with the figure" in text


def test_a_date_in_a_sentence_without_a_statistic_is_drafted_as_an_event():
    text = "Mexico joined the program in June 1974, and the OECS followed in 1976.\n"
    draft = yaml.safe_load(drafted(text).files()["events.yaml"])["events"]
    assert [event["id"] for event in draft] == ["d_line1", "d_line1_2"]
    assert "(?P<date>June \\d+)" in draft[0]["pattern"]
    assert "followed in (?P<date>\\d+)" in draft[1]["pattern"]


def test_a_table_is_named_after_its_caption_and_ends_at_its_closing_line():
    text = "Table 4: Claims by year, 2020\nYear Opened Closed\n2019 12 5\n2020 14 6\nThe end.\n"
    (table,) = yaml.safe_load(drafted(text).files()["tables.yaml"])["tables"]
    assert table["name"] == "claims_by_year"
    # Its rows are labelled by year: the caption's year is a column of another name.
    assert table["caption"] == r"^\s*Table 4: Claims by year, (?P<caption_year>[0-9]{4})\s*$"
    assert table["ends"] == r"^\s*The end\.\s*$"  # no colon: the whole line
    schema = yaml.safe_load(drafted(text).files()["claims_by_year.schema.yaml"])
    assert [field["name"] for field in schema["fields"][:4]] == [
        "year",
        "opened",
        "closed",
        "caption_year",
    ]
    declared = strict_yaml.validate(printed_tables.TablesFile, {"tables": [table]}, "the draft")
    rows = printed_tables.parse(RawDocument("d", "raw/d.txt", text), declared.tables[0])
    assert rows[["year", "opened", "caption_year"]].values.tolist() == [
        [2019, 12, 2020],
        [2020, 14, 2020],
    ]


def test_a_blank_line_between_header_and_first_row_keeps_the_header_and_caption() -> None:
    text = "Claims by year\nYear Opened Closed\n\n2019 12 5\n2020 14 6\nThe end.\n"
    (table,) = yaml.safe_load(drafted(text).files()["tables.yaml"])["tables"]
    assert table["name"] == "claims_by_year"
    assert table["caption"] == r"^\s*Claims by year\s*$"


def test_a_header_that_does_not_split_into_labels_is_left_to_the_maintainer():
    text = "Caption\nYear Count of all Share\n2019 12 5%\n2020 14 6%\nSource: none.\n"
    draft = drafted(text).files()["tables.yaml"]
    assert "  label: {printed: Year, column: year, cell: year}" in draft
    assert "  # TODO: the header's labels, one per column: 'Year Count of all Share'" in draft
    assert "  - {printed: TODO, column: TODO, cell: integer}" in draft
    assert "  - {printed: TODO, column: TODO, cell: percent}" in draft


def test_a_table_ends_at_the_words_of_its_closing_line_up_to_the_colon():
    text = "Caption\nYear Opened Closed\n2019 12 5\n2020 14 6\nSource: none.\n"
    (table,) = yaml.safe_load(drafted(text).files()["tables.yaml"])["tables"]
    assert table["ends"] == r"^\s*Source:"


def test_a_table_alone_in_its_document_is_drafted_without_header_caption_or_end():
    draft = drafted("2019 12 5\n2020 14 6\n").files()["tables.yaml"]
    assert "  # TODO: the header's labels, one per column: ''\n" in draft
    assert "  caption: TODO  # TODO: the caption: none found\n" in draft
    assert "  ends: TODO  # TODO: the line after the last row: none found\n" in draft


def test_an_ordinal_printed_in_digits_is_drafted_as_printed():
    draft = drafted("Mexico was the 3rd largest source in 2019.\n").files()["facts.yaml"]
    (fact,) = yaml.safe_load(draft)["facts"]
    assert "the (?P<value>3rd) largest" in fact["pattern"]


def test_a_table_with_a_year_in_its_caption_has_a_year_field_in_its_draft_schema():
    rows = "Mexico 27,600 60%\nJamaica 9,200 20%\nHaiti 2,300 5%\n"
    text = f"Table 2: Workers by country, 2019\nCountry Workers Share\n{rows}Source: none.\n"
    files = drafted(text).files()
    schema = yaml.safe_load(files["workers_by_country.schema.yaml"])
    assert schema["name"] == "workers_by_country"
    assert (schema["title"], schema["description"], schema["row"]) == ("TODO", "TODO", "TODO")
    assert [f for f in schema["fields"] if f.get("name") == "year"] == [
        {
            "name": "year",
            "type": "integer",
            "unit": "year",
            "description": "Year of the table, read from its caption.",
            "constraints": {"required": True},
        }
    ]


def test_a_series_is_not_drafted_and_says_why():
    document = RawDocument("s", "raw/s.csv", "year,count\n2019,5\n")
    tokens = scan.scan(document)
    draft = drafts.draft(document, tokens, hedges.load())
    assert draft.files() == {}
    assert (
        draft.what(tokens[0]) == "no draft: a series is read by code (pipeline/extract/series.py)"
    )


def test_a_pending_rule_holds_numbers_the_todo_lists():
    rules = accounting.Rules(
        accounting.RULES_FILE,
        (accounting.Rule(id="later", status="pending", reason="not yet", pattern="Later: 9"),),
    )
    document = RawDocument("d", "raw/d.txt", "Later: 9")
    frame = coverage.classify({"d": document}, {}, rules)
    assert [(u.token.text, u.rule) for u in coverage.pending(frame, {"d": document})] == [
        ("9", "later")
    ]


# --- the view a todo evaluates when a document's locators are left out -------------------------


def test_a_view_without_a_document_keeps_its_tables_and_drops_its_projects(tmp_path):
    declarations = Paths.from_env().declarations_dir
    projects = strict_yaml.load(groups.Projects, declarations / groups.PROJECTS).projects
    left = projects[0].primary_document
    view = views.without(declarations, [left], tmp_path / "view")
    kept = {path.name for path in (view / locate.SOURCES / left).iterdir()}
    assert kept == {
        path.name
        for path in (declarations / locate.SOURCES / left).iterdir()
        if path.stem in views.TABLES
    }
    loaded = groups.load_projects(view)
    assert all(p.primary_document != left for p in loaded.projects)
    assert projects[0].project_id not in {
        d.project for source in loaded.descriptions for d in source.declarations.descriptions
    }
    assert events.load_events(view)  # the other documents' declarations read as they are
    assert views.document_of(f"raw/{left}.txt", {left: f"raw/{left}.txt"}) == left
    assert views.document_of(str(view / locate.SOURCES / left / "facts.yaml"), {left: ""}) == left
    assert views.document_of(str(view / groups.PROJECTS), {left: ""}) is None


def test_a_number_a_rule_holds_is_listed_as_held_by_a_pending_rule_unless_told_otherwise():
    document = RawDocument("d", "raw/d.txt", "Later we saw 9 boats.\n")
    draft = drafts.draft(document, scan.scan(document), hedges.load())
    (token,) = scan.scan(document)
    held = [coverage.Unpublished(token, "raw/d.txt", "later")]
    (line,) = draft.listed(document, held)
    assert line == 'raw/d.txt:1: "9" (fact d_line1, pending rule later): Later we saw 9 boats.'
    (line,) = draft.listed(document, held, held_by="skipped as a date by rule")
    assert "(fact d_line1, skipped as a date by rule later)" in line


def test_lines_whose_numbers_are_followed_by_words_are_no_table():
    files = drafted("Apples 12 5 kg\nPears 14 6 kg\n").files()
    assert sorted(files) == ["facts.yaml"]


def test_a_second_table_of_a_document_is_numbered_2():
    table = "Claims by year\nYear Opened Closed\n2019 12 5\n2020 14 6\nThe end.\n"
    tables = yaml.safe_load(drafted(f"{table}\n{table}").files()["tables.yaml"])["tables"]
    assert [table["name"] for table in tables] == ["claims_by_year", "claims_by_year_2"]


def test_tables_of_different_captions_keep_their_names():
    first = "Claims by year\nYear Opened Closed\n2019 12 5\n2020 14 6\nThe end.\n"
    second = first.replace("Claims by year", "Visas by year")
    tables = yaml.safe_load(drafted(f"{first}\n{second}").files()["tables.yaml"])["tables"]
    assert [table["name"] for table in tables] == ["claims_by_year", "visas_by_year"]


@pytest.mark.parametrize(
    ("label", "rows", "column", "kind"),
    [
        ("Item", "Apples 12 5\nPears 14 6\n", "item_as_printed", "string"),
        ("Year", "2019 12 5\n2020 14 6\n", "year", "integer"),
    ],
)
def test_a_tables_label_field_is_a_string_of_text_labels_and_an_integer_of_years(
    label, rows, column, kind
):
    text = f"Caption\n{label} Opened Closed\n{rows}Source: none.\n"
    schema = yaml.safe_load(drafted(text).files()["caption.schema.yaml"])
    assert schema["fields"][0] == {"name": column, "type": kind, "description": "TODO"}


def test_an_evaluation_that_fails_is_reported_with_its_last_line_of_stderr(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(todo, "EVALUATION", "import sys; sys.exit('first\\nthe last line')")
    assert todo.run(Paths(REPO / "raw", tmp_path / "out"), None) == 1
    assert capsys.readouterr().err == (
        "todo failed: the asset graph could not be evaluated: the last line\n"
    )


def test_an_evaluation_stopped_by_a_source_error_writes_the_error_and_its_file(
    raw_copy, tmp_path, monkeypatch
):
    """`evaluate` (run in a process of its own by todo) writes the error and the file it
    names, from which todo tells which document's declarations to leave out."""
    manifest = snapshot.load_manifest(raw_copy)
    edited = raw_copy / Path(manifest[0]["raw_path"]).name
    edited.write_bytes(edited.read_bytes() + b"\n")  # unlike its recorded checksum
    monkeypatch.setenv("CLM_RAW_DIR", str(raw_copy))
    found = tmp_path / "found.json"
    todo.evaluate(str(found))
    result = json.loads(found.read_text(encoding="utf-8"))
    assert result["path"] == manifest[0]["raw_path"]
    assert result["error"].startswith(f"{manifest[0]['raw_path']}: expected sha256 ")


def test_the_numbers_skipped_as_dates_are_those_a_dates_rule_holds(tables, documents):
    frame = tables["number_coverage"]
    rules = accounting.load_rules()
    date_rules = {rule.id for rule in rules.rules if rule.dates}
    held = frame[frame["accounted_by"].isin({f"rule:{rule}" for rule in date_rules})]
    found = coverage.dated(frame, documents, rules)
    assert not held.empty
    assert sorted((u.token.document_id, u.token.line, u.token.column) for u in found) == sorted(
        zip(held["document_id"], held["line"], held["column_number"], strict=True)
    )
    assert {u.rule for u in found} <= date_rules


def test_the_graph_finds_nothing_pending_in_the_sources_and_their_dates_as_classified(
    tables, documents, tmp_path
):
    """`graph.unpublished` (what todo's evaluation runs), on the repository's sources: nothing
    pending (the build would stop), and the dates those a dates rule holds in the coverage."""
    pending, dated = graph.unpublished(Paths(REPO / "raw", tmp_path))
    expected = coverage.dated(tables["number_coverage"], documents, accounting.load_rules())
    assert pending == [] and expected
    assert dated == expected
    assert list(tmp_path.iterdir()) == []  # evaluated in memory: nothing written
