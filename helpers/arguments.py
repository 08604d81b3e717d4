"""One way to check the arguments of the public functions, with errors that name the argument
and the value: `ValueError: use_shortcut must be True or False, got 'False'`.

A bool is a bool (not 1, not "False", not None); a whole number is an int (not 1.5, not True);
a number is a finite int or float; a name is one of the names; a collection of names is a list
or tuple of them (not a string, whose letters would be read as names).
"""

import math
import reprlib


def check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def check_int(name, value, low=None, high=None):
    """VALUE if it is an int (not a bool) within [LOW, HIGH] (either bound may be None)."""
    if isinstance(value, bool) or not isinstance(value, int) or (low is not None and value < low) or (
            high is not None and value > high):
        if low is not None and high is not None:
            wanted = f"an integer from {low} to {high}"
        elif low == 1:
            wanted = "a positive integer"
        elif low is not None:
            wanted = f"an integer of at least {low}"
        else:
            wanted = "an integer"
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return value


def check_number(name, value, low=None, high=None):
    """VALUE as a float if it is a finite int or float (not a bool) within [LOW, HIGH]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or (
            low is not None and value < low) or (high is not None and value > high):
        bounds = f" from {low:g} to {high:g}" if low is not None and high is not None else ""
        raise ValueError(f"{name} must be a finite number{bounds}, got {value!r}")
    return float(value)


def check_choice(name, value, choices):
    """VALUE if it is one of CHOICES."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_choices(name, values, choices):
    """VALUES as a list if it is a non-empty list or tuple of CHOICES (a string is refused)."""
    if not isinstance(values, (list, tuple)) or not values:
        raise ValueError(f"{name} must be a non-empty list of names among {', '.join(map(repr, choices))}, "
                         f"got {values!r}")
    for value in values:
        check_choice(f"each of {name}", value, choices)
    return list(values)


def check_not_empty(name, value):
    """VALUE unless it is empty."""
    if not value:
        raise ValueError(f"{name} must not be empty, got {value!r}")
    return value


# Bounds on what an argument makes the helpers build: past them a call would take minutes or
# more memory than a laptop has, so it is refused at once, with the bound in the message.
# torch's generator takes seeds below 2**64 but draws the same numbers for seeds that differ by a
# multiple of 2**32 in some of its paths: the helpers take 0 ... 2**32 - 1, each a network of its own.
SEED_LIMIT = 2**32 - 1
DEPTH_LIMIT = 10_000  # layers of one network
WIDTH_LIMIT = 4096  # units of one layer
WEIGHT_LIMIT = 10**8  # weights of one network (400 MB of float32)


def check_seed(name, value):
    """VALUE if it is a whole number from 0 to SEED_LIMIT."""
    return check_int(name, value, low=0, high=SEED_LIMIT)


def shown(value):
    """VALUE's repr, cut short (a list of a thousand rows in a message helps nobody)."""
    return reprlib.repr(value)


def is_number(value):
    """A real number (int or float, nan and inf included), not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_labelled(name, value, what, valid):
    """VALUE if it is a non-empty dict {label: entry} whose every entry VALID(entry) accepts;
    otherwise a ValueError naming the entry, and WHAT an entry must be."""
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{name} must be a non-empty dict {{label: {what}}}, got {shown(value)}")
    for label, entry in value.items():
        try:
            ok = valid(entry)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"{name}[{label!r}] must be {what}, got {shown(entry)}")
    return value
