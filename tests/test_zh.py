"""The Chinese edition (notebooks/zh/) in step with the English one: the same code cells and
language-free outputs, a cell choosing Chinese, figures in Chinese, every text cell a translation of the current English text, with the same numbers, and
the field's terms."""

import copy
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import zh_notebooks  # noqa: E402

PAIRS = list(zh_notebooks.PAIRS.items())
IDS = [english.stem if english.parent.name != "shortcuts" else "exercises" for english, _ in PAIRS]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def numbers(markdown):
    """The numbers a text states (outside code, mathematics, links and HTML), sorted."""
    plain = re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]*>|https?://\S+", " ", markdown, flags=re.S)
    return sorted(re.findall(r"\d+(?:\.\d+)?", plain))


def test_every_english_notebook_has_its_chinese_twin():
    english = sorted(path.name for path in (ROOT / "notebooks").glob("0*.ipynb"))
    assert english and [path.name for path, _ in PAIRS if path.parent.name == "notebooks"] == english
    missing = [str(zh.relative_to(ROOT)) for _, zh in PAIRS if not zh.exists()]
    assert not missing, f"no Chinese twin: {missing}; run python tools/zh_notebooks.py"


@pytest.mark.parametrize("english, zh", PAIRS, ids=IDS)
def test_the_chinese_notebook_is_in_step_with_the_english(english, zh):
    found = zh_notebooks.problems(load(english), load(zh), english.relative_to(ROOT), zh.relative_to(ROOT))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("english, zh", PAIRS, ids=IDS)
def test_rebuilding_changes_nothing(english, zh):
    """The committed Chinese notebook is what the tool builds from the English one today."""
    assert zh_notebooks.build(load(english), load(zh), stem=english.stem) == load(zh), (
        f"{zh.relative_to(ROOT)} is out of date: run python tools/zh_notebooks.py")


def test_a_changed_english_text_cell_fails_naming_its_chinese_twin():
    english_path, zh_path = PAIRS[1]
    english, zh = load(english_path), load(zh_path)
    assert zh_notebooks.problems(english, zh, "02.ipynb", "zh/02.ipynb") == []
    changed = copy.deepcopy(english)
    cell = next(c for c in changed["cells"] if c["cell_type"] == "markdown" and c["id"] != changed["cells"][0]["id"])
    cell["source"] = zh_notebooks.text(cell) + " One sentence more."
    found = zh_notebooks.problems(changed, zh, "02.ipynb", "zh/02.ipynb")
    assert found == [f"02.ipynb text cell {cell['id']} has changed since zh/02.ipynb cell {cell['id']} translated it: "
                     f"translate it again, then stamp it (python tools/zh_notebooks.py --stamp {cell['id']})"]
    code = next(c for c in changed["cells"] if c["cell_type"] == "code")
    code["source"] = zh_notebooks.text(code) + "\n"
    assert "the code cells of zh/02.ipynb are not those of 02.ipynb" in " ".join(
        zh_notebooks.problems(changed, zh, "02.ipynb", "zh/02.ipynb"))
    rebuilt = zh_notebooks.build(changed, zh, stem=english_path.stem)  # the code follows; the stale text stays flagged
    source = lambda notebook: [(c["id"], zh_notebooks.text(c)) for c in notebook["cells"]
                               if c["cell_type"] == "code" and "zh" not in c["metadata"]]
    assert source(rebuilt) == source(changed)
    # the changed cell's Chinese outputs are gone (its code is new): it has the English ones until make zh
    assert next(c for c in rebuilt["cells"] if c["id"] == code["id"])["outputs"] == code["outputs"]
    assert zh_notebooks.problems(changed, rebuilt, "02.ipynb", "zh/02.ipynb") == found


