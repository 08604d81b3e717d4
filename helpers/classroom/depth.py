"""Exercise 4, how deep until the gradient is gone: the smallest depth at which a plain sigmoid
network's first-to-last ratio falls below the threshold, and the shortcut network's ratio there."""

import math
from functools import lru_cache

from helpers.classroom.answers import Verdict, as_number, as_whole_number
from helpers.classroom.course import DEFAULT
from helpers.claims import rounded
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
    verdict = Verdict("Depth at which the sigmoid network's gradient vanishes")
    expected = smallest_vanishing_depth(course.threshold, course.seed)
    given, problem = as_whole_number(depth)
    if problem is None and given != expected:
        # no direction (deeper or shallower): a hint that said so would turn the check into a bisection search
        problem = (f"{given} is not the smallest depth whose ratio is below THRESHOLD ({course.threshold:g}): sweep "
                   "the depths in order, helpers.depth_sweep(range(1, 40), activation='sigmoid', seed=SEED), and take "
                   "the 'depth' of the first row whose 'ratio' is below it")
        if course.seed != DEFAULT.seed and given == smallest_vanishing_depth(course.threshold, DEFAULT.seed):
            problem = (f"{given} is the smallest depth for seed {DEFAULT.seed}, and this notebook's networks use "
                       f"SEED = {course.seed}: sweep the depths with seed=SEED")
    verdict.add("the smallest depth", problem is None, problem or "", 1.0)
    # the ratio is judged at the learner's own depth when it is a sensible one (no double penalty)
    at = given if given is not None and 1 <= given <= DEEPEST else expected
    actual, plain = ratio_at(at, True, course.seed), ratio_at(at, False, course.seed)
    number, problem = as_number(shortcut_ratio)
    if problem is None and not (rounded(number, 2) == rounded(actual, 2) or math.isclose(number, actual, rel_tol=1e-3)):
        if close(number, plain):
            problem = "that is the plain network's ratio: measure the same depth with use_shortcut=True"
        elif number > 0 and close(1 / number, actual):
            problem = "upside down: the ratio is the first layer's mean gradient divided by the last layer's"
        elif course.seed != DEFAULT.seed and close(number, ratio_at(at, True, DEFAULT.seed)):
            problem = f"that is the ratio for seed {DEFAULT.seed}: this notebook's networks use SEED = {course.seed}"
        elif number > 0 and rounded(number, 1) == number and rounded(actual, 1) == number:
            problem = f"{number:g} is too coarse: give at least 2 significant digits, as the notebook prints it"
        else:
            problem = f"measure the same depth ({at}) with use_shortcut=True and seed=SEED; you gave {number:g}"
    verdict.add("the shortcut network's ratio at that depth", problem is None, problem or "", 1.0)
    return verdict
