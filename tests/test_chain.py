import pytest
import torch

import helpers
from helpers import ExampleDeepNeuralNetwork, backward_factors, layer_jacobians, sample_input


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


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="model must be an ExampleDeepNeuralNetwork, got Linear"):
        layer_jacobians(torch.nn.Linear(3, 3), sample_input())
    with pytest.raises(ValueError, match=r"x must hold one example, shape \[1, n\], got x of shape \(2, 3\)"):
        layer_jacobians(book_model(False), torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"layer_sizes\[0\]=3"):
        helpers.backward_factors(book_model(False), torch.ones(1, 4))
