"""The classroom route with the real nbgrader command line, in a temporary course folder: generate
the student version from the source, then autograde a class of made-up submissions in one run.

The attacks are made on a *partly answered* submission (exercises 1, 3 and 5 right, 2 and 4 left
as handed out, 7 of 11 points earned), so that an attack that was stopped (7) tells apart from
one that worked (more) and from one with nothing to gain (0 on an empty notebook). Each one:

- a `helpers/` folder beside the submission; then, together in one submission, `float` rebound,
  the checks' verdict patched, `subprocess.run` replaced and a stub named `helpers` in the
  kernel: 7 each, the kernel is not trusted;
- the helpers' own network or gradient function handed back, with the borrowing check patched
  or the profiler switched off, or through functools: 0 for those exercises, the rest earned;
- the solutions exec'd from the source notebook found through `helpers.__file__`: that cell is
  not run (0 for its exercise), the rest earned;
- a kernel that dies (os._exit), hangs, or floods its output: 7, with feedback saying what
  happened, and the rest of the class graded.

Also: the committed student version is what nbgrader generates from the source, and a course
with its own seed is graded against its own answers. Under CI=true a missing nbgrader fails
instead of skipping.
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

from helpers.classroom.course import Course
from helpers.classroom.make_course import make_course
from helpers.classroom.grading import EXERCISES as GRADED

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "notebooks" / "exercises"
SOURCE = EXERCISES / "source" / "shortcuts" / "exercises.ipynb"
RELEASE = EXERCISES / "release" / "shortcuts" / "exercises.ipynb"
AUTOGRADED_POINTS = sum(points for _, points in GRADED.values())
ANSWERED = ["forward", "fastest", "fix"]  # the partly answered submission's right answers
PARTLY = sum(GRADED[exercise][1] for exercise in ANSWERED)

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
FAKE_HELPERS = '''
"""A package named helpers, beside the submission, whose checks and grader say full marks."""
class Verdict:
    passed, score, max_score = True, 3.0, 3.0
    def require(self):
        print("all passed")
def _passing(*args, **kwargs):
    return Verdict()
check_forward = check_gradient_means = check_fastest_vanishing = check_vanishing_depth = check_layer_sizes_fix = _passing
'''
STUB_HELPERS = """
import types
passing = types.SimpleNamespace(passed=True, score=3.0, max_score=3.0, require=lambda: None)
helpers = types.SimpleNamespace(**{name: (lambda *args, **kwargs: passing) for name in [
    "check_forward", "check_gradient_means", "check_fastest_vanishing", "check_vanishing_depth",
    "check_layer_sizes_fix"]})
"""
EXEC_SOLUTIONS = """
import json, pathlib
source = pathlib.Path(helpers.__file__).parent.parent / "notebooks/exercises/source/shortcuts/exercises.ipynb"
for cell in json.loads(source.read_text())["cells"]:
    if cell["metadata"].get("nbgrader", {}).get("solution") and cell["cell_type"] == "code":
        exec("".join(cell["source"]))
"""
SETPROFILE_SUBCLASS = """
import sys
class ShortcutNetwork(helpers.ExampleDeepNeuralNetwork):
    def forward(self, x):
        sys.setprofile(None)
        return super().forward(x)
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
    """The student version with the answer cells replaced by ANSWERS, and EXTRA_CELL (a source, or
    a list of sources, one cell each) added as new code cells after the set-up."""
    notebook = json.loads(Path(release).read_text())
    for cell in notebook["cells"]:
        if grade_id(cell) in answers:
            cell["source"] = answers[grade_id(cell)]
    extra = [extra_cell] if isinstance(extra_cell, str) else list(extra_cell or [])
    at = next(i for i, cell in enumerate(notebook["cells"]) if grade_id(cell) == "setup") + 1
    for n, source in enumerate(extra):
        notebook["cells"].insert(at + n, {"cell_type": "code", "execution_count": None,
                                          "id": "learner-extra" if n == 0 else f"learner-extra-{n}",
                                          "metadata": {}, "outputs": [], "source": source})
    return notebook


