"""The exercises' autograder (`helpers.classroom.grading`, its worker `helpers.classroom.worker`)
on submissions made from the solution with one answer changed, so that an attack that is stopped
and one that has nothing to gain score differently: the solution earns 11, the same with an
exercise spoiled 11 minus that exercise's points.

- the solution, the untouched student version, and the preamble the grader runs;
- the helpers' own implementations handed back (zero for that exercise, the hint names them);
- patching the grader or rebinding names in an answer cell (refused, or nothing changes);
- a notebook's folder or PYTHONPATH holding another `helpers` (the installed one is graded);
- answers the worker cannot finish: endless loops, a wait, memory, output, Python ended;
- a course's own seed and threshold; bad use of the command line; the --serve protocol.
"""

import ast
import contextlib
import io
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.classroom import depth, grading, policy
from helpers.classroom.channel import Channel
from helpers.classroom.course import DEFAULT, Course, course_notebook
from helpers.language import speaking

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks" / "exercises" / "source" / "shortcuts" / "exercises.ipynb"
RELEASE = ROOT / "notebooks" / "exercises" / "release" / "shortcuts" / "exercises.ipynb"
SOLUTION = grading.answer_sources(json.loads(SOURCE.read_text())["cells"])
UNANSWERED = grading.answer_sources(json.loads(RELEASE.read_text())["cells"])
POINTS = {exercise: points for exercise, (_, points) in grading.EXERCISES.items()}
TOTAL = sum(POINTS.values())
COURSE = Course(seed=2027, threshold=1e-7)
COURSE_OF_ITS_OWN = Course(seed=2027, threshold=1e-7, width=4, wide=5)
JOB_SECONDS, CELL_SECONDS = 8, 2

FORWARD_INIT = SOLUTION["forward"].split("    def forward")[0]
BORROWED = {  # exercise, its answer cell, the helper the hint names
    "the helpers' network itself": (
        "forward", "ShortcutNetwork = helpers.ExampleDeepNeuralNetwork\n", "helpers.network.forward"),
    "a subclass calling super().forward": (
        "forward", "class ShortcutNetwork(helpers.ExampleDeepNeuralNetwork):\n"
                   "    def forward(self, x):\n        return super().forward(x)\n", "helpers.network.forward"),
    "the helpers' forward captured in the class body": (
        "forward", FORWARD_INIT + "    forward = helpers.ExampleDeepNeuralNetwork.forward\n", "helpers.network.forward"),
    "the helpers' function itself": (
        "gradient_means", "my_gradient_means = helpers.gradient_means\n", "helpers.gradients.gradient_means"),
    "functools.singledispatch around it": (
        "gradient_means", "import functools\nmy_gradient_means = functools.singledispatch(helpers.gradient_means)\n",
        "helpers.gradients.gradient_means"),
    "functools.partial of it": (
        "gradient_means", "import functools\nmy_gradient_means = functools.partial(helpers.gradients.gradient_means)\n",
        "helpers.gradients.gradient_means"),
    "a lambda calling book_gradients": (
        "gradient_means", "my_gradient_means = lambda model, x: helpers.book_gradients(False)\n",
        "helpers.gradients.book_gradients"),
    "a lambda calling weight_gradient_parts": (
        "gradient_means", "my_gradient_means = lambda model, x: {name: part.abs().mean().item() for name, part in "
                          "helpers.chain.weight_gradient_parts(model, x).items()}\n",
        "helpers.chain.weight_gradient_parts"),
}
FAKE_HELPERS = {  # a `helpers` package whose checks and grader give full marks
    "helpers/__init__.py": "class Passed:\n    passed, score, max_score = True, 3.0, 3.0\n\n    def require(self):\n"
                           "        return self\n\n\ndef check(*args, **kwargs):\n    return Passed()\n\n\n"
                           "check_forward = check_gradient_means = check_fastest_vanishing = check\n"
                           "check_vanishing_depth = check_layer_sizes_fix = check\n",
    "helpers/classroom/__init__.py": "",
    "helpers/classroom/grading.py": "print('fake grader')\nprint('total: 11 of 11')\n",
}


