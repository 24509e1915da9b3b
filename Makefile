# Curbside: `make run` to try it, `make test` to check it. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Unique across the worker pool and the same after a restart (docs/scaled-setup.md).
WORKER_ID ?= $(shell hostname)-1
# Where `make backup` writes its archives (docs/deploy.md, "Backups").
BACKUP_DIR ?= var/backups

.DEFAULT_GOAL := help
.PHONY: help install run static serve worker migrate seed backup restore compliance scaled-demo test test-separate-index fuzz lint typecheck format bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project (only when pyproject.toml changed)

migrate: install ## Apply database migrations (the search index's database too when SEARCH_DATABASE_URL is set; the cache table when CACHE_URL=db://)
	$(BIN)/python manage.py migrate --noinput
	@if [ -n "$$SEARCH_DATABASE_URL" ]; then $(BIN)/python manage.py migrate --noinput --database search; fi
	$(BIN)/python manage.py createcachetable

seed: migrate ## Load the demo content and demo users (idempotent)
	$(BIN)/python manage.py seed_demo

# Certificates, their QR codes and emails sent by background tasks link to
# PUBLIC_BASE_URL: by default the address this server runs on.
run: export PUBLIC_BASE_URL := $(or $(PUBLIC_BASE_URL),http://$(HOST):$(PORT))
run: seed ## Install, migrate, seed and serve on http://127.0.0.1:8000 (PORT=8101 for another port)
	@echo "Curbside is starting on $$PUBLIC_BASE_URL/  (admin: /admin/, demo password: curbside-demo)"
	$(BIN)/python manage.py sync_site_url
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

static: install ## Collect static files for production (locked; nothing to do when unchanged)
	DJANGO_SETTINGS_MODULE=curbside.settings.production $(BIN)/python manage.py collectstatic_once -v 0

# Each server gets its own gunicorn control socket (var/run/gunicorn-PORT.ctl;
# `.venv/bin/gunicornc -s var/run/gunicorn-8000.ctl -c "show workers"`), so two servers
# from one checkout do not take each other's.
serve: static ## Production settings under gunicorn on 127.0.0.1:8000 (PORT=8001 for a second server)
	DJANGO_SETTINGS_MODULE=curbside.settings.production $(BIN)/gunicorn curbside.wsgi:application \
		--bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} \
		--control-socket var/run/gunicorn-$(PORT).ctl \
		--timeout $${GUNICORN_TIMEOUT:-30} --graceful-timeout 20 --max-requests 2000 --max-requests-jitter 200

worker: install ## Run a background task worker (TASKS_BACKEND=database; WORKER_ID names it)
	$(BIN)/python manage.py recover_tasks --worker-id '$(WORKER_ID)'
	exec $(BIN)/python manage.py worker --queue-name '*' --worker-id '$(WORKER_ID)' --no-reload

backup: install ## Back up the database and media into one archive in BACKUP_DIR (var/backups)
	$(BIN)/python manage.py backup --dir '$(BACKUP_DIR)'

restore: install ## Restore a backup: make restore BACKUP=path.tar (FORCE=1 replaces existing data)
	@test -n '$(BACKUP)' || { echo 'Usage: make restore BACKUP=var/backups/curbside-<time>.tar [FORCE=1]' >&2; exit 2; }
	$(BIN)/python manage.py restore '$(BACKUP)' $(if $(FORCE),--force)

compliance: install ## Daily compliance check of live credit paths: record changes, tell staff (cron)
	$(BIN)/python manage.py check_compliance

scaled-demo: install ## Start the scaled shape on loopback (docs/scaled-setup.md), check it works, stop it
	bash docs/scaled-demo.sh

# `make test` runs the suite in TEST_PROCESSES processes (pytest-xdist; 0 runs
# it in this one), each test module whole in one process (tests/conftest.py),
# then the tests marked serial on their own. PYTEST_ARGS goes to both runs; a
# run it leaves with nothing to select is not a failure (pytest's exit code 5).
# A -m in PYTEST_ARGS replaces the serial split: with one, TEST_PROCESSES=0.
TEST_PROCESSES ?= 2
define run_tests
	$(1) $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadgroup -m "not serial" $(2) $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(1) $(BIN)/python -m pytest -p no:xdist -m serial $(2) $(PYTEST_ARGS) || [ $$? -eq 5 ]
endef

test: install ## Install and run the whole test suite (DATABASE_URL selects the database; TEST_PROCESSES, 2)
	$(call run_tests,,)

# The search and learning suites with the search index in a SQLite database
# of its own (search/database.py); the tests marked separate_index run only
# here. SEPARATE_INDEX_PATHS=tests runs the whole suite that way. The test
# databases are in memory, so the file named is never written.
SEPARATE_INDEX_PATHS ?= tests/search tests/learning
test-separate-index: install ## The search and learning tests on SQLite with the search index in a database of its own (SEARCH_DATABASE_URL)
	$(call run_tests,env -u DATABASE_URL SEARCH_DATABASE_URL=sqlite:///$(CURDIR)/var/test-search-index.sqlite3,$(SEPARATE_INDEX_PATHS))

# Property-based tests only (hypothesis marks them), randomised and FUZZ_FACTOR
# times longer than in make test; failures are kept in var/hypothesis.
FUZZ_FACTOR ?= 10
FUZZ_PATHS ?= tests/hardening tests/search

fuzz: install ## Run the property tests long and randomised (FUZZ_FACTOR, FUZZ_PATHS), and the publish gate's full element x route matrix; not part of make test
	HYPOTHESIS_PROFILE=fuzz FUZZ_FACTOR=$(FUZZ_FACTOR) $(BIN)/python -m pytest -m hypothesis \
		-p no:cacheprovider $(FUZZ_PATHS) $(PYTEST_ARGS)
	GATE_MATRIX=full $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/learning/test_publish_gate_matrix.py $(PYTEST_ARGS)

lint: install ## Ruff, djhtml, Django's checks, the import contracts and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	DJANGO_SETTINGS_MODULE=curbside.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=curbside.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy search learning mentoring notifications curbside/db_backends

# Settings in pyproject.toml [tool.mypy]; django-stubs loads curbside.settings.test.
typecheck: install ## Type-check the search, learning, mentoring and notifications packages and the SQLite backend with mypy
	$(BIN)/mypy search learning mentoring notifications curbside/db_backends

format: install ## Format Python and templates
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix --exit-zero .
	$(BIN)/djhtml templates || true

bench: install ## Benchmarks (not part of make test); figures go in docs/benchmarks.md
	$(BIN)/python benchmarks/http_bench.py
	$(BIN)/python benchmarks/http_cache_bench.py
	$(BIN)/python benchmarks/journey_bench.py
	$(BIN)/python benchmarks/certificate_bench.py
	$(BIN)/python benchmarks/certificate_renderers.py
	$(BIN)/python benchmarks/search_bench.py
	$(BIN)/python benchmarks/enumeration_bench.py
	$(BIN)/python benchmarks/matching_bench.py

clean: ## Remove the virtualenv, the local database and generated files
	rm -rf $(VENV) db.sqlite3 media static var .pytest_cache .ruff_cache .mypy_cache
