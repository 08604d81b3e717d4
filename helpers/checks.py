"""Checks of the exercises: run a learner's answer on several cases and give a `Verdict`.

Each exercise comes in two steps, so that the same judgement serves a learner's "Check
yourself" cell and the instructor's autograder (`helpers.grading`):

- `probe_*` runs the learner's code (in whatever process holds it) and returns what it produced
  as plain data (`answers.portable`), each call under `sandbox.run_learner`: a time limit,
  every exception caught, torch's global settings put back;
- `judge_*` compares that data with values it computes itself, part by part (partial credit),
  and names the actual mistake in each hint.

`check_*` does both in one go, for the notebook. A check never changes the learner's objects or
random state.
"""

import functools
import math

import torch

from helpers.answers import Verdict, as_name, as_number, as_sizes, as_whole_number, portable, shown
from helpers.claims import rounded
from helpers.gradients import gradient_means
from helpers.network import ExampleDeepNeuralNetwork, sample_input
from helpers.sandbox import borrowed_code, run_learner, watch_helpers_calls
from helpers.sweeps import depth_sweep

SECONDS = 5.0  # per call of the learner's code
ACTIVATIONS = ["gelu", "relu", "sigmoid", "tanh"]


def keeps_random_state(function):
    """Run `function` with its own random state: the caller's is the same afterwards."""

    @functools.wraps(function)
    def kept(*args, **kwargs):
        with torch.random.fork_rng(devices=[]):
            return function(*args, **kwargs)

    return kept


def answer_hint(error):
    """The hint for code that raised: not answered yet, or which exception on which line."""
    if error.startswith("NotImplementedError"):
        return f"not answered yet: replace `raise NotImplementedError()` with your code {error[len('NotImplementedError'):].strip()}"
    if error.startswith(("TookTooLong", "SystemExit", "NotDefined")):
        return error.split(": ", 1)[1]
    return f"your code raised {error}"


def borrowed_hint(what, borrowed):
    return (f"{what} uses the helpers' own {', '.join(sorted(borrowed))}: this exercise asks you to write it "
            "yourself, so it scores nothing")


# Exercise 1: the shortcut forward method ------------------------------------------------------

FORWARD_CASES = [  # (case, layer sizes, use_shortcut, points)
    ("the book's network, use_shortcut=True", [3, 3, 3, 3, 3, 1], True, 1.0),
    ("the book's network, use_shortcut=False", [3, 3, 3, 3, 3, 1], False, 1.0),
    ("a width change in the middle, [2, 2, 3, 3, 1], use_shortcut=True", [2, 2, 3, 3, 1], True, 0.5),
    ("a batch of 4 examples, [4, 4, 4, 2], use_shortcut=True", [4, 4, 4, 2], True, 0.5),
]


@keeps_random_state
def forward_cases():
    """Each case with its weights and input: dicts of case, sizes, use_shortcut, points, state, x."""
    cases = []
    for case, sizes, use_shortcut, points in FORWARD_CASES:
        torch.manual_seed(0)
        state = ExampleDeepNeuralNetwork(sizes, use_shortcut).state_dict()
        x = sample_input(sizes[0]) if case.startswith("the book") else torch.linspace(-1.5, 2.0, 4 * sizes[0]).reshape(4, sizes[0])
        cases.append({"case": case, "sizes": sizes, "use_shortcut": use_shortcut, "points": points, "state": state, "x": x})
    return cases


def probe_forward(network_class, cases, seconds=SECONDS):
    """Build `network_class(sizes, use_shortcut)` with each case's weights and run it forward."""
    if not isinstance(network_class, type):
        missing = f"NotDefined: ShortcutNetwork is {shown(portable(network_class))}, not a class: run its cell"
        return {"borrowed": [], "outputs": [{"error": missing, "output": None} for _ in cases]}
    borrowed = {borrowed_code(network_class)} - {None}
    outputs = []
    for case in cases:
        def attempt(case=case):
            model = network_class(case["sizes"], case["use_shortcut"])
            model.load_state_dict(case["state"])
            return model(case["x"].clone())

        with watch_helpers_calls(borrowed):
            output, error = run_learner(attempt, seconds)
        outputs.append({"error": error, "output": portable(output)})
    return {"borrowed": sorted(borrowed), "outputs": outputs}


