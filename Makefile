# Headway: `make run` serves the app, `make test` runs the whole suite.
# Both set up everything they need, and a second run reuses what is there.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
BENCH_INSTALLED := $(VENV)/.bench-installed
# Translations: where makemessages and compilemessages look, and compiling (the .mo files
# are not committed: every target that serves or tests compiles them).
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=staticfiles --ignore=tests --ignore=bench
COMPILE_MESSAGES := $(PY) manage.py compilemessages $(MESSAGES_IGNORE) -v 0

# Development defaults; export DATABASE_URL to use a database of your own.
export DEBUG ?= 1
ifndef DATABASE_URL
LOCAL_DB := 1
export DATABASE_URL := $(shell bin/localdb url)
endif

.PHONY: run test stop lint format shell psql db migrate demo messages clean \
	serve cluster cluster-stop backup restore outage-check bench system

# The system programs each target calls (bin/bootstrap lists them with their Debian
# packages). They are checked once, before anything else is done; as root, bin/bootstrap
# installs what is missing, as anyone else it names the packages to install and stops.
run serve messages bench: NEEDS += run
test: NEEDS += test
cluster: NEEDS += run cluster
backup restore: NEEDS += backup
outage-check: NEEDS += db
db: NEEDS += $(if $(LOCAL_DB),db)

# Links in e-mails point at the port served (SITE_URL), for the server and its worker alike.
run serve: export SITE_URL ?= http://127.0.0.1:$(PORT)
cluster: export SITE_URL ?= http://127.0.0.1:$(CLUSTER_PORT)

# The development server, and a job queue worker beside it (e-mails, reminders): Ctrl-C stops
# both, and the worker stops when the server does.
run: db migrate demo
	@echo
	@echo "Headway is at http://127.0.0.1:$(PORT)/ (and a job queue worker)"
	@echo "Demo sign-ins (password: headway): leader and leader2 (product leaders), pm (product manager), admin (superuser)"
	@echo
	@bin/with-worker $(PY) manage.py procrastinate worker --name dev-worker -- \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: db
	$(COMPILE_MESSAGES)
	$(BIN)/pytest $(PYTEST_ARGS)

stop:
	@bin/localdb stop

# Templates: every app's templates/ and the project's. djhtml keeps their indentation (and
# changes nothing else), djlint finds mistakes in them (an orphan tag, an inline style...).
TEMPLATES := templates $(wildcard */templates)
DJHTML := $(BIN)/djhtml --tabwidth 2

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DJHTML) --check $(TEMPLATES)
	$(BIN)/djlint --lint --quiet $(TEMPLATES)
	$(PY) manage.py makemigrations --check --dry-run

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(DJHTML) $(TEMPLATES)

shell: db
	$(PY) manage.py shell

psql: db
	$(shell bin/localdb bindir)/psql "$(DATABASE_URL)"

db: $(INSTALLED)
ifdef LOCAL_DB
	@bin/localdb start
endif

migrate: db
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable -v 0
	$(COMPILE_MESSAGES)

# DEMO_LANG=fr loads the demo organization with French names and texts (into an empty database).
DEMO_LANG ?= en
demo: migrate
	$(PY) manage.py seed_demo --lang $(DEMO_LANG)

# Translations: gather every marked string into locale/fr/LC_MESSAGES/django.po (new ones
# untranslated, changed ones fuzzy: translate them, tests/headway/test_i18n_catalogue.py
# fails until then), then compile. The compiled .mo files are not committed: `make run`,
# `make serve` and `make test` compile them.
messages: $(INSTALLED)
	$(PY) manage.py makemessages -l fr $(MESSAGES_IGNORE) --add-location=file -v 0
	$(COMPILE_MESSAGES)

# Production-like serving on this machine: DEBUG off, gunicorn, settings from the environment,
# .env, or local defaults (bin/prodenv). WORKERS=n overrides the worker count.
serve: migrate
	bin/prodenv $(PY) manage.py collectstatic --no-input -v 0
	@echo "Headway (production settings) is at http://127.0.0.1:$(PORT)/, with a job queue worker"
	PORT=$(PORT) bin/with-worker bin/prodenv $(PY) manage.py procrastinate worker --name worker -- \
		bin/prodenv $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# REPLICAS app servers behind nginx at http://127.0.0.1:$(CLUSTER_PORT)/, one PostgreSQL, and
# QUEUE_WORKERS job queue workers (two: periodic jobs still run once).
REPLICAS ?= 3
CLUSTER_PORT ?= 8080
QUEUE_WORKERS ?= 2
cluster: demo
	REPLICAS=$(REPLICAS) CLUSTER_PORT=$(CLUSTER_PORT) QUEUE_WORKERS=$(QUEUE_WORKERS) \
		bin/prodenv bin/cluster start

cluster-stop:
	bin/cluster stop

# A timestamped pg_dump (custom format) into var/backups/, or BACKUP_DIR.
backup: db
	PG_BINDIR=$$(bin/localdb bindir) $(PY) manage.py backup

# Into an empty database only, unless FORCE=1; DATABASE_URL=... to restore elsewhere.
restore: db
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/headway-....dump [FORCE=1]" >&2; exit 2; }
	PG_BINDIR=$$(bin/localdb bindir) $(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

# Stops and starts a throwaway PostgreSQL of its own under load: 503, then recovery.
outage-check: $(INSTALLED)
	$(BIN)/pytest tests/ops/test_outage.py -v $(PYTEST_ARGS)

# The benchmark (bench/run.py): its own databases at 20 and 200 teams, gunicorn with DEBUG off,
# locust at a fixed concurrency; writes bench/results.md and bench/results.json.
# BENCH_ARGS="--sizes 20 --seconds 5 --no-report" for a quick look; --fresh reloads the data.
bench: db $(BENCH_INSTALLED)
	$(COMPILE_MESSAGES)
	$(PY) bench/run.py $(BENCH_ARGS)

system:
	@bin/bootstrap $(NEEDS)

# Installs again only when pyproject.toml changed.
$(INSTALLED): pyproject.toml | system
	@test -x $(PY) || { python=$$(bin/find-python) && $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

# The benchmark's own packages (locust), on top; `make bench` installs them when first run.
$(BENCH_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	@touch $@

clean:
	rm -rf $(VENV) var .pytest_cache
