"""The generic parser of declared printed tables, on small tables written for the test; then
every table the declarations declare, on the real documents."""

from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path

import pytest
import yaml

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import printed_tables
from pipeline.extract.printed_tables import PrintedTable
from pipeline.sources.text import RawDocument

HARVEST = """\
Some prose before the table, 1999 in it.
Table 7: “Harvests of Ruritania, 2021”

Region Wheat (tonnes) Share
(2020)

North Hills 1,200 12.5%
South Plain 950 9%
*Source: a ministry.
"""
HARVEST_TABLE = """
name: harvests
caption: '^Table 7: “.+, (?P<harvest_year>[0-9]{4})”$'
label: {printed: Region, column: region_as_printed, cell: text}
columns:
- {printed: Wheat (tonnes), column: wheat_t, cell: integer}
- {printed: Share, column: share_pct, cell: percent, as_printed: share_as_printed}
in_header: '\\((?P<share_year>[0-9]{4})\\)'
ends: '^\\*Source'
order: printed_order
"""
STOCKS = """\
Table 2: “Claims, Mar 2018 – June 2020”
Year Opened Closed
Pending

2018 10 4 6
2019 20 5 21

2020 (June) 3 4 20
Source: a board.
"""
STOCKS_TABLE = """
name: claims
caption: '^Table 2: “Claims, (?P<period_from>[A-Z][a-z]+ [0-9]{4}) – .+”$'
label: {printed: Year, column: year, cell: year_to_month}
columns:
- {printed: Opened, column: opened, cell: integer}
- {printed: Closed, column: closed, cell: integer}
- {printed: Pending, column: pending, cell: integer}
ends: '^Source:'
balance: {column: unexplained, previous: pending, add: [opened], subtract: [closed, pending]}
"""


def table(declaration: str) -> PrintedTable:
    return PrintedTable.model_validate(yaml.safe_load(declaration))


def doc(text: str) -> RawDocument:
    return RawDocument("note", "raw/note.txt", text)


def refusal(text: str, declaration: str) -> SourceError:
    with pytest.raises(SourceError) as error:
        printed_tables.parse(doc(text), table(declaration))
    assert error.value.path == "raw/note.txt"
    return error.value


def test_a_table_is_read_by_its_declaration_with_the_line_of_each_row():
    frame = printed_tables.parse(doc(HARVEST), table(HARVEST_TABLE))
    assert frame.to_dict("records") == [
        {
            "region_as_printed": "North Hills",
            "printed_order": 1,
            "wheat_t": 1200,
            "share_pct": 12.5,
            "share_as_printed": "12.5%",
            "harvest_year": 2021,
            "share_year": 2020,
            "document_id": "note",
            "line_start": 7,
            "line_end": 7,
        },
        {
            "region_as_printed": "South Plain",
            "printed_order": 2,
            "wheat_t": 950,
            "share_pct": 9.0,
            "share_as_printed": "9%",
            "harvest_year": 2021,
            "share_year": 2020,
            "document_id": "note",
            "line_start": 8,
            "line_end": 8,
        },
    ]


def test_cells_follow_the_printed_header_not_the_declared_order():
    swapped = HARVEST.replace("Region Wheat (tonnes) Share", "Region Share Wheat (tonnes)")
    swapped = swapped.replace("1,200 12.5%", "12.5% 1,200").replace("950 9%", "9% 950")
    frame = printed_tables.parse(doc(swapped), table(HARVEST_TABLE))
    assert frame["wheat_t"].tolist() == [1200, 950]


def test_rows_may_follow_the_header_without_a_blank_line():
    packed = HARVEST.replace("(2020)\n\n", "")
    declaration = HARVEST_TABLE.replace("in_header: '\\((?P<share_year>[0-9]{4})\\)'\n", "")
    frame = printed_tables.parse(doc(packed), table(declaration))
    assert frame["line_start"].tolist() == [5, 6]
    assert "share_year" not in frame


def test_year_rows_get_periods_from_the_caption_and_their_month_and_a_balance():
    frame = printed_tables.parse(doc(STOCKS), table(STOCKS_TABLE))
    assert frame["period_start"].tolist() == ["2018-03-01", "2019-01-01", "2020-01-01"]
    assert frame["period_end"].tolist() == ["2018-12-31", "2019-12-31", "2020-06-30"]
    assert frame["line_start"].tolist() == [5, 6, 8]
    # pending last year + opened - closed - pending this year; nothing before the first row
    assert frame["unexplained"].isna().tolist() == [True, False, False]
    assert frame["unexplained"].tolist()[1:] == [6 + 20 - 5 - 21, 21 + 3 - 4 - 20]


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("Table 7:", "Tableau 7:", None, "one caption of harvests matching"),
        ("Some prose", "Table 7: “Harvests of Ruritania, 2021”\nSome prose", 3, "one caption"),
        ("Region Wheat", "Area Wheat", 2, "the header of harvests ('Region ...')"),
        ("Wheat (tonnes) Share", "Wheat (tonnes) Part", 4, "a header of harvests made of"),
        ("Wheat (tonnes) Share", "Wheat (tonnes) Share Share", 4, "a header of harvests made of"),
        ("(2020)", "(in 2020)", 4, "the header of harvests to print"),
        ("South Plain 950 9%", "South Plain 950", 8, "a row of harvests: a text label"),
        ("South Plain 950 9%", "950 9% South Plain", 8, "a row of harvests"),
        ("South Plain 950 9%", "South Plain 950 9", 8, "percent in column share_pct"),
        ("South Plain 950 9%", "South Plain 9.5% 9%", 8, "integer in column wheat_t"),
        ("South Plain 950 9%", "South Plain 9,50 9%", 8, "integer in column wheat_t"),
        ("*Source: a ministry.", "", 10, "the line closing harvests"),
        ("North Hills 1,200 12.5%\nSouth Plain 950 9%", "", 5, "at least one row"),
    ],
)
def test_a_table_printed_otherwise_is_refused_naming_its_line(old, new, line, expected):
    error = refusal(HARVEST.replace(old, new), HARVEST_TABLE)
    assert error.line == line, str(error)
    assert error.expected.startswith(expected), str(error)


