"""Exercise 1, the shortcut forward method: `ShortcutNetwork(layer_sizes, use_shortcut)`, whose
forward adds each layer's input to its output where the shapes match."""

import torch

from helpers.classroom.answers import Verdict, portable, shown
from helpers.classroom.common import SECONDS, answer_hint, borrowed_hint, borrowed_in, keeps_random_state
from helpers.classroom.sandbox import borrowed_code, run_learner, watch_helpers_calls
from helpers.network import ExampleDeepNeuralNetwork, sample_input

NAMES = ["ShortcutNetwork"]
CASES = [  # (case, layer sizes, use_shortcut, points)
    ("the book's network, use_shortcut=True", [3, 3, 3, 3, 3, 1], True, 1.0),
    ("a width change in the middle, [2, 2, 3, 3, 1], use_shortcut=True", [2, 2, 3, 3, 1], True, 1.0),
    ("a batch of 4 examples, [4, 4, 4, 2], use_shortcut=True", [4, 4, 4, 2], True, 0.5),
    # counted only once the answer adds a shortcut somewhere: a plain loop is where the exercise starts
    ("the book's network, use_shortcut=False", [3, 3, 3, 3, 3, 1], False, 0.5),
]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


@keeps_random_state
def cases(course=None):
    """Each case with its weights and input: dicts of case, sizes, use_shortcut, points, state, x."""
    made = []
    for case, sizes, use_shortcut, points in CASES:
        torch.manual_seed(0)
        state = ExampleDeepNeuralNetwork(sizes, use_shortcut).state_dict()
        x = sample_input(sizes[0]) if case.startswith("the book") else torch.linspace(-1.5, 2.0, 4 * sizes[0]).reshape(4, sizes[0])
        made.append({"case": case, "sizes": sizes, "use_shortcut": use_shortcut, "points": points, "state": state, "x": x})
    return made


def probe(network_class, cases, seconds=SECONDS):
    """Build `network_class(sizes, use_shortcut)` with each case's weights and run it forward."""
    if not isinstance(network_class, type):
        missing = f"NotDefined: ShortcutNetwork is {shown(portable(network_class))}, not a class: run its cell"
        return {"borrowed": [], "outputs": [{"error": missing, "output": None} for _ in cases]}
    borrowed = {borrowed_code(network_class)} - {None}
    outputs = []
    for case in cases:
        def attempt(case=case):
            model = network_class(list(case["sizes"]), case["use_shortcut"])  # a copy: the case stays as it is
            model.load_state_dict(case["state"])
            return model(case["x"].clone())

        with watch_helpers_calls(borrowed):
            output, error = run_learner(attempt, seconds)
        outputs.append({"error": error, "output": portable(output)})
    return {"borrowed": sorted(borrowed), "outputs": outputs}


def reference_outputs(case):
    """(with the shortcuts as asked, without any) for CASE."""
    outputs = []
    for use_shortcut in (case["use_shortcut"], False):
        model = ExampleDeepNeuralNetwork(case["sizes"], use_shortcut)
        model.load_state_dict(case["state"])
        with torch.no_grad():
            outputs.append(model(case["x"]).double())
    return outputs


def same(output, expected):
    return (isinstance(output, torch.Tensor) and output.shape == expected.shape and output.is_floating_point()
            and torch.allclose(output.double(), expected, **TOLERANCE))


def judge(probe, cases, course=None):
    verdict = Verdict("Shortcut forward method")
    borrowed = sorted(set(probe["borrowed"]) | set(borrowed_in(seen["error"] for seen in probe["outputs"])))
    if borrowed:
        hint = borrowed_hint("ShortcutNetwork", borrowed)
        for case in cases:
            verdict.add(case["case"], False, hint, case["points"])
        return verdict
    references = [reference_outputs(case) for case in cases]
    adds_a_shortcut = any(
        case["use_shortcut"] and seen["error"] is None and isinstance(seen["output"], torch.Tensor)
        and not same(seen["output"], without)
        for case, seen, (_, without) in zip(cases, probe["outputs"], references)
    )
    for case, seen, (expected, without) in zip(cases, probe["outputs"], references):
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
        elif not case["use_shortcut"] and not adds_a_shortcut:
            verdict.add(label, False, "this counts once your forward adds the shortcuts: a loop without them is "
                                      "where the exercise starts", points)
        elif same(output, expected):
            verdict.add(label, True, points=points)
        elif case["use_shortcut"] and same(output, without):
            verdict.add(label, False, "no shortcut added: with use_shortcut=True, add the layer's input to its "
                                      "output (x = x + layer_output) wherever their shapes match", points)
        elif not case["use_shortcut"]:
            verdict.add(label, False, "with use_shortcut=False the network must not add any shortcut", points)
        else:
            verdict.add(label, False, "the output differs from the expected one: each layer's input x must be added "
                                      "to that layer's output, then become the next layer's input", points)
    return verdict
