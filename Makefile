# `make run` and `make test` are the two commands that matter; both set up .venv themselves.
# Every install is pinned by requirements.lock (`make lock` refreshes it).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test check verify openapi lock audit clean mutation \
	bench-routines bench bench-balance bench-boot bench-rss soak docker docker-smoke run-nginx

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(PIP) install --quiet --constraint requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(PIP) install --quiet --constraint requirements.lock -e '.[dev]'
	touch $@ $(VENV)/.installed

# Debian's Chromium prints handout PDFs. Where it cannot be installed (no root, no apt-get) the
# service still starts, and /routines/{id}/handout.pdf answers 503.
run: $(VENV)/.installed
	$(BIN)/python deploy/install_chromium.py \
		|| echo "make run: no Chromium, so handout PDFs will answer 503" >&2
	$(BIN)/gunicorn --config gunicorn.conf.py

check: $(VENV)/.installed-dev
	$(BIN)/ruff check service tests bench
	$(BIN)/ruff format --check service tests bench
	$(BIN)/mypy
	$(BIN)/bandit --quiet --recursive service
	$(BIN)/hadolint Dockerfile

# Branch coverage of service/ with a floor of 95% (pyproject.toml, [tool.coverage.*]); gunicorn
# and the start-up subprocesses are measured too.
test: check
	$(BIN)/pytest -p no:cacheprovider --cov --cov-branch --cov-report=term-missing

# What needs more than the venv: Chromium (installed from Debian if missing) and a real
# gunicorn for the contract fuzzing over HTTP. `.ci/run` runs it after `make test`.
verify: $(VENV)/.installed-dev
	$(BIN)/python deploy/install_chromium.py
	BROWSER_TESTS=1 $(BIN)/pytest -p no:cacheprovider tests/browser
	FRONT_TESTS=1 $(BIN)/pytest -p no:cacheprovider tests/front
	$(BIN)/python -m tests.contract_http

# Mutation score of service/domain and api/problems.py (mutmut, one worker): about half an hour
# on 2 cores, so not part of `make test` or CI. It plants a known mutant first and refuses to
# report a score unless that mutant is caught (tests/mutation/run.py).
mutation: $(VENV)/.installed-dev
	$(BIN)/python tests/mutation/run.py

openapi: $(VENV)/.installed
	$(BIN)/flask --app service.app openapi write --format=json openapi/openapi.json

lock: $(VENV)/.installed-dev
	$(PIP) install --quiet --constraint requirements.lock pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links --upgrade --output-file requirements.lock pyproject.toml

# Not part of `make test`: no vulnerability service is reachable from these machines, and
# offline pip-audit must fail loudly rather than pass. Without --strict it reports "No known
# vulnerabilities found" after skipping every package it could not look up.
audit: $(VENV)/.installed-dev
	$(PIP) install --quiet --constraint requirements.lock pip-audit
	$(BIN)/pip-audit --strict --requirement requirements.lock --no-deps --disable-pip --progress-spinner off \
		|| { echo "make audit FAILED: pip-audit could not check the pinned set (see above;" \
		"offline, no vulnerability database is reachable). Nothing was verified." >&2; exit 1; }

bench-routines: $(VENV)/.installed
	$(BIN)/python bench/routines.py

bench: $(VENV)/.installed
	$(BIN)/python bench/wrk_bench.py

# How wrk's connections split across the two workers, with and without worker_connections.
bench-balance: $(VENV)/.installed
	$(BIN)/python bench/balance.py

# Worker memory after 100,000 distinct routine requests, against a bare Flask worker.
# Boot time and worker RSS with one release, the latest (two languages) and all of them.
bench-boot: $(VENV)/.installed
	$(BIN)/python bench/boot.py

bench-rss: $(VENV)/.installed
	$(BIN)/python bench/rss.py

soak: $(VENV)/.installed
	$(BIN)/python bench/soak.py

docker:
	bash deploy/docker.sh build

docker-smoke:
	bash deploy/docker.sh smoke

# nginx listens on 8080 unless PORT is given; gunicorn behind it on UPSTREAM_PORT (8001).
run-nginx: $(VENV)/.installed
	PORT=$(if $(filter file,$(origin PORT)),8080,$(PORT)) bash deploy/run-nginx.sh

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .mutation mutants .coverage .coverage.*
