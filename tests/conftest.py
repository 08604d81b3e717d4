import pytest

# Tests whose outcome does not depend on the Python version: a real browser against JupyterLab
# and Voila, the nbgrader class, the Colab and wheel routes, the set-up files and the venv guard,
# the nbval figure plug-in's own tests, and the checks of the notebooks' files as text (reading
# rules, colours, the public names, the Chinese edition's step with the English), and the figures'
# languages (on the Python whose run waits for the CJK font's install).
# CI runs them on one Python only (`make test SCOPE=core` leaves them out on the others); the
# unit tests and nbval run on every supported Python.
ONCE = {"test_browser.py", "test_classroom.py", "test_routes.py", "test_setup_files.py", "test_venv_guard.py",
        "test_nbval_figures.py", "test_reading.py", "test_colours.py", "test_front_door.py", "test_zh.py",
        "test_language.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in ONCE:
            item.add_marker(pytest.mark.once)


import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell a failed test."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
