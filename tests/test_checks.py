"""The self-checks against a catalogue of learner answers: every correct variant passes, every
wrong one gets its specific hint, each part scores what the exercise's rules give it, a course
with its own seed and threshold is judged against its own values, and nothing the learner owns
is changed."""

import sys
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import torch
from torch import nn

import helpers
from helpers.classroom import activations, depth, forward
from helpers.classroom.answers import NotYetPassed
from helpers.classroom.course import DEFAULT, Course
from helpers.language import say

THREADS = torch.get_num_threads()  # a learner's kernel has torch's default


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """The checks' networks are tiny: on a busy machine one thread runs them several times faster
    than two (the grader's worker uses one too). Tests of a learner's settings set their own."""
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(THREADS)


def network_class(forward):
    """A learner's class: the exercise's __init__ with the given forward method."""

    class LearnerNetwork(nn.Module):
        def __init__(self, layer_sizes, use_shortcut):
            super().__init__()
            self.use_shortcut = use_shortcut
            self.layers = nn.ModuleList(
                nn.Sequential(nn.Linear(a, b), nn.GELU()) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])
            )

    LearnerNetwork.forward = forward
    return LearnerNetwork


def forward_book(self, x):
    for layer in self.layers:
        layer_output = layer(x)
        if self.use_shortcut and x.shape == layer_output.shape:
            x = x + layer_output
        else:
            x = layer_output
    return x


def forward_output_first(self, x):
    for layer in self.layers:
        out = layer(x)
        x = out + x if self.use_shortcut and out.shape == x.shape else out
    return x


def forward_in_place(self, x):
    x = x.clone()
    for layer in self.layers:
        out = layer(x)
        if self.use_shortcut and out.shape == x.shape:
            out += x
        x = out
    return x


def forward_size_check(self, x):
    for layer in self.layers:
        out = layer(x)
        if self.use_shortcut and x.size() == out.size():
            x = torch.add(x, out)
        else:
            x = out
    return x


def forward_no_shortcut(self, x):
    for layer in self.layers:
        x = layer(x)
    return x


def forward_always_add(self, x):
    for layer in self.layers:
        out = layer(x)
        x = x + out if self.use_shortcut else out
    return x


def forward_ignores_flag(self, x):
    for layer in self.layers:
        out = layer(x)
        x = x + out if x.shape == out.shape else out
    return x


def forward_adds_network_input(self, x):
    start = x
    for layer in self.layers:
        out = layer(x)
        x = start + out if self.use_shortcut and out.shape == start.shape else out
    return x


def forward_raises(self, x):
    for layer in self.layers:
        x = layer(x).reshape(7)  # a learner's slip
    return x


def forward_returns_nothing(self, x):
    for layer in self.layers:
        x = layer(x)


@pytest.mark.parametrize("forward", [forward_book, forward_output_first, forward_in_place, forward_size_check])
def test_every_correct_forward_passes(forward):
    verdict = helpers.check_forward(network_class(forward))
    assert verdict.passed, str(verdict)
    assert str(verdict).startswith("Shortcut forward method: all passed (3 of 3 points)\n")


@pytest.mark.parametrize(
    "forward, hint",
    [
        (forward_no_shortcut, "no shortcut added"),
        (forward_always_add, "shortcut was added across a shape change"),
        (forward_ignores_flag, "with use_shortcut=False the network must not add any shortcut"),
        (forward_adds_network_input, "each layer's input x must be added to that layer's output"),
        (forward_raises, "your code raised RuntimeError: shape '[7]' is invalid"),
        (forward_returns_nothing, "forward must return a tensor, it returned None"),
    ],
)
def test_each_wrong_forward_gets_its_hint(forward, hint):
    verdict = helpers.check_forward(network_class(forward))
    assert not verdict.passed
    assert any(hint in h for h in verdict.hints), str(verdict)


def test_an_exception_is_reported_with_the_learners_line():
    verdict = helpers.check_forward(network_class(forward_raises))
    assert "x = layer(x).reshape(7)  # a learner's slip" in verdict.hints[0]
    assert "(line " in verdict.hints[0]


def test_an_unanswered_exercise_says_so():
    def forward(self, x):
        raise NotImplementedError()

    verdict = helpers.check_forward(network_class(forward))
    assert verdict.hints[0].startswith("not answered yet: replace `raise NotImplementedError()`")


def gm_book(model, x):
    output = model(x)
    model.zero_grad()
    nn.functional.mse_loss(output, torch.zeros_like(output)).backward()
    return {n: p.grad.abs().mean().item() for n, p in model.named_parameters() if "weight" in n}


def gm_autograd(model, x):
    output = model(x)
    names = [n for n, _ in model.named_parameters() if n.endswith("weight")]
    params = [p for n, p in model.named_parameters() if n.endswith("weight")]
    grads = torch.autograd.grad(((output - 0) ** 2).mean(), params)
    return {n: float(g.abs().mean()) for n, g in zip(names, grads)}


