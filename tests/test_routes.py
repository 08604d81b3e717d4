"""The routes a learner arrives by, beyond `make lab`: Colab (or any Jupyter without the helpers),
the helpers as a built wheel, and Colab's older ipywidgets.

Each test works in a new virtual environment that sees the packages of this one (torch,
matplotlib, Jupyter, ...) through links, but not the helpers: like Colab, a runtime with PyTorch
and Jupyter where `import helpers` fails. What gets installed into it lands in its own
site-packages, never in this environment. pip needs PyPI (or this machine's package index) for
setuptools, the build backend.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_01 = ROOT / "notebooks" / "01_vanishing_gradients.ipynb"
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks/exercises").glob("*/*/*.ipynb"))
PROJECT_ENTRIES = ("helpers", "shortcut_notebooks", "__editable__.shortcut_notebooks", "__editable___shortcut_notebooks")
DEFAULT_SOURCE = "git+https://github.com/shortcut-connections/notebooks"


def source_copy(folder):
    """What a build of the project reads (pyproject.toml, README.md, shortcut_notebooks.py, helpers/),
    copied into FOLDER: pip and setuptools then write their build/ and *.egg-info there, never
    into the repository, where another Python's `make` may be installing at the same time."""
    folder.mkdir()
    for name in ("pyproject.toml", "README.md", "shortcut_notebooks.py"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "helpers", folder / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def site_packages(venv):
    (path,) = (venv / "lib").glob("python3.*/site-packages")
    return path


def runtime_without_helpers(folder, leave_out=()):
    """A venv in FOLDER linking every package of this environment except the helpers (and the
    distributions whose names start with LEAVE_OUT); returns its python."""
    venv = folder / "runtime"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    own = site_packages(venv)
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name
        if name.startswith(PROJECT_ENTRIES) or name.lower().startswith(tuple(leave_out)) or (own / name).exists():
            continue
        if name.endswith(".pth"):
            shutil.copy(entry, own / name)  # read at start-up only where they lie
        else:
            (own / name).symlink_to(entry)
    return venv / "bin" / "python"


def clean_env(tmp_path, **extra):
    """The environment for a child process: no PYTHONPATH, Jupyter and matplotlib kept out of ~."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "SHORTCUT_NOTEBOOKS_SOURCE")}
    for key, sub in [("JUPYTER_CONFIG_DIR", "jconfig"), ("JUPYTER_DATA_DIR", "jdata"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")]:
        env[key] = str(tmp_path / sub)
    env.update(extra)
    return env


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


def first_code_cell(path):
    return next(c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")


def source(cell):
    return "".join(cell["source"])


def test_every_notebook_starts_with_the_same_short_setup_cell():
    setup = source(first_code_cell(NOTEBOOK_01))
    lines = setup.splitlines()
    assert len(lines) <= 5 and max(map(len, lines)) <= 108, "the set-up cell must stay at most 5 short lines"
    assert f'os.getenv("SHORTCUT_NOTEBOOKS_SOURCE") or "{DEFAULT_SOURCE}"' in setup
    assert lines[-1].startswith("import shortcut_notebooks")
    for path in ALL_NOTEBOOKS:
        cell = first_code_cell(path)
        assert source(cell) == setup, f"{path.name}: the first code cell is not the set-up cell"
        assert cell["outputs"] == [], f"{path.name}: where the helpers are installed, the set-up cell prints nothing"


def test_the_default_source_is_the_repository_the_readme_links():
    readme = (ROOT / "README.md").read_text()
    assert "https://mybinder.org/v2/gh/shortcut-connections/notebooks/" in readme
    assert DEFAULT_SOURCE.removeprefix("git+https://github.com/") == "shortcut-connections/notebooks"


def stored_print_gradients_output(notebook):
    (cell,) = [c for c in notebook["cells"] if source(c).strip() == "helpers.print_gradients(model_without_shortcut, sample_input)"]
    return cell["outputs"]


def test_notebook_01_alone_installs_the_helpers_from_the_source_and_runs(tmp_path):
    python = runtime_without_helpers(tmp_path)
    own = site_packages(python.parent.parent)
    torch_before = run([python, "-c", "import torch; print(torch.__version__, torch.__file__)"]).stdout
    missing = subprocess.run([python, "-c", "import helpers"], capture_output=True, text=True, cwd=tmp_path)
    assert "No module named 'helpers'" in missing.stderr, "the runtime must start without the helpers"

    folder = tmp_path / "empty"
    folder.mkdir()
    shutil.copy(NOTEBOOK_01, folder)
    project = source_copy(tmp_path / "project")
    env = clean_env(tmp_path, SHORTCUT_NOTEBOOKS_SOURCE=str(project))
    run(
        [python, "-m", "nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb",
         "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=300", NOTEBOOK_01.name],
        cwd=folder, env=env, timeout=600,
    )
    executed = json.loads((folder / "executed.ipynb").read_text())
    outputs = [output for cell in executed["cells"] if cell["cell_type"] == "code" for output in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"], "a cell failed"
    setup_output = "".join("".join(o.get("text", "")) for o in first_code_cell(folder / "executed.ipynb")["outputs"])
    assert setup_output == "", "pip installs quietly"
    assert stored_print_gradients_output(executed) == stored_print_gradients_output(json.loads(NOTEBOOK_01.read_text()))

    assert (own / "helpers").is_dir() and not (own / "helpers").is_symlink(), "the helpers were not installed"
    assert (own / "torch").is_symlink(), "the runtime's torch was replaced"
    assert run([python, "-c", "import torch; print(torch.__version__, torch.__file__)"]).stdout == torch_before


def test_the_setup_cell_says_what_failed_when_the_source_is_wrong(tmp_path):
    """One error naming the source tried and the variable that sets it, not a chain of them."""
    python = runtime_without_helpers(tmp_path)
    cell = source(first_code_cell(NOTEBOOK_01))
    wrong = tmp_path / "no-such-folder"
    env = clean_env(tmp_path, SHORTCUT_NOTEBOOKS_SOURCE=str(wrong))
    done = subprocess.run([python, "-c", cell], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"ImportError: pip could not install the helpers from {wrong}; see SHORTCUT_NOTEBOOKS_SOURCE"
    assert "During handling of the above exception" not in done.stderr
    assert done.stderr.count("Traceback (most recent call last)") == 1


def run_first_cell(notebook, folder, env):
    """The outputs of NOTEBOOK's first code cell, run by a kernel of this environment in FOLDER."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [next(c for c in nb.cells if c.cell_type == "code")]
    old = dict(os.environ)
    os.environ.update(env)
    try:
        NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb.cells[0].outputs


def test_a_helpers_py_beside_notebook_01_is_named_in_one_line(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    shutil.copy(NOTEBOOK_01, folder)
    (folder / "helpers.py").write_text("def add(a, b):\n    return a + b\n")
    (error,) = run_first_cell(folder / NOTEBOOK_01.name, folder, clean_env(tmp_path))
    assert error["output_type"] == "error" and error["ename"] == "ForeignHelpers"
    assert error["traceback"] == [
        f"ForeignHelpers: `import helpers` finds the file {folder / 'helpers.py'}, not this series' helpers "
        f"({ROOT / 'helpers'}): rename or move that file, then restart the kernel."
    ]
    (folder / "helpers.py").unlink()
    assert run_first_cell(folder / NOTEBOOK_01.name, folder, clean_env(tmp_path)) == [], "once it is gone, nothing"


def test_the_setup_cell_does_nothing_where_the_helpers_are_installed(tmp_path):
    done = run([sys.executable, "-c", source(first_code_cell(NOTEBOOK_01))], cwd=tmp_path,
               env=clean_env(tmp_path, SHORTCUT_NOTEBOOKS_SOURCE=str(tmp_path / "never-used")))
    assert done.stdout == "" and done.stderr == ""


def test_the_wheel_holds_every_module_and_imports_outside_the_repository(tmp_path):
    project = source_copy(tmp_path / "project")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", project], timeout=300)
    (wheel,) = (tmp_path / "dist").glob("shortcut_notebooks-*.whl")
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "helpers").rglob("*.py"))
    packed = sorted(name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("helpers/"))
    assert packed == modules
    assert "shortcut_notebooks.py" in zipfile.ZipFile(wheel).namelist()

    python = runtime_without_helpers(tmp_path)
    run([python, "-m", "pip", "install", "--quiet", wheel], timeout=300)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    imports = "; ".join(f"import {name[:-3].replace('/', '.').removesuffix('.__init__')}" for name in modules)
    check = (
        f"import shortcut_notebooks, helpers; {imports}; print(helpers.__file__); "
        "import torch; print(round(helpers.gradient_means(helpers.ExampleDeepNeuralNetwork([3, 3, 1], use_shortcut=False), "
        "torch.tensor([[1.0, 0.0, -1.0]]))['layers.0.0.weight'], 12) != 0)"
    )
    done = run([python, "-c", check], cwd=outside, env=clean_env(tmp_path))
    where, nonzero = done.stdout.splitlines()
    assert Path(where).is_relative_to(site_packages(python.parent.parent)), where
    assert not Path(where).resolve().is_relative_to(ROOT), "imported from the repository, not the wheel"
    assert nonzero == "True"


def test_the_explorer_works_with_colabs_ipywidgets_7(tmp_path):
    """Colab ships ipywidgets 7.7; pyproject admits it, so the explorer's tests must pass with it."""
    python = runtime_without_helpers(tmp_path, leave_out=("ipywidgets", "widgetsnbextension", "jupyterlab_widgets"))
    run([python, "-m", "pip", "install", "--quiet", "ipywidgets==7.7.1"], timeout=300)
    assert run([python, "-c", "import ipywidgets; print(ipywidgets.__version__)"]).stdout.strip() == "7.7.1"
    done = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning",
         "-o", "addopts=", "tests/test_explorer.py"],
        capture_output=True, text=True, cwd=ROOT, env=clean_env(tmp_path, PYTHONPATH=str(ROOT)), timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout
