"""NVIDIA's sdp/pdp/cdp and conv (dc_*, img_*; nv_small-synth) trace tests on the RTL through the cocotb testbench (tb/), plus register
read-back and unmapped-address tests.  Parametrized over (simulator, trace, seed): seed None is
fixed memory timing, an integer seeds the randomized latency/back-pressure mode.

All traces of one (simulator, seed) pair that this pytest session selected run in ONE simulator
run (the first test of the pair starts it, the others read its results), so -k selections stay
cheap.  The truth is the trace's CRC, NVIDIA's nv_small RTL output bytes and the golden model.

DUT: hw/nvsmall_top, or the user's RTL with TB_RTL_FILELIST=<file.f> TB_TOPLEVEL=NV_nvdla.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from model import data

REPO = Path(__file__).resolve().parents[2]
TRACES = data.traces_root() / "nv_small"
SYNTH = data.traces_root() / "nv_small-synth"      # derived conv traces (image formats, 270 kernels)
EXT_FILELIST = os.environ.get("TB_RTL_FILELIST")
EXT_TOP = os.environ.get("TB_TOPLEVEL")

# Icarus: a quick subset, at least one trace of each unit
ICARUS_SUBSET = ("sdp_3x3x33_bs_bn_int8_1", "sdp_8x8x32_bypass_int8_1", "pdp_8x8x64_2x2_int8",
                 "pdp_7x9x10_3x3_int8", "cdp_8x8x32_lrn3_int8_0", "dc_4x1x8192_1x1x8192x1_int8_0",
                 "dc_14x7x49_3x4x49x32_int8_0")
# randomized memory timing: 3 seeds on every trace (Verilator); Icarus: one seed, subset
SEEDS = (1, 2, 3)
# traces too long to repeat for every seed (5M cycles): seed 1 only
ONE_SEED = ("dc_32x26x76_6x3x76x270_int8_0",)


def _dirs(prefixes=("sdp_", "pdp_", "cdp_", "dc_", "img_")) -> dict[str, Path]:
    """name -> directory of every selected trace (nv_small by prefix, and all of nv_small-synth)."""
    out = {}
    for root, pre in ((TRACES, prefixes), (SYNTH, None)):
        if root.is_dir():
            for p in sorted(root.iterdir()):
                if (pre is None or p.name.startswith(pre)) and (p / f"{p.name}.cfg").is_file():
                    out[p.name] = p
    return out


DIRS = _dirs()


def _names() -> list[str]:
    return sorted(DIRS)


def _params():
    out = []
    names = _names()
    for n in names:
        out.append(pytest.param("verilator", n, None, id=f"verilator-{n}"))
    for s in SEEDS:
        for n in names:
            if n in ONE_SEED and s != SEEDS[0]:
                continue
            out.append(pytest.param("verilator", n, s, id=f"verilator-{n}-seed{s}"))
    for n in ICARUS_SUBSET:
        if n in names:
            out.append(pytest.param("icarus", n, None, id=f"icarus-{n}"))
    if ICARUS_SUBSET[0] in names:
        out.append(pytest.param("icarus", ICARUS_SUBSET[0], 1, id=f"icarus-{ICARUS_SUBSET[0]}-seed1"))
    return out or [pytest.param("verilator", None, None, id="no-traces")]


_RESULTS: dict[tuple[str, object], dict] = {}


def _sim_skip(sim: str):
    from tb.runner import sim_available
    why = sim_available(sim)
    if why:
        pytest.skip(why)


def _run_group(request, sim: str, seed) -> dict:
    """Run every selected trace of this (sim, seed) in one simulator run, once per session."""
    key = (sim, seed)
    if key not in _RESULTS:
        from tb.runner import run_traces
        wanted = []
        for item in request.session.items:
            cs = getattr(item, "callspec", None)
            if cs is None or item.originalname != "test_trace_rtl":
                continue
            p = cs.params
            if p.get("sim") == sim and p.get("seed") == seed and p.get("trace"):
                wanted.append(p["trace"])
        dirs = [DIRS[n] for n in dict.fromkeys(wanted)]
        _RESULTS[key] = run_traces(sim, dirs, seed, EXT_FILELIST, EXT_TOP,
                                   tag=f"pytest-{sim}-s{seed}")
    return _RESULTS[key]


@pytest.mark.rtl
@pytest.mark.parametrize("sim,trace,seed", _params())
def test_trace_rtl(request, sim, trace, seed):
    if trace is None:
        pytest.skip(f"NVIDIA traces not found under {TRACES}")
    _sim_skip(sim)
    res = _run_group(request, sim, seed).get(trace)
    assert res is not None, f"{trace}: no result from the {sim} run (see build/{sim}/run-*/)"
    assert res["passed"], res["line"]
    # the golden model (fed by the CSB monitor) really compared the checked region
    assert res["model_checks"] >= 1, f"{trace}: not compared with the golden model ({res['line']})"
    if seed is None and res.get("nv_cycles"):
        # our RTL must not take more cycles than NVIDIA's nv_small; theirs include its reset/idle
        budget = res["nv_cycles"] - data.NV_RESET_IDLE_CYCLES
        assert res["cycles"] <= budget, \
            f"{trace}: {res['cycles']} cycles > nv_small's {res['nv_cycles']} - {data.NV_RESET_IDLE_CYCLES} idle"


def _run_case(sim: str, testcase: str, env=None, filelist=EXT_FILELIST, top=EXT_TOP,
              tag: str = "") -> dict:
    import json
    from tb.runner import BUILD, run_tests
    out = BUILD / sim / f"results-{testcase}{tag}-pytest-{os.getpid()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    try:
        run_tests(sim, testcase, {"TB_RESULTS": str(out), **(env or {})},
                  f"pytest-{testcase}{tag}", filelist, top)
    except (RuntimeError, SystemExit):
        pass                                   # a failed cocotb test: its failures are in out
    assert out.is_file(), f"{testcase} wrote no results (see build/{sim}/run-pytest-{testcase}{tag}/)"
    res = json.loads(out.read_text())
    out.unlink()
    return res


@pytest.mark.rtl
@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_register_readback_rtl(sim):
    """Every register of GLB/CDMA/CSC/CMAC_A/CMAC_B/CACC/SDP/PDP/CDP(+RDMA): reset value, both ping-pong groups written with
    distinct patterns read back masked to the map's fields; GLB interrupt set / w1c / dla_intr."""
    _sim_skip(sim)
    res = _run_case(sim, "RegTest")
    assert res["checked"] > 900
    assert not res["failures"], f"{len(res['failures'])} failures: {res['failures'][:5]}"


