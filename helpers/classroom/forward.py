"""Exercise 1, the shortcut forward method: `ShortcutNetwork(layer_sizes, use_shortcut)`, whose
forward adds each layer's input to its output where the shapes match."""

import torch

from helpers.classroom.answers import Verdict, portable, shown
from helpers.classroom.common import SECONDS, answer_hint, borrowed_hint, borrowed_in, keeps_random_state
from helpers.classroom.sandbox import borrowed_code, run_learner, watch_helpers_calls
from helpers.language import say
from helpers.network import ExampleDeepNeuralNetwork, sample_input

NAMES = ["ShortcutNetwork"]
CASES = [  # (case: its words' key in the message tables, layer sizes, use_shortcut, points)
    ("case_book_shortcut", [3, 3, 3, 3, 3, 1], True, 1.0),
    ("case_width_change", [2, 2, 3, 3, 1], True, 1.0),
    ("case_batch", [4, 4, 4, 2], True, 0.5),
    # counted only once the answer adds a shortcut somewhere: a plain loop is where the exercise starts
    ("case_book_plain", [3, 3, 3, 3, 3, 1], False, 0.5),
]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


@keeps_random_state
def cases(course=None):
    """Each case with its weights and input: dicts of case, sizes, use_shortcut, points, state, x."""
    made = []
    for case, sizes, use_shortcut, points in CASES:
        torch.manual_seed(0)
        state = ExampleDeepNeuralNetwork(sizes, use_shortcut).state_dict()
        x = sample_input(sizes[0]) if case.startswith("case_book") else torch.linspace(-1.5, 2.0, 4 * sizes[0]).reshape(4, sizes[0])
        made.append({"case": case, "sizes": sizes, "use_shortcut": use_shortcut, "points": points, "state": state, "x": x})
    return made


def probe(network_class, cases, seconds=SECONDS):
    """Build `network_class(sizes, use_shortcut)` with each case's weights and run it forward."""
    if not isinstance(network_class, type):
        missing = "NotDefined: " + say("not_a_class", value=shown(portable(network_class)))
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
    verdict = Verdict(say("title_forward"))
    borrowed = sorted(set(probe["borrowed"]) | set(borrowed_in(seen["error"] for seen in probe["outputs"])))
    if borrowed:
        hint = borrowed_hint("ShortcutNetwork", borrowed)
        for case in cases:
            verdict.add(say(case["case"]), False, hint, case["points"])
        return verdict
    references = [reference_outputs(case) for case in cases]
    adds_a_shortcut = any(
        case["use_shortcut"] and seen["error"] is None and isinstance(seen["output"], torch.Tensor)
        and not same(seen["output"], without)
        for case, seen, (_, without) in zip(cases, probe["outputs"], references)
    )
    for case, seen, (expected, without) in zip(cases, probe["outputs"], references):
        output, error, label, points = seen["output"], seen["error"], say(case["case"]), case["points"]
        if error is not None:
            if "size of tensor" in error or "must match" in error:
                hint = say("shape_change_raises", error=error)
            else:
                hint = answer_hint(error)
            verdict.add(label, False, hint, points)
        elif not isinstance(output, torch.Tensor):
            verdict.add(label, False, say("return_a_tensor", value=shown(output)), points)
        elif output.shape != expected.shape:
            verdict.add(label, False, say("broadcast_shape", shape=tuple(output.shape), expected=tuple(expected.shape)),
                        points)
        elif not output.is_floating_point():
            verdict.add(label, False, say("not_floating", dtype=output.dtype), points)
        elif not case["use_shortcut"] and not adds_a_shortcut:
            verdict.add(label, False, say("counts_once_shortcuts"), points)
        elif same(output, expected):
            verdict.add(label, True, points=points)
        elif case["use_shortcut"] and same(output, without):
            verdict.add(label, False, say("no_shortcut_added"), points)
        elif not case["use_shortcut"]:
            verdict.add(label, False, say("shortcut_when_off"), points)
        else:
            verdict.add(label, False, say("output_differs"), points)
    return verdict
