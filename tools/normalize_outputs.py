"""Make stored notebook outputs depend only on what the code prints, so that re-running a
notebook on the same machine leaves its file byte for byte as it was.

    python tools/normalize_outputs.py NOTEBOOK...

`make execute` runs this after nbconvert has executed the notebooks. In each code cell it
- drops live-widget views (`application/vnd.jupyter.widget-view+json`): their model ids are new
  on every run, and without the widget state (not stored) no front end can show them; the text
  fallback stays;
- drops the text fallback of progress bars (tqdm), whose elapsed times change on every run;
- merges consecutive stream outputs of the same name (stdout, stderr), which the kernel splits
  wherever its output buffer happened to flush;
- drops the cell's execution timing metadata.
A notebook is rewritten only when something changed.
"""

import sys

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def is_progress_bar(output):
    text = "".join(output.get("data", {}).get("text/plain", ""))
    return output.get("output_type") in ("display_data", "execute_result") and ("it/s]" in text or "s/it]" in text)


def normalize_outputs(outputs):
    """The outputs of one code cell, normalized (a new list)."""
    kept = []
    for output in outputs:
        if output.get("output_type") in ("display_data", "execute_result"):
            data = dict(output.get("data", {}))
            data.pop(WIDGET_VIEW, None)
            if is_progress_bar({**output, "data": data}):
                data.pop("text/plain", None)
            if not data:
                continue
            output = nbformat.from_dict({**output, "data": data})
        if (output.get("output_type") == "stream" and kept and kept[-1].get("output_type") == "stream"
                and kept[-1].get("name") == output.get("name")):
            merged = "".join(kept[-1]["text"]) + "".join(output["text"])
            kept[-1] = nbformat.from_dict({**kept[-1], "text": merged})
            continue
        kept.append(output)
    return kept


def normalize_notebook(notebook):
    """Normalize NOTEBOOK (a NotebookNode) in place; True if anything changed."""
    changed = False
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "execution" in cell.metadata:
            del cell.metadata["execution"]
            changed = True
        outputs = normalize_outputs(cell.outputs)
        if outputs != cell.outputs:
            cell.outputs = outputs
            changed = True
    return changed


def main(paths):
    if not paths:
        sys.stderr.write(__doc__)
        return 2
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if normalize_notebook(notebook):
            nbformat.write(notebook, path)
            print(f"normalized {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
