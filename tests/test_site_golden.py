"""The site's pages, byte for byte, against the committed copy in tests/golden/site/.

The pages are those of the fixture package tests/golden/package/ (the example source's rows,
tests/fixture_package.py), not of the published package: a change of the sources' data touches
no golden file. test_site.py checks what every page of the real package's site must hold (links
resolve, rows link to their lines, charts are honest); this test pins everything else a reader
sees - wording, order, attributes - so that a change to the site's code shows up as a reviewed
diff of the pages. After an intended change to the site's code, refresh the copy with `make
golden` (UPDATE_GOLDEN=1) and commit it with the change. `data/` (the package
and its exports, tested in test_exports.py) and `assets/` (copied from pipeline/site/assets)
are not kept here. The copy is kept with a line break between adjacent tags, so that its diffs
are read line by line (the pages themselves are written on one line). The source pages of the site
a release of the fixture package carries (the excerpts of a text it may not redistribute) are
kept in tests/golden/release_site/.

The fixture package has none of the charts of the paper's tables: each resource with charts
(`pipeline.site.charts.CHARTS`) has a small table written for the test in tests/fixtures/charts/,
and the page of its charts is kept in tests/golden/charts/ (open it in a browser to see them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from pipeline import site
from pipeline.package import read_back, release
from pipeline.paths import REPO_ROOT
from pipeline.site import charts
from pipeline.site.html import Html, el, render
from pipeline.site.model import SiteData

GOLDEN = REPO_ROOT / "tests" / "golden" / "site"
GOLDEN_RELEASE = REPO_ROOT / "tests" / "golden" / "release_site"
GOLDEN_PACKAGE = REPO_ROOT / "tests" / "golden" / "package"  # tests/test_example_source.py
GOLDEN_CHARTS = REPO_ROOT / "tests" / "golden" / "charts"
CHART_TABLES = REPO_ROOT / "tests" / "fixtures" / "charts"  # see its README.md
NOT_KEPT = ("data", "assets", *site.KEPT)


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a site folder but those of NOT_KEPT, by path relative to it, readable."""
    return {
        path.relative_to(folder).as_posix(): readable(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] not in NOT_KEPT
    }


def readable(page: bytes) -> bytes:
    """A page with a line break between adjacent tags (pages are written on one line; text and
    attribute values are escaped, so `><` is always between tags): diffs of a line or two."""
    return page.replace(b"><", b">\n<")


def first_difference(name: str, made: bytes, kept: bytes) -> str:
    """'<name> line N: made <line> / golden <line>' for the first line that differs."""
    made_lines, kept_lines = made.split(b"\n"), kept.split(b"\n")
    for number, (a, b) in enumerate(zip(made_lines, kept_lines, strict=False), start=1):
        if a != b:
            return f"{name} line {number}: made {a[:160]!r} / golden {b[:160]!r}"
    number = min(len(made_lines), len(kept_lines)) + 1
    longer = "made" if len(made_lines) > len(kept_lines) else "golden"
    return f"{name} line {number}: only the {longer} file goes on"


def differences(made: dict[str, bytes], kept: dict[str, bytes]) -> list[str]:
    """One line per file that is missing, unexpected or different."""
    lines = [f"{name}: not made" for name in sorted(kept.keys() - made.keys())]
    lines += [f"{name}: not in the golden copy" for name in sorted(made.keys() - kept.keys())]
    lines += [
        first_difference(name, made[name], kept[name])
        for name in sorted(made.keys() & kept.keys())
        if made[name] != kept[name]
    ]
    return lines


def write_golden(made: dict[str, bytes], golden: Path = GOLDEN) -> None:
    if golden.exists():
        shutil.rmtree(golden)
    for name, content in made.items():
        (golden / name).parent.mkdir(parents=True, exist_ok=True)
        (golden / name).write_bytes(content)


@pytest.mark.committed_output
def test_the_site_is_the_golden_copy(tmp_path):
    # Its own site, not test_site.py's module fixture: mutmut credits what a fixture runs to
    # the first test that set it up, and reruns only that test for a mutant of the site.
    site.generate(GOLDEN_PACKAGE, tmp_path / "site", GOLDEN_PACKAGE)
    made = site_files(tmp_path / "site")
    assert made, "the site has no pages"
    if os.environ.get("UPDATE_GOLDEN"):
        write_golden(made)
    found = differences(made, site_files(GOLDEN))
    assert not found, (
        f"{len(found)} file(s) of the site differ from tests/golden/site/ "
        "(an intended change: `make golden` and commit the copy):\n" + "\n".join(found)
    )


