"""Hedge words, their qualifiers and the band each allows (pipeline/declarations/hedges.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import field_validator

from pipeline import strict_yaml
from pipeline.paths import ROOTS

HEDGES = ROOTS.declarations_dir / "hedges.yaml"
Qualifier = Literal["exact", "approximately", "at most", "at least"]


class Hedge(strict_yaml.Declared):
    band: float
    sides: list[Literal["below", "above"]]
    words: list[str]


class Hedges(strict_yaml.Declared):
    qualifiers: dict[Qualifier, Hedge]

    @field_validator("qualifiers")
    @classmethod
    def _all_qualifiers(cls, value: dict[str, Hedge]) -> dict[str, Hedge]:
        missing = set(get_args(Qualifier)) - set(value)
        if missing:
            raise ValueError(f"qualifiers {sorted(missing)} are not declared")
        return value

    def qualifier_of(self, word: str | None) -> str | None:
        """The qualifier a hedge word gives ('Roughly' -> 'approximately'); None if unknown,
        'exact' for no word."""
        if not word:
            return "exact"
        word = " ".join(word.lower().split())  # "more\n than" as printed across a line
        return next((q for q, hedge in self.qualifiers.items() if word in hedge.words), None)

    def band(self, qualifier: Qualifier, expected: float, half_unit: float) -> tuple[float, float]:
        """(below, above): how far observed may fall below or above `expected`."""
        hedge = self.qualifiers[qualifier]
        # "exact" is the case band 0 on both sides: half a unit either way.
        width = max(hedge.band * abs(expected), half_unit)
        return (
            width if "below" in hedge.sides else 0.0,
            width if "above" in hedge.sides else 0.0,
        )


@cache
def load(path: Path = HEDGES) -> Hedges:
    return strict_yaml.load(Hedges, path)
