"""Every public call leaves the caller's world as it was: torch's random state, default dtype,
grad mode, thread count and flush-denormal setting, checked around each call, both from torch's
defaults and from a caller who changed them."""

import io
from contextlib import redirect_stdout

import pytest
import torch

import helpers
from helpers.training import flushes_denormals


def world():
    return (torch.get_rng_state(), torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads(),
            flushes_denormals())


def book_model():
    torch.manual_seed(123)
    return helpers.ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)


def spirals_and_model():
    x, y = helpers.make_spirals(points=20)
    return x, y, helpers.build_classifier(depth=3, width=4)


def stats():
    return helpers.layer_statistics(book_model(), helpers.sample_input())


def history():
    x, y, model = spirals_and_model()
    return helpers.train(model, x, y, steps=3)


MEANS = {"layers.0.0.weight": 2e-4, "layers.1.0.weight": 5e-3}
# One valid call of every public callable, as (prepare, call): `prepare()` builds the inputs
# outside the measured region, `call(inputs)` is the public call itself.
CALLS = {
    "claim": (None, lambda _: helpers.claim("one is less than two", 1 < 2)),
    "rounded": (None, lambda _: helpers.rounded(0.12345, 2)),
    "set_language": (None, lambda _: helpers.set_language("en")),  # (the default: the world stays as it was)
    "ExampleDeepNeuralNetwork": (None, lambda _: helpers.ExampleDeepNeuralNetwork([3, 3, 1], False)),
    "activation_curves": (None, lambda _: helpers.activation_curves(points=11)),
    "backward_factors": (book_model, lambda m: helpers.backward_factors(m, helpers.sample_input())),
    "book_gradients": (None, lambda _: helpers.book_gradients(True)),
    "book_layer_sizes": (None, lambda _: helpers.book_layer_sizes(5)),
    "depth_sweep": (None, lambda _: helpers.depth_sweep([2, 5], use_shortcut=True)),
    "first_to_last": (None, lambda _: helpers.first_to_last(MEANS)),
    "format_gradient": (None, lambda _: helpers.format_gradient(0.00020174)),
    "gradient_means": (book_model, lambda m: helpers.gradient_means(m, helpers.sample_input())),
    "gradient_sweep": (None, lambda _: helpers.gradient_sweep([2, 4], activations=["gelu", "sigmoid"])),
    "gradient_table": (None, lambda _: helpers.gradient_table({"a": MEANS})),
    "layer_jacobians": (book_model, lambda m: helpers.layer_jacobians(m, helpers.sample_input())),
    "weight_gradient_parts": (book_model, lambda m: helpers.weight_gradient_parts(m, helpers.sample_input())),
    "make_activation": (None, lambda _: helpers.make_activation("tanh")),
    "plot_activations": (lambda: helpers.activation_curves(points=11), helpers.plot_activations),
    "plot_depth_sweep": (lambda: helpers.depth_sweep([2, 5]), lambda rows: helpers.plot_depth_sweep({"gelu": rows})),
    "plot_gradients": (None, lambda _: helpers.plot_gradients({"a": MEANS})),
    "print_gradients": (book_model, lambda m: helpers.print_gradients(m, helpers.sample_input())),
    "sample_input": (None, lambda _: helpers.sample_input(4)),
    "GradientExplorer": (None, lambda _: helpers.GradientExplorer(depth=4)),
    "gradient_explorer": (None, lambda _: helpers.gradient_explorer(depth=4).set(depth=6, activation="sigmoid")),
    "Verdict": (None, lambda _: str(helpers.Verdict("x"))),
    "check_fastest_vanishing": (None, lambda _: helpers.check_fastest_vanishing("sigmoid", 3.8e-19, 0.25)),
    "check_forward": (None, lambda _: helpers.check_forward(helpers.ExampleDeepNeuralNetwork)),
    "check_gradient_means": (None, lambda _: helpers.check_gradient_means(lambda model, x: {})),
    "check_layer_sizes_fix": (None, lambda _: helpers.check_layer_sizes_fix([3, 3, 3, 3, 3, 1])),
    "check_vanishing_depth": (None, lambda _: helpers.check_vanishing_depth(8, 0.01)),
    "build_classifier": (None, lambda _: helpers.build_classifier(depth=3)),
    "layer_statistics": (book_model, lambda m: helpers.layer_statistics(m, helpers.sample_input())),
    "make_spirals": (None, lambda _: helpers.make_spirals(points=20)),
    "plot_distributions": (stats, helpers.plot_distributions),
    "plot_gradient_heatmap": (history, lambda h: helpers.plot_gradient_heatmap({"a": h["grad_norms"]})),
    "plot_loss_curves": (history, lambda h: helpers.plot_loss_curves({"a": h})),
    "plot_spirals": (lambda: helpers.make_spirals(points=20), lambda xy: helpers.plot_spirals(*xy)),
    "plot_sweep_heatmap": (lambda: helpers.gradient_sweep([2, 4], activations=["gelu"]), helpers.plot_sweep_heatmap),
    "plot_weight_gradients": (stats, helpers.plot_weight_gradients),
    "train": (spirals_and_model, lambda xym: helpers.train(xym[2], xym[0], xym[1], steps=3)),
    "plot_shortcut_diagram": (None, lambda _: helpers.plot_shortcut_diagram()),
}
# Building a network draws its weights from the caller's generator, as nn.Linear does: that is
# the one change of the random state a public call makes on purpose.
DRAWS_WEIGHTS = {"ExampleDeepNeuralNetwork"}


