"""Sweeps over depth and activation: how much of the last layer's gradient reaches the first.

`gradient_sweep` gives, for many networks at once, the numbers `gradient_means` gives for each
network built on its own, and gets them much faster: networks of every depth share their hidden
layers (`BookNetworks`), so they share the forward pass through them too. One forward pass goes
through the deepest stack; then, for each depth, one backward pass starts at that depth's last
layer and asks autograd for just the first and the last weight matrix. The operations on each
path are the ones a separately built network performs, so the numbers are the same.

`last_layer_inputs` follows the same networks forward only: what reaches their last layer, and
what that layer makes of it (why some of them pass back no gradient at all).
"""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import torch
from torch import nn

from helpers.arguments import DEPTH_LIMIT, WIDTH_LIMIT, check_bool, check_choice, check_choices, check_int, check_seed, shown
from helpers.family import BookNetworks
from helpers.network import ACTIVATIONS, sample_input

KINDS = {"plain": False, "shortcut": True}


def check_depths(depths):
    if isinstance(depths, (str, bytes, dict)) or not hasattr(depths, "__iter__"):
        raise ValueError(f"depths must be a list of integers from 1 to {DEPTH_LIMIT:,}, got {shown(depths)}")
    depths = list(itertools.islice(depths, DEPTH_LIMIT + 1))
    if not depths or len(depths) > DEPTH_LIMIT or any(
            isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= DEPTH_LIMIT for d in depths):
        raise ValueError(f"depths must be at most {DEPTH_LIMIT:,} integers from 1 to {DEPTH_LIMIT:,}, got {shown(depths)}")
    return depths


def gradient_sweep(depths, activations=tuple(ACTIVATIONS), kinds=tuple(KINDS), width=3, seed=123):
    """For every depth, activation and kind of network ('plain', 'shortcut'): the mean |gradient|
    of the first and the last weight matrix and their ratio, for the book-style network
    `ExampleDeepNeuralNetwork(book_layer_sizes(depth, width), ...)` built after
    `torch.manual_seed(seed)`, on `sample_input(width)`.

    Returns a list of rows {'depth', 'activation', 'kind', 'first', 'last', 'ratio'}; the ratio
    is nan where the last layer gets no gradient at all.
    """
    depths = check_depths(depths)
    activations = check_choices("activations", activations, ACTIVATIONS)  # before any work
    kinds = check_choices("kinds", kinds, KINDS)
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    check_seed("seed", seed)
    family = BookNetworks(width, seed)
    for activation in activations:  # create every layer first: the threads below only read them
        family.hidden_blocks(max(depths), activation)
        for depth in depths:
            family.last_block(depth, activation)
    jobs = [(activation, kind) for activation in activations for kind in kinds]
    # Each job's forward and backward passes are independent: two run at once on two cores.
    # An interrupt (Ctrl-C, Jupyter's "Interrupt kernel") reaches only this thread: it sets
    # `stop`, which the workers look at after every layer and every depth, so they end within
    # a fraction of a second instead of finishing the sweep.
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        futures = [pool.submit(sweep_stack, family, depths, activation, kind, stop) for activation, kind in jobs]
        return [row for future in futures for row in future.result()]
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class Stopped(Exception):
    """A worker's sweep ended early because the caller was interrupted."""


def sweep_stack(family, depths, activation, kind, stop=None):
    """The rows of one activation and kind: one forward pass, one backward pass per depth.
    Ends early (raising Stopped) once the event STOP is set."""
    def check():
        if stop is not None and stop.is_set():
            raise Stopped(f"the sweep of {activation}, {kind} was interrupted")

    hidden = family.hidden_blocks(max(depths), activation)
    use_shortcut = KINDS[kind]
    x = sample_input(family.width)
    rows = []
    with torch.enable_grad():
        states = [x]  # the input of layer i, for i = 0 .. deepest - 1
        for layer in hidden:
            check()
            h = states[-1]
            layer_output = layer(h)
            states.append(h + layer_output if use_shortcut and h.shape == layer_output.shape else layer_output)
        for depth in depths:
            check()
            last = family.last_block(depth, activation)
            h = states[depth - 1]
            output = last(h)
            if use_shortcut and h.shape == output.shape:  # width 1: the last layer keeps it
                output = h + output
            loss = nn.functional.mse_loss(output, torch.zeros_like(output))
            first_weight = hidden[0][0].weight if depth > 1 else last[0].weight
            grads = torch.autograd.grad(loss, [first_weight, last[0].weight], retain_graph=True)
            first, last_mean = torch.stack([g.abs().mean() for g in grads]).tolist()
            ratio = first / last_mean if last_mean != 0 else float("nan")
            rows.append({"depth": depth, "activation": activation, "kind": kind,
                         "first": first, "last": last_mean, "ratio": ratio})
    return rows


def depth_sweep(depths, activation="gelu", use_shortcut=False, width=3, seed=123):
    """How the first layer's gradient compares with the last layer's, depth by depth.

    For each depth, a book-style network (`book_layer_sizes(depth, width)`, seeded with `seed`)
    on the book's sample input. Returns one dict per depth with the keys `depth`, `first` and
    `last` (mean |gradient| of the first and last weight matrices) and `ratio` (first / last,
    nan where the last layer gets no gradient).
    """
    check_choice("activation", activation, ACTIVATIONS)
    kind = "shortcut" if check_bool("use_shortcut", use_shortcut) else "plain"
    rows = gradient_sweep(depths, [activation], [kind], width, seed)
    return [{key: row[key] for key in ("depth", "first", "last", "ratio")} for row in rows]


def last_layer_inputs(depths, activation="gelu", use_shortcut=True, width=3, seed=123):
    """What reaches the last layer of the sweep's networks (`gradient_sweep`'s, same seed and
    input), depth by depth, in one forward pass through the shared layers.

    Returns {depth: {'entering': the largest |value| entering the last layer, 'z': the last
    layer's input to its activation (its Linear's output; the layer has one unit), 'output': the
    network's output, 'switched_off': whether some layer's outputs were all exactly 0, the last
    layer's included}}.
    """
    depths = check_depths(depths)
    check_choice("activation", activation, ACTIVATIONS)
    check_bool("use_shortcut", use_shortcut)
    check_int("width", width, low=1, high=WIDTH_LIMIT)
    check_seed("seed", seed)
    family = BookNetworks(width, seed)
    h, off = sample_input(width), False
    states = [(h, off)]  # the input of layer i, and whether a layer before it was switched off
    with torch.no_grad():
        for layer in family.hidden_blocks(max(depths), activation):
            out = layer(h)
            off = off or bool((out == 0).all())
            h = h + out if use_shortcut and h.shape == out.shape else out
            states.append((h, off))
        found = {}
        for depth in depths:
            h, off = states[depth - 1]
            last = family.last_block(depth, activation)
            z, out = last[0](h), last(h)
            output = h + out if use_shortcut and h.shape == out.shape else out
            found[depth] = {"entering": h.abs().max().item(), "z": z.item(), "output": output.item(),
                            "switched_off": off or bool((out == 0).all())}
    return found
