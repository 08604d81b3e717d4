"""Keep `.venv` built by the interpreter `make` is asked to use, and warn before a CUDA download.

    python tools/venv_guard.py check .venv     (run by $(PYTHON), before anything is installed)
    python tools/venv_guard.py torch PINS [INDEX] (run by the venv's python, before the rest)

`check` refuses an unsupported interpreter with one line saying which ones work, and removes a
`.venv` that another interpreter built (or that is broken, or built by an unsupported Python),
saying so in one line, so that `make` builds a new one. It reads `.venv/pyvenv.cfg`, which
`python -m venv` writes: `version` is the Python it was made with and, from Python 3.11 on,
`executable` the interpreter itself.

`torch` does nothing where torch is installed already; otherwise it installs torch (pinned by the
PINS file) from INDEX (TORCH_INDEX_URL) when one is given. Without one, on Linux without an NVIDIA
GPU it takes PyTorch's CPU-only build (about 200 MB instead of about 5 GB of CUDA libraries);
where that index cannot be reached it says so in one line and takes the default index's build.
With an NVIDIA GPU, and on macOS and Windows, the default index is used.

Written for any Python 3 (it must run on the interpreter it refuses).
"""

import os
import shutil
import subprocess
import sys

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


def nvidia_gpu():
    """True where an NVIDIA driver is loaded (a GPU that PyTorch's CUDA build can use)."""
    return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidia0")


def choose_index(requested, platform=None, gpu=None):
    """(index, automatic): where torch comes from. REQUESTED (TORCH_INDEX_URL) wins; on Linux
    without an NVIDIA GPU it is PyTorch's CPU-only index; elsewhere None, the default index."""
    platform = sys.platform if platform is None else platform
    if requested:
        return requested, False
    if platform.startswith("linux") and not (nvidia_gpu() if gpu is None else gpu):
        return CPU_INDEX, True
    return None, False


def reachable(url, timeout=10):
    """True when URL answers (any HTTP status); False when it cannot be reached at all."""
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + "/torch/", method="HEAD"), timeout=timeout).close()
        return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def pip_install_torch(pins, index=None):
    """pip install torch (pinned by PINS), from INDEX when given; True when pip succeeded."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "-c", pins, "torch"]
    if index:
        command += ["--index-url", index]
    return subprocess.run(command).returncode == 0


def fallback_line(index):
    return (
        "note: PyTorch's CPU-only index (%s) cannot be reached from here, so torch comes from "
        "pip's default index instead (PyPI's Linux build carries about 5 GB of CUDA libraries); "
        "choose another index with `make clean` then `make lab TORCH_INDEX_URL=...`." % index
    )


def install_torch(pins, requested=""):
    """Install torch into this environment unless it has one: see choose_index. Where the CPU-only
    index was chosen automatically and cannot be reached (or pip fails on it), fall back to the
    default index, saying so in one line. An index asked for by name is used or fails."""
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        return 0
    index, automatic = choose_index(requested)
    if index and automatic:
        if reachable(index) and pip_install_torch(pins, index):
            return 0
        print(fallback_line(index), flush=True)
        index = None
    if pip_install_torch(pins, index):
        return 0
    sys.stderr.write("error: pip could not install torch from %s\n" % (index or "the default index"))
    return 1


def main(argv):
    if len(argv) == 2 and argv[0] == "check":
        return check(argv[1])
    if len(argv) in (2, 3) and argv[0] == "torch":
        return install_torch(argv[1], argv[2] if len(argv) == 3 else "")
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
