"""The charts of a resource page, keyed by resource name: a resource the package does not
publish has no chart, and one without an entry here has only its table. Each chart names the
columns it draws and the raw lines they were read from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipeline.site import svg
from pipeline.site.model import LineRange, SiteData
from pipeline.site.svg import BLUE, GREEN, GREY, ORANGE, RED, SKY, Series

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Chart:
    drawing: svg.Drawing
    columns: str  # what is drawn, as `resource.column` names
    note: str = ""
    sources: tuple[LineRange, ...] = ()
    source_text: str = ""  # a source that is not a raw document's lines


def period_label(start: str, end: str) -> str:
    """`2018` for a whole calendar year, `2017 (Apr-Dec)` for part of one, else both months."""
    (y1, m1, d1), (y2, m2, d2) = start.split("-"), end.split("-")
    if y1 == y2 and (m1, d1) == ("01", "01") and (m2, d2) == ("12", "31"):
        return y1
    if y1 == y2:
        return f"{y1} ({MONTHS[int(m1) - 1]}-{MONTHS[int(m2) - 1]})"
    return f"{MONTHS[int(m1) - 1]} {y1} - {MONTHS[int(m2) - 1]} {y2}"


def periods(frame: pd.DataFrame) -> list[str]:
    return [
        period_label(a, b) for a, b in zip(frame["period_start"], frame["period_end"], strict=True)
    ]


def values(column: pd.Series) -> tuple[float | None, ...]:
    return tuple(None if pd.isna(v) else float(v) for v in column)


def line_ranges(frame: pd.DataFrame, document_column: str = "document_id") -> tuple[LineRange, ...]:
    """Per document, the span of lines the frame's rows were read from."""
    return tuple(
        LineRange(str(document_id), int(rows["line_start"].min()), int(rows["line_end"].max()))
        for document_id, rows in frame.groupby(document_column, sort=True)
    )


def has_columns(frame: pd.DataFrame, *columns: str) -> bool:
    return all(column in frame for column in columns)


# --- one function per resource ---------------------------------------------------------------


def roxham_road_totals(site: SiteData) -> list[Chart]:
    frame = site.frames["roxham_road_totals"].sort_values("year")
    drawn = svg.column_chart(
        "Asylum claims at Roxham Road by period",
        periods(frame),
        [
            Series("Top 25 countries of origin", values(frame["top25_claims"]), BLUE),
            Series("All other countries", values(frame["other_claims"]), ORANGE),
        ],
        value_label="asylum claims",
        category_label="period (calendar year; months where the table covers part of it)",
        stacked=True,
    )
    note = (
        "Each bar is the period's printed total: the sum of its top-25 rows plus the remainder. "
        "The periods are not all whole years."
    )
    return [
        Chart(
            drawn,
            "roxham_road_totals.top25_claims, other_claims (sum: total_claims)",
            note,
            line_ranges(frame),
        )
    ]


def roxham_road_claims(site: SiteData, top: int = 10) -> list[Chart]:
    frame = site.frames["roxham_road_claims"]
    charts = []
    for _year, rows in frame.groupby("year", sort=True):
        rows = rows.sort_values("rank").head(top)
        period = periods(rows.head(1))[0]
        drawn = svg.bar_chart(
            f"Top {top} countries of origin of asylum claimants at Roxham Road, {period}",
            list(rows["country_as_printed"]),
            [Series("asylum claims", values(rows["claims"]), BLUE)],
            value_label="asylum claims",
        )
        note = f"{period}: the first {top} ranks of the year's top 25, as printed."
        charts.append(Chart(drawn, "roxham_road_claims.claims", note, line_ranges(rows)))
    return charts


