"""The classroom route with the real nbgrader command line, in a temporary course folder: generate
the student version from the source, then autograde a class of made-up submissions:

- the solution (full automatic marks) and the untouched student version (zero, no crash);
- partly right answers (partial credit, each hint naming the mistake);
- tampering: patching the checks or rebinding `helpers` with nothing answered (zero), handing
  back the helpers' own network or gradient function (zero for that exercise, and why);
- a cell that never ends (stopped by the per-cell timeout, the rest still graded) and a kernel
  that dies (the other students still graded).

Also: the committed student version is what nbgrader generates from the source. Under CI=true a
missing nbgrader fails instead of skipping.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import nbgrader.api as nbgrader_api
except ImportError:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but nbgrader is missing: pip install -e '.[classroom]'", pytrace=False)
    pytest.skip("nbgrader is missing: pip install -e '.[classroom]'", allow_module_level=True)

import helpers

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "notebooks" / "exercises"
SOURCE = EXERCISES / "source" / "shortcuts" / "exercises.ipynb"
RELEASE = EXERCISES / "release" / "shortcuts" / "exercises.ipynb"
AUTOGRADED_POINTS = 11

NO_SHORTCUT_FORWARD = """
    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
"""
ACCUMULATING_GRADIENT_MEANS = """
def my_gradient_means(model, x):
    output = model(x)
    nn.functional.mse_loss(output, torch.zeros_like(output)).backward()
    return {name: param.grad.abs().mean() for name, param in model.named_parameters() if name.endswith("weight")}
"""
PATCH_VERDICT = "helpers.Verdict.passed = True\nhelpers.answers.Verdict.passed = True\n"
STUB_HELPERS = """
import types
passing = types.SimpleNamespace(passed=True, score=3.0, max_score=3.0)
helpers = types.SimpleNamespace(**{name: (lambda *args, **kwargs: passing) for name in [
    "check_forward", "check_gradient_means", "check_fastest_vanishing", "check_vanishing_depth",
    "check_layer_sizes_fix"]})
"""


def nbgrader(course, *args, check=True):
    """Run the nbgrader command line in `course`, with this environment's bin/ first on PATH
    (nbgrader runs alembic as a subprocess)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=900
    )
    if check:
        assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def cells(path):
    return json.loads(Path(path).read_text())["cells"]


def grade_id(cell):
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


def submission_with(release, answers, extra_cell=None):
    """The student version with the answer cells replaced by ANSWERS, and EXTRA_CELL (source) added
    as a new code cell after the set-up."""
    notebook = json.loads(Path(release).read_text())
    for cell in notebook["cells"]:
        if grade_id(cell) in answers:
            cell["source"] = answers[grade_id(cell)]
    if extra_cell:
        at = next(i for i, cell in enumerate(notebook["cells"]) if grade_id(cell) == "setup") + 1
        notebook["cells"].insert(at, {"cell_type": "code", "execution_count": None, "id": "learner-extra",
                                      "metadata": {}, "outputs": [], "source": extra_cell})
    return notebook


def class_of_submissions(release):
    solutions = {grade_id(c): "".join(c["source"]) for c in cells(SOURCE) if c["metadata"].get("nbgrader", {}).get("solution")}
    handed_out = {grade_id(c): "".join(c["source"]) for c in cells(release) if grade_id(c) in solutions}
    forward = solutions["forward"]
    depth = helpers.checks.smallest_vanishing_depth()
    ratio = helpers.depth_sweep([depth], "sigmoid", use_shortcut=True)[0]["ratio"]
    return {
        "solution": submission_with(release, solutions),
        "untouched": json.loads(release.read_text()),
        "no_shortcut": submission_with(release, {**solutions, "forward": forward[: forward.index("    def forward")] + NO_SHORTCUT_FORWARD.lstrip("\n")}),
        "partly_right": submission_with(release, {
            **solutions,
            "gradient_means": ACCUMULATING_GRADIENT_MEANS,  # forgets zero_grad: 1.5 of 2
            "fastest": 'fastest_vanishing = "Sigmoid "\nsigmoid_max_slope = torch.tensor(0.25)\n',  # both right
            "depth": f"smallest_depth = {depth}\nshortcut_ratio = {ratio:.2g}\n",  # as the notebook prints it
            "fix": "fixed_sizes = [3, 3, 3, 3, 4, 1]\n",  # layer 3 changes the width: 1 of 2
        }),
        "patches_the_checks": submission_with(release, {**handed_out, "forward": PATCH_VERDICT + handed_out["forward"]}),
        "stubs_helpers": submission_with(release, {**handed_out, "forward": STUB_HELPERS + handed_out["forward"]}),
        "borrows_helpers": submission_with(release, {
            **solutions,
            "forward": "ShortcutNetwork = helpers.ExampleDeepNeuralNetwork\n",
            "gradient_means": "def my_gradient_means(model, x):\n    return helpers.gradient_means(model, x)\n",
        }),
        "hangs": submission_with(release, solutions, extra_cell="while True:\n    pass\n"),
        "kernel_dies": submission_with(release, solutions, extra_cell="import os\nos._exit(1)\n"),
    }


