# Two commands: `make run` (set up + start everything on embedded defaults) and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export PORT ?= 5000

.PHONY: run setup test test-embedded lint bench i18n stop clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python -c "from i18n.catalogs import compile_catalogs; compile_catalogs()"
	$(BIN)/flask db upgrade
	$(BIN)/flask catalog load

run: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: $(VENV)/.installed
	$(BIN)/python -c "from i18n.catalogs import compile_catalogs; compile_catalogs()"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy core

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run_all

i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F i18n/babel.cfg -k N_ -k t:2 -k tn:2,3 -o i18n/messages.pot --no-location --sort-output --ignore-dirs=".venv tests bench migrations instance" .
	$(BIN)/pybabel update -i i18n/messages.pot -d i18n/translations -D messages --no-fuzzy-matching

stop:
	-[ -f instance/redis.pid ] && kill $$(cat instance/redis.pid)

clean: stop
	rm -rf $(VENV) instance/*
