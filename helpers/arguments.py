"""One way to check the arguments of the public functions, with errors that name the argument
and the value: `ValueError: use_shortcut must be True or False, got 'False'`.

A bool is a bool (not 1, not "False", not None); a whole number is an int (not 1.5, not True);
a number is a finite int or float; a name is one of the names; a collection of names is a list
or tuple of them (not a string, whose letters would be read as names).
"""

import math


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
