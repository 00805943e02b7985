from pipeline.text import RawDocument

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
