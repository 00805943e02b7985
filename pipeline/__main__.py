"""Command line: `python -m pipeline build` runs the asset graph (pipeline.definitions) and
publishes the package (or says it is up to date); `build-recorded` runs the same graph through
Dagster's executor and stores the run for the UI; `snapshot` re-records the raw checksums after
an intentional change; `new-source` adds a source document and `todo` lists the numbers of the
documents that nothing publishes or skips, with drafts of the declarations that would."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import buildlock, stamp
from pipeline.errors import SourceError
from pipeline.package import journal
from pipeline.paths import REPO_ROOT, Paths

if TYPE_CHECKING:  # Dagster is imported only when there is something to build
    from dagster._utils.error import SerializableErrorInfo

    from pipeline.reconcile.coverage import Unpublished
    from pipeline.reconcile.coverage.drafts import Drafts
    from pipeline.sources.snapshot import RawSnapshot

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


# --- todo: the numbers nothing publishes or skips, with drafts --------------------------------

DRAFTS = "drafts"  # beside the package: drafts/<document_id>/<kind>.yaml, for the maintainer
# Every evaluation runs in a process of its own: the declarations are read as the asset graph
# is defined, once a process, from the folder CLM_DECLARATIONS_DIR names.
EVALUATION = "import sys; from pipeline.__main__ import evaluate; evaluate(sys.argv[1])"


class TodoFailed(Exception):
    """The numbers could not be listed: an error no document's declarations explain."""


def evaluate(found: str) -> None:
    """Write to the file `found`, as JSON, every number nothing publishes or skips (document,
    line, column and pending rule), or the error that stopped the asset graph and its file."""
    from pipeline.assets.checks import CheckFailed
    from pipeline.reconcile import RuleError

    result: dict[str, object]
    try:
        from pipeline import graph  # defining the graph reads the declarations: may fail

        unpublished, dated = graph.unpublished(Paths.from_env())
        result = {
            name: [[u.token.document_id, u.token.line, u.token.column, u.rule] for u in found]
            for name, found in (("unpublished", unpublished), ("dated", dated))
        }
    except SourceError as error:
        result = {"error": str(error), "path": error.path}
    except (RuleError, CheckFailed) as error:
        result = {"error": str(error), "path": None}
    Path(found).write_text(json.dumps(result), encoding="utf-8")


def _evaluated(paths: Paths, declarations: Path, folder: Path) -> dict:
    """The result of `evaluate` in a new process reading the declarations of `declarations`."""
    found = folder / "found.json"
    roots = {
        "CLM_RAW_DIR": paths.raw_dir,
        "CLM_OUT_DIR": paths.out_dir,
        "CLM_DECLARATIONS_DIR": declarations,
        "CLM_SCHEMAS_DIR": paths.schemas_dir,
    }
    env = os.environ | {name: str(root.resolve()) for name, root in roots.items()}
    done = subprocess.run(
        [sys.executable, "-c", EVALUATION, str(found)],
        cwd=REPO_ROOT,  # where `-c` imports this pipeline from
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not found.exists():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise TodoFailed(f"the asset graph could not be evaluated: {last}")
    return json.loads(found.read_text(encoding="utf-8"))


def _unpublished_apart(
    paths: Paths, raw: RawSnapshot, document_id: str | None
) -> tuple[list[Unpublished], list[Unpublished], dict[str, str]]:
    """Every number nothing publishes or skips, those skipped as dates (an event may publish
    them), and the documents whose locators were left out, with the error that left each out:
    when the error of an evaluation names another document (its raw file or a file of its
    declarations), the graph is evaluated again without that document's locators
    (extract/views.py)."""
    from pipeline.extract import views

    left_out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="todo-") as temporary:
        while True:
            folder = Path(temporary) / str(len(left_out))
            folder.mkdir()
            declarations = paths.declarations_dir
            if left_out:
                declarations = views.without(declarations, left_out, folder / "declarations")
            found = _evaluated(paths, declarations, folder)
            if "unpublished" in found:
                break
            culprit = views.document_of(found["path"] or "", raw.paths)
            if culprit is None or culprit == document_id or culprit in left_out:
                raise TodoFailed(found["error"])
            left_out[culprit] = found["error"]
    return _tokens(raw, found["unpublished"]), _tokens(raw, found["dated"]), left_out


def _tokens(raw: RawSnapshot, found: list[list]) -> list[Unpublished]:
    """The numbers `evaluate` found (document, line, column, rule), as tokens of raw/."""
    from pipeline.reconcile.coverage import held_at

    return held_at(raw.documents, {(d, line, column): rule for d, line, column, rule in found})


def _write_drafts(paths: Paths, drafts: Drafts) -> list[Path]:
    """drafts/<document_id>/<kind>.yaml, the folder rewritten: the drafts of this run only."""
    folder = paths.out_dir / DRAFTS / drafts.document_id
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    written = []
    for name, text in drafts.files().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def todo(paths: Paths, document_id: str | None) -> int:
    """List at once every number of a document (of every document without one) that nothing
    publishes or skips, each with its line and sentence, and write drafts of the declarations
    that would publish them; 0 when nothing is pending."""
    from pipeline.extract import hedges
    from pipeline.reconcile.coverage import drafts
    from pipeline.sources import snapshot

    try:
        raw = snapshot.take(paths.raw_dir)
        if document_id is not None and document_id not in raw.documents:
            manifest = f"raw/{snapshot.MANIFEST_NAME}"
            raise SourceError(manifest, None, "a document of the manifest", document_id)
        unpublished, dated, left_out = _unpublished_apart(paths, raw, document_id)
        declared_hedges = hedges.load(paths.declarations_dir / hedges.HEDGES.name)
    except (SourceError, TodoFailed) as error:
        print(f"todo failed: {error}", file=sys.stderr)
        return 1
    for other, reason in left_out.items():
        print(f"{other}: locators left out, broken: {reason}", file=sys.stderr)
    wanted = [document_id] if document_id else [d for d in raw.documents if d not in left_out]
    listed = 0
    for wanted_id in wanted:
        items = [u for u in unpublished if u.token.document_id == wanted_id]
        dates = [u for u in dated if u.token.document_id == wanted_id]
        document = raw.documents[wanted_id]
        # A date skipped as a date is drafted too (an event, or a fact's period), not listed as
        # pending: nothing requires it published.
        made = drafts.draft(document, [u.token for u in items + dates], declared_hedges)
        if items:
            print(f"{wanted_id}: {len(items)} number(s) neither published nor skipped")
            print("\n".join(made.listed(document, items)))
        if dates:
            print(f"{wanted_id}: {len(dates)} date(s) skipped as dates, which an event may publish")
            print("\n".join(made.listed(document, dates, "skipped as a date by rule")))
        if written := _write_drafts(paths, made):
            names = ", ".join(path.name for path in written)
            print(
                f"drafts: {written[0].parent}/ ({names}): edit every TODO, move the entries into "
                f"the declarations of {wanted_id}, then run `python -m pipeline todo {wanted_id}`"
            )
        listed += len(items)
    if not listed:
        print(f"nothing pending: every number of {document_id or 'raw/'} is published or skipped")
    # Without an id, a document left out is one whose numbers are not known.
    return 1 if listed or (left_out and document_id is None) else 0


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
    "todo": lambda args: todo(Paths.from_env(), args.document_id),
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
        f"{DRAFTS}/<document_id>/ (facts.yaml, events.yaml, tables.yaml; rewritten by every "
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
