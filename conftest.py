# Loaded by pytest for everything under the repository: nbval also compares stored figures.
import os
from pathlib import Path

import pytest

pytest_plugins = ["tools.nbval_figures"]

# A figure text with no Chinese in helpers/messages_zh.py fails, here and in the notebooks'
# kernels (which inherit it), instead of being drawn in English (helpers.language.translated).
os.environ["HELPERS_UNTRANSLATED"] = "raise"

ROOT = Path(__file__).resolve().parent


def twinned_notebooks():
    """The English notebooks with a Chinese twin (tools/zh_notebooks.py's PAIRS)."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import zh_notebooks
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return {english.resolve() for english in zh_notebooks.PAIRS}


def pytest_collection_modifyitems(config, items):
    """nbval of the Chinese edition and of its English twins. A Chinese notebook runs its twin's
    code (tools/zh_notebooks.py, checked by tests/test_zh.py) and stores the same language-free
    outputs, so its nbval compares those too, and its figures and hints, which the Python version
    does not change: CI runs it on one Python (marked `once`, like tests/conftest.py's tests).
    There it leaves out the English twins' nbval (marked `twinned`: `make test SCOPE=first`),
    which the other Pythons run."""
    twins = None
    for item in items:
        if item.path.suffix != ".ipynb":
            continue
        if item.path.parent.name == "zh":
            item.add_marker(pytest.mark.once)
        else:
            twins = twinned_notebooks() if twins is None else twins
            if item.path.resolve() in twins:
                item.add_marker(pytest.mark.twinned)
