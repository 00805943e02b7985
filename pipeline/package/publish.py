"""Write the curated CSVs and `datapackage.json`, validate them, and swap them in atomically
(pipeline/package/journal.py), holding the build lock (pipeline/buildlock.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import buildlock, schemas
from pipeline.errors import SourceError
from pipeline.package import dictionary, journal
from pipeline.schemas import CURATED

DESCRIPTOR = journal.DESCRIPTOR
DICTIONARY = f"{CURATED}/README.md"
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"


def csv_bytes(frame: pd.DataFrame, resource: schemas.Resource) -> bytes:
    """UTF-8, LF, header row; each cell as `Field.to_csv` writes it."""
    text = pd.DataFrame(
        {f.name: [f.to_csv(v) for v in frame[f.name]] for f in resource.fields},
        columns=resource.field_names,
    ).to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def source(document: Any) -> dict:
    """A `sources` entry of the descriptor for a row of `documents`: its `path` only where the
    raw file is redistributed (every path of the descriptor resolves inside the release zip);
    always its URL ("not stated" where none is) and sha256, to fetch and verify it."""
    entry = {"title": f"{document.title} ({document.publisher}, {document.published})"}
    if document.redistributed:
        entry["path"] = document.raw_path
    return entry | {"url": document.url, "hash": f"sha256:{document.sha256}"}


def descriptor(package: schemas.Package, documents: pd.DataFrame, files: dict[str, bytes]) -> dict:
    """datapackage.json for the published tables' file contents `files` (by resource)."""
    resources = []
    for name, content in files.items():
        resource = schemas.load(name)
        resources.append(
            {
                "$schema": RESOURCE_PROFILE,
                "name": name,
                "type": "table",
                "path": resource.path,
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": resource.title,
                "description": f"{resource.description} One row per {resource.row}.",
                "bytes": len(content),
                "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
                "schema": resource.table_schema(),
            }
        )
    sources = [source(row) for row in documents.itertuples()]
    return {
        "$schema": PACKAGE_PROFILE,
        **package.metadata(documents),
        "sources": sources,
        "resources": resources,
    }


def write_package(target: Path, frames: dict[str, pd.DataFrame], package: schemas.Package) -> dict:
    """Write the package into `target` (a fresh, empty folder); return the descriptor."""
    journal.OPS.mkdir(target / CURATED)
    files = {name: csv_bytes(frames[name], schemas.load(name)) for name in package.resources}
    for name, content in files.items():
        journal.OPS.write(target / schemas.load(name).path, content)
    dictionary_bytes = dictionary.data_dictionary_markdown(package, frames).encode("utf-8")
    journal.OPS.write(target / DICTIONARY, dictionary_bytes)
    written = descriptor(package, frames["documents"], files)
    written["resources"].append(
        {
            "$schema": RESOURCE_PROFILE,
            "name": "data_dictionary",
            "path": DICTIONARY,
            "format": "md",
            "mediatype": "text/markdown",
            "encoding": "utf-8",
            "title": "Data dictionary",
            "description": "Every resource and field in words: what a row is, types, units, "
            "constraints, keys, sources and the known discrepancies. Generated from schemas/.",
            "bytes": len(dictionary_bytes),
            "hash": f"sha256:{hashlib.sha256(dictionary_bytes).hexdigest()}",
        }
    )
    text = json.dumps(written, indent=2, ensure_ascii=False) + "\n"
    journal.OPS.write(target / DESCRIPTOR, text.encode("utf-8"))
    return written


def validate_package(folder: Path) -> list[str]:
    """Frictionless errors of the package in `folder` (empty when valid)."""
    from frictionless import Package  # imported here: about 0.5 s, needed only to publish

    report = Package(str(folder / DESCRIPTOR)).validate()  # paths relative to its folder
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]


def publish(out_dir: Path, frames: dict[str, pd.DataFrame], package: schemas.Package) -> dict:
    """Build the package aside, validate it, then swap it in; on failure nothing changes.
    Under the build lock: what an interrupted build left is completed or removed first."""
    with buildlock.held(out_dir):
        journal.recover(out_dir)
        staging = journal.new_staging(out_dir)
        try:
            written = write_package(staging, frames, package)
            errors = validate_package(staging)
        except BaseException:
            journal.discard(staging)
            raise
        if errors:
            journal.discard(staging)
            raise SourceError(
                str(staging / DESCRIPTOR),
                None,
                "a package that passes frictionless validation",
                "; ".join(errors[:5]),
            )
        journal.swap_in(out_dir, staging)
    return written