def judge_forward(probe, cases):
    verdict = Verdict("Shortcut forward method")
    if probe["borrowed"]:
        hint = borrowed_hint("ShortcutNetwork", probe["borrowed"])
        for case in cases:
            verdict.add(case["case"], False, hint, case["points"])
        return verdict
    for case, seen in zip(cases, probe["outputs"]):
        reference = ExampleDeepNeuralNetwork(case["sizes"], case["use_shortcut"])
        reference.load_state_dict(case["state"])
        plain = ExampleDeepNeuralNetwork(case["sizes"], False)
        plain.load_state_dict(case["state"])
        with torch.no_grad():
            expected, without = reference(case["x"]).double(), plain(case["x"]).double()
        output, error, label, points = seen["output"], seen["error"], case["case"], case["points"]
        if error is not None:
            if "size of tensor" in error or "must match" in error:
                hint = ("the shortcut was added across a shape change, which raises: add the input only where "
                        "x.shape == layer_output.shape. " + error)
            else:
                hint = answer_hint(error)
            verdict.add(label, False, hint, points)
        elif not isinstance(output, torch.Tensor):
            verdict.add(label, False, f"forward must return a tensor, it returned {shown(output)}", points)
        elif output.shape != expected.shape:
            verdict.add(label, False, (
                f"the output has shape {tuple(output.shape)}, expected {tuple(expected.shape)}: the shortcut was "
                "added across a shape change (broadcasting hid it); add the input only where "
                "x.shape == layer_output.shape"), points)
        elif not output.is_floating_point():
            verdict.add(label, False, f"the output is a tensor of {output.dtype}: keep the layers' floating-point values", points)
        elif torch.allclose(output.double(), expected, rtol=1e-5, atol=1e-7):
            verdict.add(label, True, points=points)
        elif case["use_shortcut"] and torch.allclose(output.double(), without, rtol=1e-5, atol=1e-7):
            verdict.add(label, False, "no shortcut added: with use_shortcut=True, add the layer's input to its "
                                      "output (x = x + layer_output) wherever their shapes match", points)
        elif not case["use_shortcut"]:
            verdict.add(label, False, "with use_shortcut=False the network must not add any shortcut", points)
        else:
            verdict.add(label, False, "the output differs from the expected one: each layer's input x must be added "
                                      "to that layer's output, then become the next layer's input", points)
    return verdict


@keeps_random_state
def check_forward(network_class):
    """Exercise 1: `network_class(layer_sizes, use_shortcut)` with the exercise's layers, whose
    forward method adds the shortcut where shapes match."""
    cases = forward_cases()
    return judge_forward(probe_forward(network_class, cases), cases)


# Exercise 2: the mean absolute gradient of each weight -----------------------------------------

GRADIENT_CASES = [  # (case, seed, layer sizes, use_shortcut)
    ("the book's network", 123, [3, 3, 3, 3, 3, 1], False),
    ("a network with shortcuts, [2, 4, 4, 1]", 7, [2, 4, 4, 1], True),
]


@keeps_random_state
def gradient_cases():
    cases = []
    for case, seed, sizes, use_shortcut in GRADIENT_CASES:
        torch.manual_seed(seed)
        state = ExampleDeepNeuralNetwork(sizes, use_shortcut).state_dict()
        cases.append({"case": case, "sizes": sizes, "use_shortcut": use_shortcut, "state": state, "x": sample_input(sizes[0])})
    return cases


