"""What every exercise's check shares: the hint for code that raised, the hint for borrowed
code, and running a check with its own random state."""

import functools
import re

import torch

from helpers.language import say

SECONDS = 5.0  # per call of the learner's code in a self-check


def keeps_random_state(function):
    """Run `function` with its own random state: the caller's is the same afterwards."""

    @functools.wraps(function)
    def kept(*args, **kwargs):
        with torch.random.fork_rng(devices=[]):
            return function(*args, **kwargs)

    return kept


def answer_hint(error):
    """The hint for code that raised: not answered yet, or which exception on which line."""
    if error.startswith("NotImplementedError"):
        return say("not_answered_yet", rest=error[len("NotImplementedError"):].strip())
    if error.startswith(("TookTooLong", "SystemExit", "NotDefined", "NotRun")):
        return error.split(": ", 1)[1]
    if "Borrowed: " in error:
        return borrowed_hint(say("your_answer"), borrowed_in([error]))
    return say("your_code_raised", error=error)


def borrowed_hint(what, borrowed):
    return say("borrowed", what=what, names=", ".join(sorted(borrowed)))


def borrowed_in(errors):
    """The helpers' functions named by 'Borrowed: <name>' in errors (raised by the grader's stand-ins)."""
    return sorted({match for error in errors if error for match in re.findall(r"Borrowed: (helpers[\w.]*\w)", error)})
