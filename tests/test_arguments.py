"""Bad input to the public API gets a clear error naming the argument and the value, or the
right answer; never a silent wrong one or torch's internals."""

import math

import pytest
import torch

import helpers
from helpers import transformer
from helpers.arguments import check_bool, check_choice, check_choices, check_int, check_number


def meta_network():
    with torch.device("meta"):
        return helpers.ExampleDeepNeuralNetwork([3, 3, 1], False)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: helpers.depth_sweep([5], use_shortcut="False"), "use_shortcut must be True or False, got 'False'"),
        (lambda: helpers.depth_sweep([5], use_shortcut=None), "use_shortcut must be True or False, got None"),
        (lambda: helpers.depth_sweep([5], activation="swish"), "activation must be one of"),
        (lambda: helpers.depth_sweep("5"), "depths must be a list of integers from 1 to 10,000, got '5'"),
        (lambda: helpers.gradient_sweep([5], activations="gelu"), "activations must be a non-empty list of names"),
        (lambda: helpers.gradient_sweep([5], kinds="plain"), "kinds must be a non-empty list of names"),
        (lambda: helpers.gradient_sweep([5], seed=1.5), "seed must be an integer from 0 to 4294967295, got 1.5"),
        (lambda: helpers.book_gradients(True, seed=1.5), "seed must be an integer from 0 to 4294967295, got 1.5"),
        (lambda: helpers.book_gradients(True, seed=2**64), "seed must be an integer from 0 to 4294967295, got 2**64".replace(
            "2**64", str(2**64))),
        (lambda: helpers.book_gradients("yes"), "use_shortcut must be True or False, got 'yes'"),
        (lambda: helpers.first_to_last({}), "means must be a non-empty gradient_means result, got {}"),
        (lambda: helpers.gradient_table({}), "columns must map titles to non-empty gradient_means results, got {}"),
        (lambda: helpers.gradient_table({"a": {}}), "columns must map titles to non-empty gradient_means results"),
        (lambda: helpers.backward_factors(helpers.ExampleDeepNeuralNetwork([3, 3, 1], False),
                                          torch.tensor([[1.0, float("nan"), 0.0]])),
         "x must hold finite numbers (no nan or inf)"),
        (lambda: helpers.gradient_means(torch.nn.ReLU(), torch.ones(1, 3)), "model has no weight matrices to measure: ReLU"),
        (lambda: helpers.book_layer_sizes(0), "depth must be an integer from 1 to 10000, got 0"),
        (lambda: helpers.sample_input(True), "width must be an integer from 1 to 4096, got True"),
        # plots of what is not the result they draw
        (lambda: helpers.plot_depth_sweep({"a": []}), "sweeps['a'] must be a depth_sweep result, a non-empty list of rows"),
        (lambda: helpers.plot_depth_sweep([1]), "sweeps must be a non-empty dict {label: a depth_sweep result"),
        (lambda: helpers.plot_depth_sweep({"a": [{"depth": 1}]}), "sweeps['a'] must be a depth_sweep result"),
        (lambda: helpers.plot_gradients({"a": [1, 2]}), "columns['a'] must be a gradient_means result {weight name: number}"),
        (lambda: helpers.plot_gradients({"a": {"w": "x"}}), "columns['a'] must be a gradient_means result"),
        (lambda: helpers.plot_loss_curves({"a": {}}), "histories['a'] must be a train() result"),
        (lambda: helpers.plot_loss_curves({"a": {"loss": []}}), "histories['a'] must be a train() result"),
        (lambda: helpers.plot_activations({"gelu": {"x": [1], "y": [1, 2], "slope": [1]}}), "curves['gelu'] must be"),
        (lambda: helpers.plot_activations("gelu"), "curves must be a non-empty dict"),
        (lambda: helpers.plot_sweep_heatmap([{"depth": 1}]), "rows must be a non-empty list of gradient_sweep rows"),
        (lambda: helpers.plot_sweep_heatmap({}), "rows must be a non-empty list of gradient_sweep rows"),
        (lambda: helpers.plot_spirals(torch.ones(3), torch.ones(3, 1)), "x must be the points of make_spirals"),
        (lambda: helpers.plot_spirals(torch.ones(4, 2), torch.ones(3, 1)), "y must be the labels of make_spirals, a tensor of shape [4, 1]"),
        (lambda: helpers.plot_distributions({"layers": 3}), "stats must be a layer_statistics result, whose 'layers' rows"),
        (lambda: helpers.plot_distributions([]), "stats must be a layer_statistics result"),
        (lambda: helpers.plot_weight_gradients({}), "stats must be a layer_statistics result, whose 'weights' rows"),
        # sizes past what a laptop builds in seconds
        (lambda: helpers.plot_shortcut_diagram([3] * 2001), "layer_sizes has 2,000 layers; a diagram draws at most 40"),
        (lambda: helpers.ExampleDeepNeuralNetwork([3, 10**6, 1], False), "layer_sizes[1] must be an integer from 1 to 4096"),
        (lambda: helpers.ExampleDeepNeuralNetwork([4096] * 10, False), "makes 150,994,944 weights; the helpers build"),
        (lambda: helpers.ExampleDeepNeuralNetwork([3] * 10**5, False), "layer_sizes describes 99,999 layers"),
        (lambda: helpers.depth_sweep(range(1, 10**9)), "depths must be at most 10,000 integers from 1 to 10,000"),
        (lambda: helpers.depth_sweep([20_000]), "depths must be at most 10,000 integers from 1 to 10,000, got [20000]"),
        (lambda: helpers.build_classifier(10**6), "depth must be an integer from 1 to 10000, got 1000000"),
        (lambda: helpers.book_gradients(True, width=10**5), "width must be an integer from 1 to 4096"),
        (lambda: helpers.train(helpers.build_classifier(1), *helpers.make_spirals(), steps=10**9),
         "steps must be an integer from 1 to 100000, got 1000000000"),
        (lambda: transformer.check_config({"emb_dim": 10**5, "n_heads": 1, "context_length": 8, "drop_rate": 0.0,
                                           "qkv_bias": False}),
         "cfg makes about 120,000,800,000 parameters (emb_dim=100000, n_layers=None); the helpers build models of at most"),
        # a model that holds no values
        (lambda: helpers.gradient_means(meta_network(), helpers.sample_input()), "model has its weights on the meta device"),
        (lambda: helpers.layer_statistics(meta_network(), helpers.sample_input()), "model has its weights on the meta device"),
        (lambda: helpers.gradient_means(helpers.ExampleDeepNeuralNetwork([3, 1], False), torch.ones(1, 3, device="meta")),
         "x is on the meta device"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError) as refused:
        call()
    assert message in str(refused.value)


