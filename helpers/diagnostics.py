"""Per-layer diagnostics for any `nn.Module`: what the activations and the gradients look like,
layer by layer, after one forward and one backward pass (the pictures of Glorot & Bengio 2010).

`layer_statistics` hooks every activation layer, runs the model once, and returns for each
layer the activations' mean, standard deviation and share of saturated units (tanh, sigmoid),
the same for the gradient arriving at those activations, and for every weight matrix the
gradient's size and its ratio to the weight's. The hooks are removed afterwards, even when the
model raises, and the model is left as it was: its parameters, its `.grad`s and its mode.

Each row also carries a `label` in the lesson's words (`layer_label`: "layer 1", ..., "read-out"),
which the figures use for their ticks.
"""

import math
import re
import textwrap

import numpy as np
import torch
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch import nn

from helpers.arguments import is_number, shown
from helpers.gradients import measuring, model_input
from helpers.figures import COLORS, described, number
from helpers.language import message, in_figure_language


def layer_label(name):
    """A module or parameter name in the lesson's words: a name inside `layers.<i>` (the book's
    network, also as the body of a classifier) is "layer <i + 1>", counted from the input; a name
    inside `read_out` is "read-out"; any other name is kept, without a final ".weight"."""
    if not isinstance(name, str):
        raise ValueError(f"name must be a module or parameter name (a string), got {name!r}")
    numbered = re.search(r"(?:^|\.)layers\.(\d+)(?:\.|$)", name)
    if numbered:
        return message("layer_n", n=int(numbered.group(1)) + 1)
    if re.search(r"(?:^|\.)read_out(?:\.|$)", name):
        return message("read_out")
    return name.removesuffix(".weight")


ACTIVATION_TYPES = (nn.GELU, nn.ReLU, nn.LeakyReLU, nn.ELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.Softplus, nn.Mish)
# A unit counts as saturated when its output is this close to the function's flat ends: for
# tanh |y| > 0.97, where its slope 1 - y^2 is below 0.06; for the sigmoid y < 0.03 or y > 0.97,
# where its slope y (1 - y) is below 0.03.
SATURATION = 0.97
SATURATED = {nn.Tanh: lambda y: y.abs() > SATURATION,
             nn.Sigmoid: lambda y: (y < 1 - SATURATION) | (y > SATURATION)}


def watched_layers(model):
    """The layers whose outputs are watched: every activation module, in order; for a model
    without any, every module that has no children (its outputs are the layer outputs)."""
    named = [(name, module) for name, module in model.named_modules() if name]
    chosen = [(n, m) for n, m in named if isinstance(m, ACTIVATION_TYPES)]
    return chosen or [(n, m) for n, m in named if not list(m.children())]


def summary(values):
    return {"mean": values.mean().item(), "std": values.std().item() if values.numel() > 1 else 0.0}


def mse_to_zero(output):
    """The book's loss: mean squared distance of the output from 0."""
    return nn.functional.mse_loss(output, torch.zeros_like(output))


