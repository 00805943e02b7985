"""Cross-checks of the paper against independent series: the sums follow the series, a change in
a series changes the cross-checks that count it, a period that cannot be aligned is published as
bounds, and what cannot be computed (a missing month or year, an unmapped region, a misspelt
declaration) stops the build naming the file and the line or key.

No comparison, series, region or value of the sources is written here: the tests of the real data
iterate over the declarations (pipeline/declarations/cross_checks.yaml); the mechanisms are
tested on small tables and declarations written here."""

from __future__ import annotations

import calendar
import copy
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.errors import SourceError
from pipeline.reconcile import official_series
from pipeline.reconcile.official_series import Comparison, Origins
from pipeline.sources import snapshot
from pipeline.sources.documents import NOT_STATED, documents_table
from tests.conftest import made_again, run_build

DECLARED = official_series.load_cross_checks()
COMPARISONS = DECLARED.comparisons
MAPPING = DECLARED.region_mapping
SERIES = sorted({comparison.series.table for comparison in COMPARISONS})


def rows_of(frame: pd.DataFrame, check_id: str) -> pd.DataFrame:
    return frame[frame["check_id"] == check_id].set_index("scope")


# --- what a comparison counts, read again from the declarations ---------------------------------


def paper_rows(comparison: Comparison, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The paper's rows behind each scope of a comparison: one per row key, or all rows."""
    frame = tables[comparison.paper.resource]
    key = comparison.paper.each_row_by
    if key is None:
        return {"all": frame}
    return {str(value): rows for value, rows in frame.groupby(key, sort=False)}


def origins_of(comparison: Comparison, scope: str) -> Origins | None:
    """The group of origins a scope sums (None: every origin)."""
    if comparison.series.origins == "paper_region":
        return next(group for group in MAPPING.regions if group.paper_region == scope)
    return MAPPING.unexplained if comparison.series.origins == "unexplained" else None


def series_rows(comparison: Comparison, scope: str, tables: dict) -> pd.DataFrame:
    """The rows of the series a scope sums: those `where` selects, of its origins."""
    frame = tables[comparison.series.table]
    for column, value in comparison.series.where.items():
        frame = frame[frame[column] == value]
    group = origins_of(comparison, scope)
    return frame if group is None else official_series.origin_rows(frame, MAPPING, group)


def days_of(row: pd.Series, unit: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar unit (month or year) of a series row."""
    year = int(row["year"])
    if unit == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(row["month"])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(paper: pd.DataFrame) -> tuple[dt.date, dt.date]:
    start, end = (paper[column].drop_duplicates() for column in ("period_start", "period_end"))
    assert len(start) == len(end) == 1
    return dt.date.fromisoformat(start.iloc[0]), dt.date.fromisoformat(end.iloc[0])


def whole_units(start: dt.date, end: dt.date, unit: str) -> bool:
    """Whether a period is whole months (or years): it aligns with the series."""
    first = start.day == 1 and (unit == "month" or start.month == 1)
    last = end.day == calendar.monthrange(end.year, end.month)[1]
    return first and last and (unit == "month" or end.month == 12)


def raw_lines(published: str) -> dict[str, set[int]]:
    """{raw file: line numbers} of a published list of lines ('raw/x.csv:5-13,18; raw/y.csv:2')."""
    lines: dict[str, set[int]] = {}
    for part in published.split("; "):
        path, _, spans = part.rpartition(":")
        for span in spans.split(","):
            first, _, last = span.partition("-")
            lines.setdefault(path, set()).update(range(int(first), int(last or first) + 1))
    return lines


def raw_path(table: pd.DataFrame, documents: dict) -> str:
    """The raw file a table was read from."""
    (document_id,) = table["document_id"].unique()
    return documents[document_id].path


def edit_csv(
    raw_dir: Path, path: str, change: Callable[[int, dict[str, str]], dict[str, str] | None]
) -> None:
    """Edit each record of a raw CSV file (`change`, given its line and its cells, returns them
    changed, or None to drop the record), then record the snapshot again (an intended change)."""
    file = raw_dir / Path(path).name
    header, *records = file.read_text(encoding="utf-8").split("\n")
    columns = next(csv.reader([header]))
    kept = [header]
    for number, record in enumerate(records, start=2):
        if not record:
            kept.append(record)
            continue
        cells = dict(zip(columns, next(csv.reader([record])), strict=True))
        changed = change(number, dict(cells))
        if changed == cells:
            kept.append(record)
        elif changed is not None:
            line = io.StringIO()
            csv.writer(line, lineterminator="").writerow([changed[c] for c in columns])
            kept.append(line.getvalue())
    file.write_text("\n".join(kept), encoding="utf-8")
    snapshot.record(raw_dir)


def a_counted_record(series: str, tables: dict) -> pd.Series:
    """The last record of a series that a published cross-check counts."""
    published = tables["cross_checks"]
    counting = [c.check_id for c in COMPARISONS if c.series.table == series]
    path_lines = published[published["check_id"].isin(counting)]["independent_lines"]
    counted = set().union(*(n for lines in path_lines for n in raw_lines(lines).values()))
    frame = tables[series]
    return frame[frame["line_start"] == max(counted)].iloc[0]


# --- the published rows ------------------------------------------------------------------------


@pytest.mark.parametrize("comparison", COMPARISONS, ids=lambda c: c.check_id)
def test_each_row_sums_the_series_over_the_paper_period(comparison, tables):
    """The lower bound sums the units wholly inside the paper row's period, the upper bound
    those overlapping it; a period of whole units is exact, otherwise it is bounds."""
    published = rows_of(tables["cross_checks"], comparison.check_id)
    papers = paper_rows(comparison, tables)
    assert list(published.index) == list(papers)
    unit, value = comparison.series.calendar, comparison.series.value
    for scope, paper in papers.items():
        row = published.loc[scope]
        start, end = period_of(paper)
        assert row["paper_value"] == paper[comparison.paper.value].iloc[0]
        series = series_rows(comparison, scope, tables)
        days = [days_of(record, unit) for _, record in series.iterrows()]
        inside = [first >= start and last <= end for first, last in days]
        overlapping = [first <= end and last >= start for first, last in days]
        assert row["independent_lower"] == series.loc[inside, value].sum()
        assert row["independent_upper"] == series.loc[overlapping, value].sum()
        if whole_units(start, end, unit):
            assert row["independent_value"] == row["independent_lower"]
            assert row["independent_lower"] == row["independent_upper"]
            assert row["difference"] == row["paper_value"] - row["independent_value"]
            assert row["status"] in (official_series.WITHIN, official_series.OUTSIDE)
        else:
            assert pd.isna(row["independent_value"])
            assert row["status"] in (official_series.BOUNDS_CONTAIN, official_series.BOUNDS_EXCLUDE)
        assert (row["document_id"], row["line_start"]) == (
            paper["document_id"].iloc[0],
            paper["line_start"].min(),
        )
        selection = row["independent_selection"]
        assert all(f"{c} = {v}" in selection for c, v in comparison.series.where.items())
        group = origins_of(comparison, scope)
        assert group is None or all(region in selection for region in group.regions)


def test_regions_and_remainder_partition_the_series(tables):
    """The paper's regions and its remainder are mapped to origins of the series that do not
    overlap and together cover it: their bounds add up to those of all origins."""
    frame = tables[MAPPING.series]
    groups = [*MAPPING.regions, MAPPING.unexplained]
    times = sum(
        frame.index.isin(official_series.origin_rows(frame, MAPPING, g).index) for g in groups
    )
    assert (times == 1).all()
    published = tables["cross_checks"]
    on_series = [c for c in COMPARISONS if c.series.table == MAPPING.series]
    compared = 0
    for whole in (c for c in on_series if c.series.origins == "all"):
        parts = [
            c.check_id
            for c in on_series
            if c.series.origins != "all" and c.paper.resource == whole.paper.resource
        ]
        summed = published[published["check_id"].isin(parts)]
        total = rows_of(published, whole.check_id)
        for bound in ("independent_lower", "independent_upper"):
            assert summed[bound].sum() == total[bound].sum()
        compared += bool(parts)
    assert compared  # the declarations set a whole against its parts


def test_a_figure_outside_its_tolerance_is_published_not_a_failure(tables):
    # The sources are independent: the build above succeeded with such rows in it.
    statuses = set(tables["cross_checks"]["status"])
    assert statuses & {"outside", "bounds-exclude"}
    assert statuses & {"within", "bounds-contain"}


# --- changes in the series ---------------------------------------------------------------------


@pytest.mark.parametrize("series", SERIES)
def test_a_changed_series_value_moves_the_bounds_that_count_it(
    series, raw_copy, tables, documents, materialized
):
    """One more in a record of the series: every bound that counts it (its line) moves by one,
    the lower one only when the record's unit is inside the period; nothing else moves."""
    record = a_counted_record(series, tables)
    path, line = raw_path(tables[series], documents), int(record["line_start"])
    (value,) = {c.series.value for c in COMPARISONS if c.series.table == series}

    def plus_one(number: int, cells: dict[str, str]) -> dict[str, str]:
        if number == line:
            cells[value] = str(int(cells[value]) + 1)
        return cells

    edit_csv(raw_copy, path, plus_one)
    after = made_again(snapshot.take(raw_copy), "cross_checks", materialized)["cross_checks"]
    before = tables["cross_checks"]
    calendars = {c.check_id: c.series.calendar for c in COMPARISONS}
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        counted = line in raw_lines(old["independent_lines"]).get(path, set())
        inside = False
        if counted:
            first, last = days_of(record, calendars[old["check_id"]])
            start, end = (dt.date.fromisoformat(old[f"paper_period_{e}"]) for e in ("start", "end"))
            inside = first >= start and last <= end
        assert new["independent_upper"] == old["independent_upper"] + counted
        assert new["independent_lower"] == old["independent_lower"] + inside
        assert new["paper_value"] == old["paper_value"]


# --- alignment --------------------------------------------------------------------------------


def test_units_inside_and_overlapping_a_period():
    inside, overlapping = official_series.units_around(
        dt.date(2015, 1, 1), dt.date(2020, 6, 30), "year"
    )
    assert inside == [(y, 0) for y in range(2015, 2020)]
    assert overlapping == [(y, 0) for y in range(2015, 2021)]
    inside, overlapping = official_series.units_around(
        dt.date(2017, 4, 15), dt.date(2017, 6, 30), "month"
    )
    assert inside == [(2017, 5), (2017, 6)]
    assert overlapping == [(2017, 4), (2017, 5), (2017, 6)]
    aligned = official_series.units_around(dt.date(2016, 1, 1), dt.date(2017, 12, 31), "year")
    assert aligned[0] == aligned[1] == [(2016, 0), (2017, 0)]


def test_a_span_of_units_names_its_first_and_last_and_counts_them():
    months = [(2017, 4), (2017, 5), (2017, 6)]
    assert official_series.span_words(months, "month") == "2017-04 to 2017-06 (3 months)"
    assert official_series.span_words([(2015, 0)], "year") == "2015 (1 year)"
    assert official_series.span_words([], "year") == "no whole year"


def synthetic(period_end: str, counts: dict[int, int]) -> dict[str, pd.DataFrame]:
    """A paper table with one figure (100 from 2016-01-01) and a yearly series."""
    paper = pd.DataFrame(
        {
            "region": ["Somewhere"],
            "resettled": [100],
            "period_start": ["2016-01-01"],
            "period_end": [period_end],
            "document_id": ["paper"],
            "line_start": [7],
            "line_end": [8],
        }
    )
    years = sorted(counts)
    series = pd.DataFrame(
        {
            "year": years,
            "arrivals": [counts[y] for y in years],
            "document_id": ["series"] * len(years),
            "line_start": range(2, 2 + len(years)),
        }
    )
    return {"paper_table": paper, "series_table": series}


def small_declarations(relative_pct: float = 0) -> dict:
    """Declarations comparing the synthetic paper figure with the synthetic yearly series."""
    return {
        "tolerances": {"t": {"relative_pct": relative_pct, "reason": "a test"}},
        "comparisons": [
            {
                "check_id": "test.paper_vs_series",
                "description": "a test",
                "paper": {"resource": "paper_table", "value": "resettled"},
                "series": {"table": "series_table", "value": "arrivals", "calendar": "year"},
                "tolerance": "t",
                "definitions": "a test",
            }
        ],
        "region_mapping": {
            "series": "series_table",
            "region_column": "region",
            "origin_column": "origin",
            "regions": [{"paper_region": "Somewhere", "regions": ["R"], "note": "a test"}],
            "unexplained": {"without_region": ["Stateless"], "note": "a test"},
        },
    }


def test_an_origin_without_region_that_has_a_region_is_counted_in_its_region_only():
    """`without_region` names the origins a series gives no region (stateless): a row of such
    an origin that does have one is counted with that region, not twice."""
    mapping = yearly_comparison(0).region_mapping
    frame = pd.DataFrame({"origin": ["Stateless", "Stateless", "X"], "region": [None, "R", "R"]})
    somewhere, unexplained = mapping.regions[0], mapping.unexplained
    assert list(official_series.origin_rows(frame, mapping, somewhere).index) == [1, 2]
    assert list(official_series.origin_rows(frame, mapping, unexplained).index) == [0]


def yearly_comparison(relative_pct: float) -> official_series.CrossChecks:
    return official_series.CrossChecks.model_validate(small_declarations(relative_pct))


def test_a_period_that_cannot_be_aligned_is_published_as_bounds():
    tables = synthetic("2017-06-30", {2015: 1, 2016: 90, 2017: 40, 2018: 1})
    row = official_series.compare(tables, yearly_comparison(0), {}).iloc[0]
    assert pd.isna(row["independent_value"])
    assert (row["independent_lower"], row["independent_upper"]) == (90, 130)
    assert row["status"] == "bounds-contain" and row["difference"] == 0
    assert row["independent_periods"] == (
        "lower bound: 2016 (1 year) inside the period; "
        "upper bound: 2016 to 2017 (2 years) overlapping it"
    )
    assert row["independent_lines"] == "series:3-4"
    below = official_series.compare(
        synthetic("2017-06-30", {2016: 101, 2017: 40}), yearly_comparison(0), {}
    ).iloc[0]
    assert below["status"] == "bounds-exclude" and below["difference"] == -1


def test_a_period_within_one_year_has_no_whole_year_for_its_lower_bound():
    row = official_series.compare(
        synthetic("2016-06-30", {2016: 300}), yearly_comparison(0), {}
    ).iloc[0]
    assert (row["independent_lower"], row["independent_upper"]) == (0, 300)
    assert row["independent_periods"].startswith("lower bound: no whole year inside")


def test_an_aligned_period_is_exact_and_the_tolerance_sets_the_status():
    tables = synthetic("2017-12-31", {2016: 50, 2017: 45})
    row = official_series.compare(tables, yearly_comparison(5.3), {}).iloc[0]
    assert row["independent_value"] == row["independent_lower"] == row["independent_upper"] == 95
    assert (row["difference"], row["difference_pct"], row["status"]) == (5, 5.26, "within")
    tight = official_series.compare(tables, yearly_comparison(5), {}).iloc[0]
    assert tight["status"] == "outside"


# --- what stops the build ----------------------------------------------------------------------


@pytest.mark.parametrize("series", SERIES)
def test_a_bad_csv_record_stops_the_build_naming_file_and_line(
    series, raw_copy, tmp_path, tables, documents
):
    path, line = (
        raw_path(tables[series], documents),
        int(a_counted_record(series, tables)["line_start"]),
    )
    (value,) = {c.series.value for c in COMPARISONS if c.series.table == series}

    def bad_count(number: int, cells: dict[str, str]) -> dict[str, str]:
        if number == line:
            cells[value] = "0x"
        return cells

    edit_csv(raw_copy, path, bad_count)
    out = tmp_path / "out"
    out.mkdir()
    result = run_build(raw_copy, out)
    assert result.returncode != 0
    assert f"{path}:{line}: expected {value}" in result.stderr
    assert not (out / "datapackage.json").exists()


@pytest.mark.parametrize("series", SERIES)
def test_a_missing_unit_of_the_period_stops_the_build(
    series, raw_copy, tables, documents, materialized
):
    """The records of the last month (or year) of a compared period are removed."""
    comparison = next(c for c in COMPARISONS if c.series.table == series)
    end = period_of(next(iter(paper_rows(comparison, tables).values())))[1]
    unit = comparison.series.calendar
    where = comparison.series.where

    def of_that_unit(_: int, cells: dict[str, str]) -> dict[str, str] | None:
        same = int(cells["year"]) == end.year and (
            unit == "year" or int(cells["month"]) == end.month
        )
        return None if same and all(cells[c] == v for c, v in where.items()) else cells

    edit_csv(raw_copy, raw_path(tables[series], documents), of_that_unit)
    with pytest.raises(SourceError) as error:
        made_again(snapshot.take(raw_copy), "cross_checks", materialized)
    assert error.value.path == raw_path(tables[series], documents)
    label = str(end.year) if unit == "year" else f"{end.year}-{end.month:02d}"
    chosen = "".join(f", {column} {value}" for column, value in where.items())
    assert f"a record for {label}{chosen}" in error.value.expected


def test_an_unmapped_series_region_stops_the_build_naming_its_line(
    raw_copy, tables, documents, materialized
):
    frame = tables[MAPPING.series]
    region = next(r for group in [*MAPPING.regions, MAPPING.unexplained] for r in group.regions)
    first = int(frame[frame[MAPPING.region_column] == region]["line_start"].min())
    renamed = "Somewhere Else"

    def rename(_: int, cells: dict[str, str]) -> dict[str, str]:
        if cells[MAPPING.region_column] == region:
            cells[MAPPING.region_column] = renamed
        return cells

    edit_csv(raw_copy, raw_path(frame, documents), rename)
    with pytest.raises(SourceError) as error:
        made_again(snapshot.take(raw_copy), "cross_checks", materialized)
    assert (error.value.path, error.value.line) == (raw_path(frame, documents), first)
    assert error.value.found == renamed and "region_mapping" in error.value.expected


def test_a_series_row_without_a_region_is_named_by_its_origin(
    raw_copy, tables, documents, materialized
):
    """Every record of an origin given no region (one origin has one region in every year):
    the error quotes the origin, in place of the region it lacks."""
    frame = tables[MAPPING.series]
    first = frame.sort_values("line_start").iloc[0]
    origin = first[MAPPING.origin_column]

    def blank(_: int, cells: dict[str, str]) -> dict[str, str]:
        if cells[MAPPING.origin_column] == origin:
            cells[MAPPING.region_column] = ""
        return cells

    edit_csv(raw_copy, raw_path(frame, documents), blank)
    with pytest.raises(SourceError) as error:
        made_again(snapshot.take(raw_copy), "cross_checks", materialized)
    assert (error.value.path, error.value.line) == (
        raw_path(frame, documents),
        int(first["line_start"]),
    )
    assert error.value.found == f"no region ({origin})"


def declarations_file(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "cross_checks.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_paper_region_without_a_mapping_stops_the_build(tmp_path, tables, documents):
    data = yaml.safe_load(official_series.CROSS_CHECKS.read_text(encoding="utf-8"))
    mapping = data["region_mapping"]
    unmapped = mapping["regions"].pop(0)
    mapping["unexplained"]["regions"] = [
        *mapping["unexplained"].get("regions", []),
        *unmapped["regions"],  # the series stays covered
    ]
    path = declarations_file(tmp_path, data)
    by_region = next(c for c in COMPARISONS if c.series.origins == "paper_region")
    paper = paper_rows(by_region, tables)[unmapped["paper_region"]]
    paths = snapshot.paths_of(documents)
    with pytest.raises(SourceError) as error:
        official_series.compare(tables, official_series.load_cross_checks(path), paths, path)
    assert error.value.path == str(path)
    where = f"{paths[paper['document_id'].iloc[0]]}:{paper['line_start'].iloc[0]}"
    assert error.value.expected == (
        f"a region_mapping entry for the paper's region {unmapped['paper_region']!r} ({where})"
    )


@pytest.mark.parametrize("field", ["region_column", "origin_column"])
def test_a_mapping_naming_a_field_the_series_lacks_names_the_field(
    tmp_path, tables, documents, field
):
    data = yaml.safe_load(official_series.CROSS_CHECKS.read_text(encoding="utf-8"))
    data["region_mapping"][field] = "no_such_field"
    path = declarations_file(tmp_path, data)
    with pytest.raises(SourceError) as error:
        official_series.compare(
            tables, official_series.load_cross_checks(path), snapshot.paths_of(documents), path
        )
    series = data["region_mapping"]["series"]
    assert (error.value.path, error.value.line) == (str(path), None)
    assert (error.value.expected, error.value.found) == (f"a field of {series}", "no_such_field")


def first_comparison(data: dict) -> dict:
    return data["comparisons"][0]


MISSPELT = {
    "a comparison": (
        lambda d: first_comparison(d).update(descripton="x"),
        "comparisons.0.descripton",
    ),
    "a paper figure": (
        lambda d: first_comparison(d)["paper"].update(each_row="region"),
        "comparisons.0.paper.each_row",
    ),
    "a series": (
        lambda d: first_comparison(d)["series"].update(orgins="all"),
        "comparisons.0.series.orgins",
    ),
    "a tolerance": (lambda d: d["tolerances"]["t"].update(reasons="x"), "tolerances.t.reasons"),
    "a region group": (
        lambda d: d["region_mapping"]["regions"][0].update(region=["x"]),
        "region_mapping.regions.0.region",
    ),
}


def changed_declarations(tmp_path: Path, change: Callable[[dict], object]) -> Path:
    data = copy.deepcopy(small_declarations())
    change(data)
    return declarations_file(tmp_path, data)


@pytest.mark.parametrize("case", sorted(MISSPELT))
def test_a_misspelt_key_is_refused_naming_file_and_key(case, tmp_path):
    change, key = MISSPELT[case]
    path = changed_declarations(tmp_path, change)
    with pytest.raises(SourceError) as error:
        official_series.load_cross_checks(path)
    assert error.value.path == str(path)
    assert f"(key {key!r})" in error.value.expected and error.value.found == "an unknown key"


def by_region(data: dict, table: str = "series_table") -> None:
    """The small comparison made one per paper region, on `table`."""
    first_comparison(data)["paper"]["each_row_by"] = "region"
    first_comparison(data)["series"].update(origins="paper_region", table=table)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: first_comparison(d).update(tolerance="lax"), "tolerance 'lax' is not one of"),
        (lambda d: first_comparison(d)["series"].update(calendar="week"), "'month' or 'year'"),
        (
            lambda d: d["region_mapping"]["unexplained"].update(regions=["R"]),
            "series regions listed more than once: R",
        ),
        (
            lambda d: first_comparison(d)["series"].update(origins="paper_region"),
            "paper_region needs paper.each_row_by",
        ),
        (
            lambda d: d["region_mapping"]["unexplained"].update(without_region=[]),
            "a group needs regions or without_region",
        ),
        (
            lambda d: by_region(d, "other_table"),
            r"series.origins paper_region needs the series of region_mapping "
            r"\(series_table\), not other_table",
        ),
    ],
)
def test_inconsistent_declarations_are_refused(tmp_path, change, problem):
    path = changed_declarations(tmp_path, change)
    with pytest.raises(SourceError, match=problem):
        official_series.load_cross_checks(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: first_comparison(d)["series"].update(table="series_tabel"),
            "expected key 'series.table' to name a table cross-checked",
        ),
        (
            lambda d: first_comparison(d)["series"].update(where={"regoin": "R"}),
            "expected a field of series_table in series.where; found 'regoin'",
        ),
        (
            lambda d: first_comparison(d)["paper"].update(value="resettle"),
            "expected a field of paper_table",
        ),
    ],
)
def test_a_declared_table_or_field_that_does_not_exist_stops_the_build(tmp_path, change, expected):
    path = changed_declarations(tmp_path, change)
    tables = synthetic("2017-12-31", {2016: 50, 2017: 45})
    with pytest.raises(SourceError, match=expected) as error:
        official_series.compare(tables, official_series.load_cross_checks(path), {}, path)
    assert error.value.path.startswith(str(path))


