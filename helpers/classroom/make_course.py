"""Write a course folder with the course's own exercises (see `helpers.classroom.course`):

    python -m helpers.classroom.make_course FOLDER --seed 2027 [--threshold 1e-7] [--width 4] [--wide 5]

From a clone of the repository (the exercises' source notebook is read from it).
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

from helpers.classroom.course import DEFAULT, THRESHOLDS, Course, course_notebook

EXERCISES = Path(__file__).resolve().parent.parent.parent / "notebooks" / "exercises"


def make_course(folder, course):
    """Write a course folder for COURSE: nbgrader_config.py, README.md and
    source/shortcuts/exercises.ipynb; nothing is written if any of them exists."""
    folder = Path(folder)
    target = folder / "source" / "shortcuts" / "exercises.ipynb"
    for path in (target, folder / "nbgrader_config.py", folder / "README.md"):
        if path.exists():
            raise FileExistsError(f"{path} exists: choose a new folder (nothing was overwritten)")
    template = EXERCISES / "source" / "shortcuts" / "exercises.ipynb"
    if not template.exists():
        raise FileNotFoundError(f"no {template}: run this from a clone of the repository (pip install -e .)")
    source = json.loads(template.read_text())
    notebook = course_notebook(course, source)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    config = (EXERCISES / "nbgrader_config.py").read_text()
    config += f"\n# This course's own exercises (python -m helpers.classroom.make_course):\nc.GradeOutsideKernel.course = {course.as_dict()!r}\n"
    (folder / "nbgrader_config.py").write_text(config)
    shutil.copy(EXERCISES / "README.md", folder / "README.md")
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m helpers.classroom.make_course", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--threshold", type=float, default=DEFAULT.threshold, help="one of " + ", ".join(f"{t:g}" for t in THRESHOLDS))
    parser.add_argument("--width", type=int, default=DEFAULT.width)
    parser.add_argument("--wide", type=int, default=None, help="the broken layers' width (default: width + 1, or 7 for 8)")
    args = parser.parse_args(argv)
    try:
        wide = args.wide if args.wide is not None else args.width + 1 if args.width < 8 else args.width - 1
        course = Course(args.seed, args.threshold, args.width, wide)
        folder = make_course(args.folder, course)
    except (ValueError, FileExistsError, FileNotFoundError) as error:
        parser.exit(2, f"{parser.prog}: {error}\n")
    print(f"course written to {folder}: seed {course.seed}, threshold {course.threshold:g}, broken sizes {course.broken_sizes}")
    print(f"next: cd {folder} && nbgrader generate_assignment shortcuts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
