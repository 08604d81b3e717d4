"""Exercise 2, the mean absolute gradient of each weight: `my_gradient_means(model, x)` returns
{weight name: mean |gradient|} after one backward pass of the mean squared error against zeros."""

import math

import torch

from helpers.classroom.answers import Verdict, as_number, portable, shown
from helpers.classroom.common import SECONDS, answer_hint, borrowed_hint, borrowed_in, keeps_random_state
from helpers.classroom.sandbox import borrowed_code, run_learner, watch_helpers_calls
from helpers.gradients import gradient_means
from helpers.language import say
from helpers.network import ExampleDeepNeuralNetwork, sample_input

NAMES = ["my_gradient_means"]
CASES = [  # (case: its words' key in the message tables, seed, layer sizes, use_shortcut)
    ("case_book", 123, [3, 3, 3, 3, 3, 1], False),
    ("case_with_shortcuts", 7, [2, 4, 4, 1], True),
]
# The parts and their points: the values are the exercise; the biases left in cost less than a
# measure that lets positive and negative gradients cancel.
PARTS = [("part_entries", 0.5), ("part_values", 1.0), ("part_second_call", 0.5)]  # (keys in the message tables)


@keeps_random_state
def cases(course=None):
    made = []
    for case, seed, sizes, use_shortcut in CASES:
        torch.manual_seed(seed)
        state = ExampleDeepNeuralNetwork(sizes, use_shortcut).state_dict()
        made.append({"case": case, "sizes": sizes, "use_shortcut": use_shortcut, "state": state, "x": sample_input(sizes[0])})
    return made


def case_model(case):
    model = ExampleDeepNeuralNetwork(case["sizes"], case["use_shortcut"])
    model.load_state_dict(case["state"])
    return model


def probe(function, cases, seconds=SECONDS):
    """Call `function(model, x)` twice on each case's network (the same model both times)."""
    if not callable(function):
        missing = "NotDefined: " + say("not_a_function", value=shown(portable(function)))
        return {"borrowed": [], "calls": [{"error": missing, "result": None} for _ in range(2 * len(cases))]}
    borrowed = {borrowed_code(function)} - {None}
    calls = []
    for case in cases:
        model = case_model(case)
        for _ in range(2):
            with watch_helpers_calls(borrowed):
                # a copy of x each time: a function that changes its input in place changes no case
                result, error = run_learner(lambda: function(model, case["x"].clone()), seconds)
            calls.append({"error": error, "result": portable(result)})
    return {"borrowed": sorted(borrowed), "calls": calls}


def loss_variants(output):
    return {
        None: torch.nn.functional.mse_loss(output, torch.zeros_like(output)),
        "loss = output.mean()": output.mean(),
        "loss = output.sum()": output.sum(),
        "loss_against_ones": torch.nn.functional.mse_loss(output, torch.ones_like(output)),
    }


REDUCTIONS = {  # (keys in the message tables)
    None: lambda g, p: g.abs().mean(),
    "reduction_signed_mean": lambda g, p: g.mean(),
    "reduction_sum": lambda g, p: g.abs().sum(),
    "reduction_max": lambda g, p: g.abs().max(),
    "reduction_weights": lambda g, p: p.abs().mean(),
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
                return say("loss_differs", loss=loss_name if loss_name.startswith("loss =") else say(loss_name))
            return say("wrong_reduction", reduction=say(reduction_name))
    return say("values_differ")


def read_values(result, names):
    """The learner's dict as numbers in the order of NAMES, or (None, hint)."""
    values = []
    for name in names:
        value = result[name]
        if value is None:
            return None, say("value_is_none", name=repr(name))
        number, problem = as_number(value)
        if problem:
            return None, say("value_for", name=repr(name), problem=problem)
        values.append(number)
    return values, None


def weight_entries(result, expected):
    """The learner's entries for the weights, in order, when they are all there (with or without
    the biases besides them), else None."""
    if not isinstance(result, dict) or "callable" in result or "repr" in result:
        return None
    kept = [name for name in result if name in expected]
    return kept if kept == list(expected) else None


def judge(probe, cases, course=None):
    verdict = Verdict(say("title_gradient_means"))
    borrowed = sorted(set(probe["borrowed"]) | set(borrowed_in(call["error"] for call in probe["calls"])))
    if borrowed:
        for part, points in PARTS:
            verdict.add(say(part), False, borrowed_hint("my_gradient_means", borrowed), points)
        return verdict
    keys_hint = values_hint = repeat_hint = None
    for index, case in enumerate(cases):
        expected = gradient_means(case_model(case), case["x"])
        first, second = probe["calls"][2 * index], probe["calls"][2 * index + 1]
        result = first["result"]
        if first["error"] is not None or not isinstance(result, dict) or "callable" in result or "repr" in result:
            problem = (say("on_case", case=say(case["case"]), problem=answer_hint(first["error"]))
                       if first["error"] is not None else say("return_a_dict", value=shown(result)))
            keys_hint, values_hint, repeat_hint = keys_hint or problem, values_hint or problem, repeat_hint or problem
            continue
        if list(result) != list(expected):
            if any("bias" in name for name in result):
                keys_hint = keys_hint or say("biases_included")
            else:
                keys_hint = keys_hint or say("on_case", case=say(case["case"]),
                                             problem=say("expected_keys", expected=list(expected), got=list(result)))
        if weight_entries(result, expected) is None:  # the weights' values cannot be read: judged no further
            values_hint = values_hint or say("every_weight_first")
            repeat_hint = repeat_hint or say("every_weight_first")
            continue
        values, problem = read_values(result, expected)
        if problem:
            values_hint = values_hint or problem
            continue
        if not all(math.isclose(v, e, rel_tol=1e-5, abs_tol=1e-12) for v, e in zip(values, expected.values())):
            values_hint = values_hint or diagnose_values(case, values)
        if second["error"] is not None:
            repeat_hint = repeat_hint or say("second_call_failed", problem=answer_hint(second["error"]))
            continue
        again = second["result"]
        if weight_entries(again, expected) is None:
            repeat_hint = repeat_hint or say("second_call_keys")
            continue
        again, problem = read_values(again, expected)
        if problem:
            repeat_hint = repeat_hint or say("second_call_problem", problem=problem)
        elif all(math.isclose(a, 2 * v, rel_tol=1e-4) for a, v in zip(again, values)) and any(values):
            repeat_hint = repeat_hint or say("gradients_accumulated")
        elif not all(math.isclose(a, v, rel_tol=1e-6, abs_tol=1e-12) for a, v in zip(again, values)):
            repeat_hint = repeat_hint or say("second_call_numbers")
    for (part, points), hint in zip(PARTS, [keys_hint, values_hint, repeat_hint]):
        verdict.add(say(part), hint is None, hint or "", points)
    return verdict
