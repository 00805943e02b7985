import pytest

from pipeline.extract.numbers import (
    last_day,
    ordinal,
    parse_decimal,
    parse_integer,
    parse_range,
    rank_word,
    times_word,
)
from pipeline.reconcile.coverage import scan


def test_parse_integer_reads_thousands_separators():
    assert parse_integer("5,845") == 5845
    assert parse_integer("40") == 40


@pytest.mark.parametrize("bad", ["5,84", "1,3O5", "12.5", ""])
def test_parse_integer_rejects_malformed(bad):
    with pytest.raises(ValueError):
        parse_integer(bad)


def test_parse_decimal_reads_rates_and_decimals():
    assert parse_decimal("39.50%") == 39.5
    assert parse_decimal("0.2") == 0.2
    with pytest.raises(ValueError):
        parse_decimal("3..2")


def test_last_day_of_a_month():
    assert last_day(2020, 2) == "2020-02-29"


def test_rank_word_reads_the_top_as_the_first_place():
    assert rank_word("top") == 1
    assert rank_word("Highest") == 1


@pytest.mark.parametrize("bad", ["tops", "top 25", "second", ""])
def test_rank_word_rejects_other_words(bad):
    with pytest.raises(ValueError, match="not a word for a rank"):
        rank_word(bad)


def test_times_word_reads_counts_of_times():
    assert times_word("twice") == 2
    assert times_word("Once") == 1


@pytest.mark.parametrize("bad", ["two", "twice over", "twise", ""])
def test_times_word_rejects_other_words(bad):
    with pytest.raises(ValueError, match="not a word for a number of times"):
        times_word(bad)


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        *[("second", 2), ("First", 1), ("twelfth", 12), ("17th", 17), ("1st", 1), ("22nd", 22)],
        # Every suffix and the teens (11th to 13th, also past a hundred) take "th".
        *[("3rd", 3), ("23rd", 23), ("11th", 11), ("12th", 12), ("13th", 13), ("14th", 14)],
        *[("101st", 101), ("111th", 111), ("112th", 112), ("113th", 113), ("4th", 4)],
    ],
)
def test_ordinal_reads_words_and_digits(printed, value):
    assert ordinal(printed) == value


@pytest.mark.parametrize(
    "bad",
    ["2th", "11st", "12nd", "13rd", "3th", "4rd", "111st", "3rd place", "secondly", "17", ""],
)
def test_ordinal_rejects_wrong_suffixes_and_other_text(bad):
    with pytest.raises(ValueError, match="not an ordinal"):
        ordinal(bad)


@pytest.mark.parametrize(
    ("printed", "bounds"),
    [("3-4", (3, 4)), ("$3-4", (3, 4)), ("60-70%", (60, 70)), ("1.5 – 2", (1.5, 2))],
)
def test_parse_range_reads_both_bounds(printed, bounds):
    assert parse_range(printed) == bounds


@pytest.mark.parametrize("bad", ["4-3", "3-3", "3-", "-4", "3-4-5", "sixty-five", "3"])
def test_parse_range_rejects_what_is_no_range_from_low_to_high(bad):
    with pytest.raises(ValueError):
        parse_range(bad)


@pytest.mark.parametrize(
    ("parse", "printed", "message"),
    [
        (parse_integer, "1" * 15, None),
        (parse_integer, "1" * 16, "not a printed integer of a sensible size: '1111111111111111'"),
        (parse_integer, "1,23", "not a printed integer: '1,23'"),
        (parse_decimal, "9" * 308, None),
        (parse_decimal, "9" * 309, f"not a printed number of a sensible size: '{'9' * 309}'"),
        (parse_decimal, "1.2.3", "not a printed number: '1.2.3'"),
        (parse_range, "4-3", "not a range from low to high: '4-3'"),
        (parse_range, "4", "not a printed range: '4'"),
    ],
)
def test_a_number_beyond_its_bounds_is_refused_with_its_text(parse, printed, message):
    if message is None:
        assert parse(printed) == float(printed)
    else:
        with pytest.raises(ValueError) as error:
            parse(printed)
        assert str(error.value) == message


@pytest.mark.parametrize(
    ("printed", "value"),
    [("3 thousand", 3_000), ("3 million", 3_000_000), ("3 billion", 3_000_000_000)],
)
def test_each_scale_word_multiplies_by_its_own_power(printed, value):
    # Typed powers, not the SCALES table: facts and number coverage both read that table, so
    # a wrong scale would agree with itself everywhere else.
    (reading,) = [r for r in scan.token_readings(printed, "digits") if r != frozenset({3.0})]
    assert reading == frozenset({float(value)})
