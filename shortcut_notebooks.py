"""Make sure `import helpers` finds this series' package, and say so in one line when it does not.

The series' package has a common name, `helpers`, so two things can take its place without any
error of their own:

- a `helpers.py` or `helpers/` in the folder a notebook runs in (Python looks there first);
- another distribution that installs a top-level `helpers` over this one's files (PyPI has one).

The first cell of every notebook imports this module, whose name only this series uses. It
finds what `import helpers` would load, without running it, and raises `ForeignHelpers` with
one line naming the file found and what to do. Where everything is as it should be, it does
nothing and prints nothing.
"""

import importlib.metadata
import importlib.util
import os
import sys

__all__ = ["ForeignHelpers", "check_helpers", "foreign_helpers"]

# Our helpers/__init__.py carries this line; another package's does not.
MARKER = b'SERIES = "shortcut-notebooks"'
DISTRIBUTION = "shortcut-notebooks"
REINSTALL = "pip install --force-reinstall --no-deps <this series' folder or repository>"


class ForeignHelpers(ImportError):
    """`import helpers` would load something other than this series' package."""

    def _render_traceback_(self):
        # IPython shows this one line instead of a traceback: the message is what to do.
        return [f"{type(self).__name__}: {self}"]


def _owner(path):
    """The name of the installed distribution (other than this series) whose files hold PATH."""
    try:
        target = os.path.realpath(path)
        for dist in importlib.metadata.distributions():
            name = dist.metadata["Name"] or ""
            if name.lower().replace("_", "-") == DISTRIBUTION:
                continue
            for file in dist.files or ():
                if file.parts and file.parts[0] in ("helpers", "helpers.py"):
                    if os.path.realpath(str(dist.locate_file(file))) == target:
                        return f"{name} {dist.version}"
    except Exception:  # a broken distribution's metadata must not hide the message itself
        pass
    return None


def foreign_helpers(here=None):
    """One line saying what is wrong with `import helpers`, or None when it finds this series' package.

    HERE is the folder this series' `helpers/` should lie in (by default, this module's own).
    """
    here = os.path.dirname(os.path.abspath(__file__)) if here is None else here
    expected = os.path.join(here, "helpers", "__init__.py")
    module = sys.modules.get("helpers")
    try:
        spec = module.__spec__ if module is not None else importlib.util.find_spec("helpers")
    except (ImportError, ValueError):
        spec = None
    origin = getattr(spec, "origin", None) or getattr(module, "__file__", None)
    if spec is None or origin is None:
        locations = list(getattr(spec, "submodule_search_locations", None) or [])
        if locations:  # a folder named helpers with no __init__.py (a namespace package)
            return (
                f"`import helpers` finds the folder {locations[0]}, not this series' helpers: rename "
                "or move that folder, then restart the kernel."
            )
        return f"`import helpers` finds nothing: reinstall this series ({REINSTALL}), then restart the kernel."
    if not os.path.exists(expected) or not os.path.samefile(origin, expected):
        what = "folder" if os.path.basename(origin) == "__init__.py" else "file"
        shown = os.path.dirname(origin) if what == "folder" else origin
        return (
            f"`import helpers` finds the {what} {shown}, not this series' helpers ({os.path.dirname(expected)}): "
            f"rename or move that {what}, then restart the kernel."
        )
    try:
        with open(origin, "rb") as f:
            ours = MARKER in f.read()
    except OSError:
        ours = False
    if not ours:
        owner = _owner(origin)
        by = f"the distribution {owner}" if owner else "another package"
        return (
            f"`import helpers` finds {origin}, which {by} installed over this series' helpers: "
            f"run `pip uninstall {owner.split()[0] if owner else '<that package>'}`, then "
            f"`{REINSTALL}`, then restart the kernel."
        )
    return None


def check_helpers(here=None):
    """Raise ForeignHelpers (one line: the file found and what to do) unless `import helpers` is ours."""
    problem = foreign_helpers(here)
    if problem:
        raise ForeignHelpers(problem)


check_helpers()
