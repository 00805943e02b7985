"""Cross-checks: figures of the working paper set against independent official series.

What is compared is declared in pipeline/declarations/cross_checks.yaml (read through the strict
models below): the paper's figure (a resource and a field, one check per row or one value for
all rows), the series and its selection, the tolerance with its reason and the difference in
definitions. No month or year is declared: the series is summed over the calendar units of the
paper row's own period. A unit wholly inside the period counts towards the lower bound, a unit
overlapping it towards the upper bound (counts are never negative); when the two sets are the
same the period aligns and the independent figure is exact, otherwise it is published as bounds.

A cross-check outside its tolerance is information, published with its status. A cross-check that
cannot be computed (a unit of the period missing from the series, a paper region or a series
region without a mapping) is a SourceError: the build stops.

    declarations = load_cross_checks()
    frame = compare(tables, declarations, paths)   # tables by name; paths: document_id -> raw file
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, Self

import pandas as pd
from pydantic import Field, ValidationInfo, field_validator, model_validator

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract.numbers import month_end, month_start
from pipeline.paths import ROOTS
from pipeline.schemas import OneLine

CROSS_CHECKS = ROOTS.declarations_dir / "cross_checks.yaml"

WITHIN, OUTSIDE = "within", "outside"
BOUNDS_CONTAIN, BOUNDS_EXCLUDE = "bounds-contain", "bounds-exclude"


# --- declarations ----------------------------------------------------------------------------


class Tolerance(strict_yaml.Declared):
    """How far the paper's figure may be from the independent one (or outside its bounds),
    as a percentage of the independent figure (of the nearer bound), and why."""

    relative_pct: float = Field(ge=0)
    reason: OneLine = Field(min_length=1)


class PaperFigure(strict_yaml.Declared):
    """A figure of a published resource: the field `value`, one cross-check per row keyed by
    `each_row_by`, or without it one value that every row holds (a total repeated on each
    row). The resource has period_start and period_end."""

    resource: str
    value: str
    each_row_by: str | None = None


class Series(strict_yaml.Declared):
    """The independent series: its table, the field summed, its calendar unit (a table with
    `year`, and `month` for a monthly series), the rows `where` selects (column = value) and
    which origins: all, the paper row's region, or the paper's unexplained remainder (both
    through `region_mapping`)."""

    table: str
    value: str
    calendar: Literal["month", "year"]
    where: dict[str, str] = Field(default_factory=dict)
    origins: Literal["all", "paper_region", "unexplained"] = "all"


class Comparison(strict_yaml.Declared):
    check_id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    description: OneLine
    paper: PaperFigure
    series: Series
    tolerance: str  # the name of one of `tolerances`
    definitions: OneLine = Field(min_length=1)

    @model_validator(mode="after")
    def _region_per_row(self) -> Self:
        if self.series.origins == "paper_region" and self.paper.each_row_by is None:
            raise ValueError("series.origins paper_region needs paper.each_row_by (the region)")
        return self


class Origins(strict_yaml.Declared):
    """Origins of the series as a group: rows in one of `regions`, and rows with no region whose
    origin is one of `without_region` (e.g. stateless)."""

    regions: tuple[str, ...] = ()
    without_region: tuple[str, ...] = ()
    note: OneLine = Field(min_length=1)  # why these origins

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.regions and not self.without_region:
            raise ValueError("a group needs regions or without_region")
        return self

    def words(self) -> str:
        parts = []
        if self.regions:
            plural = "s" if len(self.regions) > 1 else ""
            parts.append(f"UNHCR region{plural} " + " + ".join(self.regions))
        if self.without_region:
            parts.append("origins without a UNHCR region: " + ", ".join(self.without_region))
        return "; ".join(parts)


class PaperRegion(Origins):
    paper_region: str  # as the paper's resource names it


class RegionMapping(strict_yaml.Declared):
    """The paper's regions as regions of the series (`region_column`; `origin_column` names the
    origins without a region). The groups and `unexplained` must cover every row of the
    series once."""

    series: str
    region_column: str
    origin_column: str
    regions: tuple[PaperRegion, ...] = Field(min_length=1)
    unexplained: Origins

    @model_validator(mode="after")
    def _each_once(self) -> Self:
        strict_yaml.once([group.paper_region for group in self.regions], "paper regions")
        groups = [*self.regions, self.unexplained]
        strict_yaml.once([r for group in groups for r in group.regions], "series regions")
        strict_yaml.once([o for group in groups for o in group.without_region], "origins")
        return self


class CrossChecks(strict_yaml.Declared):
    tolerances: dict[str, Tolerance] = Field(min_length=1)
    comparisons: tuple[Comparison, ...] = Field(min_length=1)
    region_mapping: RegionMapping

    @field_validator("comparisons")
    @classmethod
    def _ids_once_tolerances_named(
        cls, comparisons: tuple[Comparison, ...], info: ValidationInfo
    ) -> tuple[Comparison, ...]:
        strict_yaml.once([c.check_id for c in comparisons], "check ids")
        named = info.data.get("tolerances", {})
        for comparison in comparisons:
            if comparison.tolerance not in named:
                raise ValueError(
                    f"{comparison.check_id}: tolerance {comparison.tolerance!r} is not one of "
                    f"tolerances ({', '.join(named)})"
                )
        return comparisons

    @model_validator(mode="after")
    def _mapped_series(self) -> Self:
        for comparison in self.comparisons:
            series = comparison.series
            if series.origins != "all" and series.table != self.region_mapping.series:
                raise ValueError(
                    f"{comparison.check_id}: series.origins {series.origins} needs the series "
                    f"of region_mapping ({self.region_mapping.series}), not {series.table}"
                )
        return self


@cache
def load_cross_checks(path: Path = CROSS_CHECKS) -> CrossChecks:
    return strict_yaml.load(CrossChecks, path)


# --- calendar units --------------------------------------------------------------------------

Unit = tuple[int, int]  # (year, month); a year is (year, 0)


def _first_day(unit: Unit) -> dt.date:
    return month_start(unit[0], unit[1] or 1)


def _last_day(unit: Unit) -> dt.date:
    return month_end(unit[0], unit[1] or 12)


def units_around(start: dt.date, end: dt.date, calendar: str) -> tuple[list[Unit], list[Unit]]:
    """(the units wholly inside [start, end], the units overlapping it), in order."""
    if calendar == "year":
        overlapping = [(year, 0) for year in range(start.year, end.year + 1)]
    else:
        months = range(start.year * 12 + start.month - 1, end.year * 12 + end.month)
        overlapping = [(m // 12, m % 12 + 1) for m in months]
    inside = [u for u in overlapping if _first_day(u) >= start and _last_day(u) <= end]
    return inside, overlapping


def _label(unit: Unit) -> str:
    return f"{unit[0]}-{unit[1]:02d}" if unit[1] else str(unit[0])


def span_words(units: list[Unit], calendar: str) -> str:
    """'2017-04 to 2017-12 (9 months)', '2015 (1 year)', 'no whole year'."""
    if not units:
        return f"no whole {calendar}"
    count = f"{len(units)} {calendar}{'s' if len(units) > 1 else ''}"
    if len(units) == 1:
        return f"{_label(units[0])} ({count})"
    return f"{_label(units[0])} to {_label(units[-1])} ({count})"


# --- the paper's figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every step reads: the tables by name, the raw file of each document and the
    declaration file (named in errors)."""

    tables: dict[str, pd.DataFrame]
    paths: dict[str, str]
    file: str

    def table(self, name: str, key: str) -> pd.DataFrame:
        if name not in self.tables:
            raise SourceError(self.file, None, f"key {key!r} to name a table cross-checked", name)
        return self.tables[name]

    def path(self, document_id: object) -> str:
        return self.paths.get(str(document_id), str(document_id))


