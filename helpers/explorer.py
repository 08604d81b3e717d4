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
from traitlets import Any, TraitError, validate

from helpers.arguments import check_choice, check_int
from helpers.explorer_figure import GradientFigure, titled_png
from helpers.family import BookNetworks
from helpers.gradients import gradient_means
from helpers.language import count, message
from helpers.network import ACTIVATIONS, sample_input

LIMITS = {"depth": (1, 200), "width": (1, 64), "seed": (0, 2**31 - 1), "input_scale": (1e-3, 1e3)}
# The shortcut control's choices, and how the alt text names an activation and the lines drawn
# (message keys: helpers/messages_en.py)
SHORTCUT_CHOICES = {"plain": "without_shortcuts", "shortcut": "with_shortcuts", "both": "both"}
ACTIVATION_NAMES = {"gelu": "act_gelu", "gelu_tanh": "act_gelu_tanh", "relu": "act_relu", "sigmoid": "act_sigmoid",
                    "tanh": "act_tanh"}
LINES = {"plain": "lines_plain", "shortcut": "lines_shortcut", "both": "lines_both"}
DEFAULTS = {"depth": 10, "width": 3, "activation": "gelu", "shortcut": "both", "seed": 123, "input_scale": 1.0}


# The hover text's trait: `tooltip` in ipywidgets 8, `description_tooltip` in 7 (Colab ships 7.7).
TOOLTIP = "tooltip" if "tooltip" in widgets.IntSlider.class_trait_names() else "description_tooltip"


def hover(text):
    """Keyword arguments giving a control the hover text TEXT, in either ipywidgets 7 or 8."""
    return {TOOLTIP: text}


class SettingError(ValueError, TraitError):
    """A refused setting. The constructor, `set()` and a control's `.value` all raise it, with the
    same message, before anything changes, so the explorer keeps working afterwards."""


def check_setting(name, value):
    """VALUE if it is a valid value of the setting NAME; otherwise a SettingError naming both
    (the integer and name checks are helpers.arguments', raised as a SettingError)."""
    try:
        if name in ("depth", "width", "seed"):
            return check_int(name, value, *LIMITS[name])
        if name in ("activation", "shortcut"):
            return check_choice(name, value, ACTIVATIONS if name == "activation" else SHORTCUT_CHOICES)
    except ValueError as error:
        raise SettingError(str(error)) from None
    if name == "input_scale":
        low, high = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise SettingError(f"input_scale must be a number from {low:g} to {high:g}, got {value!r}")
        return value
    raise TypeError(f"unknown setting {name!r}; valid: {sorted(DEFAULTS)}")


class Checked:
    """Mixed into a control: a new value is refused by `check_setting(self.setting, value)`
    before it changes. The control's `value` trait is redefined as `Any` without None, so that
    nothing is cast or let through first (an IntSlider would turn 3.5 into 3, and traitlets lets
    None pass every check)."""

    setting = None

    @validate("value")
    def _validate_value(self, proposal):
        if self.setting is None:  # still being built, from values check_initial accepted
            return proposal.value
        return check_setting(self.setting, proposal.value)

    def set_state(self, sync_data):
        # A state from the front end is checked first: traitlets validates a held change only
        # when it differs from the old value, and 5.0 == 5 would slip into an integer control.
        if self.setting is not None and "value" in sync_data:
            check_setting(self.setting, sync_data["value"])
        super().set_state(sync_data)


class Value(Any):
    """A value trait that casts nothing and does not let None through unchecked."""

    allow_none = False


class CheckedIntSlider(Checked, widgets.IntSlider):
    value = Value(0).tag(sync=True)


class CheckedLogSlider(Checked, widgets.FloatLogSlider):
    value = Value(1.0).tag(sync=True)


class CheckedIntText(Checked, widgets.BoundedIntText):
    value = Value(0).tag(sync=True)


class CheckedDropdown(Checked, widgets.Dropdown):
    value = Value("")


