"""The command lines of the site, the exports and the release (`make site`, `make exports`,
`make release`), run in this process: their defaults, their options and what they print."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from pipeline import __main__ as pipeline_cli
from pipeline import buildlock, exports, published, release
from pipeline.paths import REPO_ROOT
from pipeline.site import __main__ as site_cli

PACKAGE = published.Package.load(REPO_ROOT)


def package_only(target: Path) -> Path:
    """The published package alone (descriptor and curated/), without raw/."""
    target.mkdir()
    shutil.copyfile(REPO_ROOT / published.DESCRIPTOR, target / published.DESCRIPTOR)
    shutil.copytree(REPO_ROOT / "curated", target / "curated")
    return target


def test_site_defaults_are_the_repository_and_its_site_folder():
    args = site_cli.arguments().parse_args([])
    assert (args.package, args.sources_root, args.out) == (REPO_ROOT, None, REPO_ROOT / "site")


def test_site_of_another_package_with_its_sources_root(tmp_path, capsys):
    package, out = package_only(tmp_path / "package"), tmp_path / "site"
    argv = ["--package", str(package), "--sources-root", str(REPO_ROOT), "--out", str(out)]
    assert site_cli.main(argv) == 0
    pages = 1 + len(PACKAGE.tables) + len(list((out / "sources").glob("*.html")))
    assert capsys.readouterr().out == (
        f"site: {pages} pages in {out} (open {out / 'index.html'})\n"
    )
    assert (out / "index.html").is_file()


def test_site_sources_root_defaults_to_the_package(tmp_path):
    """Without --sources-root the raw files are looked for in the package folder: a package
    without raw/ fails before anything is written."""
    package, out = package_only(tmp_path / "package"), tmp_path / "site"
    with pytest.raises(FileNotFoundError, match="raw"):
        site_cli.main(["--package", str(package), "--out", str(out)])
    assert not out.exists()


def test_exports_defaults_are_the_repository_and_exports():
    args = exports.arguments().parse_args([])
    assert (args.package, args.out) == (REPO_ROOT, REPO_ROOT / "exports")


def test_exports_names_every_file_it_writes(tmp_path, capsys):
    out = tmp_path / "exports"
    assert exports.main(["--package", str(REPO_ROOT), "--out", str(out)]) == 0
    written = [line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()]
    expected = [out / exports.database_name(PACKAGE)]
    expected += [out / exports.PARQUET_DIR / f"{t.name}.parquet" for t in PACKAGE.tables]
    assert written == [str(path) for path in expected]
    assert all(path.is_file() for path in expected)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (release.ReleaseDiffers("release 1.0.0 differs: curated/facts.csv"), ""),
        (ValueError("version 2.0.0 has no CHANGELOG entry"), "release refused: "),
    ],
)
def test_a_release_that_fails_says_why(monkeypatch, capsys, error, message):
    def make_release(*_args):
        raise error

    monkeypatch.setattr(release, "make_release", make_release)
    monkeypatch.setattr(buildlock, "held", lambda _folder: contextlib.nullcontext())
    assert pipeline_cli.main(["release"]) == 1
    assert capsys.readouterr().err == f"{message}{error}\n"


def test_a_release_prints_what_it_did(monkeypatch, capsys):
    held = []
    monkeypatch.setattr(release, "make_release", lambda repo, dist: f"wrote {dist.name}")
    monkeypatch.setattr(
        buildlock, "held", lambda folder: held.append(folder) or contextlib.nullcontext()
    )
    assert pipeline_cli.main(["release"]) == 0
    assert capsys.readouterr().out == "wrote dist\n"
    assert held == [REPO_ROOT]
