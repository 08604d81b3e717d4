"""The three set-up routes (pip via pyproject, conda via environment.yml, Binder) list the same
packages at the same versions, and every conda entry is a valid match spec. No conda solver is
reachable where the tests run, so this is what can be checked offline."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from rattler import MatchSpec

ROOT = Path(__file__).resolve().parent.parent
# pip name -> conda-forge name, where they differ
CONDA_NAME = {"torch": "pytorch-cpu"}


def pip_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    specs = project["dependencies"] + extras["test"] + extras["classroom"]
    pins = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9.]+?)(\.\*)?", spec)
        assert match, f"pyproject dependency {spec!r} is not pinned as name==version"
        name = match.group(1).lower()
        pins[CONDA_NAME.get(name, name)] = match.group(2)
    return pins


def conda_env(path):
    return yaml.safe_load((ROOT / path).read_text())


def conda_pins(env):
    pins = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str) and entry != "pip":
            name, _, version = entry.partition("=")
            pins[name] = version
    return pins


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_use_conda_forge_only(path):
    assert conda_env(path)["channels"] == ["conda-forge", "nodefaults"]


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_every_conda_entry_is_a_match_spec(path):
    for entry in conda_env(path)["dependencies"]:
        if isinstance(entry, str):
            spec = MatchSpec(entry)
            assert spec.name.normalized == entry.partition("=")[0]


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_pin_what_pyproject_pins(path):
    pins = conda_pins(conda_env(path))
    assert pins.pop("python") == "3.11"
    assert pins == pip_pins()


def test_python_version_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.12"


def test_torch_is_pinned_to_the_cpu_build_version():
    assert pip_pins()["pytorch-cpu"] == "2.13.0"


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


def test_readme_binder_badge_opens_notebook_01_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", readme)
    assert links, "README has no Binder link"
    for link in links:
        path = re.search(r"urlpath=lab/tree/([^&)\s]+)", link)
        assert path, f"Binder link does not open JupyterLab: {link}"
        assert (ROOT / path.group(1)).is_file(), f"Binder link opens a missing file: {path.group(1)}"
    assert "01_vanishing_gradients.ipynb" in links[0]


def test_readme_lists_every_notebook_and_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in readme, f"{notebook.name} missing from the series map"
    assert "make lab" in readme and "make test" in readme
    assert "conda env create -f environment.yml" in readme
