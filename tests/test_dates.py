"""Printed dates are read by the forms declared in pipeline/declarations/date_forms.yaml: every
declared form reads its examples, a form is added by a declaration alone, and a bad declaration
is refused naming the file and the key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.extract import dates
from pipeline.paths import ROOTS

DECLARED = dates.load_date_forms()
EXAMPLES = [
    pytest.param(form, printed, iso, id=printed)
    for form in DECLARED.forms
    for printed, iso in form.examples.items()
]
DAY_EXAMPLES = [
    pytest.param(form, printed, iso, id=printed)
    for form in DECLARED.days
    for printed, iso in form.examples.items()
]
INTERVAL_EXAMPLES = [
    pytest.param(printed, iso, id=printed)
    for interval in DECLARED.intervals
    for printed, iso in interval.examples.items()
]


@pytest.mark.parametrize(("form", "printed", "iso"), EXAMPLES)
def test_every_declared_form_reads_its_examples(form, printed, iso):
    # Among all the forms, in their order: no earlier form reads the example otherwise.
    assert DECLARED.parse(printed) == dates.PrintedDate(iso, None, form.precision)


@pytest.mark.parametrize(("form", "printed", "iso"), EXAMPLES)
def test_a_date_reads_the_same_over_a_line_break_or_a_no_break_space(form, printed, iso):
    for space in ("\n", "\u00a0", "  "):
        assert DECLARED.read(printed.replace(" ", space)) == iso


@pytest.mark.parametrize(("printed", "iso"), INTERVAL_EXAMPLES)
def test_every_declared_interval_reads_its_examples(printed, iso):
    date = DECLARED.parse(printed)
    assert date.iso == iso
    assert date.precision == dates.precision_of(date.start) == dates.precision_of(date.end)


@pytest.mark.parametrize(("form", "printed", "iso"), EXAMPLES)
def test_a_month_and_year_is_a_date_read_to_its_month(form, printed, iso):
    if form.precision == "month":
        year, month = iso.split("-")
        assert DECLARED.month(printed) == (int(year), int(month))
    else:
        with pytest.raises(ValueError, match="not a month and year"):
            DECLARED.month(printed)


@pytest.mark.parametrize(("form", "printed", "iso"), EXAMPLES)
def test_the_day_of_a_date_in_running_text_is_found_where_it_is_printed(form, printed, iso):
    opening = "As of "
    days = DECLARED.days_printed(f"{opening}{printed}, 4 people and 3 in 2019.")
    match = re.fullmatch(form.pattern, printed)
    assert match is not None
    if "day" in match.groupdict():
        _, month, day = map(int, iso.split("-"))
        assert days == {len(opening) + match.start("day"): (month, day)}
    else:
        assert days == {}  # "4 people", "3 in 2019": no day of a date


@pytest.mark.parametrize(("form", "printed", "iso"), DAY_EXAMPLES)
def test_a_day_printed_next_to_its_month_is_found_where_it_is_printed(form, printed, iso):
    opening = "On "
    days = DECLARED.days_printed(f"{opening}{printed} dismay 5 and May 12345 people.")
    match = re.fullmatch(form.pattern, printed)
    assert match is not None
    _, _, month, day = iso.split("-")  # --MM-DD
    # Whole words only: "dismay 5" prints no May, "May 12345" no 12 May.
    assert days == {len(opening) + match.start("day"): (int(month), int(day))}
    with pytest.raises(ValueError):
        DECLARED.read(printed)  # no date a reader publishes: it has no year


def test_a_day_two_forms_read_differently_is_read_by_the_first_form():
    # "5" is the day of "5 April 2020" (a date form) and of "March 5" (a later day form).
    assert DECLARED.days_printed("March 5 April 2020") == {6: (4, 5)}
    day, month = r"(?P<day>[0-9]+)", r"(?P<month>[A-Za-z]+)"
    before = dates.DayForm(form="before", pattern=f"{day} {month}", examples={"5 May": "--05-05"})
    after = dates.DayForm(form="after", pattern=f"{month} {day}", examples={"May 5": "--05-05"})
    for first, second, read in ((before, after, (4, 5)), (after, before, (3, 5))):
        forms = dates.DateForms(forms=(), intervals=(), days=(first, second))
        assert forms.days_printed("March 5 April") == {6: read}


@pytest.mark.parametrize(
    "printed",
    [
        "",
        "soon",
        "20044",
        "Smarch 2019",
        "Juin 2020",  # English month names only
        "32 December 2019",  # no such day
        "29 February 2019",
        "late Smarch 2019",
        "from 2020 to 2016",  # an interval that ends before it starts
        "from 2016 to March 2020",  # two precisions
        "from 2016 to",
        "2019 and",
    ],
)
def test_what_is_no_date_is_refused(printed):
    with pytest.raises(ValueError, match=re.escape(repr(printed))):
        DECLARED.parse(printed)
    with pytest.raises(ValueError, match=f"not a date: {re.escape(repr(printed))}"):
        DECLARED.read(printed)


# --- a new form is a declaration -------------------------------------------------------------

NEW_FORMS = """\
- form: a season, its year after it
  pattern: '(?:[Ss]pring|[Ss]ummer|[Ff]all|[Aa]utumn|[Ww]inter)\\s+(?P<year>[0-9]{4})'
  precision: year
  examples: {'fall 2020': '2020'}
