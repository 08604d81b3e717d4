"""Exercise 3, which activation vanishes fastest: the name, backed by the first-to-last ratio the
learner measured for it at depth 12, and the sigmoid's largest slope."""

import math

from helpers.classroom.answers import Verdict, as_name, as_number
from helpers.classroom.course import DEFAULT
from helpers.claims import rounded
from helpers.language import say
from helpers.sweeps import depth_sweep

NAMES = ["fastest_vanishing", "fastest_ratio", "sigmoid_max_slope"]
ACTIVATIONS = ["gelu", "relu", "sigmoid", "tanh"]
DEPTH = 12  # not a depth notebook 01 prints: the ratio has to be measured


def ratios(seed):
    """{activation: first-to-last ratio of a plain width-3 network of depth DEPTH}."""
    return {name: depth_sweep([DEPTH], name, seed=seed)[0]["ratio"] for name in ACTIVATIONS}


def matches(number, ratio):
    """NUMBER is RATIO as measured, to the 2 significant digits the notebook prints, or closer."""
    return math.isfinite(ratio) and ratio > 0 and (rounded(number, 2) == rounded(ratio, 2) or math.isclose(number, ratio, rel_tol=1e-3))


def judge(data, cases=None, course=DEFAULT):
    activation, ratio, slope = data
    verdict = Verdict(say("title_activations"))
    measured = ratios(course.seed)
    fastest = min((r, n) for n, r in measured.items() if r > 0)[1]
    measure = say("measure_each", names=", ".join(map(repr, ACTIVATIONS)), depth=DEPTH)
    name, problem = as_name(activation, ACTIVATIONS, name="fastest_vanishing")
    number, ratio_problem = as_number(ratio, name="fastest_ratio") if problem is None else (None, None)
    if problem is None and ratio_problem is not None:
        problem = say("back_your_choice", problem=ratio_problem)
    if problem is None and not matches(number, measured[name]):
        others = [other for other in ACTIVATIONS if other != name and matches(number, measured[other])]
        if others:
            problem = say("ratio_of_other", other=repr(others[0]), name=repr(name))
        elif number > 0 and matches(1 / number, measured[name]):
            problem = say("fastest_upside_down")
        elif course.seed != DEFAULT.seed and matches(number, ratios(DEFAULT.seed)[name]):
            problem = say("activation_other_seed", name=repr(name), default=DEFAULT.seed, seed=course.seed)
        else:
            problem = say("ratio_not_of_name", name=repr(name), depth=DEPTH, measure=measure)
    if problem is None and name != fastest:
        problem = say("not_the_one", name=repr(name), measure=measure)
    verdict.add(say("part_fastest"), problem is None, problem or "", 1.0)
    number, problem = as_number(slope, name="sigmoid_max_slope")
    if problem is None and not abs(number - 0.25) <= 5e-4:
        if abs(number - 0.5) <= 5e-3:
            problem = say("slope_is_value")
        elif abs(number - 1.0) <= 1e-2:
            problem = say("slope_is_limit")
        elif abs(number - 0.25) < 0.06:
            problem = say("slope_too_coarse", number=f"{number:g}")
        else:
            problem = say("slope_largest_at_zero", number=f"{number:g}")
    verdict.add(say("part_slope"), problem is None, problem or "", 1.0)
    return verdict
