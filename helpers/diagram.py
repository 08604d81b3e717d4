"""The book's Figure 4.12, drawn: the layer stack without and with shortcut connections.

`plot_shortcut_diagram()` returns a matplotlib Figure with two panels side by side. Each shows
the layers as boxes ("Linear + GELU", with their sizes), the input at the bottom and the output
at the top. On the right, every layer whose input and output have the same width gets a skip
path around it that joins the layer's output at a "+" node; a layer that changes the width
(the book's last one, 3 -> 1) gets none, exactly the rule of the forward method.

The drawn artists are attached to the figure, so a test can check the drawing without pixels:

    fig.diagram == {"plain": {"axes", "boxes", "skips", "routes", "joins"}, "shortcut": {...}}

Like the other figures, it is built with `matplotlib.figure.Figure`, not pyplot.
"""

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from helpers.figures import COLORS, described
from helpers.language import count, message, in_figure_language
from helpers.network import book_layer_sizes, check_layer_sizes

TITLES = {"plain": "diagram_plain", "shortcut": "diagram_shortcut"}  # the panels' titles (message keys)


# Geometry, in data units of each panel: one layer per STEP of height, input at y = 0.
STEP = 1.8
BOX_X, BOX_WIDTH = 2.4, 4.2  # the layer boxes span x = 2.4 .. 6.6
BOX_LOW, BOX_HIGH = 0.5, 1.0  # a box's bottom and top above its layer's input
JOIN_Y, JOIN_RADIUS = 1.42, 0.17  # the "+" node above its layer's input
BRANCH_Y = 0.12  # where a skip path leaves the main line
SKIP_X = 8.0  # the x of a skip path's vertical stretch
CENTER_X = BOX_X + BOX_WIDTH / 2

BOX_FILL, LINE, NOTE, SKIP = "#DCEBF5", "#333333", "#555555", COLORS[1]  # skips in vermillion


DIAGRAM_LAYERS = 40  # layers one diagram draws (1 s to draw 40; more would not fit on a screen)


def arrow(ax, start, end, color=LINE, path=None, linewidth=1.4):
    """An arrow from `start` to `end` (x, y), or along `path`, added to `ax` and returned."""
    patch = FancyArrowPatch(start, end, path=path, arrowstyle="-|>", mutation_scale=12, color=color,
                            linewidth=linewidth, shrinkA=0, shrinkB=0)
    ax.add_patch(patch)
    return patch


def draw_stack(ax, layer_sizes, use_shortcut):
    """Draw the layers of `layer_sizes` on `ax`; return the drawn artists.

    Returns {"axes", "boxes", "skips", "routes", "joins"}: one box per layer, one skip arrow per
    shortcut with its route (the [x, y] corners it runs through, in data units), one "+" node
    per shortcut.
    """
    boxes, skips, joins, routes = [], [], [], []
    n_layers = len(layer_sizes) - 1
    output_y = (n_layers - 1) * STEP + STEP - 0.2
    ax.text(CENTER_X, -0.08, message("diagram_input", values=count(layer_sizes[0], "values")), ha="center", va="top",
            fontsize=10)
    arrow(ax, (CENTER_X, 0), (CENTER_X, BOX_LOW))
    for i, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        y = i * STEP  # the input of layer i enters here
        middle = y + (BOX_LOW + BOX_HIGH) / 2
        box = FancyBboxPatch((BOX_X, y + BOX_LOW), BOX_WIDTH, BOX_HIGH - BOX_LOW,
                             boxstyle="round,pad=0.02,rounding_size=0.08",
                             facecolor=BOX_FILL, edgecolor=LINE, linewidth=1.2)
        ax.add_patch(box)
        boxes.append(box)
        ax.text(CENTER_X, middle, f"Linear + GELU   {n_in} → {n_out}", ha="center", va="center",
                fontsize=10)
        ax.text(BOX_X - 0.15, middle, f"layers.{i}", ha="right", va="center", fontsize=9, color=NOTE)
        next_in = y + STEP + BOX_LOW if i < n_layers - 1 else output_y  # the next box, or the output
        if use_shortcut and n_in == n_out:
            join = Circle((CENTER_X, y + JOIN_Y), JOIN_RADIUS, facecolor="white", edgecolor=SKIP,
                          linewidth=1.6, zorder=3)
            ax.add_patch(join)
            joins.append(join)
            ax.text(CENTER_X, y + JOIN_Y, "+", ha="center", va="center", fontsize=12,
                    fontweight="bold", color=SKIP, zorder=4)
            arrow(ax, (CENTER_X, y + BOX_HIGH), (CENTER_X, y + JOIN_Y - JOIN_RADIUS))
            arrow(ax, (CENTER_X, y + JOIN_Y + JOIN_RADIUS), (CENTER_X, next_in))
            # The skip path: leaves the main line below the box, runs up beside it, joins at "+"
            path = Path([(CENTER_X, y + BRANCH_Y), (SKIP_X, y + BRANCH_Y), (SKIP_X, y + JOIN_Y),
                         (CENTER_X + JOIN_RADIUS, y + JOIN_Y)])
            skips.append(arrow(ax, None, None, color=SKIP, path=path, linewidth=2.0))
            routes.append(path.vertices.tolist())
            ax.plot([CENTER_X], [y + BRANCH_Y], marker="o", markersize=5, color=SKIP)
        else:
            arrow(ax, (CENTER_X, y + BOX_HIGH), (CENTER_X, next_in))
            if use_shortcut:
                ax.text(BOX_X + BOX_WIDTH + 0.25, middle, message("diagram_no_shortcut", n_in=n_in, n_out=n_out),
                        ha="left", va="center", fontsize=8.5, style="italic", color=NOTE)
    ax.text(CENTER_X, output_y + 0.06, message("diagram_output", values=count(layer_sizes[-1], "values")), ha="center",
            va="bottom", fontsize=10)
    if skips:
        ax.text(SKIP_X + 0.15, (BRANCH_Y + JOIN_Y) / 2, message("diagram_around"), ha="left",
                va="center", fontsize=8.5, color=SKIP)
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.6, output_y + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return {"axes": ax, "boxes": boxes, "skips": skips, "routes": routes, "joins": joins}


