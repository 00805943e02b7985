"""Command line: `python -m pipeline build` materializes the whole asset graph in-process;
`python -m pipeline snapshot` re-records the raw checksums after an intentional change."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline import paths, snapshot

DAGSTER_YAML = "telemetry:\n  enabled: false\n"


def _dagster_home() -> None:
    os.environ.setdefault("DAGSTER_HOME", str(paths.REPO_ROOT / ".dagster_home"))
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")


def _error_message(error) -> str:
    """The innermost error raised by our code, without Dagster's wrapping."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip().split(": ", 1)[-1] if error.cls_name else error.message.strip()


def build(record: bool = False) -> int:
    """Materialize the whole graph. By default the run lives in memory (the SQLite instance
    costs about 5 s here); with `record` it is stored in DAGSTER_HOME for `dagster dev`."""
    _dagster_home()
    from dagster import AssetCheckSeverity, DagsterInstance, mem_io_manager

    from pipeline.definitions import defs

    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=DagsterInstance.get() if record else DagsterInstance.ephemeral(),
        resources=None if record else {"io_manager": mem_io_manager},
        raise_on_error=False,
        # Our one-line message is what a user reads; full logs stay in the run (dagster dev).
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    failures = [
        f"step {event.step_key}: {_error_message(event.event_specific_data.error)}"
        for event in result.all_events
        if event.event_type_value == "STEP_FAILURE"
        # a failed blocking check also fails its step; the check itself is reported below
        and event.event_specific_data.error.cls_name != "DagsterAssetCheckFailedError"
    ] + [
        f"check {evaluation.check_name} failed: {evaluation.description}"
        for evaluation in result.get_asset_check_evaluations()
        # A WARN check is a known discrepancy of the sources: published, not fatal.
        if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR
    ]
    if failures or not result.success:
        for message in failures or ["the run failed; see `dagster dev` for its logs"]:
            print(f"build failed: {message}", file=sys.stderr)
        print("nothing was published: curated/ and datapackage.json are unchanged", file=sys.stderr)
        return 1
    print(f"built and published to {paths.out_dir()}")
    return 0


def record_snapshot() -> int:
    changed = snapshot.record(paths.raw_dir())
    for path in changed:
        print(f"changed: {path}")
    print(f"{len(changed)} file(s) changed; checksums recorded in raw/{snapshot.MANIFEST_NAME}")
    return 0


def dev() -> int:
    """Start the Dagster UI on this project's graph and instance."""
    _dagster_home()
    os.execvp("dagster", ["dagster", "dev", "-m", "pipeline.definitions"])


def release() -> int:
    """Write dist/<name>-<version>.zip and record the release; refuse an existing version."""
    from pipeline import release as releases

    try:
        target = releases.make_release(paths.REPO_ROOT, paths.REPO_ROOT / "dist")
    except ValueError as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    print(f"released {target.relative_to(paths.REPO_ROOT)}")
    return 0


def docs() -> int:
    """Run the consumer-side expectation suites and write Great Expectations Data Docs."""
    from pipeline import consumer_checks

    results = consumer_checks.run(paths.REPO_ROOT, paths.REPO_ROOT / "build-docs")
    for name, success in results.items():
        print(f"{'passed' if success else 'FAILED'}: {name}")
    print(f"Data Docs: {paths.REPO_ROOT / 'build-docs' / 'index.html'}")
    return 0 if all(results.values()) else 1


COMMANDS = {
    "build": build,
    "build-recorded": lambda: build(record=True),
    "snapshot": record_snapshot,
    "dev": dev,
    "release": release,
    "docs": docs,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline")
    parser.add_argument("command", choices=sorted(COMMANDS))
    return COMMANDS[parser.parse_args(argv).command]()


if __name__ == "__main__":
    sys.exit(main())
