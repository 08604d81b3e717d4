"""Exercise 4, how deep until the gradient is gone: the smallest depth at which a plain sigmoid
network's first-to-last ratio falls below the threshold, and the shortcut network's ratio there."""

import math
from functools import lru_cache

from helpers.classroom.answers import Verdict, as_number, as_whole_number
from helpers.classroom.course import DEFAULT
from helpers.claims import rounded
from helpers.language import say
from helpers.sweeps import depth_sweep

NAMES = ["smallest_depth", "shortcut_ratio"]
DEEPEST = 60


@lru_cache(maxsize=64)
def ratio_at(depth, use_shortcut, seed):
    return depth_sweep([depth], "sigmoid", use_shortcut=use_shortcut, seed=seed)[0]["ratio"]


def smallest_vanishing_depth(threshold=1e-6, seed=123, deepest=100):
    """The smallest depth whose plain sigmoid network's first-to-last ratio is below `threshold`
    (None if none up to `deepest`)."""
    for depth in range(1, deepest + 1):
        if ratio_at(depth, False, seed) < threshold:
            return depth
    return None


def close(number, ratio):
    """NUMBER is RATIO to the 2 significant digits the notebook prints, or within 1%."""
    return math.isfinite(ratio) and (rounded(number, 2) == rounded(ratio, 2) or math.isclose(number, ratio, rel_tol=1e-2))


def judge(data, cases=None, course=DEFAULT):
    depth, shortcut_ratio = data
    verdict = Verdict(say("title_depth"))
    expected = smallest_vanishing_depth(course.threshold, course.seed)
    given, problem = as_whole_number(depth, name="smallest_depth")
    if problem is None and given != expected:
        # no direction (deeper or shallower): a hint that said so would turn the check into a bisection search
        problem = say("depth_not_smallest", given=given, threshold=f"{course.threshold:g}")
        if course.seed != DEFAULT.seed and given == smallest_vanishing_depth(course.threshold, DEFAULT.seed):
            problem = say("depth_other_seed", given=given, default=DEFAULT.seed, seed=course.seed)
    verdict.add(say("part_smallest_depth"), problem is None, problem or "", 1.0)
    # the ratio is judged at the learner's own depth when it is a sensible one (no double penalty)
    at = given if given is not None and 1 <= given <= DEEPEST else expected
    actual, plain = ratio_at(at, True, course.seed), ratio_at(at, False, course.seed)
    number, problem = as_number(shortcut_ratio, name="shortcut_ratio")
    if problem is None and not (rounded(number, 2) == rounded(actual, 2) or math.isclose(number, actual, rel_tol=1e-3)):
        if close(number, plain):
            problem = say("plain_ratio_given")
        elif number > 0 and close(1 / number, actual):
            problem = say("ratio_upside_down")
        elif course.seed != DEFAULT.seed and close(number, ratio_at(at, True, DEFAULT.seed)):
            problem = say("ratio_other_seed", default=DEFAULT.seed, seed=course.seed)
        elif number > 0 and rounded(number, 1) == number and rounded(actual, 1) == number:
            problem = say("ratio_too_coarse", number=f"{number:g}")
        else:
            problem = say("ratio_measure_again", at=at, number=f"{number:g}")
    verdict.add(say("part_shortcut_ratio"), problem is None, problem or "", 1.0)
    return verdict