def diagram_title(layer_sizes):
    """The finding the diagram of `layer_sizes` shows: which layers get a shortcut, which none.

    For the book's sizes: "A shortcut carries each 3 → 3 layer's input around it; the 3 → 1
    layer gets none".
    """
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    kept = list(dict.fromkeys(f"{a} → {b}" for a, b in pairs if a == b))
    changed = [f"{a} → {b}" for a, b in pairs if a != b]
    if not kept:
        return message("diagram_no_layer_keeps")
    title = message("diagram_carries", kept=" / ".join(kept))
    if len(changed) == 1:
        title += message("diagram_gets_none_one", changed=changed[0])
    elif changed:
        title += message("diagram_gets_none_many", changed=message("list_sep").join(changed))
    return title


def diagram_alt(layer_sizes, title):
    """Alt text for the diagram of `layer_sizes`: what the two panels draw."""
    n = len(layer_sizes) - 1
    skips = sum(a == b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    return message("diagram_alt", title=title, layers=count(n, "layers"), skips=count(skips, "skip_paths"))


@in_figure_language("title", "alt")
def plot_shortcut_diagram(layer_sizes=None, title=None, alt=None):
    """The network of `layer_sizes` (the book's [3, 3, 3, 3, 3, 1] when None), drawn twice.

    Left: the plain stack, each layer replacing its input. Right: the same stack with a skip
    path (vermillion) around every layer whose input and output widths match, joined to the
    layer's output at a "+" node. Returns a Figure whose `diagram` attribute maps "plain" and
    "shortcut" to the drawn `axes`, `boxes` (one per layer), `skips`, their `routes` and `joins`
    ("+" nodes).
    `title` is the figure's title; by default `diagram_title(layer_sizes)`, the finding.
    """
    layer_sizes = check_layer_sizes(book_layer_sizes(5, 3) if layer_sizes is None else layer_sizes)
    if len(layer_sizes) - 1 > DIAGRAM_LAYERS:
        raise ValueError(f"layer_sizes has {len(layer_sizes) - 1:,} layers; a diagram draws at most {DIAGRAM_LAYERS} "
                         "(a taller one would not fit on a screen): draw the first few, layer_sizes[:11]")
    if title is None:
        title = diagram_title(layer_sizes)
    if not isinstance(title, str):
        raise ValueError(f"title must be a string, got {title!r}")
    n_layers = len(layer_sizes) - 1
    height = n_layers * STEP + 0.9  # the panels' height in data units; 10 across
    fig = Figure(figsize=(10, round(0.6 + 4.6 * height / 10, 1)), layout="constrained")
    fig.diagram = {}
    for ax, kind in zip(fig.subplots(1, 2), TITLES):
        fig.diagram[kind] = draw_stack(ax, layer_sizes, use_shortcut=kind == "shortcut")
        ax.set_title(message(TITLES[kind]), fontsize=11)
    fig.suptitle(title, fontsize=12)
    return described(fig, diagram_alt(layer_sizes, title) if alt is None else alt)


__all__ = ["diagram_title", "plot_shortcut_diagram"]
