# nbgrader course configuration for the exercises (run nbgrader from this folder).
c = get_config()  # noqa: F821  (provided by nbgrader)
c.CourseDirectory.course_id = "shortcut-connections"

# Autograding takes the points from the series' judge, never from the learner's kernel
# (helpers/classroom/plugin.py): GradeOutsideKernel replaces nbgrader's Execute; the rest of the
# list is nbgrader 0.9's own.
c.Autograde.autograde_preprocessors = [
    "helpers.classroom.plugin.GradeOutsideKernel",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Per-cell time limit while a notebook runs (for its feedback, and in `nbgrader validate`): a
# cell that never ends is interrupted after this many seconds and the rest still runs. The
# grader stops a hanging answer on its own (30 s per exercise).
c.Execute.timeout = 30
