"""Dates as the sources print them ("2004", "March, 2020", "July 1st, 2020", "late 2018", "the
last day of 2004", "from 2016 to 2020"), read by the forms declared in
pipeline/declarations/date_forms.yaml.

A form's pattern finds the year, month and day the date prints (or the form implies), and its
declared precision says what is published; an interval is two such dates; a day printed next to
its month without a year is read only for number coverage. This module is the mechanism only:
every reader of a printed date (events, the periods of facts and projects, a month and year of a
table or a paragraph, the days number coverage places) goes through it, so a new form is a new
declaration.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from annotated_types import MinLen
from pydantic import Field, ValidationInfo, field_validator, model_validator

from pipeline import strict_yaml
from pipeline.extract.numbers import month_number
from pipeline.paths import ROOTS

Precision = Literal["year", "month", "day"]
PARTS: tuple[Precision, ...] = ("year", "month", "day")  # of an ISO 8601 date, in its order
DATE_FORMS = "date_forms.yaml"
# The printed date and the ISO 8601 date it reads as ("late 2018": "2018"); at least one.
Examples = Annotated[dict[str, str], MinLen(1)]


@dataclass(frozen=True)
class PrintedDate:
    start: str  # ISO 8601 of the printed precision
    end: str | None  # only for an interval
    precision: Precision

    @property
    def iso(self) -> str:
        """As ISO 8601 writes it: the date, or the interval start/end."""
        return self.start if self.end is None else f"{self.start}/{self.end}"


def precision_of(iso: str) -> Precision:
    """'2020' -> 'year', '2020-03' -> 'month', '2020-03-05' -> 'day'."""
    return PARTS[iso.count("-")]


class DateForm(strict_yaml.Declared):
    """A form of one printed date: the whole date matches `pattern`, whose groups `year`,
    `month` (a name) and `day`, with the parts it `sets`, are the date read; `precision` is
    how much of it is published."""

    form: str
    pattern: strict_yaml.Regex
    sets: dict[Literal["month", "day"], int] = Field(default_factory=dict)
    precision: Precision
    examples: Examples

    @model_validator(mode="after")
    def _reads_its_examples(self) -> DateForm:
        groups = set(re.compile(self.pattern).groupindex)
        if "year" not in groups or not groups <= set(PARTS) or groups & self.sets.keys():
            raise ValueError(
                f"the groups of {self.form!r} are year and, where printed, month and day (a "
                f"part is printed or set, not both), not {sorted(groups)}"
            )
        read = groups | self.sets.keys()
        if read != set(PARTS[: len(read)]) or PARTS.index(self.precision) >= len(read):
            raise ValueError(
                f"{self.form!r} reads {sorted(read)}: a precision {self.precision!r} needs the "
                "year and each part down to it, a day its month"
            )
        for printed, iso in self.examples.items():
            if (found := self.read(printed)) != iso:
                raise ValueError(
                    f"{self.form!r} reads its example {printed!r} as {found}, not {iso}"
                )
        return self

    def _date(self, match: re.Match[str]) -> tuple[int, ...] | None:
        """The year, month and day a match prints or implies, as far as they go; None when the
        words are no date ("late" is no month, "32 December" no day)."""
        parts: dict[str, int] = {part: value for part, value in self.sets.items()}
        try:
            for part, printed in match.groupdict().items():
                if printed is not None:
                    parts[part] = month_number(printed) if part == "month" else int(printed)
            if not 1 <= parts.get("month", 1) <= 12:
                return None
            if "day" in parts:
                dt.date(parts["year"], parts["month"], parts["day"])
        except ValueError:
            return None
        return tuple(parts[part] for part in PARTS if part in parts)

    def read(self, printed: str) -> str | None:
        """The ISO 8601 date of the form's precision, if `printed` is a date of this form."""
        match = re.fullmatch(self.pattern, printed)
        date = None if match is None else self._date(match)
        if date is None or len(date) <= PARTS.index(self.precision):
            return None  # an optional group left out: not a date of this precision
        year, *rest = date[: PARTS.index(self.precision) + 1]
        return "-".join([f"{year:04d}", *(f"{part:02d}" for part in rest)])

    def month_day(self, match: re.Match[str]) -> tuple[int, int] | None:
        """The month and day a match prints, if it is a date with its day."""
        date = self._date(match)
        return None if date is None or len(date) < len(PARTS) else (date[1], date[2])


class DayForm(strict_yaml.Declared):
    """A day printed next to its month without a year ("5 March", "July 1st"): no reader
    publishes it, but number coverage places a row's day cell there. Its examples read as ISO
    8601 writes a month and day: --MM-DD."""

    form: str
    pattern: strict_yaml.Regex
    examples: Examples

    @model_validator(mode="after")
    def _reads_its_examples(self) -> DayForm:
        if set(re.compile(self.pattern).groupindex) != {"month", "day"}:
            raise ValueError(f"the groups of {self.form!r} are month and day")
        for printed, iso in self.examples.items():
            match = re.fullmatch(self.pattern, printed)
            read = None if match is None else self.month_day(match)
            found = None if read is None else f"--{read[0]:02d}-{read[1]:02d}"
            if found != iso:
                raise ValueError(
                    f"{self.form!r} reads its example {printed!r} as {found}, not {iso}"
                )
        return self

    def month_day(self, match: re.Match[str]) -> tuple[int, int] | None:
        """The month and day a match prints; None when they are no day ("5 Marches")."""
        try:
            month, day = month_number(match["month"]), int(match["day"])
            dt.date(2000, month, day)  # of a leap year: 29 February is a day
        except ValueError:
            return None
        return month, day


