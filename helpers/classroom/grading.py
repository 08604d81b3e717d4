"""The judge of the exercises' autograder: the points come from here, never from the learner's
kernel.

    python -I -m helpers.classroom.grading NOTEBOOK [--course JSON]   grade one notebook file
    python -I -m helpers.classroom.grading --serve FD                 what nbgrader's plug-in starts

The judge reads the answer cells (from the notebook file, or from nbgrader's copy of it), reads
each cell's syntax tree (`policy`: a cell that reaches outside itself is not run), and hands the
rest to its worker (`helpers.classroom.worker`), which runs them in child processes and sends
back plain data only. The judge then compares that data with values it computes itself
(`<exercise module>.judge`). Nothing runs here that a learner wrote, so nothing a notebook
defines (builtins, attributes of the helpers, sys hooks, subprocess) reaches the verdict; started
with `python -I` from a folder of its own, the judge imports the installed helpers only.

`--serve FD` reads requests on the socket FD (`channel.py`: one JSON message per line),
{"id", "sources": {grade_id: source}, "course"}, and answers each with {"id", "verdicts":
{exercise: {"text", "score", "points"}}}, keeping its worker and the expected values for the
whole class. A socket, not stdin: a learner's kernel running beside it cannot write into it.
"""

import argparse
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from functools import lru_cache

import torch

from helpers.classroom import activations, depth, forward, gradient_means, policy, sizes
from helpers.classroom.answers import Verdict, portable
from helpers.classroom.channel import Channel
from helpers.classroom.common import answer_hint
from helpers.classroom.course import DEFAULT, Course
from helpers.language import LANGUAGES, say, speaking

# What the notebook's locked set-up cells define, run before the learner's answer cells.
PREAMBLE = """
import math

import torch
from torch import nn

import helpers

"""
# Answer cells (nbgrader grade_id) in notebook order, with each exercise's module and points.
EXERCISES = {
    "forward": (forward, 3),
    "gradient_means": (gradient_means, 2),
    "fastest": (activations, 2),
    "depth": (depth, 2),
    "fix": (sizes, 2),
}
ANSWER_CELLS = list(EXERCISES)
CELL_SECONDS = 5.0  # CPU time per answer cell, in the worker's child
JOB_SECONDS = 30.0  # wall time per child (one exercise), start included


def preamble(course):
    return PREAMBLE + course.setup_code() + f"broken_sizes = {course.broken_sizes}\n"


def answer_sources(cells):
    """{grade_id: source} of the answer cells among CELLS (a notebook's list of cells)."""
    sources = {}
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        metadata = cell.get("metadata")
        nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        if isinstance(grade_id, str) and grade_id in EXERCISES and cell.get("cell_type") == "code" and grade_id not in sources:
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(line for line in source if isinstance(line, str))
            sources[grade_id] = source if isinstance(source, str) else ""
    return sources


def notebook_language(metadata):
    """The language a notebook's hints are written in: that of its metadata's "language" ("zh-CN"
    in the Chinese edition) when the helpers speak it, else English."""
    chosen = metadata.get("language") if isinstance(metadata, dict) else None
    chosen = chosen.split("-")[0].lower() if isinstance(chosen, str) else None
    return chosen if chosen in LANGUAGES else "en"


def read_notebook(path):
    """(the answer sources, the language) of the notebook file at PATH (({}, "en") if it cannot be read)."""
    try:
        with open(path, encoding="utf-8") as file:
            notebook = json.load(file)
        return answer_sources(notebook.get("cells")), notebook_language(notebook.get("metadata"))
    except (OSError, ValueError, AttributeError, TypeError):
        return {}, "en"


