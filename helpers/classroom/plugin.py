"""nbgrader's side of the autograder: a preprocessor that replaces nbgrader's `Execute` in
`autograde` (nbgrader_config.py sets `c.Autograde.autograde_preprocessors`).

`GradeOutsideKernel` runs the learner's notebook in a kernel as `Execute` does, for the feedback
only (what each cell printed), and takes the points from the judge
(`python -I -m helpers.classroom.grading --serve`, one process for the whole run), which reads the
answer cells from nbgrader's copy of the submission, never from the kernel. So:

- the graded cells are not run in the learner's kernel at all: their outputs (the verdict with
  its hints, and the score as the cell's result, which nbgrader reads as partial credit) are
  written by this preprocessor from the judge's answer;
- the judge works while the kernel runs: a submission takes about as long as the notebook itself;
- a kernel that dies, hangs or floods its output costs the feedback of the cells after it, never
  the points: the cell where it happened says what happened, the graded cells get their
  verdicts, and the rest of the class is graded;
- anything a learner's notebook does to its kernel (rebinding `float`, patching the helpers,
  replacing `subprocess`) changes nothing, since no number is read from the kernel.
"""

import os
import subprocess
import sys
import tempfile
import time

from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Dict, Integer

from helpers.classroom.channel import Channel
from helpers.classroom.grading import ANSWER_CELLS, answer_sources, notebook_language
from helpers.language import say, speaking


def graded_exercise(cell):
    """The exercise whose points CELL carries ('forward' for 'forward_test'), or None."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    grade_id = meta.get("grade_id", "")
    if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
        exercise = grade_id.removesuffix("_test")
        return exercise if exercise in ANSWER_CELLS else None
    return None


class JudgeProcess:
    """The judge, started once (`python -I`, in a folder of its own) and asked once per submission,
    over a socket (which a learner's kernel cannot open, unlike stdin or a pipe)."""

    def __init__(self, log):
        self.log = log
        self.folder = tempfile.TemporaryDirectory(prefix="shortcut-judge-")
        self.errors = open(os.path.join(self.folder.name, "judge.log"), "w+")
        self.channel, theirs = Channel.pair()
        fd = theirs.detach()
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", "helpers.classroom.grading", "--serve", str(fd)], pass_fds=(fd,),
            cwd=self.folder.name, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errors,
            start_new_session=True, env={**os.environ, "OMP_NUM_THREADS": "1"})  # one thread: it can fork its worker
        os.close(fd)
        self.asked = 0

    def ask(self, sources, course, language="en"):
        self.asked += 1
        self.channel.send({"id": self.asked, "sources": sources, "course": dict(course), "language": language})
        return self.asked

    def answer(self, ticket, seconds):
        """The judge's verdicts for TICKET, or (None, why not)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                reply = self.channel.receive(max(0.0, deadline - time.monotonic()))
            except EOFError:
                return None, f"the judge stopped: {self.last_errors()}"
            if reply is None:
                break
            if isinstance(reply, dict) and reply.get("id") == ticket:
                return (reply["verdicts"], None) if "verdicts" in reply else (None, reply.get("error", "no verdicts"))
        return None, f"the judge gave no answer within {seconds:g} s"

    def last_errors(self, characters=2000):
        """The end of what the judge wrote to its stderr (read from the end: the log may be large)."""
        self.errors.flush()
        size = os.fstat(self.errors.fileno()).st_size
        with open(self.errors.name, "rb") as log:
            log.seek(max(0, size - 4 * characters))
            return log.read().decode("utf-8", "replace")[-characters:]

    def close(self):
        self.channel.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()
        self.folder.cleanup()


class GradeOutsideKernel(Execute):
    """Execute for the feedback; score each graded cell with the judge's verdict."""

    course = Dict({}, help="This course's own exercises (helpers.classroom.course): seed, threshold, width, wide. "
                           "Empty: the repository's.").tag(config=True)
    notebook_seconds = Integer(300, help="After this many seconds of a notebook's run, its remaining cells are not "
                                         "run for the feedback (the points do not depend on them).").tag(config=True)
    output_bytes = Integer(1_000_000, help="What one cell may print into the feedback; beyond it, its output is "
                                           "cut off.").tag(config=True)
    judge_seconds = Integer(600, help="How long to wait for the judge's verdicts on one submission.").tag(config=True)

    judge = None  # one JudgeProcess for the whole autograde run

    def preprocess(self, nb, resources=None, km=None):
        cls = type(self)
        if cls.judge is None or cls.judge.process.poll() is not None:
            cls.judge = JudgeProcess(self.log)
        sources, language = answer_sources(nb.cells), notebook_language(nb.get("metadata"))
        with speaking(language):  # the feedback's own notes in the notebook's language
            return self.graded(nb, resources, km, sources, language)

    def graded(self, nb, resources, km, sources, language):
        cls = type(self)
        ticket = cls.judge.ask(sources, self.course, language)
        self._started, self._stopped = time.monotonic(), None
        self._printed, self._running = {}, None
        try:
            nb, resources = super().preprocess(nb, resources, km)
        except DeadKernelError:
            self.note(self._running, "KernelDied", say("kernel_died"))
        except Exception as error:  # the kernel could not start or answer: the points still come from the judge
            self.log.warning("executing the notebook for its feedback failed: %r", error)
            self.note(self._running, "NotRun", say("feedback_not_run", error=repr(error)))
        verdicts, problem = cls.judge.answer(ticket, self.judge_seconds)
        if problem:  # once more with a fresh judge (something may have stopped this one)
            self.log.warning("the judge failed (%s); asking a fresh one", problem)
            cls.judge.close()
            cls.judge = JudgeProcess(self.log)
            verdicts, problem = cls.judge.answer(cls.judge.ask(sources, self.course, language), self.judge_seconds)
        if problem:
            self.log.error("grading failed: %s", problem)
            cls.judge.close()
            cls.judge = None
        for cell in nb.cells:
            exercise = graded_exercise(cell)
            if exercise is None:
                continue
            if verdicts is None or exercise not in verdicts:
                cell.outputs = [new_output("error", ename="GradingFailed", evalue=problem or "no verdict",
                                           traceback=[f"GradingFailed: {problem or 'no verdict'}"])]
                continue
            verdict = verdicts[exercise]
            cell.outputs = [new_output("stream", name="stdout", text=verdict["text"] + "\n"),
                            new_output("execute_result", data={"text/plain": f"{verdict['score']:g}"},
                                       execution_count=None)]
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        self._running = cell
        if graded_exercise(cell) is not None:
            return cell, resources  # not run in the learner's kernel: the judge writes its outputs
        if self._stopped is None and time.monotonic() - self._started > self.notebook_seconds:
            self._stopped = index
            self.note(cell, "NotRun", say("notebook_too_long", seconds=self.notebook_seconds))
        if self._stopped is not None:
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(value)) for value in content.get("data", {}).values())
        self._printed[cell_index] = self._printed.get(cell_index, 0) + size
        if self._printed[cell_index] > self.output_bytes:
            if not any(out.get("ename") == "OutputCutOff" for out in outs):
                outs.append(new_output("error", ename="OutputCutOff", evalue="", traceback=[
                    "OutputCutOff: " + say("output_cut_off", limit=f"{self.output_bytes:,}")]))
            return None
        return super().output(outs, msg, display_id, cell_index)

    @staticmethod
    def note(cell, name, text):
        if cell is not None and cell.get("cell_type") == "code":
            cell.setdefault("outputs", []).append(new_output("error", ename=name, evalue=text, traceback=[f"{name}: {text}"]))
