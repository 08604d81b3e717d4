"""How much the notebooks themselves cost under nbval, against the bare cost of their kernels.

Prints, measured in this one run (interleaved, median of --repeats):
- series: the wall time of `pytest --nbval` over every notebook of the series;
- bare:   the same command over as many generated notebooks whose only cell is `import torch`
          (pytest start-up, one fresh kernel per notebook, torch imported: the floor);
- their ratio. Target: series <= 2 x bare.

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    notebooks = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
    with tempfile.TemporaryDirectory() as folder:
        bare_dir = Path(folder)
        bare = []
        for i in range(len(notebooks)):
            nb = nbformat.v4.new_notebook()
            cell = nbformat.v4.new_code_cell("import torch")
            cell.execution_count = 1
            nb.cells.append(cell)
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            path = bare_dir / f"bare_{i:02d}.ipynb"
            nbformat.write(nb, path)
            bare.append(path)

        series_times, bare_times = [], []
        for _ in range(args.repeats):
            bare_times.append(timed(nbval_command(bare, bare_dir), bare_dir))
            series_times.append(timed(nbval_command(notebooks, ROOT), ROOT))

    series, floor = statistics.median(series_times), statistics.median(bare_times)
    print(f"notebooks: {len(notebooks)}, repeats: {args.repeats}")
    print(f"series  (nbval over the notebooks)           median {series:6.2f} s   runs {', '.join(f'{t:.2f}' for t in series_times)}")
    print(f"bare    ({len(notebooks)} kernels that only import torch)  median {floor:6.2f} s   runs {', '.join(f'{t:.2f}' for t in bare_times)}")
    ratio = series / floor
    print(f"ratio   series / bare = {ratio:.2f}  (target <= {TARGET:.1f}: {'met' if ratio <= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
