"""What the grader runs of an answer cell: plain Python that computes the answer, not code that
reaches outside the cell (reading files, running other code, importing modules beyond those the
exercises use, or Python's internals). The grader reads each answer cell's syntax tree before
running anything; a cell that does any of these is not run, and its exercise scores 0 with a
hint naming what it used.

The rules are the grader's, checked in the grader's process: nothing a learner's code does can
change them. They are not a sandbox against every trick (the page for instructors says what is
left); they stop the known ways to fake an answer: the solutions read from a file, the helpers'
own code loaded again, the grader's modules patched, the profiler switched off.
"""

import ast

# Modules an answer cell may import (and their submodules).
IMPORTS = {"math", "cmath", "statistics", "functools", "itertools", "operator", "collections", "dataclasses",
           "typing", "random", "numbers", "decimal", "fractions", "torch", "numpy", "matplotlib", "helpers", "tqdm"}
# Names an answer cell may not use: running code from text, files, introspection and the interpreter.
NAMES = {"exec", "eval", "compile", "open", "__import__", "globals", "locals", "vars", "getattr", "setattr",
         "delattr", "breakpoint", "input", "help", "exit", "quit", "memoryview", "get_ipython", "__builtins__",
         "__loader__", "__spec__", "__file__"}
# Attributes an answer cell may not reach: file and process access, loading code, the grader's
# own modules, and the interpreter's internals (any other name with two leading underscores).
ATTRIBUTES = {"classroom", "load", "loadtxt", "genfromtxt", "fromfile", "load_state_dict_from_url", "jit", "hub",
              "ops", "_C", "_dynamo", "compile", "system", "popen", "spawnl", "imread", "read_text", "read_bytes",
              "write_text", "write_bytes", "_getframe", "setprofile", "settrace", "import_module", "cpp_extension",
              "utils", "library", "_ops", "_classes", "backends", "from_file", "package", "serialization",
              "multiprocessing", "ctypeslib", "distributed",
              # modules that other modules hold as attributes (torch.os, helpers.figures.sys, ...)
              "os", "sys", "subprocess", "shutil", "signal", "pathlib", "Path", "importlib", "builtins", "io",
              "ctypes", "gc", "inspect", "resource", "socket", "threading", "pickle", "tempfile", "glob",
              "platform", "linecache", "traceback", "types", "weakref", "marshal", "codecs", "zipfile", "tarfile"}
DUNDERS = {"__init__", "__call__", "__name__", "__len__", "__getitem__", "__iter__", "__repr__", "__str__"}


def problems(source):
    """What an answer cell's SOURCE (already turned into Python, magics included) uses that the
    grader does not run, as short phrases; [] if nothing. A cell that does not parse gives []:
    running it reports the SyntaxError with its line."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []

    def note(what, node):
        phrase = f"{what} (line {getattr(node, 'lineno', '?')})"
        if phrase not in found:
            found.append(phrase)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in IMPORTS or alias.name.startswith("helpers.classroom"):
                    note(f"import {alias.name}", node)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.split(".")[0] not in IMPORTS or module.startswith("helpers.classroom"):
                note(f"from {'.' * node.level}{module} import ...", node)
            for alias in node.names:
                if alias.name in ATTRIBUTES or alias.name in NAMES or (alias.name.startswith("__") and alias.name not in DUNDERS):
                    note(f"from {module} import {alias.name}", node)
        elif isinstance(node, ast.Name) and (node.id in NAMES or (node.id.startswith("__") and node.id not in DUNDERS)):
            note(f"`{node.id}`", node)
        elif isinstance(node, ast.Attribute) and (
                node.attr in ATTRIBUTES or (node.attr.startswith("__") and node.attr not in DUNDERS)):
            note(f"`.{node.attr}`", node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and any(name.startswith("__") for name in node.names):
            note("a global dunder name", node)
    return found


def hint(found):
    return (f"the grader does not run this answer cell: it uses {', '.join(found)}. Answers are computed in the "
            "cell itself, without reading files, loading other code or reaching into Python's internals")
