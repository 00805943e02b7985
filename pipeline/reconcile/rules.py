"""The reconciliation rules as typed declarations (pipeline/declarations/reconciliation.yaml).

A rule names its `kind` and gives that kind's parameters. The values it compares are typed too:
a fact, one value or the sum of a column of a table, a month. Loading refuses an unknown kind and
a misspelt, missing or mistyped key, naming the file and the key path.

Each rule also declares its perturbation: how to break its input so that it must fail. The build
never reads it; tests/test_reconcile.py applies it (a rule's failing fixture, declared beside the
rule so that a new rule brings its own test).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from pipeline import strict_yaml
from pipeline.paths import ROOTS

RULES = ROOTS.declarations_dir / "reconciliation.yaml"


def _shape(*keys: str) -> Discriminator:  # pragma: no mutate block (runs at import, untraceable)
    """A discriminator choosing a union member by the first of `keys` a mapping has (a mapping
    with none of them goes to the first member, whose errors then name the unknown keys); a
    plain value (a number, a word) or a list is tagged by its type."""

    def tag(value: object) -> str:
        if isinstance(value, dict):
            return next((key for key in keys if key in value), keys[0])
        return "list" if isinstance(value, list) else "plain"

    return Discriminator(tag)


# --- which rows of a table ------------------------------------------------------------------


class YearOf(strict_yaml.Declared):
    """Equal to the year a fact is stated for (the year of its period end)."""

    year_of: str


Scalar = str | int | float
# A column's value: equal to a value, one of a list, or the year of a fact.
Condition = Annotated[
    Annotated[Scalar, Tag("plain")]
    | Annotated[list[Scalar], Tag("list")]
    | Annotated[YearOf, Tag("year_of")],
    _shape("year_of"),
]
Where = dict[str, Condition]


# --- values a rule compares -----------------------------------------------------------------


class FactValue(strict_yaml.Declared):
    """The value of a prose fact (the facts table), divided by `divided_by` to compare it in
    another unit; `times_years_of_period` multiplies a yearly figure by the number of calendar
    years of the fact's period."""

    fact: str
    divided_by: float = 1.0
    times_years_of_period: bool = False


class TableValue(strict_yaml.Declared):
    """The value of column `value_of` in the rows `where` selects, which must all hold the same
    value (one row, or a total repeated on every row)."""

    table: str
    value_of: str
    where: Where = Field(default_factory=dict)


class TableSum(strict_yaml.Declared):
    """The sum of column `sum_of` over the rows `where` selects (all rows by default)."""

    table: str
    sum_of: str
    where: Where = Field(default_factory=dict)


Quantity = Annotated[
    Annotated[FactValue, Tag("fact")]
    | Annotated[TableValue, Tag("value_of")]
    | Annotated[TableSum, Tag("sum_of")]
    | Annotated[float, Tag("plain")],
    _shape("fact", "value_of", "sum_of"),
]


class TextMonth(strict_yaml.Declared):
    """The month and year printed in a text of the texts table ("January 2016")."""

    text: str


class FactMonth(strict_yaml.Declared):
    """The first (`start`) or last (`end`) month of a fact's period; the fact must state it."""

    fact: str
    period: Literal["start", "end"]


class LatestMonth(strict_yaml.Declared):
    """The latest month of a date column of a table (dates written YYYY-MM...)."""

    table: str
    latest: str


Month = Annotated[
    Annotated[TextMonth, Tag("text")]
    | Annotated[FactMonth, Tag("fact")]
    | Annotated[LatestMonth, Tag("latest")],
    _shape("text", "fact", "latest"),
]


# --- tolerances -----------------------------------------------------------------------------


class FactShare(strict_yaml.Declared):
    """`times` the value of a fact: a band read from the sources (its lines are inputs)."""

    fact: str
    times: float


Side = Annotated[Annotated[float, Tag("plain")] | Annotated[FactShare, Tag("fact")], _shape("fact")]


class Band(strict_yaml.Declared):
    """observed within [expected - below, expected + above]."""

    below: Side
    above: Side


# `exact`: observed equals expected. `hedge`: the band the expected fact's hedge word allows
# (pipeline/declarations/hedges.yaml), never narrower than half a unit of its last printed digit.
Tolerance = Annotated[
    Annotated[Literal["exact", "hedge"], Tag("plain")] | Annotated[Band, Tag("below")],
    _shape("below"),
]