def transformed(source):
    """SOURCE as the kernel would run it (%magics and !commands turned into Python)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # a cell IPython cannot transform: the worker reports its SyntaxError
        return source


def probe(exercise, namespace, cases):
    """In the worker's child: what the learner's answer produced, as plain data."""
    module = EXERCISES[exercise][0]
    values = [namespace.get(name) for name in module.NAMES]
    if exercise in ("forward", "gradient_means"):
        return module.probe(values[0], cases)
    return [portable(value) for value in values]


@lru_cache(maxsize=None)
def encoded_cases(exercise):
    module = EXERCISES[exercise][0]
    if exercise not in ("forward", "gradient_means"):
        return None, ""
    cases = module.cases()
    buffer = io.BytesIO()
    torch.save(cases, buffer)
    return cases, base64.b64encode(buffer.getvalue()).decode()


def os_threads():
    """How many threads this process runs, counting those Python does not know of (OpenMP's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class ForkedWorker:
    """The forked worker, with the part of Popen's interface the judge uses."""

    def __init__(self, pid):
        self.pid, self.returncode = pid, None

    def poll(self):
        if self.returncode is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self):
        if self.poll() is None:
            for kill in (os.killpg, os.kill):  # its session, and itself (if it has not started one yet)
                try:
                    kill(self.pid, 9)
                except (ProcessLookupError, PermissionError):
                    pass

    def wait(self):
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def failed(exercise, part, hint, **values):
    """A verdict of no points for EXERCISE: its one PART failed with HINT (keys in the message tables)."""
    verdict = Verdict(say("title_exercise", exercise=exercise))
    verdict.add(say(part), False, say(hint, **values), EXERCISES[exercise][1])
    return verdict


class Judge:
    """Judges submissions, one at a time, with one worker for all of them."""

    def __init__(self, job_seconds=JOB_SECONDS, cell_seconds=CELL_SECONDS):
        self.job_seconds, self.cell_seconds = job_seconds, cell_seconds
        self.worker = None
        self.folder = tempfile.TemporaryDirectory(prefix="shortcut-grader-")
        self.requests = 0
        if os_threads() == 1:  # forking a process with other threads (torch's OpenMP pool) could deadlock the fork
            self.fork_worker()

    def fork_worker(self):
        """The first worker: a fork of this process while it holds nothing but its imports (no
        expected value is computed before this), which saves the worker's own start."""
        ours, theirs = Channel.pair()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                from helpers.classroom import worker

                os.setsid()
                os.chdir(self.folder.name)
                worker.quiet()
                keep = theirs.fileno()
                os.closerange(3, keep)
                os.closerange(keep + 1, 2**16)
                worker.serve(theirs)
            finally:
                os._exit(0)
        theirs.close()
        self.worker, self.channel = ForkedWorker(pid), ours

    def start_worker(self):
        ours, theirs = Channel.pair()
        fd = theirs.detach()
        env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg")
        self.worker = subprocess.Popen(
            [sys.executable, "-I", "-m", "helpers.classroom.worker", str(fd)], pass_fds=(fd,),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.folder.name,
            env=env, start_new_session=True)
        os.close(fd)
        self.channel = ours

    def stop_worker(self):
        from helpers.classroom.worker import kill_session

        self.channel.close()
        self.worker.kill()
        self.worker.wait()
        kill_session(self.worker.pid)  # the worker's session: whatever its children left running
        self.worker = None

    def close(self):
        if self.worker is not None:
            self.stop_worker()
        self.folder.cleanup()

    def run_worker(self, request):
        """The worker's outcomes for REQUEST, or None if the worker stopped or did not answer."""
        if self.worker is None or self.worker.poll() is not None:
            if self.worker is not None:
                self.stop_worker()
            self.start_worker()
        longest = self.job_seconds * (len(ANSWER_CELLS) + 1) + 60
        try:
            self.channel.send(request)
            reply = self.channel.receive(longest)
            if isinstance(reply, dict) and reply.get("id") == request["id"] and isinstance(reply.get("outcomes"), dict):
                return reply["outcomes"]
        except (OSError, EOFError):
            pass
        self.stop_worker()  # stopped, silent or out of step: a fresh one for the next submission
        return None

    def grade(self, sources, course=DEFAULT, language="en"):
        """{exercise: Verdict} for a submission's answer SOURCES ({grade_id: source}), its hints in
        LANGUAGE (the notebook's)."""
        with speaking(language):
            return self.graded(sources, course, language)

    def graded(self, sources, course, language):
        self.requests += 1
        refused = {}
        cells = []
        for grade_id in ANSWER_CELLS:
            source = sources.get(grade_id)
            if source is not None:
                found = policy.problems(transformed(source))
                if found:
                    refused[grade_id], source = found, None
            cells.append([grade_id, source])
        jobs = []
        for index, exercise in enumerate(ANSWER_CELLS):
            if exercise in refused or exercise not in sources:
                continue
            jobs.append({"exercise": exercise, "cells": cells[: index + 1], "preamble": preamble(course),
                         "cases": encoded_cases(exercise)[1], "cell_seconds": self.cell_seconds})
        request = {"id": self.requests, "jobs": jobs, "job_seconds": self.job_seconds, "language": language}
        outcomes = self.run_worker(request) if jobs else {}
        if outcomes is None:  # once more with a fresh worker (a learner's code may have stopped it)
            outcomes = self.run_worker(request)
        verdicts = {}
        for exercise in ANSWER_CELLS:
            verdicts[exercise] = self.verdict(exercise, sources, refused, outcomes, course)
        return verdicts

    def verdict(self, exercise, sources, refused, outcomes, course):
        if exercise not in sources:
            return failed(exercise, "part_answer_cell", "cell_missing")
        if exercise in refused:
            return failed(exercise, "part_answer_cell", "refused", why=policy.hint(refused[exercise]))
        if outcomes is None:
            return failed(exercise, "part_cells_run", "worker_stopped_twice")
        outcome = outcomes.get(exercise)
        if outcome is None:
            return failed(exercise, "part_cells_run", "no_result")
        if outcome["status"] == "timeout":
            return failed(exercise, "part_finishes", "cells_took_too_long", seconds=f"{self.job_seconds:g}")
        if outcome["status"] == "too big":
            return failed(exercise, "part_readable", "too_much_data")
        if outcome["status"] != "done":
            return failed(exercise, "part_runs", "stopped_python")
        try:
            result = torch.load(io.BytesIO(base64.b64decode(outcome["result"])), weights_only=True)
            data, error = result["data"], result["answer_error"]
        except Exception:  # whatever came back, it is not what the worker writes
            return failed(exercise, "part_readable", "unreadable")
        module = EXERCISES[exercise][0]
        cases = encoded_cases(exercise)[0]
        try:
            verdict = module.judge(data, cases, course)
        except Exception as problem:  # data of an unexpected shape: judged as not readable
            return failed(exercise, "part_readable", "could_not_judge", problem=repr(problem))
        if error is not None and not verdict.passed:  # first: it is what the other hints follow from
            verdict.results.insert(0, (say("part_no_error"), False, answer_hint(error), 0.0))
        for cell, status in outcome.get("left_out", []):
            verdict.add(say("part_earlier_cell", cell=cell), False,
                        say("left_out_timeout" if status == "timeout" else "left_out_stopped"), 0.0)
        return verdict