def case_model(case):
    model = ExampleDeepNeuralNetwork(case["sizes"], case["use_shortcut"])
    model.load_state_dict(case["state"])
    return model


def probe_gradient_means(function, cases, seconds=SECONDS):
    """Call `function(model, x)` twice on each case's network (the same model both times)."""
    if not callable(function):
        missing = f"NotDefined: my_gradient_means is {shown(portable(function))}, not a function: run its cell"
        return {"borrowed": [], "calls": [{"error": missing, "result": None} for _ in range(2 * len(cases))]}
    borrowed = {borrowed_code(function)} - {None}
    calls = []
    for case in cases:
        model = case_model(case)
        for _ in range(2):
            with watch_helpers_calls(borrowed):
                result, error = run_learner(lambda: function(model, case["x"]), seconds)
            calls.append({"error": error, "result": portable(result)})
    return {"borrowed": sorted(borrowed), "calls": calls}


def loss_variants(output):
    return {
        None: torch.nn.functional.mse_loss(output, torch.zeros_like(output)),
        "loss = output.mean()": output.mean(),
        "loss = output.sum()": output.sum(),
        "the squared error against a target of ones": torch.nn.functional.mse_loss(output, torch.ones_like(output)),
    }


REDUCTIONS = {
    None: lambda g, p: g.abs().mean(),
    "the mean without the absolute value (positive and negative gradients cancel)": lambda g, p: g.mean(),
    "the sum instead of the mean": lambda g, p: g.abs().sum(),
    "the largest value instead of the mean": lambda g, p: g.abs().max(),
    "the mean of the weights instead of their gradients": lambda g, p: p.abs().mean(),
}


def diagnose_values(case, values):
    """The wrong loss or reduction that VALUES (one per weight) match, as a hint, or None."""
    for loss_name, reduction_name in [(l, r) for l in loss_variants(torch.zeros(1)) for r in REDUCTIONS]:
        model = case_model(case)
        weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
        grads = torch.autograd.grad(loss_variants(model(case["x"]))[loss_name], weights)
        guess = [REDUCTIONS[reduction_name](g, p).item() for g, p in zip(grads, weights)]
        if all(math.isclose(v, g, rel_tol=1e-5, abs_tol=1e-12) for v, g in zip(values, guess)):
            if loss_name is None and reduction_name is None:
                return None
            if loss_name is not None:
                return (f"the loss differs: your numbers match {loss_name}; the exercise's loss is the mean squared "
                        "error against zeros, nn.functional.mse_loss(output, torch.zeros_like(output))")
            return f"wrong reduction: this is {reduction_name}; use param.grad.abs().mean()"
    return "the values differ: for each weight matrix take param.grad.abs().mean() after one backward pass of the loss"


def read_values(result, names):
    """The learner's dict as numbers in the order of NAMES, or (None, hint)."""
    values = []
    for name in names:
        value = result[name]
        if value is None:
            return None, (f"the value for {name!r} is None: param.grad stays None until backward() has run on a "
                          "loss that depends on it")
        number, problem = as_number(value)
        if problem:
            return None, f"the value for {name!r}: {problem}"
        values.append(number)
    return values, None


