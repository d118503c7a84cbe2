"""PDP (planar data processor) of nv_small, int8: max / min / average pooling with padding values,
reciprocal-multiply division, split-width mode, memory (PDP_RDMA) or on-the-fly (SDP) input.

Arithmetic as nv_small's RTL (NV_NVDLA_PDP_CORE_cal1d/cal2d) does it, int8:

* width pass (per input row, per output column): sum of the in-bounds elements of the kw-wide
  window (11-bit), plus, for average, the pad value P(n) of the n = kw - (in-bounds columns)
  missing columns taken as an 11-bit signed number (PAD_VALUE_nX[10:0]); the result wraps to
  11 bits. Max/min take the in-bounds elements only (padding never enters max/min).
* height pass: sum of the in-bounds rows' width results (14-bit), plus, for average,
  P(m) * kw (P as a 19-bit signed field, product wrapped to 14 bits) for the m missing rows.
* average division: t1 = round(S * RECIP_KERNEL_WIDTH / 2^16) to 11 bits, then
  t2 = round(t1 * RECIP_KERNEL_HEIGHT / 2^16) to 8 bits; rounding half away from zero
  ("0.5 -> 1, -0.5 -> -1"); the result keeps only the low bits (no saturation, see _recip_round).

Refused (PdpConfigError, one line naming the registers), as undefined on nv_small: a pad >= the
kernel size of its direction (check_pad), an output height/width other than the number of
windows in the padded input (check_out_size), output channels in other atoms than the input's or
a CV SRAM RAM type (check_channels_and_ram), and memory input whose PDP_RDMA registers describe
another cube than PDP's (check_rdma); all measured on NVIDIA's RTL (hangs, non-pooling bytes).
"""
from __future__ import annotations

import numpy as np

from .fixed import sext
from .memory import ATOM, Memory, atom_lanes, read_cube, write_cube
from .regs import RegView

METHODS = {0: "avg", 1: "max", 2: "min"}

_P = "NVDLA_PDP."
_R = "NVDLA_PDP_RDMA."

# datapath widths of nv_small's PDP (int8: NVDLA_PDP_BWPE = 8)
W1D = 11   # width-pass sum (BWPE + 3)
W2D = 14   # height-pass sum (BWPE + 6)
W_OUT = 8


class PdpConfigError(ValueError):
    """A PDP configuration the model (and nv_small) does not support."""


def _recip_round(v, recip: int, out_bits: int, prod_bits: int) -> np.ndarray:
    """v * recip / 2^16 rounded half away from zero, keeping ``out_bits`` bits (RTL cal2d).

    The product (signed v times the unsigned 17-bit reciprocal) is held in ``prod_bits`` bits.

    The RTL rounds a negative product by its guard/sticky bits (floor, +1 when the fraction is
    above one half) and keeps out_bits bits; a non-negative product keeps out_bits-1 bits of the
    floor and adds the guard bit. For results inside the signed out_bits range this is exactly
    round-half-away-from-zero; outside it the bits wrap as the hardware's do.
    """
    p = sext(np.asarray(v, dtype=np.int64) * np.int64(recip & 0x1FFFF), prod_bits)
    floor = p >> 16
    guard = (p >> 15) & 1
    sticky = (p & 0x7FFF) != 0
    neg = np.where(guard & sticky, floor + 1, floor)                  # -x.5 -> away from zero
    pos = (floor & ((1 << (out_bits - 1)) - 1)) + guard               # +x.5 -> away from zero
    return sext(np.where(p < 0, neg, pos), out_bits)


def _pad_table(pad_values) -> np.ndarray:
    """P(0..7) as given (P(0) = 0): raw PAD_VALUE_nX register fields (19 bits)."""
    t = np.zeros(8, dtype=np.int64)
    t[1:1 + len(pad_values)] = [int(p) & 0x7FFFF for p in pad_values]
    return t


def _windows(n_in: int, n_out: int, k: int, stride: int, pad: int):
    """Input indices (n_out, k) of each window, clipped into range, and their in-bounds mask."""
    idx = np.arange(n_out, dtype=np.int64)[:, None] * stride - pad + np.arange(k)[None, :]
    valid = (idx >= 0) & (idx < n_in)
    return np.clip(idx, 0, max(n_in - 1, 0)), valid


