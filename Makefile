# Ronghe — every target creates and fills .venv itself, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt typecheck pytest bench schema migrate clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Ronghe needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install Ronghe with its development tools

run: $(STAMP) ## migrate the database, load demo data on first run, start the app on http://localhost:$(PORT)
	$(BIN)/ronghe init-db --demo-if-empty
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: lint typecheck pytest ## lint, type-check and run the whole test suite

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) ## format the code and apply safe lint fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP) ## mypy (strict on indicators/ and assessment/)
	$(BIN)/mypy

pytest: $(STAMP) ## the test suite; "no tests collected" is a failure, never a pass
	@$(BIN)/pytest -p no:cacheprovider -n auto; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; \
	exit $$status

bench: $(STAMP) ## print the performance figures (scoring, loading, enterprise pages)
	$(BIN)/python -m bench

schema: $(STAMP) ## regenerate the framework JSON Schema and the catalogue pages
	$(BIN)/python -m indicators.catalogue

migrate: $(STAMP) ## migrate the database to the newest revision
	$(BIN)/ronghe init-db

clean: ## remove the virtual environment and caches (keeps data/local)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