def layer_statistics(model, x, loss_fn=mse_to_zero):
    """One forward pass on `x`, `loss_fn(output)`, one backward pass; statistics per layer.

    Returns {'layers': [...], 'weights': [...]}. Each entry of 'layers' (in forward order):
    name, label (`layer_label`), type, the activations' mean/std/saturated share (None where the function has no
    flat ends) and values, and the gradient at those activations: mean/std and values (None
    if no gradient reached them). Each entry of 'weights': name, label, the gradient's mean |value|
    and the ratio of its norm to the weight's norm (None for a parameter without gradient).
    """
    x = model_input(model, x)  # checked, and in the model's dtype (as gradient_means takes it)
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of the output, got {loss_fn!r}")
    layers = watched_layers(model)
    records = {}
    handles = []

    def watch(name, module):
        def hook(_module, _inputs, output):
            if not isinstance(output, torch.Tensor):
                return
            record = records.setdefault(name, {"name": name, "type": type(module).__name__, "outputs": [], "grads": []})
            record["outputs"].append(output.detach().flatten())
            saturated = SATURATED.get(type(module))
            record.setdefault("saturated_masks", []).append(None if saturated is None else saturated(output.detach()).flatten())
            if output.requires_grad:
                output.register_hook(lambda grad: record["grads"].append(grad.detach().flatten()))

        return hook

    weights = [(n, p) for n, p in model.named_parameters() if n.endswith("weight") and p.ndim >= 2 and p.requires_grad]
    try:
        for name, module in layers:
            handles.append(module.register_forward_hook(watch(name, module)))
        # Training modes, buffers (BatchNorm's running statistics) and random state left as they were
        with measuring(model, x) as x:
            loss = loss_fn(model(x))
            grads = torch.autograd.grad(loss, [p for _, p in weights], allow_unused=True) if weights else []
    finally:
        for handle in handles:
            handle.remove()

    rows = []
    for name, _ in layers:
        if name not in records:
            continue
        record = records[name]
        values = torch.cat(record["outputs"])
        masks = record["saturated_masks"]
        row = {"name": name, "label": layer_label(name), "type": record["type"], "values": values, **summary(values),
               "saturated": None if masks[0] is None else torch.cat(masks).float().mean().item()}
        if record["grads"]:
            grad_values = torch.cat(record["grads"])
            row.update(grad_values=grad_values, grad_mean=grad_values.mean().item(),
                       grad_std=grad_values.std().item() if grad_values.numel() > 1 else 0.0)
        else:
            row.update(grad_values=None, grad_mean=None, grad_std=None)
        rows.append(row)
    weight_rows = []
    for (name, param), grad in zip(weights, grads):
        if grad is None:
            weight_rows.append({"name": name, "label": layer_label(name), "grad_mean_abs": None, "grad_to_weight": None})
            continue
        weight_norm = param.detach().norm().item()
        weight_rows.append({
            "name": name,
            "label": layer_label(name),
            "grad_mean_abs": grad.abs().mean().item(),
            "grad_to_weight": grad.norm().item() / weight_norm if weight_norm > 0 else math.inf,
        })
    return {"layers": rows, "weights": weight_rows}


def wrapped(title, width=85):
    """A figure title broken into lines of at most `width` characters (half as many where it is
    Chinese, whose characters are twice as wide), so a long finding fits."""
    if re.search(r"[\u4e00-\u9fff]", title):
        width //= 2
    return "\n".join(textwrap.wrap(title, width)) or title


def layer_spreads(stats, which="activations"):
    """(label, standard deviation) of each watched layer: of its activations, or of the gradient
    arriving at them (`which="gradients"`; None for a layer no gradient reached)."""
    if which not in ("activations", "gradients"):
        raise ValueError(f"which must be 'activations' or 'gradients', got {which!r}")
    key = "std" if which == "activations" else "grad_std"
    return [(row["label"], row[key]) for row in statistics_rows(stats, "layers", ("label", key))]


def statistics_rows(stats, part, keys):
    """STATS[PART] (STATS: a layer_statistics result), each row checked to hold KEYS, a label
    and numbers (or None)."""
    rows = stats.get(part) if isinstance(stats, dict) else None
    if not isinstance(rows, list) or not all(
            isinstance(row, dict) and isinstance(row.get("label"), str) and all(
                key in row and (key == "label" or row[key] is None or is_number(row[key])) for key in keys)
            for row in rows):
        raise ValueError(f"stats must be a layer_statistics result, whose {part!r} rows hold {', '.join(map(repr, keys))}; "
                         f"got {shown(stats)}")
    return rows


def mark_missing(ax, positions, label):
    """Triangles at the bottom of `ax` over the x `positions` that have nothing to draw."""
    if positions:
        ax.plot(positions, [0.02] * len(positions), linestyle="none", marker="v", color=COLORS[1],
                transform=ax.get_xaxis_transform(), label=label)
        ax.legend(fontsize="small")


