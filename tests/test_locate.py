"""The locator engine and the per-document declarations every prose extraction goes through."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import strict_yaml
from pipeline.errors import SourceError
from pipeline.extract import compared_texts, facts, groups, locate, resettlement
from pipeline.sources.text import RawDocument

DOC = RawDocument(
    "d",
    "raw/d.txt",
    "First line with\nwell-\nmanaged flows of 1,234 people. Next\n\nsentence has 1,234 too.",
)


def locator(pattern: str, name: str = "loc", **window: str | int) -> locate.Locator:
    return locate.Locator(id=name, pattern=pattern, **window)


# --- the engine -------------------------------------------------------------------------------


def test_match_is_the_sentence_with_groups_and_lines():
    match = locate.locate(DOC, locator(r"flows of (?P<value>[\d,]+) people"))
    assert match.groups["value"] == "1,234"
    assert match.quote == "First line with well-managed flows of 1,234 people."
    assert (match.line_start, match.line_end) == (1, 3)
    assert match.group_lines["value"] == 3
    assert DOC.flat_text[match.group_offsets["value"] :].startswith("1,234 people")


def test_no_match_or_two_matches_name_the_raw_file_and_the_locator():
    with pytest.raises(SourceError, match=r"^raw/d.txt: .*locator 'none'.*0 matches"):
        locate.locate(DOC, locator(r"absent (?P<value>\d+)", "none"))
    with pytest.raises(
        SourceError, match=r"^raw/d.txt: .*locator 'twice'.*2 matches at lines 3, 5"
    ):
        locate.locate(DOC, locator(r"(?P<value>1,234)", "twice"))


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        (
            r"flows of (?P<value>[\d,]+) persons",
            r"it matches up to `flows of (?P<value>[\d,]+) pe` on line 3, where the text goes on "
            "`ople. Next sentence has 1,234 too.`",
        ),
        # A start ending inside a group is named as written (it is closed to be tried).
        (
            r"(?P<value>[\d,]+ people\. Then)",
            r"it matches up to `(?P<value>[\d,]+ people\. ` on line 3, where the text goes on "
            "`Next sentence has 1,234 too.`",
        ),
        # Alternatives are not cut into: `(?:humans|people` would read as a start that matches.
        (
            r"flows of (?P<value>[\d,]+ (?:humans|peoples))",
            r"it matches up to `flows of (?P<value>[\d,]+ ` on line 3, where the text goes on "
            "`people. Next sentence has 1,234 too.`",
        ),
        # The line is that of the last character matched: the last of line 1, the first of 2.
        (
            r"First line with(?P<value>well)",
            "it matches up to `First line with` on line 1, where the text goes on "
            "` well-managed flows of 1,234 people. Next sentence has 1,234`",
        ),
        (
            r"with (?P<value>w)x",
            "it matches up to `with (?P<value>w` on line 2, where the text goes on "
            "`ell-managed flows of 1,234 people. Next sentence has 1,234 t`",
        ),
        (
            r"has (?P<value>[\d,]+) too\.!",
            r"it matches up to `has (?P<value>[\d,]+) too\.` on line 5, where the text ends",
        ),
    ],
)
def test_a_pattern_that_matches_nowhere_names_its_longest_start_that_matches_and_what_follows(
    pattern: str, found: str
):
    with pytest.raises(SourceError, match=r"^raw/d.txt: .*locator 'loc'") as error:
        locate.locate(DOC, locator(pattern))
    assert error.value.found == f"0 matches; {found}"


def test_a_pattern_whose_first_item_matches_nowhere_says_so():
    with pytest.raises(SourceError, match=r"^raw/d.txt: .*locator 'none'") as error:
        locate.locate(DOC, locator(r"\bzero (?P<value>\d+)", "none"))
    assert error.value.found == "0 matches; no text matches even its first item"


def test_a_pattern_in_a_window_is_explained_from_the_window_only():
    slides = RawDocument(
        "s", "raw/s.txt", "Slide one\n\nWe saw 5 people.\n\nSlide two\n\nWe saw 6 cases."
    )
    with pytest.raises(SourceError) as error:
        locate.locate(slides, locator(r"saw (?P<value>\d+) people", after="Slide two", lines=2))
    assert error.value.found == (
        r"0 matches in lines 5-7; it matches up to `saw (?P<value>\d+) ` on line 7,"
        " where the text goes on `cases.`"
    )
    # An anchor that matches nowhere is explained too, from the whole text.
    with pytest.raises(SourceError, match=r"locator 'loc.after'") as error:
        locate.locate(slides, locator(r"saw (?P<value>\d+)", after="Slide three", lines=2))
    assert error.value.found == (
        "0 matches; it matches up to `Slide t` on line 5,"
        " where the text goes on `wo We saw 6 cases.`"
    )


def test_a_pattern_that_matches_more_than_once_names_the_lines_of_the_first_two():
    thrice = RawDocument("t", "raw/t.txt", "We saw 5 cases.\n\nWe saw\n5 cases. We saw 6 cases.")
    with pytest.raises(SourceError, match=r"locator 'loc'") as error:
        locate.locate(thrice, locator(r"saw (?P<value>\d+)"))
    assert error.value.found == "3 matches, the first two at lines 1, 3"
    with pytest.raises(SourceError, match=r"locator 'loc.after'") as error:
        locate.locate(thrice, locator(r"(?P<value>cases)", after="saw 5", lines=1))
    assert error.value.found == "2 matches at lines 1, 3"


def test_a_window_after_an_anchor_picks_one_of_two_matches():
    repeated = RawDocument(
        "r", "raw/r.txt", "Slide one\n\nWe saw 5 cases.\n\nSlide two\n\nWe saw 5 cases."
    )
    match = locate.locate(repeated, locator(r"saw (?P<value>\d+)", after="Slide two", lines=2))
    assert match.line_start == 7
    with pytest.raises(SourceError, match=r"locator 'loc.after'.*0 matches"):
        locate.locate(repeated, locator(r"saw (?P<value>\d+)", after="Slide three", lines=2))


# --- `skip`: lines printed inside a sentence, for every kind of locator --------------------------

FOOTNOTED = RawDocument(
    "f",
    "raw/f.txt",
    "The process was established\n\n3 See the treaty: https://example.org/a.pdf\n"
    "https://example.org/a.pdf\n in the end, and it grew. Next one.",
)
FOOTNOTE = r"^[0-9]+ See the treaty[^\n]*(?:\nhttps://[^\n]*)*"


def test_skip_leaves_lines_out_of_the_quote_and_records_them():
    match = locate.locate(FOOTNOTED, locator(r"established in the (?P<value>end)", skip=FOOTNOTE))
    assert match.quote == "The process was established in the end, and it grew."
    assert (match.line_start, match.line_end, match.lines_skipped) == (1, 5, (3, 4))
    assert match.group_lines["value"] == 5
    view = match.view.flat_text
    assert view[match.group_offsets["value"] :].startswith("end, and")
    # Without `skip`, nothing is skipped and the locator does not find the sentence whole.
    plain = locate.locate(FOOTNOTED, locator(r"in the (?P<value>end)"))
    assert plain.lines_skipped == () and "See the treaty" in plain.quote


def test_a_skip_match_ending_on_the_first_character_of_a_line_leaves_that_line_out_too():
    """The footnote number alone on line 3 is the last character the skip pattern matches."""
    document = RawDocument("s", "raw/s.txt", "Crossings rose\nFigure 2\n3\nto 5 people. Next.")
    match = locate.locate(
        document, locator(r"rose to (?P<value>\d+) people", skip=r"^Figure \d+\n\d")
    )
    assert match.quote == "Crossings rose to 5 people."
    assert match.lines_skipped == (2, 3)


def test_a_skip_that_hides_a_line_the_locator_reads_or_changes_nothing_is_refused():
    with pytest.raises(SourceError, match=r"leaves the lines its locator reads; found 'line 5"):
        locate.locate(FOOTNOTED, locator(r"in the (?P<value>end)", skip=r"^ in the end[^\n]*"))
    with pytest.raises(SourceError, match="leaves lines out of its quote") as error:
        locate.locate(FOOTNOTED, locator(r"(?P<value>Next) one", skip=FOOTNOTE))
    assert error.value.path == FOOTNOTED.path


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"pattern": "(unclosed"}, "not a regular expression"),
        ({"pattern": "x", "after": "Next"}, "both `after` and `lines`"),
    ],
)
def test_a_malformed_locator_is_refused(fields, problem):
    with pytest.raises(SourceError, match=problem):
        strict_yaml.validate(locate.Locator, {"id": "loc", **fields}, "f.yaml")


# --- declarations: one misspelt key of each kind --------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of pipeline/declarations to break."""
    copy = tmp_path / "declarations"
    shutil.copytree(locate.DECLARATIONS, copy)
    return copy


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