class CheckedButtons(Checked, widgets.ToggleButtons):
    value = Value("")


def check_initial(initial):
    """Merge `initial` into the defaults, refusing unknown names and bad values."""
    unknown = sorted(set(initial) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"gradient_explorer() got unknown settings {unknown}; valid: {sorted(DEFAULTS)}")
    settings = {**DEFAULTS, **initial}
    for name, value in settings.items():
        check_setting(name, value)
    return settings


def share(means):
    """The first layer's mean |gradient| over the last layer's, as the readout words it."""
    values = list(means.values())
    first, last = values[0], values[-1]
    if not (math.isfinite(first) and math.isfinite(last)):
        return message("share_overflow")
    if last == 0:
        return message("share_no_gradient")
    if first == 0:
        return message("share_zero")
    return f"{first / last:.2g}"


def finding(data):
    """One line: how much of the last layer's gradient reaches the first layer, per network."""
    pieces = [message("share_of", share=share(means), kind=message(SHORTCUT_CHOICES[kind])) for kind, means in data.items()]
    return message("finding", pieces=message("list_sep").join(pieces))


def measured(s, networks):
    """`gradient_means` of the networks the settings S ask for, assembled from NETWORKS (a
    BookNetworks of S's width and seed)."""
    x = s["input_scale"] * sample_input(s["width"])  # Shape [1, width]
    kinds = ["plain", "shortcut"] if s["shortcut"] == "both" else [s["shortcut"]]
    models = {kind: networks.network(s["depth"], s["activation"], kind == "shortcut") for kind in kinds}
    # These tensors are tiny: an op shared between two cores only waits for the other core
    # (measured: one thread is faster, and faster than one thread per network). The
    # learner's setting is put back.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return {kind: gradient_means(model, x) for kind, model in models.items()}
    finally:
        torch.set_num_threads(threads)


def measure(**settings):
    """What `gradient_explorer(**settings).data` holds, without building a widget: the mean
    |gradient| of every layer's weights, {'plain': ..., 'shortcut': ...}, for the given settings
    (the others at the explorer's defaults). Leaves the caller's random state alone."""
    s = check_initial(settings)
    return measured(s, BookNetworks(s["width"], s["seed"]))


def line_shape(values):
    """How one network's line runs, in words, from the first layer's value to the last's:
    'falls from 0.005 at the last layer to 0.0002 at the first layer (lowest 0.00012, at layer 1)',
    'stays between 0.21 and 1.3' (within a factor of 10), or 'has no line (...)'."""
    n = len(values)
    shown = [(i, v) for i, v in enumerate(values) if math.isfinite(v) and v > 0]
    if not shown:
        return message("shape_none")

    def where(i):
        if n == 1:
            return message("where_only")
        return message("where_first") if i == 0 else message("where_last") if i == n - 1 else message("where_layer", i=i)

    if len(shown) == 1:
        ((i, v),) = shown
        return message("shape_one", value=f"{v:.2g}", where=where(i))
    (a, va), (b, vb) = shown[0], shown[-1]
    (ilo, lo), (ihi, hi) = min(shown, key=lambda p: p[1]), max(shown, key=lambda p: p[1])
    if hi <= 10 * lo:
        span = "" if (a, b) == (0, n - 1) else message("shape_span", start=where(a), end=where(b))
        return message("shape_flat", low=f"{lo:.2g}", high=f"{hi:.2g}", span=span)
    text = message("shape_falls" if va < vb else "shape_rises", top=f"{vb:.2g}", top_where=where(b), bottom=f"{va:.2g}",
                   bottom_where=where(a))
    extremes = [message("shape_lowest", value=f"{lo:.2g}", i=ilo)] if lo < min(va, vb) else []
    extremes += [message("shape_highest", value=f"{hi:.2g}", i=ihi)] if hi > max(va, vb) else []
    return text + (f" ({message('sep').join(extremes)})" if extremes else "")


