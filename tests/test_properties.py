"""Property-based tests (Hypothesis) of the parsers: the number normaliser, the locator engine
and the three table parsers. For any text, and for the real tables with random edits, the
outcome is a correct parse or a SourceError naming the file and a line of it, never any other
exception; numbers printed as the sources print them read back to themselves.

Example counts are modest so that `make test` stays fast (`EXAMPLES` below, per property);
`HYPOTHESIS_PROFILE=thorough` runs 20 times as many, with Hypothesis' example database.
The default profile is derandomized: every run tries the same examples.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.errors import SourceError
from pipeline.extract import facts, locate, printed_tables, resettlement, roxham_road
from pipeline.extract.numbers import INTEGER, MAX_DIGITS, parse_decimal, parse_integer
from pipeline.sources.text import RawDocument
from tests.conftest import edit_document

settings.register_profile(
    "default",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)
SCALE = 20 if PROFILE == "thorough" else 1
EXAMPLES = {"numbers": 200, "text": 100, "locate": 60, "tables": 60, "edits": 80, "facts": 30}


def examples(kind: str) -> settings:
    return settings(max_examples=EXAMPLES[kind] * SCALE)


# --- numbers ------------------------------------------------------------------------------------


@examples("numbers")
@given(st.integers(min_value=0, max_value=10**MAX_DIGITS - 1))
def test_a_printed_integer_reads_back_to_itself(n: int):
    assert parse_integer(f"{n:,}") == n
    assert parse_integer(str(n)) == n
    assert facts.number_of(f"${n:,}") == n


@examples("numbers")
@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=0, max_value=9999),
    st.booleans(),
    st.booleans(),
)
def test_a_printed_decimal_reads_back_to_itself(whole, places, fraction, grouped, percent):
    digits = f"{fraction:04d}"[:places]
    printed = f"{whole:,}" if grouped else str(whole)
    printed += f".{digits}" if places else ""
    printed += "%" if percent else ""
    value = parse_decimal(printed)
    assert value == float(Decimal(printed.rstrip("%").replace(",", "")))
    reprinted = f"{value:{',' if grouped else ''}.{places}f}" + ("%" if percent else "")
    assert reprinted == printed
    assert facts.number_of(printed) == value


UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
UNITS += "fifteen sixteen seventeen eighteen nineteen"
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spelled(n: int, joiner: str = "-") -> str:
    """English words for 0 <= n < 1000, as prose prints them ('sixty-five')."""
    if n >= 100:
        rest = n % 100
        head = f"{UNITS.split()[n // 100]} hundred"
        return head if rest == 0 else f"{head} and {spelled(rest, joiner)}"
    if n < 20:
        return UNITS.split()[n]
    tens, units = divmod(n, 10)
    return TENS[tens] + (f"{joiner}{UNITS.split()[units]}" if units else "")


@examples("numbers")
@given(st.integers(min_value=0, max_value=999), st.sampled_from(["-", " "]), st.booleans())
def test_a_number_in_words_reads_back_to_itself(n: int, joiner: str, capital: bool):
    words = spelled(n, joiner)
    assert facts.number_of(words.capitalize() if capital else words) == n


@examples("text")
@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_value_error(text: str):
    for parse in (parse_integer, parse_decimal, facts.number_of):
        try:
            value = parse(text)
        except ValueError:
            continue
        assert math.isfinite(value)
        assert re.fullmatch(r"[\d,.%$\s\\a-z-]*", text, re.ASCII | re.IGNORECASE), text


# --- the locator engine -------------------------------------------------------------------------

LINE_PIECES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "well-", "managed flows.", "1,234 people.", "Next", "• item"]),
)
DOCUMENT_TEXT = st.lists(LINE_PIECES, max_size=25).map("\n".join)


def document(text: str) -> RawDocument:
    return RawDocument("d", "raw/d.txt", text)


def assert_names_the_file_and_a_line(error: SourceError, doc: RawDocument) -> None:
    assert error.path == doc.path
    assert error.line is None or 1 <= error.line <= len(doc.lines), error


@examples("locate")
@given(DOCUMENT_TEXT, st.data())
def test_every_flat_offset_maps_back_to_a_line_holding_that_character(text: str, data):
    doc = document(text)
    flat = doc.flat_text
    assume(flat.strip())
    offset = data.draw(st.integers(min_value=0, max_value=len(flat) - 1))
    line = doc.line_at(offset)
    assert 1 <= line <= len(doc.lines)
    if not flat[offset].isspace():
        assert flat[offset] in doc.line(line)


@examples("locate")
@given(DOCUMENT_TEXT, st.data())
def test_a_locator_matches_once_with_its_lines_or_names_the_file(text: str, data):
    doc = document(text)
    flat = doc.flat_text
    start = data.draw(st.integers(min_value=0, max_value=max(len(flat) - 1, 0)))
    length = data.draw(st.integers(min_value=1, max_value=12))
    piece = flat[start : start + length] or "x"
    after = data.draw(st.none() | st.just(flat[:start][-8:] or "y"))
    locator = locate.Locator(
        id="random",
        pattern=f"(?P<value>{re.escape(piece)})",
        after=re.escape(after) if after else None,
        lines=data.draw(st.integers(min_value=0, max_value=5)) if after else None,
    )
    try:
        match = locate.locate(doc, locator)
    except SourceError as error:
        assert_names_the_file_and_a_line(error, doc)
        return
    assert match.groups["value"] == piece
    assert piece in match.quote
    assert 1 <= match.line_start <= match.group_lines["value"] <= match.line_end <= len(doc.lines)


def all_fact_locators() -> list[tuple[str, facts.Fact]]:
    declared = facts.load_facts()
    return [(s.document_id, fact) for s in declared.sources for fact in s.declarations.facts]


# --- the three tables: any text ------------------------------------------------------------------

# Every declared printed table (read by the generic parser), and Table 2 by its own parser.
DECLARED = {d.table.name: d.table for d in printed_tables.load_tables()}
DOCUMENT_OF = {d.table.name: d.source.document_id for d in printed_tables.load_tables()}
ROXHAM_ROAD = "roxham_road"
PARSERS: dict[str, Callable[[RawDocument], object]] = {
    **{name: functools.partial(printed_tables.parse, table=t) for name, t in DECLARED.items()},
    ROXHAM_ROAD: roxham_road.parse_roxham_road,
}
DOCUMENT_OF[ROXHAM_ROAD] = "working_paper_2020"


def table_region(doc: RawDocument, table: str) -> tuple[int, int]:
    """First and last line of a table in its real document (caption to closing line)."""
    if table == ROXHAM_ROAD:
        start, _ = roxham_road.find_caption(doc, 2)
        return start, doc.find_line(r"^\*Source", "closing line", start=start)
    declared = DECLARED[table]
    start = doc.find_line(declared.caption, "caption")
    return start, doc.find_line(declared.ends, "closing line", start=start)


@pytest.fixture(scope="module")
def table_lines(documents: dict[str, RawDocument]) -> dict[str, list[str]]:
    lines = {}
    for table in PARSERS:
        doc = documents[DOCUMENT_OF[table]]
        first, last = table_region(doc, table)
        lines[table] = doc.lines[first - 1 : last]
    return lines


def parse_or_source_error(parse: Callable, doc: RawDocument) -> object | None:
    try:
        return parse(doc)
    except SourceError as error:
        assert_names_the_file_and_a_line(error, doc)
        return None


@st.composite
def table_like_text(draw, lines: list[str]) -> str:
    """Text shaped like a table: each of its lines kept, dropped, replaced by a soup of the
    table's tokens or by any text, or followed by such a line."""
    tokens = sorted({token for line in lines for token in line.split()})
    soup = st.lists(st.sampled_from(tokens), min_size=1, max_size=10).map(" ".join)
    other = st.one_of(soup, st.text(max_size=20), st.sampled_from(lines))
    out: list[str] = []
    for line in lines:
        fate = draw(st.sampled_from(["keep"] * 6 + ["drop", "replace", "add"]))
        if fate in {"keep", "add"}:
            out.append(line)
        if fate in {"replace", "add"}:
            out.append(draw(other))
    return "\n".join(out)


