# TalentFlow: `make run` starts the four services on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install bench bench-quick schemas clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/talentflow up

test: $(STAMP)
	./scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

schemas: $(STAMP)
	$(BIN)/talentflow schemas --out docs

bench: $(STAMP)
	./scripts/ensure-wrk.sh
	$(BIN)/python -m bench.run --size full

bench-quick: $(STAMP)
	./scripts/ensure-wrk.sh
	$(BIN)/python -m bench.run --size quick

clean:
	rm -rf var artifacts bench/results .pytest_cache
