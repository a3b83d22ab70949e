# One virtualenv, named as Pulumi.yaml's runtime options say (`virtualenv: venv`), so the
# Pulumi CLI and these targets run the program with the same packages.
PYTHON ?= python3
VENV := venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install plan test bench check clean update-snapshots

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

## The main job: the offline plan of both stacks (no cloud, no Pulumi CLI).
plan: $(STAMP)
	$(PY) -m drctl plan --stack all

## The test suite.
test: $(STAMP)
	$(PY) -m pytest -q

## The policy pack over both stacks, offline (the gRPC path of pulumi preview --policy-pack).
check: $(STAMP)
	$(PY) -m drctl check --stack primary
	$(PY) -m drctl check --stack dr

## Benchmarks (not tests: a report of ratios against baselines measured in the same run);
## prints the table and writes bench/results.json. BENCH_ARGS=--quick for a smoke run.
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

## After an intended change to a stateful resource's URN (see tests/test_urn_snapshot.py).
update-snapshots: $(STAMP)
	UPDATE_SNAPSHOTS=1 $(PY) -m pytest -q tests/test_urn_snapshot.py

clean:
	rm -rf $(VENV) .pytest_cache
