# critmin: two commands do all the set-up on a fresh machine.
#   make demo   create .venv, install critmin, run the main job on the shipped data
#   make test   install the test extras and Debian's chromium (for the browser
#               tests; apt-get when root, else a message naming the package),
#               run ruff, mypy and pytest

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
SHARED ?= ../shared/data
OUT    ?= out

.PHONY: demo test chromium lint typecheck pytest data clean clean-cache

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,interchange]'
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/critmin demo --out $(OUT)

chromium:
	sh tools/ensure-chromium

test: $(TSTAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

data: $(STAMP)
	$(BIN)/critmin data build --from $(SHARED)

clean: clean-cache
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache

# numba's on-disk cache of the compiled kernel. numba notices edits to a compiled
# function's own file but not to the files of the functions it calls: after editing
# src/critmin/engine/steps.py or restrictions.py, run this.
clean-cache:
	find src -name '*.nbi' -delete
	find src -name '*.nbc' -delete
