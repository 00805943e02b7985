"""What reconciliation rules read (pipeline/reconcile/inputs.py), on small tables: every value
with the lines it was printed on, and every input that is missing, selects nothing or is
undefined refused with a message naming it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.reconcile.inputs import Inputs, RuleError
from pipeline.reconcile.rules import (
    FactMonth,
    FactShare,
    FactValue,
    LatestMonth,
    TableSum,
    TableValue,
    TextMonth,
    YearOf,
)

NAN = math.nan


def tables(**changes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    facts = pd.DataFrame(
        {
            "fact_id": ["f", "open"],
            "value": [6.0, 2.0],
            "period_start": ["2017-03", NAN],
            "period_end": ["2019-12", NAN],
            "document_id": ["d", "d"],
            "line_start": [10, 12],
            "line_end": [11, 12],
        }
    )
    texts = pd.DataFrame(
        {
            "text_id": ["month", "word"],
            "text": ["June 2016", "soon"],
            "document_id": ["d", "d"],
            "line_start": [20, 21],
            "line_end": [20, 21],
        }
    )
    t = pd.DataFrame(
        {
            "year": [2019, 2019, 2020],
            "n": [5.0, 7.0, NAN],
            "total": [12.0, 12.0, 3.0],
            "date": ["2019-05-01", "2019-11", "2020"],
            "document_id": ["d", "e", "d"],
            "line_start": [30, 40, 32],
            "line_end": [30, 41, 32],
        }
    )
    return {"facts": facts, "texts": texts, "t": t, **changes}


@pytest.fixture
def reader():
    return Inputs(tables()).reader()


def test_values_are_read_with_their_lines(reader):
    assert reader.quantity(FactValue(fact="f", divided_by=2)) == 3.0
    assert reader.quantity(FactValue(fact="f", times_years_of_period=True)) == 18.0  # 3 years
    assert reader.quantity(TableValue(table="t", value_of="total", where={"year": 2019})) == 12.0
    assert reader.quantity(TableSum(table="t", sum_of="n", where={"year": [2019]})) == 12.0
    assert reader.quantity(4.5) == 4.5
    assert reader.side(FactShare(fact="f", times=0.5)) == 3.0
    assert reader.month(TextMonth(text="month")) == 201606
    assert reader.month(FactMonth(fact="f", period="start")) == 201703
    # Table rows first (per table and document, in order), then each fact and text read.
    assert reader.lines() == [
        ("d", 30, 30),
        ("e", 40, 41),
        *[("d", 10, 11)] * 4,  # f, f and its period's years, the share of f
        ("d", 20, 20),
        ("d", 10, 11),
    ]


def test_rows_of_each_read_are_inputs(reader):
    reader.quantity(TableValue(table="t", value_of="total", where={"year": 2020}))
    reader.quantity(TableValue(table="t", value_of="total", where={"year": 2019}))
    assert reader.lines() == [("d", 30, 32), ("e", 40, 41)]


def test_a_fact_year_selects_the_rows_of_that_year():
    inputs = Inputs(tables())
    assert list(inputs.select("t", {"year": YearOf(year_of="f")}).index) == [0, 1]


def lines_read_from(table: pd.DataFrame) -> list[tuple[str, int, int]]:
    """The lines a rule cites after summing a column of every row of `table`."""
    reader = Inputs(tables(p=table)).reader()
    reader.quantity(TableSum(table="p", sum_of="n"))
    return reader.lines()


def test_rows_without_provenance_add_no_lines():
    assert lines_read_from(pd.DataFrame({"n": [1.0]})) == []
    one_line = pd.DataFrame({"n": [1.0, 2.0], "document_id": ["d", "d"], "line": [3, 5]})
    assert lines_read_from(one_line) == [("d", 3, 5)]


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda r: r.fact("nope"), "no fact 'nope' in the facts table"),
        (lambda r: r.text("nope"), "no text 'nope' in the texts table"),
        (lambda r: r.quantity(TableSum(table="u", sum_of="n")), "no table 'u'"),
        (
            lambda r: r.quantity(TableSum(table="t", sum_of="m")),
            "table 't' has no column 'm'",
        ),
        (
            lambda r: r.quantity(TableSum(table="t", sum_of="n", where={"year": 1900})),
            "t: where {'year': 1900} selects no row",
        ),
        (
            lambda r: r.quantity(TableSum(table="t", sum_of="n")),
            "t.n has an undefined value to sum",
        ),
        (
            lambda r: r.quantity(TableValue(table="t", value_of="total")),
            "t.total holds 2 values in the selected rows, not one",
        ),
        (
            lambda r: r.quantity(TableValue(table="t", value_of="n", where={"year": 2020})),
            "t.n is undefined (nan)",
        ),
        (
            lambda r: r.quantity(FactValue(fact="open", times_years_of_period=True)),
            "fact 'open' states no period",
        ),
        (lambda r: r.month(TextMonth(text="word")), "text 'word' is not a month and year"),
        (
            lambda r: r.month(FactMonth(fact="open", period="end")),
            "the period end of fact 'open' states no month (nan)",
        ),
        (lambda r: r.month(LatestMonth(table="t", latest="date")), "t.date states no month (2020)"),
        (lambda r: r.number({"a": 1}, "b", "2019"), "no column 'b'"),
        (lambda r: r.number({"a": NAN}, "a", "2019"), "a of scope '2019' is undefined (nan)"),
    ],
)
def test_an_input_that_is_missing_or_undefined_is_refused(reader, read, message):
    with pytest.raises(RuleError) as error:
        read(reader)
    assert str(error.value) == message


def test_a_latest_month_of_an_undefined_date_is_refused():
    t = tables()["t"].assign(date=["2019-05-01", None, "2020-02"])
    with pytest.raises(RuleError) as error:
        Inputs(tables(t=t)).reader().month(LatestMonth(table="t", latest="date"))
    assert str(error.value) == "t.date has an undefined date"
    latest = Inputs(tables(t=t.assign(date=["2019-05-01", "2021-01", "2020-02"]))).reader()
    assert latest.month(LatestMonth(table="t", latest="date")) == 202101


def test_a_fact_year_of_a_fact_without_period_is_refused():
    with pytest.raises(RuleError) as error:
        Inputs(tables()).select("t", {"year": YearOf(year_of="open")})
    assert str(error.value) == "fact 'open' states no period"


def test_an_empty_table_selects_no_row():
    with pytest.raises(RuleError) as error:
        Inputs(tables(t=tables()["t"].iloc[:0])).select("t", {})
    assert str(error.value) == "t: the table selects no row"


def test_lines_of_rows_keep_the_order_the_documents_appear_in():
    rows = pd.DataFrame({"n": [1.0, 2.0, 3.0], "document_id": ["b", "a", "b"], "line": [7, 2, 9]})
    assert lines_read_from(rows) == [("b", 7, 9), ("a", 2, 2)]
