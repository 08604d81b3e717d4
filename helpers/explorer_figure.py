"""The explorer's figure: one log-scale axis, drawn once and updated in place.

Updating moves the data of lines that already exist instead of building a new figure. Drawing
text (tick labels, legend) is most of matplotlib's cost, so the axes without the data are drawn
once per set of axis limits and kept as a bitmap; a slider step restores that bitmap, draws
the lines on it and encodes the PNG with light compression. Limits snap to whole decades (y)
and round numbers of layers (x), so neighbouring settings share a background.
Gradients that a log scale cannot show are marked, not dropped: a gradient that underflowed to
0 (it underflowed, or a unit was saturated) gets a down-pointing triangle at the bottom edge, an inf or nan an up-pointing one at the top.
"""

import io
import math
import textwrap

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from matplotlib.transforms import blended_transform_factory
from PIL import Image

from helpers.figures import COLORS
from helpers.language import message, use_language_fonts

KINDS = {"plain": ("without_shortcuts", COLORS[0], "o"), "shortcut": ("with_shortcuts", COLORS[1], "s")}  # (message keys)
MARKERS_UP_TO = 60  # layers; beyond this the markers would cover the line
ROUND_DEPTHS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200]
BACKGROUNDS_KEPT = 32


def round_up_depth(depth):
    """The x-axis extent for `depth` layers: the next round number of layers."""
    return next((d for d in ROUND_DEPTHS if d >= depth), depth)


def decade_limits(values):
    """Log-axis limits snapped to whole decades around the finite positive `values`."""
    shown = [v for v in values if math.isfinite(v) and v > 0]
    if not shown:
        return 1e-10, 1.0
    low = 10.0 ** math.floor(math.log10(min(shown)))
    high = 10.0 ** math.ceil(math.log10(max(shown)))
    return (low / 10, high * 10) if low == high else (low, high)


class GradientFigure:
    """Mean |gradient| per layer for the plain and the shortcut network, on one log axis."""

    def __init__(self):
        self.figure = Figure(figsize=(7, 3.6), dpi=100)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.11, right=0.98, top=0.9, bottom=0.14)
        ax = self.axes = self.figure.add_subplot()
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set(xlabel=message("gradients_x"), ylabel=message("gradients_y"))
        edge = blended_transform_factory(ax.transData, ax.transAxes)  # x in layers, y in axes
        self.lines, self.underflow, self.overflow = {}, {}, {}
        for kind, (key, color, marker) in KINDS.items():
            label = message(key)
            (self.lines[kind],) = ax.plot([], [], color=color, marker=marker, markersize=4, label=label)
            (self.underflow[kind],) = ax.plot(
                [], [], linestyle="none", marker="v", markersize=7, color=color, transform=edge,
                clip_on=False, label=message("exactly_zero_of", label=label))
            (self.overflow[kind],) = ax.plot(
                [], [], linestyle="none", marker="^", markersize=7, color=color, transform=edge,
                clip_on=False, label=message("overflow_of", label=label))
        self.dynamic = [a for group in (self.lines, self.underflow, self.overflow) for a in group.values()]
        edge_keys = dict(linestyle="none", color="grey", markersize=7)
        self.legend_extras = [
            ax.plot([], [], marker="v", label=message("exactly_zero"), **edge_keys)[0],
            ax.plot([], [], marker="^", label=message("inf_or_nan"), **edge_keys)[0],
        ]
        self.kinds_shown = ()
        self.backgrounds = {}  # (x limits, y limits, kinds shown) -> bitmap of the axes

    def show(self, data):
        """Show `data` ({'plain' and/or 'shortcut': a gradient_means result})."""
        shown, depth = [], 1
        for kind in KINDS:
            means = data.get(kind)
            values = np.array([] if means is None else list(means.values()), dtype=float)
            layers = np.arange(len(values))
            depth = max(depth, len(values))
            plottable = np.isfinite(values) & (values > 0)
            self.lines[kind].set_data(layers, np.where(plottable, values, np.nan))
            zero, bad = values == 0, ~np.isfinite(values)
            self.underflow[kind].set_data(layers[zero], np.full(zero.sum(), 0.02))
            self.overflow[kind].set_data(layers[bad], np.full(bad.sum(), 0.98))
            self.lines[kind].set_marker(KINDS[kind][2] if len(values) <= MARKERS_UP_TO else "None")
            shown.extend(values[plottable])
        self.axes.set_xlim(-0.5, round_up_depth(depth) - 0.5)
        self.axes.set_ylim(*decade_limits(shown))
        self.kinds_shown = tuple(kind for kind in KINDS if kind in data)

    def background(self):
        """The axes without their data, for the current limits: drawn once, then reused."""
        key = (self.axes.get_xlim(), self.axes.get_ylim(), self.kinds_shown)
        if key not in self.backgrounds:
            handles = [self.lines[kind] for kind in self.kinds_shown] + self.legend_extras
            self.axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=4,
                             fontsize="small", frameon=False, borderaxespad=0)
            use_language_fonts(self.figure)  # the axes' and the new legend's text, in a CJK font where Chinese
            for artist in self.dynamic:  # the background is the axes without the data
                artist.set_visible(False)
            self.figure.canvas.draw()
            for artist in self.dynamic:
                artist.set_visible(True)
            if len(self.backgrounds) >= BACKGROUNDS_KEPT:
                self.backgrounds.pop(next(iter(self.backgrounds)))
            self.backgrounds[key] = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        return self.backgrounds[key]

    def png(self):
        """The figure as PNG bytes: the background, the data drawn on it, zlib level 1."""
        canvas = self.figure.canvas
        canvas.restore_region(self.background())
        for artist in self.dynamic:
            self.axes.draw_artist(artist)
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)  # opaque: no alpha to encode
        return buffer.getvalue()


def balanced_lines(text, width):
    """TEXT in lines of at most WIDTH characters, as few as that takes and of similar length."""
    count = len(textwrap.wrap(text, width))
    if count <= 1:
        return [text] if text else []
    return next(lines for narrow in range(math.ceil(len(text) / count), width + 1)
                if len(lines := textwrap.wrap(text, narrow)) <= count)


def titled_png(png, title, width=90):
    """PNG bytes of the picture PNG under TITLE, for a picture kept in a notebook (the live
    widget's figure has its finding in the readout). A title longer than WIDTH characters is
    broken after its colon, if it has one, and into lines of similar length."""
    head, colon, rest = title.partition(": ")
    parts = [head + ":", rest] if len(title) > width and colon else [title]
    lines = [line for part in parts for line in balanced_lines(part, width)]
    strip = Figure(figsize=(7, 0.12 + 0.2 * len(lines)), dpi=100)
    FigureCanvasAgg(strip)
    strip.text(0.5, 0.5, "\n".join(lines), ha="center", va="center", fontsize=10.5, linespacing=1.3)
    use_language_fonts(strip)
    strip.canvas.draw()
    top = Image.frombuffer("RGBA", strip.canvas.get_width_height(), strip.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    figure = Image.open(io.BytesIO(bytes(png))).convert("RGB")
    both = Image.new("RGB", (max(top.width, figure.width), top.height + figure.height), "white")
    both.paste(top.convert("RGB"), (0, 0))
    both.paste(figure, (0, top.height))
    buffer = io.BytesIO()
    both.save(buffer, format="png", optimize=True)
    return buffer.getvalue()
