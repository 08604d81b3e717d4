"""Measuring gradients layer by layer: the mean absolute gradient of each weight matrix.

`gradient_means` gives full-precision numbers (for tests and plots); `print_gradients` and
`gradient_table` round them so a printout reads the same on every machine.
"""

import torch
from torch import nn

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


def gradient_means(model, x, target=None):
    """Mean absolute gradient of every weight matrix of `model` after one backward pass.

    One forward pass on `x` (shape [N, in_features]), the MSE loss against `target` (zeros
    shaped like the output when None, as the book's `[[0.]]`), one backward pass. Returns
    `{parameter name: mean |gradient|}` in layer order, for the weight matrices only (not the
    biases). The gradients are asked of autograd directly instead of being added to
    `param.grad`, so nothing accumulates: calling it twice gives the same numbers, and the
    model is left as it was.
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    layer_sizes = getattr(model, "layer_sizes", None)
    if layer_sizes is not None:
        check_input(x, layer_sizes[0])
    weights = {
        name: param
        for name, param in model.named_parameters()
        if name.endswith("weight") and param.ndim >= 2 and param.requires_grad
    }
    with torch.enable_grad():
        output = model(x)
        if target is None:
            target = torch.zeros_like(output)
        elif not isinstance(target, torch.Tensor) or target.shape != output.shape:
            shape = tuple(target.shape) if isinstance(target, torch.Tensor) else type(target).__name__
            raise ValueError(
                f"target must be a tensor shaped like the output {tuple(output.shape)}, got {shape}"
            )
        loss = nn.functional.mse_loss(output, target)
        # Backward pass: d loss / d weight for every weight matrix, returned, not stored
        grads = torch.autograd.grad(loss, list(weights.values()), allow_unused=True)
    used = [(name, grad) for name, grad in zip(weights, grads) if grad is not None]
    means = torch.stack([grad.abs().mean() for _, grad in used]).tolist() if used else []
    return dict(zip([name for name, _ in used], means))


def format_gradient(value, digits=DIGITS):
    """`value` with `digits` significant digits, as printed in the notebooks (e.g. '0.0002017')."""
    return f"{value:.{digits}g}"


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
    """`gradient_means` of a freshly seeded book-style network on the book's sample input."""
    torch.manual_seed(seed)
    model = ExampleDeepNeuralNetwork(book_layer_sizes(depth, width), use_shortcut, activation)
    return gradient_means(model, sample_input(width))
