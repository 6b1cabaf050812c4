# Two commands do all the set-up on a fresh machine:
#   make run   - .venv, install, migrate, demo data (first start only), serve on http://127.0.0.1:8000
#   make test  - .venv with the dev extra, Debian chromium if missing, the whole suite (browser included)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install dev run test test-postgres test-redis bench chromium nginx translations clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Re-install whenever pyproject.toml changes; compile the translation catalogs every time.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations

dev: $(VENV)/.installed-dev translations

translations: | $(PY)
	$(VENV)/bin/pybabel compile -d matchmaker/locale -D messages

run: install
	$(PY) -m matchmaker migrate
	$(PY) -m matchmaker demo
	$(PY) -m matchmaker serve --with-worker

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
	@# Chinese glyphs for screenshots; the tests do not depend on them.
	@fc-list 2>/dev/null | grep -qi "cjk" || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || true

# nginx for tests/ops/test_nginx_sample.py, which runs the README's deployment sample as shipped.
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-core >/dev/null; \
	fi

test: dev chromium nginx
	$(PY) -m pytest

# The suite without the browser against the PostgreSQL server on 127.0.0.1:5432 (fresh databases).
test-postgres: dev nginx
	MATCHMAKER_TEST_POSTGRES=$${MATCHMAKER_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres} \
		$(PY) -m pytest -m "not browser"

# The rate-limited pages with their limits counted in the Redis server on 127.0.0.1:6379 (each
# test under a key prefix of its own), as several processes of a deployment share them.
test-redis: dev
	MATCHMAKER_TEST_REDIS=$${MATCHMAKER_TEST_REDIS:-redis://127.0.0.1:6379} \
		$(PY) -m pytest -m "not browser" tests/security tests/web/accounts tests/web/test_security.py

bench: dev
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache tests/browser/artifacts
