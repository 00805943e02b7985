"""The layout shows the flow: no import cycle among the pipeline's modules, no module imports
a module of a later layer, and the domain code imports nothing from the orchestration."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PIPELINE = REPO / "pipeline"
# The order of the homes: a module may import its own home and the homes before it. Earlier
# entries are foundations; the raw -> extracted -> harmonised -> reconciled -> published flow
# follows; then the orchestration that wires it, then the command line.
HOMES = [
    ("pipeline.paths", "pipeline.errors", "pipeline.outcome", "pipeline.strict_yaml"),
    ("pipeline.schemas", "pipeline.buildlock"),
    ("pipeline.sources",),
    ("pipeline.extract",),
    ("pipeline.harmonise",),
    ("pipeline.reconcile",),
    ("pipeline.package", "pipeline.stamp"),
    ("pipeline.site",),
    ("pipeline.package.release",),  # the release ships the site with the package
    ("pipeline.assets",),
    ("pipeline.definitions", "pipeline.graph"),
    ("pipeline.todo",),  # evaluates the graph
    ("pipeline.__main__",),
]
ORCHESTRATION = ("pipeline.assets", "pipeline.definitions", "pipeline.graph", "pipeline.todo")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The pipeline modules a module imports (`from pipeline.x import y` names y when y is a
    module of its own)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipeline")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return found


MODULES = {module_name(p): p for p in PIPELINE.rglob("*.py")}


def home_rank(module: str) -> int:
    ranks = [
        rank
        for rank, homes in enumerate(HOMES)
        for home in homes
        if module == home or module.startswith(home + ".")
    ]
    assert ranks, f"{module} has no place in HOMES"
    return max(ranks)


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path) - {name} for name, path in MODULES.items() if name != "pipeline"}


def test_every_module_has_a_home():
    for name in graph():
        home_rank(name)


def test_no_module_imports_a_later_home():
    upward = [
        f"{name} -> {imported}"
        for name, imported_set in graph().items()
        for imported in imported_set
        if imported != "pipeline" and home_rank(imported) > home_rank(name)
    ]
    assert upward == []


def test_the_domain_code_imports_nothing_of_the_orchestration():
    for name, imported in graph().items():
        if not name.startswith((*ORCHESTRATION, "pipeline.__main__")):
            assert not {i for i in imported if i.startswith(ORCHESTRATION)}, name


def cycle_in(edges: dict[str, set[str]]) -> list[str]:
    """An import cycle of `edges`, or []. A package's __init__ importing its own submodules is
    not a cycle of the layout."""
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for imported in sorted(edges.get(name, ())):
            inside = name.startswith(imported + ".") or imported not in edges
            if not inside and (found := visit(imported, (*path, name))):
                return found
        done.add(name)
        return []

    return next((found for name in sorted(edges) if (found := visit(name, ()))), [])


def test_there_is_no_import_cycle():
    assert cycle_in(graph()) == []


def test_the_checker_finds_an_upward_import_and_a_cycle(tmp_path):
    assert home_rank("pipeline.extract.facts") < home_rank("pipeline.reconcile.engine")
    module = tmp_path / "m.py"
    module.write_text("from pipeline.reconcile import engine\nimport pipeline.graph\n")
    assert imports_of(module) == {"pipeline.reconcile.engine", "pipeline.graph"}
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