@pytest.mark.parametrize("table", PARSERS)
def test_any_text_shaped_like_a_table_parses_or_names_a_line(table, table_lines):
    @examples("tables")
    @given(table_like_text(table_lines[table]))
    def check(text: str) -> None:
        doc = RawDocument("working_paper_2020", "raw/paper.txt", text)
        result = parse_or_source_error(PARSERS[table], doc)
        if result is not None:
            assert_read_from_the_cited_lines(table, result, doc)

    check()


@examples("text")
@given(st.text())
def test_any_text_at_all_parses_or_names_a_line(text: str):
    doc = RawDocument("working_paper_2020", "raw/paper.txt", text)
    for parse in PARSERS.values():
        parse_or_source_error(parse, doc)


# --- the three tables: the real text with random edits ------------------------------------------

DIGIT = re.compile(r"[0-9]")
EDIT = st.tuples(
    st.sampled_from(["drop", "duplicate", "swap", "digit", "junk", "line", "cut"]),
    st.integers(min_value=0, max_value=10_000),  # which line of the table (modulo its length)
    st.integers(min_value=0, max_value=10_000),  # where in the line
    st.text(min_size=1, max_size=8) | st.sampled_from(["%", ",", "1,2", "(", "Total", "7"]),
)
EDITS = st.lists(EDIT, min_size=1, max_size=3)


