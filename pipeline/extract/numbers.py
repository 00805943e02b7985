"""Reading printed numbers and month names: "1,234", "12.50%", "Apr". (The forms of a printed
date are declared: declarations/date_forms.yaml, read by dates.py.)"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

# Month names and abbreviations are the English language's (the calendar's), not a form of a
# date a source chooses: every declared form's `month` group is read by them.
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


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def first_day(year: int, month: int) -> str:
    return month_start(year, month).isoformat()


def last_day(year: int, month: int) -> str:
    return month_end(year, month).isoformat()


# English number words, for statements such as "Thirty percent" or "six have launched".
UNIT_WORDS = {
    word: value
    for value, word in enumerate(
        [
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen"),
        ]
    )
}
TENS_WORDS = {
    word: 10 * value
    for value, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2
    )
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def _below_hundred(words: list[str]) -> int | None:
    """'sixty five' -> 65; None unless one unit or tens word, or tens then a unit 1-9."""
    if len(words) == 1:
        return UNIT_WORDS.get(words[0], TENS_WORDS.get(words[0]))
    if len(words) == 2 and words[0] in TENS_WORDS and 1 <= UNIT_WORDS.get(words[1], 0) <= 9:
        return TENS_WORDS[words[0]] + UNIT_WORDS[words[1]]
    return None


def words_value(printed: str) -> int | None:
    """'Thirty' -> 30, 'sixty-five' -> 65, 'two hundred and five' -> 205; None unless a
    well-formed number below a thousand in English words (words are not simply added up:
    'one hundred' is 100, 'five five' is no number)."""
    words = re.split(r"[- ]", printed.lower())
    if "hundred" not in words:
        return _below_hundred(words)
    head, rest = words[: words.index("hundred")], words[words.index("hundred") + 1 :]
    if len(head) != 1 or not 1 <= UNIT_WORDS.get(head[0], 0) <= 9:
        return None
    if rest[:1] == ["and"]:
        rest = rest[1:] or ["and"]  # 'two hundred and' is no number
    tail = _below_hundred(rest) if rest else 0
    return None if tail is None or (rest and tail == 0) else 100 * UNIT_WORDS[head[0]] + tail


# How many times, in a word ("displaced twice on average").
TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}
ORDINAL_WORDS = (
    *("first", "second", "third", "fourth", "fifth", "sixth"),
    *("seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"),
)
# Words that state a rank without a numeral ("the world's top country of resettlement",
# "lodged the highest number of asylum claims", "the site of the most targeted killings", "the
# single largest country of asylum seekers"): the first place; "the next most urbanized": the
# second.
RANK_WORDS = {
    "top": 1,
    "highest": 1,
    "most": 1,
    "largest": 1,
    "single largest": 1,
    "next most": 2,
}
# Words that state a fraction ("half the global average").
FRACTION_WORDS = {"half": 0.5}
# Words that state a quantity without being a cardinal number.
QUANTITY_WORDS = {"twice": 2.0, "half": 0.5, "dozen": 12.0, "triple": 3.0, "double": 2.0}
# A hyphen or en dash between two numbers: "3-4", "60-70%", "$3 - 4".
RANGE = re.compile(r"(?P<low>[^-–]+?)\s?[-–]\s?(?P<high>[^-–]+)")


def times_word(printed: str) -> int:
    """'twice' -> 2, 'Once' -> 1; ValueError for any other word."""
    try:
        return TIMES_WORDS[printed.strip().lower()]
    except KeyError:
        raise ValueError(f"not a word for a number of times: {printed!r}") from None


def rank_word(printed: str) -> int:
    """'top' -> 1, 'most' -> 1, 'next most' -> 2; ValueError for any other word."""
    try:
        return RANK_WORDS[" ".join(printed.lower().split())]
    except KeyError:
        raise ValueError(f"not a word for a rank: {printed!r}") from None


def fraction_word(printed: str) -> float:
    """'half' -> 0.5; ValueError for any other word."""
    try:
        return FRACTION_WORDS[printed.strip().lower()]
    except KeyError:
        raise ValueError(f"not a word for a fraction: {printed!r}") from None


def _ordinal_suffix(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def ordinal(printed: str) -> int:
    """'second' -> 2, '17th' -> 17, '1st' -> 1; ValueError for anything else, a wrong suffix
    too ('2th', '11st')."""
    text = printed.strip().lower()
    if text in ORDINAL_WORDS:
        return ORDINAL_WORDS.index(text) + 1
    match = re.fullmatch(r"([0-9]+)(st|nd|rd|th)", text)
    if not match or match.group(2) != _ordinal_suffix(int(match.group(1))):
        raise ValueError(f"not an ordinal: {printed!r}")
    return int(match.group(1))


def parse_range(printed: str) -> tuple[float, float]:
    """'3-4' -> (3.0, 4.0), '60-70%' -> (60.0, 70.0), '$3-4' -> (3.0, 4.0): the bounds of a
    printed range, the lower first; ValueError unless both are numbers and low < high."""
    text = printed.strip().lstrip("$").rstrip("%")
    match = RANGE.fullmatch(text)
    if not match:
        raise ValueError(f"not a printed range: {printed!r}")
    low, high = parse_decimal(match.group("low")), parse_decimal(match.group("high"))
    if not low < high:
        raise ValueError(f"not a range from low to high: {printed!r}")
    return low, high
