"""How long each learner check of the exercises takes (`helpers.check_*`), against its target of
one second in a learner's kernel, and against the baseline of the learner's own work it checks:
one `helpers.gradient_means` of the book's network. Median of --repeats, measured in this run
with torch's default number of threads, as a learner's kernel has.

    python benchmarks/check_speed.py [--repeats 5]
"""

import argparse
import statistics
import time

import torch
from torch import nn

import helpers

TARGET = 1.0


class LearnerNetwork(nn.Module):
    """A right answer to exercise 1: the exercise's __init__ and the shortcut forward method."""

    def __init__(self, layer_sizes, use_shortcut):
        super().__init__()
        self.use_shortcut = use_shortcut
        self.layers = nn.ModuleList(nn.Sequential(nn.Linear(a, b), nn.GELU()) for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

    def forward(self, x):
        for layer in self.layers:
            layer_output = layer(x)
            x = x + layer_output if self.use_shortcut and x.shape == layer_output.shape else layer_output
        return x


def learners_gradient_means(model, x):
    output = model(x)
    model.zero_grad()
    nn.functional.mse_loss(output, torch.zeros_like(output)).backward()
    return {n: p.grad.abs().mean().item() for n, p in model.named_parameters() if "weight" in n}


CHECKS = {
    "check_forward": lambda: helpers.check_forward(LearnerNetwork),
    "check_gradient_means": lambda: helpers.check_gradient_means(learners_gradient_means),
    "check_fastest_vanishing": lambda: helpers.check_fastest_vanishing("sigmoid", 3.8e-19, 0.25),
    "check_vanishing_depth": lambda: helpers.check_vanishing_depth(8, 0.01),
    "check_layer_sizes_fix": lambda: helpers.check_layer_sizes_fix([3, 3, 3, 3, 3, 1]),
}


def median_seconds(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    torch.manual_seed(123)
    book = helpers.ExampleDeepNeuralNetwork([3, 3, 3, 3, 3, 1], use_shortcut=False)
    baseline = median_seconds(lambda: helpers.gradient_means(book, helpers.sample_input()), repeats)
    print(f"baseline, one gradient_means of the book's network: {baseline * 1000:.2f} ms (median of {repeats})")
    slowest = 0.0
    for name, call in CHECKS.items():
        call()  # warm up: imports, caches
        seconds = median_seconds(call, repeats)
        slowest = max(slowest, seconds)
        print(f"{name:<24} {seconds * 1000:8.1f} ms  = {seconds / baseline:7.0f}x the baseline, "
              f"{'within' if seconds < TARGET else 'OVER'} the target of {TARGET:g} s")
    print(f"slowest check: {slowest:.3f} s against the target of {TARGET:g} s: {'met' if slowest < TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