- form: the middle of a month
  pattern: 'the middle of (?P<month>[A-Z][a-z]+) (?P<year>[0-9]{4})'
  sets: {day: 15}
  precision: day
  examples: {'the middle of May 2021': '2021-05-15'}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A declarations folder holding a copy of the declared date forms."""
    copy = tmp_path / "declarations"
    copy.mkdir()
    shutil.copy(ROOTS.declarations_dir / dates.DATE_FORMS, copy)
    return copy


def test_a_form_added_to_the_declarations_is_read(root: Path):
    path = root / dates.DATE_FORMS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nintervals:\n", f"\n{NEW_FORMS}intervals:\n"), "utf-8")
    for printed in ("fall 2020", "the middle of May 2021", "from fall 2019 to fall 2020"):
        with pytest.raises(ValueError):
            DECLARED.parse(printed)
    added = dates.load_date_forms(root)
    assert added.parse("fall 2020") == dates.PrintedDate("2020", None, "year")
    assert added.parse("the middle of May 2021") == dates.PrintedDate("2021-05-15", None, "day")
    # An interval is of any two dates of the forms declared: the new ones too.
    assert added.parse("from fall 2019 to fall 2020").iso == "2019/2020"
    assert added.days_printed("In the middle of May 2021 it rained") == {}  # no day printed
    assert added.forms[: len(DECLARED.forms)] == DECLARED.forms


# --- a bad declaration names the file and the key --------------------------------------------

GOOD_FORM = """\
- form: a year
  pattern: '(?P<year>[0-9]{4})'
  precision: year
  examples: {'2004': '2004'}
"""
GOOD_INTERVAL = """\
- form: two years
  pattern: '(?P<start>[0-9]{4}) to (?P<end>[0-9]{4})'
  examples: {'2019 to 2021': '2019/2021'}
"""
GOOD_DAY = """\
- form: a day before its month
  pattern: '(?P<day>[0-9]{1,2}) (?P<month>[A-Za-z]+)'
  examples: {'5 March': '--03-05'}
"""


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("  precision: year", "  precison: year", "forms.0.precison", "an unknown key"),
        ("  precision: year\n", "", "forms.0.precision", "a missing key"),
        ("precision: year", "precision: decade", "forms.0.precision", "'year', 'month' or 'day'"),
        ("<year>[0-9]{4})'", "<year>[0-9]{4}'", "forms.0.pattern", "not a regular expression"),
        ("(?P<year>[0-9]{4})'", "Q(?P<quarter>[1-4]) (?P<year>[0-9]{4})'", "forms.0", "groups"),
        ("precision: year", "precision: month", "forms.0", "a precision 'month' needs"),
        ("  precision: year", "  sets: {day: 1}\n  precision: year", "forms.0", "a day its month"),
        (
            "  precision: year",
            "  sets: {month: 13}\n  precision: month",
            "forms.0",
            "as None, not 2004",
        ),
        ("{'2004': '2004'}", "{'2004': '2005'}", "forms.0", "reads its example '2004' as 2004"),
        ("{'2004': '2004'}", "{'mid 2004': '2004'}", "forms.0", "as None, not 2004"),
        ("{'2004': '2004'}", "{}", "forms.0.examples", "at least 1 item"),
        ("'2019 to 2021': '2019/2021'", "'2019 to 2021': '2019'", "intervals", "as 2019/2021"),
        ("(?P<start>[0-9]{4})", "(?P<begin>[0-9]{4})", "intervals.0.pattern", "start and end"),
        ("(?P<day>[0-9]{1,2}) ", "[0-9]{1,2} ", "days.0", "are month and day"),
        ("{'5 March': '--03-05'}", "{'5 Marches': '--03-05'}", "days.0", "as None, not --03-05"),
        ("{'5 March': '--03-05'}", "{'31 June': '--06-31'}", "days.0", "as None, not --06-31"),
    ],
)
def test_a_bad_form_is_refused_naming_file_and_key(tmp_path: Path, old, new, key, problem):
    text = f"forms:\n{GOOD_FORM}intervals:\n{GOOD_INTERVAL}days:\n{GOOD_DAY}"
    assert old in text
    (tmp_path / dates.DATE_FORMS).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        dates.load_date_forms(tmp_path)
    assert error.value.path == str(tmp_path / dates.DATE_FORMS)
    assert f"(key '{key}')" in error.value.expected
    assert problem in str(error.value.found)


def test_an_interval_may_end_where_it_starts_but_not_before(tmp_path: Path):
    text = f"forms:\n{GOOD_FORM}intervals:\n{GOOD_INTERVAL}days:\n{GOOD_DAY}"
    (tmp_path / dates.DATE_FORMS).write_text(text, encoding="utf-8")
    forms = dates.load_date_forms(tmp_path)
    assert forms.parse("2019 to 2019") == dates.PrintedDate("2019", "2019", "year")
    with pytest.raises(ValueError, match="'2019 to 2018'"):
        forms.parse("2019 to 2018")


def test_a_form_named_twice_is_refused(tmp_path: Path):
    text = f"forms:\n{GOOD_FORM}{GOOD_FORM}intervals: []\ndays: []\n"
    (tmp_path / dates.DATE_FORMS).write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="date forms listed more than once: a year"):
        dates.load_date_forms(tmp_path)
