# Every command the README, CI and developers use. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export CARGO_TARGET_DIR ?= $(HOME)/.cache/paradex-target

.PHONY: help setup build demo test test-rust test-python lint fmt loom bench bench-quick

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(PY):
	python3.11 -m venv $(VENV)

setup: $(PY) ## install Python tooling into .venv and build the extension
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r python/requirements-dev.txt
	$(PY) -m pip install --quiet ./python

build: ## release build of every binary
	cargo build --release --workspace --bins

demo: setup build ## set up a fresh machine and run the demo
	./scripts/demo.sh

test: lint test-rust loom test-python ## every gate: fmt, clippy, cargo test, loom, pytest

lint: ## formatting and clippy with warnings as errors
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

test-rust: ## cargo test over the whole workspace
	cargo test --workspace

test-python: setup ## pytest against a freshly built extension
	$(PY) -m pytest -q python/tests; status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

fmt: ## format the Rust code
	cargo fmt --all

loom: ## loom model tests of the ring protocol
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/loom RUSTFLAGS="--cfg loom" cargo test -p paradex-ring --release --test loom

bench: ## every criterion bench and the end-to-end harness; rewrites tracking/performance-benchmarks.md
	cargo bench -p paradex-benches

bench-quick: ## a seconds-long run of the benches so they never rot
	cargo bench -p paradex-benches -- --quick
