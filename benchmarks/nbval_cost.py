"""How much the notebooks themselves cost under nbval, against the bare cost of their kernels.

For each notebook, measured in this one run (interleaved, median of --repeats):
- notebook: the wall time of `pytest --nbval` on that notebook alone;
- bare:     the same command on a generated notebook whose only cell is `import torch`
            (pytest start-up, one fresh kernel, torch imported: the floor);
and their ratio, then the sums for the core series (01-02) and for everything.
Target: the core series (01 and 02) costs at most 2x its bare cost. Notebooks 03-05 and the
exercises do more on purpose (an interactive explorer, training runs); their own time limits
(60 s for 04, 90 s for 05) are printed beside them.

    python benchmarks/nbval_cost.py [--repeats 3]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0
CORE = ["01_vanishing_gradients.ipynb", "02_shortcut_connections.ipynb"]
LIMITS = {"04_training_and_diagnostics.ipynb": 60, "05_transformer_blocks.ipynb": 90}


def nbval_command(paths, rootdir):
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    return [sys.executable, "-m", "pytest", "--nbval", *addopts.split(), "-q", "--rootdir", str(rootdir), *map(str, paths)]


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed


def bare_notebook(folder):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import torch")
    cell.execution_count = 1
    nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = Path(folder) / "bare.ipynb"
    nbformat.write(nb, path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    notebooks = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        bare = bare_notebook(folder)
        for notebook in notebooks:
            own, floor = [], []
            for _ in range(args.repeats):
                floor.append(timed(nbval_command([bare], folder), folder))
                own.append(timed(nbval_command([notebook], ROOT), ROOT))
            rows.append((notebook, statistics.median(own), statistics.median(floor)))

    print(f"nbval, one notebook at a time, median of {args.repeats} runs (seconds)")
    print(f"{'notebook':<58}{'notebook':>9}{'bare':>7}{'ratio':>7}")
    for notebook, own, floor in rows:
        limit = LIMITS.get(notebook.name)
        extra = f"   (limit {limit} s: {'met' if own <= limit else 'NOT met'})" if limit else ""
        print(f"{str(notebook.relative_to(ROOT)):<58}{own:>9.1f}{floor:>7.1f}{own / floor:>6.1f}x{extra}")
    core = [(own, floor) for notebook, own, floor in rows if notebook.name in CORE]
    core_own, core_floor = sum(o for o, _ in core), sum(f for _, f in core)
    all_own, all_floor = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"core series 01-02: {core_own:.1f} s against bare {core_floor:.1f} s = {core_own / core_floor:.2f}x "
          f"(target <= {TARGET:.1f}: {'met' if core_own / core_floor <= TARGET else 'NOT met'})")
    print(f"all {len(rows)} notebooks: {all_own:.1f} s against bare {all_floor:.1f} s = {all_own / all_floor:.2f}x")


if __name__ == "__main__":
    main()