def gm_tensors(model, x):
    """Values as 0-d tensors and a set_to_none reset: also correct."""
    for p in model.parameters():
        p.grad = None
    loss = nn.MSELoss()(model(x), torch.tensor([[0.0]]))
    loss.backward()
    return {n: p.grad.abs().mean() for n, p in model.named_parameters() if n.endswith(".weight")}


def gm_accumulates(model, x):
    nn.functional.mse_loss(model(x), torch.zeros(1, 1)).backward()
    return {n: p.grad.abs().mean().item() for n, p in model.named_parameters() if "weight" in n}


def gm_biases(model, x):
    model.zero_grad()
    nn.functional.mse_loss(model(x), torch.zeros(1, 1)).backward()
    return {n: p.grad.abs().mean().item() for n, p in model.named_parameters()}


def gm_signed_mean(model, x):
    model.zero_grad()
    nn.functional.mse_loss(model(x), torch.zeros(1, 1)).backward()
    return {n: p.grad.mean().item() for n, p in model.named_parameters() if "weight" in n}


def gm_sum(model, x):
    model.zero_grad()
    nn.functional.mse_loss(model(x), torch.zeros(1, 1)).backward()
    return {n: p.grad.abs().sum().item() for n, p in model.named_parameters() if "weight" in n}


def gm_weights_not_grads(model, x):
    return {n: p.abs().mean().item() for n, p in model.named_parameters() if "weight" in n}


def gm_list(model, x):
    return [1.0, 2.0]


@pytest.mark.parametrize("function", [gm_book, gm_autograd, gm_tensors])
def test_every_correct_gradient_means_passes(function):
    verdict = helpers.check_gradient_means(function)
    assert verdict.passed, str(verdict)


@pytest.mark.parametrize(
    "function, hint",
    [
        (gm_accumulates, "gradients accumulated across calls"),
        (gm_biases, "biases included"),
        (gm_signed_mean, "wrong reduction: this is the mean without the absolute value"),
        (gm_sum, "wrong reduction: this is the sum instead of the mean"),
        (gm_weights_not_grads, "wrong reduction: this is the mean of the weights instead of their gradients"),
        (gm_list, "return a dict"),
    ],
)
def test_each_wrong_gradient_means_gets_its_hint(function, hint):
    verdict = helpers.check_gradient_means(function)
    assert not verdict.passed
    assert any(hint in h for h in verdict.hints), str(verdict)


def measured_ratio(activation, seed=DEFAULT.seed):
    """What a learner measures for ACTIVATION in exercise 3."""
    return helpers.depth_sweep([activations.DEPTH], activation=activation, seed=seed)[0]["ratio"]


def the_measured_answer(seed=DEFAULT.seed):
    """Exercise 3's activation and ratio, found as the solution finds them."""
    ratios = {name: measured_ratio(name, seed) for name in activations.ACTIVATIONS}
    ratio, name = min((ratio, name) for name, ratio in ratios.items() if ratio > 0)
    return name, ratio


def the_depth_and_ratio(seed=DEFAULT.seed, threshold=DEFAULT.threshold):
    """Exercise 4's answer, found as the solution finds it."""
    rows = helpers.depth_sweep(range(1, 40), activation="sigmoid", seed=seed)
    found = next(row["depth"] for row in rows if row["ratio"] < threshold)
    return found, helpers.depth_sweep([found], activation="sigmoid", use_shortcut=True, seed=seed)[0]["ratio"]


def test_answers_of_exercises_3_to_5():
    name, ratio = the_measured_answer()
    assert helpers.check_fastest_vanishing(name, ratio, 0.25).passed
    assert helpers.check_fastest_vanishing(name, ratio, 0.2500003).passed
    other = next(other for other in activations.ACTIVATIONS if other != name and measured_ratio(other) > 0)
    wrong = helpers.check_fastest_vanishing(other, measured_ratio(other), 1.0)
    assert [case for case, ok, _, _ in wrong.results if not ok] == [
        "the activation that vanishes fastest, with its measured ratio", "the sigmoid's largest slope"]

    found, ratio = the_depth_and_ratio()
    assert found == depth.smallest_vanishing_depth(DEFAULT.threshold, DEFAULT.seed)
    rows = helpers.depth_sweep(range(1, found + 1), "sigmoid")
    assert rows[-1]["ratio"] < 1e-6 <= rows[-2]["ratio"]
    assert helpers.check_vanishing_depth(found, ratio).passed
    assert not helpers.check_vanishing_depth(found + 1, ratio).passed
    assert "measure the same depth (" in helpers.check_vanishing_depth(found, 0.5).hints[0]

    assert helpers.check_layer_sizes_fix([3, 3, 3, 3, 3, 1]).passed
    blocked = helpers.check_layer_sizes_fix([3, 3, 4, 4, 4, 1])
    assert "layers 1 change it" in blocked.hints[0]
    assert "keep the input width 3" in helpers.check_layer_sizes_fix([4, 4, 4, 4, 4, 1]).hints[0]
    assert "not answered yet" in helpers.check_layer_sizes_fix(None).hints[0]
    assert "give six sizes (five layers), got 5" in helpers.check_layer_sizes_fix([3, 3, 3, 3, 1]).hints[0]


