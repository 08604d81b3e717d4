"""Training with and without shortcuts: a small task made in code, the model, the loop, and
the largest jump of a loss curve (`largest_spike`).

The task is two interleaved spirals in the plane, one per class (no download). The models are
built like the book's network: Linear + activation layers, with the shortcut wherever a layer
keeps the width, followed by a linear read-out that gives one logit.
"""

import math
from collections import OrderedDict

import torch
from torch import nn

from helpers.arguments import DEPTH_LIMIT, WIDTH_LIMIT, check_bool, check_int, check_number, check_seed
from helpers.network import ExampleDeepNeuralNetwork, make_activation


STEP_LIMIT = 100_000  # training steps of one call (minutes for the notebooks' networks)


def make_spirals(points=300, noise=0.2, turns=1.5, seed=0):
    """Two interleaved spirals: `x` of shape [points, 2] and labels `y` of shape [points, 1]
    (0.0 or 1.0, half each), drawn from their own random generator seeded with `seed`."""
    if isinstance(points, bool) or not isinstance(points, int) or points < 2 or points % 2 or points > 1_000_000:
        raise ValueError(f"points must be an even integer from 2 to 1000000, got {points!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be zero or a positive finite number, got {noise!r}")
    check_number("turns", turns)
    if turns <= 0:
        raise ValueError(f"turns must be a positive number (how many times each arm winds round), got {turns!r}")
    check_seed("seed", seed)
    generator = torch.Generator().manual_seed(seed)
    half = points // 2
    t = torch.rand(half, generator=generator) * turns * 2 * math.pi + 0.5  # angle along the arm
    arm = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (turns * 2 * math.pi)
    x = torch.cat([arm, -arm]) + noise * torch.randn(points, 2, generator=generator) / 4
    y = torch.cat([torch.zeros(half, 1), torch.ones(half, 1)])
    return x, y


def build_classifier(depth, width=16, activation="gelu", use_shortcut=False, seed=0):
    """`depth` Linear + activation layers (2 -> width, then width -> width, shortcuts where the
    width stays), then a linear read-out to one logit; weights drawn after `torch.manual_seed`.

    An `nn.Sequential` of two parts, `body` (an `ExampleDeepNeuralNetwork`) and `read_out`, so
    its parameters are named `body.layers.{i}.0.weight` ... and `read_out.weight`."""
    check_int("depth", depth, low=1, high=DEPTH_LIMIT)
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    make_activation(activation)
    check_bool("use_shortcut", use_shortcut)
    check_seed("seed", seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        body = ExampleDeepNeuralNetwork([2] + [width] * depth, use_shortcut, activation)
        return nn.Sequential(OrderedDict(body=body, read_out=nn.Linear(width, 1)))


def weight_gradient_norms(model):
    """The norm of each weight matrix's gradient, in layer order (0.0 where there is none)."""
    return [
        (param.grad.norm().item() if param.grad is not None else 0.0)
        for name, param in model.named_parameters()
        if name.endswith("weight") and param.ndim >= 2
    ]


def flushes_denormals():
    """Whether torch currently flushes denormal floats to zero (torch has no getter for it)."""
    return torch.tensor([1e-40], dtype=torch.float32).mul(1.0).item() == 0.0


def train(model, x, y, steps=500, lr=1e-3, progress=None):
    """Full-batch Adam on the binary cross-entropy of the logits, for `steps` steps.

    Returns {'loss': [loss before each step], 'grad_norms': [per step, per weight matrix],
    'accuracy': final share of points on the right side}. `progress` is an optional wrapper
    for the step range, such as `tqdm.auto.tqdm`.
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}: {model!r}"[:300])
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError("model has no trainable parameters (every requires_grad is False): nothing to train")
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            kind = f"a tensor of {value.dtype}" if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"{name} must be a tensor of floats (such as make_spirals gives), got {kind}")
    if y.shape != (x.shape[0], 1):
        raise ValueError(f"y must have one label per point of x, shape {(x.shape[0], 1)}, got {tuple(y.shape)}")
    check_int("steps", steps, low=1, high=STEP_LIMIT)
    check_number("lr", lr)
    if lr <= 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    history = {"loss": [], "grad_norms": []}
    steps_range = range(steps) if progress is None else progress(range(steps))
    # Vanishing gradients are also slow ones: numbers below 1e-38 ("denormals") take a CPU
    # many times longer to multiply. They are far too small to move a weight, so they are
    # treated as 0 while training runs. And these tensors are so small that a second thread
    # costs more than it saves: one thread, which also makes every run repeat exactly.
    # Both settings, and the caller's grad mode, are put back afterwards.
    threads, flushing = torch.get_num_threads(), flushes_denormals()
    torch.set_flush_denormal(True)
    torch.set_num_threads(1)
    grad = torch.is_grad_enabled()
    torch.set_grad_enabled(True)  # also inside a caller's torch.no_grad()
    try:
        for _ in steps_range:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            history["loss"].append(loss.item())
            history["grad_norms"].append(weight_gradient_norms(model))
            optimizer.step()
    finally:
        torch.set_flush_denormal(flushing)
        torch.set_num_threads(threads)
        torch.set_grad_enabled(grad)
    with torch.no_grad():
        history["accuracy"] = ((model(x) > 0).float() == y).float().mean().item()
    return history


def largest_spike(losses):
    """The largest jump of a loss curve above the lowest loss it had reached before.

    Returns {'rise': how far the loss rose, 'step': the step of the peak, 'loss': the loss there,
    'low': the lowest loss before the peak, 'low_step': where that was, 'back_step': the first
    step after the peak whose loss is back at or below 'low' (None if it never gets back)}.
    A curve that never rises gives rise 0.0 and None for every step and loss.
    """
    losses = [float(value) for value in losses]
    if len(losses) < 2 or not all(math.isfinite(value) for value in losses):
        raise ValueError(f"losses must hold at least two finite numbers, got {losses!r}")
    best = {"rise": 0.0, "step": None, "loss": None, "low": None, "low_step": None, "back_step": None}
    low_step = 0
    for step in range(1, len(losses)):
        rise = losses[step] - losses[low_step]
        if rise > best["rise"]:
            best = {"rise": rise, "step": step, "loss": losses[step], "low": losses[low_step], "low_step": low_step}
        if losses[step] < losses[low_step]:
            low_step = step
    if best["step"] is not None:
        later = [s for s in range(best["step"] + 1, len(losses)) if losses[s] <= best["low"]]
        best["back_step"] = later[0] if later else None
    return best
