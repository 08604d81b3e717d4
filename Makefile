# make lab       set up .venv (if needed: the series and JupyterLab only) and start JupyterLab
#                on the notebooks
# make test      add the test tools (and nbgrader, which the classroom tests use) to .venv, run
#                the unit tests and nbval on every notebook
#                (SCOPE=core: only what depends on the Python version, the unit tests and nbval;
#                SCOPE=first, CI's first Python: all but the English notebooks' nbval where a
#                Chinese twin runs the same code, which the other Pythons run;
#                WORKERS=N: pytest-xdist workers, 2 by default, 0 for none)
# make instructor  add nbgrader to .venv and start JupyterLab in notebooks/exercises, the course
#                folder, with nbgrader's menu and Formgrader (see notebooks/exercises/README.md)
# make execute   re-run every notebook top to bottom in a fresh kernel and store the outputs
#                (then make exercises, and make zh for the Chinese edition)
# make exercises regenerate the student version of the exercises with nbgrader (then make zh)
# make zh        rebuild the Chinese edition, notebooks/zh/, from the English and run it
# make bench     print the benchmarks' figures (nbval cost, explorer speed, autograde time)
# make explorer  serve the gradient explorer alone (controls and figure, no code) with Voila,
#                for a projector: open the address it prints
#
# Python 3.11, 3.12 or 3.13: `make test PYTHON=python3.12` builds .venv with that interpreter.
# A .venv built by another interpreter (or an unsupported one) is rebuilt, with a line saying so.
#
# Where torch comes from (tools/venv_guard.py torch): on Linux without an NVIDIA GPU, PyTorch's
# CPU-only index (about 200 MB instead of about 5 GB of CUDA libraries); where that index cannot
# be reached, the default index, with a line saying so. With an NVIDIA GPU, and on macOS, the
# default index. `make lab TORCH_INDEX_URL=...` chooses (after `make clean` if .venv has torch).
#
# The JupyterLab and Voila that `make lab` and `make explorer` start read tools/jupyter/learner
# (nbgrader's menu, buttons and sidebar off, even where .venv has nbgrader) and
# tools/jupyter/quiet (no news fetched, no update check) after the user's own Jupyter settings;
# every JupyterLab of .venv asks no news question (tools/jupyter/quiet/overrides.json, copied
# into .venv's settings overrides).
#
# The exact versions installed are those of constraints.txt; pyproject.toml holds the ranges.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PINS := constraints.txt
TORCH_INDEX_URL ?=
# What each route has installed: the learner's set, then the test tools, or the classroom's.
STAMP ?= $(VENV)/.stamp-lab
TEST_STAMP ?= $(VENV)/.stamp-test
CLASSROOM_STAMP ?= $(VENV)/.stamp-classroom
PIP_INSTALL = $(PY) -m pip install --quiet $(PIP_FLAGS) -c $(PINS)
JUPYTER_SETTINGS = JUPYTER_CONFIG_PATH="$(CURDIR)/tools/jupyter/$(1)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}"
LEARNER_JUPYTER := $(call JUPYTER_SETTINGS,learner:$(CURDIR)/tools/jupyter/quiet)
INSTRUCTOR_JUPYTER := $(call JUPYTER_SETTINGS,quiet)
# JupyterLab reads settings overrides only from its own prefix: no news question, no update check.
LAB_OVERRIDES = $(VENV)/share/jupyter/lab/settings/overrides.d
SCOPE ?= all
WORKERS ?= 2
$(if $(filter-out all first core,$(SCOPE)),$(error SCOPE must be all, first or core, got '$(SCOPE)'))
PORT ?= 8888
EXPLORER_PORT ?= 8866
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup setup-test setup-classroom lab instructor explorer test execute exercises zh bench clean

# First make sure .venv belongs to $(PYTHON) (tools/venv_guard.py removes it if not), then
# build or update it in a second make, which sees the venv as it is now.
setup:
	@$(PYTHON) tools/venv_guard.py check $(VENV)
	@$(MAKE) --no-print-directory $(STAMP)

