"""tb/bench.py's conv table: target judgement, n/a rows while our RTL has no conv engine, and
the capability check (no simulator needed)."""
from __future__ import annotations

import io

import pytest

from model.bounds import ConvBounds
from model.nvdla import CONV_UNITS
from tb import bench


@pytest.mark.parametrize("cycles,bound,nv,want", [
    (54_000, 50_000, 60_000, []),                          # within 1.1x and below nv_small
    (55_001, 50_000, 60_000, ["> 1.1x bound"]),            # 1.1 * 50,000 = 55,000
    (55_000, 50_000, 54_999, ["> nv_small"]),
    (70_000, 50_000, 60_000, ["> nv_small", "> 1.1x bound"]),
    (20_000, 9_000, 25_000, []),                           # bound <= 10,000: only vs nv_small
    (20_000, 10_000, 25_000, []),                          # "exceeds 10,000": 10,000 is not
    (30_000, 9_000, 25_000, ["> nv_small"]),
    (80_000, 50_000, None, ["> 1.1x bound"]),              # nv_small's cycles unknown
])
def test_conv_misses(cycles, bound, nv, want):
    assert bench.conv_misses(cycles, bound, nv) == want


def _setup(tmp_path):
    """Three fake conv traces under a traces root with a summary.csv (nv_small cycles = the
    reset/idle cycles + 60,000)."""
    from model.data import NV_RESET_IDLE_CYCLES
    root = tmp_path / "traces"
    (root / "nv_small-rtl-output").mkdir(parents=True)
    names = ["dc_a", "dc_b", "dc_c", "dc_d"]
    rows = ["trace,rtl_result,base,size,expected_crc,rtl_crc,rtl_cycles"]
    traces = []
    for n in names:
        d = root / "nv_small" / n
        d.mkdir(parents=True)
        traces.append(d)
        rows.append(f"{n},PASS,0x0,0x10,0x0,0x0,{NV_RESET_IDLE_CYCLES + 60_000}")
    (root / "nv_small-rtl-output" / "summary.csv").write_text("\n".join(rows) + "\n")
    # MAC bound 50,000 each (the larger: memory 1,000 cycles)
    bnds = {n: ConvBounds(50_000, 4_000, 4_000, 0) for n in names}
    return traces, bnds


def test_conv_table_judges_each_trace(tmp_path):
    traces, bnds = _setup(tmp_path)
    res = {"dc_a": dict(passed=True, cycles=52_000, wall=2.0),     # met
           "dc_b": dict(passed=True, cycles=58_000, wall=2.0),     # > 1.1x bound
           "dc_c": dict(passed=False, cycles=1_000, wall=0.5)}     # fails; dc_d: no result
    out = io.StringIO()
    rc = bench.conv_table(traces, bnds, res, None, out)
    lines = {ln.split()[0]: ln for ln in out.getvalue().splitlines() if ln.startswith("dc_")}
    assert rc == 1
    assert lines["dc_a"].endswith("met") and " 1.040 " in lines["dc_a"]     # 52,000 / 50,000
    assert "60,000" in lines["dc_a"] and " 1.200 " in lines["dc_a"]          # nv/bound
    assert "26000" in lines["dc_a"]                                          # cycles/s
    assert lines["dc_b"].endswith("MISSED: > 1.1x bound")
    assert lines["dc_c"].endswith("trace failed") and " FAIL " in lines["dc_c"]
    assert lines["dc_d"].endswith("no result")
    text = out.getvalue()
    assert "target never more cycles than nv_small: met on all 2" in text
    assert "MISSED on 1 of 2: dc_b" in text
    assert "1 conv traces failed on our RTL (targets judged on passing traces only): dc_c" in text
    out = io.StringIO()
    assert bench.conv_table(traces[2:3], bnds, res, None, out) == 1
    assert "than nv_small: not judged (no passing trace it applies to)" in out.getvalue()


def test_conv_table_na_without_conv_engine(tmp_path):
    traces, bnds = _setup(tmp_path)
    bnds["dc_d"] = "dc_d: fails on the golden model: ..."
    out = io.StringIO()
    rc = bench.conv_table(traces, bnds, None, "our RTL has no conv engine", out)
    rows = [ln for ln in out.getvalue().splitlines() if ln.startswith("dc_")]
    assert rc == 1                                    # the bounds error, not the n/a rows
    assert all(" n/a " in r and r.endswith("n/a") for r in rows[:3])
    assert "50,000" in rows[0]                        # the bounds are still printed
    assert rows[3].startswith("dc_d") and "ERROR" in rows[3]
    assert "targets: not judged, our cycles n/a: our RTL has no conv engine" in out.getvalue()
    bnds.pop("dc_d")
    assert bench.conv_table(traces[:3], bnds, None, "no conv", io.StringIO()) == 0


def test_conv_engine_capability_check(monkeypatch):
    import hw.gen_top as gt
    monkeypatch.setattr(gt, "present_units", lambda: ["SDP", "PDP", "CDP"])
    why = bench.conv_engine_missing()
    assert why is not None and all(u in why for u in CONV_UNITS) and "not instantiated" in why
    monkeypatch.setattr(gt, "present_units", lambda: ["SDP", *CONV_UNITS])
    assert bench.conv_engine_missing() is None

    def broken():
        raise gt.WiringError("hw/nvs_x.v: no ANSI header of module nvs_x")
    monkeypatch.setattr(gt, "present_units", broken)
    assert "cannot tell which units hw/ has: hw/nvs_x.v" in bench.conv_engine_missing()
