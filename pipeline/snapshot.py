"""Raw snapshots: the manifest of source documents, checksum verification and re-recording."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import Field, field_validator

from pipeline import declared
from pipeline.errors import SourceError
from pipeline.text import RawDocument

MANIFEST_NAME = "manifest.yaml"
MANIFEST_HEADER = (
    "# Snapshot manifest of the source documents. Metadata is written by hand; `sha256` and\n"
    "# `bytes` are recorded by `make snapshot` and verified before every build.\n"
)


class ManifestEntry(declared.Declared):
    """One source document of raw/manifest.yaml. Metadata is written by hand; sha256 and bytes
    are recorded by `make snapshot` (absent until then: the build then refuses the file)."""

    document_id: str = Field(pattern=r"^[a-z0-9_]+$")
    raw_path: str
    original_file_name: str
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    published: str
    kind: str = Field(min_length=1)
    format: str = Field(min_length=1)
    sha256: str | None = None
    bytes: int | None = None


class Manifest(declared.Declared):
    documents: list[ManifestEntry] = Field(min_length=1)

    @field_validator("documents")
    @classmethod
    def _ids_once(cls, documents: list[ManifestEntry]) -> list[ManifestEntry]:
        declared.once([d.document_id for d in documents], "document ids")
        return documents


def manifest_path(raw_dir: Path) -> Path:
    return raw_dir / MANIFEST_NAME


def load_manifest(raw_dir: Path) -> list[dict]:
    path = manifest_path(raw_dir)
    if not path.exists():
        raise SourceError(str(path), None, "a snapshot manifest")
    manifest = declared.validate(Manifest, declared.read_yaml(path), str(path))
    return [entry.model_dump() for entry in manifest.documents]


def _file_of(raw_dir: Path, entry: dict) -> Path:
    # raw_path is relative to the repository; the file itself lives in raw_dir.
    return raw_dir / Path(entry["raw_path"]).name


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify(raw_dir: Path, entries: list[dict] | None = None) -> dict[str, RawDocument]:
    """Check every file against the manifest and return the documents by id."""
    documents = {}
    for entry in load_manifest(raw_dir) if entries is None else entries:
        path = _file_of(raw_dir, entry)
        if not path.exists():
            raise SourceError(entry["raw_path"], None, "the raw file listed in the manifest")
        digest = sha256_of(path)
        if digest != entry.get("sha256"):
            raise SourceError(
                entry["raw_path"],
                None,
                f"sha256 {entry.get('sha256')} as recorded in raw/{MANIFEST_NAME} "
                "(if the change is intended, run `make snapshot`)",
                digest,
            )
        documents[entry["document_id"]] = RawDocument(
            entry["document_id"], entry["raw_path"], path.read_bytes().decode("utf-8")
        )
    return documents


@dataclass(frozen=True)
class RawSnapshot:
    """The verified raw documents by id, with the manifest entries that describe them."""

    documents: dict[str, RawDocument]
    manifest: list[dict]

    @property
    def paths(self) -> dict[str, str]:
        """Raw file of each document, for error messages and provenance."""
        return paths_of(self.documents)


def take(raw_dir: Path) -> RawSnapshot:
    """Verify raw/ against its manifest and return the snapshot the build reads."""
    entries = load_manifest(raw_dir)
    return RawSnapshot(verify(raw_dir, entries), entries)


def record(raw_dir: Path) -> list[str]:
    """Re-record sha256 and bytes of every raw file; return the ids whose checksum changed."""
    entries = load_manifest(raw_dir)
    changed = []
    for entry in entries:
        path = _file_of(raw_dir, entry)
        digest = sha256_of(path)
        if digest != entry.get("sha256"):
            changed.append(entry["raw_path"])
        entry["sha256"] = digest
        entry["bytes"] = path.stat().st_size
    body = yaml.safe_dump({"documents": entries}, sort_keys=False, allow_unicode=True, width=100)
    manifest_path(raw_dir).write_text(MANIFEST_HEADER + body, encoding="utf-8")
    return changed


def paths_of(documents: dict[str, RawDocument]) -> dict[str, str]:
    """Raw file of each document, for error messages."""
    return {document_id: doc.path for document_id, doc in documents.items()}