# Forking a process that runs other threads can deadlock the child; from Python 3.12 it warns. No
# fork here may do it (the judge forks its worker only from a single-threaded process).
pytestmark = pytest.mark.filterwarnings("error:This process .* is multi-threaded, use of fork:DeprecationWarning")


def scores(verdicts):
    return {exercise: grading.summary(exercise, verdict)["score"] for exercise, verdict in verdicts.items()}


def full(**changed):
    """Every exercise's points, but the scores CHANGED gives."""
    return {**POINTS, **changed}


def report(verdicts):
    return "\n\n".join(map(str, verdicts.values()))


def hints(verdict):
    return [hint for _, ok, hint, _ in verdict.results if not ok]


def default_course_depth_answer():
    """Exercise 4 answered with the numbers of seed 123 and threshold 1e-6, as literals."""
    smallest = depth.smallest_vanishing_depth(DEFAULT.threshold, DEFAULT.seed)
    return f"smallest_depth = {smallest}\nshortcut_ratio = {depth.ratio_at(smallest, True, DEFAULT.seed)!r}\n"


def notebook_file(path, source=SOURCE, **answers):
    """SOURCE with the answer cells ANSWERS ({grade_id: source}) written to PATH."""
    notebook = json.loads(source.read_text())
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") in answers:
            cell["source"] = answers[cell["metadata"]["nbgrader"]["grade_id"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook))
    return path


def write_files(folder, files):
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def printed_scores(stdout):
    """{exercise: score} from the command line's 'score: S of P' lines, and its 'total:' line."""
    lines = stdout.splitlines()
    found = [float(line.split()[1]) for line in lines if line.startswith("score: ")]
    return dict(zip(grading.ANSWER_CELLS, found)), lines[-1] if lines else ""


@pytest.fixture(scope="module")
def judge():
    """One judge, so one worker, for the whole file."""
    judge = grading.Judge(job_seconds=JOB_SECONDS, cell_seconds=CELL_SECONDS)
    yield judge
    judge.close()


@pytest.fixture(scope="module")
def commands(tmp_path_factory):
    """The command-line runs, started together (each imports torch, for seconds): {name: (process,
    its channel or None)}."""
    command = [sys.executable, "-I", "-m", "helpers.classroom.grading"]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    started = {}

    def start(name, args, folder, pass_fds=(), channel=None, **extra_env):
        started[name] = subprocess.Popen([*command, *args], cwd=folder, env={**env, **extra_env}, pass_fds=pass_fds,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True), channel

    beside = tmp_path_factory.mktemp("fake-helpers-beside")
    write_files(beside, FAKE_HELPERS)
    (beside / "exercises.ipynb").write_text(RELEASE.read_text())
    start("beside", ["exercises.ipynb"], beside)

    on_path, graded = tmp_path_factory.mktemp("fake-helpers-on-path"), tmp_path_factory.mktemp("graded")
    write_files(on_path, FAKE_HELPERS)
    notebook = notebook_file(graded / "exercises.ipynb", depth=default_course_depth_answer())
    start("pythonpath", [str(notebook), "--course", json.dumps(COURSE.as_dict())], graded, PYTHONPATH=str(on_path))

    ours, theirs = Channel.pair()
    fd = theirs.detach()
    start("serve", ["--serve", str(fd)], tmp_path_factory.mktemp("serve"), pass_fds=(fd,), channel=ours)
    os.close(fd)
    yield started
    for process, channel in started.values():
        if channel is not None:
            channel.close()
        if process.poll() is None:
            process.kill()
            process.communicate()


def finished(process):
    stdout, stderr = process.communicate(timeout=240)
    return process.returncode, stdout, stderr


# the solution, the student version, the preamble


def test_the_solution_gets_full_marks(judge):
    verdicts = judge.grade(SOLUTION)
    assert scores(verdicts) == POINTS, report(verdicts)
    assert sum(scores(verdicts).values()) == TOTAL == 11
    assert all(verdict.passed for verdict in verdicts.values()), report(verdicts)


