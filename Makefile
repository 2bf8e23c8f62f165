# Two commands on a fresh machine:
#   make run   - set up what is missing, then open podtui on manifests/
#   make test  - set up what is missing, then run the whole test suite
.PHONY: setup setup-test run test test-fast bench lint screenshots clean

setup:
	@sh scripts/bootstrap.sh

setup-test:
	@sh scripts/bootstrap.sh --test

run: setup
	@.venv/bin/podtui --manifests manifests

test: setup-test
	.venv/bin/python -m pytest -q

test-fast: setup-test
	.venv/bin/python -m pytest -q -m "not podman"

bench: setup-test
	.venv/bin/python bench/run_all.py

lint:
	.venv/bin/ruff check tui tests bench
	.venv/bin/python -m mypy tui

screenshots: setup
	@command -v rsvg-convert >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q librsvg2-bin; } || true
	.venv/bin/python scripts/screenshots.py

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
