# camscan: one Makefile sets up everything it needs on a fresh Debian machine.
#   make demo   bring up the simulated site, scan it, print the inventory, write the report
#   make test   lint, type-check and run the whole test suite (what CI runs)
#   make bench  speed, scale and accuracy against nmap on the simulated site
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages: iproute2 for the lab's namespaces, chromium + poppler for the
# report tests, postgresql for the PostgreSQL inventory tests, nmap for the benchmark.
APT_PKGS := iproute2 iputils-ping procps chromium poppler-utils postgresql nmap tcpdump fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all venv deps test lint typecheck unit demo bench clean lab-down docs

all: test

$(STAMP): pyproject.toml lab/pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' -e ./lab
	touch $(STAMP)

venv: $(STAMP)

# Install the Debian packages that are missing (nothing is done when all are present).
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check camscan lab tests bench
	$(BIN)/ruff format --check camscan lab tests bench || (echo "run: $(BIN)/ruff format camscan lab tests bench"; exit 1)

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite runs the inventory tests on SQLite and on a real PostgreSQL server started here.
test: deps $(STAMP) lint typecheck
	@url=$$(scripts/pg-test-server.sh) && \
	  CAMSCAN_TEST_PG_URL=$$url $(BIN)/python -m pytest -q; rc=$$?; \
	  scripts/pg-test-server.sh stop; exit $$rc

# The quick loop while coding: no root, no lab, no PostgreSQL (what `make test` adds).
unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not lab and not postgres and not root" -p no:cacheprovider

demo: deps $(STAMP)
	$(BIN)/python -m camscan_lab.demo

bench: deps $(STAMP)
	$(BIN)/python bench/run.py

docs: $(STAMP)
	$(BIN)/python -m camscan.cli.reference docs/cli-reference.md

lab-down: $(STAMP)
	$(BIN)/camscan-lab down

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
