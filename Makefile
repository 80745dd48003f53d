# msbackpain developer commands. `make help` lists them.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: help install demo test test-fast lint typecheck ontology inferred validate docs-ontology check-generated clean bench-backends bench-backends-smoke

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

install:  ## Install msbackpain with every extra needed to run the tests
	$(PIP) install --quiet --disable-pip-version-check -e '.[test]'

demo: ## Install, then ask: what treats Lhermitte's sign, and why?
	$(PIP) install --quiet --disable-pip-version-check .
	msbackpain treatments "Lhermitte's sign"
	msbackpain explain "heated pool" "Lhermitte's sign" --limit 1

test: install  ## Install and run the whole test suite (what CI runs)
	./scripts/ensure-system-deps
	$(PYTHON) -m pytest

test-fast:  ## Run the tests without installing anything
	$(PYTHON) -m pytest -x -q

lint:  ## ruff (lint + format check) and mypy --strict
	$(PYTHON) -m ruff check msbackpain tests tools benchmarks
	$(PYTHON) -m ruff format --check msbackpain tests tools benchmarks
	$(PYTHON) -m mypy

ontology:  ## Compile ontology/src/ into ontology/msbackpain.ttl
	$(PYTHON) tools/build_ontology.py

inferred: ontology  ## Materialise the reasoner's inferences into ontology/inferred.ttl (needs Java)
	$(PYTHON) tools/materialise.py

docs-ontology:  ## Regenerate the ontology reference docs/reference/ontology.md
	$(PYTHON) tools/gen_ontology_docs.py

check-generated:  ## Fail if any generated file is stale
	$(PYTHON) tools/build_ontology.py --check
	$(PYTHON) tools/materialise.py --check
	$(PYTHON) tools/gen_ontology_docs.py --check

validate:  ## SHACL shapes + HermiT consistency on the bundle
	$(PYTHON) -m msbackpain validate

bench-backends:  ## Backends side by side up to 10^6 triples -> benchmarks/results/backends.md (minutes)
	./scripts/ensure-system-deps
	$(PYTHON) benchmarks/backends.py

bench-backends-smoke:  ## The backend benchmark at the smallest sizes, in seconds (to build/)
	$(PYTHON) benchmarks/backends.py --smoke --output build/bench-smoke/backends.md

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache site
