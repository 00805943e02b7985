"""What the site shows, read once from a package folder: the published tables (through
`package/read_back.py`, so any resource the descriptor lists), their rows as printed in the CSVs,
and the source documents named by the `documents` table."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import pandas as pd
import yaml

from pipeline.package import read_back

DOCUMENTS = "documents"
# How tables cite raw lines in a cell: "raw/file.txt:12-14; raw/other.csv:3,5-9".
CITATION = re.compile(r"(?P<path>[^\s;:]+):(?P<spans>\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)")


@dataclass(frozen=True)
class LineRange:
    document_id: str
    start: int
    end: int

    @property
    def anchor(self) -> str:
        """`L12`, or `L12-L14` for a range (the source page's script highlights it)."""
        return f"L{self.start}" if self.start == self.end else f"L{self.start}-L{self.end}"

    @property
    def label(self) -> str:
        return f"L{self.start}" if self.start == self.end else f"L{self.start}-{self.end}"


@dataclass(frozen=True)
class Document:
    """A raw source document: its row of `documents` and its text."""

    document_id: str
    raw_path: str  # the path in the repository, by which the tables cite its lines
    metadata: dict[str, str]
    text: str
    # False: the text is not redistributed, so this site shows only excerpts of it (the lines
    # its rows cite, with a line around them)
    whole: bool = True

    @cached_property
    def lines(self) -> list[str]:
        """1-based numbering as the pipeline counts (`text.split("\\n")`); a final newline
        does not open a line of its own."""
        lines = self.text.split("\n")
        return lines[:-1] if lines and lines[-1] == "" else lines

    @property
    def title(self) -> str:
        return self.metadata.get("title", self.document_id)


@dataclass(frozen=True)
class SiteData:
    package: read_back.PublishedPackage
    sources_root: Path  # the folder raw/manifest.yaml and the raw files are in
    # A release shows whole only the texts it may redistribute (`documents.redistributed`),
    # and of the others the lines its rows cite; the repository's own site shows every text.
    redistributable_only: bool = False
    # The excerpts the pages link to, as they link: each is written as a page of its own.
    linked_excerpts: set[LineRange] = field(default_factory=set)

    @cached_property
    def rows(self) -> dict[str, list[dict[str, str]]]:
        """Every table's rows as the CSV prints them (text shown as published)."""
        return {
            table.name: list(csv.DictReader(io.StringIO(self.package.csv_text(table))))
            for table in self.package.tables
        }

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table with its declared dtypes, for charts."""
        return {table.name: self.package.frame(table) for table in self.package.tables}

    @cached_property
    def raw_paths(self) -> dict[str, str]:
        """The repository path of every document, from raw/manifest.yaml (documents.csv gives
        a path only for the texts that are redistributed)."""
        manifest = self.sources_root / "raw" / "manifest.yaml"
        if not manifest.is_file():
            raise FileNotFoundError(f"no raw/manifest.yaml under {self.sources_root}")
        entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))["documents"]
        return {entry["document_id"]: entry["raw_path"] for entry in entries}

    def _text(self, raw_path: str) -> str:
        path = self.sources_root / PurePosixPath(raw_path)
        if not path.is_file():
            raise FileNotFoundError(
                f"raw/manifest.yaml names {raw_path}, which is not under {self.sources_root}"
            )
        return path.read_text(encoding="utf-8")

    @cached_property
    def documents(self) -> dict[str, Document]:
        documents = {}
        for row in self.rows.get(DOCUMENTS, []):
            raw_path = self.raw_paths[row["document_id"]]
            whole = not self.redistributable_only or row.get("redistributed") == "true"
            documents[row["document_id"]] = Document(
                row["document_id"], raw_path, row, self._text(raw_path), whole
            )
        return documents

    @cached_property
    def document_by_path(self) -> dict[str, str]:
        return {doc.raw_path: doc.document_id for doc in self.documents.values()}

    def row_lines(self, row: dict[str, str]) -> LineRange | None:
        """The raw lines a row was read from: line_start/line_end, or `line`."""
        document_id = row.get("document_id", "")
        start = row.get("line_start") or row.get("line")
        end = row.get("line_end") or start
        if document_id not in self.documents or not start or not end:
            return None
        return LineRange(document_id, int(start), int(end))

    def excerpted(self, lines: LineRange) -> bool:
        """Whether a link to `lines` goes to an excerpt (recorded, to be written with the
        site) rather than to the document's own page, which shows its whole text."""
        if self.documents[lines.document_id].whole:
            return False
        self.linked_excerpts.add(lines)
        return True

    def citations(self, text: str) -> list[LineRange] | None:
        """The line ranges of a cell citing raw files ("raw/x.txt:3-4; ..."), or None when
        the cell is not such a list of known files."""
        parts = [part.strip() for part in text.split(";")]
        ranges = []
        for part in parts:
            match = CITATION.fullmatch(part)
            if not match or match["path"] not in self.document_by_path:
                return None
            document_id = self.document_by_path[match["path"]]
            for span in match["spans"].split(","):
                start, _, end = span.partition("-")
                ranges.append(LineRange(document_id, int(start), int(end or start)))
        return ranges or None
