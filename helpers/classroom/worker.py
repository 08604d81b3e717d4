"""The grader's worker: runs a learner's answer cells, one fresh child process per exercise, and
hands back only plain data. The judge (`helpers.classroom.grading`, itself
started with `python -I`) forks it first thing, before it has computed or read anything, or,
when a worker has to be replaced, starts a fresh one as

    python -I -m helpers.classroom.worker CHANNEL_FD

in a folder of its own: isolated mode, so neither the submission's folder, nor environment
variables, nor a user site can put a module on the path; the helpers are the installed ones.

It reads one job list at a time on its channel (a socket: `channel.py`) and answers each. The
worker itself never runs a learner's code: for every job it forks a child, which

- starts a process group of its own (in the worker's session), closes every inherited file
  except its own result socket, and has no terminal: what the learner's code prints goes nowhere;
- is limited in memory, CPU time and file size (`LIMITS`), and its answer cells in CPU time each;
- for exercises 1 and 2 (write it yourself), has the helpers' own implementations replaced by
  stand-ins that raise "Borrowed: <name>" *before* any of the learner's code runs, so that no
  alias, subclass, wrapper or patch made by the learner can reach the real ones;
- runs the set-up code and the answer cells up to its exercise's, reporting each cell as it
  starts, then probes the answer (`<exercise module>.probe`) and writes the result.

A child that is still running after `job_seconds` is killed with its process group. When a
child dies or is killed inside an earlier exercise's cell, the job is run again without that
cell, so that one fatal answer does not cost the later exercises. The worker leads a session of
its own: after each submission, and when it stops, every other process left in that session
(whatever a learner's code started, in whatever process group) is killed, and the judge does the
same when it stops the worker, so that no process outlives grading.
"""

import base64
import io
import json
import os
import re
import resource
import selectors
import signal
import socket
import sys
import time

LIMITS = {"memory_bytes": 2**30, "cpu_seconds": 60, "file_bytes": 16 * 2**20, "result_bytes": 8 * 2**20}
# helpers modules whose functions a child of exercise 1 or 2 keeps: what builds the network and
# checks arguments, the classroom's own probing code, and the words of its hints (every other
# function is a stand-in).
KEEP = ("helpers.network", "helpers.arguments", "helpers.claims", "helpers.classroom", "helpers.language",
        "helpers.messages_")
STAND_IN_ERROR = "Borrowed"


def stand_in(function, qualified):
    """A function that raises 'Borrowed: QUALIFIED', compiled under FUNCTION's name and file name
    (so an error names the learner's line that called it)."""
    name = function.__code__.co_name
    source = f"def {name}(*args, **kwargs):\n    raise RuntimeError({f'{STAND_IN_ERROR}: {qualified}'!r})\n"
    namespace = {}
    exec(compile(source, function.__code__.co_filename, "exec"), namespace)
    return namespace[name]


def replace_with_stand_in(function, qualified, holders):
    """Make every reference to FUNCTION run the stand-in: its code is swapped in place; a
    function with a closure (whose code cannot be swapped) is replaced in each holder instead."""
    replacement = stand_in(function, qualified)
    if not function.__code__.co_freevars:
        function.__code__ = replacement.__code__
        return
    for holder in holders:
        for name, value in list(vars(holder).items()):
            if value is function:
                setattr(holder, name, replacement)


def install_stand_ins(exercise):
    """Replace the helpers' implementations a learner must not hand back in EXERCISE."""
    import torch

    modules = [module for name, module in sorted(sys.modules.items())
               if name.startswith("helpers") and module is not None and not name.startswith(KEEP)]
    network = sys.modules["helpers.network"]
    holders = [sys.modules["helpers"], *modules, network]
    targets = []
    for module in modules:
        for name, value in vars(module).items():
            if callable(value) and getattr(value, "__module__", None) == module.__name__:
                if isinstance(value, type):
                    for attribute, member in vars(value).items():
                        member = getattr(member, "__func__", member)
                        if hasattr(member, "__code__"):
                            targets.append((member, f"{module.__name__}.{name}.{attribute}", [value]))
                elif hasattr(value, "__code__"):
                    targets.append((value, f"{module.__name__}.{value.__code__.co_name}", holders))
    if exercise == "forward":
        for name, value in vars(network).items():
            if isinstance(value, type) and issubclass(value, torch.nn.Module) and "forward" in vars(value):
                targets.append((vars(value)["forward"], f"helpers.network.{name}.forward", [value]))
    for function, qualified, where in targets:
        replace_with_stand_in(function, qualified, where)


