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
# The full dataset once `make data` has fetched it into data/one-api (git-ignored); until then
# empty, and the services load the sample the repository ships (data/sample).
ONE_API_DATA := data/one-api
ONE_API_FILES := books.csv chapters.csv characters.csv movies.csv quotes.csv
LOTR_DATA_DIR ?= $(if $(filter 5,$(words $(wildcard $(addprefix $(ONE_API_DATA)/,$(ONE_API_FILES))))),$(abspath $(ONE_API_DATA)),)
export LOTR_DATA_DIR
# One service alone: make serve SERVICE=book [PORT=8001] (default: the port `make run` gives it)
PORT ?=
# The stack's commands that need no venv of their own (stop, status, logs) use it when there.
STACK = if [ -x $(BIN)/python ]; then $(BIN)/python -m lotr_devstack $(1); else echo "Nothing runs here: no virtualenv yet (make run makes one)."; fi
# Deployment checks: their tools live in a virtualenv of their own (deploy/requirements.txt).
DEPLOY_VENV ?= .venv-deploy
DEPLOY_BIN := $(abspath $(DEPLOY_VENV))/bin
KUBECTL ?= $(shell command -v kubectl || echo $(DEPLOY_BIN)/kubectl)
OVERLAYS := dev prod

.PHONY: help run stop status logs venv deploy-venv test test-kit test-services test-system lint format migrate load-data serve restart reload chaos \
	up down images compose-check manifest-check k8s-env k8s-build deploy-check check-deploy bench bench-smoke clean check-python check-wrk
.PHONY: openapi schemathesis

help: ## List targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: venv ## Start every service and the gateway on http://127.0.0.1:8080; returns once all are healthy
	@$(BIN)/python -m lotr_devstack run

stop: ## Stop exactly what `make run` started (whole process groups)
	@$(call STACK,stop)

status: ## Which parts of `make run` are up and healthy, and who else answers on their ports
	@$(call STACK,status)

logs: ## Last lines of every log, or of one: make logs SERVICE=gateway
	@$(call STACK,logs $(SERVICE))

restart: venv ## Restart one part while the others serve (make restart SERVICE=movie [IMPORT=1]), or all
	@$(BIN)/python -m lotr_devstack restart $(SERVICE) $(if $(IMPORT),--import,)

reload: venv ## Graceful reload of one part: make reload SERVICE=movie (granian replaces workers one by one)
	@test -n "$(SERVICE)" || { echo "Name the part: make reload SERVICE=movie"; exit 1; }
	@$(BIN)/python -m lotr_devstack reload $(SERVICE)

chaos: venv ## Faults injected into a stack of its own (ports, databases, a private PostgreSQL): a table [ONLY=name]
	@$(BIN)/python -m lotr_devstack chaos $(if $(ONLY),--only $(ONLY),)

.PHONY: data
data: venv ## Fetch the full dataset from ONE_API_URL (ONE_API_KEY) into data/one-api; import it into a running `make run`
	$(BIN)/python scripts/one_api_data.py --dir $(ONE_API_DATA)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Python 3.11 or newer is needed as '$(PYTHON)' (set PYTHON=...)."; exit 1; }

venv: $(VENV)/.installed ## Create the virtualenv and install every pinned requirement

$(VENV)/.installed: requirements-dev.txt bench/peer/requirements.txt $(foreach s,$(SERVICES),services/$(s)/requirements.txt) libs/lotr_kit/pyproject.toml libs/lotr_kit_testing/pyproject.toml libs/lotr_devstack/pyproject.toml VERSION | check-python
	@echo "== venv: installing the pinned requirements into $(VENV) (the first time takes a minute or two)"
	@start=$$(date +%s); $(PYTHON) -m venv $(VENV); \
	  $(BIN)/pip install --disable-pip-version-check -r requirements-dev.txt; \
	  echo "   venv ready in $$(( $$(date +%s) - start )) s"
	@touch $@

test: venv lint test-kit test-services test-system deploy-check ## Run every test suite (PostgreSQL when <SERVICE>_DATABASE_URL is set)

test-kit: venv ## The kit's unit tests (libs/lotr_kit/tests: the query engine, the health probe): seconds, no database, no service
	cd libs/lotr_kit/tests && $(BIN)/pytest -q

test-services: venv ## Each service's own suite, against its <SERVICE>_DATABASE_URL or SQLite
	@for s in $(TARGETS); do \
	  var="$${s^^}_DATABASE_URL"; \
	  echo "== $$s service (data: $${LOTR_DATA_DIR:-shipped sample}, database: $${!var:-sqlite})"; \
	  (cd services/$$s && DATABASE_URL="$${!var:-}" $(BIN)/pytest); \
	done

