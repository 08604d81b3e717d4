"""`import shortcut_notebooks` (the last line of every notebook's set-up cell) names what
`import helpers` finds when that is not this series' package, in one line; otherwise it is silent.

Each case is a folder of its own put first on sys.path of a child Python: a copy of
shortcut_notebooks.py beside a `helpers` package, and what takes its place.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = (ROOT / "helpers" / "__init__.py").read_text()


def check(site, cwd):
    """What `import shortcut_notebooks` says, run with SITE first on sys.path and in CWD."""
    code = (
        "import sys; sys.path[:0] = [%r]; import shortcut_notebooks\n" % str(site)
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


@pytest.fixture
def site(tmp_path):
    """A folder like site-packages: shortcut_notebooks.py and a helpers package marked as ours."""
    site = tmp_path / "site"
    (site / "helpers").mkdir(parents=True)
    shutil.copy(ROOT / "shortcut_notebooks.py", site)
    (site / "helpers" / "__init__.py").write_text('SERIES = "shortcut-notebooks"\n')
    (tmp_path / "work").mkdir()
    return site


def test_the_series_own_package_passes_silently(site, tmp_path):
    assert check(site, tmp_path / "work") == (0, "")


def test_the_repository_itself_passes(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import shortcut_notebooks, helpers; print(helpers.SERIES)"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "shortcut-notebooks\n", "")
    assert 'SERIES = "shortcut-notebooks"' in OURS


def test_a_helpers_py_in_the_working_folder_is_named(site, tmp_path):
    work = tmp_path / "work"
    (work / "helpers.py").write_text("x = 1\n")
    code = "import sys; sys.path[:0] = ['', %r]; import shortcut_notebooks" % str(site)
    done = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"shortcut_notebooks.ForeignHelpers: `import helpers` finds the file {work / 'helpers.py'}, not this "
        f"series' helpers ({site / 'helpers'}): rename or move that file, then restart the kernel."
    )


def test_a_helpers_folder_in_the_working_folder_is_named(site, tmp_path):
    work = tmp_path / "work"
    (work / "helpers").mkdir()
    (work / "helpers" / "__init__.py").write_text("")
    code = "import sys; sys.path[:0] = ['', %r]; import shortcut_notebooks" % str(site)
    done = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1].endswith(
        f"finds the folder {work / 'helpers'}, not this series' helpers ({site / 'helpers'}): "
        "rename or move that folder, then restart the kernel."
    )


def test_another_distribution_installed_over_ours_is_named_with_what_to_do(site, tmp_path):
    """PyPI's unrelated `helpers` writes its own helpers/__init__.py over this series' file."""
    (site / "helpers" / "__init__.py").write_text("from .colors import *\n")
    info = site / "helpers-0.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: helpers\nVersion: 0.2.0\n")
    (info / "RECORD").write_text("helpers/__init__.py,,\nhelpers-0.2.0.dist-info/METADATA,,\n")
    code, line = check(site, tmp_path / "work")
    assert code == 1
    assert line == (
        f"shortcut_notebooks.ForeignHelpers: `import helpers` finds {site / 'helpers' / '__init__.py'}, which the "
        "distribution helpers 0.2.0 installed over this series' helpers: run `pip uninstall helpers`, then "
        "`pip install --force-reinstall --no-deps <this series' folder or repository>`, then restart the kernel."
    )


def test_no_helpers_at_all_says_to_reinstall(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(ROOT / "shortcut_notebooks.py", site)
    # neither site-packages nor the editable install's finder, which maps `helpers` to the repository
    code = (
        "import sys; sys.path[:] = [%r] + [p for p in sys.path if 'site-packages' not in p and p]; "
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]; "
        "import shortcut_notebooks" % str(site)
    )
    done = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "`import helpers` finds nothing: reinstall this series" in done.stderr


def test_in_ipython_the_message_is_the_whole_output():
    sys.path.insert(0, str(ROOT))
    import shortcut_notebooks

    error = shortcut_notebooks.ForeignHelpers("`import helpers` finds the file x")
    assert error._render_traceback_() == ["ForeignHelpers: `import helpers` finds the file x"]
