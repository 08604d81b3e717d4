"""A learner's answers, as checks see them: the `Verdict` a check gives, and the equivalent forms
of an answer made into one.

`portable(value)` turns whatever a learner's code produced into plain data (numbers, strings,
lists, dicts and tensors) that can cross from the process that ran the learner's code to the one
that judges it (`torch.save` / `torch.load(weights_only=True)`). `as_number`, `as_name`,
`as_whole_number` and `as_sizes` then read it the way a person would: a 0-d tensor, a numpy
scalar and a float are the same number; "Sigmoid ", "sigmoid" and `nn.Sigmoid` the same name.
Each returns `(value, None)` or `(None, what is wrong with the form)`.
"""

import math
import numbers
import re
import textwrap
from dataclasses import dataclass, field

import torch

from helpers.language import say

WRAP = 88  # hint lines wrap here, in the notebook and in nbgrader's feedback page


@dataclass
class Verdict:
    """What a check found: one part per case, each passed or not (with a hint), and worth
    `points` of the exercise's score (partial credit)."""

    title: str
    results: list = field(default_factory=list)  # (case, ok, hint, points)

    def add(self, case, ok, hint="", points=0.0):
        self.results.append((case, bool(ok), hint, float(points)))
        return bool(ok)

    @property
    def passed(self):
        return bool(self.results) and all(ok for _, ok, _, _ in self.results)

    @property
    def hints(self):
        return [hint for _, ok, hint, _ in self.results if not ok]

    @property
    def score(self):
        return sum(points for _, ok, _, points in self.results if ok)

    @property
    def max_score(self):
        return sum(points for _, _, _, points in self.results)

    def __str__(self):
        head = say("verdict_head", title=self.title, outcome=say("all_passed" if self.passed else "not_yet"),
                   score=f"{self.score:g}", max_score=f"{self.max_score:g}")
        lines = [head]
        for case, ok, hint, points in self.results:
            worth = say("worth_one" if points == 1 else "worth_many", points=f"{points:g}") if points else ""
            lines.append(f"  {'✓' if ok else '✗'} {case}{worth}")
            if not ok and hint:
                lines += wrapped(say("hint", hint=hint), initial_indent=" " * 6, subsequent_indent=" " * 12)
        return "\n".join(lines)

    __repr__ = __str__

    def require(self):
        """Show this verdict; if a part is not yet right, raise `NotYetPassed` after it, so that
        a notebook run (and `nbgrader validate`) marks the cell as failed."""
        print(self)
        if not self.passed:
            wrong = [case for case, ok, _, _ in self.results if not ok]
            raise NotYetPassed(say("not_yet_passed", wrong=len(wrong), parts=len(self.results), first=wrong[0]))


class NotYetPassed(AssertionError):
    """A check's verdict with a part not yet right (its hints are printed above it)."""

    def _render_traceback_(self):  # IPython shows this line alone, not a traceback into the helpers
        return [f"NotYetPassed: {self}"]


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
NO_LINE_START = "，。、；：？！）》」』”’"  # Chinese punctuation stays at the end of its line


def columns(text):
    """How wide TEXT is on screen: a Chinese character or full-width mark takes two columns."""
    return sum(2 if CJK.match(character) else 1 for character in text)


def wrapped(text, initial_indent="", subsequent_indent=""):
    """TEXT as lines of at most WRAP columns. English breaks at spaces (textwrap); Chinese, which
    has no spaces between words, also between any two of its characters, never inside a run of
    code (or `code` in backticks), a number or "第 N 行", and never before a closing mark."""
    if not CJK.search(text):
        return textwrap.wrap(text, WRAP, initial_indent=initial_indent, subsequent_indent=subsequent_indent)
    pieces = []  # each Chinese character (with the marks after it), each run of other text, each space
    for piece in re.findall(r"`[^`]*`|第 \d+ 行| +|[^ \u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+|.", text):
        if pieces and piece[0] in NO_LINE_START:
            pieces[-1] += piece
        else:
            pieces.append(piece)
    lines, line = [], initial_indent
    for piece in pieces:
        if line.strip() and columns(line + piece.rstrip()) > WRAP:
            lines.append(line.rstrip())
            line = subsequent_indent
            if piece.isspace():
                continue
        line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def portable(value, depth=0):
    """VALUE as plain data: tensors (detached copies), numbers, strings, lists, dicts of them;
    a class or function as {'callable': its name}; anything else as {'type': ..., 'repr': ...}."""
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return value
    if isinstance(value, numbers.Number):  # Fraction(1, 4), Decimal("0.25"): the same number as a float
        try:
            return float(value)
        except (TypeError, ValueError, OverflowError):
            pass
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu").clone()
    if type(value).__module__ == "numpy":
        try:
            return torch.as_tensor(value.tolist() if hasattr(value, "tolist") else value)
        except (TypeError, ValueError, RuntimeError):
            pass
    if depth < 3 and isinstance(value, (list, tuple)):
        return [portable(item, depth + 1) for item in value]
    if depth < 3 and isinstance(value, dict):
        return {str(key): portable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, type) or callable(value):
        name = getattr(value, "__name__", None) or type(value).__name__
        return {"callable": name}
    try:
        text = repr(value)[:80]
    except BaseException:  # a learner's object whose repr fails
        text = say("an_object", kind=type(value).__name__)
    return {"type": type(value).__name__, "repr": text}


