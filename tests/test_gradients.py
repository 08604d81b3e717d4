import math

import pytest
import torch

import helpers
from helpers import ExampleDeepNeuralNetwork, gradient_means, print_gradients, sample_input
from tests import book_tables

BOOK_SIZES = [3, 3, 3, 3, 3, 1]


def book_model(use_shortcut, activation="gelu"):
    torch.manual_seed(123)
    return ExampleDeepNeuralNetwork(BOOK_SIZES, use_shortcut, activation)


@pytest.mark.parametrize(
    "activation, use_shortcut, expected",
    [
        ("gelu", False, book_tables.EXACT_PLAIN),
        ("gelu", True, book_tables.EXACT_SHORTCUT),
        ("gelu_tanh", False, book_tables.TANH_PLAIN),
        ("gelu_tanh", True, book_tables.TANH_SHORTCUT),
    ],
)
def test_the_book_tables_are_reproduced(activation, use_shortcut, expected):
    means = gradient_means(book_model(use_shortcut, activation), torch.tensor([[1.0, 0.0, -1.0]]))
    assert list(means) == book_tables.NAMES
    assert list(means.values()) == pytest.approx(expected, rel=1e-5)


def test_the_two_gelus_give_tables_that_differ_beyond_the_tolerance():
    exact = gradient_means(book_model(True, "gelu"), sample_input())
    tanh = gradient_means(book_model(True, "gelu_tanh"), sample_input())
    assert list(exact.values()) != pytest.approx(list(tanh.values()), rel=1e-5)


def test_book_gradients_is_the_seeded_book_run():
    assert helpers.book_gradients(False) == gradient_means(book_model(False), sample_input())


def test_calling_twice_gives_the_same_numbers():
    model = book_model(False)
    first = gradient_means(model, sample_input())
    second = gradient_means(model, sample_input())
    assert first == second


def test_gradients_left_by_earlier_backward_passes_are_ignored():
    model = book_model(True)
    model(sample_input()).sum().backward()  # leaves unrelated gradients behind
    assert gradient_means(model, sample_input()) == gradient_means(book_model(True), sample_input())


def test_only_weight_matrices_are_reported():
    model = ExampleDeepNeuralNetwork([4, 4, 2], use_shortcut=False)
    assert list(gradient_means(model, torch.ones(1, 4))) == ["layers.0.0.weight", "layers.1.0.weight"]


def test_values_are_the_mean_absolute_weight_gradients():
    model = book_model(False, "tanh")
    x = torch.tensor([[0.3, -0.7, 2.0], [1.0, 1.0, -1.0]])
    means = gradient_means(model, x)
    torch.nn.functional.mse_loss(model(x), torch.zeros(2, 1)).backward()
    for name, param in model.named_parameters():
        if name.endswith("weight"):
            assert means[name] == pytest.approx(param.grad.abs().mean().item(), rel=1e-6)


def test_a_batch_is_accepted_and_differs_from_one_example():
    model = book_model(False)
    batch = torch.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5], [-1.0, -1.0, 3.0]])
    batch_means = gradient_means(model, batch)
    assert len(batch_means) == 5
    assert batch_means != gradient_means(model, batch[:1])


def test_a_target_changes_the_loss():
    model = book_model(False)
    zero = gradient_means(model, sample_input(), torch.zeros(1, 1))
    assert zero == gradient_means(model, sample_input())
    assert gradient_means(model, sample_input(), torch.ones(1, 1)) != zero


def test_the_model_is_left_as_it_was():
    model = book_model(True)
    before = {name: param.clone() for name, param in model.state_dict().items()}
    gradient_means(model, sample_input())
    assert all(param.grad is None for param in model.parameters())
    assert all(torch.equal(before[name], param) for name, param in model.state_dict().items())