def test_checks_leave_the_learners_objects_and_random_state_alone():
    torch.manual_seed(7)
    state = torch.get_rng_state()
    cls = network_class(forward_book)
    before = dict(vars(cls))
    helpers.check_forward(cls)
    helpers.check_gradient_means(gm_accumulates)
    assert dict(vars(cls)) == before
    assert torch.equal(torch.get_rng_state(), state)


# How long each check takes (its target: under a second in a learner's kernel) is measured by
# benchmarks/check_speed.py, not by a timed test, which fails on a loaded machine.


def test_verdict_text():
    verdict = helpers.Verdict("Example")
    verdict.add("first", True, points=1)
    verdict.add("second", False, "do this", 0.5)
    verdict.add("a note", True)
    assert str(verdict) == ("Example: not yet (1 of 1.5 points)\n  ✓ first (1 point)\n  ✗ second (0.5 points)\n"
                            "      hint: do this\n  ✓ a note")
    assert not verdict.passed and not helpers.Verdict("Empty").passed


# Answers in every equivalent form are accepted; each wrong one gets the hint for its mistake.

@pytest.mark.parametrize("name", ["sigmoid", "Sigmoid", "Sigmoid ", " SIGMOID ", "nn.Sigmoid", nn.Sigmoid, torch.sigmoid,
                                  "torch.sigmoid"])
def test_exercise_3_accepts_every_form_of_the_name(name):
    fastest, ratio = the_measured_answer()
    assert fastest == "sigmoid"  # the names above are its forms
    verdict = helpers.check_fastest_vanishing(name, ratio, 0.25)
    assert verdict.passed, str(verdict)
    assert verdict.score == verdict.max_score == 2


@pytest.mark.parametrize("slope", [0.25, torch.tensor(0.25), np.float32(0.25), np.float64(0.2500003), torch.tensor([0.25]),
                                   0.2498])
def test_exercise_3_accepts_every_form_of_the_slope(slope):
    name, ratio = the_measured_answer()
    verdict = helpers.check_fastest_vanishing(name, ratio, slope)
    assert verdict.passed, str(verdict)
    assert verdict.score == verdict.max_score == 2


def test_exercise_3_accepts_every_form_of_the_measured_ratio():
    name, ratio = the_measured_answer()
    for given in [ratio, float(f"{ratio:.2g}"), float(f"{ratio:.3g}"), torch.tensor(ratio), torch.tensor(ratio).double(),
                  torch.tensor([ratio]), np.float64(ratio), np.float32(ratio)]:
        verdict = helpers.check_fastest_vanishing(name, given, 0.25)
        assert verdict.passed, (given, str(verdict))


@pytest.mark.parametrize(
    "name, slope, hint",
    [
        ("swish", 0.25, "'swish' is not one of 'gelu', 'relu', 'sigmoid', 'tanh'"),
        (None, 0.25, "not answered yet: set fastest_vanishing to one of 'gelu', 'relu', 'sigmoid', 'tanh'"),
        ("sigmoid", 0.5, "0.5 is the sigmoid's value at z = 0, not its slope"),
        ("sigmoid", 1.0, "1 is the sigmoid's upper limit"),
        ("sigmoid", 0.2, "0.2 is close but too coarse"),
        ("sigmoid", "0.25", "give a number, not the string '0.25' (leave out the quotes)"),
        ("sigmoid", torch.ones(3), "give one number, not a tensor of shape (3,)"),
        ("sigmoid", None, "not answered yet: sigmoid_max_slope is still None; set it to your answer"),
        ("sigmoid", 0.1, "is largest at z = 0; you gave 0.1"),
    ],
)
def test_exercise_3_hints_name_the_mistake(name, slope, hint):
    _, ratio = the_measured_answer()
    verdict = helpers.check_fastest_vanishing(name, ratio, slope)
    assert any(hint in h for h in verdict.hints), str(verdict)
    assert verdict.score == 1  # the other part is right


def test_exercise_3_a_measured_activation_that_is_not_the_fastest_is_named():
    name, _ = the_measured_answer()
    other = next(other for other in activations.ACTIVATIONS if other != name and measured_ratio(other) > 0)
    verdict = helpers.check_fastest_vanishing(other, measured_ratio(other), 0.25)
    assert verdict.score == 1 and f"{other!r} is not the one: measure each of" in verdict.hints[0], str(verdict)
    assert f"helpers.depth_sweep([{activations.DEPTH}]" in verdict.hints[0]


def test_exercise_4_accepts_the_printed_precision_and_other_forms():
    found, ratio = the_depth_and_ratio()
    for given_depth in [found, float(found), torch.tensor(found), np.int64(found)]:
        for given_ratio in [ratio, float(f"{ratio:.2g}"), torch.tensor(ratio), np.float32(ratio)]:
            verdict = helpers.check_vanishing_depth(given_depth, given_ratio)
            assert verdict.passed, str(verdict)