@pytest.mark.rtl
@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_unmapped_address_rtl(sim):
    _sim_skip(sim)
    res = _run_case(sim, "UnmappedTest")
    assert not res["failures"], res["failures"]


@pytest.mark.rtl
@pytest.mark.parametrize("sim,seed", [("verilator", None), ("verilator", 7), ("icarus", None)])
def test_python_built_sdp_ops_rtl(sim, seed):
    """Operations built from Python by register name (tb PyOpTest): SDP pass-through in both
    ping-pong groups equals its random input, and the golden model agrees."""
    _sim_skip(sim)
    res = _run_case(sim, "PyOpTest", {"TB_SEED": str(seed)} if seed else None,
                    tag=f"-s{seed}")
    assert not res["failures"], res["failures"]


@pytest.mark.rtl
def test_external_rtl_filelist_mode(tmp_path):
    """RTL_FILELIST/TOPLEVEL mode: a user file list (here naming our own hw/ through -y
    library lines and an explicit top file) builds and answers CSB (Icarus: cheap build)."""
    if EXT_FILELIST:
        pytest.skip("already running against external RTL")
    _sim_skip("icarus")
    f = tmp_path / "user.f"
    f.write_text(f"// a user's file list\n-y {REPO / 'hw'}\n-y {REPO / 'hw' / 'gen'}\n"
                 f"{REPO / 'hw' / 'nvsmall_top.v'}\n")
    res = _run_case("icarus", "UnmappedTest", filelist=f, top="nvsmall_top", tag="-ext")
    assert not res["failures"], res["failures"]


