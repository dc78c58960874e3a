# CityOps: `make run` starts the whole stack on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test faults install chromium axe lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Browser tests use Debian's Chromium (Playwright's own browser download does not work here).
chromium:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	else $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; fi

# axe-core, the accessibility rules the browser tests run on every page (from npm).
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

axe: $(AXE)

run: install
	$(BIN)/flask --app app:server run-all

lint: install
	$(BIN)/ruff check .

test: install chromium axe lint
	$(BIN)/python -m pytest -p no:cacheprovider

# The fault cases alone (outages, crashes, floods, junk against the real servers), with the
# table of what each sent, stored, refused, lost and stored twice.
faults: install
	$(BIN)/python -m pytest -p no:cacheprovider -m faults

bench: install
	$(BIN)/python -m bench.ingest_throughput

clean:
	rm -rf var test-artifacts .pytest_cache .cache
