VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint bench package clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# `make run` with neither a Pachca nor a Tracker token starts the sandbox; it says so before anything else
NO_TOKENS := $(if $(PACHKA_API_TOKEN)$(PACHCA_API_TOKEN)$(TRACKER_API_TOKEN),,yes)
ifneq ($(filter run,$(MAKECMDGOALS)),)
ifeq ($(NO_TOKENS),yes)
$(info No PACHKA_API_TOKEN (PACHCA_API_TOKEN) or TRACKER_API_TOKEN set: starting the sandbox (simulated Pachca, Tracker and Yandex 360). To run the real bridge, set the variables (README, «Configuration») and run `make run` again.)
endif
endif

run: $(STAMP)
	$(VENV)/bin/servicedesk-bot $(if $(NO_TOKENS),sandbox,serve) $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run.py

package: $(STAMP)
	$(VENV)/bin/servicedesk-bot package

clean:
	rm -rf $(VENV) dist build *.egg-info .mypy_cache .pytest_cache .ruff_cache
