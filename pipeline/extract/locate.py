"""The locator engine: every passage read from prose is declared as a `Locator` and found by
`locate`.

A locator is a regular expression that must match exactly once in a document's flattened text
(sources/text.py), optionally only within `lines` lines after the sentence of a unique `after`
anchor (for documents that repeat a passage, as the FOCAL deck repeats a slide). Its named
groups are what the extraction reads; the match's quote is the sentence(s) around it. A `skip`
pattern leaves out of that text the lines the PDF text printed inside a sentence (figure labels,
a table, a footnote): the quote reads without them and the match records which it skipped.

Locators are declared per document: pipeline/declarations/sources/<document_id>/<kind>.yaml,
one file per kind of extraction the document has (events, facts, memberships, projects,
resettlement_by_region, texts). The folder names the document, so a new source is a new folder.
Folders are read in the order of pipeline/declarations/sources.yaml (then any other folder by
name), and each file from top to bottom: that is the order of the facts and texts, and of the
lists of a group and the descriptions of a project (after its primary one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from re import _parser  # type: ignore[attr-defined]  # the parser `re` compiles with (no stub)
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import model_validator

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.paths import ROOTS
from pipeline.sources.text import RawDocument

DECLARATIONS = ROOTS.declarations_dir
SOURCES = "sources"  # the folder of per-document declarations, under DECLARATIONS
ORDER = "sources.yaml"  # the order in which the documents' folders are read
KINDS = (
    "events",
    "facts",
    "memberships",
    "projects",
    "resettlement_by_region",
    "tables",
    "texts",
)
EXCERPT = 60  # characters of text quoted after the longest start of a pattern that matches


@dataclass(frozen=True)
class Match:
    """A locator's match: the sentence(s) quoted, the named groups and the lines they are on."""

    quote: str
    groups: dict[str, str]
    line_start: int
    line_end: int
    group_lines: dict[str, int]
    group_offsets: dict[str, int]  # in the flattened text of `view`
    # The lines within the quote's that a `skip` pattern left out, and the document as read:
    # with those lines hidden (the offsets above are in its flattened text).
    lines_skipped: tuple[int, ...]
    view: RawDocument = field(compare=False, repr=False)


class Locator(strict_yaml.Declared):
    """Where a passage is: `pattern` matches once in the document, or once within `lines`
    lines after the sentence of the unique match of `after`. `skip` is a pattern over the raw
    text (multi-line: ^ and $ at line ends): the lines a match of it touches are left out of
    the text the locator and the quote are read from (figure labels, a table or a footnote the
    PDF text printed inside a sentence). A kind of locator adds what the passage means, and the
    named groups its pattern must have (`required_groups`)."""

    required_groups: ClassVar[tuple[str, ...]] = ()
    id: str
    pattern: strict_yaml.Regex
    after: strict_yaml.Regex | None = None
    lines: int | None = None
    skip: strict_yaml.Regex | None = None

    @model_validator(mode="after")
    def _is_complete(self) -> Locator:
        if (self.after is None) != (self.lines is None):
            raise ValueError("a window needs both `after` and `lines`")
        named = re.compile(self.pattern).groupindex
        missing = [group for group in self.required_groups if group not in named]
        if missing:
            raise ValueError(f"the pattern of {self.id!r} needs the named groups {missing}")
        return self


def locate(document: RawDocument, locator: Locator) -> Match:
    """The single match of `locator` in `document` (its `skip` lines left out); none or
    several is an error naming the raw file and the locator: for none, the longest start of the
    pattern that matches, the line that match ends on and the text after it; for several, the
    lines of the first two. A `skip` that changes nothing, or that hides a line the locator
    reads, is an error too."""
    if locator.skip is None:
        return _locate(document, locator)
    view = document.hiding(skipped_lines(document, locator.skip))
    try:
        match = _locate(view, locator)
    except SourceError:
        whole = _locate(document, locator)  # raises if the locator is wrong on its own
        line = _hidden_line(whole, view.hidden)
        raise SourceError(
            document.path,
            line,
            f"a `skip` pattern of {locator.id!r} that leaves the lines its locator reads",
            f"line {line} skipped",
        ) from None
    try:
        # Explaining a miss tries every start of the pattern: not for one caught here.
        unchanged = _locate(document, locator, explain=False).quote == match.quote
    except SourceError:
        unchanged = False  # the locator needs the lines left out: the skip does something
    if unchanged:
        raise SourceError(
            document.path,
            match.line_start,
            f"a `skip` pattern of {locator.id!r} that leaves lines out of its quote",
            "the same quote without it",
        )
    return match


