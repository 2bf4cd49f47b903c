# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test demo lint clean

install: $(VENV)/.installed

# The program alone (what `make run` needs): no test tools.
$(VENV)/.installed-app: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "foibot needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

# The program and its test tools (what `make test` needs).
$(VENV)/.installed: $(VENV)/.installed-app
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Try it with no account: local stand-ins on 127.0.0.1 (see README).
demo: $(VENV)/.installed-app
	$(BIN)/foibot demo

run: $(VENV)/.installed-app
	$(BIN)/foibot db upgrade
	$(BIN)/foibot run

# The suite on TEST_WORKERS processes, then the few tests that time themselves, alone
# (pytest exits 5 when PYTEST_ARGS selects none of them).
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not serial" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
