"""How long nbgrader takes to autograde one submission of the exercises, measured in this run.

In a scratch course built from the source assignment, each submission is autograded on its own
(`nbgrader autograde shortcuts --student NAME --force`), --repeats times, interleaved; the median
wall time is printed beside the baseline: executing the solution notebook top to bottom with
nbconvert, without any grading (the kernel start and the learner's own cells). Submissions:
the solution, the untouched student version, a partly right one, and the solution with an
extra cell that never ends (cut off by the 30 s per-cell timeout).

    python benchmarks/autograde_time.py [--repeats 3]
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

from tests.test_classroom import EXERCISES, class_of_submissions  # noqa: E402

STUDENTS = ["solution", "untouched", "partly_right", "hangs"]


def run(command, cwd):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def nbgrader(course, *args):
    return run([sys.executable, "-m", "nbgrader", *args], course)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        shutil.copy(EXERCISES / "nbgrader_config.py", course)
        shutil.copytree(EXERCISES / "source", course / "source")
        nbgrader(course, "generate_assignment", "shortcuts", "--force")
        submissions = class_of_submissions(course / "release" / "shortcuts" / "exercises.ipynb")
        for student in STUDENTS:
            nbgrader(course, "db", "student", "add", student)
            (course / "submitted" / student / "shortcuts").mkdir(parents=True)
            (course / "submitted" / student / "shortcuts" / "exercises.ipynb").write_text(json.dumps(submissions[student]))
        bare = course / "bare"
        bare.mkdir()
        (bare / "exercises.ipynb").write_text(json.dumps(submissions["solution"]))
        times = {name: [] for name in ["baseline"] + STUDENTS}
        for _ in range(repeats):
            times["baseline"].append(run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                                          "--output", "executed.ipynb", "exercises.ipynb"], bare))
            for student in STUDENTS:
                times[student].append(nbgrader(course, "autograde", "shortcuts", "--student", student, "--force"))
    baseline = statistics.median(times["baseline"])
    print(f"autograde wall time per submission, median of {repeats} (same run)")
    print(f"  {'baseline: solution executed, no grading':45s} {baseline:6.1f} s")
    for student in STUDENTS:
        median = statistics.median(times[student])
        print(f"  {student:45s} {median:6.1f} s   ({median - baseline:+.1f} s, {median / baseline:.1f}x the baseline)")


if __name__ == "__main__":
    main()
