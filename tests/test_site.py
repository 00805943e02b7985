"""The dataset site, read as files: one page per resource and per source document, every link
resolves (line anchors included), every row links to its lines, charts are honest, text is
escaped, no page loads anything from the network, and the same inputs give the same bytes.
The browser checks are in test_site_browser.py."""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pandas as pd
import pytest
from markupsafe import escape

from pipeline import site
from pipeline.package import read_back
from pipeline.paths import REPO_ROOT
from pipeline.site import charts, svg
from pipeline.site import pages as site_pages
from pipeline.site.html import VOID_ELEMENTS, el, render
from pipeline.site.model import LineRange, SiteData
from tests.conftest import copy_package

PACKAGE = read_back.PublishedPackage.load(REPO_ROOT)


class Page(HTMLParser):
    """What a test needs from a page: links, loaded resources, ids, rows and charts."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.links: list[str] = []
        self.loads: list[str] = []
        self.ids: set[str] = set()
        self.rows: list[list[str]] = []  # per body row of table#rows: the hrefs in its first cell
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._in_rows = self._in_body = False
        self._cell = 0
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
            if self._in_body and self._cell == 1:
                self.rows[-1].append(attributes["href"])
        if tag in ("script", "img", "iframe") and "src" in attributes:
            self.loads.append(attributes["src"])
        if tag == "link" and "href" in attributes:
            self.loads.append(attributes["href"])
        if tag == "table" and attributes.get("id") == "rows":
            self._in_rows = True
        if self._in_rows and tag == "tbody":
            self._in_body = True
        if self._in_body and tag == "tr":
            self.rows.append([])
            self._cell = 0
        if self._in_body and tag == "td":
            self._cell += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_rows = self._in_body = False


@cache
def ids_of(path: Path) -> frozenset[str]:
    return frozenset(Page(path).ids)


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_a_page_per_resource_and_per_source_document(site_dir):
    documents = SiteData(PACKAGE, REPO_ROOT).rows["documents"]
    assert {p.stem for p in (site_dir / "resources").glob("*.html")} == {
        t.name for t in PACKAGE.tables
    }
    assert {p.stem for p in (site_dir / "sources").glob("*.html")} == {
        row["document_id"] for row in documents
    }
    raw_paths = SiteData(PACKAGE, REPO_ROOT).raw_paths  # documents.csv omits withheld texts
    for row in documents:
        source = Page(site_dir / "sources" / f"{row['document_id']}.html")
        raw_path = raw_paths[row["document_id"]]
        raw_lines = (REPO_ROOT / raw_path).read_text(encoding="utf-8").split("\n")
        count = len(raw_lines) - (raw_lines[-1] == "")
        assert {f"L{n}" for n in range(1, count + 1)} <= source.ids
        assert f"L{count + 1}" not in source.ids


def assert_links_resolve(site_dir: Path) -> None:
    for path in pages(site_dir):
        page = Page(path)
        for load in page.loads:
            assert not urlsplit(load).scheme, f"{path.name} loads {load}"
            assert (path.parent / load).is_file(), f"{path.name}: {load}"
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue  # the homepage and the licence, as links the reader may follow
            target = (path.parent / parts.path).resolve() if parts.path else path
            assert target.is_file(), f"{path.relative_to(site_dir)}: {link}"
            if parts.fragment and target.suffix == ".html":
                ids = ids_of(target)
                for anchor in parts.fragment.split("-"):
                    assert anchor in ids, f"{path.relative_to(site_dir)}: {link}"


def test_every_link_resolves_and_nothing_is_loaded_from_the_network(site_dir):
    assert_links_resolve(site_dir)


def test_in_a_release_every_link_resolves_too(release_site_dir):
    assert_links_resolve(release_site_dir)


def test_a_release_quotes_a_text_not_redistributed_only_where_rows_cite_it(release_site_dir):
    release = SiteData(PACKAGE, REPO_ROOT, redistributable_only=True)
    withheld = [doc for doc in release.documents.values() if not doc.whole]
    if not withheld:
        pytest.skip("every source text is redistributed")
    for document in withheld:
        own_page = Page(release_site_dir / "sources" / f"{document.document_id}.html")
        assert not any(re.fullmatch(r"L\d+", name) for name in own_page.ids)
        excerpts = sorted((release_site_dir / "sources" / document.document_id).glob("*.html"))
        assert excerpts, document.document_id
        for path in excerpts:
            start, _, end = path.stem[1:].partition("-")
            cited = LineRange(document.document_id, int(start), int(end or start))
            shown = {name for name in Page(path).ids if re.fullmatch(r"L\d+", name)}
            expected = site_pages.excerpt_range(document, cited)
            assert shown == {f"L{n}" for n in expected}, path.name
    rows = [row for rows in release.rows.values() for row in rows]
    for row in rows:
        lines = release.row_lines(row)
        if lines and not release.documents[lines.document_id].whole:
            assert (
                release_site_dir / "sources" / lines.document_id / f"{lines.label}.html"
            ).is_file()


def test_every_row_links_to_the_lines_it_was_read_from(site_dir):
    data = SiteData(PACKAGE, REPO_ROOT)
    for table in PACKAGE.tables:
        page = Page(site_dir / "resources" / f"{table.name}.html")
        rows = data.rows[table.name]
        assert len(page.rows) == len(rows), table.name
        for links, row in zip(page.rows, rows, strict=True):
            lines = data.row_lines(row)
            if lines is None:  # documents: the row is the document itself
                assert links == [f"../sources/{row['document_id']}.html"], table.name
                continue
            assert links == [f"../sources/{lines.document_id}.html#{lines.anchor}"], table.name


def test_a_range_link_names_both_ends():
    data = SiteData(PACKAGE, REPO_ROOT)
    row = next(r for r in data.rows["facts"] if r["line_start"] != r["line_end"])
    lines = data.row_lines(row)
    assert lines.anchor == f"L{row['line_start']}-L{row['line_end']}"


def test_charts_are_drawn_for_the_resources_that_have_them(site_dir):
    for name in charts.CHARTS:
        path = site_dir / "resources" / f"{name}.html"
        if PACKAGE.table(name) is None:
            assert not path.exists()
            continue
        page = Page(path)
        svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
        marks = [attrs for _, attrs in page.tags if "mark" in attrs.get("class", "").split()]
        assert svgs and marks, name
        colours = [mark.get("fill", "") + mark.get("stroke", "") for mark in marks]
        assert all("#" in colour for colour in colours), name  # each mark has its colour
        # Every chart has its value axis (grid lines, ticks and the axis label).
        assert sum("axis" in attrs.get("class", "").split() for _, attrs in page.tags) == len(
            svgs
        ), name
        assert "Source: " in path.read_text(encoding="utf-8")
    page = Page(site_dir / "resources" / "facts.html")
    assert not [attrs for tag, attrs in page.tags if tag == "svg"]


def test_each_chart_says_which_columns_of_its_table_it_draws(site_dir):
    words = {"counted", "per", "sum"}  # the prose around the names
    for name in charts.CHARTS:
        if (table := PACKAGE.table(name)) is None:
            continue
        text = (site_dir / "resources" / f"{name}.html").read_text(encoding="utf-8")
        drawn = re.findall(r"Drawn from <code>([^<]*)</code>", text)
        assert drawn, name
        fields = {f.name for f in table.fields}
        for columns in drawn:
            assert columns.startswith(f"{name}."), columns
            named = set(re.findall(r"[a-z_][a-z0-9_]*", columns.removeprefix(f"{name}.")))
            assert named - words <= fields, (name, named - words - fields)


def test_each_bar_of_the_roxham_road_chart_states_its_published_value(site_dir):
    chart = (site_dir / "resources" / "roxham_road_totals.html").read_text(encoding="utf-8")
    rows = SiteData(PACKAGE, REPO_ROOT).rows["roxham_road_totals"]
    for row in rows:
        whole = row["period_as_printed"] == "Jan-Dec"
        period = row["year"] if whole else f"{row['year']} ({row['period_as_printed']})"
        for column, series in (
            ("top25_claims", "Top 25 countries of origin"),
            ("other_claims", "All other countries"),
        ):
            tip = f"<title>{period}: {series} {int(row[column]):,} asylum claims</title>"
            assert tip in chart, tip


def test_each_top_countries_chart_draws_the_first_ranks_of_its_year_in_rank_order(site_dir):
    page = (site_dir / "resources" / "roxham_road_claims.html").read_text(encoding="utf-8")
    charts_drawn = re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S)
    tips = [
        re.findall(r"<title>([^<]*): asylum claims [0-9,]+ asylum claims</title>", drawn)
        for drawn in charts_drawn
    ]
    tips = [bars for bars in tips if bars]
    rows = pd.DataFrame(SiteData(PACKAGE, REPO_ROOT).rows["roxham_road_claims"])
    rows["rank"] = rows["rank"].astype(int)
    years = [rows[rows["year"] == year] for year in sorted(set(rows["year"]))]
    assert len(tips) == len(years)
    for bars, year in zip(tips, years, strict=True):
        first = year.sort_values("rank").head(len(bars))
        assert bars == [str(escape(name)) for name in first["country_as_printed"]]
        assert list(first["rank"]) == list(range(1, len(bars) + 1))


def test_bars_start_at_zero():
    drawing = svg.column_chart(
        "t",
        ["a", "b"],
        [svg.Series("s", (5.0, 12.0), svg.BLUE)],
        value_label="u",
        category_label="c",
    )
    page = drawing.svg
    baseline = page.split('class="baseline"')[0].rsplit("<line", 1)[1]
    y_zero = float(baseline.split('y1="')[1].split('"')[0])
    bottoms = {
        round(
            float(rect.split('y="')[1].split('"')[0])
            + float(rect.split('height="')[1].split('"')[0]),
            1,
        )
        for rect in page.split("<rect")[1:]
        if 'class="mark"' in rect
    }
    assert bottoms == {y_zero}
    assert svg.ticks(12) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert svg.ticks(53270)[0] == 0 and svg.ticks(53270)[-1] >= 53270


def test_period_labels():
    assert charts.period_label("2018-01-01", "2018-12-31") == "2018"
    assert charts.period_label("2017-04-01", "2017-12-31") == "2017 (Apr-Dec)"
    assert charts.period_label("2015-01-01", "2020-06-30") == "Jan 2015 - Jun 2020"


def test_backticked_names_are_code_and_the_rest_text():
    assert site_pages.inline_code("see `facts` and `events`.") == (
        "see <code>facts</code> and <code>events</code>."
    )


def test_a_cell_citing_several_line_ranges_links_each():
    data = SiteData(PACKAGE, REPO_ROOT)
    paper = data.documents["working_paper_2020"].raw_path
    html = site_pages.cell(data, "sources", f"{paper}:713; {paper}:618-621")
    viewer = "../sources/working_paper_2020.html"
    assert html == (
        f'<a href="{viewer}#L713" class="lines">working_paper_2020 L713</a>; '
        f'<a href="{viewer}#L618-L621" class="lines">working_paper_2020 L618-621</a>'
    )


def test_text_and_attributes_are_escaped():
    assert el("p", "<script>alert(1)</script> & co") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>"
    )
    assert el("a", "x", href='" onclick="evil()') == '<a href="&#34; onclick=&#34;evil()">x</a>'
    assert render(["a<", el("b", ">")]) == "a&lt;<b>&gt;</b>"


def test_an_attribute_false_or_none_is_left_out_and_the_next_ones_kept():
    tag = el("details", "x", hidden=False, title=None, id="d", open=True)
    assert tag == '<details id="d" open>x</details>'


def test_a_chart_of_a_year_not_stated_says_so():
    frame = remittances_frame().assign(gdp_share_and_total_year=[None])
    drawn = charts.charts_for(SimpleNamespace(frames={"remittances": frame}), "remittances")
    assert [chart.drawing.title for chart in drawn] == [
        "Remittances received as a share of GDP, year not stated",
        "Remittances sent from Canada, 2019",
    ]


def test_the_site_follows_the_descriptor_and_escapes_its_text(tmp_path):
    """A resource added to the descriptor gets its page, in the index and the downloads; a
    description with markup is shown as text."""
    package_dir = copy_package(REPO_ROOT, tmp_path / "package")
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    extra = json.loads(
        json.dumps(next(r for r in descriptor["resources"] if r["name"] == "remittances"))
    )
    extra |= {"name": "remittances_again", "path": "curated/remittances_again.csv"}
    extra["description"] = "A <b>copy</b> & more."
    descriptor["resources"].insert(-1, extra)
    (package_dir / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    shutil.copy(
        package_dir / "curated" / "remittances.csv",
        package_dir / "curated" / "remittances_again.csv",
    )
    out = tmp_path / "site"
    site.generate(package_dir, out, sources_root=REPO_ROOT)
    page = (out / "resources" / "remittances_again.html").read_text(encoding="utf-8")
    assert "A &lt;b&gt;copy&lt;/b&gt; &amp; more." in page and "<b>copy" not in page
    assert "<svg" not in page  # charts are keyed by name: a new resource has only its table
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="resources/remittances_again.html"' in index
    assert 'href="data/parquet/remittances_again.parquet"' in index


def test_index_states_metadata_downloads_and_known_discrepancies(site_dir):
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    descriptor = PACKAGE.descriptor
    assert descriptor["title"] in index and f"Version {descriptor['version']}" in index
    assert "Citation declared by the package</dt><dd>not stated" in index
    # The package's own URN, not a DOI; no homepage is invented.
    assert f"Identifier (DOI or other)</dt><dd>{descriptor['id']}" in index
    assert "Homepage</dt><dd>not stated" in index
    for table in PACKAGE.tables:
        assert f'href="data/{table.path}"' in index
        assert f'href="data/parquet/{table.name}.parquet"' in index
        assert (site_dir / "data" / "parquet" / f"{table.name}.parquet").is_file()
    assert 'href="data/datapackage.json"' in index and 'href="data/curated/README.md"' in index
    assert f'href="data/{PACKAGE.name}.duckdb"' in index
    known = [
        r
        for r in SiteData(PACKAGE, REPO_ROOT).rows["reconciliation"]
        if r["status"] == "known-discrepancy"
    ]
    assert known
    for row in known:
        assert escape(row["note"]) in index


def test_same_inputs_same_bytes(site_dir, tmp_path):
    again = tmp_path / "again"
    site.generate(REPO_ROOT, again)
    files = sorted(p.relative_to(site_dir) for p in site_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (site_dir / f).read_bytes() != (again / f).read_bytes()] == []


def test_a_package_without_a_version_says_so(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(REPO_ROOT / "tests" / "golden" / "package", package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["version"]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    site.generate(package, tmp_path / "site")
    assert "Version not stated" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_a_folder_that_is_not_a_site_is_not_cleared(tmp_path):
    (tmp_path / "precious.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no site"):
        site.generate(REPO_ROOT, tmp_path)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep"


def test_the_site_of_a_fresh_build(fresh_build, tmp_path):
    """A temporary build (whatever resources it publishes now) gets a complete site."""
    out = tmp_path / "site"
    site.generate(fresh_build, out, sources_root=REPO_ROOT)
    built = read_back.PublishedPackage.load(fresh_build)
    assert {p.stem for p in (out / "resources").glob("*.html")} == {t.name for t in built.tables}
    for path in pages(out):
        page = Page(path)
        for link in page.links:
            parts = urlsplit(link)
            if not parts.scheme:
                target = (path.parent / parts.path).resolve() if parts.path else path
                assert target.is_file(), f"{path.relative_to(out)}: {link}"


def test_regenerating_keeps_the_screenshots_of_the_browser_tests(tmp_path):
    out, package = tmp_path / "site", REPO_ROOT / "tests" / "golden" / "package"  # a small one
    site.generate(package, out, package)
    (out / "screenshots").mkdir()
    (out / "screenshots" / "index.png").write_bytes(b"png")
    site.generate(package, out, package)
    assert (out / "screenshots" / "index.png").read_bytes() == b"png"


# --- well-formed pages ------------------------------------------------------------------------

# The elements the site's pages are made of (HTML and the inline SVG of the charts).
ELEMENT_NAMES = (
    "a body button circle code dd div dl dt figcaption figure g h1 h2 h3 head header html input "
    "label li line link main meta nav p path q rect script section span svg table tbody td text "
    "th thead title tr ul"
)
ELEMENTS = frozenset(ELEMENT_NAMES.split())

# Elements that say something: never empty.
NON_EMPTY = frozenset(
    {"p", "li", "h1", "h2", "h3", "dt", "dd", "th", "a", "title", "code", "figcaption"}
)
# Classes that only name what an element is (for readers of the markup), styled by nothing.
NAMING_CLASSES = frozenset({"axis", "keys", "legend", "lines", "mark", "marks"})


class Structure(HTMLParser):
    """The elements of a page, checked as they open and close: known names in lower case,
    properly nested, none of NON_EMPTY empty, each table's rows as wide as its header, each
    section with an id, each link with a target."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.classes: set[str] = set()
        self._open: list[str] = []
        self._widths: list[list[int]] = []  # per open table: the cells of each row
        self._filled: list[bool] = []  # per open element: whether it has content yet
        self.feed(path.read_text(encoding="utf-8"))
        self.close()
        if self._open:
            self.problems.append(f"never closed: {self._open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        where = f"line {self.getpos()[0]}: <{tag}>"
        if tag not in ELEMENTS:
            self.problems.append(f"{where} is no element of the site")
        if not (self.get_starttag_text() or "").startswith(f"<{tag}"):
            self.problems.append(f"{where} not written in lower case")
        if tag == "section" and not attributes.get("id"):
            self.problems.append(f"{where} without an id")
        if tag == "a" and not attributes.get("href"):
            self.problems.append(f"{where} without an href")
        self.classes.update((attributes.get("class") or "").split())
        if tag == "table":
            self._widths.append([])
        elif tag == "tr" and self._widths:
            self._widths[-1].append(0)
        elif tag in ("td", "th") and self._widths and self._widths[-1]:
            self._widths[-1][-1] += 1
        if self._filled:
            self._filled[-1] = True
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)
            self._filled.append(False)

    def handle_data(self, data: str) -> None:
        if self._filled and data.strip():
            self._filled[-1] = True

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes {self._open[-1:]}")
            return
        self._open.pop()
        if not self._filled.pop() and tag in NON_EMPTY:
            self.problems.append(f"line {self.getpos()[0]}: <{tag}> is empty")
        if tag == "table":
            widths = self._widths.pop()
            if len(set(widths)) > 1:
                self.problems.append(f"line {self.getpos()[0]}: rows of {widths} cells")


