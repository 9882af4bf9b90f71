# Si ifra: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTANCE ?= instance
PORT ?= 5000
export SIIFRA_INSTANCE_PATH ?= $(abspath $(INSTANCE))

.PHONY: run test test-pg deps test-deps app-deps system-deps bench-deps bench translations clean

## Debian packages the app needs (python3-venv, WeasyPrint's libraries); installed with sudo when missing.
app-deps:
	@PYTHON=$(PYTHON) bash .ci/system-deps.sh run

$(BIN)/activate: | app-deps
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate setup.cfg
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

## Compiled translations are built from the .po sources, never committed.
CATALOGS := $(wildcard kiosk/translations/*/LC_MESSAGES/messages.po)
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ >/dev/null 2>&1

tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

deps: $(VENV)/.installed $(CATALOGS:.po=.mo)

test-deps: deps tests/browser/node_modules/.installed

## Debian packages the tests need as well (Chromium, Node.js, PostgreSQL, nginx, PDF tools); installed when missing.
system-deps:
	@PYTHON=$(PYTHON) bash .ci/system-deps.sh test

bench-deps:
	@PYTHON=$(PYTHON) bash .ci/system-deps.sh bench

## The instance folder holds the database and the key: this user's alone (0700, 0600), whatever the umask.
$(INSTANCE)/secret_key:
	mkdir -p $(INSTANCE) && chmod 700 $(INSTANCE)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

## Set everything up and run the app with demo data on SQLite at http://127.0.0.1:$(PORT)/
run: app-deps deps $(INSTANCE)/secret_key
	$(BIN)/flask --app kiosk db upgrade
	$(BIN)/flask --app kiosk demo
	@echo "Open one of these links:"
	@SIIFRA_BASE_URL=http://127.0.0.1:$(PORT) $(BIN)/flask --app kiosk links
	@echo "Staff pages: http://127.0.0.1:$(PORT)/admin/ (first admin: $(BIN)/flask --app kiosk user create)"
	@echo "Tablet kiosk: http://127.0.0.1:$(PORT)/kiosk/ (pairing code: $(BIN)/flask --app kiosk device add --location 1)"
	SIIFRA_BIND=127.0.0.1:$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py "kiosk:create_app()"

## Install what is needed and run the tests (SQLite; set SIIFRA_TEST_DATABASE_URL for PostgreSQL).
test: system-deps test-deps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## The same tests against a throwaway PostgreSQL cluster that this target starts and stops.
test-pg: system-deps test-deps
	bash .ci/with-postgres.sh $(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: bench-deps test-deps
	$(BIN)/python bench/submissions.py
	$(BIN)/python bench/kiosk_load.py

## Extract new texts into the catalogs (sorted, without line numbers, so that merges stay quiet); then translate them.
translations: deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _n:1,2 --no-location --sort-output -o /tmp/siifra-messages.pot .
	$(BIN)/pybabel update -i /tmp/siifra-messages.pot -d kiosk/translations --no-fuzzy-matching --ignore-pot-creation-date
	$(BIN)/pybabel compile -d kiosk/translations

clean:
	rm -rf $(VENV) .pytest_cache
