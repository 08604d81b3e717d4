"""The gradient explorer driven from Python, as a notebook or a benchmark drives it."""

import io
import itertools
import math

import numpy as np
import pytest
import torch
from PIL import Image
from traitlets import TraitError

import helpers
from helpers.explorer import TOOLTIP, finding, line_shape, measure
from helpers.family import BookNetworks
from helpers.explorer_figure import GradientFigure, balanced_lines, decade_limits, round_up_depth


def reference(depth, width, activation, kind, seed, input_scale):
    """What the static notebooks compute for the same settings."""
    torch.manual_seed(seed)
    model = helpers.ExampleDeepNeuralNetwork(helpers.book_layer_sizes(depth, width), kind == "shortcut", activation)
    return helpers.gradient_means(model, input_scale * helpers.sample_input(width))


def plotted(explorer, kind):
    line = explorer.plot.lines[kind]
    return list(line.get_xdata()), list(line.get_ydata())


@pytest.fixture
def explorer():
    return helpers.gradient_explorer()


def test_controls_are_widgets_with_the_promised_ranges(explorer):
    assert (explorer.depth.min, explorer.depth.max) == (1, 200)
    assert (explorer.width.min, explorer.width.max) == (1, 64)
    assert list(explorer.activation.options) == list(helpers.ACTIVATIONS)
    assert [value for _, value in explorer.shortcut.options] == ["plain", "shortcut", "both"]
    assert explorer.seed.min == 0 and explorer.seed.max >= 2**31 - 1
    assert explorer.input_scale.min == -3 and explorer.input_scale.max == 3  # 10**-3 .. 10**3
    for control in explorer.controls:
        assert control.description and getattr(control, TOOLTIP)  # a label and a hover explanation
    assert explorer.widget.children[-2] is explorer.image
    assert "application/vnd.jupyter.widget-view+json" in shown_bundle(explorer)


def shown_bundle(explorer):
    """What a notebook receives when the explorer is a cell's last value, in ipywidgets 8 (a
    mime bundle) or 7, Colab's (the widget calls `display` itself)."""
    if hasattr(explorer, "_repr_mimebundle_"):
        return explorer._repr_mimebundle_()
    import ipywidgets.widgets.widget as widget_module

    shown = []
    original = widget_module.display
    widget_module.display = lambda data, raw=False: shown.append(data)
    try:
        explorer._ipython_display_()
    finally:
        widget_module.display = original
    (bundle,) = shown
    return bundle


def test_initial_values_are_taken():
    e = helpers.gradient_explorer(depth=7, width=4, activation="tanh", shortcut="plain", seed=5, input_scale=0.5)
    assert e.settings() == {"depth": 7, "width": 4, "activation": "tanh", "shortcut": "plain", "seed": 5, "input_scale": 0.5}
    assert e.data == {"plain": reference(7, 4, "tanh", "plain", 5, 0.5)}


def test_the_book_network_is_the_default_story(explorer):
    explorer.depth.value = 5
    assert explorer.data["plain"] == pytest.approx(dict(zip(explorer.data["plain"], [
        0.0002017411752603948, 0.00012011770741082728, 0.0007152436883188784,
        0.0013988509308546782, 0.005049603525549173])), rel=1e-5)
    assert explorer.readout.value == (
        "The first layer gets, of the last layer's gradient: 0.04 without shortcuts, 0.17 with shortcuts"
    )


