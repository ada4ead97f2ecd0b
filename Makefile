# `make run` serves the demo site; `make test` runs every check and the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV := DJANGO_DEBUG=1
# What `check --deploy` sees: the production settings documented in the README.
PROD_ENV := DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-000000000000000 \
	DJANGO_ALLOWED_HOSTS=www.netwerktegenarmoede.be DATABASE_URL=sqlite:///var/check.sqlite3

.PHONY: run serve test lint bench messages requirements clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.runtime: $(VENV)/bin/python requirements.txt
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

messages: $(VENV)/.runtime
	@scripts/require-debian-packages msgfmt:gettext
	@$(DEV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

var/static:
	mkdir -p var/static

run: $(VENV)/.runtime messages var/static
	$(DEV) $(PY) manage.py migrate --noinput -v 0
	$(DEV) $(PY) manage.py load_demo
	$(DEV) $(PY) manage.py ensure_staff_login
	@# The background worker (newsletter sending) runs beside the server and stops with it. Ctrl-C
	@# (or a signal to make's process group) reaches both: the shell's INT/TERM trap waits for the
	@# worker to finish its task; when the server ends by itself, the EXIT trap stops the worker.
	@# Local demo only: the admin opens without a second factor (`check --deploy` warns about it).
	@# No comment may go inside the continued command below: the shell would receive it
	@# (`make lint` checks the shell syntax of every recipe).
	$(DEV) $(PY) manage.py newsletter_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'trap - EXIT; wait $$worker; exit 130' INT; trap 'trap - EXIT; wait $$worker; exit 143' TERM; \
	$(DEV) DJANGO_STAFF_MFA_WAIVED=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like: DEBUG off, gunicorn, whitenoise serving compressed hashed files.
# Plain http on 127.0.0.1, so HTTPS redirects are off; a local secret key is kept in var/.
SERVE_ENV = DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat var/serve-secret-key)} DJANGO_HTTPS=0
serve: $(VENV)/.runtime messages var/static
	@test -s var/serve-secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/serve-secret-key
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v 0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput -v 0
	$(SERVE_ENV) $(PY) manage.py load_demo
	@# gunicorn's control socket is per checkout and port (its default, ~/.gunicorn/gunicorn.ctl, would
	@# be taken over by a second server and removed by the first one that stops).
	$(SERVE_ENV) PORT=$(PORT) $(VENV)/bin/gunicorn -c config/gunicorn.conf.py --control-socket var/gunicorn-$(PORT).ctl config.wsgi

lint: $(VENV)/.dev
	@# The shell syntax of every recipe, as make hands it to the shell (none is run).
	scripts/check-recipes
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: $(VENV)/.dev node_modules/.installed messages var/static lint
	@# wrk and redis-server: the scale-out and fault tests (tests/scale/).
	@scripts/require-debian-packages chromium:chromium java:default-jre-headless wrk:wrk redis-server:redis-server restic:restic
	$(DEV) $(PY) manage.py check
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	@# SQLite and PostgreSQL passes side by side; browser tests (axe, Nu Html Checker, journeys)
	@# do not depend on the database and run once, in the SQLite pass.
	@scripts/test-both-databases

# Throughput, latency, queries and weight of the main pages on a large data set (docs/benchmarks.md).
bench: $(VENV)/.dev messages var/static
	@scripts/require-debian-packages wrk:wrk redis-server:redis-server
	$(PY) scripts/bench.py $(BENCH_ARGS)

requirements: $(VENV)/.runtime
	$(VENV)/bin/pip install -q pip-tools
	$(VENV)/bin/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links requirements.in -o requirements.txt
	$(VENV)/bin/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) node_modules var
