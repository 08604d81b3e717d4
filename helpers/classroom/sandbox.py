"""Running a learner's code so that, whatever it does, a check still answers.

`run_learner(action)` calls `action()` and returns `(result, None)`, or `(None, what went wrong)`
when it raised anything at all (`sys.exit()` included), ran past its time limit, or both. Around
the call, torch's global settings (default dtype and device, grad mode, threads, random state,
anomaly detection, deterministic algorithms, flushing of denormal numbers) are saved and put
back, so a learner's change to them stays with the learner's own code; what the call prints is
shown after it, cut to `PRINTED_CHARACTERS`. `watch_helpers_calls` notes when the learner's code calls the
helpers' own implementation (which an exercise asks them to write themselves).
"""

import contextlib
import io
import os
import signal
import sys
import threading
import traceback

import torch

from helpers.language import say

HELPERS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the helpers package
LIBRARY_DIRS = tuple(
    {HELPERS_DIR, sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))}
)
# What the exercises ask learners to write themselves: a learner's code calling these directly
# is borrowing the helpers' implementation (file -> function names, None for all of them).
IMPLEMENTATIONS = {"gradients.py": None, "sweeps.py": None, "family.py": None, "chain.py": None,
                   "diagnostics.py": None, "training.py": None, "network.py": {"forward"}}


def is_implementation(code):
    if not code.co_filename.startswith(HELPERS_DIR):
        return False
    names = IMPLEMENTATIONS.get(os.path.basename(code.co_filename), set())
    return names is None or code.co_name in names


class TookTooLong(BaseException):
    """Raised inside a learner's code when its time is up (a BaseException, so that a bare
    `except Exception` in the learner's code does not swallow it)."""


# Which clock a time limit counts: wall time in a learner's kernel; in the grader's worker, the
# process's own CPU time, so that a busy grading machine does not cut a right answer short (a
# worker that sleeps is stopped by the wall-clock limit of the process that started it).
CLOCKS = {"wall": ("ITIMER_REAL", "SIGALRM"), "cpu": ("ITIMER_PROF", "SIGPROF")}
clock = "wall"


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the code inside after `seconds` (repeatedly, every half second after that, in
    case the code catches the first interruption). Only where signals work: the main thread on a
    system with setitimer; elsewhere there is no limit."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    timer, signal_name = (getattr(signal, name) for name in CLOCKS[clock])

    def stop(signum, frame):
        raise TookTooLong(seconds)

    previous = signal.signal(signal_name, stop)
    signal.setitimer(timer, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(signal_name, previous)


def flushes_denormals():
    """Whether torch.set_flush_denormal(True) is in effect (torch has no getter): a denormal
    number then reads, or comes out, as 0."""
    return (torch.tensor([5e-324], dtype=torch.float64, device="cpu") * 1.0).item() == 0.0


@contextlib.contextmanager
def kept_global_state():
    """Put torch's global settings back as they were, whatever the code inside changed."""
    dtype, grad, threads = torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads()
    device, flush = torch.get_default_device(), flushes_denormals()
    rng, anomaly = torch.random.get_rng_state(), torch.is_anomaly_enabled()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    try:
        yield
    finally:
        torch.set_default_dtype(dtype)
        if torch.get_default_device() != device:
            torch.set_default_device(None if device == torch.device("cpu") else device)
        if flushes_denormals() != flush:
            torch.set_flush_denormal(flush)
        torch.set_grad_enabled(grad)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        torch.random.set_rng_state(rng)
        torch.autograd.set_detect_anomaly(anomaly)
        # only when changed: the first call of use_deterministic_algorithms takes seconds
        if (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()) != (
                deterministic, warn_only):
            torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


def is_learner_code(filename):
    """Code a learner wrote: not the helpers, not torch, not the standard library or any
    installed package."""
    return not filename.startswith(LIBRARY_DIRS) and not filename.startswith("<frozen")


def describe_exception(error):
    """`ValueError: message (line 12: x = x + y)`, naming the learner's line, not ours."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if is_learner_code(frame.filename)]
    where = say("at_line", line=frames[-1].lineno, code=frames[-1].line.strip()) if frames and frames[-1].line else ""
    try:
        text = str(error)
    except BaseException:  # a learner's exception whose str() fails
        text = ""
    if len(text) > 300:  # a hint stays a hint, however long the message
        text = text[:300] + say("characters_in_all", n=f"{len(text):,}")
    message = f": {text}" if text else ""
    return f"{type(error).__name__}{message}{where}"


PRINTED_CHARACTERS = 2000  # of what one call of a learner's code prints, shown after it
# Whether what a learner's code prints is caught and cut (in a learner's kernel). The grader's
# worker sets it off: there prints go to /dev/null already, at C speed, and a Python-level catch
# would cost a learner's loop of prints its CPU time.
capture_prints = True


class CappedText(io.TextIOBase):
    """A text stream that keeps the first LIMIT characters written to it and counts the rest."""

    def __init__(self, limit):
        self.limit, self.kept, self.total = limit, [], 0

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - min(self.total, self.limit)
        if room:
            self.kept.append(text[:room])
        self.total += len(text)
        return len(text)

    def text(self):
        kept = "".join(self.kept)
        if self.total > self.limit:
            kept += say("more_printed", n=f"{self.total - self.limit:,}")
        return kept


@contextlib.contextmanager
def capped_output(limit=PRINTED_CHARACTERS):
    """What the code inside prints (to sys.stdout or sys.stderr), shown after it on sys.stdout,
    cut to LIMIT characters, so that a print in a loop cannot flood the notebook."""
    if not capture_prints:
        yield None
        return
    captured = CappedText(limit)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        yield captured
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        if captured.total:
            stdout.write(captured.text())


def run_learner(action, seconds=5.0):
    """(result, None) if `action()` returns within `seconds`, else (None, what went wrong)."""
    try:
        with kept_global_state(), capped_output(), time_limit(seconds):
            return action(), None
    except TookTooLong:
        return None, "TookTooLong: " + say("took_too_long", seconds=f"{seconds:g}")
    except KeyboardInterrupt:
        raise  # the learner (or the grader's time limit) stopped the cell: let it stop
    except SystemExit as error:
        return None, "SystemExit: " + say("called_exit", code="" if error.code is None else repr(error.code))
    except BaseException as error:  # a learner's code can raise anything; report it, never crash
        return None, describe_exception(error)


def borrowed_code(obj):
    """The helpers' function or method behind `obj` (a function, a partial, a class whose forward
    comes from the helpers), as 'module.name', or None if the learner wrote it."""
    while hasattr(obj, "func"):  # functools.partial
        obj = obj.func
    if isinstance(obj, type):
        obj = getattr(obj, "forward", None)
    code = getattr(obj, "__code__", None)
    if code is not None and is_implementation(code):
        return f"helpers.{os.path.basename(code.co_filename)[:-3]}.{code.co_name}"
    return None


@contextlib.contextmanager
def watch_helpers_calls(found):
    """Add to the set `found` every helpers function ('module.name') that the learner's own code
    calls directly while the code inside runs."""

    def profile(frame, event, arg):
        if event == "call" and is_implementation(frame.f_code):
            caller = frame.f_back
            if caller is not None and is_learner_code(caller.f_code.co_filename):
                found.add(f"helpers.{os.path.basename(frame.f_code.co_filename)[:-3]}.{frame.f_code.co_name}")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield found
    finally:
        sys.setprofile(previous)
