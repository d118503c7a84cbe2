"""NVIDIA's sdp/pdp/cdp and conv (dc_*, img_*, all of nv_small-synth) trace tests on the RTL
through the cocotb testbench (tb/), plus register
read-back and unmapped-address tests.  Parametrized over (simulator, trace, seed): seed None is
fixed memory timing, an integer seeds the randomized latency/back-pressure/reordering mode.

Tiers: one trace per unit per simulator with fixed timing is quick; every other trace and the
20 memory-timing seeds of every trace (Verilator) are ``slow`` (full tier).  The (trace, seed)
tests of one group (``xdist_group``: fixed timing, or a batch of SEED_BATCH seeds) that this
session selected run in ONE simulator run (the first test of the group starts it, the others
read its results), so -k selections stay cheap and xdist keeps a group on one worker.  A
failure prints the make command that replays it (SEED=n).  The truth is the trace's CRC, NVIDIA's nv_small RTL output bytes and the golden model.

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

# quick tier: one trace per unit per simulator (fixed memory timing); everything else is slow
QUICK = ("sdp_3x3x33_bs_bn_int8_1", "pdp_8x8x64_2x2_int8", "cdp_8x8x32_lrn3_int8_0",
         "dc_4x1x8192_1x1x8192x1_int8_0")
# Icarus (full tier): a subset, at least one trace of each unit
ICARUS_SUBSET = ("sdp_3x3x33_bs_bn_int8_1", "sdp_8x8x32_bypass_int8_1", "pdp_8x8x64_2x2_int8",
                 "pdp_7x9x10_3x3_int8", "cdp_8x8x32_lrn3_int8_0", "dc_4x1x8192_1x1x8192x1_int8_0",
                 "dc_14x7x49_3x4x49x32_int8_0")
# randomized memory timing (latency, back-pressure, reordering), full tier: every trace with
# N_SEEDS seeds on Verilator ($TB_N_SEEDS overrides), played SEED_BATCH seeds per trace in one
# simulator run; Icarus: one seed on the first subset trace
N_SEEDS = int(os.environ.get("TB_N_SEEDS", "20"))
SEED_BATCH = 5
# conv traces (dc_*, img_*): N_SEEDS seeds too, CONV_SEED_BATCH seeds of every conv trace per
# simulator run, in their own xdist groups (so that the two workers share them); the 5M-cycle
# trace: LONG_N_SEEDS seeds (20 like every trace; $TB_LONG_N_SEEDS lowers it for a quicker full
# run), one seed per simulator run, so that the two xdist workers share them.  Measured in CI
# (Verilator, 2 cores): a seed of the 5M-cycle trace ~31 s, the 20 add ~10 CPU-minutes
CONV_SEED_BATCH = 4
LONG = ("dc_32x26x76_6x3x76x270_int8_0",)
LONG_N_SEEDS = int(os.environ.get("TB_LONG_N_SEEDS", str(N_SEEDS)))


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


def _conv(name: str) -> bool:
    return name.startswith(("dc_", "img_"))


def _group(sim: str, seed, name: str | None = None) -> str:
    """One simulator run per group (and one xdist worker / shard for all its tests)."""
    if seed is None:
        return f"rtl-{sim}-fixed"
    if name in LONG:
        return f"rtl-{sim}-long-seed{seed}"
    if name is not None and _conv(name):
        return f"rtl-{sim}-conv-seeds{(seed - 1) // CONV_SEED_BATCH}"
    return f"rtl-{sim}-seeds{(seed - 1) // SEED_BATCH}"


def _p(sim, name, seed, quick=False):
    marks = [pytest.mark.xdist_group(_group(sim, seed, name))] + ([] if quick else [pytest.mark.slow])
    sid = "" if seed is None else f"-seed{seed}"
    return pytest.param(sim, name, seed, id=f"{sim}-{name}{sid}", marks=marks)


def _params():
    out = []
    names = _names()
    for n in names:
        out.append(_p("verilator", n, None, quick=n in QUICK))
    for s in range(1, N_SEEDS + 1):
        for n in names:
            if n in LONG and s > LONG_N_SEEDS:
                continue
            out.append(_p("verilator", n, s))
    for n in dict.fromkeys(QUICK + ICARUS_SUBSET):
        if n in names:
            out.append(_p("icarus", n, None, quick=n in QUICK))
    if ICARUS_SUBSET[0] in names:
        out.append(_p("icarus", ICARUS_SUBSET[0], 1))
    return out or [pytest.param("verilator", None, None, id="no-traces")]


_RESULTS: dict[str, dict] = {}


def _sim_skip(sim: str):
    from tb.runner import sim_available
    why = sim_available(sim)
    if why:
        pytest.skip(why)


def _run_group(request, sim: str, seed, name: str) -> dict:
    """Run every selected (trace, seed) of this test's group in one simulator run, once per
    session; {(trace, seed): result}."""
    group = _group(sim, seed, name)
    if group not in _RESULTS:
        from tb.runner import run_traces
        wanted = []
        for item in request.session.items:
            cs = getattr(item, "callspec", None)
            if cs is None or item.originalname != "test_trace_rtl":
                continue
            p = cs.params
            if (p.get("sim") == sim and p.get("trace")
                    and _group(sim, p.get("seed"), p.get("trace")) == group):
                wanted.append((p["trace"], p["seed"]))
        dirs = [DIRS[n] for n in dict.fromkeys(t for t, _ in wanted)]
        if seed is None:
            res = run_traces(sim, dirs, None, EXT_FILELIST, EXT_TOP, tag=f"pytest-{group}")
            _RESULTS[group] = {(n, None): r for n, r in res.items()}
        else:
            seeds = sorted({s for _, s in wanted})
            res = run_traces(sim, dirs, None, EXT_FILELIST, EXT_TOP, tag=f"pytest-{group}",
                             seeds=seeds)
            _RESULTS[group] = {(k.rsplit("|", 1)[0], int(k.rsplit("|", 1)[1])): r
                               for k, r in res.items()}
    return _RESULTS[group]


def replay_command(sim: str, trace: str, seed) -> str:
    cmd = f"make SIM={sim} TEST=trace TRACE={DIRS.get(trace, TRACES / trace)}"
    if seed is not None:
        cmd += f" SEED={seed}"
    if EXT_FILELIST:
        cmd += f" RTL_FILELIST={EXT_FILELIST} TOPLEVEL={EXT_TOP or 'NV_nvdla'}"
    return cmd


@pytest.mark.rtl
@pytest.mark.parametrize("sim,trace,seed", _params())
def test_trace_rtl(request, sim, trace, seed):
    if trace is None:
        pytest.skip(f"NVIDIA traces not found under {TRACES}")
    _sim_skip(sim)
    res = _run_group(request, sim, seed, trace).get((trace, seed))
    what = f"{trace} ({sim}, " + ("fixed memory timing)" if seed is None else f"memory timing seed {seed})")
    replay = f"; replay: {replay_command(sim, trace, seed)}"
    assert res is not None, f"{what}: no result from the {sim} run (see build/{sim}/run-*/){replay}"
    assert res["passed"], f"{what}: {res['line']}{replay}"
    # the golden model (fed by the CSB monitor) really compared the checked region
    assert res["model_checks"] >= 1, f"{what}: not compared with the golden model ({res['line']})"
    if seed is None and res.get("nv_cycles"):
        # our RTL must not take more cycles than NVIDIA's nv_small; theirs include its reset/idle
        budget = res["nv_cycles"] - data.NV_RESET_IDLE_CYCLES
        assert res["cycles"] <= budget, \
            f"{trace}: {res['cycles']} cycles > nv_small's {res['nv_cycles']} - {data.NV_RESET_IDLE_CYCLES} idle"
    if seed is not None:
        assert res.get("seed") == seed, f"{what}: played with seed {res.get('seed')}"


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
@pytest.mark.icarus
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
@pytest.mark.verilator
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
@pytest.mark.verilator
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
    # nothing happens on CSB, AXI or the interrupt: the idle watchdog ends it, not the cycle limit
    from tb.env import IDLE_LIMIT
    assert "idle watchdog" in wd["line"], wd["line"]
    assert IDLE_LIMIT <= wd["cycles"] < IDLE_LIMIT + 200, wd["cycles"]
    assert res[ok.name]["passed"], res[ok.name]["line"]


@pytest.mark.rtl
def test_stuck_engine_fails_fast_naming_the_unit(monkeypatch):
    """An engine whose DMA never gets its read data (tb_top's mem_hold_r test hook, $TB_HOLD_R)
    fails within the idle limit (a few thousand cycles, not 10x the trace's cycles), naming the
    units enabled and still running and the read bursts outstanding; the next trace of the same
    run passes.  The cycle limit of a trace without a summary.csv row scales with its work."""
    name, ok = "sdp_23x13x42_bs_int8_mem_0", "sdp_1x1x1_pass_through_int8"
    if not (TRACES / name).is_dir() or not (TRACES / ok).is_dir():
        pytest.skip(f"{TRACES / name} not found")
    _sim_skip("verilator")
    from tb.env import IDLE_LIMIT
    from tb.runner import run_traces
    monkeypatch.setenv("TB_HOLD_R", name)
    res = run_traces("verilator", [TRACES / name, TRACES / ok], None, EXT_FILELIST, EXT_TOP,
                     tag="pytest-stuck")
    bad = res[name]
    assert not bad["passed"]
    line = bad["line"]
    assert "idle watchdog" in line and "SDP register group 0 never raised its interrupt" in line, line
    assert "SDP_RDMA group 0 running" in line and "SDP group 0 running" in line, line
    assert f"AXI {bad['axi']['rd_outstanding']} read / " in line and bad["axi"]["rd_outstanding"] > 0, line
    assert bad["cycles"] < IDLE_LIMIT + 2000, bad["cycles"]
    assert res[ok]["passed"], res[ok]["line"]


def test_cycle_limit_scales_with_work():
    """Without a summary.csv row the cycle limit follows the programmed work (work_cycles), which
    on NVIDIA's traces is within 0.25-4x nv_small's cycles, not a fixed floor."""
    from model.trace import parse_cfg
    from tb.sequences import WATCHDOG_FACTOR, work_cycles
    cases = {n: data.nvidia_cycles(n) for n in ("sdp_23x13x42_bs_int8_mem_0",
                                                "dc_35x22x54_6x8x54x29_int8_0",
                                                "dc_24x33x55_5x5x55x25_int8_0")}
    if not all((TRACES / n).is_dir() and c for n, c in cases.items()):
        pytest.skip(f"traces or summary.csv not found under {TRACES}")
    for n, nv in cases.items():
        w = work_cycles(parse_cfg(TRACES / n / f"{n}.cfg"))
        assert nv - data.NV_RESET_IDLE_CYCLES < WATCHDOG_FACTOR * w / 2, (n, w, nv)
    # hand-computed: SDP 23x13x42 = 12,558 elements, enabled on SDP_RDMA and SDP: 25,116
    assert work_cycles(parse_cfg(TRACES / "sdp_23x13x42_bs_int8_mem_0" /
                                 "sdp_23x13x42_bs_int8_mem_0.cfg")) == 2 * 23 * 13 * 42


@pytest.mark.rtl
def test_dma_r_backpressure_seeded(monkeypatch):
    """A seeded run makes our DMA hold R back pseudo-randomly (+nvs_dma_rready_seed, from the
    memory seed): the same trace and memory seed take more cycles with it than without
    ($TB_DMA_RREADY_SEED=0), stay bit-exact (vs NVIDIA's RTL bytes and the model) and
    reproducible, and the checker sees every burst answered."""
    if EXT_FILELIST:
        pytest.skip("our DMA only")
    name = "sdp_23x13x42_bs_int8_mem_0"
    if not (TRACES / name).is_dir():
        pytest.skip(f"{TRACES / name} not found")
    _sim_skip("verilator")
    from tb.runner import run_traces
    d = [TRACES / name]
    on = run_traces("verilator", d, 5, tag="pytest-rr-on")[name]
    again = run_traces("verilator", d, 5, tag="pytest-rr-on2")[name]
    monkeypatch.setenv("TB_DMA_RREADY_SEED", "0")
    off = run_traces("verilator", d, 5, tag="pytest-rr-off")[name]
    for r in (on, off):
        assert r["passed"], r["line"]
        assert r["axi"]["violations"] == 0 and r["axi"]["rd_outstanding"] == 0, r["axi"]
    assert on["cycles"] > off["cycles"] * 1.05, (on["cycles"], off["cycles"])
    assert again["cycles"] == on["cycles"]


@pytest.mark.rtl
def test_user_trace_without_rtl_bytes_ew_rule(tmp_path, monkeypatch):
    """A user's trace outside ../shared has no RTL bytes: an SDP EW trace whose CRC nv_small
    cannot meet (no EW stage) passes by the golden model's "expected CRC difference" rule, as
    on the model (python -m model.trace), with the bytes judged by the golden model; a trace
    whose CRC is wrong without such a reason still fails."""
    ew, plain = "sdp_3x3x33_ew_int8_reg_0", "sdp_3x3x33_bs_bn_int8_1"
    if not (TRACES / ew).is_dir() or not (TRACES / plain).is_dir():
        pytest.skip(f"{TRACES / ew} not found")
    _sim_skip("verilator")
    import shutil
    from model.trace import run_trace
    from tb.runner import run_traces
    users = tmp_path / "user-traces"
    shutil.copytree(TRACES / ew, users / ew)
    bad = users / "sdp_wrong_crc"
    bad.mkdir()
    shutil.copy(TRACES / plain / f"{plain}.dat", bad / f"{plain}.dat")
    cfg = (TRACES / plain / f"{plain}.cfg").read_text()
    assert "0xdb8d3a94" in cfg
    (bad / "sdp_wrong_crc.cfg").write_text(cfg.replace("0xdb8d3a94", "0xdb8d3a95"))
    monkeypatch.setenv("NVDLA_RTL_OUTPUT", str(tmp_path / "no-rtl-bytes"))
    model = run_trace(users / ew)                 # the model's verdict on the same trace
    assert model.passed and any("expected CRC difference" in n for n in model.notes), model.line()
    res = run_traces("verilator", [users / ew, bad], None, EXT_FILELIST, EXT_TOP, tag="pytest-ew")
    r = res[ew]
    assert r["passed"], r["line"]
    assert "expected CRC difference" in r["line"] and "judged by the golden model" in r["line"]
    assert r["model_checks"] >= 1
    w = res["sdp_wrong_crc"]
    assert not w["passed"] and "CRC expected 0xdb8d3a95" in w["line"], w["line"]


@pytest.mark.skipif("TB_N_SEEDS" in os.environ or "TB_LONG_N_SEEDS" in os.environ,
                    reason="seed counts lowered by TB_N_SEEDS / TB_LONG_N_SEEDS")
def test_full_tier_plays_20_timing_seeds_of_every_trace():
    """The regression's promise: every sdp/pdp/cdp/conv trace with seeds 1..20 of randomized
    memory timing on Verilator, besides its fixed-timing run (the 5M-cycle trace included)."""
    if not DIRS:
        pytest.skip(f"no traces under {TRACES}")
    seeds: dict[str, set] = {n: set() for n in DIRS}
    for p in _params():
        sim, name, seed = p.values
        if sim == "verilator" and seed is not None:
            seeds[name].add(seed)
    short = {n: len(s) for n, s in seeds.items() if not set(range(1, 21)) <= s}
    assert not short, f"traces with fewer than 20 timing seeds: {short}"
    assert LONG[0] in DIRS and len(seeds[LONG[0]]) >= 20
