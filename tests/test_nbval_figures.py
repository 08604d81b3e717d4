"""nbval compares stored figures too (tools/nbval_figures.py): a changed, missing or blank plot
fails, anti-aliasing-sized differences do not."""

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import helpers
from tools.nbval_figures import RMS_TOLERANCE, compare_figures, compare_png

ROOT = Path(__file__).resolve().parent.parent
GRADIENTS = {"layers.0.0.weight": 2e-4, "layers.1.0.weight": 1.2e-4, "layers.2.0.weight": 7e-4}


def png(fig_or_array):
    buffer = io.BytesIO()
    if isinstance(fig_or_array, np.ndarray):
        Image.fromarray(fig_or_array.astype(np.uint8)).save(buffer, format="png")
    else:
        fig_or_array.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def as_array(encoded):
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB")).astype(int)


def test_the_same_figure_passes_and_small_pixel_noise_too():
    stored = png(helpers.plot_gradients({"without shortcuts": GRADIENTS}))
    assert compare_png(stored, png(helpers.plot_gradients({"without shortcuts": GRADIENTS}))) is None
    noise = np.random.default_rng(0).integers(-3, 4, size=as_array(stored).shape)
    assert compare_png(stored, png(np.clip(as_array(stored) + noise, 0, 255))) is None


def test_a_changed_plot_fails():
    stored = png(helpers.plot_gradients({"without shortcuts": GRADIENTS}))
    changed = png(helpers.plot_gradients({"without shortcuts": {**GRADIENTS, "layers.2.0.weight": 7e-6}}))
    problem = compare_png(stored, changed)
    assert problem and problem.startswith("the figure changed: RMS pixel difference") and f"> {RMS_TOLERANCE}" in problem


def test_a_blank_or_resized_figure_fails():
    stored = png(helpers.plot_gradients({"without shortcuts": GRADIENTS}))
    blank = png(np.full_like(as_array(stored), 255))
    assert compare_png(stored, blank) == "the new figure is blank (one colour)"
    assert compare_png(blank, stored) == "the stored figure is blank (one colour)"
    smaller = png(as_array(stored)[:-10])
    assert "size changed" in compare_png(stored, smaller)


def test_a_missing_figure_fails():
    output = {"output_type": "display_data", "data": {"image/png": png(helpers.plot_gradients({"a": GRADIENTS}))}}
    assert compare_figures([], [output]) == ["the cell drew 0 figure(s), 1 stored"]


def test_nbval_fails_when_a_stored_figure_is_replaced_by_a_blank_one(tmp_path):
    notebook = json.loads((ROOT / "notebooks" / "01_vanishing_gradients.ipynb").read_text())
    figure_outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]
                      if "image/png" in o.get("data", {})]
    first = figure_outputs[0]
    first["data"]["image/png"] = png(np.full_like(as_array(first["data"]["image/png"]), 255))
    path = tmp_path / "01_vanishing_gradients.ipynb"
    path.write_text(json.dumps(notebook))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "tools.nbval_figures", "-q",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    report = done.stdout + done.stderr
    assert done.returncode != 0 and "1 failed" in report, report[-3000:]
    assert "the stored figure is blank (one colour)" in report, report[-3000:]
