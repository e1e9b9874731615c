# Headway: `make run` serves the app, `make test` runs the whole suite.
# Both set up everything they need, and a second run reuses what is there.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed

# Development defaults; export DATABASE_URL to use a database of your own.
export DEBUG ?= 1
ifndef DATABASE_URL
LOCAL_DB := 1
export DATABASE_URL := $(shell bin/localdb url)
endif

.PHONY: run test stop lint format shell psql db migrate demo messages clean

run: db migrate demo
	@echo
	@echo "Headway is at http://127.0.0.1:$(PORT)/"
	@echo "Demo sign-ins (password: headway): leader (product leader), pm (product manager), admin (superuser)"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: db
	$(PY) manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || true
	$(BIN)/pytest $(PYTEST_ARGS)

stop:
	@bin/localdb stop

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

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

demo: migrate
	$(PY) manage.py seed_demo

# Installs again only when pyproject.toml changed.
$(INSTALLED): pyproject.toml
	@test -x $(PY) || { python=$$(bin/find-python) && $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

clean:
	rm -rf $(VENV) var .pytest_cache
