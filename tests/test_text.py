import pytest

from pipeline.errors import SourceError
from pipeline.sources.text import RawDocument

DOC = RawDocument(
    "d",
    "raw/d.txt",
    "First line with\nwell-\nmanaged flows of 1,234 people. Next\n\nsentence has 1,234 too.",
)


def test_flat_text_joins_lines_and_hyphenation():
    assert "with well-managed flows" in DOC.flat_text


def test_offsets_map_back_to_their_lines():
    assert [
        DOC.line_at(DOC.flat_text.index(word)) for word in ("First", "managed", "sentence")
    ] == [
        1,
        3,
        5,
    ]


def test_sentence_span_is_the_sentence_around_a_passage():
    start = DOC.flat_text.index("flows")
    begin, end = DOC.sentence_span(start, start + len("flows of 1,234 people"))
    assert DOC.flat_text[begin:end] == "First line with well-managed flows of 1,234 people."


def sentence_of(document: RawDocument, passage: str) -> str:
    start = document.flat_text.index(passage)
    begin, end = document.sentence_span(start, start + len(passage))
    return document.flat_text[begin:end]


def test_fig_dot_ends_no_sentence():
    doc = RawDocument("d", "raw/d.txt", "Some 12 were denied (See “Fig. 1”). Then more.")
    assert sentence_of(doc, "12 were") == "Some 12 were denied (See “Fig. 1”)."


def test_a_page_abbreviation_ends_no_sentence_but_a_word_ending_in_p_does():
    doc = RawDocument("d", "raw/d.txt", "As cited (2015, p. 46). A group. 3 more.")
    assert sentence_of(doc, "cited") == "As cited (2015, p. 46)."
    assert sentence_of(doc, "group") == "A group."


def test_hidden_lines_leave_the_flat_text_and_keep_the_other_lines_numbers():
    doc = RawDocument(
        "d",
        "raw/d.txt",
        "UNHCR projects 1.4 million asylum\n\nMENA\n60%SS Africa\n seekers in all.",
    )
    hidden = doc.hiding(frozenset({3, 4}))
    assert sentence_of(hidden, "1.4 million") == "UNHCR projects 1.4 million asylum seekers in all."
    assert hidden.line_at(hidden.flat_text.index("seekers")) == 5
    assert hidden.offset_of(5, 2) == hidden.flat_text.index("seekers")
    assert "MENA" in doc.flat_text and "MENA" not in hidden.flat_text


# --- headings end a block: they are no part of the sentence below them ------------------------


def test_a_markdown_heading_is_not_part_of_the_sentence_below_it():
    doc = RawDocument(
        "d", "raw/d.txt", "# Co-development\n\n\n“Migration is a means of co-development.”\n"
    )
    assert sentence_of(doc, "Migration is") == "“Migration is a means of co-development.”"
    assert sentence_of(doc, "Co-development") == "# Co-development"


def test_a_title_line_is_not_part_of_the_sentence_below_it():
    doc = RawDocument(
        "d",
        "raw/d.txt",
        "Before.\n\nA long-lasting partnership\nThese projects began in 2021 and ended.\n",
    )
    assert sentence_of(doc, "began in") == "These projects began in 2021 and ended."


@pytest.mark.parametrize(
    "text",
    [
        # The sentence goes on below a short first line: the next line is not capitalised.
        "Before.\n\nEstablished in the\nyear the process began, it grew.\n",
        # A first line ending in punctuation is no title.
        "Before.\n\nIn the end, however,\nThe process grew in the year it began.\n",
        # A long first line is a sentence's, not a title's, even before a capital.
        "Before.\n\nThe agreement between the two parties was signed by the\nUnited States in "
        "the year it began.\n",
    ],
)
def test_a_sentence_whose_first_line_is_short_is_not_cut_as_a_title(text):
    doc = RawDocument("d", "raw/d.txt", text)
    assert sentence_of(doc, "in the year").startswith(text.split("\n")[2].strip())


def test_legend_bullets_and_slide_field_labels_open_a_block():
    legend = RawDocument(
        "d", "raw/d.txt", "**Legend:** ● **A** funded projects.\n\n● **B** programs.\n"
    )
    assert sentence_of(legend, "funded") == "**Legend:** ● **A** funded projects."
    slide = RawDocument("d", "raw/d.txt", "*Partners:* A, B, C\n\n*Missions :* D and E\n")
    assert sentence_of(slide, "A, B") == "*Partners:* A, B, C"


@pytest.mark.parametrize("line", [2, 9])
def test_an_offset_of_a_line_not_in_the_flattened_text_is_refused(line):
    document = RawDocument("d", "raw/d.txt", "a\n\nb\n")  # a blank line is not flattened
    assert document.offset_of(3, 1) == 2
    with pytest.raises(ValueError, match=rf"^line {line} is not in the flattened text$"):
        document.offset_of(line, 1)


def test_the_line_before_hidden_lines_decides_whether_a_line_follows_a_blank():
    """Hidden lines (a footnote inside a sentence) are passed over, one by one, back to the
    nearest shown line: here text, not the blank line above it."""
    document = RawDocument("d", "raw/d.txt", "\nsome text\nHIDDEN\nMORE HIDDEN\nCapital line\n")
    view = document.hiding(frozenset({3, 4}))
    assert sentence_of(view, "Capital") == "some text Capital line"
    # Back to line 1, blank: the capitalised line opens a block of its own.
    assert sentence_of(view.hiding(frozenset({2})), "Capital") == "Capital line"


def test_a_file_with_several_nul_bytes_is_refused_naming_the_first():
    with pytest.raises(SourceError) as refused:
        RawDocument.from_bytes("d", "raw/d.txt", b"a\nb\0c\nd\0e\n")
    assert (refused.value.line, refused.value.found) == (2, "NUL at byte offset 3")
