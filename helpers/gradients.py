"""Measuring gradients layer by layer: the mean absolute gradient of each weight matrix.

`gradient_means` gives full-precision numbers (for tests and plots); `print_gradients` and
`gradient_table` round them so a printout reads the same on every machine.
"""

import contextlib
import math

import torch
from torch import nn

from helpers.arguments import check_bool, check_int, check_seed
from helpers.network import (
    ExampleDeepNeuralNetwork,
    book_layer_sizes,
    check_input,
    sample_input,
)

# Printed values keep 4 significant digits. Full-precision gradients differ between machines
# and torch versions from about the 7th digit on, so 4 digits print the same everywhere while
# still showing the difference between the exact and the tanh GELU (0.2219 vs 0.2217).
DIGITS = 4


# The generator a measurement's random layers (Dropout in training mode) draw from: a fixed seed,
# in a fork of torch's generator, so two calls agree and the caller's random state is untouched.
MEASUREMENT_SEED = 0


@contextlib.contextmanager
def measuring(model, x):
    """Run one measurement of MODEL on X and leave MODEL and the caller's world as they were.

    Inside: gradients are on, even under `torch.no_grad()` or `torch.inference_mode()` (X is
    copied out of inference mode); random layers draw from a fork of torch's generator seeded
    with MEASUREMENT_SEED. Afterwards every submodule's training flag and every buffer (such as
    BatchNorm's running statistics and its count of batches) are put back as they were.
    Yields X, usable by autograd."""
    modes, buffers = [], []
    for module in model.modules():  # one walk over the modules (the explorer's have hundreds)
        modes.append((module, module.training))
        # (the module's own buffers: its _buffers dict, read directly, is 5x faster than buffers(recurse=False))
        buffers.extend((buffer, buffer.detach().clone()) for buffer in module._buffers.values() if buffer is not None)
    try:
        with torch.inference_mode(False), torch.enable_grad(), torch.random.fork_rng(devices=[]):
            torch.manual_seed(MEASUREMENT_SEED)
            if isinstance(x, torch.Tensor) and x.is_inference():
                x = x.clone()
            yield x
    finally:
        for module, training in modes:
            if module.training != training:  # (setting an attribute of a module is slow)
                module.training = training
        with torch.no_grad():
            for buffer, saved in buffers:
                buffer.copy_(saved)


def gradient_means(model, x, target=None):
    """Mean absolute gradient of every weight matrix of `model` after one backward pass.

    One forward pass on `x` (shape [N, in_features]), the MSE loss against `target` (zeros
    shaped like the output when None, as the book's `[[0.]]`), one backward pass. Returns
    `{parameter name: mean |gradient|}` in layer order, for the weight matrices only (not the
    biases). The gradients are asked of autograd directly instead of being added to
    `param.grad`, so nothing accumulates: calling it twice gives the same numbers, and the
    model is left as it was: its training modes, and buffers such as BatchNorm's running
    statistics (`measuring`). A model in training mode with Dropout drops a random share of its
    units: the draw comes from a fixed seed, so two calls still agree, and the caller's random
    state is not touched. (`weight_matrices` says how frozen and unused weights, integer inputs
    and float64 models are handled.)
    """
    weights, x = weight_matrices(model, x)
    trainable = [name for name, param in weights.items() if param.requires_grad]
    with measuring(model, x) as x:
        output = model(x)
        loss = nn.functional.mse_loss(output, checked_target(target, output))
        # Backward pass: d loss / d weight for every weight matrix, returned, not stored
        grads = torch.autograd.grad(loss, [weights[n] for n in trainable], allow_unused=True) if trainable else []
    means = {name: grad.abs().mean().item() for name, grad in zip(trainable, grads) if grad is not None}
    return {name: means.get(name, 0.0 if name in trainable else math.nan) for name in weights}


def weight_matrices(model, x):
    """The weight matrices of `model` by name, and `x` in the model's dtype, checked.

    An input of integers, or of another float type than the model's (e.g. a model made
    `.double()`), is converted to the model's dtype. `gradient_means` reports a frozen weight
    matrix (`requires_grad=False`) as nan, as it gets no gradient, rather than leaving it out
    (so the first entry is still the first layer), and a weight the forward pass never uses as
    0, its gradient.
    """
    x = model_input(model, x)
    weights = {name: p for name, p in model.named_parameters() if name.endswith("weight") and p.ndim >= 2}
    if not weights:
        raise ValueError(f"model has no weight matrices to measure: {type(model).__name__}")
    return weights, x