def check_pad(kernel, pad) -> None:
    """Each pad below the kernel size of its direction (D_POOLING_PADDING_CFG_0 against
    D_POOLING_KERNEL_CFG_0). A pad >= kernel is not defined on nv_small: nvdla_compiler asserts
    pad < kernel (PDPNode.cpp), NVIDIA's cmod computes a window only from the input elements
    inside it, and NVIDIA's RTL hangs (pad > kernel, average, strides > 1) or writes bytes that
    are no pooling at all (pad == kernel, max, stride 1: a whole row's maximum, a stale line)."""
    kh, kw = kernel
    top, left, bottom, right = pad
    for name, p, kname, k in (("PAD_LEFT", left, "KERNEL_WIDTH", kw),
                              ("PAD_RIGHT", right, "KERNEL_WIDTH", kw),
                              ("PAD_TOP", top, "KERNEL_HEIGHT", kh),
                              ("PAD_BOTTOM", bottom, "KERNEL_HEIGHT", kh)):
        if p >= k:
            raise PdpConfigError(
                f"PDP: D_POOLING_PADDING_CFG_0 {name}={p} >= {k} (D_POOLING_KERNEL_CFG_0 {kname}"
                f" + 1): a pooling window would lie wholly in padding, undefined on nv_small")


def check_out_size(in_hw, out_hw, kernel, stride, pad, splits: int) -> None:
    """CUBE_OUT_HEIGHT (and without split CUBE_OUT_WIDTH) = the number of windows that fit the
    padded input, (pad + in + pad - kernel) // stride + 1, as nvdla_compiler programs them.
    NVIDIA's RTL hangs on an output one larger (a window beyond the padded input) and writes
    other bytes or hangs on one smaller (8x8 input, 2x2 max and 3x3 average kernels)."""
    (h, w), (ho, wo), (kh, kw), (sh, sw) = in_hw, out_hw, kernel, stride
    top, left, bottom, right = pad
    dims = [("HEIGHT", ho, (top + h + bottom - kh) // sh + 1, "PAD_TOP", "PAD_BOTTOM", "HEIGHT")]
    if splits == 1:
        dims.append(("WIDTH", wo, (left + w + right - kw) // sw + 1, "PAD_LEFT", "PAD_RIGHT",
                     "WIDTH"))
    for d, got, want, p0, p1, k in dims:
        if got != want:
            raise PdpConfigError(
                f"PDP: D_DATA_CUBE_OUT_{d}_0 CUBE_OUT_{d}={got - 1} gives {got} outputs, the "
                f"padded input holds {want} windows ({p0} + CUBE_IN_{d} + 1 + {p1} - KERNEL_{k}"
                f" - 1) // stride + 1: undefined on nv_small")


def check_channels_and_ram(regs: RegView, off_flying: int) -> None:
    """CUBE_OUT_CHANNEL in CUBE_IN_CHANNEL's 8-channel atoms (PDP_WDMA counts the surfaces it
    writes from CUBE_OUT_CHANNEL / 8, the core those it pools from CUBE_IN_CHANNEL / 8), and the
    memory interface MC (RAM type 1): nv_small has no CV SRAM. NVIDIA's RTL hangs on either
    (8x8x16 2x2 max: OUT_CHANNEL 8 or 24, DST_RAM_TYPE 0, SRC_RAM_TYPE 0); the reset value of
    the RAM types is 0, so a program must write them, as NVIDIA's traces and firmware do."""
    oc = regs.f(f"{_P}D_DATA_CUBE_OUT_CHANNEL_0", "CUBE_OUT_CHANNEL")
    ic = regs.f(f"{_P}D_DATA_CUBE_IN_CHANNEL_0", "CUBE_IN_CHANNEL")
    if oc >> 3 != ic >> 3:
        raise PdpConfigError(f"PDP: D_DATA_CUBE_OUT_CHANNEL_0 CUBE_OUT_CHANNEL={oc} is not in the "
                             f"8-channel atoms of D_DATA_CUBE_IN_CHANNEL_0 CUBE_IN_CHANNEL={ic}: "
                             f"undefined on nv_small")
    rams = [(f"{_P}D_DST_RAM_CFG_0", "DST_RAM_TYPE")]
    if off_flying:
        rams.append((f"{_R}D_SRC_RAM_CFG_0", "SRC_RAM_TYPE"))
    bad = regs.first_cv_sram(rams)
    if bad:
        raise PdpConfigError(f"PDP: {bad}")


def check_rdma(regs: RegView, splits: int) -> None:
    """PDP_RDMA programmed for the cube PDP pools, as NVIDIA's firmware always does (both from one
    surface descriptor). NVIDIA's RTL hangs when PDP_RDMA's width, height, channel atoms,
    SPLIT_NUM or (split mode) partial input widths or kernel width differ from PDP's; a taller
    PDP_RDMA cube finishes with shifted surfaces and then hangs the next operation. PDP_RDMA's
    other fields are unused by nv_small's RTL (DATA_FORMAT, PAD_WIDTH; KERNEL_CFG and
    PARTIAL_WIDTH_IN without split) or compared by atoms (CUBE_IN_CHANNEL / 8)."""
    pairs = [("D_DATA_CUBE_IN_WIDTH_0", "CUBE_IN_WIDTH", "CUBE_IN_WIDTH", 0),
             ("D_DATA_CUBE_IN_HEIGHT_0", "CUBE_IN_HEIGHT", "CUBE_IN_HEIGHT", 0),
             ("D_DATA_CUBE_IN_CHANNEL_0", "CUBE_IN_CHANNEL", "CUBE_IN_CHANNEL", 3),
             ("D_OPERATION_MODE_CFG_0", "SPLIT_NUM", "SPLIT_NUM", 0)]
    if splits > 1:
        pairs += [("D_PARTIAL_WIDTH_IN_0", f, f, 0) for f in
                  ("PARTIAL_WIDTH_IN_FIRST", "PARTIAL_WIDTH_IN_MID", "PARTIAL_WIDTH_IN_LAST")]
        pairs += [("D_POOLING_KERNEL_CFG_0", f, f, 0) for f in
                  ("KERNEL_WIDTH", "KERNEL_STRIDE_WIDTH")]
    bad = regs.first_difference(_R, _P, pairs)
    if bad:
        raise PdpConfigError(f"PDP: {bad}: PDP_RDMA must read the cube PDP pools, undefined on "
                             f"nv_small")


def pool(x, method: str, kernel, stride, pad, pad_values=(0,) * 7, recip=(0x10000, 0x10000),
         out_size=None) -> np.ndarray:
    """Pool an int8 cube x (C,H,W). kernel=(kh,kw), stride=(sh,sw), pad=(top,left,bottom,right),
    pad_values = raw PAD_VALUE_1X..7X fields (average only), recip = (RECIP_KERNEL_WIDTH,
    RECIP_KERNEL_HEIGHT) (average only), out_size = (Ho,Wo) (default: from the padded extents).
    Returns int8 (C,Ho,Wo)."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise PdpConfigError(f"PDP pool: input must be (C,H,W), got shape {x.shape}")
    c, h, w = x.shape
    kh, kw = kernel
    sh, sw = stride
    top, left, bottom, right = pad
    if out_size is None:
        out_size = ((top + h + bottom - kh) // sh + 1, (left + w + right - kw) // sw + 1)
    ho, wo = out_size
    if method not in ("avg", "max", "min"):
        raise PdpConfigError(f"PDP pool: unknown method {method!r}")
    check_pad(kernel, pad)
    x = x.astype(np.int64)
    cidx, cval = _windows(w, wo, kw, sw, left)        # (Wo,kw)
    ridx, rval = _windows(h, ho, kh, sh, top)         # (Ho,kh)
    xw = x[:, :, cidx]                                 # (C,H,Wo,kw)
    if method == "avg":
        table = _pad_table(pad_values)
        # width pass: in-bounds sum + P(missing columns) as an 11-bit signed value; wraps to 11 bits
        s1 = np.where(cval, xw, 0).sum(axis=-1)
        s1 = sext(s1 + sext(table[kw - cval.sum(axis=1)], W1D)[None, None, :], W1D)  # (C,H,Wo)
        # height pass: in-bounds rows + P(missing rows) * kw (19-bit signed, wrapped to 14 bits)
        s2 = np.where(rval[None, :, :, None], s1[:, ridx, :], 0).sum(axis=2)      # (C,Ho,Wo)
        s2 = sext(s2, W2D)
        hpad = sext(sext(table[kh - rval.sum(axis=1)], 19) * kw, W2D)             # (Ho,)
        s2 = s2 + hpad[None, :, None]                                              # 15-bit
        # division: width reciprocal then height reciprocal, each rounded half away from zero
        # (products held in 31 and 28 bits: 15-bit sum and 11-bit t1 times the 17-bit recip)
        t1 = _recip_round(s2, recip[0], W1D, W2D + 17)
        out = _recip_round(t1, recip[1], W_OUT, W1D + 17)
    else:
        # max/min over in-bounds elements only (padding never participates)
        fill = np.iinfo(np.int64).min if method == "max" else np.iinfo(np.int64).max
        red = np.max if method == "max" else np.min
        m1 = red(np.where(cval, xw, fill), axis=-1)                                  # (C,H,Wo)
        m2 = red(np.where(rval[None, :, :, None], m1[:, ridx, :], fill), axis=2)     # (C,Ho,Wo)
        # a window without any in-bounds element has no value: 0 (pool() called directly;
        # run() refuses the settings that make one: pad >= kernel, outputs beyond the input)
        empty = (~cval.any(axis=1))[None, None, :] | (~rval.any(axis=1))[None, :, None]
        out = np.where(empty, 0, m2)
    return np.asarray(out, dtype=np.int64).astype(np.int8)


def out_cube(regs: RegView) -> tuple[int, int, int]:
    """(C, Ho, Wo) of the cube PDP writes (channels as its input: pooling is per channel)."""
    return (regs.f(f"{_P}D_DATA_CUBE_IN_CHANNEL_0", "CUBE_IN_CHANNEL") + 1,
            regs.f(f"{_P}D_DATA_CUBE_OUT_HEIGHT_0", "CUBE_OUT_HEIGHT") + 1,
            regs.f(f"{_P}D_DATA_CUBE_OUT_WIDTH_0", "CUBE_OUT_WIDTH") + 1)


def run(regs: RegView, mem: Memory, flying_in=None) -> None:
    """Run one PDP operation: read the input (PDP_RDMA, or ``flying_in`` = SDP's int8 cube
    when FLYING_MODE = ON_FLYING), pool, write the output cube with the PDP DST strides
    (whole 8-channel atoms: padding lanes pooled from the padding input lanes)."""
    w = regs.f(f"{_P}D_DATA_CUBE_IN_WIDTH_0", "CUBE_IN_WIDTH") + 1
    h = regs.f(f"{_P}D_DATA_CUBE_IN_HEIGHT_0", "CUBE_IN_HEIGHT") + 1
    c, ho, wo = out_cube(regs)
    if regs.f(f"{_P}D_DATA_FORMAT_0", "INPUT_DATA") != 0:
        raise PdpConfigError("PDP: only INT8 input data is modelled")
    mode = f"{_P}D_OPERATION_MODE_CFG_0"
    method_id = regs.f(mode, "POOLING_METHOD")
    if method_id not in METHODS:
        raise PdpConfigError(f"PDP: invalid POOLING_METHOD {method_id}")
    method = METHODS[method_id]
    off_flying = regs.f(mode, "FLYING_MODE")        # 0 = ON_FLYING (from SDP), 1 = OFF_FLYING
    splits = regs.f(mode, "SPLIT_NUM") + 1
    kcfg = f"{_P}D_POOLING_KERNEL_CFG_0"
    kh, kw = regs.f(kcfg, "KERNEL_HEIGHT") + 1, regs.f(kcfg, "KERNEL_WIDTH") + 1
    sh, sw = regs.f(kcfg, "KERNEL_STRIDE_HEIGHT") + 1, regs.f(kcfg, "KERNEL_STRIDE_WIDTH") + 1
    pcfg = f"{_P}D_POOLING_PADDING_CFG_0"
    top, left = regs.f(pcfg, "PAD_TOP"), regs.f(pcfg, "PAD_LEFT")
    bottom, right = regs.f(pcfg, "PAD_BOTTOM"), regs.f(pcfg, "PAD_RIGHT")
    pad_values = [regs.f(f"{_P}D_POOLING_PADDING_VALUE_{n}_CFG_0", f"PAD_VALUE_{n}X")
                  for n in range(1, 8)]
    recip = (regs.f(f"{_P}D_RECIP_KERNEL_WIDTH_0", "RECIP_KERNEL_WIDTH"),
             regs.f(f"{_P}D_RECIP_KERNEL_HEIGHT_0", "RECIP_KERNEL_HEIGHT"))

    check_pad((kh, kw), (top, left, bottom, right))
    check_out_size((h, w), (ho, wo), (kh, kw), (sh, sw), (top, left, bottom, right), splits)
    check_channels_and_ram(regs, off_flying)
    cp = -(-c // ATOM) * ATOM
    if off_flying:
        check_rdma(regs, splits)
        x = read_cube(mem, regs.raw(f"{_R}D_SRC_BASE_ADDR_LOW_0"), c, h, w,
                      regs.raw(f"{_R}D_SRC_LINE_STRIDE_0"),
                      regs.raw(f"{_R}D_SRC_SURFACE_STRIDE_0"), padded=True)
    else:
        if flying_in is None:
            raise PdpConfigError("PDP: FLYING_MODE=ON_FLYING but no SDP input given")
        x = atom_lanes(flying_in, c, h, w, np.int8, PdpConfigError, "PDP: ")

    out = np.zeros((cp, ho, wo), dtype=np.int8)
    if splits == 1:
        out[:] = pool(x, method, (kh, kw), (sh, sw), (top, left, bottom, right),
                      pad_values, recip, (ho, wo))
    else:
        # split-width: each split pools its own slice of input columns (the later ones start
        # kw - sw columns early to overlap); only the first split has left padding and only
        # the last right padding; split outputs are placed side by side.
        pin = f"{_P}D_PARTIAL_WIDTH_IN_0"
        pout = f"{_P}D_PARTIAL_WIDTH_OUT_0"
        in_f = regs.f(pin, "PARTIAL_WIDTH_IN_FIRST") + 1
        in_m = regs.f(pin, "PARTIAL_WIDTH_IN_MID") + 1
        in_l = regs.f(pin, "PARTIAL_WIDTH_IN_LAST") + 1
        out_f = regs.f(pout, "PARTIAL_WIDTH_OUT_FIRST") + 1
        out_m = regs.f(pout, "PARTIAL_WIDTH_OUT_MID") + 1
        out_l = regs.f(pout, "PARTIAL_WIDTH_OUT_LAST") + 1
        overlap = kw - sw
        for i in range(splits):
            if i == 0:
                x0, xw, o0, ow, pl, pr = 0, in_f, 0, out_f, left, 0
            else:
                last = i == splits - 1
                x0 = in_f + (i - 1) * in_m - overlap
                xw = (in_l if last else in_m) + overlap
                o0 = out_f + (i - 1) * out_m
                ow = out_l if last else out_m
                pl, pr = 0, (right if last else 0)
            if x0 < 0 or x0 + xw > w or o0 + ow > wo:
                raise PdpConfigError(f"PDP: split {i} (input columns {x0}..{x0 + xw - 1}, output "
                                     f"columns {o0}..{o0 + ow - 1}) outside the cube")
            out[:, :, o0:o0 + ow] = pool(x[:, :, x0:x0 + xw], method, (kh, kw), (sh, sw),
                                         (top, pl, bottom, pr), pad_values, recip, (ho, ow))
    write_cube(mem, regs.raw(f"{_P}D_DST_BASE_ADDR_LOW_0"), out,
               regs.raw(f"{_P}D_DST_LINE_STRIDE_0"), regs.raw(f"{_P}D_DST_SURFACE_STRIDE_0"))
    return None