@in_figure_language("title", "alt")
def plot_distributions(stats, which="activations", title=None, alt=None):
    """The spread of each layer at a glance: one bar per layer, the standard deviation of its
    activations (linear axis) or of the gradient arriving at them (`which="gradients"`, log axis),
    its value written on top, layer 1 (next to the input) on the left. A layer without gradient
    (or with a spread of exactly 0 on the log axis) gets a triangle at the bottom instead."""
    spreads = layer_spreads(stats, which)
    if not spreads:
        raise ValueError("stats hold no layers to plot")
    log = which == "gradients"
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    drawn = [(i, value) for i, (_, value) in enumerate(spreads) if value is not None and (value > 0 or not log)]
    bars = ax.bar([i for i, _ in drawn], [value for _, value in drawn], color=COLORS[2] if log else COLORS[0],
                  edgecolor="black", linewidth=0.6)
    ax.bar_label(bars, labels=[f"{value:.2g}" for _, value in drawn], fontsize="small", padding=2)
    if log:
        ax.set_yscale("log")
    ax.margins(y=0.15)
    ax.set_xticks(range(len(spreads)), [label for label, _ in spreads])
    what = message("spread_of_gradients" if log else "spread_of_activations")
    ax.set(xlabel=message("layer_axis"), ylabel=message("std_of_gradient" if log else "std_of_activations"))
    mark_missing(ax, [i for i in range(len(spreads)) if i not in dict(drawn)], message("no_gradient"))
    title = title or message("spread_title", what=what)
    ax.set_title(wrapped(title))
    if alt is None:
        values = message("list_sep").join(f"{label} {number(value)}" if value is not None else message("none", label=label)
                                          for label, value in spreads)
        alt = message("spread_alt", title=title.rstrip(".。"), first=spreads[0][0], last=spreads[-1][0],
                      scale=message("logarithmic" if log else "linear"), what=what, values=values)
    return described(fig, alt)


@in_figure_language("title", "alt")
def plot_weight_gradients(stats, title=None, alt=None):
    """The ratio of each weight matrix's gradient norm to its own norm, on a log scale, from the
    input side on the left; ticks in the lesson's words ("layer 1", ..., "read-out"). A weight
    without gradient is marked at the bottom instead of crashing or vanishing."""
    rows = statistics_rows(stats, "weights", ("label", "grad_to_weight"))
    if not rows:
        raise ValueError("stats hold no weight matrices to plot")
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    positions = range(len(rows))
    ratios = [r["grad_to_weight"] if r["grad_to_weight"] else np.nan for r in rows]
    ax.plot(positions, ratios, marker="o", color=COLORS[0], label=message("ratio_legend"))
    ax.set_yscale("log")
    ax.set_xticks(list(positions), [r["label"] for r in rows], fontsize="small")
    ax.set(xlabel=message("weight_axis"), ylabel=message("ratio_axis"))
    ax.legend(fontsize="small")
    mark_missing(ax, [i for i, r in enumerate(rows) if not r["grad_to_weight"]], message("no_gradient"))
    title = title or message("weights_title")
    ax.set_title(wrapped(title))
    if alt is None:
        measured = [(r["label"], r["grad_to_weight"]) for r in rows if r["grad_to_weight"]]
        summary_text = message("no_weight_gets_gradient")
        if measured:
            low, high = min(measured, key=lambda m: m[1]), max(measured, key=lambda m: m[1])
            missing = len(rows) - len(measured)
            summary_text = message("weights_range", low=number(low[1]), low_label=low[0], high=number(high[1]),
                                   high_label=high[0])
            if missing:
                summary_text += message("weights_missing", missing=missing)
        alt = message("weights_alt", title=title.rstrip(".。"), first=rows[0]["label"], last=rows[-1]["label"],
                      summary=summary_text)
    return described(fig, alt)


