"""Figures for the notebooks. Each function returns a matplotlib Figure built from data it is
given (or computes with a pure function next to it), so tests can check the plotted data.

Figures are made with `matplotlib.figure.Figure`, not pyplot: nothing global is touched, and a
notebook shows one by leaving it as the cell's last value. Each carries alt text (`described`):
one or two sentences saying what it shows, which the notebook stores beside the picture for a
reader who cannot see it. Every plotting function writes a default from the data it plots and
takes `alt=` to say it in the notebook's own words.
"""

import math

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator

from helpers.arguments import check_choices, check_labelled, is_number, shown
from helpers.language import message, in_figure_language, use_language_fonts
from helpers.network import ACTIVATIONS, make_activation


def described(fig, alt):
    """Give FIG the alt text ALT and return it.

    A notebook that shows FIG stores ALT as the `alt` entry of the picture's output metadata
    (as IPython's `Image(alt=...)` does; nbconvert's HTML reads it). The picture itself is drawn
    as before by the inline backend; only the metadata is added.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be one or two sentences saying what the figure shows, got {alt!r}")
    fig.alt_text = " ".join(alt.split())
    use_language_fonts(fig)  # a CJK font first where the figures are in Chinese
    def _repr_mimebundle_(include=None, exclude=None):
        return {}, {"image/png": {"alt": fig.alt_text}}

    fig._repr_mimebundle_ = _repr_mimebundle_
    return fig


def number(value):
    """A number for alt text: 2 significant digits."""
    return f"{value:.2g}"


# Okabe-Ito colours: told apart with every common form of colour blindness.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
# Dotted (":") is kept for grey guide lines (ln 2, a slope of 0.25), so no data line looks like one.
LINESTYLES = ["-", "--", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (8, 2, 2, 2)), "-"]


def numbers(values):
    """Whether VALUES is a non-empty sequence (list, tuple, range, 1-d tensor or array) of real numbers."""
    if isinstance(values, (torch.Tensor, np.ndarray)):
        return values.ndim == 1 and len(values) > 0 and not values.dtype == torch.bool
    return isinstance(values, (list, tuple, range)) and len(values) > 0 and all(map(is_number, values))


def sweep_rows(rows, keys):
    """Whether ROWS is a non-empty list of dicts whose KEYS are real numbers."""
    return isinstance(rows, (list, tuple)) and len(rows) > 0 and all(
        isinstance(row, dict) and all(is_number(row.get(key)) for key in keys) for row in rows)


def activation_curves(names=tuple(ACTIVATIONS), low=-4.0, high=4.0, points=201):
    """Each activation and its derivative on `points` values from `low` to `high`.

    Returns `{name: {"x": [...], "y": [...], "slope": [...]}}` (plain lists of floats).
    """
    if not low < high:
        raise ValueError(f"low must be below high, got low={low!r}, high={high!r}")
    if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= 100_000:
        raise ValueError(f"points must be an integer from 2 to 100000, got {points!r}")
    names = check_choices("names", names if not isinstance(names, tuple) else list(names), tuple(ACTIVATIONS))
    curves = {}
    for name in names:
        with torch.enable_grad():  # also inside a caller's torch.no_grad()
            x = torch.linspace(low, high, points, requires_grad=True)
            y = make_activation(name)(x)
            (slope,) = torch.autograd.grad(y.sum(), x)  # elementwise, so this is f'(x) at each x
        curves[name] = {"x": x.tolist(), "y": y.detach().tolist(), "slope": slope.tolist()}
    return curves


@in_figure_language("curves", "title", "alt")
def plot_activations(curves, title=None, alt=None):
    """Two panels: the activations (left) and their derivatives (right). The default title is
    the finding: the sigmoid's slope never exceeds 0.25, the others reach 1 or more."""
    check_labelled("curves", curves, "an activation_curves entry {'x', 'y', 'slope'}, three sequences of one length",
                   lambda c: all(numbers(c[key]) for key in ("x", "y", "slope")) and len(c["x"]) == len(c["y"]) == len(c["slope"]))
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_value, ax_slope = fig.subplots(1, 2)
    for i, (name, curve) in enumerate(curves.items()):
        style = {"color": COLORS[i % len(COLORS)], "linestyle": LINESTYLES[i % len(LINESTYLES)], "label": name}
        ax_value.plot(curve["x"], curve["y"], **style)
        ax_slope.plot(curve["x"], curve["slope"], **style)
    title = message("activations_title") if title is None else title
    ax_value.set(xlabel=message("input_z"), ylabel="f(z)", title=message("activation_panel"))
    ax_slope.set(xlabel=message("input_z"), ylabel="f'(z)", title=message("derivative_panel"))
    ax_slope.axhline(0.25, color="grey", linestyle=":", linewidth=1)
    ax_slope.legend()
    fig.suptitle(title)
    if alt is None:
        first = next(iter(curves.values()))["x"]
        slopes = message("sep").join(f"{name} {number(max(c['slope']))}" for name, c in curves.items())
        alt = message("activations_alt", title=title, low=number(first[0]), high=number(first[-1]),
                      names=message("list_sep").join(curves), slopes=slopes)
    return described(fig, alt)