@pytest.mark.rtl
def test_random_memory_timing_really_changes_timing():
    """The seeded random mode must stretch the run (latency, back-pressure), reorder responses
    of different IDs, keep the output bit-exact, and give the same cycles for the same seed."""
    name = "sdp_23x13x42_bs_int8_mem_0"
    if not (TRACES / name).is_dir():
        pytest.skip(f"{TRACES / name} not found")
    _sim_skip("verilator")
    from tb.runner import run_traces
    d = [TRACES / name]
    fixed = run_traces("verilator", d, None, EXT_FILELIST, EXT_TOP, tag="pytest-rnd-fixed")[name]
    res = run_traces("verilator", d, 11, EXT_FILELIST, EXT_TOP, tag="pytest-rnd-11")[name]
    again = run_traces("verilator", d, 11, EXT_FILELIST, EXT_TOP, tag="pytest-rnd-11b")[name]
    assert fixed["passed"], fixed["line"]
    assert res["passed"], res["line"]
    assert res["cycles"] > fixed["cycles"] * 1.2, (res["cycles"], fixed["cycles"])
    assert again["cycles"] == res["cycles"]
    # responses of different AXI IDs were really returned out of order, and only then
    assert res["reorders"] > 0 and fixed["reorders"] == 0, (res["reorders"], fixed["reorders"])


@pytest.mark.rtl
def test_failures_name_first_byte_and_watchdog(tmp_path, monkeypatch):
    """The testbench's own failure paths: (1) an output that differs from the reference RTL bytes
    (here a copy of NVIDIA's bytes with one byte changed, in tmp) fails naming that byte; (2) a
    trace whose unit never raises its interrupt fails through the watchdog naming unit, group
    and cycles, without hanging; the next trace in the same run still passes."""
    name = "sdp_3x3x33_bs_bn_int8_1"
    if not (TRACES / name).is_dir():
        pytest.skip(f"{TRACES / name} not found")
    _sim_skip("verilator")
    from tb.runner import run_traces
    src = data.rtl_output_dir(TRACES / name) / "crc_900001c0_f00.bin"
    if not src.is_file():
        pytest.skip(f"{src} not found")
    ref = bytearray(src.read_bytes())
    ref[0x123] ^= 0x5A
    (tmp_path / "rtl" / name).mkdir(parents=True)
    (tmp_path / "rtl" / name / src.name).write_bytes(bytes(ref))
    monkeypatch.setenv("NVDLA_RTL_OUTPUT", str(tmp_path / "rtl"))
    silent = tmp_path / "traces" / "sdp_silent"
    silent.mkdir(parents=True)
    (silent / "sdp_silent.cfg").write_text(
        "reg_write(NVDLA_SDP.S_POINTER_0, 0x0);\n"
        "intr_notify(SDP_0, sync_id_0);\n"
        "check_crc(sync_id_0, 1, 0x80000000, 0x100, 0x0);\n")
    ok = TRACES / "sdp_1x1x1_pass_through_int8"
    res = run_traces("verilator", [TRACES / name, silent, ok], None, EXT_FILELIST, EXT_TOP,
                     tag="pytest-failpaths")
    bad = res[name]
    assert not bad["passed"]
    assert f"offset 0x123 (0x{0x900001c0 + 0x123:x})" in bad["line"], bad["line"]
    assert "NVIDIA's nv_small RTL output" in bad["line"]
    wd = res["sdp_silent"]
    assert not wd["passed"]
    assert "watchdog" in wd["line"] and "SDP register group 0" in wd["line"], wd["line"]
    assert " cycles" in wd["line"], wd["line"]
    assert wd["cycles"] >= 100_000
    assert res[ok.name]["passed"], res[ok.name]["line"]