def skipped_lines(document: RawDocument, skip: str) -> frozenset[int]:
    """The lines touched by a match of the `skip` pattern over the raw text."""
    found: set[int] = set()
    for match in re.finditer(skip, document.text, re.MULTILINE):
        first = document.text.count("\n", 0, match.start()) + 1
        last = document.text.count("\n", 0, max(match.end() - 1, match.start())) + 1
        found.update(range(first, last + 1))
    return frozenset(found)


def _hidden_line(whole: Match, hidden: frozenset[int]) -> int:
    """The first line a locator reads (a group's, else one of its quote) that `hidden` hides."""
    groups = sorted(line for line in whole.group_lines.values() if line in hidden)
    quoted = [n for n in range(whole.line_start, whole.line_end + 1) if n in hidden]
    return (groups or quoted or [whole.line_start])[0]


def _locate(document: RawDocument, locator: Locator, *, explain: bool = True) -> Match:
    window = None
    if locator.after is not None:
        anchor = _match_once(document, locator.after, f"{locator.id}.after", explain=explain)
        assert locator.lines is not None  # declared with `after` (validated on load)
        window = (anchor.line_start, anchor.line_start + locator.lines)
    return _match_once(document, locator.pattern, locator.id, window, explain=explain)


def _match_once(
    document: RawDocument,
    pattern: str,
    name: str,
    window: tuple[int, int] | None = None,
    *,
    explain: bool,
) -> Match:
    matches = list(_found(document, re.compile(pattern), window))
    if len(matches) != 1:
        if matches:
            first, second = (document.line_at(m.start()) for m in matches[:2])
            which = "" if len(matches) == 2 else ", the first two"
            problem = f"{len(matches)} matches{which} at lines {first}, {second}"
        else:
            problem = _miss(document, pattern, window) if explain else "0 matches"
        raise SourceError(
            document.path,
            None,
            f"locator {name!r} to match exactly once (pattern {pattern!r})",
            problem,
        )
    m = matches[0]
    start, end = document.sentence_span(m.start(), m.end())
    found = {k: v for k, v in m.groupdict().items() if v is not None}
    line_start, line_end = document.line_at(start), document.line_at(end - 1)
    return Match(
        quote=document.flat_text[start:end],
        groups=found,
        line_start=line_start,
        line_end=line_end,
        group_lines={k: document.line_at(m.start(k)) for k in found},
        group_offsets={k: m.start(k) for k in found},
        lines_skipped=tuple(sorted(n for n in document.hidden if line_start <= n <= line_end)),
        view=document,
    )


def _found(
    document: RawDocument, regex: re.Pattern[str], window: tuple[int, int] | None
) -> Iterator[re.Match[str]]:
    """The matches of `regex` in the flattened text that start in `window` (lines)."""
    for m in regex.finditer(document.flat_text):
        if window is None or window[0] <= document.line_at(m.start()) <= window[1]:
            yield m


# --- why a pattern matches nowhere ----------------------------------------------------------


def _miss(document: RawDocument, pattern: str, window: tuple[int, int] | None) -> str:
    """What a locator that matches nowhere found: the longest start of its pattern that
    matches text in `window`, the line that match ends on and the text that follows it."""
    searched = "" if window is None else f" in lines {window[0]}-{window[1]}"
    for written, regex in _starts_of(pattern):
        # A start matching only empty text (`\b`, `\d*`) says nothing of where the text is.
        partial = next((m for m in _found(document, regex, window) if m.end() > m.start()), None)
        if partial is not None:
            rest = document.flat_text[partial.end() : partial.end() + EXCERPT]
            goes_on = f"where the text goes on `{rest}`" if rest else "where the text ends"
            line = document.line_at(partial.end() - 1)
            return f"0 matches{searched}; it matches up to `{written}` on line {line}, {goes_on}"
    return f"0 matches{searched}; no text matches even its first item"


def _starts_of(pattern: str) -> Iterator[tuple[str, re.Pattern[str]]]:
    """The starts of `pattern`, longest first, each as written and compiled. A start is cut
    from the pattern's text, closed with a `)` for each group left open, and kept when its
    parse is a start of the whole pattern's: that leaves out a cut inside an escape, a set, a
    repeat count or a group's header, between an item and its quantifier, or among
    alternatives (but in a start they all share: the parser sets it before them). Of cuts
    that parse alike (`a` and `a(?:`), the shortest is kept."""
    whole = _tree(_parser.parse(pattern))
    starts: list[tuple[str, str, Any]] = []  # as written, as closed, parsed
    for end in range(len(pattern)):
        written = pattern[:end]
        for closing in range(written.count("(") + 1):
            # Only the count of the groups left open parses: fewer or more is an error.
            try:
                parsed = _tree(_parser.parse(written + ")" * closing))
            except re.error:
                continue
            if _begins(parsed, whole) and not (starts and starts[-1][2] == parsed):
                starts.append((written, written + ")" * closing, parsed))
            break
    for written, closed, _ in reversed(starts):
        yield written, re.compile(closed)