def test_every_public_callable_is_in_the_table():
    public = {name for name in helpers.__all__ if callable(getattr(helpers, name)) and name != "ClaimFailed"}
    assert public == set(CALLS)


@pytest.mark.parametrize("callers_world", ["torch's defaults", "changed by the caller"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_public_call_leaves_the_callers_world_as_it_was(name, callers_world):
    saved = world()
    try:
        if callers_world == "changed by the caller":
            torch.manual_seed(99)
            torch.set_num_threads(1)
            torch.set_flush_denormal(True)
            torch.set_grad_enabled(False)
        prepare, call = CALLS[name]
        inputs = prepare() if prepare else None
        before = world()
        with redirect_stdout(io.StringIO()):
            call(inputs)
        after = world()
    finally:
        torch.random.set_rng_state(saved[0])
        torch.set_default_dtype(saved[1])
        torch.set_grad_enabled(saved[2])
        torch.set_num_threads(saved[3])
        torch.set_flush_denormal(saved[4])
    if name not in DRAWS_WEIGHTS:
        assert torch.equal(after[0], before[0]), "the random state changed"
    assert after[1:] == before[1:], f"(dtype, grad mode, threads, flush denormal) went from {before[1:]} to {after[1:]}"


# Models of every kind a learner may bring: BatchNorm (running statistics), Dropout (random),
# and a submodule left in eval mode inside a model in training mode.
def batchnorm_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.GELU(), torch.nn.Linear(4, 1))


def dropout_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Dropout(0.5), torch.nn.GELU(), torch.nn.Linear(8, 1))


def mixed_modes_model():
    model = batchnorm_model()
    model[1].eval()  # the caller froze the batch norm's statistics; the rest trains
    return model


MODELS = {"batchnorm": batchnorm_model, "dropout": dropout_model, "mixed_modes": mixed_modes_model}
MEASUREMENTS = {
    "gradient_means": lambda m, x: helpers.gradient_means(m, x),
    "print_gradients": lambda m, x: printed(lambda: helpers.print_gradients(m, x)),
    "layer_statistics": lambda m, x: [w["grad_mean_abs"] for w in helpers.layer_statistics(m, x)["weights"]],
}


def printed(call):
    out = io.StringIO()
    with redirect_stdout(out):
        call()
    return out.getvalue()


def model_state(model):
    return ({k: v.clone() for k, v in model.state_dict().items()}, [m.training for m in model.modules()],
            [None if p.grad is None else p.grad.clone() for p in model.parameters()],
            [p.requires_grad for p in model.parameters()])


def same_state(a, b):
    return (a[0].keys() == b[0].keys() and all(torch.equal(a[0][k], b[0][k]) for k in a[0]) and a[1] == b[1]
            and all((x is None and y is None) or (x is not None and y is not None and torch.equal(x, y)) for x, y in zip(a[2], b[2]))
            and a[3] == b[3])


@pytest.mark.parametrize("kind", MODELS)
@pytest.mark.parametrize("measure", MEASUREMENTS)
def test_a_measurement_leaves_every_kind_of_model_as_it_found_it_and_repeats(kind, measure):
    model = MODELS[kind]()
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(1))
    before, rng = model_state(model), torch.get_rng_state()
    first = MEASUREMENTS[measure](model, x)
    assert same_state(before, model_state(model)), "modes, buffers, parameters, .grad or requires_grad changed"
    assert torch.equal(rng, torch.get_rng_state()), "the caller's random state moved"
    assert MEASUREMENTS[measure](model, x) == first, "two calls must agree"


@pytest.mark.parametrize("measure", MEASUREMENTS)
def test_a_measurement_works_under_inference_mode_and_no_grad(measure):
    model, x = book_model(), helpers.sample_input()
    expected = MEASUREMENTS[measure](model, x)
    with torch.inference_mode():
        assert MEASUREMENTS[measure](model, helpers.sample_input()) == expected
    with torch.no_grad():
        assert MEASUREMENTS[measure](model, x) == expected
