# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT := $(shell command -v apt-get 2>/dev/null)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install browser fonts surrogate bench lint clean mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium (and CJK fonts) for the end-to-end browser tests and screenshots.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  test -n "$(APT)" || { echo "install Chromium (Debian package 'chromium') for the browser tests"; exit 1; }; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Noto Sans CJK for PDF reports (`retrofit report --out FILE.pdf`, the app's PDF download).
fonts:
	@test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || { \
	  test -n "$(APT)" || { echo "install the Noto Sans CJK font (Debian package 'fonts-noto-cjk') for PDF reports"; exit 1; }; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; }

# Train (or load) the surrogate models once, so the app's first page opens fast.
surrogate: $(STAMP)
	$(BIN)/retrofit surrogate train

run: $(STAMP) surrogate fonts
	$(BIN)/streamlit run streamlit_app.py --server.headless true

test: $(STAMP) browser fonts
	$(BIN)/python -m pytest -q

bench: $(STAMP) browser
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_weather.py
	$(BIN)/python benchmarks/bench_systems.py
	$(BIN)/python benchmarks/bench_packages.py
	$(BIN)/python benchmarks/bench_surrogate.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_browser.py
	$(BIN)/python benchmarks/load_test.py --sessions 20 --verify 4
	$(BIN)/python benchmarks/load_test.py --sessions 20 --verify 4 --ramp-s 60 --out load_test_ramp60.json

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

# Mutation testing of the modules that decide the figures (not part of `make test`; about
# 15-30 min on 2 cores). Config: [tool.mutmut] in pyproject.toml; score table in the README.
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
