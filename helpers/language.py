"""The language of what the helpers draw and say: English by default, Chinese on request.

    helpers.set_language("zh")   # 中文: figure titles, axis labels, legends, alt text, the exercises' hints
    helpers.set_language("en")   # back to English

Every such string lives in one message table per language (`helpers/messages_en.py`,
`helpers/messages_zh.py`, the same keys in both), read through `message(key, **values)` (what a
figure draws) or `say(key, **values)` (what a check or the grader writes).

Chinese labels need a font with Chinese glyphs (a CJK font). `cjk_font()` finds one among those
matplotlib knows (and the fonts a conda environment holds in `<prefix>/fonts`); where there is
none, as on Colab by default, `set_language("zh")` says in one line how to install one, and the
figures keep their English labels (boxes in place of characters help nobody).
"""

import contextlib
import functools
import glob
import inspect
import json
import os
import re
import sys
from functools import lru_cache

from helpers.arguments import check_choice
from helpers.messages_en import MESSAGES as ENGLISH
from helpers.messages_zh import FIGURE_TEXTS
from helpers.messages_zh import MESSAGES as CHINESE

TABLES = {"en": ENGLISH, "zh": CHINESE}
CJK = re.compile(r"[\u4e00-\u9fff]")
LANGUAGES = tuple(TABLES)
# Fonts with Chinese glyphs, in order of preference: Debian's and Binder's (fonts-wqy-microhei,
# fonts-noto-cjk), conda-forge's font-ttf-noto-cjk, and the ones macOS and Windows ship.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC",
             "Noto Sans CJK JP", "Noto Serif CJK SC", "PingFang SC", "Heiti SC", "Microsoft YaHei", "SimHei")
NO_FONT = ("no font with Chinese glyphs found: the figures keep their English labels. Install one "
           "(Debian/Ubuntu/Colab: !apt-get install -y fonts-wqy-microhei; conda: conda install -c conda-forge "
           "font-ttf-noto-cjk), then restart the kernel")

_state = {"language": "en"}


def set_language(name):
    """Choose the language of the helpers' figures and messages: "en" (the default) or "zh".
    Returns the language the figures use (English when no CJK font is installed)."""
    check_choice("name", name, LANGUAGES)
    _state["language"] = name
    if name == "zh" and cjk_font() is None:
        print(NO_FONT)
    return figure_language()


def language():
    """The language chosen with `set_language`."""
    return _state["language"]


def figure_language():
    """The language figures are drawn in: the chosen one, or English where Chinese cannot be drawn."""
    return "zh" if _state["language"] == "zh" and cjk_font() is not None else "en"


def message(key, **values):
    """The figures' text KEY in their language, with VALUES put into its {placeholders}."""
    return TABLES[figure_language()][key].format(**values)


def say(key, **values):
    """The text KEY (a hint, a verdict: words, not drawn, so no font is needed) in the chosen
    language, with VALUES put into its {placeholders}."""
    return TABLES[_state["language"]][key].format(**values)


@contextlib.contextmanager
def speaking(name):
    """Within the block, `say` and the figures use the language NAME (the grader answers each
    submission in its notebook's language); the chosen language is put back after it."""
    check_choice("name", name, LANGUAGES)
    before = _state["language"]
    _state["language"] = name
    try:
        yield
    finally:
        _state["language"] = before


NUMBER = re.compile(r"\d+(?:\.\d+)?")
LATIN_WORDS = re.compile(r"[A-Za-z]{2,}")
# Names that stay as they are in a Chinese figure: the activations, and names from the code (the
# remedies of notebook 06: none, scaled, pre_ln).
KEPT_NAMES = re.compile(r"\b(?:(?i:sigmoid|tanh|gelu_tanh|gelu|relu)|Pre-LN|Post-LN|log10|ln|use_shortcut|True|False|x1|x2|"
                        r"d output / d x|none|scaled|pre_ln)\b")


