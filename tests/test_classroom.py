"""The classroom route with the real nbgrader command line, in a temporary course folder:
generate the student version from the source, then autograde three submissions: the
solution (full automatic marks), the untouched student version (zero, without crashing) and
one whose forward method leaves out the shortcut (partial marks, with the hint in the
feedback). Also: the committed student version is what nbgrader generates from the source."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbgrader_api = pytest.importorskip("nbgrader.api", reason="nbgrader is missing: pip install -e '.[classroom]'")

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


def nbgrader(course, *args):
    """Run the nbgrader command line in `course`, with this environment's bin/ first on PATH
    (nbgrader runs alembic as a subprocess)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def cells(path):
    return json.loads(Path(path).read_text())["cells"]


def grade_id(cell):
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


def submission_with(release, answers):
    """The student version with the answer cells (solution cells) replaced by `answers`."""
    notebook = json.loads(Path(release).read_text())
    for cell in notebook["cells"]:
        if grade_id(cell) in answers:
            cell["source"] = answers[grade_id(cell)]
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    shutil.copytree(EXERCISES / "source", course / "source")
    nbgrader(course, "generate_assignment", "shortcuts", "--force")
    release = course / "release" / "shortcuts" / "exercises.ipynb"

    solutions = {grade_id(c): "".join(c["source"]) for c in cells(SOURCE) if c["metadata"].get("nbgrader", {}).get("solution")}
    forward = solutions["forward"]
    no_shortcut = forward[: forward.index("    def forward")] + NO_SHORTCUT_FORWARD.lstrip("\n")
    submissions = {
        "solution": submission_with(release, solutions),
        "untouched": json.loads(release.read_text()),
        "no_shortcut": submission_with(release, {**solutions, "forward": no_shortcut}),
    }
    for student, notebook in submissions.items():
        nbgrader(course, "db", "student", "add", student)
        folder = course / "submitted" / student / "shortcuts"
        folder.mkdir(parents=True)
        (folder / "exercises.ipynb").write_text(json.dumps(notebook))
    nbgrader(course, "autograde", "shortcuts", "--force")
    nbgrader(course, "generate_feedback", "shortcuts", "--force")
    return course


def automatic_marks(course, student):
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("exercises", "shortcuts", student)
        grades = {g.name: (g.auto_score, g.max_score) for g in notebook.grades}
    return {name: score for name, score in grades.items() if name != "two_tables"}, grades["two_tables"]


def test_the_student_version_leaves_the_answers_out(course):
    release = course / "release" / "shortcuts" / "exercises.ipynb"
    text = release.read_text()
    assert "### BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert "x = x + layer_output" not in text and "YOUR ANSWER HERE" in text


def test_the_solution_gets_full_automatic_marks(course):
    marks, written = automatic_marks(course, "solution")
    assert written == (None, 2)  # an answer was written: it waits for a person to grade it
    assert sum(score for score, _ in marks.values()) == AUTOGRADED_POINTS
    assert all(score == maximum for score, maximum in marks.values())


def test_the_untouched_student_version_gets_zero(course):
    marks, written = automatic_marks(course, "untouched")
    assert written == (0, 2)  # nbgrader gives 0 to an answer cell left as handed out
    assert sum(maximum for _, maximum in marks.values()) == AUTOGRADED_POINTS
    assert sum(score for score, _ in marks.values()) == 0


def test_a_forward_without_the_shortcut_gets_partial_marks_and_the_hint(course):
    marks, _ = automatic_marks(course, "no_shortcut")
    assert marks["forward_test"] == (0, 3)
    assert sum(score for score, _ in marks.values()) == AUTOGRADED_POINTS - 3
    feedback = (course / "feedback" / "no_shortcut" / "shortcuts" / "exercises.html").read_text()
    assert "no shortcut added" in feedback


def test_the_committed_student_version_is_what_nbgrader_generates(course):
    generated = cells(course / "release" / "shortcuts" / "exercises.ipynb")
    committed = cells(RELEASE)
    assert ["".join(c["source"]) for c in committed] == ["".join(c["source"]) for c in generated], (
        "the student version is out of date: run `make exercises`"
    )
