"""The declared rules that account for numbers no row publishes
(pipeline/declarations/number_coverage.yaml), and the classification of every token.

A rule's `pattern` is a regular expression over a document's raw text (multi-line: `^` and `$`
are line ends, `\\s` crosses a line break); it accounts for a token lying inside its named group
`number`, or inside the whole match when it has no such group. It may be limited to some
documents and to the part of a document after (and before) the first line matching an anchor.
A rule that accounts for nothing is stale and refused, like a misspelt key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract.locate import DECLARATIONS
from pipeline.reconcile.coverage.scan import Kind, Token
from pipeline.sources.text import RawDocument

RULES_FILE = DECLARATIONS / "number_coverage.yaml"
Status = Literal["skipped", "pending"]


class RuleExample(strict_yaml.Declared):
    """What a rule is for, shown on a text written for it: the number it skips there, and near
    misses (texts it must not skip a number of). Read only by the tests."""

    text: str
    skips: str
    near_misses: tuple[str, ...] = Field(min_length=1)


class Rule(strict_yaml.Declared):
    """Why the numbers a pattern finds are not published: `skipped` (not a statistic: a
    citation, a page, a name...) or `pending` (a statement not yet published)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    status: Status
    reason: str = Field(min_length=1)
    pattern: strict_yaml.Regex
    documents: tuple[str, ...] | None = None
    kinds: tuple[Kind, ...] | None = None
    after: strict_yaml.Regex | None = None  # only from the first line matching this, inclusive
    before: strict_yaml.Regex | None = None  # only up to the first line matching this
    # True: the rule holds a year even when a row's date cell is of that year (a cited work's
    # year is never the period of the statistic whose sentence cites it).
    over_dates: bool = False
    # True: the numbers it skips are when something happened (a date in running text), which
    # an event may publish: `python -m pipeline todo` drafts an event for each.
    dates: bool = False
    example: RuleExample | None = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.MULTILINE)

    def applies_to(self, document_id: str) -> bool:
        return self.documents is None or document_id in self.documents

    def spans(self, document: RawDocument, where: str) -> list[tuple[int, int]]:
        """The spans of the raw text this rule accounts for in `document`."""
        low, high = self._window(document, where)
        numbered = "number" in self.regex.groupindex
        return [
            # The `number` group when this alternative has it, else the whole match.
            found.span("number") if numbered and found.start("number") >= 0 else found.span()
            for found in self.regex.finditer(document.text, low, high)
        ]

    def _window(self, document: RawDocument, where: str) -> tuple[int, int]:
        """Offsets of the text between the anchors (the whole text without them)."""
        low, high = 0, len(document.text)
        if self.after is not None:
            low = self._anchor(document, self.after, 0, "after", where)
        if self.before is not None:
            high = self._anchor(document, self.before, low, "before", where)
        return low, high

    def _anchor(self, document: RawDocument, pattern: str, start: int, key: str, where: str) -> int:
        found = re.compile(pattern, re.MULTILINE).search(document.text, start)
        if found is None:
            raise SourceError(
                document.path, None, f"the {key} anchor of rule {self.id!r} ({where})", pattern
            )
        return document.text.rfind("\n", 0, found.start()) + 1  # the start of its line


class RulesFile(strict_yaml.Declared):
    rules: list[Rule]

    @field_validator("rules")
    @classmethod
    def _ids_once(cls, rules: list[Rule]) -> list[Rule]:
        strict_yaml.once([rule.id for rule in rules], "rule ids")
        return rules


@dataclass(frozen=True)
class Rules:
    path: Path
    rules: tuple[Rule, ...]

    @property
    def where(self) -> str:
        return strict_yaml.relative(self.path)

    def line_of(self, rule: Rule) -> int | None:
        return strict_yaml.line_of_value(self.path, "id", rule.id)


@cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    return Rules(path, tuple(strict_yaml.load(RulesFile, path).rules))


def check_documents(rules: Rules, document_ids: set[str]) -> None:
    """Every document a rule names is a document of the snapshot."""
    for rule in rules.rules:
        for document_id in rule.documents or ():
            if document_id not in document_ids:
                raise SourceError(
                    rules.where, rules.line_of(rule), "a document of raw/manifest.yaml", document_id
                )


def first_rule(
    rules: Rules,
    token: Token,
    spans: dict[tuple[str, str], list[tuple[int, int]]],
    over_dates: bool = False,
) -> Rule | None:
    """The first rule (in file order) whose spans in the token's document hold the token; with
    `over_dates`, only among the rules that hold a year over a row's date cell."""
    for rule in rules.rules:
        if over_dates and not rule.over_dates:
            continue
        found = spans.get((rule.id, token.document_id), [])
        kind_ok = rule.kinds is None or token.kind in rule.kinds
        if kind_ok and any(s <= token.raw_start and token.raw_end <= e for s, e in found):
            return rule
    return None


def rule_spans(
    rules: Rules, documents: dict[str, RawDocument]
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Per (rule id, document id), the spans the rule accounts for."""
    return {
        (rule.id, document_id): rule.spans(document, rules.where)
        for rule in rules.rules
        for document_id, document in documents.items()
        if rule.applies_to(document_id)
    }
