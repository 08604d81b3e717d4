"""A course's own exercises (helpers.classroom.course, make_course): its values are checked and a wrong one
named, its notebook changes only the lines that define them, the grader's preamble defines what
the notebook's locked cells define, and a course folder is never written over."""

import ast
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.classroom import grading
from helpers.classroom.course import DEFAULT, THRESHOLDS, Course, course_notebook
from helpers.classroom.make_course import main, make_course

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks" / "exercises" / "source" / "shortcuts" / "exercises.ipynb"
OTHER = Course(seed=2027, threshold=1e-7, width=4, wide=5)
LOCKED = ("setup", "broken")
NAMES = ("SEED", "THRESHOLD", "broken_sizes")


def source_notebook():
    return json.loads(SOURCE.read_text())


def cell(notebook, grade_id):
    return next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def text(notebook, grade_id):
    return "".join(cell(notebook, grade_id)["source"])


def run(code):
    """The names CODE defines (its printing kept out of the test's output)."""
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, namespace)
    return {name: value for name, value in namespace.items() if not name.startswith("__")}


def configured_course(folder):
    """The Course that a course folder's nbgrader_config.py hands to the grader."""
    config = (Path(folder) / "nbgrader_config.py").read_text()
    line = next(line for line in config.splitlines() if line.startswith("c.GradeOutsideKernel.course = "))
    return Course.from_dict(ast.literal_eval(line.split(" = ", 1)[1]))


@pytest.mark.parametrize(
    "values, named",
    [
        ({"seed": "3"}, "seed"),
        ({"seed": True}, "seed"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**31}, "seed"),
        ({"seed": 3.0}, "seed"),
        ({"threshold": 1e-4}, "threshold"),
        ({"threshold": "1e-6"}, "threshold"),
        ({"width": 4, "wide": 4}, "wide"),
        ({"width": 1}, "width"),
        ({"wide": 9}, "wide"),
        ({"width": False}, "width"),
    ],
)
def test_a_bad_value_is_refused_naming_the_argument_and_the_value(values, named):
    with pytest.raises(ValueError) as refused:
        Course(**values)
    message = str(refused.value)
    assert message.startswith(f"{named} must"), message
    assert repr(values[named]) in message, message


def test_the_values_at_the_edges_are_accepted():
    assert Course(seed=0).seed == 0 and Course(seed=2**31 - 1).seed == 2**31 - 1
    assert [Course(threshold=threshold).threshold for threshold in THRESHOLDS] == list(THRESHOLDS)
    assert Course(width=2, wide=8).broken_sizes == [2, 8, 2, 8, 2, 1]


def test_a_course_from_a_dict_refuses_unknown_keys_by_name():
    assert Course.from_dict(OTHER.as_dict()) == OTHER
    assert Course.from_dict({}) == DEFAULT
    with pytest.raises(ValueError, match=r"unknown keys \['sed'\]"):
        Course.from_dict({"sed": 2027})
    with pytest.raises(ValueError, match="course must be a dict"):
        Course.from_dict([2027])


def test_the_repositorys_default_is_the_source_notebooks_own():
    defined = run(text(source_notebook(), "setup") + "\n" + text(source_notebook(), "broken"))
    assert (defined["SEED"], defined["THRESHOLD"], defined["broken_sizes"]) == (
        DEFAULT.seed, DEFAULT.threshold, DEFAULT.broken_sizes)


def test_the_default_course_leaves_every_cells_source_as_it_is():
    source = source_notebook()
    made = course_notebook(DEFAULT, source)
    assert [c["source"] for c in made["cells"]] == [c["source"] for c in source["cells"]]
    assert made["metadata"] == source["metadata"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in made["cells"] if c["cell_type"] == "code")


def test_another_course_changes_only_the_lines_that_define_its_values():
    source = source_notebook()
    kept = json.dumps(source)
    made = course_notebook(OTHER, source)
    assert json.dumps(source) == kept  # the source itself is not changed
    for before, after in zip(source["cells"], made["cells"]):
        old, new = "".join(before["source"]).splitlines(), "".join(after["source"]).splitlines()
        assert len(old) == len(new)
        changed = [line for line, was in zip(new, old) if line != was]
        assert all(line.split(" = ")[0] in NAMES for line in changed), changed
    defined = run(text(made, "setup") + "\n" + text(made, "broken"))
    assert (defined["SEED"], defined["THRESHOLD"], defined["broken_sizes"]) == (
        OTHER.seed, OTHER.threshold, OTHER.broken_sizes)


