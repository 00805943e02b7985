"""Reading printed numbers and dates: "1,234", "12.50%", "Apr", "June 1999"."""

from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = {
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
}
INTEGER = r"\d{1,3}(?:,\d{3})+|\d+"


def parse_integer(printed: str) -> int:
    """'1,234' -> 1234. Thousands separators must be in the right places."""
    if not re.fullmatch(INTEGER, printed):
        raise ValueError(f"not a printed integer: {printed!r}")
    return int(printed.replace(",", ""))


def parse_decimal(printed: str) -> float:
    """'12.50%' -> 12.5, '1.25' -> 1.25, '1,234' -> 1234.0."""
    text = printed.rstrip("%")
    if not re.fullmatch(rf"(?:{INTEGER})(?:\.\d+)?|\.\d+", text):
        raise ValueError(f"not a printed number: {printed!r}")
    return float(text.replace(",", ""))


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
