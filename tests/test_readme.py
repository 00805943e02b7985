"""The README's loading examples run as written, from the package folder."""

from __future__ import annotations

import os
import re

import pytest

from tests.conftest import REPO

# The loading examples are the top-level python blocks (the ones inside list items show code).
EXAMPLES = re.findall(
    r"^```python\n(.*?)^```", (REPO / "README.md").read_text("utf-8"), re.S | re.M
)


@pytest.mark.parametrize("code", EXAMPLES, ids=[c.splitlines()[0] for c in EXAMPLES])
def test_loading_example_runs(code, monkeypatch):
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    frames = [v for v in namespace.values() if type(v).__name__ == "DataFrame"]
    assert frames and all(len(frame) > 0 for frame in frames)


def test_three_loaders_are_shown():
    assert len(EXAMPLES) == 3
    imported = {w for code in EXAMPLES for w in re.findall(r"(?:from|import) (\w+)", code)}
    assert {"frictionless", "pandas", "duckdb"} <= imported
    assert os.path.exists(REPO / "datapackage.json")
