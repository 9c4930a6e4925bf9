# Two commands for a newcomer: `make demo` and `make test`. Both build .venv from this
# repository's own files. torch (CPU) is installed before sentence-transformers so pip
# does not pull a multi-GB CUDA build.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
QG := $(VENV)/bin/quizgen
STAMP := $(VENV)/.installed-stamp
TORCH_VERSION ?= 2.13.0
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

.PHONY: install demo test lint fmt bank bench clean i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "torch==$(TORCH_VERSION)"
	$(PIP) install --quiet -e ".[st,dev]"
	@touch $(STAMP)

install: $(STAMP)

# Rebuild the bundled bank from its notes.
bank: $(STAMP)
	$(QG) parse bank/deep_learning.md --title "深度学习基础" -o bank/deep_learning.yaml

demo: $(STAMP)
	@bash scripts/demo.sh

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check quizgen tests benchmarks scripts
	$(VENV)/bin/ruff format --check quizgen tests benchmarks scripts
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format quizgen tests benchmarks
	$(VENV)/bin/ruff check --fix quizgen tests benchmarks

# Interface messages: extract them from the code, merge them into each language's .po (translate
# what is new there, then run this again) and compile the .mo files shipped with the package.
LOCALE := quizgen/locale
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header \
		--project quizgen -o $(LOCALE)/quizgen.pot .
	$(VENV)/bin/pybabel update -i $(LOCALE)/quizgen.pot -d $(LOCALE) -D quizgen --no-wrap --ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(LOCALE) -D quizgen --statistics

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