# --- the documents table -----------------------------------------------------------------------


def test_documents_publish_the_origin_of_the_series_and_not_stated_otherwise(tables):
    documents = tables["documents"].set_index("document_id")
    series_ids = {document for s in SERIES for document in tables[s]["document_id"].unique()}
    for document_id, row in documents.iterrows():
        origin = row[["taken_from", "licence", "definition"]]
        if document_id in series_ids:
            assert NOT_STATED not in set(origin) and " at commit " in row["taken_from"]
        else:
            assert set(origin) == {NOT_STATED}
    taken_from = [{"repository": "o/r", "path": "p", "commit": "c"}]
    manifest = [
        {"document_id": "x", "raw_path": "raw/x", "redistributed": True, "taken_from": taken_from}
    ]
    assert documents_table(manifest, {"x"}).loc[0, "taken_from"] == "o/r p at commit c"
    # A raw file that is not redistributed has no path in the package (nothing to resolve).
    manifest[0]["redistributed"] = False
    assert pd.isna(documents_table(manifest, {"x"}).loc[0, "raw_path"])


def test_the_manifest_leaves_an_unstated_origin_out(raw_copy):
    before = (raw_copy / "manifest.yaml").read_text(encoding="utf-8")
    snapshot.record(raw_copy)
    after = (raw_copy / "manifest.yaml").read_text(encoding="utf-8")
    assert after == before and "null" not in after