@cache
def structure_of(path: Path) -> Structure:
    return Structure(path)


def test_every_page_is_well_formed_from_known_elements(site_dir):
    for path in pages(site_dir):
        assert structure_of(path).problems == [], path.relative_to(site_dir)


def test_every_class_is_styled_scripted_or_a_declared_name(site_dir):
    assets = "".join(
        (site_dir / "assets" / name).read_text(encoding="utf-8") for name in ("site.css", "site.js")
    )
    used = set().union(*(structure_of(path).classes for path in pages(site_dir)))
    unstyled = {c for c in used if not re.search(rf"\.{c}(?![\w-])|'{c}'", assets)}
    assert unstyled == NAMING_CLASSES


def test_the_structure_check_catches_what_it_checks(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<html><body><None>x</None><TD></TD><section><a>no target</a></section>"
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td></tr></table>"
        "<li> </li><p></div></body></html>",
        encoding="utf-8",
    )
    problems = Structure(bad).problems
    assert any("<none> is no element" in p for p in problems)
    assert any("<td> not written in lower case" in p for p in problems)
    assert any("<section> without an id" in p for p in problems)
    assert any("<a> without an href" in p for p in problems)
    assert any("rows of [2, 1] cells" in p for p in problems)
    assert any("</div> closes ['p']" in p for p in problems)
    assert any("<li> is empty" in p for p in problems)