def _tree(node: Any) -> Any:
    """A parsed pattern as nested lists, comparable with `==` (a SubPattern is not)."""
    if isinstance(node, _parser.SubPattern):
        node = node.data
    if isinstance(node, list | tuple):
        return [_tree(item) for item in node]
    return node


def _begins(part: list[Any], whole: list[Any]) -> bool:
    """Whether parsed `part` is a start of parsed `whole` (one with an item at least): its
    items but the last are the first items of `whole`, and its last is the next one or a
    group (closed early) whose items begin that group's."""
    if not 0 < len(part) <= len(whole) or part[:-1] != whole[: len(part) - 1]:
        return False
    (kind, value), (whole_kind, whole_value) = part[-1], whole[len(part) - 1]
    if (kind, value) == (whole_kind, whole_value):
        return True
    same_group = kind == whole_kind == _parser.SUBPATTERN and value[:3] == whole_value[:3]
    return same_group and _begins(value[3], whole_value[3])


# --- per-document declarations ------------------------------------------------------------


class LocatorFile(strict_yaml.Declared):
    """Base of the model of a per-document declaration file: its locators are its fields, or
    the items of its list fields."""

    def locators(self) -> list[Locator]:
        found: list[Locator] = []
        for value in dict(self).values():
            items = value if isinstance(value, list) else [value]
            found += [item for item in items if isinstance(item, Locator)]
        return found


F = TypeVar("F", bound=LocatorFile)


@dataclass(frozen=True)
class Sourced(Generic[F]):
    """The declarations of one kind for one document (sources/<document_id>/<kind>.yaml)."""

    document_id: str
    path: str  # the declaration file, for error messages
    declarations: F

    def document(self, documents: dict[str, RawDocument]) -> RawDocument:
        """The document the folder is named after; a folder of an unknown document is refused
        here, where the documents are known."""
        if self.document_id not in documents:
            raise SourceError(
                self.path,
                None,
                "a folder named after a document of raw/manifest.yaml",
                self.document_id,
            )
        return documents[self.document_id]


class SourceOrder(strict_yaml.Declared):
    order: list[str]


@cache
def load_sources(model: type[F], kind: str, root: Path = DECLARATIONS) -> tuple[Sourced[F], ...]:
    """Every sources/<document_id>/<kind>.yaml under `root` as a `model`, in document order.
    A locator id is declared once per kind, over all documents."""
    folders = document_folders(root)
    files = [path for folder in folders if (path := folder / f"{kind}.yaml").exists()]
    loaded = tuple(
        Sourced(path.parent.name, strict_yaml.relative(path), strict_yaml.load(model, path))
        for path in files
    )
    seen: set[str] = set()
    for path, source in zip(files, loaded, strict=True):
        for locator in source.declarations.locators():
            if locator.id in seen:
                line = strict_yaml.line_of_value(path, "id", locator.id)
                raise SourceError(source.path, line, f"{kind} locator ids used once", locator.id)
            seen.add(locator.id)
    return loaded


@cache
def document_folders(root: Path = DECLARATIONS) -> tuple[Path, ...]:
    """The folders of sources/: those listed in sources.yaml in that order, then the others by
    name. A listed name without a folder, or a file that is no known kind, is an error."""
    order = strict_yaml.load(SourceOrder, root / ORDER).order
    folders = {path.name: path for path in sorted((root / SOURCES).iterdir()) if path.is_dir()}
    missing = [name for name in order if name not in folders]
    if missing:
        where = strict_yaml.relative(root / ORDER)
        raise SourceError(where, None, "a folder in sources/ for each listed document", missing[0])
    kinds = ", ".join(f"{kind}.yaml" for kind in KINDS)
    for folder in folders.values():
        for path in sorted(folder.iterdir()):
            # A misspelt file name would otherwise be silently skipped, like a misspelt key.
            if path.name.startswith("."):
                continue  # editors' and systems' hidden files
            if path.suffix != ".yaml" or path.stem not in KINDS:
                where = strict_yaml.relative(folder)
                raise SourceError(where, None, f"declaration files among {kinds}", path.name)
    unlisted = [path for name, path in folders.items() if name not in order]
    return tuple([folders[name] for name in order] + unlisted)
