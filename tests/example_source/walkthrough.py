"""The walkthrough of docs/adding-a-source.md, run on the example source in a copy of the
repository's inputs: the commands a maintainer runs and the files they write, nothing else.

    copy = RepositoryCopy.of(tmp_path)          # raw/, the declarations and schemas/, copied
    add_example_source(copy)                     # new-source, then the declarations written
    copy.run("build", "--force")                 # the package, with the example source
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.paths import REPO_ROOT

EXAMPLE = Path(__file__).resolve().parent
DOCUMENT_ID = "seasonal_workers_note_2021"
RAW_FILE = EXAMPLE / f"{DOCUMENT_ID}.txt"
# The manifest's metadata the maintainer states in place of new-source's "not stated" (what the
# note itself says; the rest stays "not stated", as the manifest requires).
REVIEWED = {
    "title": "'Example briefing note: seasonal agricultural workers from Mexico and the Caribbean'",
    "kind": "briefing note (an invented example)",
    "format": "text",
}


@dataclass(frozen=True)
class RepositoryCopy:
    """raw/, pipeline/declarations/ and schemas/ copied into a folder, and an output folder."""

    root: Path

    @classmethod
    def of(cls, folder: Path) -> RepositoryCopy:
        copy = cls(folder)
        shutil.copytree(REPO_ROOT / "raw", copy.raw_dir)
        shutil.copytree(REPO_ROOT / "pipeline" / "declarations", copy.declarations_dir)
        shutil.copytree(REPO_ROOT / "schemas", copy.schemas_dir)
        copy.out_dir.mkdir()
        return copy

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def declarations_dir(self) -> Path:
        return self.root / "declarations"

    @property
    def schemas_dir(self) -> Path:
        return self.root / "schemas"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def run(self, *arguments: str) -> subprocess.CompletedProcess:
        """`python -m pipeline <arguments>` on this copy."""
        roots = {
            "CLM_RAW_DIR": self.raw_dir,
            "CLM_OUT_DIR": self.out_dir,
            "CLM_DECLARATIONS_DIR": self.declarations_dir,
            "CLM_SCHEMAS_DIR": self.schemas_dir,
        }
        return subprocess.run(
            [sys.executable, "-m", "pipeline", *arguments],
            cwd=self.root,
            env={**os.environ, **{k: str(v) for k, v in roots.items()}},
            capture_output=True,
            text=True,
            check=False,
        )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    if old not in text:
        raise ValueError(f"{path}: no {old!r} to replace")
    path.write_text(text.replace(old, new, 1), "utf-8")


def add_example_source(copy: RepositoryCopy) -> None:
    """The walkthrough's steps: each writes what docs/adding-a-source.md says to write."""
    # 1. The file into raw/, its manifest entry, its empty declarations folder.
    added = copy.run("new-source", str(RAW_FILE), "--id", DOCUMENT_ID)
    if added.returncode != 0:
        raise RuntimeError(added.stderr)
    # 2. What the manifest entry flags for review, stated where the note states it.
    manifest = copy.raw_dir / "manifest.yaml"
    entry_at = manifest.read_text("utf-8").index(f"document_id: {DOCUMENT_ID}")
    head, entry = manifest.read_text("utf-8")[:entry_at], manifest.read_text("utf-8")[entry_at:]
    for key, value in REVIEWED.items():
        lines = entry.split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}:"))
        lines[at] = f"  {key}: {value}"
        entry = "\n".join(lines)
    manifest.write_text(head + entry, "utf-8")
    # ... then the manifest in the form `make snapshot` writes (the review marks go).
    if (recorded := copy.run("snapshot")).returncode != 0:
        raise RuntimeError(recorded.stderr)
    # 3. The declarations (drafted by `python -m pipeline todo`, edited) into its folder.
    folder = copy.declarations_dir / "sources" / DOCUMENT_ID
    for declared in sorted((EXAMPLE / "declarations").glob("*.yaml")):
        shutil.copyfile(declared, folder / declared.name)
    # 4. The schema of its table, published.
    shutil.copyfile(
        EXAMPLE / "schemas" / "sawp_workers_by_country_of_origin.yaml",
        copy.schemas_dir / "sawp_workers_by_country_of_origin.yaml",
    )
    _replace(
        copy.schemas_dir / "_package.yaml",
        "  - resettlement_by_region\n",
        "  - resettlement_by_region\n  - sawp_workers_by_country_of_origin\n",
    )
    # 5. The table's caption holds no statistic: the rule for tables' headings applies to it.
    _replace(
        copy.declarations_dir / "number_coverage.yaml",
        "  documents: [working_paper_2020]\n  pattern: '^ ?Table",
        f"  documents: [working_paper_2020, {DOCUMENT_ID}]\n  pattern: '^ ?Table",
    )
    # 6. Its rule: the summary's share against the table's (a known discrepancy).
    rules = (EXAMPLE / "reconciliation.yaml").read_text("utf-8")
    with (copy.declarations_dir / "reconciliation.yaml").open("a", encoding="utf-8") as file:
        file.write("".join(line + "\n" for line in rules.splitlines() if not line.startswith("#")))
