"""Mutation run: change every number of the working paper's printed tables and of the
resettlement paragraph by one digit, one at a time, and see what the pipeline does.

Each mutation must either be caught (a parse error, a schema check, or a reconciliation rule
stops the build, naming itself) or be published as a changed value. A mutation that changes
nothing in the output would be a silent loss: the run reports it and exits non-zero.

    python tests/mutation_run.py            # all tables, summary on stdout
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import reconcile, snapshot
from pipeline.errors import SourceError
from pipeline.extract import paper_tables
from pipeline.text import RawDocument
from tests import in_memory

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Outcome:
    line: int
    printed: str
    mutated: str
    result: str  # caught | published | silent
    by: str


def table_line_ranges(paper: RawDocument) -> dict[str, tuple[int, int]]:
    """From each caption to the line closing the table, and the resettlement paragraph."""
    ranges = {}
    for number, closing in ((1, r"^\*Source"), (2, r"^\*Source"), (3, r"^Source:")):
        caption, _ = paper_tables.find_caption(paper, number)
        start = caption if number != 3 else paper.find_line(r"^Year ", "", start=caption)
        # The closing line is the table's source citation, not part of the table.
        ranges[f"Table {number}"] = (start, paper.find_line(closing, "", start=start) - 1)
    paragraph = paper.find_line(r"From January \d{4} to June", "")
    ranges["resettlement paragraph"] = (paragraph, paragraph + 5)
    return ranges


def mutations(text: str):
    """(start, end, replacement) for each number: its last digit changed by one."""
    for match in re.finditer(r"\d[\d,.]*\d|\d", text):
        printed = match.group(0)
        last = max(i for i, c in enumerate(printed) if c.isdigit())
        digit = str((int(printed[last]) + 1) % 10)
        yield match.start(), match.end(), printed[:last] + digit + printed[last + 1 :]


def outcome_of(documents: dict[str, RawDocument], baseline: dict[str, pd.DataFrame]) -> tuple:
    try:
        tables = in_memory.extract(documents)
        in_memory.validate(tables)
        results = in_memory.run_rules(tables, documents)
    except SourceError as error:
        return "caught", f"parse: {error.expected[:60]}"
    except pa.errors.SchemaErrors as error:
        return "caught", f"schema: {error.schema.name}"
    except reconcile.RuleError as error:
        return "caught", f"rule: {str(error)[:60]}"
    failed = results[results["status"] == reconcile.STATUS_FAIL]
    if not failed.empty:
        return "caught", f"rule {failed['check_id'].iloc[0]}"
    changed = [name for name, frame in tables.items() if not frame.equals(baseline[name])]
    return ("published", ", ".join(changed)) if changed else ("silent", "")


def run(ranges: dict[str, tuple[int, int]] | None = None) -> list[Outcome]:
    documents = snapshot.verify(REPO / "raw")
    paper = documents[in_memory.PAPER]
    baseline = in_memory.extract(documents)
    outcomes = []
    for first, last in (ranges or table_line_ranges(paper)).values():
        for number in range(first, last + 1):
            line = paper.line(number)
            for start, end, replacement in mutations(line):
                lines = list(paper.lines)
                lines[number - 1] = line[:start] + replacement + line[end:]
                mutated = {
                    **documents,
                    in_memory.PAPER: RawDocument(paper.document_id, paper.path, "\n".join(lines)),
                }
                result, by = outcome_of(mutated, baseline)
                outcomes.append(Outcome(number, line[start:end], replacement, result, by))
    return outcomes


def run_facts() -> tuple[list[Outcome], int]:
    """Mutate the number of every fact (in digits) where it is printed; (outcomes, skipped)."""
    documents = snapshot.verify(REPO / "raw")
    baseline = in_memory.extract(documents)
    outcomes, skipped = [], 0
    for row in baseline["facts"].itertuples():
        doc = documents[row.document_id]
        printed = str(row.value_as_printed).split()[0].lstrip("$\\")
        line = doc.line(row.value_line)
        if not re.search(r"\d", printed) or line.count(printed) != 1:
            skipped += 1  # a number in words, or printed twice on its line
            continue
        start = line.index(printed)
        _, _, replacement = next(mutations(printed))
        lines = list(doc.lines)
        lines[row.value_line - 1] = line[:start] + replacement + line[start + len(printed) :]
        mutated = {
            **documents,
            row.document_id: RawDocument(doc.document_id, doc.path, "\n".join(lines)),
        }
        result, by = outcome_of(mutated, baseline)
        outcomes.append(Outcome(row.value_line, printed, replacement, result, by))
    return outcomes, skipped


def report(title: str, outcomes: list[Outcome]) -> int:
    counts = Counter(o.result for o in outcomes)
    print(
        f"{title}: {len(outcomes)} mutations: {counts['caught']} caught by a check, "
        f"{counts['published']} published as changed values, {counts['silent']} silent"
    )
    for kind, n in Counter(
        o.by.split(":")[0].split(" ")[0] for o in outcomes if o.result == "caught"
    ).most_common():
        print(f"  caught by {kind}: {n}")
    for rule, n in Counter(o.by for o in outcomes if o.by.startswith("rule ")).most_common():
        print(f"    {rule}: {n}")
    for o in outcomes:
        if o.result == "silent":
            print(f"  SILENT line {o.line}: {o.printed} -> {o.mutated}")
    return counts["silent"]


def main() -> int:
    silent = report("printed tables and resettlement paragraph", run())
    fact_outcomes, skipped = run_facts()
    silent += report("numbers of the prose facts", fact_outcomes)
    print(f"  ({skipped} facts skipped: stated in words, or printed twice on their line)")
    return 1 if silent else 0


if __name__ == "__main__":
    sys.exit(main())