def magic_refused(magic):
    from helpers.language import say

    return say("magic_not_run", magic=magic)


class Magics:
    """What the answer cells' magics need of IPython, as a kernel would run them: %time and
    %timeit run their code once, %matplotlib does nothing; the policy refuses every other magic."""

    def __init__(self, namespace):
        self.namespace = namespace

    def run_line_magic(self, name, line, _stack_depth=None):
        if name in ("time", "timeit"):
            code = re.sub(r"^(\s*-\w+(\s+\d+)?)+\s+", "", line)  # without the options (-n 3 -r 2 ...)
            exec(compile(code, "<magic>", "exec"), self.namespace)
        elif name != "matplotlib":
            raise NotImplementedError(magic_refused(f"%{name}"))

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "timeit"):
            exec(compile(cell, "<magic>", "exec"), self.namespace)
        else:
            raise NotImplementedError(magic_refused(f"%%{name}"))


def quiet():
    """Point 0, 1, 2 and Python's own stdin, stdout and stderr at /dev/null."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin, sys.stdout, sys.stderr = (open(fd, mode, closefd=False) for fd, mode in ((0, "r"), (1, "w"), (2, "w")))


def run_child(job, result_fd):
    """In the child: run the job's cells, probe, write the result; never returns."""
    import torch

    from helpers.classroom import grading, sandbox
    from helpers.classroom.answers import portable
    from helpers.language import say

    def send(message):
        write_all(result_fd, (json.dumps(message) + "\n").encode())

    torch.set_num_threads(1)
    sandbox.clock = "cpu"
    sandbox.capture_prints = False  # (quiet() sent them to /dev/null)
    exercise = job["exercise"]
    if exercise in ("forward", "gradient_means"):
        install_stand_ins(exercise)
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        transform = TransformerManager().transform_cell  # %magics and !commands, as a kernel would
    except ImportError:
        transform = str
    namespace = {"__name__": "__main__", "get_ipython": lambda: Magics(namespace)}
    exec(job["preamble"], namespace)
    error = "NotDefined: " + say("cell_missing")
    for grade_id, source in job["cells"]:
        send({"cell": grade_id})
        if source is None:  # left out: the grader does not run it (see the verdict of its exercise)
            if grade_id == exercise:
                error = "NotRun: " + say("cell_not_run")
            continue

        def execute(grade_id=grade_id, source=source):
            exec(compile(transform(source), f"<answer cell {grade_id}>", "exec"), namespace)

        _, cell_error = sandbox.run_learner(execute, job["cell_seconds"])
        if grade_id == exercise:
            error = cell_error
    send({"cell": None})  # the cells are done: what follows is the probe
    cases = torch.load(io.BytesIO(base64.b64decode(job["cases"])), weights_only=True) if job["cases"] else None
    data = grading.probe(exercise, namespace, cases)
    buffer = io.BytesIO()
    torch.save({"answer_error": error, "data": data}, buffer)
    send({"result": base64.b64encode(buffer.getvalue()).decode()})
    os._exit(0)


def start_child(job):
    """Fork a child for JOB: (pid, this end of its result socket)."""
    ours, theirs = socket.socketpair()  # a socket, which no other process can open (see channel.py)
    read_end, write_end = ours.detach(), theirs.detach()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.setpgid(0, 0)
            quiet()
            os.closerange(3, write_end)
            os.closerange(write_end + 1, 2**16)
            resource.setrlimit(resource.RLIMIT_AS, (LIMITS["memory_bytes"] + base_memory(),) * 2)
            resource.setrlimit(resource.RLIMIT_CPU, (LIMITS["cpu_seconds"], LIMITS["cpu_seconds"] + 5))
            resource.setrlimit(resource.RLIMIT_FSIZE, (LIMITS["file_bytes"],) * 2)
            run_child(job, write_end)
        finally:
            os._exit(70)
    os.close(write_end)
    return pid, read_end


def base_memory():
    """This process's address space now (what a child starts with), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def session_members(session):
    """The live processes (other than this one) whose session is SESSION, from /proc; a zombie
    among them that is this process's child is collected on the way."""
    members = []
    for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # after the command's name, which may hold spaces
        except OSError:  # ended meanwhile
            continue
        if int(fields[3]) != session:  # pid (comm) state ppid pgrp session ...
            continue
        if fields[0] == b"Z":  # ended: only its parent can collect it
            try:
                os.waitpid(int(name), os.WNOHANG)
            except ChildProcessError:
                pass
            continue
        members.append(int(name))
    return members


