"""Versions follow the kind of change; releases are reproducible and refuse re-release."""

from __future__ import annotations

import copy
import json
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.package import release
from pipeline.schemas import Constraints
from tests.conftest import REPO, copy_package, frictionless_validate


@pytest.fixture(scope="module")
def current() -> dict:
    return release.record_of(REPO)


def test_committed_package_has_the_version_its_changes_need():
    assert release.check_version(REPO) == []


def test_current_version_is_released_or_newer(current):
    versions = release.released_versions()
    assert versions, "no release recorded in pipeline/releases/"
    assert release.parse_version(current["version"]) >= release.parse_version(versions[-1])


def changed(record: dict, edit) -> dict:
    new = copy.deepcopy(record)
    edit(new["resources"])
    return new


def fields(resources: dict, name: str) -> list[dict]:
    return resources[name]["schema"]["fields"]


@pytest.mark.parametrize(
    ("edit", "level"),
    [
        (lambda r: None, "none"),
        (lambda r: r["remittances"].update(hash="sha256:0"), "patch"),
        (lambda r: r["remittances"].update(rows=r["remittances"]["rows"] + 1), "minor"),
        (lambda r: fields(r, "remittances").append({"name": "new", "type": "string"}), "minor"),
        (
            lambda r: r.update(
                new_table={"hash": "x", "bytes": 1, "rows": 1, "schema": {"fields": []}}
            ),
            "minor",
        ),
        (lambda r: fields(r, "remittances").pop(), "major"),
        (lambda r: fields(r, "remittances")[2].update(type="string"), "major"),
        (lambda r: fields(r, "roxham_road_claims")[-4]["constraints"].update(minimum=5), "major"),
        (lambda r: fields(r, "countries")[5].update(constraints={"required": True}), "major"),
        (lambda r: fields(r, "countries")[2]["constraints"]["enum"].pop(), "major"),
        (lambda r: fields(r, "roxham_road_claims")[-4]["constraints"].pop("minimum"), "patch"),
        (lambda r: fields(r, "countries")[2]["constraints"]["enum"].append("Antarctica"), "patch"),
        (lambda r: fields(r, "remittances")[2].update(description="Row order."), "patch"),
        (lambda r: r.pop("facts"), "major"),
    ],
)
def test_classify_suggests_the_bump(current, edit, level):
    assert release.classify(current, changed(current, edit))[0] == level


def test_classify_says_how_many_rows_were_added_or_removed(current):
    rows = current["resources"]["remittances"]["rows"]
    fewer = changed(current, lambda r: r["remittances"].update(rows=rows - 2))
    assert release.classify(current, fewer) == ("major", ["major: remittances: 2 rows removed"])
    more = changed(current, lambda r: r["remittances"].update(rows=rows + 3))
    assert release.classify(current, more) == ("minor", ["minor: remittances: 3 rows added"])


def test_the_record_counts_the_data_rows_of_each_table(current):
    counted = [name for name, entry in current["resources"].items() if "rows" in entry]
    assert "facts" in counted
    for name, entry in current["resources"].items():
        if "rows" in entry:
            frame = pd.read_csv(REPO / "curated" / f"{name}.csv", dtype=str, keep_default_na=False)
            assert entry["rows"] == len(frame) > 0, name


def test_classify_reads_constraints_with_the_schema_model(current):
    def misspelt(resources: dict) -> None:
        fields(resources, "remittances")[2]["constraints"] = {"minimun": 1}

    with pytest.raises(SourceError, match=r"remittances\.printed_order.*'minimun'"):
        release.classify(current, changed(current, misspelt))


# (tighter, looser) for each kind of constraint: the first refuses a value the second accepts.
TIGHTER = {
    "required": (Constraints(required=True), Constraints()),
    "unique": (Constraints(unique=True), Constraints()),
    "minimum raised": (Constraints(minimum=5), Constraints(minimum=0)),
    "minimum added": (Constraints(minimum=0), Constraints()),
    "maximum lowered": (Constraints(maximum=99.5), Constraints(maximum=100)),
    "maximum added": (Constraints(maximum=100), Constraints()),
    "pattern added": (Constraints(pattern="^[a-z]+$"), Constraints()),
    "enum narrowed": (Constraints(enum=("a",)), Constraints(enum=("a", "b"))),
    "enum added": (Constraints(enum=("a", "b")), Constraints()),
}