# --- perturbations (read only by the tests) --------------------------------------------------

# The row a perturbation changes: column = value, to select exactly one row (a selection of no
# row or of several is an error naming the rule when the tests apply it).
Row = dict[str, Scalar]


class TextEdit(strict_yaml.Declared):
    """A raw document with `replace`, which must occur once, replaced by `with`."""

    document: str
    replace: str = Field(min_length=1)
    with_: str = Field(alias="with")


class Fails(strict_yaml.Declared):
    """What a perturbation does to its rule: it fails, unless `fails: false` says otherwise
    with the reason (an edit that removes a known discrepancy makes the rule pass)."""

    fails: bool = True
    reason: str | None = None

    @model_validator(mode="after")
    def _reason_of_a_pass(self) -> Fails:
        if self.fails == (self.reason is not None):
            raise ValueError("give a `reason` exactly when the perturbation has `fails: false`")
        return self


class SetCells(Fails):
    """In the one row `where` selects, each column of `set` takes its value."""

    table: str
    where: Row = Field(min_length=1)
    set: Row = Field(min_length=1)


class AddTo(Fails):
    """On every row, each column of `add` plus its amount."""

    table: str
    add: dict[str, int | float] = Field(min_length=1)


class SwapRows(strict_yaml.Declared):
    column: str
    rows: tuple[int, int]  # positions in the table, 0 its first row


class Swap(Fails):
    """The values of `swap.column` in two rows exchanged."""

    table: str
    swap: SwapRows


class DropRow(strict_yaml.Declared):
    where: Row = Field(min_length=1)


class Drop(Fails):
    """The one row `drop.where` selects removed."""

    table: str
    drop: DropRow


class EditText(TextEdit, Fails):
    """An edit of a raw document (for a rule comparing texts read from it)."""


Perturbation = Annotated[
    Annotated[SetCells, Tag("set")]
    | Annotated[AddTo, Tag("add")]
    | Annotated[Swap, Tag("swap")]
    | Annotated[Drop, Tag("drop")]
    | Annotated[EditText, Tag("replace")],
    _shape("set", "add", "swap", "drop", "replace"),
]


class StoppedFirst(strict_yaml.Declared):
    """The check that stops the build before the rule can fail (a schema check by name, or a
    parser: 'parse: <why>'), and an edit of raw/ breaking the rule's relation: the tests make
    it and see that check stop the build."""

    check: str
    edit: TextEdit


# --- known discrepancies ----------------------------------------------------------------------


class AcceptedAt(strict_yaml.Declared):
    """What a known discrepancy was accepted at: its `difference` (observed - expected) or its
    `observed` value, give or take `within`; for a rule comparing texts, the `texts` it compared
    (a 0/1 observation cannot drift, the texts can)."""

    difference: float | None = None
    observed: float | None = None
    within: float = Field(ge=0)
    texts: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> AcceptedAt:
        if (self.difference is None) == (self.observed is None):
            raise ValueError("give exactly one of `difference` and `observed`")
        return self

    @property
    def measure(self) -> Literal["difference", "observed"]:
        return "difference" if self.difference is not None else "observed"

    @property
    def value(self) -> float:
        value = self.observed if self.difference is None else self.difference
        assert value is not None  # one of the two is declared (validated on load)
        return value


class KnownDiscrepancy(strict_yaml.Declared):
    """A failure of the sources themselves in one scope, published with its reason as long as
    it stays at the value it was accepted at. `drift`, read only by the tests, is an edit of
    raw/ that moves that value: the build must stop."""

    scope: str
    accepted_at: AcceptedAt
    reason: str
    drift: TextEdit


# --- rules ----------------------------------------------------------------------------------


