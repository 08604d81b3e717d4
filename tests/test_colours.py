"""Every figure's lines can be told apart by a reader with a red-green colour-vision deficiency.

Each line's colour is put through colorspacious' simulation of deuteranopia and protanopia
(severity 100) and compared in CAM02-UCS, a space where distance follows perceived difference.
Two lines of different colours must stay at least `MIN_DISTANCE` apart under both; two lines
of the same colour (a figure with more lines than colours) must differ in line style or marker.
Grey reference lines only need a line style of their own.
"""

import itertools
import math

import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb

import helpers
from helpers.explorer_figure import GradientFigure
from helpers.figures import COLORS, log_line_chart

MIN_DISTANCE = 10.0  # CAM02-UCS units; about 1 is a just-noticeable difference
DEFICIENCIES = ("deuteranomaly", "protanomaly")


def seen_with(deficiency, colours):
    """`colours` (RGB in 0-1) as a reader with full `deficiency` sees them, in CAM02-UCS."""
    simulated = cspace_convert(np.array(colours), {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}, "sRGB1")
    return cspace_convert(np.clip(simulated, 0, 1), "sRGB1", "CAM02-UCS")


def is_grey(rgb):
    """A grey guide line (not black, which the series uses as a colour of its own)."""
    return max(rgb) - min(rgb) < 0.02 and max(rgb) > 0.2


def looks(ax):
    """{(colour, line style, marker): labels} of the lines and scatters of one axes."""
    found = {}
    for line in ax.get_lines():
        if line.get_visible() and len(line.get_xdata()):
            look = (to_rgb(line.get_color()), line.get_linestyle(), line.get_marker())
            found.setdefault(look, set()).add(line.get_label())
    for collection in ax.collections:
        colours = collection.get_facecolor()
        if len(colours) and collection.get_array() is None:  # a scatter, not a colour-mapped image
            look = (tuple(float(c) for c in colours[0][:3]), "none", str(collection.get_paths()[0].vertices.round(3).tolist()))
            found.setdefault(look, set()).add(collection.get_label())
    return found


def indistinguishable(fig):
    """What a reader with deuteranopia or protanopia could mix up in `fig`: two labelled series
    drawn alike, or two colours too close once simulated (per axes)."""
    problems = []
    for ax in fig.axes:
        found = looks(ax)
        for look, labels in found.items():
            named = sorted(label for label in labels if not label.startswith("_"))
            if len(named) > 1:
                problems.append((look, f"{named} are drawn alike"))
        for (a, style_a, marker_a), (b, style_b, marker_b) in itertools.combinations(found, 2):
            if a == b:
                continue  # the same colour: told apart by style or marker (two series drawn alike are caught above)
            if is_grey(a) or is_grey(b):
                if (style_a, marker_a) == (style_b, marker_b):
                    problems.append((a, b, "a grey guide drawn like a data line"))
                continue
            for deficiency in DEFICIENCIES:
                distance = float(np.linalg.norm(np.subtract(*seen_with(deficiency, [a, b]))))
                if distance < MIN_DISTANCE:
                    problems.append((a, b, f"{distance:.1f} apart with {deficiency}"))
    return problems


def test_two_series_drawn_alike_are_caught():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color=COLORS[0], label="a")
    ax.plot([0, 1], [1, 2], color=COLORS[0], label="b")
    assert indistinguishable(fig)


def chart(colours):
    """A chart whose lines all share one style, drawn in `colours`: only colour tells them apart."""
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    for i, colour in enumerate(colours):
        ax.plot([0, 1], [i, i + 1], color=colour, linestyle="-", marker="o")
    return fig


def test_the_check_rejects_matplotlibs_default_cycle():
    """The test can fail: tab10's orange and green, and its pink and cyan, look alike to a
    reader with protanopia or deuteranopia."""
    tab10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    assert indistinguishable(chart(tab10[:7]))


def test_the_series_colours_pass_alone():
    assert indistinguishable(chart(COLORS)) == []


def gradient_readings():
    return {kind: helpers.book_gradients(kind == "with shortcuts") for kind in ("without shortcuts", "with shortcuts")}


def depth_sweeps():
    return {f"{name}, {kind}": helpers.depth_sweep([1, 2, 5], activation=name, use_shortcut=kind == "shortcuts")
            for name in ["gelu", "sigmoid", "tanh"] for kind in ["no shortcuts", "shortcuts"]}


def spirals():
    x, y = helpers.make_spirals(40)
    return helpers.plot_spirals(x, y)


def explorer_figure():
    figure = GradientFigure()
    figure.show(helpers.GradientExplorer().data)
    return figure.figure


FIGURES = {
    "activations": lambda: helpers.plot_activations(helpers.activation_curves(points=21)),
    "gradients": lambda: helpers.plot_gradients(gradient_readings()),
    "depth sweep": lambda: helpers.plot_depth_sweep(depth_sweeps()),
    "loss curves": lambda: helpers.plot_loss_curves({f"run {i}": {"loss": [0.7, 0.5 / (i + 1)]} for i in range(6)}),
    "spirals": spirals,
    "shortcut diagram": helpers.plot_shortcut_diagram,
    "explorer": explorer_figure,
    "seven lines": lambda: log_line_chart({f"line {i}": ([0, 1], [1, 2 + i]) for i in range(7)}, "x", "y", "t",
                                          guide=(math.log(18), "guessing")),
}


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_reads_without_red_green_vision(name):
    fig = FIGURES[name]()
    assert any(looks(ax) for ax in fig.axes), f"the {name} figure has no lines to check"
    assert indistinguishable(fig) == []
