"""What the grader refuses to run in an answer cell (helpers.classroom.policy): the solutions and
plausible honest answers pass, each known way to reach outside the cell is refused, and the
phrase names what the cell used."""

import json
from pathlib import Path

import pytest

from helpers.classroom import policy
from helpers.classroom.grading import EXERCISES, answer_sources, transformed

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks" / "exercises" / "source" / "shortcuts" / "exercises.ipynb"


def test_the_solution_cells_pass():
    sources = answer_sources(json.loads(SOURCE.read_text())["cells"])
    assert set(sources) == set(EXERCISES)
    for grade_id, source in sources.items():
        assert "### BEGIN SOLUTION" in source, grade_id
        assert policy.problems(transformed(source)) == [], grade_id


HONEST = {
    "numpy": "import numpy as np\nratios = np.array([1e-3, 2e-5])\nsmallest = float(ratios.min())\n",
    "a loop over named_parameters": (
        "def my_gradient_means(model, x):\n"
        "    output = model(x)\n"
        "    model.zero_grad()\n"
        "    nn.functional.mse_loss(output, torch.zeros_like(output)).backward()\n"
        "    means = {}\n"
        "    for name, param in model.named_parameters():\n"
        "        if name.endswith('weight'):\n"
        "            means[name] = param.grad.abs().mean().item()\n"
        "    return means\n"),
    "model.modules()": "layers = [m for m in model.modules() if isinstance(m, nn.Linear)]\n",
    "torch.autograd.grad": (
        "z = torch.linspace(-6, 6, 12001, requires_grad=True)\n"
        "(slope,) = torch.autograd.grad(torch.sigmoid(z).sum(), z)\n"
        "sigmoid_max_slope = slope.max().item()\n"),
    "helpers.depth_sweep": (
        "for row in helpers.depth_sweep(range(1, 40), activation='sigmoid', seed=SEED):\n"
        "    if row['ratio'] < THRESHOLD:\n"
        "        smallest_depth = row['depth']\n"
        "        break\n"),
    "matplotlib": (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\n"
        "ax.semilogy([1, 2, 3], [1e-1, 1e-3, 1e-5])\n"
        "plt.show()\n"),
    "torch and its submodules": "import torch.nn.functional as F\nfrom torch.autograd import grad\nimport math, itertools\n",
    "a class with the usual dunders": (
        "class ShortcutNetwork(nn.Module):\n"
        "    def __init__(self, layer_sizes, use_shortcut):\n"
        "        super().__init__()\n"
        "        self.layers = nn.ModuleList()\n"
        "    def __len__(self):\n"
        "        return len(self.layers)\n"
        "name = type(model).__name__\n"),
    "%time": "%time rows = helpers.depth_sweep([8], activation='sigmoid', seed=SEED)\n",
    "%%time": "%%time\nrows = helpers.depth_sweep(range(1, 40), activation='sigmoid', seed=SEED)\n",
    "%timeit with options": "%timeit -n 3 -r1 helpers.depth_sweep([8], activation='sigmoid')\n",
    "%matplotlib inline": "%matplotlib inline\nimport matplotlib.pyplot as plt\n",
}


@pytest.mark.parametrize("answer", HONEST.values(), ids=HONEST.keys())
def test_an_honest_answer_passes(answer):
    assert policy.problems(transformed(answer)) == []


def test_a_magic_is_read_as_ipython_runs_it():
    assert "get_ipython" in transformed(HONEST["%time"])  # what the rules see, not the % line
    assert "`get_ipython` (line 1)" in policy.problems("shell = get_ipython()\n")


