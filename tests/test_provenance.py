"""Provenance that travels, honest identity, reproducible releases: a release of a fresh build
carries what its descriptor names, its README, LICENSE and CITATION.cff, and only the raw texts
whose rights allow it; releasing a released version again verifies it byte for byte."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from pipeline import schemas
from pipeline.package import release
from pipeline.sources import snapshot
from tests.conftest import REPO, copy_package, frictionless_validate

NOT_STATED = "not stated"


def manifest() -> list[dict]:
    return snapshot.load_manifest(REPO / "raw")


@pytest.fixture(scope="module")
def package_repo(tmp_path_factory, fresh_build) -> Path:
    """The session's fresh build with what a release reads from the repository: README,
    LICENSE, CITATION.cff, CHANGELOG and raw/. A test that changes a file restores it."""
    repo = copy_package(fresh_build, tmp_path_factory.mktemp("release") / "repo")
    for name in release.ROOT_FILES:
        shutil.copy(REPO / name, repo / name)
    shutil.copytree(REPO / "raw", repo / "raw")
    return repo


@pytest.fixture(scope="module")
def releases_dir(tmp_path_factory) -> Iterator[Path]:
    """Release records in a temporary folder: no record of pipeline/releases/ is touched."""
    folder = tmp_path_factory.mktemp("releases")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(release, "RELEASES", folder)
        yield folder


@pytest.fixture(scope="module")
def released(package_repo, releases_dir, tmp_path_factory) -> tuple[Path, Path, dict]:
    """The fresh build released once: (zip, its record file, the descriptor). A test that
    changes the record restores it."""
    dist = tmp_path_factory.mktemp("dist")
    done = release.make_release(package_repo, dist)
    descriptor = json.loads((package_repo / "datapackage.json").read_text())
    assert done.startswith(f"released {descriptor['name']}-{descriptor['version']}.zip"), done
    target = dist / f"{descriptor['name']}-{descriptor['version']}.zip"
    return target, releases_dir / f"{descriptor['version']}.json", descriptor


def zip_text(archive: Path, name: str) -> str:
    with zipfile.ZipFile(archive) as opened:
        return opened.read(name).decode("utf-8")


def test_every_path_the_package_gives_resolves_inside_the_zip(released):
    target, _, descriptor = released
    names = set(zipfile.ZipFile(target).namelist())
    paths = [r["path"] for r in descriptor["resources"]]
    paths += [s["path"] for s in descriptor["sources"] if "path" in s]
    documents = list(csv.DictReader(io.StringIO(zip_text(target, "curated/documents.csv"))))
    paths += [row["raw_path"] for row in documents if row["raw_path"]]
    assert paths and not [p for p in paths if p not in names]
    # Each source has a path in the zip or is withheld, and always a URL field and its sha256.
    for source, row in zip(descriptor["sources"], documents, strict=True):
        assert source["hash"] == f"sha256:{row['sha256']}" and source["url"] == row["url"]
        assert ("path" in source) == (row["redistributed"] == "true") == bool(row["raw_path"])


def test_the_zip_holds_readme_licence_citation_and_only_redistributable_raw_texts(released):
    target, _, _ = released
    names = set(zipfile.ZipFile(target).namelist())
    assert {"README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "raw/manifest.yaml"} <= names
    for entry in manifest():
        assert (entry["raw_path"] in names) == entry["redistributed"], entry["document_id"]
        page = zip_text(target, f"site/sources/{entry['document_id']}.html")
        # The site's source page shows a withheld text's metadata, never its lines.
        assert ('id="L1"' in page) == entry["redistributed"], entry["document_id"]
    withheld = [e for e in manifest() if not e["redistributed"]]
    assert withheld, "the test needs a withheld document"
    with zipfile.ZipFile(target) as opened:
        every_member = b"".join(opened.read(name) for name in opened.namelist())
    for entry in withheld:  # no withheld text anywhere, under any name
        raw = (REPO / entry["raw_path"]).read_bytes()
        assert raw not in every_member, entry["document_id"]


def test_the_zip_validates_on_its_own(released, tmp_path):
    target, _, _ = released
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(target).extractall(unpacked)
    result = frictionless_validate(unpacked)
    assert result.returncode == 0, result.stdout


def test_releasing_a_released_version_reproduces_it(released, package_repo, tmp_path):
    target, record_file, descriptor = released
    record, zip_bytes = record_file.read_bytes(), target.read_bytes()
    done = release.make_release(package_repo, tmp_path / "again")
    assert done.startswith(f"release {descriptor['version']} reproduced: identical"), done
    assert record_file.read_bytes() == record  # verified, never recorded again
    assert (tmp_path / "again" / target.name).read_bytes() == zip_bytes


def test_a_changed_resource_and_a_changed_member_are_named(released, package_repo, tmp_path):
    """A rebuild of a released version with one table and the licence changed names both, and
    nothing else (what each kind of difference says: test_release.py)."""
    _, _, descriptor = released
    resource = next(r for r in descriptor["resources"] if "schema" in r)
    changed = [package_repo / resource["path"], package_repo / "LICENSE"]
    originals = [path.read_bytes() for path in changed]
    try:
        for path, original in zip(changed, originals, strict=True):
            path.write_bytes(original + b"\n")  # a blank last line: the same rows, other bytes
        with pytest.raises(release.ReleaseDiffers) as error:
            release.make_release(package_repo, tmp_path / "again")
    finally:
        for path, original in zip(changed, originals, strict=True):
            path.write_bytes(original)
    message = str(error.value)
    assert message.startswith(f"release {descriptor['version']} not reproduced"), message
    named = sorted(re.findall(r"(resource|member) (\S+): \S+ released", message))
    expected = [("member", "LICENSE"), ("member", resource["path"]), ("resource", resource["name"])]
    assert named == sorted(expected), message


def test_the_release_record_of_1_0_0_is_as_released():
    committed = subprocess.run(
        ["git", "show", "HEAD:pipeline/releases/1.0.0.json"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    assert (REPO / "pipeline" / "releases" / "1.0.0.json").read_bytes() == committed
    assert hashlib.sha256(committed).hexdigest()  # and it was read, not skipped


def cff_errors(citation: object) -> list[str]:
    """What the Citation File Format's JSON schema (as check-jsonschema vendors it, so offline)
    finds wrong with a CITATION.cff read as YAML."""
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(
        "citation-file-format.json"
    )
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(citation)]


def changelog_date(version: str) -> str:
    heading = re.search(
        rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$",
        (REPO / "CHANGELOG.md").read_text(encoding="utf-8"),
        re.M,
    )
    assert heading, f"CHANGELOG.md has no dated entry for {version}"
    return heading[1]


def test_citation_cff_is_valid_and_says_what_the_package_and_changelog_say():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff_errors(citation) == []
    package = schemas.package()
    assert citation["version"] == package.version
    assert str(citation["date-released"]) == changelog_date(package.version)
    assert citation["title"] == package.title
    assert citation["authors"] == [{"name": c.title} for c in package.contributors]
    assert citation["license"] == package.licenses[0].name
    assert citation["keywords"] == list(package.keywords)
    assert citation["abstract"] and citation["type"] == "dataset"
    assert {"type": "other", "value": package.id}.items() <= citation["identifiers"][0].items()


@pytest.mark.parametrize(
    "edit, complaint",
    [
        (lambda c: c.pop("authors"), "'authors' is a required property"),
        (lambda c: c.update({"date-released": "5 Dec 2026"}), "does not match"),
        (lambda c: c.update({"licence": "CC-BY-4.0"}), "Additional properties"),
    ],
)
def test_the_cff_schema_check_refuses_a_broken_citation(edit, complaint):
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    edit(citation)
    assert any(complaint in error for error in cff_errors(citation)), cff_errors(citation)


def test_licence_file_says_what_the_package_declares():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    (licence,) = schemas.package().licenses
    assert licence.name == "CC-BY-4.0" and licence.name in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    assert "Attribution 4.0 International" in text and len(text) < 3000  # referenced, not copied


def test_identity_is_stated_not_invented(package_repo):
    descriptor = json.loads((package_repo / "datapackage.json").read_text())
    package = schemas.package()
    assert descriptor["id"] == f"urn:{package.name}:{package.version}"
    assert "doi" not in descriptor["id"].lower()
    assert "homepage" not in descriptor


def test_manifest_states_url_and_rights_or_says_not_stated():
    for entry in manifest():
        for key in ("url", "publisher_url"):
            assert entry[key] == NOT_STATED or entry[key].startswith(("http://", "https://"))
        # Redistributed only where a licence is stated that allows it.
        established = not entry["rights"].startswith(("not stated", "not established"))
        assert entry["redistributed"] <= established, entry["document_id"]
        assert entry["redistribution"].startswith(
            "Redistributed" if entry["redistributed"] else "Not redistributed"
        )


def test_renamed_columns_and_no_reserved_word_for_a_column(package_repo):
    import duckdb

    descriptor = json.loads((package_repo / "datapackage.json").read_text())
    fields = {
        r["name"]: [f["name"] for f in r["schema"]["fields"]]
        for r in descriptor["resources"]
        if "schema" in r
    }
    assert fields["memberships"][0] == "group_name" and "group" not in fields["memberships"]
    assert {"start_date", "end_date"} <= set(fields["projects"])
    assert not {"start", "end"} & set(fields["projects"])
    # A connection of its own, closed: no DuckDB threads outlive the test (mutmut forks).
    with duckdb.connect(config={"threads": 1}) as con:
        reserved = {
            row[0]
            for row in con.sql(
                "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'"
            ).fetchall()
        }
        assert not [(t, f) for t, names in fields.items() for f in names if f in reserved]
        # The renamed columns carry the values: a project's years and every project's group.
        projects = con.sql(
            f"SELECT start_date, end_date FROM '{package_repo}/curated/projects.csv' "
            "WHERE project_id = 'ilo_fair_recruitment_central_america'"
        ).fetchall()
        assert projects == [(2022, 2024)] or projects == [("2022", "2024")]
        groups = con.sql(
            f"SELECT DISTINCT group_name FROM '{package_repo}/curated/memberships.csv' "
            "WHERE role = 'project country'"
        ).fetchall()
    assert {"ilo_fair_recruitment_central_america"} <= {g for (g,) in groups}


def test_the_documents_table_keeps_the_manifest_order_of_the_documents_verified():
    from pipeline.sources.documents import documents_table

    manifest = snapshot.load_manifest(REPO / "raw")
    ids = [entry["document_id"] for entry in manifest]
    table = documents_table(manifest, set(ids[1:]))  # the first one left out
    assert list(table["document_id"]) == ids[1:]
