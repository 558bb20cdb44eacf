# `make test` and `make run` create or reuse .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The workplace keeps an offline MNIST copy beside the checkout; use it when present
# (the loader otherwise tries the Keras cache, then downloads).
SHARED_MNIST := $(abspath ../shared/data/mnist)
ifneq ($(wildcard $(SHARED_MNIST)/*.gz),)
export MNIST_DATA_DIR ?= $(SHARED_MNIST)
endif

# Threads: nothing here reads the caller's OPENBLAS_NUM_THREADS, set or not. Two
# OpenBLAS threads stall each other on a busy 2-core machine (see docs/BENCH.md), so
# the study's NumPy runs use one unless you say otherwise (`make run BLAS_THREADS=2`),
# limited in-process (`--blas-threads`, threadpoolctl). The doctor pins its probes to
# one BLAS thread itself, the speedrun starts one-thread processes, and the test
# suite limits BLAS to one thread in tests/conftest.py.
BLAS_THREADS ?= 1
# `make run`'s speedrun: its headline rows, one seed (about 30 s). Every row is
# `python -m experiments speedrun --seeds 1` (about 3 min more); the table of
# docs/SPEEDRUN.md is `--seeds 10`.
SPEEDRUN_ROWS ?= speedrun "TensorFlow quickstart (Keras)"
# `make bench` times every framework on one thread and refreshes the tables of
# docs/BENCH.md (`make bench BENCH_OPTIONS=` for each framework's default threads).
BENCH_OPTIONS ?= --threads 1

.PHONY: test test-slow run study bench lint mutate clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes.
$(STAMP): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[all]'
	touch $(STAMP)

# `make test` leaves out the tests marked `slow` (every experiment's quick run on Keras as
# well as scratch_nn): what they check is covered by faster tests (docs/TESTS.md).
# `make test-slow` runs them; `pytest` with no -m runs everything.
# The suite runs in one pytest worker per core, at most four (pytest-xdist; each worker
# imports TensorFlow, about 1.2 GB), each test file in one worker (`--dist loadfile`, so
# module fixtures are built once). `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow" \
		-n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

test-slow: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m slow

# run-default trains experiments.DEFAULT_RUN (Keras only in the implementation experiment);
# the same four experiments wholly on both backends are in docs/EXPERIMENTS.md.
run: $(STAMP)
	$(PY) -m experiments run-default --blas-threads $(BLAS_THREADS)
	$(PY) -m experiments.doctor --example 1 --out results/doctor_example1.md \
		--json-out results/doctor_example1.json
	$(PY) -m experiments speedrun --seeds 1 --only $(SPEEDRUN_ROWS)

# Seed by seed: every experiment gets seed 0 before any gets seed 1, so a study cut
# short still covers every cause (finished runs are reloaded, never rerun).
# `make study STUDY_OUT=docs/results` continues the committed study in place.
# `make study WORKERS=2` trains two runs at a time on a local Dask cluster, and
# `make study SCHEDULER=tcp://host:8786` on an existing one (docs/CLUSTER.md); the
# default, one run at a time, gives the cleanest seconds.
STUDY_OUT ?= results
STUDY_PARALLEL := $(if $(WORKERS),--workers $(WORKERS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))
study: $(STAMP)
	for seeds in 1 2 3; do \
		$(PY) -m experiments run all --seeds $$seeds --out $(STUDY_OUT) \
			--blas-threads $(BLAS_THREADS) $(STUDY_PARALLEL) || exit 1; \
	done

bench: $(STAMP)
	$(PY) -m experiments.bench $(BENCH_OPTIONS) --docs docs/BENCH.md

# Mutation testing (not in CI: hours for every module). mutmut's forked workers
# run the NumPy tests; tests/mutation/second_pass.py runs the TensorFlow tests on
# their survivors, one fresh process each, and prints the score per module.
# `make mutate MUTATE='scratch_nn.optimizers.sgd.*'` runs one module. See docs/TESTS.md.
MUTATE ?= scratch_nn.*
MUTATE_JOBS ?= 2
MUTATE_STAMP := $(VENV)/.mutate-installed
$(MUTATE_STAMP): setup.cfg pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e '.[all,mutate]'
	touch $(MUTATE_STAMP)

mutate: $(MUTATE_STAMP)
	OPENBLAS_NUM_THREADS=1 $(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) "$(MUTATE)"
	$(PY) -m tests.mutation.second_pass --jobs $(MUTATE_JOBS) "$(MUTATE)"

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) results build *.egg-info mutants
