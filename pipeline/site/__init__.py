"""The dataset site: static pages that work from file:// with no network (`make site`).

    generate(package_dir, out_dir, sources_root)

reads a published package folder (its datapackage.json and the files it lists) and the raw
documents its `documents` table names (relative to `sources_root`), and writes:

    index.html              title, version, description, how to cite, downloads, resources
                            with row counts, known discrepancies, source documents
    resources/<name>.html   fields (from the schemas), charts, the rows (sortable, filterable),
                            each linking to the raw lines it was read from
    sources/<id>.html       each raw document with numbered lines, an anchor per line (#L12),
                            ranges highlighted (#L12-L14); in a release, a document that is
                            not redistributed shows its metadata and a list of excerpts
    sources/<id>/L12-14.html  (a release) an excerpt: the lines a row cites, highlighted,
                            with one line around them, the rest elided
    data/                   the package as published, its Parquet files and DuckDB database
                            (a release links to the copies beside the site instead)
    assets/                 the one stylesheet and the one script

The pages follow the descriptor, so a new resource gets its page with no code change; charts
are keyed by resource name (pipeline/site/charts.py). The same inputs give the same bytes: no
clock, no randomness, sorted and declared orders only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.package import exports, read_back
from pipeline.site import pages
from pipeline.site.model import SiteData

ASSETS = Path(__file__).resolve().parent / "assets"
KEPT = {"screenshots"}  # written by the browser tests, not by the generator


def clear(out_dir: Path) -> None:
    """Empty `out_dir` for a new site, refusing a folder that is not one (a mistyped --out)."""
    if not out_dir.exists():
        out_dir.mkdir(parents=True)
        return
    entries = [entry for entry in out_dir.iterdir() if entry.name not in KEPT]
    if entries and not (out_dir / "index.html").is_file():
        raise ValueError(f"{out_dir} is not empty and holds no site (index.html): not clearing it")
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def copy_package(package: read_back.PublishedPackage, target: Path) -> None:
    """The descriptor and every file it lists, at the same relative paths."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package.folder / read_back.DESCRIPTOR, target / read_back.DESCRIPTOR)
    for resource in package.descriptor["resources"]:
        destination = target / resource["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package.folder / resource["path"], destination)


def exports_by_table(written: list[Path]) -> dict[str, Path]:
    """What `exports.write` wrote, by table name (the DuckDB database under the key '')."""
    return {"": written[0], **{path.stem: path for path in written[1:]}}


def write_page(out_dir: Path, relative: str, html: str) -> Path:
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("utf-8"))
    return path


def generate(
    package_dir: Path,
    out_dir: Path,
    sources_root: Path | None = None,
    redistributable_only: bool = False,
    written_exports: list[Path] | None = None,
) -> list[Path]:
    """Write the site of the package in `package_dir` into `out_dir` (replacing its content);
    `sources_root` is the folder with raw/manifest.yaml and the raw files (default the package
    folder); with `redistributable_only` (a release) a source page shows the whole text only
    where it is redistributed, and of any other text the lines the rows cite, as excerpts. A
    site of its own holds a copy of the package and its exports in data/; given
    `written_exports` (a release, which carries the package and its exports beside the site),
    it links to those files where they lie instead, so a release carries each file once.
    Returns the pages written."""
    site = SiteData(
        read_back.PublishedPackage.load(package_dir),
        sources_root or package_dir,
        redistributable_only,
    )
    site.documents  # noqa: B018 - read first: a missing raw file fails before anything is cleared
    clear(out_dir)
    shutil.copytree(ASSETS, out_dir / "assets")
    if written_exports is None:
        data = out_dir / pages.DATA_DIR
        copy_package(site.package, data)
        written = exports.write(site.package.folder, data)
        downloads = pages.Downloads(data, exports_by_table(written))
    else:
        downloads = pages.Downloads(site.package.folder, exports_by_table(written_exports))
    written = [write_page(out_dir, "index.html", pages.index_page(site, out_dir, downloads))]
    for table in site.package.tables:
        page_html = pages.resource_page(site, table, downloads, out_dir / "resources")
        written.append(write_page(out_dir, f"resources/{table.name}.html", page_html))
    for document in site.documents.values():
        written.append(
            write_page(
                out_dir, f"sources/{document.document_id}.html", pages.source_page(site, document)
            )
        )
    # Last: the excerpts are those the pages above link to.
    for lines in sorted(site.linked_excerpts, key=lambda r: (r.document_id, r.start, r.end)):
        document = site.documents[lines.document_id]
        page_html = pages.excerpt_page(site, document, lines)
        written.append(write_page(out_dir, pages.excerpt_href(lines, ""), page_html))
    return written
