"""The self-checks against a catalogue of learner answers: every correct variant passes, every
wrong one gets its specific hint, and nothing the learner owns is changed."""

import time

import pytest
import torch
from torch import nn

import helpers


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
    assert "all passed (4 of 4 checks)" in str(verdict)


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


def test_answers_of_exercises_3_to_5():
    assert helpers.check_fastest_vanishing("sigmoid", 0.25).passed
    assert helpers.check_fastest_vanishing("sigmoid", 0.2500003).passed
    wrong = helpers.check_fastest_vanishing("relu", 1.0)
    assert [case for case, ok, _, _ in wrong.results if not ok] == [
        "the activation that vanishes fastest", "the sigmoid's largest slope"]

    depth = helpers.checks.smallest_vanishing_depth()
    rows = helpers.depth_sweep(range(1, depth + 1), "sigmoid")
    assert rows[-1]["ratio"] < 1e-6 <= rows[-2]["ratio"]
    ratio = helpers.depth_sweep([depth], "sigmoid", use_shortcut=True)[0]["ratio"]
    assert helpers.check_vanishing_depth(depth, ratio).passed
    assert not helpers.check_vanishing_depth(depth + 1, ratio).passed
    assert "measure the same depth (" in helpers.check_vanishing_depth(depth, 0.5).hints[0]

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


@pytest.mark.parametrize(
    "check, args",
    [
        (helpers.check_forward, (network_class(forward_book),)),
        (helpers.check_gradient_means, (gm_book,)),
        (helpers.check_fastest_vanishing, ("sigmoid", 0.25)),
        (helpers.check_vanishing_depth, (8, 0.01)),
        (helpers.check_layer_sizes_fix, ([3, 3, 3, 3, 3, 1],)),
    ],
)
def test_each_check_runs_in_under_a_second(check, args):
    start = time.perf_counter()
    check(*args)
    assert time.perf_counter() - start < 1.0


def test_verdict_text():
    verdict = helpers.Verdict("Example")
    verdict.add("first", True)
    verdict.add("second", False, "do this")
    assert str(verdict) == "Example: not yet (1 of 2 checks)\n  ✓ first\n  ✗ second\n      hint: do this"
    assert not verdict.passed and not helpers.Verdict("Empty").passed


# Answers in every equivalent form are accepted; each wrong one gets the hint for its mistake.

import sys  # noqa: E402

import numpy as np  # noqa: E402

from helpers import checks  # noqa: E402


def the_book_depth_and_ratio():
    depth = checks.smallest_vanishing_depth()
    return depth, helpers.depth_sweep([depth], "sigmoid", use_shortcut=True)[0]["ratio"]


@pytest.mark.parametrize("name", ["sigmoid", "Sigmoid", " SIGMOID ", "nn.Sigmoid", nn.Sigmoid, torch.sigmoid, "torch.sigmoid"])
@pytest.mark.parametrize("slope", [0.25, torch.tensor(0.25), np.float32(0.25), np.float64(0.2500003), torch.tensor([0.25]), 0.2498])
def test_exercise_3_accepts_every_form_of_the_right_answer(name, slope):
    verdict = helpers.check_fastest_vanishing(name, slope)
    assert verdict.passed, str(verdict)
    assert verdict.score == 2


@pytest.mark.parametrize(
    "name, slope, hint",
    [
        ("tanh", 0.25, "'tanh' gives"),
        ("swish", 0.25, "'swish' is not one of 'gelu', 'relu', 'sigmoid', 'tanh'"),
        (None, 0.25, "not answered yet"),
        ("sigmoid", 0.5, "0.5 is the sigmoid's value at z = 0, not its slope"),
        ("sigmoid", 1.0, "1 is the sigmoid's upper limit"),
        ("sigmoid", 0.2, "0.2 is close but too coarse"),
        ("sigmoid", "0.25", "give a number, not the string '0.25' (leave out the quotes)"),
        ("sigmoid", torch.ones(3), "give one number, not a tensor of shape (3,)"),
        ("sigmoid", None, "not answered yet: it is still None"),
        ("sigmoid", 0.1, "is largest at z = 0; you gave 0.1"),
    ],
)
def test_exercise_3_hints_name_the_mistake(name, slope, hint):
    verdict = helpers.check_fastest_vanishing(name, slope)
    assert any(hint in h for h in verdict.hints), str(verdict)
    assert verdict.score == 1  # the other part is right


def test_exercise_4_accepts_the_printed_precision_and_other_forms():
    depth, ratio = the_book_depth_and_ratio()
    for given_depth in [depth, float(depth), torch.tensor(depth), np.int64(depth)]:
        for given_ratio in [ratio, float(f"{ratio:.2g}"), torch.tensor(ratio), np.float32(ratio)]:
            verdict = helpers.check_vanishing_depth(given_depth, given_ratio)
            assert verdict.passed, str(verdict)


def test_exercise_4_hints_name_the_mistake():
    depth, ratio = the_book_depth_and_ratio()
    plain = helpers.depth_sweep([depth], "sigmoid")[0]["ratio"]
    cases = {
        (depth - 1, ratio): f"at depth {depth - 1} the ratio is",
        (depth + 3, ratio): "a smaller depth already falls below 1e-6",
        (depth, plain): "that is the plain network's ratio",
        (depth, 1 / ratio): "upside down",
        (depth, float(f"{ratio:.1g}")): "is too coarse: give at least 2 significant digits",
        (depth + 0.5, ratio): "give a whole number of layers",
    }
    for (given_depth, given_ratio), hint in cases.items():
        verdict = helpers.check_vanishing_depth(given_depth, given_ratio)
        assert any(hint in h for h in verdict.hints), (given_depth, given_ratio, str(verdict))


def test_exercise_4_judges_the_ratio_at_the_learners_own_depth():
    depth, _ = the_book_depth_and_ratio()
    theirs = helpers.depth_sweep([depth + 2], "sigmoid", use_shortcut=True)[0]["ratio"]
    verdict = helpers.check_vanishing_depth(depth + 2, theirs)
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
    "forward, hint",
    [(forward_exits, "your code called sys.exit()"), (forward_loops, "did not finish within 5 s"),
     (forward_loops_and_swallows, "did not finish within 5 s")],
)
def test_exits_and_endless_loops_get_a_verdict(forward, hint, monkeypatch):
    monkeypatch.setattr(checks, "SECONDS", 0.3)
    monkeypatch.setattr(checks.probe_forward, "__defaults__", (0.3,))
    verdict = helpers.check_forward(network_class(forward))
    assert not verdict.passed
    assert all(hint.replace("5 s", "0.3 s") in h for h in verdict.hints), str(verdict)


def test_the_learners_global_settings_are_put_back():
    before = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(), torch.get_rng_state())
    verdict = helpers.check_forward(network_class(forward_changes_settings))
    after = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(), torch.get_rng_state())
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
    assert (verdict.score, verdict.max_score) == (1.0, 3.0)
    verdict = helpers.check_gradient_means(gm_accumulates)
    assert (verdict.score, verdict.max_score) == (1.5, 2.0)


def test_long_hints_wrap():
    verdict = helpers.Verdict("Example")
    verdict.add("part", False, "word " * 60)
    lines = str(verdict).splitlines()
    assert len(lines) > 3 and all(len(line) <= 88 for line in lines)
