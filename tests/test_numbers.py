import pytest

from pipeline.extract.numbers import last_day, month_year, parse_decimal, parse_integer


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


def test_month_year_and_last_day():
    assert month_year("June 2020") == (2020, 6)
    assert month_year("Jan 2013") == (2013, 1)
    assert last_day(2020, 2) == "2020-02-29"
    with pytest.raises(ValueError):
        month_year("Juin 2020")
