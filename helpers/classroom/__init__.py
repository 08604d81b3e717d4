"""The classroom machinery of the exercises, in one place for instructors.

- `checks`: the "Check yourself" functions a learner calls (`helpers.check_forward`, ...);
- `forward`, `gradient_means`, `activations`, `depth`, `sizes`: each exercise's cases, how a
  learner's answer is probed, and how it is judged (part by part, with hints);
- `answers`: the `Verdict`, and the equivalent forms of an answer read as one;
- `sandbox`: running a learner's code with a time limit, every exception caught;
- `policy`: what the grader refuses to run in an answer cell;
- `grading` (the judge), `worker` (runs the answer cells), `plugin` (nbgrader's side):
  the autograder, which trusts nothing that ran in the learner's kernel;
- `course`, `make_course`: a course's own seed and sizes, so that the public solutions are not
  its answers.
"""