LOADERS: dict[str, Callable[[Path], object]] = {
    "facts": facts.load_facts,
    "memberships": groups.load_memberships,
    "projects": groups.load_projects,
    "resettlement_by_region": resettlement.load_resettlement_by_region,
    "texts": compared_texts.load_texts,
}


@pytest.mark.parametrize(
    ("loader", "file", "old", "new", "key"),
    [
        (
            "facts",
            "sources/working_paper_2020/facts.yaml",
            "  geography: Latin America\n",
            "  geograpy: Latin America\n",
            "facts.0.geograpy",
        ),
        (
            "memberships",
            "sources/working_paper_2020/memberships.yaml",
            "role: member state",
            "rol: member state",
            "lists.0.rol",
        ),
        (
            "projects",
            "sources/ilo_news_2022/projects.yaml",
            "  project: ilo_venezuelan_employability",
            "  projet: ilo_venezuelan_employability",
            "descriptions.0.projet",
        ),
        (
            "memberships",
            "groups.yaml",
            "  group_type: regional consultative process",
            "  group_typ: regional consultative process",
            "groups.0.group_typ",
        ),
        (
            "projects",
            "projects.yaml",
            "  primary_document: ilo_news_2022",
            "  primary_doc: ilo_news_2022",
            "projects.0.primary_doc",
        ),
        (
            "resettlement_by_region",
            "sources/working_paper_2020/resettlement_by_region.yaml",
            "  region: Asia-Pacific",
            "  regoin: Asia-Pacific",
            "regions.2.regoin",
        ),
        (
            "texts",
            "sources/ilo_news_2022/texts.yaml",
            "- id: fair_recruitment_quote_ilo",
            "- ids: fair_recruitment_quote_ilo",
            "texts.0.ids",
        ),
        ("texts", "sources.yaml", "order:", "ordre:", "ordre"),
    ],
)
def test_a_misspelt_key_is_refused_naming_file_and_key(root, loader, file, old, new, key):
    edit(root, file, old, new)
    with pytest.raises(SourceError) as error:
        LOADERS[loader](root)
    assert error.value.path == str(root / file)
    assert f"(key {key!r})" in error.value.expected


