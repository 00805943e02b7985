"""uv.lock installs from wheels on every supported Python: each package a build needs (the
project's dependencies and its dev group, following markers and extras) has a wheel for Linux
x86-64 on CPython 3.11, 3.12 and 3.13, so `make build PYTHON=python3.1x` never compiles."""

from __future__ import annotations

import copy
import tomllib

import pytest
from packaging.markers import Marker
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from tests.conftest import REPO

SUPPORTED = [(3, 11), (3, 12), (3, 13)]
PLATFORMS = [
    *(f"manylinux_2_{minor}_x86_64" for minor in range(40, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
    "linux_x86_64",
]


def _environment(version: tuple[int, int]) -> dict[str, str]:
    dotted = f"{version[0]}.{version[1]}"
    return {
        "python_version": dotted,
        "python_full_version": f"{dotted}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
        "extra": "",
    }


def _needed(lock: dict, environment: dict[str, str]) -> set[str]:
    """Names of the packages installed on `environment`: from the project, along every edge
    whose marker holds, with the extras the edges ask for."""
    packages = {package["name"]: package for package in lock["package"]}
    root = next(p for p in lock["package"] if "editable" in p["source"])
    edges = list(root.get("dependencies", []))
    for group in root.get("dev-dependencies", {}).values():
        edges += group
    needed: set[str] = set()
    while edges:
        edge = edges.pop()
        if "marker" in edge and not Marker(edge["marker"]).evaluate(environment):
            continue
        package = packages[edge["name"]]
        new_extras = [e for e in edge.get("extra", []) if (edge["name"], e) not in needed]
        if edge["name"] in needed and not new_extras:
            continue
        if edge["name"] not in needed:
            needed.add(edge["name"])
            edges += package.get("dependencies", [])
        for extra in new_extras:
            needed.add((edge["name"], extra))  # type: ignore[arg-type]
            edges += package.get("optional-dependencies", {}).get(extra, [])
    return {name for name in needed if isinstance(name, str)}


def _tags(version: tuple[int, int]) -> set[Tag]:
    return {
        *cpython_tags(version, platforms=PLATFORMS),
        *compatible_tags(version, platforms=PLATFORMS),
    }


def missing_wheels(lock: dict, versions: list[tuple[int, int]]) -> list[str]:
    """'name version on 3.x' for each needed package without a wheel for that Python."""
    packages = {package["name"]: package for package in lock["package"]}
    missing = []
    for version in versions:
        tags = _tags(version)
        for name in sorted(_needed(lock, _environment(version))):
            wheels = packages[name].get("wheels", [])
            files = [w["url"].rsplit("/", 1)[-1] for w in wheels]
            if not any(parse_wheel_filename(f)[3] & tags for f in files):
                missing.append(f"{name} {packages[name]['version']} on {version[0]}.{version[1]}")
    return missing


@pytest.fixture(scope="module")
def lock() -> dict:
    return tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))


def test_lock_covers_the_supported_pythons(lock: dict):
    assert lock["requires-python"] == ">=3.11, <3.14"


def test_every_needed_package_has_a_wheel_on_each_supported_python(lock: dict):
    assert missing_wheels(lock, SUPPORTED) == []


def test_a_package_without_a_wheel_for_one_python_is_reported(lock: dict):
    broken = copy.deepcopy(lock)
    pandas = next(p for p in broken["package"] if p["name"] == "pandas")
    pandas["wheels"] = [w for w in pandas["wheels"] if "cp313" not in w["url"]]
    assert missing_wheels(broken, SUPPORTED) == [f"pandas {pandas['version']} on 3.13"]


def test_a_package_needed_only_under_a_marker_is_checked_only_there(lock: dict):
    needed = {version: _needed(lock, _environment(version)) for version in SUPPORTED}
    assert "typing-extensions" in needed[(3, 11)]
    assert "colorama" not in needed[(3, 11)]  # sys_platform == 'win32' only