@in_figure_language("grad_norms", "title", "alt", "top_label")
def plot_gradient_heatmap(grad_norms, title=None, alt=None, top_label=None):
    """Layer x training step: the norm of each weight matrix's gradient (log colour scale).

    `grad_norms` is the 'grad_norms' of one `train` run, or a dict label -> 'grad_norms' of
    several runs: one panel each, one above the other, titled with its label. All panels share
    one colour scale (from the smallest to the largest positive norm of all runs) and one colour
    bar, so one colour means one gradient norm in every panel. A norm of exactly 0 is drawn in
    the colour of the smallest. Rows are numbered from 1, the weight matrix nearest the input;
    `top_label` (such as "read-out") names the top row instead of its number.
    The default alt text gives each panel's range, says whether its lower half of rows stays
    dark (below the middle of the colour scale) and names a bright stripe: the step of the
    largest norm, when every row there gets more than ten times the panel's median.
    """
    runs = grad_norms if isinstance(grad_norms, dict) else {None: grad_norms}
    if not runs:
        raise ValueError("grad_norms must hold at least one run, got an empty dict")
    data = {}
    for label, norms in runs.items():
        array = np.array(norms, dtype=float).T  # Shape [layers, steps]
        if array.ndim != 2 or array.size == 0:
            raise ValueError(f"grad_norms must be a list of steps, each a list of layer norms; got {norms!r} for run {label!r}")
        data[label] = array
    positive = np.concatenate([array[array > 0] for array in data.values()])
    low = max(positive.min(), 1e-30) if positive.size else 1e-30
    high = max(positive.max() if positive.size else 1.0, low * 10)
    fig = Figure(figsize=(8, 0.8 + 2.4 * len(data)), layout="constrained")
    axes = fig.subplots(len(data), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (label, array) in zip(axes, data.items()):
        layers, steps = array.shape
        image = ax.imshow(np.where(array > 0, array, low), aspect="auto", origin="lower", cmap="viridis",
                          norm=LogNorm(vmin=low, vmax=high), interpolation="nearest",
                          extent=(-0.5, steps - 0.5, 0.5, layers + 0.5))  # row i is layer i + 1
        if top_label is None:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:  # numbered rows, kept clear of the top row's name
            steps_up = MaxNLocator(integer=True, nbins=5).tick_values(1, layers)
            ticks = [1] + [int(t) for t in steps_up if 3 <= t <= layers - 2] if layers > 1 else []
            ax.set_yticks([*ticks, layers], [*(str(t) for t in ticks), top_label])
        ax.set(ylabel=message("layer_axis"))
        if label is not None:
            ax.set_title(label)
    axes[-1].set(xlabel=message("loss_x"))
    fig.colorbar(image, ax=list(axes), label=message("gradient_norm"))
    title = title or message("heat_title")
    if len(data) == 1 and None in data:
        axes[0].set_title(wrapped(title))
    else:
        fig.suptitle(wrapped(title))
    if alt is None:
        middle = math.sqrt(low * high)  # the middle of the logarithmic colour scale
        panels = []
        for label, array in data.items():
            layers, steps = array.shape
            text = message("heat_range", label=message("heat_label", label=label) if label is not None else "",
                           low=number(array.min()), high=number(array.max()))
            half = layers // 2
            if half and array[:half].max() < middle:
                text += message("heat_dark", half=half, most=number(array[:half].max()))
            peak = int(array.max(axis=0).argmax())
            if layers > 1 and array[:, peak].min() > 10 * np.median(array):
                text += message("heat_stripe", peak=peak, least=number(array[:, peak].min()))
            panels.append(text)
        layers, steps = next(iter(data.values())).shape
        top = f"{layers} ({top_label})" if top_label is not None else f"{layers}"
        kind = message("heat_one") if len(data) == 1 else message("heat_many", n=len(data))
        alt = message("heat_alt", title=title.rstrip(".。"), kind=kind, top=top, last_step=steps - 1,
                      panels=message("sep").join(panels))
    return described(fig, alt)