SETTINGS = [
    dict(depth=5, width=3, activation="gelu", seed=123, input_scale=1.0),
    dict(depth=1, width=1, activation="relu", seed=0, input_scale=0.001),
    dict(depth=30, width=8, activation="sigmoid", seed=7, input_scale=10.0),
    dict(depth=120, width=3, activation="tanh", seed=123, input_scale=1.0),
    dict(depth=17, width=64, activation="gelu_tanh", seed=2**31 - 1, input_scale=1000.0),
    dict(depth=200, width=3, activation="gelu", seed=0, input_scale=1000.0),
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_every_number_is_exactly_what_gradient_means_gives(explorer, settings):
    explorer.shortcut.value = "both"
    for name, value in settings.items():
        getattr(explorer, name).value = value
    for kind in ["plain", "shortcut"]:
        expected = reference(**settings, kind=kind)
        assert explorer.data[kind] == pytest.approx(expected, rel=0, abs=0, nan_ok=True)
        xs, ys = plotted(explorer, kind)
        values = list(expected.values())
        assert xs == list(range(len(values)))
        for y, value in zip(ys, values):
            assert (math.isnan(y) and not (math.isfinite(value) and value > 0)) or y == value


def test_one_network_at_a_time(explorer):
    explorer.depth.value = 5
    explorer.shortcut.value = "plain"
    assert list(explorer.data) == ["plain"]
    assert plotted(explorer, "shortcut") == ([], [])
    assert explorer.readout.value == "The first layer gets, of the last layer's gradient: 0.04 without shortcuts"
    explorer.shortcut.value = "shortcut"
    assert list(explorer.data) == ["shortcut"]
    assert plotted(explorer, "plain") == ([], [])
    explorer.shortcut.value = "both"


def test_each_change_sends_a_new_image(explorer):
    images = [bytes(explorer.image.value)]
    for name, value in [("depth", 12), ("activation", "sigmoid"), ("width", 5), ("seed", 9), ("input_scale", 10.0),
                        ("shortcut", "plain")]:
        getattr(explorer, name).value = value
        assert bytes(explorer.image.value).startswith(b"\x89PNG")
        assert bytes(explorer.image.value) not in images, name
        images.append(bytes(explorer.image.value))
    explorer.shortcut.value = "both"


def test_zeros_and_overflows_are_marked_not_dropped(explorer):
    for name, value in dict(width=3, activation="gelu", seed=0, input_scale=1000.0, depth=200).items():
        getattr(explorer, name).value = value
    shortcut = list(explorer.data["shortcut"].values())
    plain = list(explorer.data["plain"].values())
    overflowed = [i for i, v in enumerate(shortcut) if not math.isfinite(v)]
    zero = [i for i, v in enumerate(plain) if v == 0]
    assert overflowed and zero  # this setting really has both
    assert list(explorer.plot.overflow["shortcut"].get_xdata()) == overflowed
    assert list(explorer.plot.underflow["plain"].get_xdata()) == zero
    assert set(explorer.plot.overflow["shortcut"].get_ydata()) == {0.98}  # top edge, in axes units
    assert "overflows" in explorer.readout.value and "0 (none of it arrives) without" in explorer.readout.value
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_readout_words_every_case():
    assert finding({"plain": {"a": 3e-9, "b": 1.0}, "shortcut": {"a": 0.2, "b": 1.0}}) == (
        "The first layer gets, of the last layer's gradient: 3e-09 without shortcuts, 0.2 with shortcuts"
    )
    assert "no number (the last layer gets no gradient at all)" in finding({"plain": {"a": 1.0, "b": 0.0}})
    assert "overflows" in finding({"plain": {"a": math.nan, "b": 1.0}})
    assert "overflows" in finding({"shortcut": {"a": 1.0, "b": math.inf}})
    assert "0 (none of it arrives)" in finding({"plain": {"a": 0.0, "b": 1.0}})


def test_extremes_of_every_control_never_raise():
    e = helpers.gradient_explorer(shortcut="both")
    for depth, width, scale, activation in itertools.product(
        [1, 200], [1, 64], [1e-3, 1e3], list(helpers.ACTIVATIONS)
    ):
        e.depth.value, e.width.value, e.input_scale.value, e.activation.value = depth, width, scale, activation
        assert e.settings()["depth"] == depth and len(e.data["plain"]) == depth
        assert bytes(e.image.value).startswith(b"\x89PNG")
    e.seed.value = e.seed.max
    e.seed.value = 0


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("depth", 500, "depth must be an integer from 1 to 200, got 500"),
        ("depth", 3.5, "depth must be an integer from 1 to 200, got 3.5"),
        ("depth", True, "depth must be an integer from 1 to 200, got True"),
        ("width", 0, "width must be an integer from 1 to 64, got 0"),
        ("seed", -1, "seed must be an integer from 0 to 2147483647, got -1"),
        ("input_scale", 1e9, "input_scale must be a number from 0.001 to 1000, got 1000000000.0"),
        ("input_scale", float("nan"), "input_scale must be a number from 0.001 to 1000, got nan"),
        ("activation", None, "activation must be one of 'gelu', 'gelu_tanh', 'relu', 'sigmoid', 'tanh', got None"),
        ("shortcut", None, "shortcut must be one of 'plain', 'shortcut', 'both', got None"),
    ],
)
def test_a_bad_value_is_refused_the_same_way_on_every_path_and_the_explorer_keeps_working(name, value, message):
    e = helpers.gradient_explorer(depth=5)
    before = (e.settings(), e.data, e.readout.value)
    for path in (lambda: setattr(getattr(e, name), "value", value), lambda: e.set(**{name: value}),
                 lambda: helpers.gradient_explorer(**{name: value})):
        with pytest.raises(ValueError) as refused:
            path()
        assert str(refused.value) == message
        assert isinstance(refused.value, TraitError)  # what ipywidgets expects of a refused value
    assert (e.settings(), e.data, e.readout.value) == before
    e.depth.value = 6  # still answers
    assert len(e.data["plain"]) == 6 and e.data["plain"] == reference(6, 3, "gelu", "plain", 123, 1.0)


