# nbgrader course configuration for the exercises (run nbgrader from this folder).
c = get_config()  # noqa: F821  (provided by nbgrader)
c.CourseDirectory.course_id = "shortcut-connections"
# Each test cell runs the checks, which build small networks: well under a minute per notebook.
c.ExecutePreprocessor.timeout = 120
