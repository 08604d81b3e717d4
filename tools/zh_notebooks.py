"""The Chinese edition (notebooks/zh/), kept in step with the English notebooks.

    python tools/zh_notebooks.py            rebuild every Chinese notebook from its English twin
    python tools/zh_notebooks.py --texts D  ... taking new translations from D/<stem>.json
    python tools/zh_notebooks.py --check    say what is out of step, exit 1 if anything is

A Chinese notebook is its English twin with the text translated: every code cell is the English
one (source, metadata, id), copied by this tool, so a change to the code is made once, in English.
One code cell is the Chinese edition's own, right after the cell that imports the helpers:
`helpers.set_language("zh")`, so the figures' words and the exercises' hints are Chinese. A code
cell's outputs are the English ones where they are language-free; where they are not (a figure,
or text with Chinese in it), they are the Chinese notebook's own, from running it
(`make execute` runs notebooks/zh/ after the English, then this tool), and nbval checks them
(tests/conftest.py). Every markdown cell is a translation and records which English text it translates,
in its metadata: {"zh": {"translates": <English cell id>, "sha256": <hash of that cell's source
when it was translated>}}. When an English text cell changes, its hash no longer matches, and
`--check` (and tests/test_zh.py) names the English cell and its Chinese twin until the
translation is redone and stamped again (a new text in --texts, or `--stamp CELL_ID` once the
Chinese cell has been edited by hand). Cells of the Chinese edition alone (the glossary at the
top of 01) carry {"zh": {"extra": <name>}}.

A translations file (--texts) is {English cell id: Chinese markdown}, plus "glossary" for 01.
"""

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ZH = NOTEBOOKS / "zh"
# English notebook -> its Chinese twin
PAIRS = {
    **{path: ZH / path.name for path in sorted(NOTEBOOKS.glob("0*.ipynb"))},
    NOTEBOOKS / "exercises" / "release" / "shortcuts" / "exercises.ipynb": ZH / "exercises.ipynb",
}
EXTRAS = {"01_vanishing_gradients": [("glossary", 1)]}  # (name, position: after this many cells)
LANGUAGE_CELL = {"cell_type": "code", "execution_count": None, "id": "zh-language", "metadata": {"zh": {"extra": "language"}},
                 "outputs": [], "source": 'helpers.set_language("zh")  # 图中的文字和练习的提示用中文（需要中文字体）'}
CJK = ("\u4e00", "\u9fff")