def test_the_untouched_student_version_gets_zero_and_says_not_answered_yet(judge):
    verdicts = judge.grade(UNANSWERED)
    assert scores(verdicts) == dict.fromkeys(POINTS, 0.0), report(verdicts)
    for verdict in verdicts.values():
        assert any("not answered yet" in hint for hint in hints(verdict)), verdict


def test_a_chinese_submission_gets_the_same_scores_with_its_hints_in_chinese(judge):
    """The language comes with the request (from the notebook's metadata); the next English
    submission is English again."""
    answers = {**UNANSWERED, "forward": SOLUTION["forward"], "depth": "smallest_depth = 7\nshortcut_ratio = 0.5\n"}
    chinese, english = judge.grade(answers, language="zh"), judge.grade(answers)
    assert scores(chinese) == scores(english)
    with speaking("zh"):
        text = grading.summary("fix", chinese["fix"])["text"]
    assert "尚未作答：fixed_sizes 仍是 None，请填入你的答案" in text and "（0 / 2 分）" in text, text
    assert "不是比值低于 THRESHOLD" in str(chinese["depth"]), chinese["depth"]
    assert "is not the smallest depth" in str(english["depth"]) and not re.search(r"[\u4e00-\u9fff]", report(english))


def test_the_notebooks_language_is_read_from_its_metadata(tmp_path):
    path = notebook_file(tmp_path / "zh.ipynb")
    assert grading.read_notebook(path) == (SOLUTION, "en")
    notebook = json.loads(path.read_text())
    for metadata, language in [({"language": "zh-CN"}, "zh"), ({"language": "zh"}, "zh"), ({"language": "fr"}, "en"),
                               ({"language": ["zh"]}, "en"), ([], "en")]:
        notebook["metadata"] = metadata
        path.write_text(json.dumps(notebook))
        assert grading.read_notebook(path) == (SOLUTION, language), metadata


def test_every_answer_cell_of_the_notebook_is_graded():
    assert list(SOLUTION) == list(UNANSWERED) == grading.ANSWER_CELLS


def defined(code):
    """What CODE binds at its top level by imports and assignments (not loop variables): {name: value}."""
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, namespace)
    names = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return {name: namespace[name] for name in names}


@pytest.mark.parametrize("notebook, course", [(SOURCE, DEFAULT), (RELEASE, DEFAULT), (None, COURSE_OF_ITS_OWN)],
                         ids=["source", "release", "a course's own"])
def test_the_preamble_defines_what_the_notebooks_locked_set_up_cells_define(notebook, course):
    cells = (json.loads(notebook.read_text()) if notebook else course_notebook(course, json.loads(SOURCE.read_text())))["cells"]
    locked = ["".join(cell["source"]) for cell in cells
              if cell["metadata"].get("nbgrader", {}).get("grade_id") in ("setup", "broken")]
    assert len(locked) == 2
    namespace = {}
    exec(grading.preamble(course), namespace)
    namespace.pop("__builtins__")
    assert namespace == defined("\n".join(locked))
    assert (namespace["SEED"], namespace["THRESHOLD"], namespace["broken_sizes"]) == (
        course.seed, course.threshold, course.broken_sizes)


# the helpers' own implementations handed back


@pytest.mark.parametrize("case", list(BORROWED))
def test_handing_back_the_helpers_implementation_scores_zero_for_that_exercise_only(judge, case):
    exercise, answer, helper = BORROWED[case]
    verdicts = judge.grade({**SOLUTION, exercise: answer})
    assert scores(verdicts) == full(**{exercise: 0.0}), report(verdicts)
    assert hints(verdicts[exercise]) and all(helper in hint for hint in hints(verdicts[exercise])), verdicts[exercise]


# patching the grader, rebinding names


def test_patching_the_borrowing_check_is_refused_by_the_policy(judge):
    answer = "helpers.classroom.sandbox.is_implementation = lambda code: False\n" + SOLUTION["forward"]
    verdicts = judge.grade({**SOLUTION, "forward": answer})
    assert scores(verdicts) == full(forward=0.0), report(verdicts)
    assert hints(verdicts["forward"]) == [policy.hint(policy.problems(answer))]
    assert "`.classroom`" in hints(verdicts["forward"])[0]


