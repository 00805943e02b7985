"""Versions and releases: what changed since the last release, which semver bump it needs
(the Data Package Version recipe), and the release artifact."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from pipeline import schemas, strict_yaml
from pipeline.paths import RELEASES_DIR
from pipeline.sources import snapshot

RELEASES = RELEASES_DIR
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: the zip is reproducible
LEVELS = {"none": 0, "patch": 1, "minor": 2, "major": 3}


def parse_version(version: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if not match:
        raise ValueError(f"not a semantic version: {version!r}")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def bump_level(old: str, new: str) -> str:
    """The level of the bump from `old` to `new` ('none' when equal)."""
    (a, b, c), (x, y, z) = parse_version(old), parse_version(new)
    if (x, y, z) <= (a, b, c):
        return "none"
    return "major" if x > a else "minor" if y > b else "patch"


def record_of(package_dir: Path) -> dict:
    """What a release is compared on: per resource its hash, rows and schema."""
    package = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = {}
    for resource in package["resources"]:
        path = package_dir / resource["path"]
        content = path.read_bytes()  # the files as they are, not as the descriptor says
        entry = {"hash": f"sha256:{hashlib.sha256(content).hexdigest()}", "bytes": len(content)}
        if "schema" in resource:
            entry["rows"] = sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8")))) - 1
            entry["schema"] = resource["schema"]
        resources[resource["name"]] = entry
    return {"version": package["version"], "created": package["created"], "resources": resources}


def _tightened(old: dict, new: dict, where: str) -> bool:
    """True when a Table Schema field's constraints are stricter than before; they are read
    with the model schemas/ declares them with."""
    before, after = (
        strict_yaml.validate(schemas.Constraints, field.get("constraints", {}), where)
        for field in (old, new)
    )
    return after.tighter_than(before)


def _field_changes(name: str, old: dict, new: dict) -> list[tuple[str, str]]:
    """(bump, why) for each field of the Table Schema of `name` removed, retyped, tightened
    or added."""
    old_fields = {f["name"]: f for f in old["fields"]}
    new_fields = {f["name"]: f for f in new["fields"]}
    reasons = []
    for field, spec in old_fields.items():
        if field not in new_fields:
            reasons.append(("major", f"{name}.{field} removed or renamed"))
        elif new_fields[field]["type"] != spec["type"]:
            reasons.append(("major", f"{name}.{field} changed type"))
        elif _tightened(spec, new_fields[field], f"the Table Schema of {name}.{field}"):
            reasons.append(("major", f"{name}.{field} constraints tightened"))
    added = new_fields.keys() - old_fields.keys()
    return reasons + [("minor", f"{name}.{field} added") for field in added]


def classify(old: dict, new: dict) -> tuple[str, list[str]]:
    """The bump the change from `old` to `new` needs, and why."""
    reasons: list[tuple[str, str]] = []
    for name, before in old["resources"].items():
        after = new["resources"].get(name)
        if after is None:
            reasons.append(("major", f"resource {name} removed"))
            continue
        if "schema" in before:
            reasons += _field_changes(name, before["schema"], after["schema"])
            if after["rows"] > before["rows"]:
                reasons.append(("minor", f"{name}: {after['rows'] - before['rows']} rows added"))
            elif after["rows"] < before["rows"]:
                reasons.append(("major", f"{name}: {before['rows'] - after['rows']} rows removed"))
            elif after["schema"] != before["schema"]:
                reasons.append(("patch", f"{name}: schema metadata changed"))
        if after["hash"] != before["hash"] and not any(r[1].startswith(name) for r in reasons):
            reasons.append(("patch", f"{name}: values or text changed"))
    for name in new["resources"].keys() - old["resources"].keys():
        reasons.append(("minor", f"resource {name} added"))
    level = max((r[0] for r in reasons), key=LEVELS.__getitem__, default="none")
    return level, [f"{lvl}: {why}" for lvl, why in reasons]


def released_versions() -> list[str]:
    return sorted((p.stem for p in RELEASES.glob("*.json")), key=parse_version)


def load_release(version: str) -> dict:
    return json.loads((RELEASES / f"{version}.json").read_text(encoding="utf-8"))


def changelog_has(changelog: Path, version: str) -> bool:
    return bool(re.search(rf"^## \[?{re.escape(version)}\]?", changelog.read_text("utf-8"), re.M))


def check_version(repo: Path) -> list[str]:
    """Problems with the version of the package in `repo` (empty when it is right)."""
    current = record_of(repo)
    versions = released_versions()
    problems = []
    if not changelog_has(repo / "CHANGELOG.md", current["version"]):
        problems.append(f"CHANGELOG.md has no entry for version {current['version']}")
    if not versions:
        return problems
    last = load_release(versions[-1])
    needed, reasons = classify(last, current)
    done = bump_level(last["version"], current["version"])
    if LEVELS[done] < LEVELS[needed]:
        problems.append(
            f"the package differs from release {last['version']} and needs a {needed} bump "
            f"(version is {current['version']}): " + "; ".join(reasons)
        )
    return problems


def write_zip(repo: Path, target: Path, members: list[Path]) -> None:
    """A zip with fixed timestamps and order, so the same files give the same bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(members):
            info = zipfile.ZipInfo(str(path.relative_to(repo)), date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)


# Generated from the package, not committed (binary, or derived page by page): the Parquet files
# and DuckDB database, and the dataset site. The browser tests' screenshots are not released.
GENERATED = ("exports", "site")
NOT_RELEASED = ("site/screenshots",)
# At the root of the zip, so that it says what it is, under which licence and how to cite it.
ROOT_FILES = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")


