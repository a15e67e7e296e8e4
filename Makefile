# Two commands for a fresh machine: `make demo` renders the demo JSNA, `make test` runs the tests.
# Both create the virtual environment .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
# two test processes (pytest-xdist); the tests marked xdist_group("browser") share one process
# (one Chromium, every page visited once). The demo JSNA is rendered once for both processes
# (tests/rendered_demo.py).
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: demo test lint bench clean-outputs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jsna demo

# pytest exits 5 when no test ran: that is a failure here, not a pass.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; exit $$status

# Each check fails the build: style and complexity (ruff), the layer contract (lint-imports,
# see [tool.importlinter] in pyproject.toml), types of the statistics, disclosure and config
# (mypy), and notebooks committed without outputs (nbstripout).
lint: $(STAMP)
	$(BIN)/ruff check jsna tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/nbstripout --verify --keep-id notebooks/*.ipynb

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean-outputs:
	rm -rf outputs/* data/demo