def test_patching_the_verdict_in_an_unanswered_cell_changes_nothing(judge):
    verdicts = judge.grade({**SOLUTION, "fix": "helpers.Verdict.passed = True\n" + UNANSWERED["fix"]})
    assert scores(verdicts) == full(fix=0.0), report(verdicts)


def test_rebinding_float_in_the_first_answer_cell_changes_nothing(judge):
    verdicts = judge.grade({**SOLUTION, "forward": "float = lambda text: 3.0\n" + SOLUTION["forward"]})
    assert scores(verdicts) == POINTS, report(verdicts)


def test_a_helpers_stub_scores_what_the_cells_own_answer_earns(judge):
    smallest = depth.smallest_vanishing_depth(DEFAULT.threshold, DEFAULT.seed)
    stub = ("class helpers:\n    def check_vanishing_depth(*args, **kwargs):\n        return None\n\n\n"
            f"smallest_depth = {smallest}\nshortcut_ratio = 1.0\n")
    earned = grading.summary("depth", depth.judge([smallest, 1.0], course=DEFAULT))["score"]
    assert 0 < earned < POINTS["depth"]
    verdicts = judge.grade({**SOLUTION, "depth": stub})
    assert scores(verdicts) == full(depth=earned), report(verdicts)


# another helpers beside the notebook or on PYTHONPATH


def test_a_helpers_package_beside_the_notebook_is_not_imported(commands):
    code, stdout, stderr = finished(commands["beside"][0])
    assert code == 0, stderr
    assert "fake" not in stdout
    assert printed_scores(stdout) == (dict.fromkeys(POINTS, 0.0), f"total: 0 of {TOTAL:g}"), stdout


def test_the_command_line_prints_each_score_and_the_total_for_its_course_whatever_pythonpath_holds(commands):
    code, stdout, stderr = finished(commands["pythonpath"][0])
    assert code == 0, stderr
    assert "fake" not in stdout
    expected = full(depth=0.0)  # the default course's numbers are not this course's answers
    assert printed_scores(stdout) == (expected, f"total: {sum(expected.values()):g} of {TOTAL:g}"), stdout


# answers the worker cannot finish


def test_an_endless_loop_is_stopped_by_the_cell_limit_and_costs_only_its_exercise(judge, monkeypatch):
    # a job limit far above the cell's CPU limit: on a loaded machine 2 s of CPU can take 8 s
    monkeypatch.setattr(judge, "job_seconds", 60)
    verdicts = judge.grade({**SOLUTION, "depth": "while True:\n    pass\n"})
    assert scores(verdicts) == full(depth=0.0), report(verdicts)
    assert any(f"did not finish within {CELL_SECONDS:g} s" in hint for hint in hints(verdicts["depth"]))
    assert verdicts["fix"].passed  # the later exercise ran the loop too, and went on


def test_an_endless_loop_that_swallows_every_interruption_is_stopped_by_the_job_limit(judge):
    stubborn = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n"
    verdicts = judge.grade({**SOLUTION, "fix": stubborn})
    assert scores(verdicts) == full(fix=0.0), report(verdicts)
    assert hints(verdicts["fix"]) == [f"your answer cells did not finish within {JOB_SECONDS:g} s (an endless loop?)"]


def test_time_sleep_is_refused_or_stopped_by_the_job_limit(judge):
    answer = "import time\ntime.sleep(10**6)\n"
    verdicts = judge.grade({**SOLUTION, "fix": answer})
    assert scores(verdicts) == full(fix=0.0), report(verdicts)
    if policy.problems(answer):  # the policy does not let an answer cell import time
        assert hints(verdicts["fix"]) == [policy.hint(policy.problems(answer))]
        assert "import time" in hints(verdicts["fix"])[0]
    else:
        assert hints(verdicts["fix"]) == [f"your answer cells did not finish within {JOB_SECONDS:g} s (an endless loop?)"]


