"""Print how long each notebook of the series is to read: the words of its prose and code.

    python tools/word_counts.py [NOTEBOOK ...]     (default: notebooks/*.ipynb)

Counted: the words (whitespace-separated) of every markdown cell and every code cell, except
the check cells (code cells tagged `claims`, which JupyterLab shows collapsed) and everything
under a heading that says "optional" (up to the next heading of the same or a higher level).
The core path is what a learner reads in one sitting; the budget per notebook is printed beside
each count (01 and 02: 2,500 words; the others: 3,000).
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = {"01": 2500, "02": 2500}
DEFAULT_BUDGET = 3000
HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def is_check(cell):
    return cell.get("cell_type") == "code" and "claims" in cell.get("metadata", {}).get("tags", [])


def counts(notebook):
    """(core words, optional words, check-cell words) of a notebook (a parsed .ipynb dict)."""
    core = optional = checks = 0
    optional_level = None  # the level of the "optional" heading we are under, if any
    for cell in notebook.get("cells", []):
        text = source(cell)
        if cell.get("cell_type") == "markdown":
            for level, title in ((len(m.group(1)), m.group(2)) for m in HEADING.finditer(text)):
                if optional_level is not None and level <= optional_level:
                    optional_level = None
                if optional_level is None and "optional" in title.lower():
                    optional_level = level
        words = len(text.split())
        if is_check(cell):
            checks += words
        elif optional_level is not None:
            optional += words
        else:
            core += words
    return core, optional, checks


def budget(path):
    return BUDGET.get(Path(path).name[:2], DEFAULT_BUDGET)


def main(paths):
    paths = paths or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    print(f"{'notebook':<48}{'core':>7}{'budget':>8}{'optional':>10}{'checks':>8}")
    over = 0
    for path in paths:
        core, optional, checks = counts(json.loads(Path(path).read_text()))
        limit = budget(path)
        over += core > limit
        flag = "  over" if core > limit else ""
        print(f"{path:<48}{core:>7,}{limit:>8,}{optional:>10,}{checks:>8,}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
