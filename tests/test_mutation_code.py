"""The arithmetic and bookkeeping of `make mutation-code` (tests/mutation_code.py), without
mutmut: names, the tally per module, the score, the sample's interval, the equivalent list."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.paths import REPO_ROOT
from tests import mutation_code

STATUS = {1: "killed", 0: "survived", 33: "no tests", 36: "timeout", -9: "segfault"}


def test_module_and_mutant_names_follow_mutmut():
    assert mutation_code.module_name("pipeline/extract/numbers.py") == "pipeline.extract.numbers"
    assert mutation_code.module_name("pipeline/site/__init__.py") == "pipeline.site"
    assert mutation_code.mutant_module(
        "pipeline.extract.hedges.xǁHedgesǁqualifier_of__mutmut_3"
    ) == ("pipeline.extract.hedges")
    assert mutation_code.mutant_module("pipeline.site.x_generate__mutmut_1") == "pipeline.site"


def test_the_tally_counts_each_status_per_module_and_the_rest_as_other():
    codes = {"a.x_f__mutmut_1": 1, "a.x_f__mutmut_2": 0, "a.x_f__mutmut_3": 36}
    codes |= {"b.x_g__mutmut_1": 33, "b.x_g__mutmut_2": -9, "b.x_g__mutmut_3": 0}
    tally = mutation_code.tally(codes, {"b.x_g__mutmut_3": "why"}, STATUS)
    assert tally == {
        "a": Counter(killed=1, survived=1, timeout=1),
        "b": Counter({"no tests": 1, "other": 1, "equivalent": 1}),
    }


def test_the_score_counts_timeouts_as_killed_and_leaves_equivalents_out():
    assert mutation_code.score(Counter(killed=6, timeout=2, survived=2, equivalent=5)) == 80.0
    assert mutation_code.score(Counter({"killed": 1, "no tests": 1, "other": 2})) == 25.0
    assert mutation_code.score(Counter(equivalent=3)) == 100.0


@pytest.mark.parametrize(
    ("killed", "judged", "low", "high"),
    [(93, 100, 86.25, 96.57), (69, 100, 59.37, 77.23), (10, 10, 72.25, 100.0), (0, 10, 0.0, 27.75)],
)
def test_the_wilson_interval(killed, judged, low, high):
    got = mutation_code.wilson_interval(killed, judged)
    assert got == pytest.approx((low, high), abs=0.01)
    p = killed / judged
    assert got[0] <= 100 * p <= got[1]


def test_no_mutant_judged_is_the_whole_interval():
    assert mutation_code.wilson_interval(0, 0) == (0.0, 100.0)


def test_the_report_gives_a_row_per_module_and_the_total(capsys):
    total = mutation_code.report({"b": Counter(killed=1), "a": Counter(killed=3, survived=1)})
    assert total == Counter(killed=4, survived=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "| module | mutants | killed | timeout | survived | no tests | equivalent | other "
        "| score % |"
    )
    assert lines[2:] == [
        "| a | 4 | 3 | 0 | 1 | 0 | 0 | 0 | 75.0 |",
        "| b | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 100.0 |",
        "| all | 5 | 4 | 0 | 1 | 0 | 0 | 0 | 80.0 |",
    ]


def test_every_equivalent_mutant_gives_its_reason_and_names_a_module_of_pipeline():
    listed = mutation_code.equivalent_mutants()
    assert listed
    for mutant, reason in listed.items():
        assert reason.strip(), mutant
        module = mutation_code.mutant_module(mutant)
        path = REPO_ROOT / (module.replace(".", "/") + ".py")
        package = REPO_ROOT / module.replace(".", "/") / "__init__.py"
        assert path.is_file() or package.is_file(), mutant


def test_an_equivalent_mutant_listed_twice_stops_the_run(tmp_path, monkeypatch):
    listed = tmp_path / "equivalent_mutants.yaml"
    entry = "- mutant: pipeline.sources.text.x_f__mutmut_1\n  reason: same\n"
    listed.write_text(entry * 2, encoding="utf-8")
    monkeypatch.setattr(mutation_code, "EQUIVALENT", listed)
    with pytest.raises(SystemExit, match="a mutant is listed twice"):
        mutation_code.equivalent_mutants()


def test_the_interval_narrows_with_the_sample():
    widths = [
        high - low
        for low, high in (mutation_code.wilson_interval(n * 9 // 10, n) for n in (100, 300, 1000))
    ]
    assert widths[0] > widths[1] > widths[2]