def test_a_weight_the_loss_does_not_use_gets_zero_and_a_frozen_one_nan():
    class WithSpare(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.used = torch.nn.Linear(3, 1)
            self.spare = torch.nn.Linear(3, 3)

        def forward(self, x):
            return self.used(x)

    means = gradient_means(WithSpare(), sample_input())
    assert list(means) == ["used.weight", "spare.weight"] and means["spare.weight"] == 0.0 and means["used.weight"] > 0
    model = book_model(False)
    model.layers[0][0].weight.requires_grad_(False)  # the first layer frozen: reported, not dropped
    means = gradient_means(model, sample_input())
    assert list(means)[0] == "layers.0.0.weight" and math.isnan(means["layers.0.0.weight"])
    assert len(means) == 5 and all(v > 0 for v in list(means.values())[1:])


def test_works_inside_no_grad():
    model = book_model(False)
    with torch.no_grad():
        means = gradient_means(model, sample_input())
    assert list(means.values()) == pytest.approx(book_tables.EXACT_PLAIN, rel=1e-5)


def test_bad_inputs_are_refused_with_the_argument_named():
    model = book_model(False)
    with pytest.raises(ValueError, match=r"x must have a last dimension of layer_sizes\[0\]=3, got x of shape \(1, 2\)"):
        gradient_means(model, torch.ones(1, 2))
    with pytest.raises(ValueError, match=r"target must be a tensor shaped like the output \(1, 1\), got \(2, 1\)"):
        gradient_means(model, sample_input(), torch.zeros(2, 1))
    with pytest.raises(ValueError, match=r"target must be a tensor .* got list"):
        gradient_means(model, sample_input(), [[0.0]])
    with pytest.raises(ValueError, match=r"model must be a torch.nn.Module, got str"):
        gradient_means("model", sample_input())


def test_print_gradients_uses_the_book_format_rounded(capsys):
    print_gradients(book_model(False), sample_input())
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "layers.0.0.weight has gradient mean of 0.0002017",
        "layers.1.0.weight has gradient mean of 0.0001201",
        "layers.2.0.weight has gradient mean of 0.0007152",
        "layers.3.0.weight has gradient mean of 0.001399",
        "layers.4.0.weight has gradient mean of 0.005050",  # trailing zero kept: 4 digits shown
    ]
    # every printed value is the full value rounded to DIGITS significant digits
    for line, value in zip(lines, book_tables.EXACT_PLAIN):
        printed = float(line.rsplit(" ", 1)[1])
        assert printed == float(f"{value:.{helpers.DIGITS}g}")


def test_print_gradients_shows_the_gelu_difference_with_shortcuts(capsys):
    print_gradients(book_model(True, "gelu"), sample_input())
    exact = capsys.readouterr().out
    print_gradients(book_model(True, "gelu_tanh"), sample_input())
    tanh = capsys.readouterr().out
    assert "0.2219" in exact and "0.2217" in tanh


@pytest.mark.parametrize(
    "value, digits, text",
    [(0.0002017411752603948, 4, "0.0002017"), (1.326806664466858, 4, "1.327"), (3.2e-9, 2, "3.2e-09"),
     (0.0, 4, "0.000"), (math.inf, 4, "inf"), (0.00505, 4, "0.005050"), (1000.0, 4, "1000"),
     (0.329, 4, "0.3290")],
)
def test_format_gradient(value, digits, text):
    assert helpers.format_gradient(value, digits) == text


def test_gradient_table_lines_up_columns():
    table = helpers.gradient_table({"plain": {"a.weight": 0.000123456, "b.weight": 1.0},
                                    "shortcut": {"a.weight": 0.5, "b.weight": 12.345678}})
    assert table.splitlines() == [
        "layer         plain  shortcut",
        "a.weight  0.0001235    0.5000",
        "b.weight      1.000     12.35",
    ]


def test_gradient_table_refuses_mismatched_layers():
    with pytest.raises(ValueError, match=r"columns\['b'\] names other layers than columns\['a'\]"):
        helpers.gradient_table({"a": {"x.weight": 1.0}, "b": {"y.weight": 1.0}})


