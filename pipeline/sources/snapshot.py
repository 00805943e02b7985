"""Raw snapshots: the manifest of source documents, checksum verification and re-recording."""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from pydantic import Field, field_validator

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.sources.text import RawDocument

MANIFEST_NAME = "manifest.yaml"
MANIFEST_HEADER = (
    "# Snapshot manifest of the source documents. Metadata is written by hand; `sha256` and\n"
    "# `bytes` are recorded by `make snapshot` and verified before every build.\n"
)


class ManifestEntry(strict_yaml.Declared):
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
    # Where the document can be had and on what terms, as far as the document or its publisher
    # states it: "not stated" otherwise, never a guess. `redistributed` decides whether the raw
    # file travels in the release zip; `redistribution` says why (the rights that allow it, or
    # that they are not established), so the decision is reviewed with the metadata.
    url: str = Field(min_length=1)
    publisher_url: str = Field(min_length=1)
    rights: str = Field(min_length=1)
    redistributed: bool
    redistribution: str = Field(min_length=1)
    sha256: str | None = None
    bytes: int | None = None

    class TakenFrom(strict_yaml.Declared):
        """A file of a public Git repository a source was copied or extracted from."""

        repository: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")  # owner/name on GitHub
        path: str = Field(min_length=1)
        commit: str = Field(pattern=r"^[0-9a-f]{40}$")
        # What was taken from the file, or how it was checked.
        note: str | None = Field(default=None, exclude_if=lambda v: v is None)

    # The origin of a source taken from a third party (the statistical series). Absent means
    # the manifest does not state it (`documents` publishes "not stated"); left out of the dump
    # when absent, so `make snapshot` does not write them back as `null`.
    taken_from: list[TakenFrom] | None = Field(default=None, exclude_if=lambda v: v is None)
    licence: str | None = Field(default=None, exclude_if=lambda v: v is None)
    definition: str | None = Field(default=None, exclude_if=lambda v: v is None)


class Manifest(strict_yaml.Declared):
    documents: list[ManifestEntry] = Field(min_length=1)

    @field_validator("documents")
    @classmethod
    def _ids_once(cls, documents: list[ManifestEntry]) -> list[ManifestEntry]:
        strict_yaml.once([d.document_id for d in documents], "document ids")
        return documents


def manifest_path(raw_dir: Path) -> Path:
    return raw_dir / MANIFEST_NAME


def load_manifest(raw_dir: Path) -> list[dict]:
    path = manifest_path(raw_dir)
    if not path.exists():
        raise SourceError(str(path), None, "a snapshot manifest")
    manifest = strict_yaml.validate(Manifest, strict_yaml.read_yaml(path), str(path), source=path)
    return [entry.model_dump() for entry in manifest.documents]


# The largest source is under 100 kB; a file far larger is a mistake (a wrong file saved under a
# source's name, a binary), refused before it is read into memory.
MAX_RAW_BYTES = 4 * 1024 * 1024


def _file_of(raw_dir: Path, entry: dict, index: int) -> Path:
    """The file of a manifest entry: `raw_path` must be 'raw/<file name>' and the file, or what
    a link of that name points to, inside raw_dir; nothing else is ever read."""
    raw_path = entry["raw_path"]
    parts = PurePosixPath(raw_path).parts
    if len(parts) != 2 or parts[0] != "raw" or parts[1] in {".", ".."} or "\\" in raw_path:
        manifest = manifest_path(raw_dir)
        raise SourceError(
            str(manifest),
            strict_yaml.line_of(manifest, ("documents", index, "raw_path")),
            "a raw_path inside raw/ ('raw/<file name>')",
            raw_path,
        )
    path = raw_dir / parts[1]
    try:
        outside = path.is_symlink() and not path.resolve().is_relative_to(raw_dir.resolve())
    except OSError as error:  # a name the file system refuses (too long, ...)
        raise _unreadable(raw_path, error) from None
    if outside:
        raise SourceError(
            raw_path, None, "a file inside raw/ (a link may point only within raw/)", str(path)
        )
    return path


def _unreadable(raw_path: str, error: OSError) -> SourceError:
    return SourceError(raw_path, None, "a readable file", error.strerror)


def _read(raw_dir: Path, entry: dict, index: int) -> bytes:
    """The bytes of an entry's file: a regular, non-empty file within the size limit."""
    path, raw_path = _file_of(raw_dir, entry, index), entry["raw_path"]
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise SourceError(raw_path, None, "a regular file", "not a regular file")
        if status.st_size > MAX_RAW_BYTES:
            raise SourceError(
                raw_path,
                None,
                f"a file of at most {MAX_RAW_BYTES} bytes (the size limit of a raw file)",
                f"{status.st_size} bytes",
            )
        with path.open("rb") as file:
            data = file.read(MAX_RAW_BYTES + 1)  # the file may grow after stat
    except FileNotFoundError:
        raise SourceError(raw_path, None, "the raw file listed in the manifest") from None
    except OSError as error:
        raise _unreadable(raw_path, error) from None
    if not data:
        raise SourceError(raw_path, None, "a non-empty file", "0 bytes")
    if len(data) > MAX_RAW_BYTES:
        raise SourceError(
            raw_path, None, f"a file of at most {MAX_RAW_BYTES} bytes", "a file growing past it"
        )
    return data


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify(raw_dir: Path, entries: list[dict] | None = None) -> dict[str, RawDocument]:
    """Check every file against the manifest and return the documents by id. Each file is read
    once: the bytes hashed are the bytes parsed."""
    documents = {}
    for index, entry in enumerate(load_manifest(raw_dir) if entries is None else entries):
        data = _read(raw_dir, entry, index)
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry.get("sha256"):
            raise SourceError(
                entry["raw_path"],
                None,
                f"sha256 {entry.get('sha256')} as recorded in raw/{MANIFEST_NAME} "
                "(if the change is intended, run `make snapshot`)",
                digest,
            )
        documents[entry["document_id"]] = RawDocument.from_bytes(
            entry["document_id"], entry["raw_path"], data
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
    for index, entry in enumerate(entries):
        path = _file_of(raw_dir, entry, index)
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
