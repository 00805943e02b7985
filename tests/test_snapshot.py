import pytest

from pipeline import snapshot
from pipeline.errors import SourceError
from tests.conftest import PAPER_FILE


def test_verify_accepts_the_repository_snapshot(documents):
    assert len(documents) == 5


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