def shown(value):
    """A short description of a portable answer for a hint."""
    if isinstance(value, torch.Tensor):
        return f"tensor({value.item():.6g})" if value.numel() == 1 else say("tensor_of_shape", shape=tuple(value.shape))
    if isinstance(value, dict) and "callable" in value:
        return value["callable"]
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    if isinstance(value, int) and value.bit_length() > 64:  # (repr refuses more than 4,300 digits)
        return say("whole_number_digits", digits=f"{int(value.bit_length() * math.log10(2)) + 1:,}")
    return repr(value)


def as_number(value, name=None):
    """A number from a float, int, 0-d (or one-element) tensor or numpy scalar (a complex number
    whose imaginary part is 0 counts as its real part). NAME: the learner's variable, named in
    the hint when it is still None."""
    if value is None:
        return None, say("still_none_named", name=name) if name else say("still_none")
    if isinstance(value, bool):
        return None, say("give_a_number", value=repr(value))
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return None, say("give_one_number", value=shown(value))
        if value.dtype == torch.bool:
            return None, say("give_a_number", value=shown(value))
        value = value.item()
    if isinstance(value, complex):
        if value.imag != 0:
            return None, say("give_a_real_number", value=repr(value))
        value = value.real
    if isinstance(value, int):
        try:
            return float(value), None
        except OverflowError:  # a whole number of hundreds of digits
            exponent = int(value.bit_length() * math.log10(2))
            return None, say("too_big_for_a_float", size=f"{'-' if value < 0 else ''}10**{exponent}")
    if isinstance(value, float):
        return value, None
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None, say("give_a_number_not_string", value=repr(value))
        return None, say("leave_out_the_quotes", value=repr(value))
    return None, say("give_a_number", value=shown(value))


def as_whole_number(value, largest=10**9, name=None):
    """A whole number from an int, an integral float or a one-element tensor, at most LARGEST
    in size (a count of layers or units)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        number, problem = as_number(value, name)
        if problem:
            return None, problem
        if not math.isfinite(number) or number != int(number):
            return None, say("give_a_whole_number", value=repr(number))
    if abs(number) > largest:
        return None, say("far_too_many", value=shown(int(number)), largest=f"{largest:,}")
    return int(number), None


def as_name(value, names, name=None):
    """One of NAMES (lower case) from a string (any case, spaces around) or a class or function
    of that name (`nn.Sigmoid`, `torch.sigmoid`)."""
    if value is None:
        if name:
            return None, say("name_still_none_named", name=name, names=", ".join(map(repr, names)))
        return None, say("name_still_none", names=", ".join(map(repr, names)))
    if isinstance(value, dict) and "callable" in value:
        value = value["callable"]
    if not isinstance(value, str):
        return None, say("give_a_name", names=", ".join(map(repr, names)), value=shown(value))
    name = value.strip().lower()
    for prefix in ("torch.nn.functional.", "torch.nn.", "nn.functional.", "nn.", "torch.", "f."):
        name = name.removeprefix(prefix)
    name = name.strip("'\"() ")
    if name in names:
        return name, None
    return None, say("not_one_of", value=repr(value), names=", ".join(map(repr, names)))


def as_sizes(value, name=None):
    """A list of whole numbers from a list, tuple, tensor or numpy array."""
    if value is None:
        return None, say("still_none_named", name=name) if name else say("still_none")
    if isinstance(value, torch.Tensor):
        value = value.flatten().tolist()
    if not isinstance(value, list):
        return None, say("give_a_list_of_sizes", value=shown(value))
    sizes = []
    for item in value:
        number, problem = as_whole_number(item)
        if problem:
            return None, say("every_size_whole", value=shown(item))
        sizes.append(number)
    return sizes, None