def test_exercise_4_hints_name_the_mistake():
    found, ratio = the_depth_and_ratio()
    plain = helpers.depth_sweep([found], "sigmoid")[0]["ratio"]
    cases = {
        (found - 1, ratio): f"{found - 1} is not the smallest depth whose ratio is below THRESHOLD (1e-06)",
        (found + 3, ratio): f"{found + 3} is not the smallest depth whose ratio is below THRESHOLD (1e-06)",
        (found, plain): "that is the plain network's ratio",
        (found, float(f"{plain:.2g}")): "that is the plain network's ratio",
        (found, 1 / ratio): "upside down",
        (found, float(f"{ratio:.1g}")): "is too coarse: give at least 2 significant digits",
        (found + 0.5, ratio): "give a whole number of layers",
        (None, ratio): "not answered yet",
    }
    for (given_depth, given_ratio), hint in cases.items():
        verdict = helpers.check_vanishing_depth(given_depth, given_ratio)
        assert any(hint in h for h in verdict.hints), (given_depth, given_ratio, str(verdict))


def test_exercise_4_judges_the_ratio_at_the_learners_own_depth():
    found, _ = the_depth_and_ratio()
    theirs = helpers.depth_sweep([found + 2], "sigmoid", use_shortcut=True)[0]["ratio"]
    verdict = helpers.check_vanishing_depth(found + 2, theirs)
    assert verdict.score == 1 and not verdict.passed  # the depth is wrong, the ratio follows from it


@pytest.mark.parametrize("sizes", [[3, 3, 3, 3, 3, 1], (3, 3, 3, 3, 3, 1), torch.tensor([3, 3, 3, 3, 3, 1]),
                                   np.array([3, 3, 3, 3, 3, 1]), [3.0, 3, 3, 3, 3, 1], [3, 5, 5, 5, 5, 1]])
def test_exercise_5_accepts_every_form(sizes):
    verdict = helpers.check_layer_sizes_fix(sizes)
    if list(sizes)[1] == 5:  # the first layer changes the width: its shortcut cannot fire
        assert verdict.score == 1 and "layers 0 change it" in verdict.hints[0]
    else:
        assert verdict.passed, str(verdict)


# Checkers always answer: whatever the answer does, a verdict comes back, the caller's torch
# settings are put back, and the helpers' own implementation scores nothing.


def forward_float64(self, x):
    x = x.double()
    for layer in self.layers:
        out = layer.double()(x)
        x = x + out if self.use_shortcut and out.shape == x.shape else out
    return x


def forward_exits(self, x):
    sys.exit()


def forward_loops(self, x):
    while True:
        pass


def forward_loops_and_swallows(self, x):
    while True:
        try:
            while True:
                pass
        except Exception:
            pass


def forward_changes_settings(self, x):
    torch.set_default_dtype(torch.float64)
    torch.set_grad_enabled(False)
    torch.set_num_threads(1)
    torch.manual_seed(99)
    return forward_book(self, x)


def test_a_float64_forward_is_judged_by_its_values():
    verdict = helpers.check_forward(network_class(forward_float64))
    assert verdict.passed, str(verdict)


@pytest.mark.parametrize(
    "forward_method, hint",
    [(forward_exits, "your code called sys.exit()"), (forward_loops, "did not finish within 5 s"),
     (forward_loops_and_swallows, "did not finish within 5 s")],
)
def test_exits_and_endless_loops_get_a_verdict(forward_method, hint, monkeypatch):
    monkeypatch.setattr(forward.probe, "__defaults__", (0.1,))
    verdict = helpers.check_forward(network_class(forward_method))
    assert not verdict.passed
    assert all(hint.replace("5 s", "0.1 s") in h for h in verdict.hints), str(verdict)


def test_the_learners_global_settings_are_put_back():
    torch.set_num_threads(2)  # the answer sets 1
    try:
        before = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(), torch.get_rng_state())
        verdict = helpers.check_forward(network_class(forward_changes_settings))
        after = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(), torch.get_rng_state())
    finally:
        torch.set_num_threads(1)
    assert before[:3] == after[:3] and torch.equal(before[3], after[3])
    assert verdict.passed, str(verdict)


def gm_nones(model, x):
    return {n: p.grad for n, p in model.named_parameters() if n.endswith("weight")}


def gm_mean_loss(model, x):
    model.zero_grad()
    model(x).mean().backward()
    return {n: p.grad.abs().mean().item() for n, p in model.named_parameters() if n.endswith("weight")}


def gm_numpy(model, x):
    model.zero_grad()
    nn.functional.mse_loss(model(x), torch.zeros(1, 1)).backward()
    return {n: p.grad.abs().mean().numpy() for n, p in model.named_parameters() if n.endswith("weight")}


def gm_exits(model, x):
    raise SystemExit(3)


def test_gradient_means_in_numpy_form_pass():
    assert helpers.check_gradient_means(gm_numpy).passed


