"""Command line: `python -m pipeline build` runs the asset graph (pipeline.definitions) and
publishes the package (or says it is up to date); `build-recorded` runs the same graph through
Dagster's executor and stores the run for the UI; `snapshot` re-records the raw checksums after
an intentional change; `new-source` adds a source document and `todo` lists the numbers of the
documents that nothing publishes or skips, with drafts of the declarations that would
(pipeline/todo.py)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import buildlock, stamp, todo
from pipeline.errors import SourceError
from pipeline.package import journal
from pipeline.paths import REPO_ROOT, Paths

if TYPE_CHECKING:  # Dagster is imported only when there is something to build
    from dagster._utils.error import SerializableErrorInfo


DAGSTER_YAML = "telemetry:\n  enabled: false\n"


def _dagster_home() -> None:
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home"))
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")


def _error_message(error: SerializableErrorInfo) -> str:
    """The innermost error raised by our code, without Dagster's wrapping."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip().split(": ", 1)[-1] if error.cls_name else error.message.strip()


def _failed(message: str) -> int:
    print(f"build failed: {message}", file=sys.stderr)
    print("nothing was published: curated/ and datapackage.json are unchanged", file=sys.stderr)
    return 1


def _failed_build(paths: Paths, error: Exception) -> int:
    stamp.forget(paths)
    return _failed(str(error))


def build(paths: Paths, force: bool = False, wait: bool = True) -> int:
    """One build at a time per output folder: wait for the build lock (or, with wait=False,
    refuse at once), then build under it."""
    try:
        with buildlock.held(paths.out_dir, wait=wait):
            return _build_locked(paths, force)
    except buildlock.Busy as error:
        print(f"build refused: {error}", file=sys.stderr)
        return buildlock.EXIT_BUSY


def _recover(paths: Paths) -> int | None:
    """Complete or remove what an interrupted build left; a failure code if that fails."""
    try:
        for done in journal.recover(paths.out_dir):
            print(f"recovered: {done}", file=sys.stderr)
    except (journal.JournalError, OSError) as error:
        return _failed(f"could not recover an interrupted publish: {error}")
    return None


def _build_locked(paths: Paths, force: bool) -> int:
    """Run the asset graph and publish, unless nothing changed since the last successful build.
    The stamp is checked under the lock: a build that waited finds the package the other one
    published. Dagster is imported only when there is something to build."""
    if (failed := _recover(paths)) is not None:
        return failed
    if not force and stamp.up_to_date(paths):
        print(f"up to date: nothing changed since the last successful build of {paths.out_dir}")
        return 0
    inputs = stamp.inputs_digest(paths)
    from pipeline.sources import snapshot

    try:
        # Raw files are verified before the stack is imported: bad input fails in a blink.
        raw = snapshot.take(paths.raw_dir)
    except SourceError as error:
        return _failed_build(paths, error)
    from pipeline import graph
    from pipeline.assets.checks import CheckFailed
    from pipeline.reconcile import RuleError

    try:
        graph.build(paths, raw)
    except (SourceError, RuleError, CheckFailed) as error:
        return _failed_build(paths, error)
    stamp.record(paths, inputs)
    print(f"built and published to {paths.out_dir}")
    return 0


def build_recorded(paths: Paths, wait: bool = True) -> int:
    """Materialize the asset graph through Dagster's executor and store the run in
    DAGSTER_HOME, so `make dev` shows it with every check's metadata; under the build lock."""
    try:
        with buildlock.held(paths.out_dir, wait=wait):
            return _recover(paths) or _build_recorded_locked(paths)
    except buildlock.Busy as error:
        print(f"build refused: {error}", file=sys.stderr)
        return buildlock.EXIT_BUSY


def _build_recorded_locked(paths: Paths) -> int:
    _dagster_home()
    from dagster import DagsterInstance

    from pipeline.definitions import PathsResource, defs

    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=DagsterInstance.get(),
        resources={"paths": PathsResource.of(paths)},
        raise_on_error=False,
        # Our one-line message is what a user reads; full logs stay in the run (dagster dev).
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    failures = [
        f"step {event.step_key}: {_error_message(error)}"
        for event in result.all_events
        if event.event_type_value == "STEP_FAILURE"
        and (error := event.step_failure_data.error) is not None
    ]
    if failures or not result.success:
        # The first failure is the cause; later steps that read the same text fail alike.
        return _failed(failures[0] if failures else "the run failed; see `make dev`")
    stamp.forget(paths)  # the stamp vouches only for builds it recorded
    print(f"built, published to {paths.out_dir} and recorded in {os.environ['DAGSTER_HOME']}")
    return 0


def record_snapshot() -> int:
    from pipeline.sources import snapshot

    changed = snapshot.record(Paths.from_env().raw_dir)
    for path in changed:
        print(f"changed: {path}")
    print(f"{len(changed)} file(s) changed; checksums recorded in raw/{snapshot.MANIFEST_NAME}")
    return 0


