"""The `documents` table: the manifest entries of the verified raw files, with the origin of the
sources taken from a third party (the repository and commit, the licence, the definition), and
where each source can be had and on what terms (URL, publisher's site, rights, whether its raw
text is redistributed and why). What the manifest does not state is published as "not stated",
never guessed."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from pipeline.schemas import NOT_STATED

ORIGIN_FIELDS = ("taken_from", "licence", "definition")


def _taken_from_words(files: list[dict] | None) -> str:
    """'owner/name path at commit <sha> (note); ...' for each file the source came from."""
    words = []
    for taken in files or []:
        file = f"{taken['repository']} {taken['path']} at commit {taken['commit']}"
        words.append(f"{file} ({taken['note']})" if taken.get("note") else file)
    return "; ".join(words) or NOT_STATED


def documents_table(manifest: list[dict], document_ids: Collection[str]) -> pd.DataFrame:
    """One row per manifest entry whose file was verified, in manifest order."""
    rows = []
    for entry in manifest:
        if entry["document_id"] not in document_ids:
            continue
        row = {key: value for key, value in entry.items() if key not in ORIGIN_FIELDS}
        # A path in the published package resolves inside the release zip: a raw file that is
        # not redistributed has none (its URL and sha256 say where to get it and how to verify).
        row["raw_path"] = entry["raw_path"] if entry["redistributed"] else None
        row["taken_from"] = _taken_from_words(entry.get("taken_from"))
        row["licence"] = entry.get("licence") or NOT_STATED
        row["definition"] = entry.get("definition") or NOT_STATED
        rows.append(row)
    return pd.DataFrame(rows)
