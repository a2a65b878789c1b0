# Everything a fresh machine with only Python 3.11 needs: `make run` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
BIN := .venv/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: install run test lint test-browser test-distributed test-mail bench bench-reports clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --compile-bytecode --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	touch $@

# WeasyPrint draws review packs' PDFs with pango: installed once if missing (as root).
install: .venv/.synced
	@ldconfig -p | grep -q libpango-1.0 || { [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; } \
		|| echo "WeasyPrint needs pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2

run: install
	$(BIN)/hypercare demo
	$(BIN)/hypercare serve --bind 127.0.0.1:8000

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy hypercare tests bench
	$(BIN)/hypercare manage check --fail-level WARNING
	$(BIN)/hypercare manage makemigrations --check --dry-run

test: lint
	$(BIN)/pytest -m "not browser and not distributed and not mailserver"

test-browser: install
	$(BIN)/pytest -m browser

test-distributed: install
	$(BIN)/pytest -m distributed

test-mail: install
	$(BIN)/pytest -m mailserver

bench: install
	$(BIN)/python -m bench.run

# The dashboards over 1 000 000 tickets on the local PostgreSQL (database hypercare_bench,
# kept between runs: the first run seeds it in minutes, later runs only measure).
bench-reports: install
	$(BIN)/python -m bench.reports

clean:
	rm -rf .venv $(TOOLS) var/test*
