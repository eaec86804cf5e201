# make run  - install, migrate, load demo data, start web + worker + beat on http://127.0.0.1:8000
# make test - install and run the whole test suite
# make upgrade - move requirements.lock to the latest compatible releases, reinstall, test, audit
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps migrate seed lint messages bench clean audit upgrade

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

# WeasyPrint needs Pango (and HarfBuzz) from the system.
system-deps:
	@if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing the system libraries WeasyPrint needs (Pango, HarfBuzz, fonts) with apt-get..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; \
	else \
		echo "WeasyPrint needs Pango: install libpango-1.0-0 and libpangoft2-1.0-0 (as root: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."; exit 1; \
	fi

run: install
	@DEBUG=1 $(BIN)/python manage.py migrate --no-input -v0
	@DEBUG=1 $(BIN)/python manage.py seed_demo
	@DEBUG=1 HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m trustcentre.lib.devserver

test: install
	$(BIN)/python -m pytest -m "not postgresql and not reliability and not e2e"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Known vulnerabilities in the locked dependencies (pip-audit; reasons for ignores in
# .pip-audit-ignore).
audit: install
	$(BIN)/python -m tests.security.dependency_audit

# The latest releases pyproject.toml allows (pip skips those whose Requires-Python excludes this
# Python), resolved in a scratch virtualenv and frozen into requirements.lock under its header;
# then .venv is rebuilt from the new lock, the suite runs and the audit looks the lock up.
UPGRADE_VENV := $(VENV)-upgrade
upgrade:
	rm -rf $(UPGRADE_VENV)
	$(PYTHON) -m venv $(UPGRADE_VENV)
	$(UPGRADE_VENV)/bin/pip install --quiet --upgrade pip
	$(UPGRADE_VENV)/bin/pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev,bench]"
	$(UPGRADE_VENV)/bin/pip check
	{ sed -n '/^#/!q;p' requirements.lock; \
	  $(UPGRADE_VENV)/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf $(UPGRADE_VENV) $(VENV)
	@git diff --stat -- requirements.lock 2>/dev/null || true
	$(MAKE) --no-print-directory test
	$(BIN)/python -m tests.security.dependency_audit --require-complete

# Refresh the translation catalogue (needs gettext); add a language with LANG_CODE=de.
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l $(or $(LANG_CODE),en) --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks --no-obsolete

# The export benchmarks of issue 3 on PostgreSQL: DATABASE_URL=postgres://... make bench
# BENCH_ARGS="--three-million"; see benchmarks/README.md.
bench: install
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev,bench]"
	$(BIN)/python benchmarks/exports.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
