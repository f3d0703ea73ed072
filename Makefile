# newswatch — the two commands are `make up` and `make test`; CI runs the same targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= examples/newswatch.yaml
ARGS ?=

.PHONY: help venv dev tools axe up test lint bench eval clean

help:
	@echo "make up      run the whole service on $(CONFIG) (embedded Redis, data in ./.newswatch)"
	@echo "make test    lint + type-check + the whole test suite (starts its own Redis)"
	@echo "make bench   end-to-end throughput against bare trafilatura, as a ratio"
	@echo "make eval    quality figures on real data (sections under eval/)"
	@echo "make lint    ruff + mypy only"
	@echo "make soak    chaos soak: 300 feeds, processes and Redis killed, then a ledger"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setup.py and the C sources: the compiled matching kernel and MinHash are built again when
# they change
KERNEL := setup.py newswatch/core/query/_kernel.c newswatch/core/_minhash.c

$(VENV)/.installed: pyproject.toml $(KERNEL) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(KERNEL) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

dev: $(VENV)/.installed-dev

up: venv
	$(BIN)/newswatch up --config $(CONFIG) $(ARGS)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# system programs the tests use for real (installed with apt-get when run as root)
SYSTEM_TOOLS := promtool:prometheus prometheus:prometheus chromium:chromium gcc:gcc

tools:
	@bash scripts/system-tools.sh $(SYSTEM_TOOLS)

# axe-core for the browser tests' accessibility check, vendored (tests/support/axe/) so the
# tests need no registry; this refreshes it (then update AXE_VERSION/AXE_SRI in
# tests/support/browser.py from the package's sri-history.json)
AXE_VERSION ?= 4.14.1
axe:
	@dir=$$(mktemp -d) && cd $$dir && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	  tar xzf axe-core-$(AXE_VERSION).tgz && \
	  cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt $(CURDIR)/tests/support/axe/ && \
	  rm -rf $$dir && echo "tests/support/axe: axe-core $(AXE_VERSION)"

test: tools lint
	$(BIN)/python -m pytest $(ARGS)

bench: dev
	$(BIN)/python -m bench $(ARGS)

soak: dev
	$(BIN)/python -m tests.support.soak $(ARGS)

eval: dev
	$(BIN)/python -m eval $(ARGS)

clean:
	rm -rf $(VENV) .newswatch .artefacts .pytest_cache .mypy_cache .ruff_cache
