# sipkg — make run (set up, build, serve on http://127.0.0.1:8000) and make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install install-test system-test build run test lint validate clean system vendor audit partner bench fuzz load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# what serving needs (make run), then what testing adds (make test): a server installs no test tools
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## system: what serving needs outside Python (Java for the HermiT reasoner), installed once
system:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for HermiT"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

## system-test: what the tests start besides (Chromium with a CJK font, Virtuoso), installed once
system-test: system
	@# headless Chromium for the browser tests (Playwright drives it), and a CJK font so Chinese is not boxes
	@[ -x /usr/bin/chromium ] && [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || { \
	  echo "installing Chromium and a Chinese font for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }
	@# Virtuoso: the external SPARQL store the remote-backend tests start privately on loopback. A
	@# policy-rc.d (if none is there) keeps the package from starting a system server on the default
	@# ports, and the service is disabled so none starts at boot either.
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "installing Virtuoso for the remote-store tests"; \
	  guard=; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; \
	    chmod +x /usr/sbin/policy-rc.d; guard=1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	  status=$$?; [ -z "$$guard" ] || rm -f /usr/sbin/policy-rc.d; \
	  update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1; \
	  systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1; exit $$status; }

install: $(VENV)/.installed system

install-test: $(VENV)/.installed-test system-test

build: install
	$(BIN)/sipkg build

validate: install
	$(BIN)/sipkg validate

run: build
	$(BIN)/sipkg serve --host $(HOST) --port $(PORT)

## audit: known vulnerabilities (PyPI's advisory data) in the installed, pinned dependencies; fails on any.
## It reads PyPI's per-release JSON (pypi.org/pypi/NAME/VERSION/json). Where only a mirror without
## that API is reachable, each package is listed as "Dependency not found on PyPI and could not be
## audited" and the step passes without having checked anything: read the list it prints.
audit: install-test
	$(BIN)/pip-audit --skip-editable --progress-spinner off

## lint: ruff's checks and its formatting, as make test runs them
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test audit lint
	$(BIN)/pytest -q

## load: LOAD_CLIENTS users (default 64), each from its own loopback address, for LOAD_SECONDS (default 120)
## on a mix of queries, pages, search, explorer and static files; prints throughput, latency and memory
LOAD_CLIENTS ?= 64
LOAD_SECONDS ?= 120
load: install-test
	@[ -e var/store/current ] || $(BIN)/sipkg build
	$(BIN)/python -m bench.loaddriver --clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS)

## fuzz: atheris on the app for FUZZ_SECONDS (default 600) from the seed corpus; new inputs and findings in var/fuzz
FUZZ_SECONDS ?= 600
fuzz: install-test
	@[ -e var/store/current ] || $(BIN)/sipkg build
	@mkdir -p var/fuzz/corpus
	$(BIN)/python tests/fuzz/fuzz_app.py var/fuzz/corpus tests/fuzz/corpus -max_total_time=$(FUZZ_SECONDS) \
	  -dict=tests/fuzz/sparql.dict -artifact_prefix=var/fuzz/ -print_final_stats=1

## partner: the example partner endpoint queries/federation/ call, on 127.0.0.1:7878 (Ctrl-C stops it)
partner: install-test
	rm -rf var/partner
	$(BIN)/oxigraph load --location var/partner --file queries/federation/partner.ttl
	$(BIN)/oxigraph serve-read-only --location var/partner --bind 127.0.0.1:7878

## bench: sipkg beside the Oxigraph server, rdflib-endpoint and Virtuoso on generated graphs (bench/README.md);
## BENCH_SIZES=10000,100000 BENCH_SECONDS=5 narrow it, BENCH_ARGS=--quick (or --huge, --resume) pass options
PEERS := bench/.venv-peers
bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	@[ -x $(PEERS)/bin/rdflib-endpoint ] || { echo "installing rdflib-endpoint into $(PEERS) (its own pins)"; \
	  $(PYTHON) -m venv $(PEERS) && $(PEERS)/bin/pip install --quiet 'rdflib-endpoint[cli]==0.6.3'; }
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_SECONDS="$(BENCH_SECONDS)" $(BIN)/python -m bench $(BENCH_ARGS)