def test_unknown_choices_are_refused_and_nothing_changes():
    e = helpers.gradient_explorer(depth=6)
    before = (e.settings(), e.data, e.readout.value, bytes(e.image.value))
    with pytest.raises(TraitError, match=r"activation must be one of 'gelu', 'gelu_tanh', 'relu', 'sigmoid', 'tanh', got 'swish'"):
        e.activation.value = "swish"
    with pytest.raises(TraitError, match=r"shortcut must be one of 'plain', 'shortcut', 'both', got 'yes'"):
        e.shortcut.value = "yes"
    assert (e.settings(), e.data, e.readout.value, bytes(e.image.value)) == before


@pytest.mark.parametrize(
    "initial, error, message",
    [
        (dict(depth=0), ValueError, r"depth must be an integer from 1 to 200, got 0"),
        (dict(depth=201), ValueError, r"depth must be an integer from 1 to 200, got 201"),
        (dict(width=2.5), ValueError, r"width must be an integer from 1 to 64, got 2.5"),
        (dict(seed=-1), ValueError, r"seed must be an integer from 0 to 2147483647, got -1"),
        (dict(input_scale=0), ValueError, r"input_scale must be a number from 0.001 to 1000, got 0"),
        (dict(activation="elu"), ValueError, r"activation must be one of 'gelu', .* got 'elu'"),
        (dict(shortcut=True), ValueError, r"shortcut must be one of 'plain', 'shortcut', 'both', got True"),
        (dict(layers=5), TypeError, r"unknown settings \['layers'\]"),
    ],
)
def test_bad_initial_values_are_refused(initial, error, message):
    with pytest.raises(error, match=message):
        helpers.gradient_explorer(**initial)


def test_the_learners_random_state_and_threads_are_left_alone():
    torch.manual_seed(42)
    state = torch.get_rng_state()
    threads = torch.get_num_threads()
    e = helpers.gradient_explorer(depth=20, seed=3)
    e.depth.value = 60
    e.seed.value = 4
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads


@pytest.mark.parametrize("depth, width, seed", [(1, 3, 123), (5, 3, 123), (50, 3, 123), (7, 3, 123), (3, 1, 0), (10, 64, 7)])
def test_assembled_networks_hold_the_constructors_weights(depth, width, seed):
    networks = BookNetworks(width, seed)
    networks.network(60, "gelu", False)  # draw a deeper stack first, then reuse it
    model = networks.network(depth, "relu", True)
    torch.manual_seed(seed)
    fresh = helpers.ExampleDeepNeuralNetwork(helpers.book_layer_sizes(depth, width), True, "relu")
    assert repr(model) == repr(fresh)
    ours, theirs = model.state_dict(), fresh.state_dict()
    assert list(ours) == list(theirs)
    assert all(torch.equal(ours[name], theirs[name]) for name in theirs)