def class_of_submissions(release, source=SOURCE):
    """{student: (notebook, extra files)}."""
    solutions = {grade_id(c): "".join(c["source"]) for c in cells(source) if c["metadata"].get("nbgrader", {}).get("solution")}
    handed_out = {grade_id(c): "".join(c["source"]) for c in cells(release) if grade_id(c) in solutions}
    partly = {**handed_out, **{exercise: solutions[exercise] for exercise in ANSWERED}}
    forward = solutions["forward"]

    def partly_with(extra_cell=None, **answers):
        return submission_with(release, {**partly, **answers}, extra_cell)

    return {
        "solution": (submission_with(release, solutions), {}),
        "untouched": (json.loads(Path(release).read_text()), {}),
        "partly": (partly_with(), {}),
        "no_shortcut": (submission_with(release, {**solutions, "forward": forward[: forward.index("    def forward")] + NO_SHORTCUT_FORWARD.lstrip("\n")}), {}),
        "fair_points": (submission_with(release, {
            **solutions,
            "gradient_means": ACCUMULATING_GRADIENT_MEANS,  # forgets zero_grad: 1.5 of 2
            "fastest": 'fastest_vanishing = "Sigmoid "\nfastest_ratio = None\nsigmoid_max_slope = torch.tensor(0.25)\n',  # unbacked: 1 of 2
            "fix": "fixed_sizes = list(broken_sizes)\n",  # unchanged: 0 of 2
        }), {}),
        # attacks on the partly answered submission
        "helpers_folder": (partly_with(), {"helpers/__init__.py": FAKE_HELPERS}),
        # four attacks in one submission (each can only add points, and none stops another: the
        # stub comes last), so that the class is graded in fewer kernel runs
        "kernel_attacks": (partly_with(gradient_means="float = lambda text: 3.0\n", extra_cell=[
            "helpers.classroom.answers.Verdict.passed = True\n",
            "import subprocess, types\n"
            "subprocess.run = lambda *a, **k: types.SimpleNamespace(stdout='score: 3 of 3', stderr='', returncode=0)\n",
            STUB_HELPERS]), {}),
        "patches_borrowing_check": (partly_with(
            forward="helpers.classroom.sandbox.is_implementation = lambda code: False\nShortcutNetwork = helpers.ExampleDeepNeuralNetwork\n",
            gradient_means="my_gradient_means = helpers.gradient_means\n"), {}),
        "setprofile_and_singledispatch": (partly_with(
            forward=SETPROFILE_SUBCLASS,
            gradient_means="import functools\nmy_gradient_means = functools.singledispatch(helpers.gradient_means)\n"), {}),
        "execs_the_solutions": (partly_with(gradient_means=EXEC_SOLUTIONS), {}),
        "kernel_dies": (partly_with(extra_cell="import os\nos._exit(1)\n"), {}),
        "kernel_hangs": (partly_with(extra_cell="while True:\n    pass\n"), {}),
        "kernel_floods": (partly_with(extra_cell="for i in range(100_000):\n    print('flood ' * 20)\n"), {}),
    }


EXPECTED_TOTALS = {  # automatic points of 11
    "solution": 11, "untouched": 0, "partly": PARTLY, "no_shortcut": 8, "fair_points": 3 + 1.5 + 1 + 2 + 0,
    "helpers_folder": PARTLY, "kernel_attacks": PARTLY, "patches_borrowing_check": PARTLY - 3, "setprofile_and_singledispatch": PARTLY - 3,
    "execs_the_solutions": PARTLY, "kernel_dies": PARTLY, "kernel_hangs": PARTLY, "kernel_floods": PARTLY,
}


