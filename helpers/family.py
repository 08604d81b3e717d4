"""Book-style networks of every depth for one width and seed, from layers created only once.

After `torch.manual_seed(seed)`, a network of `depth` layers (`book_layer_sizes(depth, width)`)
draws its `depth - 1` hidden layers (width -> width) and then its last layer (width -> 1). So
networks of every depth share the hidden layers of the deepest one, and the last layer of
depth d is drawn from the random state saved after hidden layer d - 1. `BookNetworks` keeps
those layers, so the explorer's slider and the depth sweeps build each layer once, and every
network it assembles holds exactly the weights `ExampleDeepNeuralNetwork` gets after the same
seed (tests/test_explorer.py checks it weight by weight).
"""

import torch
from torch import nn

from helpers.network import ExampleDeepNeuralNetwork, book_layer_sizes, make_activation


class BookNetworks:
    """The layers of book-style networks of any depth, for one `width` and `seed`."""

    def __init__(self, width=3, seed=123):
        book_layer_sizes(1, width)  # checks width
        self.width, self.seed = width, seed
        with torch.random.fork_rng(devices=[]):  # leave the caller's random state alone
            torch.manual_seed(seed)
            self._states = [torch.get_rng_state()]  # random state before hidden layer i
        self._hidden, self._last, self._blocks = [], {}, {}

    def _draw(self, depth):
        # float32 on the CPU on purpose, whatever torch's default dtype and device are now: the
        # layers drawn earlier are, and a network mixing float32 and float64 layers cannot run.
        # The random draws are the same as those of nn.Linear under torch's defaults.
        kind = {"dtype": torch.float32, "device": "cpu"}
        with torch.random.fork_rng(devices=[]):
            while len(self._hidden) < depth - 1:
                torch.set_rng_state(self._states[-1])
                self._hidden.append(nn.Linear(self.width, self.width, **kind))
                self._states.append(torch.get_rng_state())
            if depth not in self._last:
                torch.set_rng_state(self._states[depth - 1])
                self._last[depth] = nn.Linear(self.width, 1, **kind)

    def hidden_blocks(self, depth, activation):
        """The first `depth - 1` Linear + activation blocks (shared by every deeper network)."""
        self._draw(depth)
        blocks = self._blocks.setdefault(activation, [])
        for linear in self._hidden[len(blocks) : depth - 1]:
            blocks.append(nn.Sequential(linear, make_activation(activation)))
        return blocks[: depth - 1]

    def last_block(self, depth, activation):
        """The last block (width -> 1) of the network of `depth` layers."""
        self._draw(depth)
        key = (activation, depth)
        if key not in self._blocks:
            self._blocks[key] = nn.Sequential(self._last[depth], make_activation(activation))
        return self._blocks[key]

    def network(self, depth, activation="gelu", use_shortcut=False):
        """`ExampleDeepNeuralNetwork(book_layer_sizes(depth, width), use_shortcut, activation)`
        as built after `torch.manual_seed(seed)`, assembled from the kept layers."""
        layers = [*self.hidden_blocks(depth, activation), self.last_block(depth, activation)]
        return ExampleDeepNeuralNetwork(book_layer_sizes(depth, self.width), use_shortcut, activation, layers)
