"""The chain rule, layer by layer: why the product of per-layer factors collapses, or does not.

The gradient that reaches layer k is the gradient at the output multiplied by the Jacobian of
every layer above it. A plain layer contributes J_f = d f(x) / dx; a layer with a shortcut,
x + f(x), contributes I + J_f, whose identity part keeps the product from shrinking to zero.
`weight_gradient_parts` then follows that gradient into the weights: a weight matrix's gradient
is the outer product of (signal at the layer's output * activation slope) and the layer's input.
"""

import torch

from helpers.network import ExampleDeepNeuralNetwork, check_input


def layer_jacobians(model, x):
    """The Jacobian of each layer at the point the forward pass of `x` (one example) visits.

    Returns a list of dicts, one per layer: `shortcut` (whether the layer adds its input) and
    `jacobian` (shape [n_out, n_in]: I + J_f where the shortcut applies, J_f elsewhere).
    """
    if not isinstance(model, ExampleDeepNeuralNetwork):
        raise ValueError(f"model must be an ExampleDeepNeuralNetwork, got {type(model).__name__}")
    check_input(x, model.layer_sizes[0])
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(f"x must hold one example, shape [1, n], got x of shape {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError(f"x must hold finite numbers (no nan or inf), got {x!r}")
    x = x.to(model.layers[0][0].weight.dtype)
    rows = []
    h = x[0].detach()  # Shape [n_in]: the input of the current layer
    for layer in model.layers:
        out = layer(h)
        shortcut = model.use_shortcut and out.shape == h.shape

        def step(v, layer=layer, shortcut=shortcut):
            return v + layer(v) if shortcut else layer(v)

        jacobian = torch.autograd.functional.jacobian(step, h)  # Shape [n_out, n_in]
        rows.append({"shortcut": shortcut, "jacobian": jacobian})
        h = step(h).detach()
    return rows


def backward_factors(model, x):
    """How much each layer, and every layer above it together, scale a gradient on its way down.

    For each layer k, `layer_gain` is the largest singular value of its Jacobian and
    `gain_to_output` that of the product of the Jacobians of layers k..L (the factor between
    the gradient at the output and the gradient at layer k's input).
    """
    rows = layer_jacobians(model, x)
    product = None
    gains = []
    for row in reversed(rows):
        product = row["jacobian"] if product is None else product @ row["jacobian"]
        gains.append(torch.linalg.matrix_norm(product, ord=2).item())
    gains.reverse()
    return [
        {
            "layer": k,
            "shortcut": row["shortcut"],
            "layer_gain": torch.linalg.matrix_norm(row["jacobian"], ord=2).item(),
            "gain_to_output": gain,
        }
        for k, (row, gain) in enumerate(zip(rows, gains))
    ]


def weight_gradient_parts(model, x):
    """The pieces each weight matrix's gradient is built from, layer by layer.

    For layer k with input `input` (the x its weight multiplies), pre-activation z = W x + b
    and output f(z), after one forward and backward pass of `x` (one example, the MSE loss
    against 0, as `gradient_means`): `signal` is the gradient of the loss at the layer's output
    f(z) (what arrives from the layers above), `slope` the activation's slope f'(z), and
    `gradient` autograd's d loss / d W. The rule they obey, an outer product:
    `gradient == torch.outer(signal * slope, input)`. All are plain tensors, detached.
    """
    if not isinstance(model, ExampleDeepNeuralNetwork):
        raise ValueError(f"model must be an ExampleDeepNeuralNetwork, got {type(model).__name__}")
    check_input(x, model.layer_sizes[0])
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(f"x must hold one example, shape [1, n], got x of shape {tuple(x.shape)}")
    weights = [linear.weight for linear, _ in model.layers]
    with torch.enable_grad():
        h = x.to(weights[0].dtype)
        inputs, pre_activations, outputs = [], [], []
        for linear, activation in model.layers:  # the forward pass of the model, step by step
            z = linear(h)
            out = activation(z)
            inputs.append(h)
            pre_activations.append(z)
            outputs.append(out)
            h = h + out if model.use_shortcut and out.shape == h.shape else out
        loss = torch.nn.functional.mse_loss(h, torch.zeros_like(h))
        signals_and_gradients = torch.autograd.grad(loss, outputs + weights)
        slopes = []
        for (_, activation), z in zip(model.layers, pre_activations):
            z = z.detach().requires_grad_(True)
            (slope,) = torch.autograd.grad(activation(z).sum(), z)  # elementwise: f'(z) at each z
            slopes.append(slope)
    n = len(model.layers)
    signals, gradients = signals_and_gradients[:n], signals_and_gradients[n:]
    return [
        {"signal": s[0].detach(), "slope": f[0].detach(), "input": i[0].detach(), "gradient": g.detach()}
        for s, f, i, g in zip(signals, slopes, inputs, gradients)
    ]
