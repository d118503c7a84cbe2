"""WAVES=1 (tb.run --waves): one FST per trace from a separate waves build, its path in the
result; the ordinary build has no dump module and writes no FST. Checked in the FST header
(block type 0 = header, big-endian end time in the file's timescale units, simulator name)."""
from __future__ import annotations

from pathlib import Path

import pytest

from model import data
from tb.env import CLK_NS

TRACES = data.traces_root() / "nv_small"
NAMES = ("sdp_3x3x33_bn_int8_mem_0", "pdp_8x8x32_1x1_int8_0")


def _fst_header(p: Path) -> tuple[int, int, bytes]:
    b = p.read_bytes()[:400]
    assert b[0] == 0, "first block is not the FST header"
    end = int.from_bytes(b[17:25], "big")
    exponent = int.from_bytes(b[73:74], "big", signed=True)      # timescale as a power of ten
    return end, exponent, b


def _traces():
    ts = [TRACES / n for n in NAMES]
    for t in ts:
        if not t.is_dir():
            pytest.skip(f"NVIDIA trace {t} not found (set NVDLA_TRACES)")
    return ts


def _sim(sim):
    from tb.runner import sim_available
    why = sim_available(sim)
    if why:
        pytest.skip(why)


def _check(res, wdir, ts, sim_name: bytes):
    for t in ts:
        r = res[t.name]
        assert r["passed"], r["line"]
        wf = wdir / f"{t.name}.fst"
        assert r["waves"] == str(wf.resolve()) and wf.is_file()
        end, exp, head = _fst_header(wf)
        assert sim_name in head
        # the dump runs to the end of the trace: at least its cycles (after reset) of CLK_NS
        ps = end * 10 ** (exp + 12)
        assert ps >= r["cycles"] * CLK_NS * 1000, (ps, r["cycles"])


def test_icarus_waves_per_trace(tmp_path):
    from tb.runner import BUILD, run_traces
    ts = _traces()
    _sim("icarus")
    wdir = tmp_path / "waves"
    res = run_traces("icarus", ts, waves_dir=wdir)
    _check(res, wdir, ts, b"Icarus Verilog")
    # waves off: the ordinary build, no dump module in it, no FST written
    res = run_traces("icarus", ts[:1])
    assert res[ts[0].name]["passed"] and "waves" not in res[ts[0].name]
    assert not list((BUILD / "icarus").rglob("*.fst"))
    assert (BUILD / "icarus-waves").is_dir()


@pytest.mark.slow
def test_verilator_waves_fst(tmp_path):
    from tb.runner import run_traces
    ts = _traces()[:1]
    _sim("verilator")
    wdir = tmp_path / "waves"
    res = run_traces("verilator", ts, waves_dir=wdir)
    _check(res, wdir, ts, b"Verilator")


def test_tb_run_bad_output_dirs(tmp_path):
    """--keep-dumps / --waves-dir naming a file: one line, exit 2, before any simulation."""
    import subprocess
    import sys
    ts = _traces()
    f = tmp_path / "file"
    f.write_text("x")
    repo = Path(__file__).resolve().parents[2]
    for opt in ("--keep-dumps", "--waves-dir"):
        r = subprocess.run([sys.executable, "-m", "tb.run", "--sim", "icarus", opt, str(f), str(ts[0])],
                           cwd=repo, capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, (opt, r.stderr)
        assert "not a directory" in r.stderr
