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
