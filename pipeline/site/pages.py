"""The site's pages, one function each: the index, a page per resource and a page per source
document. Every text goes through `el`, which escapes it."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.package import read_back
from pipeline.schemas import NOT_STATED
from pipeline.site.charts import Chart, charts_for
from pipeline.site.html import Html, el, join, page, render
from pipeline.site.model import Document, LineRange, SiteData

ROOT, SUB = "", "../"  # relative path to the site's top, from the index and from sub-pages
DATA_DIR = "data"  # where a site of its own holds the package and its exports
LONG_TEXT = 80  # characters from which a cell is given a wide column
INDEX_SECTIONS = (
    ("resources", "Resources"),
    ("discrepancies", "Known discrepancies"),
    ("downloads", "Downloads"),
    ("cite", "How to cite"),
    ("sources", "Source documents"),
)


# --- links -----------------------------------------------------------------------------------


def resource_href(name: str, root: str) -> str:
    return f"{root}resources/{name}.html"


def source_href(document_id: str, root: str) -> str:
    return f"{root}sources/{document_id}.html"


def excerpt_href(lines: LineRange, root: str) -> str:
    return f"{root}sources/{lines.document_id}/{lines.label}.html"


def lines_href(site: SiteData, lines: LineRange, root: str) -> str:
    """The lines on their document's page, or, where only excerpts are shown, on theirs."""
    if site.excerpted(lines):
        return f"{excerpt_href(lines, root)}#{lines.anchor}"
    return f"{source_href(lines.document_id, root)}#{lines.anchor}"


def lines_link(site: SiteData, lines: LineRange, root: str, with_document: bool = True) -> Html:
    text = f"{lines.document_id} {lines.label}" if with_document else lines.label
    return el("a", text, href=lines_href(site, lines, root), class_="lines")


def inline_code(text: str) -> Html:
    """Text whose `backticked` parts are names, shown as code."""
    parts = re.split(r"`([^`]*)`", text)
    return join(el("code", part) if index % 2 else part for index, part in enumerate(parts))


def external_link(text: str, url: str | None) -> Html:
    """A link to a URL from the metadata, only when it is http(s): a `javascript:` URL in a
    descriptor is shown as text, never made clickable."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return el("a", text, href=url)
    return render(text)


def size(path: Path) -> str:
    count = path.stat().st_size
    if count < 1024:
        return f"{count:,} bytes"
    kib = count / 1024
    return f"{kib:.1f} KiB" if kib < 100 else f"{kib:,.0f} KiB"


# --- index -----------------------------------------------------------------------------------


def _contributors(descriptor: dict, role: str | None = None) -> list[str]:
    return [
        c["title"]
        for c in descriptor.get("contributors", [])
        if role is None or role in c.get("roles", [])
    ]


def citation_section(descriptor: dict) -> Html:
    """How to cite, from the metadata only; what the package does not declare says so."""
    creators = _contributors(descriptor, "creator") or _contributors(descriptor)
    created = descriptor.get("created", "")
    year = created[:4] if created else NOT_STATED
    licences = [
        external_link(lic.get("title") or lic.get("name", ""), lic.get("path"))
        for lic in descriptor.get("licenses", [])
    ]
    homepage = descriptor.get("homepage")
    suggested = (
        f"{'; '.join(creators) or NOT_STATED} ({year}). {descriptor.get('title', NOT_STATED)} "
        f"(version {descriptor.get('version', NOT_STATED)}) [data package]. "
        f"{homepage or descriptor.get('id') or NOT_STATED}"
    )
    items = [
        ("Citation declared by the package", descriptor.get("citation") or NOT_STATED),
        ("Suggested citation (from the fields below)", el("q", suggested)),
        ("Creators", "; ".join(creators) or NOT_STATED),
        ("Version", descriptor.get("version") or NOT_STATED),
        ("Created", created or NOT_STATED),
        ("Identifier (DOI or other)", descriptor.get("id") or NOT_STATED),
        ("Homepage", external_link(homepage, homepage) if homepage else NOT_STATED),
        ("Licence", join(licences, "; ") if licences else NOT_STATED),
    ]
    return el(
        "section",
        el("h2", "How to cite"),
        el("dl", [(el("dt", term), el("dd", value)) for term, value in items], class_="meta"),
        id="cite",
    )


@dataclass(frozen=True)
class Downloads:
    """Where the files the site offers lie: the package (descriptor and CSVs) in `folder`, its
    exports by table name (the DuckDB database under ''). Links are relative to the page."""

    folder: Path
    exports: dict[str, Path]

    def href(self, path: Path, page_dir: Path) -> str:
        return Path(os.path.relpath(path, page_dir)).as_posix()

    def link(self, path: Path, page_dir: Path, label: str | None = None) -> Html:
        return el("a", label or path.name, href=self.href(path, page_dir), download=True)


def downloads_section(site: SiteData, out_dir: Path, downloads: Downloads) -> Html:
    """The package's files as published, and their Parquet and DuckDB copies, with sizes."""
    data, exports = downloads.folder, downloads.exports
    whole = [(data / read_back.DESCRIPTOR, "the descriptor: metadata, schemas, keys, sources")]
    whole += [(data / r["path"], r.get("title", r["name"])) for r in site.package.other_resources]
    if "" in exports:
        whole.append((exports[""], "every table in one DuckDB database, with keys and comments"))
    package_rows = [
        el("tr", el("td", downloads.link(path, out_dir)), el("td", what), el("td", size(path)))
        for path, what in whole
    ]
    table_rows = []
    for table in site.package.tables:
        csv_path, parquet = data / table.path, exports.get(table.name)
        table_rows.append(
            el(
                "tr",
                el("td", el("a", table.name, href=resource_href(table.name, ROOT))),
                el("td", downloads.link(csv_path, out_dir, "CSV"), f" ({size(csv_path)})"),
                el("td", (downloads.link(parquet, out_dir, "Parquet"), f" ({size(parquet)})"))
                if parquet
                else el("td", NOT_STATED),
            )
        )
    header = el("tr", el("th", "file"), el("th", "what"), el("th", "size"))
    per_table = el("tr", el("th", "table"), el("th", "CSV"), el("th", "Parquet"))
    return el(
        "section",
        el("h2", "Downloads"),
        el(
            "p",
            "The package as published (open the descriptor with any Frictionless tool), with a "
            "Parquet file per table and a DuckDB database of all of them, typed from the schemas.",
        ),
        el("table", el("thead", header), el("tbody", package_rows), class_="plain"),
        el("table", el("thead", per_table), el("tbody", table_rows), class_="plain downloads"),
        id="downloads",
    )


