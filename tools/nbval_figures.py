"""A pytest plugin: nbval compares the figures a notebook draws, not only its text.

nbval skips `image/png` outputs. With this plugin loaded (the repository's conftest.py loads
it), each cell's stored PNGs are compared with the ones the fresh run draws: same number of
figures, same size, and a root-mean-square pixel difference of at most `RMS_TOLERANCE` (on the
0-255 scale), which absorbs anti-aliasing differences between machines but not a changed,
missing or blank plot. A blank image (a single colour) always fails.
"""

import base64
import io

import numpy as np
from PIL import Image

RMS_TOLERANCE = 4.0


def pixels(png_base64):
    data = png_base64 if isinstance(png_base64, str) else "".join(png_base64)
    image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    return np.asarray(image, dtype=np.float64)


def compare_png(stored, fresh):
    """None if the two base64 PNGs show the same figure, else what differs."""
    old, new = pixels(stored), pixels(fresh)
    for name, image in (("stored", old), ("new", new)):
        if np.all(image == image[0, 0]):
            return f"the {name} figure is blank (one colour)"
    if old.shape != new.shape:
        return f"the figure's size changed from {old.shape[1]}x{old.shape[0]} to {new.shape[1]}x{new.shape[0]} pixels"
    rms = float(np.sqrt(np.mean((old - new) ** 2)))
    if rms > RMS_TOLERANCE:
        return f"the figure changed: RMS pixel difference {rms:.1f} > {RMS_TOLERANCE}"
    return None


def figures(outputs):
    return [o["data"]["image/png"] for o in outputs
            if o.get("output_type") in ("display_data", "execute_result") and "image/png" in o.get("data", {})]


def compare_figures(test, ref):
    """What differs between the figures of two cells' outputs (a list of messages)."""
    stored, fresh = figures(ref), figures(test)
    if len(stored) != len(fresh):
        return [f"the cell drew {len(fresh)} figure(s), {len(stored)} stored"]
    return [f"figure {i + 1}: {problem}" for i, (old, new) in enumerate(zip(stored, fresh))
            if (problem := compare_png(old, new))]


def pytest_configure(config):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    if getattr(IPyNbCell.compare_outputs, "compares_figures", False):
        return
    compare_text = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        same_text = compare_text(self, test, ref, skip_compare)
        problems = compare_figures(test, ref)
        if problems:
            self.comparison_traceback = getattr(self, "comparison_traceback", []) + problems
        return same_text and not problems

    compare_outputs.compares_figures = True
    IPyNbCell.compare_outputs = compare_outputs
