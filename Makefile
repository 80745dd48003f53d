# msbackpain developer commands. `make help` lists them.
#
# Every target runs in one virtual environment: the active one if there is one ($VIRTUAL_ENV),
# else .venv in this folder, made on first use. Nothing is installed into the system Python.
BASE_PYTHON ?= python3
VENV ?= $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),.venv)
PYTHON := $(VENV)/bin/python
PIP := $(PYTHON) -m pip --disable-pip-version-check
# The exact versions CI tests with (`make lock` rewrites it; `make test-latest` ignores it).
CONSTRAINTS ?= constraints.txt
# Extra pip options, e.g. PIP_OPTIONS=--upgrade for the newest releases.
PIP_OPTIONS ?=

.PHONY: help venv install install-demo demo test test-fast test-latest lock lint ontology inferred index validate \
	docs-ontology check-generated bench-core clean docs docs-serve docs-cookbook docs-notebook bench \
	bench-backends bench-backends-smoke

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(PYTHON):
	@./scripts/ensure-system-deps venv
	@echo "making a virtual environment in $(VENV) (activate it with: . $(VENV)/bin/activate)"
	$(BASE_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c $(CONSTRAINTS) $(PIP_OPTIONS) pip

venv: $(PYTHON)  ## Make the virtual environment (.venv unless one is active)

install: $(PYTHON)  ## Install msbackpain (editable) with the test extras and the lint tools, at the recorded versions
	$(PIP) install --quiet -c $(CONSTRAINTS) $(PIP_OPTIONS) pip
	$(PIP) install --quiet -c $(CONSTRAINTS) $(PIP_OPTIONS) -e '.[test]' --group lint

install-demo: $(PYTHON)
	$(PIP) install --quiet -c $(CONSTRAINTS) $(PIP_OPTIONS) .

demo: install-demo  ## Install, then ask: what treats Lhermitte's sign, and why?
	$(PYTHON) -m msbackpain treatments "Lhermitte's sign"
	$(PYTHON) -m msbackpain explain "heated pool" "Lhermitte's sign" --limit 1

test: install  ## Install and run the whole test suite (what CI runs)
	./scripts/ensure-system-deps tests
	$(PYTHON) -m pytest

test-fast:  ## Run the tests not marked slow, without installing anything (under 2 minutes)
	$(PYTHON) -m pytest -x -q -m "not slow"

test-latest:  ## Try the newest releases pyproject.toml allows (in .venv-latest), then test and lint
	$(MAKE) test lint VENV=.venv-latest CONSTRAINTS=/dev/null PIP_OPTIONS="--upgrade --upgrade-strategy eager"

lock:  ## Re-resolve the newest releases into constraints.txt (in a fresh .venv-lock); then run make test
	rm -rf .venv-lock
	$(MAKE) install VENV=.venv-lock CONSTRAINTS=/dev/null PIP_OPTIONS="--upgrade --upgrade-strategy eager"
	.venv-lock/bin/python -m pip install --quiet --upgrade -e '.[test,docs,viz,shacl,server,pandas]'
	{ sed -n '/^#/p' $(CONSTRAINTS); .venv-lock/bin/python -m pip freeze --all --exclude-editable; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-lock

lint:  ## ruff (lint + format check) and mypy --strict (library, tools, tests, benchmarks)
	$(PYTHON) -m ruff check msbackpain tests tools benchmarks
	$(PYTHON) -m ruff format --check msbackpain tests tools benchmarks
	$(PYTHON) -m mypy

ontology:  ## Compile ontology/src/ into ontology/msbackpain.ttl
	$(PYTHON) tools/build_ontology.py

inferred: ontology  ## Materialise the reasoner's inferences into ontology/inferred.ttl (needs Java), then the index
	$(PYTHON) tools/materialise.py
	$(PYTHON) tools/build_index.py

index:  ## Precompile the bundle's answers into ontology/answers.json (after the ontology or a query changes)
	$(PYTHON) tools/build_index.py

docs-ontology:  ## Regenerate the ontology reference docs/reference/ontology.md
	$(PYTHON) tools/gen_ontology_docs.py

check-generated:  ## Fail if any generated file is stale
	$(PYTHON) tools/build_ontology.py --check
	$(PYTHON) tools/materialise.py --check
	$(PYTHON) tools/build_index.py --check
	$(PYTHON) tools/gen_ontology_docs.py --check
	$(PYTHON) tools/gen_module_map.py --check
	$(PYTHON) tools/gen_cookbook.py --check
	$(PYTHON) tools/gen_notebook.py --check
	$(PYTHON) tools/gen_prefix_map.py --check
	$(PYTHON) benchmarks/run_all.py --render-only --check

.PHONY: pictures
pictures:  ## Regenerate the pictures in docs/assets (static SVG/PNG and the offline HTML page)
	mkdir -p docs/assets
	$(PYTHON) -m msbackpain viz docs/assets/graph.svg --asserted-only
	$(PYTHON) -m msbackpain viz docs/assets/graph.png --asserted-only
	$(PYTHON) -m msbackpain viz docs/assets/lhermitte.svg --focus "Lhermitte's sign" --depth 1
	$(PYTHON) -m msbackpain viz docs/assets/lhermitte.png --focus "Lhermitte's sign" --depth 1
	$(PYTHON) -m msbackpain viz docs/assets/graph.html

validate:  ## SHACL shapes + HermiT consistency on the bundle
	$(PYTHON) -m msbackpain validate

bench-backends:  ## Backends side by side up to 10^6 triples -> benchmarks/results/backends.md (minutes)
	./scripts/ensure-system-deps bench
	$(PYTHON) benchmarks/bench_backends.py

bench-backends-smoke:  ## The backend benchmark at the smallest sizes, in seconds (to build/)
	$(PYTHON) benchmarks/bench_backends.py --smoke --results build/bench-smoke

clean:  ## Remove build output and caches (not the virtual environments)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache site

bench-core:  ## Benchmark load, domain calls, explain, plan and the reasoners (writes benchmarks/results/core.md)
	$(PYTHON) benchmarks/bench_core.py

docs:  ## Build the documentation site into site/ (mkdocs --strict) and check it works offline
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs build --strict
	$(PYTHON) tools/check_site.py site

docs-serve:  ## Serve the documentation at http://127.0.0.1:8000, rebuilding on change
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs serve --dev-addr 127.0.0.1:8000

docs-cookbook:  ## Regenerate the query cookbook docs/cookbook.md from queries/*.rq
	$(PYTHON) tools/gen_cookbook.py

docs-notebook:  ## Regenerate docs/tutorial.ipynb from docs/tutorial.md (without outputs)
	$(PYTHON) tools/gen_notebook.py

bench:  ## Run every benchmarks/bench_*.py, then write docs/benchmarks.md (slow; not part of make test)
	./scripts/ensure-system-deps bench
	$(PYTHON) benchmarks/run_all.py
