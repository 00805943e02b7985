"""Benchmark: medians of `make build` (forced, warm: the asset definitions invoked in the
graph's order), `make build` with nothing changed, the same graph through Dagster's executor
(in process with an ephemeral instance, and `dagster asset materialize` of the whole graph,
which stores its run) and the import of the stack, interleaved in one run so that they see the
same machine. Reports ratios to the import time; asserts nothing.

    make bench            # or: python tests/benchmark.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMPORTS = "import dagster, pandas, pandera.pandas, frictionless"
DAGSTER_RUN = (
    "from dagster import DagsterInstance, mem_io_manager\n"
    "from pipeline.assets.resources import PathsResource\n"
    "from pipeline.definitions import defs\n"
    "from pipeline.paths import Paths\n"
    "result = defs.resolve_implicit_global_asset_job_def().execute_in_process(\n"
    "    instance=DagsterInstance.ephemeral(),\n"
    "    resources={'paths': PathsResource.of(Paths.from_env()), 'io_manager': mem_io_manager},\n"
    "    run_config={'loggers': {'console': {'config': {'log_level': 'CRITICAL'}}}})\n"
    "assert result.success\n"
)
SCRATCH = Path(tempfile.mkdtemp(prefix="bench-"))  # the package of the Dagster runs
COMMANDS = {
    "import of the stack": [sys.executable, "-c", IMPORTS],
    "make build (forced)": ["make", "-s", "build", "FORCE=1"],
    "make build (up to date)": ["make", "-s", "build"],
    "Dagster executor, in process": [sys.executable, "-c", DAGSTER_RUN],
    "dagster asset materialize --select '*'": [
        str(Path(sys.executable).parent / "dagster"),
        *("asset", "materialize", "-m", "pipeline.definitions", "--select", "*"),
    ],
}
# The Dagster runs publish into a scratch folder, not the repository's package.
SCRATCH_ENV = {"CLM_OUT_DIR": str(SCRATCH), "DAGSTER_HOME": str(SCRATCH / "dagster_home")}


def wall(command: list[str], env: dict) -> float:
    if not command[0].startswith("make"):
        env = {**env, **SCRATCH_ENV}
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    (SCRATCH / "dagster_home").mkdir()
    (SCRATCH / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):  # interleaved: every command sees the same load
        for name, command in COMMANDS.items():
            times[name].append(wall(command, env))
    base = statistics.median(times["import of the stack"])
    print(f"medians of {runs} interleaved runs; ratio to `python -c '{IMPORTS}'`")
    print("| command | median (s) | ratio | runs (s) |")
    print("|---|---|---|---|")
    for name, found in times.items():
        median = statistics.median(found)
        runs_text = ", ".join(f"{t:.2f}" for t in found)
        print(f"| {name} | {median:.2f} | {median / base:.2f}x | {runs_text} |")


if __name__ == "__main__":
    main()
