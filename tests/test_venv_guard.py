"""`make setup` keeps .venv only when the interpreter it is asked to use built it, and says so in
one line when it rebuilds; before pip pulls PyTorch's CUDA build it says how to get the CPU one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import venv_guard

ROOT = Path(__file__).resolve().parent.parent
THIS = tuple(sys.version_info[:3])
BASE = venv_guard.base_executable()


def fake_venv(folder, version, executable=None, python=True):
    """A .venv as `python -m venv` leaves it, as far as the guard reads it."""
    venv = folder / ".venv"
    (venv / "bin").mkdir(parents=True)
    lines = [f"home = {os.path.dirname(executable or BASE)}", f"version = {version}"]
    if executable:
        lines.append(f"executable = {executable}")
    (venv / "pyvenv.cfg").write_text("\n".join(lines) + "\n")
    if python:
        (venv / "bin" / "python").symlink_to(executable or BASE)
    (venv / "installed-by-someone").write_text("")
    return venv


def test_a_venv_of_this_interpreter_is_kept(tmp_path):
    venv = tmp_path / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    # sys.executable is the test venv's python; the guard sees through it to the base interpreter
    assert venv_guard.why_rebuild(str(venv), THIS, BASE) is None
    assert venv_guard.check(str(venv)) == 0
    assert venv.is_dir()


@pytest.mark.parametrize(
    ("version", "executable", "reason"),
    [
        ("3.10.13", None, "it was built by Python 3.10.13, which is not supported"),
        ("3.10.13.final.0", None, "it was built by Python 3.10.13, which is not supported"),
        ("3.9.18", "/usr/bin/python3.9", "it was built by Python 3.9.18, which is not supported"),
        ("3.11.0", None, "it was built by Python 3.11.0, not {this}"),
        ("3.13.0", None, "it was built by Python 3.13.0, not {this}"),
        ("{this}", "/no/such/python3", "it was built by /no/such/python3, not {base}"),
    ],
)
def test_a_venv_of_another_interpreter_is_rebuilt_saying_why(tmp_path, capsys, version, executable, reason):
    this = "%d.%d.%d" % THIS
    if version == "3.11.0" and this == "3.11.0" or version == "3.13.0" and this == "3.13.0":
        version = "3.12.0"
        reason = reason.replace("3.11.0", "3.12.0").replace("3.13.0", "3.12.0")
    venv = fake_venv(tmp_path, version.format(this=this), executable, python=executable is None)
    assert venv_guard.check(str(venv)) == 0
    assert not venv.exists()
    expected = f"Rebuilding {venv}: {reason.format(this=this, base=BASE)}.\n"
    assert capsys.readouterr().out == expected


def test_a_venv_without_pyvenv_cfg_or_python_is_rebuilt(tmp_path, capsys):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    assert venv_guard.check(str(venv)) == 0
    assert not venv.exists()
    assert capsys.readouterr().out == f"Rebuilding {venv}: it has no readable pyvenv.cfg.\n"
    venv = fake_venv(tmp_path, "%d.%d.%d" % THIS, python=False)
    venv_guard.check(str(venv))
    assert not venv.exists()
    assert "its python is missing" in capsys.readouterr().out


@pytest.mark.parametrize("version_info", [(3, 10, 13), (3, 14, 0), (2, 7, 18)])
def test_an_unsupported_interpreter_is_refused_naming_the_supported_ones(tmp_path, capsys, version_info):
    venv = fake_venv(tmp_path, "%d.%d.%d" % THIS)
    assert venv_guard.check(str(venv), version_info, "/usr/bin/pythonX") == 2
    assert venv.exists(), "a refused interpreter must not remove the working venv"
    err = capsys.readouterr().err
    assert err.startswith("error: Python %d.%d (/usr/bin/pythonX) is not supported; use 3.11, 3.12, 3.13" % version_info[:2])


def make_setup(folder, python):
    """`make setup PYTHON=...` in a copy of the Makefile whose install step is already done, so
    only the guard runs (the stamp is newer than pyproject.toml and constraints.txt)."""
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "tools", folder / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    stamp = folder / "done-stamp"
    stamp.write_text("")
    return subprocess.run(
        ["make", "--no-print-directory", "setup", f"PYTHON={python}", f"STAMP={stamp}"],
        cwd=folder, capture_output=True, text=True, timeout=60,
    )


def test_make_setup_replaces_a_venv_made_by_python_3_10(tmp_path):
    venv = fake_venv(tmp_path, "3.10.13")
    done = make_setup(tmp_path, BASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Rebuilding .venv: it was built by Python 3.10.13, which is not supported."
    assert not (venv / "installed-by-someone").exists()


def test_make_setup_keeps_its_own_venv_and_says_nothing(tmp_path):
    subprocess.run([BASE, "-m", "venv", "--without-pip", tmp_path / ".venv"], check=True)
    (tmp_path / ".venv" / "mine").write_text("")
    done = make_setup(tmp_path, BASE)
    assert done.returncode == 0, done.stderr
    assert "Rebuilding" not in done.stdout
    assert (tmp_path / ".venv" / "mine").exists()


@pytest.mark.parametrize(
    ("requested", "platform", "gpu", "expected"),
    [
        ("", "linux", False, (venv_guard.CPU_INDEX, True)),   # the learner without a GPU: CPU-only, automatically
        ("", "linux", True, (None, False)),                   # an NVIDIA GPU: the default index's CUDA build
        ("", "darwin", False, (None, False)),                 # macOS: PyPI's torch has no CUDA anyway
        ("https://example.org/whl/cu126", "linux", False, ("https://example.org/whl/cu126", False)),
    ],
)
def test_the_torch_index_follows_the_machine_unless_one_is_asked_for(requested, platform, gpu, expected):
    assert venv_guard.choose_index(requested, platform, gpu) == expected


@pytest.fixture
def no_torch(monkeypatch):
    """install_torch as on a venv without torch, with pip replaced by a record of its calls."""
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "torch" else real_find_spec(name))
    monkeypatch.setattr(venv_guard, "choose_index", lambda requested: (requested, False) if requested else (venv_guard.CPU_INDEX, True))
    calls = []
    return calls


def fake_pip(calls, fails_on=()):
    def pip(pins, index=None):
        calls.append(index)
        return index not in fails_on
    return pip


def test_an_unreachable_cpu_index_falls_back_to_the_default_in_one_line(no_torch, monkeypatch, capsys):
    monkeypatch.setattr(venv_guard, "reachable", lambda url: False)
    monkeypatch.setattr(venv_guard, "pip_install_torch", fake_pip(no_torch))
    assert venv_guard.install_torch("constraints.txt") == 0
    assert no_torch == [None], "pip must not even try the unreachable index"
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and venv_guard.CPU_INDEX in out and "default index" in out and "TORCH_INDEX_URL" in out


def test_pip_failing_on_the_cpu_index_falls_back_too(no_torch, monkeypatch, capsys):
    monkeypatch.setattr(venv_guard, "reachable", lambda url: True)
    monkeypatch.setattr(venv_guard, "pip_install_torch", fake_pip(no_torch, fails_on=(venv_guard.CPU_INDEX,)))
    assert venv_guard.install_torch("constraints.txt") == 0
    assert no_torch == [venv_guard.CPU_INDEX, None]
    assert capsys.readouterr().out.count("\n") == 1


def test_a_reachable_cpu_index_is_used_silently(no_torch, monkeypatch, capsys):
    monkeypatch.setattr(venv_guard, "reachable", lambda url: True)
    monkeypatch.setattr(venv_guard, "pip_install_torch", fake_pip(no_torch))
    assert venv_guard.install_torch("constraints.txt") == 0
    assert no_torch == [venv_guard.CPU_INDEX] and capsys.readouterr().out == ""


def test_an_index_asked_for_is_used_or_fails_without_falling_back(no_torch, monkeypatch, capsys):
    asked = "https://example.org/whl/cu126"
    monkeypatch.setattr(venv_guard, "reachable", lambda url: pytest.fail("an index asked for is not probed"))
    monkeypatch.setattr(venv_guard, "pip_install_torch", fake_pip(no_torch, fails_on=(asked,)))
    assert venv_guard.install_torch("constraints.txt", asked) == 1
    assert no_torch == [asked]
    assert capsys.readouterr().err == f"error: pip could not install torch from {asked}\n"


def test_reachable_tells_a_closed_port_from_a_server_that_answers_404(tmp_path):
    import http.server
    import threading

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert venv_guard.reachable(f"http://127.0.0.1:{server.server_port}/whl/cpu") is True  # 404 still answers
    finally:
        server.shutdown()
        server.server_close()
    assert venv_guard.reachable(f"http://127.0.0.1:{server.server_port}/whl/cpu", timeout=5) is False


def test_nothing_is_installed_where_torch_is(monkeypatch, capsys):
    monkeypatch.setattr(venv_guard, "pip_install_torch", lambda *a: pytest.fail("pip must not run"))
    assert venv_guard.install_torch("constraints.txt") == 0  # this environment has torch
    assert capsys.readouterr().out == ""