def _days_printed(form: DateForm | DayForm, text: str) -> dict[int, tuple[int, int]]:
    """The (month, day) of each day a form prints in running text, by the day's offset."""
    pattern = re.compile(form.pattern)
    found: dict[int, tuple[int, int]] = {}
    if "day" not in pattern.groupindex:
        return found
    # Searched again from the character after each match's start, not after its end: words
    # that are no date ("of 5 ...") may not hide a date they overlap.
    match = pattern.search(text)
    while match is not None:
        start, end = match.span()
        # Whole words only: "dismay 5" prints no May, "July 12345" no 12 July.
        alone = not text[start - 1 : start].isalnum() and not text[end : end + 1].isalnum()
        if alone and (month_day := form.month_day(match)) is not None:
            found.setdefault(match.start("day"), month_day)
        match = pattern.search(text, start + 1)
    return found


class IntervalForm(strict_yaml.Declared):
    """A form of a printed interval: the whole text matches `pattern`, whose groups `start`
    and `end` are dates of the declared forms, of one precision, the end not before the
    start."""

    form: str
    pattern: strict_yaml.Regex
    examples: Examples

    @field_validator("pattern")
    @classmethod
    def _start_and_end(cls, pattern: str) -> str:
        if set(re.compile(pattern).groupindex) != {"start", "end"}:
            raise ValueError("an interval's pattern has the groups start and end")
        return pattern


def _read(forms: tuple[DateForm, ...], printed: str) -> str:
    """One date as printed -> ISO 8601 of its precision: the first form that reads it."""
    text = " ".join(printed.split())
    found = next(filter(None, (form.read(text) for form in forms)), None)
    if found is None:
        raise ValueError(f"not a date: {printed!r}")
    return found


def _interval(forms: tuple[DateForm, ...], interval: IntervalForm, text: str) -> PrintedDate | None:
    match = re.fullmatch(interval.pattern, text)
    if match is None:
        return None
    try:
        start, end = _read(forms, match["start"]), _read(forms, match["end"])
    except ValueError:
        return None
    if precision_of(start) != precision_of(end) or end < start:
        return None
    return PrintedDate(start, end, precision_of(start))


class DateForms(strict_yaml.Declared):
    """The forms of a printed date (declarations/date_forms.yaml), tried in their order."""

    forms: tuple[DateForm, ...]
    intervals: tuple[IntervalForm, ...]
    days: tuple[DayForm, ...]

    @field_validator("forms")
    @classmethod
    def _named_once(cls, forms: tuple[DateForm, ...]) -> tuple[DateForm, ...]:
        strict_yaml.once([form.form for form in forms], "date forms")
        return forms

    @field_validator("intervals")
    @classmethod
    def _read_their_examples(
        cls, intervals: tuple[IntervalForm, ...], info: ValidationInfo
    ) -> tuple[IntervalForm, ...]:
        if "forms" not in info.data:
            return intervals  # the forms' own error is the one to read
        for interval in intervals:
            for printed, iso in interval.examples.items():
                found = _interval(info.data["forms"], interval, " ".join(printed.split()))
                if found is None or found.iso != iso:
                    got = None if found is None else found.iso
                    raise ValueError(
                        f"{interval.form!r} reads its example {printed!r} as {got}, not {iso}"
                    )
        return intervals

    def read(self, printed: str) -> str:
        """One date as printed -> ISO 8601 of its precision; ValueError if it is none."""
        return _read(self.forms, printed)

    def parse(self, printed: str) -> PrintedDate:
        """A date or an interval as printed; ValueError if it is neither."""
        text = " ".join(printed.split())
        try:
            start = _read(self.forms, text)
        except ValueError:
            found = (_interval(self.forms, interval, text) for interval in self.intervals)
            if (date := next(filter(None, found), None)) is None:
                raise ValueError(
                    f"not a date nor an interval of two dates of one precision: {printed!r}"
                ) from None
            return date
        return PrintedDate(start, None, precision_of(start))

    def month(self, printed: str) -> tuple[int, int]:
        """'June 2020' -> (2020, 6): a date read to the month; ValueError otherwise."""
        iso = self.read(printed)
        if precision_of(iso) != "month":
            raise ValueError(f"not a month and year: {printed!r}")
        year, month = iso.split("-")
        return int(year), int(month)

    def days_printed(self, text: str) -> dict[int, tuple[int, int]]:
        """The (month, day) of each day printed in `text`, in a date of a form or next to its
        month, by the offset where the day is printed."""
        found: dict[int, tuple[int, int]] = {}
        every: tuple[DateForm | DayForm, ...] = (*self.forms, *self.days)
        for form in every:
            found = {**_days_printed(form, text), **found}  # the first form's reading wins
        return found


@cache
def load_date_forms(root: Path = ROOTS.declarations_dir) -> DateForms:
    return strict_yaml.load(DateForms, root / DATE_FORMS)
