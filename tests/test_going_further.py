"""The helpers of notebook 06 (helpers/going_further.py), at full precision."""

import math

import pytest
import torch

import helpers
from helpers import going_further as gf


def test_scalar_network_has_one_input_one_output_and_he_scale_weights():
    state = torch.random.get_rng_state()
    net = gf.scalar_network(30, width=64, use_shortcut=False, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state), "the caller's random state must stay"
    assert net.body.layer_sizes == [1] + [64] * 30 and net.read_out.out_features == 1
    weights = torch.cat([layer[0].weight.reshape(-1) for layer in net.body.layers[1:]])
    assert weights.std().item() == pytest.approx(math.sqrt(2 / 64), rel=0.02)
    again = gf.scalar_network(30, width=64, use_shortcut=False, seed=3)
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), again.state_dict().values()))
    with pytest.raises(ValueError, match="depth"):
        gf.scalar_network(0)


def test_input_gradients_match_finite_differences():
    net = gf.scalar_network(5, width=8, use_shortcut=True, seed=0).double()
    xs = torch.tensor([-1.3, 0.2, 0.77])
    got = gf.input_gradients(net.float(), xs)
    net = net.double()
    h = 1e-6
    for x, g in zip(xs.tolist(), got.tolist()):
        f = lambda v: net(torch.tensor([[v]], dtype=torch.float64)).item()
        assert g == pytest.approx((f(x + h) - f(x - h)) / (2 * h), rel=1e-4, abs=1e-6)


def test_neighbour_correlation_tells_a_smooth_curve_from_noise():
    xs = torch.linspace(0, 2 * math.pi, 500)
    assert gf.neighbour_correlation(torch.sin(xs)) == pytest.approx(1.0, abs=1e-3)
    assert gf.neighbour_correlation(torch.tensor([1.0, -1.0] * 50)) == pytest.approx(-1.0)
    noise = torch.randn(20_000, generator=torch.Generator().manual_seed(0))
    assert abs(gf.neighbour_correlation(noise)) < 0.03
    with pytest.raises(ValueError, match="at least 3"):
        gf.neighbour_correlation([1.0, 2.0])
    with pytest.raises(ValueError, match="constant"):
        gf.neighbour_correlation([2.0] * 5)


def test_plain_slopes_decorrelate_with_depth_and_shortcut_ones_do_not():
    plain = gf.shattering([1, 100], use_shortcut=False, seeds=range(3))
    shortcut = gf.shattering([1, 100], use_shortcut=True, seeds=range(3))
    assert plain[100] < plain[1] - 0.3
    assert shortcut[100] > 0.98


def test_path_counts_are_the_binomial_coefficients():
    assert gf.path_counts(4) == [1, 4, 6, 4, 1]
    assert sum(gf.path_counts(20)) == 2**20
    with pytest.raises(ValueError, match="blocks"):
        gf.path_counts(-1)


