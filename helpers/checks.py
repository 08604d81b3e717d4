"""Self-checks for the exercises: run a learner's answer on several cases and give a verdict.

Each check returns a `Verdict`, which a notebook shows as a few lines: what passed and, for
what failed, a specific hint. A check never crashes on the learner's code (an exception is
reported with the line that raised it), never changes the learner's objects or random state,
and runs in well under a second. Autograded cells use `verdict.passed`.
"""

import functools
import math
import sys
import traceback
from dataclasses import dataclass, field

import torch

from helpers.gradients import book_gradients, gradient_means
from helpers.sweeps import depth_sweep
from helpers.network import ExampleDeepNeuralNetwork, sample_input

HELPERS_DIR = __file__.rsplit("/", 1)[0]


@dataclass
class Verdict:
    """What a check found: `passed`, and one line per case (a hint where it failed)."""

    title: str
    results: list = field(default_factory=list)  # (case, ok, hint)

    def add(self, case, ok, hint=""):
        self.results.append((case, ok, hint))
        return ok

    @property
    def passed(self):
        return bool(self.results) and all(ok for _, ok, _ in self.results)

    @property
    def hints(self):
        return [hint for _, ok, hint in self.results if not ok]

    def __str__(self):
        done = sum(ok for _, ok, _ in self.results)
        head = f"{self.title}: {'all passed' if self.passed else 'not yet'} ({done} of {len(self.results)} checks)"
        lines = [head] + [f"  {'✓' if ok else '✗'} {case}" + ("" if ok else f"\n      hint: {hint}")
                          for case, ok, hint in self.results]
        return "\n".join(lines)

    __repr__ = __str__


def describe_exception(error):
    """`ValueError: message (line 12: x = x + y)`, naming the learner's line, not ours."""
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith((HELPERS_DIR, sys.prefix, sys.base_prefix))
    ]
    where = f" (line {frames[-1].lineno}: {frames[-1].line.strip()})" if frames and frames[-1].line else ""
    message = f": {error}" if str(error) else ""
    return f"{type(error).__name__}{message}{where}"


def answer_hint(error):
    """The hint for code that raised: not answered yet, or which exception on which line."""
    if error.startswith("NotImplementedError"):
        return f"not answered yet: replace `raise NotImplementedError()` with your code {error[len('NotImplementedError'):].strip()}"
    return f"your code raised {error}"


def keeps_random_state(check):
    """Run `check` with its own random state: the learner's is the same afterwards."""

    @functools.wraps(check)
    def checked(*args, **kwargs):
        with torch.random.fork_rng(devices=[]):
            return check(*args, **kwargs)

    return checked


def run_safely(action):
    """(result, None) if `action()` works, (None, description of the exception) if it raises."""
    try:
        return action(), None
    except Exception as error:  # a learner's code can raise anything; report it, never crash
        return None, describe_exception(error)


@keeps_random_state
def check_forward(network_class):
    """Check a learner's network class: `network_class(layer_sizes, use_shortcut)` with the
    layers of the exercise, whose forward method adds the shortcut where shapes match."""
    verdict = Verdict("Shortcut forward method")
    cases = [
        ("the book's network, use_shortcut=True", [3, 3, 3, 3, 3, 1], True),
        ("the book's network, use_shortcut=False", [3, 3, 3, 3, 3, 1], False),
        ("a width change in the middle, [2, 2, 3, 3, 1], use_shortcut=True", [2, 2, 3, 3, 1], True),
        ("a batch of 4 examples, [4, 4, 4, 2], use_shortcut=True", [4, 4, 4, 2], True),
    ]
    for case, sizes, use_shortcut in cases:
        torch.manual_seed(0)
        reference = ExampleDeepNeuralNetwork(sizes, use_shortcut)
        plain = ExampleDeepNeuralNetwork(sizes, False)
        plain.load_state_dict(reference.state_dict())
        x = torch.linspace(-1.5, 2.0, 4 * sizes[0]).reshape(4, sizes[0])
        if case.startswith("the book"):
            x = sample_input(sizes[0])

        def attempt(sizes=sizes, use_shortcut=use_shortcut, x=x):
            model = network_class(sizes, use_shortcut)
            model.load_state_dict(reference.state_dict())
            return model(x.clone())

        output, error = run_safely(attempt)
        with torch.no_grad():
            expected, without = reference(x), plain(x)
        if error is not None:
            if "size of tensor" in error or "must match" in error:
                hint = ("the shortcut was added across a shape change, which raises: add the input "
                        "only where x.shape == layer_output.shape. " + error)
            else:
                hint = answer_hint(error)
            verdict.add(case, False, hint)
        elif not isinstance(output, torch.Tensor):
            verdict.add(case, False, f"forward must return a tensor, it returned {type(output).__name__}")
        elif output.shape != expected.shape:
            verdict.add(case, False, (
                f"the output has shape {tuple(output.shape)}, expected {tuple(expected.shape)}: the shortcut "
                "was added across a shape change (broadcasting hid it); add the input only where "
                "x.shape == layer_output.shape"))
        elif torch.allclose(output, expected, rtol=1e-5, atol=1e-7):
            verdict.add(case, True)
        elif use_shortcut and torch.allclose(output, without, rtol=1e-5, atol=1e-7):
            verdict.add(case, False, "no shortcut added: with use_shortcut=True, add the layer's input to its "
                                     "output (x = x + layer_output) wherever their shapes match")
        elif not use_shortcut:
            verdict.add(case, False, "with use_shortcut=False the network must not add any shortcut")
        else:
            verdict.add(case, False, "the output differs from the expected one: each layer's input x must be "
                                     "added to that layer's output, then become the next layer's input")
    return verdict


