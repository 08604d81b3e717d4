"""How fast `helpers.gradient_sweep` is against the naive loop, and that both agree.

The sweep: depths 1..64 x the five activations x both kinds of network (640 networks, width 3,
seed 123). Measured in this one run, alternating, median of --repeats:
- naive: for every network, build it with `ExampleDeepNeuralNetwork` and call `gradient_means`;
- gradient_sweep: the same numbers from shared layers and one forward pass per stack.
Every first-to-last ratio must equal the naive loop's (rtol 1e-5; nan where both are nan).
Target: gradient_sweep at least 5x faster.

    python benchmarks/sweep_speed.py [--repeats 3]
"""

import argparse
import gc
import math
import statistics
import time

import torch

import helpers
from helpers.sweeps import gradient_sweep

DEPTHS = range(1, 65)
TARGET = 5.0


def naive_sweep():
    rows = []
    for activation in helpers.ACTIVATIONS:
        for kind in ["plain", "shortcut"]:
            for depth in DEPTHS:
                torch.manual_seed(123)
                model = helpers.ExampleDeepNeuralNetwork(helpers.book_layer_sizes(depth, 3), kind == "shortcut", activation)
                means = list(helpers.gradient_means(model, helpers.sample_input(3)).values())
                ratio = means[0] / means[-1] if means[-1] != 0 else float("nan")
                rows.append({"depth": depth, "activation": activation, "kind": kind, "ratio": ratio})
    return rows


def timed(action):
    gc.collect()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-5)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    naive_times, sweep_times = [], []
    for _ in range(args.repeats):
        seconds, naive = timed(naive_sweep)
        naive_times.append(seconds)
        seconds, sweep = timed(lambda: gradient_sweep(DEPTHS))
        sweep_times.append(seconds)
    key = lambda r: (r["activation"], r["kind"], r["depth"])  # noqa: E731
    naive_by_key = {key(r): r["ratio"] for r in naive}
    mismatches = [r for r in sweep if not same(r["ratio"], naive_by_key[key(r)])]
    exact = sum(r["ratio"] == naive_by_key[key(r)] or (math.isnan(r["ratio"]) and math.isnan(naive_by_key[key(r)])) for r in sweep)
    n, s = statistics.median(naive_times), statistics.median(sweep_times)
    print(f"640 networks (depths 1-64 x 5 activations x 2 kinds, width 3), median of {args.repeats}")
    print(f"naive loop      {n:7.2f} s   runs {', '.join(f'{t:.2f}' for t in naive_times)}")
    print(f"gradient_sweep  {s:7.2f} s   runs {', '.join(f'{t:.2f}' for t in sweep_times)}")
    print(f"ratio {n / s:.1f}x (target >= {TARGET:.0f}x: {'met' if n / s >= TARGET else 'NOT met'})")
    print(f"ratios equal to the naive loop's (rtol 1e-5): {len(sweep) - len(mismatches)} of {len(sweep)}"
          f" ({exact} bit for bit)")
    if mismatches:
        raise SystemExit(f"{len(mismatches)} ratios differ, first: {mismatches[0]}")


if __name__ == "__main__":
    main()
