"""Bad input on the RTL (tb/fuzz.py): CSB writes to unmapped and read-only registers, a second
OP_EN while a layer runs, DMA to unmapped memory, and register programs of out-of-range field
values.  Every outcome is a defined result or one clear FAIL line, never a traceback or a hang
(the watchdogs end every case).  A bounded, seeded number of cases per run: TB_FUZZ_CASES
(CSB accesses, default 200) and FIELD_CASES programs; TB_FUZZ_SEED changes the seed."""
from __future__ import annotations

import os
import re

import pytest

from model import data

TRACES = data.traces_root() / "nv_small"
FIELD_CASES = int(os.environ.get("TB_FUZZ_FIELD_CASES", "30"))
SEED = int(os.environ.get("TB_FUZZ_SEED", "1"))
# a failure line of the testbench itself (not a verdict on the DUT): a Python error escaped
_TB_BUG = re.compile(r"\b(Traceback|IndexError|KeyError|TypeError|AttributeError|NameError|"
                     r"ZeroDivisionError|UnboundLocalError|AssertionError|ValueError|"
                     r"OverflowError)\b")


# the golden model's refusal of a fuzzed program: an engine's one-line configuration error
_REFUSAL = re.compile(r"(PdpConfigError|SdpConfigError|CdpError|ConfigError|AddressError|"
                      r"TraceError|EngineMissing)\b"
                      # an operation waiting for units the program never arms (e.g. SDP's
                      # FLYING_MODE = ON without a convolution): the model names the fields
                      r"|intr_notify\(.* never signalled done \(.*; (it needs|with .* it runs "
                      r"only within) .*, never armed\)$")


def _skip(sim: str):
    from tb.runner import sim_available
    why = sim_available(sim)
    if why:
        pytest.skip(why)


def _run(sim: str, testcase: str, tag: str) -> dict:
    import json
    from tb.runner import BUILD, run_tests
    out = BUILD / sim / f"results-{testcase}{tag}-pytest-{os.getpid()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    try:
        run_tests(sim, testcase, {"TB_RESULTS": str(out), "TB_FUZZ_SEED": str(SEED)},
                  f"pytest-{testcase}{tag}", test_module="tb.fuzz")
    except (RuntimeError, SystemExit):
        pass
    assert out.is_file(), f"{testcase} wrote no results (see build/{sim}/run-pytest-{testcase}{tag}-*/)"
    res = json.loads(out.read_text())
    out.unlink()
    return res


@pytest.mark.rtl
@pytest.mark.parametrize("sim", ["verilator"])
def test_csb_unmapped_and_read_only_writes(sim):
    _skip(sim)
    res = _run(sim, "FuzzCsbTest", "")
    assert res["cases"] >= 100 and res["checked"] > 250, res
    assert all(n > 0 for n in res["kinds"].values()), res["kinds"]
    assert not res["failures"], f"{len(res['failures'])} failures: {res['failures'][:5]}"


@pytest.mark.rtl
@pytest.mark.slow
@pytest.mark.parametrize("sim", ["verilator"])
def test_second_op_enable_while_busy(sim):
    _skip(sim)
    res = _run(sim, "FuzzBusyTest", "")
    assert not res["failures"], res["failures"]
    assert res["cycles"] > 200, res


@pytest.mark.rtl
@pytest.mark.slow
@pytest.mark.parametrize("sim", ["verilator"])
def test_dma_to_unmapped_memory_is_reported(sim):
    _skip(sim)
    res = _run(sim, "FuzzOobTest", "")
    assert not res["failures"], res["failures"]
    for label, r in res["cases"].items():
        assert "\n" not in r["line"] and r["cycles"] is not None, (label, r)


