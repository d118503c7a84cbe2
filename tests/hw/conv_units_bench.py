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


async def reset(dut, zero=()):
    for n in zero:
        getattr(dut, n).value = 0
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
                       lambda i: f"kernel {i[0]} (x={list(x)}, w[k]={list(w[i[0]])})")
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
        got = int(getattr(d, f"{port}_data").value)
        glo, ghi = got & ((1 << 64) - 1), got >> 64
        for part, e, g, ea in (("entry addr", lo, glo, a), ("entry addr+1", hi, ghi, a + 1)):
            if e is not None and e != g:
                raise Mismatch(f"{port} read of 0x{a:04x}: {part} (0x{ea % CBUF_ENTRIES:04x}) "
                               f"= 0x{g:016x}, expected 0x{e:016x}")
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
        if i == 4:
            held = int(d.rd_data.value)
    await FallingEdge(d.clk)
    if held is not None and held != int(d.rd_data.value):
        raise Mismatch("rd_data changed while rd_en was 0")
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
        pick = lambda: rng.choice(hot) if rng.random() < 0.8 else rng.randrange(CBUF_ENTRIES)  # noqa
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


# ================================================================== registry
UNITS: dict[str, tuple[dict, tuple]] = {
    "cmac": (CMAC_CASES, CMAC_INPUTS),
    "cacc": (CACC_CASES, CACC_INPUTS),
    "cbuf": (CBUF_CASES, CBUF_INPUTS),
    "csc_wl": (WL_CASES, WL_INPUTS),
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
    with open(os.environ["CONV_RESULT"], "w") as f:
        json.dump(results, f, default=str)