def summary(exercise, verdict):
    """What nbgrader shows for EXERCISE: the verdict's text, the score and the points."""
    points = EXERCISES[exercise][1]
    score = verdict.score * points / verdict.max_score if verdict.max_score else 0.0
    return {"text": str(verdict), "score": round(score, 6), "points": points}


def serve(channel):
    """Answer each request on CHANNEL with the verdicts, until nbgrader's plug-in closes it."""
    judge = Judge()
    try:
        while True:
            try:
                request = channel.receive()
            except EOFError:
                return
            try:
                course = Course.from_dict(request.get("course") or {})
                language = request.get("language", "en")
                verdicts = judge.grade(request["sources"], course, language)
                with speaking(language):
                    reply = {"id": request["id"], "verdicts": {e: summary(e, v) for e, v in verdicts.items()}}
            except Exception as problem:  # a bad request: said so, and the judge goes on
                reply = {"id": request.get("id") if isinstance(request, dict) else None, "error": repr(problem)}
            channel.send(reply)
    finally:
        judge.close()


def main(argv):
    if argv[:1] == ["--serve"] and len(argv) == 2 and argv[1].isdigit():
        serve(Channel.from_fd(int(argv[1])))
        return 0
    parser = argparse.ArgumentParser(prog="python -I -m helpers.classroom.grading", description="Grade one exercises notebook.")
    parser.add_argument("notebook")
    parser.add_argument("--course", default="{}", help="the course's values as JSON, e.g. '{\"seed\": 2027}'")
    args = parser.parse_args(argv)
    try:
        course = Course.from_dict(json.loads(args.course))
    except ValueError as problem:
        parser.error(f"--course: {problem}")
    if not os.path.exists(args.notebook):
        parser.error(f"notebook: no file {args.notebook!r}")
    sources, language = read_notebook(args.notebook)
    judge = Judge()
    try:
        verdicts = judge.grade(sources, course, language)
    finally:
        judge.close()
    total = 0.0
    with speaking(language):
        for exercise, verdict in verdicts.items():
            result = summary(exercise, verdict)
            total += result["score"]
            print(result["text"])
            print(say("score_line", score=f"{result['score']:g}", points=f"{result['points']:g}") + "\n")
        print(say("total_line", total=f"{total:g}", points=f"{sum(points for _, points in EXERCISES.values()):g}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
