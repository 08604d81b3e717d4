"""The exercises' "Check yourself" cells: run a learner's answer on several cases and give a
`Verdict`, part by part, with a hint naming each mistake.

Each exercise's module (`forward`, `gradient_means`, `activations`, `depth`, `sizes`) judges in
two steps, so that the same judgement serves these checks and the instructor's grader
(`helpers.classroom.grading`): `probe` runs the learner's code (in whatever process holds it)
and returns what it produced as plain data, each call under `sandbox.run_learner` (a time limit,
every exception caught, torch's global settings put back); `judge` compares that data with
values it computes itself. A check here does both in the learner's kernel, never changing the
learner's objects or random state. The grade comes from the grader, not from these checks.
"""

from helpers.classroom import activations, depth, forward, gradient_means, sizes
from helpers.classroom.answers import Verdict, portable
from helpers.classroom.common import keeps_random_state
from helpers.classroom.course import DEFAULT, Course
from helpers.language import say


def course_of(seed=DEFAULT.seed, threshold=DEFAULT.threshold, broken_sizes=None):
    """The Course a notebook's set-up values describe (seed, threshold, broken_sizes)."""
    if broken_sizes is None:
        return Course(seed, threshold)
    problem = ValueError(f"broken_sizes must be the six sizes of the notebook's broken network, got {broken_sizes!r}")
    if not (isinstance(broken_sizes, (list, tuple)) and len(broken_sizes) == 6):
        raise problem
    try:
        course = Course(seed, threshold, broken_sizes[0], broken_sizes[1])
    except ValueError:
        raise problem from None
    if list(broken_sizes) != course.broken_sizes:
        raise problem
    return course


@keeps_random_state
def check_forward(network_class):
    """Exercise 1: `network_class(layer_sizes, use_shortcut)` with the exercise's layers, whose
    forward method adds the shortcut where shapes match."""
    cases = forward.cases()
    return forward.judge(forward.probe(network_class, cases), cases)


@keeps_random_state
def check_gradient_means(function):
    """Exercise 2: `function(model, x)` returns {weight name: mean |gradient|}."""
    cases = gradient_means.cases()
    return gradient_means.judge(gradient_means.probe(function, cases), cases)


@keeps_random_state
def check_fastest_vanishing(activation, ratio, sigmoid_max_slope, seed=DEFAULT.seed):
    """Exercise 3: which activation makes gradients vanish fastest, backed by the first-to-last
    ratio measured for it at depth 12 (networks built after torch.manual_seed(seed)), and the
    sigmoid's largest slope."""
    data = [portable(activation), portable(ratio), portable(sigmoid_max_slope)]
    return activations.judge(data, course=course_of(seed))


@keeps_random_state
def check_vanishing_depth(smallest_depth, shortcut_ratio, seed=DEFAULT.seed, threshold=DEFAULT.threshold):
    """Exercise 4: the smallest depth where a plain sigmoid network's first-layer gradient falls
    below `threshold` of its last layer's, and the ratio the shortcut network has at that depth."""
    return depth.judge([portable(smallest_depth), portable(shortcut_ratio)], course=course_of(seed, threshold))


@keeps_random_state
def check_layer_sizes_fix(fixed_sizes, broken_sizes=DEFAULT.broken_sizes):
    """Exercise 5: sizes for a 5-layer network from the broken network's input width to 1 output
    in which the shortcut fires on every layer but the last."""
    try:
        course = course_of(broken_sizes=list(broken_sizes) if isinstance(broken_sizes, (list, tuple)) else broken_sizes)
    except ValueError:
        # changed by the learner's cell (fixed_sizes = broken_sizes makes both names one list): its input
        # width is what the fix keeps
        width = broken_sizes[0] if isinstance(broken_sizes, (list, tuple)) and broken_sizes else None
        try:
            course = Course(width=width, wide=width + 1 if width < 8 else width - 1)
        except (TypeError, ValueError):
            verdict = Verdict(say("title_sizes"))
            hint = say("broken_sizes_changed", value=repr(broken_sizes))
            for part in sizes.parts("broken_sizes[0]"):
                verdict.add(part, False, hint, 1.0)
            return verdict
    return sizes.judge([portable(fixed_sizes)], course=course)


__all__ = ["Verdict", "check_fastest_vanishing", "check_forward", "check_gradient_means", "check_layer_sizes_fix",
           "check_vanishing_depth"]