class GradientExplorer:
    """Controls (`depth`, `width`, `activation`, `shortcut`, `seed`, `input_scale`), the `figure`
    they update, the plotted `data` and a one-line `readout`. Display it as a notebook cell's
    last value."""

    def __init__(self, **initial):
        s = check_initial(initial)
        style = {"description_width": "9em"}
        layout = widgets.Layout(width="28em")
        self.depth = CheckedIntSlider(
            s["depth"], *LIMITS["depth"], description=message("control_depth"), continuous_update=False,
            **hover(message("hover_depth")), style=style, layout=layout)
        self.width = CheckedIntSlider(
            s["width"], *LIMITS["width"], description=message("control_width"), continuous_update=False,
            **hover(message("hover_width")), style=style, layout=layout)
        self.activation = CheckedDropdown(
            options=list(ACTIVATIONS), value=s["activation"], description=message("control_activation"),
            **hover(message("hover_activation")), style=style, layout=layout)
        self.shortcut = CheckedButtons(
            options=[(message(label), key) for key, label in SHORTCUT_CHOICES.items()], value=s["shortcut"],
            description=message("control_shortcut"), **hover(message("hover_shortcut")), style=style)
        self.seed = CheckedIntText(
            s["seed"], *LIMITS["seed"], description=message("control_seed"),
            **hover(message("hover_seed")), style=style, layout=widgets.Layout(width="18em"))
        self.input_scale = CheckedLogSlider(
            s["input_scale"], base=10, min=-3, max=3, step=0.25, description=message("control_input_scale"),
            continuous_update=False, readout_format=".3g",
            **hover(message("hover_input_scale")), style=style, layout=layout)
        self.controls = [self.depth, self.width, self.activation, self.shortcut, self.seed, self.input_scale]
        for name, control in zip(["depth", "width", "activation", "shortcut", "seed", "input_scale"], self.controls):
            control.setting = name
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
        if self._networks is None or (self._networks.width, self._networks.seed) != (s["width"], s["seed"]):
            self._networks = BookNetworks(s["width"], s["seed"])
        return measured(s, self._networks)

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

    def snapshot(self, title=None):
        """The current figure as a picture to keep in a notebook (the widget itself is live),
        under a title stating its finding (by default the readout) and with `alt_text()`."""
        png = titled_png(self.image.value, title or self.readout.value)
        return IPythonImage(data=png, format="png", alt=self.alt_text())

    def alt_text(self):
        """What the figure shows now, in two sentences: the readout (its finding), then what is
        drawn for which settings, how each line runs (`line_shape`), and the layers marked at
        the edges."""
        s = self.settings()
        marked = []
        for mark, what, test in [("▼", "exactly_zero", lambda v: v == 0),
                                 ("▲", "inf_or_nan", lambda v: not math.isfinite(v))]:
            counts = [message("count_of", n=sum(map(test, means.values())), kind=message(SHORTCUT_CHOICES[kind]))
                      for kind, means in self.data.items() if any(map(test, means.values()))]
            if counts:
                marked.append(message("alt_marks", mark=mark, what=message(what), counts=message("list_sep").join(counts)))
        shapes = [message("alt_shape", kind=message(SHORTCUT_CHOICES[kind]) + " " if len(self.data) > 1 else "",
                          subject=message("alt_it" if n else "alt_the_gradient"), shape=line_shape(list(means.values())))
                  for n, (kind, means) in enumerate(self.data.items())]
        drawn = message("alt_drawn", layers=count(s["depth"], "layers"), units=count(s["width"], "units"),
                        activation=message(ACTIVATION_NAMES[s["activation"]]), seed=s["seed"],
                        scale=f"{s['input_scale']:g}", lines=message(LINES[s["shortcut"]]),
                        shapes=message("sep").join(shapes))
        return message("alt_text", readout=self.readout.value, parts=message("sep").join([drawn, *marked]))

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
