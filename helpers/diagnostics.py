"""Per-layer diagnostics for any `nn.Module`: what the activations and the gradients look like,
layer by layer, after one forward and one backward pass (the pictures of Glorot & Bengio 2010).

`layer_statistics` hooks every activation layer, runs the model once, and returns for each
layer the activations' mean, standard deviation and share of saturated units (tanh, sigmoid),
the same for the gradient arriving at those activations, and for every weight matrix the
gradient's size and its ratio to the weight's. The hooks are removed afterwards, even when the
model raises, and the model is left as it was: its parameters, its `.grad`s and its mode.
"""

import math

import numpy as np
import torch
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch import nn

from helpers.figures import COLORS

# Line styles for figures with more lines than COLORS has colours: the first len(COLORS) lines
# are solid, the next ones dashed, and so on, so no two lines share both colour and style.
LAYER_LINESTYLES = ["-", "--", ":", "-."]


def layer_line_style(i):
    """Colour and line style of line `i` (0, 1, ...): each colour in turn, then the next line
    style; no two of the first len(COLORS) * len(LAYER_LINESTYLES) lines (28) share both."""
    if isinstance(i, bool) or not isinstance(i, int) or i < 0:
        raise ValueError(f"i must be a line number (an integer of at least 0), got {i!r}")
    return {"color": COLORS[i % len(COLORS)], "linestyle": LAYER_LINESTYLES[(i // len(COLORS)) % len(LAYER_LINESTYLES)]}

ACTIVATION_TYPES = (nn.GELU, nn.ReLU, nn.LeakyReLU, nn.ELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.Softplus, nn.Mish)
# A unit counts as saturated when its output is this close to the function's flat ends.
SATURATED = {nn.Tanh: lambda y: y.abs() > 0.97, nn.Sigmoid: lambda y: (y < 0.03) | (y > 0.97)}


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
    name, type, the activations' mean/std/saturated share (None where the function has no
    flat ends) and values, and the gradient at those activations: mean/std and values (None
    if no gradient reached them). Each entry of 'weights': name, the gradient's mean |value|
    and the ratio of its norm to the weight's norm (None for a parameter without gradient).
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
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
    was_training = model.training
    try:
        for name, module in layers:
            handles.append(module.register_forward_hook(watch(name, module)))
        with torch.enable_grad():
            loss = loss_fn(model(x))
            grads = torch.autograd.grad(loss, [p for _, p in weights], allow_unused=True) if weights else []
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)

    rows = []
    for name, _ in layers:
        if name not in records:
            continue
        record = records[name]
        values = torch.cat(record["outputs"])
        masks = record["saturated_masks"]
        row = {"name": name, "type": record["type"], "values": values, **summary(values),
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
            weight_rows.append({"name": name, "grad_mean_abs": None, "grad_to_weight": None})
            continue
        weight_norm = param.detach().norm().item()
        weight_rows.append({
            "name": name,
            "grad_mean_abs": grad.abs().mean().item(),
            "grad_to_weight": grad.norm().item() / weight_norm if weight_norm > 0 else math.inf,
        })
    return {"layers": rows, "weights": weight_rows}


def plot_distributions(stats, which="activations", title=None, bins=40):
    """One density line per layer: of the activations (`which="activations"`) or of the
    gradients arriving at them (`which="gradients"`), the picture of Glorot & Bengio. Each line
    has its own colour and line style (`layer_line_style`)."""
    if which not in ("activations", "gradients"):
        raise ValueError(f"which must be 'activations' or 'gradients', got {which!r}")
    key = "values" if which == "activations" else "grad_values"
    rows = [row for row in stats["layers"] if row[key] is not None]
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.subplots()
    everything = np.concatenate([row[key].numpy() for row in rows]) if rows else np.zeros(1)
    low, high = np.percentile(everything, [0.5, 99.5])
    edges = np.linspace(low, high, bins + 1) if high > low else bins  # one set of bins for all layers
    for i, row in enumerate(rows):
        values = row[key].numpy()
        counts, edges = np.histogram(values, bins=edges)
        # a layer whose values all fall outside the shared range (a single outlier unit) has no
        # counts: draw it flat instead of dividing by zero
        density = counts / (counts.sum() * np.diff(edges)) if counts.sum() else np.zeros(len(counts))
        label = f"{row['name']} ({row['type']}): std {np.std(values):.2g}"
        if which == "activations" and row["saturated"] is not None:
            label += f", {100 * row['saturated']:.0f}% saturated"
        ax.plot((edges[:-1] + edges[1:]) / 2, density, **layer_line_style(i), label=label)
    ax.set(xlabel="activation value" if which == "activations" else "gradient at the activation",
           ylabel="density")
    ax.legend(fontsize="small")
    ax.set_title(title or f"Distribution of the {which}, layer by layer")
    return fig


def plot_weight_gradients(stats, title=None):
    """The ratio of each weight matrix's gradient norm to its own norm, on a log scale. A weight
    without gradient is marked at the bottom instead of crashing or vanishing."""
    rows = stats["weights"]
    if not rows:
        raise ValueError("stats hold no weight matrices to plot")
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    positions = range(len(rows))
    ratios = [r["grad_to_weight"] if r["grad_to_weight"] else np.nan for r in rows]
    ax.plot(positions, ratios, marker="o", color=COLORS[0], label="|gradient| / |weight|")
    missing = [i for i, r in enumerate(rows) if not r["grad_to_weight"]]
    if missing:
        ax.plot(missing, [0.02] * len(missing), linestyle="none", marker="v", color=COLORS[1],
                transform=ax.get_xaxis_transform(), label="no gradient (or exactly 0)")
    ax.set_yscale("log")
    ax.set_xticks(list(positions), [r["name"].removesuffix(".weight") for r in rows], rotation=45, ha="right",
                  fontsize="small")
    ax.set(ylabel="gradient norm / weight norm")
    ax.legend(fontsize="small")
    ax.set_title(title or "How strongly each weight matrix is pushed, relative to its size")
    return fig


def plot_gradient_heatmap(grad_norms, title=None):
    """Layer x training step: the norm of each weight matrix's gradient (log colour scale).

    `grad_norms` is the 'grad_norms' of one `train` run, or a dict label -> 'grad_norms' of
    several runs: one panel each, one above the other, titled with its label. All panels share
    one colour scale (from the smallest to the largest positive norm of all runs) and one colour
    bar, so one colour means one gradient norm in every panel. A norm of exactly 0 is drawn in
    the colour of the smallest. Rows are numbered from 1, the weight matrix nearest the input.
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
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(ylabel="layer (1: next to the input)")
        if label is not None:
            ax.set_title(label)
    axes[-1].set(xlabel="training step")
    fig.colorbar(image, ax=list(axes), label="gradient norm")
    title = title or "Gradient norm of every layer during training"
    if len(data) == 1 and None in data:
        axes[0].set_title(title)
    else:
        fig.suptitle(title)
    return fig
