import math

import pytest
import torch
from torch import nn

import helpers
from helpers.diagnostics import layer_label, watched_layers
from helpers.sweeps import last_layer_inputs


def test_spirals_are_balanced_and_reproducible():
    x, y = helpers.make_spirals(200, seed=3)
    assert x.shape == (200, 2) and y.shape == (200, 1)
    assert y.sum().item() == 100
    again, _ = helpers.make_spirals(200, seed=3)
    assert torch.equal(x, again)
    assert not torch.equal(x, helpers.make_spirals(200, seed=4)[0])


@pytest.mark.parametrize("points, noise, message", [(3, 0.2, "points must be an even integer"), (100, -1, "noise must be")])
def test_spirals_refuse_bad_arguments(points, noise, message):
    with pytest.raises(ValueError, match=message):
        helpers.make_spirals(points, noise)


def test_classifier_is_the_book_network_with_a_read_out():
    model = helpers.build_classifier(4, width=8, activation="tanh", use_shortcut=True, seed=1)
    body, head = model
    assert body.layer_sizes == [2, 8, 8, 8, 8] and body.use_shortcut and body.activation == "tanh"
    assert (head.in_features, head.out_features) == (8, 1)
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "body.layers.0.0.weight" and names[-2:] == ["read_out.weight", "read_out.bias"]
    same = helpers.build_classifier(4, width=8, activation="tanh", use_shortcut=True, seed=1)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), same.state_dict().values()))
    with pytest.raises(ValueError, match="depth must be an integer from 1 to 10000, got 0"):
        helpers.build_classifier(0)


def test_a_short_training_run_reduces_the_loss_and_repeats_exactly():
    x, y = helpers.make_spirals(100)
    threads = torch.get_num_threads()
    runs = [helpers.train(helpers.build_classifier(3, 16, seed=0), x, y, steps=60, lr=1e-2) for _ in range(2)]
    assert runs[0]["loss"][-1] < 0.95 * runs[0]["loss"][0]
    assert runs[0]["loss"] == runs[1]["loss"]
    assert len(runs[0]["grad_norms"]) == 60 and len(runs[0]["grad_norms"][0]) == 4  # 3 layers + read-out
    assert 0.5 <= runs[0]["accuracy"] <= 1.0
    assert torch.get_num_threads() == threads  # the setting is put back


def test_train_refuses_bad_steps():
    x, y = helpers.make_spirals(10)
    with pytest.raises(ValueError, match="steps must be an integer from 1 to 100000, got 0"):
        helpers.train(helpers.build_classifier(2), x, y, steps=0)


def test_deep_plain_network_stays_at_guessing_while_shortcuts_learn():
    x, y = helpers.make_spirals(100)
    plain = helpers.train(helpers.build_classifier(16, 16, use_shortcut=False), x, y, steps=100, lr=3e-3)
    shortcut = helpers.train(helpers.build_classifier(16, 16, use_shortcut=True), x, y, steps=100, lr=3e-3)
    assert plain["loss"][-1] == pytest.approx(math.log(2), abs=0.01)
    assert shortcut["loss"][-1] < 0.5


