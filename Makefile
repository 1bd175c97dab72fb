# The two commands: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQS := requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQS) | sha1sum | cut -c1-12)

.PHONY: help install run test lint typecheck unit integration system tour webhook mail bench clean

help:
	@echo "make run    start the local stack with demo data on http://127.0.0.1:8000"
	@echo "make test   lint, type-check and run every test"
	@echo "make tour   walk the API against a running stack, checking every figure"
	@echo "make webhook [TYPE=trade|dividend|fee]   send a signed sample brokerage event to the running stack"
	@echo "make mail   list the alert emails the running stack has sent"
	@echo "make bench  print performance figures (starts its own stack)"

$(STAMP): $(REQS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pooldesk needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(PY) -m devstack

test: install lint typecheck
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest tests/unit

integration: install
	$(PY) -m pytest tests/integration

system: install
	$(PY) -m pytest tests/system

tour: install
	$(PY) -m devstack.tour

webhook: install
	$(PY) -m devstack.webhook --type $(or $(TYPE),trade)

mail: install
	$(PY) -m devstack.mail --full

bench: install
	$(PY) -m bench.tick_to_screen

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