@dataclass(frozen=True)
class Figure:
    """One figure of the paper, with the rows it was read from."""

    scope: str
    row_key: str
    value: float
    start: dt.date
    end: dt.date
    rows: pd.DataFrame

    def source(self, context: Context) -> str:
        row = self.rows.iloc[0]
        return f"{context.path(row['document_id'])}:{row['line_start']}"


def _one(rows: pd.DataFrame, column: str, where: str) -> Any:
    """The one value `column` holds on `rows` (a total repeated on each row)."""
    values = rows[column].drop_duplicates()
    if len(values) != 1 or pd.isna(values.iloc[0]):
        raise SourceError(where, None, f"one value of {column} on the rows", str(list(values)))
    return values.iloc[0]


def paper_figures(paper: PaperFigure, frame: pd.DataFrame, where: str) -> list[Figure]:
    """The figures a comparison checks: one per row, or the one value all rows hold."""
    needed = [paper.value, paper.each_row_by, "period_start", "period_end"]
    for column in needed:
        if column is not None and column not in frame:
            raise SourceError(where, None, f"a field of {paper.resource}", column)
    if paper.each_row_by is None:
        groups = [("all", "all rows (the same value on each)", frame)]
    else:
        key = paper.each_row_by
        groups = [(str(v), f"{key}={v}", frame[frame[key] == v]) for v in frame[key].unique()]
    return [
        Figure(
            scope,
            row_key,
            float(_one(rows, paper.value, where)),
            dt.date.fromisoformat(str(_one(rows, "period_start", where))),
            dt.date.fromisoformat(str(_one(rows, "period_end", where))),
            rows,
        )
        for scope, row_key, rows in groups
    ]


