"""Number coverage: every numeric token of every raw document is either published (it is, or is
part of, a value of a row read from its line - never merely inside its quote) or accounted for
by a declared rule (skipped, with a reason, or pending: a statement not yet published).
Anything else stops the build, naming the file and line of the first and counting them all
(`python -m pipeline todo` lists them). Published comes first, but for a year an `over_dates`
rule holds (a cited work's year), which no date cell publishes.

scan.py finds the tokens, claims.py the rows that publish them, accounting.py the declared rules,
drafts.py drafts the declarations that would publish the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline.errors import SourceError
from pipeline.reconcile.coverage import accounting, claims, scan
from pipeline.sources.text import RawDocument

COLUMNS = [
    "document_id",
    "line",
    "column_number",
    "text",
    "kind",
    "status",
    "accounted_by",
    "reason",
]
TODO_COMMAND = "python -m pipeline todo"  # lists every number the build stops at


@dataclass(frozen=True)
class Unpublished:
    """A number neither published nor skipped: held by a `pending` rule (a statement not yet
    published), or accounted for by nothing (`rule` None), which stops the build."""

    token: scan.Token
    path: str  # its raw file
    rule: str | None


class UncoveredNumber(SourceError):
    """Numbers of the raw documents that no row publishes and no rule accounts for: the build
    names the first and how many are pending in all; `unpublished` holds them all, with those
    of the `pending` rules, for `python -m pipeline todo`."""

    def __init__(
        self,
        unpublished: Sequence[Unpublished],
        documents: dict[str, RawDocument],
        frame: pd.DataFrame,
    ):
        first = next(item for item in unpublished if item.rule is None)
        token = first.token
        super().__init__(first.path, token.line, "every number published or skipped", token.text)
        self.unpublished = tuple(unpublished)
        self.frame = frame  # the classification of every other number
        in_first = sum(item.token.document_id == token.document_id for item in unpublished)
        sentence = scan.sentence(documents[token.document_id], token)
        # The message the maintainer acts on, on one line: the file, the line, the number as
        # printed and its sentence; then how many remain and the command that lists them all.
        self.args = (
            f'{first.path}:{token.line}: number "{token.text}" is neither published nor '
            f'skipped (in "{sentence}"); {len(unpublished)} number(s) in all are neither '
            f"published nor skipped, {in_first} in {token.document_id}: "
            f"`{TODO_COMMAND} {token.document_id}` lists them and drafts their declarations",
        )

    def __str__(self) -> str:
        return str(self.args[0])


def _row(token: scan.Token, status: str, accounted_by: str, reason: str) -> dict:
    return {
        "document_id": token.document_id,
        "line": token.line,
        "column_number": token.column,
        "text": " ".join(token.text.split()),
        "kind": token.kind,
        "status": status,
        "accounted_by": accounted_by,
        "reason": reason,
    }


def classify(
    documents: dict[str, RawDocument],
    tables: dict[str, pd.DataFrame],
    declared: accounting.Rules,
) -> pd.DataFrame:
    """One row per token of every document, in document then reading order. `tables` are the
    tables whose rows publish numbers, in the order their claims are preferred."""
    accounting.check_documents(declared, set(documents))
    publishers = claims.publishing_rows(tables)
    misprint_rows = [
        row
        for frame in tables.values()
        if "misprint" in frame
        for row in frame.dropna(subset=["misprint"]).to_dict("records")
    ]
    spans = accounting.rule_spans(declared, documents)
    used: set[str] = set()
    rows = []
    unpublished: list[Unpublished] = []
    for document_id, document in documents.items():
        series = scan.is_series(document)
        candidates = _rows_by_line(publishers.get(document_id, []))
        misprints = scan.misprinted(document, misprint_rows)
        tokens = sorted([*scan.scan(document), *misprints], key=lambda t: (t.line, t.column))
        for token in tokens:
            # A year an `over_dates` rule holds (a cited work's) is no row's period or date.
            cited = accounting.first_rule(declared, token, spans, over_dates=True) is not None
            covering = candidates.get(token.line, [])
            claim = claims.first_publisher(covering, token, document, series, not cited)
            if claim:
                rows.append(_row(token, "published", claim.label, claim.reason))
            elif rule := accounting.first_rule(declared, token, spans):
                used.add(rule.id)
                rows.append(_row(token, rule.status, f"rule:{rule.id}", rule.reason))
                if rule.status == "pending":
                    unpublished.append(Unpublished(token, document.path, rule.id))
            else:
                unpublished.append(Unpublished(token, document.path, None))
    # All of them at once, not one a build: a new source has many.
    if any(item.rule is None for item in unpublished):
        raise UncoveredNumber(unpublished, documents, pd.DataFrame(rows, columns=COLUMNS))
    _refuse_stale(declared, used)
    return pd.DataFrame(rows, columns=COLUMNS)


def _rows_by_line(rows: list[claims.PublishingRow]) -> dict[int, list[claims.PublishingRow]]:
    """The rows read from each line, in their order (asking every row of a document about each
    of its thousands of numbers was a large part of a build)."""
    by_line: dict[int, list[claims.PublishingRow]] = defaultdict(list)
    for row in rows:
        for line in range(row.first_line, row.last_line + 1):
            by_line[line].append(row)
    return by_line


def pending(frame: pd.DataFrame, documents: dict[str, RawDocument]) -> list[Unpublished]:
    """The numbers a classification (`classify`'s frame) left to `pending` rules."""
    return _held(frame[frame["status"] == "pending"], documents)


def dated(
    frame: pd.DataFrame, documents: dict[str, RawDocument], declared: accounting.Rules
) -> list[Unpublished]:
    """The numbers a classification skipped as dates (by a rule with `dates: true`): no event
    publishes them, one may."""
    rules = {f"rule:{rule.id}" for rule in declared.rules if rule.dates}
    return _held(frame[frame["accounted_by"].isin(rules)], documents)


def _held(held: pd.DataFrame, documents: dict[str, RawDocument]) -> list[Unpublished]:
    """The tokens of the rows of a classification, with the rule each row names."""
    return held_at(
        documents,
        {
            (row.document_id, row.line, row.column_number): row.accounted_by.removeprefix("rule:")
            for row in held.itertuples()
        },
    )


def held_at(
    documents: dict[str, RawDocument], rules: dict[tuple[str, int, int], str | None]
) -> list[Unpublished]:
    """The tokens of the documents at (document, line, column), each with its rule, in
    document then reading order."""
    return [
        Unpublished(token, document.path, rules[place])
        for document in documents.values()
        for token in scan.scan(document)
        if (place := (token.document_id, token.line, token.column)) in rules
    ]


def _refuse_stale(declared: accounting.Rules, used: set[str]) -> None:
    for rule in declared.rules:
        if rule.id not in used:
            raise SourceError(
                declared.where,
                declared.line_of(rule),
                f"rule {rule.id!r} to account for at least one number (a stale rule is removed)",
                rule.pattern,
            )


def totals_markdown(frame: pd.DataFrame) -> list[str]:
    """Per document, how many numbers are published, skipped and pending; then per rule."""
    statuses = ["published", "skipped", "pending"]
    counts = pd.crosstab(frame["document_id"], frame["status"]).reindex(
        columns=statuses, fill_value=0
    )
    out = [
        "Numbers per document and status:",
        "",
        "| document_id | " + " | ".join(statuses) + " | total |",
        "|---|" + "---:|" * (len(statuses) + 1),
    ]
    for document_id, row in counts.iterrows():
        cells = " | ".join(str(row[s]) for s in statuses)
        out.append(f"| `{document_id}` | {cells} | {row.sum()} |")
    totals = " | ".join(str(counts[s].sum()) for s in statuses)
    out += [f"| all | {totals} | {len(frame)} |", "", "Numbers per rule:", ""]
    ruled = frame[frame["status"] != "published"]
    for (rule, status), n in ruled.groupby(["accounted_by", "status"]).size().items():
        out.append(f"- `{rule.removeprefix('rule:')}` ({status}): {n}")
    return [*out, ""]


def dates_of(events: pd.DataFrame) -> pd.DataFrame:
    """What an event publishes for number coverage: its date as printed, on the date's line
    (its quote, at the quote's lines, with the lines it skips). Not the other numbers -
    citation years, counts - its quote happens to contain: the quote only chooses between
    rows."""
    dates = events[["event_id", "document_id", "date_as_printed", "quote", "lines_skipped"]].copy()
    dates["quote_line_start"], dates["quote_line_end"] = events["line_start"], events["line_end"]
    dates["line_start"] = dates["line_end"] = dates["date_line"] = events["date_line"]
    return dates