@pytest.mark.rtl
@pytest.mark.slow
def test_out_of_range_register_fields(tmp_path):
    """FIELD_CASES programs (NVIDIA's sdp/pdp/cdp traces, fields replaced by random values of
    their width): each ends in PASS (RTL = golden model) or one FAIL line from the watchdog or
    the comparison; none hangs, none is a Python error of the testbench. A program the model
    refuses (one line naming the registers nv_small leaves undefined) is an expected refusal,
    whatever the RTL did; no program the model accepts differs from it or hangs."""
    _skip("verilator")
    if not TRACES.is_dir():
        pytest.skip(f"NVIDIA traces not found under {TRACES}")
    from tb.fuzz import make_field_cases, refusal
    from tb.runner import run_traces
    dirs = make_field_cases(tmp_path, FIELD_CASES, SEED, TRACES)
    res = run_traces("verilator", dirs, None, tag=f"pytest-fuzz-fields-{SEED}")
    missing = [d.name for d in dirs if d.name not in res]
    assert not missing, f"no result for {missing} (a hang the watchdog did not end?)"
    kinds = {"pass": 0, "refused": 0, "watchdog": 0, "mismatch": 0, "axi": 0, "other": 0}
    lines = []
    for d in dirs:
        r = res[d.name]
        line = r["line"]
        assert "\n" not in line, f"{d.name}: more than one line: {line!r}"
        assert not _TB_BUG.search(r.get("message", "")), f"{d.name}: testbench error: {line}"
        why = refusal(d)
        if why is not None:
            # an expected refusal: the model names the undefined setting in one line (an engine's
            # configuration error, never a Python error of the model); the RTL ended (PASS of
            # check_nothing or its watchdog), whatever it wrote
            assert _REFUSAL.match(why) and not _TB_BUG.search(why), f"{d.name}: model error: {why}"
            k = "refused"
            line = f"{why[:160]} | RTL: {line[:120]}"
        else:
            k = ("pass" if r["passed"] else "watchdog" if "watchdog" in line else
                 "mismatch" if "differing byte" in line or "CRC expected" in line else
                 "axi" if line.startswith(f"FAIL {d.name}: AXI") else "other")
        kinds[k] += 1
        lines.append(f"{k}: {line[:300]}")
    print(f"{len(dirs)} fuzzed programs: {kinds}")
    print("\n".join(lines))
    assert kinds["other"] == 0, [ln for ln in lines if ln.startswith("other")]
    # Programs the model accepts: RTL = golden model, no watchdog (seeds 1-8: the 12 PDP
    # mismatches and 11 watchdogs were settings NVIDIA's nv_small RTL leaves undefined - it hung
    # or wrote no pooling - now refused; the 32 accepted PDP programs pass on our RTL and on
    # NVIDIA's. SDP: of 82 accepted, NVIDIA's RTL hung on 18 and differed on 5, ours hung on 18
    # and differed on 1 - SDP_RDMA's cube, mode or a CV SRAM RAM type not matching SDP's
    # operation - now refused; the 52 accepted SDP programs pass on both. CDP: the 47 accepted
    # pass on both). AXI findings are listed in the output. Replay: python -m tb.fuzz DIR --seed S
    strict = [ln for ln in lines if ln.startswith(("mismatch", "watchdog"))]
    assert not strict, strict


def test_dma_owner_names_the_nearest_base_register_of_the_direction():
    """tb/oob.py: the unit blamed for an access outside the memory is the one whose base
    register of that direction (read: RDMA/CDMA, write: the WDMAs) is the highest below it."""
    from types import SimpleNamespace
    from tb.oob import dma_owner
    ops = [SimpleNamespace(values={"NVDLA_SDP_RDMA.D_SRC_BASE_ADDR_LOW_0": 0x40000000,
                                   "NVDLA_SDP_RDMA.D_BS_BASE_ADDR_LOW_0": 0x40100000,
                                   "NVDLA_SDP.D_DST_BASE_ADDR_LOW_0": 0x50000000}),
           SimpleNamespace(values={"NVDLA_PDP.D_DST_BASE_ADDR_LOW_0": 0x50200000})]
    assert dma_owner(ops, 0x40000040, False) == "SDP_RDMA (its D_SRC_BASE_ADDR_LOW_0 = 0x40000000)"
    assert dma_owner(ops, 0x40100008, False).startswith("SDP_RDMA (its D_BS_BASE_ADDR_LOW_0")
    assert dma_owner(ops, 0x50100000, True) == "SDP (its D_DST_BASE_ADDR_LOW_0 = 0x50000000)"
    assert dma_owner(ops, 0x50300000, True).startswith("PDP (its D_DST")
    assert dma_owner(ops, 0x10000000, False) == "unit unknown"