def mexico_refugee_claims(site: SiteData) -> list[Chart]:
    frame = site.frames["mexico_refugee_claims"].sort_values("year")
    labels = periods(frame)
    counts = svg.column_chart(
        "Refugee claims by Mexican nationals: referred and outcomes",
        labels,
        [
            Series("referred", values(frame["referred"]), BLUE),
            Series("accepted", values(frame["accepted"]), GREEN),
            Series("rejected", values(frame["rejected"]), RED),
            Series("abandoned or withdrawn", values(frame["abandoned_withdrawn"]), GREY),
        ],
        value_label="refugee claims",
        category_label="year (months where the table covers part of it)",
    )
    decided = frame["accepted"] + frame["rejected"]
    computed = (100 * frame["accepted"] / decided.where(decided > 0)).round(2)
    rate = svg.line_chart(
        "Acceptance rate of Mexican refugee claims",
        labels,
        [
            Series("rate as printed", values(frame["acceptance_rate_pct"]), BLUE),
            Series("accepted / (accepted + rejected), computed", values(computed), ORANGE),
        ],
        value_label="% of claims decided",
        category_label="year (months where the table covers part of it)",
        maximum=100,
    )
    rate_note = (
        "The printed rate and the rate computed from the printed counts; where they differ by "
        "more than the printed rounding the reconciliation table lists a known discrepancy."
    )
    return [
        Chart(
            counts,
            "mexico_refugee_claims.referred, accepted, rejected, abandoned_withdrawn",
            "Counts per year as printed (claims referred in the year, decisions in the year).",
            line_ranges(frame),
        ),
        Chart(
            rate,
            "mexico_refugee_claims.acceptance_rate_pct; accepted, rejected",
            rate_note,
            line_ranges(frame),
        ),
    ]


def _one_year(column: pd.Series) -> str:
    years = sorted({str(int(v)) for v in column.dropna()})
    return ", ".join(years) if years else "year not stated"


def remittances(site: SiteData) -> list[Chart]:
    frame = site.frames["remittances"].sort_values("printed_order")
    countries = list(frame["country_as_printed"])
    share_year = _one_year(frame["gdp_share_and_total_year"])
    canada_year = _one_year(frame["from_canada_year"])
    share = svg.bar_chart(
        f"Remittances received as a share of GDP, {share_year}",
        countries,
        [Series("remittances", values(frame["remittances_pct_gdp"]), BLUE)],
        value_label="% of GDP",
    )
    from_canada = svg.bar_chart(
        f"Remittances sent from Canada, {canada_year}",
        countries,
        [Series("from Canada", values(frame["remittances_from_canada_usd_m"]), GREEN)],
        value_label="US$ millions",
    )
    sources = line_ranges(frame)
    return [
        Chart(share, "remittances.remittances_pct_gdp", "In the order of the table.", sources),
        Chart(
            from_canada,
            "remittances.remittances_from_canada_usd_m",
            "Same countries and order.",
            sources,
        ),
    ]


def resettlement_by_region(site: SiteData) -> list[Chart]:
    frame = site.frames["resettlement_by_region"]
    remainder = frame["unexplained_resettled"].iloc[0]
    regions = [*frame["region"], "not attributed to a region"]
    period = periods(frame.head(1))[0]
    nothing = (None,) * len(frame)
    drawn = svg.bar_chart(
        f"Refugees resettled to Canada by region of origin, {period}",
        regions,
        [
            Series("named in the text", (*values(frame["resettled"]), None), BLUE),
            Series("stated total minus the named regions", (*nothing, float(remainder)), GREY),
        ],
        value_label="resettled refugees",
        stacked=True,
    )
    total = svg.number(float(frame["total_resettled"].iloc[0]))
    note = (
        f"The text states a total of {total}; the regions it names add up to less, and the grey "
        "bar is the difference, which the source does not explain."
    )
    return [
        Chart(
            drawn,
            "resettlement_by_region.resettled, unexplained_resettled",
            note,
            line_ranges(frame),
        )
    ]


DOCUMENT_COLOURS = (BLUE, ORANGE, GREEN, SKY, GREY, RED)


