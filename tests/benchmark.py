"""Benchmark: median wall time of `make build` (warm environment) and of importing the stack,
and where one build spends its time (per Dagster step). Reports; asserts nothing.

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


def wall(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(runs: int, command: list[str], env: dict | None = None) -> tuple[float, list]:
    times = [wall(command, env) for _ in range(runs)]
    return statistics.median(times), times


def step_durations() -> list[tuple[str, float]]:
    """Duration of each step of one in-process build (as `make build` runs it) into a
    temporary folder."""
    with tempfile.TemporaryDirectory() as out:
        os.environ["CLM_OUT_DIR"] = out
        from dagster import DagsterInstance, mem_io_manager

        from pipeline.definitions import defs

        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=DagsterInstance.ephemeral(),
            resources={"io_manager": mem_io_manager},
            raise_on_error=True,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
        return sorted(
            (
                (e.step_key, e.event_specific_data.duration_ms / 1000)
                for e in result.all_events
                if e.event_type_value == "STEP_SUCCESS"
            ),
            key=lambda item: -item[1],
        )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    build, build_runs = median_of(runs, ["make", "-s", "build"], env)
    imports, import_runs = median_of(runs, [sys.executable, "-c", IMPORTS], env)
    print(
        f"make build: median {build:.2f} s over {runs} runs "
        f"({', '.join(f'{t:.2f}' for t in build_runs)})"
    )
    print(
        f"python -c '{IMPORTS}': median {imports:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in import_runs)})"
    )
    steps = step_durations()
    print(f"steps of one in-process build: {sum(d for _, d in steps):.2f} s in all")
    for key, seconds in steps[:8]:
        print(f"  {key}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
