"""Compare two dumps of an output region knowing its layout, and diagnose the pattern.

    python -m tb.diff DUMPDIR                       # a check kept by `make ... KEEP_DUMPS=<dir>`
    python -m tb.diff DUMPDIR --a nvidia --b rtl    # which two of its dumps (default golden, rtl)
    python -m tb.diff EXP.bin GOT.bin --layout cube --c 33 --h 3 --w 3 --line-stride 24 \\
                      --surf-stride 72 [--base 0x80000000] [--cube-base ADDR]
    python -m tb.diff EXP.bin GOT.bin --layout weight --k 16 --c 8 --r 3 --s 3
    python -m tb.diff EXP.bin GOT.bin --layout image --c 4 --h 28 --w 28 --line-stride 112
    python -m tb.diff EXP.bin GOT.bin --layout operand --c 33 --h 1 --w 1 --elem-bytes 2 ...

Layouts (element (c, h, w); offsets relative to --cube-base, default the region base):
  cube     int8 feature cube, channels in 8-lane surfaces (model/memory.py): (c//8)*surf_stride
           + h*line_stride + w*8 + c%8; the ceil(C/8)*8 lanes the hardware writes are compared,
           lanes c >= C being the padding lanes of the last surface
  operand  the same layout with --elem-bytes little-endian signed elements (SDP BS/BN operands)
  image    pitch-linear pixels: h*line_stride + w*C + c, unsigned bytes (c = component)
  weight   direct-conv weights W[k][c][r][s] packed as model/cdma.py reads them; reported as
           (k, c, r*S+s): "channel" = output kernel, groups of 8 = kernel groups
  raw      the bytes as one row

Figures: first mismatch in address order as (c, h, w) and byte address; mismatching elements,
their fraction; max and mean |difference| over the mismatching elements; correct ratio =
equal elements / all compared elements; mismatches per channel and per row; bytes differing
outside the layout (gaps between lines/surfaces). Then the diagnosis, most specific first:
padding lanes, shifted copy, clamp at one side, +-1 rounding, border rows/columns, one channel
group, everything (converter/precision), scattered.

Exit status: 0 equal, 1 different, 2 bad input (one line naming the file and the problem).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from model.memory import ATOM, cube_offsets

KINDS = ("cube", "operand", "image", "weight", "raw")


class DiffError(ValueError):
    """Bad input: a missing file, wrong size, a layout that does not fit (one line)."""


@dataclass
class Layout:
    kind: str = "raw"
    c: int = 1
    h: int = 1
    w: int = 1
    line_stride: int = 0
    surf_stride: int = 0
    elem_bytes: int = 1
    k: int = 0                      # weight: kernels; c, r, s below
    r: int = 1
    s: int = 1
    base: int = 0                   # address of the region's first byte
    cube_base: int | None = None    # address of element (0,0,0), default base
    note: str = ""                  # where the layout came from

    @classmethod
    def from_dict(cls, d: dict, where: str = "layout") -> "Layout":
        known = set(cls.__dataclass_fields__)
        bad = set(d) - known
        if bad:
            raise DiffError(f"{where}: unknown layout keys {sorted(bad)}")
        lay = cls(**d)
        lay.validate(where)
        return lay

    def validate(self, where: str = "layout") -> None:
        if self.kind not in KINDS:
            raise DiffError(f"{where}: layout kind {self.kind!r} is not one of {', '.join(KINDS)}")
        for n in ("c", "h", "w", "elem_bytes", "r", "s"):
            if int(getattr(self, n)) < 1:
                raise DiffError(f"{where}: {n} = {getattr(self, n)} must be >= 1")
        if self.kind == "weight" and self.k < 1:
            raise DiffError(f"{where}: weight layout needs k >= 1 kernels")
        if self.kind in ("cube", "operand"):
            eb = self.elem_bytes
            if self.w > 1 and self.h > 1 and self.line_stride < self.w * ATOM * eb:
                raise DiffError(f"{where}: line stride {self.line_stride} < width {self.w} x "
                                f"{ATOM * eb} bytes: lines overlap")
            if -(-self.c // ATOM) > 1 and self.surf_stride < max(self.h * self.line_stride,
                                                                   self.w * ATOM * eb):
                raise DiffError(f"{where}: surface stride {self.surf_stride} smaller than one "
                                f"surface ({self.h} lines of {self.line_stride} bytes): surfaces overlap")
        if self.kind == "image" and self.h > 1 and self.line_stride < self.w * self.c:
            raise DiffError(f"{where}: line stride {self.line_stride} < width {self.w} x "
                            f"{self.c} components")

    @property
    def axes(self) -> tuple[str, str, str]:
        return ("k", "c", "rs") if self.kind == "weight" else ("c", "h", "w")

    @property
    def real_channels(self) -> int:
        return self.k if self.kind == "weight" else self.c


def offsets(lay: Layout) -> tuple[np.ndarray, bool]:
    """(byte offsets relative to the cube base, shape (C', H', W', elem_bytes); signed)."""
    if lay.kind in ("cube", "operand"):
        eb = lay.elem_bytes if lay.kind == "operand" else 1
        return cube_offsets(lay.c, lay.h, lay.w, lay.line_stride, lay.surf_stride, eb), True
    if lay.kind == "image":
        comp = np.arange(lay.c)[:, None, None]
        off = comp + np.arange(lay.h)[None, :, None] * lay.line_stride \
            + np.arange(lay.w)[None, None, :] * lay.c
        return off[..., None].astype(np.int64), False
    if lay.kind == "weight":
        from model.cdma import weight_offsets
        off = weight_offsets(lay.k, lay.c, lay.r, lay.s)            # (K, C, R, S)
        return off.reshape(lay.k, lay.c, lay.r * lay.s)[..., None], True
    return np.arange(lay.w, dtype=np.int64)[None, None, :, None], True


def decode(buf: np.ndarray, lay: Layout, where: str = "dump") -> tuple[np.ndarray, np.ndarray]:
    """(element values int64 (C', H', W'), byte address of each element's first byte)."""
    off, signed = offsets(lay)
    shift = (lay.cube_base if lay.cube_base is not None else lay.base) - lay.base
    if shift < 0:
        raise DiffError(f"{where}: cube base 0x{lay.cube_base:x} is below the region base "
                        f"0x{lay.base:x}")
    off = off + shift
    need = int(off.max()) + 1
    if need > buf.size:
        raise DiffError(f"{where}: {buf.size} bytes, but the {lay.kind} layout "
                        f"({lay.c}x{lay.h}x{lay.w}, line {lay.line_stride}, surface "
                        f"{lay.surf_stride}) needs {need}")
    b = buf[off].astype(np.int64)                                   # (..., eb) little-endian
    v = np.zeros(b.shape[:3], dtype=np.int64)
    for j in range(b.shape[3]):
        v |= b[..., j] << (8 * j)
    if signed:
        bits = 8 * b.shape[3]
        v = np.where(v >> (bits - 1), v - (1 << bits), v)
    return v, off[..., 0] + lay.base


@dataclass
class Finding:
    pattern: str          # padding-lanes, shifted, clamp, rounding, border, channel-group, everything, scattered
    detail: str

    def __str__(self):
        return f"{self.pattern}: {self.detail}"


@dataclass
class DiffReport:
    layout: Layout
    total: int = 0
    mismatches: int = 0
    first: tuple | None = None            # (c, h, w)
    first_addr: int | None = None
    first_values: tuple | None = None     # (expected, got)
    max_abs: int = 0
    mean_abs: float = 0.0
    per_channel: dict = field(default_factory=dict)   # channel -> mismatches (nonzero only)
    per_row: dict = field(default_factory=dict)       # row -> mismatches
    outside_bytes: int = 0                # differing bytes not covered by the layout
    findings: list = field(default_factory=list)
    # the same over the data channels only (cube/operand: channels < C, without the padding lanes
    # of the last surface, which total/mismatches count; other layouts: every element)
    data_total: int = 0
    data_mismatches: int = 0
    data_first: tuple | None = None       # (c, h, w), first in address order
    data_first_values: tuple | None = None

    @property
    def fraction(self) -> float:
        return self.mismatches / self.total if self.total else 0.0

    @property
    def correct_ratio(self) -> float:
        return 1.0 - self.fraction

    @property
    def diagnosis(self) -> str | None:
        return self.findings[0].pattern if self.findings else None

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k not in ("layout", "findings")}
        d["layout"] = asdict(self.layout)
        d["fraction"], d["correct_ratio"] = self.fraction, self.correct_ratio
        d["findings"] = [asdict(f) for f in self.findings]
        d["per_channel"] = {str(k): v for k, v in self.per_channel.items()}
        d["per_row"] = {str(k): v for k, v in self.per_row.items()}
        return d

    def lines(self, a_name="expected", b_name="got") -> list[str]:
        ax = self.layout.axes
        out = [f"layout: {self.layout.kind} {self._shape()}" +
               (f" ({self.layout.note})" if self.layout.note else "")]
        if not self.mismatches and not self.outside_bytes:
            out.append(f"equal: {self.total} elements, correct ratio 1.0")
            return out
        if self.mismatches:
            c, h, w = self.first
            out.append(f"first mismatch at ({ax[0]}={c}, {ax[1]}={h}, {ax[2]}={w}) address "
                       f"0x{self.first_addr:x}: {a_name} {self.first_values[0]}, "
                       f"{b_name} {self.first_values[1]}")
        out.append(f"mismatching elements: {self.mismatches} of {self.total} "
                   f"({100 * self.fraction:.2f} %), correct ratio {self.correct_ratio:.4f}")
        if self.data_total != self.total:
            out.append(f"over the {self.layout.c} data channels (padding lanes left out): "
                       f"{self.data_mismatches} of {self.data_total} elements differ")
        if self.mismatches:
            out.append(f"|difference|: max {self.max_abs}, mean {self.mean_abs:.3f} "
                       f"(over mismatching elements)")
            out.append(f"per {ax[0]}: " + _counts(self.per_channel))
            out.append(f"per {ax[1]}: " + _counts(self.per_row))
        if self.outside_bytes:
            out.append(f"{self.outside_bytes} differing bytes outside the layout "
                       f"(between lines/surfaces or past the cube)")
        out.append("diagnosis:")
        out += [f"  {i}. {f}" for i, f in enumerate(self.findings, 1)]
        return out

    def _shape(self) -> str:
        L = self.layout
        if L.kind == "weight":
            return f"K={L.k} C={L.c} R={L.r} S={L.s}"
        if L.kind == "raw":
            return f"{L.w} bytes"
        s = f"C={L.c} H={L.h} W={L.w} line_stride={L.line_stride}"
        if L.kind != "image":
            s += f" surf_stride={L.surf_stride}"
        if L.kind == "operand":
            s += f" elem_bytes={L.elem_bytes}"
        return s + f" base=0x{L.base:x}"


def _counts(d: dict, limit: int = 16) -> str:
    items = sorted(d.items())
    s = ", ".join(f"{k}:{v}" for k, v in items[:limit])
    return s + (f", ... ({len(items)} in all)" if len(items) > limit else "")


# ---------------------------------------------------------------------------------------------
# diagnosis
# ---------------------------------------------------------------------------------------------
def _shifted(E: np.ndarray, G: np.ndarray, mism: np.ndarray, lay: Layout) -> Finding | None:
    """G is E moved by (dc, dh, dw) elements: >= 95 % of the mismatching elements equal the
    expected element at the shifted position, and a mismatch-free shift explains them."""
    n = int(mism.sum())
    best = None
    cands = [(0, 0, dw) for dw in range(-4, 5)] + [(0, dh, 0) for dh in range(-4, 5)] + \
        [(dc, 0, 0) for dc in (-8, -4, -2, -1, 1, 2, 4, 8)] + \
        [(0, dh, dw) for dh in (-1, 1) for dw in (-1, 1)]
    C, H, W = E.shape
    for dc, dh, dw in cands:
        if (dc, dh, dw) == (0, 0, 0) or abs(dc) >= C or abs(dh) >= H or abs(dw) >= W:
            continue
        # G[c, h, w] == E[c - dc, h - dh, w - dw]
        gs = G[max(dc, 0):C + min(dc, 0), max(dh, 0):H + min(dh, 0), max(dw, 0):W + min(dw, 0)]
        es = E[max(-dc, 0):C + min(-dc, 0), max(-dh, 0):H + min(-dh, 0), max(-dw, 0):W + min(-dw, 0)]
        ms = mism[max(dc, 0):C + min(dc, 0), max(dh, 0):H + min(dh, 0), max(dw, 0):W + min(dw, 0)]
        explained = int((ms & (gs == es)).sum())
        inside = int(ms.sum())
        if best is None or explained > best[0]:
            best = (explained, (dc, dh, dw), float((gs == es).mean()), inside)
    # the mismatches inside the overlap are (almost) all explained, they are most of the
    # mismatches (the rest moved in from outside the cube), and the overlap agrees
    if best is None or best[0] < 0.95 * best[3] or best[3] < 0.5 * n or best[2] < 0.9:
        return None
    dc, dh, dw = best[1]
    ax = lay.axes
    what = []
    for name, d, unit in ((ax[0], dc, "channel"), (ax[1], dh, "row"), (ax[2], dw, "column")):
        if d:
            what.append(f"{name}{'-' if d > 0 else '+'}{abs(d)}")
    cause = {(0, 0, 1): "an address offset of one atom (8 bytes) or a wrong base",
             (0, 0, -1): "an address offset of one atom (8 bytes) or a wrong base"}
    if dh and not dw:
        hint = "a wrong line stride or base offset (rows moved)"
    elif dc and not (dh or dw):
        hint = "a wrong surface stride or channel offset (surfaces moved)"
    else:
        hint = cause.get((dc, dh, dw), "a wrong stride, offset or base address")
    return Finding("shifted", f"got({ax[0]},{ax[1]},{ax[2]}) = expected({', '.join(what)}) for "
                   f"{best[0]} of {n} mismatching elements ({100 * best[2]:.1f} % of the overlap "
                   f"agrees): a shifted copy, {hint}")


def _byte_shifted(exp: np.ndarray, got: np.ndarray, covered: np.ndarray) -> Finding | None:
    """The bytes moved by k = +-1..7 (not a whole atom): a base or offset not atom-aligned."""
    bad = (exp != got) & covered
    n = int(bad.sum())
    if n == 0:
        return None
    best = None
    for k in [d for j in range(1, 8) for d in (j, -j)]:
        if k > 0:
            same = got[k:] == exp[:-k]
            b, cov = bad[k:], covered[k:] & covered[:-k]
        else:
            same = got[:k] == exp[-k:]
            b, cov = bad[:k], covered[:k] & covered[-k:]
        inside = int((b & cov).sum())
        explained = int((b & cov & same).sum())
        agree = float(same[cov].mean()) if cov.any() else 0.0
        if best is None or explained > best[0]:
            best = (explained, k, agree, inside)
    explained, k, agree, inside = best
    if explained < 0.95 * inside or inside < 0.5 * n or agree < 0.9:
        return None
    return Finding("shifted", f"got byte i = expected byte i{'-' if k > 0 else '+'}{abs(k)} for "
                   f"{explained} of {n} mismatching bytes: the whole region moved by {k:+d} "
                   f"bytes, a base address or offset that is not atom (8-byte) aligned")


def _clamp(E, G, mism) -> Finding | None:
    e, g = E[mism], G[mism]
    if e.size < 2:
        return None
    for a, b, who, other, whole in ((g, e, "got", "expected", G), (e, g, "expected", "got", E)):
        for side in ("upper", "lower"):
            v = int(a.max()) if side == "upper" else int(a.min())
            # all mismatches sit at one value, which is the clamped side's extreme everywhere
            if not np.all(a == v) or v != (int(whole.max()) if side == "upper" else int(whole.min())):
                continue
            beyond = np.all(b > v) if side == "upper" else np.all(b < v)
            if not beyond:
                continue
            width = ""
            for n in range(2, 33):
                if (side == "upper" and v == (1 << (n - 1)) - 1) or \
                        (side == "lower" and v == -(1 << (n - 1))):
                    width = f"a {n}-bit signed saturation"
                    break
            if side == "lower" and v == 0:
                width = "a clip at zero (ReLU where none is wanted, or unsigned saturation)"
            width = width or "a clip limit"
            return Finding("clamp", f"{who} is clamped at {v} where {other} is "
                           f"{'above' if side == 'upper' else 'below'} ({len(a)} elements, "
                           f"{other} {int(b.min())}..{int(b.max())}): {width} in {who}'s datapath")
    return None


def _rounding(E, G, mism) -> Finding | None:
    d = (G - E)[mism]
    if not np.all(np.abs(d) == 1):
        return None
    e = E[mism]
    toward_zero = int(((d < 0) & (e > 0)).sum() + ((d > 0) & (e < 0)).sum())
    n = d.size
    if toward_zero == n:
        how = "got is always nearer zero: ties rounded toward zero/even where expected rounds away"
    elif toward_zero == 0 and np.all(e != 0):
        how = "got is always farther from zero: ties rounded away where expected rounds toward zero/even"
    else:
        how = f"{int((d > 0).sum())} up, {int((d < 0).sum())} down"
    return Finding("rounding", f"all {n} differences are +-1 ({how}): a rounding rule at a "
                   f"shifter (ties), not a wrong shift")


def _border(mism, lay: Layout) -> Finding | None:
    """Mismatches only within b = 1..3 rows/columns of the edges (rows only, columns only, or
    both), with a mismatch-free interior."""
    C, H, W = mism.shape
    plane = mism.any(axis=0)
    y = np.arange(H)[:, None]
    x = np.arange(W)[None, :]
    for b in (1, 2, 3):
        rowb = np.broadcast_to((y < b) | (y >= H - b), (H, W))
        colb = np.broadcast_to((x < b) | (x >= W - b), (H, W))
        for mask in (rowb, colb, rowb | colb):
            if mask.all() or plane[~mask].any():
                continue
            sides = [nm for nm, m in ((f"top {b}", y < b), (f"bottom {b}", y >= H - b))
                     if mask is not colb and plane[np.broadcast_to(m, (H, W)) & rowb].any()]
            sides += [nm for nm, m in ((f"left {b}", x < b), (f"right {b}", x >= W - b))
                      if mask is not rowb and plane[np.broadcast_to(m, (H, W)) & colb].any()]
            ax = lay.axes
            return Finding("border", f"mismatches only in the border ({', '.join(sides)} "
                           f"{ax[1]}/{ax[2]}), the interior is exact: padding (pad sizes or "
                           f"pad value) or the window clipping at the edges")
    return None


def _group(mism, lay: Layout) -> Finding | None:
    C = mism.shape[0]
    ngroups = -(-C // ATOM)
    if ngroups < 2:
        return None
    per_group = mism.reshape(ngroups, -1, *mism.shape[1:]).any(axis=(1, 2, 3)) \
        if C % ATOM == 0 else np.array([mism[g * ATOM:(g + 1) * ATOM].any() for g in range(ngroups)])
    bad = np.flatnonzero(per_group)
    if len(bad) != 1:
        return None
    g = int(bad[0])
    unit = "kernel group (atomic K = 8)" if lay.kind == "weight" else "surface / channel group"
    return Finding("channel-group", f"only {unit} {g} ({lay.axes[0]} {g * ATOM}..{min(C, g * ATOM + 8) - 1}) "
                   f"of {ngroups} differs: one kernel group, bank or surface (its weights, "
                   f"operands or its memory bank)")


def _everything(E, G, mism, lay: Layout) -> Finding | None:
    C = lay.real_channels
    m = mism[:C]
    live = (E[:C] != 0) | (G[:C] != 0)          # zeros on both sides (ReLU, padding) say nothing
    frac = m.sum() / max(1, int(live.sum()))
    chans = m.any(axis=(1, 2)).mean()
    if frac < 0.5 or chans < 0.5:
        return None
    e, g = E[:C].astype(np.float64).ravel(), G[:C].astype(np.float64).ravel()
    extra = ""
    nz = np.abs(e) > 2
    if nz.sum() >= 4:
        ratio = float(np.median(g[nz] / e[nz]))
        if ratio > 0:
            k = np.log2(ratio)
            if abs(k - round(k)) < 0.1 and round(k) != 0:
                extra = f"; got ~ expected x 2^{round(k):d}: a shift off by {abs(round(k))}"
            elif abs(ratio - 1) > 0.05:
                extra = f"; got ~ expected x {ratio:.3g}: a wrong scale"
        elif ratio < 0:
            extra = f"; sign inverted (got ~ expected x {ratio:.3g})"
        off = np.median(g - e)
        if not extra and np.all(g - e == off):
            extra = f"; got = expected {off:+.0f} everywhere: an offset"
    return Finding("everything", f"{100 * frac:.1f} % of the nonzero elements in {100 * chans:.0f} % of "
                   f"channels differ: a wrong converter setting (scale/shift/offset) or "
                   f"precision{extra}")


def diagnose(E: np.ndarray, G: np.ndarray, lay: Layout, raw=None) -> list[Finding]:
    """Findings, most specific first; ``raw`` = (expected bytes, got bytes, covered mask) adds
    the byte-shift test."""
    mism = E != G
    if not mism.any():
        return []
    out: list[Finding] = []
    C = lay.real_channels
    if E.shape[0] > C and not mism[:C].any():
        out.append(Finding("padding-lanes", f"only the padding lanes {lay.axes[0]} >= {C} of the "
                           f"last surface differ ({int(mism.sum())} elements): what the "
                           f"datapath writes in the lanes beyond C (zeros vs processed padding)"))
    shifted = _shifted(E, G, mism, lay)
    if shifted is None and raw is not None:
        shifted = _byte_shifted(*raw)
    for f in (shifted, _clamp(E, G, mism), _rounding(E, G, mism),
              _border(mism, lay), _group(mism, lay), _everything(E, G, mism, lay)):
        if f is not None:
            out.append(f)
    if not out:
        out.append(Finding("scattered", f"{int(mism.sum())} mismatches without a recognised "
                           f"pattern (see the per-channel/per-row counts)"))
    return out


def compare(exp: np.ndarray, got: np.ndarray, lay: Layout, names=("expected", "got")) -> DiffReport:
    """Compare two byte dumps (uint8 arrays) of one region."""
    exp = np.asarray(exp, dtype=np.uint8).ravel()
    got = np.asarray(got, dtype=np.uint8).ravel()
    if exp.size != got.size:
        raise DiffError(f"{names[1]}: {got.size} bytes, {names[0]} has {exp.size}")
    if lay.kind == "raw" and lay.w == 1:
        lay.w = exp.size
    E, addr = decode(exp, lay, names[0])
    G, _ = decode(got, lay, names[1])
    rep = DiffReport(layout=lay, total=int(E.size))
    mism = E != G
    rep.mismatches = int(mism.sum())
    covered = np.zeros(exp.size, dtype=bool)
    off, _ = offsets(lay)
    shift = (lay.cube_base if lay.cube_base is not None else lay.base) - lay.base
    covered[(off + shift).ravel()] = True
    rep.outside_bytes = int(((exp != got) & ~covered).sum())
    nd = lay.c if lay.kind in ("cube", "operand") else E.shape[0]
    dm = mism[:nd]
    rep.data_total, rep.data_mismatches = int(dm.size), int(dm.sum())
    if rep.data_mismatches:
        idx = np.argwhere(dm)
        i = int(np.argmin(addr[:nd][dm]))
        rep.data_first = tuple(int(v) for v in idx[i])
        rep.data_first_values = (int(E[rep.data_first]), int(G[rep.data_first]))
    if rep.mismatches:
        idx = np.argwhere(mism)
        a = addr[mism]
        i = int(np.argmin(a))
        c, h, w = (int(v) for v in idx[i])
        rep.first, rep.first_addr = (c, h, w), int(a[i])
        rep.first_values = (int(E[c, h, w]), int(G[c, h, w]))
        d = np.abs(G - E)[mism]
        rep.max_abs, rep.mean_abs = int(d.max()), float(d.mean())
        pc = mism.sum(axis=(1, 2))
        pr = mism.sum(axis=(0, 2))
        rep.per_channel = {int(k): int(pc[k]) for k in np.flatnonzero(pc)}
        rep.per_row = {int(k): int(pr[k]) for k in np.flatnonzero(pr)}
        rep.findings = diagnose(E, G, lay, (exp, got, covered))
    return rep


# ---------------------------------------------------------------------------------------------
# layout of a region from the golden model (what wrote it)
# ---------------------------------------------------------------------------------------------
def layout_from_model(dev, base: int, size: int) -> Layout:
    """The cube layout of the operation that wrote [base, base+size) in a golden model run
    (model.nvdla.NvSmall), or a raw layout when no operation wrote there."""
    from model.regs import RegView
    regs = [r for r in getattr(dev, "regions", []) if r.start < base + size and r.end > base]
    if not regs:
        return Layout("raw", w=size, base=base, note="no operation of the golden model wrote here")
    r = regs[-1]
    v = RegView(dev.ops[r.op_index].values or {})
    if r.writer == "SDP":
        w = v.f("NVDLA_SDP.D_DATA_CUBE_WIDTH_0", "WIDTH") + 1
        h = v.f("NVDLA_SDP.D_DATA_CUBE_HEIGHT_0", "HEIGHT") + 1
        c = v.f("NVDLA_SDP.D_DATA_CUBE_CHANNEL_0", "CHANNEL") + 1
    elif r.writer == "PDP":
        w = v.f("NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0", "CUBE_OUT_WIDTH") + 1
        h = v.f("NVDLA_PDP.D_DATA_CUBE_OUT_HEIGHT_0", "CUBE_OUT_HEIGHT") + 1
        c = v.f("NVDLA_PDP.D_DATA_CUBE_OUT_CHANNEL_0", "CUBE_OUT_CHANNEL") + 1
    else:
        w = v.f("NVDLA_CDP_RDMA.D_DATA_CUBE_WIDTH_0", "WIDTH") + 1
        h = v.f("NVDLA_CDP_RDMA.D_DATA_CUBE_HEIGHT_0", "HEIGHT") + 1
        c = v.f("NVDLA_CDP_RDMA.D_DATA_CUBE_CHANNEL_0", "CHANNEL") + 1
    ls, ss = r.line_stride, r.surf_stride
    if w == 1 and h == 1 and r.writer == "SDP":
        ls = ss = ATOM                     # 1x1 pack mode: surfaces contiguous
    lay = Layout("cube", c=c, h=h, w=w, line_stride=ls, surf_stride=ss, base=base,
                 cube_base=r.base if r.base >= base else None,
                 note=f"{r.writer} output of op #{r.op_index} ({r.op})")
    if r.base < base:
        lay = Layout("raw", w=size, base=base, note=f"{r.writer} output starts at 0x{r.base:x}, "
                     f"before the region: compared as bytes")
    else:
        try:
            need = int(offsets(lay)[0].max()) + 1 + (r.base - base)
        except Exception:
            need = size + 1
        if need > size:
            lay = Layout("raw", w=size, base=base, note=f"{r.writer} cube {c}x{h}x{w} does not "
                         f"fit the {size}-byte region: compared as bytes")
    return lay


# ---------------------------------------------------------------------------------------------
# kept dumps (written by the testbench with KEEP_DUMPS / --keep-dumps)
# ---------------------------------------------------------------------------------------------
DUMP_NAMES = ("golden", "rtl", "nvidia", "file")


def write_check_dump(root: Path, trace: str, check: str, base: int, size: int,
                     arrays: dict, layout: Layout) -> Path:
    """<root>/<trace>/<check>_<base>_<size>/{golden,rtl,nvidia,file}.bin + layout.json."""
    d = Path(root) / trace / f"{check}_{base:x}_{size:x}"
    d.mkdir(parents=True, exist_ok=True)
    for name, a in arrays.items():
        if a is not None:
            (d / f"{name}.bin").write_bytes(np.asarray(a, dtype=np.uint8).tobytes())
    (d / "layout.json").write_text(json.dumps(asdict(layout), indent=1) + "\n")
    return d


def check_dirs(path: Path) -> list[Path]:
    """Check dump directories at or under path (the ones holding layout.json)."""
    path = Path(path)
    if (path / "layout.json").is_file():
        return [path]
    return sorted(p.parent for p in path.rglob("layout.json"))


def read_bin(path: Path) -> np.ndarray:
    path = Path(path)
    if not path.is_file():
        raise DiffError(f"{path}: no such file")
    return np.frombuffer(path.read_bytes(), dtype=np.uint8)


def load_layout(path: Path) -> Layout:
    try:
        d = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise DiffError(f"{path}: unreadable layout ({e})") from None
    if not isinstance(d, dict):
        raise DiffError(f"{path}: layout is not a JSON object")
    return Layout.from_dict(d, str(path))


def compare_dir(d: Path, a: str = "golden", b: str = "rtl") -> DiffReport:
    lay = load_layout(d / "layout.json")
    return compare(read_bin(d / f"{a}.bin"), read_bin(d / f"{b}.bin"), lay, (a, b))


# ---------------------------------------------------------------------------------------------
def _int(s: str) -> int:
    return int(s, 0)


def parser():
    ap = argparse.ArgumentParser(prog="python -m tb.diff", description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[1:]))
    ap.add_argument("paths", nargs="+", help="DUMPDIR (kept dumps) or EXPECTED.bin GOT.bin")
    ap.add_argument("--a", default="golden", choices=DUMP_NAMES, help="DUMPDIR: expected side")
    ap.add_argument("--b", default="rtl", choices=DUMP_NAMES, help="DUMPDIR: compared side")
    ap.add_argument("--layout", choices=KINDS, default=None)
    for n in ("c", "h", "w", "k", "r", "s"):
        ap.add_argument(f"--{n}", type=_int, default=None)
    ap.add_argument("--line-stride", type=_int, default=None)
    ap.add_argument("--surf-stride", type=_int, default=None)
    ap.add_argument("--elem-bytes", type=_int, default=None)
    ap.add_argument("--base", type=_int, default=0, help="address of the dumps' first byte")
    ap.add_argument("--cube-base", type=_int, default=None, help="address of element (0,0,0)")
    ap.add_argument("--json", action="store_true", help="print the reports as JSON")
    ap.add_argument("--report", metavar="HTML", help="DUMPDIR: also write a self-contained HTML "
                    "page with a heat map of each failing check")
    return ap


def _layout_from_args(a) -> Layout:
    d = {"kind": a.layout or "raw", "base": a.base, "cube_base": a.cube_base}
    for n in ("c", "h", "w", "k", "r", "s", "line_stride", "surf_stride", "elem_bytes"):
        v = getattr(a, n)
        if v is not None:
            d[n] = v
    if d["kind"] == "operand" and "elem_bytes" not in d:
        d["elem_bytes"] = 2
    if d["kind"] in ("cube", "operand"):
        eb = d.get("elem_bytes", 1) if d["kind"] == "operand" else 1
        d.setdefault("line_stride", d.get("w", 1) * ATOM * eb)
        d.setdefault("surf_stride", d.get("h", 1) * d["line_stride"])
    if d["kind"] == "image":
        d.setdefault("line_stride", d.get("w", 1) * d.get("c", 1))
    return Layout.from_dict(d, "command line")


def main(argv=None) -> int:
    a = parser().parse_args(argv)
    try:
        reports = []
        if len(a.paths) == 1:
            dirs = check_dirs(Path(a.paths[0]))
            if not Path(a.paths[0]).exists():
                raise DiffError(f"{a.paths[0]}: no such file or directory")
            if not dirs:
                raise DiffError(f"{a.paths[0]}: no kept dump (no layout.json under it)")
            for d in dirs:
                if not (d / f"{a.b}.bin").is_file() and a.b == "rtl":
                    continue          # a golden-model-only dump: nothing to compare
                reports.append((str(d), compare_dir(d, a.a, a.b), (a.a, a.b)))
            if not reports:
                raise DiffError(f"{a.paths[0]}: no dump holds both {a.a}.bin and {a.b}.bin")
        elif len(a.paths) == 2:
            lay = _layout_from_args(a)
            reports.append((f"{a.paths[0]} vs {a.paths[1]}",
                            compare(read_bin(a.paths[0]), read_bin(a.paths[1]), lay,
                                    (Path(a.paths[0]).name, Path(a.paths[1]).name)),
                            ("expected", "got")))
        else:
            raise DiffError("give one dump directory or two dump files")
    except DiffError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if a.report:
        if len(a.paths) != 1:
            print("error: --report needs a dump directory", file=sys.stderr)
            return 2
        from calib.report import render_dumps
        Path(a.report).parent.mkdir(parents=True, exist_ok=True)
        Path(a.report).write_text(render_dumps(a.paths[0], f"golden vs RTL: {a.paths[0]}"))
    differ = False
    if a.json:
        print(json.dumps([{"what": w, **r.to_dict()} for w, r, _ in reports], indent=1))
    for what, rep, names in reports:
        differ |= bool(rep.mismatches or rep.outside_bytes)
        if not a.json:
            print(f"== {what}: {names[0]} vs {names[1]}")
            for line in rep.lines(*names):
                print(line)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