def test_a_misspelt_origin_key_in_the_manifest_is_refused(raw_copy):
    manifest = raw_copy / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["documents"]
    index = next(i for i, entry in enumerate(entries) if "licence" in entry)
    manifest.write_text(text.replace("\n  licence: ", "\n  license: ", 1), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert f"(key 'documents.{index}.license')" in error.value.expected


def test_a_figure_that_is_not_one_value_on_its_rows_is_refused_naming_where():
    """A total repeated on each row must be the same on each: else the declaration's file and
    check are named (the figure has no line of its own)."""
    frame = pd.DataFrame(
        {"total": [10, 11], "period_start": ["2017-01-01"] * 2, "period_end": ["2017-12-31"] * 2}
    )
    paper = official_series.PaperFigure(resource="paper_table", value="total")
    with pytest.raises(SourceError) as error:
        official_series.paper_figures(paper, frame, "cross_checks.yaml (a.b)")
    assert str(error.value) == (
        "cross_checks.yaml (a.b): expected one value of total on the rows; found '[10, 11]'"
    )


def test_a_missing_paper_resource_stops_the_build_naming_its_key(tmp_path):
    path = changed_declarations(
        tmp_path, lambda d: first_comparison(d)["paper"].update(resource="paper_tabel")
    )
    tables = synthetic("2017-12-31", {2016: 50, 2017: 45})
    with pytest.raises(SourceError) as error:
        official_series.compare(tables, official_series.load_cross_checks(path), {}, path)
    assert error.value.expected == "key 'paper.resource' to name a table cross-checked"
    assert error.value.found == "paper_tabel"


def test_a_regions_note_follows_the_definitions_after_one_space(tmp_path):
    def change(data: dict) -> None:
        by_region(data)
        data["region_mapping"]["regions"][0]["note"] = "R is Somewhere."

    path = changed_declarations(tmp_path, change)
    tables = synthetic("2017-12-31", {2016: 50, 2017: 45})
    tables["series_table"] = tables["series_table"].assign(region="R", origin="X")
    row = official_series.compare(tables, official_series.load_cross_checks(path), {}, path)
    assert row["definitions"].tolist() == ["a test R is Somewhere."]


def test_origins_words_name_one_region_or_several():
    assert Origins(regions=("Africa",), note="n").words() == "UNHCR region Africa"
    two = Origins(regions=("Africa", "Asia"), without_region=("stateless",), note="n")
    assert two.words() == ("UNHCR regions Africa + Asia; origins without a UNHCR region: stateless")
