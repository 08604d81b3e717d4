"""The language of the helpers' figures: one message table per language with the same keys and
placeholders; Chinese figures drawn with a font that has the glyphs (not boxes); English labels,
and one line saying how to install a font, where none is installed."""

import os
import re
import string
import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import helpers
from helpers import language
from helpers.messages_en import MESSAGES as ENGLISH
from helpers.messages_zh import MESSAGES as CHINESE

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    helpers.set_language("en")


def placeholders(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_every_key_has_both_languages_with_the_same_placeholders():
    assert set(ENGLISH) == set(CHINESE)
    for key in ENGLISH:
        assert placeholders(ENGLISH[key]) == placeholders(CHINESE[key]), key
        words = re.sub(r"\{\w+\}|log10|sigmoid", "", ENGLISH[key])
        if len(re.findall(r"[A-Za-z]{2,}", words)) >= 2:  # words, not "; " or " and ": said in Chinese
            assert CJK.search(CHINESE[key]), f"{key}: {CHINESE[key]!r} is not Chinese"


def test_a_language_it_does_not_know_is_refused():
    with pytest.raises(ValueError, match="name must be one of 'en', 'zh', got 'fr'"):
        helpers.set_language("fr")
    assert language.language() == "en"


def rendered(text, family, size=40):
    """TEXT drawn alone in FAMILY, as an array of grey levels."""
    fig = Figure(figsize=(2, 1), dpi=50)
    fig.text(0.05, 0.2, text, fontsize=size, fontfamily=family)
    canvas = FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing from font")  # the boxes drawn on purpose
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy()


def cjk_font_or_fail():
    font = language.cjk_font()
    if font is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no CJK font: apt-get install fonts-wqy-microhei", pytrace=False)
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    return font


def test_a_chinese_label_renders_as_glyphs_not_boxes():
    font = cjk_font_or_fail()
    missing = "\U000f0000"  # a private-use character no font here has: drawn as the missing-glyph box
    box = rendered(missing, font)
    first, second = rendered("梯", font), rendered("度", font)
    assert not np.array_equal(first, box) and not np.array_equal(second, box)
    assert not np.array_equal(first, second)  # two characters, two shapes
    # the comparison tells boxes: without the font, both characters are the same box
    assert np.array_equal(rendered("梯", "DejaVu Sans"), rendered("度", "DejaVu Sans"))


def test_a_chinese_figure_has_chinese_labels_drawn_with_the_cjk_font():
    font = cjk_font_or_fail()
    assert helpers.set_language("zh") == "zh"
    fig = helpers.plot_gradients({"a": {"layers.0.0.weight": 0.1, "layers.1.0.weight": 0.2}})
    ax = fig.axes[0]
    assert ax.get_xlabel() == CHINESE["gradients_x"] and CJK.search(fig.alt_text)
    assert all(text.get_fontfamily()[0] == font for text in fig.findobj(Text))
    helpers.set_language("en")
    assert helpers.plot_gradients({"a": {"w": 0.1}}).axes[0].get_xlabel() == "layer (input side on the left)"


def test_without_a_cjk_font_the_figures_stay_english_and_one_line_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(language, "cjk_font", lambda: None)
    assert helpers.set_language("zh") == "en"
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and "fonts-wqy-microhei" in printed and "font-ttf-noto-cjk" in printed
    fig = helpers.plot_gradients({"a": {"w": 0.1}})
    assert fig.axes[0].get_xlabel() == "layer (input side on the left)" and not CJK.search(fig.alt_text)
    assert language.language() == "zh"  # chosen, and used as soon as a font is there


def test_ci_and_binder_install_the_font_the_fallback_line_names():
    package = "fonts-wqy-microhei"
    assert package in language.NO_FONT
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, ".ci", "run")) as ci:
        assert re.search(r'missing\+=\(fonts-wqy-microhei\)', ci.read())
    with open(os.path.join(root, "binder", "apt.txt")) as apt:
        assert package in [line.strip() for line in apt if not line.startswith("#")]
    assert "WenQuanYi Micro Hei" in language.CJK_FONTS  # the family that package installs


def small_figures():
    """Each drawing function of the helpers, on small data, with its default title and alt text."""
    import torch

    torch.manual_seed(0)
    model = helpers.build_classifier(2, width=4)
    x, y = helpers.make_spirals(20)
    stats = helpers.layer_statistics(model, x)
    rows = helpers.gradient_sweep([1, 2], ["relu"], ["plain", "shortcut"])
    means = {"a": {"layers.0.0.weight": 0.1, "layers.1.0.weight": 0.2}}
    return {
        "plot_activations": lambda: helpers.plot_activations(helpers.activation_curves(["gelu", "sigmoid"], points=11)),
        "plot_gradients": lambda: helpers.plot_gradients(means),
        "plot_depth_sweep": lambda: helpers.plot_depth_sweep({"a": helpers.depth_sweep([1, 2])}),
        "plot_spirals": lambda: helpers.plot_spirals(x, y),
        "plot_loss_curves": lambda: helpers.plot_loss_curves({"a": {"loss": [0.7, 0.5]}}),
        "plot_sweep_heatmap": lambda: helpers.plot_sweep_heatmap(rows),
        "plot_distributions": lambda: helpers.plot_distributions(stats),
        "plot_weight_gradients": lambda: helpers.plot_weight_gradients(stats),
        "plot_gradient_heatmap": lambda: helpers.plot_gradient_heatmap([[0.1, 0.2, 0.3], [0.2, 0.1, 0.05]]),
        "plot_shortcut_diagram": lambda: helpers.plot_shortcut_diagram([3, 3, 1]),
    }


