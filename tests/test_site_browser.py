"""The dataset site in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright, from file:// with every other request aborted and reported as a failure.

Checks: every page loads with no console error, no page error and no failed or outside
request; every chart renders (an SVG with visible marks); the rows table sorts (numbers as
numbers) and filters; a fact's link lands on its lines, visible and highlighted (a single line
and a range). Screenshots of the index, a resource page and a highlighted source land in
site/screenshots/. Skipped, saying why, where Chromium or Playwright is missing; Playwright never
downloads a browser here."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.package import read_back
from pipeline.paths import REPO_ROOT
from pipeline.site import charts
from pipeline.site.model import LineRange, SiteData

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "site" / "screenshots"
PACKAGE = read_back.PublishedPackage.load(REPO_ROOT)


@dataclass
class Problems:
    """What went wrong while pages loaded: cleared before each page."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.console.clear()
        self.failed.clear()
        self.outside.clear()

    def assert_none(self, where: str) -> None:
        assert self.outside == [], f"{where}: requests outside file:// {self.outside}"
        assert self.failed == [], f"{where}: failed requests {self.failed}"
        assert self.console == [], f"{where}: console errors {self.console}"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install -y chromium` (see .ci/run)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.skip(f"Playwright is not installed ({error}); it is a dev dependency")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def problems() -> Problems:
    return Problems()


@pytest.fixture(scope="module")
def page(browser, problems):
    """One tab, the network blocked: anything but file:// is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def only_files(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            problems.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    tab = context.new_page()
    tab.on("console", lambda m: problems.console.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.console.append(f"page error: {error}"))
    tab.on("requestfailed", lambda r: problems.failed.append(f"{r.url} ({r.failure})"))
    yield tab
    context.close()


def open_page(tab, problems: Problems, path: Path, fragment: str = "") -> None:
    problems.clear()
    tab.goto(path.as_uri() + fragment)
    tab.wait_for_load_state("load")


def screenshot(tab, name: str, full_page: bool = False) -> None:
    """A PNG of what the tab shows, into site/screenshots/ (kept when the site is rebuilt)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    tab.screenshot(path=str(path), full_page=full_page)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_every_page_loads_cleanly(site_dir, page, problems):
    paths = sorted(site_dir.rglob("*.html"))
    assert len(paths) >= 1 + len(PACKAGE.tables)
    for path in paths:
        open_page(page, problems, path)
        assert page.locator("h1").count() == 1, path
        # The stylesheet applied and the script ran: both are loaded from the site itself.
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px", path
        problems.assert_none(str(path.relative_to(site_dir)))
    open_page(page, problems, site_dir / "index.html")
    screenshot(page, "index.png", full_page=True)


def test_every_chart_renders(site_dir, page, problems):
    drawn = [name for name in charts.CHARTS if PACKAGE.table(name) is not None]
    assert drawn
    for name in drawn:
        open_page(page, problems, site_dir / "resources" / f"{name}.html")
        count = page.locator("svg.chart").count()
        assert count >= 1, name
        for index in range(count):
            chart = page.locator("svg.chart").nth(index)
            assert chart.is_visible(), name
            visible_marks = chart.evaluate(
                "svg => [...svg.querySelectorAll('.mark')].filter(m => {"
                " const box = m.getBBox(); return box.width > 0 && box.height > 0; }).length"
            )
            assert visible_marks > 0, f"{name}: chart {index} has no visible mark"
            assert chart.locator(".axis-label").count() >= 1, name
        assert page.locator("figure.chart figcaption .source").count() == count, name
        problems.assert_none(name)
        if name == "roxham_road_totals":
            screenshot(page, "roxham_road_totals.png", full_page=True)


def column_texts(tab, column: str) -> list[str]:
    index = tab.locator("table#rows thead th").all_inner_texts().index(column)
    return [
        row.locator("td").nth(index).inner_text()
        for row in tab.locator("table#rows tbody tr").all()
        if row.is_visible()
    ]


def test_the_rows_table_sorts_and_filters(site_dir, page, problems):
    open_page(page, problems, site_dir / "resources" / "roxham_road_totals.html")
    totals = [int(v) for v in column_texts(page, "total_claims")]
    header = page.locator("table#rows thead th", has_text="total_claims")
    header.locator("button").click()
    assert [int(v) for v in column_texts(page, "total_claims")] == sorted(totals)
    assert header.get_attribute("aria-sort") == "ascending"
    header.locator("button").click()
    assert [int(v) for v in column_texts(page, "total_claims")] == sorted(totals, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"

    with (REPO_ROOT / "curated" / "roxham_road_totals.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    period = rows[-1]["period_as_printed"]
    matching = [r for r in rows if period.lower() in ",".join(r.values()).lower()]
    page.locator("input.filter").fill(period)
    assert len(column_texts(page, "total_claims")) == len(matching) < len(rows)
    assert page.locator(".count").inner_text() == f"{len(matching)} of {len(rows)} rows"
    page.locator("input.filter").fill("")
    assert len(column_texts(page, "total_claims")) == len(rows)
    problems.assert_none("sorting and filtering")


def highlighted_lines(tab) -> list[int]:
    return tab.evaluate(
        "[...document.querySelectorAll('.line')]"
        ".filter(l => l.matches(':target') || l.classList.contains('highlighted'))"
        ".map(l => Number(l.id.slice(1)))"
    )


def in_viewport(tab, line: int) -> bool:
    return tab.evaluate(
        "n => { const box = document.getElementById('L' + n).getBoundingClientRect();"
        " return box.top >= 0 && box.bottom <= window.innerHeight; }",
        line,
    )


def follow_fact_link(tab, problems: Problems, site_dir: Path, fact: dict[str, str]) -> None:
    open_page(tab, problems, site_dir / "resources" / "facts.html")
    tab.locator("input.filter").fill(fact["fact_id"])
    row = tab.locator("table#rows tbody tr", has_text=fact["fact_id"]).first
    with tab.expect_navigation():
        row.locator("td.where a").click()
    tab.wait_for_load_state("load")


@pytest.mark.parametrize("kind", ["one line", "a range of lines"])
def test_a_fact_link_lands_on_its_highlighted_lines(site_dir, page, problems, kind):
    with (REPO_ROOT / "curated" / "facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    fact = next(f for f in facts if (f["line_start"] == f["line_end"]) == (kind == "one line"))
    start, end = int(fact["line_start"]), int(fact["line_end"])
    follow_fact_link(page, problems, site_dir, fact)
    assert page.url.endswith(
        f"sources/{fact['document_id']}.html#L{start}" + ("" if start == end else f"-L{end}")
    )
    assert highlighted_lines(page) == list(range(start, end + 1))
    assert in_viewport(page, start), f"line {start} is not scrolled into view"
    first = page.locator(f"#L{start}")
    assert first.is_visible()
    colour = first.evaluate("l => getComputedStyle(l).backgroundColor")
    plain = page.locator(f"#L{end + 1}").evaluate("l => getComputedStyle(l).backgroundColor")
    assert colour != plain, "the target line is not highlighted"
    # The quoted text is on the highlighted lines (whitespace as the build joins lines).
    text = " ".join(
        page.locator(f"#L{n} .text").inner_text().strip() for n in range(start, end + 1)
    )
    assert fact["quote"].split()[0] in text
    problems.assert_none(f"fact {fact['fact_id']}")
    if kind == "a range of lines":
        screenshot(page, "source_highlighted.png")


def excerpted_row(release: SiteData, fact: bool) -> tuple[str, int, LineRange]:
    """A facts row (fact; a range of lines where there is one) or a printed table's row (the
    first of the first table of numbers in the descriptor's order) read from a text the release
    shows in excerpts: (table, row index, lines)."""
    found = []
    for table in PACKAGE.tables:
        numbers = [
            f for f in table.fields if f.type in ("integer", "number") and "line" not in f.name
        ]
        if (table.name == "facts") != fact or not numbers or "line" in table.field_names:
            continue  # a `line` of its own: per-line tables (coverage, memberships) aside
        for index, row in enumerate(release.rows[table.name]):
            lines = release.row_lines(row)
            if lines and not release.documents[lines.document_id].whole:
                found.append((lines.start == lines.end, table.name, index, lines))
    if not found:
        pytest.skip("no row read from a text shown in excerpts")
    _, name, index, lines = min(found, key=lambda item: item[0]) if fact else found[0]
    return name, index, lines


@pytest.mark.parametrize("kind", ["a fact", "a printed table's row"])
def test_in_a_release_a_row_link_lands_on_its_highlighted_excerpt(
    release_site_dir, page, problems, kind
):
    release = SiteData(PACKAGE, REPO_ROOT, redistributable_only=True)
    name, index, lines = excerpted_row(release, kind == "a fact")
    open_page(page, problems, release_site_dir / "resources" / f"{name}.html")
    with page.expect_navigation():
        page.locator(f"table#rows tbody tr:nth-child({index + 1}) td.where a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"sources/{lines.document_id}/{lines.label}.html#{lines.anchor}")
    assert highlighted_lines(page) == list(range(lines.start, lines.end + 1))
    assert in_viewport(page, lines.start)
    assert page.locator(".elided").count() >= 1, "the rest of the text is not marked elided"
    assert page.locator(".line").count() <= lines.end - lines.start + 3  # one line around
    problems.assert_none(f"{name} row {index}")
    screenshot(page, f"release_excerpt_{'fact' if kind == 'a fact' else 'table_row'}.png")


def test_the_guard_catches_outside_requests_and_console_errors(tmp_path, page, problems):
    """The checks above would see a page that reached for the network or logged an error."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><title>x</title><img src="https://example.invalid/x.png">'
        '<script>console.error("broken")</script>',
        encoding="utf-8",
    )
    open_page(page, problems, bad)
    page.wait_for_timeout(200)
    assert problems.outside == ["https://example.invalid/x.png"]
    assert "broken" in problems.console
    assert [f for f in problems.failed if f.startswith("https://example.invalid/x.png")]
    with pytest.raises(AssertionError):
        problems.assert_none("bad.html")
    problems.clear()
