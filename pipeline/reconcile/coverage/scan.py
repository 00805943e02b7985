"""Every numeric token of a raw document: digits, percentages, money, ranges, number words and
ordinals, each with its line, column and the value(s) it can stand for.

Prose is scanned in the flattened text (pipeline/sources/text.py), so a token broken across lines
("four\\nmillion") is one token, placed on the line where it starts. A CSV series is scanned
cell by cell: "2017,1,Quebec,245" holds three numbers, not "2017,1".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pipeline.errors import SourceError
from pipeline.extract.numbers import (
    ORDINAL_WORDS,
    QUANTITY_WORDS,
    SCALES,
    TENS_WORDS,
    UNIT_WORDS,
    words_value,
)
from pipeline.sources.text import RawDocument

Kind = Literal["digits", "percent", "money", "range", "word", "ordinal", "glued"]

_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
SCALE = r"(?:[ ](?:" + "|".join(SCALES) + r"))"
# The signs printed before a "$" ("US$", "C$"), and the currency each names.
CURRENCY_SIGNS = {"US": "USD", "CAD": "CAD", "CDN": "CAD", "C": "CAD"}
CURRENCY = r"(?:" + "|".join(CURRENCY_SIGNS) + r")?\$[ ]?"
_CARDINAL_WORDS = [*UNIT_WORDS, *TENS_WORDS, "hundred"]
_CARDINAL = (
    r"(?:" + "|".join(sorted(_CARDINAL_WORDS, key=len, reverse=True)) + r")"
)  # longest first: "seventeen" before "seven"
# A digit glued to a letter is part of a name or code ("M5", "IDA18", "2020a", a footnote
# marker printed against its word, "11EU"; "COVID-19" is not: the hyphen separates it): not a
# number of the other kinds, but a token of its own kind, "glued", so that it too is accounted.
_NOT_GLUED = r"(?<![A-Za-z0-9_])"
_END = r"(?![A-Za-z0-9_])"

TOKEN = re.compile(
    rf"""
    (?P<money>{_NOT_GLUED}{CURRENCY}(?:{_NUMBER})(?:[ ]?[-–][ ]?(?:{_NUMBER}))?{SCALE}?{_END})
  | (?P<range>{_NOT_GLUED}(?:{_NUMBER})[ ]?[-–][ ]?(?:{_NUMBER})(?:[ ]?%)?{SCALE}?{_END})
  | (?P<percent>{_NOT_GLUED}(?:{_NUMBER})(?:[ ]?%|[ ]per[ ]?cent\b))
  | (?P<ordinal>{_NOT_GLUED}[0-9]+(?:st|nd|rd|th)\b|\b(?:{"|".join(ORDINAL_WORDS)})\b)
  | (?P<digits>{_NOT_GLUED}(?:[0-9]{{3}}0s|(?:{_NUMBER}){SCALE}?){_END})
  | (?P<word>\b(?:{_CARDINAL}(?:[- ](?:and[ ])?{_CARDINAL})*{SCALE}?
        |{"|".join(QUANTITY_WORDS)}|hundreds|thousands|millions|billions)\b)
  | (?P<glued>(?<=[A-Za-z_])[0-9]+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?(?=[A-Za-z_]))
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    """One numeric token: where it is in the raw file (1-based line and column; `raw_start`,
    `raw_end` offsets in the file's text) and in the flattened text (`start`, `end`; the same
    as the raw offsets for a CSV), what it is and its `readings`: the ways it can be read, each
    the set of numbers it then states. "4.9 million" reads as {4.9} or as {4900000}; a range
    states both its bounds: "60-70%" is {60, 70}, "$3-4 million" {3, 4} or {3000000,
    4000000}."""

    document_id: str
    line: int
    column: int
    raw_start: int
    raw_end: int
    start: int
    end: int
    text: str
    kind: Kind
    readings: tuple[frozenset[float], ...]

    @property
    def values(self) -> frozenset[float]:
        """Every number the token can stand for, in any reading."""
        return frozenset().union(*self.readings)


Reading = frozenset[float]


def _scaled(numbers: list[Decimal], scale: int) -> tuple[Reading, ...]:
    """The reading of the printed numbers and, with a scale word, the scaled one (in decimal
    arithmetic: "$1.24 billion" is 1240000000 exactly, as its fact's value is)."""
    plain = frozenset(float(n) for n in numbers)
    if scale == 1 or not plain:
        return (plain,) if plain else ()
    return plain, frozenset(float(n * scale) for n in numbers)


