# vnplan: `make run` extracts the bundled samples into output/; `make test` runs the test suite.
# Both install what they need first (a .venv with the package, and Debian's Tesseract + Vietnamese model + fonts).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# antiword (0.6 MB) reads old .doc Word files with their tables (catdoc loses them; LibreOffice is far heavier)
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie fonts-liberation2 antiword
# Only the tests need these: a PostgreSQL server for the export round trip (the tests start their own on loopback),
# and Chromium for the review page's browser test.
TEST_APT_PACKAGES := postgresql chromium

.PHONY: setup dev-setup system-deps test-deps run test lint samples bench bench-real bench-startup bench-normalize bench-linear clean

# `setup` installs what running vnplan needs; `dev-setup` adds the extras and tools the tests and lint need.
setup: system-deps $(VENV)/.installed

dev-setup: setup $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# Install the Debian packages only when something is missing (needs root or sudo).
system-deps:
	@if ! command -v tesseract >/dev/null 2>&1 \
	   || ! tesseract --list-langs 2>/dev/null | grep -qx vie \
	   || ! command -v antiword >/dev/null 2>&1 \
	   || [ ! -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]; then \
	  echo "Installing $(APT_PACKAGES) with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

# The tests' own servers, installed only when missing; the tests start and stop them themselves.
test-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing $(TEST_APT_PACKAGES) with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(TEST_APT_PACKAGES) >/dev/null; \
	fi

run: setup
	$(BIN)/vnplan extract samples -o output

test: dev-setup test-deps
	$(BIN)/pytest

lint: dev-setup
	$(BIN)/ruff check pipeline tests samples/build.py scripts benchmarks
	$(BIN)/ruff format --check pipeline tests samples/build.py scripts benchmarks
	$(BIN)/mypy pipeline

bench: dev-setup
	$(BIN)/python benchmarks/bench.py

bench-real: dev-setup
	$(BIN)/python benchmarks/bench.py --real

bench-startup: setup
	$(BIN)/python benchmarks/startup.py

bench-normalize: dev-setup
	$(BIN)/python benchmarks/normalize_bench.py

bench-linear: setup
	$(BIN)/python benchmarks/linear.py

samples: dev-setup
	$(BIN)/python samples/build.py

clean:
	rm -rf output/*.json .pytest_cache .mypy_cache .ruff_cache