test-system: venv ## The gateway (real nginx) and services as real processes on loopback
	$(BIN)/pytest

.PHONY: test-readme
test-readme: venv ## The README's commands as written, against `make run` on the default ports
	$(BIN)/pytest tests/readme

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

up: ## docker compose (v2): build the images, start databases, migrations, services and gateway on 127.0.0.1:8080
	docker compose -p lotr up --build --detach --wait

down: ## Stop and remove the docker compose containers (volumes stay)
	docker compose -p lotr down

# ---- Images (docs/deploying.md) ----------------------------------------------------------
# The engine: docker when its daemon answers, else podman. Base images: the Dockerfiles'
# public defaults, or PYTHON_IMAGE=... NGINX_IMAGE=... (compose-check passes local stand-ins).
IMAGE_VERSION := $(shell cat VERSION 2>/dev/null || echo 0.2.0)
ENGINE ?= $(shell if docker info >/dev/null 2>&1; then echo docker; elif command -v podman >/dev/null; then echo podman; else echo docker; fi)
PYTHON_IMAGE ?=
NGINX_IMAGE ?=
IMAGE_BUILD_ARGS = $(if $(PYTHON_IMAGE),--build-arg PYTHON_IMAGE=$(PYTHON_IMAGE)) $(if $(NGINX_IMAGE),--build-arg NGINX_IMAGE=$(NGINX_IMAGE)) \
	$(if $(filter podman,$(ENGINE)),--network host --format docker)

images: ## Build the five images lotr-<part>:<VERSION> with docker or podman (PYTHON_IMAGE=, NGINX_IMAGE= for other bases)
	@for part in $(SERVICES) gateway; do \
	  case $$part in \
	    gateway) args="-f gateway/Dockerfile" ;; \
	    accounts) args="-f services/Dockerfile --build-arg SERVICE=$$part --target accounts" ;; \
	    *) args="-f services/Dockerfile --build-arg SERVICE=$$part --target data" ;; \
	  esac; \
	  echo "== $(ENGINE) build lotr-$$part:$(IMAGE_VERSION)"; \
	  $(ENGINE) build --quiet $(IMAGE_BUILD_ARGS) $$args -t lotr-$$part:$(IMAGE_VERSION) . >/dev/null \
	    || { echo "building lotr-$$part:$(IMAGE_VERSION) failed (see above)"; exit 1; }; \
	done
	@$(ENGINE) images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'lotr-[a-z]+:$(IMAGE_VERSION)' | sort

compose-check: venv ## Build the images offline (podman, local base images), run docker-compose.yml with its events override end to end, check it
	$(BIN)/python deploy/compose_check.py

manifest-check: venv deploy-venv ## Every image, command, probe, port, mount and variable of the Kubernetes manifests, in the built images (after compose-check)
	KUBECTL=$(KUBECTL) $(BIN)/python deploy/manifest_check.py

k8s-env: ## Copy the settings files kustomize reads under deploy/k8s (after editing a *.env.example)
	$(PYTHON) deploy/k8s_env.py

k8s-build: deploy-venv ## Render every Kubernetes overlay into var/k8s/<overlay>.yaml
	@mkdir -p var/k8s
	@for o in $(OVERLAYS); do \
	  $(KUBECTL) kustomize deploy/k8s/overlays/$$o > var/k8s/$$o.yaml; \
	  echo "var/k8s/$$o.yaml: $$(grep -c '^kind:' var/k8s/$$o.yaml) objects"; \
	done

deploy-check: venv deploy-venv ## Static checks: kustomize, Kubernetes schemas, checkov, hadolint, compose schema, nginx -t
	DEPLOY_TOOLS_BIN=$(DEPLOY_BIN) $(BIN)/pytest deploy/tests

check-deploy: venv ## manage.py check --deploy of every service with DJANGO_ENV=production: no warning allowed
	@for s in $(SERVICES); do \
	  echo "== $$s"; \
	  (cd services/$$s && DJANGO_ENV=production DJANGO_DEBUG=false \
	    DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	    $(BIN)/python manage.py check --deploy --fail-level WARNING); \
	done

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

serve: venv ## One service in the foreground, same settings as `make run`: make serve SERVICE=book [PORT=8001] [IMPORT=1]
	@test -n "$(SERVICE)" || { echo "Name the service: make serve SERVICE=book"; exit 1; }
	@$(BIN)/python -m lotr_devstack serve $(SERVICE) $(if $(PORT),--port $(PORT),) $(if $(IMPORT),--import,)

clean: stop ## Remove the virtualenv, local databases, logs and the rendered gateway
	rm -rf $(VENV) $(DEPLOY_VENV) var $(foreach s,$(SERVICES),services/$(s)/var)