def test_known_discrepancies_are_listed_per_rule_with_the_lines_they_cite(site_dir):
    rows = SiteData(PACKAGE, REPO_ROOT).rows["reconciliation"]
    known = [r for r in rows if r["status"] == "known-discrepancy"]
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    section = index[index.index('id="discrepancies"') :]
    section = section[: section.index("</section>")]
    for check_id in {r["check_id"] for r in known}:
        assert section.count(f"<p><code>{check_id}</code>: ") == 1, check_id
    # Every scope names the lines it cites, as links into the source viewer.
    assert section.count('<span class="source">Source: <a href="sources/') == len(known)


@pytest.mark.parametrize(
    ("rows", "content"),
    [
        ({"reconciliation": [{"status": "pass"}]}, "<p>None.</p>"),
        ({}, "<p>This package has no reconciliation table.</p>"),
    ],
)
def test_the_index_says_when_there_is_no_known_discrepancy(rows, content):
    section = site_pages.discrepancies_section(SimpleNamespace(rows=rows))
    assert section.endswith(f"{content}</section>")


@pytest.mark.parametrize(
    ("value", "label"),
    [(1234.0, "1,234"), (1234.5, "1,234.5"), (0.25, "0.25"), (2.001, "2"), (1234.567, "1,234.57")],
)
def test_chart_labels_drop_needless_decimals(value, label):
    assert svg.number(value) == label


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(0, [0.0, 1.0]), (-3, [0.0, 1.0]), (7, [0, 2, 4, 6, 8]), (100, [0, 20, 40, 60, 80, 100])],
)
def test_ticks_are_round_and_reach_the_maximum(maximum, expected):
    assert svg.ticks(maximum) == expected


