# Loaded by pytest for everything under the repository: nbval also compares stored figures.
pytest_plugins = ["tools.nbval_figures"]

# The Chinese edition's code cells and outputs are the English ones (tools/zh_notebooks.py, checked
# by tests/test_zh.py): nbval runs them once, in English.
collect_ignore_glob = ["notebooks/zh/*"]
