"""The gradient explorer of notebook 03: sliders for depth, width, activation, shortcuts, seed
and input scale over one figure of per-layer gradients, updated in place.

The widget layer holds no logic of its own: every number it plots comes from `gradient_means`
on an `ExampleDeepNeuralNetwork` built exactly as the static notebooks build it (assembled by
`BookNetworks`, helpers/family.py), and the figure is drawn by `GradientFigure` (helpers/explorer_figure.py).
Setting a control's `.value` from Python updates `data`, `readout` and `figure` before it
returns, so tests and benchmarks drive it without a browser.
"""

import math

import ipywidgets as widgets
import torch
from IPython.display import Image as IPythonImage
from traitlets import TraitError, validate

from helpers.explorer_figure import GradientFigure
from helpers.family import BookNetworks
from helpers.gradients import gradient_means
from helpers.network import ACTIVATIONS, sample_input

LIMITS = {"depth": (1, 200), "width": (1, 64), "seed": (0, 2**31 - 1), "input_scale": (1e-3, 1e3)}
SHORTCUT_CHOICES = {"plain": "without shortcuts", "shortcut": "with shortcuts", "both": "both"}
DEFAULTS = {"depth": 10, "width": 3, "activation": "gelu", "shortcut": "both", "seed": 123, "input_scale": 1.0}


# The hover text's trait: `tooltip` in ipywidgets 8, `description_tooltip` in 7 (Colab ships 7.7).
TOOLTIP = "tooltip" if "tooltip" in widgets.IntSlider.class_trait_names() else "description_tooltip"


def hover(text):
    """Keyword arguments giving a control the hover text TEXT, in either ipywidgets 7 or 8."""
    return {TOOLTIP: text}


class ChoiceDropdown(widgets.Dropdown):
    """A Dropdown whose refusal of an unknown value names the setting and the valid choices."""

    @validate("value")
    def _validate_value(self, proposal):
        if proposal.value not in self._options_values:
            valid = ", ".join(repr(v) for v in self._options_values)
            name = getattr(self, "setting", "value")
            raise TraitError(f"{name} must be one of {valid}, got {proposal.value!r}")
        return proposal.value


class ChoiceButtons(widgets.ToggleButtons):
    """ToggleButtons with the same clear refusal as `ChoiceDropdown`."""

    _validate_value = ChoiceDropdown._validate_value


def check_initial(initial):
    """Merge `initial` into the defaults, refusing unknown names and out-of-range values."""
    unknown = sorted(set(initial) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"gradient_explorer() got unknown settings {unknown}; valid: {sorted(DEFAULTS)}")
    settings = {**DEFAULTS, **initial}
    for name in ("depth", "width", "seed"):
        low, high = LIMITS[name]
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")
    low, high = LIMITS["input_scale"]
    scale = settings["input_scale"]
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not low <= scale <= high:
        raise ValueError(f"input_scale must be a number from {low:g} to {high:g}, got {scale!r}")
    if settings["activation"] not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}, got {settings['activation']!r}")
    if settings["shortcut"] not in SHORTCUT_CHOICES:
        raise ValueError(f"shortcut must be one of {', '.join(map(repr, SHORTCUT_CHOICES))}, got {settings['shortcut']!r}")
    return settings


def share(means):
    """The first layer's mean |gradient| over the last layer's, as the readout words it."""
    values = list(means.values())
    first, last = values[0], values[-1]
    if not (math.isfinite(first) and math.isfinite(last)):
        return "no number (the gradient overflows to inf or nan)"
    if last == 0:
        return "no number (the last layer gets no gradient at all)"
    if first == 0:
        return "0 (none of it arrives)"
    return f"{first / last:.2g}"


def finding(data):
    """One line: how much of the last layer's gradient reaches the first layer, per network."""
    labels = {"plain": "without shortcuts", "shortcut": "with shortcuts"}
    pieces = [f"{share(means)} {labels[kind]}" for kind, means in data.items()]
    return "The first layer gets, of the last layer's gradient: " + ", ".join(pieces)