class SmallConvNet(nn.Module):
    """A model the diagnostics have never seen: convolutions, a frozen layer, an unused one."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.act = nn.Sigmoid()
        self.frozen = nn.Linear(4 * 4 * 4, 8)
        self.frozen.requires_grad_(False)
        self.head = nn.Linear(8, 1)
        self.unused = nn.Linear(3, 3)

    def forward(self, x):
        h = self.act(self.conv(x)).flatten(1)
        return self.head(torch.tanh(self.frozen(h)))


def models_and_inputs():
    torch.manual_seed(0)
    book = helpers.ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)
    classifier = helpers.build_classifier(6, 8, activation="tanh")
    x, _ = helpers.make_spirals(40)
    return [
        ("book", book, helpers.sample_input()),
        ("classifier", classifier, x),
        ("conv", SmallConvNet(), torch.randn(5, 1, 6, 6)),
    ]


@pytest.mark.parametrize("name, model, x", models_and_inputs(), ids=["book", "classifier", "conv"])
def test_diagnostics_leave_no_hooks_and_no_change(name, model, x):
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    stats = helpers.layer_statistics(model, x)
    for module in model.modules():
        assert not module._forward_hooks and not module._backward_hooks
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert model.training
    assert stats["layers"] and stats["weights"]
    helpers.plot_distributions(stats)
    helpers.plot_distributions(stats, "gradients")
    helpers.plot_weight_gradients(stats)


def test_diagnostics_of_the_book_network_agree_with_gradient_means():
    _, book, x = models_and_inputs()[0]
    stats = helpers.layer_statistics(book, x)
    means = helpers.gradient_means(book, x)
    assert [r["name"] for r in stats["weights"]] == list(means)
    assert [r["grad_mean_abs"] for r in stats["weights"]] == pytest.approx(list(means.values()), rel=1e-6)
    # the first activation is GELU(W0 x + b0): its mean and std are those of that tensor
    first = book.layers[0](x)
    assert stats["layers"][0]["mean"] == pytest.approx(first.mean().item())
    assert stats["layers"][0]["std"] == pytest.approx(first.std().item())
    assert [r["type"] for r in stats["layers"]] == ["GELU"] * 5 and stats["layers"][0]["saturated"] is None


def test_saturation_and_missing_gradients_on_an_unseen_model():
    _, _, (_, conv, x) = models_and_inputs()
    stats = helpers.layer_statistics(conv, x * 50)  # large inputs drive the sigmoid to its ends
    sigmoid = [r for r in stats["layers"] if r["type"] == "Sigmoid"][0]
    assert sigmoid["saturated"] > 0.3
    by_name = {r["name"]: r for r in stats["weights"]}
    assert "frozen.weight" not in by_name  # frozen: nothing to learn, not listed
    assert by_name["unused.weight"]["grad_to_weight"] is None  # in the model, never used: no crash
    assert by_name["head.weight"]["grad_to_weight"] > 0
    assert [n for n, _ in watched_layers(conv)] == ["act"]


def test_hooks_are_removed_even_when_the_model_raises():
    model = helpers.ExampleDeepNeuralNetwork([3, 3, 1], use_shortcut=False)
    with pytest.raises(ValueError, match="x must have a last dimension"):
        helpers.layer_statistics(model, torch.ones(1, 5))
    assert not any(m._forward_hooks for m in model.modules())


def test_diagnostics_refuse_bad_arguments():
    with pytest.raises(ValueError, match="model must be a torch.nn.Module, got list"):
        helpers.layer_statistics([], torch.ones(1))
    with pytest.raises(ValueError, match="which must be 'activations' or 'gradients', got 'weights'"):
        helpers.plot_distributions({"layers": []}, "weights")


def test_sweep_heatmap_and_loss_curves_plot_their_data():
    rows = helpers.gradient_sweep([1, 2, 3], ["sigmoid", "relu"])
    fig = helpers.plot_sweep_heatmap(rows)
    plain = fig.axes[0].get_images()[0].get_array()
    assert plain.shape == (2, 3)
    assert plain[0, 1] == pytest.approx(math.log10(rows[1]["ratio"]))
    histories = {"a": {"loss": [0.7, 0.5, 0.1]}, "b": {"loss": [0.7, 0.69, 0.69]}}
    curves = helpers.plot_loss_curves(histories)
    assert [list(l.get_ydata()) for l in curves.axes[0].get_lines()[:2]] == [[0.7, 0.5, 0.1], [0.7, 0.69, 0.69]]
    heat = helpers.plot_gradient_heatmap([[1e-3, 1.0], [0.0, 2.0]])
    assert heat.axes[0].get_images()[0].get_array().shape == (2, 2)


def test_largest_spike_finds_the_jump_and_the_recovery():
    losses = [0.7, 0.5, 0.3, 0.35, 0.6, 0.4, 0.29, 0.2, 0.25]
    spike = helpers.training.largest_spike(losses)
    assert spike == {"rise": pytest.approx(0.3), "step": 4, "loss": 0.6, "low": 0.3, "low_step": 2, "back_step": 6}
    # a later, smaller bump (0.2 -> 0.25) is not the largest
    assert helpers.training.largest_spike([0.5, 0.9, 0.8])["back_step"] is None  # never back down to 0.5
    flat = helpers.training.largest_spike(torch.tensor([0.7, 0.6, 0.6, 0.1]))
    assert flat["rise"] == 0.0 and flat["step"] is None and flat["back_step"] is None


@pytest.mark.parametrize("losses", [[0.5], [], [0.5, float("nan")], [0.5, math.inf]])
def test_largest_spike_refuses_curves_without_two_finite_losses(losses):
    with pytest.raises(ValueError, match="losses must hold at least two finite numbers, got"):
        helpers.training.largest_spike(losses)


@pytest.mark.parametrize("name, label", [
    ("layers.0.0.weight", "layer 1"), ("body.layers.7.1", "layer 8"), ("body.layers.11.0.weight", "layer 12"),
    ("read_out.weight", "read-out"), ("read_out", "read-out"), ("conv.weight", "conv"), ("act", "act"),
    ("mylayers.2.weight", "mylayers.2"),
])
def test_layer_labels_use_the_lessons_words(name, label):
    assert layer_label(name) == label


def test_statistics_rows_carry_the_lessons_labels():
    x, _ = helpers.make_spirals(40)
    stats = helpers.layer_statistics(helpers.build_classifier(3, width=4, activation="tanh"), x)
    assert [r["label"] for r in stats["layers"]] == ["layer 1", "layer 2", "layer 3"]
    assert [r["label"] for r in stats["weights"]] == ["layer 1", "layer 2", "layer 3", "read-out"]


@pytest.mark.parametrize("depth", [3, 8])
def test_spread_bars_show_one_bar_per_layer_with_its_std(depth):
    x, _ = helpers.make_spirals(40)
    stats = helpers.layer_statistics(helpers.build_classifier(depth, width=16, activation="tanh", seed=0), x)
    for which, key, scale in [("activations", "std", "linear"), ("gradients", "grad_std", "log")]:
        fig = helpers.plot_distributions(stats, which, title="finding")
        ax = fig.axes[0]
        assert [bar.get_height() for bar in ax.patches] == pytest.approx([r[key] for r in stats["layers"]])
        assert [t.get_text() for t in ax.get_xticklabels()] == [f"layer {i}" for i in range(1, depth + 1)]
        assert ax.get_yscale() == scale and ax.get_xlabel() == "layer (1: next to the input)"
        assert ax.get_title() == "finding"
        assert fig.alt_text.startswith("finding. Bar chart, one bar per layer from layer 1")
        assert f"layer 1 {stats['layers'][0][key]:.2g}" in fig.alt_text


def test_spread_bars_mark_a_layer_without_gradient():
    stats = {"layers": [{"label": "layer 1", "std": 0.5, "grad_std": None}, {"label": "layer 2", "std": 0.4, "grad_std": 1e-3}]}
    fig = helpers.plot_distributions(stats, "gradients", alt="Given words.")
    ax = fig.axes[0]
    assert [bar.get_height() for bar in ax.patches] == [1e-3]
    (marker,) = ax.get_lines()
    assert list(marker.get_xdata()) == [0] and marker.get_label() == "no gradient (or exactly 0)"
    assert fig.alt_text == "Given words."
    with pytest.raises(ValueError, match="stats hold no layers to plot"):
        helpers.plot_distributions({"layers": []})


def test_weight_gradients_are_labelled_in_the_lessons_words():
    x, _ = helpers.make_spirals(40)
    stats = helpers.layer_statistics(helpers.build_classifier(8, width=16, activation="tanh", seed=0), x)
    fig = helpers.plot_weight_gradients(stats, title="finding")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"layer {i}" for i in range(1, 9)] + ["read-out"]
    assert ax.get_xlabel() == "weight matrix (layer 1: next to the input)"
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx([r["grad_to_weight"] for r in stats["weights"]])
    assert fig.alt_text.startswith("finding. Line chart") and "layer 1 to read-out" in fig.alt_text
    assert "without gradient" not in fig.alt_text
    long = "a finding that takes many words to say, " * 4
    fig = helpers.plot_weight_gradients(stats, title=long)
    assert "\n" in fig.axes[0].get_title() and fig.alt_text.startswith(long.strip())  # wrapped on the figure only


def test_weight_gradients_mark_a_weight_without_gradient():
    _, _, (_, conv, x) = models_and_inputs()
    fig = helpers.plot_weight_gradients(helpers.layer_statistics(conv, x))
    assert "1 without gradient, marked at the bottom" in fig.alt_text
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["conv", "head", "unused"]


def test_gradient_heatmap_alt_text_gives_each_panel_its_range():
    fig = helpers.plot_gradient_heatmap({"plain": [[1e-9, 1e-3], [2e-9, 2e-3]], "shortcuts": [[0.1, 5.0], [0.2, 3.0]]},
                                        title="finding")
    assert fig.alt_text.startswith("finding. 2 heatmaps")
    assert "plain: from 1e-09 to 0.002" in fig.alt_text and "shortcuts: from 0.1 to 5" in fig.alt_text
    assert helpers.plot_gradient_heatmap([[1.0]], alt="Mine.").alt_text == "Mine."


def test_last_layer_inputs_follow_the_sweeps_networks():
    found = last_layer_inputs([1, 2, 5], "gelu", use_shortcut=True)
    assert list(found) == [1, 2, 5]
    for depth, run in found.items():
        torch.manual_seed(123)
        model = helpers.ExampleDeepNeuralNetwork(helpers.book_layer_sizes(depth), True, "gelu")
        h = helpers.sample_input()
        with torch.no_grad():
            for layer in model.layers[:-1]:
                h = h + layer(h)
            assert run["entering"] == h.abs().max().item()
            assert run["z"] == model.layers[-1][0](h).item()
            assert run["output"] == model(helpers.sample_input()).item()
    assert found[1]["entering"] == 1.0  # depth 1: the sample input itself reaches the last layer


def test_last_layer_inputs_see_a_switched_off_relu_layer():
    plain = last_layer_inputs(range(1, 65), "relu", use_shortcut=False)
    grey = {r["depth"] for r in helpers.gradient_sweep(range(1, 65), ["relu"], ["plain"]) if not r["ratio"] > 0}
    assert {d for d, run in plain.items() if run["switched_off"]} == grey
    with pytest.raises(ValueError, match="depths must be at most 10,000 integers from 1 to 10,000"):
        last_layer_inputs([0])
    with pytest.raises(ValueError, match="use_shortcut must be True or False"):
        last_layer_inputs([2], use_shortcut="yes")


def test_gradient_heatmaps_share_one_colour_scale():
    runs = {"plain": [[1e-10, 1e-3], [1e-9, 2e-3], [0.0, 1e-3]], "shortcuts": [[0.1, 5.0], [0.2, 3.0], [0.3, 1.0]]}
    fig = helpers.plot_gradient_heatmap(runs, title="finding")
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in panels] == ["plain", "shortcuts"]
    images = [ax.get_images()[0] for ax in panels]
    assert [image.get_clim() for image in images] == [(1e-10, 5.0)] * 2  # smallest and largest of both runs
    assert len(fig.axes) == 3  # two panels and one colour bar
    assert fig.get_suptitle() == "finding"
    # layers up, steps across; rows numbered from 1; the 0 is drawn in the smallest colour
    assert images[0].get_array().shape == (2, 3)
    assert images[0].get_array()[0, 2] == 1e-10
    assert images[0].get_extent() == [-0.5, 2.5, 0.5, 2.5]


def test_one_gradient_heatmap_keeps_its_own_scale_and_title():
    fig = helpers.plot_gradient_heatmap([[1e-3, 1.0], [0.5, 2.0]], title="one run")
    (ax, _colour_bar) = fig.axes
    assert ax.get_title() == "one run" and ax.get_images()[0].get_clim() == (1e-3, 2.0)


@pytest.mark.parametrize("grad_norms, message", [({}, "at least one run, got an empty dict"), ([], "a list of steps")])
def test_gradient_heatmap_refuses_nothing_to_draw(grad_norms, message):
    with pytest.raises(ValueError, match=f"grad_norms must .*{message}"):
        helpers.plot_gradient_heatmap(grad_norms)


def test_gradient_heatmap_names_dark_rows_a_bright_stripe_and_the_top_row():
    steps = [[1e-9, 1e-9, 1e-2, 1e-2]] * 5 + [[1e-9, 1e-9, 1.0, 2.0]]  # the plain kind: lower rows dark
    bright = [[1e-2] * 4] * 5 + [[1.0, 1.0, 2.0, 3.0]] + [[1e-2] * 4] * 4  # a stripe at step 5
    fig = helpers.plot_gradient_heatmap({"plain": steps, "shortcuts": bright}, title="finding", top_label="read-out")
    assert "to 4 (read-out) up" in fig.alt_text
    assert "plain: from 1e-09 to 2, rows 1 to 2 dark throughout (at most 1e-09)" in fig.alt_text
    assert "shortcuts: from 0.01 to 3, a bright stripe across every row at step 5 (at least 1 there)" in fig.alt_text
    assert "stripe" not in fig.alt_text.split(";")[0]  # the plain panel's largest step is not bright in every row
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "1" and labels[-1] == "read-out"