def resources_section(site: SiteData) -> Html:
    rows = [
        el(
            "tr",
            el("td", el("a", table.name, href=resource_href(table.name, ROOT))),
            el("td", table.title),
            el("td", f"{len(site.rows[table.name]):,}", class_="num"),
        )
        for table in site.package.tables
    ]
    return el(
        "section",
        el("h2", "Resources"),
        el(
            "table",
            el(
                "thead", el("tr", el("th", "resource"), el("th", "what it holds"), el("th", "rows"))
            ),
            el("tbody", rows),
            class_="plain",
        ),
        id="resources",
    )


def discrepancy_sources(site: SiteData, row: dict[str, str], root: str) -> Html:
    """The raw lines a reconciliation row cites, as links."""
    cited = list(dict.fromkeys(site.citations(row.get("sources", "")) or []))
    if not cited and (lines := site.row_lines(row)):
        cited = [lines]
    return (
        join((lines_link(site, lines, root) for lines in cited), ", ")
        if cited
        else Html(NOT_STATED)
    )


def discrepancy_scope(site: SiteData, row: dict[str, str]) -> Html:
    return el(
        "li",
        f"{row['scope']}: expected {row['expected']}, observed {row['observed']} "
        f"(difference {row['difference']}). ",
        row.get("note", ""),
        " ",
        el("span", "Source: ", discrepancy_sources(site, row, ROOT), class_="source"),
    )


def discrepancies_section(site: SiteData) -> Html:
    """The reconciliation rows with status known-discrepancy, per rule."""
    rules: dict[str, list[dict[str, str]]] = {}
    for row in site.rows.get("reconciliation", []):
        if row.get("status") == "known-discrepancy":
            rules.setdefault(row["check_id"], []).append(row)
    items = [
        el(
            "li",
            el("p", el("code", check_id), ": ", rows[0]["description"]),
            el("ul", [discrepancy_scope(site, row) for row in rows]),
        )
        for check_id, rows in sorted(rules.items())
    ]
    intro = (
        "Inconsistencies of the sources themselves, found by the reconciliation rules and "
        "published in the reconciliation table with status known-discrepancy."
    )
    if "reconciliation" not in site.rows:
        content = el("p", "This package has no reconciliation table.")
    else:
        content = el("ul", items, class_="discrepancies") if items else el("p", "None.")
    return el(
        "section", el("h2", "Known discrepancies"), el("p", intro), content, id="discrepancies"
    )


