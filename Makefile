# make lab      set up .venv (if needed) and start JupyterLab on the notebooks
# make test     set up .venv (if needed), run the unit tests and nbval on every notebook
#               (SCOPE=core: only what depends on the Python version, the unit tests and nbval;
#               WORKERS=N: pytest-xdist workers, 2 by default, 0 for none)
# make execute  re-run every notebook top to bottom in a fresh kernel and store the outputs
# make exercises  regenerate the student version of the exercises with nbgrader
# make bench    print the benchmarks' figures (nbval cost, explorer speed, autograde time)
# make explorer serve the gradient explorer alone (controls and figure, no code) with Voila,
#               for a projector: open the address it prints
#
# Python 3.11, 3.12 or 3.13: `make test PYTHON=python3.12` builds .venv with that interpreter.
# A .venv built by another interpreter (or an unsupported one) is rebuilt, with a line saying so.
#
# Linux without an NVIDIA GPU: `make lab TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu`
# installs the CPU-only torch (about 200 MB instead of several GB); without it, make says so
# before pip downloads the CUDA build.
#
# The exact versions installed are those of constraints.txt; pyproject.toml holds the ranges.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PINS := constraints.txt
TORCH_INDEX_URL ?=
SCOPE ?= all
WORKERS ?= 2
$(if $(filter-out all core,$(SCOPE)),$(error SCOPE must be all or core, got '$(SCOPE)'))
PORT ?= 8888
EXPLORER_PORT ?= 8866
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab explorer test execute exercises bench clean

# First make sure .venv belongs to $(PYTHON) (tools/venv_guard.py removes it if not), then
# build or update it in a second make, which sees the venv as it is now.
setup:
	@$(PYTHON) tools/venv_guard.py check $(VENV)
	@$(MAKE) --no-print-directory $(STAMP)

$(STAMP): pyproject.toml $(PINS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(if $(TORCH_INDEX_URL),$(PY) -m pip install --quiet -c $(PINS) torch --index-url $(TORCH_INDEX_URL),@$(PY) tools/venv_guard.py torch-note $(PINS))
	$(PY) -m pip install --quiet -c $(PINS) -e '.[lab,test,classroom]'
	$(PY) -c "import matplotlib.pyplot"  # build matplotlib's font cache once, not inside a notebook
	touch $(STAMP)

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --port=$(PORT) $(ALLOW_ROOT)

explorer: setup
	$(VENV)/bin/voila apps/explorer.ipynb --no-browser --Voila.ip=127.0.0.1 --port=$(EXPLORER_PORT)

# --dist loadscope keeps each notebook's cells (and each test module) on one worker, in order.
test: setup
	$(PY) -m pytest --nbval $(if $(filter-out 0,$(WORKERS)),-n $(WORKERS) --dist loadscope) $(if $(filter core,$(SCOPE)),-m "not once") tests notebooks

NBCONVERT := $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	--ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False \
	--ExecutePreprocessor.store_widget_state=False

# Outputs are then normalized (tools/normalize_outputs.py): no widget ids, progress-bar timings
# or split streams, so a second `make execute` leaves the notebooks as they were.
execute: setup
	$(NBCONVERT) notebooks/*.ipynb notebooks/exercises/source/*/*.ipynb
	$(PY) tools/normalize_outputs.py notebooks/*.ipynb notebooks/exercises/source/*/*.ipynb
	$(MAKE) exercises

# The student version of the exercises: nbgrader generates it from the source (solutions out),
# then it is run once so its stored outputs show what a learner sees before answering.
exercises: setup
	cd notebooks/exercises && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(CURDIR)/$(VENV)/bin/nbgrader \
	    generate_assignment shortcuts --force
	$(NBCONVERT) --allow-errors notebooks/exercises/release/*/*.ipynb
	$(PY) tools/normalize_outputs.py notebooks/exercises/release/*/*.ipynb

bench: setup
	$(PY) benchmarks/nbval_cost.py
	$(PY) benchmarks/explorer_speed.py
	$(PY) benchmarks/sweep_speed.py
	$(PY) benchmarks/autograde_time.py

clean:
	rm -rf $(VENV) build dist *.egg-info
