# Every command the README, CI and developers use. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export CARGO_TARGET_DIR ?= $(HOME)/.cache/paradex-target

.PHONY: help setup build demo test test-rust test-python lint fmt loom miri bench bench-quick

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

miri: ## the ring's unsafe code under Miri (in-memory segments; needs the nightly miri component)
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/miri MIRIFLAGS="-Zmiri-disable-isolation" cargo +nightly miri test -p paradex-ring

# paradex-py (the official SDK) gets its own venv: the baseline and the signing comparison.
SDK_VENV ?= $(HOME)/.cache/paradex-sdk-venv

bench: setup ## every bench, the end-to-end harness and baselines; rewrites tracking/performance-benchmarks.md
	[ -x $(SDK_VENV)/bin/python ] || { python3.11 -m venv $(SDK_VENV) && $(SDK_VENV)/bin/pip install --quiet paradex-py==0.8.2; }
	$(PY) scripts/bench_report.py all --python $(PY) --sdk-python $(SDK_VENV)/bin/python

bench-quick: setup ## a seconds-long run of every bench stage (results in a temp dir; CI runs it)
	CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16 \
	$(PY) scripts/bench_report.py all --quick --python $(PY) \
	  $(if $(wildcard $(SDK_VENV)/bin/python),--sdk-python $(SDK_VENV)/bin/python)
