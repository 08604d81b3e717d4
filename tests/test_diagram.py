"""The drawing of the book's Figure 4.12, checked through the artists it draws (no pixels)."""

import io

import pytest
from matplotlib.figure import Figure

import helpers
from helpers.diagram import diagram_title, plot_shortcut_diagram


def text_of(ax):
    return [t.get_text() for t in ax.texts]


def test_the_book_network_is_drawn_twice_with_the_intended_titles():
    fig = helpers.plot_shortcut_diagram()
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == [
        "Without shortcuts: x = layer(x)",
        "With shortcuts: x = x + layer(x)",
    ]
    assert fig.get_suptitle() == "A shortcut carries each 3 → 3 layer's input around it; the 3 → 1 layer gets none"
    assert [fig.diagram[kind]["axes"] for kind in ("plain", "shortcut")] == fig.axes


@pytest.mark.parametrize("kind", ["plain", "shortcut"])
def test_each_side_has_five_labelled_layer_boxes(kind):
    fig = plot_shortcut_diagram()
    drawn = fig.diagram[kind]
    ax = drawn["axes"]
    assert len(drawn["boxes"]) == 5
    assert all(box in ax.patches for box in drawn["boxes"])
    labels = [t for t in text_of(ax) if t.startswith("Linear + GELU")]
    assert labels == ["Linear + GELU   3 → 3"] * 4 + ["Linear + GELU   3 → 1"]
    assert [t for t in text_of(ax) if t.startswith("layers.")] == [f"layers.{i}" for i in range(5)]
    bottoms = [box.get_y() for box in drawn["boxes"]]
    assert bottoms == sorted(bottoms)  # input at the bottom, output at the top


def test_only_the_shortcut_side_has_skip_paths_around_the_first_four_layers():
    fig = plot_shortcut_diagram()
    plain, shortcut = fig.diagram["plain"], fig.diagram["shortcut"]
    assert plain["skips"] == [] and plain["routes"] == [] and plain["joins"] == []
    assert len(shortcut["skips"]) == 4 and len(shortcut["joins"]) == 4
    assert sum(t == "+" for t in text_of(shortcut["axes"])) == 4
    assert "+" not in text_of(plain["axes"])
    assert len(shortcut["routes"]) == 4
    for skip, route, join, box in zip(shortcut["skips"], shortcut["routes"], shortcut["joins"], shortcut["boxes"]):
        assert skip in shortcut["axes"].patches
        ys = [y for _, y in route]
        # The path leaves below the layer's box and arrives above it, at its "+" node
        assert ys[0] < box.get_y() and ys[-1] > box.get_y() + box.get_height()
        assert ys[-1] == pytest.approx(join.center[1])
        assert max(x for x, _ in route) > box.get_x() + box.get_width()  # beside the box, not through it
    last_box = shortcut["boxes"][-1]
    assert all(join.center[1] < last_box.get_y() for join in shortcut["joins"])  # none at 3 -> 1
    assert any(t.startswith("no shortcut:\n3 → 1") for t in text_of(shortcut["axes"]))


def test_the_figure_renders():
    buffer = io.BytesIO()
    plot_shortcut_diagram().savefig(buffer, format="png", dpi=40)
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_other_layer_sizes_follow_the_shape_rule():
    fig = plot_shortcut_diagram([2, 2, 4, 4, 1])
    assert [len(fig.diagram[k]["boxes"]) for k in ("plain", "shortcut")] == [4, 4]
    assert len(fig.diagram["shortcut"]["skips"]) == 2  # 2 -> 2 and 4 -> 4
    assert fig.get_suptitle() == diagram_title([2, 2, 4, 4, 1])
    assert plot_shortcut_diagram(title="My finding").get_suptitle() == "My finding"


def test_diagram_title_names_the_layers_with_and_without_a_shortcut():
    assert diagram_title([3, 3, 3, 3, 3, 1]) == (
        "A shortcut carries each 3 → 3 layer's input around it; the 3 → 1 layer gets none"
    )
    assert diagram_title([2, 2]) == "A shortcut carries each 2 → 2 layer's input around it"
    assert diagram_title([3, 3, 4, 4, 2]) == (
        "A shortcut carries each 3 → 3 / 4 → 4 layer's input around it; the 3 → 4, 4 → 2 layers get none"
    )
    assert diagram_title([3, 1]) == "No layer keeps its width, so no layer gets a shortcut"


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be an integer from 1 to 4096, got 0"):
        plot_shortcut_diagram([3, 0])
    with pytest.raises(ValueError, match="layer_sizes needs at least two sizes"):
        plot_shortcut_diagram([3])
    with pytest.raises(ValueError, match="title must be a string, got 12"):
        plot_shortcut_diagram(title=12)
