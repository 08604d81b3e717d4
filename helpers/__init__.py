"""Helpers for the shortcut-connections notebooks: the book's network, gradient measurements,
the chain rule layer by layer, and the figures the notebooks show.

    import helpers
    torch.manual_seed(123)
    model = helpers.ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)
    helpers.print_gradients(model, torch.tensor([[1., 0., -1.]]))

What the package offers, in the order the notebooks meet it. The transformer blocks of
notebook 05 are a module of their own: `from helpers import transformer`.
"""

SERIES = "shortcut-notebooks"  # shortcut_notebooks.py tells this package from another `helpers` by it

# Notebook 01: the book's network, measuring its gradients, and how they fade with depth
from helpers.network import (
    ACTIVATIONS,  # the activations by name: gelu (exact), gelu_tanh (the book's), relu, sigmoid, tanh
    ExampleDeepNeuralNetwork,  # the book's network, any sizes and activation, with or without shortcuts
    book_layer_sizes,  # [width] * depth + [1]: the book's [3, 3, 3, 3, 3, 1] for depth 5
    make_activation,  # a fresh activation module by name
    sample_input,  # the book's input [[1., 0., -1.]], for any width
)
from helpers.gradients import (
    DIGITS,  # printed gradients keep 4 significant digits
    book_gradients,  # gradient_means of a freshly seeded book network
    format_gradient,  # a gradient as printed
    gradient_means,  # mean |gradient| of each weight matrix after one backward pass
    gradient_table,  # several gradient readings side by side, as text
    print_gradients,  # the book's printout, rounded
)
from helpers.figures import (
    activation_curves,  # each activation and its slope, as numbers
    first_to_last,  # the first layer's mean |gradient| over the last layer's
    plot_activations,
    plot_depth_sweep,
    plot_gradients,
)
from helpers.sweeps import depth_sweep, gradient_sweep  # first-to-last ratios over depth (and activation)
from helpers.claims import ClaimFailed, claim, rounded  # a sentence checked against the numbers beside it

# Notebook 02: shortcut connections, and why they work
from helpers.diagram import plot_shortcut_diagram  # the book's Figure 4.12, drawn
from helpers.chain import backward_factors, layer_jacobians, weight_gradient_parts  # the chain rule layer by layer

# Notebook 03: the interactive explorer
from helpers.explorer import GradientExplorer, gradient_explorer

# Notebook 04: training with and without shortcuts, sweeps and per-layer diagnostics
from helpers.training import build_classifier, make_spirals, train
from helpers.figures import plot_loss_curves, plot_spirals, plot_sweep_heatmap
from helpers.diagnostics import (
    layer_statistics,  # activations and gradients of every layer of any model
    plot_distributions,
    plot_gradient_heatmap,
    plot_weight_gradients,
)

# The exercises' self-checks, with hints (the classroom machinery and the grader: helpers.classroom)
from helpers.classroom.checks import (
    Verdict,
    check_fastest_vanishing,
    check_forward,
    check_gradient_means,
    check_layer_sizes_fix,
    check_vanishing_depth,
)

# The language of the figures: English, or Chinese for the Chinese edition (notebooks/zh/)
from helpers.language import set_language

__all__ = [
    # notebook 01
    "ACTIVATIONS", "ExampleDeepNeuralNetwork", "book_layer_sizes", "make_activation", "sample_input",
    "DIGITS", "book_gradients", "format_gradient", "gradient_means", "gradient_table", "print_gradients",
    "activation_curves", "first_to_last", "plot_activations", "plot_depth_sweep", "plot_gradients",
    "depth_sweep", "gradient_sweep", "ClaimFailed", "claim", "rounded",
    # notebook 02
    "plot_shortcut_diagram", "backward_factors", "layer_jacobians", "weight_gradient_parts",
    # notebook 03
    "GradientExplorer", "gradient_explorer",
    # notebook 04
    "build_classifier", "make_spirals", "train", "plot_loss_curves", "plot_spirals", "plot_sweep_heatmap",
    "layer_statistics", "plot_distributions", "plot_gradient_heatmap", "plot_weight_gradients",
    # the exercises
    "Verdict", "check_fastest_vanishing", "check_forward", "check_gradient_means", "check_layer_sizes_fix",
    "check_vanishing_depth",
    # the Chinese edition
    "set_language",
]
