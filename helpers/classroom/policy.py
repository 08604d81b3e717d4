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
import re

from helpers.language import say

# Modules an answer cell may import (and their submodules).
IMPORTS = {"math", "cmath", "statistics", "functools", "itertools", "operator", "collections", "dataclasses",
           "typing", "random", "numbers", "decimal", "fractions", "torch", "numpy", "matplotlib", "helpers", "tqdm"}
# Names an answer cell may not use: running code from text, files, introspection and the interpreter.
NAMES = {"exec", "eval", "compile", "open", "__import__", "globals", "locals", "vars", "getattr", "setattr",
         "delattr", "breakpoint", "input", "help", "exit", "quit", "memoryview", "get_ipython", "__builtins__",
         "__loader__", "__spec__", "__file__", "attrgetter", "methodcaller", "get_type_hints"}
# Attributes an answer cell may not reach: file and process access, loading code, the grader's
# own modules, and the interpreter's internals (any other name with two leading underscores).
ATTRIBUTES = {"classroom", "load", "loadtxt", "genfromtxt", "fromfile", "load_state_dict_from_url", "jit", "hub",
              "ops", "_C", "_dynamo", "compile", "system", "popen", "spawnl", "imread", "read_text", "read_bytes",
              "write_text", "write_bytes", "_getframe", "setprofile", "settrace", "import_module", "cpp_extension",
              "utils", "library", "_ops", "_classes", "backends", "from_file", "package", "serialization",
              "multiprocessing", "ctypeslib", "distributed", "fromregex", "memmap", "DataSource", "attrgetter",
              "methodcaller", "get_type_hints", "ForwardRef",
              # modules that other modules hold as attributes (torch.os, helpers.figures.sys, ...)
              "os", "sys", "subprocess", "shutil", "signal", "pathlib", "Path", "importlib", "builtins", "io",
              "ctypes", "gc", "inspect", "resource", "socket", "threading", "pickle", "tempfile", "glob",
              "platform", "linecache", "traceback", "types", "weakref", "marshal", "codecs", "zipfile", "tarfile"}
DUNDERS = {"__init__", "__call__", "__name__", "__len__", "__getitem__", "__iter__", "__repr__", "__str__"}
# IPython's magics an answer cell may use, as the kernel runs them (get_ipython().run_line_magic(
# 'time', 'code')): %time and %timeit, whose code is read by the same rules, and %matplotlib.
CODE_MAGICS = {"time", "timeit"}
BACKENDS = {"", "inline", "widget", "ipympl", "notebook"}


def problems(source):
    """What an answer cell's SOURCE (already turned into Python, magics included) uses that the
    grader does not run, as short phrases; [] if nothing. A cell that does not parse gives []:
    running it reports the SyntaxError with its line."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    check(tree, found)
    return found


def refused_name(name):
    return name in NAMES or (name.startswith("__") and name not in DUNDERS)


def refused_attribute(name):
    # any private name too (random._os, collections._sys, torch._logging...): modules held there
    return name in ATTRIBUTES or (name.startswith("_") and name not in DUNDERS)


def magic(node):
    """For a call of an IPython magic as the kernel runs it, (its name, the code it runs: a list
    of syntax trees, each None if it cannot be read, or None if an answer cell may not use that
    magic); None for any other node."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("run_line_magic", "run_cell_magic") and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == "get_ipython"
            and not node.func.value.args and not node.func.value.keywords and not node.keywords
            and len(node.args) == (2 if node.func.attr == "run_line_magic" else 3)
            and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args)):
        return None
    name, *texts = [arg.value for arg in node.args]
    if name == "matplotlib" and node.func.attr == "run_line_magic" and texts[0].strip() in BACKENDS:
        return name, []
    if name not in CODE_MAGICS:
        return name, None
    line = texts[0]
    if name == "timeit":  # its options first: -n 10, -r3, -q, ...
        line = re.sub(r"^\s*(?:-[a-zA-Z]+(?:\s*\d+)?(?:\s+|$))*", "", line)
    codes = []
    for text in [line, *texts[1:]]:
        try:
            codes.append(ast.parse(text))
        except SyntaxError:
            codes.append(None)
    return name, codes


def check(tree, found, line=None):
    """Add to FOUND what TREE uses that the grader does not run (LINE: where the code of a magic
    stands in the cell)."""

    def note(what, node):
        phrase = say("on_line", what=what, line=line or getattr(node, "lineno", "?"))
        if phrase not in found:
            found.append(phrase)

    magics = set()  # the get_ipython() of each magic, named by the magic instead
    for node in ast.walk(tree):
        called = magic(node)
        if called is None:
            continue
        magics.add(id(node.func.value.func))
        name, codes = called
        if codes is None:
            note(say("the_magic", magic=f"%{name} {node.args[1].value[:40]}".rstrip()), node)
        for code in codes or []:
            if code is None:
                note(say("unreadable_magic", magic=f"%{name}"), node)
            else:
                check(code, found, line or node.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if (parts[0] not in IMPORTS or alias.name.startswith("helpers.classroom")
                        or any(refused_attribute(part) for part in parts[1:])):
                    note(f"import {alias.name}", node)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            parts = module.split(".") if module else []
            names = ", ".join(alias.name for alias in node.names)
            if (node.level or parts[0] not in IMPORTS or module.startswith("helpers.classroom")
                    or any(refused_attribute(part) for part in parts[1:])):
                note(f"from {'.' * node.level}{module} import {names}", node)
            for alias in node.names:
                if alias.name == "*":
                    note(f"from {module} import *", node)
                elif refused_attribute(alias.name) or refused_name(alias.name):
                    note(f"from {module} import {alias.name}", node)
        elif isinstance(node, ast.Name) and refused_name(node.id) and id(node) not in magics:
            note(f"`{node.id}`", node)
        elif isinstance(node, ast.Attribute) and refused_attribute(node.attr):
            note(f"`.{node.attr}`", node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and any(name.startswith("__") for name in node.names):
            note(say("global_dunder"), node)


def hint(found):
    return say("policy_refused", found=say("list_sep").join(found))