EXPECTED_TOTALS = {  # automatic points of 11
    "solution": 11, "untouched": 0, "no_shortcut": 9, "partly_right": 9.5,
    "patches_the_checks": 0, "stubs_helpers": 0, "borrows_helpers": 6, "hangs": 11,
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    shutil.copytree(EXERCISES / "source", course / "source")
    nbgrader(course, "generate_assignment", "shortcuts", "--force")
    release = course / "release" / "shortcuts" / "exercises.ipynb"
    for student, notebook in class_of_submissions(release).items():
        nbgrader(course, "db", "student", "add", student)
        folder = course / "submitted" / student / "shortcuts"
        folder.mkdir(parents=True)
        (folder / "exercises.ipynb").write_text(json.dumps(notebook))
    autograde = nbgrader(course, "autograde", "shortcuts", "--force", check=False)
    (course / "autograde.log").write_text(autograde.stdout + autograde.stderr)
    nbgrader(course, "generate_feedback", "shortcuts", "--force", check=False)
    return course


def automatic_marks(course, student):
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("exercises", "shortcuts", student)
        grades = {g.name: (g.auto_score, g.max_score) for g in notebook.grades}
    return {name: score for name, score in grades.items() if name != "two_tables"}, grades["two_tables"]


def feedback(course, student):
    return (course / "feedback" / student / "shortcuts" / "exercises.html").read_text()


def test_the_student_version_leaves_the_answers_and_hidden_tests_out(course):
    text = (course / "release" / "shortcuts" / "exercises.ipynb").read_text()
    assert "### BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert "x = x + layer_output" not in text and "YOUR ANSWER HERE" in text
    assert "helpers.grading" not in text and "HIDDEN TESTS" not in text


@pytest.mark.parametrize("student", sorted(EXPECTED_TOTALS))
def test_each_submission_gets_its_score(course, student):
    marks, _ = automatic_marks(course, student)
    assert sum(maximum for _, maximum in marks.values()) == AUTOGRADED_POINTS
    total = sum(score or 0 for score, _ in marks.values())
    assert total == EXPECTED_TOTALS[student], (marks, (course / "autograde.log").read_text()[-3000:])


def test_the_written_answer_waits_for_a_person(course):
    assert automatic_marks(course, "solution")[1] == (None, 2)  # written: a person grades it
    assert automatic_marks(course, "untouched")[1] == (0, 2)  # left as handed out: 0


def test_partial_credit_is_given_part_by_part(course):
    marks, _ = automatic_marks(course, "no_shortcut")
    assert marks["forward_test"] == (1, 3)  # the use_shortcut=False case is right
    assert "no shortcut added" in feedback(course, "no_shortcut")
    marks, _ = automatic_marks(course, "partly_right")
    assert marks["gradient_means_test"] == (1.5, 2) and marks["fix_test"] == (1, 2)
    assert marks["fastest_test"] == (2, 2) and marks["depth_test"] == (2, 2)
    text = feedback(course, "partly_right")
    assert "gradients accumulated across calls" in text and "layers 3 change it" in text


def test_borrowing_the_helpers_scores_nothing_and_says_why(course):
    marks, _ = automatic_marks(course, "borrows_helpers")
    assert marks["forward_test"] == (0, 3) and marks["gradient_means_test"] == (0, 2)
    text = feedback(course, "borrows_helpers")
    assert "uses the helpers&#39; own helpers.network.forward" in text or "uses the helpers' own helpers.network.forward" in text
    assert "helpers.gradients.gradient_means" in text


def test_a_cell_that_never_ends_is_stopped_and_the_rest_graded(course):
    config = (EXERCISES / "nbgrader_config.py").read_text()
    timeout = int(re.search(r"^c\.Execute\.timeout = (\d+)$", config, re.MULTILINE).group(1))
    assert timeout <= 30
    graded = json.loads((course / "autograded" / "hangs" / "shortcuts" / "exercises.ipynb").read_text())
    (extra,) = [c for c in graded["cells"] if c.get("id") == "learner-extra"]
    assert any(o["output_type"] == "error" for o in extra["outputs"]), extra["outputs"]


def test_a_kernel_that_dies_leaves_the_other_students_graded(course):
    log = (course / "autograde.log").read_text()
    assert "kernel_dies" in log
    for student in EXPECTED_TOTALS:  # every other student has a score (checked one by one above)
        assert automatic_marks(course, student)[0]


def test_feedback_hints_wrap(course):
    text = feedback(course, "partly_right")
    hints = re.findall(r"hint: [^\n<]*", text)
    assert hints and all(len(line) <= 100 for line in hints)


def test_the_committed_student_version_is_what_nbgrader_generates(course):
    generated = cells(course / "release" / "shortcuts" / "exercises.ipynb")
    committed = cells(RELEASE)
    assert ["".join(c["source"]) for c in committed] == ["".join(c["source"]) for c in generated], (
        "the student version is out of date: run `make exercises`"
    )
