import os
import shutil
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.sources import new_source, snapshot
from tests.conftest import PAPER_FILE, REPO, edit_manifest


def test_verify_accepts_the_repository_snapshot(documents):
    listed = [entry["document_id"] for entry in snapshot.load_manifest(REPO / "raw")]
    assert list(documents) == listed and listed


def test_the_committed_manifest_is_reviewed_and_in_its_recorded_form(tmp_path):
    text = (REPO / "raw" / snapshot.MANIFEST_NAME).read_text(encoding="utf-8")
    assert new_source.REVIEW not in text, (
        "raw/manifest.yaml keeps a key new-source flagged for review: state it (or leave it "
        "'not stated'), then `make snapshot`"
    )
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    snapshot.record(tmp_path / "raw")
    recorded = (tmp_path / "raw" / snapshot.MANIFEST_NAME).read_text(encoding="utf-8")
    assert recorded == text, "raw/manifest.yaml is not in the form `make snapshot` writes"


def test_changed_file_fails_checksum_until_resnapshot(raw_copy):
    path = raw_copy / PAPER_FILE
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(SourceError, match=rf"raw/{PAPER_FILE}: expected sha256 .*make snapshot"):
        snapshot.verify(raw_copy)
    assert snapshot.record(raw_copy) == [f"raw/{PAPER_FILE}"]
    assert snapshot.record(raw_copy) == []
    snapshot.verify(raw_copy)


def test_missing_file_is_an_error(raw_copy):
    (raw_copy / PAPER_FILE).unlink()
    with pytest.raises(SourceError, match="the raw file listed in the manifest"):
        snapshot.verify(raw_copy)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("  kind: news release\n", "  knid: news release\n", "documents.0.knid"),
        ("  publisher: International Labour Organization\n", "", "documents.1.publisher"),
        ("- document_id: ilo_news_2022", "- document_id: ircc_news_release_2022", "documents"),
        ("  bytes: 5833\n", "  bytes: many\n", "documents.0.bytes"),
    ],
)
def test_a_bad_manifest_is_refused_naming_the_key(raw_copy, old, new, key):
    manifest = raw_copy / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert error.value.path == str(manifest)
    assert f"(key {key!r})" in error.value.expected


def test_a_missing_manifest_or_file_is_named_exactly(raw_copy):
    (raw_copy / PAPER_FILE).unlink()
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert str(error.value) == f"raw/{PAPER_FILE}: expected the raw file listed in the manifest"
    (raw_copy / snapshot.MANIFEST_NAME).unlink()
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert str(error.value) == f"{raw_copy / snapshot.MANIFEST_NAME}: expected a snapshot manifest"


def test_a_file_that_grows_past_the_limit_after_its_size_was_read_is_refused(raw_copy, monkeypatch):
    grown = raw_copy / PAPER_FILE
    grown.write_bytes(b"x" * (snapshot.MAX_RAW_BYTES + 1))
    real_stat = Path.stat

    def stat_before_growing(path: Path, **kwargs) -> os.stat_result:
        status = real_stat(path, **kwargs)
        if path != grown:
            return status
        fields = list(status[:10])
        fields[6] = 1  # st_size: the size the file had when its size was read
        return os.stat_result(fields)

    monkeypatch.setattr(Path, "stat", stat_before_growing)
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert str(error.value) == (
        f"raw/{PAPER_FILE}: expected a file of at most {snapshot.MAX_RAW_BYTES} bytes; "
        "found 'a file growing past it'"
    )


def test_a_file_that_cannot_be_opened_is_named_with_the_reason(raw_copy, monkeypatch):
    refused = raw_copy / PAPER_FILE
    real_open = Path.open

    def open_refusing(path: Path, *args, **kwargs):
        if path == refused:
            raise PermissionError(13, "Permission denied")  # what root is never told
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_refusing)
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert (
        str(error.value) == f"raw/{PAPER_FILE}: expected a readable file; found 'Permission denied'"
    )


def test_a_file_name_the_file_system_refuses_is_named_with_the_reason(raw_copy):
    long_name = "raw/" + "a" * 300  # longer than a file name may be (255 bytes)
    edit_manifest(raw_copy, f"raw_path: raw/{PAPER_FILE}", f"raw_path: {long_name}")
    with pytest.raises(SourceError) as error:
        snapshot.verify(raw_copy)
    assert str(error.value) == f"{long_name}: expected a readable file; found 'File name too long'"


def test_a_file_of_exactly_the_size_limit_is_read(raw_copy):
    (raw_copy / PAPER_FILE).write_bytes(b"x" * snapshot.MAX_RAW_BYTES)
    snapshot.record(raw_copy)
    snapshot.verify(raw_copy)  # the limit is allowed; one byte more is refused (test_hostile)