def template(text):
    """TEXT with each number as {} (and its own braces doubled): the key of its translation, and
    the numbers, in order."""
    escaped = text.replace("{", "{{").replace("}", "}}")
    return NUMBER.sub("{}", escaped), NUMBER.findall(escaped)


def needs_words(text):
    """Whether TEXT holds English words to translate (not a number, a name like 'sigmoid', or Chinese)."""
    return not CJK.search(text) and bool(LATIN_WORDS.search(KEPT_NAMES.sub("", text)))


def translated(value):
    """What a notebook passes to a figure (a title, a label, alt text, a dict whose keys are
    legend labels, or a tuple of such), in the figures' language. The Chinese edition's notebooks run the English
    code, so their English strings are looked up in `FIGURE_TEXTS` of messages_zh.py, keyed by the
    English text with its numbers as {} (the numbers go back in, in order). A text with no entry
    stays as it is; with HELPERS_UNTRANSLATED=raise in the environment (the tests), it raises; with
    HELPERS_UNTRANSLATED=<file>, its key is added to that file."""
    if figure_language() == "en" or value is None:
        return value
    if isinstance(value, dict):
        return {translated(key) if isinstance(key, str) else key: item for key, item in value.items()}
    if isinstance(value, tuple):  # a (y, label) guide line
        return tuple(translated(item) for item in value)
    if not isinstance(value, str) or not needs_words(value):
        return value
    key, numbers = template(value)
    chinese = FIGURE_TEXTS.get(key)
    if chinese is not None:
        return chinese.format(*numbers)
    missing = os.environ.get("HELPERS_UNTRANSLATED")
    if missing == "raise":
        raise LookupError(f"no Chinese for the figure text {value!r}: add {key!r} to FIGURE_TEXTS in "
                          "helpers/messages_zh.py")
    if missing:  # a file that collects them, one per line
        with open(missing, "a", encoding="utf-8") as file:
            file.write(json.dumps(key, ensure_ascii=False) + "\n")
    return value


def in_figure_language(*names):
    """Decorator of a drawing function: its arguments NAMES (titles, labels, alt text, dicts whose
    keys are legend labels), as a notebook passes them, reach it `translated` into the figures'
    language. Bad arguments are left for the function itself to refuse."""
    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def drawing(*args, **kwargs):
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                return function(*args, **kwargs)
            for name in names:
                if name in bound.arguments:
                    bound.arguments[name] = translated(bound.arguments[name])
            return function(*bound.args, **bound.kwargs)
        return drawing
    return decorate


def count(n, key):
    """N things in the figures' language: "3 values", "1 value" (the entries KEY_one, KEY_many)."""
    return message(f"{key}_one" if n == 1 else f"{key}_many", n=n)


@lru_cache(maxsize=None)
def cjk_font():
    """The family name of an installed font with Chinese glyphs (CJK_FONTS, first found), or None."""
    from matplotlib import font_manager

    for path in glob.glob(os.path.join(sys.prefix, "fonts", "*")):  # a conda environment's fonts
        if path.lower().endswith((".ttf", ".otf", ".ttc")) and "cjk" in os.path.basename(path).lower():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                pass
    def known():
        names = {font.name for font in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in names), None)

    if known() is None:  # installed after matplotlib cached its list of fonts: read the system's again
        for path in font_manager.findSystemFonts():
            if any(part in os.path.basename(path).lower() for part in ("wqy", "cjk", "sourcehan", "notosanssc")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    pass
    return known()


def use_language_fonts(fig):
    """Draw every text of FIG with the CJK font first (then DejaVu Sans, matplotlib's own, for
    what it lacks) when the figures are in Chinese; leave FIG as it is otherwise."""
    if figure_language() != "zh":
        return fig
    from matplotlib.text import Text

    families = [cjk_font(), "DejaVu Sans"]  # (matplotlib's own font, for what the CJK font lacks; only fonts that exist,
    # or matplotlib logs every missing one)
    for text in fig.findobj(Text):
        text.set_fontfamily(families)
    return fig
