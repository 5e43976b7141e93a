# One command per task; CI (.ci/run) calls the same targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
DEMO_PUPILS ?= 300
HOST ?= 127.0.0.1
PORT ?= 8000
# The GraphQL over HTTP audit and the test OpenID provider run under Node
# where npm is installed (CI installs it).
AUDIT := tests/audit
AUDIT_STAMP := $(AUDIT)/node_modules/.package-lock.json
OIDC := tests/oidc
OIDC_STAMP := $(OIDC)/node_modules/.package-lock.json
OIDC_PORT ?= 8100
NPM := $(shell command -v npm)
# `make run-eid`: the demo's two providers on the test OpenID provider (docs/login.md).
DEMO_SITE := http://$(HOST):$(PORT)
DEMO_CLIENTS := [{"client_id":"eid","client_secret":"demo-eid-secret","redirect_uris":["$(DEMO_SITE)/login/oidc/eid/callback"],"post_logout_redirect_uris":["$(DEMO_SITE)/"],"backchannel_logout_uri":"$(DEMO_SITE)/login/oidc/eid/backchannel-logout","backchannel_logout_session_required":true},{"client_id":"kommun","client_secret":"demo-kommun-secret","redirect_uris":["$(DEMO_SITE)/login/oidc/kommun/callback"],"post_logout_redirect_uris":["$(DEMO_SITE)/"],"backchannel_logout_uri":"$(DEMO_SITE)/login/oidc/kommun/backchannel-logout","backchannel_logout_session_required":true}]
DEMO_PROVIDERS := [{"name":"eid","label":"BankID (testlegitimation)","audience":"families","issuer":"http://127.0.0.1:$(OIDC_PORT)","client_id":"eid","client_secret":"demo-eid-secret","scopes":"openid https://id.oidc.se/scope/naturalPersonNumber"},{"name":"kommun","label":"Personal: kommunens inloggning (test)","audience":"staff","issuer":"http://127.0.0.1:$(OIDC_PORT)","client_id":"kommun","client_secret":"demo-kommun-secret","scopes":"openid eduperson","eppn_claim":"eduPersonPrincipalName"}]

.PHONY: help venv run run-eid serve test lint schema bench access-check clean

## help: list the tasks
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## venv: create .venv and install the project with its dev tools
venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set up, migrate, load the demo municipality and serve on 127.0.0.1:8000
run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data --pupils $(DEMO_PUPILS)
	$(MAKE) --no-print-directory serve

## run-eid: the demo as a school runs it: strong login required, e-legitimation from the test provider on 127.0.0.1:8100 (needs Node)
run-eid: $(STAMP) $(OIDC_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data --pupils $(DEMO_PUPILS) --strong-login
	@node $(OIDC)/provider.mjs --port $(OIDC_PORT) --clients '$(DEMO_CLIENTS)' & provider=$$!; \
	trap 'kill $$provider' EXIT INT TERM; \
	echo "Sign in at $(DEMO_SITE)/login/ (the test provider asks for an identity number above)"; \
	OIDC_PROVIDERS='$(DEMO_PROVIDERS)' $(BIN)/daphne -b $(HOST) -p $(PORT) project.asgi:application

## serve: serve on 127.0.0.1:8000 without reloading the demo
serve: $(STAMP)
	$(BIN)/daphne -b $(HOST) -p $(PORT) project.asgi:application

## test: the whole suite (SQLite and in-memory channels unless DATABASE_URL/REDIS_URL are set)
test: $(STAMP) $(if $(NPM),$(AUDIT_STAMP) $(OIDC_STAMP))
	$(BIN)/pytest

$(AUDIT_STAMP): $(AUDIT)/package.json $(AUDIT)/package-lock.json
	npm ci --prefix $(AUDIT) --no-audit --no-fund

$(OIDC_STAMP): $(OIDC)/package.json $(OIDC)/package-lock.json
	npm ci --prefix $(OIDC) --no-audit --no-fund

## lint: ruff, ruff format --check, mypy and the migration check
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(MANAGE) makemigrations --check --dry-run

## access-check: import the demo municipality twice, then check every access row against the relations
access-check: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data --pupils $(DEMO_PUPILS)
	$(MANAGE) demo_data --pupils $(DEMO_PUPILS)
	$(MANAGE) access_repair --check --scopes

## schema: regenerate schema.graphql from the code
schema: $(STAMP)
	$(MANAGE) export_schema schema --path schema.graphql

## bench: the benchmarks under bench/ (see each file for its options)
bench: $(STAMP)
	$(BIN)/python bench/import_roster.py
	$(BIN)/python bench/group_overview.py
	$(BIN)/python bench/summaries.py
	$(BIN)/python bench/notice_badge.py
	$(BIN)/python bench/pages.py

## clean: remove the virtualenv, the demo database and caches
clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .mypy_cache .ruff_cache $(AUDIT)/node_modules \
		$(OIDC)/node_modules