class GradientExplorer:
    """Controls (`depth`, `width`, `activation`, `shortcut`, `seed`, `input_scale`), the `figure`
    they update, the plotted `data` and a one-line `readout`. Display it as a notebook cell's
    last value."""

    def __init__(self, **initial):
        s = check_initial(initial)
        style = {"description_width": "9em"}
        layout = widgets.Layout(width="28em")
        self.depth = widgets.IntSlider(
            s["depth"], *LIMITS["depth"], description="Layers", continuous_update=False,
            **hover("depth: how many Linear + activation layers each network has"), style=style, layout=layout)
        self.width = widgets.IntSlider(
            s["width"], *LIMITS["width"], description="Units per layer", continuous_update=False,
            **hover("width: units in every hidden layer (the last layer has one)"), style=style, layout=layout)
        self.activation = ChoiceDropdown(
            options=list(ACTIVATIONS), value=s["activation"], description="Activation",
            **hover("activation: the function after every Linear layer"), style=style, layout=layout)
        self.shortcut = ChoiceButtons(
            options=[(label, key) for key, label in SHORTCUT_CHOICES.items()], value=s["shortcut"],
            description="Networks", **hover("shortcut: which networks to measure"), style=style)
        self.seed = widgets.BoundedIntText(
            s["seed"], *LIMITS["seed"], description="Random seed",
            **hover("seed: the starting weights (123 is the book's)"), style=style, layout=widgets.Layout(width="18em"))
        self.input_scale = widgets.FloatLogSlider(
            s["input_scale"], base=10, min=-3, max=3, step=0.25, description="Input scale",
            continuous_update=False, readout_format=".3g",
            **hover("input_scale: the input is this times [1, ..., -1]"), style=style, layout=layout)
        self.activation.setting, self.shortcut.setting = "activation", "shortcut"
        self.controls = [self.depth, self.width, self.activation, self.shortcut, self.seed, self.input_scale]
        self.readout = widgets.Label()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="700px"))
        self.plot = GradientFigure()
        self.figure = self.plot.figure
        self._networks = None  # BookNetworks for the current width and seed
        self.data = {}
        self._holding = False
        self.update()
        for control in self.controls:
            control.observe(self.update, names="value")

    def settings(self):
        """The current value of every control, by name."""
        return {name: getattr(self, name).value for name in DEFAULTS}

    def compute(self):
        """`gradient_means` of the networks the controls ask for: {'plain': ..., 'shortcut': ...}."""
        s = self.settings()
        x = s["input_scale"] * sample_input(s["width"])  # Shape [1, width]
        kinds = ["plain", "shortcut"] if s["shortcut"] == "both" else [s["shortcut"]]
        if self._networks is None or (self._networks.width, self._networks.seed) != (s["width"], s["seed"]):
            self._networks = BookNetworks(s["width"], s["seed"])
        models = {kind: self._networks.network(s["depth"], s["activation"], kind == "shortcut") for kind in kinds}
        # These tensors are tiny: an op shared between two cores only waits for the other core
        # (measured: one thread is faster, and faster than one thread per network). The
        # learner's setting is put back.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return {kind: gradient_means(model, x) for kind, model in models.items()}
        finally:
            torch.set_num_threads(threads)

    def set(self, **settings):
        """Move several controls at once, with one update. Bad values are refused before any
        control moves: `explorer.set(depth=30, activation="sigmoid")`."""
        new = check_initial({**self.settings(), **settings})
        self._holding = True
        try:
            for name, value in new.items():
                getattr(self, name).value = value
        finally:
            self._holding = False
        self.update()

    def update(self, change=None):
        """Recompute, redraw in place and send the new image to the browser."""
        if self._holding:
            return
        self.data = self.compute()
        self.readout.value = finding(self.data)
        self.plot.show(self.data)
        self.image.value = self.plot.png()

    def snapshot(self):
        """The current figure as a picture to keep in a notebook (the widget itself is live)."""
        return IPythonImage(data=bytes(self.image.value), format="png")

    @property
    def widget(self):
        """Everything laid out: controls on top, then the figure, then the readout."""
        return widgets.VBox([*self.controls, self.image, self.readout])

    if hasattr(widgets.DOMWidget, "_repr_mimebundle_"):  # ipywidgets 8

        def _repr_mimebundle_(self, **kwargs):
            return self.widget._repr_mimebundle_(**kwargs)

    else:  # ipywidgets 7 (Colab's) widgets display themselves

        def _ipython_display_(self, **kwargs):
            self.widget._ipython_display_(**kwargs)


def gradient_explorer(**initial):
    """A `GradientExplorer` with the given starting values (any of depth, width, activation,
    shortcut, seed, input_scale); display it as a notebook cell's last value."""
    return GradientExplorer(**initial)
