# The two commands (README): `make run` starts shuxiang on its embedded defaults,
# `make test` runs the whole test suite.  Both set themselves up on first use.
# `make lint`: the quality gates CI runs first (ruff, ruff format --check, mypy).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ARGS   ?= --demo

.PHONY: run test lint bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/shuxiang up $(ARGS)

test: install
	scripts/test-tools.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	BIN=$(BIN) scripts/lint.sh

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
