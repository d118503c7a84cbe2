"""tb/diff.py: dump diff with layout and pattern diagnosis.

Each pattern is made by corrupting a golden dump of a real NVIDIA trace in that way (the
rounding one by running the golden model with round-half-even at the SDP shifters); the
diagnosis must name it first. Figures (first (c,h,w) and address, counts, max/mean) are
computed here from the byte offsets with the layout formula written out, not by tb.diff.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model import data, fixed
from model import sdp as sdp_mod
from model.trace import TraceRunner, parse_cfg
from tb import diff

REPO = Path(__file__).resolve().parents[2]
TRACES = data.traces_root() / "nv_small"
CUBE_TRACE = "sdp_23x13x42_bs_int8_mem_0"      # C=42 H=13 W=23: 6 padding lanes, 6 surfaces
TIE_TRACE = "sdp_3x3x33_bn_int8_mem_0"         # SDP BN shifter meets ties


def _need(name):
    if not (TRACES / name).is_dir():
        pytest.skip(f"NVIDIA trace {TRACES / name} not found (set NVDLA_TRACES)")


def golden(name):
    """(bytes of the first checked region, its layout, region base) of a golden-model run."""
    _need(name)
    r = TraceRunner(TRACES / name)
    res = r.run()
    assert res.passed, res.message
    chk = [c for c in parse_cfg(r.cfg) if c.kind == "check_crc"][0]
    base, size = chk.args[2], chk.args[3]
    return r.dev.mem.read(base, size), diff.layout_from_model(r.dev, base, size), base


def loc(off, ls, ss):
    """(surface, h, w, lane) of a byte offset by the nv_small cube formula."""
    s, rem = divmod(off, ss)
    h, rem = divmod(rem, ls)
    w, lane = divmod(rem, 8)
    return s, h, w, lane


def elem_offsets(C, H, W, ls, ss):
    c = np.arange(C)[:, None, None]
    return (c // 8) * ss + np.arange(H)[None, :, None] * ls + np.arange(W)[None, None, :] * 8 + c % 8


@pytest.fixture(scope="module")
def cube():
    g, lay, base = golden(CUBE_TRACE)
    assert (lay.kind, lay.c, lay.h, lay.w) == ("cube", 42, 13, 23)
    return g, lay, base


def _first_by_address(offs_changed, ls, ss):
    off = int(min(offs_changed))
    s, h, w, lane = loc(off, ls, ss)
    return (s * 8 + lane, h, w), off


def test_golden_vs_itself_equal(cube):
    g, lay, _ = cube
    rep = diff.compare(g, g.copy(), lay)
    assert rep.mismatches == 0 and rep.findings == [] and rep.correct_ratio == 1.0
    assert rep.total == 48 * 13 * 23


def test_padding_lanes(cube):
    g, lay, base = cube
    ls, ss = lay.line_stride, lay.surf_stride
    off = elem_offsets(48, 13, 23, ls, ss)[42:]               # lanes 42..47 of surface 5
    bad = g.copy()
    bad[off.ravel()] ^= 1
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "padding-lanes", rep.findings
    assert rep.mismatches == 6 * 13 * 23
    assert rep.first == (42, 0, 0) and rep.first_addr == base + 5 * ss + 2
    assert rep.max_abs == 1 and rep.mean_abs == 1.0
    assert rep.per_channel == {c: 13 * 23 for c in range(42, 48)}


def test_shifted_copy(cube):
    g, lay, base = cube
    ls, ss = lay.line_stride, lay.surf_stride
    off = elem_offsets(48, 13, 23, ls, ss)
    E = g[off].view(np.int8).astype(np.int64)
    bad = g.copy()
    # the RTL wrote each line one atom late: element w holds expected w-1 (w >= 1)
    bad[off[:, :, 1:].ravel()] = g[off[:, :, :-1].ravel()]
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "shifted", rep.findings
    assert "w-1" in str(rep.findings[0])
    changed = np.flatnonzero(g != bad)
    assert rep.mismatches == int((E[:, :, 1:] != E[:, :, :-1]).sum()) == changed.size
    first, a = _first_by_address(changed, ls, ss)
    assert rep.first == first and rep.first_addr == base + a


def test_shifted_by_three_bytes(cube):
    g, lay, base = cube
    bad = np.zeros_like(g)
    bad[3:] = g[:-3]                      # the RTL wrote the whole region 3 bytes late
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "shifted", rep.findings
    assert "+3 bytes" in str(rep.findings[0])
    changed = np.flatnonzero(g != bad)
    first, a = _first_by_address(changed, lay.line_stride, lay.surf_stride)
    assert rep.first == first and rep.first_addr == base + a


def test_clamp_seven_bits(cube):
    g, lay, base = cube
    ls, ss = lay.line_stride, lay.surf_stride
    v = g.view(np.int8).astype(np.int64)
    bad = np.minimum(v, 63).astype(np.int8).view(np.uint8)     # a 7-bit saturation
    changed = np.flatnonzero(g != bad)
    assert changed.size > 20
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "clamp", rep.findings
    assert "63" in str(rep.findings[0]) and "7-bit" in str(rep.findings[0])
    assert rep.mismatches == changed.size
    d = v[changed] - 63
    assert rep.max_abs == int(d.max()) and rep.mean_abs == pytest.approx(float(d.mean()))
    first, a = _first_by_address(changed, ls, ss)
    assert rep.first == first and rep.first_addr == base + a


def _round_half_even_sat(v, shift, width):
    """Mutated shifter: round half to even instead of half away from zero."""
    a = np.asarray(v, dtype=np.int64)
    s = np.asarray(shift, dtype=np.int64)
    fl = a >> s
    rem = a - (fl << s)
    half = np.where(s > 0, np.int64(1) << np.maximum(s - 1, 0), 0)
    up = (rem > half) | ((rem == half) & (s > 0) & ((fl & 1) == 1))
    return fixed.sat(fl + up, width)


def test_rounding_mutated_model(monkeypatch):
    g, lay, base = golden(TIE_TRACE)
    monkeypatch.setattr(sdp_mod, "shift_right_round_sat", _round_half_even_sat)
    r = TraceRunner(TRACES / TIE_TRACE)
    r.run()
    chk = [c for c in parse_cfg(r.cfg) if c.kind == "check_crc"][0]
    bad = r.dev.mem.read(base, chk.args[3])
    monkeypatch.undo()
    changed = np.flatnonzero(g != bad)
    assert changed.size > 0
    d = bad[changed].view(np.int8).astype(np.int64) - g[changed].view(np.int8).astype(np.int64)
    assert np.all(np.abs(d) == 1)                   # independent check of the mutation
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "rounding", rep.findings
    assert rep.mismatches == changed.size and rep.max_abs == 1 and rep.mean_abs == 1.0
    first, a = _first_by_address(changed, lay.line_stride, lay.surf_stride)
    assert rep.first == first and rep.first_addr == base + a


def test_border_rows(cube):
    g, lay, base = cube
    ls, ss = lay.line_stride, lay.surf_stride
    off = elem_offsets(48, 13, 23, ls, ss)
    bad = g.copy()
    rows = off[:, [0, 12], :].ravel()
    bad[rows] = (bad[rows].astype(np.int64) + 5).astype(np.uint8)
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "border", rep.findings
    assert "top 1" in str(rep.findings[0]) and "bottom 1" in str(rep.findings[0])
    assert rep.mismatches == 48 * 2 * 23
    assert rep.per_row == {0: 48 * 23, 12: 48 * 23}
    assert rep.first == (0, 0, 0) and rep.first_addr == base


def test_one_channel_group(cube):
    g, lay, base = cube
    ls, ss = lay.line_stride, lay.surf_stride
    off = elem_offsets(48, 13, 23, ls, ss)[16:24].ravel()
    bad = g.copy()
    bad[off] = (bad[off].astype(np.int64) + 3).astype(np.uint8)
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "channel-group", rep.findings
    assert "group 2" in str(rep.findings[0])
    assert rep.mismatches == 8 * 13 * 23
    assert rep.first == (16, 0, 0) and rep.first_addr == base + 2 * ss
    assert rep.per_channel == {c: 13 * 23 for c in range(16, 24)}


def test_everything_shift_off_by_one(cube):
    g, lay, base = cube
    v = g.view(np.int8).astype(np.int64)
    bad = np.clip(v * 2, -128, 127).astype(np.int8).view(np.uint8)   # converter shift one less
    rep = diff.compare(g, bad, lay)
    assert rep.diagnosis == "everything", rep.findings
    assert "2^1" in str(rep.findings[0])
    off = elem_offsets(48, 13, 23, lay.line_stride, lay.surf_stride)
    e = v[off]
    assert rep.mismatches == int(((e != 0) & (e != -128) & (e != 127)).sum())   # fixed points of sat(2x)
    assert rep.correct_ratio == pytest.approx(1 - rep.mismatches / (48 * 13 * 23))


def test_hand_made_cube_figures():
    """C=10 H=2 W=3, line stride 32, surface stride 80 (two surfaces, lanes 10..15 padding)."""
    ls, ss = 32, 80
    exp = np.zeros(160, dtype=np.uint8)
    got = exp.copy()
    # element (c=9, h=1, w=2) at 1*80 + 1*32 + 2*8 + 1 = 129: 0 -> -4 ; (c=3, h=0, w=1) at 11: 0 -> 2
    got[129] = np.uint8(256 - 4)
    got[11] = 2
    got[150] = 7                     # outside the layout (after surface 1's last line)
    lay = diff.Layout("cube", c=10, h=2, w=3, line_stride=ls, surf_stride=ss, base=0x1000)
    rep = diff.compare(exp, got, lay)
    assert rep.total == 16 * 2 * 3
    assert rep.mismatches == 2
    assert rep.first == (3, 0, 1) and rep.first_addr == 0x1000 + 11
    assert rep.max_abs == 4 and rep.mean_abs == 3.0
    assert rep.per_channel == {3: 1, 9: 1} and rep.per_row == {0: 1, 1: 1}
    assert rep.outside_bytes == 1
    assert rep.correct_ratio == pytest.approx(94 / 96)


def test_data_channel_figures_leave_padding_lanes_out():
    """C=10 in two surfaces: lanes 10..15 of surface 1 are padding. A padding lane that differs
    counts in mismatches/total (every lane of the surfaces) but not in the data-channel figures
    (10 x 2 x 3 elements), whose first difference is the first data element in address order."""
    ls, ss = 32, 80
    exp = np.zeros(160, dtype=np.uint8)
    got = exp.copy()
    got[80 + 0 * 32 + 0 * 8 + 7] = 9         # (c=15, h=0, w=0): a padding lane, lowest address
    got[80 + 1 * 32 + 2 * 8 + 1] = 5         # (c=9, h=1, w=2): data
    got[0 * 80 + 1 * 32 + 0 * 8 + 3] = 250   # (c=3, h=1, w=0): data, lower address than (9,1,2)
    lay = diff.Layout("cube", c=10, h=2, w=3, line_stride=ls, surf_stride=ss)
    rep = diff.compare(exp, got, lay)
    assert (rep.total, rep.mismatches) == (96, 3)
    assert (rep.data_total, rep.data_mismatches) == (60, 2)
    assert rep.data_first == (3, 1, 0) and rep.data_first_values == (0, -6)
    assert any("over the 10 data channels" in ln and "2 of 60" in ln for ln in rep.lines())
    only_pad = exp.copy()
    only_pad[80 + 7] = 1
    rep = diff.compare(exp, only_pad, lay)
    assert rep.mismatches == 1 and rep.data_mismatches == 0 and rep.data_first is None


def test_weight_layout_kernel_group():
    from model.cdma import pack_weights
    rng = np.random.default_rng(1)
    w = rng.integers(-100, 100, size=(24, 5, 3, 3)).astype(np.int8)
    blob = pack_weights(w)
    w2 = w.copy()
    w2[8:16] = np.clip(w2[8:16].astype(int) + 1, -128, 127)
    lay = diff.Layout("weight", k=24, c=5, r=3, s=3)
    rep = diff.compare(blob, pack_weights(w2), lay)
    assert rep.findings[0].pattern in ("channel-group", "rounding")
    assert any(f.pattern == "channel-group" and "kernel group" in f.detail for f in rep.findings)
    assert rep.mismatches == 8 * 5 * 9 and rep.first == (8, 0, 0)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tb.diff", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_dump_dir_and_errors(tmp_path, cube):
    g, lay, base = cube
    bad = g.copy()
    bad[5 * lay.surf_stride + 2] ^= 0x10          # one padding lane (42, 0, 0)
    d = diff.write_check_dump(tmp_path, CUBE_TRACE, "check_crc_line9", base, g.size,
                              {"golden": g, "rtl": bad}, lay)
    r = _cli(tmp_path)
    assert r.returncode == 1, r.stderr
    assert "first mismatch at (c=42, h=0, w=0)" in r.stdout and "padding-lanes" in r.stdout
    r = _cli(d, "--json")
    assert r.returncode == 1
    js = json.loads(r.stdout)
    assert js[0]["mismatches"] == 1 and js[0]["findings"][0]["pattern"] == "padding-lanes"
    (tmp_path / "e.bin").write_bytes(bytes(160))
    (tmp_path / "g.bin").write_bytes(bytes(160))
    (tmp_path / "short.bin").write_bytes(bytes(100))
    ok = _cli(tmp_path / "e.bin", tmp_path / "g.bin", "--layout", "cube", "--c", 10, "--h", 2,
              "--w", 3, "--line-stride", 32, "--surf-stride", 80)
    assert ok.returncode == 0 and "equal" in ok.stdout
    for args, what in (
            ((tmp_path / "nope.bin", tmp_path / "g.bin"), "no such file"),
            ((tmp_path / "e.bin", tmp_path / "short.bin"), "bytes"),
            ((tmp_path / "e.bin", tmp_path / "g.bin", "--layout", "cube", "--c", 10, "--h", 2,
              "--w", 30, "--line-stride", 240, "--surf-stride", 480), "needs"),
            ((tmp_path / "e.bin", tmp_path / "g.bin", "--layout", "cube", "--c", 10, "--h", 2,
              "--w", 3, "--line-stride", 16, "--surf-stride", 80), "overlap"),
            ((tmp_path / "nodir",), "no such file"),
            ((tmp_path / "e.bin",), "no kept dump")):
        r = _cli(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and what in r.stderr, r.stderr
    (d / "layout.json").write_text('{"kind": "cube", "c": 0}')
    r = _cli(d)
    assert r.returncode == 2 and "layout.json" in r.stderr


def test_keep_dumps_from_the_rtl_run(tmp_path):
    """TEST=trace with --keep-dumps leaves golden/RTL/NVIDIA dumps + layout that tb.diff reads."""
    from tb.runner import run_traces, sim_available
    _need(TIE_TRACE)
    why = sim_available("icarus")
    if why:
        pytest.skip(why)
    res = run_traces("icarus", [TRACES / TIE_TRACE], keep_dumps=tmp_path)
    assert res[TIE_TRACE]["passed"], res[TIE_TRACE]["line"]
    dirs = diff.check_dirs(tmp_path)
    assert len(dirs) == 1
    d = dirs[0]
    assert {p.name for p in d.iterdir()} == {"golden.bin", "rtl.bin", "nvidia.bin", "layout.json"}
    lay = diff.load_layout(d / "layout.json")
    assert (lay.kind, lay.c, lay.h, lay.w) == ("cube", 33, 3, 3)
    for a, b in (("golden", "rtl"), ("nvidia", "rtl")):
        assert diff.compare_dir(d, a, b).mismatches == 0
    # an RTL that wrote every surface one line late (line stride / base bug)
    rtl = np.fromfile(d / "rtl.bin", dtype=np.uint8)
    moved = np.zeros_like(rtl)
    moved[lay.line_stride:] = rtl[:-lay.line_stride]
    (d / "rtl.bin").write_bytes(moved.tobytes())
    rep = diff.compare_dir(d)
    assert rep.diagnosis == "shifted" and "h-1" in str(rep.findings[0]), rep.findings


def test_image_and_operand_layouts_hand_made():
    # image: 4 components (A8B8G8R8), H=2, W=3, line stride 16: (c, h, w) at h*16 + w*4 + c
    exp = np.arange(32, dtype=np.uint8) * 3
    got = exp.copy()
    got[1 * 16 + 2 * 4 + 1] = 250               # (c=1, h=1, w=2), expected 3*25 = 75
    lay = diff.Layout("image", c=4, h=2, w=3, line_stride=16, base=0x2000)
    rep = diff.compare(exp, got, lay)
    assert rep.total == 24 and rep.mismatches == 1
    assert rep.first == (1, 1, 2) and rep.first_addr == 0x2000 + 25
    assert rep.first_values == (75, 250) and rep.max_abs == 175
    # operand: int16 little-endian in the cube layout, C=3 H=1 W=2, line 32, surf 32
    e16 = np.zeros(16, dtype="<i2")
    e16[[0, 1, 2, 8, 9, 10]] = [100, -200, 300, 400, -500, 600]   # (c, 0, w): w*8 + c
    g16 = e16.copy()
    g16[9] = -499                                # (c=1, h=0, w=1)
    lay = diff.Layout("operand", c=3, h=1, w=2, line_stride=32, surf_stride=32, elem_bytes=2)
    rep = diff.compare(e16.view(np.uint8), g16.view(np.uint8), lay)
    assert rep.mismatches == 1 and rep.first == (1, 0, 1) and rep.first_addr == 18
    assert rep.first_values == (-500, -499) and rep.diagnosis == "rounding"