def apply_edits(doc: RawDocument, region: tuple[int, int], edits: list[tuple]) -> RawDocument:
    """`doc` with `edits` made among the lines of `region` (first and last line): drop,
    duplicate or swap a line, replace a digit (with the first character of the junk if it is a
    digit, else the next digit), insert the junk in a line or as a line, or end the file."""
    lines = list(doc.lines)
    for edit, which, where, junk in edits:
        last = min(region[1], len(lines) - 1)  # a line after it exists (for swap)
        if last < region[0]:
            break
        at = region[0] - 1 + which % (last - region[0] + 1)
        line = lines[at]
        if edit == "cut":
            del lines[at + 1 :]
        elif edit == "drop":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, line)
        elif edit == "swap":
            lines[at], lines[at + 1] = lines[at + 1], line
        elif edit == "digit" and (digits := [m.start() for m in DIGIT.finditer(line)]):
            pos = digits[where % len(digits)]
            new = junk[0] if junk[0].isdigit() else str((int(line[pos]) + 1) % 10)
            lines[at] = line[:pos] + new + line[pos + 1 :]
        elif edit == "line":
            lines.insert(at, junk)
        elif edit == "junk":
            pos = where % (len(line) + 1)
            lines[at] = line[:pos] + junk + line[pos:]
    return RawDocument(doc.document_id, doc.path, "\n".join(lines))


@pytest.mark.parametrize("table", PARSERS)
def test_a_table_with_random_edits_parses_correctly_or_names_a_line(table, documents):
    paper = documents[DOCUMENT_OF[table]]
    region = table_region(paper, table)

    @examples("edits")
    @given(EDITS)
    def check(edits: list[tuple]) -> None:
        doc = apply_edits(paper, region, edits)
        result = parse_or_source_error(PARSERS[table], doc)
        if result is not None:
            assert_read_from_the_cited_lines(table, result, doc)

    check()


def printed_numbers(text: str) -> list[float]:
    """Every number printed on a line, as the parsers read them."""
    found = re.findall(rf"(?:{INTEGER})(?:\.[0-9]+)?%?", text)
    return [parse_decimal(n) for n in found]


def assert_read_from_the_cited_lines(table: str, result: object, doc: RawDocument) -> None:
    """A correct parse: every value of every row is printed on the line the row cites."""
    frames = result if isinstance(result, tuple) else (result,)
    if table == ROXHAM_ROAD:
        value_columns = ["claims", "total_claims"]
    else:
        declared = DECLARED[table]
        value_columns = [column.column for column in declared.columns]
        value_columns += [] if declared.label.cell == "text" else [declared.label.column]
    for frame in frames:
        assert isinstance(frame, pd.DataFrame) and len(frame) > 0
        for row in frame.to_dict("records"):
            text = doc.line(row["line_start"])
            numbers = printed_numbers(text)
            for column in value_columns:
                if column in row:
                    assert float(row[column]) in numbers, (column, row[column], text)
            if "country_as_printed" in row:  # read with its spaces normalised
                assert row["country_as_printed"] in " ".join(text.split())


# --- prose: facts and the resettlement paragraph, the real documents with random edits --------


@pytest.fixture(scope="module")
def prose_declarations():
    return facts.load_facts(), resettlement.load_resettlement_by_region()


def test_prose_with_random_edits_reads_or_names_the_file(documents, prose_declarations):
    fact_declarations, paragraphs = prose_declarations

    @examples("facts")
    @given(st.sampled_from(sorted(documents)), EDITS)
    def check(document_id: str, edits: list[tuple]) -> None:
        doc = documents[document_id]
        edited = {**documents, document_id: apply_edits(doc, (1, len(doc.lines)), edits)}
        try:
            frame = facts.extract_facts(edited, fact_declarations)
            regions = resettlement.extract_resettlement_by_region(edited, paragraphs)
        except SourceError as error:
            assert error.path == doc.path
            assert error.line is None or 1 <= error.line <= len(edited[document_id].lines)
            return
        assert len(frame) == sum(len(s.declarations.facts) for s in fact_declarations.sources)
        assert frame["value"].map(math.isfinite).all()
        assert (regions["resettled"] >= 0).all()

    check()


# --- what Hypothesis found, kept as plain tests so that every run tries them -------------------


@pytest.mark.parametrize("table", DECLARED)
def test_a_document_ending_right_after_a_table_header_names_a_line(documents, table):
    declared, paper = DECLARED[table], documents[DOCUMENT_OF[table]]
    caption = paper.find_line(declared.caption, "caption")
    line = paper.find_line(rf"^\s*{re.escape(declared.label.printed)}\s", "header", start=caption)
    cut = RawDocument(paper.document_id, paper.path, "\n".join(paper.lines[:line]))
    with pytest.raises(SourceError) as error:
        printed_tables.parse(cut, declared)
    assert error.value.line == line


def test_number_words_are_read_as_numbers_not_added_up():
    assert facts.number_of("one hundred") == 100
    assert facts.number_of("Two hundred and five") == 205
    for malformed in ("five five", "twenty thirty", "hundred", "two hundred and", "sixty-zero"):
        with pytest.raises(ValueError):
            facts.number_of(malformed)


def test_a_passage_ending_with_the_space_before_a_bullet_is_quoted_whole():
    doc = document("000000\n•")
    match = locate.locate(doc, locate.Locator(id="x", pattern="(?P<value>000000 )"))
    assert match.quote == "000000 "


def test_a_month_that_is_no_month_names_the_totals_line(paper):
    bad = edit_document(paper, "(Apr-Dec)", "(Abc-Dec)")
    with pytest.raises(SourceError, match="periods of month names") as error:
        roxham_road.parse_roxham_road(bad)
    assert "Totals" in paper.line(error.value.line)
