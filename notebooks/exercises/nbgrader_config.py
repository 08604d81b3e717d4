# nbgrader course configuration for the exercises (run nbgrader from this folder).
c = get_config()  # noqa: F821  (provided by nbgrader)
c.CourseDirectory.course_id = "shortcut-connections"
# Per-cell time limit while autograding: a learner's cell that never ends is interrupted after
# this many seconds and the rest of the notebook is still graded. Each autograded cell grades its
# exercise in fresh processes (helpers.grading), which stop a hanging answer after 20 s.
c.Execute.timeout = 30