def dev() -> int:
    """Start the Dagster UI on this project's graph and instance."""
    _dagster_home()
    os.execvp("dagster", ["dagster", "dev", "-m", "pipeline.definitions"])


def release() -> int:
    """Write dist/<name>-<version>.zip and record the release; for a version already released,
    rebuild it and verify it byte for byte against its record."""
    from pipeline.package import release as releases

    try:
        with buildlock.held(REPO_ROOT):  # the package cannot change while it is read
            done = releases.make_release(REPO_ROOT, REPO_ROOT / "dist")
    except releases.ReleaseDiffers as error:
        print(str(error), file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    print(done)
    return 0


def docs() -> int:
    """Run the consumer-side expectation suites and write Great Expectations Data Docs."""
    from pipeline.package import expectations

    results = expectations.run(REPO_ROOT, REPO_ROOT / "build-docs")
    for name, success in results.items():
        print(f"{'passed' if success else 'FAILED'}: {name}")
    print(f"Data Docs: {REPO_ROOT / 'build-docs' / 'index.html'}")
    return 0 if all(results.values()) else 1


def new_source(paths: Paths, file: Path, document_id: str) -> int:
    """Copy a file into raw/ with its manifest entry and make its declarations folder."""
    from pipeline.extract import new_declarations
    from pipeline.sources import new_source as sources

    try:
        sources.refuse(paths.raw_dir, file, document_id)  # everything checked before a change
        new_declarations.folder_of(paths.declarations_dir, document_id)
        added = sources.add(paths.raw_dir, file, document_id)
        made = new_declarations.create(paths.declarations_dir, document_id)
    except SourceError as error:
        print(f"new-source refused: {error}", file=sys.stderr)
        return 1
    entry = added.entry
    print(
        f"copied {file} to {entry['raw_path']} ({entry['bytes']} bytes, sha256 {entry['sha256']})"
    )
    flagged = ", ".join(added.flagged)
    print(f"appended its entry to raw/manifest.yaml; to review (marked TODO): {flagged}")
    names = ", ".join(path.name for path in made)
    print(f"created {made[0].parent}/ ({names}, empty), listed last in sources.yaml")
    print(f"next: python -m pipeline todo {document_id}")
    return 0


COMMANDS = {
    "build": lambda args: build(Paths.from_env(), force=args.force, wait=not args.no_wait),
    "build-recorded": lambda args: build_recorded(Paths.from_env(), wait=not args.no_wait),
    "snapshot": lambda args: record_snapshot(),
    "dev": lambda args: dev(),
    "release": lambda args: release(),
    "docs": lambda args: docs(),
    "todo": lambda args: todo.run(Paths.from_env(), args.document_id),
    "new-source": lambda args: new_source(Paths.from_env(), Path(args.file), args.id),
}


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    no_wait = argparse.ArgumentParser(add_help=False)
    no_wait.add_argument(
        "--no-wait",
        action="store_true",
        help=f"fail at once (exit status {buildlock.EXIT_BUSY}) when another build of the same "
        "output folder is running, instead of waiting for it",
    )
    build_parser = commands.add_parser("build", parents=[no_wait], help="build and publish")
    build_parser.add_argument(
        "--force", action="store_true", help="build even when nothing changed since the last build"
    )
    commands.add_parser(
        "build-recorded", parents=[no_wait], help="build through Dagster's executor, recorded"
    )
    commands.add_parser("snapshot", help="record the checksums of raw/ in its manifest")
    commands.add_parser("dev", help="the Dagster UI")
    commands.add_parser("release", help="write (or verify) the release zip")
    commands.add_parser("docs", help="Great Expectations Data Docs")
    todo_parser = commands.add_parser(
        "todo",
        help="list the numbers nothing publishes or skips, and draft their declarations",
        description="List at once every number and date of a document (of every document "
        "without DOCUMENT_ID) that nothing publishes or skips, each with its file, line and "
        f"sentence, and write drafts of the declarations that would publish them to "
        f"{todo.DRAFTS}/<document_id>/ (facts.yaml, events.yaml, tables.yaml; rewritten by every "
        "run, read by nothing: edit them and move the entries into "
        "pipeline/declarations/sources/<document_id>/). The tables are evaluated in memory; a "
        "broken declaration of another document is left out. Exit status 0 when nothing is "
        "pending, 1 otherwise.",
    )
    todo_parser.add_argument("document_id", nargs="?", metavar="DOCUMENT_ID")
    new_parser = commands.add_parser(
        "new-source",
        help="add a source document to raw/ and its declarations folder",
        description="Copy FILE into raw/, append its manifest entry (sha256, bytes, and "
        "'not stated' for the metadata to review) and make its empty declarations folder.",
    )
    new_parser.add_argument("file", metavar="FILE")
    new_parser.add_argument("--id", required=True, metavar="DOCUMENT_ID", help="snake_case")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