def test_figure_limits_and_background_cache():
    assert decade_limits([3e-9, 0.2]) == (1e-9, 1.0)
    assert decade_limits([0.0, math.inf, math.nan]) == (1e-10, 1.0)
    assert decade_limits([1.0]) == (0.1, 10.0)
    assert [round_up_depth(d) for d in [1, 7, 41, 199, 200]] == [1, 8, 50, 200, 200]
    plot = GradientFigure()
    for depth in range(2, 120, 3):  # 40 different decade ranges: more than the cache keeps
        plot.show({"plain": {f"layers.{i}.0.weight": 10.0 ** -i for i in range(depth)}})
        plot.png()
    assert len(plot.backgrounds) == 32
    assert plot.axes.get_yscale() == "log"
    xs, ys = plot.lines["plain"].get_xdata(), plot.lines["plain"].get_ydata()
    assert list(xs) == list(range(119)) and np.allclose(ys, [10.0 ** -i for i in range(119)])
    assert plot.axes.get_ylim() == (1e-118, 1.0)


def test_set_moves_several_controls_with_one_update(monkeypatch):
    e = helpers.gradient_explorer(depth=5)
    calls = []
    original = e.compute
    monkeypatch.setattr(e, "compute", lambda: calls.append(1) or original())
    e.set(depth=30, activation="sigmoid", width=4)
    assert len(calls) == 1
    assert e.data["plain"] == reference(30, 4, "sigmoid", "plain", 123, 1.0)


def test_set_refuses_the_lot_when_one_value_is_bad():
    e = helpers.gradient_explorer(depth=5)
    before = (e.settings(), e.data)
    with pytest.raises(ValueError, match="width must be an integer from 1 to 64, got 0"):
        e.set(depth=30, width=0)
    with pytest.raises(TypeError, match=r"unknown settings \['colour'\]"):
        e.set(colour="red")
    assert (e.settings(), e.data) == before


def test_the_figure_saved_by_hand_shows_the_data_under_a_title():
    e = helpers.gradient_explorer(depth=8)
    assert all(artist.get_visible() for artist in e.plot.dynamic)
    kept = Image.open(io.BytesIO(e.snapshot().data)).convert("RGB")
    live = Image.open(io.BytesIO(bytes(e.image.value))).convert("RGB")
    assert kept.width == live.width and kept.height > live.height
    assert kept.crop((0, kept.height - live.height, kept.width, kept.height)).tobytes() == live.tobytes()
    title = np.asarray(kept.crop((0, 0, kept.width, kept.height - live.height)))
    assert (title < 128).any()  # the title strip holds dark text


def test_a_long_title_breaks_after_its_colon_into_even_lines():
    assert balanced_lines("short", 90) == ["short"]
    lines = balanced_lines("word " * 40, 90)
    assert len(lines) == 3 and all(len(line) <= 90 for line in lines)
    assert max(map(len, lines)) - min(map(len, lines)) <= 16


def alt(image):
    _, metadata = image._repr_png_()
    return metadata["alt"]


def test_the_kept_picture_says_in_words_what_it_shows():
    e = helpers.gradient_explorer(depth=5)
    assert alt(e.snapshot()) == e.alt_text() == (
        "The first layer gets, of the last layer's gradient: 0.04 without shortcuts, 0.17 with shortcuts. "
        "Each layer's mean |gradient| on a log scale (the first layer on the left), for 5 layers of 3 units "
        "with exact GELU, seed 123, input scale 1, one line per network: without shortcuts the gradient falls "
        "from 0.005 at the last layer to 0.0002 at the first layer (lowest 0.00012, at layer 1); "
        "with shortcuts it stays between 0.21 and 1.3."
    )
    e.set(depth=30, activation="relu")
    assert e.alt_text().endswith("with ReLU, seed 123, input scale 1, one line per network: without shortcuts the "
                                 "gradient falls from 0.01 at the last layer to 1.9e-07 at layer 20; with shortcuts "
                                 "it falls from 5.8e+04 at the last layer to 9.7e+03 at the first layer (lowest 9e+02, "
                                 "at layer 24); ▼ marks the layers whose gradient is exactly 0: 20 without shortcuts, "
                                 "2 with shortcuts.")
    e.set(depth=200, activation="gelu", seed=0, input_scale=1000.0)
    assert e.alt_text().endswith("without shortcuts the gradient falls from 0.0051 at the last layer to 9.8e-45 at "
                                 "layer 131; with shortcuts it has no line (no layer's gradient is a finite number "
                                 "above 0); ▼ marks the layers whose gradient is exactly 0: 131 without shortcuts, "
                                 "31 with shortcuts; ▲ marks the layers whose gradient is inf or nan: 169 with shortcuts.")
    e.set(depth=1, width=1, shortcut="plain", activation="gelu_tanh", seed=0, input_scale=0.5)
    assert e.alt_text().endswith("for 1 layer of 1 unit with tanh-approximated GELU, seed 0, input scale 0.5, "
                                 "one line, for the network without shortcuts: the gradient has one point, "
                                 f"{list(e.data['plain'].values())[0]:.2g} at its only layer.")
    e.set(depth=10, shortcut="shortcut", activation="gelu", input_scale=1.0)
    assert "one line, for the network with shortcuts: the gradient rises from 0.87 at the last layer" in e.alt_text()


