"""cocotb bench for the convolution pipeline's units standalone (hw/nvs_cmac.v, nvs_cacc.v,
nvs_cbuf.v, nvs_csc_wl.v, nvs_csc.v, nvs_cdma.v), each its own Verilator build.

Run by tests/hw/test_conv_units.py through the cocotb runner: CONV_UNIT names the unit,
CONV_CASES the cases (comma-separated), CONV_RESULT the JSON file that receives, per case,
{"ok": bool, "msg": first difference or error, "info": numbers}. The cases run one after
another in one simulation, each after a reset; a case's failure is recorded and the next runs.

Truth: numpy (CMAC products), the golden model's named functions (model.cacc.truncate /
saturation_count, model.cdma.fetch_feature / fetch_image / pack_weights, model.conv.accumulate),
and the units' documented port behaviour (CBUF: registered reads of two entries, old data on a
same-cycle write). Each case has a cycle watchdog.
"""
from __future__ import annotations

import json
import os
import random
import traceback
from collections import deque

import numpy as np

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge

from model import cacc as mcacc
from model import cdma as mcdma
from model import conv as mconv
from model.memory import Memory
from model.regs import REGMAP, RegView

CMAC_LATENCY = 1          # nvs_cmac: one register stage (inputs at edge t -> outputs after edge t)
NS = 16                   # points per stripe (PW = 4, the units' default parameter)


class Mismatch(AssertionError):
    pass


# ------------------------------------------------------------------ packing helpers
def pack(vals, width: int) -> int:
    m = (1 << width) - 1
    out = 0
    for i, v in enumerate(np.asarray(vals).reshape(-1).tolist()):
        out |= (int(v) & m) << (width * i)
    return out


def unpack(x: int, n: int, width: int, signed: bool = True) -> np.ndarray:
    m = (1 << width) - 1
    v = np.array([(x >> (width * i)) & m for i in range(n)], dtype=np.int64)
    if signed:
        v = np.where(v >> (width - 1), v - (1 << width), v)
    return v


def first_diff(exp, got, what: str, index_name=None) -> None:
    """Raise Mismatch naming the first differing element (and the count), if any."""
    exp = np.asarray(exp)
    got = np.asarray(got)
    if exp.shape != got.shape:
        raise Mismatch(f"{what}: shape {got.shape}, expected {exp.shape}")
    bad = np.argwhere(exp != got)
    if bad.size:
        i = tuple(int(v) for v in bad[0])
        where = index_name(i) if index_name else str(i)
        raise Mismatch(f"{what}: {len(bad)} of {exp.size} differ; first at {where}: "
                       f"expected {exp[i]}, got {got[i]}")


def regs_from(fields: dict) -> RegView:
    """RegView from {register full name: {field: value}}."""
    vals = {}
    for name, fl in fields.items():
        reg = REGMAP[name]
        v = vals.get(name, reg.reset)
        for fn, fv in fl.items():
            v = reg.field(fn).put(v, fv)
        vals[name] = v
    return RegView(vals)


def port_name(reg, fld) -> str:
    rn = reg.name[:-2] if reg.name.endswith("_0") else reg.name
    return f"{reg.unit.lower()}_{rn.lower()}_{fld.name.lower()}"


def drive_config(dut, rv: RegView, units) -> int:
    """Drive every config port of the DUT named after a register field; returns how many."""
    n = 0
    for u in units:
        for reg in REGMAP.unit_regs(u):
            for fld in reg.fields:
                name = port_name(reg, fld)
                if hasattr(dut, name):
                    getattr(dut, name).value = fld.get(rv.raw(reg.full_name))
                    n += 1
    return n


# Ports a unit may have or not (CBUF residency / data reuse, post Y-extension): driven, when
# present, with the values that mean "none of it": the data banks start at entry 0, nothing kept
# or skipped, no Y-extension; the data ring is the whole of CBUF (rd_ring) or the data banks.
OPTIONAL_PORTS = {"dat_wr_start": 0, "dat_skip": 0, "wt_skip": 0, "dat_base": 0, "dat_kept": 0,
                  "yx": 0, "rd_ring": 1 << 14, "dat_ring": 1 << 14}


def drive_optional(dut, **over):
    for n, v in {**OPTIONAL_PORTS, **over}.items():
        if hasattr(dut, n):
            getattr(dut, n).value = v


async def reset(dut, zero=()):
    for n in zero:
        getattr(dut, n).value = 0
    drive_optional(dut)
    if hasattr(dut, "rstn"):
        dut.rstn.value = 0
    for _ in range(2):
        await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    if hasattr(dut, "rstn"):
        dut.rstn.value = 1


# ================================================================== CMAC
def _cmac_ref(x, w):
    """x (8,) int8, w (8 kernels, 8 channels) int8 -> (8,) exact sums."""
    return np.asarray(w, np.int64) @ np.asarray(x, np.int64)


async def _cmac_stream(dut, ops):
    """Drive ops [(valid, x(8), w(8,8), pt, bank, first, end)] one per cycle (at falling edges)
    and check every output against the op CMAC_LATENCY cycles earlier. Returns results seen."""
    d = dut
    n = len(ops)
    seen = 0
    for t in range(n + CMAC_LATENCY + 2):
        await FallingEdge(d.clk)
        j = t - CMAC_LATENCY           # op whose result this sample shows
        ov = int(d.out_valid.value)
        ev = ops[j][0] if 0 <= j < n else 0
        if ov != ev:
            raise Mismatch(f"cycle {t}: out_valid {ov}, expected {ev} (op {j}, latency "
                           f"{CMAC_LATENCY})")
        if ev:
            _, x, w, pt, bank, first, end = ops[j]
            got = unpack(int(d.out_sum.value), 8, 19)
            exp = _cmac_ref(x, w)
            first_diff(exp, got, f"op {j} (cycle {t}) out_sum",
                       lambda i: f"kernel {i[0]} (x={x.tolist()}, w[k]={w[i[0]].tolist()})")
            tags = (int(d.out_pt.value), int(d.out_bank.value), int(d.out_first.value),
                    int(d.out_end.value))
            if tags != (pt, bank, first, end):
                raise Mismatch(f"op {j}: tags (pt, bank, first, end) {tags}, expected "
                               f"{(pt, bank, first, end)}")
            seen += 1
        if t < n:
            v, x, w, pt, bank, first, end = ops[t]
            d.in_valid.value = v
            d.in_data.value = pack(x, 8)
            d.in_wt.value = pack(w, 8)           # kernel-major: byte 8k + c
            d.in_pt.value = pt
            d.in_bank.value = bank
            d.in_first.value = first
            d.in_end.value = end
        else:
            d.in_valid.value = 0
    return seen


CMAC_CORNERS = (-128, -127, -1, 0, 1, 127)


def _cmac_ops(rng, n, p_valid=1.0, corners=True):
    ops = []
    for t in range(n):
        kind = rng.integers(0, 6) if corners else 0
        x = rng.integers(-128, 128, 8)
        w = rng.integers(-128, 128, (8, 8))
        if kind == 1:                      # -128 * -128 everywhere: 8 * 2^14 per kernel
            x[:] = -128
            w[:] = -128
        elif kind == 2:                    # -128 * 127: most negative sum
            x[:] = -128
            w[:] = 127
        elif kind == 3:                    # zero weights for some kernels
            w[rng.integers(0, 8, 3)] = 0
        elif kind == 4:                    # one product -1: sign extension of a small negative
            x[:] = 0
            w[:] = 0
            c = rng.integers(0, 8)
            x[c] = -1
            w[:, c] = 1
        elif kind == 5:                    # mixed corner values
            x = rng.choice(CMAC_CORNERS, 8)
            w = rng.choice(CMAC_CORNERS, (8, 8))
        v = int(rng.random() < p_valid)
        ops.append((v, x, w, int(rng.integers(0, 32)), int(rng.integers(0, 2)),
                    int(rng.integers(0, 2)), int(rng.integers(0, 2))))
    return ops


async def cmac_full_rate(dut):
    """300 back-to-back issues (random and corner operands): one result every cycle."""
    rng = np.random.default_rng(1)
    ops = _cmac_ops(rng, 300)
    seen = await _cmac_stream(dut, ops)
    if seen != 300:
        raise Mismatch(f"{seen} results for 300 issues")
    return {"results": seen, "cycles": 300, "latency": CMAC_LATENCY}


async def cmac_corners(dut):
    """Every pair of corner values in all 64 lanes (sum 8*a*b), then one-hot lanes: each single
    product a*b for a, b corner values in one (kernel, channel) lane, the rest 0."""
    ops = []
    for a in CMAC_CORNERS:
        for b in CMAC_CORNERS:
            ops.append((1, np.full(8, a), np.full((8, 8), b), 0, 0, 0, 0))
    rng = np.random.default_rng(2)
    for a in CMAC_CORNERS:
        for b in CMAC_CORNERS:
            k, c = rng.integers(0, 8, 2)
            x = np.zeros(8, np.int64)
            w = np.zeros((8, 8), np.int64)
            x[c] = a
            w[k, c] = b
            ops.append((1, x, w, 1, 1, 1, 1))
    seen = await _cmac_stream(dut, ops)
    return {"results": seen}