## vendor: re-fetch the committed front-end libraries from npm (not run by CI; commit the result)
YASGUI_VERSION      := 4.6.2
CYTOSCAPE_VERSION   := 3.34.4
FCOSE_VERSION       := 2.2.0
COSE_BASE_VERSION   := 2.2.0
LAYOUT_BASE_VERSION := 2.0.1
ECHARTS_VERSION     := 6.1.0
VENDOR              := sipkg/web/static/vendor
vendor:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	(cd "$$tmp" && npm pack --silent @zazuko/yasgui@$(YASGUI_VERSION) cytoscape@$(CYTOSCAPE_VERSION) \
	  cytoscape-fcose@$(FCOSE_VERSION) cose-base@$(COSE_BASE_VERSION) layout-base@$(LAYOUT_BASE_VERSION) \
	  echarts@$(ECHARTS_VERSION) >/dev/null && \
	  mkdir yasgui cytoscape && tar xzf zazuko-yasgui-*.tgz -C yasgui && tar xzf cytoscape-$(CYTOSCAPE_VERSION).tgz -C cytoscape && \
	  for p in cytoscape-fcose cose-base layout-base echarts; do mkdir $$p && tar xzf $$p-*.tgz -C $$p; done) && \
	mkdir -p $(VENDOR)/yasgui $(VENDOR)/cytoscape $(VENDOR)/echarts && \
	sed '/^\/\/# sourceMappingURL=/d' "$$tmp/yasgui/package/build/yasgui.min.js" > $(VENDOR)/yasgui/yasgui.min.js && \
	sed 's|/\*# sourceMappingURL=[^*]*\*/||' "$$tmp/yasgui/package/build/yasgui.min.css" > $(VENDOR)/yasgui/yasgui.min.css && \
	echo "@zazuko/yasgui $(YASGUI_VERSION) (npm; build/yasgui.min.{js,css}, source-map comments removed)" > $(VENDOR)/yasgui/VERSION && \
	sed '/^\/\/# sourceMappingURL=/d' "$$tmp/cytoscape/package/dist/cytoscape.min.js" > $(VENDOR)/cytoscape/cytoscape.min.js && \
	cp "$$tmp/cytoscape/package/LICENSE" $(VENDOR)/cytoscape/LICENSE && \
	echo "cytoscape $(CYTOSCAPE_VERSION) (npm; dist/cytoscape.min.js)" > $(VENDOR)/cytoscape/VERSION && \
	for p in cytoscape-fcose:$(FCOSE_VERSION) cose-base:$(COSE_BASE_VERSION) layout-base:$(LAYOUT_BASE_VERSION); do \
	  name=$${p%%:*}; mkdir -p $(VENDOR)/$$name && cp "$$tmp/$$name/package/$$name.js" "$$tmp/$$name/package/LICENSE" $(VENDOR)/$$name/ && \
	  echo "$$name $${p##*:} (npm; $$name.js, the package's UMD build)" > $(VENDOR)/$$name/VERSION; done && \
	cp "$$tmp/echarts/package/dist/echarts.min.js" "$$tmp/echarts/package/LICENSE" "$$tmp/echarts/package/NOTICE" \
	  "$$tmp/echarts/package/licenses/LICENSE-d3" $(VENDOR)/echarts/ && \
	echo "echarts $(ECHARTS_VERSION) (npm; dist/echarts.min.js, with LICENSE, NOTICE and licenses/LICENSE-d3)" > $(VENDOR)/echarts/VERSION && \
	echo "vendored @zazuko/yasgui $(YASGUI_VERSION), cytoscape $(CYTOSCAPE_VERSION), cytoscape-fcose $(FCOSE_VERSION)" \
	  "(with cose-base $(COSE_BASE_VERSION), layout-base $(LAYOUT_BASE_VERSION)) and echarts $(ECHARTS_VERSION) into $(VENDOR)" \
	  "(yasgui's package ships no LICENSE file: $(VENDOR)/yasgui/LICENSE is kept)"

clean:
	rm -rf var .pytest_cache
