"""Exercise 5, a network whose shortcuts fire: layer sizes for five layers from the broken
network's input width to 1 output, with a shortcut on every layer but the last."""

from helpers.classroom.answers import Verdict, as_sizes
from helpers.classroom.course import DEFAULT
from helpers.language import say

NAMES = ["fixed_sizes"]


def parts(width):
    return [say("part_six_sizes", width=width), say("part_four_shortcuts")]


def judge(data, cases=None, course=DEFAULT):
    (layer_sizes,) = data
    verdict = Verdict(say("title_sizes"))
    width = course.width
    sizes, problem = as_sizes(layer_sizes, name="fixed_sizes")
    if problem is None and sizes == course.broken_sizes:
        problem = say("sizes_unchanged")
    elif problem is None and len(sizes) != 6:
        problem = say("give_six_sizes", n=len(sizes), sizes=sizes)
    elif problem is None and not (sizes[0] == width and sizes[-1] == 1):
        problem = say("keep_width_and_output", width=width, sizes=sizes)
    verdict.add(parts(width)[0], problem is None, problem or "", 1.0)
    if problem is not None and sizes == course.broken_sizes:
        ok, hint = False, say("sizes_unchanged_short")
    elif sizes is None or len(sizes) != 6:
        ok, hint = False, say("first_six_sizes")
    else:
        blocked = [i for i in range(4) if sizes[i] != sizes[i + 1]]
        ok = not blocked
        hint = say("shortcut_needs_width", layers=say("list_sep").join(map(str, blocked)))
    verdict.add(parts(width)[1], ok, "" if ok else hint, 1.0)
    return verdict
