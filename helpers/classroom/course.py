"""A course's own version of the exercises: the seed, the threshold and the broken network that
exercises 3-5 are built from.

The repository's exercises use the book's seed 123, the threshold 1e-6 and the broken sizes
[3, 4, 3, 4, 3, 1]; their solutions are public. A course can choose its own, so that the
numbers a public solution prints are not its answers:

    python -m helpers.classroom.make_course FOLDER --seed 2027 --threshold 1e-7 --width 4

writes a course folder (nbgrader_config.py, source/shortcuts/exercises.ipynb) whose set-up
cell defines SEED, THRESHOLD and broken_sizes, and whose nbgrader_config.py hands the same
values to the grader. The grader takes them from that file, never from a learner's notebook.
"""

import json
from dataclasses import asdict, dataclass

THRESHOLDS = (1e-5, 1e-6, 1e-7, 1e-8, 1e-9)


@dataclass(frozen=True)
class Course:
    """What a course's exercises are built from (the repository's defaults are the book's)."""

    seed: int = 123  # every network of exercises 3-5 is built after torch.manual_seed(seed)
    threshold: float = 1e-6  # exercise 4: the first-to-last ratio to fall below
    width: int = 3  # exercise 5: the input width of the broken network and of its fix
    wide: int = 4  # exercise 5: the width of the broken network's alternate layers

    def __post_init__(self):
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**31:
            raise ValueError(f"seed must be a whole number from 0 to 2**31 - 1, got {self.seed!r}")
        if self.threshold not in THRESHOLDS:
            raise ValueError(f"threshold must be one of {', '.join(f'{t:g}' for t in THRESHOLDS)}, got {self.threshold!r}")
        for name in ("width", "wide"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 8:
                raise ValueError(f"{name} must be a whole number from 2 to 8, got {value!r}")
        if self.wide == self.width:
            raise ValueError(f"wide must differ from width (both {self.width}): the broken network needs a width change")

    @property
    def broken_sizes(self):
        return [self.width, self.wide, self.width, self.wide, self.width, 1]

    @property
    def fixed_sizes(self):
        return [self.width] * 5 + [1]

    def setup_code(self):
        """The values the notebook's locked set-up cell defines, as code."""
        return (f"SEED = {self.seed}  # every network of exercises 3-5 is built after torch.manual_seed(SEED)\n"
                f"THRESHOLD = {self.threshold:g}  # exercise 4's threshold\n")

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, values):
        """A Course from a dict (nbgrader_config.py's `c.GradeOutsideKernel.course`); unknown keys
        are refused by name."""
        if not isinstance(values, dict):
            raise ValueError(f"course must be a dict of {', '.join(asdict(cls()))}, got {values!r}")
        unknown = sorted(set(values) - set(asdict(cls())))
        if unknown:
            raise ValueError(f"course has unknown keys {unknown}: it takes {', '.join(asdict(cls()))}")
        return cls(**values)


DEFAULT = Course()


def course_notebook(course, source):
    """The source notebook (a dict) with the course's values in its set-up and broken cells (the
    lines that define SEED, THRESHOLD and broken_sizes; the rest as it was) and no outputs."""
    notebook = json.loads(json.dumps(source))
    defined = course.setup_code() + f"broken_sizes = {course.broken_sizes}\n"
    lines_of = {line.split(" = ", 1)[0]: line for line in defined.splitlines()}
    wanted = {"setup": ["SEED", "THRESHOLD"], "broken": ["broken_sizes"]}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in wanted:
            lines = "".join(cell["source"]).splitlines(keepends=True)
            for name in wanted.pop(grade_id):
                at = [i for i, line in enumerate(lines) if line.startswith(f"{name} = ")]
                if len(at) != 1:
                    raise ValueError(f"the {grade_id!r} cell of the source notebook must define {name} on one line")
                ending = "\n" if lines[at[0]].endswith("\n") else ""
                lines[at[0]] = lines_of[name] + ending
            cell["source"] = lines
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    if wanted:
        raise ValueError(f"the source notebook has no {' or '.join(map(repr, wanted))} cell")
    return notebook
