# `make` alone lists the targets (`make help`).
.DEFAULT_GOAL := help

# PYTHON makes the venv (Python >= 3.11); VENV is where it goes: `make test PYTHON=python3.12 VENV=.venv-3.12`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HASH := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
# `make run` installs what running needs, plus the PostgreSQL driver when STATE_URL names PostgreSQL
RUN_EXTRAS := $(if $(filter postgres%,$(STATE_URL)),[postgres],)
RUN_STAMP := $(VENV)/.installed-run$(RUN_EXTRAS)-$(HASH)
TEST_STAMP := $(VENV)/.installed-test-$(HASH)
SUPPORTED := import sys; sys.exit(sys.version_info < (3, 11))

# `make run` with neither a Pachca nor a Tracker token starts the sandbox; it says so before anything else. The
# commands read servicedesk.env (what `servicedesk-bot init` writes) too: with that file it is the real bridge.
ENV_FILE ?= servicedesk.env
NO_TOKENS := $(if $(PACHKA_API_TOKEN)$(PACHCA_API_TOKEN)$(TRACKER_API_TOKEN)$(wildcard $(ENV_FILE)),,yes)
ifneq ($(filter run,$(MAKECMDGOALS)),)
ifeq ($(NO_TOKENS),yes)
$(info No PACHKA_API_TOKEN (PACHCA_API_TOKEN) or TRACKER_API_TOKEN set: starting the sandbox (simulated Pachca, Tracker and Yandex 360). To run the real bridge, set the variables (README, «Configuration») and run `make run` again.)
endif
endif

# A venv made by an unsupported Python is thrown away, so the next step makes a new one.
ifeq ($(shell test -x $(PY) && { $(PY) -c '$(SUPPORTED)' 2>/dev/null || echo old; }),old)
$(info $(VENV) was made by $(shell $(PY) -V 2>&1); the bridge needs Python >= 3.11: making it again with $(PYTHON))
$(shell rm -rf $(VENV))
endif

.PHONY: help run test lint bench package clean venv

help: ## list the targets
	@echo "make TARGET [ARGS=...]: the bridge in a venv of its own ($(VENV)), made on first use"
	@awk -F ':.*## ' '/^[a-z]+:.*## / { printf "  %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo 'Then the command itself: . $(VENV)/bin/activate && servicedesk-bot --help (or $(VENV)/bin/servicedesk-bot)'

venv:
	@$(PYTHON) -c '$(SUPPORTED)' || { echo "$(PYTHON) is $$($(PYTHON) -V 2>&1); the bridge needs Python >= 3.11 (3.12 is the function's runtime): make $(MAKECMDGOALS) PYTHON=python3.12" >&2; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -f $(VENV)/.pip-upgraded || { $(PIP) install --quiet --upgrade pip && touch $(VENV)/.pip-upgraded; }

$(RUN_STAMP): pyproject.toml | venv
	$(PIP) install --quiet -e '.$(RUN_EXTRAS)'
	rm -f $(VENV)/.installed-run* && touch $@

$(TEST_STAMP): pyproject.toml | venv
	$(PIP) install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-test* && touch $@

run: $(RUN_STAMP) ## the sandbox in your browser (no tokens set), else the bridge; ARGS="--port 8081" passes options
	MAKE_RUN=1 $(VENV)/bin/servicedesk-bot $(if $(NO_TOKENS),sandbox,serve) $(ARGS)

lint: $(TEST_STAMP) ## ruff, ruff format --check, mypy, lint-imports
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint ## lint, then every test, none skipped (tests/services.sh brings PostgreSQL and Chromium); PYTEST_ARGS="-k name" picks
	tests/services.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP) ## the speed and size figures (run it alone on the machine)
	$(PY) bench/run.py

package: $(RUN_STAMP) ## the Cloud Functions archive (dist/function.zip); ARGS="--output x.zip"
	$(VENV)/bin/servicedesk-bot package $(ARGS)

clean: ## remove the venv, builds and caches
	rm -rf $(VENV) dist build *.egg-info .mypy_cache .pytest_cache .ruff_cache