def digest(source):
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def read(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def write(path, notebook):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(notebook, file, ensure_ascii=False, indent=1)
        file.write("\n")


def translated_cells(zh_notebook):
    """{English cell id: Chinese cell} and {extra name: Chinese cell} of a Chinese notebook."""
    translations, extras = {}, {}
    for cell in (zh_notebook or {}).get("cells", []):
        meta = cell.get("metadata", {}).get("zh", {})
        if "translates" in meta:
            translations[meta["translates"]] = cell
        elif "extra" in meta:
            extras[meta["extra"]] = cell
    return translations, extras


# Links of the English text that point elsewhere from notebooks/zh/
LINKS = {"](exercises/release/shortcuts/exercises.ipynb)": "](exercises.ipynb)"}


def markdown_cell(cell_id, source, meta, english=None):
    """A Chinese text cell (with the English cell's attachments, such as a screenshot)."""
    for old, new in LINKS.items():
        source = source.replace(old, new)
    metadata = {**copy.deepcopy(english.get("metadata", {})), "zh": meta} if english is not None else {"zh": meta}
    cell = {"cell_type": "markdown", "id": cell_id, "metadata": metadata, "source": source}
    if english is not None and "attachments" in english:
        cell["attachments"] = copy.deepcopy(english["attachments"])
    return cell


def translatable(cell):
    """A text cell of the notebook's own: not code, and not a learner's written answer (an
    nbgrader solution cell, "YOUR ANSWER HERE", which is copied as it is, like code)."""
    return cell["cell_type"] == "markdown" and not cell.get("metadata", {}).get("nbgrader", {}).get("solution")


def imports_helpers(cell):
    return cell["cell_type"] == "code" and any(line.strip() == "import helpers" for line in text(cell).splitlines())


def language_bound(outputs):
    """Whether OUTPUTS (a code cell's, from the Chinese notebook's run) depend on the language: a
    figure, or text with Chinese characters in it."""
    for output in outputs or []:
        data = output.get("data", {})
        if "image/png" in data:
            return True
        words = json.dumps([output.get("text", ""), data.get("text/plain", ""), output.get("evalue", ""),
                            output.get("traceback", [])], ensure_ascii=False)
        if any(CJK[0] <= character <= CJK[1] for character in words):
            return True
    return False


def code_cell(cell, zh_cells):
    """The English code CELL for the Chinese notebook: its own outputs kept where they are
    language-bound and its code is still the English one."""
    copied = copy.deepcopy(cell)
    old = zh_cells.get(cell.get("id"))
    if cell["cell_type"] == "code" and old is not None and text(old) == text(cell) and language_bound(old.get("outputs")):
        copied["outputs"] = copy.deepcopy(old["outputs"])
    return copied


def counted(cells):
    """Number the code CELLS (and their results) 1, 2, ... in order, as a run from the top does:
    the language cell comes in between the English ones."""
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    for count, cell in enumerate(code, start=1):
        cell["execution_count"] = count
        for output in cell["outputs"]:
            if "execution_count" in output:
                output["execution_count"] = cell["execution_count"]


def countless(outputs):
    """OUTPUTS without their execution counts (which the language cell shifts by one)."""
    return [{key: value for key, value in output.items() if key != "execution_count"} for output in outputs or []]


def build(english, zh=None, texts=None, stem=""):
    """The Chinese notebook for ENGLISH: its code cells copied, each text cell the translation
    found in ZH (the current Chinese notebook) or, newer, in TEXTS ({cell id: Chinese text},
    stamped with the English cell's hash now); a text cell with neither keeps the English text
    with no hash (untranslated)."""
    texts = texts or {}
    translations, extras = translated_cells(zh)
    zh_cells = {c.get("id"): c for c in (zh or {}).get("cells", [])}
    cells = []
    for cell in english["cells"]:
        if not translatable(cell):
            cells.append(code_cell(cell, zh_cells))
            if imports_helpers(cell) and not any(c["id"] == LANGUAGE_CELL["id"] for c in cells):
                ran = zh_cells.get(LANGUAGE_CELL["id"], {})
                cells.append(copy.deepcopy({**LANGUAGE_CELL, "outputs": ran.get("outputs", [])}))
            continue
        cell_id = cell["id"]
        if cell_id in texts:
            meta = {"translates": cell_id, "sha256": digest(text(cell))}
            cells.append(markdown_cell(cell_id, texts[cell_id], meta, cell))
        elif cell_id in translations:
            old = translations[cell_id]
            cells.append(markdown_cell(cell_id, text(old), dict(old["metadata"]["zh"]), cell))
        else:
            cells.append(markdown_cell(cell_id, text(cell), {"translates": cell_id, "sha256": None}, cell))
    for name, position in EXTRAS.get(stem, []):
        source = texts.get(name, text(extras[name]) if name in extras else None)
        if source is not None:
            cells.insert(position, markdown_cell(f"zh-{name}", source, {"extra": name}))
    counted(cells)
    notebook = copy.deepcopy({key: value for key, value in english.items() if key != "cells"})
    notebook["metadata"]["language"] = "zh-CN"
    notebook["cells"] = cells
    return notebook


def problems(english, zh, english_path="English", zh_path="Chinese"):
    """What is out of step between ENGLISH and its Chinese twin ZH, one sentence each."""
    found = []
    if zh is None:
        return [f"{english_path} has no Chinese twin {zh_path}: run python tools/zh_notebooks.py"]
    translations, _ = translated_cells(zh)
    english_code = [c for c in english["cells"] if not translatable(c)]
    zh_code = [c for c in zh["cells"] if not translatable(c) and "zh" not in c.get("metadata", {})]
    if [(c["id"], text(c)) for c in english_code] != [(c["id"], text(c)) for c in zh_code]:
        found.append(f"the code cells of {zh_path} are not those of {english_path}: run python tools/zh_notebooks.py")
    else:
        for ours, theirs in zip(english_code, zh_code):
            if not language_bound(theirs.get("outputs")) and countless(ours.get("outputs")) != countless(theirs.get("outputs")):
                found.append(f"{zh_path} cell {theirs['id']} has language-free outputs other than {english_path}'s: "
                             "run python tools/zh_notebooks.py")
    if not any(c.get("id") == LANGUAGE_CELL["id"] and text(c) == LANGUAGE_CELL["source"] for c in zh["cells"]):
        found.append(f"{zh_path} has no cell {LANGUAGE_CELL['id']} choosing Chinese: run python tools/zh_notebooks.py")
    for cell in english["cells"]:
        if not translatable(cell):
            continue
        twin = translations.get(cell["id"])
        if twin is None:
            found.append(f"{english_path} text cell {cell['id']} has no translation in {zh_path}")
        elif twin["metadata"]["zh"].get("sha256") is None:
            found.append(f"{zh_path} cell {twin['id']} is not translated yet (the English text of {english_path} cell "
                         f"{cell['id']})")
        elif twin["metadata"]["zh"]["sha256"] != digest(text(cell)):
            found.append(f"{english_path} text cell {cell['id']} has changed since {zh_path} cell {twin['id']} "
                         "translated it: translate it again, then stamp it (python tools/zh_notebooks.py --stamp "
                         f"{cell['id']})")
    english_ids = [c["id"] for c in english["cells"] if translatable(c)]
    stale = sorted(set(translations) - set(english_ids))
    if stale:
        found.append(f"{zh_path} translates cells that {english_path} no longer has: {', '.join(stale)}")
    return found


def stamp(zh, cell_id, english):
    """Record that the Chinese cell translating CELL_ID now translates the current English text."""
    (source,) = [text(c) for c in english["cells"] if c.get("id") == cell_id and c["cell_type"] == "markdown"]
    translations, _ = translated_cells(zh)
    translations[cell_id]["metadata"]["zh"]["sha256"] = digest(source)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report what is out of step; change nothing")
    parser.add_argument("--texts", type=Path, help="a folder of translations, <notebook stem>.json")
    parser.add_argument("--stamp", metavar="CELL_ID", action="append", default=[],
                        help="mark the Chinese translation of this English cell as up to date")
    args = parser.parse_args(argv)
    if args.texts is not None and not args.texts.is_dir():
        parser.error(f"--texts: no folder {str(args.texts)!r}")
    found = []
    for english_path, zh_path in PAIRS.items():
        english = read(english_path)
        zh = read(zh_path) if zh_path.exists() else None
        names = (english_path.relative_to(ROOT), zh_path.relative_to(ROOT))
        if args.check:
            found += problems(english, zh, *names)
            continue
        texts_path = args.texts / f"{english_path.stem}.json" if args.texts else None
        texts = read(texts_path) if texts_path and texts_path.exists() else {}
        rebuilt = build(english, zh, texts, english_path.stem)
        for cell_id in args.stamp:
            if any(c.get("id") == cell_id and c["cell_type"] == "markdown" for c in english["cells"]):
                stamp(rebuilt, cell_id, english)
        if rebuilt != zh:
            write(zh_path, rebuilt)
            print(f"wrote {names[1]}")
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
