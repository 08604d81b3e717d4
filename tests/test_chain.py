import pytest
import torch

import helpers
from helpers import ExampleDeepNeuralNetwork, backward_factors, layer_jacobians, sample_input, weight_gradient_parts


def book_model(use_shortcut):
    torch.manual_seed(123)
    return ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut)


@pytest.mark.parametrize("use_shortcut", [False, True])
def test_product_of_jacobians_is_the_input_gradient(use_shortcut):
    model = book_model(use_shortcut)
    x = sample_input().requires_grad_(True)
    model(x).sum().backward()
    product = None
    for row in reversed(layer_jacobians(model, sample_input())):
        product = row["jacobian"] if product is None else product @ row["jacobian"]
    torch.testing.assert_close(product[0], x.grad[0])


def test_shortcut_layers_are_identity_plus_the_plain_jacobian():
    plain = layer_jacobians(book_model(False), sample_input())
    shortcut_model = book_model(True)
    shortcut = layer_jacobians(shortcut_model, sample_input())
    assert [r["shortcut"] for r in shortcut] == [True, True, True, True, False]
    assert [r["shortcut"] for r in plain] == [False] * 5
    # At the first layer both networks see the same input, so I + J_f holds exactly there.
    torch.testing.assert_close(shortcut[0]["jacobian"], torch.eye(3) + plain[0]["jacobian"])
    for row in shortcut:
        assert row["jacobian"].shape in {(3, 3), (1, 3)}


def test_backward_factors_show_the_collapse_and_its_cure():
    plain = backward_factors(book_model(False), sample_input())
    shortcut = backward_factors(book_model(True), sample_input())
    assert [r["layer"] for r in plain] == [0, 1, 2, 3, 4]
    assert plain[-1]["gain_to_output"] == pytest.approx(plain[-1]["layer_gain"])
    assert plain[0]["gain_to_output"] < 0.01  # the product of factors below 1 collapses
    assert shortcut[0]["gain_to_output"] > 0.5  # I + J_f keeps it near 1
    assert all(r["layer_gain"] >= 1 for r in shortcut[:4])


@pytest.mark.parametrize("use_shortcut", [False, True])
def test_a_weight_gradient_is_signal_times_slope_times_input(use_shortcut):
    model = book_model(use_shortcut)
    parts = weight_gradient_parts(model, sample_input())
    means = helpers.gradient_means(model, sample_input())
    assert len(parts) == 5
    for part, mean in zip(parts, means.values()):
        rebuilt = torch.outer(part["signal"] * part["slope"], part["input"])
        torch.testing.assert_close(rebuilt, part["gradient"])
        assert part["gradient"].abs().mean().item() == pytest.approx(mean, rel=1e-6)
    torch.testing.assert_close(parts[0]["input"], sample_input()[0])
    # The last layer's signal is the gradient of the MSE loss at the output: 2 * output
    output = model(sample_input())[0]
    torch.testing.assert_close(parts[-1]["signal"], 2 * output.detach())


@pytest.mark.parametrize("use_shortcut", [False, True])
def test_the_first_to_last_ratio_splits_into_four_steps(use_shortcut):
    # Notebook 02, section 6: factor to the output of layer 1, mean |.| over length, slopes, inputs
    model = book_model(use_shortcut)
    parts = weight_gradient_parts(model, sample_input())
    factors = backward_factors(model, sample_input())
    first, last = parts[0], parts[-1]
    signal = first["signal"]
    steps = [
        factors[1]["gain_to_output"],
        signal.abs().mean().item() / signal.norm().item(),
        (signal * first["slope"]).abs().mean().item() / signal.abs().mean().item() / last["slope"].abs().item(),
        first["input"].abs().mean().item() / last["input"].abs().mean().item(),
    ]
    means = list(helpers.gradient_means(model, sample_input()).values())
    assert steps[1] <= 3 ** -0.5 + 1e-7  # a mean |.| of three entries is at most 1/sqrt(3) of the length
    assert steps[0] * steps[1] * steps[2] * steps[3] == pytest.approx(means[0] / means[-1], rel=1e-5)


def test_the_signal_is_the_output_gradient_times_the_jacobians_above():
    model = book_model(True)
    parts = weight_gradient_parts(model, sample_input())
    rows = layer_jacobians(model, sample_input())
    carried = parts[-1]["signal"]
    for k in range(3, -1, -1):  # down from the last layer: the signal at layer k's output
        carried = carried @ rows[k + 1]["jacobian"]
        torch.testing.assert_close(parts[k]["signal"], carried)


def test_weight_gradient_parts_leaves_the_model_as_it_was():
    model = book_model(False)
    weight_gradient_parts(model, sample_input())
    assert all(p.grad is None for p in model.parameters())
    with torch.no_grad():  # works inside a caller's no_grad too
        parts = weight_gradient_parts(model, sample_input())
    assert parts[0]["gradient"].abs().sum() > 0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="model must be an ExampleDeepNeuralNetwork, got Linear"):
        layer_jacobians(torch.nn.Linear(3, 3), sample_input())
    with pytest.raises(ValueError, match=r"x must hold one example, shape \[1, n\], got x of shape \(2, 3\)"):
        layer_jacobians(book_model(False), torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"layer_sizes\[0\]=3"):
        helpers.backward_factors(book_model(False), torch.ones(1, 4))
    with pytest.raises(ValueError, match="model must be an ExampleDeepNeuralNetwork, got Linear"):
        weight_gradient_parts(torch.nn.Linear(3, 3), sample_input())
    with pytest.raises(ValueError, match=r"x must hold one example"):
        weight_gradient_parts(book_model(True), torch.ones(2, 3))
