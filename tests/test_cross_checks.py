"""Cross-checks of the paper against independent series: the sums follow the series, a change in
a series changes the cross-check, a period that cannot be aligned is published as bounds, and
what cannot be computed (a missing month or year, an unmapped region, a misspelt declaration)
stops the build naming the file and the line or key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import graph
from pipeline.errors import SourceError
from pipeline.reconcile import official_series
from pipeline.sources import snapshot
from pipeline.sources.documents import NOT_STATED, documents_table
from tests.conftest import run_build

RCMP_FILE = "rcmp_interceptions_monthly_2017_2020.csv"
UNHCR_FILE = "unhcr_resettlement_arrivals_to_canada_by_origin_2015_2020.csv"
ROXHAM = "roxham_road.claims_vs_rcmp_quebec"
REGIONS = "resettlement.region_vs_unhcr"


@pytest.fixture(scope="module")
def tables(documents_snapshot) -> dict[str, pd.DataFrame]:
    return graph.materialize(documents_snapshot)


def edit_raw(raw_dir: Path, file_name: str, edit: Callable[[list[str]], list[str]]) -> None:
    """Edit the lines of a raw file, then record the snapshot again (an intended change)."""
    path = raw_dir / file_name
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8")
    snapshot.record(raw_dir)


def with_count(line: str, count: int) -> str:
    """A CSV record with its last cell (the count) replaced."""
    return line.rsplit(",", 1)[0] + f",{count}"


def rows_of(frame: pd.DataFrame, check_id: str) -> pd.DataFrame:
    return frame[frame["check_id"] == check_id].set_index("scope")


def months_of(row: pd.Series) -> list[tuple[int, int]]:
    start, end = (dt.date.fromisoformat(row[c]) for c in ("period_start", "period_end"))
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(m // 12, m % 12 + 1) for m in range(first, last + 1)]


# --- the published rows ------------------------------------------------------------------------


def test_roxham_road_rows_sum_the_quebec_months_of_each_period(tables):
    published = rows_of(tables["cross_checks"], ROXHAM)
    rcmp = tables["rcmp_interceptions"]
    quebec = rcmp[rcmp["province"] == "Quebec"].set_index(["year", "month"])
    for _, paper in tables["roxham_road_totals"].iterrows():
        row = published.loc[str(paper["year"])]
        expected = sum(quebec.loc[month, "rcmp_interceptions"] for month in months_of(paper))
        assert row["independent_value"] == expected
        assert row["independent_lower"] == row["independent_upper"] == expected
        assert row["difference"] == paper["total_claims"] - expected
        assert row["status"] in ("within", "outside")
        assert (row["document_id"], row["line_start"]) == (
            "working_paper_2020",
            paper["line_start"],
        )


def test_resettlement_rows_are_bounds_from_whole_years(tables):
    published = tables["cross_checks"]
    arrivals = tables["unhcr_resettlement_arrivals"]
    paper = tables["resettlement_by_region"].iloc[0]
    start, end = (dt.date.fromisoformat(paper[c]) for c in ("period_start", "period_end"))
    inside = arrivals[(arrivals["year"] >= start.year) & (arrivals["year"] < end.year)]
    overlapping = arrivals[arrivals["year"].between(start.year, end.year)]
    total = published[published["check_id"] == "resettlement.total_vs_unhcr"].iloc[0]
    assert pd.isna(total["independent_value"])
    assert total["independent_lower"] == inside["resettlement_arrivals"].sum()
    assert total["independent_upper"] == overlapping["resettlement_arrivals"].sum()
    resettlement = published[published["check_id"].str.startswith("resettlement.")]
    assert set(resettlement["status"]) <= {"bounds-contain", "bounds-exclude"}


def test_regions_and_remainder_partition_the_series(tables):
    """The paper's regions and its remainder are mapped to UNHCR origins that do not overlap and
    together cover the series: their upper bounds add up to the total's."""
    published = tables["cross_checks"].set_index("check_id")
    parts = published.loc[[REGIONS, "resettlement.unexplained_vs_unhcr_other_origins"]]
    total = published.loc["resettlement.total_vs_unhcr"]
    assert parts["independent_upper"].sum() == total["independent_upper"]
    assert parts["independent_lower"].sum() == total["independent_lower"]
    regions = rows_of(tables["cross_checks"], REGIONS)
    assert set(regions.index) == set(tables["resettlement_by_region"]["region"])
    sub_saharan = regions.loc["Sub-Saharan Africa", "independent_selection"]
    assert sub_saharan == "UNHCR regions Eastern and Southern Africa + West and Central Africa"


def test_a_figure_outside_its_tolerance_is_published_not_a_failure(tables):
    # The sources are independent: the build above succeeded with such rows in it.
    statuses = set(tables["cross_checks"]["status"])
    assert statuses & {"outside", "bounds-exclude"}
    assert statuses & {"within", "bounds-contain"}


# --- changes in the series ---------------------------------------------------------------------


