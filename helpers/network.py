"""The network of section 4.4: a stack of Linear + activation layers, with or without shortcuts.

Read top to bottom: the activations by name, the network itself, then two small helpers that
build the book's example (the layer sizes and the sample input) for any depth and width.
"""

from collections.abc import Sequence

import torch
from torch import nn

from helpers.arguments import DEPTH_LIMIT, WEIGHT_LIMIT, WIDTH_LIMIT, check_bool, check_choice, check_int, shown

# The activations a notebook or a slider can choose, by name. Each value builds a fresh module.
ACTIVATIONS = {
    "gelu": lambda: nn.GELU(),  # exact: x * Phi(x), Phi the standard normal CDF
    "gelu_tanh": lambda: nn.GELU(approximate="tanh"),  # the tanh formula of the book's GELU class
    "relu": lambda: nn.ReLU(),
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
}


def make_activation(name):
    """Return a new activation module for `name`, one of the keys of `ACTIVATIONS`."""
    return ACTIVATIONS[check_choice("activation", name, ACTIVATIONS)]()


def check_layer_sizes(layer_sizes):
    """Return `layer_sizes` as a list of ints, or raise a ValueError that says what is wrong."""
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise ValueError(f"layer_sizes must be a list of positive integers, got {layer_sizes!r}")
    if len(layer_sizes) < 2:
        raise ValueError(
            "layer_sizes needs at least two sizes (an input and an output), "
            f"got {list(layer_sizes)!r}"
        )
    if len(layer_sizes) > DEPTH_LIMIT + 1:
        raise ValueError(f"layer_sizes describes {len(layer_sizes) - 1:,} layers; the helpers build at most "
                         f"{DEPTH_LIMIT:,}")
    for position, size in enumerate(layer_sizes):
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= WIDTH_LIMIT:
            raise ValueError(
                f"layer_sizes[{position}] must be an integer from 1 to {WIDTH_LIMIT}, got {size!r} "
                f"in layer_sizes={shown(list(layer_sizes))}"
            )
    weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    if weights > WEIGHT_LIMIT:
        raise ValueError(f"layer_sizes={shown(list(layer_sizes))} makes {weights:,} weights; the helpers build "
                         f"networks of at most {WEIGHT_LIMIT:,}")
    return list(layer_sizes)


def check_input(x, in_features):
    """Raise a ValueError unless `x` is a tensor whose last dimension is `in_features`."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"x must be a torch.Tensor, got {type(x).__name__}: {x!r}")
    if x.ndim == 0 or x.shape[-1] != in_features:
        raise ValueError(
            f"x must have a last dimension of layer_sizes[0]={in_features}, "
            f"got x of shape {tuple(x.shape)}"
        )


class ExampleDeepNeuralNetwork(nn.Module):
    """The book's deep network, for any number of layers and any of the `ACTIVATIONS`.

    Layer i is `nn.Sequential(nn.Linear(layer_sizes[i], layer_sizes[i + 1]), activation)`,
    created in order, so after `torch.manual_seed(s)` its weights are those the book's class
    creates, and its parameters are named `layers.{i}.0.weight` and `layers.{i}.0.bias`.

    With `use_shortcut=True`, a layer's input is added to its output wherever the two have the
    same shape; a layer that changes the width (such as the book's last one, 3 -> 1) gets none.

    `layers` (optional) reuses existing `nn.Sequential(nn.Linear, activation)` blocks instead of
    creating new ones; the gradient explorer assembles networks of any depth from blocks it
    created once.
    """

    def __init__(self, layer_sizes, use_shortcut, activation="gelu", layers=None):
        super().__init__()
        self.layer_sizes = check_layer_sizes(layer_sizes)
        check_bool("use_shortcut", use_shortcut)
        make_activation(activation)  # check the name before building anything
        self.use_shortcut = use_shortcut
        self.activation = activation
        if layers is None:  # the usual case: new layers, drawn from the random generator in order
            layers = [
                nn.Sequential(nn.Linear(n_in, n_out), make_activation(activation))
                for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])
            ]
        elif [(l[0].in_features, l[0].out_features) for l in layers] != list(
            zip(self.layer_sizes[:-1], self.layer_sizes[1:])
        ):
            raise ValueError(f"layers must be Linear + activation blocks of the sizes {self.layer_sizes}")
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        check_input(x, self.layer_sizes[0])
        x = x.to(self.layers[0][0].weight.dtype)  # integers, or another float type: the model's dtype
        for layer in self.layers:
            layer_output = layer(x)  # Shape [batch, n_out]
            if self.use_shortcut and x.shape == layer_output.shape:
                x = x + layer_output  # Add the layer's input back: the shortcut
            else:
                x = layer_output  # Width changed (or no shortcuts): nothing to add
        return x

    def extra_repr(self):
        return (
            f"layer_sizes={self.layer_sizes}, use_shortcut={self.use_shortcut}, "
            f"activation={self.activation!r}"
        )


def book_layer_sizes(depth, width=3):
    """Layer sizes of a book-style network with `depth` layers: `width` wide, one output.

    `book_layer_sizes(5)` is the book's `[3, 3, 3, 3, 3, 1]`.
    """
    check_int("depth", depth, low=1, high=DEPTH_LIMIT)
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    return [width] * depth + [1]


def sample_input(width=3):
    """One example of `width` values evenly spaced from 1 to -1: the book's `[[1., 0., -1.]]`."""
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    if width == 1:
        return torch.tensor([[1.0]])
    return torch.linspace(1.0, -1.0, width).unsqueeze(0)  # Shape [1, width]
