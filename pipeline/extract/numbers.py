"""Reading printed numbers and dates: "1,234", "12.50%", "Apr", "June 1999"."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

MONTHS = {
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
}
# ASCII digits only: `\d` would also take other scripts' digits, which int() reads silently.
INTEGER = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+"


# Counts in the sources are far below this; more digits than a float holds exactly (or an
# int64 column) is a misprint, not a count.
MAX_DIGITS = 15


def parse_integer(printed: str) -> int:
    """'1,234' -> 1234. Thousands separators must be in the right places."""
    if not re.fullmatch(INTEGER, printed):
        raise ValueError(f"not a printed integer: {printed!r}")
    digits = printed.replace(",", "")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"not a printed integer of a sensible size: {printed!r}")
    return int(digits)


def parse_decimal(printed: str) -> float:
    """'12.50%' -> 12.5, '1.25' -> 1.25, '1,234' -> 1234.0."""
    text = printed.rstrip("%")
    if not re.fullmatch(rf"(?:{INTEGER})(?:\.[0-9]+)?|\.[0-9]+", text):
        raise ValueError(f"not a printed number: {printed!r}")
    value = float(text.replace(",", ""))
    if not math.isfinite(value):  # hundreds of digits overflow to infinity
        raise ValueError(f"not a printed number of a sensible size: {printed!r}")
    return value


def month_number(name: str) -> int:
    try:
        return MONTHS[name.strip().rstrip(".").lower()]
    except KeyError:
        raise ValueError(f"not a month name: {name!r}") from None


def first_day(year: int, month: int) -> str:
    return dt.date(year, month, 1).isoformat()


def last_day(year: int, month: int) -> str:
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def month_year(printed: str) -> tuple[int, int]:
    """'June 1999' or 'Jan 1999' -> (1999, 6)."""
    match = re.fullmatch(r"([A-Za-z]+)\.? (\d{4})", printed.strip())
    if not match:
        raise ValueError(f"not a month and year: {printed!r}")
    return int(match.group(2)), month_number(match.group(1))
