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


def test_every_notebook_starts_with_the_same_setup_cell():
    setup = source(first_code_cell(NOTEBOOK_01))
    assert setup.startswith("# Set-up for Colab or any Jupyter without this series' `helpers` package")
    assert 'os.environ.get("SHORTCUT_NOTEBOOKS_SOURCE", "%s")' % DEFAULT_SOURCE in setup
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
    env = clean_env(tmp_path, SHORTCUT_NOTEBOOKS_SOURCE=str(ROOT))
    run(
        [python, "-m", "nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb",
         "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=300", NOTEBOOK_01.name],
        cwd=folder, env=env, timeout=600,
    )
    executed = json.loads((folder / "executed.ipynb").read_text())
    outputs = [output for cell in executed["cells"] if cell["cell_type"] == "code" for output in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"], "a cell failed"
    setup_output = "".join("".join(o.get("text", "")) for o in first_code_cell(folder / "executed.ipynb")["outputs"])
    assert setup_output == f"Installing the helpers from {ROOT} ...\n"
    assert stored_print_gradients_output(executed) == stored_print_gradients_output(json.loads(NOTEBOOK_01.read_text()))

    assert (own / "helpers").is_dir() and not (own / "helpers").is_symlink(), "the helpers were not installed"
    assert (own / "torch").is_symlink(), "the runtime's torch was replaced"
    assert run([python, "-c", "import torch; print(torch.__version__, torch.__file__)"]).stdout == torch_before


def test_the_setup_cell_says_what_failed_when_the_source_is_wrong(tmp_path):
    python = runtime_without_helpers(tmp_path)
    cell = source(first_code_cell(NOTEBOOK_01))
    env = clean_env(tmp_path, SHORTCUT_NOTEBOOKS_SOURCE=str(tmp_path / "no-such-folder"))
    done = subprocess.run([python, "-c", cell], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert done.returncode != 0
    assert f"RuntimeError: pip could not install the helpers from {tmp_path / 'no-such-folder'}:" in done.stderr


def test_the_setup_cell_does_nothing_where_the_helpers_are_installed(tmp_path):
    done = run([sys.executable, "-c", source(first_code_cell(NOTEBOOK_01))], cwd=tmp_path,
               env=clean_env(tmp_path, SHORTCUT_NOTEBOOKS_SOURCE=str(tmp_path / "never-used")))
    assert done.stdout == "" and done.stderr == ""


def test_the_wheel_holds_every_module_and_imports_outside_the_repository(tmp_path):
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", ROOT], timeout=300)
    (wheel,) = (tmp_path / "dist").glob("shortcut_notebooks-*.whl")
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "helpers").rglob("*.py"))
    packed = sorted(name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("helpers/"))
    assert packed == modules

    python = runtime_without_helpers(tmp_path)
    run([python, "-m", "pip", "install", "--quiet", wheel], timeout=300)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    imports = "; ".join(f"import {name[:-3].replace('/', '.').removesuffix('.__init__')}" for name in modules)
    check = (
        f"import helpers; {imports}; print(helpers.__file__); "
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