def generate_views(repo: Path) -> None:
    """Write the exports and the dataset site of the package in `repo` afresh, so a release
    holds them as they are for this package (both are byte-reproducible). The site shows only
    the raw texts the release may redistribute, and links to the package and exports beside
    it (each file is in the zip once)."""
    from pipeline import site
    from pipeline.package import exports

    written = exports.write(repo, repo / "exports")
    site.generate(repo, repo / "site", redistributable_only=True, written_exports=written)


def _released(path: Path, repo: Path) -> bool:
    relative = path.relative_to(repo).as_posix()
    return path.is_file() and not any(relative.startswith(f"{p}/") for p in NOT_RELEASED)


def raw_members(repo: Path) -> list[Path]:
    """raw/manifest.yaml (every source's URL, sha256, rights and whether its text is
    redistributed, and why) and the raw files whose rights allow redistribution."""
    raw_dir = repo / "raw"
    entries = snapshot.load_manifest(raw_dir)
    return [snapshot.manifest_path(raw_dir)] + [
        repo / entry["raw_path"] for entry in entries if entry["redistributed"]
    ]


def artifact_members(repo: Path) -> list[Path]:
    """The descriptor, the README, licence, citation and changelog, the curated tables and
    data dictionary, the redistributable raw files with the manifest, and the exports and
    dataset site where generated (`make_release` always generates them first)."""
    members = [
        repo / "datapackage.json",
        *(repo / name for name in ROOT_FILES),
        *sorted((repo / "curated").iterdir()),
        *raw_members(repo),
    ]
    for folder in GENERATED:
        members += sorted(p for p in (repo / folder).rglob("*") if _released(p, repo))
    return members


def member_hashes(archive: Path) -> dict[str, str]:
    """sha256 of each member of a zip, by name: what tells which member of a release differs."""
    with zipfile.ZipFile(archive) as opened:
        return {
            name: hashlib.sha256(opened.read(name)).hexdigest()
            for name in sorted(opened.namelist())
        }


def _hash_differences(kind: str, recorded: dict[str, str], rebuilt: dict[str, str]) -> list[str]:
    """'<kind> <name>: ...' for each name whose hash differs or that only one side has."""
    differences = []
    for name in sorted(recorded.keys() | rebuilt.keys()):
        if name not in rebuilt:
            differences.append(f"{kind} {name}: in the release, missing from the rebuild")
        elif name not in recorded:
            differences.append(f"{kind} {name}: in the rebuild, not in the release")
        elif recorded[name] != rebuilt[name]:
            differences.append(f"{kind} {name}: {recorded[name]} released, {rebuilt[name]} rebuilt")
    return differences


def release_differences(recorded: dict, rebuilt: dict) -> list[str]:
    """What differs between a release record and the record of its rebuild: resources by
    hash, then zip members by hash where the record has them (records before 2.0.0 do not),
    then the zip as a whole when nothing more precise explains it."""
    differences = _hash_differences(
        "resource",
        {name: entry["hash"] for name, entry in recorded["resources"].items()},
        {name: entry["hash"] for name, entry in rebuilt["resources"].items()},
    )
    if "members" in recorded:
        differences += _hash_differences("member", recorded["members"], rebuilt["members"])
    if recorded["zip_sha256"] != rebuilt["zip_sha256"] and not differences:
        differences.append(
            f"zip: {recorded['zip_sha256']} released, {rebuilt['zip_sha256']} rebuilt (the "
            "release record has no per-member hashes: a member other than the resources, or "
            "the zip's layout, differs)"
        )
    return differences


class ReleaseDiffers(ValueError):
    """Rebuilding a released version did not give the bytes it was released with."""


def _build_artifact(repo: Path, dist: Path) -> tuple[Path, dict]:
    """Generate the views, write dist/<name>-<version>.zip and return it with its record
    (per resource hash, rows and schema; zip and per-member sha256)."""
    package = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    target = dist / f"{package['name']}-{package['version']}.zip"
    generate_views(repo)
    write_zip(repo, target, artifact_members(repo))
    record = record_of(repo)
    record["zip_sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    record["members"] = member_hashes(target)
    return target, record


def reproduce_release(repo: Path, dist: Path) -> str:
    """Rebuild the released version the package in `repo` has and verify it byte for byte
    against its record; raise ReleaseDiffers naming what differs."""
    version = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    target, rebuilt = _build_artifact(repo, dist)
    differences = release_differences(load_release(version), rebuilt)
    if differences:
        raise ReleaseDiffers(
            f"release {version} not reproduced: {target.name} differs from its record "
            f"(pipeline/releases/{version}.json): " + "; ".join(differences)
        )
    return (
        f"release {version} reproduced: identical ({target.name}, sha256 {rebuilt['zip_sha256']})"
    )


def make_release(repo: Path, dist: Path) -> str:
    """Release the version of the package in `repo`: a new version is checked, zipped into
    dist/<name>-<version>.zip and recorded; a version already released is rebuilt and
    verified against its record instead (never recorded again). Returns what was done."""
    version = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    if (RELEASES / f"{version}.json").exists():
        return reproduce_release(repo, dist)
    problems = check_version(repo)
    if problems:
        raise ValueError("; ".join(problems))
    target, record = _build_artifact(repo, dist)
    RELEASES.mkdir(exist_ok=True)
    (RELEASES / f"{version}.json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return f"released {target.name} (sha256 {record['zip_sha256']})"