def test_line_shapes_are_worded_from_the_data():
    assert line_shape([0.2, 0.3, 1.5]) == "stays between 0.2 and 1.5"
    assert line_shape([1e-6, 1e-4, 0.01]) == "falls from 0.01 at the last layer to 1e-06 at the first layer"
    assert line_shape([5.0, 0.01, 0.5]) == "rises from 0.5 at the last layer to 5 at the first layer (lowest 0.01, at layer 1)"
    assert line_shape([1e-3, 2.0, 0.1]) == "falls from 0.1 at the last layer to 0.001 at the first layer (highest 2, at layer 1)"
    assert line_shape([0.0, 0.0, 1e-5, 1e-2]) == "falls from 0.01 at the last layer to 1e-05 at layer 2"
    assert line_shape([0.0, 0.3, 0.5, math.inf]) == "stays between 0.3 and 0.5 from layer 1 to layer 2"
    assert line_shape([math.nan, math.inf, 0.0]) == "has no line (no layer's gradient is a finite number above 0)"
    assert line_shape([0.0, 0.25, math.inf]) == "has one point, 0.25 at layer 1"


@pytest.mark.parametrize("settings", SETTINGS[:4], ids=lambda s: "-".join(map(str, s.values())))
def test_measure_gives_what_the_explorer_shows_and_leaves_the_random_state_alone(explorer, settings):
    explorer.set(**settings)
    torch.manual_seed(42)
    state = torch.get_rng_state()
    measured = measure(**settings)
    assert list(measured) == list(explorer.data) == ["plain", "shortcut"]
    for kind, means in explorer.data.items():
        assert measured[kind] == pytest.approx(means, rel=0, abs=0, nan_ok=True)
    assert torch.equal(torch.get_rng_state(), state)
    assert list(measure(**settings, shortcut="plain")) == ["plain"]
    with pytest.raises(ValueError, match="depth must be an integer from 1 to 200, got 0"):
        measure(depth=0)


def test_the_explorer_survives_a_changed_default_dtype():
    """A learner sets float64 as torch's default, moves the depth, and sets float32 back: every
    depth still works and gives the numbers of a float32 world."""
    explorer = helpers.gradient_explorer(depth=5)
    expected = {depth: helpers.explorer.measure(depth=depth) for depth in (8, 12, 30)}
    try:
        torch.set_default_dtype(torch.float64)
        explorer.set(depth=8)
        assert explorer.data == expected[8]
        explorer.set(depth=30)
        assert explorer.data == expected[30]
    finally:
        torch.set_default_dtype(torch.float32)
    explorer.set(depth=12)
    assert explorer.data == expected[12]


def test_a_state_from_the_front_end_is_checked_even_when_it_equals_the_value():
    e = helpers.gradient_explorer(depth=5)
    before = e.data
    with pytest.raises(TraitError, match="depth must be an integer from 1 to 200, got 5.0"):
        e.depth.set_state({"value": 5.0})
    assert type(e.depth.value) is int and e.depth.value == 5
    e.set(activation="sigmoid")  # the next update works
    e.depth.set_state({"value": 6})  # a good state still moves the control
    assert e.depth.value == 6 and len(e.data["plain"]) == 6 and before != e.data