async def cmac_bubbles(dut):
    """Issues with random gaps: out_valid follows in_valid CMAC_LATENCY cycles later."""
    rng = np.random.default_rng(3)
    ops = _cmac_ops(rng, 400, p_valid=0.5)
    seen = await _cmac_stream(dut, ops)
    return {"results": seen}


async def cmac_latency_reset(dut):
    """A lone issue after idle shows exactly CMAC_LATENCY cycles later, for one cycle; a reset
    during a stream clears out_valid."""
    x = np.arange(-4, 4)
    w = np.arange(64).reshape(8, 8) - 32
    ops = [(0, x, w, 0, 0, 0, 0)] * 3 + [(1, x, w, 5, 1, 1, 0)] + [(0, x, w, 0, 0, 0, 0)] * 3
    await _cmac_stream(dut, ops)
    d = dut
    d.in_valid.value = 1
    await FallingEdge(d.clk)
    await FallingEdge(d.clk)
    if int(d.out_valid.value) != 1:
        raise Mismatch("out_valid not set during a stream")
    d.rstn.value = 0
    await FallingEdge(d.clk)
    if int(d.out_valid.value) != 0:
        raise Mismatch("out_valid still set during reset")
    d.rstn.value = 1
    d.in_valid.value = 0
    return {}


CMAC_CASES = {"full_rate": cmac_full_rate, "corners": cmac_corners, "bubbles": cmac_bubbles,
              "latency_reset": cmac_latency_reset}
CMAC_INPUTS = ("in_valid", "in_data", "in_wt", "in_pt", "in_bank", "in_first", "in_end")


# ================================================================== CACC
class CaccBench:
    """Drives nvs_cacc as CSC/CMAC would (stripes into alternating banks, a bank refilled only
    after its bank_free pulse) and collects its SDP stream with optional back-pressure."""

    def __init__(self, dut, seed=0, p_ready=1.0, p_gap=0.0):
        self.d = dut
        self.rng = random.Random(seed)
        self.p_ready, self.p_gap = p_ready, p_gap
        self.out: list[np.ndarray] = []
        self.frees: list[int] = []
        self.bbusy = [False, False]
        self.cycle = 0

    async def monitor(self):
        """At each falling edge: bank_free pulses, and the SDP handshake of the coming rising
        edge (out_valid/out_data are stable, out_ready is driven now)."""
        d = self.d
        while True:
            await FallingEdge(d.clk)
            self.cycle += 1
            bf = int(d.bank_free.value)
            for b in (0, 1):
                if bf >> b & 1:
                    self.frees.append(b)
                    self.bbusy[b] = False
            r = int(self.rng.random() < self.p_ready)
            d.out_ready.value = r
            if r and int(d.out_valid.value):
                self.out.append(unpack(int(d.out_data.value), 8, 32))

    async def stripes(self, stripes, clip):
        """stripes: list of arrays (steps, np, 8) of int19 values; issue them in order."""
        d = self.d
        d.cacc_d_clip_cfg_clip_truncate.value = clip
        bank = 0
        for vals in stripes:
            steps, npt, _ = vals.shape
            wait = 0
            while self.bbusy[bank]:
                await FallingEdge(d.clk)
                d.in_valid.value = 0
                wait += 1
                if wait > 10000:
                    raise Mismatch(f"watchdog: bank {bank} never freed (bank_free)")
            self.bbusy[bank] = True
            for st in range(steps):
                for p in range(npt):
                    while self.p_gap and self.rng.random() < self.p_gap:
                        await FallingEdge(d.clk)
                        d.in_valid.value = 0
                    await FallingEdge(d.clk)
                    d.in_valid.value = 1
                    d.in_sum.value = pack(vals[st, p], 19)
                    d.in_pt.value = p
                    d.in_bank.value = bank
                    d.in_first.value = int(st == 0)
                    d.in_end.value = int(st == steps - 1 and p == npt - 1)
            bank ^= 1
        await FallingEdge(d.clk)
        d.in_valid.value = 0

    async def run(self, stripes, clip, check_sat=True):
        d = self.d
        d.start.value = 1
        await FallingEdge(d.clk)
        d.start.value = 0
        mon = cocotb.start_soon(self.monitor())
        try:
            await self.stripes(stripes, clip)
            npts = sum(v.shape[1] for v in stripes)
            wait = 0
            while len(self.out) < npts or not int(d.idle.value):
                await FallingEdge(d.clk)
                wait += 1
                if wait > 20000:
                    raise Mismatch(f"watchdog: {len(self.out)} of {npts} points drained, "
                                   f"idle={int(d.idle.value)}")
            for _ in range(3):
                await FallingEdge(d.clk)
        finally:
            mon.cancel()
        sums = np.concatenate([v.sum(axis=0) for v in stripes])         # (npts, 8) exact
        exp = mcacc.truncate(sums, clip)
        got = np.array(self.out, dtype=np.int64).reshape(-1, 8)
        first_diff(exp, got, f"CACC output (clip {clip})",
                   lambda i: f"point {i[0]} kernel {i[1]} (accumulated {sums[i]})")
        want_free = [i % 2 for i in range(len(stripes))]
        if self.frees != want_free:
            raise Mismatch(f"bank_free pulses {self.frees}, expected {want_free} (one per stripe, "
                           "in fill order)")
        if check_sat:
            nsat = mcacc.saturation_count(sums, clip)
            got_sat = int(d.sat_count.value)
            if got_sat != nsat:
                raise Mismatch(f"sat_count {got_sat}, expected {nsat} (clip {clip})")
        return {"points": int(npts), "sat": int(d.sat_count.value)}


