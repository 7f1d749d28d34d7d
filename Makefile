# Looped Needle: `make run` starts everything, `make test` proves it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# uv may be missing on a fresh machine: it is installed with pip and run as a module.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
export NEXT_TELEMETRY_DISABLED := 1

BACKEND_VENV := backend/.venv
BACKEND_STAMP := $(BACKEND_VENV)/.synced
FRONTEND_STAMP := frontend/node_modules/.installed
LOOPED := $(BACKEND_VENV)/bin/looped

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# --- Installation ----------------------------------------------------------------

.PHONY: uv
uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv

$(BACKEND_STAMP): backend/pyproject.toml backend/uv.lock | uv
	cd backend && $(UV) sync --frozen
	@touch $@

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm install --no-audit --no-fund
	@touch $@

.PHONY: install
install: $(BACKEND_STAMP) $(FRONTEND_STAMP) ## Install backend and frontend dependencies

# --- Running ---------------------------------------------------------------------

.PHONY: run
run: install ## Start the API (:8000) and the web app (:3000); Ctrl-C stops both
	scripts/run.sh

.PHONY: migrate
migrate: $(BACKEND_STAMP) ## Apply database migrations
	$(LOOPED) migrate

.PHONY: seed
seed: $(BACKEND_STAMP) ## Create the demo team with threads and print a demo API key
	$(LOOPED) migrate
	$(LOOPED) seed

.PHONY: generate-client
generate-client: install ## Export the OpenAPI document and regenerate the TypeScript client
	$(LOOPED) export-openapi frontend/openapi.json
	cd frontend && npm run --silent generate

# --- Quality ---------------------------------------------------------------------

.PHONY: lint
lint: install ## Lint and type-check backend and frontend
	cd backend && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
	cd frontend && npm run --silent lint && npm run --silent typecheck

.PHONY: fmt
fmt: install ## Format backend and frontend in place
	cd backend && .venv/bin/ruff check --fix . && .venv/bin/ruff format .
	cd frontend && npm run --silent fmt

# --- Tests -----------------------------------------------------------------------

.PHONY: test
test: test-backend check-drift test-frontend test-speckit ## Everything CI runs

.PHONY: test-backend
test-backend: $(BACKEND_STAMP) ## Ruff, mypy and pytest (TEST_DATABASE_URL picks a server)
	cd backend && .venv/bin/ruff check . && .venv/bin/ruff format --check .
	cd backend && .venv/bin/mypy
	$(MAKE) --no-print-directory pytest

.PHONY: pytest
pytest: $(BACKEND_STAMP) ## The backend suite alone: migrations, contracts, API
	cd backend && .venv/bin/pytest

.PHONY: check-drift
check-drift: generate-client ## Fail when the committed client differs from the API
	@scripts/check-drift.sh

.PHONY: test-frontend
test-frontend: $(FRONTEND_STAMP) ## Biome, tsc, vitest, next build, Playwright
	cd frontend && npm run --silent lint
	cd frontend && npm run --silent typecheck
	cd frontend && npm test
	cd frontend && npm run --silent build
	scripts/e2e.sh

.PHONY: clean
clean: ## Remove installed dependencies and build output (keeps the data)
	rm -rf backend/.venv frontend/node_modules frontend/.next tools/speckit/.venv tools/optic/node_modules

.PHONY: bench
bench: $(BACKEND_STAMP) ## Hot-path throughput vs bare asyncpg (needs wrk)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk; }
	cd backend && .venv/bin/python -m bench.run

# --- Spec Kit and API compatibility ----------------------------------------------

SPECKIT_STAMP := tools/speckit/.venv/.synced
OPTIC_STAMP := tools/optic/node_modules/.installed

$(SPECKIT_STAMP): tools/speckit/pyproject.toml tools/speckit/uv.lock | uv
	cd tools/speckit && $(UV) sync --frozen
	@touch $@

$(OPTIC_STAMP): tools/optic/package.json tools/optic/package-lock.json
	cd tools/optic && npm ci
	@touch $@

.PHONY: feature
feature: ## Start specs/NNN-name/ from NAME="short description": Spec Kit's spec, our contract stub
	@scripts/new-feature.sh "$(NAME)"

.PHONY: check-breaking
check-breaking: $(BACKEND_STAMP) $(OPTIC_STAMP) ## List breaking API changes since main or the last release; fail unless a commit says Breaking-API
	@scripts/check-breaking.sh

.PHONY: speckit-upgrade
speckit-upgrade: $(SPECKIT_STAMP) ## Reinstall Spec Kit's files, its Claude Code skills and its Copilot prompts at the pinned version
	@tools/speckit/.venv/bin/python scripts/speckit-upgrade.py

.PHONY: test-speckit
test-speckit: check-speckit test-feature test-breaking ## The Spec Kit and API-compatibility checks of make test

.PHONY: check-speckit
check-speckit: $(SPECKIT_STAMP) ## Fail on any specify integration status finding, an edited Spec Kit file, or an override behind its template
	@tools/speckit/.venv/bin/python scripts/check-speckit.py

.PHONY: test-feature
test-feature: $(BACKEND_STAMP) ## make feature in a temporary copy: the stub fails the contract gate, a filled one passes
	@scripts/test-feature.sh

.PHONY: test-breaking
test-breaking: $(BACKEND_STAMP) $(OPTIC_STAMP) ## check-breaking on documents with known breaks, and the Breaking-API trailer
	@scripts/test-breaking.sh
