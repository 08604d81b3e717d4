import math

import pytest
import torch
from matplotlib.figure import Figure

import helpers
from helpers import activation_curves, plot_activations, plot_depth_sweep, plot_gradients


def test_activation_curves_hold_values_and_derivatives():
    curves = activation_curves(points=9)
    assert list(curves) == list(helpers.ACTIVATIONS)
    sig = curves["sigmoid"]
    assert sig["x"] == pytest.approx([-4, -3, -2, -1, 0, 1, 2, 3, 4])
    assert max(sig["slope"]) == pytest.approx(0.25)  # at x = 0
    s = torch.sigmoid(torch.tensor(sig["x"]))
    assert sig["slope"] == pytest.approx((s * (1 - s)).tolist(), rel=1e-6)
    assert curves["relu"]["slope"] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert max(curves["tanh"]["slope"]) == pytest.approx(1.0)


def test_activation_curves_refuse_bad_ranges():
    with pytest.raises(ValueError, match="low must be below high, got low=1, high=1"):
        activation_curves(low=1, high=1)
    with pytest.raises(ValueError, match="points must be an integer from 2 to 100000, got 1"):
        activation_curves(points=1)
    with pytest.raises(ValueError, match="each of names must be one of"):
        activation_curves(names=["elu"])


def test_plot_activations_draws_the_given_data():
    curves = activation_curves(names=["sigmoid", "tanh"], points=5)
    fig = plot_activations(curves)
    assert isinstance(fig, Figure)
    ax_value, ax_slope = fig.axes[:2]
    assert [list(line.get_ydata()) for line in ax_value.get_lines()] == [curves["sigmoid"]["y"], curves["tanh"]["y"]]
    slopes = [list(line.get_ydata()) for line in ax_slope.get_lines() if line.get_label() in curves]
    assert slopes == [curves["sigmoid"]["slope"], curves["tanh"]["slope"]]
    assert ax_slope.get_xlabel() and ax_slope.get_ylabel()


def test_plot_gradients_draws_each_reading_on_a_log_scale():
    plain = helpers.book_gradients(False)
    shortcut = helpers.book_gradients(True)
    fig = plot_gradients({"plain": plain, "shortcut": shortcut})
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["plain", "shortcut"]
    assert list(lines[0].get_ydata()) == list(plain.values())
    assert list(lines[1].get_ydata()) == list(shortcut.values())
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"layers.{i}" for i in range(5)]
    assert lines[0].get_color() != lines[1].get_color()
    ratio_plain = f"{helpers.first_to_last(plain):.2g}"
    assert ratio_plain in ax.get_title() and "plain" in ax.get_title()


def test_plot_gradients_keeps_a_given_title_and_refuses_nothing_to_plot():
    fig = plot_gradients({"plain": helpers.book_gradients(False)}, title="My finding")
    assert fig.axes[0].get_title() == "My finding"
    with pytest.raises(ValueError, match=r"columns must be a non-empty dict \{label: a gradient_means result"):
        plot_gradients({})


def test_plot_depth_sweep_draws_the_ratios():
    sweeps = {
        "plain": helpers.depth_sweep([1, 3, 6], "sigmoid", False),
        "shortcut": helpers.depth_sweep([1, 3, 6], "sigmoid", True),
    }
    fig = plot_depth_sweep(sweeps)
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    for line, rows in zip(ax.get_lines(), sweeps.values()):
        assert list(line.get_xdata()) == [1, 3, 6]
        assert list(line.get_ydata()) == [row["ratio"] for row in rows]
    assert "At depth 6" in ax.get_title()
    with pytest.raises(ValueError, match=r"sweeps must be a non-empty dict \{label: a depth_sweep result"):
        plot_depth_sweep({})


def test_first_to_last():
    assert helpers.first_to_last({"a": 1.0, "b": 4.0}) == 0.25
    assert math.isnan(helpers.first_to_last({"a": 1.0, "b": 0.0}))


def test_sweep_heatmap_panels_share_one_colour_scale_and_grey_out_missing_ratios():
    rows = helpers.gradient_sweep([1, 2, 3], ["sigmoid", "relu"])
    rows[0] = {**rows[0], "ratio": 0.0}  # first layer rounded to 0: no logarithm
    rows[1] = {**rows[1], "ratio": float("nan")}  # 0/0
    fig = helpers.plot_sweep_heatmap(rows, title="my finding")
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in panels] == ["without shortcuts", "with shortcuts"]
    assert [ax.get_images()[0].get_clim() for ax in panels] == [(-30, 0)] * 2
    plain = panels[0].get_images()[0].get_array()
    assert plain.mask[0, 0] and plain.mask[0, 1] and not plain.mask[0, 2]  # grey where no ratio
    assert plain[0, 2] == pytest.approx(math.log10(rows[2]["ratio"]))
    assert fig.get_suptitle() == "my finding"
    with pytest.raises(ValueError, match=r"rows must be a non-empty list of gradient_sweep rows .*, got \[\]"):
        helpers.plot_sweep_heatmap([])


def test_loss_curves_draw_each_run_and_the_loss_of_guessing():
    fig = helpers.plot_loss_curves({"a": {"loss": [0.7, 0.2]}, "b": {"loss": [0.7, 0.69]}}, title="t")
    (ax,) = fig.axes
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b", "ln 2 = 0.69: the loss of guessing"]
    assert ax.get_lines()[-1].get_ydata()[0] == pytest.approx(math.log(2))
    # the legend shows what the lines show: no markers, and the guide line named
    assert [line.get_marker() for line in ax.get_lines()[:2]] == ["None", "None"]
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "ln 2 = 0.69: the loss of guessing"
    looks = [(line.get_color(), line.get_linestyle()) for line in ax.get_lines()[:2]]
    assert looks[0] != looks[1]
    with pytest.raises(ValueError, match=r"histories must be a non-empty dict \{label: a train\(\) result"):
        helpers.plot_loss_curves({})


def test_spirals_are_drawn_one_colour_and_marker_per_class():
    x, y = helpers.make_spirals(20)
    fig = helpers.plot_spirals(x, y)
    (ax,) = fig.axes
    first, second = ax.collections
    assert len(first.get_offsets()) == len(second.get_offsets()) == 10
    assert list(first.get_offsets()[0]) == pytest.approx(x[0].tolist())
    assert ax.get_title() == "Two interleaved spirals: the task"