EXCERPT_POLICY = (
    "is not redistributed: its rights are not established. So that every number read from it "
    "still leads to its words, this site quotes only the lines its rows cite, each with one "
    "line around it, on a page per citation (the rest elided), with the document's metadata "
    "and sha256. The repository holds the full text."
)


def sources_section(site: SiteData) -> Html:
    items = [
        el(
            "li",
            el("a", doc.title, href=source_href(doc.document_id, ROOT)),
            f" ({doc.metadata.get('publisher', NOT_STATED)}, "
            f"{doc.metadata.get('published', NOT_STATED)}; ",
            el("code", doc.raw_path),
            f", {len(doc.lines):,} lines" + ("" if doc.whole else ", quoted in excerpts") + ")",
        )
        for doc in site.documents.values()
    ]
    excerpted = any(not doc.whole for doc in site.documents.values())
    policy = (
        el("p", "A document marked “quoted in excerpts” ", EXCERPT_POLICY, class_="policy")
        if excerpted
        else None
    )
    return el("section", el("h2", "Source documents"), el("ul", items), policy, id="sources")


def index_page(site: SiteData, out_dir: Path, downloads: Downloads) -> str:
    descriptor = site.package.descriptor
    title = descriptor.get("title", site.package.name)
    keywords = descriptor.get("keywords", [])
    body = [
        el("h1", title),
        el(
            "p",
            f"Version {descriptor.get('version', NOT_STATED)} · package ",
            el("code", site.package.name),
            class_="version",
        ),
        el("p", descriptor.get("description", NOT_STATED), class_="lead"),
        el("p", "Keywords: ", ", ".join(keywords), class_="keywords") if keywords else None,
        el(
            "nav",
            join((el("a", label, href=f"#{anchor}") for anchor, label in INDEX_SECTIONS), " · "),
            class_="toc",
        ),
        resources_section(site),
        discrepancies_section(site),
        downloads_section(site, out_dir, downloads),
        citation_section(descriptor),
        sources_section(site),
    ]
    return page(title, body, ROOT, title)


# --- resource pages --------------------------------------------------------------------------


def fields_table(table: read_back.PublishedTable) -> Html:
    rows = [
        el(
            "tr",
            el("td", el("code", field.name)),
            el("td", field.type),
            el("td", field.unit or ""),
            el("td", inline_code(field.description)),
            el("td", inline_code(field.constraints.words())),
            id=f"field-{field.name}",
        )
        for field in table.fields
    ]
    head = el("tr", *(el("th", h) for h in ("field", "type", "unit", "description", "constraints")))
    return el("table", el("thead", head), el("tbody", rows), class_="plain fields")


def keys_paragraph(table: read_back.PublishedTable) -> Html:
    primary = join((el("code", key) for key in table.primary_key), ", ")
    foreign = [
        join(
            [
                el("code", ", ".join(fk.fields)),
                " → ",
                el("a", fk.reference.resource, href=resource_href(fk.reference.resource, SUB)),
                " (",
                el("code", ", ".join(fk.reference.fields)),
                ")",
            ]
        )
        for fk in table.foreign_keys
    ]
    return el(
        "p",
        "Primary key: ",
        primary,
        ". ",
        ("Foreign keys: ", join(foreign, "; "), ".") if foreign else None,
        class_="keys",
    )


def spans(ranges: Sequence[LineRange]) -> list[LineRange]:
    """Per document, one span from the first to the last line of `ranges` (a chart's caption
    names where its data are; the rows below link each row's own lines)."""
    by_document: dict[str, list[LineRange]] = {}
    for lines in ranges:
        by_document.setdefault(lines.document_id, []).append(lines)
    return [
        LineRange(d, min(r.start for r in rs), max(r.end for r in rs))
        for d, rs in by_document.items()
    ]


def chart_figure(chart: Chart, site: SiteData) -> Html:
    def document_name(document_id: str) -> str:
        doc = site.documents.get(document_id)
        return f"{doc.title} ({document_id})" if doc else document_id

    cited: Html | str  # a plain text is escaped where it is placed
    if chart.sources:
        cited = join(
            (
                join([document_name(r.document_id), ", lines ", lines_link(site, r, SUB, False)])
                for r in spans(chart.sources)
            ),
            "; ",
        )
    else:
        cited = chart.source_text or NOT_STATED
    caption = el(
        "figcaption",
        el("p", chart.note) if chart.note else None,
        el(
            "p", "Source: ", cited, ". Drawn from ", el("code", chart.columns), ".", class_="source"
        ),
    )
    return el("figure", el("h3", chart.drawing.title), chart.drawing.svg, caption, class_="chart")


