"""How fast the gradient explorer answers a control change, against the naive version.

For depth 50 and depth 200 (width 3, exact GELU, both networks), measured in this one run,
interleaved, median of --repeats:
- explorer: set a control's value on `helpers.gradient_explorer(...)` and wait for it to
  return; by then the figure is updated and rendered to PNG. Two changes are timed: a depth
  step (between depth and depth - 1) and an activation switch (gelu <-> gelu_tanh).
- naive: what a notebook author would write without care for speed: the book's class rebuilt
  for both networks on every change, gradients read as `print_gradients` reads them, a new
  pyplot figure each time, rendered to PNG.
Target: the explorer at least 4x faster than the naive version at both depths.

    python benchmarks/explorer_speed.py [--repeats 15]
"""

import argparse
import gc
import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import helpers  # noqa: E402

TARGET = 4.0


class BookNetwork(nn.Module):
    """The book's class, with the five hand-written layers turned into a loop over the sizes."""

    def __init__(self, layer_sizes, use_shortcut):
        super().__init__()
        self.use_shortcut = use_shortcut
        self.layers = nn.ModuleList(
            [nn.Sequential(nn.Linear(layer_sizes[i], layer_sizes[i + 1]), nn.GELU()) for i in range(len(layer_sizes) - 1)]
        )

    def forward(self, x):
        for layer in self.layers:
            layer_output = layer(x)
            if self.use_shortcut and x.shape == layer_output.shape:
                x = x + layer_output
            else:
                x = layer_output
        return x


def naive_update(depth):
    """Rebuild both networks, measure their gradients, draw a new figure and render it."""
    layer_sizes = [3] * depth + [1]
    sample_input = torch.tensor([[1.0, 0.0, -1.0]])
    results = {}
    for use_shortcut in [False, True]:
        torch.manual_seed(123)
        model = BookNetwork(layer_sizes, use_shortcut)
        loss = nn.MSELoss()(model(sample_input), torch.tensor([[0.0]]))
        loss.backward()
        results[use_shortcut] = [p.grad.abs().mean().item() for n, p in model.named_parameters() if "weight" in n]
    fig, ax = plt.subplots()
    ax.plot(results[False], marker="o", label="without shortcuts")
    ax.plot(results[True], marker="s", label="with shortcuts")
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("mean |gradient|")
    ax.set_title(f"{depth} layers")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def timed(action):
    gc.collect()  # the same clean start for both versions: no collection of the other's garbage
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15, help="timed changes of each kind (default 15)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    print(f"median of {args.repeats} changes each, milliseconds; width 3, exact GELU, both networks")
    print(f"{'depth':>5}  {'naive':>8}  {'explorer: depth step':>21}  {'ratio':>6}  {'explorer: activation':>21}  {'ratio':>6}")
    all_met = True
    for depth in [50, 200]:
        explorer = helpers.gradient_explorer(depth=depth, width=3, activation="gelu", shortcut="both")
        naive_update(depth)  # warm-up: first figure, first kernels
        explorer.depth.value = depth - 1
        explorer.depth.value = depth
        naive, step, switch = [], [], []
        for i in range(args.repeats):
            naive.append(timed(lambda: naive_update(depth)))
            target_depth = depth - 1 if explorer.depth.value == depth else depth
            step.append(timed(lambda: setattr(explorer.depth, "value", target_depth)))
            target_activation = "gelu_tanh" if explorer.activation.value == "gelu" else "gelu"
            switch.append(timed(lambda: setattr(explorer.activation, "value", target_activation)))
        n, s, a = (1000 * statistics.median(v) for v in (naive, step, switch))
        all_met &= n / s >= TARGET and n / a >= TARGET
        print(f"{depth:>5}  {n:>8.1f}  {s:>21.1f}  {n / s:>5.1f}x  {a:>21.1f}  {n / a:>5.1f}x")
    print(f"target: explorer >= {TARGET:.0f}x faster than naive at both depths: {'met' if all_met else 'NOT met'}")


if __name__ == "__main__":
    main()