@pytest.mark.parametrize("name", sorted(small_figures()))
def test_every_drawing_function_speaks_chinese_when_asked(name, caplog):
    font = cjk_font_or_fail()
    english = small_figures()[name]()
    helpers.set_language("zh")
    chinese = small_figures()[name]()
    with caplog.at_level("INFO", logger="matplotlib"):
        FigureCanvasAgg(chinese).draw()
    assert not caplog.records, [r.getMessage() for r in caplog.records][:3]  # no missing font, no missing glyph
    assert CJK.search(chinese.alt_text) and not CJK.search(english.alt_text), chinese.alt_text
    titles = [t.get_text() for t in chinese.findobj(Text) if t.get_text()]
    assert any(CJK.search(t) for t in titles), titles
    assert all(t.get_fontfamily()[0] == font for t in chinese.findobj(Text))


def test_the_explorer_speaks_chinese_when_asked(caplog):
    font = cjk_font_or_fail()
    helpers.set_language("zh")
    explorer = helpers.gradient_explorer(depth=12)
    assert all(CJK.search(control.description) for control in explorer.controls)
    assert CJK.search(explorer.readout.value) and CJK.search(explorer.alt_text())
    assert [label for label, _ in explorer.shortcut.options] == ["无快捷连接", "有快捷连接", "两者"]
    legend = explorer.figure.axes[0].get_legend()
    assert legend is not None and all(t.get_fontfamily()[0] == font and CJK.search(t.get_text()) or "inf" in t.get_text()
                                      for t in legend.get_texts())
    with caplog.at_level("INFO", logger="matplotlib"):
        explorer.depth.value = 13
    assert not caplog.records


def test_going_furthers_panels_speak_chinese_when_asked():
    cjk_font_or_fail()
    from helpers import going_further

    helpers.set_language("zh")
    fig = going_further.plot_input_gradients([0.0, 1.0], {"a": [1.0, 2.0]}, title="标题", alt="替代文本")
    assert fig.axes[0].get_ylabel() == CHINESE["slope_axis"] and fig.axes[-1].get_xlabel() == CHINESE["input_x"]


def test_a_conda_environments_cjk_font_is_found_in_its_prefix(tmp_path, monkeypatch):
    """conda-forge's font-ttf-noto-cjk puts its fonts in <prefix>/fonts, where matplotlib does not
    look: cjk_font() adds them."""
    from matplotlib import font_manager

    cjk_font_or_fail()
    source = next(f.fname for f in font_manager.fontManager.ttflist if f.name in language.CJK_FONTS)
    (tmp_path / "fonts").mkdir()
    copy = tmp_path / "fonts" / ("NotoSansCJKsc-VF" + os.path.splitext(source)[1])
    copy.write_bytes(open(source, "rb").read())
    monkeypatch.setattr(language.sys, "prefix", str(tmp_path))
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in font_manager.fontManager.ttflist if f.name not in language.CJK_FONTS])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])  # nothing else to find
    language.cjk_font.cache_clear()
    try:
        assert language.cjk_font() in language.CJK_FONTS
        assert any(f.fname == str(copy) for f in font_manager.fontManager.ttflist)
    finally:
        language.cjk_font.cache_clear()


