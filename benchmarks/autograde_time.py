"""How long nbgrader takes to autograde the exercises, measured in this run against its baseline.

In a scratch course built from the source assignment:

- each of a few submissions is autograded on its own (`nbgrader autograde shortcuts --student
  NAME --force`), --repeats times, interleaved; the median wall time is printed beside the
  baseline: executing the same solution notebook top to bottom with nbconvert, without any
  grading (the kernel's start and the learner's own cells, as a learner runs it);
- a class of --class N submissions (10 by default; the kinds below, in turn) is autograded in
  one `nbgrader autograde shortcuts` run, as an instructor does: the wall time of the whole run
  and per submission, against the same baseline. This is the figure that counts for a class:
  a run on its own also pays, once, for nbgrader's and the judge's start.

Submissions: the solution, the untouched student version, a partly answered one, and the
solution with an extra cell that never ends (cut off by the 30 s per-cell timeout).

    python benchmarks/autograde_time.py [--repeats 3] [--class 10]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_classroom import EXERCISES, class_of_submissions, make_class  # noqa: E402

STUDENTS = ["solution", "untouched", "partly", "kernel_hangs"]
CLASS_KINDS = ["solution", "untouched", "partly", "no_shortcut", "fair_points"]  # a class's ordinary mix


def run(command, cwd):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def nbgrader(course, *args):
    return run([sys.executable, "-m", "nbgrader", *args], course)


def scratch_course(folder):
    course = Path(folder)
    course.mkdir(parents=True)
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    shutil.copytree(EXERCISES / "source", course / "source")
    nbgrader(course, "generate_assignment", "shortcuts", "--force")
    return course, course / "release" / "shortcuts" / "exercises.ipynb"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--class", dest="class_size", type=int, default=10, help="the class to autograde in one run (0: none)")
    args = parser.parse_args()
    if args.repeats < 1 or args.class_size < 0:
        parser.error(f"--repeats must be at least 1 and --class at least 0, got {args.repeats} and {args.class_size}")
    with tempfile.TemporaryDirectory() as folder:
        course, release = scratch_course(Path(folder) / "course")
        submissions = class_of_submissions(release)
        make_class(course, release, {student: submissions[student] for student in STUDENTS})
        bare = Path(folder) / "bare"
        bare.mkdir()
        (bare / "exercises.ipynb").write_text(json.dumps(submissions["solution"][0]))
        times = {name: [] for name in ["baseline"] + STUDENTS}
        for _ in range(args.repeats):
            times["baseline"].append(run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                                          "--output", "executed.ipynb", "exercises.ipynb"], bare))
            for student in STUDENTS:
                times[student].append(nbgrader(course, "autograde", "shortcuts", "--student", student, "--force"))
        baseline = statistics.median(times["baseline"])
        print(f"autograde wall time per submission, median of {args.repeats} (same run), one submission per nbgrader run")
        print(f"  {'baseline: the solution executed, no grading':45s} {baseline:6.1f} s")
        for student in STUDENTS:
            median = statistics.median(times[student])
            print(f"  {student:45s} {median:6.1f} s   ({median / baseline:.2f}x the baseline)")
        if args.class_size:
            course, release = scratch_course(Path(folder) / "class")
            submissions = class_of_submissions(release)
            make_class(course, release, {f"student{i:03d}": submissions[CLASS_KINDS[i % len(CLASS_KINDS)]]
                                         for i in range(args.class_size)})
            seconds = nbgrader(course, "autograde", "shortcuts", "--force")
            print(f"a class of {args.class_size} ({', '.join(CLASS_KINDS)} in turn) in one nbgrader autograde run: "
                  f"{seconds:.0f} s ({seconds / 60:.1f} min), {seconds / args.class_size:.1f} s a submission "
                  f"({seconds / args.class_size / baseline:.2f}x the baseline)")


if __name__ == "__main__":
    main()
