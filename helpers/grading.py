"""The autograder of the exercises: grade one exercise of a learner's notebook, trusting nothing
the learner's kernel can change.

    python -m helpers.grading EXERCISE [NOTEBOOK]

EXERCISE is one of `EXERCISES` (the nbgrader grade_id of its answer cell); NOTEBOOK defaults to
the exercises notebook in the current folder (where nbgrader runs the learner's kernel). It
prints the verdict, hint by hint, and last a line `score: S of P`.

How: this process (fresh, started from the autograded cell) reads the learner's answer cells
from the notebook file and builds the test cases. A second fresh process, the worker, runs the
set-up imports and the learner's answer cells in order (each under a time limit), runs the
answer on the cases (`checks.probe_*`) and hands back only plain data. This process judges that
data with values it computes itself (`checks.judge_*`). Nothing the learner's kernel did
(patched helpers, rebound names, changed torch settings) reaches either process, a worker that
hangs is stopped after `WORKER_SECONDS`, and the learner's code never sees the expected values.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from helpers import checks

# What the notebook's locked set-up cells define, run before the learner's answer cells.
PREAMBLE = """
import math

import torch
from torch import nn

import helpers

broken_sizes = [3, 4, 3, 4, 3, 1]
"""
# Answer cells (nbgrader grade_id) in notebook order; each exercise's answer is read from the
# names its cell defines.
ANSWER_CELLS = ["forward", "gradient_means", "fastest", "depth", "fix"]
EXERCISES = {
    "forward": {"names": ["ShortcutNetwork"], "points": 3},
    "gradient_means": {"names": ["my_gradient_means"], "points": 2},
    "fastest": {"names": ["fastest_vanishing", "sigmoid_max_slope"], "points": 2},
    "depth": {"names": ["smallest_depth", "shortcut_ratio"], "points": 2},
    "fix": {"names": ["fixed_sizes"], "points": 2},
}
CELL_SECONDS = 8.0  # per answer cell, in the worker
WORKER_SECONDS = 20.0  # the whole worker, start-up included


def find_notebook(folder="."):
    """The notebook in FOLDER that holds the exercises' answer cells (exercises.ipynb first)."""
    found = [path for path in sorted(Path(folder).glob("*.ipynb")) if "forward" in answer_sources(path)]
    found.sort(key=lambda path: path.name != "exercises.ipynb")
    if not found:
        raise SystemExit(f"no exercises notebook (with an answer cell 'forward') in {Path(folder).resolve()}")
    return found[0]


def answer_sources(path):
    """{grade_id: source} of the answer cells of the notebook at PATH."""
    try:
        cells = json.loads(Path(path).read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    sources = {}
    for cell in cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in ANSWER_CELLS and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources[grade_id] = "".join(source) if isinstance(source, list) else source
    return sources


def make_cases(exercise):
    if exercise == "forward":
        return checks.forward_cases()
    if exercise == "gradient_means":
        return checks.gradient_cases()
    return None


def run_answers(sources, exercise):
    """Run the preamble and the answer cells up to EXERCISE's; the namespace and that cell's error."""
    from helpers.sandbox import run_learner

    try:
        from IPython.core.inputtransformer2 import TransformerManager

        transform = TransformerManager().transform_cell  # %magics and !commands, as a kernel would
    except ImportError:
        transform = str
    namespace = {"__name__": "__main__"}
    exec(PREAMBLE, namespace)
    error = "NotDefined: the answer cell is missing from the notebook"
    for grade_id in ANSWER_CELLS[: ANSWER_CELLS.index(exercise) + 1]:
        if grade_id not in sources:
            continue

        def execute(grade_id=grade_id):
            exec(compile(transform(sources[grade_id]), f"<answer cell {grade_id}>", "exec"), namespace)

        _, error = run_learner(execute, CELL_SECONDS)
    return namespace, error


def probe(exercise, namespace, cases):
    """What the learner's answer produced, as plain data."""
    values = [namespace.get(name) for name in EXERCISES[exercise]["names"]]
    if exercise == "forward":
        return checks.probe_forward(values[0], cases)
    if exercise == "gradient_means":
        return checks.probe_gradient_means(values[0], cases)
    from helpers.answers import portable

    return [portable(value) for value in values]


def judge(exercise, data, cases):
    if exercise == "forward":
        return checks.judge_forward(data, cases)
    if exercise == "gradient_means":
        return checks.judge_gradient_means(data, cases)
    judges = {"fastest": checks.judge_fastest_vanishing, "depth": checks.judge_vanishing_depth,
              "fix": checks.judge_layer_sizes_fix}
    return judges[exercise](*data)


def worker(exercise, notebook, cases_path, out_path):
    """In the worker process: run the learner's cells, probe, save plain data."""
    cases = torch.load(cases_path, weights_only=True)
    namespace, error = run_answers(answer_sources(notebook), exercise)
    torch.save({"answer_error": error, "data": probe(exercise, namespace, cases)}, out_path)


def grade(exercise, notebook=None):
    """The verdict on EXERCISE of NOTEBOOK, judged in this process."""
    notebook = (Path(notebook) if notebook else find_notebook()).resolve()
    cases = make_cases(exercise)
    points = EXERCISES[exercise]["points"]
    with tempfile.TemporaryDirectory() as folder:
        cases_path, out_path = os.path.join(folder, "cases.pt"), os.path.join(folder, "probe.pt")
        torch.save(cases, cases_path)
        command = [sys.executable, "-m", "helpers.grading", "--worker", exercise, str(notebook), cases_path, out_path]
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=WORKER_SECONDS, cwd=folder)
        except subprocess.TimeoutExpired:
            verdict = checks.Verdict(f"Exercise '{exercise}'")
            verdict.add("your answer finishes", False, f"your answer cells did not finish within {WORKER_SECONDS:g} s "
                        "(an endless loop?)", points)
            return verdict
        if not os.path.exists(out_path):
            verdict = checks.Verdict(f"Exercise '{exercise}'")
            verdict.add("your answer runs", False, "your answer cells stopped Python itself (os._exit, a crash) before "
                        "they could be checked", points)
            return verdict
        result = torch.load(out_path, weights_only=True)
    verdict = judge(exercise, result["data"], cases)
    error = result["answer_error"]
    if error is not None and not verdict.passed:
        verdict.add("your answer cell runs without an error", False, checks.answer_hint(error), 0.0)
    return verdict


def main(argv):
    if argv[:1] == ["--worker"]:
        worker(*argv[1:])
        return 0
    if not argv or argv[0] not in EXERCISES or len(argv) > 2:
        print(__doc__.split("\n\n")[1], f"\nEXERCISE: one of {', '.join(EXERCISES)}", file=sys.stderr)
        return 2
    verdict = grade(*argv)
    points = EXERCISES[argv[0]]["points"]
    score = verdict.score * points / verdict.max_score if verdict.max_score else 0.0
    print(verdict)
    print(f"score: {score:g} of {points:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