def test_a_wait_that_uses_no_cpu_is_stopped_by_the_job_limit_and_the_later_exercise_runs_without_it(judge):
    answer = "torch.futures.Future().wait()\n"  # blocks for ever without CPU time, as a sleep would
    assert policy.problems(answer) == []
    verdicts = judge.grade({**SOLUTION, "depth": answer})
    assert scores(verdicts) == full(depth=0.0), report(verdicts)
    assert hints(verdicts["depth"]) == [f"your answer cells did not finish within {JOB_SECONDS:g} s (an endless loop?)"]
    assert ("answer cell 'depth' (run before this one)", False,
            "it did not finish, so it was left out when this exercise was graded", 0.0) in verdicts["fix"].results


def test_a_memory_hog_gets_a_clear_error(judge):
    verdicts = judge.grade({**SOLUTION, "fix": "x = torch.ones(2**34)\n" + SOLUTION["fix"]})
    assert scores(verdicts) == full(fix=0.0), report(verdicts)
    assert hints(verdicts["fix"])[0].startswith("your code raised RuntimeError") and "allocate" in hints(verdicts["fix"])[0]


def test_printing_a_million_lines_costs_nothing(judge):
    verdicts = judge.grade({**SOLUTION, "fix": "for i in range(10**6):\n    print(i)\n" + SOLUTION["fix"]})
    assert scores(verdicts) == POINTS, report(verdicts)


def worker_request(judge, sources):
    """A request for the worker as the judge makes it, but with no cell refused by the policy."""
    cells = [[grade_id, sources[grade_id]] for grade_id in grading.ANSWER_CELLS]
    jobs = [{"exercise": exercise, "cells": cells[: index + 1], "preamble": grading.preamble(DEFAULT),
             "cases": grading.encoded_cases(exercise)[1], "cell_seconds": judge.cell_seconds}
            for index, exercise in enumerate(grading.ANSWER_CELLS)]
    return {"id": "crafted", "jobs": jobs, "job_seconds": judge.job_seconds}


def test_a_child_that_ends_python_in_an_earlier_cell_is_run_again_without_it(judge):
    sources = {**SOLUTION, "forward": "import os\nos._exit(1)\n"}  # the policy refuses this: the worker gets it here
    outcomes = judge.run_worker(worker_request(judge, sources))
    assert outcomes is not None
    assert (outcomes["forward"]["status"], outcomes["forward"]["cell"]) == ("died", "forward")
    for exercise in grading.ANSWER_CELLS[1:]:
        assert outcomes[exercise]["status"] == "done", exercise
        assert outcomes[exercise]["left_out"] == [["forward", "died"]], exercise
    verdicts = {exercise: judge.verdict(exercise, sources, {}, outcomes, DEFAULT) for exercise in grading.ANSWER_CELLS}
    assert scores(verdicts) == full(forward=0.0), report(verdicts)
    assert "stopped Python itself" in hints(verdicts["forward"])[0]
    for exercise in grading.ANSWER_CELLS[1:]:
        assert ("answer cell 'forward' (run before this one)", False,
                "it stopped Python, so it was left out when this exercise was graded", 0.0) in verdicts[exercise].results


def test_an_answer_cell_that_ends_python_through_an_allowed_module_costs_only_its_exercise(judge):
    answer = "import random\nrandom._os._exit(1)\n"
    verdicts = judge.grade({**SOLUTION, "forward": answer})
    assert scores(verdicts) == full(forward=0.0), report(verdicts)
    if policy.problems(answer):  # the policy closed the way to os
        assert hints(verdicts["forward"]) == [policy.hint(policy.problems(answer))]
    else:
        assert "stopped Python itself" in hints(verdicts["forward"])[0]
        assert all(hints(verdicts[exercise]) == ["it stopped Python, so it was left out when this exercise was graded"]
                   for exercise in grading.ANSWER_CELLS[1:]), report(verdicts)


# a course's own values


def test_a_course_of_its_own_gives_the_solution_full_marks(judge):
    verdicts = judge.grade(SOLUTION, COURSE)
    assert scores(verdicts) == POINTS, report(verdicts)