def test_the_parts_by_path_length_add_up_to_autograd_exactly():
    torch.manual_seed(123)
    net = helpers.ExampleDeepNeuralNetwork([3] * 9, use_shortcut=True)
    parts = gf.gradient_by_path_length(net, [1.0, 0.0, -1.0])
    assert len(parts) == 9
    x = torch.tensor([[1.0, 0.0, -1.0]], dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(net.double()(x).sum(), x)
    assert torch.allclose(sum(parts), grad[0], rtol=1e-10, atol=1e-13)
    assert torch.equal(parts[0], torch.ones(3, dtype=torch.float64)), "the path through no branch is the identity"


def test_one_block_the_two_paths_are_the_shortcut_and_the_branch():
    torch.manual_seed(0)
    net = helpers.ExampleDeepNeuralNetwork([2, 2], use_shortcut=True).double()
    x = torch.tensor([0.3, -0.4], dtype=torch.float64)
    z = net.layers[0][0](x.reshape(1, -1)).detach().requires_grad_(True)
    (slope,) = torch.autograd.grad(net.layers[0][1](z).sum(), z)
    branch = torch.ones(1, 2, dtype=torch.float64) @ (slope[0].unsqueeze(1) * net.layers[0][0].weight)
    parts = gf.gradient_by_path_length(net, x)
    assert torch.allclose(parts[1], branch[0])


def test_gradient_by_path_length_refuses_networks_it_cannot_split():
    with pytest.raises(ValueError, match="use_shortcut=True"):
        gf.gradient_by_path_length(helpers.ExampleDeepNeuralNetwork([3, 3], use_shortcut=False), [1.0, 0.0, -1.0])
    with pytest.raises(ValueError, match="keep the width"):
        gf.gradient_by_path_length(helpers.ExampleDeepNeuralNetwork([3, 3, 1], use_shortcut=True), [1.0, 0.0, -1.0])
    with pytest.raises(ValueError, match="x must have 3 values"):
        gf.gradient_by_path_length(helpers.ExampleDeepNeuralNetwork([3, 3], use_shortcut=True), [1.0, 0.0])


@pytest.mark.parametrize("shortcut", [False, True])
def test_a_deleted_block_passes_its_input_on_and_the_model_is_left_alone(shortcut):
    model = helpers.build_classifier(4, width=5, use_shortcut=shortcut, seed=0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(0))
    lesioned = gf.without_block(model, 2)
    body = model.body
    h = body.layers[0](x)
    for i in (1, 3):
        out = body.layers[i](h)
        h = h + out if shortcut else out
    assert torch.allclose(lesioned(x), model.read_out(h))
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert isinstance(model.body.layers[2], torch.nn.Sequential)
    with pytest.raises(ValueError, match="index"):
        gf.without_block(model, 0)


def test_accuracy_counts_the_points_on_the_right_side():
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        model.bias.zero_()
    x = torch.tensor([[-1.0], [2.0], [3.0], [-4.0]])
    assert gf.accuracy(model, x, torch.tensor([[0.0], [1.0], [0.0], [0.0]])) == 0.75


def test_the_remedies_are_built_as_described():
    plain = gf.residual_stack(16, remedy="none", seed=0)
    scaled = gf.residual_stack(16, remedy="scaled", seed=0)
    pre = gf.residual_stack(16, remedy="pre_ln", seed=0)
    assert torch.allclose(scaled[3].out.weight, plain[3].out.weight / 4)
    assert torch.equal(scaled[3].hidden.weight, plain[3].hidden.weight)
    assert isinstance(pre[0].norm, helpers.transformer.LayerNorm) and isinstance(plain[0].norm, torch.nn.Identity)
    with pytest.raises(ValueError, match="remedy"):
        gf.residual_stack(4, remedy="post_ln")


def test_the_sum_grows_without_a_remedy_and_the_gradients_are_measured_without_a_trace():
    x = gf.stack_input()
    none = gf.signal_and_gradients(gf.residual_stack(64, remedy="none"), x)
    scaled = gf.signal_and_gradients(gf.residual_stack(64, remedy="scaled"), x)
    assert none["signal"] > 3 * scaled["signal"]
    assert 0.9 < scaled["signal"] < 1.3
    stack = gf.residual_stack(3)
    y = stack(x).sum()
    y.backward()
    grads = [p.grad.clone() for p in stack.parameters()]
    result = gf.signal_and_gradients(stack, x)
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, stack.parameters())), ".grad must be left as it was"
    manual = stack[0].hidden.weight
    (g,) = torch.autograd.grad(stack(x).pow(2).mean(), [manual])
    assert result["first"] == pytest.approx(g.abs().mean().item(), rel=1e-6)
    assert result["signal"] == pytest.approx(stack(x).pow(2).mean().sqrt().item(), rel=1e-6)


LESION_RUN = """
import json, torch, helpers
from helpers import going_further
cell = [c for c in json.load(open("notebooks/06_going_further.ipynb"))["cells"] if c["id"] == "e98bff37"][0]
exec("".join(cell["source"]))
print(json.dumps({label: [row["trained"]] + [row[b] for b in range(1, 8)] for label, row in lesions.items()}))
"""


@pytest.mark.once  # what it tests is the processor's arithmetic, not the Python version
def test_the_lesion_experiment_on_other_instruction_sets():
    """Notebook 06's lesion cell, run as the machine runs it and with the arithmetic of other
    instruction sets (ATen's plain kernels, MKL's compatible mode): the plain network's numbers
    change, its claims hold; the shortcut network's numbers are the same."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    settings = [{}, {"ATEN_CPU_CAPABILITY": "default"}, {"MKL_CBWR": "COMPATIBLE"}]
    runs = [subprocess.Popen([sys.executable, "-c", LESION_RUN], cwd=root, text=True, stdout=subprocess.PIPE,
                             env={**os.environ, "MPLBACKEND": "Agg", **setting}) for setting in settings]
    tables = []
    for setting, run in zip(settings, runs):
        out, _ = run.communicate(timeout=300)
        assert run.returncode == 0, f"the lesion cell failed with {setting}"
        tables.append(json.loads(out.strip().splitlines()[-1]))
    for setting, table in zip(settings, tables):
        plain, shortcut = table["without shortcuts"], table["with shortcuts"]
        assert plain[0] >= 0.85 and 0.45 <= sum(plain[1:]) / 7 <= 0.6, f"{setting}: {plain}"
        assert [f"{v:.2f}" for v in shortcut] == ["1.00", "0.75", "0.62", "0.71", "0.66", "0.69", "0.67", "0.82"], setting
    assert len({json.dumps(t["without shortcuts"]) for t in tables}) > 1, "the plain network's numbers never changed"