def test_a_negative_bar_is_refused():
    with pytest.raises(ValueError, match=r"negative values in \['s'\]: bars start at zero"):
        svg.column_chart(
            "t", ["a"], [svg.Series("s", (-1.0,), svg.BLUE)], value_label="u", category_label="c"
        )


def test_only_http_urls_become_links_and_nothing_else_is_rendered():
    assert site_pages.external_link("x", "https://a.org") == '<a href="https://a.org">x</a>'
    assert site_pages.external_link("x", "http://a.org") == '<a href="http://a.org">x</a>'
    assert site_pages.external_link("<x>", "javascript:alert(1)") == "&lt;x&gt;"
    assert site_pages.external_link("x", None) == "x"
    with pytest.raises(TypeError, match="cannot render object as HTML"):
        render(object())


def test_an_excerpt_shows_the_cited_lines_with_one_around_and_marks_the_rest_elided():
    document = site.model.Document("d", "raw/d.txt", {}, "a\nb\nc\nd\ne\nf\n", whole=False)
    shown = site_pages.excerpt_range(document, LineRange("d", 3, 4))
    assert list(shown) == [2, 3, 4, 5]
    html = site_pages.source_lines(document, shown)
    assert re.findall(r'id="(L\d+)"', html) == ["L2", "L3", "L4", "L5"]
    marks = re.findall(r'<div class="elided">… (lines? [\d-]+) not quoted …</div>', html)
    assert marks == ["line 1", "line 6"]
    at_the_edges = site_pages.excerpt_range(document, LineRange("d", 1, 6))
    assert "not quoted" not in site_pages.source_lines(document, at_the_edges)


