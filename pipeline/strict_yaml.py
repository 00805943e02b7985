"""Strict loading of declarations: YAML read into pydantic models that forbid unknown keys.

Every declaration file (schemas/, pipeline/declarations/) is read through `load`, so a misspelt
key, a wrong type or a missing key stops the build at load time with one message naming the
file and the key path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from pipeline.errors import SourceError
from pipeline.paths import REPO_ROOT


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


class StrictLoader(SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses a key given twice in one mapping (YAML itself would silently keep
    the last one, so a pasted block could override a declaration unnoticed)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_line: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key: SafeLoader refuses it as unhashable
            key = self.construct_object(key_node)
            if key in first_line:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} given twice in one mapping (first on line {first_line[key]})",
                    key_node.start_mark,
                )
            first_line.setdefault(key, key_node.start_mark.line + 1)
        return super().construct_mapping(node, deep)


def read_yaml(path: Path) -> object:
    """The parsed YAML of a file; parsed again only when the file changes."""
    if not path.exists():
        raise SourceError(relative(path), None, "a declaration file")
    status = path.stat()
    return _parse(path.resolve(), status.st_mtime_ns, status.st_size)


def _yaml_problem_line(error: yaml.YAMLError, data: bytes) -> int | None:
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        return mark.line + 1
    position = getattr(error, "position", None)  # a ReaderError (unprintable character)
    return None if position is None else data.decode("utf-8")[:position].count("\n") + 1


@cache
def _parse(path: Path, mtime_ns: int, size: int) -> object:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(
            relative(path),
            data.count(b"\n", 0, error.start) + 1,
            "UTF-8 text",
            f"byte 0x{data[error.start]:02x} at byte offset {error.start}",
        ) from None
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.YAMLError as error:
        line = _yaml_problem_line(error, data)
        # The problem alone: the line is in the message already.
        problem = getattr(error, "problem", None) or str(error)
        raise SourceError(relative(path), line, "valid YAML", problem) from error


def _compose(path: Path) -> yaml.Node | None:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def line_of(path: Path, loc: Sequence[object]) -> int | None:
    """1-based line of the key path `loc` (as pydantic reports it) in a YAML file: the line of
    its deepest part present, so a missing key points at the mapping that lacks it."""
    node = _compose(path)
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            entry = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if entry is None:
                break
            line, node = entry[0].start_mark.line + 1, entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def line_of_value(path: Path, key: str, value: str) -> int | None:
    """1-based line of the last `key: value` entry anywhere in a YAML file (for a repeated
    id, the repetition)."""
    found = None
    pending = [_compose(path)]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key and isinstance(v, yaml.ScalarNode) and v.value == value:
                    line = k.start_mark.line + 1
                    found = line if found is None else max(found, line)
                pending.append(v)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return found


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a regular expression ({error})") from error
    return value


# A declared regular expression: one that does not compile is refused at load time.
Regex = Annotated[str, AfterValidator(_compiles)]


def once(values: Sequence[str], what: str) -> None:
    """For a model validator: each of `values` at most once (ids, names, scopes)."""
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"{what} listed more than once: {', '.join(repeated)}")


def validate(model: type[M], data: object, where: str, source: Path | None = None) -> M:
    """`data` as a `model`; an error names `where` and the key path of the first problem, and
    its line when `data` was read from the YAML file `source`."""
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
        line = line_of(source, first["loc"]) if source is not None else None
        raise SourceError(
            where, line, f"declarations that match the model (key {key!r})", problem
        ) from error


def load(model: type[M], path: Path) -> M:
    """A declaration file read into `model`."""
    return validate(model, read_yaml(path), relative(path), source=path)
