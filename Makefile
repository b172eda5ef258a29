# Two entry points: `make run` (the main job) and `make test` (the whole suite).
# Both build .venv from scratch on a fresh machine that has only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# numba kernels compiled into numba's on-disk cache; redone when any source changes
KERNELS := $(VENV)/.kernels
SOURCES := $(shell find src -name '*.py' 2>/dev/null)

.PHONY: run test bench demo venv clean docs

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade -c constraints.txt pip 'setuptools>=77'
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,docs]'
	touch $(STAMP)

$(KERNELS): $(STAMP) $(SOURCES)
	$(PY) -m thaadsim.warmup
	touch $(KERNELS)

venv: $(KERNELS)

# The main job: THAAD at Seongju against a North Korean raid (examples/seongju.toml).
run: $(KERNELS)
	$(VENV)/bin/thaadsim run examples/seongju.toml --out out/seongju

test: $(KERNELS)
	$(PY) -m pytest -n 2 -q

demo: $(KERNELS)
	$(VENV)/bin/thaadsim demo

bench: $(KERNELS)
	$(PY) benchmarks/bench_flight.py
	$(PY) benchmarks/bench_engagement.py
	$(PY) benchmarks/bench_footprint.py --grid 200 --baseline-grid 41
	$(PY) benchmarks/bench_strategic.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_raid_layers.py --threats 20 --runs 10000
	$(PY) benchmarks/bench_raid_memory.py
	$(PY) benchmarks/bench_report_scale.py --threats 10000 --runs 20 --baseline-threats 500
	$(PY) benchmarks/bench_app_update.py --changes 20 --baseline 2 --browser 10
	$(PY) benchmarks/bench_infer.py
	$(PY) benchmarks/bench_spent_stages.py --quick
	$(PY) benchmarks/bench_report_load.py --reps 5
	NUMBA_NUM_THREADS=1 $(PY) benchmarks/bench_max_q_ceiling.py --n 2000 --repeats 3 --table

# The documentation site, offline, into site/ (a warning is an error), with the validation table of this run.
# tests/test_docs_build_strict.py runs the same strict build inside `make test`.
docs: $(KERNELS)
	$(VENV)/bin/thaadsim validate --out docs/_generated || echo "validate: some rows failed; the site shows which"
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) out