def test_an_excerpt_page_quotes_only_the_cited_lines_and_says_why() -> None:
    document = site.model.Document("d", "raw/d.txt", {}, "a\nb\nc\nd\ne\nf\n", whole=False)
    package = SimpleNamespace(descriptor={"title": "A package"}, name="p")
    html = site_pages.excerpt_page(SimpleNamespace(package=package), document, LineRange("d", 3, 4))
    assert re.findall(r'id="(L\d+)"', html) == ["L2", "L3", "L4", "L5"]
    policy = re.findall(r'<p class="policy">(.*?)</p>', html)
    assert policy == [f"This text {escape(site_pages.EXCERPT_POLICY)}"]


def test_the_sources_list_says_why_a_document_is_quoted_in_excerpts_only_when_one_is():
    whole = site.model.Document("w", "raw/w.txt", {}, "a\n", whole=True)
    excerpted = site.model.Document("e", "raw/e.txt", {}, "a\nb\n", whole=False)
    policy = (
        '<p class="policy">A document marked “quoted in excerpts” '
        f"{escape(site_pages.EXCERPT_POLICY)}</p>"
    )
    both = site_pages.sources_section(SimpleNamespace(documents={"w": whole, "e": excerpted}))
    assert policy in both and "2 lines, quoted in excerpts)" in both
    assert 'class="policy"' not in site_pages.sources_section(
        SimpleNamespace(documents={"w": whole})
    )