@pytest.mark.parametrize(
    "function, hint",
    [(gm_nones, "is None: param.grad stays None until backward()"),
     (gm_mean_loss, "the loss differs: your numbers match loss = output.mean()"),
     (gm_exits, "your code called sys.exit(3)")],
)
def test_gradient_means_mistakes_get_their_hint(function, hint):
    verdict = helpers.check_gradient_means(function)
    assert any(hint in h for h in verdict.hints), str(verdict)


class Subclassed(helpers.ExampleDeepNeuralNetwork):
    pass


def gm_borrowed(model, x):
    return helpers.gradient_means(model, x)


@pytest.mark.parametrize("answer", [helpers.ExampleDeepNeuralNetwork, Subclassed])
def test_handing_back_the_helpers_network_scores_nothing(answer):
    verdict = helpers.check_forward(answer)
    assert verdict.score == 0
    assert "uses the helpers' own helpers.network.forward" in verdict.hints[0]


@pytest.mark.parametrize("answer", [gm_borrowed, helpers.gradient_means])
def test_handing_back_the_helpers_gradient_means_scores_nothing(answer):
    verdict = helpers.check_gradient_means(answer)
    assert verdict.score == 0
    assert "helpers.gradients.gradient_means" in verdict.hints[0]


def test_partial_credit_adds_up_to_the_exercise():
    verdict = helpers.check_forward(network_class(forward_no_shortcut))
    assert (verdict.score, verdict.max_score) == (0.0, 3.0)
    verdict = helpers.check_gradient_means(gm_accumulates)
    assert (verdict.score, verdict.max_score) == (1.5, 2.0)


def test_long_hints_wrap():
    verdict = helpers.Verdict("Example")
    verdict.add("part", False, "word " * 60)
    lines = str(verdict).splitlines()
    assert len(lines) > 3 and all(len(line) <= 88 for line in lines)


def test_require_prints_the_verdict_and_raises_when_a_part_is_not_right(capsys):
    verdict = helpers.Verdict("Example")
    verdict.add("first", True, points=1)
    verdict.add("second", False, "do this", 1)
    with pytest.raises(NotYetPassed, match="1 of 2 parts not right yet"):
        verdict.require()
    assert capsys.readouterr().out == str(verdict) + "\n"
    assert issubclass(NotYetPassed, AssertionError)  # a failed cell in a notebook run and in nbgrader validate


def test_require_of_a_passed_verdict_prints_it_and_returns():
    verdict = helpers.check_layer_sizes_fix([3, 3, 3, 3, 3, 1])
    assert verdict.require() is None


# The fairness rules: what each part is worth, and what does not score.

def scores(verdict):
    return [points for _, ok, _, points in verdict.results if ok]


def test_exercise_1_parts_are_worth_one_one_a_half_and_a_half():
    verdict = helpers.check_forward(network_class(forward_book))
    assert [(case, points) for case, _, _, points in verdict.results] == [
        (say(case["case"]), case["points"]) for case in forward.cases()]
    assert [points for _, _, _, points in verdict.results] == [1.0, 1.0, 0.5, 0.5]
    assert verdict.score == verdict.max_score == 3


def forward_width_three_only(self, x):
    """The shortcut only where the width is the book's 3."""
    for layer in self.layers:
        out = layer(x)
        x = x + out if self.use_shortcut and x.shape == out.shape and x.shape[-1] == 3 else out
    return x


@pytest.mark.parametrize(
    "forward_method, score",
    [
        (forward_no_shortcut, 0.0),  # a plain loop is where the exercise starts: not even use_shortcut=False counts
        (forward_always_add, 0.5),  # adds a shortcut, across shape changes too: only use_shortcut=False is right
        (forward_ignores_flag, 2.5),  # right with shortcuts, wrong without
        (forward_width_three_only, 1.5),  # the book's network and use_shortcut=False
        (forward_book, 3.0),
    ],
)
def test_exercise_1_scores_part_by_part(forward_method, score):
    verdict = helpers.check_forward(network_class(forward_method))
    assert (verdict.score, verdict.max_score) == (score, 3.0), str(verdict)


def test_exercise_1_a_plain_loop_is_told_why_use_shortcut_false_does_not_count():
    verdict = helpers.check_forward(network_class(forward_no_shortcut))
    (last_case, ok, hint, points) = verdict.results[-1]
    assert "use_shortcut=False" in last_case and not ok and points == 0.5
    assert "this counts once your forward adds the shortcuts" in hint


@pytest.mark.parametrize(
    "function, score, failed",
    [
        (gm_biases, 1.5, ["one entry per weight matrix, in layer order"]),
        (gm_signed_mean, 1.0, ["the values match on every network"]),
        (gm_accumulates, 1.5, ["a second call gives the same numbers"]),
        (gm_book, 2.0, []),
    ],
)
def test_exercise_2_biases_cost_the_keys_part_and_a_signed_mean_the_values_part(function, score, failed):
    verdict = helpers.check_gradient_means(function)
    assert (verdict.score, verdict.max_score) == (score, 2.0), str(verdict)
    assert [case for case, ok, _, _ in verdict.results if not ok] == failed


