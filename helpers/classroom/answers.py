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
import textwrap
from dataclasses import dataclass, field

import torch

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
        head = f"{self.title}: {'all passed' if self.passed else 'not yet'} ({self.score:g} of {self.max_score:g} points)"
        lines = [head]
        for case, ok, hint, points in self.results:
            worth = f" ({points:g} point{'' if points == 1 else 's'})" if points else ""
            lines.append(f"  {'✓' if ok else '✗'} {case}{worth}")
            if not ok and hint:
                lines += textwrap.wrap(f"hint: {hint}", WRAP, initial_indent=" " * 6, subsequent_indent=" " * 12)
        return "\n".join(lines)

    __repr__ = __str__

    def require(self):
        """Show this verdict; if a part is not yet right, raise `NotYetPassed` after it, so that
        a notebook run (and `nbgrader validate`) marks the cell as failed."""
        print(self)
        if not self.passed:
            wrong = [case for case, ok, _, _ in self.results if not ok]
            raise NotYetPassed(f"{len(wrong)} of {len(self.results)} parts not right yet (first: {wrong[0]}); "
                               "the hints are in the cell's output")


class NotYetPassed(AssertionError):
    """A check's verdict with a part not yet right (its hints are printed above it)."""

    def _render_traceback_(self):  # IPython shows this line alone, not a traceback into the helpers
        return [f"NotYetPassed: {self}"]


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
        text = f"a {type(value).__name__} object"
    return {"type": type(value).__name__, "repr": text}


def shown(value):
    """A short description of a portable answer for a hint."""
    if isinstance(value, torch.Tensor):
        return f"tensor({value.item():.6g})" if value.numel() == 1 else f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, dict) and "callable" in value:
        return value["callable"]
    if isinstance(value, dict) and "repr" in value:
        return value["repr"]
    if isinstance(value, int) and value.bit_length() > 64:  # (repr refuses more than 4,300 digits)
        return f"a whole number of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    return repr(value)


def as_number(value):
    """A number from a float, int, 0-d (or one-element) tensor or numpy scalar (a complex number
    whose imaginary part is 0 counts as its real part)."""
    if value is None:
        return None, "not answered yet: it is still None"
    if isinstance(value, bool):
        return None, f"give a number, not {value!r}"
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return None, f"give one number, not {shown(value)} (reduce it, e.g. with .max() or .item())"
        if value.dtype == torch.bool:
            return None, f"give a number, not {shown(value)}"
        value = value.item()
    if isinstance(value, complex):
        if value.imag != 0:
            return None, f"give a real number, not the complex number {value!r}"
        value = value.real
    if isinstance(value, int):
        try:
            return float(value), None
        except OverflowError:  # a whole number of hundreds of digits
            exponent = int(value.bit_length() * math.log10(2))
            return None, (f"give a number a float can hold: yours is about {'-' if value < 0 else ''}10**{exponent}, "
                          "beyond the largest float (about 1.8e308)")
    if isinstance(value, float):
        return value, None
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None, f"give a number, not the string {value!r}"
        return None, f"give a number, not the string {value!r} (leave out the quotes)"
    return None, f"give a number, not {shown(value)}"


def as_whole_number(value, largest=10**9):
    """A whole number from an int, an integral float or a one-element tensor, at most LARGEST
    in size (a count of layers or units)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        number, problem = as_number(value)
        if problem:
            return None, problem
        if not math.isfinite(number) or number != int(number):
            return None, f"give a whole number of layers, not {number!r}"
    if abs(number) > largest:
        return None, f"{shown(int(number))} is far more than any layer count or size here (at most {largest:,})"
    return int(number), None


def as_name(value, names):
    """One of NAMES (lower case) from a string (any case, spaces around) or a class or function
    of that name (`nn.Sigmoid`, `torch.sigmoid`)."""
    if value is None:
        return None, f"not answered yet: set it to one of {', '.join(map(repr, names))}"
    if isinstance(value, dict) and "callable" in value:
        value = value["callable"]
    if not isinstance(value, str):
        return None, f"give a name, one of {', '.join(map(repr, names))}, not {shown(value)}"
    name = value.strip().lower()
    for prefix in ("torch.nn.functional.", "torch.nn.", "nn.functional.", "nn.", "torch.", "f."):
        name = name.removeprefix(prefix)
    name = name.strip("'\"() ")
    if name in names:
        return name, None
    return None, f"{value!r} is not one of {', '.join(map(repr, names))}"


def as_sizes(value):
    """A list of whole numbers from a list, tuple, tensor or numpy array."""
    if value is None:
        return None, "not answered yet: it is still None"
    if isinstance(value, torch.Tensor):
        value = value.flatten().tolist()
    if not isinstance(value, list):
        return None, f"give a list of layer sizes, not {shown(value)}"
    sizes = []
    for item in value:
        number, problem = as_whole_number(item)
        if problem:
            return None, f"every size must be a whole number; {shown(item)} is not"
        sizes.append(number)
    return sizes, None