def make_class(course, release, submissions):
    for student, (notebook, files) in submissions.items():
        nbgrader(course, "db", "student", "add", student)
        folder = course / "submitted" / student / "shortcuts"
        folder.mkdir(parents=True)
        (folder / "exercises.ipynb").write_text(json.dumps(notebook))
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    with open(course / "nbgrader_config.py", "a") as config:  # the hanging cell costs 15 s of CPU, not 30
        config.write("\nc.Execute.timeout = 15\n")
    shutil.copytree(EXERCISES / "source", course / "source")
    nbgrader(course, "generate_assignment", "shortcuts", "--force")
    release = course / "release" / "shortcuts" / "exercises.ipynb"
    make_class(course, release, class_of_submissions(release))
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


def autograded_cell(course, student, id=None, grade_id=None):
    """The cell of STUDENT's autograded notebook with that cell id or nbgrader grade_id."""
    notebook = json.loads((course / "autograded" / student / "shortcuts" / "exercises.ipynb").read_text())
    (cell,) = [c for c in notebook["cells"] if (id is not None and c.get("id") == id)
               or (grade_id is not None and c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)]
    return cell


def test_the_student_version_leaves_the_answers_out(course):
    text = (course / "release" / "shortcuts" / "exercises.ipynb").read_text()
    assert "### BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert "x = x + layer_output" not in text and "YOUR ANSWER HERE" in text


@pytest.mark.parametrize("student", sorted(EXPECTED_TOTALS))
def test_each_submission_gets_what_its_answers_earn(course, student):
    marks, _ = automatic_marks(course, student)
    assert sum(maximum for _, maximum in marks.values()) == AUTOGRADED_POINTS
    total = sum(score or 0 for score, _ in marks.values())
    assert total == EXPECTED_TOTALS[student], (marks, (course / "autograde.log").read_text()[-3000:])


def test_the_written_answer_waits_for_a_person(course):
    assert automatic_marks(course, "solution")[1] == (None, 2)  # written: a person grades it
    assert automatic_marks(course, "untouched")[1] == (0, 2)  # left as handed out: 0


def test_partial_credit_follows_the_size_of_the_mistake(course):
    marks, _ = automatic_marks(course, "no_shortcut")
    assert marks["forward_test"] == (0, 3)  # a loop without shortcuts is where the exercise starts
    assert "no shortcut added" in feedback(course, "no_shortcut")
    marks, _ = automatic_marks(course, "fair_points")
    assert marks["gradient_means_test"] == (1.5, 2) and marks["fastest_test"] == (1, 2) and marks["fix_test"] == (0, 2)
    text = feedback(course, "fair_points")
    assert "gradients accumulated across calls" in text and "broken_sizes unchanged" in text
    assert "back your choice with the ratio you measured for it" in text


def test_handing_back_the_helpers_scores_nothing_for_that_exercise_and_says_why(course):
    for student in ["patches_borrowing_check", "setprofile_and_singledispatch"]:
        marks, _ = automatic_marks(course, student)
        assert marks["forward_test"] == (0, 3) and marks["gradient_means_test"] == (0, 2), student
        assert all(marks[f"{exercise}_test"][0] == GRADED[exercise][1] for exercise in ["fastest", "fix"]), student
    text = feedback(course, "patches_borrowing_check")
    assert "the grader does not run this answer cell: it uses `.classroom`" in text
    assert "helpers.gradients.gradient_means" in text
    text = feedback(course, "setprofile_and_singledispatch")
    assert "import sys" in text and "helpers.gradients.gradient_means" in text


def test_the_solutions_read_from_a_file_are_not_run(course):
    text = feedback(course, "execs_the_solutions")
    assert "the grader does not run this answer cell" in text and "`exec`" in text


def test_a_kernel_that_dies_still_gets_its_points_and_feedback(course):
    extra = autograded_cell(course, "kernel_dies", id="learner-extra")
    assert [o.get("ename") for o in extra["outputs"]] == ["KernelDied"]
    assert "KernelDied" in feedback(course, "kernel_dies")
    graded = autograded_cell(course, "kernel_dies", grade_id="forward_test")
    assert "".join(graded["outputs"][-1]["data"]["text/plain"]) == "3"