def test_exercise_3_the_name_counts_only_with_the_ratio_measured_for_it():
    name, ratio = the_measured_answer()
    other = next(other for other in activations.ACTIVATIONS if other != name and measured_ratio(other) > 0)
    answers = {
        "no ratio": (None, "back your choice with the ratio you measured for it (fastest_ratio): not answered yet"),
        "another activation's": (measured_ratio(other), f"your fastest_ratio is what {other!r} gives, not {name!r}"),
        "upside down": (1 / ratio, "fastest_ratio is upside down"),
        "made up": (ratio * 7, f"fastest_ratio is not what {name!r} gives at depth {activations.DEPTH}"),
        "a string": (f"{ratio:.2g}", "give a number, not the string"),
    }
    hints = []
    for label, (given, hint) in answers.items():
        verdict = helpers.check_fastest_vanishing(name, given, 0.25)
        assert (verdict.score, verdict.max_score) == (1.0, 2.0), (label, str(verdict))
        assert not verdict.results[0][1] and hint in verdict.results[0][2], (label, str(verdict))
        hints.append(verdict.results[0][2])
    assert len(set(hints)) == len(hints)  # each mistake its own hint


def test_exercise_3_a_guessed_name_without_a_measurement_scores_nothing_for_it():
    name, _ = the_measured_answer()
    verdict = helpers.check_fastest_vanishing(name, None, None)
    assert (verdict.score, verdict.max_score) == (0.0, 2.0)
    verdict = helpers.check_fastest_vanishing(name, None, 0.25)
    assert scores(verdict) == [1.0] and verdict.results[1][1]  # the slope alone


def test_exercise_3_a_dead_relu_measurement_is_no_answer():
    assert not measured_ratio("relu") > 0  # nan or 0 at this depth: the exercise says to leave it out
    verdict = helpers.check_fastest_vanishing("relu", measured_ratio("relu"), 0.25)
    assert verdict.score == 1 and not verdict.results[0][1]


WRONG_WAY = ("deeper", "go deeper", "shallower", "smaller", "larger", "fewer", "more layers", "too deep", "too shallow")


def ratio_texts(ratio):
    return {f"{ratio:.2g}", f"{ratio:.3g}", f"{ratio:g}", repr(ratio)}


def test_exercise_4_a_wrong_depth_hint_gives_no_direction_and_no_ratio():
    found, ratio = the_depth_and_ratio()
    hints = {}
    for given in [2, found - 2, found - 1, found + 1, found + 2, 30]:
        verdict = helpers.check_vanishing_depth(given, ratio)
        case, ok, hint, points = verdict.results[0]
        assert not ok and points == 1.0
        assert not any(word in hint.lower() for word in WRONG_WAY), hint
        for use_shortcut in (False, True):
            at_given = helpers.depth_sweep([given], "sigmoid", use_shortcut=use_shortcut)[0]["ratio"]
            assert not any(text in hint for text in ratio_texts(at_given)), (given, hint)
        hints[given] = hint.replace(str(given), "N", 1)
    assert len(set(hints.values())) == 1, hints  # one hint above and below the answer alike


def test_exercise_4_the_depth_and_the_ratio_are_a_point_each():
    found, ratio = the_depth_and_ratio()
    assert [points for *_, points in helpers.check_vanishing_depth(found, ratio).results] == [1.0, 1.0]
    assert helpers.check_vanishing_depth(found, None).score == 1
    assert helpers.check_vanishing_depth(None, None).score == 0


def test_exercise_5_broken_sizes_handed_back_scores_nothing():
    for given in [DEFAULT.broken_sizes, tuple(DEFAULT.broken_sizes), torch.tensor(DEFAULT.broken_sizes)]:
        verdict = helpers.check_layer_sizes_fix(given)
        assert (verdict.score, verdict.max_score) == (0.0, 2.0), str(verdict)
        assert all("that is broken_sizes unchanged" in hint for hint in verdict.hints)


def test_exercise_5_a_fix_that_changed_broken_sizes_too_is_judged_by_the_fix():
    broken_sizes = list(DEFAULT.broken_sizes)
    fixed_sizes = broken_sizes  # one list under two names: the learner's fix changes both
    fixed_sizes[1] = fixed_sizes[3] = fixed_sizes[0]
    assert helpers.check_layer_sizes_fix(fixed_sizes, broken_sizes).passed
    verdict = helpers.check_layer_sizes_fix([3, 3, 3, 3, 3, 1], "not sizes")
    assert verdict.score == 0 and "broken_sizes is now 'not sizes'" in verdict.hints[0]


# A course with its own seed and threshold: the checks judge against that course's values.

OTHER = Course(seed=2027, threshold=1e-7)