def test_a_changed_rcmp_value_changes_its_cross_check(raw_copy, tables):
    rcmp = tables["rcmp_interceptions"]
    period = tables["roxham_road_totals"].iloc[1]
    record = rcmp[
        (rcmp["province"] == "Quebec")
        & (rcmp["year"] == period["year"])
        & (rcmp["month"] == months_of(period)[0][1])
    ].iloc[0]
    line, count = int(record["line_start"]), int(record["rcmp_interceptions"])

    def plus_one(lines: list[str]) -> list[str]:
        lines[line - 1] = with_count(lines[line - 1], count + 1)
        return lines

    edit_raw(raw_copy, RCMP_FILE, plus_one)
    after = rows_of(graph.materialize(snapshot.take(raw_copy))["cross_checks"], ROXHAM)
    before = rows_of(tables["cross_checks"], ROXHAM)
    scope = str(period["year"])
    assert after.loc[scope, "independent_value"] == before.loc[scope, "independent_value"] + 1
    assert after.loc[scope, "difference"] == before.loc[scope, "difference"] - 1
    others = [s for s in before.index if s != scope]
    pd.testing.assert_frame_equal(after.loc[others], before.loc[others])


def test_a_changed_unhcr_value_in_the_partial_year_moves_only_the_upper_bound(raw_copy, tables):
    arrivals = tables["unhcr_resettlement_arrivals"]
    last_year = dt.date.fromisoformat(tables["resettlement_by_region"].iloc[0]["period_end"]).year
    record = arrivals[arrivals["year"] == last_year].iloc[0]
    line, count = int(record["line_start"]), int(record["resettlement_arrivals"])

    def plus_ten(lines: list[str]) -> list[str]:
        lines[line - 1] = with_count(lines[line - 1], count + 10)
        return lines

    edit_raw(raw_copy, UNHCR_FILE, plus_ten)
    after = graph.materialize(snapshot.take(raw_copy))["cross_checks"].set_index("check_id")
    before = tables["cross_checks"].set_index("check_id")
    total = "resettlement.total_vs_unhcr"
    assert after.loc[total, "independent_upper"] == before.loc[total, "independent_upper"] + 10
    assert after.loc[total, "independent_lower"] == before.loc[total, "independent_lower"]


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


