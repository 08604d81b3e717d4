"""helpers/__init__.py is the package's front door: one grouped, commented list of what the
package offers, every name in it real, and every helper the notebooks call by its short name."""

import json
import re
from pathlib import Path

import helpers

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_name_exists_once():
    assert len(helpers.__all__) == len(set(helpers.__all__))
    for name in helpers.__all__:
        assert hasattr(helpers, name), name


def test_one_block_of_imports_no_appended_sections():
    source = (ROOT / "helpers" / "__init__.py").read_text()
    assert "noqa: E402" not in source
    assert source.count("__all__ = [") == 1 and "__all__ +=" not in source
    groups = re.findall(r"^# (Notebook 0\d|The exercises)", source, re.MULTILINE)
    assert groups == ["Notebook 01", "Notebook 02", "Notebook 03", "Notebook 04", "The exercises"]


def test_every_short_name_the_notebooks_use_is_public():
    used = set()
    for path in list((ROOT / "notebooks").glob("*.ipynb")) + list((ROOT / "notebooks/exercises/source").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                used |= set(re.findall(r"\bhelpers\.([A-Za-z_]\w*)", "".join(cell["source"])))
    modules = {"arguments", "chain", "claims", "classroom", "diagnostics", "diagram", "explorer", "explorer_figure",
               "family", "figures", "gradients", "language", "network", "sweeps", "training", "transformer"}
    assert used - modules <= set(helpers.__all__), sorted(used - modules - set(helpers.__all__))