def test_depth_sweep_matches_individual_runs():
    rows = helpers.depth_sweep([1, 5, 12], activation="sigmoid", use_shortcut=False)
    assert [row["depth"] for row in rows] == [1, 5, 12]
    for row in rows:
        means = list(helpers.book_gradients(False, "sigmoid", row["depth"]).values())
        assert row["first"] == means[0] and row["last"] == means[-1]
        assert row["ratio"] == pytest.approx(means[0] / means[-1])
    assert rows[0]["ratio"] == 1.0  # one layer: first and last are the same layer
    assert rows[2]["ratio"] < rows[1]["ratio"] < 1e-2  # the plain sigmoid net's gradient vanishes


def test_shortcuts_keep_the_first_layer_gradient_in_a_deep_network():
    plain = helpers.depth_sweep([20], "gelu", use_shortcut=False)[0]["ratio"]
    shortcut = helpers.depth_sweep([20], "gelu", use_shortcut=True)[0]["ratio"]
    assert plain < 1e-10 < 1e-2 < shortcut


def test_depth_sweep_ratio_is_nan_when_the_last_layer_gets_nothing():
    rows = helpers.depth_sweep([40], "gelu", use_shortcut=True)
    assert rows[0]["last"] == 0.0 and math.isnan(rows[0]["ratio"])


@pytest.mark.parametrize("width, seed", [(3, 123), (1, 0), (5, 7)])
def test_gradient_sweep_gives_gradient_means_numbers_bit_for_bit(width, seed):
    rows = helpers.gradient_sweep([1, 2, 7, 20], width=width, seed=seed)
    assert len(rows) == 4 * 5 * 2
    for row in rows:
        torch.manual_seed(seed)
        model = ExampleDeepNeuralNetwork(
            helpers.book_layer_sizes(row["depth"], width), row["kind"] == "shortcut", row["activation"]
        )
        means = list(gradient_means(model, sample_input(width)).values())
        assert (row["first"], row["last"]) == (means[0], means[-1]), row
        expected = means[0] / means[-1] if means[-1] else math.nan
        assert row["ratio"] == expected or (math.isnan(row["ratio"]) and math.isnan(expected))


def test_gradient_sweep_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"depths must be at most 10,000 integers from 1 to 10,000, got \[3, 0\]"):
        helpers.gradient_sweep([3, 0])
    with pytest.raises(ValueError, match=r"depths must be at most 10,000 integers from 1 to 10,000, got \[\]"):
        helpers.gradient_sweep([])
    with pytest.raises(ValueError, match="each of activations must be one of 'gelu', 'gelu_tanh', 'relu', 'sigmoid', 'tanh', got 'swish'"):
        helpers.gradient_sweep([3], activations=["swish"])
    with pytest.raises(ValueError, match=r"each of kinds must be one of 'plain', 'shortcut', got 'residual'"):
        helpers.gradient_sweep([3], kinds=["residual"])


def test_sweeps_leave_the_random_state_alone():
    torch.manual_seed(5)
    state = torch.get_rng_state()
    helpers.gradient_sweep([4, 9], ["tanh"])
    assert torch.equal(torch.get_rng_state(), state)


def test_an_interrupted_sweep_stops_within_a_second():
    """Jupyter's "Interrupt kernel" sends SIGINT; the sweep's worker threads must stop too."""
    import signal
    import subprocess
    import sys
    import time

    code = ("import sys, helpers; print('started', flush=True)\n"
            "try:\n    helpers.depth_sweep(list(range(1, 1200)))\n"
            "except KeyboardInterrupt:\n    print('interrupted', flush=True); sys.exit(3)\n"
            "print('finished', flush=True)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(3)  # well inside the sweep, which takes minutes
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().strip()  # printed once the sweep has given up
        took = time.monotonic() - sent
        child.wait(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 3 and line == "interrupted", line
    # Quiet, it takes well under a second (see the docstring of gradient_sweep); the bound
    # leaves room for a loaded machine and still tells "stopped" from "went on for minutes".
    assert took < 10, f"the sweep went on for {took:.1f} s after the interrupt"
