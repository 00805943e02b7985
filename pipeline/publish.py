"""Write the curated CSVs and `datapackage.json`, validate them, and swap them in atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd

from pipeline import dictionary, schemas
from pipeline.errors import SourceError
from pipeline.schemas import CURATED

DESCRIPTOR = "datapackage.json"
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
    sources = [
        {"title": f"{row.title} ({row.publisher}, {row.published})", "path": row.raw_path}
        for row in documents.itertuples()
    ]
    return {
        "$schema": PACKAGE_PROFILE,
        **package.metadata(),
        "sources": sources,
        "resources": resources,
    }


def write_package(target: Path, frames: dict[str, pd.DataFrame], package: schemas.Package) -> dict:
    """Write the package into `target` (a fresh folder); return the descriptor."""
    (target / CURATED).mkdir(parents=True)
    files = {name: csv_bytes(frames[name], schemas.load(name)) for name in package.resources}
    for name, content in files.items():
        (target / schemas.load(name).path).write_bytes(content)
    dictionary_bytes = dictionary.data_dictionary_markdown(package, frames).encode("utf-8")
    (target / DICTIONARY).write_bytes(dictionary_bytes)
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
    (target / DESCRIPTOR).write_text(
        json.dumps(written, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return written


def validate_package(folder: Path) -> list[str]:
    """Frictionless errors of the package in `folder` (empty when valid)."""
    from frictionless import Package  # imported here: about 0.5 s, needed only to publish

    report = Package(str(folder / DESCRIPTOR), basepath=str(folder)).validate()
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]


def publish(out_dir: Path, frames: dict[str, pd.DataFrame], package: schemas.Package) -> dict:
    """Build the package aside, validate it, then swap it in; on failure nothing changes."""
    staging = out_dir / ".publish-staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        written = write_package(staging, frames, package)
        errors = validate_package(staging)
        if errors:
            raise SourceError(
                str(staging / DESCRIPTOR),
                None,
                "a package that passes frictionless validation",
                "; ".join(errors[:5]),
            )
        old = out_dir / ".publish-previous"
        shutil.rmtree(old, ignore_errors=True)
        current = out_dir / CURATED
        if current.exists():
            current.rename(old)
        (staging / CURATED).rename(current)
        (staging / DESCRIPTOR).replace(out_dir / DESCRIPTOR)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
