import pytest
import torch
from torch import nn

import helpers
from helpers import ACTIVATIONS, ExampleDeepNeuralNetwork, book_layer_sizes, sample_input


class BookNetwork(nn.Module):
    """Section 4.4's class as the book writes it: five layers spelled out, GELU after each."""

    def __init__(self, layer_sizes, use_shortcut, gelu=nn.GELU):
        super().__init__()
        self.use_shortcut = use_shortcut
        self.layers = nn.ModuleList(
            [nn.Sequential(nn.Linear(layer_sizes[i], layer_sizes[i + 1]), gelu()) for i in range(5)]
        )

    def forward(self, x):
        for layer in self.layers:
            layer_output = layer(x)
            if self.use_shortcut and x.shape == layer_output.shape:
                x = x + layer_output
            else:
                x = layer_output
        return x


@pytest.mark.parametrize("use_shortcut", [False, True])
def test_same_parameters_as_the_book_after_seeding(use_shortcut):
    sizes = [3, 3, 3, 3, 3, 1]
    torch.manual_seed(123)
    book = BookNetwork(sizes, use_shortcut)
    torch.manual_seed(123)
    ours = ExampleDeepNeuralNetwork(sizes, use_shortcut)
    book_params = dict(book.named_parameters())
    our_params = dict(ours.named_parameters())
    assert list(our_params) == list(book_params)
    for name, value in book_params.items():
        assert torch.equal(our_params[name], value), name
    x = torch.tensor([[1.0, 0.0, -1.0], [0.5, -2.0, 3.0]])
    assert torch.equal(ours(x), book(x))


def test_parameter_names_follow_the_book():
    model = ExampleDeepNeuralNetwork([4, 4, 2], use_shortcut=True)
    assert [n for n, _ in model.named_parameters()] == [
        "layers.0.0.weight",
        "layers.0.0.bias",
        "layers.1.0.weight",
        "layers.1.0.bias",
    ]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_builds_and_runs(name):
    torch.manual_seed(0)
    model = ExampleDeepNeuralNetwork([3, 3, 1], use_shortcut=False, activation=name)
    assert model(sample_input()).shape == (1, 1)
    assert isinstance(model.layers[0][1], type(helpers.make_activation(name)))


def test_gelu_variants_are_exact_and_tanh():
    assert helpers.make_activation("gelu").approximate == "none"
    assert helpers.make_activation("gelu_tanh").approximate == "tanh"
    z = torch.linspace(-3, 3, 13)
    book_gelu = 0.5 * z * (1 + torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)) * (z + 0.044715 * z**3)))
    torch.testing.assert_close(helpers.make_activation("gelu_tanh")(z), book_gelu)


def test_shortcut_added_only_where_shapes_match():
    # Weights set by hand so each layer's output is known: f(x) = relu(x) with identity weights.
    model = ExampleDeepNeuralNetwork([2, 2, 3, 3], use_shortcut=True, activation="relu")
    with torch.no_grad():
        for layer in model.layers:
            linear = layer[0]
            linear.weight.zero_()
            linear.bias.zero_()
            n = min(linear.in_features, linear.out_features)
            linear.weight[:n, :n] = torch.eye(n)
    x = torch.tensor([[1.0, 2.0]])
    # layer 0 (2->2): x + relu(x) = [2, 4]; layer 1 (2->3): no shortcut, [2, 4, 0];
    # layer 2 (3->3): [2, 4, 0] + [2, 4, 0] = [4, 8, 0]
    assert model(x).tolist() == [[4.0, 8.0, 0.0]]
    plain = ExampleDeepNeuralNetwork([2, 2, 3, 3], use_shortcut=False, activation="relu")
    plain.load_state_dict(model.state_dict())
    assert plain(x).tolist() == [[1.0, 2.0, 0.0]]


def test_repr_names_the_settings():
    text = repr(ExampleDeepNeuralNetwork([3, 3, 1], use_shortcut=True, activation="tanh"))
    assert "layer_sizes=[3, 3, 1], use_shortcut=True, activation='tanh'" in text


def test_book_layer_sizes_and_sample_input():
    assert book_layer_sizes(5) == [3, 3, 3, 3, 3, 1]
    assert book_layer_sizes(1, width=8) == [8, 1]
    assert sample_input().tolist() == [[1.0, 0.0, -1.0]]
    assert sample_input(1).tolist() == [[1.0]]
    assert sample_input(5).tolist() == [[1.0, 0.5, 0.0, -0.5, -1.0]]


@pytest.mark.parametrize(
    "layer_sizes, message",
    [
        ([], r"layer_sizes needs at least two sizes .* got \[\]"),
        ([3], r"layer_sizes needs at least two sizes .* got \[3\]"),
        ([3, 0, 1], r"layer_sizes\[1\] must be an integer from 1 to 4096, got 0"),
        ([3, -2], r"layer_sizes\[1\] must be an integer from 1 to 4096, got -2"),
        ([3, 2.5], r"layer_sizes\[1\] must be an integer from 1 to 4096, got 2.5"),
        ([True, 3], r"layer_sizes\[0\] must be an integer from 1 to 4096, got True"),
        ("33", r"layer_sizes must be a list of positive integers, got '33'"),
        (3, r"layer_sizes must be a list of positive integers, got 3"),
    ],
)
def test_bad_layer_sizes_are_refused(layer_sizes, message):
    with pytest.raises(ValueError, match=message):
        ExampleDeepNeuralNetwork(layer_sizes, use_shortcut=False)


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError) as error:
        ExampleDeepNeuralNetwork([3, 1], use_shortcut=False, activation="swish")
    text = str(error.value)
    assert "got 'swish'" in text
    for name in ACTIVATIONS:
        assert repr(name) in text


def test_use_shortcut_must_be_a_bool():
    with pytest.raises(ValueError, match="use_shortcut must be True or False, got 'yes'"):
        ExampleDeepNeuralNetwork([3, 1], use_shortcut="yes")


@pytest.mark.parametrize("x", [torch.ones(1, 4), torch.ones(2, 5), torch.tensor(1.0)])
def test_input_of_the_wrong_width_is_refused(x):
    model = ExampleDeepNeuralNetwork([3, 1], use_shortcut=False)
    with pytest.raises(ValueError, match=r"x must have a last dimension of layer_sizes\[0\]=3, got x of shape"):
        model(x)


def test_input_that_is_not_a_tensor_is_refused():
    model = ExampleDeepNeuralNetwork([3, 1], use_shortcut=False)
    with pytest.raises(ValueError, match=r"x must be a torch.Tensor, got list"):
        model([[1.0, 0.0, -1.0]])


@pytest.mark.parametrize("bad", [0, -1, 2.0, None])
def test_book_helpers_refuse_bad_sizes(bad):
    with pytest.raises(ValueError, match=f"depth must be an integer from 1 to 10000, got {bad!r}"):
        book_layer_sizes(bad)
    with pytest.raises(ValueError, match=f"width must be an integer from 1 to 4096, got {bad!r}"):
        sample_input(bad)