def judge_gradient_means(probe, cases):
    verdict = Verdict("Mean absolute gradient of each weight")
    parts = [("returns one entry per weight matrix, in layer order", 0.5),
             ("the values match on every network", 1.0), ("a second call gives the same numbers", 0.5)]
    if probe["borrowed"]:
        for part, points in parts:
            verdict.add(part, False, borrowed_hint("my_gradient_means", probe["borrowed"]), points)
        return verdict
    keys_hint = values_hint = repeat_hint = None
    for index, case in enumerate(cases):
        expected = gradient_means(case_model(case), case["x"])
        first, second = probe["calls"][2 * index], probe["calls"][2 * index + 1]
        if first["error"] is not None:
            keys_hint = keys_hint or f"on {case['case']}: {answer_hint(first['error'])}"
            continue
        result = first["result"]
        if not isinstance(result, dict) or "callable" in result or "repr" in result:
            keys_hint = keys_hint or f"return a dict {{name: value}}, not {shown(result)}"
            continue
        if list(result) != list(expected):
            if any("bias" in name for name in result):
                keys_hint = keys_hint or ("biases included: keep only parameters whose name ends in 'weight' "
                                          "(the book compares weight matrices)")
            else:
                keys_hint = keys_hint or f"on {case['case']}: expected the keys {list(expected)}, got {list(result)}"
            continue
        values, problem = read_values(result, expected)
        if problem:
            values_hint = values_hint or problem
            continue
        if not all(math.isclose(v, e, rel_tol=1e-5, abs_tol=1e-12) for v, e in zip(values, expected.values())):
            values_hint = values_hint or diagnose_values(case, values)
        if second["error"] is not None:
            repeat_hint = repeat_hint or f"the second call failed: {answer_hint(second['error'])}"
            continue
        again = second["result"]
        if not isinstance(again, dict) or list(again) != list(expected):
            repeat_hint = repeat_hint or "the second call returned other keys than the first"
            continue
        again, problem = read_values(again, expected)
        if problem:
            repeat_hint = repeat_hint or f"the second call: {problem}"
        elif all(math.isclose(a, 2 * v, rel_tol=1e-4) for a, v in zip(again, values)) and any(values):
            repeat_hint = repeat_hint or ("gradients accumulated across calls (the second call gave twice the first): "
                                          "clear them before backward with model.zero_grad(), or use torch.autograd.grad")
        elif not all(math.isclose(a, v, rel_tol=1e-6, abs_tol=1e-12) for a, v in zip(again, values)):
            repeat_hint = repeat_hint or "the second call gave other numbers than the first"
    values_hint = values_hint or (keys_hint and "the keys must be right first")
    repeat_hint = repeat_hint or (keys_hint and "the keys must be right first")
    for (part, points), hint in zip(parts, [keys_hint, values_hint, repeat_hint]):
        verdict.add(part, hint is None, hint or "", points)
    return verdict


@keeps_random_state
def check_gradient_means(function):
    """Exercise 2: `function(model, x)` returns {weight name: mean |gradient|}."""
    cases = gradient_cases()
    return judge_gradient_means(probe_gradient_means(function, cases), cases)


# Exercises 3-5: values the learner measured ----------------------------------------------------

def judge_fastest_vanishing(activation, slope):
    verdict = Verdict("Which activation vanishes fastest")
    ratios = {name: depth_sweep([20], name)[0]["ratio"] for name in ACTIVATIONS}
    fastest = min((r, n) for n, r in ratios.items() if r > 0)[1]
    name, problem = as_name(activation, ACTIVATIONS)
    if problem is None and name != fastest:
        problem = (f"measure it: compare helpers.depth_sweep([20], activation=name)[0]['ratio'] for each of "
                   f"{', '.join(map(repr, ACTIVATIONS))}; the smallest ratio vanishes fastest. {name!r} gives "
                   f"{ratios[name]:.2g} there, and another activation gives less")
    verdict.add("the activation that vanishes fastest", problem is None, problem or "", 1.0)
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


def smallest_vanishing_depth(threshold=1e-6, activation="sigmoid", use_shortcut=False, deepest=100):
    """The smallest depth whose first-to-last gradient ratio is below `threshold` (None if none)."""
    for depth in range(1, deepest + 1):
        if depth_sweep([depth], activation, use_shortcut)[0]["ratio"] < threshold:
            return depth
    return None


