"""The set-up routes agree with each other and with what exists.

- pyproject.toml holds ranges (a library installs beside the torch a runtime already has);
  constraints.txt holds the exact versions `make`, CI and Binder install, each inside its range.
- environment.yml and binder/environment.yml use conda-forge names that exist, at versions
  read in each package's feedstock recipe, and agree with constraints.txt.
- Binder carries only what a learner needs; the supported Pythons are the same everywhere.
No conda solver is reachable where the tests run, so this is what can be checked offline.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from rattler import MatchSpec

from tools.venv_guard import SUPPORTED

ROOT = Path(__file__).resolve().parent.parent
CONDA_FILES = ["environment.yml", "binder/environment.yml"]

# conda-forge name -> pip name, where they differ
PIP_NAME = {"pytorch-cpu": "torch", "matplotlib-base": "matplotlib"}

# Versions read in each package's conda-forge feedstock recipe (recipe/recipe.yaml or
# recipe/meta.yaml of conda-forge/<feedstock>-feedstock), the newest stored copy found. A conda
# entry may pin only as precisely as one of these confirms.
CONFIRMED_ON_CONDA_FORGE = {
    "python": ["3.11.12", "3.12.1", "3.13.1"],     # python-feedstock (output python of python-split)
    "pytorch-cpu": ["2.12.0", "2.13.0"],           # pytorch-cpu-feedstock, output pytorch-cpu
    "numpy": ["2.4.0", "2.4.3", "2.4.4", "2.5.1"],  # numpy-feedstock
    "matplotlib-base": ["3.10.7"],                 # matplotlib-feedstock (matplotlib-suite), output
    "ipywidgets": ["8.1.7", "8.1.8"],              # ipywidgets-feedstock, recipe/meta.yaml (8.1.8 on main, May 2026)
    "jupyterlab": ["4.4.9", "4.5.6"],              # jupyterlab-feedstock, recipe/meta.yaml (4.5.6 on main, March 2026)
    "tqdm": ["4.67.2", "4.68.2"],                  # tqdm-feedstock
    "pip": ["25.3"],                               # pip-feedstock
    "font-ttf-noto-cjk": ["2.004"],                # font-ttf-noto-cjk-feedstock, recipe/meta.yaml (its fonts in <prefix>/fonts)
}

# conda packages that are not Python packages (no pin in constraints.txt), and what they are for.
NOT_FROM_PYPI = {"font-ttf-noto-cjk": "a font with Chinese glyphs, for helpers.set_language('zh') (helpers/language.py)"}

# Names that exist on conda-forge but mean something else, or do not exist there.
WRONG_ON_CONDA_FORGE = {
    "playwright": "on conda-forge this is the Node.js command-line tool; the Python library is playwright-python",
    "torch": "not a conda-forge name; the CPU-only PyTorch is pytorch-cpu",
}

# What a learner never needs: the test and grading tools.
TEST_TOOLS = {"pytest", "nbval", "nbconvert", "pyyaml", "py-rattler", "playwright", "playwright-python", "nbgrader"}


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements():
    """Every requirement of the package and its extras, by normalized name."""
    specs = list(project()["dependencies"])
    for extra in project()["optional-dependencies"].values():
        specs += extra
    return {Requirement(spec).name.lower(): Requirement(spec) for spec in specs}


def pins():
    """constraints.txt as {name: version}; each line must be name==exact-version."""
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.+]*)", line)
        assert match, f"constraints.txt: {line!r} is not name==exact.version"
        pinned[match.group(1).lower()] = match.group(2)
    return pinned


def conda_env(path):
    return yaml.safe_load((ROOT / path).read_text())


def conda_entries(path):
    """The conda packages of PATH as {name: version} (version '' when unpinned)."""
    entries = {}
    for entry in conda_env(path)["dependencies"]:
        if isinstance(entry, str):
            name, _, version = entry.partition("=")
            entries[name] = version
    return entries


def prefix_of(short, full):
    """conda's `name=4.6` means 4.6.*: is SHORT the leading components of FULL?"""
    return full.split(".")[: len(short.split("."))] == short.split(".")


def test_constraints_pin_every_requirement_inside_its_range():
    pinned = pins()
    for name, requirement in requirements().items():
        assert name in pinned, f"{name} has no exact version in constraints.txt"
        assert Version(pinned[name]) in requirement.specifier, (
            f"constraints.txt pins {name}=={pinned[name]}, outside pyproject's {requirement}"
        )
    assert set(pinned) == set(requirements()), "constraints.txt pins a package the project does not ask for"


def test_torch_is_pinned_to_the_version_on_this_disk():
    assert pins()["torch"] == "2.13.0"


