# Two commands on a fresh machine with Python 3.11+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo serve test bench messages translations-todo screenshots check clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Asamblea needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## create (or reuse) the demo database and serve it on http://127.0.0.1:8000
	$(BIN)/asamblea demo

test: $(STAMP)  ## the whole test suite (SQLite; PostgreSQL too with ASAMBLEA_TEST_DATABASE_URL)
	$(BIN)/python -m pytest

bench: $(STAMP)  ## the benchmarks; writes docs/benchmarks.md (BENCH_QUICK=1: a short run)
	$(BIN)/python -m bench

check: $(STAMP)  ## schema drift check against a scratch database
	ASAMBLEA_DATABASE_URL=sqlite:///$(VENV)/check.db $(BIN)/asamblea db upgrade
	ASAMBLEA_DATABASE_URL=sqlite:///$(VENV)/check.db $(BIN)/asamblea db check

messages: $(STAMP)  ## how complete each language is, per catalog file
	$(BIN)/python -m governance.i18n_catalog

translations-todo: $(STAMP)  ## every untranslated message, per language, ready to paste into a .po file
	$(BIN)/python -m governance.i18n_catalog --todo

screenshots: $(STAMP)  ## PNGs of the main pages (phone and desktop) into docs/screenshots/ (needs /usr/bin/chromium)
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
