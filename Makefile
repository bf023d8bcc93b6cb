# Two commands for a newcomer: `make run` serves the portal, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Local mode: DEBUG on, SQLite under var/. Production sets its own environment (README).
LOCAL := DEBUG=1

.PHONY: install run serve test lint check clean bench worker

NODE_STAMP := node_modules/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The browser libraries the pages use (Leaflet, OpenSeadragon) and the tests' tools, from the
# lock file; collectstatic serves the libraries from the site itself.
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# gunicorn says where it serves once the socket is bound (portal/local_server.py), not before.
run: install
	$(LOCAL) $(BIN)/python manage.py migrate --noinput
	$(LOCAL) $(BIN)/python manage.py load_initial_data
	$(LOCAL) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(LOCAL) $(BIN)/python manage.py create_local_admin --host $(HOST) --port $(PORT)
	$(LOCAL) $(BIN)/gunicorn portal.wsgi:application -c python:portal.local_server \
		--bind $(HOST):$(PORT) --workers 2 --access-logfile -

# The worker that runs slow jobs (portal/jobs.py) when CELERY_BROKER_URL names a broker, e.g.
# CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make worker (and the same for make run). Without a
# broker there is nothing to start: jobs run inline.
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (redis://127.0.0.1:6379/0): without it jobs run inline and need no worker."; exit 2; }
	$(LOCAL) $(BIN)/celery -A portal worker --loglevel INFO --concurrency $${WORKERS:-2}

test: install
	$(BIN)/pytest

# The benchmark (benchmarks/run.py): SCALE=1 is the issue's default size; DATABASE_URL for PostgreSQL.
SCALE ?= 1
bench: install
	$(BIN)/python benchmarks/run.py --scale $(SCALE)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(LOCAL) $(BIN)/python manage.py check
	$(LOCAL) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