def cell(site: SiteData, field_name: str, text: str) -> Html:
    """A table cell's content: raw-line citations and document ids become links."""
    if text and (cited := site.citations(text)):
        return join((lines_link(site, lines, SUB) for lines in cited), "; ")
    if field_name.endswith("document_id") and text in site.documents:
        return el("a", text, href=source_href(text, SUB))
    return render(text)


def row_link(site: SiteData, table: read_back.PublishedTable, row: dict[str, str]) -> Html:
    """Where a row was read from: its lines, or for a document the whole document."""
    if lines := site.row_lines(row):
        return lines_link(site, lines, SUB)
    if table.name == "documents" and row.get("document_id") in site.documents:
        return el("a", "whole document", href=source_href(row["document_id"], SUB), class_="lines")
    return Html("")


def rows_table(site: SiteData, table: read_back.PublishedTable) -> Html:
    """Every row, as printed in the CSV; headers say how the script sorts the column."""
    numeric = {f.name for f in table.fields if f.type in ("integer", "number")}

    def cell_class(name: str, text: str) -> str | None:
        """Numbers align right; long text gets a wide column rather than a tall row."""
        return "num" if name in numeric else "long" if len(text) > LONG_TEXT else None

    def header(label: str, sort_as: str, title: str | None = None) -> Html:
        button = el("button", label, type="button", class_="sort")
        return el("th", button, data_type=sort_as, title=title)

    head = el(
        "tr",
        header("source lines", "text"),
        *(
            header(f.name, "number" if f.name in numeric else "text", f.description)
            for f in table.fields
        ),
    )
    body = [
        el(
            "tr",
            el("td", row_link(site, table, row), class_="where"),
            *(
                el("td", cell(site, f.name, row[f.name]), class_=cell_class(f.name, row[f.name]))
                for f in table.fields
            ),
        )
        for row in site.rows[table.name]
    ]
    return el("table", el("thead", head), el("tbody", body), class_="data", id="rows")


def rows_section(site: SiteData, table: read_back.PublishedTable) -> Html:
    count = len(site.rows[table.name])
    search = el("input", type="search", class_="filter", data_table="rows", autocomplete="off")
    return el(
        "section",
        el("h2", "Rows"),
        el(
            "p",
            "Click a column name to sort; type to keep the rows containing the text. "
            "Each row links to the lines of the raw document it was read from.",
        ),
        el(
            "p",
            el("label", "Filter rows ", search),
            " ",
            el("span", f"{count} of {count} rows", class_="count", data_table="rows"),
        ),
        el("div", rows_table(site, table), class_="scroll"),
        id="data",
    )


def resource_page(
    site: SiteData, table: read_back.PublishedTable, downloads: Downloads, page_dir: Path
) -> str:
    charts = charts_for(site, table.name)
    parquet = downloads.href(downloads.exports[table.name], page_dir)
    body = [
        el("p", el("a", "← all resources", href=f"{SUB}index.html#resources"), class_="crumbs"),
        el("h1", table.title),
        el(
            "p",
            el("code", table.name),
            f" · {len(site.rows[table.name]):,} rows · ",
            el(
                "a",
                "CSV",
                href=downloads.href(downloads.folder / table.path, page_dir),
                download=True,
            ),
            " · ",
            el("a", "Parquet", href=parquet, download=True),
            class_="version",
        ),
        el("p", inline_code(table.description), class_="lead"),
        keys_paragraph(table),
        el("section", el("h2", "Charts"), [chart_figure(c, site) for c in charts], id="charts")
        if charts
        else None,
        el("section", el("h2", "Fields"), fields_table(table), id="fields"),
        rows_section(site, table),
    ]
    return page(table.title, body, SUB, site.package.descriptor.get("title", site.package.name))


# --- source pages ----------------------------------------------------------------------------