def yearly_comparison(relative_pct: float) -> official_series.CrossChecks:
    declaration = {
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
    return official_series.CrossChecks.model_validate(declaration)


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


def test_a_bad_csv_row_stops_the_build_naming_file_and_line(raw_copy, tmp_path):
    line = 40

    def bad_count(lines: list[str]) -> list[str]:
        lines[line - 1] = with_count(lines[line - 1], 0) + "x"
        return lines

    edit_raw(raw_copy, UNHCR_FILE, bad_count)
    out = tmp_path / "out"
    out.mkdir()
    result = run_build(raw_copy, out)
    assert result.returncode != 0
    assert f"raw/{UNHCR_FILE}:{line}: expected resettlement_arrivals" in result.stderr
    assert not (out / "datapackage.json").exists()


def test_a_missing_month_stops_the_build(raw_copy, tables):
    rcmp = tables["rcmp_interceptions"]
    period = tables["roxham_road_totals"].iloc[2]
    year, month = months_of(period)[-1]
    record = rcmp[
        (rcmp["province"] == "Quebec") & (rcmp["year"] == year) & (rcmp["month"] == month)
    ].iloc[0]
    line = int(record["line_start"])
    edit_raw(raw_copy, RCMP_FILE, lambda lines: lines[: line - 1] + lines[line:])
    with pytest.raises(SourceError) as error:
        graph.materialize(snapshot.take(raw_copy))
    assert error.value.path == f"raw/{RCMP_FILE}"
    assert f"a record for {year}-{month:02d}, province Quebec" in error.value.expected


def test_a_missing_year_stops_the_build(raw_copy, tables):
    end = dt.date.fromisoformat(tables["resettlement_by_region"].iloc[0]["period_end"])
    edit_raw(
        raw_copy, UNHCR_FILE, lambda lines: [x for x in lines if not x.startswith(f"{end.year},")]
    )
    with pytest.raises(SourceError, match=rf"^raw/{UNHCR_FILE}: expected a record for {end.year}:"):
        graph.materialize(snapshot.take(raw_copy))


def test_an_unmapped_series_region_stops_the_build_naming_its_line(raw_copy, tables):
    arrivals = tables["unhcr_resettlement_arrivals"]
    region = "Europe"
    first = int(arrivals[arrivals["unhcr_region_of_origin"] == region]["line_start"].min())
    renamed = "Somewhere Else"
    edit_raw(
        raw_copy,
        UNHCR_FILE,
        lambda lines: [x.replace(f",{region},", f",{renamed},") for x in lines],
    )
    with pytest.raises(SourceError) as error:
        graph.materialize(snapshot.take(raw_copy))
    assert (error.value.path, error.value.line) == (f"raw/{UNHCR_FILE}", first)
    assert error.value.found == renamed and "region_mapping" in error.value.expected


def declarations_with(tmp_path: Path, change: Callable[[dict], None]) -> Path:
    data = yaml.safe_load(official_series.CROSS_CHECKS.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "cross_checks.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_paper_region_without_a_mapping_stops_the_build(tmp_path, tables):
    def unmap_asia(data: dict) -> None:
        mapping = data["region_mapping"]
        asia = next(g for g in mapping["regions"] if g["paper_region"] == "Asia-Pacific")
        mapping["regions"].remove(asia)
        mapping["unexplained"]["regions"] += asia["regions"]  # the series stays covered

    path = declarations_with(tmp_path, unmap_asia)
    declarations = official_series.load_cross_checks(path)
    with pytest.raises(SourceError) as error:
        official_series.compare(tables, declarations, {"working_paper_2020": "raw/paper.txt"}, path)
    assert error.value.path == str(path)
    assert "a region_mapping entry for the paper's region 'Asia-Pacific' (raw/paper.txt:" in (
        error.value.expected
    )


MISSPELT = {
    "a comparison": (
        lambda d: d["comparisons"][0].update(descripton="x"),
        "comparisons.0.descripton",
    ),
    "a paper figure": (
        lambda d: d["comparisons"][0]["paper"].update(
            each_row=d["comparisons"][0]["paper"].pop("each_row_by")
        ),
        "comparisons.0.paper.each_row",
    ),
    "a series": (
        lambda d: d["comparisons"][1]["series"].update(orgins="all"),
        "comparisons.1.series.orgins",
    ),
    "a tolerance": (
        lambda d: d["tolerances"]["resettlement_records"].update(reasons="x"),
        "tolerances.resettlement_records.reasons",
    ),
    "a region group": (
        lambda d: d["region_mapping"]["regions"][0].update(region=["x"]),
        "region_mapping.regions.0.region",
    ),
}


@pytest.mark.parametrize("case", sorted(MISSPELT))
def test_a_misspelt_key_is_refused_naming_file_and_key(case, tmp_path):
    change, key = MISSPELT[case]
    path = declarations_with(tmp_path, change)
    with pytest.raises(SourceError) as error:
        official_series.load_cross_checks(path)
    assert error.value.path == str(path)
    assert f"(key {key!r})" in error.value.expected and error.value.found == "an unknown key"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["comparisons"][0].update(tolerance="lax"), "tolerance 'lax' is not one of"),
        (lambda d: d["comparisons"][0]["series"].update(calendar="week"), "'month' or 'year'"),
        (
            lambda d: d["region_mapping"]["unexplained"]["regions"].append("Europe"),
            "series regions listed more than once: Europe",
        ),
        (
            lambda d: d["comparisons"][2]["paper"].pop("each_row_by"),
            "paper_region needs paper.each_row_by",
        ),
        (
            lambda d: d["region_mapping"]["unexplained"].update(regions=[], without_region=[]),
            "a group needs regions or without_region",
        ),
        (
            lambda d: d["comparisons"][2]["series"].update(table="rcmp_interceptions"),
            r"series.origins paper_region needs the series of region_mapping "
            r"\(unhcr_resettlement_arrivals\), not rcmp_interceptions",
        ),
    ],
)
def test_inconsistent_declarations_are_refused(tmp_path, change, problem):
    path = declarations_with(tmp_path, change)
    with pytest.raises(SourceError, match=problem):
        official_series.load_cross_checks(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["comparisons"][0]["series"].update(table="rcmp_interception"),
            "expected key 'series.table' to name a table cross-checked",
        ),
        (
            lambda d: d["comparisons"][0]["series"].update(where={"provnce": "Quebec"}),
            "expected a field of rcmp_interceptions in series.where; found 'provnce'",
        ),
        (
            lambda d: d["comparisons"][1]["paper"].update(value="total_resettle"),
            "expected a field of resettlement_by_region",
        ),
    ],
)
def test_a_declared_table_or_field_that_does_not_exist_stops_the_build(
    tmp_path, tables, change, expected
):
    path = declarations_with(tmp_path, change)
    with pytest.raises(SourceError, match=expected) as error:
        official_series.compare(tables, official_series.load_cross_checks(path), {}, path)
    assert error.value.path.startswith(str(path))


# --- the documents table -----------------------------------------------------------------------


def test_documents_publish_the_origin_of_the_series_and_not_stated_otherwise(tables):
    documents = tables["documents"].set_index("document_id")
    series_ids = {"rcmp_interceptions_2017_2020", "unhcr_resettlement_2015_2020"}
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
    manifest.write_text(
        text.replace("  licence: CC BY 4.0", "  license: CC BY 4.0"), encoding="utf-8"
    )
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert "(key 'documents.6.license')" in error.value.expected


def test_a_figure_that_is_not_one_value_on_its_rows_is_refused_naming_where():
    """A total repeated on each row must be the same on each: else the declaration's file and
    check are named (the figure has no line of its own)."""
    frame = pd.DataFrame(
        {"total": [10, 11], "period_start": ["2017-01-01"] * 2, "period_end": ["2017-12-31"] * 2}
    )
    paper = official_series.PaperFigure(resource="roxham_road_totals", value="total")
    with pytest.raises(SourceError) as error:
        official_series.paper_figures(paper, frame, "cross_checks.yaml (a.b)")
    assert str(error.value) == (
        "cross_checks.yaml (a.b): expected one value of total on the rows; found '[10, 11]'"
    )