def test_a_link_goes_to_the_whole_text_or_to_its_excerpt_which_is_then_written():
    release = SiteData(PACKAGE, REPO_ROOT, redistributable_only=True)
    for document in release.documents.values():
        lines = LineRange(document.document_id, 1, 1)
        href = site_pages.lines_href(release, lines, "")
        if document.whole:
            assert href == f"sources/{document.document_id}.html#L1"
            assert lines not in release.linked_excerpts
        else:
            assert href == f"sources/{document.document_id}/L1.html#L1"
            assert lines in release.linked_excerpts


def test_a_chart_of_no_category_is_an_empty_frame():
    drawing = svg.bar_chart("t", [], [svg.Series("s", (), svg.BLUE)], value_label="u")
    assert 'class="mark"' not in drawing.svg and "<svg" in drawing.svg


def test_a_cross_check_chart_gives_its_paper_fields_unit_or_count_when_none_is_declared():
    data = SiteData(PACKAGE, REPO_ROOT)
    first = data.frames["cross_checks"].iloc[0]
    unit = PACKAGE.table(first["paper_resource"]).field(first["paper_field"]).unit
    assert unit

    def value_tips() -> list[str]:
        """The tooltips of the first chart's marks (its first <title> is the chart's)."""
        svg_text = charts.cross_checks(data)[0].drawing.svg
        tips = re.findall(r"<title>[^<]*</title>", svg_text)[1:]
        assert tips, svg_text
        return tips

    assert all(tip.endswith(f" {unit}</title>") for tip in value_tips())
    for column, value in (("paper_resource", "no_such_resource"), ("paper_field", "no_such_field")):
        data.frames["cross_checks"] = data.frames["cross_checks"].assign(**{column: value})
        assert all(tip.endswith(" count</title>") for tip in value_tips())


def attribute(tag: str, name: str) -> float:
    return float(tag.split(f' {name}="')[1].split('"')[0])


def test_a_long_category_label_leaves_the_bars_most_of_the_width():
    drawn = svg.bar_chart("t", ["x" * 200], [svg.Series("s", (5.0,), svg.BLUE)], value_label="u")
    baseline = drawn.svg.split('class="baseline"')[0].rsplit("<line", 1)[1]
    assert attribute(baseline, "x1") <= svg.WIDTH * 0.55
    [bar] = [rect for rect in drawn.svg.split("<rect")[1:] if 'class="mark"' in rect]
    assert attribute(bar, "x") + attribute(bar, "width") <= svg.WIDTH