def rows_from(site: SiteData, document_id: str) -> list[tuple[str, int]]:
    """Per table, how many of its rows name the document (in `document_id`, or another field
    whose name ends so, like a cross-check's `independent_document_id`)."""
    counts = []
    for table in site.package.tables:
        columns = [name for name in table.field_names if name.endswith("document_id")]
        n = sum(1 for row in site.rows[table.name] if document_id in (row[c] for c in columns))
        if n and table.name != "documents":
            counts.append((table.name, n))
    return counts


def source_line(number: int, text: str) -> Html:
    return el(
        "div",
        el("a", str(number), href=f"#L{number}", class_="ln"),
        el("span", text, class_="text"),
        id=f"L{number}",
        class_="line",
    )


def elided(first: int, last: int) -> Html | None:
    if first > last:
        return None
    label = f"line {first:,}" if first == last else f"lines {first:,}-{last:,}"
    return el("div", f"… {label} not quoted …", class_="elided")


def source_lines(doc: Document, shown: range | None = None) -> Html:
    """The numbered lines: all of them, or those of `shown` with what is left out marked."""
    shown = shown or range(1, len(doc.lines) + 1)
    lines = [source_line(n, doc.lines[n - 1]) for n in shown]
    return el(
        "div",
        elided(1, shown.start - 1),
        lines,
        elided(shown.stop, len(doc.lines)),
        class_="source-text",
    )


def excerpt_range(doc: Document, lines: LineRange) -> range:
    """The cited lines with one line around them, within the document."""
    return range(max(1, lines.start - 1), min(len(doc.lines), lines.end + 1) + 1)


def text_section(site: SiteData, doc: Document) -> list[Html]:
    """The numbered lines, or, where the text is not redistributed, why and its excerpts."""
    if not doc.whole:
        excerpts = sorted(
            (lines for lines in site.linked_excerpts if lines.document_id == doc.document_id),
            key=lambda lines: (lines.start, lines.end),
        )
        return [
            el("p", "This text ", EXCERPT_POLICY, class_="policy"),
            el("p", doc.metadata.get("redistribution") or NOT_STATED, class_="withheld"),
            el(
                "p",
                f"Excerpts ({len(excerpts):,}): ",
                join(
                    (el("a", lines.label, href=excerpt_href(lines, SUB)) for lines in excerpts),
                    ", ",
                ),
                class_="excerpts",
            ),
        ]
    return [
        el(
            "p",
            "A line's number links to it; links from the tables highlight the lines a row "
            "was read from.",
        ),
        source_lines(doc),
    ]


def document_metadata(doc: Document) -> Html:
    """Every column of the document's row in `documents`, in the schema's order."""
    meta = [
        (el("dt", key), el("dd", value or NOT_STATED))
        for key, value in doc.metadata.items()
        if key not in ("document_id", "title")
    ]
    return el("dl", meta, class_="meta")


def source_page(site: SiteData, doc: Document) -> str:
    used = rows_from(site, doc.document_id)
    used_list = join(
        (join([el("a", name, href=resource_href(name, SUB)), f" ({n:,})"]) for name, n in used),
        ", ",
    )
    body = [
        el("p", el("a", "← source documents", href=f"{SUB}index.html#sources"), class_="crumbs"),
        el("h1", doc.title),
        el("p", el("code", doc.document_id), f" · {len(doc.lines):,} lines", class_="version"),
        document_metadata(doc),
        el("p", "Rows read from this document: ", used_list if used else "none", "."),
        *text_section(site, doc),
    ]
    return page(doc.title, body, SUB, site.package.descriptor.get("title", site.package.name))


EXCERPT_ROOT = "../../"  # from sources/<document_id>/<lines>.html to the site's top


def excerpt_page(site: SiteData, doc: Document, lines: LineRange) -> str:
    """The lines a row cites, highlighted, with one line around them and the rest elided."""
    shown = excerpt_range(doc, lines)
    body = [
        el(
            "p",
            el("a", "← source documents", href=f"{EXCERPT_ROOT}index.html#sources"),
            " · ",
            el("a", doc.document_id, href=source_href(doc.document_id, EXCERPT_ROOT)),
            class_="crumbs",
        ),
        el("h1", doc.title),
        el(
            "p",
            el("code", doc.document_id),
            f" · excerpt: lines {lines.label[1:]} of {len(doc.lines):,}",
            class_="version",
        ),
        el("p", "This text ", EXCERPT_POLICY, class_="policy"),
        source_lines(doc, shown),
        document_metadata(doc),
    ]
    title = f"{doc.title}, {lines.label}"
    return page(title, body, EXCERPT_ROOT, site.package.descriptor.get("title", site.package.name))
