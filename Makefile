# TalentFlow: `make run` starts the four services on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install bench bench-quick schemas sdk clean

$(STAMP): pyproject.toml clients/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip install -q -e clients/python
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
	$(BIN)/python -m services.common.openapi --out docs

# The SDK's generated layer from the services' live OpenAPI and AsyncAPI documents (clients/python/generate.py);
# the generators live in a venv of their own: build tools, not dependencies of the SDK.
SDKGEN := $(VENV)/sdkgen
$(SDKGEN)/.installed: clients/python/sdkgen-requirements.txt
	test -x $(SDKGEN)/bin/python || $(PYTHON) -m venv $(SDKGEN)
	$(SDKGEN)/bin/python -m pip install -q -r clients/python/sdkgen-requirements.txt
	touch $@

sdk: $(STAMP) $(SDKGEN)/.installed
	$(BIN)/python clients/python/generate.py --tools $(SDKGEN)/bin

bench: $(STAMP)
	./scripts/ensure-wrk.sh
	$(BIN)/python -m bench.run --size full

bench-quick: $(STAMP)
	./scripts/ensure-wrk.sh
	$(BIN)/python -m bench.run --size quick

clean:
	rm -rf var artifacts bench/results .pytest_cache
