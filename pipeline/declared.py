"""Strict loading of declarations: YAML read into pydantic models that forbid unknown keys.

Every declaration file (schemas/, pipeline/declarations/) is read through `load`, so a misspelt
key, a wrong type or a missing key stops the build at load time with one message naming the
file and the key path.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import SourceError

REPO_ROOT = Path(__file__).resolve().parent.parent


class Declared(BaseModel):
    """Base of every declaration model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)


def relative(path: Path) -> str:
    """A path as error messages print it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


# libyaml's parser when the machine has it: the pure-Python one costs a tenth of a second a build.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> object:
    """The parsed YAML of a file; parsed again only when the file changes."""
    if not path.exists():
        raise SourceError(relative(path), None, "a declaration file")
    status = path.stat()
    return _parse(path.resolve(), status.st_mtime_ns, status.st_size)


@cache
def _parse(path: Path, mtime_ns: int, size: int) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SourceError(
            relative(path), mark.line + 1 if mark else None, "valid YAML", str(error)
        ) from error


def once(values: Sequence[str], what: str) -> None:
    """For a model validator: each of `values` at most once (ids, names, scopes)."""
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"{what} listed more than once: {', '.join(repeated)}")


def validate(model: type[M], data: object, where: str) -> M:
    """`data` as a `model`; an error names `where` and the key path of the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # A misspelt key also leaves the right key missing: name the misspelling first.
        errors = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        problem = {"extra_forbidden": "an unknown key", "missing": "a missing key"}.get(
            first["type"], first["msg"]
        )
        raise SourceError(
            where, None, f"declarations that match the model (key {key!r})", problem
        ) from error


def load(model: type[M], path: Path) -> M:
    """A declaration file read into `model`."""
    return validate(model, read_yaml(path), relative(path))
