"""Drafts of the declarations that would publish a document's unpublished numbers (`python -m
pipeline todo`): a fact locator per number, an event per printed date, a printed table per run
of lines ending in numbers.

A draft is a guess for a maintainer to edit - every guess is marked TODO - and to move into
pipeline/declarations/sources/<document_id>/; the loaders never read drafts. A fact's pattern
is its sentence, escaped, with its number as the group `value` (and `scale`, and `hedge` for a
hedge word of hedges.yaml before it) and the sentence's first date as its period (`year`, or
`start` and `end`; else the last date earlier in its paragraph, through the anchor `after`).
Its unit is guessed from the number's sign ($: a currency, %: percent), else TODO. An event's
pattern is its sentence with the printed date as the group `date`. A printed table is drafted
in the shape of tables.yaml from the lines around the run. Each fact and event is read by the
build's reader of its kind: what it cannot read is said in a TODO comment.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import yaml
from pydantic import BaseModel

from pipeline import harmonise, strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import dates, events, facts, locate, numbers, printed_tables
from pipeline.extract.hedges import Hedges
from pipeline.reconcile.coverage import Unpublished
from pipeline.reconcile.coverage.scan import (
    CURRENCY,
    CURRENCY_SIGNS,
    SCALE,
    Token,
    is_series,
    line_offsets,
    scan,
    sentence,
)
from pipeline.sources.text import RawDocument

Kind = Literal["facts", "events", "tables"]
MODELS: dict[Kind, type[BaseModel]] = {
    "facts": facts.FactsFile,
    "events": events.EventsFile,
    "tables": printed_tables.TablesFile,
}
READERS = {"facts": "facts.py", "events": "events.py", "tables": "printed_tables.py"}
TODO = "TODO"
YEAR = re.compile(r"(?:18|19|20)[0-9]{2}")
WORDS_BEFORE_A_YEAR = 6  # at most, in a printed date: "the last day of 2004", "5 March, 2020"
# A number as printed: a currency sign, the number, a percent sign, a scale word.
PRINTED = re.compile(
    rf"(?P<prefix>{CURRENCY})?(?P<number>.+?)(?P<suffix>[ ]?%|[ ]per[ ]?cent)?(?P<scale>{SCALE})?",
    re.IGNORECASE,
)
CURRENCY_CODE_AFTER = re.compile(rf"\s*(?P<code>{'|'.join(facts.CURRENCIES)})\b")
Span = tuple[int, int]  # offsets in a document's flattened text
Group = tuple[int, int, str]  # a span and the regular expression that takes its place


@dataclass(frozen=True)
class Entry:
    """One drafted declaration: its kind, its YAML lines (an item of the kind's list), the
    unpublished numbers it would publish and how the list names it."""

    kind: Kind
    lines: tuple[str, ...]
    tokens: tuple[Token, ...]
    what: str


@dataclass
class Drafts:
    """The drafts of one document."""

    document_id: str
    entries: list[Entry] = field(default_factory=list)
    schemas: dict[str, str] = field(default_factory=dict)  # a table's draft schema, by name
    # A token no entry holds: a later date of a sentence whose facts take the first as period.
    undrafted: str = "a date of a sentence drafted as facts: their period is its first date"

    def what(self, token: Token) -> str:
        """What the token is drafted as ("fact <id>", ...), or why it is not."""
        found = [entry.what for entry in self.entries if token in entry.tokens]
        return "; ".join(found) or f"no draft: {self.undrafted}"

    def listed(
        self, document: RawDocument, items: Sequence[Unpublished], held_by: str = "pending rule"
    ) -> list[str]:
        """A line per number: file, line, the number, what it is drafted as (and the rule that
        holds it, as `held_by` says), and its sentence (a table's: its line)."""
        lines = []
        for item in items:
            token = item.token
            tabled = any(e.kind == "tables" and token in e.tokens for e in self.entries)
            where = document.line(token.line).strip() if tabled else sentence(document, token)
            rule = f", {held_by} {item.rule}" if item.rule else ""
            lines.append(
                f'{item.path}:{token.line}: "{token.text}" ({self.what(token)}{rule}): {where}'
            )
        return lines

    def files(self) -> dict[str, str]:
        """The text of each draft file by name (`facts.yaml`, ...), each read by its model."""
        texts: dict[str, str] = {}
        for kind, model in MODELS.items():
            items = [line for entry in self.entries if entry.kind == kind for line in entry.lines]
            if not items:
                continue
            text = "\n".join([*_header(self.document_id, kind), f"{kind}:", *items, ""])
            strict_yaml.validate(model, yaml.safe_load(text), f"the draft {kind}.yaml")
            texts[f"{kind}.yaml"] = text
        texts |= {f"{name}.schema.yaml": schema for name, schema in self.schemas.items()}
        return texts


def _header(document_id: str, kind: Kind) -> list[str]:
    return [
        f"# Draft {kind} of {document_id}, written by `python -m pipeline todo {document_id}`",
        "# and rewritten by every run (nothing reads drafts/). Edit every TODO (the keys are",
        f"# documented in pipeline/extract/{READERS[kind]}), then move the entries into",
        f"# pipeline/declarations/sources/{document_id}/{kind}.yaml.",
    ]


def draft(document: RawDocument, pending: Sequence[Token], hedges: Hedges) -> Drafts:
    """The drafts that would publish the `pending` numbers of `document`."""
    drafts = Drafts(document.document_id)
    if is_series(document):
        drafts.undrafted = "a series is read by code (pipeline/extract/series.py)"
        return drafts
    tokens = scan(document)
    drafted: set[Token] = set()
    for run in table_runs(document, tokens):
        covered = tuple(t for t in pending if run.top <= t.line <= run.rows[-1])
        if covered:
            entry, schema = _table(document, run, covered, drafts.schemas.keys())
            drafts.entries.append(entry)
            drafts.schemas[entry.what.split()[1]] = schema
            drafted.update(covered)
    ids: Counter[str] = Counter()
    prose = [t for t in pending if t not in drafted]
    for span in dict.fromkeys(document.sentence_span(t.start, t.end) for t in prose):
        inside = [t for t in prose if span[0] <= t.start < span[1]]
        drafts.entries += _sentence(document, span, inside, tokens, hedges, ids)
    return drafts


# --- YAML ---------------------------------------------------------------------------------------


def _scalar(value: str | int | bool) -> str:
    """A value as YAML: plain where it reads back as itself, else single-quoted."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    plain = re.fullmatch(r"[A-Za-z_][\w .()/-]*", value) and yaml.safe_load(value) == value
    return value if plain else "'" + value.replace("'", "''") + "'"


def _flow(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value)}" for key, value in mapping.items()) + "}"


def _item(
    fields: dict[str, str | int | bool], comments: dict[str, str], notes: Sequence[str] = ()
) -> tuple[str, ...]:
    """A list item of `fields`, a comment on the line of a key it names, `notes` as comment
    lines under its first line."""
    lines = []
    for index, (key, value) in enumerate(fields.items()):
        line = f"{'- ' if index == 0 else '  '}{key}: {_scalar(value)}"
        lines.append(f"{line}  # {comments[key]}" if key in comments else line)
    return (lines[0], *(f"  # {note}" for note in notes), *lines[1:])


def _literal(text: str) -> str:
    """Text as a regular expression matching itself (spaces left readable)."""
    return re.escape(text).replace("\\ ", " ")


def _shape(printed: str) -> str:
    """A printed number or date as a pattern: its digits any digits ('46,000': \\d+,\\d+)."""
    return re.sub(r"[0-9]+", r"\\d+", _literal(printed))


def _pattern(text: str, span: Span, groups: Sequence[Group]) -> str:
    """The text of `span`, escaped, with each (start, end, regex) put in place of its text and
    every other number by its shape: a locator holds no number of the source."""
    parts, at = [], span[0]
    for start, end, regex in sorted(groups):
        parts += [_shaped(text[at:start]), regex]
        at = end
    return "".join([*parts, _shaped(text[at : span[1]])])


def _shaped(text: str) -> str:
    """Text as a regular expression matching itself, its numbers any of their shape."""
    pieces = re.split(r"([0-9]+(?:[.,][0-9]+)*)", text)
    return "".join(_shape(p) if i % 2 else _literal(p) for i, p in enumerate(pieces))


def _guess(terms: Sequence[str], text: str, described: str = "") -> tuple[str, str]:
    """A term of a closed vocabulary for a text, and the comment that asks for it to be
    checked: the first whose words the text has, else the one whose description (in
    `described`, "`term` - words;") shares most words with the text, else the first."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    term = next((t for t in terms if set(t.split()) <= words), None)
    if term is None:
        meant = {t: set(re.findall(r"[a-z]{4,}", d.lower())) for t, d in _descriptions(described)}
        shared = {t: len(meant.get(t, set()) & words) for t in terms}
        term = max(terms, key=lambda t: shared[t]) if any(shared.values()) else terms[0]
    return term, f"TODO: one of {', '.join(terms)}"


def _descriptions(described: str) -> list[tuple[str, str]]:
    """The terms a field's description explains: "`term` - what it covers;"."""
    return re.findall(r"`([^`]+)` - ([^;`]+)", " ".join(described.split()))


def _reading_error(
    document: RawDocument, declared: facts.Fact | events.Event, hedges: Hedges
) -> str | None:
    """What the build's reader says of a draft fact or event (None: it reads it)."""
    documents, where = {document.document_id: document}, "a draft"
    try:
        if isinstance(declared, facts.Fact):
            file = facts.FactsFile(facts=[declared])
            sources = (locate.Sourced(document.document_id, where, file),)
            facts.extract_facts(documents, facts.FactDeclarations(sources, hedges))
        else:
            listed = events.EventsFile(events=[declared])
            events.extract_events(documents, (locate.Sourced(document.document_id, where, listed),))
    except SourceError as error:
        return f"TODO: {error}"
    return None


# --- prose: facts and events --------------------------------------------------------------------


def _dates(document: RawDocument, span: Span, tokens: Sequence[Token]) -> list[Span]:
    """The printed dates of a sentence: for each year, the longest text ending with it that
    the events' date reader reads ("June 1974", "5 March, 2020", "2019 to 2020"), in order."""
    text, found = document.flat_text, []
    for year in tokens:
        if year.kind != "digits" or not YEAR.fullmatch(year.text):
            continue
        words = [span[0] + m.start() for m in re.finditer(r"\S+", text[span[0] : year.start])]
        for start in [*words[-WORDS_BEFORE_A_YEAR:], year.start]:
            try:
                dates.load_date_forms().parse(text[start : year.end])
            except ValueError:
                continue
            found.append((start, year.end))
            break
    return sorted(
        d for d in found if not any(o != d and o[0] <= d[0] <= d[1] <= o[1] for o in found)
    )


def _sentence(
    document: RawDocument,
    span: Span,
    pending: Sequence[Token],
    tokens: Sequence[Token],
    hedges: Hedges,
    ids: Counter[str],
) -> list[Entry]:
    """The facts of a sentence's unpublished numbers, its first date their period; or, in a
    sentence without such numbers, an event per printed date holding an unpublished one."""
    inside = [t for t in tokens if span[0] <= t.start and t.end <= span[1]]
    dates = _dates(document, span, inside)
    numbers = [t for t in pending if not any(s <= t.start and t.end <= e for s, e in dates)]
    if not numbers:
        return [
            _event(document, span, date, held, ids, hedges)
            for date in dates
            if (held := tuple(t for t in pending if date[0] <= t.start and t.end <= date[1]))
        ]
    period = _period_groups(document, dates[0]) if dates else []
    in_period = tuple(t for t in pending if any(s <= t.start < e for s, e, _ in period))
    anchor = None if dates else _paragraph_date(document, span, tokens)
    return [
        entry
        for number in numbers
        for entry in _facts(document, span, number, period, anchor, hedges, ids, in_period)
    ]


def _new_id(document: RawDocument, kind: Kind, token: Token, ids: Counter[str]) -> str:
    """`<document_id>_line<line>`, numbered from the second of a kind on one line."""
    base = f"{document.document_id}_line{token.line}"
    ids[f"{kind}:{base}"] += 1
    count = ids[f"{kind}:{base}"]
    return base if count == 1 else f"{base}_{count}"


def _period_groups(document: RawDocument, date: Span) -> list[Group]:
    """The groups of a period: `start` and `end` of a printed interval ("from 2016 to 2020"),
    or `year` over the whole printed date, where a fact's period reader reads them ("5 March,
    2020"); else `year` over its year."""
    printed = document.flat_text[date[0] : date[1]]
    forms = dates.load_date_forms()
    found = (re.fullmatch(form.pattern, printed) for form in forms.intervals)
    interval = next(filter(None, found), None)
    spans = [("start", *interval.span("start")), ("end", *interval.span("end"))] if interval else []
    for candidate in (spans, [("year", 0, len(printed))]):
        try:
            for _, start, end in candidate:
                forms.read(printed[start:end])
        except ValueError:
            continue
        if candidate:
            return [
                (date[0] + start, date[0] + end, f"(?P<{name}>{_shape(printed[start:end])})")
                for name, start, end in candidate
            ]
    return [(date[1] - 4, date[1], r"(?P<year>\d{4})")]


def _paragraph_date(document: RawDocument, span: Span, tokens: Sequence[Token]) -> Span | None:
    """The last date printed before the sentence in its paragraph (lines up to a blank one)."""
    first = document.line_at(span[0])
    while first > 1 and document.line(first - 1).strip():
        first -= 1
    before = [t for t in tokens if t.line >= first and t.end <= span[0]]
    sentences = dict.fromkeys(document.sentence_span(t.start, t.end) for t in before)
    dates = [date for sentence in sentences for date in _dates(document, sentence, before)]
    return dates[-1] if dates else None


def _hedge(document: RawDocument, start: int, hedges: Hedges) -> tuple[int, int] | None:
    """The declared hedge word printed right before a number ("about 46,000")."""
    words = sorted((w for q in hedges.qualifiers.values() for w in q.words), key=len, reverse=True)
    before = document.flat_text[max(start - 40, 0) : start]
    for word in words:
        found = re.search(rf"(?<!\w){re.escape(word)}\s+$", before, re.IGNORECASE)
        if found:
            at = start - len(before) + found.start()
            return at, at + len(word)
    return None


def _printed(token: Token) -> re.Match[str]:
    printed = PRINTED.fullmatch(token.text)
    assert printed is not None  # every token matches: its number may be all of it
    return printed


def _value_groups(token: Token) -> list[Group]:
    """The groups of a number as printed: `value` (its digits as any digits; a word as it is
    printed), and `scale`."""
    printed = _printed(token)
    start, number = token.start + len(printed["prefix"] or ""), printed["number"]
    value = _literal(number) if token.kind in ("word", "ordinal") else _shape(number)
    groups = [(start, start + len(number), f"(?P<value>{value})")]
    if printed["scale"]:
        word = printed["scale"].strip()
        groups.append((token.end - len(word), token.end, f"(?P<scale>{word})"))
    return groups


def _unit(document: RawDocument, token: Token) -> dict[str, str | int | bool]:
    """The unit a number's sign gives: a currency (the code printed after it or in its sign,
    else CAD inferred, to check), percent, else TODO."""
    printed = _printed(token)
    if printed["prefix"]:
        code = CURRENCY_CODE_AFTER.match(document.flat_text, token.end)
        sign = printed["prefix"].strip().removesuffix("$").upper()
        if code or sign in CURRENCY_SIGNS:
            return {"unit": code["code"] if code else CURRENCY_SIGNS[sign]}
        return {"unit": "CAD", "unit_inferred": True}
    return {"unit": "percent" if printed["suffix"] else TODO}


def _facts(
    document: RawDocument,
    span: Span,
    token: Token,
    period: list[Group],
    anchor: Span | None,
    hedges: Hedges,
    ids: Counter[str],
    in_period: tuple[Token, ...],
) -> list[Entry]:
    """The draft fact of a number (two for a range: its lower and its upper bound)."""
    groups = [*_value_groups(token), *period]
    qualifier = "exact"
    if hedge := _hedge(document, token.start, hedges):
        word = document.flat_text[hedge[0] : hedge[1]]
        groups.append((*hedge, f"(?P<hedge>{_literal(word)})"))
        qualifier = f'{hedges.qualifier_of(word)} (the hedge "{word}")'
    sentence_text = document.flat_text[span[0] : span[1]]
    topic_field = facts.topic_field()
    topic, topic_comment = _guess(facts.topics(), sentence_text, topic_field.description)
    fields: dict[str, str | int | bool] = {
        "id": _new_id(document, "facts", token, ids),
        "indicator": TODO,
        **_unit(document, token),
        "topic": topic,
        "geography": TODO,
        "pattern": _pattern(document.flat_text, span, groups),
    }
    comments = {"indicator": "TODO: what the number measures", "topic": topic_comment}
    if fields.get("unit_inferred"):
        comments["unit_inferred"] = "TODO: no currency printed with the figure: CAD or USD?"
    if anchor:
        anchor_span = document.sentence_span(*anchor)
        anchor_groups = _period_groups(document, anchor)
        fields["after"] = _pattern(document.flat_text, anchor_span, anchor_groups)
        fields["lines"] = document.line_at(span[0]) - document.line_at(anchor_span[0])
        comments["after"] = "the period: a date earlier in the paragraph"
    try:
        numbers.parse_range(_printed(token)["number"])
        bounds: tuple[str | None, ...] = ("lower", "upper")  # a fact per bound of a range
    except ValueError:
        bounds = (None,)
    entries = []
    for bound in bounds:
        declared = dict(fields)
        if bound:
            declared |= {"id": f"{fields['id']}_{bound}", "bound": bound}
            qualifier = facts.BOUND_QUALIFIERS[bound]
        error = _reading_error(document, facts.Fact.model_validate(declared), hedges)
        notes = [f"qualifier: {qualifier}", *([error] if error else [])]
        lines = _item(declared, comments, notes)
        entries.append(Entry("facts", lines, (token, *in_period), f"fact {declared['id']}"))
    return entries


def _event(
    document: RawDocument,
    span: Span,
    date: Span,
    held: tuple[Token, ...],
    ids: Counter[str],
    hedges: Hedges,
) -> Entry:
    """The draft event of a printed date."""
    sentence_text = document.flat_text[span[0] : span[1]]
    event_type, type_comment = _guess(events.event_types(), sentence_text)
    printed = document.flat_text[date[0] : date[1]]
    declared: dict[str, str | int | bool] = {
        "id": _new_id(document, "events", held[0], ids),
        "event_type": event_type,
        "description": TODO,
        "pattern": _pattern(document.flat_text, span, [(*date, f"(?P<date>{_shape(printed)})")]),
    }
    comments = {
        "event_type": type_comment,
        "description": "TODO: what happened, without a date or number",
    }
    error = _reading_error(document, events.Event.model_validate(declared), hedges)
    notes = ["TODO: countries: [...] and organisations: [...] as the sentence names them"]
    lines = _item(declared, comments, [*notes, *([error] if error else [])])
    return Entry("events", lines, held, f"event {declared['id']}")


# --- printed tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Lines that each end in two or more numbers (`rows`, blank lines between them aside), and
    the lines around them: the nearest non-blank line above (the header), the one above it (the
    caption) and the first non-blank line after them (the line that ends the table); None
    where there is none."""

    rows: tuple[int, ...]
    header: int | None
    caption: int | None
    closing: int | None

    @property
    def top(self) -> int:
        return self.caption or self.header or self.rows[0]


def _trailing(document: RawDocument, line: int, tokens: Sequence[Token], start: int) -> int:
    """How many numbers the line ends in, each after white space (`start`: the line's offset
    in the document's text)."""
    text = document.line(line).rstrip()
    end, count = len(text), 0
    for token in sorted((t for t in tokens if t.line == line), key=lambda t: -t.raw_start):
        before = text[: token.raw_start - start]
        if token.raw_end - start != end or (before and not before[-1].isspace()):
            break
        count, end = count + 1, len(before.rstrip())
    return count


def _non_blank(document: RawDocument, line: int, step: int) -> int | None:
    """The nearest non-blank line from `line` on, going by `step` (-1 up, 1 down)."""
    while 1 <= line <= len(document.lines):
        if document.line(line).strip():
            return line
        line += step
    return None


def table_runs(document: RawDocument, tokens: Sequence[Token]) -> list[Run]:
    """The runs of two or more consecutive lines that each end in two or more numbers (blank
    lines between rows, which the table reader skips, do not end a run)."""
    offsets = line_offsets(document)
    runs: list[list[int]] = []
    for line in range(1, len(document.lines) + 1):
        if _trailing(document, line, tokens, offsets[line - 1]) < 2:
            continue
        if runs and _non_blank(document, runs[-1][-1] + 1, 1) == line:
            runs[-1].append(line)
        else:
            runs.append([line])
    found = []
    for rows in (run for run in runs if len(run) >= 2):
        header = _non_blank(document, rows[0] - 1, -1)
        caption = _non_blank(document, header - 1, -1) if header else None
        found.append(Run(tuple(rows), header, caption, _non_blank(document, rows[-1] + 1, 1)))
    return found


def _cell_kind(cells: Sequence[str]) -> str:
    """How a column's cells are printed: the first kind of the table reader that reads all."""
    for kind in ("integer", "decimal", "percent"):
        try:
            for cell in cells:
                printed_tables.cell_value(cell, kind)
        except ValueError:
            continue
        return kind
    return "decimal"


def _whole_line(document: RawDocument, line: int | None, what: str) -> str:
    """A line as the pattern of a whole line, with the comment saying which line it is."""
    if line is None:
        return f"{TODO}  # TODO: {what}: none found"
    pattern = rf"^\s*{_literal(document.line(line).strip())}\s*$"
    return f"{_scalar(pattern)}  # {what}"


def _snake(text: str) -> str:
    """A printed label as a column name: 'Total (billions USD)' -> 'total_billions_usd'."""
    return "_".join(re.findall(r"[a-z0-9]+", text.lower())) or TODO


def _caption(document: RawDocument, line: int | None, group: str) -> tuple[str, str, str | None]:
    """The caption as a pattern, its last year a group named `group` (a column of every row);
    the table name its title suggests ('Table 1: “Workers by origin, 2019”': workers_by_origin);
    `group` if the caption has a year, else None."""
    if line is None:
        return f"{TODO}  # TODO: the caption: none found", TODO, None
    text = document.line(line).strip()
    years = list(re.finditer(r"(?<!\d)[0-9]{4}(?!\d)", text))
    if not years:
        return _whole_line(document, line, "the line above the header"), _title_name(text), None
    last = years[-1]
    before, after = _literal(text[: last.start()]), _literal(text[last.end() :])
    pattern = rf"^\s*{before}(?P<{group}>[0-9]{{4}}){after}\s*$"
    return (
        f"{_scalar(pattern)}  # the line above the header",
        _title_name(text[: last.start()]),
        group,
    )


def _title_name(caption: str) -> str:
    title = re.sub(r"^\s*(?:Table|Figure)\s+[0-9A-Za-z.]+\s*[:.]", "", caption)
    return _snake(title)


def _ends(document: RawDocument, line: int | None) -> str:
    """The line after the last row, as far as its first colon where it has one ('Source:')."""
    if line is None or ":" not in (text := document.line(line).strip()):
        return _whole_line(document, line, "the line after the last row")
    pattern = r"^\s*" + _literal(text[: text.index(":") + 1])
    return f"{_scalar(pattern)}  # the line after the last row"


def _table(
    document: RawDocument, run: Run, covered: tuple[Token, ...], taken: Collection[str]
) -> tuple[Entry, str]:
    """The draft of a printed table (tables.yaml) read from a run of lines, and the draft of its
    schema: the label column a year (with the month it runs to) where every row starts with
    one, else text (countries, if every label is a country's name); a column per cell of the
    most rows, named after its printed label."""
    texts = [document.line(n).strip() for n in run.rows]
    rows = [printed_tables.split_row(text, "year_to_month") for text in texts]
    label_kind = "year_to_month" if any(month for _, month, _ in rows) else "year"
    if not all(label for label, _, _ in rows):
        label_kind = "text"
        rows = [printed_tables.split_row(text, label_kind) for text in texts]
    width = Counter(len(cells) for _, _, cells in rows).most_common(1)[0][0]
    columns = [[cells[i] for _, _, cells in rows if len(cells) == width] for i in range(width)]
    header = document.line(run.header).strip() if run.header else ""
    labels = _labels(header, width + 1)
    first_words = labels[0] if labels else (header.split() or [TODO])[0]
    labelled = [label for label, _, _ in rows]
    countries = label_kind == "text" and all(harmonise.iso3_of(labelled).values())
    label_column = f"{_snake(first_words)}_as_printed" if label_kind == "text" else "year"
    if countries:
        label_column = "country_as_printed"
    # The caption's year is a column too: named apart from a label column of years.
    caption_year = "caption_year" if label_column == "year" else "year"
    caption, name, year_column = _caption(document, run.caption, caption_year)
    numbered = (f"{name}_{i}" for i in itertools.count(2))  # a caption drafted before
    name = next(n for n in itertools.chain([name], numbered) if n not in taken)
    label = {"printed": first_words, "column": label_column, "cell": label_kind}
    lines = [
        f"- name: {name}  # TODO: check; schemas/<name>.yaml declares its fields",
        f"  caption: {caption}",
        f"  label: {_flow(label)}  # cell: text | year | year_to_month",
    ]
    if labels is None:
        lines.append(f"  # TODO: the header's labels, one per column: {header!r}")
    lines.append("  columns:  # one per printed header label, in printed order")
    cells: list[tuple[str, str]] = []
    for i, printed in enumerate(columns):
        column = {"printed": labels[i + 1] if labels else TODO}
        column["cell"] = _cell_kind(printed)
        named = _snake(column["printed"]) if labels else TODO
        # The unit in the name: a percentage's column ends in _pct.
        percent = column["cell"] == "percent" and labels and not named.endswith("_pct")
        column["column"] = f"{named}_pct" if percent else named
        column = {key: column[key] for key in ("printed", "column", "cell")}
        cells.append((column["column"], column["cell"]))
        lines.append(f"  - {_flow(column)}  # cell: integer | decimal | percent")
    lines.append(f"  ends: {_ends(document, run.closing)}")
    if countries:
        lines.append("  countries: true  # every label is a country's name: harmonised to ISO3")
    rows_at = f"lines {run.rows[0]}-{run.rows[-1]}"
    entry = Entry("tables", tuple(lines), covered, f"table {name} ({rows_at})")
    return entry, _schema(document.document_id, name, label, cells, countries, year_column)


def _schema(
    document_id: str,
    name: str,
    label: dict[str, str],
    cells: Sequence[tuple[str, str]],
    countries: bool,
    caption_year: str | None,
) -> str:
    """The draft of a table's schema: its fields from the declaration (`caption_year`: the
    column of the caption's year, if it has one), the words (title, description, units) left
    to the maintainer."""
    types = {"integer": "integer", "decimal": "number", "percent": "number"}
    lines = [
        f"# Draft schema of {name}, written by `python -m pipeline todo {document_id}`: edit every",
        f"# TODO, move it to schemas/{name}.yaml and list {name} in schemas/_package.yaml.",
        f"name: {name}",
        "title: TODO",
        "description: TODO",
        "row: TODO",
        f"primary_key: [{'country_iso3' if countries else label['column']}]",
        "foreign_keys:",
        "  - {fields: [document_id], reference: {resource: documents, fields: [document_id]}}",
    ]
    if countries:
        lines.append(
            "  - {fields: [country_iso3], reference: {resource: countries, fields: [country_iso3]}}"
        )
    lines.append("fields:")
    if countries:
        lines += ["  - use: country_iso3", "  - use: country_as_printed"]
    else:
        kind = "string" if label["cell"] == "text" else "integer"
        lines += [f"  - name: {label['column']}", f"    type: {kind}", "    description: TODO"]
    for column, cell in cells:
        unit = "percent" if cell == "percent" else "TODO"
        lines += [
            f"  - name: {column}",
            f"    type: {types[cell]}",
            f"    unit: {unit}",
            "    description: TODO",
            "    constraints: {required: true}",
        ]
    if caption_year is not None:
        lines += [
            f"  - name: {caption_year}",
            "    type: integer",
            "    unit: year",
            "    description: Year of the table, read from its caption.",
            "    constraints: {required: true}",
        ]
    lines += ["  - use: document_id", "  - use: line_start", "  - use: line_end", ""]
    return "\n".join(lines)


def _labels(header: str, count: int) -> list[str] | None:
    """A header's labels where they split reliably: by wide spaces, else by single spaces."""
    for labels in (re.split(r"\s{2,}|\t", header), header.split()):
        if len(labels) == count:
            return labels
    return None
