"""What a reader of a stored notebook meets: the lesson, not the machinery that checks it.

- No output a reader sees says "claim holds"; the checks print nothing.
- Every `helpers.claim` sits in a check cell (tagged `claims`, source shown collapsed), which
  has no output, and the first cell of a notebook with check cells says what they are.
- Every stored figure carries alt text of its own (the `alt` entry of its output metadata).
- Sections a learner may skip (headings saying "optional") come after the core path.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERIES = sorted((ROOT / "notebooks").glob("0*.ipynb"))
ALL = SERIES + sorted((ROOT / "notebooks" / "exercises").glob("*/*/*.ipynb")) + sorted((ROOT / "apps").glob("*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def is_check(cell):
    return cell["cell_type"] == "code" and "claims" in cell.get("metadata", {}).get("tags", [])


def texts(cell):
    for output in cell.get("outputs", []):
        text = output.get("text") if output["output_type"] == "stream" else output.get("data", {}).get("text/plain", "")
        yield "".join(text) if isinstance(text, list) else (text or "")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_no_claim_lines_in_what_a_reader_sees(path):
    seen = [t for c in cells(path) for t in texts(c) if "claim holds" in t]
    assert seen == [], seen[:1]


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_claims_live_in_collapsed_check_cells_that_print_nothing(path):
    for cell in cells(path):
        if cell["cell_type"] != "code":
            continue
        if "helpers.claim(" in source(cell):
            assert is_check(cell), f"a visible cell checks claims; move them to the section's check cell:\n{source(cell)[:300]}"
        if is_check(cell):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, source(cell)[:200]
            assert cell["outputs"] == [], f"a check cell printed something:\n{source(cell)[:200]}"
            assert "helpers.claim(" in source(cell), f"a check cell checks nothing:\n{source(cell)[:200]}"


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_the_first_cell_says_what_the_check_cells_are(path):
    if any(is_check(c) for c in cells(path)):
        first = source(cells(path)[0])
        assert "collapsed" in first.lower() and "check" in first, first[-400:]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_stored_figure_has_alt_text_of_its_own(path):
    alts = []
    for cell in cells(path):
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                assert len(alt.split()) >= 8, f"a figure without alt text in the cell:\n{source(cell)[:300]}"
                alts.append(alt)
        for name, attachment in cell.get("attachments", {}).items():
            assert re.search(r"!\[[^\]]{20,}\]\(attachment:" + re.escape(name), source(cell)), name
    assert len(alts) == len(set(alts)), "two figures share one alt text"


def section_titles(path):
    return [title for cell in cells(path) if cell["cell_type"] == "markdown"
            for title in re.findall(r"^##\s+(.*)$", source(cell), re.MULTILINE)]


def core_sections_after_optional(titles):
    """The core (not optional) sections that follow an optional one, but for a closing one."""
    optional = ["optional" in t.lower() for t in titles]
    if True not in optional:
        return []
    after = titles[optional.index(True):]
    return [t for t in after[:-1] if "optional" not in t.lower()] + (
        [after[-1]] if "optional" not in after[-1].lower() and not re.search(r"what you|next|summary", after[-1], re.I) else [])


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_optional_sections_come_after_the_core(path):
    assert core_sections_after_optional(section_titles(path)) == []


def test_a_core_section_after_an_optional_one_is_caught():
    assert core_sections_after_optional(["1. A", "2. (Optional) B", "3. C", "What you have seen"]) == ["3. C"]
    assert core_sections_after_optional(["1. A", "2. (Optional) B", "What you have seen"]) == []


def test_a_check_cell_that_prints_is_caught(tmp_path):
    """The check above can fail: a check cell with an output, or a claim in a visible cell."""
    notebook = json.loads(SERIES[0].read_text())
    check = next(c for c in notebook["cells"] if is_check(c))
    check["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["claim holds: x\n"]}]
    path = tmp_path / SERIES[0].name
    path.write_text(json.dumps(notebook))
    with pytest.raises(AssertionError):
        test_claims_live_in_collapsed_check_cells_that_print_nothing(path)
    with pytest.raises(AssertionError):
        test_no_claim_lines_in_what_a_reader_sees(path)


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_the_core_path_reads_in_one_sitting(path):
    """At most 2,500 words of prose and code in 01 and 02, 3,000 in the others, not counting the
    check cells and the optional sections (tools/word_counts.py prints the counts)."""
    from tools.word_counts import budget, counts

    core, _optional, _checks = counts(json.loads(path.read_text()))
    assert core <= budget(path), f"{path.name}: {core} core words, budget {budget(path)}"


def test_word_counts_leave_out_check_cells_and_optional_sections():
    from tools.word_counts import counts

    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# Title\none two three"},
        {"cell_type": "code", "metadata": {}, "source": "x = 1"},
        {"cell_type": "code", "metadata": {"tags": ["claims"]}, "source": "helpers.claim('a b', True)"},
        {"cell_type": "markdown", "source": "## 2. (Optional) Aside\nfour five"},
        {"cell_type": "code", "metadata": {}, "source": "y = 2"},
        {"cell_type": "markdown", "source": "## 3. Back\nsix"},
    ]}
    assert counts(notebook) == (5 + 3 + 4, 6 + 3, 3)  # words split on whitespace, "#" included


@pytest.mark.parametrize("path", SERIES + sorted((ROOT / "notebooks" / "exercises").glob("*/*/*.ipynb")), ids=lambda p: p.name)
def test_the_set_up_cell_is_shown_collapsed(path):
    """The set-up cell (it installs the helpers where they are missing) stays out of the lesson."""
    setup = next(c for c in cells(path) if c["cell_type"] == "code")
    assert source(setup).startswith("import importlib.util as iu, os, subprocess as sp, sys  # installs the helpers")
    assert setup["metadata"].get("jupyter", {}).get("source_hidden") is True
