"""Stored outputs depend only on what the code prints: no widget model ids, no progress-bar
timings, no stream split where a buffer happened to flush, no timing metadata."""

from pathlib import Path

import nbformat
import pytest

from tools.normalize_outputs import normalize_notebook, normalize_outputs

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
stream = nbformat.v4.new_output


def test_widget_views_go_and_their_text_stays():
    output = stream("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
                                          "text/plain": "GradientExplorer(depth=5)"})
    assert normalize_outputs([output]) == [stream("display_data", data={"text/plain": "GradientExplorer(depth=5)"})]


def test_progress_bars_go_entirely():
    bar = stream("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
                                       "text/plain": "16 layers:  40%|####  | 120/300 [00:02<00:03, 55.1it/s]"})
    assert normalize_outputs([bar]) == []


def test_consecutive_streams_of_one_name_merge():
    outputs = [stream("stream", name="stdout", text="a\n"), stream("stream", name="stdout", text="b\n"),
               stream("stream", name="stderr", text="c\n"), stream("stream", name="stdout", text="d\n")]
    merged = normalize_outputs(outputs)
    assert [(o["name"], o["text"]) for o in merged] == [("stdout", "a\nb\n"), ("stderr", "c\n"), ("stdout", "d\n")]


def test_normalizing_twice_changes_nothing_more():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    notebook.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-11-27T20:25:09Z"}
    notebook.cells[0].outputs = [stream("stream", name="stdout", text="1"), stream("stream", name="stdout", text="\n")]
    assert normalize_notebook(notebook) is True
    assert "execution" not in notebook.cells[0].metadata
    assert normalize_notebook(notebook) is False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_notebook_is_normalized(path):
    assert normalize_notebook(nbformat.read(path, as_version=4)) is False, "run make execute (it normalizes outputs)"