def judge_vanishing_depth(depth, shortcut_ratio):
    verdict = Verdict("Depth at which the sigmoid network's gradient vanishes")
    expected = smallest_vanishing_depth()
    given, problem = as_whole_number(depth)
    if problem is None and given != expected:
        if 1 <= given < expected:
            ratio = depth_sweep([given], "sigmoid")[0]["ratio"]
            problem = f"at depth {given} the ratio is {ratio:.2g}, still above 1e-6: go deeper"
        else:
            problem = ("a smaller depth already falls below 1e-6: sweep depths 1, 2, 3, ... with "
                       "helpers.depth_sweep(..., activation='sigmoid') and stop at the first ratio below 1e-6")
    verdict.add("the smallest depth", problem is None, problem or "", 1.0)
    # the ratio is judged at the learner's own depth when it is a sensible one (no double penalty)
    at = given if given is not None and 1 <= given <= 60 else expected
    actual = depth_sweep([at], "sigmoid", use_shortcut=True)[0]["ratio"]
    plain = depth_sweep([at], "sigmoid")[0]["ratio"]
    number, problem = as_number(shortcut_ratio)
    if problem is None and not (rounded(number, 2) == rounded(actual, 2) or math.isclose(number, actual, rel_tol=1e-3)):
        if math.isclose(number, plain, rel_tol=1e-2):
            problem = "that is the plain network's ratio: measure the same depth with use_shortcut=True"
        elif number > 0 and math.isclose(1 / number, actual, rel_tol=1e-2):
            problem = "upside down: the ratio is the first layer's mean gradient divided by the last layer's"
        elif number > 0 and rounded(actual, 1) == rounded(number, 1):
            problem = f"{number:g} is too coarse: give at least 2 significant digits, as the notebook prints it"
        else:
            problem = f"measure the same depth ({at}) with use_shortcut=True; you gave {number:g}"
    verdict.add("the shortcut network's ratio at that depth", problem is None, problem or "", 1.0)
    return verdict


def judge_layer_sizes_fix(layer_sizes):
    verdict = Verdict("A network whose shortcuts fire")
    sizes, problem = as_sizes(layer_sizes)
    if problem is None and len(sizes) != 6:
        problem = f"give six sizes (five layers), got {len(sizes)}: {sizes}"
    if problem is None and not (sizes[0] == 3 and sizes[-1] == 1):
        problem = f"keep the input width 3 and the single output: {sizes}"
    verdict.add("six sizes from 3 inputs to 1 output", problem is None, problem or "", 1.0)
    blocked = [i for i in range(4) if sizes is not None and len(sizes) == 6 and sizes[i] != sizes[i + 1]]
    if sizes is None or len(sizes) != 6:
        hint = "first give six sizes"
    else:
        hint = f"a shortcut can only fire where a layer keeps the width; layers {', '.join(map(str, blocked))} change it"
    verdict.add("a shortcut on each of the first four layers", sizes is not None and len(sizes) == 6 and not blocked,
                hint, 1.0)
    return verdict


@keeps_random_state
def check_fastest_vanishing(activation, sigmoid_max_slope):
    """Exercise 3: which activation makes gradients vanish fastest, and the sigmoid's largest slope."""
    return judge_fastest_vanishing(portable(activation), portable(sigmoid_max_slope))


@keeps_random_state
def check_vanishing_depth(depth, shortcut_ratio):
    """Exercise 4: the smallest depth where a plain sigmoid network's first-layer gradient falls
    below 1e-6 of its last layer's, and the ratio the shortcut network has at that depth."""
    return judge_vanishing_depth(portable(depth), portable(shortcut_ratio))


@keeps_random_state
def check_layer_sizes_fix(layer_sizes):
    """Exercise 5: sizes for a 5-layer network from 3 inputs to 1 output in which the shortcut
    fires on every layer but the last."""
    return judge_layer_sizes_fix(portable(layer_sizes))


__all__ = [
    "Verdict",
    "check_fastest_vanishing",
    "check_forward",
    "check_gradient_means",
    "check_layer_sizes_fix",
    "check_vanishing_depth",
    "smallest_vanishing_depth",
]