def kill_session(session):
    """Kill every process of SESSION (a worker's pid) but this one, again while any is left (a
    second at most); collect this process's children among them."""
    for _ in range(100):
        members = session_members(session)
        if not members:
            return
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)


def become_subreaper():
    """On Linux, have the processes a child leaves behind become this process's children (not
    init's), so that kill_session collects them too."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def kill_strays():
    """In the worker: kill whatever is left of a submission's processes (its own session's)."""
    if os.getsid(0) == os.getpid():  # only in a session of its own, never in a terminal's
        kill_session(os.getpid())


def stop(pid):
    """Kill a child and everything in its process group; collect it."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def run_jobs(jobs, job_seconds):
    """Run every job in its own child, all at once; {exercise: outcome}. An outcome is
    {"status": "done" | "died" | "timeout" | "too big", "cell": the cell running at the end,
    "result": base64 data or None}."""
    selector = selectors.DefaultSelector()
    running = {}
    for job in jobs:
        pid, fd = start_child(job)
        os.set_blocking(fd, False)
        running[fd] = {"job": job, "pid": pid, "buffer": b"", "cell": None, "result": None, "status": None}
        selector.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + job_seconds
    while running and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
            state = running[key.fd]
            try:
                chunk = os.read(key.fd, 1 << 16)
            except BlockingIOError:
                continue
            state["buffer"] += chunk
            if len(state["buffer"]) > LIMITS["result_bytes"]:
                state["status"], chunk = "too big", b""
            *lines, state["buffer"] = state["buffer"].split(b"\n")
            for line in lines:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and "cell" in message:
                    state["cell"] = message["cell"]
                elif isinstance(message, dict) and isinstance(message.get("result"), str):
                    state["result"] = message["result"]
            # the child closed its pipe (ended), sent too much, or sent its result (a process it started
            # may hold the pipe open: it is stopped with the child's group, or with the session)
            if not chunk or state["result"] is not None:
                selector.unregister(key.fd)
                os.close(key.fd)
                stop(state["pid"])
                state["status"] = state["status"] or ("done" if state["result"] is not None else "died")
                yield state["job"]["exercise"], state
                del running[key.fd]
    for fd, state in running.items():
        selector.unregister(fd)
        os.close(fd)
        stop(state["pid"])
        state["status"] = "timeout"
        yield state["job"]["exercise"], state


def grade_submission(request):
    """All of a submission's jobs, each again without a cell that killed it or ran out of time
    (when that cell is not the job's own answer cell)."""
    from helpers.language import speaking

    with speaking(request.get("language", "en")):  # (the children it forks speak it too)
        return graded_submission(request["jobs"], request["job_seconds"])


def graded_submission(jobs, job_seconds):
    outcomes = {}
    while jobs:
        again = []
        for exercise, state in run_jobs(jobs, job_seconds):
            job, cell = state["job"], state["cell"]
            if state["status"] in ("died", "timeout") and cell not in (None, exercise):
                cells = [[grade_id, None if grade_id == cell else source] for grade_id, source in job["cells"]]
                again.append({**job, "cells": cells, "left_out": [*job.get("left_out", []), [cell, state["status"]]]})
                continue
            outcomes[exercise] = {"status": state["status"], "cell": cell, "result": state["result"],
                                  "left_out": job.get("left_out", [])}
        jobs = again
    kill_strays()
    return outcomes


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def serve(channel):
    """Answer each request on CHANNEL (helpers.classroom.channel) with one message, until the
    judge closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the judge stops the worker, not a Ctrl-C in its terminal
    become_subreaper()
    while True:
        try:
            request = channel.receive()
        except EOFError:
            kill_strays()
            return
        channel.send({"id": request.get("id"), "outcomes": grade_submission(request)})


def main(argv):
    from helpers.classroom.channel import Channel

    channel = Channel.from_fd(int(argv[0]))
    import torch  # noqa: F401  (imported once here: every child starts with it)

    import helpers  # noqa: F401
    from helpers.classroom import grading  # noqa: F401

    try:
        from IPython.core.inputtransformer2 import TransformerManager  # noqa: F401
    except ImportError:
        pass
    serve(channel)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
