"""Helpers for the shortcut-connections notebooks: the book's network, gradient measurements,
the chain rule layer by layer, and the figures the notebooks show.

    import helpers
    torch.manual_seed(123)
    model = helpers.ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)
    helpers.print_gradients(model, torch.tensor([[1., 0., -1.]]))
"""

from helpers.chain import backward_factors, layer_jacobians
from helpers.claims import ClaimFailed, claim, rounded
from helpers.figures import (
    activation_curves,
    first_to_last,
    plot_activations,
    plot_depth_sweep,
    plot_gradients,
)
from helpers.gradients import (
    DIGITS,
    book_gradients,
    format_gradient,
    gradient_means,
    gradient_table,
    print_gradients,
)
from helpers.sweeps import depth_sweep, gradient_sweep
from helpers.network import (
    ACTIVATIONS,
    ExampleDeepNeuralNetwork,
    book_layer_sizes,
    make_activation,
    sample_input,
)

__all__ = [
    "ClaimFailed",
    "claim",
    "rounded",
    "ACTIVATIONS",
    "DIGITS",
    "ExampleDeepNeuralNetwork",
    "activation_curves",
    "backward_factors",
    "book_gradients",
    "book_layer_sizes",
    "depth_sweep",
    "first_to_last",
    "format_gradient",
    "gradient_means",
    "gradient_sweep",
    "gradient_table",
    "layer_jacobians",
    "make_activation",
    "plot_activations",
    "plot_depth_sweep",
    "plot_gradients",
    "print_gradients",
    "sample_input",
]

from helpers.explorer import GradientExplorer, gradient_explorer  # noqa: E402

__all__ += ["GradientExplorer", "gradient_explorer"]

from helpers.checks import (  # noqa: E402
    Verdict,
    check_fastest_vanishing,
    check_forward,
    check_gradient_means,
    check_layer_sizes_fix,
    check_vanishing_depth,
)

__all__ += [
    "Verdict",
    "check_fastest_vanishing",
    "check_forward",
    "check_gradient_means",
    "check_layer_sizes_fix",
    "check_vanishing_depth",
]

from helpers.diagnostics import (  # noqa: E402
    layer_statistics,
    plot_distributions,
    plot_gradient_heatmap,
    plot_weight_gradients,
)
from helpers.figures import plot_loss_curves, plot_spirals, plot_sweep_heatmap  # noqa: E402
from helpers.training import build_classifier, make_spirals, train  # noqa: E402

__all__ += [
    "build_classifier",
    "layer_statistics",
    "make_spirals",
    "plot_distributions",
    "plot_gradient_heatmap",
    "plot_loss_curves",
    "plot_spirals",
    "plot_sweep_heatmap",
    "plot_weight_gradients",
    "train",
]

from helpers.diagram import plot_shortcut_diagram  # noqa: E402

__all__ += ["plot_shortcut_diagram"]
