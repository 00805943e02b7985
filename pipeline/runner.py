"""Run the registry in memory, without Dagster: the same producers, conforming and checks as
the Dagster graph, in dependency order. Tests and the mutation run use it."""

from __future__ import annotations

import pandas as pd

from pipeline import checks, schemas
from pipeline.registry import RAW, Check, CheckOutcome, Table, in_order, registered
from pipeline.snapshot import RawSnapshot


class CheckFailed(Exception):
    """A check with severity error failed: the build stops, nothing is published."""

    def __init__(self, table: str, check: Check, outcome: CheckOutcome):
        self.table, self.check, self.outcome = table, check, outcome
        super().__init__(f"check {check.name} failed: {outcome.description}")


def make(table: Table, inputs: dict[str, object]) -> pd.DataFrame:
    """The table from its inputs, conformed to its schema when it is published."""
    frame = table.produce(**{name: inputs[name] for name in table.inputs})
    if table.name in checks.published():
        frame = schemas.conform(frame, schemas.load(table.name))
    return frame


def failed_checks(name: str, frame: pd.DataFrame) -> list[tuple[Check, CheckOutcome]]:
    """Every check of the table that did not pass (errors and warnings)."""
    outcomes = [(check, check.evaluate(frame)) for check in checks.checks_of(name)]
    return [(check, outcome) for check, outcome in outcomes if not outcome.passed]


def materialize(raw: RawSnapshot) -> dict[str, pd.DataFrame]:
    """Every registered table; the first check that fails with severity error raises."""
    values: dict[str, object] = {RAW: raw}
    tables = registered()
    for table in in_order(tables):
        frame = make(table, values)
        for check, outcome in failed_checks(table.name, frame):
            if outcome.severity == "error":
                raise CheckFailed(table.name, check, outcome)
        values[table.name] = frame
    return {name: values[name] for name in tables}
