"""The fixture package the site's golden copy is rendered from: the example source's rows of a
package built with it (tests/example_source/), as a package of its own.

A change of the real sources' data changes no golden page: the fixture package is committed in
tests/golden/package/ and made again only by `make golden`, from a build with the example
source added (tests/example_source/walkthrough.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import yaml

from pipeline import harmonise
from pipeline.package import publish, read_back
from pipeline.sources.text import RawDocument

COUNTRIES = "countries"


def _rows_of(frame: pd.DataFrame, document_id: str) -> pd.DataFrame:
    return frame[frame["document_id"] == document_id].reset_index(drop=True)


def make(built: Path, raw_dir: Path, document_id: str, target: Path) -> None:
    """Write into `target` the package of the rows of `document_id` in the package `built`,
    with its raw file and manifest entry (from `raw_dir`); the countries table made again from
    those rows, as a build of that document alone makes it; empty resources left out."""
    descriptor = json.loads((built / read_back.DESCRIPTOR).read_text("utf-8"))
    entries = yaml.safe_load((raw_dir / "manifest.yaml").read_text("utf-8"))["documents"]
    (entry,) = [e for e in entries if e["document_id"] == document_id]
    text = (raw_dir / Path(entry["raw_path"]).name).read_text("utf-8")
    document = RawDocument(document_id, entry["raw_path"], text)
    package = read_back.PublishedPackage.load(built)
    tabular = [r for r in descriptor["resources"] if "schema" in r]
    frames = {}
    for resource in tabular:
        frame = package.frame(package.table(resource["name"]))
        if resource["name"] != COUNTRIES and "document_id" in frame:
            frames[resource["name"]] = _rows_of(frame, document_id)
    naming = [f for f in frames.values() if "country_iso3" in f and not f.empty]
    frames[COUNTRIES] = harmonise.countries_table(naming, [document])
    if target.exists():
        shutil.rmtree(target)
    resources = []
    for resource in tabular:
        frame = frames.get(resource["name"])
        if frame is None or frame.empty:
            continue
        # The published schema (a table of the example has none in schemas/).
        content = publish.csv_bytes(frame, package.table(resource["name"]))
        (target / resource["path"]).parent.mkdir(parents=True, exist_ok=True)
        (target / resource["path"]).write_bytes(content)
        digest = hashlib.sha256(content).hexdigest()
        resources.append(resource | {"bytes": len(content), "hash": f"sha256:{digest}"})
    descriptor["resources"] = resources
    # The fixture's own identity and description: a release of the package or a new source
    # (which change its version, date and counts) changes no golden file.
    descriptor |= {
        "id": "urn:fixture:0.0.0",
        "version": "0.0.0",
        "created": "2000-01-01T00:00:00Z",
        "description": f"The rows of {document_id}, as a package of their own: the fixture the "
        "dataset site's golden copy is rendered from.",
    }
    descriptor["sources"] = [
        s for s in descriptor["sources"] if s["title"].startswith(entry["title"])
    ]
    (target / read_back.DESCRIPTOR).write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    (target / "raw").mkdir()
    manifest = yaml.safe_dump({"documents": [entry]}, sort_keys=False, allow_unicode=True)
    (target / "raw" / "manifest.yaml").write_text(manifest, "utf-8")
    (target / entry["raw_path"]).write_text(text, "utf-8")