def test_a_cell_that_never_ends_is_stopped_and_the_rest_run(course):
    config = (EXERCISES / "nbgrader_config.py").read_text()
    timeout = int(re.search(r"^c\.Execute\.timeout = (\d+)$", config, re.MULTILINE).group(1))
    assert timeout <= 30
    extra = autograded_cell(course, "kernel_hangs", id="learner-extra")
    assert any(o["output_type"] == "error" for o in extra["outputs"]), extra["outputs"]
    later = autograded_cell(course, "kernel_hangs", grade_id="fastest")
    assert later["outputs"], "the cells after the interrupted one still ran for the feedback"


def test_a_flood_of_output_is_cut_off(course):
    extra = autograded_cell(course, "kernel_floods", id="learner-extra")
    printed = sum(len("".join(o.get("text", ""))) for o in extra["outputs"])
    assert printed <= 1_100_000 and any(o.get("ename") == "OutputCutOff" for o in extra["outputs"])


def test_no_checksum_warnings_and_the_whole_class_graded(course):
    log = (course / "autograde.log").read_text()
    assert "checksum" not in log.lower()
    for student in EXPECTED_TOTALS:
        assert (course / "feedback" / student / "shortcuts" / "exercises.html").exists(), student


def test_feedback_hints_wrap(course):
    text = feedback(course, "fair_points")
    hints = re.findall(r"hint: [^\n<]*", text)
    assert hints and all(len(line) <= 100 for line in hints)


def test_the_committed_student_version_is_what_nbgrader_generates(course):
    generated = cells(course / "release" / "shortcuts" / "exercises.ipynb")
    committed = cells(RELEASE)
    assert ["".join(c["source"]) for c in committed] == ["".join(c["source"]) for c in generated], (
        "the student version is out of date: run `make exercises`"
    )


def test_a_course_with_its_own_seed_is_graded_against_its_own_answers(tmp_path):
    """The repository's solution notebook, answered with the book's numbers as literals, against
    a course made with another seed and threshold."""
    course = make_course(tmp_path / "course", Course(seed=2027, threshold=1e-7))
    nbgrader(course, "generate_assignment", "shortcuts", "--force")
    release = course / "release" / "shortcuts" / "exercises.ipynb"
    setup = "".join(next(c["source"] for c in cells(release) if grade_id(c) == "setup"))
    assert "SEED = 2027" in setup and "THRESHOLD = 1e-07" in setup
    from helpers.classroom.depth import ratio_at, smallest_vanishing_depth

    book_depth = smallest_vanishing_depth(1e-6, 123)
    literal = f"smallest_depth = {book_depth}\nshortcut_ratio = {ratio_at(book_depth, True, 123):.2g}\n"
    make_class(course, release, {
        "own": class_of_submissions(release, source=course / "source" / "shortcuts" / "exercises.ipynb")["solution"],
        "public_numbers": (submission_with(release, {
            **{grade_id(c): "".join(c["source"]) for c in cells(SOURCE) if c["metadata"].get("nbgrader", {}).get("solution")},
            "depth": literal}), {}),
    })
    nbgrader(course, "autograde", "shortcuts", "--force")
    own, _ = automatic_marks(course, "own")
    public, _ = automatic_marks(course, "public_numbers")
    assert sum(score for score, _ in own.values()) == AUTOGRADED_POINTS
    assert public["depth_test"][0] == 0 and sum(score for score, _ in public.values()) == AUTOGRADED_POINTS - 2


def test_the_attacks_made_together_each_ran_in_the_kernel(course):
    """kernel_attacks scores 7 (above) only because the grader ignores the kernel: each attack
    cell ran there without an error, so each was made."""
    for cell_id in ["learner-extra", "learner-extra-1", "learner-extra-2"]:
        outputs = autograded_cell(course, "kernel_attacks", id=cell_id)["outputs"]
        assert not [o for o in outputs if o["output_type"] == "error"], (cell_id, outputs)