def token_readings(text: str, kind: str) -> tuple[Reading, ...]:
    """The readings of a token: the printed number(s) - both ends of a range - and, with a
    scale word, the scaled ones; the value of a number word or an ordinal."""
    lowered = text.lower()
    scale_word = next((word for word in SCALES if lowered.endswith(word)), "")
    scale = SCALES.get(scale_word, 1)
    if kind == "word":
        if lowered in QUANTITY_WORDS:
            return (frozenset({QUANTITY_WORDS[lowered]}),)
        spelled = words_value(lowered.removesuffix(scale_word).strip())
        return () if spelled is None else _scaled([Decimal(spelled)], scale)
    if kind == "glued":
        return (frozenset({float(text)}),)
    if kind == "ordinal":
        digits = re.match(r"[0-9]+", text)
        if digits:
            return (frozenset({float(digits.group(0))}),)
        return (frozenset({float(ORDINAL_WORDS.index(lowered) + 1)}),)
    numbers = [Decimal(n.replace(",", "")) for n in re.findall(_NUMBER, text)]
    return _scaled(numbers, scale)


def _kind(match: re.Match[str]) -> Kind:
    return match.lastgroup  # type: ignore[return-value]


def line_offsets(document: RawDocument) -> list[int]:
    """Offset in the document's text where each line starts (index 0 is line 1)."""
    offsets, total = [], 0
    for line in document.lines:
        offsets.append(total)
        total += len(line) + 1
    return offsets


def scan_prose(document: RawDocument) -> list[Token]:
    lines = line_offsets(document)

    def raw_offset(flat: int) -> int:
        return lines[document.line_at(flat) - 1] + document.column_at(flat) - 1

    tokens = []
    for match in TOKEN.finditer(document.flat_text):
        start, end, text = match.start(), match.end(), match.group(0)
        tokens.append(
            Token(
                document.document_id,
                document.line_at(start),
                document.column_at(start),
                raw_offset(start),
                raw_offset(end - 1) + 1,
                start,
                end,
                text,
                _kind(match),
                token_readings(text, _kind(match)),
            )
        )
    return tokens


# A cell of a CSV line as printed: quoted (a doubled quote inside) up to its comma, or plain.
_CSV_CELL = re.compile(r'"(?:[^"]|"")*"(?=,|$)|[^,]*')


def _csv_cells(line: str) -> Iterable[tuple[int, str]]:
    """Each cell of a CSV line as printed (quotes included) with its offset in the line."""
    position = 0
    while True:
        cell = _CSV_CELL.match(line, position)
        assert cell is not None  # the plain alternative matches anywhere, if only ""
        yield position, cell.group()
        position = cell.end() + 1  # past its comma
        if position > len(line):
            return


def scan_csv(document: RawDocument) -> list[Token]:
    """The numeric cells of a CSV series, per line (a cell is one token, whatever it holds),
    each placed where its number is printed: inside its quotes, past any spaces."""
    tokens = []
    for number, (offset, line) in enumerate(
        zip(line_offsets(document), document.lines, strict=True), start=1
    ):
        for at, printed in _csv_cells(line):
            cell = next(csv.reader([printed]))[0] if printed else ""
            text = cell.strip()
            if match := TOKEN.fullmatch(text):
                column = at + printed.index(text)  # a number holds no quote: printed as read
                kind = _kind(match)
                start, end = offset + column, offset + column + len(text)
                tokens.append(
                    Token(
                        document.document_id,
                        number,
                        column + 1,
                        start,
                        end,
                        start,
                        end,
                        text,
                        kind,
                        token_readings(text, kind),
                    )
                )
    return tokens


def misprinted(document: RawDocument, rows: Iterable[dict]) -> list[Token]:
    """The numbers the rows say the document misprints ("top thee countries": a row's
    `misprint`, its `value_as_printed` at its `value_line`): tokens no scanner could know, read
    as the row reads them, so that they are accounted like any other."""
    tokens = []
    offsets = line_offsets(document)
    for row in rows:
        if row.get("document_id") != document.document_id or not row.get("misprint"):
            continue
        line, text = int(row["value_line"]), str(row["value_as_printed"])
        found = re.search(rf"\b{re.escape(text)}\b", document.line(line))
        if found is None:
            raise SourceError(document.path, line, f"the misprinted {text!r} a row reads", "none")
        column = found.start() + 1
        start = document.offset_of(line, column)
        raw = offsets[line - 1] + found.start()
        reading = (frozenset({float(row["value"])}),)
        tokens.append(
            Token(
                document.document_id,
                line,
                column,
                raw,
                raw + len(text),
                start,
                start + len(text),
                text,
                "word",
                reading,
            )
        )
    return tokens


def is_series(document: RawDocument) -> bool:
    return document.path.endswith(".csv")


def sentence(document: RawDocument, token: Token) -> str:
    """The sentence a token is printed in (a series': its line), white space collapsed."""
    if is_series(document):
        return document.line(token.line).strip()
    start, end = document.sentence_span(token.start, token.end)
    return " ".join(document.flat_text[start:end].split())


def scan(document: RawDocument) -> list[Token]:
    """Every numeric token of a document, in reading order."""
    return scan_csv(document) if is_series(document) else scan_prose(document)