def events(site: SiteData) -> list[Chart]:
    """A timeline: the dated events per decade of their (start) date, stacked by document."""
    frame = site.frames["events"]
    decades = frame["date_start"].str[:3].astype(int) * 10
    axis = list(range(int(decades.min()), int(decades.max()) + 10, 10))
    documents = sorted(frame["document_id"].unique())
    series = []
    for colour, document_id in zip(DOCUMENT_COLOURS, documents, strict=False):
        counts = decades[frame["document_id"] == document_id].value_counts()
        series.append(
            Series(
                document_id,
                tuple(float(counts[d]) if d in counts else None for d in axis),
                colour,
            )
        )
    drawn = svg.column_chart(
        "Dated events stated in the documents, per decade",
        [f"{d}s" for d in axis],
        series,
        value_label="events",
        category_label="decade of the event's date (its start, for an interval)",
        stacked=True,
    )
    note = (
        "Each event is counted once per document that states it (the New York Declaration is "
        "stated by two); decades with no event are shown empty."
    )
    return [Chart(drawn, "events.date_start, document_id", note, line_ranges(frame))]


STATUS_COLOURS = {"pass": GREEN, "known-discrepancy": ORANGE, "fail": RED}


def reconciliation(site: SiteData) -> list[Chart]:
    frame = site.frames["reconciliation"]
    counts = frame.groupby(["check_id", "status"]).size().unstack(fill_value=0)
    statuses = [s for s in STATUS_COLOURS if s in counts] + sorted(
        s for s in counts if s not in STATUS_COLOURS
    )
    drawn = svg.bar_chart(
        "Reconciliation rules: scopes by status",
        list(counts.index),
        [
            Series(
                status, values(counts[status].replace(0, pd.NA)), STATUS_COLOURS.get(status, GREY)
            )
            for status in statuses
        ],
        value_label="scopes checked (years, countries, or all)",
        stacked=True,
    )
    return [
        Chart(
            drawn,
            "reconciliation.status, counted per check_id",
            "One row per rule; a rule is checked once per scope (e.g. per year).",
            source_text="the reconciliation table of this package (rules declared in "
            "pipeline/declarations/reconciliation.yaml)",
        )
    ]


def _unit(site: SiteData, resource: str, field: str) -> str:
    table = site.package.table(resource)
    if table is None or field not in table.field_names:
        return "count"
    return table.field(field).unit or "count"


def cross_checks(site: SiteData) -> list[Chart]:
    frame = site.frames["cross_checks"]
    needed = ("check_id", "scope", "paper_value", "independent_lower", "independent_upper")
    if not has_columns(frame, *needed):
        return []
    charts = []
    for check_id, rows in frame.groupby("check_id", sort=False):
        labels = [
            f"{scope} ({status})" if status else str(scope)
            for scope, status in zip(
                rows["scope"], rows.get("status", [""] * len(rows)), strict=True
            )
        ]
        first = rows.iloc[0]
        unit = _unit(site, str(first.get("paper_resource", "")), str(first.get("paper_field", "")))
        drawn = svg.bar_chart(
            f"{check_id}: the paper's figure and the independent series",
            labels,
            [
                Series("paper", values(rows["paper_value"]), BLUE),
                Series("independent, lower bound", values(rows["independent_lower"]), ORANGE),
                Series("independent, upper bound", values(rows["independent_upper"]), SKY),
            ],
            value_label=unit,
        )
        sources = line_ranges(rows) if has_columns(rows, "document_id", "line_start") else ()
        for cell in rows.get("independent_lines", pd.Series(dtype=str)).dropna():
            sources += tuple(site.citations(str(cell)) or ())
        note = (
            "The series does not count exactly what the paper counts (see the definitions "
            "column). Its lower and upper bounds sum the months or years wholly inside and "
            "overlapping the paper's period; they are equal where the periods align."
        )
        charts.append(
            Chart(
                drawn,
                "cross_checks.paper_value, independent_lower, independent_upper, status",
                note,
                sources,
            )
        )
    return charts


CHARTS: dict[str, Callable[[SiteData], list[Chart]]] = {
    "roxham_road_totals": roxham_road_totals,
    "roxham_road_claims": roxham_road_claims,
    "mexico_refugee_claims": mexico_refugee_claims,
    "remittances": remittances,
    "resettlement_by_region": resettlement_by_region,
    "reconciliation": reconciliation,
    "cross_checks": cross_checks,
    "events": events,
}


def charts_for(site: SiteData, name: str) -> list[Chart]:
    draw = CHARTS.get(name)
    return draw(site) if draw is not None and name in site.frames else []