def test_a_stacked_bar_is_scaled_to_its_total_and_ends_inside_the_grid():
    series = [svg.Series("a", (5.0,), svg.BLUE), svg.Series("b", (12.0,), svg.ORANGE)]
    drawn = svg.bar_chart("t", ["c"], series, value_label="u", stacked=True).svg
    grid = [line for line in drawn.split("<line")[1:] if 'class="grid"' in line]
    bars = [rect for rect in drawn.split("<rect")[1:] if 'class="mark"' in rect]
    right = max(attribute(line, "x1") for line in grid)
    assert max(attribute(bar, "x") + attribute(bar, "width") for bar in bars) <= right


def test_the_lines_of_a_line_chart_are_not_filled():
    drawn = svg.line_chart(
        "t",
        ["a", "b", "c"],
        [svg.Series("s", (1.0, 3.0, 2.0), svg.BLUE), svg.Series("r", (2.0, 1.0, 3.0), svg.RED)],
        value_label="u",
        category_label="c",
    )
    paths = re.findall(r"<path [^>]*>", drawn.svg)
    assert paths and all(' fill="none"' in path for path in paths)


def test_a_line_joins_consecutive_values_and_breaks_where_a_value_is_missing() -> None:
    drawn = svg.line_chart(
        "t",
        ["a", "b", "c", "d", "e"],
        [svg.Series("s", (1.0, 3.0, None, 2.0, 4.0), svg.BLUE)],
        value_label="u",
        category_label="c",
    )
    lines = re.findall(r'<path d="([^"]*)"[^>]*class="mark line"', drawn.svg)
    assert [line.count(" L") for line in lines] == [1, 1]  # a-b, then d-e


def roxham_road_totals_frame() -> pd.DataFrame:
    """Two years of Table 2's totals: a whole year, then one printed for April to December."""
    return pd.DataFrame(
        {
            "year": [2018, 2017],
            "period_start": ["2018-01-01", "2017-04-01"],
            "period_end": ["2018-12-31", "2017-12-31"],
            "top25_claims": [10, 20],
            "other_claims": [1, 2],
            "document_id": ["d", "d"],
            "line_start": [1, 2],
            "line_end": [1, 2],
        }
    )


def test_the_roxham_road_totals_chart_says_its_periods_are_years_or_the_months_covered():
    site_data = SimpleNamespace(frames={"roxham_road_totals": roxham_road_totals_frame()})
    [chart] = charts.charts_for(site_data, "roxham_road_totals")
    labels = re.findall(r'class="axis-label"[^>]*>([^<]*)</text>', chart.drawing.svg)
    assert labels[-1] == "period (calendar year; months where the table covers part of it)"
    assert ">2017 (Apr-Dec)</text>" in chart.drawing.svg and ">2018</text>" in chart.drawing.svg


def cross_check(**columns: list[object]) -> pd.DataFrame:
    """A cross-check of two scopes, with the columns given besides the needed ones."""
    needed = {
        "check_id": ["c", "c"],
        "scope": ["2017", "2018"],
        "paper_value": [5, 7],
        "independent_lower": [4, 6],
        "independent_upper": [4, 8],
    }
    return pd.DataFrame(needed | columns)


def test_a_cross_check_chart_is_in_the_unit_declared_for_the_papers_field():
    data = SiteData(PACKAGE, REPO_ROOT)
    table, field = next((t, f) for t in PACKAGE.tables for f in t.fields if f.unit)
    frame = cross_check(paper_resource=[table.name] * 2, paper_field=[field.name] * 2)
    site_data = SimpleNamespace(frames={"cross_checks": frame}, package=data.package)
    [chart] = charts.charts_for(site_data, "cross_checks")
    assert f"2017: paper 5 {field.unit}</title>" in chart.drawing.svg


def test_a_cross_check_chart_cites_the_lines_of_its_independent_series_where_it_has_them():
    data = SiteData(PACKAGE, REPO_ROOT)
    document = next(iter(data.documents.values()))
    cited = cross_check(independent_lines=[f"{document.raw_path}:2-3", None])
    for frame, sources in (
        (cited, (LineRange(document.document_id, 2, 3),)),
        (cross_check(), ()),
    ):
        site_data = SimpleNamespace(
            frames={"cross_checks": frame}, package=data.package, citations=data.citations
        )
        [chart] = charts.charts_for(site_data, "cross_checks")
        assert chart.sources == sources


def test_without_a_declared_creator_the_contributors_are_cited():
    descriptor = {"contributors": [{"title": "A. Editor", "roles": ["editor"]}]}
    section = site_pages.citation_section(descriptor)
    assert "<dt>Creators</dt><dd>A. Editor</dd>" in section


def test_a_licence_without_a_title_is_cited_by_its_name():
    descriptor = {"licenses": [{"name": "CC-BY-4.0", "path": "https://example.org/by/4.0/"}]}
    section = site_pages.citation_section(descriptor)
    assert ">CC-BY-4.0</a>" in section


