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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

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
    several is an error naming the raw file and the locator. A `skip` that changes nothing, or
    that hides a line the locator reads, is an error too."""
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
        unchanged = _locate(document, locator).quote == match.quote
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


def _locate(document: RawDocument, locator: Locator) -> Match:
    window = None
    if locator.after is not None:
        anchor = _match_once(document, locator.after, f"{locator.id}.after")
        assert locator.lines is not None  # declared with `after` (validated on load)
        window = (anchor.line_start, anchor.line_start + locator.lines)
    return _match_once(document, locator.pattern, locator.id, window)


def _match_once(
    document: RawDocument, pattern: str, name: str, window: tuple[int, int] | None = None
) -> Match:
    matches = list(re.finditer(pattern, document.flat_text))
    if window is not None:
        matches = [m for m in matches if window[0] <= document.line_at(m.start()) <= window[1]]
    if len(matches) != 1:
        lines = ", ".join(str(document.line_at(m.start())) for m in matches) or "none"
        raise SourceError(
            document.path,
            None,
            f"locator {name!r} to match exactly once (pattern {pattern!r})",
            f"{len(matches)} matches at lines {lines}",
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
