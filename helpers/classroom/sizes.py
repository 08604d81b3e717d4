"""Exercise 5, a network whose shortcuts fire: layer sizes for five layers from the broken
network's input width to 1 output, with a shortcut on every layer but the last."""

from helpers.classroom.answers import Verdict, as_sizes
from helpers.classroom.course import DEFAULT

NAMES = ["fixed_sizes"]


def parts(width):
    return [f"six sizes from {width} inputs to 1 output", "a shortcut on each of the first four layers"]


def judge(data, cases=None, course=DEFAULT):
    (layer_sizes,) = data
    verdict = Verdict("A network whose shortcuts fire")
    width = course.width
    sizes, problem = as_sizes(layer_sizes)
    if problem is None and sizes == course.broken_sizes:
        problem = "that is broken_sizes unchanged: choose sizes whose hidden layers keep the width"
    elif problem is None and len(sizes) != 6:
        problem = f"give six sizes (five layers), got {len(sizes)}: {sizes}"
    elif problem is None and not (sizes[0] == width and sizes[-1] == 1):
        problem = f"keep the input width {width} and the single output: {sizes}"
    verdict.add(parts(width)[0], problem is None, problem or "", 1.0)
    if problem is not None and sizes == course.broken_sizes:
        ok, hint = False, "that is broken_sizes unchanged"
    elif sizes is None or len(sizes) != 6:
        ok, hint = False, "first give six sizes"
    else:
        blocked = [i for i in range(4) if sizes[i] != sizes[i + 1]]
        ok = not blocked
        hint = f"a shortcut can only fire where a layer keeps the width; layers {', '.join(map(str, blocked))} change it"
    verdict.add(parts(width)[1], ok, "" if ok else hint, 1.0)
    return verdict
