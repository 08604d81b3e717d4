# Loaded by pytest for everything under the repository: nbval also compares stored figures.
pytest_plugins = ["tools.nbval_figures"]
