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

test: lint test-rust loom miri fuzz-smoke test-python bench-quick ## every gate: fmt, clippy, cargo test (incl. chaos), loom, Miri, fuzz smoke, pytest, bench smoke

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
	@if ! cargo +nightly miri --version >/dev/null 2>&1; then \
	  echo "miri: SKIPPED, no nightly miri here (rustup toolchain install nightly -c miri,rust-src)"; \
	else \
	  CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/miri MIRIFLAGS="-Zmiri-disable-isolation" cargo +nightly miri test -p paradex-ring; \
	fi

# paradex-py (the official SDK) gets its own venv: the baseline and the signing comparison.
SDK_VENV ?= $(HOME)/.cache/paradex-sdk-venv

bench: setup ## every bench, the end-to-end harness and baselines; rewrites tracking/performance-benchmarks.md
	[ -x $(SDK_VENV)/bin/python ] || { python3.11 -m venv $(SDK_VENV) && $(SDK_VENV)/bin/pip install --quiet paradex-py==0.8.2; }
	$(PY) scripts/bench_report.py all --python $(PY) --sdk-python $(SDK_VENV)/bin/python

bench-quick: setup ## a seconds-long run of every bench stage (results in a temp dir; CI runs it)
	CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16 \
	$(PY) scripts/bench_report.py all --quick --python $(PY) \
	  $(if $(wildcard $(SDK_VENV)/bin/python),--sdk-python $(SDK_VENV)/bin/python)

# ---- chaos, fuzzing (engineer chaos; issue #8) ----
FUZZ_TARGETS := sbe_decode feed_frames exec_stream rest_models ring_open
FUZZ_TARGET_DIR ?= $(CARGO_TARGET_DIR)/fuzz
FUZZ_CORPUS ?= $(FUZZ_TARGET_DIR)/corpus
FUZZ_OUT ?= target/fuzz-results
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_RECORD_RUNS ?= 10000000
PARADEX_CHAOS_OUT ?= target/chaos-results
HAVE_CARGO_FUZZ = $(shell cargo +nightly fuzz --version >/dev/null 2>&1 && echo yes)

.PHONY: chaos fuzz-smoke fuzz-record fuzz-seeds

chaos: ## chaos + security suite against paradex-mock; rewrites tracking/chaos-test-results.md
	rm -rf $(PARADEX_CHAOS_OUT) && mkdir -p $(PARADEX_CHAOS_OUT)
	PARADEX_CHAOS_OUT=$(abspath $(PARADEX_CHAOS_OUT)) cargo test -p paradex-tests --test chaos -- --test-threads 1
	python3 scripts/chaos_report.py --chaos $(PARADEX_CHAOS_OUT) --fuzz $(FUZZ_OUT) --out tracking/chaos-test-results.md

fuzz-seeds:
	CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR)/stable cargo run --quiet --release --manifest-path fuzz/Cargo.toml --bin fuzz_smoke -- --write-seeds $(FUZZ_CORPUS)/seeds

fuzz-smoke: fuzz-seeds ## every fuzz target for a CI-sized run (libFuzzer if nightly + cargo-fuzz, else the stable runner)
	@mkdir -p $(FUZZ_OUT)
	@if [ "$(HAVE_CARGO_FUZZ)" = yes ]; then \
	  echo "fuzz-smoke mode: libFuzzer (cargo +nightly fuzz), $(FUZZ_SMOKE_RUNS) runs per target"; \
	  for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_CORPUS)/$$t; \
	    CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) cargo +nightly fuzz run --fuzz-dir fuzz --features libfuzzer -O $$t \
	      $(FUZZ_CORPUS)/$$t $(FUZZ_CORPUS)/seeds/$$t -- -runs=$(FUZZ_SMOKE_RUNS) -seed=1 -print_final_stats=1 \
	      2>&1 | tee $(FUZZ_OUT)/$$t.smoke.log | grep -E '^(stat::number_of_executed_units|==|SUMMARY)' ; \
	    [ $${PIPESTATUS[0]} -eq 0 ] || exit 1; \
	  done; \
	else \
	  echo "fuzz-smoke mode: stable fallback (nightly or cargo-fuzz missing): seeds + $(FUZZ_SMOKE_RUNS) mutated inputs per target"; \
	  CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR)/stable cargo run --quiet --release --manifest-path fuzz/Cargo.toml --bin fuzz_smoke -- \
	    --runs $(FUZZ_SMOKE_RUNS) --json $(FUZZ_OUT)/smoke-stable.json; \
	fi

fuzz-record: fuzz-seeds ## every fuzz target for >= 10 M executions under libFuzzer (nightly); logs in target/fuzz-results
	@mkdir -p $(FUZZ_OUT)
	@[ "$(HAVE_CARGO_FUZZ)" = yes ] || { echo "fuzz-record needs nightly and cargo-fuzz (cargo install cargo-fuzz)"; exit 1; }
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_CORPUS)/$$t; \
	  CARGO_TARGET_DIR=$(FUZZ_TARGET_DIR) nice -n 19 cargo +nightly fuzz run --fuzz-dir fuzz --features libfuzzer -O $$t \
	    $(FUZZ_CORPUS)/$$t $(FUZZ_CORPUS)/seeds/$$t -- -runs=$(FUZZ_RECORD_RUNS) -print_final_stats=1 \
	    > $(FUZZ_OUT)/$$t.record.log 2>&1 || { tail -30 $(FUZZ_OUT)/$$t.record.log; exit 1; }; \
	  grep -E '^stat::number_of_executed_units' $(FUZZ_OUT)/$$t.record.log; \
	done