@keeps_random_state
def check_gradient_means(function):
    """Check a learner's `function(model, x)` that returns {weight name: mean |gradient|}."""
    verdict = Verdict("Mean absolute gradient of each weight")
    torch.manual_seed(123)
    model = ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)
    x = sample_input()
    expected = gradient_means(model, x)
    first, error = run_safely(lambda: function(model, x))
    if error is not None:
        verdict.add("runs on the book's network", False, answer_hint(error))
        return verdict
    if not isinstance(first, dict):
        verdict.add("returns a dict", False, f"return a dict {{name: value}}, not a {type(first).__name__}")
        return verdict
    verdict.add("returns a dict", True)
    names_ok = list(first) == list(expected)
    if any("bias" in str(name) for name in first):
        verdict.add("only the weight matrices", False, "biases included: keep only parameters whose name ends in "
                                                       "'weight' (the book compares weight matrices)")
    else:
        verdict.add("one entry per weight matrix, in layer order", names_ok,
                    f"expected the keys {list(expected)}, got {list(first)}")
    if not names_ok:
        return verdict
    values = [float(first[name]) for name in expected]
    close = all(math.isclose(v, e, rel_tol=1e-5) for v, e in zip(values, expected.values()))
    if close:
        verdict.add("the values of the book's printout", True)
    else:
        verdict.add("the values of the book's printout", False, reduction_hint(model, x, values))
    second, error = run_safely(lambda: function(model, x))
    same = error is None and isinstance(second, dict) and all(
        math.isclose(float(second.get(n, math.nan)), v, rel_tol=1e-6) for n, v in zip(expected, values))
    doubled = error is None and isinstance(second, dict) and all(
        math.isclose(float(second.get(n, math.nan)), 2 * v, rel_tol=1e-4) for n, v in zip(expected, values))
    verdict.add("a second call gives the same numbers", same,
                "gradients accumulated across calls (the second call gave twice the first): clear them "
                "before backward with model.zero_grad(), or use torch.autograd.grad" if doubled else
                f"the second call gave other numbers{'' if error is None else ': ' + error}")
    return verdict


def reduction_hint(model, x, values):
    """Name the reduction the learner probably used instead of the mean of absolute values."""
    model.zero_grad(set_to_none=True)
    torch.nn.functional.mse_loss(model(x), torch.zeros(1, 1)).backward()
    grads = [p.grad for n, p in model.named_parameters() if n.endswith("weight")]
    model.zero_grad(set_to_none=True)
    guesses = {
        "the mean without the absolute value (positive and negative gradients cancel)": [g.mean() for g in grads],
        "the sum instead of the mean": [g.abs().sum() for g in grads],
        "the largest value instead of the mean": [g.abs().max() for g in grads],
        "the mean of the weights instead of their gradients": [p.abs().mean() for n, p in model.named_parameters() if n.endswith("weight")],
    }
    for words, guess in guesses.items():
        if all(math.isclose(v, g.item(), rel_tol=1e-5, abs_tol=1e-12) for v, g in zip(values, guess)):
            return f"wrong reduction: this is {words}; use param.grad.abs().mean()"
    return "wrong reduction: the value for each weight matrix is param.grad.abs().mean() after one backward pass"


