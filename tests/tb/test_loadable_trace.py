"""nvdla_compiler loadables that split work across convolutions sharing CBUF, as NVIDIA's
firmware programs them (calib.firmware), turned into traces (tb/loadable_trace.py) and run on
the golden model and on our RTL:

* nets/probes/big-feature: a 64x64x32 input (the whole CBUF) split in height into two conv ops
  (60 and 6 input rows, 30 data banks); the second reuses the first's weights (WEIGHT_REUSE after
  SKIP_WEIGHT_RLS) and its data land at the start of the data ring again. Independent truth:
  calib.int8's convolution of the whole 64-row input (one conv, no split).
* nets/bigweights: a conv whose 165,888 weight bytes stream through 4 weight banks, then max
  pooling and an FC layer."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tb import assert_all_passed

from model.data import loadables_dir
from model.memory import read_cube

CASES = {"big-feature": "nets/probes/big-feature/per-kernel",
         "bigweights": "nets/bigweights/per-kernel"}


def _case(key: str) -> Path:
    d = loadables_dir() / CASES[key]
    if not (d / "fast-math.nvdla").is_file():
        pytest.skip(f"{d}/fast-math.nvdla not found (set NVDLA_LOADABLES or NVDLA_SHARED)")
    return d


def test_big_feature_split_equals_the_whole_convolution(tmp_path):
    from calib import firmware as FW
    from calib import loadable as LD
    from calib import tables
    from calib.compare_loadable import read_case
    from calib.int8 import forward_int8, input_to_int8
    from calib.net import Net
    from calib.quantize import build_plan
    from tb.loadable_trace import write
    d = _case("big-feature")
    case = read_case(d)
    net = Net.load(case.prototxt, case.caffemodel)
    plan = build_plan(net, tables.read_table(case.table, net), case.mode, input_mode="int8",
                      table_path=str(case.table))
    x = np.random.default_rng(7).uniform(-1, 1, (1, 32, 64, 64)).astype(np.float32)
    q = input_to_int8(plan, x)
    _, outs = forward_int8(plan, x, keep=True)
    want = outs["relu1"][0]                                      # (16, 64, 64) int8
    trace, dev = write(d / "fast-math.nvdla", tmp_path, q=q[0])
    L = LD.load(d / "fast-math.nvdla")
    (t,) = L.output_tensors()
    got = read_cube(dev.mem, FW.Runner(L).base[t.mem_id], 16, 64, 64, t.strides[1],
                    t.strides[2]).view(np.int8)
    bad = np.argwhere(got != want)
    assert bad.size == 0, f"{len(bad)} values differ, first (c,h,w) {tuple(bad[0])}: " \
                          f"{got[tuple(bad[0])]} vs {want[tuple(bad[0])]}"
    from model.trace import run_trace
    r = run_trace(trace)                       # the trace replays to the same CRC
    assert r.passed and r.checks == 1, r.message


def _rtl(tmp_path, keys, mem_seed):
    from tb.loadable_trace import write
    from tb.runner import run_traces, sim_available
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    dirs = [write(_case(k) / "fast-math.nvdla", tmp_path, seed=3)[0] for k in keys]
    res = run_traces("verilator", dirs, mem_seed, tag=f"pytest-loadable-{mem_seed}")
    assert_all_passed(res, dirs)


@pytest.mark.rtl
def test_loadables_on_rtl_fixed_timing(tmp_path):
    _rtl(tmp_path, ["big-feature", "bigweights"], None)


@pytest.mark.rtl
@pytest.mark.slow
@pytest.mark.parametrize("mem_seed", [1, 2, 3])
def test_loadables_on_rtl_random_timing(tmp_path, mem_seed):
    _rtl(tmp_path, ["big-feature", "bigweights"], mem_seed)