@pytest.mark.parametrize(
    ("name", "runtime_version"),
    [
        ("torch", "2.13.0+cpu"),      # the CPU build make installs
        ("torch", "2.9.0+cu126"),     # a CUDA build such as Colab's
        ("torch", "2.5.1"),
        ("ipywidgets", "7.7.1"),      # Colab's widgets
        ("ipywidgets", "8.1.9"),
        ("matplotlib", "3.8.4"),
        ("numpy", "1.26.4"),
    ],
)
def test_library_ranges_admit_what_runtimes_already_have(name, runtime_version):
    assert Version(runtime_version) in requirements()[name].specifier


def test_the_lab_and_test_tools_are_extras_not_library_dependencies():
    core = {Requirement(spec).name.lower() for spec in project()["dependencies"]}
    assert core == {"torch", "numpy", "matplotlib", "ipywidgets", "tqdm"}
    assert "jupyterlab" in {Requirement(s).name for s in project()["optional-dependencies"]["lab"]}


@pytest.mark.parametrize("path", CONDA_FILES)
def test_conda_files_use_conda_forge_only(path):
    assert conda_env(path)["channels"] == ["conda-forge", "nodefaults"]


@pytest.mark.parametrize("path", CONDA_FILES)
def test_every_conda_entry_is_a_match_spec(path):
    for entry in conda_env(path)["dependencies"]:
        if isinstance(entry, str):
            spec = MatchSpec(entry)
            assert spec.name.normalized == entry.partition("=")[0]


@pytest.mark.parametrize("path", CONDA_FILES)
def test_no_conda_name_known_to_be_wrong(path):
    for name in conda_entries(path):
        assert name not in WRONG_ON_CONDA_FORGE, f"{path}: {name}: {WRONG_ON_CONDA_FORGE.get(name)}"


@pytest.mark.parametrize("path", CONDA_FILES)
def test_conda_versions_were_confirmed_in_the_feedstock_recipes(path):
    for name, version in conda_entries(path).items():
        assert name in CONFIRMED_ON_CONDA_FORGE, f"{path}: {name} was not confirmed on conda-forge"
        if version:
            confirmed = CONFIRMED_ON_CONDA_FORGE[name]
            assert any(prefix_of(version, seen) for seen in confirmed), (
                f"{path}: {name}={version} is more precise than, or differs from, the versions read "
                f"in its feedstock recipe: {confirmed}"
            )


@pytest.mark.parametrize("path", CONDA_FILES)
def test_conda_files_agree_with_constraints(path):
    pinned = pins()
    for name, version in conda_entries(path).items():
        if name in ("python", "pip") or name in NOT_FROM_PYPI:
            continue
        pip_name = PIP_NAME.get(name, name)
        assert pip_name in pinned, f"{path}: {name} is not in constraints.txt"
        assert version, f"{path}: {name} has no version"
        assert prefix_of(version, pinned[pip_name]), (
            f"{path}: {name}={version} does not admit constraints.txt's {pip_name}=={pinned[pip_name]}"
        )


def test_the_learner_set_is_what_the_library_and_jupyterlab_need():
    needed = {Requirement(spec).name.lower() for spec in project()["dependencies"]} | {"jupyterlab"}
    for path in CONDA_FILES:
        names = {PIP_NAME.get(name, name) for name in conda_entries(path)} - {"python", "pip", *NOT_FROM_PYPI}
        assert names == needed, path


def test_binder_lists_no_test_tool():
    assert not set(conda_entries("binder/environment.yml")) & TEST_TOOLS


