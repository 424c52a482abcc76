# The two set-up commands (see README): `make run` and `make test`.
# Both create .venv (Python) and node_modules (npm, from the lockfile) on first use.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

CSS := webapp/static/build/app.css
$(CSS): webapp/assets/app.scss node_modules/.installed
	npm run --silent build

# Browser tests drive Debian's Chromium (Playwright never downloads its own browser here).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# `make run PORT=8000 HOST=0.0.0.0`; the demo loads only into an empty database.
run: $(BIN)/.installed $(CSS)
	JOINEDUP_INSECURE_COOKIES=1 $(BIN)/joinedup demo
	JOINEDUP_INSECURE_COOKIES=1 JOINEDUP_SMTP_HOST= JOINEDUP_DEV_SECRET_FILE=instance/secret_key \
		$(BIN)/joinedup serve --host $(HOST) --port $(PORT)

test: $(BIN)/.installed node_modules/.installed $(CSS) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto

bench: $(BIN)/.installed $(CSS)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/sandbox.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/inbox.py
	$(BIN)/python benchmarks/scheduler.py
	$(BIN)/python benchmarks/assurance.py

clean:
	rm -rf $(VENV) instance .pytest_cache