def first_to_last(means):
    """First layer's mean |gradient| divided by the last layer's (nan if the last is 0)."""
    if not isinstance(means, dict) or not means:
        raise ValueError(f"means must be a non-empty gradient_means result, got {means!r}")
    values = list(means.values())
    return values[0] / values[-1] if values[-1] != 0 else float("nan")


def line_summary(lines):
    """Where each line of a chart starts and ends, in words (for alt text)."""
    parts = []
    for label, (xs, ys) in lines.items():
        ys = [float(y) for y in ys]
        finite = [y for y in ys if math.isfinite(y)]
        if not ys:
            continue
        text = message("line_from_to", label=label, start=number(ys[0]), end=number(ys[-1]))
        extremes = [f"{message(word)} {number(value)}" for word, value in (("lowest", min(finite, default=ys[0])),
                                                                         ("highest", max(finite, default=ys[0])))
                    if value not in (ys[0], ys[-1])]
        parts.append(text + (f" ({message('list_sep').join(extremes)})" if extremes else ""))
    return message("sep").join(parts)


@in_figure_language("lines", "xlabel", "ylabel", "title", "alt", "guide")
def log_line_chart(lines, xlabel, ylabel, title, alt=None, markers=True, log=True, guide=None):
    """One axis, one line per entry of `lines` (label -> (xs, ys)), with a legend.

    `log`: a logarithmic y axis (the default); where the lines span three decades or less, the
    ticks at 2 and 5 times each power of ten are labelled too, so the axis can be read.
    `markers`: mark each point (off for long curves such as a loss per training step).
    `guide`: (y, label) draws a dotted grey reference line at y, named in the legend.
    The default alt text gives the title, the axes and where each line starts and ends."""
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    for i, (label, (xs, ys)) in enumerate(lines.items()):
        ax.plot(
            list(xs),
            list(ys),
            marker=MARKERS[i % len(MARKERS)] if markers else "None",
            color=COLORS[i % len(COLORS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            label=label,
        )
    if guide is not None:
        ax.axhline(guide[0], color="grey", linestyle=":", linewidth=1.2, label=guide[1])
    if log:
        ax.set_yscale("log")
        values = [float(y) for _, ys in lines.values() for y in ys if float(y) > 0 and math.isfinite(float(y))]
        if values and math.log10(max(values) / min(values)) <= 3:
            plain = FuncFormatter(lambda v, _: f"{v:g}")  # 0.2, 0.5, 1, 2 rather than 10^0 alone
            ax.yaxis.set_minor_locator(LogLocator(subs=(2, 5)))
            ax.yaxis.set_major_formatter(plain)
            ax.yaxis.set_minor_formatter(plain)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    if alt is None:
        reference = message("guide_reference", guide=guide[1]) if guide is not None else ""
        alt = message("line_chart_alt", title=title.rstrip(".。"), scale=message("logarithmic" if log else "linear"),
                      ylabel=ylabel, xlabel=xlabel, lines=line_summary(lines), reference=reference)
    return described(fig, alt)


@in_figure_language("columns", "title", "alt")
def plot_gradients(columns, title=None, alt=None):
    """Mean |gradient| per layer, one line per entry of `columns` (label -> `gradient_means`).

    Log scale on the y axis. The default title states how much of the last layer's gradient
    reaches the first layer, for each line.
    """
    check_labelled("columns", columns, "a gradient_means result {weight name: number}",
                   lambda m: isinstance(m, dict) and len(m) > 0 and all(map(is_number, m.values())))
    if title is None:
        shares = message("list_sep").join(f"{label} {first_to_last(m):.2g}" for label, m in columns.items())
        title = message("gradients_title", shares=shares)
    fig = log_line_chart(
        {label: (range(len(means)), means.values()) for label, means in columns.items()},
        xlabel=message("gradients_x"),
        ylabel=message("gradients_y"),
        title=title,
        alt=alt,
    )
    names = list(next(iter(columns.values())))
    fig.axes[0].set_xticks(range(len(names)), [n.removesuffix(".0.weight") for n in names])
    return fig


@in_figure_language("sweeps", "title", "alt")
def plot_depth_sweep(sweeps, title=None, alt=None):
    """First-to-last gradient ratio against depth, one line per entry of `sweeps`.

    `sweeps` maps a label to the rows of `depth_sweep`. Log scale on the y axis.
    """
    check_labelled("sweeps", sweeps, "a depth_sweep result, a non-empty list of rows with a 'depth' and a 'ratio'",
                   lambda rows: sweep_rows(rows, ("depth", "ratio")))
    if title is None:
        deepest = message("list_sep").join(f"{label} {rows[-1]['ratio']:.1g}" for label, rows in sweeps.items())
        title = message("sweep_title", depth=next(iter(sweeps.values()))[-1]["depth"], ratios=deepest)
    return log_line_chart(
        {label: ([r["depth"] for r in rows], [r["ratio"] for r in rows]) for label, rows in sweeps.items()},
        xlabel=message("number_of_layers"),
        ylabel=message("sweep_y"),
        title=title,
        alt=alt,
    )


@in_figure_language("title", "alt")
def plot_spirals(x, y, title=None, alt=None):
    """The points of `make_spirals`, coloured by class."""
    if not (isinstance(x, torch.Tensor) and x.ndim == 2 and x.shape[1] == 2 and len(x) > 0):
        raise ValueError(f"x must be the points of make_spirals, a tensor of shape [points, 2], got {shown(x)}")
    if not (isinstance(y, torch.Tensor) and tuple(y.shape) == (len(x), 1)):
        raise ValueError(f"y must be the labels of make_spirals, a tensor of shape [{len(x)}, 1], got {shown(y)}")
    fig = Figure(figsize=(4.2, 4.2), layout="constrained")
    ax = fig.subplots()
    for label, (color, marker) in enumerate([(COLORS[0], "o"), (COLORS[1], "s")]):
        chosen = (y[:, 0] == label).numpy()
        ax.scatter(x[chosen, 0].numpy(), x[chosen, 1].numpy(), s=12, color=color, marker=marker,
                   label=message("spirals_class", label=label))
    title = message("spirals_title") if title is None else title
    ax.set(xlabel="x1", ylabel="x2", aspect="equal", title=title)
    ax.legend(fontsize="small")
    if alt is None:
        counts = [int((y[:, 0] == label).sum()) for label in (0, 1)]
        alt = message("spirals_alt", title=title, points=sum(counts), zeros=counts[0], ones=counts[1])
    return described(fig, alt)


@in_figure_language("histories", "title", "alt")
def plot_loss_curves(histories, title=None, alt=None):
    """Training loss per step (log scale), one line per entry of `histories` (label -> the
    result of `train`); a dotted line at ln 2, the loss of guessing."""
    check_labelled("histories", histories, "a train() result, with a non-empty list of numbers as its 'loss'",
                   lambda h: isinstance(h, dict) and numbers(h["loss"]))
    lines = {label: (range(len(h["loss"])), h["loss"]) for label, h in histories.items()}
    return log_line_chart(lines, xlabel=message("loss_x"), ylabel=message("loss_y"),
                          title=title or message("loss_title"), alt=alt, markers=False,
                          guide=(math.log(2), message("loss_guide")))


@in_figure_language("title", "alt")
def plot_sweep_heatmap(rows, title=None, alt=None):
    """Depth x activation: log10 of the first-to-last gradient ratio of `gradient_sweep` rows,
    plain networks beside shortcut networks, on one colour scale from 10^-30 (ratios below it
    get its colour) to 1. Cells without a logarithm (a ratio of exactly 0, or nan: 0/0) are grey."""
    if not (sweep_rows(rows, ("depth", "ratio")) and all(
            row.get("kind") in ("plain", "shortcut") and isinstance(row.get("activation"), str) for row in rows)):
        raise ValueError("rows must be a non-empty list of gradient_sweep rows (each with a 'depth', 'activation', "
                         f"'kind' and 'ratio'), got {shown(rows)}")
    kinds = [k for k in ("plain", "shortcut") if any(r["kind"] == k for r in rows)]
    activations = list(dict.fromkeys(r["activation"] for r in rows))
    depths = sorted({r["depth"] for r in rows})
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    axes = fig.subplots(1, len(kinds), sharey=True, squeeze=False)[0]
    for ax, kind in zip(axes, kinds):
        grid = np.full((len(activations), len(depths)), np.nan)
        for r in rows:
            if r["kind"] == kind and r["ratio"] > 0:
                grid[activations.index(r["activation"]), depths.index(r["depth"])] = math.log10(r["ratio"])
        ax.set_facecolor("lightgrey")
        image = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=-30, vmax=0, interpolation="nearest",
                          extent=(depths[0] - 0.5, depths[-1] + 0.5, len(activations) - 0.5, -0.5))
        ax.set_yticks(range(len(activations)), activations)
        ax.set(xlabel=message("number_of_layers"), title=message("without_shortcuts" if kind == "plain" else "with_shortcuts"))
    fig.colorbar(image, ax=list(axes), label=message("heatmap_colorbar"), extend="min")
    title = title or message("heatmap_title")
    fig.suptitle(title)
    if alt is None:
        grey = {k: sum(1 for r in rows if r["kind"] == k and not r["ratio"] > 0) for k in kinds}
        panels = message("heatmap_and").join(
            message("heatmap_panel", kind=message("without_shortcuts" if k == "plain" else "with_shortcuts"), grey=grey[k])
            for k in kinds)
        alt = message("heatmap_alt", title=title.rstrip(".。"), first=depths[0], last=depths[-1],
                      activations=message("list_sep").join(activations), panels=panels)
    return described(fig, alt)
