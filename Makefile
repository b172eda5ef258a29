# Two entry points: `make run` (the main job) and `make test` (the whole suite).
# Both build .venv from scratch on a fresh machine that has only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench demo venv clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The main job: THAAD at Seongju against a North Korean raid (examples/seongju.toml).
run: $(STAMP)
	$(VENV)/bin/thaadsim run examples/seongju.toml --out out/seongju

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

demo: $(STAMP)
	$(VENV)/bin/thaadsim demo

bench: $(STAMP)
	$(PY) benchmarks/bench_flight.py
	$(PY) benchmarks/bench_engagement.py

clean:
	rm -rf $(VENV) out
