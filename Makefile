# dprk-report: run `make help` for the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

UV_VERSION := 0.13.9
# Use uv from PATH when there is one, else a private copy bootstrapped with python3.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
PYTHON := .venv/bin/python
VENV_STAMP := .venv/.synced
# FILE and ARGS reach the CLI through the environment (make exports command-line variables), never through
# the shell: ARGS is split like shell words
# (quotes group, nothing is run), and the CLI's exit status is make's.
RUN_CLI = $(PYTHON) -m dprk_report.cli_from_make

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet --compile-bytecode
	$(PYTHON) -m dprk_report.pipeline.kernel > /dev/null
	@touch $@

# The package's own bytecode, brought up to date (only changed files) before the commands that start many
# processes: uv compiles the libraries, not the project, and PYTHONDONTWRITEBYTECODE may forbid Python to.
.PHONY: compile
compile: $(VENV_STAMP)
	@$(PYTHON) -m compileall -q src

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: venv
venv: $(VENV_STAMP) ## Create or update the project environment in .venv/ from uv.lock

.PHONY: validate
validate: $(VENV_STAMP) ## Check the curated dataset against its codebook and the source archive
	$(PYTHON) -m dprk_report validate

.PHONY: browser
browser: ## Install Debian's Chromium for the browser tests when missing (as root), else say how
	@bash scripts/ensure-chromium

.PHONY: lint
lint: $(VENV_STAMP) ## Check code style and common mistakes with ruff (lint and format)
	$(PYTHON) -m ruff check src tests bench conftest.py
	$(PYTHON) -m ruff format --check src tests bench conftest.py

.PHONY: test
test: browser lint compile ## Run the whole test suite (sets up .venv/ and Chromium first when missing)
	$(PYTHON) -m dprk_report validate
	$(PYTHON) -m pytest -n auto --dist loadscope tests report --nbval --nbval-sanitize-with tests/nbval-sanitize.cfg

.PHONY: clean
clean: ## Remove the environment and caches (not the published report)
	rm -rf .venv .venv-bench .tools .pytest_cache build

.PHONY: report
report: compile ## Build the report (report/, figures/): only what changed, published atomically
	$(PYTHON) -m dprk_report build

.PHONY: watch
watch: compile ## Build the report, then rebuild it after each change of a notebook, the data or the code (Ctrl-C stops)
	$(PYTHON) -m dprk_report watch

.PHONY: report-check
report-check: $(VENV_STAMP) ## Exit 1 and say what is stale when report/ does not match code, data and parameters
	$(PYTHON) -m dprk_report build --check

.PHONY: release
release: $(VENV_STAMP) ## Release the data if they changed: changelog, data package, commit, git tag data-YYYY.MM.DD
	$(PYTHON) -m dprk_report release

.PHONY: nightly
nightly: compile ## The scheduled job: validate, build, release or commit what changed; exit 4 when the data are stale
	$(PYTHON) -m dprk_report nightly

# The peer gets an environment of its own: installed in .venv, its papermill plugin (ploomber-engine) would be
# imported by every build there, adding to the very build measured against it.
BENCH_VENV := .venv-bench

.PHONY: bench
bench: compile ## Benchmark the build against the naive papermill chain and Ploomber (writes bench/results.json)
	$(UV) sync --locked --quiet --compile-bytecode
	UV_PROJECT_ENVIRONMENT=$(BENCH_VENV) $(UV) sync --locked --quiet --compile-bytecode --group bench
	BENCH_PEER_BIN=$(BENCH_VENV)/bin $(PYTHON) bench/run.py

.PHONY: bench-curation
bench-curation: $(VENV_STAMP) ## Measure the curation assistant's recall and precision on the curated articles
	$(PYTHON) bench/curation.py

.PHONY: lab
lab: $(VENV_STAMP) ## Start JupyterLab on localhost at notebooks/, with the project's dprk-report kernel
	$(PYTHON) -m jupyterlab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: add-source
add-source: $(VENV_STAMP) ## Register an archived article: make add-source FILE=../shared/sources/070_x.txt [ARGS='--date 2026-01-05 --basis url']
	@$(RUN_CLI) add-source

.PHONY: accept
accept: $(VENV_STAMP) ## Move reviewed candidates into data/: make accept FILE=data/candidates/S070.csv
	@$(RUN_CLI) accept

