SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
SERVICES := book movie character accounts
# Scope a target to one service: make test SERVICE=book
SERVICE ?=
TARGETS := $(or $(SERVICE),$(SERVICES))
# The full dataset sits beside the repository here; without it, the shipped sample is used.
LOTR_DATA_DIR ?= $(if $(wildcard ../shared/data/one-api/books.csv),$(abspath ../shared/data/one-api),)
export LOTR_DATA_DIR
# One service alone: make serve SERVICE=book PORT=8001
PORT ?= 8001
# Deployment checks: their tools live in a virtualenv of their own (deploy/requirements.txt).
DEPLOY_VENV ?= .venv-deploy
DEPLOY_BIN := $(abspath $(DEPLOY_VENV))/bin
KUBECTL ?= $(shell command -v kubectl || echo $(DEPLOY_BIN)/kubectl)
OVERLAYS := dev prod

.PHONY: help run stop status logs venv deploy-venv test test-services test-system lint format migrate load-data serve \
	up down k8s-build deploy-check bench bench-smoke clean check-python check-wrk
.PHONY: openapi schemathesis

help: ## List targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: venv ## Start every service and the gateway on http://127.0.0.1:8080; returns once all are healthy
	$(BIN)/python scripts/localstack.py run

stop: ## Stop exactly what `make run` started
	$(PYTHON) scripts/localstack.py stop

status: ## Show which parts of `make run` are up and healthy
	$(PYTHON) scripts/localstack.py status

logs: ## Last lines of every log, or of one: make logs SERVICE=gateway
	$(PYTHON) scripts/localstack.py logs $(SERVICE)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Python 3.11 or newer is needed as '$(PYTHON)' (set PYTHON=...)."; exit 1; }

venv: $(VENV)/.installed ## Create the virtualenv and install every pinned requirement

$(VENV)/.installed: requirements-dev.txt $(foreach s,$(SERVICES),services/$(s)/requirements.txt) libs/lotr_kit/pyproject.toml | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

test: venv lint test-services test-system deploy-check ## Run every test suite (PostgreSQL when <SERVICE>_DATABASE_URL is set)

test-services: venv ## Each service's own suite, against its <SERVICE>_DATABASE_URL or SQLite
	@for s in $(TARGETS); do \
	  var="$${s^^}_DATABASE_URL"; \
	  echo "== $$s service (data: $${LOTR_DATA_DIR:-shipped sample}, database: $${!var:-sqlite})"; \
	  (cd services/$$s && DATABASE_URL="$${!var:-}" $(BIN)/pytest); \
	done

test-system: venv ## The gateway (real nginx) and services as real processes on loopback
	$(BIN)/pytest

deploy-venv: $(DEPLOY_VENV)/.installed

$(DEPLOY_VENV)/.installed: deploy/requirements.txt | check-python
	$(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_BIN)/pip install --quiet --disable-pip-version-check -r deploy/requirements.txt
	touch $@

BENCH_VENV ?= .venv-bench

$(BENCH_VENV)/.installed: bench/requirements.txt | check-python
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

check-wrk:
	@command -v wrk >/dev/null || { echo "The benchmark needs wrk: apt-get install wrk"; exit 1; }

bench: venv $(BENCH_VENV)/.installed check-wrk ## Load benchmark through the gateway (PostgreSQL, full data): table, bench/results/latest.{json,png}
	$(BIN)/python bench/run.py
	$(BENCH_VENV)/bin/python bench/chart.py

bench-smoke: venv check-wrk ## Every benchmark scenario for a second: all must answer without errors
	$(BIN)/python bench/run.py --smoke

up: ## docker compose: build the images, start databases, migrations, services and gateway on :8080
	docker compose up --build --detach --wait

down: ## Stop and remove the docker compose containers (volumes stay)
	docker compose down

k8s-build: deploy-venv ## Render every Kubernetes overlay into var/k8s/<overlay>.yaml
	@mkdir -p var/k8s
	@for o in $(OVERLAYS); do \
	  $(KUBECTL) kustomize --load-restrictor LoadRestrictionsNone deploy/k8s/overlays/$$o > var/k8s/$$o.yaml; \
	  echo "var/k8s/$$o.yaml: $$(grep -c '^kind:' var/k8s/$$o.yaml) objects"; \
	done

deploy-check: venv deploy-venv ## Static checks: kustomize, Kubernetes schemas, checkov, hadolint, compose schema, nginx -t
	DEPLOY_TOOLS_BIN=$(DEPLOY_BIN) $(BIN)/pytest deploy/tests

lint: venv ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: venv ## Merge the services' OpenAPI schemas into gateway/docs/openapi.{json,yaml} (the gateway's /openapi.json)
	$(BIN)/python gateway/openapi/build.py

schemathesis: venv ## schemathesis against each service's own OpenAPI schema, a bounded budget (tests/contract)
	$(BIN)/pytest tests/contract

migrate: venv ## Create or update each service's own database
	@for s in $(TARGETS); do (cd services/$$s && DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --no-input -v 1); done

load-data: migrate ## Import LOTR_DATA_DIR (or the shipped sample) into each service
	@for s in $(filter-out accounts,$(TARGETS)); do (cd services/$$s && DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py import_data); done

serve: venv ## Run one service alone under its server (granian): make serve SERVICE=book PORT=8001
	@test -n "$(SERVICE)" || { echo "Name the service: make serve SERVICE=book"; exit 1; }
	cd services/$(SERVICE) && DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))')}" \
	  $(BIN)/python -m lotr_kit.server --bind 127.0.0.1:$(PORT) --access-log -

clean: stop ## Remove the virtualenv, local databases, logs and the rendered gateway
	rm -rf $(VENV) $(DEPLOY_VENV) var $(foreach s,$(SERVICES),services/$(s)/var)
