"""What a check of a table concludes: passed or not, how grave a failure is, what it found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    severity: Literal["error", "warning"]
    description: str
    details: pd.DataFrame | None = None  # per-scope table shown with the check