@pytest.mark.parametrize(("tighter", "looser"), TIGHTER.values(), ids=TIGHTER.keys())
def test_tighter_than_each_constraint_kind(tighter, looser):
    assert tighter.tighter_than(looser)
    assert not looser.tighter_than(tighter)
    assert not tighter.tighter_than(tighter)


def test_a_changed_pattern_is_tighter_either_way():
    old, new = Constraints(pattern="^[a-z]+$"), Constraints(pattern="^[a-z0-9]+$")
    assert new.tighter_than(old) and old.tighter_than(new)


def copy_release_package(target: Path, package: Path = REPO) -> Path:
    """The published package of `package` and the repository's files a release adds (README,
    LICENSE, ...)."""
    copy_package(package, target)
    for name in release.ROOT_FILES:
        shutil.copy(REPO / name, target / name)
    return target


def test_hand_edited_value_without_bump_fails_and_passes_after_bump(tmp_path, monkeypatch):
    package_dir = copy_release_package(tmp_path / "package")
    # The package as it stands is taken as the last release, so that the test sees the edit
    # alone, also while the repository holds a version bump not yet released.
    released = release.record_of(package_dir)
    monkeypatch.setattr(release, "released_versions", lambda: [released["version"]])
    monkeypatch.setattr(release, "load_release", lambda version: released)
    descriptor = json.loads((package_dir / "datapackage.json").read_text())
    entry = descriptor["resources"][0]
    table = package_dir / entry["path"]
    header, first, *rest = table.read_text().split("\n")
    cells = first.split(",")
    at = next(i for i, cell in enumerate(cells) if cell.isdigit())  # a whole number, edited
    cells[at] = str(int(cells[at]) + 1)
    table.write_text("\n".join([header, ",".join(cells), *rest]))
    import hashlib

    problems = release.check_version(package_dir)  # the descriptor still has the old hash
    assert len(problems) == 1 and "needs a patch bump" in problems[0], problems
    entry["hash"] = "sha256:" + hashlib.sha256(table.read_bytes()).hexdigest()
    (package_dir / "datapackage.json").write_text(json.dumps(descriptor))
    problems = release.check_version(package_dir)
    assert len(problems) == 1 and "needs a patch bump" in problems[0], problems
    assert f"{entry['name']}: values or text changed" in problems[0]

    major, minor, patch = release.parse_version(descriptor["version"])
    descriptor["version"] = f"{major}.{minor}.{patch + 1}"
    (package_dir / "datapackage.json").write_text(json.dumps(descriptor))
    assert any("CHANGELOG" in p for p in release.check_version(package_dir))
    changelog = package_dir / "CHANGELOG.md"
    changelog.write_text(changelog.read_text() + f"\n## [{descriptor['version']}]\n\nFixed.\n")
    assert release.check_version(package_dir) == []


def test_release_zip_is_reproducible_and_validates_alone(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    release.write_zip(REPO, first, release.artifact_members(REPO))
    release.write_zip(REPO, second, release.artifact_members(REPO))
    assert first.read_bytes() == second.read_bytes()
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"datapackage.json", "CHANGELOG.md", "curated/README.md"} <= set(names)
    # Readable by everyone, whoever unpacks it (no umask or builder's mode travels along).
    assert set(modes.values()) == {0o644}, modes
    result = frictionless_validate(unpacked)
    assert result.returncode == 0, result.stdout


