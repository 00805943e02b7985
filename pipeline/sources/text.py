"""A raw document as numbered lines plus a flattened text that maps back to line numbers.

PDF extraction breaks phrases across lines; locators (extract/locate.py) match on the flattened
text, in which every line break (with the spaces around it) becomes one space, and a break
after a hyphen inside a word (``well-\\nmanaged``) keeps the hyphen and adds no space.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from dataclasses import dataclass
from functools import cached_property

from pipeline.errors import SourceError

# End of a sentence: . ! or ? (plus a closing quote or bracket) before a space and a capital.
# A footnote number may follow the full stop ("funded.10 The ..."). The abbreviations "Fig."
# and "p." end no sentence: "(See “Fig. 1”)" and "(2015, p. 46)" are inside one.
SENTENCE_BREAK = re.compile(
    r"(?<=[.!?])(?<!\bFig\.)(?<!\bp\.)(?P<close>[\"”’)]?)(?:\d{1,2})?\s+(?=[A-Z“\"(•▶\d-])"
)

# A line that opens a block: a bullet ("- ", "•", "▶", a legend's "●"), a heading, bold text,
# a list item, or a slide's field label ("*Partners:* FOCAL, ...").
BLOCK_START = re.compile(r"^(?:[-•▶●#]|\*\*|\d+[.)] |[a-z]\) |\*[A-Z][^*]*:\*)")
# A heading is no part of a sentence: the line after it opens a block. A heading is a markdown
# heading ("# Co-development"), or a title line: a short capitalised line after a blank line,
# without a full stop or other punctuation at its end, followed by a capitalised line ("A
# long-lasting partnership" above its first paragraph).
MARKDOWN_HEADING = re.compile(r"^#+\s")
TITLE_WORDS = 8  # at most this many words in a title line
TITLE_END = re.compile(r"[\w)”\"’*]$")
NEXT_AFTER_TITLE = re.compile(r"^[A-Z“\"]")


@dataclass(frozen=True)
class RawDocument:
    document_id: str
    path: str  # repository-relative, used in every error message
    text: str
    # Lines left out of the flattened text (a figure's labels or a footnote that the PDF text
    # printed inside a sentence); they keep their numbers, as every other line does.
    hidden: frozenset[int] = frozenset()

    @classmethod
    def from_bytes(cls, document_id: str, path: str, data: bytes) -> RawDocument:
        """A document from a file's bytes: UTF-8 without NUL bytes, else an error naming the
        line and byte offset. A byte-order mark is dropped and CRLF read as LF, so a file saved
        on Windows reads to the same text, values and line numbers."""
        if (nul := data.find(b"\0")) >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise SourceError(path, line, "text without NUL bytes", f"NUL at byte offset {nul}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            bad = error.start
            raise SourceError(
                path,
                data.count(b"\n", 0, bad) + 1,
                "UTF-8 text",
                f"byte 0x{data[bad]:02x} at byte offset {bad}",
            ) from None
        return cls(document_id, path, text.removeprefix("\ufeff").replace("\r\n", "\n"))

    def hiding(self, numbers: frozenset[int]) -> RawDocument:
        """The same document with the lines `numbers` left out of its flattened text."""
        return dataclasses.replace(self, hidden=self.hidden | numbers)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line(self, number: int) -> str:
        """The 1-based line ``number``."""
        return self.lines[number - 1]

    @cached_property
    def _flat(self) -> tuple[str, list[int], list[int]]:
        """Flattened text, the offset where each source line starts in it, and those lines."""
        parts: list[str] = []
        starts: list[int] = []
        numbers: list[int] = []
        length = 0
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.strip()
            if not stripped or number in self.hidden:
                continue
            if parts:
                previous = parts[-1]
                joiner = "" if re.search(r"\w-$", previous) and stripped[:1].islower() else " "
                parts.append(joiner)
                length += len(joiner)
            starts.append(length)
            numbers.append(number)
            parts.append(stripped)
            length += len(stripped)
        return "".join(parts), starts, numbers

    @property
    def flat_text(self) -> str:
        return self._flat[0]

    def line_at(self, offset: int) -> int:
        """Source line number of a character offset in the flattened text."""
        _, starts, numbers = self._flat
        return numbers[max(bisect.bisect_right(starts, offset) - 1, 0)]

    def column_at(self, offset: int) -> int:
        """1-based column, in its raw line, of a character offset in the flattened text
        (the line's leading spaces counted, as an editor counts them)."""
        _, starts, numbers = self._flat
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        raw = self.line(numbers[index])
        return offset - starts[index] + len(raw) - len(raw.lstrip()) + 1

    def offset_of(self, line: int, column: int) -> int:
        """Offset in the flattened text of a 1-based line and column (the inverse of
        `line_at` and `column_at`) on a line of the flattened text."""
        _, starts, numbers = self._flat
        index = bisect.bisect_left(numbers, line)
        if index == len(numbers) or numbers[index] != line:
            raise ValueError(f"line {line} is not in the flattened text")
        raw = self.line(line)
        return starts[index] + column - 1 - (len(raw) - len(raw.lstrip()))

    def _after_blank(self, number: int) -> bool:
        """Whether the line before `number`, hidden lines left out, is blank."""
        previous = number - 1
        while previous in self.hidden:
            previous -= 1
        return previous >= 1 and not self.line(previous).strip()

    def _opens_block(self, number: int) -> bool:
        """Whether line `number` opens a block: a bullet, heading or list item, or a
        capitalised line after a blank line (headings in the PDF text have no full stop)."""
        line = self.line(number).strip()
        return bool(BLOCK_START.match(line)) or (self._after_blank(number) and line[:1].isupper())

    def _is_heading(self, number: int, following: int) -> bool:
        """Whether line `number`, followed in the flattened text by line `following`, is a
        heading: a markdown heading, or a title line (see TITLE_WORDS)."""
        line = self.line(number).strip()
        if MARKDOWN_HEADING.match(line):
            return True
        return (
            self._after_blank(number)
            and line[:1].isupper()
            and len(line.split()) <= TITLE_WORDS
            and TITLE_END.search(line) is not None
            and not self._after_blank(following)
            and NEXT_AFTER_TITLE.match(self.line(following).strip()) is not None
        )

    @cached_property
    def _block_starts(self) -> list[int]:
        """Offsets of lines that open a block, hence a sentence: a line that opens a block
        (`_opens_block`), or the line after a heading (`_is_heading`)."""
        _, starts, numbers = self._flat
        after_heading = {
            following
            for number, following in itertools.pairwise(numbers)
            if self._is_heading(number, following)
        }
        return [
            offset
            for offset, number in zip(starts, numbers, strict=True)
            if self._opens_block(number) or number in after_heading
        ]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        """Offsets where a sentence break ends, in order (a locator asks for hundreds of
        sentences: scanning the text for each was most of a build's time)."""
        return [b.end() for b in SENTENCE_BREAK.finditer(self.flat_text)]

    def sentence_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets of the sentence(s) around flat_text[start:end]."""
        text = self.flat_text
        breaks, blocks = self._sentence_starts, self._block_starts
        starts = breaks[: bisect.bisect_right(breaks, start)][-1:]
        starts += blocks[: bisect.bisect_right(blocks, start)][-1:]
        following = SENTENCE_BREAK.search(text, max(end - 1, 0))
        ends = [following.end("close")] if following else [len(text)]
        ends += [o - 1 for o in blocks[bisect.bisect_left(blocks, end) :][:1]]
        # A passage ending with the space before a block ends there, not one character short.
        return max(starts, default=0), max(min(ends), end)

    def find_line(self, pattern: str, what: str, *, start: int = 1) -> int:
        """Number of the first line at or after ``start`` matching ``pattern``."""
        regex = re.compile(pattern)
        for number in range(start, len(self.lines) + 1):
            if regex.search(self.line(number)):
                return number
        raise SourceError(self.path, start if start > 1 else None, what)