def test_a_refused_header_is_quoted_as_printed_after_its_label():
    error = refusal(HARVEST.replace("Wheat (tonnes) Share", "Wheat (tonnes) Part"), HARVEST_TABLE)
    assert (error.line, error.found) == (4, "Wheat (tonnes) Part")
    # A header without its in_header text is quoted whole, its lines joined.
    error = refusal(HARVEST.replace("(2020)", "(in 2020)"), HARVEST_TABLE)
    assert (error.line, error.found) == (4, "Wheat (tonnes) Share (in 2020)")


def test_a_year_label_is_a_number_and_gives_no_period():
    years = STOCKS_TABLE.replace("year_to_month", "year").replace("(?P<period_from>", "(?P<from>")
    frame = printed_tables.parse(doc(STOCKS.replace(" (June)", "")), table(years))
    assert frame["year"].tolist() == [2018, 2019, 2020]
    assert "period_start" not in frame


def test_a_year_row_with_no_month_name_is_refused():
    error = refusal(STOCKS.replace("(June)", "(Juin)"), STOCKS_TABLE)
    assert (error.line, error.found) == (8, "2020 (Juin) 3 4 20")
    assert error.expected == "a year and a month name, e.g. '2020 (March)'"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("950 9%", "950 9", "percent in column share_pct ('Share'), with a % sign"),
        ("950 9%", "9% 9%", "integer in column wheat_t ('Wheat (tonnes)'), without a % sign"),
    ],
)
def test_a_cell_of_another_kind_names_its_column_and_the_sign(old, new, expected):
    error = refusal(HARVEST.replace(old, new), HARVEST_TABLE)
    assert (error.line, error.expected) == (8, expected)


def test_a_document_ending_inside_the_header_names_a_line():
    error = refusal(HARVEST.split("\n\nNorth")[0], HARVEST_TABLE)
    assert error.line == 5  # the last line


def test_a_caption_period_that_is_no_month_is_refused():
    error = refusal(STOCKS.replace("Mar 2018", "Mxr 2018"), STOCKS_TABLE)
    assert error.line == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("cell: integer", "cell: integr"), "cell"),
        (("ends:", "end:"), "end"),
        (("caption: '^Table 7", "caption: '(^Table 7"), "not a regular expression"),
    ],
)
def test_a_bad_declaration_is_refused_when_loaded(tmp_path: Path, edit, message):
    path = tmp_path / "tables.yaml"
    declaration = textwrap.indent(HARVEST_TABLE.strip(), "  ").replace("  name:", "- name:", 1)
    path.write_text("tables:\n" + declaration.replace(*edit, 1))
    with pytest.raises(SourceError, match=message):
        strict_yaml.load(printed_tables.TablesFile, path)


def declarations_folder(root: Path, tables: dict[str, str]) -> Path:
    """A declarations folder whose documents declare `tables` (document id -> tables.yaml)."""
    (root / "sources.yaml").write_text("order: []\n")
    for document_id, text in tables.items():
        (root / "sources" / document_id).mkdir(parents=True)
        (root / "sources" / document_id / "tables.yaml").write_text(text)
    return root


def listed(*declarations: str) -> str:
    items = [
        textwrap.indent(d.strip(), "  ").replace("  name:", "- name:", 1) for d in declarations
    ]
    return "tables:\n" + "\n".join(items) + "\n"


def test_every_declared_table_of_every_document_is_loaded_in_document_order(tmp_path: Path):
    root = declarations_folder(
        tmp_path, {"a_note": listed(HARVEST_TABLE), "b_note": listed(STOCKS_TABLE)}
    )
    loaded = printed_tables.load_tables(root)
    assert [(d.source.document_id, d.table.name) for d in loaded] == [
        ("a_note", "harvests"),
        ("b_note", "claims"),
    ]
    with pytest.raises(SourceError, match="a folder named after a document"):
        loaded[0].read({})


def test_a_table_name_declared_twice_is_refused_naming_the_line(tmp_path: Path):
    root = declarations_folder(
        tmp_path, {"a_note": listed(HARVEST_TABLE), "b_note": listed(HARVEST_TABLE)}
    )
    with pytest.raises(SourceError, match="a table name declared once") as error:
        printed_tables.load_tables(root)
    assert error.value.path.endswith("b_note/tables.yaml") and error.value.line == 2


# --- the real documents: every declared table ---------------------------------------------------


@pytest.mark.parametrize("declared", printed_tables.load_tables(), ids=lambda d: d.table.name)
def test_every_declared_table_prints_each_cell_on_the_line_of_its_row(declared, documents):
    frame = declared.read(documents)
    assert len(frame) > 0
    doc = documents[declared.source.document_id]
    for row in frame.to_dict("records"):
        tokens = doc.line(row["line_start"]).split()
        for column in declared.table.columns:
            assert row[column.column] in readable(tokens, column.cell), (column.column, row)
            if column.as_printed:
                assert row[column.as_printed] in tokens


def readable(tokens: list[str], cell: str) -> list[float | int]:
    """The values of the tokens that read as cells of a kind."""
    values = []
    for token in tokens:
        with contextlib.suppress(ValueError):
            values.append(printed_tables.cell_value(token, cell))
    return values