setup-test:
	@$(PYTHON) tools/venv_guard.py check $(VENV)
	@$(MAKE) --no-print-directory $(TEST_STAMP)

setup-classroom:
	@$(PYTHON) tools/venv_guard.py check $(VENV)
	@$(MAKE) --no-print-directory $(CLASSROOM_STAMP)

$(STAMP): pyproject.toml $(PINS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@$(PY) tools/venv_guard.py torch $(PINS) '$(TORCH_INDEX_URL)'
	$(PIP_INSTALL) -e '.[lab]'
	mkdir -p $(LAB_OVERRIDES) && cp tools/jupyter/quiet/overrides.json $(LAB_OVERRIDES)/shortcut-notebooks.json
	$(PY) -c "import matplotlib.pyplot"  # build matplotlib's font cache once, not inside a notebook
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[lab,test,classroom]'
	touch $(TEST_STAMP)

$(CLASSROOM_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[lab,classroom]'
	touch $(CLASSROOM_STAMP)

lab: setup
	$(LEARNER_JUPYTER) $(VENV)/bin/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --port=$(PORT) $(ALLOW_ROOT)

# nbgrader's alembic must be on PATH; JupyterLab started in the course folder finds its nbgrader_config.py.
instructor: setup-classroom
	cd notebooks/exercises && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(INSTRUCTOR_JUPYTER) $(CURDIR)/$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(ALLOW_ROOT)

explorer: setup
	$(LEARNER_JUPYTER) $(VENV)/bin/voila apps/explorer.ipynb --no-browser --Voila.ip=127.0.0.1 --port=$(EXPLORER_PORT)

# --dist loadscope keeps each notebook's cells (and each test module) on one worker, in order.
test: setup-test
	$(PY) -m pytest --nbval $(if $(filter-out 0,$(WORKERS)),-n $(WORKERS) --dist loadscope) $(if $(filter core,$(SCOPE)),-m "not once")$(if $(filter first,$(SCOPE)),-m "not twinned") tests notebooks

NBCONVERT := $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	--ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False \
	--ExecutePreprocessor.store_widget_state=False

# Outputs are then normalized (tools/normalize_outputs.py): no widget ids, progress-bar timings
# or split streams, so a second `make execute` leaves the notebooks as they were.
execute: setup-test
	$(NBCONVERT) notebooks/*.ipynb notebooks/exercises/source/*/*.ipynb
	$(PY) tools/normalize_outputs.py notebooks/*.ipynb notebooks/exercises/source/*/*.ipynb
	$(MAKE) exercises

# The student version of the exercises: nbgrader generates it from the source (solutions out),
# then it is run once so its stored outputs show what a learner sees before answering.
exercises: setup-classroom
	cd notebooks/exercises && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(CURDIR)/$(VENV)/bin/nbgrader \
	    generate_assignment shortcuts --force
	$(NBCONVERT) --allow-errors notebooks/exercises/release/*/*.ipynb
	$(PY) tools/normalize_outputs.py notebooks/exercises/release/*/*.ipynb
	$(MAKE) --no-print-directory zh

# The Chinese edition (tools/zh_notebooks.py): the English code cells and language-free outputs,
# then a run of its own for the outputs in Chinese (figures, the exercises' hints); a figure text
# with no Chinese in helpers/messages_zh.py fails the run (HELPERS_UNTRANSLATED=raise).
zh: setup-test
	$(PY) tools/zh_notebooks.py
	HELPERS_UNTRANSLATED=raise $(NBCONVERT) notebooks/zh/0*.ipynb
	HELPERS_UNTRANSLATED=raise $(NBCONVERT) --allow-errors notebooks/zh/exercises.ipynb
	$(PY) tools/normalize_outputs.py notebooks/zh/*.ipynb
	$(PY) tools/zh_notebooks.py

bench: setup-test
	$(PY) benchmarks/nbval_cost.py
	$(PY) benchmarks/explorer_speed.py
	$(PY) benchmarks/sweep_speed.py
	$(PY) benchmarks/check_speed.py
	$(PY) benchmarks/autograde_time.py

clean:
	rm -rf $(VENV) build dist *.egg-info
