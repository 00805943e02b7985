"""Mutation run: change every number printed on a line that some table row was read from, by
one digit, one at a time, and see what the pipeline does.

The lines come from the provenance columns of every table of the asset graph (document_id,
line_start/line_end or line): a new table is covered as soon as it is an asset. Each mutation
must either be caught (a parse error or a failing check stops the build, naming itself) or be
published as a changed value. A mutation of a number that a row publishes (one of its numbers,
or inside its quote) that changes nothing would be a silent loss: the run reports it and exits
non-zero. A number on such a line that no row publishes (a footnote marker, a year in another
sentence) is reported as unaccounted: accounting for every number is the number-coverage
check's job.

    python tests/mutation_run.py            # every table, summary on stdout
    python tests/mutation_run.py facts      # only the lines the `facts` rows were read from
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from dagster import AssetKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import graph, schemas
from pipeline.assets.checks import CheckFailed
from pipeline.definitions import defs
from pipeline.errors import SourceError
from pipeline.reconcile import RuleError
from pipeline.reconcile.coverage.claims import claimed  # the number-coverage step's test, shared
from pipeline.sources import snapshot
from pipeline.sources.snapshot import RawSnapshot
from pipeline.sources.text import RawDocument

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Outcome:
    document_id: str
    line: int
    printed: str
    mutated: str
    result: str  # caught | published | silent | unaccounted
    by: str


Rows = dict[tuple[str, int], list[dict]]


def source_lines(tables: dict[str, pd.DataFrame]) -> dict[str, Rows]:
    """Per table that reads the raw text (the raw snapshot is an input; not a reconciled table,
    which points at other tables' lines), the rows read from each (document_id, line)."""
    lines: dict[str, Rows] = {}
    asset_graph = defs.resolve_asset_graph()
    extracted = {
        key.to_user_string()
        for key in asset_graph.get_all_asset_keys()
        if AssetKey(graph.RAW) in asset_graph.get(key).parent_keys
        and asset_graph.get(key).group_name != "reconciled"
    }
    for name, frame in tables.items():
        if name not in extracted or ("line_start" not in frame and "line" not in frame):
            continue
        first, last = schemas.line_columns(frame)
        lines[name] = {}
        for row in frame.to_dict("records"):
            for number in range(int(row[first]), int(row[last]) + 1):
                lines[name].setdefault((row["document_id"], number), []).append(row)
    return lines


def mutations(text: str):
    """(start, end, replacement) for each number: its last digit changed by one."""
    for match in re.finditer(r"\d[\d,.]*\d|\d", text):
        printed = match.group(0)
        last = max(i for i, c in enumerate(printed) if c.isdigit())
        digit = str((int(printed[last]) + 1) % 10)
        yield match.start(), match.end(), printed[:last] + digit + printed[last + 1 :]


def outcome_of(raw: RawSnapshot, baseline: dict[str, pd.DataFrame]) -> tuple[str, str]:
    try:
        tables = graph.materialize(raw)
    except SourceError as error:
        return "caught", f"parse: {error.expected[:60]}"
    except RuleError as error:
        return "caught", f"rule: {str(error)[:60]}"
    except CheckFailed as error:
        return "caught", f"check {error.check.name}"
    changed = [name for name, frame in tables.items() if not frame.equals(baseline[name])]
    return ("published", ", ".join(changed)) if changed else ("silent", "")


def with_line(raw: RawSnapshot, document_id: str, number: int, text: str) -> RawSnapshot:
    doc = raw.documents[document_id]
    lines = list(doc.lines)
    lines[number - 1] = text
    edited = RawDocument(doc.document_id, doc.path, "\n".join(lines))
    return RawSnapshot({**raw.documents, document_id: edited}, raw.manifest)


def run(only: set[str] | None = None) -> dict[str, list[Outcome]]:
    """Outcomes per table (a line shared by two tables is mutated once, for the first)."""
    raw = snapshot.take(REPO / "raw")
    baseline = graph.materialize(raw)
    done: set[tuple[str, int]] = set()
    outcomes: dict[str, list[Outcome]] = {}
    for name, lines in source_lines(baseline).items():
        if only and name not in only:
            continue
        outcomes[name] = []
        for document_id, number in sorted(lines.keys() - done):
            done.add((document_id, number))
            line = raw.documents[document_id].line(number)
            for start, end, replacement in mutations(line):
                edited = line[:start] + replacement + line[end:]
                result, by = outcome_of(with_line(raw, document_id, number, edited), baseline)
                if result == "silent" and not claimed(lines[document_id, number], line, start, end):
                    result = "unaccounted"  # no row publishes this number (number coverage)
                outcomes[name].append(
                    Outcome(document_id, number, line[start:end], replacement, result, by)
                )
    return outcomes


def report(title: str, outcomes: list[Outcome]) -> int:
    counts = Counter(o.result for o in outcomes)
    print(
        f"{title}: {len(outcomes)} mutations: {counts['caught']} caught by a check, "
        f"{counts['published']} published as changed values, {counts['silent']} silent, "
        f"{counts['unaccounted']} unaccounted (a number on the line that no row publishes)"
    )
    for by, n in Counter(o.by for o in outcomes if o.result == "caught").most_common():
        print(f"  caught by {by}: {n}")
    for o in outcomes:
        if o.result in ("silent", "unaccounted"):
            print(f"  {o.result.upper()} {o.document_id}:{o.line}: {o.printed} -> {o.mutated}")
    return counts["silent"]


def main(argv: list[str]) -> int:
    outcomes = run(set(argv) or None)
    silent = sum(report(name, found) for name, found in outcomes.items())
    return 1 if silent else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