def test_a_changed_language_free_output_or_a_missing_language_cell_fails():
    english_path, zh_path = PAIRS[0]
    english, zh = load(english_path), load(zh_path)
    changed = copy.deepcopy(zh)
    printed = next(c for c in changed["cells"] if c["cell_type"] == "code" and c["outputs"]
                   and not zh_notebooks.language_bound(c["outputs"]) and "zh" not in c["metadata"])
    printed["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["0.5\n"]}]
    assert zh_notebooks.problems(english, changed, "01.ipynb", "zh/01.ipynb") == [
        f"zh/01.ipynb cell {printed['id']} has language-free outputs other than 01.ipynb's: run python tools/zh_notebooks.py"]
    changed = copy.deepcopy(zh)
    changed["cells"] = [c for c in changed["cells"] if c["id"] != "zh-language"]
    assert zh_notebooks.problems(english, changed, "01.ipynb", "zh/01.ipynb") == [
        "zh/01.ipynb has no cell zh-language choosing Chinese: run python tools/zh_notebooks.py"]


@pytest.mark.parametrize("english, zh", PAIRS, ids=IDS)
def test_the_chinese_notebook_chooses_chinese_right_after_importing_the_helpers(english, zh):
    cells = load(zh)["cells"]
    at = next(i for i, c in enumerate(cells) if zh_notebooks.imports_helpers(c))
    assert cells[at + 1]["id"] == "zh-language" and zh_notebooks.text(cells[at + 1]) == 'helpers.set_language("zh")' + (
        zh_notebooks.text(cells[at + 1]).partition('helpers.set_language("zh")')[2])
    assert cells[at + 1]["outputs"][0]["data"]["text/plain"] == ["'zh'"], "the figures must be drawn in Chinese here"


def figures(notebook):
    return [(cell["id"], output) for cell in notebook["cells"] for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]


@pytest.mark.parametrize("english, zh", PAIRS[:-1], ids=IDS[:-1])
def test_the_chinese_figures_are_the_english_ones_in_chinese(english, zh):
    """Every figure of the English notebook is in the Chinese one, in the same cell, with alt text
    in Chinese (the figure itself: tests/test_language.py renders Chinese labels as glyphs)."""
    ours, theirs = figures(load(english)), figures(load(zh))
    assert [cell for cell, _ in theirs] == [cell for cell, _ in ours]
    for (cell, output), (_, english_output) in zip(theirs, ours):
        alt = output["metadata"]["image/png"]["alt"]
        assert re.search(r"[\u4e00-\u9fff]", alt) and alt != english_output["metadata"]["image/png"]["alt"], cell
        assert output["data"]["image/png"] != english_output["data"]["image/png"], cell


def test_the_chinese_nbval_stands_in_for_the_english_twins_on_the_first_python():
    """make test SCOPE=first (CI's first Python) runs the Chinese notebooks' nbval and not their
    English twins'; SCOPE=core (the other Pythons) runs the English ones and not the Chinese."""
    import subprocess

    def collected(marks):
        done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--collect-only", "-q", "-m", marks, "notebooks"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}

    english = {path.relative_to(ROOT).as_posix() for path, _ in PAIRS}
    chinese = {path.relative_to(ROOT).as_posix() for _, path in PAIRS}
    first, core = collected("not twinned"), collected("not once")
    assert chinese <= first and not english & first and "notebooks/exercises/source/shortcuts/exercises.ipynb" in first
    assert english <= core and not chinese & core


@pytest.mark.parametrize("english, zh", PAIRS, ids=IDS)
def test_each_translation_states_the_numbers_of_its_english_text(english, zh):
    source = {c["id"]: zh_notebooks.text(c) for c in load(english)["cells"] if c["cell_type"] == "markdown"}
    differ = []
    for cell in load(zh)["cells"]:
        meta = cell["metadata"].get("zh", {})
        if meta.get("translates") in source and numbers(source[meta["translates"]]) != numbers(zh_notebooks.text(cell)):
            differ.append(f"cell {cell['id']}: English {numbers(source[meta['translates']])}, "
                          f"Chinese {numbers(zh_notebooks.text(cell))}")
    assert not differ, "\n".join(differ)


@pytest.mark.parametrize("english, zh", PAIRS, ids=IDS)
def test_the_translation_is_chinese_and_uses_the_fields_terms(english, zh):
    cells = [c for c in load(zh)["cells"] if "zh" in c["metadata"]]  # (a learner's answer cell stays as it is)
    texts = [zh_notebooks.text(c) for c in cells]
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in texts), "a text cell without Chinese"
    joined = "\n".join(texts)
    assert "变压器" not in joined  # "transformer" is Transformer here, never the electrical one
    assert "梯度" in joined


def test_notebook_01_opens_with_a_glossary():
    zh = load(zh_notebooks.ZH / "01_vanishing_gradients.ipynb")
    glossary = zh["cells"][1]
    assert glossary["metadata"]["zh"] == {"extra": "glossary"}
    rows = re.findall(r"^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|$", zh_notebooks.text(glossary), re.M)
    terms = {chinese: english for chinese, english in rows[2:]}
    assert len(terms) >= 12
    for chinese in ["梯度消失", "快捷连接", "残差连接", "激活函数", "反向传播", "层归一化"]:
        assert any(chinese in term for term in terms), chinese


@pytest.mark.parametrize("english, zh", PAIRS, ids=IDS)
def test_every_link_and_attachment_of_the_chinese_text_resolves(english, zh):
    for cell in load(zh)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", zh_notebooks.text(cell)):
            if target.startswith("attachment:"):
                assert target.removeprefix("attachment:") in cell.get("attachments", {}), (cell["id"], target)
            elif not re.match(r"https?://|#", target):
                assert (zh.parent / target).exists(), (cell["id"], target)


def test_the_chinese_readme_has_the_same_routes_and_opens_the_chinese_notebooks():
    readme, chinese = (ROOT / "README.md").read_text(), (ROOT / "README.zh.md").read_text()
    assert "[中文](README.zh.md)" in "\n".join(readme.splitlines()[:4])  # linked from the first lines
    assert "[English](README.md)" in "\n".join(chinese.splitlines()[:4])
    binder = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", chinese)
    assert "lab/tree/notebooks/zh/01_vanishing_gradients.ipynb" in binder[0]
    for link in binder:
        path = re.search(r"urlpath=(?:lab/tree|voila/render)/([^&)\s]+)", link).group(1)
        assert (ROOT / path).is_file(), link
    colab = set(re.findall(r"https://colab\.research\.google\.com/github/shortcut-connections/notebooks/blob/main/"
                           r"(notebooks/[^)\s]+\.ipynb)", chinese))
    for _, zh in PAIRS:
        assert zh.relative_to(ROOT).as_posix() in colab, f"no Open in Colab link for {zh.name}"
    assert all((ROOT / path).is_file() for path in colab)
    for command in ["make lab", "make test", "make instructor", "conda env create -f environment.yml"]:
        assert command in chinese, command
    for target in re.findall(r"\]\(([^)\s#]+)\)", chinese):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target


def test_the_chinese_exercises_are_graded_as_the_english_ones():
    """Their answer cells (nbgrader grade ids, locked cells) are the learner's copy's own, so a
    Chinese submission goes through the same autograder."""
    from helpers.classroom.grading import answer_sources

    english, zh = PAIRS[-1]
    assert answer_sources(load(zh)["cells"]) == answer_sources(load(english)["cells"]) != {}
    nbgrader_cells = lambda path: [(c["id"], c["metadata"]["nbgrader"]) for c in load(path)["cells"]
                                   if "nbgrader" in c["metadata"]]
    assert nbgrader_cells(zh) == nbgrader_cells(english)
