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
    # helpers.diagnostics
    "layer_n": "layer {n}",
    "read_out": "read-out",
    "layer_axis": "layer (1: next to the input)",
    "no_gradient": "no gradient (or exactly 0)",
    "none": "{label} none",
    "spread_of_activations": "activations",
    "spread_of_gradients": "gradient arriving at the activations",
    "std_of_activations": "standard deviation of the activations",
    "std_of_gradient": "standard deviation of the gradient",
    "spread_title": "Spread of the {what}, layer by layer",
    "spread_alt": ("{title}. Bar chart, one bar per layer from {first} (next to the input) to {last}, {scale} axis: the "
                   "standard deviation of the {what}: {values}."),
    "ratio_legend": "‖gradient‖ / ‖weight‖",
    "weight_axis": "weight matrix (layer 1: next to the input)",
    "ratio_axis": "gradient norm / weight norm",
    "weights_title": "How strongly each weight matrix is pushed, relative to its size",
    "no_weight_gets_gradient": "no weight matrix gets any gradient",
    "weights_range": "the smallest ratio is {low} ({low_label}), the largest {high} ({high_label})",
    "weights_missing": "; {missing} without gradient, marked at the bottom",
    "weights_alt": ("{title}. Line chart with a logarithmic y axis: the ratio of gradient norm to weight norm of each "
                    "weight matrix, {first} to {last}: {summary}."),
    "gradient_norm": "gradient norm",
    "heat_title": "Gradient norm of every layer during training",
    "heat_label": "{label}: ",
    "heat_range": "{label}from {low} to {high}",
    "heat_dark": ", rows 1 to {half} dark throughout (at most {most})",
    "heat_stripe": ", a bright stripe across every row at step {peak} (at least {least} there)",
    "heat_one": "Heatmap",
    "heat_many": "{n} heatmaps, one above the other,",
    "heat_alt": ("{title}. {kind} of the gradient norm of every weight matrix, rows 1 (next to the input) to {top} up and "
                 "training steps 0 to {last_step} across, on one logarithmic colour scale (dark: small): {panels}."),
    # helpers.diagram
    "values_one": "{n} value",
    "values_many": "{n} values",
    "layers_one": "{n} layer",
    "layers_many": "{n} layers",
    "skip_paths_one": "{n} skip path",
    "skip_paths_many": "{n} skip paths",
    "diagram_plain": "Without shortcuts: x = layer(x)",
    "diagram_shortcut": "With shortcuts: x = x + layer(x)",
    "diagram_input": "input x ({values})",
    "diagram_output": "output ({values})",
    "diagram_no_shortcut": "no shortcut:\n{n_in} → {n_out} changes\nthe width",
    "diagram_around": "shortcut:\nx goes\naround",
    "diagram_no_layer_keeps": "No layer keeps its width, so no layer gets a shortcut",
    "diagram_carries": "A shortcut carries each {kept} layer's input around it",
    "diagram_gets_none_one": "; the {changed} layer gets none",
    "diagram_gets_none_many": "; the {changed} layers get none",
    "diagram_alt": ("{title}. Two drawings of the same stack of {layers} (Linear then activation), input at the bottom: "
                    "on the left each layer feeds the next; on the right {skips} carry a layer's input around it to a "
                    "plus node, where it is added to the layer's output."),
}
