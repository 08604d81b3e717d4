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
        (forward_returns_nothing, "forward must return a tensor, it returned NoneType"),
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
    assert [case for case, ok, _ in wrong.results if not ok] == [
        "the activation that vanishes fastest", "the sigmoid's largest slope"]

    depth = helpers.checks.smallest_vanishing_depth()
    rows = helpers.depth_sweep(range(1, depth + 1), "sigmoid")
    assert rows[-1]["ratio"] < 1e-6 <= rows[-2]["ratio"]
    ratio = helpers.depth_sweep([depth], "sigmoid", use_shortcut=True)[0]["ratio"]
    assert helpers.check_vanishing_depth(depth, ratio).passed
    assert not helpers.check_vanishing_depth(depth + 1, ratio).passed
    assert "measure the same depth with use_shortcut=True" in helpers.check_vanishing_depth(depth, 0.5).hints[0]

    assert helpers.check_layer_sizes_fix([3, 3, 3, 3, 3, 1]).passed
    blocked = helpers.check_layer_sizes_fix([3, 3, 4, 4, 4, 1])
    assert "layers 1 change it" in blocked.hints[0]
    assert "keep the input width 3" in helpers.check_layer_sizes_fix([4, 4, 4, 4, 4, 1]).hints[0]
    assert "give six sizes" in helpers.check_layer_sizes_fix(None).hints[0]


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