def test_integer_inputs_and_float64_models_work_in_the_models_dtype():
    torch.manual_seed(123)
    model = helpers.ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)
    expected = helpers.gradient_means(model, torch.tensor([[1.0, 0.0, -1.0]]))
    from_integers = helpers.gradient_means(model, torch.tensor([[1, 0, -1]]))
    assert from_integers == expected
    doubled = helpers.gradient_means(model.double(), torch.tensor([[1.0, 0.0, -1.0]]))
    assert all(math.isclose(doubled[n], expected[n], rel_tol=1e-5) for n in expected)
    assert model(torch.tensor([[1, 0, -1]])).dtype == torch.float64
    factors = helpers.backward_factors(model, torch.tensor([[1, 0, -1]]))
    assert len(factors) == 5
    model.float()
    stats = helpers.layer_statistics(model, torch.tensor([[1.0, 0.0, -1.0]], dtype=torch.float64))
    assert [row["grad_mean_abs"] for row in stats["weights"]] == pytest.approx(list(expected.values()), rel=1e-6)


def test_book_gradients_leaves_the_callers_random_state_alone():
    torch.manual_seed(7)
    state = torch.get_rng_state()
    helpers.book_gradients(True)
    assert torch.equal(torch.get_rng_state(), state)


def test_the_checks_themselves():
    assert check_bool("b", False) is False
    assert check_int("n", 3, low=1, high=5) == 3
    assert check_number("s", 2, low=1, high=3) == 2.0
    assert check_choice("a", "gelu", helpers.ACTIVATIONS) == "gelu"
    assert check_choices("a", ("gelu", "relu"), helpers.ACTIVATIONS) == ["gelu", "relu"]
    for call, message in [
        (lambda: check_bool("flag", 1), "flag must be True or False, got 1"),
        (lambda: check_int("n", 6, low=1, high=5), "n must be an integer from 1 to 5, got 6"),
        (lambda: check_int("n", True), "n must be an integer, got True"),
        (lambda: check_number("s", float("inf")), "s must be a finite number, got inf"),
        (lambda: check_number("s", 5, low=1, high=3), "s must be a finite number from 1 to 3, got 5"),
        (lambda: check_choices("names", "gelu", helpers.ACTIVATIONS), "names must be a non-empty list of names"),
    ]:
        with pytest.raises(ValueError) as refused:
            call()
        assert str(refused.value).startswith(message), str(refused.value)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: helpers.build_classifier(3, seed="3"), "seed must be an integer from 0 to 4294967295, got '3'"),
        (lambda: helpers.build_classifier(3, seed=3.5), "seed must be an integer from 0 to 4294967295, got 3.5"),
        (lambda: helpers.build_classifier(3, seed=True), "seed must be an integer from 0 to 4294967295, got True"),
        (lambda: helpers.build_classifier(3, seed=2**64), "seed must be an integer from 0 to 4294967295, got 18446744073709551616"),
        (lambda: helpers.build_classifier(3, seed=2**32), "seed must be an integer from 0 to 4294967295, got 4294967296"),
        (lambda: helpers.build_classifier(3, width=0), "width must be an integer from 1 to 4096, got 0"),
        (lambda: helpers.build_classifier(3, use_shortcut="yes"), "use_shortcut must be True or False, got 'yes'"),
        (lambda: helpers.make_spirals(seed="3"), "seed must be an integer from 0 to 4294967295, got '3'"),
        (lambda: helpers.make_spirals(seed=2**64), "seed must be an integer from 0 to 4294967295"),
        (lambda: helpers.make_spirals(turns=0), "turns must be a positive number"),
        (lambda: helpers.make_spirals(turns=float("inf")), "turns must be a finite number, got inf"),
        (lambda: helpers.make_spirals(noise=float("inf")), "noise must be zero or a positive finite number, got inf"),
        (lambda: helpers.make_spirals(points=10**8), "points must be an even integer from 2 to 1000000, got 100000000"),
        (lambda: helpers.format_gradient(0.5, digits=None), "digits must be an integer from 1 to 17, got None"),
        (lambda: helpers.format_gradient(0.5, digits=0), "digits must be an integer from 1 to 17, got 0"),
        (lambda: helpers.format_gradient(0.5, digits="3"), "digits must be an integer from 1 to 17, got '3'"),
        (lambda: helpers.print_gradients(helpers.ExampleDeepNeuralNetwork([3, 1], False), helpers.sample_input(), digits=0),
         "digits must be an integer from 1 to 17, got 0"),
        (lambda: helpers.activation_curves(names="gelu"), "names must be a non-empty list of names among"),
        (lambda: helpers.activation_curves(points=10**7), "points must be an integer from 2 to 100000, got 10000000"),
        (lambda: helpers.gradient_means(helpers.ExampleDeepNeuralNetwork([3, 1], False), torch.zeros(0, 3)),
         "x must hold at least one example: a batch of none has no gradient, got shape (0, 3)"),
    ],
)
def test_odd_values_get_an_error_naming_the_argument(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


def test_the_largest_seed_still_works_and_differs_from_seed_0():
    a = helpers.build_classifier(2, seed=2**32 - 1)
    b = helpers.build_classifier(2, seed=0)
    assert not torch.equal(a.read_out.weight, b.read_out.weight)


def spirals():
    return helpers.make_spirals(points=20)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: helpers.train(None, *spirals()), "model must be a torch.nn.Module, got NoneType"),
        (lambda: helpers.train(helpers.build_classifier(2).requires_grad_(False), *spirals()),
         "model has no trainable parameters"),
        (lambda: helpers.train(helpers.build_classifier(2), spirals()[0], spirals()[1].long()),
         "y must be a tensor of floats (such as make_spirals gives), got a tensor of torch.int64"),
        (lambda: helpers.train(helpers.build_classifier(2), spirals()[0], spirals()[1][:5]),
         "y must have one label per point of x, shape (20, 1), got (5, 1)"),
        (lambda: helpers.train(helpers.build_classifier(2), *spirals(), lr=None), "lr must be a finite number, got None"),
        (lambda: helpers.train(helpers.build_classifier(2), *spirals(), lr=0), "lr must be a positive number, got 0"),
    ],
)
def test_train_refuses_what_it_cannot_train_naming_the_argument(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
