"""Notebook 06: three results from research on what shortcuts do, on the series' own networks.

1. Shattered gradients: the derivative of a deep plain network with respect to its one input,
   over a grid of inputs, looks like noise; a shortcut network's stays smooth
   (`scalar_network`, `input_gradients`, `neighbour_correlation`, `shattering`).
2. A stack of n shortcut blocks is a sum over 2ⁿ paths: the gradient split exactly by the
   number of blocks a path goes through (`path_counts`, `gradient_by_path_length`), and what a
   trained network loses when one block is deleted (`without_block`, `accuracy`).
3. The running sum x + f(x) grows with depth; scaling each branch's output layer by 1/√N, or
   normalising what enters each branch (Pre-LN), keeps it in check (`residual_stack`,
   `signal_and_gradients`).

Every function draws its weights from a generator of its own seed and leaves the caller's
random state as it was.
"""

import copy
import math
from collections import OrderedDict

import torch
from matplotlib.figure import Figure
from torch import nn

from helpers.arguments import WIDTH_LIMIT, check_bool, check_choice, check_int, check_seed
from helpers.figures import COLORS, LINESTYLES, described
from helpers.language import message, in_figure_language
from helpers.network import ExampleDeepNeuralNetwork
from helpers.transformer import LayerNorm

REMEDIES = ("none", "scaled", "pre_ln")