@keeps_random_state
def check_fastest_vanishing(activation, sigmoid_max_slope):
    """Exercise 3: which activation makes gradients vanish fastest, and the sigmoid's largest slope."""
    verdict = Verdict("Which activation vanishes fastest")
    ratios = {name: depth_sweep([20], name)[0]["ratio"] for name in ["gelu", "relu", "sigmoid", "tanh"]}
    fastest = min((r, n) for n, r in ratios.items() if r > 0)[1]
    verdict.add("the activation that vanishes fastest", activation == fastest,
                "measure it: compare helpers.depth_sweep([20], activation=name)[0]['ratio'] for each of "
                f"{', '.join(map(repr, ratios))} (the smallest ratio vanishes fastest); you answered {activation!r}")
    ok = isinstance(sigmoid_max_slope, (int, float)) and math.isclose(sigmoid_max_slope, 0.25, abs_tol=1e-3)
    verdict.add("the sigmoid's largest slope", ok,
                f"sigma'(z) = sigma(z) (1 - sigma(z)) is largest at z = 0; you gave {sigmoid_max_slope!r}")
    return verdict


def smallest_vanishing_depth(threshold=1e-6, activation="sigmoid", use_shortcut=False, deepest=100):
    """The smallest depth whose first-to-last gradient ratio is below `threshold` (None if none)."""
    for depth in range(1, deepest + 1):
        if depth_sweep([depth], activation, use_shortcut)[0]["ratio"] < threshold:
            return depth
    return None


@keeps_random_state
def check_vanishing_depth(depth, shortcut_ratio):
    """Exercise 4: the smallest depth where a plain sigmoid network's first-layer gradient falls
    below 1e-6 of its last layer's, and the ratio the shortcut network has at that depth."""
    verdict = Verdict("Depth at which the sigmoid network's gradient vanishes")
    expected = smallest_vanishing_depth()
    verdict.add("the smallest depth", depth == expected,
                "sweep depths 1, 2, 3, ... with helpers.depth_sweep(..., activation='sigmoid') and stop at "
                f"the first ratio below 1e-6; you answered {depth!r}")
    actual = depth_sweep([expected], "sigmoid", use_shortcut=True)[0]["ratio"]
    ok = isinstance(shortcut_ratio, (int, float)) and math.isclose(shortcut_ratio, actual, rel_tol=1e-4)
    verdict.add("the shortcut network's ratio at that depth", ok,
                f"measure the same depth with use_shortcut=True; you gave {shortcut_ratio!r}")
    return verdict


@keeps_random_state
def check_layer_sizes_fix(layer_sizes):
    """Exercise 5: sizes for a 5-layer network from 3 inputs to 1 output in which the shortcut
    fires on every layer but the last."""
    verdict = Verdict("A network whose shortcuts fire")
    sizes = list(layer_sizes) if isinstance(layer_sizes, (list, tuple)) else None
    if sizes is None or len(sizes) != 6:
        verdict.add("six sizes (five layers)", False, f"give six sizes, got {layer_sizes!r}")
        return verdict
    verdict.add("three inputs and one output", sizes[0] == 3 and sizes[-1] == 1,
                f"keep the input width 3 and the single output: {sizes}")
    blocked = [i for i in range(4) if sizes[i] != sizes[i + 1]]
    verdict.add("a shortcut on each of the first four layers", not blocked,
                "a shortcut can only fire where a layer keeps the width; layers "
                f"{', '.join(map(str, blocked))} change it" if blocked else "")
    if verdict.passed:
        means = book_gradients(True, depth=5)  # the only sizes that pass: [3, 3, 3, 3, 3, 1]
        verdict.add("gradients reach the first layer", list(means.values())[0] > 0.01)
    return verdict


__all__ = [
    "Verdict",
    "check_fastest_vanishing",
    "check_forward",
    "check_gradient_means",
    "check_layer_sizes_fix",
    "check_vanishing_depth",
    "smallest_vanishing_depth",
]