def _split(target: np.ndarray, steps: int, rng) -> np.ndarray:
    """(steps, ...) int19 values summing exactly to target (|target| <= steps * (2^18 - 1))."""
    lim = (1 << 18) - 1
    t = np.asarray(target, np.int64)
    parts = np.zeros((steps,) + t.shape, np.int64)
    rem = t.copy()
    for s in range(steps - 1):
        left = steps - 1 - s
        # keep what remains reachable by the later steps, with some random spread
        lo = np.maximum(-lim, rem - left * lim)
        hi = np.minimum(lim, rem + left * lim)
        mid = np.clip(rem // (left + 1), lo, hi)
        jitter = rng.integers(-1000, 1001, t.shape)
        parts[s] = np.clip(mid + jitter, lo, hi)
        rem = rem - parts[s]
    parts[-1] = rem
    assert np.all(np.abs(parts) <= lim + 1)
    return parts


def _near_ties(clip: int, n: int, rng) -> np.ndarray:
    """Values around the rounding points of a shift by clip: m*2^s + 2^(s-1) + {-1, 0, 1},
    both signs, plus the low-bit-only sticky patterns of clip >= 17 and random values."""
    s = clip
    out = []
    for _ in range(n):
        m = int(rng.integers(-3, 4)) if s < 24 else int(rng.integers(-1, 2))
        base = m << s
        if s == 0:
            out.append(base + int(rng.integers(-5, 6)))
            continue
        half = 1 << (s - 1)
        kind = int(rng.integers(0, 5))
        if kind == 0:
            out.append(base + half)                       # exact tie
        elif kind == 1:
            out.append(base + half + int(rng.choice([-1, 1])))
        elif kind == 2 and s >= 17:
            out.append(base + half + (1 << int(rng.integers(0, s - 16))))   # invisible sticky
        elif kind == 3:
            out.append(-(base + half))
        else:
            out.append(int(rng.integers(-(1 << (s + 1)), 1 << (s + 1))))
    return np.array(out, np.int64)


async def cacc_stripes(dut):
    """Three stripes (16, 5, 16 points x 3 steps, random 19-bit sums) for clip 0, 5, 16."""
    rng = np.random.default_rng(4)
    info = {}
    for clip in (0, 5, 16):
        st = [rng.integers(-(1 << 18), 1 << 18, (3, n, 8)) for n in (16, 5, 16)]
        b = CaccBench(dut, seed=clip)
        info[clip] = await b.run(st, clip)
    return info


async def cacc_clip_all(dut):
    """Every CLIP_TRUNCATE 0..31 on values at and around its rounding ties (positive and
    negative, RTL sticky window for clip >= 17), each lane accumulated over enough steps."""
    rng = np.random.default_rng(5)
    info = {}
    for clip in range(32):
        vals = _near_ties(clip, 8, rng).reshape(1, 8)             # 1 point x 8 kernels
        steps = max(2, -(-int(np.abs(vals).max()) // ((1 << 18) - 1)))
        st = [_split(vals, steps, rng)]
        b = CaccBench(dut, seed=clip)
        info[clip] = (await b.run(st, clip))["points"]
    return {"clips": 32}


async def cacc_saturation(dut):
    """Saturation: SAT_32 (clip 0, |sum| > 2^31) and SAT_34 (|sum| > 2^33, clip 1, 3) counted in
    sat_count; a lane that leaves the 34-bit range and comes back is exact (40-bit sums)."""
    rng = np.random.default_rng(6)
    info = {}
    big = (1 << 33) + 12345
    for clip, targets in ((0, [(1 << 31) + 5, -(1 << 31) - 7, (1 << 31) - 1, -(1 << 31),
                               3, -3, (1 << 32), -(1 << 32)]),
                          (1, [big, -big, (1 << 32) + 1, -(1 << 32) - 1, 7, -7, 0, 1]),
                          (3, [big, -big, (1 << 34) - 8, 1 << 30, -(1 << 30), 5, -5, 0])):
        t = np.array(targets, np.int64).reshape(1, 8)
        steps = -(-int(np.abs(t).max()) // ((1 << 18) - 1)) + 1
        parts = _split(t, steps, rng)
        b = CaccBench(dut, seed=clip)
        info[clip] = await b.run([parts], clip)
    # out and back: partial sums beyond 2^33, final sum small (exact 40-bit accumulation)
    steps = 2 * ((1 << 33) // ((1 << 18) - 1)) + 200
    half = steps // 2
    lane = np.full((steps, 1, 8), (1 << 18) - 1, np.int64)
    lane[half:] = -((1 << 18) - 1)
    lane[-1, 0, :] += np.arange(8) * 1000                 # stays inside 19 bits
    lane[0, 0, :] -= (7 - np.arange(8)) * 1500            # final sums -10500 .. 7000
    assert lane[:half].sum(axis=0).max() > 1 << 33        # the partial sums left 34 bits
    b = CaccBench(dut, seed=9)
    info["out_and_back"] = await b.run([lane], 0)
    return info


async def cacc_backpressure(dut):
    """Eight stripes of mixed sizes through both banks with SDP back-pressure and issue gaps:
    output in fill order, one bank_free pulse per stripe, sat_count over the whole layer."""
    rng = np.random.default_rng(7)
    sizes = (16, 16, 1, 9, 16, 3, 16, 8)
    st = [rng.integers(-(1 << 18), 1 << 18, (int(rng.integers(1, 5)), n, 8))
          for n in sizes]
    b = CaccBench(dut, seed=11, p_ready=0.4, p_gap=0.2)
    return await b.run(st, 2)


CACC_CASES = {"stripes": cacc_stripes, "clip_all": cacc_clip_all, "saturation": cacc_saturation,
              "backpressure": cacc_backpressure}
CACC_INPUTS = ("start", "cacc_d_clip_cfg_clip_truncate", "in_valid", "in_sum", "in_pt", "in_bank",
               "in_first", "in_end", "out_ready")


# ================================================================== CBUF
CBUF_ENTRIES = 1 << 14


class CbufRef:
    """Reference of nvs_cbuf's documented behaviour: reads registered (data the cycle after the
    request), two entries {addr+1, addr} (wrapping), a same-cycle write not yet visible."""

    def __init__(self):
        self.mem: dict[int, int] = {}

    def read2(self, a):
        lo = self.mem.get(a % CBUF_ENTRIES)
        hi = self.mem.get((a + 1) % CBUF_ENTRIES)
        return lo, hi


async def _cbuf_cycle(d, ref, ops, expect):
    """One cycle: check the read data expected from the previous cycle, then drive ops
    {wd: (addr, data), ww: ..., rd: addr, rw: addr}; returns what to expect next cycle."""
    await FallingEdge(d.clk)
    for port, (a, lo, hi) in expect.items():
        bits = str(getattr(d, f"{port}_data").value)              # MSB first; X on Icarus
        ghi, glo = (int(b, 2) if set(b) <= {"0", "1"} else None for b in (bits[:64], bits[64:]))
        for part, e, g, ea in (("entry addr", lo, glo, a), ("entry addr+1", hi, ghi, a + 1)):
            if e is not None and e != g:
                gs = "X" if g is None else f"0x{g:016x}"
                raise Mismatch(f"{port} read of 0x{a:04x}: {part} (0x{ea % CBUF_ENTRIES:04x}) "
                               f"= {gs}, expected 0x{e:016x}")
    nxt = {}
    for port in ("rd", "rw"):
        a = ops.get(port)
        getattr(d, f"{port}_en").value = int(a is not None)
        if a is not None:
            getattr(d, f"{port}_addr").value = a
            nxt[port] = (a,) + ref.read2(a)        # contents before this cycle's writes
    for port in ("wd", "ww"):
        w = ops.get(port)
        getattr(d, f"{port}_en").value = int(w is not None)
        if w is not None:
            getattr(d, f"{port}_addr").value = w[0]
            getattr(d, f"{port}_data").value = w[1]
    for port in ("wd", "ww"):
        w = ops.get(port)
        if w is not None:
            ref.mem[w[0]] = w[1]
    return nxt


async def cbuf_bank_split(dut):
    """CDMA's split: data port writes banks 0..DATA_BANK, weight port the next banks, both in the
    same cycles; every entry read back through both read ports (two entries per read)."""
    d = dut
    ref = CbufRef()
    rng = random.Random(12)
    data_bank, weight_bank = 5, 3
    dat = list(range(0, (data_bank + 1) * 512, 7))
    wbase = (data_bank + 1) * 512
    wts = list(range(wbase, wbase + (weight_bank + 1) * 512, 5))
    exp = {}
    n = max(len(dat), len(wts))
    for i in range(n):
        ops = {}
        if i < len(dat):
            ops["wd"] = (dat[i], rng.getrandbits(64))
        if i < len(wts):
            ops["ww"] = (wts[i], rng.getrandbits(64))
        exp = await _cbuf_cycle(d, ref, ops, exp)
    reads = 0
    allw = dat + wts
    for i in range(len(allw)):
        ops = {"rd": allw[i], "rw": allw[-1 - i]}
        exp = await _cbuf_cycle(d, ref, ops, exp)
        reads += 2
    await _cbuf_cycle(d, ref, {}, exp)
    return {"writes": len(allw), "reads": reads}


async def cbuf_read_after_write(dut):
    """Read-after-write timing: a read in the cycle of the write returns the old entry, the next
    cycle the new one; rd_en = 0 holds the read data; the last entry's partner wraps to 0."""
    d = dut
    ref = CbufRef()
    exp = {}
    seq = [
        {"wd": (100, 0x1111), "ww": (101, 0x2222)},
        {"rd": 100, "rw": 100},                       # new data (written last cycle)
        {"wd": (100, 0x3333), "rd": 100, "rw": 99},   # same cycle: old 0x1111
        {"rd": 100},                                  # now 0x3333
        {},                                           # rd_en = 0: rd_data holds
        {"ww": (CBUF_ENTRIES - 1, 0xAAAA), "wd": (0, 0xBBBB)},
        {"rd": CBUF_ENTRIES - 1, "rw": CBUF_ENTRIES - 1},   # {entry 0, last entry}
        {"ww": (5000, 0xC0FFEE), "rw": 5000, "rd": 4999},
        {"rw": 5000, "rd": 4999},
    ]
    held = None
    for i, ops in enumerate(seq):
        exp = await _cbuf_cycle(d, ref, ops, exp)
        if i == 4:                      # rd_data now: the read of cycle 3; rd_en = 0 driven
            held = str(d.rd_data.value)
        if i == 5 and str(d.rd_data.value) != held:     # after the edge without a read
            raise Mismatch(f"rd_data changed while rd_en was 0: {held} -> {d.rd_data.value}")
    await _cbuf_cycle(d, ref, {}, exp)
    return {"cycles": len(seq)}


async def cbuf_random_ports(dut):
    """3000 cycles of random traffic on all four ports (two writers on distinct entries, also in
    one bank; both readers, also on one entry) against the reference."""
    d = dut
    ref = CbufRef()
    rng = random.Random(13)
    exp = {}
    hot = [rng.randrange(CBUF_ENTRIES) for _ in range(64)]    # small set: many collisions
    for _ in range(3000):
        ops = {}
        def pick():
            return rng.choice(hot) if rng.random() < 0.8 else rng.randrange(CBUF_ENTRIES)
        if rng.random() < 0.6:
            ops["wd"] = (pick(), rng.getrandbits(64))
        if rng.random() < 0.6:
            a = pick()
            if "wd" in ops and a == ops["wd"][0]:
                a = (a + 1) % CBUF_ENTRIES            # one writer per entry (documented)
            ops["ww"] = (a, rng.getrandbits(64))
        if rng.random() < 0.7:
            ops["rd"] = pick()
        if rng.random() < 0.7:
            ops["rw"] = ops["rd"] if ("rd" in ops and rng.random() < 0.3) else pick()
        exp = await _cbuf_cycle(d, ref, ops, exp)
    await _cbuf_cycle(d, ref, {}, exp)
    return {"cycles": 3000}


CBUF_CASES = {"bank_split": cbuf_bank_split, "read_after_write": cbuf_read_after_write,
              "random_ports": cbuf_random_ports}
CBUF_INPUTS = ("wd_en", "ww_en", "rd_en", "rw_en", "wd_addr", "ww_addr", "rd_addr", "rw_addr",
               "wd_data", "ww_data")


# ================================================================== weight ring (CSC_WL, CSC)
GARBAGE = 0xEEEEEEEEEEEEEEEE          # contents of a CBUF entry nobody wrote


def entries_of(blob: np.ndarray) -> list[int]:
    """A byte blob as 8-byte little-endian CBUF entries (last one zero-filled)."""
    b = np.zeros(-(-blob.size // 8) * 8, np.uint8)
    b[:blob.size] = blob
    return [int(v) for v in b.view("<u8")]


class WeightRing:
    """CDMA's side of the weight ring as its port contract states: entry i (absolute) of the
    weight blob goes to CBUF entry wbase + i % wcap once i < released + wcap; wt_entries counts
    the entries written. Also checks that a read never touches a released or unwritten entry."""

    def __init__(self, cbuf: dict, blob_entries: list[int], wbase: int, wcap: int, rng,
                 p_write: float = 1.0):
        self.cbuf, self.ent, self.wbase, self.wcap = cbuf, blob_entries, wbase, wcap
        self.rng, self.p = rng, p_write
        self.written = 0
        self.slot_abs: dict[int, int] = {}

    def step(self, released: int, burst: int = 1):
        for _ in range(burst):
            if (self.written < len(self.ent) and self.written < released + self.wcap
                    and self.rng.random() < self.p):
                slot = self.wbase + self.written % self.wcap
                self.cbuf[slot] = self.ent[self.written]
                self.slot_abs[slot] = self.written
                self.written += 1

    def check_read(self, slot: int, released: int, who: str):
        a = self.slot_abs.get(slot)
        if a is None:
            raise Mismatch(f"{who}: read of CBUF entry 0x{slot:04x} before CDMA wrote it")
        if a < released:
            raise Mismatch(f"{who}: read of CBUF entry 0x{slot:04x} (weight entry {a}) after "
                           f"its release (wt_released = {released})")


def cbuf_read2(cbuf: dict, a: int) -> int:
    lo = cbuf.get(a % CBUF_ENTRIES, GARBAGE)
    hi = cbuf.get((a + 1) % CBUF_ENTRIES, GARBAGE)
    return lo | hi << 64


def expected_sets(w: np.ndarray, nst: int):
    """The weight sets nvs_csc_wl delivers, in order: kg -> stripe -> cg -> r -> s; set byte
    8*kl + cl = W[8kg+kl][8cg+cl][r][s] (0 outside K, C). Yields ((kg, st, cg, r, s), (8, 8))."""
    k, c, r, s = w.shape
    for kg in range(-(-k // 8)):
        for st in range(nst):
            for cg in range(-(-c // 8)):
                for rr in range(r):
                    for ss in range(s):
                        m = np.zeros((8, 8), np.int64)
                        blk = w[8 * kg:8 * kg + 8, 8 * cg:8 * cg + 8, rr, ss]
                        m[:blk.shape[0], :blk.shape[1]] = blk
                        yield (kg, st, cg, rr, ss), m


def as_int8(x: int, nbytes: int) -> np.ndarray:
    return np.frombuffer(x.to_bytes(nbytes, "little"), np.int8).astype(np.int64)


async def _wl_case(dut, k, c, r, s, nst, wbase, wcap, seed, p_write=1.0, p_pop=1.0, burst=1):
    d = dut
    rng = random.Random(seed)
    w = np.random.default_rng(seed).integers(-128, 128, (k, c, r, s))
    blob = mcdma.pack_weights(w)
    crs = c * r * s
    cbuf: dict[int, int] = {}
    ring = WeightRing(cbuf, entries_of(blob), wbase, wcap, rng, p_write)
    d.k.value, d.c.value, d.r_n.value, d.s_n.value = k, c, r, s
    d.nst.value, d.crs.value, d.wbase.value, d.wcap.value = nst, crs, wbase, wcap
    d.wt_entries.value = 0
    d.set_pop.value = 0
    d.start.value = 1
    await FallingEdge(d.clk)
    d.start.value = 0
    exp = list(expected_sets(w, nst))
    got = 0
    releases = []
    pending = None                 # read request latched at the coming edge
    limit = 60 * len(exp) * 8 + 20000
    cyc = 0
    reads = 0
    while got < len(exp):
        await FallingEdge(d.clk)
        cyc += 1
        if cyc > limit:
            raise Mismatch(f"watchdog: {got} of {len(exp)} sets after {cyc} cycles "
                           f"(wt_entries {ring.written})")
        released = int(d.wt_released.value)
        if not releases or releases[-1] != released:
            if released:
                releases.append(released)
        # CBUF: data of the read latched at the last edge
        if pending is not None:
            d.rw_data.value = cbuf_read2(cbuf, pending)
        # set queue head: pop with probability p_pop
        pop = 0
        if int(d.set_valid.value) and rng.random() < p_pop:
            pop = 1
            where, m = exp[got]
            g = as_int8(int(d.set_data.value), 64).reshape(8, 8)
            first_diff(m, g, f"weight set {got} (kg, stripe, cg, r, s) = {where}",
                       lambda i: f"kernel {i[0]} channel {i[1]} of the set")
            got += 1
        d.set_pop.value = pop
        ring.step(released, burst)
        d.wt_entries.value = ring.written
        await ReadOnly()
        if int(d.rw_en.value):
            a = int(d.rw_addr.value)
            if not wbase <= a < wbase + wcap:
                raise Mismatch(f"read of CBUF entry 0x{a:04x} outside the weight ring "
                               f"[0x{wbase:04x}, 0x{wbase + wcap:04x})")
            ring.check_read(a, released, "csc_wl")
            pending = a
            reads += 1
        else:
            pending = None
    await FallingEdge(d.clk)
    d.set_pop.value = 0
    for _ in range(4):
        await FallingEdge(d.clk)
    released = int(d.wt_released.value)
    if releases[-1:] != [released]:
        releases.append(released)
    ngroups = -(-k // 8)
    want = [crs * (g + 1) for g in range(ngroups)]
    if releases != want:
        raise Mismatch(f"wt_released steps {releases}, expected {want} (one per kernel group, "
                       "after its last stripe)")
    if int(d.set_valid.value):
        raise Mismatch("set_valid after the last expected set")
    return {"sets": len(exp), "reads": reads, "cycles": cyc, "entries": ring.written}


async def wl_k8_c8_3x3(dut):
    """K=8, C=8, 3x3, 2 stripes; all weights present, pops every cycle."""
    return await _wl_case(dut, 8, 8, 3, 3, 2, wbase=4 * 512, wcap=4 * 512, seed=20)


async def wl_partial_groups(dut):
    """K=13, C=11, 2x3, 3 stripes: partial kernel (5) and channel (3) groups, sets packed across
    entry boundaries; weights trickle in, pops with back-pressure."""
    return await _wl_case(dut, 13, 11, 2, 3, 3, wbase=2 * 512, wcap=2 * 512, seed=21,
                          p_write=0.5, p_pop=0.6)


async def wl_ring_wrap(dut):
    """K=32, C=48, 3x3 (432 entries per kernel group) in a one-bank ring (512 entries) at the
    last bank: the ring wraps three times, each group released after its last set."""
    return await _wl_case(dut, 32, 48, 3, 3, 1, wbase=31 * 512, wcap=512, seed=22,
                          p_write=0.8, p_pop=0.8, burst=2)


async def wl_slow_writer(dut):
    """K=16, C=20, 1x1, 4 stripes: one weight entry every ~10 cycles; the loader waits."""
    return await _wl_case(dut, 16, 20, 1, 1, 4, wbase=512, wcap=1024, seed=23,
                          p_write=0.1, p_pop=0.3)


async def wl_one_byte_sets(dut):
    """K=1, C=1, 5x5, 2 stripes: 1-byte sets, 25 of them in 4 entries."""
    return await _wl_case(dut, 1, 1, 5, 5, 2, wbase=8 * 512, wcap=512, seed=24, p_pop=0.5)


WL_CASES = {"k8_c8_3x3": wl_k8_c8_3x3, "partial_groups": wl_partial_groups,
            "ring_wrap": wl_ring_wrap, "slow_writer": wl_slow_writer,
            "one_byte_sets": wl_one_byte_sets}
WL_INPUTS = ("start", "k", "c", "r_n", "s_n", "nst", "crs", "wbase", "wcap", "wt_entries",
             "rw_data", "set_pop")


# ================================================================== CSC
FEAT, PIX = 0, 1
CSC_BASE_IN, CSC_BASE_WT = 0x10000, 0x80000


def conv_regs(p: dict) -> RegView:
    """CDMA + CSC registers of a small direct convolution case ``p`` (see CSC_P / CDMA_P)."""
    c, h, w = p["c"], p["h"], p["w"]
    k, r, s = p["k"], p["r"], p["s"]
    pixel = p.get("pixel", False)
    fmt = mcdma.PIXEL_FORMATS[p.get("fmt", 0)] if pixel else None
    bpp = fmt.bytes_per_pixel if pixel else 8
    ls = p.get("line_stride", -(-(w + p.get("x_off", 0)) * bpp // 8) * 8 if pixel else w * 8)
    ss = p.get("surf_stride", ls * h)
    cext = (len(fmt.order) - 1) if pixel else c - 1
    mean = [v & 0xFFFF for v in p.get("mean", (0,) * 4)]
    cvt_off, cvt_scale, cvt_trunc = p.get("cvt", (0, 1, 0))
    db, wb = p.get("banks", (7, 3))
    (sy, sx), (dy, dx) = p.get("stride", (1, 1)), p.get("dil", (1, 1))
    (ptop, pleft), (ho, wo) = p.get("pad", (0, 0)), p["out"]
    pk = p.get("packed", 0)
    D, C = "NVDLA_CDMA.D_", "NVDLA_CSC.D_"
    f = {
        D + "DATAIN_FORMAT_0": {"DATAIN_FORMAT": int(pixel), "PIXEL_FORMAT": p.get("fmt", 0),
                                "PIXEL_SIGN_OVERRIDE": p.get("sign", 0)},
        D + "DATAIN_SIZE_0_0": {"DATAIN_WIDTH": w - 1, "DATAIN_HEIGHT": h - 1},
        D + "DATAIN_SIZE_1_0": {"DATAIN_CHANNEL": cext},
        D + "PIXEL_OFFSET_0": {"PIXEL_X_OFFSET": p.get("x_off", 0)},
        D + "DAIN_ADDR_LOW_0_0": {"DATAIN_ADDR_LOW_0": p.get("base_in", CSC_BASE_IN)},
        D + "LINE_STRIDE_0": {"LINE_STRIDE": ls},
        D + "SURF_STRIDE_0": {"SURF_STRIDE": ss},
        D + "DAIN_MAP_0": {"LINE_PACKED": pk, "SURF_PACKED": pk},
        D + "WEIGHT_ADDR_LOW_0": {"WEIGHT_ADDR_LOW": p.get("base_wt", CSC_BASE_WT)},
        D + "WEIGHT_BYTES_0": {"WEIGHT_BYTES": k * c * r * s},
        D + "MEAN_FORMAT_0": {"MEAN_FORMAT": int("mean" in p)},
        D + "MEAN_GLOBAL_0_0": {"MEAN_RY": mean[0], "MEAN_GU": mean[1]},
        D + "MEAN_GLOBAL_1_0": {"MEAN_BV": mean[2], "MEAN_AX": mean[3]},
        D + "CVT_CFG_0": {"CVT_EN": int("cvt" in p), "CVT_TRUNCATE": cvt_trunc},
        D + "CVT_OFFSET_0": {"CVT_OFFSET": cvt_off & 0xFFFF},
        D + "CVT_SCALE_0": {"CVT_SCALE": cvt_scale & 0xFFFF},
        D + "ZERO_PADDING_0": dict(zip(("PAD_LEFT", "PAD_RIGHT"), p.get("cdma_pad", (0, 0)))),
        D + "ZERO_PADDING_VALUE_0": {"PAD_VALUE": p.get("cdma_pad_value", 0)},
        D + "BANK_0": {"DATA_BANK": db, "WEIGHT_BANK": wb},
        C + "DATAIN_FORMAT_0": {"DATAIN_FORMAT": int(pixel)},
        C + "DATAIN_SIZE_EXT_0_0": {"DATAIN_WIDTH_EXT": w - 1, "DATAIN_HEIGHT_EXT": h - 1},
        C + "DATAIN_SIZE_EXT_1_0": {"DATAIN_CHANNEL_EXT": cext},
        C + "WEIGHT_SIZE_EXT_0_0": {"WEIGHT_WIDTH_EXT": s - 1, "WEIGHT_HEIGHT_EXT": r - 1},
        C + "WEIGHT_SIZE_EXT_1_0": {"WEIGHT_CHANNEL_EXT": c - 1, "WEIGHT_KERNEL": k - 1},
        C + "DATAOUT_SIZE_0_0": {"DATAOUT_WIDTH": wo - 1, "DATAOUT_HEIGHT": ho - 1},
        C + "CONV_STRIDE_EXT_0": {"CONV_X_STRIDE_EXT": sx - 1, "CONV_Y_STRIDE_EXT": sy - 1},
        C + "DILATION_EXT_0": {"X_DILATION_EXT": dx - 1, "Y_DILATION_EXT": dy - 1},
        C + "ZERO_PADDING_0": {"PAD_TOP": ptop, "PAD_LEFT": pleft},
        C + "ZERO_PADDING_VALUE_0": {"PAD_VALUE": p.get("pad_value", 0)},
        C + "BANK_0": {"DATA_BANK": db, "WEIGHT_BANK": wb},
    }
    return regs_from(f)


def conv_memory(p: dict, rv: RegView, seed: int) -> tuple[Memory, np.ndarray, np.ndarray]:
    """Random input image/cube and weights in memory; returns (mem, input bytes, W)."""
    rng = np.random.default_rng(seed)
    mem = Memory()
    span = 0x40000
    img = rng.integers(0, 256, span, dtype=np.int64).astype(np.uint8)
    if p.get("all_bytes"):
        img[:256] = rng.permutation(256)        # every byte value once at the input base
    mem.write(p.get("base_in", CSC_BASE_IN), img)
    w = rng.integers(-128, 128, (p["k"], p["c"], p["r"], p["s"]))
    mem.write(p.get("base_wt", CSC_BASE_WT), mcdma.pack_weights(w))
    return mem, img, w


def cbuf_data_image(p: dict, rv: RegView, mem: Memory) -> tuple[dict, int, int]:
    """The data banks as CDMA fills them, from the golden model's fetch: {entry: 8 bytes},
    and (line_entries, line_bytes) for image input."""
    ent: dict[int, int] = {}
    if not p.get("pixel"):
        c, h, w = mcdma.datain_size(rv)
        cp = -(-c // 8) * 8
        vals = dict(rv.values)
        # the whole last surface, as CDMA fetches it (lanes >= C hold what memory holds)
        vals["NVDLA_CDMA.D_DATAIN_SIZE_1_0"] = cp - 1
        cube = mcdma.fetch_feature(RegView(vals), mem).astype(np.int64) & 0xFF     # (Cp, H, W)
        ns = cp // 8
        for y in range(h):
            for sf in range(ns):
                for x in range(w):
                    ent[y * ns * w + sf * w + x] = int.from_bytes(
                        bytes(cube[8 * sf:8 * sf + 8, y, x].astype(np.uint8)), "little")
        return ent, 0, 0
    lines, _ = mcdma.fetch_image(rv, mem)
    lb = lines.shape[1]
    le = -(-lb // 8)
    for y in range(lines.shape[0]):
        row = np.zeros(le * 8, np.uint8)
        row[:lb] = lines[y].view(np.uint8)
        for e in range(le):
            ent[y * le + e] = int.from_bytes(bytes(row[8 * e:8 * e + 8]), "little")
    return ent, le, lb


async def _csc_case(dut, p: dict, seed: int, p_dat=1.0, p_wt=1.0, drain=(1, 1)):
    """Run nvs_csc on case p: CBUF (registered reads of 2 entries, both ports), CDMA (data
    entries and weight ring at rates p_dat / p_wt), CACC (sums the MAC issues per bank/point,
    frees a bank drain[0]..drain[1] cycles per point after its last issue). The drained
    stripes, concatenated, must equal model.conv.accumulate for the registers."""
    d = dut
    rng = random.Random(seed)
    rv = conv_regs(p)
    mem, _, w = conv_memory(p, rv, seed)
    exp = mconv.accumulate(rv, mem)                                   # (K, Ho, Wo)
    k = p["k"]
    ho, wo = p["out"]
    kp = -(-k // 8) * 8
    expp = np.zeros((kp, ho * wo), np.int64)
    expp[:k] = exp.reshape(k, -1)
    dat, le, lb = cbuf_data_image(p, rv, mem)
    db, wb = p.get("banks", (7, 3))
    wbase, wcap = (db + 1) * 512, (wb + 1) * 512
    if max(dat, default=0) >= wbase:
        raise Mismatch(f"case error: input needs {max(dat) + 1} entries, data banks hold {wbase}")
    cbuf: dict[int, int] = {}
    c_eff, r_eff, s_eff = p["c"], p["r"], p["s"]
    ring = WeightRing(cbuf, entries_of(mcdma.pack_weights(w)), wbase, wcap, rng, p_wt)
    drive_config(d, rv, ("CSC",))
    drive_optional(d, dat_ring=wbase)
    d.line_entries.value, d.line_bytes.value = le, lb
    d.dat_entries.value, d.dat_done.value, d.wt_entries.value, d.bank_free.value = 0, 0, 0, 0
    await FallingEdge(d.clk)
    d.start.value = 1
    await FallingEdge(d.clk)
    d.start.value = 0
    ndat = len(dat)
    dat_n = 0
    acc = np.zeros((2, NS, 8), np.int64)
    bank_state = ["free", "free"]          # free -> filling -> draining (-> free on bank_free)
    free_at = [None, None]
    outs: list[np.ndarray] = []
    pend_rd = pend_rw = None
    issues = 0
    cyc = 0
    after_busy = 0
    nstep = -(-c_eff // 8) * r_eff * s_eff
    limit = 40 * (kp // 8) * ho * wo * nstep + 30000
    while sum(o.shape[0] for o in outs) < (kp // 8) * ho * wo:
        await FallingEdge(d.clk)
        cyc += 1
        if cyc > limit:
            raise Mismatch(f"watchdog: {sum(o.shape[0] for o in outs)} of {(kp // 8) * ho * wo} "
                           f"points after {cyc} cycles ({issues} issues, dat_entries {dat_n}, "
                           f"wt_entries {ring.written})")
        released = int(d.wt_released.value)
        # CBUF read data of the requests latched at the last edge
        if pend_rd is not None:
            d.rd_data.value = cbuf_read2(cbuf, pend_rd)
        if pend_rw is not None:
            d.rw_data.value = cbuf_read2(cbuf, pend_rw)
        # busy: issuing (from start); pipe_busy: issues still in the CSC pipeline (2 stages)
        busy = int(d.busy.value)
        if cyc == 1 and not busy:
            raise Mismatch("busy not set the cycle after start")
        if busy:
            after_busy = 0
        elif int(d.mac_valid.value):
            after_busy += 1
            if after_busy > 2:
                raise Mismatch(f"MAC issue {issues + 1} more than 2 cycles after busy dropped")
        if int(d.mac_valid.value) and not int(d.pipe_busy.value):
            raise Mismatch("mac_valid while pipe_busy is 0")
        # CMAC input: one issue per cycle at most
        if int(d.mac_valid.value):
            issues += 1
            x = as_int8(int(d.mac_data.value), 8)
            wt = as_int8(int(d.mac_wt.value), 64).reshape(8, 8)
            pt, bank = int(d.mac_pt.value), int(d.mac_bank.value)
            first, end = int(d.mac_first.value), int(d.mac_end.value)
            if bank_state[bank] == "draining":
                raise Mismatch(f"issue {issues} into accumulator bank {bank} before its bank_free")
            bank_state[bank] = "filling"
            acc[bank, pt] = (0 if first else acc[bank, pt]) + wt @ x
            if end:
                outs.append(acc[bank, :pt + 1].copy())
                bank_state[bank] = "draining"
                free_at[bank] = cyc + (pt + 1) * rng.randint(*drain)
        bf = 0
        for b in (0, 1):
            if free_at[b] is not None and cyc >= free_at[b]:
                bf |= 1 << b
                free_at[b] = None
                bank_state[b] = "free"
        d.bank_free.value = bf
        # CDMA: data entries in fetch order, weights into the ring
        while dat_n < ndat and rng.random() < p_dat:
            cbuf[dat_n] = dat[dat_n]
            dat_n += 1
            if p_dat >= 1.0 and dat_n % 64 == 0:
                break
        d.dat_entries.value = dat_n
        d.dat_done.value = int(dat_n == ndat)
        ring.step(released, 2)
        d.wt_entries.value = ring.written
        await ReadOnly()
        pend_rd = int(d.rd_addr.value) if int(d.rd_en.value) else None
        pend_rw = int(d.rw_addr.value) if int(d.rw_en.value) else None
        if pend_rd is not None:
            need = 2 if p.get("pixel") else 1
            if pend_rd >= wbase:
                raise Mismatch(f"data read of CBUF entry 0x{pend_rd:04x}: outside the data banks")
            if dat_n < ndat and pend_rd + need > dat_n:
                raise Mismatch(f"data read of CBUF entry 0x{pend_rd:04x} before CDMA wrote it "
                               f"(dat_entries {dat_n})")
        if pend_rw is not None:
            if not wbase <= pend_rw < wbase + wcap:
                raise Mismatch(f"weight read of CBUF entry 0x{pend_rw:04x} outside the ring")
            ring.check_read(pend_rw, released, "csc")
    sizes = [o.shape[0] for o in outs]
    got = np.zeros((kp, ho * wo), np.int64)
    pos = 0
    npl = ho * wo
    for o in outs:
        g, off = divmod(pos, npl)
        got[8 * g:8 * g + 8, off:off + o.shape[0]] = o.T
        pos += o.shape[0]
    first_diff(expp, got, "CSC issues summed per output point vs model.conv.accumulate",
               lambda i: f"kernel {i[0]} output (y={i[1] // wo}, x={i[1] % wo})")
    if any(s_ > NS for s_ in sizes):
        raise Mismatch(f"stripe of {max(sizes)} points > {NS}")
    want_issues = (kp // 8) * npl * nstep
    if issues != want_issues:
        raise Mismatch(f"{issues} MAC issues, expected {want_issues} (points x steps)")
    for _ in range(4):
        await FallingEdge(d.clk)
    if int(d.busy.value) or int(d.pipe_busy.value):
        raise Mismatch("busy / pipe_busy still set after the last issue")
    return {"issues": issues, "cycles": cyc, "stripes": len(sizes),
            "issue_rate": round(issues / cyc, 3)}


CSC_P = {
    # 3x3, pads on every side (top/left by CSC, bottom/right by the output size), pad value -3
    "feat_pad": dict(c=8, h=5, w=6, k=8, r=3, s=3, pad=(1, 1), out=(5, 6), pad_value=0xFD),
    # strides (y 2, x 3), y dilation 2, partial channel (13) and kernel (12) groups
    "feat_stride_dil": dict(c=13, h=9, w=10, k=12, r=3, s=2, stride=(2, 3), dil=(2, 1),
                            pad=(2, 1), out=(5, 5), pad_value=0x185),
    # x dilation 3, stride 1, pads; 1 kernel
    "feat_dil_x": dict(c=5, h=6, w=9, k=1, r=2, s=3, dil=(1, 3), pad=(1, 2), out=(6, 6),
                       pad_value=0x7F),
    # 3 kernel groups of 288 entries through a one-bank (512-entry) weight ring: wraps
    "feat_ring_wrap": dict(c=32, h=4, w=4, k=24, r=3, s=3, pad=(1, 0), out=(3, 2),
                           banks=(1, 0), pad_value=0x40),
    # 49 points (stripes 16, 16, 9, 8), 2 kernel groups, 1x1
    "feat_points": dict(c=16, h=7, w=7, k=16, r=1, s=1, out=(7, 7)),
    # image A8R8G8B8, 3-wide kernel folded into 12 channels, x stride 2, CDMA pads left/right,
    # CSC pad top; the last output column reads bytes past the padded line (0)
    "image_argb": dict(pixel=True, fmt=13, c=12, h=5, w=7, k=5, r=3, s=1, stride=(1, 2),
                       pad=(1, 0), out=(5, 5), pad_value=0x11, cdma_pad=(1, 2),
                       cdma_pad_value=0x2C, mean=(10, -20, 30, 0), cvt=(0, 3, 1), x_off=1),
    # image R8 (1 byte per pixel), 5-wide kernel, y stride 2, unaligned line start
    "image_r8": dict(pixel=True, fmt=0, c=5, h=4, w=11, k=3, r=2, s=1, stride=(2, 1),
                     pad=(1, 0), out=(3, 11), pad_value=0x80, cdma_pad=(2, 2),
                     cdma_pad_value=0x05, x_off=3),
}


async def csc_feat_pad(dut):
    return await _csc_case(dut, CSC_P["feat_pad"], 30)


async def csc_feat_stride_dil(dut):
    return await _csc_case(dut, CSC_P["feat_stride_dil"], 31, p_dat=0.5, p_wt=0.7)


async def csc_feat_dil_x(dut):
    return await _csc_case(dut, CSC_P["feat_dil_x"], 32)


async def csc_feat_ring_wrap(dut):
    return await _csc_case(dut, CSC_P["feat_ring_wrap"], 36, p_wt=0.5)


async def csc_feat_points(dut):
    """Slow data (one entry every ~3 cycles) and a slow CACC (3..6 cycles per point)."""
    return await _csc_case(dut, CSC_P["feat_points"], 33, p_dat=0.3, drain=(3, 6))


async def csc_image_argb(dut):
    return await _csc_case(dut, CSC_P["image_argb"], 34, p_dat=0.6)


async def csc_image_r8(dut):
    return await _csc_case(dut, CSC_P["image_r8"], 35)


CSC_CASES = {"feat_pad": csc_feat_pad, "feat_stride_dil": csc_feat_stride_dil,
             "feat_dil_x": csc_feat_dil_x, "feat_ring_wrap": csc_feat_ring_wrap,
             "feat_points": csc_feat_points,
             "image_argb": csc_image_argb, "image_r8": csc_image_r8}
CSC_INPUTS = ("start", "dat_entries", "dat_done", "wt_entries", "line_entries", "line_bytes",
              "rd_data", "rw_data", "bank_free")


# ================================================================== CDMA
class ReadClient:
    """A DMA read client's responder (as tests/hw/engine_bench.DmaModel): requests accepted
    with optional back-pressure, beats returned in order after a (seeded random) latency."""

    def __init__(self, dut, name, mem: Memory, rng, lat=(4, 4), p_ready=1.0):
        self.d, self.n, self.mem, self.rng = dut, name, mem, rng
        self.lat, self.p_ready = lat, p_ready
        self.beats: deque = deque()
        self.req_ready = 0
        self.rsp_valid = 0
        self.requests: list[tuple[int, int]] = []

    def sig(self, s):
        return getattr(self.d, f"{self.n}_rd_{s}")

    def drive(self, cyc):
        self.req_ready = int(self.rng.random() < self.p_ready)
        self.sig("req_ready").value = self.req_ready
        self.rsp_valid = int(bool(self.beats) and self.beats[0][0] <= cyc)
        self.sig("rsp_valid").value = self.rsp_valid
        if self.rsp_valid:
            self.sig("rsp_data").value = self.beats[0][1]

    def sample(self, cyc):
        """After drive (ReadOnly): the handshakes of the coming edge. Returns a new request."""
        new = None
        if self.req_ready and int(self.sig("req_valid").value):
            a = int(self.sig("req_addr").value)
            n = int(self.sig("req_len").value) + 1
            t0 = max(cyc + self.rng.randint(*self.lat), self.beats[-1][0] if self.beats else 0)
            for i in range(n):
                self.beats.append((t0 + i, int.from_bytes(self.mem.read(a + 8 * i, 8).tobytes(),
                                                          "little")))
            self.requests.append((a, n))
            new = (a, n)
        if self.rsp_valid and int(self.sig("rsp_ready").value):
            self.beats.popleft()
        return new


async def _cdma_run(dut, p: dict, seed: int, lat=(4, 4), p_ready=1.0, release=None,
                    check_4k=False):
    """One CDMA layer: returns (data writes {entry: data}, weight writes [(entry, data)], info).
    ``release(cyc, wt_entries, released, stalled)`` -> new wt_released (default: all written)."""
    d = dut
    rng = random.Random(seed)
    rv = conv_regs(p)
    mem, _, _ = conv_memory(p, rv, seed)
    drive_config(d, rv, ("CDMA",))
    db, wb = p.get("banks", (7, 3))
    wbase, wcap = (db + 1) * 512, (wb + 1) * 512
    drive_optional(d, dat_ring=wbase)
    dat = ReadClient(d, "cdma_dat", mem, rng, lat, p_ready)
    wt = ReadClient(d, "cdma_wt", mem, rng, lat, p_ready)
    d.wt_released.value = 0
    for n in ("cdma_dat", "cdma_wt"):              # no handshake until the responders run
        getattr(d, f"{n}_rd_req_ready").value = 0
        getattr(d, f"{n}_rd_rsp_valid").value = 0
    await FallingEdge(d.clk)
    d.start.value = 1
    await FallingEdge(d.clk)
    d.start.value = 0
    wd: dict[int, int] = {}
    ww: list[tuple[int, int]] = []
    released = 0
    wbeats = 0
    cyc = 0
    idle_wt = 0
    nw = -(-rv.f("NVDLA_CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES") // 8)
    limit = 5000 + 60 * (nw + mcdma.datain_size(rv)[1] * 64)
    while True:
        await FallingEdge(d.clk)
        cyc += 1
        if cyc > limit:
            raise Mismatch(f"watchdog: dat_done {int(d.dat_done.value)} wt_done "
                           f"{int(d.wt_done.value)} after {cyc} cycles ({len(wd)} data entries, "
                           f"{len(ww)} weight entries; data requests {dat.requests[:4]}, weight "
                           f"requests {wt.requests[:4]}, dat_entries {int(d.dat_entries.value)})")
        if int(d.dat_done.value) and int(d.wt_done.value) and not dat.beats and not wt.beats:
            break
        went = int(d.wt_entries.value)
        released = release(cyc, went, released, idle_wt) if release else went
        d.wt_released.value = released
        dat.drive(cyc)
        wt.drive(cyc)
        await ReadOnly()
        rq = [("data", dat.sample(cyc)), ("weight", wt.sample(cyc))]
        for who, q in rq:
            if check_4k and q is not None and (q[0] >> 12) != ((q[0] + 8 * q[1] - 1) >> 12):
                raise Mismatch(f"{who} burst 0x{q[0]:08x} x {q[1]} beats crosses a 4 KiB boundary")
        r = rq[1][1]
        if r is not None:
            if wbeats + r[1] > released + wcap:
                raise Mismatch(f"weight request of {r[1]} beats with {wbeats} requested, "
                               f"{released} released: exceeds the ring ({wcap} entries)")
            wbeats += r[1]
            idle_wt = 0
        else:
            idle_wt += 1
        if int(d.wd_en.value):
            a = int(d.wd_addr.value)
            if a >= wbase:
                raise Mismatch(f"data write to CBUF entry 0x{a:04x}: not a data bank "
                               f"(DATA_BANK {db})")
            if a in wd:
                raise Mismatch(f"data entry 0x{a:04x} written twice")
            wd[a] = int(d.wd_data.value)
        if int(d.ww_en.value):
            a = int(d.ww_addr.value)
            if not wbase <= a < wbase + wcap:
                raise Mismatch(f"weight write to CBUF entry 0x{a:04x}: outside the weight banks "
                               f"[0x{wbase:04x}, 0x{wbase + wcap:04x})")
            ww.append((a, int(d.ww_data.value)))
    for _ in range(3):
        await FallingEdge(d.clk)
    info = {"cycles": cyc, "data_entries": len(wd), "weight_entries": len(ww),
            "dat_entries": int(d.dat_entries.value), "wt_entries": int(d.wt_entries.value),
            "line_entries": int(d.line_entries.value), "line_bytes": int(d.line_bytes.value),
            "data_beats": sum(n for _, n in dat.requests),
            "weight_beats": sum(n for _, n in wt.requests)}
    return rv, mem, wd, ww, info


def _cdma_check(p, rv, mem, wd, ww, info):
    exp, le, lb = cbuf_data_image(p, rv, mem)
    keys = sorted(set(exp) | set(wd))
    e = np.array([exp.get(k, -1) for k in keys], dtype=object)
    g = np.array([wd.get(k, -1) for k in keys], dtype=object)
    bad = [i for i in range(len(keys)) if e[i] != g[i]]
    if bad:
        i = bad[0]
        ev, gv = e[i], g[i]
        fmt = lambda v: "(not written)" if v == -1 else f"{v:016x}"   # noqa: E731
        raise Mismatch(f"CBUF data: {len(bad)} of {len(keys)} entries differ from the golden "
                       f"model's fetch; first: entry 0x{keys[i]:04x} expected {fmt(ev)}, "
                       f"got {fmt(gv)} (bytes little-endian)")
    if info["dat_entries"] != len(exp):
        raise Mismatch(f"dat_entries {info['dat_entries']}, expected {len(exp)}")
    # memory traffic: one beat per atom (feature), each line's span of 8-byte beats (image)
    if p.get("pixel"):
        bpp = mcdma.PIXEL_FORMATS[p.get("fmt", 0)].bytes_per_pixel
        skip = (p.get("base_in", CSC_BASE_IN) + p.get("x_off", 0) * bpp) % 8
        beats = p["h"] * (-(-(skip + p["w"] * bpp) // 8))
    else:
        beats = len(exp)
    if info["data_beats"] != beats:
        raise Mismatch(f"CDMA requested {info['data_beats']} data beats, the fetch needs {beats}")
    if p.get("pixel") and (info["line_entries"], info["line_bytes"]) != (le, lb):
        raise Mismatch(f"(line_entries, line_bytes) {(info['line_entries'], info['line_bytes'])}, "
                       f"expected {(le, lb)}")
    # weights: entry i of the blob to ring slot wbase + i % wcap, in order
    db, wb = p.get("banks", (7, 3))
    wbase, wcap = (db + 1) * 512, (wb + 1) * 512
    nbytes = rv.f("NVDLA_CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES")
    blob = mem.read(p.get("base_wt", CSC_BASE_WT), -(-nbytes // 8) * 8)
    want = [(wbase + i % wcap, int.from_bytes(blob[8 * i:8 * i + 8].tobytes(), "little"))
            for i in range(-(-nbytes // 8))]
    if len(ww) != len(want) or ww != want:
        i = next((j for j in range(min(len(ww), len(want))) if ww[j] != want[j]),
                 min(len(ww), len(want)))
        raise Mismatch(f"weight writes: {len(ww)}, expected {len(want)}; first difference at "
                       f"write {i}: expected {want[i] if i < len(want) else None}, got "
                       f"{ww[i] if i < len(ww) else None}")
    if info["weight_beats"] != len(want):
        raise Mismatch(f"CDMA requested {info['weight_beats']} weight beats, expected {len(want)}")
    if info["wt_entries"] != len(want):
        raise Mismatch(f"wt_entries {info['wt_entries']}, expected {len(want)}")


CDMA_P = {
    "feature_cvt": dict(c=12, h=3, w=5, k=5, r=3, s=4, out=(1, 1), line_stride=5 * 8 + 16,
                        surf_stride=(5 * 8 + 16) * 3 + 64, cvt=(-3, 300, 6)),
    "feature_1x1_packed": dict(c=40, h=1, w=1, k=9, r=1, s=1, out=(1, 1), packed=1,
                               line_stride=0x1000, surf_stride=0x2000, cvt=(7, -2, 0)),
    "feature_backpressure": dict(c=24, h=6, w=20, k=16, r=3, s=3, out=(1, 1)),
    # lines and the weight blob crossing 4 KiB boundaries (bursts must split there)
    "feature_4k": dict(c=9, h=3, w=40, k=8, r=5, s=5, out=(1, 1), base_in=0x10F88,
                       line_stride=0x1000 - 8, surf_stride=0x3000, base_wt=0x80FE8),
}


async def cdma_feature_cvt(dut):
    """Feature cube with line/surface gaps through the converter (offset -3, scale 300,
    truncate 6: rounding and SAT_8), weights into the ring."""
    p = CDMA_P["feature_cvt"]
    rv, mem, wd, ww, info = await _cdma_run(dut, p, 40)
    _cdma_check(p, rv, mem, wd, ww, info)
    return info


async def cdma_feature_1x1_packed(dut):
    """1x1 cube with both maps packed (one contiguous run, strides unused), converter on."""
    p = CDMA_P["feature_1x1_packed"]
    rv, mem, wd, ww, info = await _cdma_run(dut, p, 41, lat=(2, 30))
    _cdma_check(p, rv, mem, wd, ww, info)
    return info


async def cdma_feature_backpressure(dut):
    """Larger cube and weights with random latency (2..40) and request back-pressure."""
    p = CDMA_P["feature_backpressure"]
    rv, mem, wd, ww, info = await _cdma_run(dut, p, 42, lat=(2, 40), p_ready=0.5)
    _cdma_check(p, rv, mem, wd, ww, info)
    return info


async def cdma_feature_4k(dut):
    """Feature lines of 40 atoms starting 15 atoms before a 4 KiB boundary, weights starting 3
    beats before one: every burst stays inside its 4 KiB page (checked on each request)."""
    p = CDMA_P["feature_4k"]
    rv, mem, wd, ww, info = await _cdma_run(dut, p, 44, lat=(1, 6), check_4k=True)
    _cdma_check(p, rv, mem, wd, ww, info)
    return info


CVT_SWEEP = [(0, 1, 0), (-3, 300, 6), (32767, -32768, 0), (-32768, 32767, 63), (127, 255, 1),
             (-128, -1, 17), (5, 12345, 33), (-77, -20000, 9), (1000, 7, 2), (0, 0, 5)]


async def cdma_cvt_sweep(dut):
    """The feature converter on every int8 value, for offsets/scales at the int16 limits and
    truncations 0..63 (rounding, SAT_17 -> SAT_8), each setting a new layer (start)."""
    info = {}
    for i, cvt in enumerate(CVT_SWEEP):
        p = dict(c=16, h=4, w=4, k=1, r=1, s=1, out=(1, 1), cvt=cvt, all_bytes=True)
        rv, mem, wd, ww, inf = await _cdma_run(dut, p, 60 + i, lat=(1, 5))
        try:
            _cdma_check(p, rv, mem, wd, ww, inf)
        except Mismatch as e:
            raise Mismatch(f"converter (offset, scale, truncate) = {cvt}: {e}") from None
        info[str(cvt)] = inf["cycles"]
    return info


async def cdma_pixel_formats(dut):
    """Every packed pixel format the RTL implements (R8, 12..19, 26, 27): byte reordering to
    R,G,B,A / Y,U,V,A, mean (MEAN_FORMAT) or CVT_OFFSET, sign override, CDMA pads left/right
    (0..3 pixels; PAD_VALUE low byte, not converted), PIXEL_X_OFFSET; each layer a new start."""
    info = {}
    for i, code in enumerate((0, 12, 13, 14, 15, 16, 17, 18, 19, 26, 27)):
        fmt = mcdma.PIXEL_FORMATS[code]
        n = len(fmt.order)
        p = dict(pixel=True, fmt=code, c=n, h=2, w=11 if code == 0 else 5, k=1, r=1, s=1,
                 out=(1, 1), cdma_pad=(i % 3, (i + 1) % 4), cdma_pad_value=0x1AB,
                 x_off=min(1 + i % 3, 8 // fmt.bytes_per_pixel - 1),   # the first pixel in the first atom
                 sign=int(code in (15, 27)))
        if i % 2:
            p["mean"] = (100, -50, 7, 200)
            p["cvt"] = (0, 3 + i, 2)
        elif code:
            p["cvt"] = (60, -5, 3)
        rv, mem, wd, ww, inf = await _cdma_run(dut, p, 43 + i, lat=(1, 9))
        try:
            _cdma_check(p, rv, mem, wd, ww, inf)
        except Mismatch as e:
            raise Mismatch(f"pixel format {fmt.name} ({code}): {e}") from None
        info[fmt.name] = inf["cycles"]
    return info


async def cdma_weight_credits(dut):
    """A 1-bank ring (512 entries) and 4001 weight entries: with nothing released CDMA stops
    at the ring size (requests never exceed released + ring), then resumes as CSC releases
    (random chunks, never more than written)."""
    p = dict(c=8, h=1, w=2, k=8, r=1, s=1, out=(1, 1), banks=(3, 0))
    p["k"], p["c"], p["r"], p["s"] = 1, 1, 1, 32005      # WEIGHT_BYTES = 32005
    held = {"stalled": 0, "max_before": 0, "last": (0, 0)}
    rng = random.Random(7)

    def release(cyc, went, released, idle):
        if not held["stalled"]:
            held["max_before"] = max(held["max_before"], went)
            if went != held["last"][0]:
                held["last"] = (went, cyc)
            if idle > 200 and cyc - held["last"][1] > 100:     # no request, no write for long
                held["stalled"] = cyc
            return 0
        if rng.random() < 0.1:
            return min(went, released + rng.randint(1, 200))
        return released
    rv, mem, wd, ww, info = await _cdma_run(dut, p, 50, lat=(2, 12), release=release)
    _cdma_check(p, rv, mem, wd, ww, info)
    if held["max_before"] != 512:
        raise Mismatch(f"with nothing released CDMA wrote {held['max_before']} weight entries, "
                       "expected the ring size 512")
    info["stalled_at_cycle"] = held["stalled"]
    return info


CDMA_CASES = {"feature_cvt": cdma_feature_cvt, "feature_1x1_packed": cdma_feature_1x1_packed,
              "feature_backpressure": cdma_feature_backpressure, "feature_4k": cdma_feature_4k,
              "cvt_sweep": cdma_cvt_sweep,
              "pixel_formats": cdma_pixel_formats, "weight_credits": cdma_weight_credits}
CDMA_INPUTS = ("start", "wt_released", "cdma_dat_rd_req_ready", "cdma_dat_rd_rsp_valid",
               "cdma_dat_rd_rsp_data", "cdma_wt_rd_req_ready", "cdma_wt_rd_rsp_valid",
               "cdma_wt_rd_rsp_data")


# ================================================================== registry
UNITS: dict[str, tuple[dict, tuple]] = {
    "cmac": (CMAC_CASES, CMAC_INPUTS),
    "cacc": (CACC_CASES, CACC_INPUTS),
    "cbuf": (CBUF_CASES, CBUF_INPUTS),
    "csc_wl": (WL_CASES, WL_INPUTS),
    "csc": (CSC_CASES, CSC_INPUTS),
    "cdma": (CDMA_CASES, CDMA_INPUTS),
}


@cocotb.test()
async def run_cases(dut):
    unit = os.environ["CONV_UNIT"]
    cases = [c for c in os.environ["CONV_CASES"].split(",") if c]
    table, inputs = UNITS[unit]
    Clock(dut.clk, 10, unit="ns").start()
    results = {}
    for name in cases:
        try:
            await reset(dut, inputs)
            t0 = cocotb.utils.get_sim_time("ns")
            info = await table[name](dut)
            cyc = int((cocotb.utils.get_sim_time("ns") - t0) // 10)
            results[name] = {"ok": True, "msg": "", "info": info, "cycles": cyc}
        except Exception as e:            # recorded; the next case runs after a reset
            tb = traceback.format_exc(limit=3) if not isinstance(e, AssertionError) else ""
            results[name] = {"ok": False, "msg": f"{type(e).__name__}: {e}", "trace": tb}
        dut._log.info(f"{unit}/{name}: {results[name]}")
        with open(os.environ["CONV_RESULT"], "w") as f:      # after each case: a later hang
            json.dump(results, f, default=str)              # keeps the earlier results