def test_the_default_courses_numbers_as_literals_lose_exercise_4_in_another_course(judge):
    answers = {**SOLUTION, "depth": default_course_depth_answer()}
    assert scores(judge.grade(answers)) == POINTS  # right for the default course
    verdicts = judge.grade(answers, COURSE)
    assert scores(verdicts) == full(depth=0.0), report(verdicts)


# bad use of the command line


@pytest.mark.parametrize("args, named", [
    (["--bogus", "NOTEBOOK"], "unrecognized arguments: --bogus"),
    (["MISSING"], "notebook: no file"),
    (["NOTEBOOK", "--course", "{seed"], "--course: "),
    (["NOTEBOOK", "--course", '{"seed": -1}'], "--course: seed must be"),
    (["NOTEBOOK", "--course", '{"colour": 1}'], "--course: course has unknown keys ['colour']"),
    (["NOTEBOOK", "--course", "[2027]"], "--course: course must be a dict"),
], ids=["unknown option", "missing notebook", "course not JSON", "bad seed", "unknown key", "course not a dict"])
def test_bad_usage_exits_with_2_and_names_the_argument(tmp_path, capsys, args, named):
    paths = {"NOTEBOOK": str(notebook_file(tmp_path / "exercises.ipynb")), "MISSING": str(tmp_path / "missing.ipynb")}
    argv = [paths.get(arg, arg) for arg in args]
    with pytest.raises(SystemExit) as stopped:
        grading.main(argv)
    assert stopped.value.code == 2
    assert named in capsys.readouterr().err


@pytest.mark.parametrize("content", [
    b"not a notebook", b"\xff\xfe\x00garbage", b"[1, 2]", b'{"cells": "none"}', b'{"cells": [1, {"cell_type": "code"}]}',
    b'{"cells": [{"cell_type": "code", "metadata": {"nbgrader": "fix"}, "source": ""}]}',
    b'{"cells": [{"cell_type": "code", "metadata": {"nbgrader": {"grade_id": ["fix"]}}, "source": ""}]}',
    b'{"cells": [{"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "fix"}}, "source": [1, 2]}]}',
    None,
], ids=["text", "bytes", "a list", "cells not a list", "cells not dicts", "nbgrader not a dict",
        "grade_id a list", "source of numbers", "a folder"])
def test_a_garbage_notebook_grades_as_zero_without_crashing(tmp_path, capsys, content):
    path = tmp_path / "exercises.ipynb"
    path.mkdir() if content is None else path.write_bytes(content)
    assert grading.main([str(path)]) == 0
    assert printed_scores(capsys.readouterr().out) == (dict.fromkeys(POINTS, 0.0), f"total: 0 of {TOTAL:g}")


# the --serve protocol


def test_serve_answers_each_request_with_its_id_and_goes_on_after_a_malformed_line(commands):
    process, channel = commands["serve"]
    channel.sock.sendall(b"not json\n")
    channel.send({"id": "first", "sources": {**SOLUTION, "fix": UNANSWERED["fix"]}})
    channel.sock.sendall(b"[1, 2]\n")
    channel.send({"id": 2, "sources": UNANSWERED, "course": COURSE.as_dict()})
    channel.send({"id": "bad course", "sources": SOLUTION, "course": {"seed": -1}})
    replies = [channel.receive(240) for _ in range(5)]
    channel.close()  # the plug-in's end closed: the judge stops
    code, _, stderr = finished(process)
    assert code == 0, stderr
    assert [reply and reply["id"] for reply in replies] == [None, "first", None, 2, "bad course"], replies
    assert "error" in replies[0] and "error" in replies[2]
    assert "seed must be" in replies[4]["error"]
    for reply, expected in [(replies[1], full(fix=0.0)), (replies[3], dict.fromkeys(POINTS, 0.0))]:
        assert {exercise: result["score"] for exercise, result in reply["verdicts"].items()} == expected
        assert {exercise: result["points"] for exercise, result in reply["verdicts"].items()} == POINTS


# number forms, answers that change their inputs, processes left behind, memory, threads


