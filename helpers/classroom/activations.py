"""Exercise 3, which activation vanishes fastest: the name, backed by the first-to-last ratio the
learner measured for it at depth 12, and the sigmoid's largest slope."""

import math

from helpers.classroom.answers import Verdict, as_name, as_number
from helpers.classroom.course import DEFAULT
from helpers.claims import rounded
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
    verdict = Verdict("Which activation vanishes fastest")
    measured = ratios(course.seed)
    fastest = min((r, n) for n, r in measured.items() if r > 0)[1]
    measure = (f"measure each of {', '.join(map(repr, ACTIVATIONS))} with helpers.depth_sweep([{DEPTH}], "
               "activation=name, seed=SEED)[0]['ratio']: the smallest ratio vanishes fastest")
    name, problem = as_name(activation, ACTIVATIONS)
    number, ratio_problem = as_number(ratio) if problem is None else (None, None)
    if problem is None and ratio_problem is not None:
        problem = f"back your choice with the ratio you measured for it (fastest_ratio): {ratio_problem}"
    if problem is None and not matches(number, measured[name]):
        others = [other for other in ACTIVATIONS if other != name and matches(number, measured[other])]
        if others:
            problem = f"your fastest_ratio is what {others[0]!r} gives, not {name!r}: give the ratio of the activation you chose"
        elif number > 0 and matches(1 / number, measured[name]):
            problem = "fastest_ratio is upside down: the first layer's mean gradient divided by the last layer's"
        elif course.seed != DEFAULT.seed and matches(number, ratios(DEFAULT.seed)[name]):
            problem = (f"that is what {name!r} gives for seed {DEFAULT.seed}: this notebook's networks use "
                       f"SEED = {course.seed}")
        else:
            problem = (f"fastest_ratio is not what {name!r} gives at depth {DEPTH} with this notebook's SEED: "
                       f"{measure}")
    if problem is None and name != fastest:
        problem = f"{name!r} is not the one: {measure}"
    verdict.add("the activation that vanishes fastest, with its measured ratio", problem is None, problem or "", 1.0)
    number, problem = as_number(slope)
    if problem is None and not abs(number - 0.25) <= 5e-4:
        if abs(number - 0.5) <= 5e-3:
            problem = "0.5 is the sigmoid's value at z = 0, not its slope; the slope is sigma(z) (1 - sigma(z))"
        elif abs(number - 1.0) <= 1e-2:
            problem = "1 is the sigmoid's upper limit (or the slope of the identity); its own slope is sigma(z) (1 - sigma(z))"
        elif abs(number - 0.25) < 0.06:
            problem = (f"{number:g} is close but too coarse: give the largest slope to at least 3 decimal places "
                       "(the notebook prints it to 4), from a grid fine enough to include z = 0")
        else:
            problem = f"sigma'(z) = sigma(z) (1 - sigma(z)) is largest at z = 0; you gave {number:g}"
    verdict.add("the sigmoid's largest slope", problem is None, problem or "", 1.0)
    return verdict