def test_conda_route_installs_the_helpers_and_binder_leaves_it_to_postbuild():
    root_pip = [e for e in conda_env("environment.yml")["dependencies"] if isinstance(e, dict)]
    assert root_pip == [{"pip": ["-e ."]}]
    binder = conda_env("binder/environment.yml")["dependencies"]
    assert all(isinstance(e, str) for e in binder)
    post_build = (ROOT / "binder/postBuild").read_text()
    assert post_build.startswith("#!/bin/bash")
    assert "\nset -e\n" in post_build
    assert re.search(r"pip install (--no-deps )?-e \.", post_build)
    assert (ROOT / "binder/postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def supported_names():
    return [f"{major}.{minor}" for major, minor in SUPPORTED]


def test_the_supported_pythons_are_the_same_everywhere():
    names = supported_names()
    assert names == ["3.11", "3.12", "3.13"]
    requires = SpecifierSet(project()["requires-python"])
    for name in names:
        assert Version(name) in requires, f"requires-python refuses {name}"
    assert Version("3.10") not in requires
    classifiers = {c.rsplit(" ", 1)[-1] for c in project()["classifiers"] if c.startswith("Programming Language :: Python :: 3.")}
    assert sorted(classifiers) == names
    for path in CONDA_FILES:
        assert conda_entries(path)["python"] in names
    readme = (ROOT / "README.md").read_text()
    assert "Python 3.11, 3.12 or 3.13" in readme
    ci = (ROOT / ".ci/run").read_text()
    assert re.search(r"^VERSIONS=\"3\.11 3\.12 3\.13\"$", ci, re.MULTILINE), "CI must run every supported Python"


def test_readme_binder_links_open_notebook_01_in_jupyterlab_and_the_explorer_app_in_voila():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", readme)
    assert links, "README has no Binder link"
    for link in links:
        path = re.search(r"urlpath=(?:lab/tree|voila/render)/([^&)\s]+)", link)
        assert path, f"Binder link opens neither JupyterLab nor Voila: {link}"
        assert (ROOT / path.group(1)).is_file(), f"Binder link opens a missing file: {path.group(1)}"
    assert "lab/tree/notebooks/01_vanishing_gradients.ipynb" in links[0]
    assert any("voila/render/apps/explorer.ipynb" in link for link in links)


def test_binder_installs_voila_at_the_pinned_version():
    post_build = (ROOT / "binder/postBuild").read_text()
    assert f"pip install voila=={pins()['voila']}" in post_build


def test_readme_has_an_open_in_colab_link_per_notebook_from_the_same_repository():
    readme = (ROOT / "README.md").read_text()
    binder_repo = re.search(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/([^?]+)\?", readme)
    colab = re.findall(r"https://colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/([^/]+)/(notebooks/[^)\s]+\.ipynb)", readme)
    linked = {path for _, _, path in colab}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in linked, f"no Open in Colab link for {notebook.name}"
    for repo, branch, path in colab:
        assert (repo, branch) == (binder_repo.group(1), binder_repo.group(2)), "Colab and Binder links name different repositories"
        assert (ROOT / path).is_file(), path


def test_readme_lists_every_notebook_and_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in readme, f"{notebook.name} missing from the series map"
    assert "make lab" in readme and "make test" in readme
    assert "conda env create -f environment.yml" in readme


def test_ci_runs_the_whole_suite_on_the_first_python_and_the_core_on_the_others():
    ci = (ROOT / ".ci/run").read_text()
    loop = ci[ci.index("scope=first"):]
    assert re.search(r'make --no-print-directory test PYTHON="\$python" VENV="\$venv" SCOPE=\$scope', loop)
    assert loop.index("make --no-print-directory test") < loop.index("scope=core"), "the first Python must run SCOPE=first"
    assert 'make --no-print-directory setup-test PYTHON="$python" VENV="$venv"' in loop
    assert "echo \"=== Python $version: venv $(cat" in ci, "CI must print each Python's times"


def test_scope_core_leaves_out_exactly_the_tests_marked_once():
    """`make test SCOPE=core` deselects the version-independent test files and nothing else."""
    from tests.conftest import ONCE

    def collected(*extra):
        done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *extra, "tests"],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return {line.split("::")[0].rsplit("/", 1)[-1] for line in done.stdout.splitlines() if "::" in line}

    everything, core = collected(), collected("-m", "not once")
    assert {"test_setup_files.py", "test_venv_guard.py", "test_gradients.py"} <= everything
    assert everything - core == ONCE & everything  # (test_browser.py is collected only where Chromium is)
    assert not ONCE & core


def test_make_refuses_an_unknown_scope():
    done = subprocess.run(["make", "--no-print-directory", "-s", "test", "SCOPE=fast"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "SCOPE must be all, first or core, got 'fast'" in done.stderr


def make_dry_run(tmp_path, target):
    """What `make -n TARGET` would run for a fresh clone (no .venv): the commands, not run."""
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    done = subprocess.run(["make", "-n", "--no-print-directory", target, f"PYTHON={sys.executable}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_lab_installs_the_series_and_jupyterlab_only(tmp_path):
    lab = make_dry_run(tmp_path, "lab")
    installs = [line for line in lab.splitlines() if " -m pip install " in line and "--upgrade pip" not in line]
    assert installs == [f"{'.venv/bin/python'} -m pip install --quiet  -c constraints.txt -e '.[lab]'"], installs
    assert "tools/venv_guard.py torch constraints.txt ''" in lab, "torch must come through the guard's index choice"
    assert "tools/jupyter/learner" in lab.splitlines()[-1] and "/bin/jupyter lab " in lab.splitlines()[-1]


def test_the_test_tools_come_with_make_test_and_nbgrader_with_make_instructor(tmp_path):
    assert "-e '.[lab,test,classroom]'" in make_dry_run(tmp_path, "test")
    instructor = make_dry_run(tmp_path, "instructor")
    assert "-e '.[lab,classroom]'" in instructor and "test" not in instructor.split("-e '.[lab,classroom]'")[0][-200:]
    start = instructor.splitlines()[-1]
    assert start.startswith("cd notebooks/exercises && ") and "/bin/jupyter lab " in start and "learner" not in start
    page = (ROOT / "notebooks" / "exercises" / "README.md").read_text()
    assert "make instructor" in page


def test_the_conda_route_brings_a_font_with_chinese_glyphs_and_binder_its_debian_one():
    assert conda_entries("environment.yml")["font-ttf-noto-cjk"] == "2.004"
    apt = [line.strip() for line in (ROOT / "binder/apt.txt").read_text().splitlines() if not line.startswith("#")]
    assert "fonts-wqy-microhei" in apt