@pytest.mark.parametrize(
    ("loader", "file", "old", "new", "problem"),
    [
        (
            "facts",
            "sources/ilo_news_2022/facts.yaml",
            "- id: ilo_new_projects",
            "- id: ircc_new_ilo_projects",
            "facts locator ids used once",
        ),
        (
            "facts",
            "sources/ilo_news_2022/facts.yaml",
            "(?P<value>two) new projects",
            "(?P<number>two) new projects",
            r"needs the named groups \['value'\]",
        ),
        ("memberships", "groups.yaml", "- group: MERCOSUR", "- group: Mercosur", "a group of"),
        (
            "projects",
            "projects.yaml",
            "  primary_document: ilo_news_2022",
            "  primary_document: working_paper_2020",
            "a description of 'ilo_venezuelan_employability' in its primary document",
        ),
        (
            "projects",
            "sources/ilo_news_2022/projects.yaml",
            "  project: ilo_venezuelan_employability",
            "  project: ilo_venezuelan_employment",
            "a project of projects.yaml",
        ),
        ("texts", "sources.yaml", "- ilo_news_2022", "- ilo_news_2020", "a folder in sources/"),
    ],
)
def test_inconsistent_declarations_are_refused(root, loader, file, old, new, problem):
    edit(root, file, old, new)
    with pytest.raises(SourceError, match=problem):
        LOADERS[loader](root)