def test_exercise_3_with_another_seed_judges_against_its_own_measurements():
    name, ratio = the_measured_answer(OTHER.seed)
    book_name, book_ratio = the_measured_answer()
    assert name == book_name and not activations.matches(book_ratio, ratio)  # the book's ratio is not the answer
    assert helpers.check_fastest_vanishing(name, ratio, 0.25, seed=OTHER.seed).passed
    for given in [book_ratio, float(f"{book_ratio:.2g}")]:
        verdict = helpers.check_fastest_vanishing(name, given, 0.25, seed=OTHER.seed)
        assert verdict.score == 1, str(verdict)
        assert f"for seed {DEFAULT.seed}: this notebook's networks use SEED = {OTHER.seed}" in verdict.hints[0]
    assert not helpers.check_fastest_vanishing(name, ratio, 0.25).passed  # and the other way round


def test_exercise_4_with_another_seed_and_threshold_judges_against_its_own_depth():
    found, ratio = the_depth_and_ratio(OTHER.seed, OTHER.threshold)
    assert found == depth.smallest_vanishing_depth(OTHER.threshold, OTHER.seed)
    book_depth, book_ratio = the_depth_and_ratio()
    assert found != book_depth
    course = {"seed": OTHER.seed, "threshold": OTHER.threshold}
    verdict = helpers.check_vanishing_depth(found, float(f"{ratio:.2g}"), **course)
    assert verdict.passed, str(verdict)
    assert not helpers.check_vanishing_depth(found, ratio).passed  # not the book's answer
    public = helpers.check_vanishing_depth(book_depth, float(f"{book_ratio:.2g}"), **course)
    assert public.score == 0, str(public)
    assert f"that is the ratio for seed {DEFAULT.seed}: this notebook's networks use SEED = {OTHER.seed}" in public.hints[1]
    assert f"below THRESHOLD ({OTHER.threshold:g})" in public.hints[0]


def test_exercise_4_a_depth_measured_with_the_book_seed_is_named():
    forgot_seed, ratio = the_depth_and_ratio(DEFAULT.seed, OTHER.threshold)  # seed=SEED left out
    assert forgot_seed != depth.smallest_vanishing_depth(OTHER.threshold, OTHER.seed)
    verdict = helpers.check_vanishing_depth(forgot_seed, ratio, seed=OTHER.seed, threshold=OTHER.threshold)
    assert verdict.score == 0
    assert all(f"seed {DEFAULT.seed}" in hint and f"SEED = {OTHER.seed}" in hint for hint in verdict.hints), str(verdict)
    assert not any(word in verdict.hints[0].lower() for word in WRONG_WAY)


def test_exercise_5_with_another_width_judges_against_its_broken_network():
    course = Course(width=4, wide=5)
    assert helpers.check_layer_sizes_fix(course.fixed_sizes, course.broken_sizes).passed
    assert helpers.check_layer_sizes_fix(course.broken_sizes, course.broken_sizes).score == 0
    verdict = helpers.check_layer_sizes_fix(DEFAULT.fixed_sizes, course.broken_sizes)
    assert verdict.score == 1 and "keep the input width 4" in verdict.hints[0]


def test_a_check_refuses_a_course_value_it_cannot_build():
    with pytest.raises(ValueError, match="seed must be a whole number"):
        helpers.check_vanishing_depth(8, 0.01, seed="123")
    with pytest.raises(ValueError, match="threshold must be one of"):
        helpers.check_vanishing_depth(8, 0.01, threshold=1e-4)


def test_a_huge_error_message_is_cut_to_a_short_hint():
    class Loud(helpers.ExampleDeepNeuralNetwork):
        def forward(self, x):
            raise ValueError("x" * 10**7)

    verdict = helpers.check_forward(Loud)
    assert not verdict.passed and len(str(verdict)) < 5000
    assert "(10,000,000 characters)" in verdict.hints[0]


# Number forms a person would call the same number are judged as it; the others get a hint, never a crash.

@pytest.mark.parametrize("slope", [Fraction(1, 4), Decimal("0.25"), 0.25 + 0j, torch.tensor(0.25 + 0j),
                                   np.complex128(0.25), np.float16(0.25)])
def test_exercise_3_judges_every_form_of_the_same_number(slope):
    name, ratio = the_measured_answer()
    verdict = helpers.check_fastest_vanishing(name, ratio, slope)
    assert verdict.passed, str(verdict)


@pytest.mark.parametrize("slope, hint", [
    (10**400, "about 10**400, beyond the largest float"), (-10**400, "about -10**400"),
    (10**5000, "about 10**5000"), (0.25 + 1j, "not the complex number (0.25+1j)"),
    (torch.tensor(0.25 + 1j), "not the complex number (0.25+1j)"), (torch.tensor(True), "give a number, not"),
    (float("nan"), "you gave nan"), (float("inf"), "you gave inf"), (Fraction(10**400, 3), "give a number, not"),
], ids=lambda value: type(value).__name__ if isinstance(value, (int, Fraction)) else None)
def test_exercise_3_a_number_no_float_holds_gets_a_hint(slope, hint):
    name, ratio = the_measured_answer()
    verdict = helpers.check_fastest_vanishing(name, ratio, slope)
    assert verdict.score == 1 and len(verdict.hints) == 1 and hint in verdict.hints[0], str(verdict)


