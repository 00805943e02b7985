import pytest

from pipeline.errors import SourceError
from pipeline.text import RawDocument

DOC = RawDocument(
    "d",
    "raw/d.txt",
    "First line with\nwell-\nmanaged flows of 1,234 people. Next\n\nsentence has 1,234 too.",
)


def test_flat_text_joins_lines_and_hyphenation():
    assert "with well-managed flows" in DOC.flat_text


def test_find_unique_returns_sentence_and_lines():
    match = DOC.find_unique(r"flows of (?P<value>[\d,]+) people", "loc")
    assert match.groups["value"] == "1,234"
    assert match.quote == "First line with well-managed flows of 1,234 people."
    assert (match.line_start, match.line_end) == (1, 3)
    assert match.group_lines["value"] == 3


def test_find_unique_fails_on_no_match_and_on_two_matches():
    with pytest.raises(SourceError, match=r"locator 'none'.*0 matches"):
        DOC.find_unique(r"absent (?P<value>\d+)", "none")
    with pytest.raises(SourceError, match=r"locator 'twice'.*2 matches at lines 3, 5"):
        DOC.find_unique(r"(?P<value>1,234)", "twice")
