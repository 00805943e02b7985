"""pipeline/strict_yaml.py on its own: where an error in a declaration file is reported (file, line,
key path) and what it says. Written against the mutants `make mutation-code` found surviving:
each test pins a line number or a wording a small slip in the code would change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import model_validator

from pipeline import strict_yaml
from pipeline.errors import SourceError


class Item(strict_yaml.Declared):
    id: str
    size: int = 0


class Items(strict_yaml.Declared):
    items: list[Item]
    pattern: strict_yaml.Regex = "."

    @model_validator(mode="after")
    def _ids_once(self) -> Items:
        strict_yaml.once([item.id for item in self.items], "item ids")
        return self


def write(tmp_path: Path, text: str, name: str = "items.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        strict_yaml.load(Items, path)
    return caught.value


GOOD = "items:\n- id: a\n  size: 1\n- id: b\n  size: 2\n"


def test_a_good_file_loads():
    assert strict_yaml.validate(Items, {"items": [{"id": "a"}]}, "x").items[0].size == 0


def test_a_missing_file_is_named():
    error = load_error(Path("/nonexistent/items.yaml"))
    assert (error.path, error.line, error.expected) == (
        "/nonexistent/items.yaml",
        None,
        "a declaration file",
    )


def test_a_path_inside_the_repository_is_printed_relative_to_it():
    inside = strict_yaml.REPO_ROOT / "schemas" / "facts.yaml"
    assert strict_yaml.relative(inside) == os.path.join("schemas", "facts.yaml")
    assert strict_yaml.relative(Path("/elsewhere/x.yaml")) == "/elsewhere/x.yaml"


@pytest.mark.parametrize(
    ("text", "line", "found"),
    [
        # A syntax error: the line of the problem.
        ("items:\n- id: a\n  size: [1\n- id: b\n", 4, None),
        # An unprintable character: libyaml reports a byte position, turned into a line.
        ("items:\n- id: a\n- id: b\x07\n", 3, None),
        # A key twice in one mapping: the repetition's line, naming the first.
        (
            "items:\n- id: a\n  size: 1\n  size: 2\n",
            4,
            "key 'size' given twice in one mapping (first on line 3)",
        ),
        # A list as a key: no declaration has one (it cannot be hashed).
        ("items:\n- id: a\n  ? [1, 2]\n  : 3\n", 3, "found unhashable key"),
    ],
    ids=["syntax", "unprintable", "duplicate key", "list as a key"],
)
def test_invalid_yaml_names_its_line(tmp_path, text, line, found):
    error = load_error(write(tmp_path, text))
    assert (error.line, error.expected) == (line, "valid YAML"), str(error)
    if found is not None:
        assert error.found == found


def test_a_byte_that_is_not_utf8_names_line_and_offset(tmp_path):
    path = tmp_path / "items.yaml"
    path.write_bytes(b"items:\n- id: a\n- id: \xff\n")
    error = load_error(path)
    assert (error.line, error.expected, error.found) == (
        3,
        "UTF-8 text",
        "byte 0xff at byte offset 21",
    )


@pytest.mark.parametrize(
    ("text", "key", "line", "problem"),
    [
        ("items:\n- id: a\n- id: b\n  sise: 2\n", "items.1.sise", 4, "an unknown key"),
        ("items:\n- id: a\n- size: 2\n", "items.1.id", 3, "a missing key"),
        ("items:\n- id: a\n- id: b\n  size: big\n", "items.1.size", 4, None),
        ("items: {id: a}\n", "items", 1, None),  # a mapping where a list belongs
        ("items: []\npattern: '('\n", "pattern", 2, None),
    ],
    ids=["unknown key", "missing key", "wrong type", "not a list", "regex"],
)
def test_a_model_error_names_key_and_line(tmp_path, text, key, line, problem):
    error = load_error(write(tmp_path, text))
    assert error.expected == f"declarations that match the model (key {key!r})"
    assert error.line == line, str(error)
    if problem is not None:
        assert error.found == problem


def test_a_misspelt_key_is_reported_before_the_key_it_leaves_missing(tmp_path):
    error = load_error(write(tmp_path, "items:\n- di: a\n"))
    assert "key 'items.0.di'" in error.expected and error.found == "an unknown key"


def test_a_regex_that_does_not_compile_says_why(tmp_path):
    error = load_error(write(tmp_path, "items: []\npattern: '('\n"))
    assert error.found.startswith("Value error, not a regular expression ("), error.found


def test_an_id_listed_twice_is_named():
    with pytest.raises(SourceError) as caught:
        strict_yaml.validate(Items, {"items": [{"id": "b"}, {"id": "a"}, {"id": "b"}]}, "x.yaml")
    assert caught.value.found == "Value error, item ids listed more than once: b"
    assert caught.value.line is None  # no file was read


def test_once_names_every_repeated_value_once_in_order():
    strict_yaml.once(["a", "b"], "ids")
    with pytest.raises(ValueError, match=r"^ids listed more than once: a, c$"):
        strict_yaml.once(["c", "a", "c", "a", "b"], "ids")


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        ((), 1),
        (("items",), 1),
        (("items", 0), 2),
        (("items", 1), 4),
        (("items", 1, "size"), 5),
        (("items", 2), 1),  # past the end: the list's key
        (("items", 1, "colour"), 4),  # a missing key: the mapping that lacks it
        (("items", "x"), 1),  # a name where the list has indexes
        (("other",), 1),
    ],
)
def test_line_of_a_key_path(tmp_path, loc, line):
    assert strict_yaml.line_of(write(tmp_path, GOOD), loc) == line


def test_line_of_in_a_file_that_is_not_yaml_is_none(tmp_path):
    assert strict_yaml.line_of(write(tmp_path, "items: [\n"), ("items",)) is None


def test_line_of_value_finds_the_last_repetition_anywhere(tmp_path):
    text = "items:\n- id: a\n- id: b\n  nested:\n  - id: a\nother:\n  id: a\n"
    path = write(tmp_path, text)
    assert strict_yaml.line_of_value(path, "id", "a") == 7
    assert strict_yaml.line_of_value(path, "id", "b") == 3
    assert strict_yaml.line_of_value(path, "id", "z") is None
    assert strict_yaml.line_of_value(path, "nested", "a") is None  # a sequence is no value


def test_a_changed_file_is_read_again(tmp_path):
    path = write(tmp_path, GOOD)
    assert len(strict_yaml.load(Items, path).items) == 2
    path.write_text(GOOD + "- id: c\n", encoding="utf-8")
    assert len(strict_yaml.load(Items, path).items) == 3
