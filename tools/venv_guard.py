"""Keep `.venv` built by the interpreter `make` is asked to use, and warn before a CUDA download.

    python tools/venv_guard.py check .venv     (run by $(PYTHON), before anything is installed)
    python tools/venv_guard.py torch-note PINS (run by the venv's python, before torch is installed)

`check` refuses an unsupported interpreter with one line saying which ones work, and removes a
`.venv` that another interpreter built (or that is broken, or built by an unsupported Python),
saying so in one line, so that `make` builds a new one. It reads `.venv/pyvenv.cfg`, which
`python -m venv` writes: `version` is the Python it was made with and, from Python 3.11 on,
`executable` the interpreter itself.

`torch-note` does nothing where torch is installed already; otherwise it asks pip what installing
torch (pinned by the PINS file) would bring (`pip install --dry-run --report`) and, when that
includes NVIDIA's CUDA libraries, prints one line on getting the CPU-only build instead.

Written for any Python 3 (it must run on the interpreter it refuses).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

SUPPORTED = ((3, 11), (3, 12), (3, 13))
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def supported(version_info):
    return tuple(version_info[:2]) in SUPPORTED


def supported_names():
    return ", ".join("%d.%d" % v for v in SUPPORTED)


def read_pyvenv_cfg(venv):
    """The key = value lines of VENV/pyvenv.cfg as a dict ({} when there is none)."""
    config = {}
    try:
        with open(os.path.join(venv, "pyvenv.cfg")) as f:
            for line in f:
                key, sep, value = line.partition("=")
                if sep:
                    config[key.strip()] = value.strip()
    except OSError:
        pass
    return config


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def why_rebuild(venv, version_info, base_executable):
    """Why VENV must be rebuilt for the interpreter (VERSION_INFO, BASE_EXECUTABLE), or None."""
    if not os.path.isdir(venv):
        return None
    config = read_pyvenv_cfg(venv)
    built_with = config.get("version") or config.get("version_info")
    if not built_with:
        return "it has no readable pyvenv.cfg"
    wanted = "%d.%d.%d" % tuple(version_info[:3])
    built_with = ".".join(built_with.split(".")[:3])  # virtualenv writes 3.11.7.final.0
    built_tuple = tuple(int(part) if part.isdigit() else -1 for part in built_with.split(".")[:2])
    if not supported(built_tuple):
        return "it was built by Python %s, which is not supported" % built_with
    if built_with != wanted:
        return "it was built by Python %s, not %s" % (built_with, wanted)
    executable = config.get("executable")
    if executable and not same_file(executable, base_executable):
        return "it was built by %s, not %s" % (executable, base_executable)
    if not os.path.exists(os.path.join(venv, "bin", "python")):
        return "its python is missing"
    return None


def base_executable():
    """The interpreter behind this process (not a venv's link to it), as venv records it."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def check(venv, version_info=None, executable=None):
    """Refuse an unsupported interpreter (exit status 2), or remove a VENV it did not build."""
    version_info = version_info or sys.version_info
    executable = executable or base_executable()
    if not supported(version_info):
        sys.stderr.write(
            "error: Python %d.%d (%s) is not supported; use %s, e.g. make setup PYTHON=python3.12\n"
            % (version_info[0], version_info[1], executable, supported_names())
        )
        return 2
    reason = why_rebuild(venv, version_info, executable)
    if reason:
        print("Rebuilding %s: %s." % (venv, reason))
        shutil.rmtree(venv)
    return 0


def would_pull_cuda(report):
    """True when a pip install report (pip install --dry-run --report) installs NVIDIA's CUDA libraries."""
    names = [item["metadata"]["name"].lower() for item in report.get("install", [])]
    return any(name.startswith(("nvidia-", "nvidia_")) for name in names)


def torch_install_report(pins):
    """What `pip install torch` (under the PINS constraints) would install, or None if pip cannot say."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report.json")
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--report", path, "-c", pins, "torch"]
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if done.returncode != 0 or not os.path.exists(path):
            return None  # the real install that follows shows pip's own error
        with open(path) as f:
            return json.load(f)


def torch_note(pins):
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        return 0
    report = torch_install_report(pins)
    if report is not None and would_pull_cuda(report):
        print(
            "note: pip is about to install PyTorch with NVIDIA's CUDA libraries (several GB); without an "
            "NVIDIA GPU, stop (Ctrl-C) and run `make clean` then `make setup TORCH_INDEX_URL=%s` "
            "for the CPU-only build (about 200 MB)." % CPU_INDEX
        )
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "check":
        return check(argv[1])
    if len(argv) == 2 and argv[0] == "torch-note":
        return torch_note(argv[1])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