def scalar_network(depth, width=64, use_shortcut=False, seed=0):
    """A network of one input and one output: `depth` Linear + ReLU layers of the series'
    `ExampleDeepNeuralNetwork` (1 -> width, then width -> width, shortcuts where the width
    stays), then a linear read-out, as an `nn.Sequential` of `body` and `read_out`.

    The weights of the body are drawn with He's scale, a standard deviation of √(2 / inputs),
    which keeps a plain ReLU network's signal the same size from layer to layer, so that its
    gradient neither vanishes nor explodes and what remains to see is its shape. Biases keep
    PyTorch's default."""
    check_int("depth", depth, low=1, high=1000)
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    check_bool("use_shortcut", use_shortcut)
    check_seed("seed", seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        body = ExampleDeepNeuralNetwork([1] + [width] * depth, use_shortcut, "relu")
        read_out = nn.Linear(width, 1)
        with torch.no_grad():
            for layer in body.layers:
                linear = layer[0]
                linear.weight.normal_(0.0, math.sqrt(2.0 / linear.in_features))
    return nn.Sequential(OrderedDict(body=body, read_out=read_out))


def input_gradients(model, xs):
    """d model(x) / dx at each of the inputs XS (a 1-D tensor), as a 1-D float64 tensor."""
    xs = torch.as_tensor(xs, dtype=torch.float32).reshape(-1, 1).clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(model(xs).sum(), xs)
    return grad.reshape(-1).double()


def neighbour_correlation(values):
    """The correlation of each value with the next (lag-one autocorrelation): near 1 for a smooth
    curve sampled finely, near 0 for white noise."""
    values = torch.as_tensor(values, dtype=torch.float64).reshape(-1)
    if values.numel() < 3:
        raise ValueError(f"values must hold at least 3 numbers, got {values.numel()}")
    a, b = values[:-1] - values[:-1].mean(), values[1:] - values[1:].mean()
    scale = a.norm() * b.norm()
    if scale == 0:
        raise ValueError("values must not be constant: a constant has no correlation")
    return float((a * b).sum() / scale)


def grid(points=256, low=-2.0, high=2.0):
    """POINTS inputs evenly spaced from LOW to HIGH."""
    check_int("points", points, low=3, high=100_000)
    return torch.linspace(low, high, points)


def shattering(depths, use_shortcut, width=64, points=256, seeds=range(5)):
    """{depth: the neighbour correlation of the input gradient over the grid, averaged over SEEDS}."""
    xs = grid(points)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    result = {}
    for depth in depths:
        values = [neighbour_correlation(input_gradients(scalar_network(depth, width, use_shortcut, seed), xs))
                  for seed in seeds]
        result[depth] = sum(values) / len(values)
    return result


@in_figure_language("curves", "title", "alt")
def plot_input_gradients(xs, curves, title, alt):
    """One panel per entry of CURVES (label -> gradients over XS), one above the other."""
    fig = Figure(figsize=(7, 1.6 + 1.6 * len(curves)), layout="constrained")
    axes = fig.subplots(len(curves), 1, sharex=True, squeeze=False)[:, 0]
    for i, (ax, (label, values)) in enumerate(zip(axes, curves.items())):
        ax.plot(list(map(float, xs)), list(map(float, values)), color=COLORS[i % len(COLORS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)], linewidth=1.2)
        ax.set_ylabel(message("slope_axis"))
        ax.set_title(label, fontsize=10)
    axes[-1].set_xlabel(message("input_x"))
    fig.suptitle(title)
    return described(fig, alt)


def path_counts(blocks):
    """How many of the 2**BLOCKS paths through a stack of BLOCKS shortcut blocks go through
    exactly k blocks, for k = 0 ... BLOCKS: the binomial coefficients C(BLOCKS, k)."""
    check_int("blocks", blocks, low=0, high=10_000)
    return [math.comb(blocks, k) for k in range(blocks + 1)]


def gradient_by_path_length(model, x):
    """The gradient of model(x).sum() with respect to x, split exactly by path length.

    MODEL is an `ExampleDeepNeuralNetwork` with shortcuts whose every layer keeps the width, so
    each layer is a block x -> x + f(x) with Jacobian I + J, J = diag(f'(z)) W at this input. The
    product of the n factors (I + J) expands into 2**n products, one per path: a path that goes
    through k blocks multiplies k of the J's. Returns a list whose entry k is the sum of the
    paths through k blocks, as a 1-D float64 tensor; the entries add up to the whole gradient."""
    if not isinstance(model, ExampleDeepNeuralNetwork) or not model.use_shortcut:
        raise ValueError("model must be an ExampleDeepNeuralNetwork with use_shortcut=True")
    sizes = model.layer_sizes
    if len(set(sizes)) != 1:
        raise ValueError(f"model's layers must all keep the width, so each has a shortcut; got layer_sizes {sizes}")
    x = torch.as_tensor(x, dtype=torch.float64).reshape(1, -1)
    if x.shape[1] != sizes[0]:
        raise ValueError(f"x must have {sizes[0]} values, got {x.shape[1]}")
    width = sizes[0]
    jacobians = []
    h = x
    with torch.enable_grad():
        for layer in model.layers:
            linear, activation = layer[0], layer[1]
            weight, bias = linear.weight.detach().double(), linear.bias.detach().double()
            z = (h @ weight.T + bias).detach().requires_grad_(True)
            out = activation(z)
            (slope,) = torch.autograd.grad(out.sum(), z)
            jacobians.append(slope[0].unsqueeze(1) * weight)
            h = h + out.detach()
    parts = [torch.eye(width, dtype=torch.float64)] + [torch.zeros(width, width, dtype=torch.float64) for _ in jacobians]
    for count, jacobian in enumerate(jacobians, start=1):
        for k in range(count, 0, -1):  # a path through block i: J_i times a path through k - 1 earlier blocks
            parts[k] = parts[k] + jacobian @ parts[k - 1]
    ones = torch.ones(1, width, dtype=torch.float64)  # d sum(output) / d output
    return [(ones @ part).reshape(-1) for part in parts]


class _Skipped(nn.Module):
    """What a deleted block becomes: its input passes on unchanged (in a shortcut network the
    block adds nothing, so its branch gives zeros; in a plain one it is the identity)."""

    def __init__(self, use_shortcut):
        super().__init__()
        self.use_shortcut = use_shortcut

    def forward(self, x):
        return torch.zeros_like(x) if self.use_shortcut else x


def without_block(model, index):
    """A copy of MODEL (from `helpers.build_classifier`) with block INDEX of its body deleted:
    that block's input goes on to the next block as it is. MODEL itself is left alone. Block 0
    changes the width (2 -> width) and cannot be deleted."""
    layers = model.body.layers
    check_int("index", index, low=1, high=len(layers) - 1)
    copied = copy.deepcopy(model)
    copied.body.layers[index] = _Skipped(model.body.use_shortcut)
    return copied


def accuracy(model, x, y):
    """The share of points whose logit is on the side of their label (0.0 or 1.0)."""
    with torch.no_grad():
        return ((model(x) > 0).float() == y).float().mean().item()


class ResidualBlock(nn.Module):
    """x + out(GELU(hidden(norm(x)))): a branch of two Linear layers, like the transformer's
    feed-forward, around a shortcut. `norm` is the book's LayerNorm (Pre-LN) or nothing."""

    def __init__(self, width, out_scale=1.0, pre_ln=False):
        super().__init__()
        self.norm = LayerNorm(width) if pre_ln else nn.Identity()
        self.hidden = nn.Linear(width, width)
        self.activation = nn.GELU()
        self.out = nn.Linear(width, width)
        with torch.no_grad():
            self.out.weight.mul_(out_scale)
            self.out.bias.mul_(out_scale)

    def forward(self, x):
        return x + self.out(self.activation(self.hidden(self.norm(x))))


def residual_stack(depth, width=16, remedy="none", seed=0):
    """DEPTH `ResidualBlock`s of WIDTH, weights drawn after `torch.manual_seed(seed)`.

    REMEDY "none": PyTorch's default weights; "scaled": each branch's output layer multiplied by
    1/√DEPTH at initialisation; "pre_ln": the book's LayerNorm in front of each branch."""
    check_int("depth", depth, low=1, high=10_000)
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    check_choice("remedy", remedy, REMEDIES)
    check_seed("seed", seed)
    scale = 1 / math.sqrt(depth) if remedy == "scaled" else 1.0
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(*[ResidualBlock(width, scale, remedy == "pre_ln") for _ in range(depth)])


def stack_input(width=16, batch=64, seed=1):
    """BATCH inputs of WIDTH numbers from the standard normal distribution, from their own generator."""
    return torch.randn(batch, width, generator=torch.Generator().manual_seed(seed))


def signal_and_gradients(stack, x):
    """{'signal': the root mean square of the stack's output, 'first': the mean |gradient| of the
    first block's hidden weights, 'last': the same for the last block}, for the loss mean(y²)
    (the size of the output itself). The gradients are returned by autograd, not added to .grad,
    so the stack's .grad is left as it was."""
    params = [stack[0].hidden.weight, stack[-1].hidden.weight]
    with torch.enable_grad():
        y = stack(x)
        first, last = torch.autograd.grad(y.pow(2).mean(), params)
    return {"signal": y.detach().pow(2).mean().sqrt().item(), "first": first.abs().mean().item(),
            "last": last.abs().mean().item()}