def model_input(model, x):
    """`x` checked against `model` and in the dtype and on the device of the model's first
    floating-point parameter (an input of integers, or of float64 for a float32 model, is
    converted); a model or input on the meta device, which holds no values, is refused."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    layer_sizes = getattr(model, "layer_sizes", None)
    if layer_sizes is not None:
        check_input(x, layer_sizes[0])
    elif not isinstance(x, torch.Tensor):
        raise ValueError(f"x must be a torch.Tensor, got {type(x).__name__}: {x!r}")
    if x.ndim >= 1 and x.shape[0] == 0:
        raise ValueError(f"x must hold at least one example: a batch of none has no gradient, got shape {tuple(x.shape)}")
    first = next((p for p in model.parameters() if p.is_floating_point()), None)
    if first is not None and first.is_meta:
        raise ValueError(f"model has its weights on the meta device, which holds no values: build it on the CPU "
                         f"(or call model.to_empty(device='cpu') and load its weights), got {type(model).__name__}")
    if x.is_meta:
        raise ValueError(f"x is on the meta device, which holds no values: give a tensor on the CPU, got {x!r}")
    return x if first is None else x.to(dtype=first.dtype, device=first.device)


def checked_target(target, output):
    """`target`, or zeros shaped like `output` when it is None (the book's `[[0.]]`)."""
    if target is None:
        return torch.zeros_like(output)
    if not isinstance(target, torch.Tensor) or target.shape != output.shape:
        shape = tuple(target.shape) if isinstance(target, torch.Tensor) else type(target).__name__
        raise ValueError(f"target must be a tensor shaped like the output {tuple(output.shape)}, got {shape}")
    return target


def format_gradient(value, digits=DIGITS):
    """`value` with `digits` significant digits, as printed in the notebooks (e.g. '0.0002017').

    Trailing zeros are kept ('0.005050', not '0.00505'), so every printed gradient shows the same
    number of significant digits and two columns can be compared digit by digit."""
    check_int("digits", digits, low=1, high=17)
    return f"{value:#.{digits}g}".removesuffix(".")


def print_gradients(model, x, target=None, digits=DIGITS):
    """Print one line per weight matrix, in the book's words, rounded to `digits` significant digits.

    `layers.0.0.weight has gradient mean of 0.0002017`
    """
    for name, value in gradient_means(model, x, target).items():
        print(f"{name} has gradient mean of {format_gradient(value, digits)}")


def gradient_table(columns, digits=DIGITS):
    """A text table of several gradient readings side by side.

    `columns` maps a column title to a `gradient_means` result; every result must name the same
    layers. Values are rounded to `digits` significant digits.
    """
    if not isinstance(columns, dict) or not columns or not all(isinstance(c, dict) and c for c in columns.values()):
        raise ValueError(f"columns must map titles to non-empty gradient_means results, got {columns!r}")
    titles = list(columns)
    names = list(columns[titles[0]])
    for title in titles[1:]:
        if list(columns[title]) != names:
            raise ValueError(f"columns[{title!r}] names other layers than columns[{titles[0]!r}]")
    cells = [[format_gradient(columns[t][n], digits) for t in titles] for n in names]
    name_width = max(len("layer"), *(len(n) for n in names))
    widths = [max(len(t), *(len(row[i]) for row in cells)) for i, t in enumerate(titles)]
    lines = ["  ".join(["layer".ljust(name_width)] + [t.rjust(w) for t, w in zip(titles, widths)])]
    for name, row in zip(names, cells):
        lines.append("  ".join([name.ljust(name_width)] + [c.rjust(w) for c, w in zip(row, widths)]))
    return "\n".join(lines)


def book_gradients(use_shortcut, activation="gelu", depth=5, width=3, seed=123):
    """`gradient_means` of a freshly seeded book-style network on the book's sample input.

    The network is built with its own random generator state: the caller's is left as it was."""
    check_bool("use_shortcut", use_shortcut)
    check_seed("seed", seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = ExampleDeepNeuralNetwork(book_layer_sizes(depth, width), use_shortcut, activation)
    return gradient_means(model, sample_input(width))