def test_every_key_the_helpers_ask_for_is_in_the_tables():
    """A key missing from a table would raise KeyError in front of a learner (or in the grader)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(helpers.__file__)))
    asked = set()
    for folder, _, files in os.walk(os.path.join(root, "helpers")):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as source:
                    asked |= set(re.findall(r"\b(?:say|message)\(\s*\"(\w+)\"", source.read()))
    assert len(asked) > 150 and asked <= set(ENGLISH), sorted(asked - set(ENGLISH))


def test_a_check_in_a_chinese_kernel_answers_in_chinese_and_names_the_mistake():
    from helpers.classroom.answers import WRAP, columns
    from tests.test_checks import forward_no_shortcut, network_class

    helpers.set_language("zh")
    verdict = helpers.check_forward(network_class(forward_no_shortcut))
    text = str(verdict)
    assert text.startswith("带快捷连接的 forward 方法：尚未通过（0 / 3 分）"), text
    assert "没有加上快捷连接" in " ".join(verdict.hints) and "✗ 书中的网络，use_shortcut=True（1 分）" in text
    assert all(columns(line) <= WRAP for line in text.splitlines()), text
    helpers.set_language("en")
    assert str(helpers.check_forward(network_class(forward_no_shortcut))).startswith("Shortcut forward method: not yet")


@pytest.mark.parametrize("hint", [
    "3 不是比值低于 THRESHOLD（1e-06）的最小深度：按顺序扫描各深度，helpers.depth_sweep(range(1, 40), "
    "activation='sigmoid', seed=SEED)，取第一个 'ratio' 低于它的行的 'depth'",
    "没有加上快捷连接：use_shortcut=True 时，只要形状相同，就把该层的输入加到它的输出上（x = x + layer_output）" * 3,
    "（书中的网络）尚未作答：把 `raise NotImplementedError()` 换成你的代码（第 12 行：`raise NotImplementedError()`）" * 3,
])
def test_a_chinese_hint_wraps_between_characters_never_inside_code(hint):
    from helpers.classroom.answers import WRAP, columns, wrapped

    lines = wrapped("提示：" + hint, initial_indent=" " * 6, subsequent_indent=" " * 12)
    assert len(lines) > 1 and all(columns(line) <= WRAP for line in lines), lines
    assert "".join(line.strip() for line in lines).replace(" ", "") == ("提示：" + hint).replace(" ", "")
    for before, after in zip(lines, lines[1:]):
        assert after.strip()[0] not in "，。、；：）", (before, after)
        assert not (re.search(r"[A-Za-z0-9_.'(=-]$", before) and re.match(r"[A-Za-z0-9_.'(]", after.strip())), (before, after)
        assert before.count("`") % 2 == 0 and not re.search(r"第 ?\d*$", before), (before, after)  # `code`, 第 N 行 whole


def test_every_figure_text_has_chinese_that_takes_its_numbers():
    """FIGURE_TEXTS (the Chinese of what the notebooks pass to the figures): each key is an
    English text with its numbers as {}, each value Chinese with as many {} (or {0}, {1}, ... in
    the order Chinese puts them), so each number of the English text goes back in."""
    from helpers.messages_zh import FIGURE_TEXTS

    assert len(FIGURE_TEXTS) > 50
    for key, chinese in FIGURE_TEXTS.items():
        fields = [name for _, name, _, _ in string.Formatter().parse(chinese) if name is not None]
        n = key.count("{}")
        assert fields == [""] * n or sorted(fields, key=int) == [str(i) for i in range(n)], (
            f"{key!r}: {chinese!r} must take its {n} numbers, as {{}} or as {{0}} to {{{n - 1}}} in any order")
        assert language.needs_words(string.Formatter().vformat(key, [0] * key.count("{}"), {})), key
        assert CJK.search(chinese), f"{key!r}: {chinese!r} is not Chinese"


def test_a_figure_text_is_looked_up_with_its_numbers_and_kept_where_it_needs_none(monkeypatch):
    monkeypatch.setattr(language, "cjk_font", lambda: "WenQuanYi Micro Hei")
    helpers.set_language("zh")
    assert language.translated("block deleted") == "被删去的块"
    assert language.translated("One block deleted: the plain network falls to about guessing, the shortcut network "
                               "keeps 0.62-0.82") == "删去一个块：无快捷连接网络降到接近随机猜测，有快捷连接网络的准确率仍保持在 0.62～0.82"
    assert language.translated({"guessing": 1, 3: 2}) == {"随机猜测": 1, 3: 2}
    for kept in ["sigmoid", "0.5", "Pre-LN", "none", "已经是中文", None, 3]:
        assert language.translated(kept) == kept
    monkeypatch.setenv("HELPERS_UNTRANSLATED", "raise")
    with pytest.raises(LookupError, match="no Chinese for the figure text 'a new title of 3 words'"):
        language.translated("a new title of 3 words")
    monkeypatch.delenv("HELPERS_UNTRANSLATED")
    assert language.translated("a new title of 3 words") == "a new title of 3 words"
    helpers.set_language("en")
    assert language.translated("block deleted") == "block deleted"


def test_a_drawing_function_gets_its_named_arguments_in_the_figures_language(monkeypatch):
    monkeypatch.setattr(language, "cjk_font", lambda: "WenQuanYi Micro Hei")
    helpers.set_language("zh")

    @language.in_figure_language("lines", "title", "guide")
    def draw(lines, xlabel, title=None, guide=None):
        return lines, xlabel, title, guide

    assert draw({"guessing": 1}, "block deleted", "block deleted", guide=(0.5, "guessing")) == (
        {"随机猜测": 1}, "block deleted", "被删去的块", (0.5, "随机猜测"))  # xlabel is not named: kept
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'xlabel'"):
        draw({"guessing": 1})
