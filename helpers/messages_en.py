"""The English text of the helpers' figures: one entry per string, read by
`helpers.language.message(key, **values)`. `helpers/messages_zh.py` has the same keys."""

MESSAGES = {
    # what several figures share
    "sep": "; ",
    "list_sep": ", ",
    "period": ".",
    "lowest": "lowest",
    "highest": "highest",
    "line_from_to": "{label} from {start} to {end}",
    "logarithmic": "logarithmic",
    "linear": "linear",
    "line_chart_alt": "{title}. Line chart, {scale} y axis: {ylabel} against {xlabel}, {lines}{reference}.",
    "guide_reference": "; a dotted line marks {guide}",
    "number_of_layers": "number of layers",
    "without_shortcuts": "without shortcuts",
    "with_shortcuts": "with shortcuts",
    # plot_activations
    "activations_title": "The sigmoid's slope never exceeds 0.25; the others reach 1 or more",
    "input_z": "input z",
    "activation_panel": "Activation",
    "derivative_panel": "Its derivative (the per-layer factor)",
    "activations_alt": ("{title}. Two panels over z from {low} to {high}: left, the activations {names}; right, their "
                        "slopes, with a dotted line at 0.25 (largest slopes: {slopes})."),
    # plot_gradients
    "gradients_title": "First layer's gradient as a share of the last layer's: {shares}",
    "gradients_x": "layer (input side on the left)",
    "gradients_y": "mean |gradient| of the weights",
    # plot_depth_sweep
    "sweep_title": "At depth {depth}, first/last: {ratios}",
    "sweep_y": "first layer / last layer, mean |gradient|",
    # plot_spirals
    "spirals_title": "Two interleaved spirals: the task",
    "spirals_class": "class {label}",
    "spirals_alt": ("{title}. Scatter plot of {points} points in the plane, x1 across and x2 up: class 0 ({zeros} blue "
                    "circles) and class 1 ({ones} orange squares) wind around each other in two spiral arms."),
    # plot_loss_curves
    "loss_title": "Training loss",
    "loss_x": "training step",
    "loss_y": "loss (binary cross-entropy)",
    "loss_guide": "ln 2 = 0.69: the loss of guessing",
    # plot_sweep_heatmap
    "heatmap_title": "How much of the last layer's gradient reaches the first (grey: no ratio)",
    "heatmap_colorbar": "log10(first layer / last layer)",
    "heatmap_panel": "{kind} ({grey} grey cells)",
    "heatmap_and": " and ",
    "heatmap_alt": ("{title}. Heatmaps of log10 of the first-to-last gradient ratio, depth {first} to {last} across and "
                    "the activations {activations} down, on one colour scale from 10^-30 (dark) to 1 (bright): "
                    "{panels}; grey cells have no ratio."),
}