def test_a_source_notebook_without_the_lines_is_refused():
    source = source_notebook()
    cell(source, "setup")["source"] = "import helpers\n"
    with pytest.raises(ValueError, match="'setup' cell of the source notebook must define SEED"):
        course_notebook(OTHER, source)


@pytest.mark.parametrize("course", [DEFAULT, OTHER], ids=["default", "other"])
def test_the_graders_preamble_defines_what_the_locked_cells_define(course):
    made = course_notebook(course, source_notebook())
    locked = run("\n".join(text(made, grade_id) for grade_id in LOCKED))
    preamble = run(grading.preamble(course))
    assert set(NAMES) <= set(preamble)
    for name, value in preamble.items():
        assert name in locked and locked[name] == value, name


def test_make_course_writes_a_course_folder(tmp_path):
    folder = make_course(tmp_path / "course", OTHER)
    assert folder == tmp_path / "course"
    notebook = nbformat.read(folder / "source" / "shortcuts" / "exercises.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert text(notebook, "setup") == text(course_notebook(OTHER, source_notebook()), "setup")
    assert configured_course(folder) == OTHER
    assert (folder / "README.md").read_text() == (ROOT / "notebooks" / "exercises" / "README.md").read_text()


def test_make_course_refuses_to_write_over_a_course_folder(tmp_path):
    folder = make_course(tmp_path / "course", OTHER)
    written = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    with pytest.raises(FileExistsError, match="exists: choose a new folder"):
        make_course(folder, DEFAULT)
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == written


def test_make_course_refuses_a_folder_with_a_config_of_its_own(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(FileExistsError, match="nbgrader_config.py exists"):
        make_course(tmp_path, OTHER)
    assert [path.name for path in tmp_path.iterdir()] == ["nbgrader_config.py"]  # nothing written


def test_the_command_line_writes_the_course(tmp_path, capsys):
    assert main([str(tmp_path / "course"), "--seed", "2027", "--threshold", "1e-7"]) == 0
    assert configured_course(tmp_path / "course") == Course(seed=2027, threshold=1e-7)
    assert "seed 2027, threshold 1e-07, broken sizes [3, 4, 3, 4, 3, 1]" in capsys.readouterr().out
    assert main([str(tmp_path / "widest"), "--seed", "1", "--width", "8"]) == 0
    assert configured_course(tmp_path / "widest").broken_sizes == [8, 7, 8, 7, 8, 1]


@pytest.mark.parametrize(
    "arguments, error",
    [
        (["--seed", "-1"], "seed must be a whole number from 0 to 2**31 - 1, got -1"),
        (["--seed", "3", "--threshold", "1e-4"], "threshold must be one of 1e-05, 1e-06, 1e-07, 1e-08, 1e-09, got 0.0001"),
        (["--seed", "3", "--width", "9"], "width must be a whole number from 2 to 8, got 9"),
        (["--seed", "3", "--width", "4", "--wide", "4"], "wide must differ from width (both 4)"),
        (["--seed", "abc"], "argument --seed: invalid int value: 'abc'"),
        ([], "the following arguments are required: --seed"),
    ],
)
def test_the_command_line_names_a_bad_value(tmp_path, capsys, arguments, error):
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path / "course"), *arguments])
    assert stopped.value.code == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "course").exists()


def test_the_command_line_refuses_an_existing_course(tmp_path, capsys):
    make_course(tmp_path / "course", OTHER)
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path / "course"), "--seed", "5"])
    assert stopped.value.code == 2 and "exists: choose a new folder" in capsys.readouterr().err
    assert configured_course(tmp_path / "course") == OTHER


def test_python_dash_m_prints_the_error_and_exits_with_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "helpers.classroom.make_course", str(tmp_path / "course"), "--seed", "3",
                           "--threshold", "0.0001"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "python -m helpers.classroom.make_course: threshold must be one of 1e-05, 1e-06, 1e-07, 1e-08, 1e-09, got 0.0001")
    assert done.stdout == "" and not (tmp_path / "course").exists()