def test_the_sources_list_gives_each_document_s_publisher_and_date():
    document = SimpleNamespace(
        document_id="d",
        title="A report",
        metadata={"publisher": "An Office", "published": "2019-05-01"},
        raw_path="raw/d.txt",
        lines=["one", "two"],
        whole=True,
    )
    section = site_pages.sources_section(SimpleNamespace(documents={"d": document}))
    assert " (An Office, 2019-05-01; <code>raw/d.txt</code>, 2 lines)" in section


def two_series() -> list[svg.Series]:
    return [svg.Series("s", (1.0,), svg.BLUE), svg.Series("u", (2.0,), svg.RED)]


def test_the_legend_of_a_bar_chart_of_several_series_is_square_swatches_in_the_top_margin():
    drawn = svg.bar_chart("t", ["a"], two_series(), value_label="v").svg
    [legend] = re.findall(r'<g class="legend">.*?</g>', drawn)
    swatches = re.findall(r"<rect ([^>]*)>", legend)
    assert len(swatches) == 2
    for swatch in swatches:
        assert 'y="12.0" width="12" height="12"' in swatch
    assert re.findall(r'<text [^>]*y="([^"]*)"', legend) == ["22.0", "22.0"]


def mexico_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2018],
            "period_start": ["2018-01-01"],
            "period_end": ["2018-12-31"],
            "referred": [10],
            "accepted": [3],
            "rejected": [1],
            "abandoned_withdrawn": [2],
            "acceptance_rate_pct": [70.0],
            "document_id": ["d"],
            "line_start": [4],
            "line_end": [9],
        }
    )


def test_the_mexico_counts_chart_names_the_claims_referred():
    site_data = SimpleNamespace(frames={"mexico_refugee_claims": mexico_frame()})
    counts, _rate = charts.charts_for(site_data, "mexico_refugee_claims")
    assert "<title>2018: referred 10 refugee claims</title>" in counts.drawing.svg
    assert ">referred</text>" in counts.drawing.svg


def test_the_mexico_rate_chart_computes_accepted_over_decided_in_percent():
    site_data = SimpleNamespace(frames={"mexico_refugee_claims": mexico_frame()})
    _counts, rate = charts.charts_for(site_data, "mexico_refugee_claims")
    assert "accepted / (accepted + rejected), computed 75 % of claims decided" in rate.drawing.svg


def test_the_roxham_road_totals_chart_cites_the_lines_of_its_rows():
    frame = roxham_road_totals_frame().assign(line_start=[12, 4], line_end=[14, 6])
    [chart] = charts.charts_for(
        SimpleNamespace(frames={"roxham_road_totals": frame}), "roxham_road_totals"
    )
    assert chart.sources == (LineRange("d", 4, 14),)


def test_a_resource_without_a_title_is_offered_for_download_under_its_name(tmp_path):
    (tmp_path / "datapackage.json").write_text("{}", encoding="utf-8")
    (tmp_path / "dictionary.md").write_text("x", encoding="utf-8")
    untitled = [{"name": "dictionary", "path": "dictionary.md"}]
    site_data = SimpleNamespace(package=SimpleNamespace(other_resources=untitled, tables=()))
    section = site_pages.downloads_section(site_data, tmp_path, site_pages.Downloads(tmp_path, {}))
    assert "<td>dictionary</td>" in section


def remittances_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "printed_order": [1],
            "country_as_printed": ["Haiti"],
            "gdp_share_and_total_year": [2019],
            "from_canada_year": [2019],
            "remittances_pct_gdp": [30.0],
            "remittances_from_canada_usd_m": [5.0],
            "document_id": ["d"],
            "line_start": [1],
            "line_end": [1],
        }
    )


def test_the_remittance_share_chart_states_its_unit():
    share, _ = charts.charts_for(
        SimpleNamespace(frames={"remittances": remittances_frame()}), "remittances"
    )
    assert "Haiti: remittances 30 % of GDP</title>" in share.drawing.svg


def test_events_of_two_documents_in_one_decade_are_stacked_into_one_column():
    frame = pd.DataFrame(
        {
            "date_start": ["2016-09-19", "2016-09-19"],
            "document_id": ["a", "b"],
            "line_start": [1, 1],
            "line_end": [1, 1],
        }
    )
    [chart] = charts.charts_for(SimpleNamespace(frames={"events": frame}), "events")
    marks = re.findall(r'<rect x="([^"]+)"[^>]* class="mark">', chart.drawing.svg)
    assert len(marks) == 2 and marks[0] == marks[1], marks  # one column, one on the other