def test_a_misspelt_file_name_is_refused(root):
    folder = root / "sources" / "ilo_news_2022"
    (folder / "texts.yaml").rename(folder / "text.yaml")
    with pytest.raises(SourceError, match="declaration files among") as error:
        compared_texts.load_texts(root)
    assert error.value.found == "text.yaml"


# --- declarations: the folder names a document ----------------------------------------------


def test_a_folder_named_after_an_unknown_document_is_refused(root, documents):
    folder = root / "sources" / "unknown_report_2021"
    folder.mkdir()
    (folder / "texts.yaml").write_text(
        "texts:\n- {id: unknown_title, pattern: 'Title (?P<title>.+)'}\n", encoding="utf-8"
    )
    declarations = compared_texts.load_texts(root)
    # A folder not listed in sources.yaml is read after the listed ones.
    assert declarations[-1].document_id == "unknown_report_2021"
    with pytest.raises(SourceError, match=r"a document of raw/manifest\.yaml") as error:
        compared_texts.extract_texts(documents, declarations)
    assert error.value.path == str(folder / "texts.yaml")
    assert error.value.found == "unknown_report_2021"


def test_a_renamed_folder_is_refused_by_every_extraction(root, documents):
    (root / "sources" / "ilo_news_2022").rename(root / "sources" / "ilo_news_2023")
    edit(root, "sources.yaml", "- ilo_news_2022", "- ilo_news_2023")
    for extract, load in (
        (facts.extract_facts, facts.load_facts),
        (compared_texts.extract_texts, compared_texts.load_texts),
    ):
        with pytest.raises(SourceError, match=r"sources/ilo_news_2023/\w+\.yaml.*ilo_news_2023"):
            extract(documents, load(root))


def test_the_declarations_are_the_documents_of_the_manifest(documents):
    folders = [folder.name for folder in locate.document_folders()]
    # The statistical series (CSV) are read by their own readers, not by locators.
    prose = [d for d, doc in documents.items() if not doc.path.endswith(".csv")]
    assert sorted(folders) == sorted(prose)


def test_a_declaration_files_locators_are_its_locator_fields_and_list_items():
    class Mixed(locate.LocatorFile):
        title: locate.Locator
        items: list[locate.Locator]
        note: str = "not a locator"

    mixed = Mixed(
        title=locator("t", "title"), items=[locator("a", "first"), locator("b", "second")]
    )
    assert [found.id for found in mixed.locators()] == ["title", "first", "second"]


def test_a_skip_hiding_a_quoted_line_names_that_line_not_the_first():
    """The hidden line is one the pattern reads but no group is on: the error names it."""
    document = RawDocument("c", "raw/c.txt", "In 2019, 5 people\ncrossed the border. Then more.")
    with pytest.raises(SourceError) as error:
        locate.locate(document, locator(r"(?P<value>\d+) people\s+crossed", skip=r"^crossed the"))
    assert (error.value.line, error.value.found) == (2, "line 2 skipped")


def test_a_window_holds_its_anchor_line_and_the_lines_after_it_both_ends_included():
    """`after` with `lines: N`: the anchor's line and the N lines below it."""
    on_anchor = RawDocument("a", "raw/a.txt", "Slide two: we saw 5 cases.\n\n\nWe saw 6 cases.")
    match = locate.locate(on_anchor, locator(r"saw (?P<value>\d+)", after="Slide two", lines=0))
    assert (match.groups["value"], match.line_start) == ("5", 1)
    last = RawDocument("l", "raw/l.txt", "Slide two\n\nWe saw 5 cases.\nWe saw 6 cases.")
    match = locate.locate(last, locator(r"saw (?P<value>\d+)", after="Slide two", lines=2))
    assert (match.groups["value"], match.line_start) == ("5", 3)