# --- the independent figures -----------------------------------------------------------------


def _where_rows(series: Series, frame: pd.DataFrame, where: str) -> pd.DataFrame:
    for column, value in series.where.items():
        if column not in frame:
            raise SourceError(where, None, f"a field of {series.table} in series.where", column)
        frame = frame[frame[column] == value]
    return frame


def origin_rows(frame: pd.DataFrame, mapping: RegionMapping, group: Origins) -> pd.DataFrame:
    """The rows of the series whose origin is in `group`."""
    region = frame[mapping.region_column]
    with_region = region.notna() & region.isin(group.regions)
    without = region.isna() & frame[mapping.origin_column].isin(group.without_region)
    return frame[with_region | without]


def check_mapping_covers(context: Context, mapping: RegionMapping) -> None:
    """Every row of the series is in a group of the mapping (the paper's regions and its
    remainder): a region nobody mapped would otherwise drop out of every cross-check."""
    frame = context.table(mapping.series, "region_mapping.series")
    for column in (mapping.region_column, mapping.origin_column):
        if column not in frame:
            raise SourceError(context.file, None, f"a field of {mapping.series}", column)
    covered = pd.Series(False, index=frame.index)
    for group in [*mapping.regions, mapping.unexplained]:
        covered |= frame.index.isin(origin_rows(frame, mapping, group).index)
    if not covered.all():
        row = frame[~covered].iloc[0]
        region = row[mapping.region_column]
        found = region if pd.notna(region) else f"no region ({row[mapping.origin_column]})"
        raise SourceError(
            context.path(row["document_id"]),
            int(row["line_start"]),
            f"a region (or origin without one) that region_mapping in {context.file} maps",
            found,
        )


def _group_of(figure: Figure, mapping: RegionMapping, context: Context) -> PaperRegion:
    for group in mapping.regions:
        if group.paper_region == figure.scope:
            return group
    raise SourceError(
        context.file,
        None,
        f"a region_mapping entry for the paper's region {figure.scope!r} "
        f"({figure.source(context)})",
    )


def _units_of(frame: pd.DataFrame, calendar: str) -> list[Unit]:
    """The unit of each row: (year, month), or (year, 0) in a calendar of years."""
    years = [int(year) for year in frame["year"]]
    if calendar != "month":
        return [(year, 0) for year in years]
    return list(zip(years, (int(month) for month in frame["month"]), strict=True))