def test_release_zip_holds_the_exports_and_site_and_stays_reproducible(tmp_path):
    """`make_release` regenerates the exports and the site before zipping: two generations of
    the same package give the same zip; the browser tests' screenshots are left out; each file
    is in the zip once, the site's downloads linking to the package and exports beside it."""
    fixture = REPO / "tests" / "golden" / "package"  # small: what is tested is the zipping
    repo = copy_release_package(tmp_path / "repo", fixture)
    shutil.copytree(fixture / "raw", repo / "raw")
    zips = []
    for attempt in ("a", "b"):
        release.generate_views(repo)
        (repo / "site" / "screenshots").mkdir(exist_ok=True)
        (repo / "site" / "screenshots" / "index.png").write_bytes(attempt.encode())
        zips.append(tmp_path / f"{attempt}.zip")
        release.write_zip(repo, zips[-1], release.artifact_members(repo))
    assert zips[0].read_bytes() == zips[1].read_bytes()
    names = set(zipfile.ZipFile(zips[0]).namelist())
    descriptor = json.loads((repo / "datapackage.json").read_text())
    assert {
        "site/index.html",
        f"exports/{descriptor['name']}.duckdb",
        *(f"exports/parquet/{r['name']}.parquet" for r in descriptor["resources"]),
    } <= names
    assert not [name for name in names if name.startswith(("site/screenshots/", "site/data/"))]
    downloads = []
    with zipfile.ZipFile(zips[0]) as archive:
        for page in [n for n in names if n.startswith("site/") and n.endswith(".html")]:
            html = archive.read(page).decode("utf-8")
            for href in re.findall(r'<a [^>]*href="([^"#]+)"[^>]*download', html):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
                downloads.append(target)
                assert target in names, f"{page} links to {href}, not in the zip"
    assert {f"exports/parquet/{r['name']}.parquet" for r in descriptor["resources"]} <= set(
        downloads
    )


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("1.9.0", "2.0.0", "major"),
        ("1.9.0", "1.10.0", "minor"),
        ("1.9.9", "1.9.10", "patch"),
        ("1.10.0", "1.10.0", "none"),
        ("1.10.0", "1.9.0", "none"),
    ],
)
def test_the_level_of_a_bump_compares_versions_as_numbers(old, new, level):
    assert release.bump_level(old, new) == level


def test_release_differences_name_resources_then_members_then_the_zip():
    def record(resources: dict, zip_sha: str, members: dict | None = None) -> dict:
        out = {"resources": {k: {"hash": v} for k, v in resources.items()}, "zip_sha256": zip_sha}
        return out if members is None else {**out, "members": members}

    same = record({"a": "h1"}, "z1", {"README.md": "m1"})
    assert release.release_differences(same, same) == []
    assert release.release_differences(
        record({"a": "h1", "b": "h2"}, "z1"), record({"a": "h9", "c": "h3"}, "z2")
    ) == [
        "resource a: h1 released, h9 rebuilt",
        "resource b: in the release, missing from the rebuild",
        "resource c: in the rebuild, not in the release",
    ]
    members = release.release_differences(same, record({"a": "h1"}, "z2", {"README.md": "m2"}))
    assert members == ["member README.md: m1 released, m2 rebuilt"]
    # A record of before 2.0.0 has no member hashes: only the zip as a whole can differ.
    assert release.release_differences(record({"a": "h1"}, "z1"), record({"a": "h1"}, "z2")) == [
        "zip: z1 released, z2 rebuilt (the release record has no per-member hashes: a member "
        "other than the resources, or the zip's layout, differs)"
    ]


def test_a_new_version_without_its_changelog_entry_is_not_released(tmp_path):
    package_dir = copy_release_package(tmp_path / "package")
    descriptor = json.loads((package_dir / "datapackage.json").read_text())
    descriptor["version"] = "99.0.0"
    (package_dir / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(ValueError) as error:
        release.make_release(package_dir, tmp_path / "dist")
    assert str(error.value).startswith("CHANGELOG.md has no entry for version 99.0.0")
    assert not (tmp_path / "dist").exists()
    assert not (release.RELEASES / "99.0.0.json").exists()


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-rc1", ""])
def test_a_version_that_is_not_semantic_is_refused(version):
    with pytest.raises(ValueError, match=rf"^not a semantic version: {version!r}$"):
        release.parse_version(version)


def test_released_versions_are_ordered_as_versions_not_as_text(tmp_path, monkeypatch):
    for version in ("1.10.0", "1.9.0", "2.0.0", "1.2.10", "1.2.9"):
        (tmp_path / f"{version}.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(release, "RELEASES", tmp_path)
    assert release.released_versions() == ["1.2.9", "1.2.10", "1.9.0", "1.10.0", "2.0.0"]


def test_a_changed_hash_with_rows_added_gives_only_the_rows_reason():
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    old = {"resources": {"t": {"hash": "sha256:0", "rows": 1, "schema": schema}}}
    new = {"resources": {"t": {"hash": "sha256:1", "rows": 2, "schema": schema}}}
    assert release.classify(old, new) == ("minor", ["minor: t: 1 rows added"])
