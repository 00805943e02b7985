"""`make mutation-code [MODULES=...]`: mutation testing of the code with mutmut, then the score
per module.

mutmut (configured in pyproject.toml, [tool.mutmut]) copies the checkout into mutants/, makes
every mutant of the files under pipeline/ (one small change each: an operator, a constant, a
string, a removed argument) and runs, for each, the tests that reach the mutated function. A
mutant is killed when a test fails; it survives when every test passes. Results stay in mutants/,
so a second run only tests what changed.

Score of a module = (killed + timeout) / (mutants - equivalent), where equivalent mutants are
those listed in tests/equivalent_mutants.yaml with the reason no test can tell them from the
code (for example a default argument changed to the value every caller passes). The run fails
when the score of the modules it ran is below MINIMUM_SCORE or an equivalent mutant listed for
them no longer exists.

With SAMPLE=N (`make mutation-code SAMPLE=100`), only N mutants drawn at random (seed
SAMPLE_SEED, default 0, so a run of the same code can be repeated) from every mutant of the
modules are run, and the score is reported with its 95% Wilson interval. The whole of pipeline/
has about 13,600 mutants, days of testing on two cores; 100 of them take about half an hour
here and bound the score within about 8 points (300: about 5 points, in about 1 h 40). mutmut
runs every mutant it is given by name again, so a sample run does not resume; the sample
changes when the code does (it is drawn from the list of all mutants).

Run from the repository root in the environment that has mutmut (.venv-mutation):
    python tests/mutation_code.py pipeline/extract/locate.py pipeline/extract/hedges.py
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tests" / "equivalent_mutants.yaml"
MINIMUM_SCORE = 90.0
COUNTED = ("killed", "timeout", "survived", "no tests", "equivalent", "other")


def module_name(path: str) -> str:
    """'pipeline/extract/numbers.py' -> 'pipeline.extract.numbers' (mutmut's mutant prefix)."""
    name = Path(path).with_suffix("").as_posix().replace("/", ".")
    return name.removesuffix(".__init__")


def mutant_module(mutant: str) -> str:
    """'pipeline.extract.hedges.xǁHedgesǁqualifier_of__mutmut_3' -> 'pipeline.extract.hedges'
    (a mutated function's name has no dot)."""
    return mutant.rsplit(".", 1)[0]


def equivalent_mutants() -> dict[str, str]:
    entries = yaml.safe_load(EQUIVALENT.read_text(encoding="utf-8")) or []
    listed = {entry["mutant"]: entry["reason"] for entry in entries}
    if len(listed) != len(entries):
        sys.exit(f"{EQUIVALENT}: a mutant is listed twice")
    return listed


def results(modules: list[str]) -> dict[str, int | None]:
    """Exit code of every mutant of `modules` from mutants/*.meta (None: not run)."""
    codes: dict[str, int | None] = {}
    for module in modules:
        meta = ROOT / "mutants" / (module + ".meta")
        if meta.exists():
            codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def tally(
    codes: dict[str, int | None], equivalent: dict[str, str], status_of: Mapping[int | None, str]
) -> dict[str, Counter]:
    """Mutants per status per module; `status_of` is mutmut's status of an exit code."""
    by_module: dict[str, Counter] = {}
    for mutant, code in codes.items():
        status = "equivalent" if mutant in equivalent else status_of[code]
        if status not in COUNTED:
            status = "other"
        by_module.setdefault(mutant_module(mutant), Counter())[status] += 1
    return by_module


def score(counts: Counter) -> float:
    judged = sum(counts.values()) - counts["equivalent"]
    return 100.0 * (counts["killed"] + counts["timeout"]) / judged if judged else 100.0


def wilson_interval(killed: int, judged: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval (in %) of a proportion estimated from a sample (Wilson score interval)."""
    if not judged:
        return 0.0, 100.0
    p = killed / judged
    centre = (p + z * z / (2 * judged)) / (1 + z * z / judged)
    half = (
        z * math.sqrt(p * (1 - p) / judged + z * z / (4 * judged * judged)) / (1 + z * z / judged)
    )
    return 100.0 * (centre - half), 100.0 * (centre + half)


def report(by_module: dict[str, Counter]) -> Counter:
    print("| module | mutants | " + " | ".join(COUNTED) + " | score % |")
    print("|---" * (len(COUNTED) + 3) + "|")
    total: Counter = Counter()
    for module, counts in sorted(by_module.items()):
        total += counts
        cells = " | ".join(str(counts[s]) for s in COUNTED)
        print(f"| {module} | {sum(counts.values())} | {cells} | {score(counts):.1f} |")
    cells = " | ".join(str(total[s]) for s in COUNTED)
    print(f"| all | {sum(total.values())} | {cells} | {score(total):.1f} |")
    return total


def _record_hit(name: str, caller: str | None = None) -> None:
    """mutmut's record of which test reaches a function (mutmut.stats.record_trampoline_hit,
    same rules), made affordable: a function already reached by the running test is not traced
    again, and each file is classified once. mutmut's own walk resolves the path of every frame
    on every call (hours for this suite, whose builds call the text functions millions of
    times) and fails on the frames of a module being imported, which are no files."""
    from mutmut.configuration import config
    from mutmut.state import state

    stats, settings = state(), config()
    if name not in stats._stats and settings.max_stack_depth != -1:
        frame, left = sys._getframe(1), settings.max_stack_depth
        while left and frame:
            kind = _frame_kind(frame.f_code.co_filename)
            frame = frame.f_back
            if kind == "test runner":
                break
            left -= kind == "mutated code"
        if not left:
            return
    stats._stats.add(name)
    if caller is not None and settings.track_dependencies:
        stats.function_dependencies[name].add(caller)


@cache
def _frame_kind(filename: str) -> str:
    if any(runner in filename for runner in ("pytest", "hammett", "unittest")):
        return "test runner"
    path = Path(filename)
    if not path.is_file():  # "<frozen importlib._bootstrap>", "<string>"
        return "other"
    from mutmut.configuration import config

    roots = config().resolved_mutated_source_paths
    return "mutated code" if any(root in path.resolve().parents for root in roots) else "other"


def mutant_names(modules: list[str]) -> list[str]:
    """Every mutant of `modules`: mutmut's generation step alone (it writes mutants/*.meta)."""
    from mutmut import configuration
    from mutmut.__main__ import create_mutants
    from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths

    prepare(modules)
    configuration.config().only_mutate = modules
    copy_src_dir()
    copy_also_copy_files()
    setup_source_paths()
    create_mutants(os.cpu_count() or 1)
    return sorted(results(modules))


def refresh_data_files() -> None:
    """mutmut copies a file of pipeline/ into mutants/ only when mutants/ lacks it (it remakes
    only the changed .py files): the declarations, CSS and JS are copied again, so that a run
    tests today's and not those of the run that made mutants/."""
    for path in (ROOT / "pipeline").rglob("*"):
        target = ROOT / "mutants" / path.relative_to(ROOT)
        data = path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
        if data and path.is_file() and target.parent.is_dir():
            shutil.copy2(path, target)


def prepare(modules: list[str]) -> None:
    """mutants/ for `modules`: emptied when it holds another selection (mutated and unmutated
    copies of other files), marked with this one, its data files copied again."""
    os.chdir(ROOT)
    marker = ROOT / "mutants" / "modules.txt"
    wanted = "\n".join(modules) + "\n"
    if marker.exists() and marker.read_text(encoding="utf-8") != wanted:
        shutil.rmtree(ROOT / "mutants")
    marker.parent.mkdir(exist_ok=True)
    marker.write_text(wanted, encoding="utf-8")
    refresh_data_files()


def run_mutmut(modules: list[str], names: list[str]) -> int:
    """mutmut's `run` in this process, with only `modules` mutated: the other files are copied
    as they are, so they cost nothing and run untraced. (mutmut reads `only_mutate` from
    pyproject.toml only; the run forks from this process, so its children see the setting.)"""
    from mutmut import configuration
    from mutmut.__main__ import _run
    from mutmut.mutation import trampoline

    prepare(modules)
    configuration.config().only_mutate = modules
    trampoline.record_trampoline_hit = _record_hit
    try:
        _run(names, os.cpu_count() or 1)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            return int(stop.code) if isinstance(stop.code, int) else 1
    return 0


def main(argv: list[str]) -> int:
    files = argv or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pipeline").rglob("*.py"))
    modules = [f for f in files if f.endswith(".py")]
    names = [module_name(f) + ".x*" for f in modules]
    sample = int(os.environ.get("SAMPLE") or 0)
    if sample:
        everything = mutant_names(modules)
        names = sorted(
            random.Random(int(os.environ.get("SAMPLE_SEED") or 0)).sample(
                everything, min(sample, len(everything))
            )
        )
        print(f"a sample of {len(names)} of the {len(everything)} mutants of {len(modules)} files")
    if (code := run_mutmut(modules, names)) != 0:
        print(f"mutmut stopped (exit status {code}); see its output above", file=sys.stderr)
        return code
    codes = results(modules)
    equivalent = equivalent_mutants()
    stale = sorted(
        m for m in equivalent if mutant_module(m) in map(module_name, modules) and m not in codes
    )
    if sample:
        codes = {name: codes[name] for name in names}
    from mutmut.stats import status_by_exit_code  # here: the tests import this file without it

    total = report(tally(codes, equivalent, status_by_exit_code))
    if sample:
        judged = sum(total.values()) - total["equivalent"]
        low, high = wilson_interval(total["killed"] + total["timeout"], judged)
        print(f"score of the sample {score(total):.1f}%, 95% interval {low:.1f}% to {high:.1f}%")
    if stale:
        print(f"{EQUIVALENT}: listed but no such mutant: {', '.join(stale)}", file=sys.stderr)
        return 1
    if total["other"] or score(total) < MINIMUM_SCORE:
        print(f"mutation score {score(total):.1f}% (minimum {MINIMUM_SCORE}%)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