ATTACKS = {  # (source, what the phrase names)
    "exec": ("exec('fixed_sizes = [3] * 5 + [1]')", "`exec`"),
    "eval": ("smallest_depth = eval('8')", "`eval`"),
    "compile": ("code = compile('x = 1', 'f', 'exec')", "`compile`"),
    "open": ("answers = open('/course/source/shortcuts/exercises.ipynb').read()", "`open`"),
    "__import__": ("__import__('os')._exit(0)", "`__import__`"),
    "getattr": ("check = getattr(helpers, 'check_' + 'forward')", "`getattr`"),
    "setattr": ("setattr(helpers.Verdict, 'passed', True)", "`setattr`"),
    "helpers.__file__": ("where = helpers.__file__", "`.__file__`"),
    "import os": ("import os\nos._exit(0)", "import os"),
    "import sys": ("import sys\nsys.modules.clear()", "import sys"),
    "from os import _exit": ("from os import _exit\n_exit(0)", "from os import _exit"),
    "torch.os": ("torch.os._exit(0)", "`.os`"),
    "helpers.figures.sys": ("helpers.figures.sys.setprofile(None)", "`.sys`"),
    "helpers.classroom.sandbox": ("helpers.classroom.sandbox.run_learner = lambda action, seconds: (None, None)",
                                  "`.classroom`"),
    "import helpers.classroom": ("import helpers.classroom.sandbox", "import helpers.classroom.sandbox"),
    "from helpers.classroom": ("from helpers.classroom import sandbox", "from helpers.classroom import sandbox"),
    "__builtins__": ("__builtins__['open']('answers.txt')", "`__builtins__`"),
    "().__class__.__bases__": ("().__class__.__bases__[0].__subclasses__()", "`.__bases__`"),
    "import gc": ("import gc\ngc.get_objects()", "import gc"),
    "gc as an attribute": ("torch.gc.get_objects()", "`.gc`"),
    "import importlib": ("import importlib\nimportlib.reload(helpers)", "import importlib"),
    "torch.load": ("fixed_sizes = torch.load('answers.pt')", "`.load`"),
    "np.loadtxt": ("import numpy as np\nfixed_sizes = np.loadtxt('answers.txt')", "`.loadtxt`"),
    "torch.jit": ("torch.jit.script(my_gradient_means)", "`.jit`"),
    "a relative import": ("from . import grading", "from . import grading"),
    "a relative import of a module": ("from .classroom import sandbox", "from .classroom import sandbox"),
    "a dotted import of a refused module": ("import torch.utils.cpp_extension as ext\next.load_inline('x', '')",
                                            "import torch.utils.cpp_extension"),
    "a star import": ("from numpy import *\nfixed_sizes = loadtxt('answers.txt')", "from numpy import *"),
    "operator.attrgetter": ("import operator\noperator.attrgetter('figures.os')(helpers)", "`.attrgetter`"),
    "typing.get_type_hints": ("import typing\ntyping.get_type_hints(f)", "`.get_type_hints`"),
    "np.memmap": ("np.memmap('answers.bin')", "`.memmap`"),
    "import subprocess": ("import subprocess", "import subprocess"),
    "a shell command": ("!cat answers.txt", "`.system`"),
    "%run": ("%run solutions.py", "the magic %run solutions.py"),
    "%%bash": ("%%bash\ncat answers.txt\n", "the magic %bash"),
    "code in %time": ("%time import os", "import os"),
    "code in %%time": ("%%time\nanswers = open('answers.txt').read()\n", "`open`"),
    "code in %timeit's options": ("%timeit -n1 -r1 import os", "import os"),
    "%time of unreadable code": ("%time %time x = 1", "%time with code the grader cannot read"),
    "%matplotlib of a module": ("%matplotlib module://os", "the magic %matplotlib module://os"),
    "get_ipython": ("get_ipython().run_cell('import os')", "`get_ipython`"),
}


@pytest.mark.parametrize("source, named", ATTACKS.values(), ids=ATTACKS.keys())
def test_each_way_out_of_the_cell_is_refused_by_name(source, named):
    found = policy.problems(transformed(source))
    assert found, source
    assert any(phrase.startswith(named + " (line ") for phrase in found), found


def test_each_phrase_gives_its_line_once():
    source = "x = 1\nimport os; import os\ny = eval('2') + eval('3')\n%time z = open('f')\n"
    found = policy.problems(transformed(source))
    assert sorted(found) == sorted(["import os (line 2)", "`eval` (line 3)", "`open` (line 4)"])
    assert policy.problems("import os, sys\n") == ["import os (line 1)", "import sys (line 1)"]


def test_the_hint_lists_what_the_cell_used():
    found = policy.problems("import os\nexec('x')\n")
    hint = policy.hint(found)
    assert all(phrase in hint for phrase in found) and hint.startswith("the grader does not run this answer cell")


def test_a_cell_that_does_not_parse_is_left_to_report_its_syntax_error():
    assert policy.problems("fixed_sizes = [3, 3, 3\n") == []
