"""The table registry: every table the pipeline makes, declared once with its producer.

An entry is a pure function decorated with `@table(layer, description)`: its name is the
table's name, its parameters name its inputs (other tables, or `raw_documents`), and it returns
one DataFrame. A table with a schema, `schemas/<name>.yaml`, is conformed to it and checked
against it in its own step; listed in schemas/_package.yaml, it is also published. The Dagster
assets (pipeline/definitions.py) and the in-memory runner (pipeline/runner.py) are both
generated from this registry.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import pandas as pd

Layer = Literal["extracted", "harmonised", "reconciled"]
LAYERS: tuple[str, ...] = ("raw", "extracted", "harmonised", "reconciled", "published")
RAW = "raw_documents"  # the root input: the verified snapshot of raw/


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    severity: Literal["error", "warning"]
    description: str
    details: pd.DataFrame | None = None  # per-scope table shown with the check


@dataclass(frozen=True)
class Check:
    """A check of one table, run in the step that makes the table."""

    name: str
    description: str
    evaluate: Callable[[pd.DataFrame], CheckOutcome]


@dataclass(frozen=True)
class Table:
    name: str
    layer: Layer
    description: str
    produce: Callable[..., pd.DataFrame]

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        """The parameters' names; a `**tables` parameter reads every table of the layers
        before this one (a table that accounts for all the others, such as number coverage,
        needs no edit when a table is added)."""
        parameters = inspect.signature(self.produce).parameters.values()
        named = tuple(p.name for p in parameters if p.kind != p.VAR_KEYWORD)
        if all(p.kind != p.VAR_KEYWORD for p in parameters):
            return named
        mine = LAYERS.index(self.layer)
        earlier = (n for n, t in REGISTRY.items() if LAYERS.index(t.layer) < mine)
        return named + tuple(n for n in earlier if n not in named)


REGISTRY: dict[str, Table] = {}


def table(layer: Layer, description: str) -> Callable[[Callable], Callable]:
    """Register the decorated producer as the table of the same name."""

    def register(produce: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        name = produce.__name__
        if name in REGISTRY:
            raise ValueError(f"table {name!r} is registered twice")
        REGISTRY[name] = Table(name, layer, " ".join(description.split()), produce)
        return produce

    return register


def in_order(tables: dict[str, Table]) -> list[Table]:
    """The tables in an order where every input comes before the tables that read it."""
    done: set[str] = {RAW}
    ordered: list[Table] = []
    pending = dict(tables)
    while pending:
        ready = [t for t in pending.values() if set(t.inputs) <= done]
        if not ready:
            missing = {n: sorted(set(t.inputs) - done - set(pending)) for n, t in pending.items()}
            raise ValueError(f"tables with inputs nothing produces, or a cycle: {missing}")
        for t in ready:
            ordered.append(t)
            done.add(t.name)
            del pending[t.name]
    return ordered


def registered() -> dict[str, Table]:
    """The registry with every entry of pipeline/tables.py loaded."""
    import pipeline.tables  # noqa: F401  (its decorators fill REGISTRY)

    return REGISTRY