class RuleBase(strict_yaml.Declared):
    check_id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    description: str
    resources: list[str]
    severity: Literal["error", "warning"] = "error"
    # The band's wording in the published table, where the kind's own wording does not fit.
    tolerance_text: str | None = None
    known_discrepancies: list[KnownDiscrepancy] = Field(default_factory=list)
    # A rule another check always stops the build before (a parser, a schema): it cannot fail
    # in a build, and says which check fails instead (the tests prove it). Such rules are kept
    # only while their rows are published; they go at the next release that changes values.
    stopped_first_by: StoppedFirst | None = None
    # How to break the rule's input so that it must fail: required, so that every rule is
    # tested; read only by the tests.
    perturbation: Perturbation

    @field_validator("known_discrepancies")
    @classmethod
    def _one_per_scope(cls, value: list[KnownDiscrepancy]) -> list[KnownDiscrepancy]:
        strict_yaml.once([known.scope for known in value], "known discrepancy scopes")
        return value

    def known(self, scope: str) -> KnownDiscrepancy | None:
        return next((k for k in self.known_discrepancies if k.scope == scope), None)


class SumsToTotal(RuleBase):
    kind: Literal["sums_to_total"]
    parts: list[Quantity] = Field(min_length=1)
    total: Quantity
    tolerance: Tolerance = "exact"
    scope: str = "all"

    @model_validator(mode="after")
    def _hedge_of_a_fact(self) -> SumsToTotal:
        if self.tolerance == "hedge" and not isinstance(self.total, FactValue):
            raise ValueError("tolerance `hedge` needs a fact as `total`")
        return self


class MatchesFact(RuleBase):
    kind: Literal["matches_fact"]
    fact: str
    observed: Quantity
    tolerance: Tolerance = "hedge"
    scope: str = "all"


class MatchesText(RuleBase):
    """A value matches a number printed in a text of the texts table (a label on a figure, not
    a statement of the prose), within half a unit of the label's last printed digit."""

    kind: Literal["matches_text"]
    text: str
    observed: Quantity
    scope: str = "all"


class Subset(RuleBase):
    kind: Literal["subset"]
    parts: list[Quantity] = Field(min_length=1)
    whole: Quantity
    scope: str = "all"


class RowSubset(RuleBase):
    kind: Literal["row_subset"]
    table: str
    part: str
    whole: str
    scope: str


class RateOfCounts(RuleBase):
    kind: Literal["rate_of_counts"]
    table: str
    rate: str
    rate_as_printed: str
    numerator: str
    denominator: list[str] = Field(min_length=1)
    scope: str


class StockFlow(RuleBase):
    kind: Literal["stock_flow"]
    table: str
    stock: str
    inflows: list[str]
    outflows: list[str]
    order_by: str
    remainder_at_most: float = Field(ge=0)
    scope: str


class RanksComplete(RuleBase):
    kind: Literal["ranks_complete"]
    table: str
    rank: str
    group_by: str


class NonIncreasing(RuleBase):
    kind: Literal["non_increasing"]
    table: str
    column: str
    group_by: str | None = None
    order_by: str | None = None
    scope: str


class UniquePerGroup(RuleBase):
    kind: Literal["unique_per_group"]
    table: str
    column: str
    group_by: str


class SameMembers(RuleBase):
    kind: Literal["same_members"]
    table: str
    member: str
    group_by: str
    documents: tuple[str, str]
    where: Where = Field(default_factory=dict)


class SameText(RuleBase):
    kind: Literal["same_text"]
    texts: tuple[str, str]
    scope: str = "all"


class SameMonth(RuleBase):
    kind: Literal["same_month"]
    expected: Month
    observed: Month
    scope: str = "all"


class Sql(RuleBase):
    kind: Literal["sql"]
    query: str
    tolerance: Literal["exact", "at_most"] = "exact"


Rule = Annotated[
    SumsToTotal
    | MatchesFact
    | MatchesText
    | Subset
    | RowSubset
    | RateOfCounts
    | StockFlow
    | RanksComplete
    | NonIncreasing
    | UniquePerGroup
    | SameMembers
    | SameText
    | SameMonth
    | Sql,
    Field(discriminator="kind"),
]


class RuleFile(strict_yaml.Declared):
    rules: list[Rule]

    @field_validator("rules")
    @classmethod
    def _unique_check_ids(cls, value: list[Rule]) -> list[Rule]:
        strict_yaml.once([rule.check_id for rule in value], "check_ids")
        return value


@cache
def load_rules(path: Path = RULES) -> tuple[Rule, ...]:
    """The rules of a declaration file, in file order (the order of the published rows)."""
    return tuple(strict_yaml.load(RuleFile, path).rules)
