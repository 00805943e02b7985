"""Run the registry: the producers in dependency order, each table conformed to its schema and
checked by its checks, then the package published. `make build` runs it in memory; the Dagster
graph (pipeline/definitions.py) is generated from the same registry and calls the same
functions, step by step, for `make dev` and `make build-recorded`."""

from __future__ import annotations

import pandas as pd

from pipeline import checks, dictionary, journal, publish, schemas, snapshot
from pipeline.paths import Paths
from pipeline.registry import RAW, Check, CheckOutcome, Table, in_order, registered
from pipeline.snapshot import RawSnapshot


class CheckFailed(Exception):
    """A check with severity error failed: the build stops, nothing is published."""

    def __init__(self, table: str, check: Check, outcome: CheckOutcome):
        self.table, self.check, self.outcome = table, check, outcome
        super().__init__(f"check {check.name} failed: {outcome.description}")


def make(table: Table, inputs: dict[str, object]) -> pd.DataFrame:
    """The table from its inputs, conformed to its schema when it has one."""
    frame = table.produce(**{name: inputs[name] for name in table.inputs})
    if table.name in checks.declared_schemas():
        frame = schemas.load(table.name).conform(frame)
    return frame


def check_outcomes(name: str, frame: pd.DataFrame) -> list[tuple[Check, CheckOutcome]]:
    return [(check, check.evaluate(frame)) for check in checks.checks_of(name)]


def first_error(name: str, outcomes: list[tuple[Check, CheckOutcome]]) -> CheckFailed | None:
    for check, outcome in outcomes:
        if not outcome.passed and outcome.severity == "error":
            return CheckFailed(name, check, outcome)
    return None


def materialize(raw: RawSnapshot) -> dict[str, pd.DataFrame]:
    """Every registered table; the first check that fails with severity error raises."""
    values: dict[str, object] = {RAW: raw}
    tables = registered()
    for table in in_order(tables):
        frame = make(table, values)
        if failed := first_error(table.name, check_outcomes(table.name, frame)):
            raise failed
        values[table.name] = frame
    return {name: values[name] for name in tables}


def publish_package(paths: Paths, tables: dict[str, pd.DataFrame]) -> dict:
    """Write, validate and swap in the package; return its descriptor."""
    published = {name: tables[name] for name in checks.published()}
    return publish.publish(paths.out_dir, published, schemas.package())


def refresh_readme(paths: Paths, reconciliation: pd.DataFrame) -> bool:
    """Rewrite the known-discrepancies block of the README, if there is one; True if so."""
    readme = paths.readme
    if not readme.exists() or dictionary.KNOWN_START not in (text := readme.read_text("utf-8")):
        return False
    block = dictionary.known_discrepancies_markdown(reconciliation)
    # Written aside and renamed: a build killed here leaves the old README, not half of it.
    journal.replace_file(readme, dictionary.replace_block(text, block).encode("utf-8"))
    return True


def build(paths: Paths, raw: RawSnapshot | None = None) -> dict:
    """The whole build: snapshot (unless given, already verified), every table with its checks,
    the package, the README."""
    tables = materialize(raw if raw is not None else snapshot.take(paths.raw_dir))
    package = publish_package(paths, tables)
    refresh_readme(paths, tables["reconciliation"])
    return package
