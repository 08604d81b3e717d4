"""`helpers.claim`: a sentence checked against the numbers beside it, and a changed number
failing a notebook's claim check."""

import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import helpers
from tests import book_tables

ROOT = Path(__file__).resolve().parent.parent


def test_a_claim_that_holds_prints_nothing(capsys):
    """A reader sees no trace of the checks that pass."""
    assert helpers.claim("two is more than one", 2 > 1) is None
    helpers.claim("a tensor comparison", torch.tensor(3.0) > 2)
    helpers.claim("a numpy comparison", np.float64(3.0) > 2)
    assert capsys.readouterr() == ("", "")


def test_a_claim_that_fails_quotes_the_sentence():
    with pytest.raises(helpers.ClaimFailed, match="the notebook says 'one is more than two', but the numbers"):
        helpers.claim("one is more than two", 1 > 2)


@pytest.mark.parametrize("holds", [1, None, "yes", torch.ones(2) > 0])
def test_a_claim_needs_a_comparison(holds):
    with pytest.raises(TypeError, match="holds must be True or False"):
        helpers.claim("something", holds)


def test_rounded_gives_significant_digits():
    assert helpers.rounded(0.00020174, 2) == 0.0002
    assert helpers.rounded(0.22186803, 4) == 0.2219
    assert helpers.rounded(torch.tensor(1326.8), 3) == 1330.0
    with pytest.raises(ValueError, match="digits must be a positive integer, got 0"):
        helpers.rounded(1.0, 0)


def test_a_changed_number_fails_a_claim_check_in_notebook_01(tmp_path):
    """Make the helpers' gradient measurement return three times too much for the first layer:
    notebook 01's stated ratio no longer holds, and its claim check raises."""
    notebook = nbformat.read(ROOT / "notebooks" / "01_vanishing_gradients.ipynb", as_version=4)
    patch = nbformat.v4.new_code_cell(
        "import helpers.gradients as _g\n"
        "_original = _g.gradient_means\n"
        "def _tripled_first(model, x, target=None):\n"
        "    means = _original(model, x, target)\n"
        "    first = next(iter(means))\n"
        "    return {**means, first: 3 * means[first]}\n"
        "_g.gradient_means = _tripled_first\n"
        "import helpers\n"
        "helpers.gradient_means = _tripled_first\n"
    )
    first_import = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and "import helpers" in c.source)
    notebook.cells.insert(first_import + 1, patch)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert "ClaimFailed" in str(failure.value)


def test_exercise_6_says_truly_how_each_text_compares():
    """The exercises' cell 'cell-24' says, for the network with shortcuts: the English edition's
    one table agrees with the series' numbers to about three significant digits, not in the
    fourth; the translation's code output matches the series, the English table its prose quotes
    does not. Checked against the texts' tables (tests/book_tables.py) and the series' numbers."""
    notebook = json.loads((ROOT / "notebooks/exercises/source/shortcuts/exercises.ipynb").read_text())
    (cell,) = [c for c in notebook["cells"] if c.get("id") == "cell-24"]
    text = " ".join("".join(cell["source"]).split())
    assert "the **English edition** prints one table per network" in text
    assert "agrees with the series' numbers to about three significant digits, not in the fourth" in text
    assert "its code cells' output, which matches the series" in text
    assert "the English edition's table quoted in its prose, which does not" in text
    series = list(helpers.book_gradients(True, activation="gelu").values())  # the series' default GELU
    english = book_tables.ENGLISH_EDITION_SHORTCUT
    three = [helpers.rounded(a, 3) == helpers.rounded(b, 3) for a, b in zip(series, english)]
    four = [helpers.rounded(a, 4) == helpers.rounded(b, 4) for a, b in zip(series, english)]
    assert sum(three) >= 3 and not any(four), (three, four)
    # the translation's code output (the exact GELU's numbers) matches the series as it prints them
    assert [helpers.rounded(v, 4) for v in series] == [helpers.rounded(v, 4) for v in book_tables.EXACT_SHORTCUT]


def test_exercise_3_says_truly_that_relus_ratio_can_be_nan_or_0():
    """The exercises' cell 'cell-10' warns that with ReLU the measured ratio can be nan or 0 (no
    layer gets any gradient); at the depth it asks for, 12, it is nan with the book's seed and 0
    with seed 7, and the other activations' ratios are numbers above 0."""
    notebook = json.loads((ROOT / "notebooks/exercises/source/shortcuts/exercises.ipynb").read_text())
    (cell,) = [c for c in notebook["cells"] if c.get("id") == "cell-10"]
    text = " ".join("".join(cell["source"]).split())
    assert "helpers.depth_sweep([12], activation=..., seed=SEED)" in text and "With ReLU the ratio can be `nan` or `0`" in text
    assert "(0/0 is nan) or the first layer gets none" in text
    for seed, relu in [(123, "nan"), (7, 0.0)]:
        ratios = {name: helpers.depth_sweep([12], activation=name, seed=seed)[0]["ratio"] for name in ["gelu", "relu", "sigmoid", "tanh"]}
        found = ratios.pop("relu")
        assert (np.isnan(found) if relu == "nan" else found == relu) and all(r > 0 for r in ratios.values()), seed


def test_exercise_3s_depth_is_one_notebook_01_does_not_print():
    """The instructor page: exercise 3 is measured at 12 layers, 'a depth notebook 01 does not
    print', so its ratio cannot be read off notebook 01's table."""
    from helpers.classroom import activations

    notebook = json.loads((ROOT / "notebooks/01_vanishing_gradients.ipynb").read_text())
    (sweep,) = [c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"]).startswith("depths = [")]
    printed = eval("".join(sweep["source"]).splitlines()[0].split("=", 1)[1])
    assert activations.DEPTH == 12 and activations.DEPTH not in printed
    page = (ROOT / "notebooks/exercises/README.md").read_text()
    assert f"ratio measured for it at {activations.DEPTH} layers (a\ndepth notebook 01 does not print)" in page
