"""The autograder (`python -m helpers.grading`) on notebooks made for each case: it grades in
fresh processes, so nothing a learner's code does reaches the verdict, and it always answers."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import grading

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks" / "exercises" / "source" / "shortcuts" / "exercises.ipynb"


def answers():
    notebook = json.loads(SOURCE.read_text())
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in notebook["cells"]
            if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}


def notebook_with(folder, **changed):
    notebook = json.loads(SOURCE.read_text())
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in changed:
            cell["source"] = changed[grade_id]
    path = folder / "exercises.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def grade(folder, exercise):
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "helpers.grading", exercise], cwd=folder, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    score = float(done.stdout.rsplit("score: ", 1)[1].split()[0])
    return score, done.stdout, time.perf_counter() - started


def test_the_preamble_is_what_the_notebooks_locked_cells_define():
    notebook = json.loads(SOURCE.read_text())
    locked = "\n".join("".join(c["source"]) for c in notebook["cells"]
                       if c["metadata"].get("nbgrader", {}).get("grade_id") in ("setup", "broken"))
    for line in grading.PREAMBLE.strip().splitlines():
        assert line in locked.splitlines(), line


def test_every_answer_cell_is_graded():
    assert set(grading.EXERCISES) == set(answers()) == set(grading.ANSWER_CELLS)


@pytest.mark.parametrize("exercise", ["forward", "fix"])
def test_the_solution_gets_full_marks(tmp_path, exercise):
    notebook_with(tmp_path)
    score, report, _ = grade(tmp_path, exercise)
    assert score == grading.EXERCISES[exercise]["points"], report
    assert "all passed" in report


def test_patching_the_checks_in_the_answer_changes_nothing(tmp_path):
    patch = ("helpers.answers.Verdict.score = property(lambda self: 99)\n"
             "helpers.checks.judge_layer_sizes_fix = lambda *a: None\n")
    notebook_with(tmp_path, fix=patch + "fixed_sizes = [3, 4, 4, 4, 4, 1]\n")
    score, report, _ = grade(tmp_path, "fix")
    assert score == 1, report  # what the answer earns, whatever it patched in its own process
    assert "layers 0 change it" in report


def test_an_answer_cell_that_never_ends_is_stopped(tmp_path):
    notebook_with(tmp_path, fix="while True:\n    pass\n")
    score, report, seconds = grade(tmp_path, "fix")
    assert score == 0 and f"did not finish within {grading.CELL_SECONDS:g} s" in report, report
    assert seconds < grading.WORKER_SECONDS + 10


def test_an_answer_that_swallows_every_interruption_is_stopped_by_the_worker_limit(tmp_path):
    stubborn = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n"
    notebook_with(tmp_path, fix=stubborn)
    score, report, seconds = grade(tmp_path, "fix")
    assert score == 0 and f"did not finish within {grading.WORKER_SECONDS:g} s" in report, report
    assert seconds < grading.WORKER_SECONDS + 10


def test_an_answer_that_ends_python_gets_a_verdict(tmp_path):
    notebook_with(tmp_path, fix="import os\nos._exit(0)\n")
    score, report, _ = grade(tmp_path, "fix")
    assert score == 0 and "stopped Python itself" in report, report


def test_an_earlier_broken_answer_does_not_cost_a_later_exercise(tmp_path):
    notebook_with(tmp_path, forward="this is not python\n", fastest="raise SystemExit\n")
    score, report, _ = grade(tmp_path, "fix")
    assert score == 2, report


def test_an_error_in_the_answer_cell_is_named(tmp_path):
    notebook_with(tmp_path, fix="fixed_sizes = [3, 3, 3, 3, 3, 1\n")
    score, report, _ = grade(tmp_path, "fix")
    assert score == 0 and "SyntaxError" in report, report


def test_bad_usage_is_refused(tmp_path):
    done = subprocess.run([sys.executable, "-m", "helpers.grading", "nonsense"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2 and "EXERCISE: one of forward, gradient_means, fastest, depth, fix" in done.stderr
    done = subprocess.run([sys.executable, "-m", "helpers.grading", "fix"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "no exercises notebook (with an answer cell 'forward') in" in done.stderr
