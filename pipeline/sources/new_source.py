"""A new source document in raw/ (`python -m pipeline new-source FILE --id DOCUMENT_ID`): the
file copied byte for byte, and its manifest entry appended to raw/manifest.yaml as text, so that
what the manifest says in comments stays. The entry has every key the manifest requires: the
file's name and checksums, and "not stated" for what the file alone does not say (title,
publisher, rights, ...), each such key flagged for review; not redistributed until its rights
are established."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.schemas import NOT_STATED
from pipeline.sources import snapshot

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
REVIEW = "TODO: review (added by new-source)"
NOT_REDISTRIBUTED = "Not redistributed: the rights are not stated."


@dataclass(frozen=True)
class Added:
    entry: dict
    flagged: tuple[str, ...]  # the keys to review


def _entry(document_id: str, raw_path: str, name: str) -> tuple[dict, tuple[str, ...]]:
    """Every key the manifest requires, in its order: "not stated" (or not redistributed) for
    what a file alone does not say, those keys flagged."""
    known = {"document_id": document_id, "raw_path": raw_path, "original_file_name": name}
    entry: dict[str, object] = {}
    flagged = []
    for key, field in snapshot.ManifestEntry.model_fields.items():
        if key in known:
            entry[key] = known[key]
        elif field.is_required():
            entry[key] = False if field.annotation is bool else NOT_STATED
            flagged.append(key)
    # Not redistributed while its rights are not stated: the statement the release carries.
    entry["redistribution"] = NOT_REDISTRIBUTED
    return entry, tuple(flagged)


def refuse(raw_dir: Path, file: Path, document_id: str) -> None:
    """Refuse an id not in snake_case or already in the manifest, and a file already in raw/
    (the file's name) or no file at all."""
    manifest, target = snapshot.manifest_path(raw_dir), raw_dir / file.name
    if not SNAKE_CASE.fullmatch(document_id):
        raise SourceError(document_id, None, "a document id in snake_case ('ilo_news_2022')")
    if document_id in {entry["document_id"] for entry in snapshot.load_manifest(raw_dir)}:
        line = strict_yaml.line_of_value(manifest, "document_id", document_id)
        raise SourceError(str(manifest), line, "a document id not yet in the manifest", document_id)
    if target.exists() or target.is_symlink():
        raise SourceError(f"raw/{target.name}", None, "a file name not yet in raw/", target.name)
    if not file.is_file():
        raise SourceError(str(file), None, "a file to add")


def add(raw_dir: Path, file: Path, document_id: str) -> Added:
    """Copy `file` into raw/ and append its entry, with its sha256 and bytes, to the manifest."""
    refuse(raw_dir, file, document_id)
    target = raw_dir / file.name
    entry, flagged = _entry(document_id, f"raw/{file.name}", file.name)
    target.write_bytes(file.read_bytes())
    entry |= {"sha256": snapshot.sha256_of(target), "bytes": target.stat().st_size}
    try:
        snapshot.verify(raw_dir, [entry])  # read as every build reads it: size, UTF-8, ...
    except SourceError:
        target.unlink()
        raise
    manifest = snapshot.manifest_path(raw_dir)
    text = manifest.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    lines = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100).splitlines()
    for index, line in enumerate(lines):
        if line.lstrip("- ").split(":", 1)[0] in flagged:
            lines[index] = f"{line}  # {REVIEW}"
    text += "\n".join(lines) + "\n"
    strict_yaml.validate(snapshot.Manifest, yaml.safe_load(text), str(manifest))
    manifest.write_text(text, encoding="utf-8")
    return Added(entry, flagged)