@pytest.mark.parametrize("depth_given", [10**400, -10**400, 10**12, 2**64, torch.tensor(2**62)],
                         ids=["1e400", "-1e400", "1e12", "2**64", "tensor 2**62"])
def test_exercise_4_an_enormous_depth_gets_a_hint(depth_given):
    verdict = helpers.check_vanishing_depth(depth_given, 0.01)
    assert not verdict.passed and "far more than any layer count or size here" in verdict.hints[0], str(verdict)


@pytest.mark.parametrize("sizes", [[3, 3, 3, 3, 3, 10**400], [3] * 5 + [1 + 0j], [3, 3, 3, 3, 3, 10**5000]],
                         ids=["1e400", "complex 1", "1e5000"])
def test_exercise_5_an_enormous_or_complex_size_gets_a_verdict(sizes):
    verdict = helpers.check_layer_sizes_fix(sizes)
    if sizes[-1] == 1:  # (1+0j) is the number 1
        assert verdict.passed, str(verdict)
    else:
        assert not verdict.passed and "every size must be a whole number" in verdict.hints[0], str(verdict)
        assert len(str(verdict)) < 1000


# A learner's code cannot change what a check compares against, nor flood the notebook.

def gm_then_zero_input(model, x):
    values = gm_book(model, x)
    x.zero_()  # the learner's own copy of x
    return values


def gm_zero_input_first(model, x):
    x.zero_()
    return gm_book(model, x)


def gm_book(model, x):
    model.zero_grad()
    nn.functional.mse_loss(model(x), torch.zeros_like(model(x))).backward()
    return {n: p.grad.abs().mean().item() for n, p in model.named_parameters() if n.endswith("weight")}


def test_a_function_that_changes_its_input_in_place_changes_no_case():
    assert helpers.check_gradient_means(gm_book).passed
    kept = helpers.check_gradient_means(gm_then_zero_input)
    assert kept.passed, str(kept)  # it measured the right numbers before zeroing its own copy of x
    zeroed = helpers.check_gradient_means(gm_zero_input_first)
    assert not zeroed.passed, str(zeroed)
    assert helpers.check_gradient_means(gm_book).passed  # and the next check's cases are whole


def test_an_init_that_changes_layer_sizes_gets_a_verdict():
    class Emptying(network_class(forward_book)):
        def __init__(self, layer_sizes, use_shortcut):
            super().__init__(layer_sizes, use_shortcut)
            layer_sizes.clear()

    verdict = helpers.check_forward(Emptying)
    assert verdict.passed, str(verdict)  # its layers were built before it emptied its own copy of the sizes
    assert helpers.check_forward(network_class(forward_book)).passed


def forward_prints_a_lot(self, x):
    for i in range(10**4):  # 48,890 characters, in milliseconds even on a loaded machine
        print(i)
    return forward_book(self, x)


def test_what_a_learners_code_prints_is_cut_short(capsys):
    verdict = helpers.check_forward(network_class(forward_prints_a_lot))
    printed = capsys.readouterr().out
    assert verdict.passed, str(verdict)
    assert len(printed) < 4 * 2200 + len(str(verdict)) + 200  # four calls, 2,000 characters each, and the verdict
    assert "0\n1\n2\n" in printed and "more characters printed by your code, not shown" in printed


def forward_changes_device_and_denormals(self, x):
    torch.set_flush_denormal(True)
    torch.set_default_device("meta")
    return forward_book(self, x)


def test_flushing_denormals_and_the_default_device_are_put_back():
    from helpers.classroom.sandbox import flushes_denormals

    assert not flushes_denormals() and torch.get_default_device() == torch.device("cpu")
    helpers.check_forward(network_class(forward_changes_device_and_denormals))
    tiny = torch.tensor([5e-324], dtype=torch.float64)
    assert (tiny * 1.0).item() == 5e-324, "denormals are flushed after the check"
    assert torch.get_default_device() == torch.device("cpu") and torch.ones(1).device == torch.device("cpu")


def test_the_variables_a_hint_names_are_the_exercises_own():
    """'fastest_ratio is still None' must name a variable the learner's copy really has."""
    import json
    import re
    from pathlib import Path

    names = set()
    for path in Path(helpers.__file__).parent.joinpath("classroom").glob("*.py"):
        names |= set(re.findall(r'\bas_\w+\([^)]*\bname="(\w+)"', path.read_text()))
    assert {"fastest_vanishing", "fastest_ratio", "sigmoid_max_slope", "smallest_depth", "shortcut_ratio",
            "fixed_sizes"} <= names
    notebook = Path(__file__).resolve().parents[1] / "notebooks/exercises/release/shortcuts/exercises.ipynb"
    code = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
    assert all(re.search(rf"^{name} = None\b", code, re.M) for name in names), names
