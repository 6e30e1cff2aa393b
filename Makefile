# sipkg — make run (set up, build, serve on http://127.0.0.1:8000) and make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install build run test validate clean system

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## system: what the pipeline needs outside Python (Java for the HermiT reasoner), installed once
system:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for HermiT"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

install: $(VENV)/.installed system

build: install
	$(BIN)/sipkg build

validate: install
	$(BIN)/sipkg validate

run: build
	$(BIN)/sipkg serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -q

clean:
	rm -rf var .pytest_cache
