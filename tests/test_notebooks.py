"""The notebooks as nbval sees them: stored outputs fresh and free of errors, nearly every cell
compared, and a changed number in a stored output caught."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
IGNORE_MARKS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION")


def code_cells(path):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"])


def marker_lines(cell):
    """nbval's markers: a comment line holding nothing but the marker."""
    return [line.strip().lstrip("#").strip() for line in source(cell).splitlines() if line.strip().startswith("#")]


def is_ignored(cell):
    tags = cell.get("metadata", {}).get("tags", [])
    return any(mark in marker_lines(cell) for mark in IGNORE_MARKS) or any(
        tag in tags for tag in ("nbval-ignore-output", "nbval-skip")
    )


def test_the_series_is_there():
    names = [p.name for p in NOTEBOOKS]
    assert "01_vanishing_gradients.ipynb" in names and "02_shortcut_connections.ipynb" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_come_from_one_fresh_top_to_bottom_run(path):
    counts = [c["execution_count"] for c in code_cells(path) if source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook top to bottom (make execute)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_errors_or_warnings(path):
    for cell in code_cells(path):
        if "NBVAL_RAISES_EXCEPTION" in marker_lines(cell) or "raises-exception" in cell["metadata"].get("tags", []):
            continue  # expected to raise (an exercise not answered yet)
        for output in cell["outputs"]:
            assert output["output_type"] != "error", source(cell)
            assert output.get("name") != "stderr", f"stderr in a stored output: {output['text']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_at_least_85_percent_of_code_cells_are_compared(path):
    cells = code_cells(path)
    compared = [c for c in cells if not is_ignored(c)]
    assert len(compared) / len(cells) >= 0.85


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_ignored_cell_says_why(path):
    for cell in code_cells(path):
        if is_ignored(cell):
            # the marker stands alone on its line (or nbval would not see it); the next comment
            # line says why: "# NBVAL_IGNORE_OUTPUT" then "# Why: ..."
            assert re.search(r"^# NBVAL_\w+\n# Why: \w+", source(cell), re.MULTILINE), source(cell)


def test_a_marker_nbval_would_not_see_is_refused():
    for path in NOTEBOOKS:
        for cell in code_cells(path):
            for line in source(cell).splitlines():
                if "NBVAL_" in line:
                    assert line.strip().lstrip("#").strip() in IGNORE_MARKS, f"{path.name}: {line!r}"


def nbval_options():
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    return addopts.split()


def run_nbval(notebook, workdir):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", *nbval_options(), "-q", "--rootdir", str(workdir), str(notebook)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_nbval_fails_when_a_stored_number_is_altered(tmp_path):
    original = ROOT / "notebooks" / "01_vanishing_gradients.ipynb"
    notebook = json.loads(original.read_text())
    stored = "layers.0.0.weight has gradient mean of 0.0002017"
    (cell,) = [c for c in notebook["cells"] if source(c).strip() == "helpers.print_gradients(model_without_shortcut, sample_input)"]
    (output,) = cell["outputs"]
    assert output["text"][0] == stored + "\n"
    output["text"][0] = "layers.0.0.weight has gradient mean of 0.0002018\n"
    altered = tmp_path / original.name
    altered.write_text(json.dumps(notebook))
    result = run_nbval(altered, tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    assert re.search(r"1 failed, \d+ passed", report), report
    assert "0.0002018" in report and "0.0002017" in report, report