@pytest.mark.committed_output
def test_the_site_of_a_release_is_the_golden_copy(tmp_path):
    """A release's site shows of a text it may not redistribute only the lines its rows cite,
    each on an excerpt page (the fixture's text is not redistributed)."""
    shutil.copytree(GOLDEN_PACKAGE, tmp_path / "release")
    release.generate_views(tmp_path / "release")
    # Its source pages only: the resource pages differ from the site's above by their links
    # alone, which test_site.py follows in a release.
    pages = site_files(tmp_path / "release" / "site")
    made = {name: page for name, page in pages.items() if name.startswith("sources/")}
    assert any(name.count("/") == 2 for name in made), sorted(made)  # sources/<id>/<lines>
    if os.environ.get("UPDATE_GOLDEN"):
        write_golden(made, GOLDEN_RELEASE)
    found = differences(made, site_files(GOLDEN_RELEASE))
    assert not found, (
        f"{len(found)} file(s) of the release's site differ from tests/golden/release_site/ "
        "(an intended change: `make golden` and commit the copy):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("made", "kept", "expected"),
    [
        (b"a\nb\nc", b"a\nx\nc", "p.html line 2: made b'b' / golden b'x'"),
        (b"a\nb", b"a", "p.html line 2: only the made file goes on"),
        (b"a", b"a\nb", "p.html line 2: only the golden file goes on"),
    ],
)
def test_a_difference_is_named_by_file_and_line(made, kept, expected):
    assert differences({"p.html": made}, {"p.html": kept}) == [expected]


def test_missing_and_unexpected_files_are_named():
    assert differences(
        {"new.html": b"", "same.html": b"x"}, {"old.html": b"", "same.html": b"x"}
    ) == [
        "old.html: not made",
        "new.html: not in the golden copy",
    ]


def test_pages_are_kept_a_tag_a_line():
    assert readable(b"<p><b>a &gt;&lt; b</b></p>") == b"<p>\n<b>a &gt;&lt; b</b>\n</p>"


def test_data_and_assets_are_not_kept(tmp_path):
    for name in (
        "index.html",
        "data/x.csv",
        "assets/site.css",
        "screenshots/a.png",
        "sources/a.html",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
    assert list(site_files(tmp_path)) == ["index.html", "sources/a.html"]


def chart_pages() -> dict[str, bytes]:
    """Per resource with charts, a page of its charts drawn from its fixture table: each
    chart's SVG, the columns it names, its note and what it cites (line ranges or a text)."""
    golden = SiteData(read_back.PublishedPackage.load(GOLDEN_PACKAGE), GOLDEN_PACKAGE)
    frames = {path.stem: pd.read_csv(path) for path in sorted(CHART_TABLES.glob("*.csv"))}
    fixture = SimpleNamespace(frames=frames, package=golden.package, citations=golden.citations)
    pages = {}
    for name in charts.CHARTS:
        drawn = charts.charts_for(fixture, name)  # type: ignore[arg-type]
        figures = [
            el(
                "figure",
                chart.drawing.svg,
                el("p", chart.columns),
                el("p", chart.note),
                el("p", [f"{r.document_id} {r.label}; " for r in chart.sources]),
                el("p", chart.source_text),
            )
            for chart in drawn
        ]
        page = render([Html("<!DOCTYPE html>"), el("html", el("body", el("h1", name), figures))])
        pages[f"{name}.html"] = readable(page.encode("utf-8"))
    return pages


def test_every_resource_with_charts_has_a_fixture_table():
    assert {path.stem for path in CHART_TABLES.glob("*.csv")} == set(charts.CHARTS)


@pytest.mark.committed_output
def test_the_charts_of_the_fixture_tables_are_the_golden_copy():
    made = chart_pages()
    assert all(b"<svg" in page for page in made.values()), "a fixture table draws no chart"
    if os.environ.get("UPDATE_GOLDEN"):
        write_golden(made, GOLDEN_CHARTS)
    found = differences(made, site_files(GOLDEN_CHARTS))
    assert not found, (
        f"{len(found)} chart page(s) differ from tests/golden/charts/ "
        "(an intended change: `make golden` and commit the copy):\n" + "\n".join(found)
    )