def _lines(frame: pd.DataFrame, context: Context) -> str:
    """'raw/x.csv:5-13,18': the lines of the rows summed, as ranges, per raw file."""
    parts = []
    for document_id, rows in frame.groupby("document_id", sort=True):
        ranges: list[list[int]] = []
        for n in sorted(int(n) for n in rows["line_start"]):
            if ranges and n == ranges[-1][1] + 1:
                ranges[-1][1] = n
            else:
                ranges.append([n, n])
        spans = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
        parts.append(f"{context.path(document_id)}:{spans}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Independent:
    lower: float
    upper: float
    exact: bool  # the period is whole units: lower == upper is the independent figure
    periods: str
    rows: pd.DataFrame  # the rows summed into the upper bound (the lower's are among them)


def independent_figure(
    figure: Figure,
    series: Series,
    selected: pd.DataFrame,
    origins: pd.DataFrame,
    raw_file: str,
    check_id: str,
) -> Independent:
    """The series summed over the units inside and overlapping the figure's period. `selected`
    is the series after `where`, which must have a record for every unit of the period (a
    SourceError naming `raw_file`, the series' file, and `check_id` otherwise); `origins` is
    the part of it summed."""
    inside, overlapping = units_around(figure.start, figure.end, series.calendar)
    present = set(_units_of(selected, series.calendar))
    for unit in overlapping:
        if unit not in present:
            chosen = "".join(f", {column} {value}" for column, value in series.where.items())
            raise SourceError(
                raw_file,
                None,
                f"a record for {_label(unit)}{chosen}: a {series.calendar} of the paper's "
                f"period {figure.start} to {figure.end} (cross-check {check_id}, "
                f"{figure.row_key})",
            )
    units = _units_of(origins, series.calendar)
    lower_rows = origins[[unit in inside for unit in units]]
    upper_rows = origins[[unit in overlapping for unit in units]]
    exact = inside == overlapping
    periods = span_words(overlapping, series.calendar)
    if not exact:
        periods = (
            f"lower bound: {span_words(inside, series.calendar)} inside the period; "
            f"upper bound: {periods} overlapping it"
        )
    return Independent(
        float(lower_rows[series.value].sum()),
        float(upper_rows[series.value].sum()),
        exact,
        periods,
        upper_rows,
    )


# --- the comparison --------------------------------------------------------------------------


def outcome(paper: float, found: Independent, tolerance: Tolerance) -> dict[str, object]:
    """Difference, allowed band and status of the paper's figure. Against the independent value
    when the period aligns; against the nearer bound when it does not (difference 0 inside the
    bounds). The tolerance widens the value, or the bounds, by its share of them."""
    share = tolerance.relative_pct / 100
    low, high = found.lower * (1 - share), found.upper * (1 + share)
    if found.exact or paper < found.lower:
        reference: float | None = found.lower
    elif paper > found.upper:
        reference = found.upper
    else:
        reference = None  # inside the bounds
    difference = 0.0 if reference is None else paper - reference
    in_band = low <= paper <= high
    if found.exact:
        status = WITHIN if in_band else OUTSIDE
    else:
        status = BOUNDS_CONTAIN if in_band else BOUNDS_EXCLUDE
    return {
        "difference": round(difference, 6),
        "difference_pct": _relative_pct(difference, reference),
        "allowed_min": round(low, 6),
        "allowed_max": round(high, 6),
        "status": status,
    }


def _relative_pct(difference: float, reference: float | None) -> float | None:
    """The difference as a percentage of the figure it was taken from; 0 inside the bounds,
    undefined (None) against a zero."""
    if reference is None:
        return 0.0
    return round(100 * difference / reference, 2) if reference else None


def _row(
    comparison: Comparison,
    tolerance: Tolerance,
    figure: Figure,
    found: Independent,
    selection: str,
    definitions: str,
    context: Context,
) -> dict[str, object]:
    where = f"{context.file} ({comparison.check_id})"
    return {
        "check_id": comparison.check_id,
        "scope": figure.scope,
        "description": comparison.description,
        "paper_resource": comparison.paper.resource,
        "paper_field": comparison.paper.value,
        "paper_row_key": figure.row_key,
        "paper_value": figure.value,
        "paper_period_start": figure.start.isoformat(),
        "paper_period_end": figure.end.isoformat(),
        "independent_value": found.lower if found.exact else None,
        "independent_lower": found.lower,
        "independent_upper": found.upper,
        "independent_periods": found.periods,
        "independent_selection": selection,
        **outcome(figure.value, found, tolerance),
        "tolerance_pct": tolerance.relative_pct,
        "tolerance_reason": tolerance.reason,
        "definitions": definitions,
        "document_id": str(_one(figure.rows, "document_id", where)),
        "line_start": int(figure.rows["line_start"].min()),
        "line_end": int(figure.rows["line_end"].max()),
        "independent_document_id": str(_one(found.rows, "document_id", where)),
        "independent_lines": _lines(found.rows, context),
    }


def _comparison_rows(
    comparison: Comparison, declarations: CrossChecks, context: Context
) -> list[dict[str, object]]:
    where = f"{context.file} ({comparison.check_id})"
    series = comparison.series
    table = context.table(series.table, "series.table")
    raw_file = context.path(_one(table, "document_id", where))
    selected = _where_rows(series, table, where)
    paper = context.table(comparison.paper.resource, "paper.resource")
    mapping = declarations.region_mapping
    tolerance = declarations.tolerances[comparison.tolerance]
    rows = []
    for figure in paper_figures(comparison.paper, paper, where):
        group: Origins | None = None
        if series.origins == "paper_region":
            group = _group_of(figure, mapping, context)
        elif series.origins == "unexplained":
            group = mapping.unexplained
        origins = selected if group is None else origin_rows(selected, mapping, group)
        found = independent_figure(figure, series, selected, origins, raw_file, comparison.check_id)
        selection = [f"{column} = {value}" for column, value in series.where.items()]
        selection += [] if group is None else [group.words()]
        definitions = comparison.definitions
        if group is not None:
            definitions += " " + group.note
        selected_words = "; ".join(selection) or "every row of the series"
        rows.append(
            _row(comparison, tolerance, figure, found, selected_words, definitions, context)
        )
    if not rows:
        raise SourceError(where, None, f"rows of {comparison.paper.resource} to check")
    return rows


def compare(
    tables: dict[str, pd.DataFrame],
    declarations: CrossChecks,
    paths: dict[str, str],
    file: Path = CROSS_CHECKS,
) -> pd.DataFrame:
    """The `cross_checks` table: every comparison's rows, in declared order. `tables` holds the
    paper's resources and the series by name; `paths` maps document_id to its raw file; `file`
    is where `declarations` were read from (named in errors)."""
    context = Context(tables, paths, strict_yaml.relative(file))
    if any(c.series.origins != "all" for c in declarations.comparisons):
        check_mapping_covers(context, declarations.region_mapping)
    rows = [
        row
        for comparison in declarations.comparisons
        for row in _comparison_rows(comparison, declarations, context)
    ]
    return pd.DataFrame(rows)