def test_number_forms_are_judged_and_an_input_changed_in_place_costs_nothing(judge):
    zeroing = SOLUTION["gradient_means"].replace("def my_gradient_means(", "def measured(") + (
        "\ndef my_gradient_means(model, x):\n    values = measured(model, x)\n    x.zero_()\n    return values\n")
    verdicts = judge.grade({
        **SOLUTION, "gradient_means": zeroing,
        "fastest": SOLUTION["fastest"] + "\nsigmoid_max_slope = 10**400\n",
        "depth": SOLUTION["depth"] + "\nsmallest_depth = -10**400\nshortcut_ratio = complex(shortcut_ratio)\n",
        "fix": SOLUTION["fix"] + "\nfrom fractions import Fraction\nfixed_sizes = [Fraction(s) + 0j for s in fixed_sizes]\n",
    })
    assert scores(verdicts) == full(fastest=1.0, depth=1.0), report(verdicts)
    assert hints(verdicts["fastest"]) == ["give a number a float can hold: yours is about 10**400, beyond the largest "
                                          "float (about 1.8e308)"]
    assert "far more than any layer count or size here" in hints(verdicts["depth"])[0]


FORKS_AND_WAITS = """
import os, time
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)  # a process group of its own: out of reach of its parent's group
    time.sleep(600)
    os._exit(0)
with open("stray.pid", "w") as file:
    file.write(str(pid))
"""


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_no_process_a_learner_starts_outlives_grading(judge):
    sources = {**SOLUTION, "fix": FORKS_AND_WAITS + SOLUTION["fix"] + "\n"}  # the policy refuses this: the worker gets it here
    request = worker_request(judge, sources)
    request["jobs"] = request["jobs"][-1:]
    outcomes = judge.run_worker(request)
    assert outcomes["fix"]["status"] == "done", outcomes
    pid = int(Path(judge.folder.name, "stray.pid").read_text())
    assert not alive(pid), f"process {pid}, started by an answer cell, is still running after grading"


def test_an_answer_that_fills_more_than_a_gigabyte_gets_a_clear_error(judge):
    verdicts = judge.grade({"fix": "x = torch.ones(3 * 2**27)\n" + SOLUTION["fix"]})  # 1.5 GiB; the fix alone
    assert verdicts["fix"].score == 0, report(verdicts)
    assert hints(verdicts["fix"])[0].startswith("your code raised RuntimeError") and "allocate" in hints(verdicts["fix"])[0]


def test_a_judge_in_a_process_with_threads_starts_its_worker_instead_of_forking_it(judge):
    assert grading.os_threads() > 1  # torch's thread pool, in this test process
    assert judge.run_worker({"id": 1, "jobs": [], "job_seconds": 5}) == {}
    assert isinstance(judge.worker, subprocess.Popen)  # `python -I -m helpers.classroom.worker`, not a fork


def test_the_end_of_a_huge_judge_log_is_read_without_reading_it_all(tmp_path):
    from helpers.classroom.plugin import JudgeProcess

    process = JudgeProcess.__new__(JudgeProcess)
    process.errors = open(tmp_path / "judge.log", "w+")
    try:
        process.errors.write("x" * 50_000_000 + "the last words")
        assert process.last_errors() == ("x" * 2000 + "the last words")[-2000:]
    finally:
        process.errors.close()


def test_stopping_the_worker_mid_job_stops_what_its_children_started(judge):
    import time

    sources = {**SOLUTION, "fix": FORKS_AND_WAITS + "\nwhile True:\n    pass\n"}
    request = worker_request(judge, sources)
    request["jobs"] = request["jobs"][-1:]
    judge.run_worker({"id": "warm", "jobs": [], "job_seconds": 5})  # a worker is running
    stray = Path(judge.folder.name, "stray.pid")
    stray.unlink(missing_ok=True)
    judge.channel.send(request)
    deadline = time.monotonic() + 60
    while not stray.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)  # its whole pid written
    pid = int(stray.read_text())
    assert alive(pid)
    judge.stop_worker()
    assert not alive(pid), f"process {pid}, started by an answer cell, outlived the worker"
