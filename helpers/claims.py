"""Checks of what a notebook's prose says about the numbers printed beside it.

    helpers.claim("the first layer gets about 25 times less than the last", 20 < last / first < 30)

does nothing when the condition is true, and raises `ClaimFailed` quoting the statement when it
is not. A notebook states a number or a trend in its prose and checks it in a check cell at the
end of the section: a code cell tagged `claims` whose source JupyterLab shows collapsed and which
prints nothing, so the reader meets the lesson, not its checks. nbval runs those cells, so a
change that moves a number fails `make test`, naming the sentence, instead of leaving a sentence
that is no longer true. `rounded` gives a number as the prose quotes it (significant digits), so the prose and the
check read the same digits.
"""

import math

import torch


class ClaimFailed(AssertionError):
    """A sentence of the notebook no longer matches the numbers beside it."""


def rounded(value, digits=2):
    """VALUE (a number or a one-element tensor) to DIGITS significant digits, as a float."""
    if isinstance(value, torch.Tensor):
        value = value.item()
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")
    value = float(value)
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{digits}g}")


def claim(statement, holds):
    """Raise ClaimFailed, quoting STATEMENT, if HOLDS (a bool) is false; otherwise do nothing."""
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"statement must be the sentence being checked, got {statement!r}")
    if isinstance(holds, torch.Tensor) and holds.numel() == 1:
        holds = holds.item()
    if type(holds).__module__ == "numpy" and hasattr(holds, "item"):
        holds = holds.item()
    if not isinstance(holds, bool):
        raise TypeError(f"holds must be True or False (a comparison), got {holds!r} for {statement!r}")
    if not holds:
        raise ClaimFailed(f"the notebook says {statement!r}, but the numbers beside it no longer show it")


__all__ = ["ClaimFailed", "claim", "rounded"]
