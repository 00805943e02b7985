"""Write the curated CSVs and `datapackage.json`, validate them, and swap them in atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import yaml

from pipeline import dictionary, schemas
from pipeline.errors import SourceError

PACKAGE_FILE = "_package.yaml"
CURATED = "curated"
DESCRIPTOR = "datapackage.json"
DICTIONARY = f"{CURATED}/README.md"
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"


def package_metadata(schema_dir: Path = schemas.SCHEMA_DIR) -> dict:
    return yaml.safe_load((schema_dir / PACKAGE_FILE).read_text(encoding="utf-8"))


def _cell(value: object, kind: str) -> str:
    if pd.isna(value):
        return ""
    if kind == "number":
        return f"{float(value):.15g}"  # 133.0 -> "133", 37.1 -> "37.1"
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def csv_bytes(frame: pd.DataFrame, resource: schemas.Resource) -> bytes:
    """UTF-8, LF, header row; integers as integers, empty cells for missing values."""
    text = pd.DataFrame(
        {f.name: [_cell(v, f.type) for v in frame[f.name]] for f in resource.fields},
        columns=resource.field_names,
    ).to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def descriptor(meta: dict, documents: pd.DataFrame, files: dict[str, bytes]) -> dict:
    resources = []
    for name, content in files.items():
        resource = schemas.load(name)
        resources.append(
            {
                "$schema": RESOURCE_PROFILE,
                "name": name,
                "type": "table",
                "path": f"{CURATED}/{name}.csv",
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
        "name": meta["name"],
        "title": meta["title"],
        "description": " ".join(meta["description"].split()),
        "version": meta["version"],
        "created": meta["created"],
        "homepage": meta["homepage"],
        "keywords": meta["keywords"],
        "licenses": meta["licenses"],
        "contributors": meta["contributors"],
        "sources": sources,
        "resources": resources,
    }


def write_package(target: Path, frames: dict[str, pd.DataFrame], meta: dict) -> dict:
    """Write the package into `target` (a fresh folder); return the descriptor."""
    (target / CURATED).mkdir(parents=True)
    files = {name: csv_bytes(frames[name], schemas.load(name)) for name in meta["resources"]}
    for name, content in files.items():
        (target / CURATED / f"{name}.csv").write_bytes(content)
    dictionary_bytes = dictionary.data_dictionary_markdown(meta, frames).encode("utf-8")
    (target / DICTIONARY).write_bytes(dictionary_bytes)
    package = descriptor(meta, frames["documents"], files)
    package["resources"].append(
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
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return package


def validate_package(folder: Path) -> list[str]:
    """Frictionless errors of the package in `folder` (empty when valid)."""
    from frictionless import Package  # imported here: about 0.5 s, needed only to publish

    report = Package(str(folder / DESCRIPTOR), basepath=str(folder)).validate()
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]


def _update_readme(readme: Path, reconciliation: pd.DataFrame) -> None:
    """Refresh the README's generated list of known discrepancies, if it has one."""
    if readme.exists() and dictionary.KNOWN_START in (text := readme.read_text("utf-8")):
        block = dictionary.known_discrepancies_markdown(reconciliation)
        readme.write_text(dictionary.replace_block(text, block), encoding="utf-8")


def publish(out_dir: Path, frames: dict[str, pd.DataFrame], meta: dict) -> dict:
    """Build the package aside, validate it, then swap it in; on failure nothing changes."""
    staging = out_dir / ".publish-staging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        package = write_package(staging, frames, meta)
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
        _update_readme(out_dir / "README.md", frames["reconciliation"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return package
