"""Synthetic PDP / CDP / SDP operations through the whole design, written as trace directories
(<name>/<name>.cfg + memory files) for the trace runner, for paths NVIDIA's nv_small traces do
not take: PDP split width (2 and 3 segments with overlap), PDP outputs wider than 256 columns,
CDP cubes wider than one 64-column chunk of its line buffer (rows crossing 4 KiB boundaries on
read and write), units run twice in one trace from both ping-pong register groups
(group 1 armed while group 0 still runs), the interrupts of both groups, SDP operands
read from memory in every DATA_USE / DATA_SIZE / DATA_MODE, a convolution whose weights
start just below a 4 KiB boundary, PDP splits whose last segment differs from the middle ones
and a 1x1 packed convolution input whose surface stride is not the packed one.

Each case takes one of NVIDIA's traces' register program as the base (converter, LUT, pad
values, RAM types) and replaces the cube geometry and addresses; the input bytes are random
(seeded). The expected CRC is the golden model's (model.nvdla.NvSmall given the same register
writes in the same order), itself byte-exact on NVIDIA's traces: the truth is the model.

    python -m tb.unit_cases OUT_DIR          # write every case (for make sim TRACE=...)
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from model import data
from model.regs import REGMAP
from model.trace import parse_cfg

from .conv_cases import ConvCase, write_trace
from .conv_cases import write_chain as _write_chain

IN_BASE, OUT_BASE = 0x80000000, 0x80800000
RECIP = {1: 0x10000, 2: 0x8000, 3: 0x5555, 4: 0x4000, 5: 0x3333, 6: 0x2AAA, 7: 0x2492, 8: 0x2000}


def _base_writes(trace: str) -> list[tuple[str, int]]:
    """Register writes of an NVIDIA trace without the OP_ENABLE, pointer and status writes."""
    cfg = data.traces_root() / "nv_small" / trace / f"{trace}.cfg"
    return [(c.args[0], c.args[1]) for c in parse_cfg(cfg) if c.kind == "reg_write"
            and not c.args[0].endswith(("D_OP_ENABLE_0", "S_POINTER_0", "S_STATUS_0"))]


def _override(writes, over: dict[str, int]) -> list[tuple[str, int]]:
    """The writes with ``over``'s registers replaced (written last, in ``over``'s order)."""
    return [(n, v) for n, v in writes if n not in over] + list(over.items())


def _trace_bytes(trace: str) -> np.ndarray:
    """Every payload byte of the memory files an NVIDIA trace loads (its input's value range)."""
    d = data.traces_root() / "nv_small" / trace
    vals = []
    for c in parse_cfg(d / f"{trace}.cfg"):
        if c.kind == "mem_load":
            text = (d / c.args[-1]).read_text()
            vals += [int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{2})\b", text.partition("payload")[2])]
    return np.asarray(vals or range(256), dtype=np.uint8)


def _cube(rng, c: int, w: int, h: int, trace: str | None = None) -> np.ndarray:
    """Random input bytes of a c x h x w int8 cube: drawn from the values of ``trace``'s input
    (so that the trace's LUT and converters see the range they were set up for), else uniform."""
    n = -(-c // 8) * w * h * 8
    if trace is None:
        return rng.integers(0, 256, n, dtype=np.uint8)
    return rng.choice(_trace_bytes(trace), n)


def pdp_case(name, rng, w, h, c, k, s, pad, method, splits=None, base=IN_BASE, out=OUT_BASE,
             trace="pdp_8x9x19_3x3_ave_int8_0") -> ConvCase:
    """PDP from memory: kernel k=(kw, kh), stride s=(sw, sh), pad=(l, t, r, b), method 0 average,
    1 max, 2 min; splits=((in_first, in_mid, in_last), (out_first, out_mid, out_last), n)."""
    (kw, kh), (sw, sh), (pl, pt, pr, pb) = k, s, pad
    wo, ho = (pl + w + pr - kw) // sw + 1, (pt + h + pb - kh) // sh + 1
    split_num = 0 if splits is None else splits[2] - 1
    pin = pout = 0
    if splits:
        (a, b, cl), (d, e, f) = splits[0], splits[1]
        pin = (a - 1) | (cl - 1) << 10 | (b - 1) << 20
        pout = (d - 1) | (f - 1) << 10 | (e - 1) << 20
    ls, ss = w * 8, w * 8 * h
    P, R = "NVDLA_PDP.", "NVDLA_PDP_RDMA."
    over = {
        P + "D_DATA_CUBE_IN_WIDTH_0": w - 1, P + "D_DATA_CUBE_IN_HEIGHT_0": h - 1,
        P + "D_DATA_CUBE_IN_CHANNEL_0": c - 1, P + "D_DATA_CUBE_OUT_WIDTH_0": wo - 1,
        P + "D_DATA_CUBE_OUT_HEIGHT_0": ho - 1, P + "D_DATA_CUBE_OUT_CHANNEL_0": c - 1,
        P + "D_OPERATION_MODE_CFG_0": method | 1 << 4 | split_num << 8,
        P + "D_PARTIAL_WIDTH_IN_0": pin, P + "D_PARTIAL_WIDTH_OUT_0": pout,
        P + "D_POOLING_KERNEL_CFG_0": (kw - 1) | (kh - 1) << 8 | (sw - 1) << 16 | (sh - 1) << 20,
        P + "D_RECIP_KERNEL_WIDTH_0": RECIP[kw], P + "D_RECIP_KERNEL_HEIGHT_0": RECIP[kh],
        P + "D_POOLING_PADDING_CFG_0": pl | pt << 4 | pr << 8 | pb << 12,
        P + "D_SRC_BASE_ADDR_LOW_0": base, P + "D_SRC_LINE_STRIDE_0": ls,
        P + "D_SRC_SURFACE_STRIDE_0": ss, P + "D_DST_BASE_ADDR_LOW_0": out,
        P + "D_DST_LINE_STRIDE_0": wo * 8, P + "D_DST_SURFACE_STRIDE_0": wo * 8 * ho,
        R + "D_DATA_CUBE_IN_WIDTH_0": w - 1, R + "D_DATA_CUBE_IN_HEIGHT_0": h - 1,
        R + "D_DATA_CUBE_IN_CHANNEL_0": c - 1, R + "D_FLYING_MODE_0": 1,
        R + "D_SRC_BASE_ADDR_LOW_0": base, R + "D_SRC_LINE_STRIDE_0": ls,
        R + "D_SRC_SURFACE_STRIDE_0": ss, R + "D_OPERATION_MODE_CFG_0": split_num,
        R + "D_POOLING_KERNEL_CFG_0": (kw - 1) | (sw - 1) << 4, R + "D_PARTIAL_WIDTH_IN_0": pin,
        R + "D_POOLING_PADDING_CFG_0": pl,
    }
    return ConvCase(name, _override(_base_writes(trace), over), {base: _cube(rng, c, w, h)},
                    (out, -(-c // 8) * wo * ho * 8), "PDP", ("PDP", "PDP_RDMA"))


def cdp_case(name, rng, w, h, c, trace="cdp_8x8x64_lrn3_int8_11", base=IN_BASE,
             out=OUT_BASE) -> ConvCase:
    """CDP (a real trace's LUT and converters) on a new cube geometry, packed in and out."""
    over = {
        "NVDLA_CDP_RDMA.D_DATA_CUBE_WIDTH_0": w - 1, "NVDLA_CDP_RDMA.D_DATA_CUBE_HEIGHT_0": h - 1,
        "NVDLA_CDP_RDMA.D_DATA_CUBE_CHANNEL_0": c - 1, "NVDLA_CDP_RDMA.D_SRC_BASE_ADDR_LOW_0": base,
        "NVDLA_CDP_RDMA.D_SRC_LINE_STRIDE_0": w * 8,
        "NVDLA_CDP_RDMA.D_SRC_SURFACE_STRIDE_0": w * 8 * h,
        "NVDLA_CDP.D_DST_BASE_ADDR_LOW_0": out, "NVDLA_CDP.D_DST_LINE_STRIDE_0": w * 8,
        "NVDLA_CDP.D_DST_SURFACE_STRIDE_0": w * 8 * h,
    }
    return ConvCase(name, _override(_base_writes(trace), over),
                    {base: _cube(rng, c, w, h, trace)}, (out, -(-c // 8) * w * h * 8), "CDP",
                    ("CDP", "CDP_RDMA"))


def _put(name: str, value: int, **fields) -> int:
    """``value`` with the named fields of register ``name`` replaced."""
    r = REGMAP[name]
    for f in r.fields:
        if f.name in fields:
            value = f.put(value, fields[f.name])
    return value


def sdp_case(name, rng, trace="sdp_3x3x33_bn_int8_mem_0", base=IN_BASE, out=OUT_BASE,
             per_kernel=False) -> ConvCase:
    """An SDP trace's program on new addresses and random input, its memory operands random;
    ``per_kernel``: the memory operands one per channel (DATA_MODE = PER_KERNEL)."""
    writes = _base_writes(trace)
    regs = dict(writes)
    R = "NVDLA_SDP_RDMA."
    w = regs[R + "D_DATA_CUBE_WIDTH_0"] + 1
    h = regs[R + "D_DATA_CUBE_HEIGHT_0"] + 1
    c = regs[R + "D_DATA_CUBE_CHANNEL_0"] + 1
    over = {R + "D_SRC_BASE_ADDR_LOW_0": base, R + "D_SRC_LINE_STRIDE_0": w * 8,
            R + "D_SRC_SURFACE_STRIDE_0": w * 8 * h,
            "NVDLA_SDP.D_DST_BASE_ADDR_LOW_0": out, "NVDLA_SDP.D_DST_LINE_STRIDE_0": w * 8,
            "NVDLA_SDP.D_DST_SURFACE_STRIDE_0": w * 8 * h}
    mem = {base: _cube(rng, c, w, h)}
    for i, (dma, pre) in enumerate((("BRDMA", "BS"), ("NRDMA", "BN"), ("ERDMA", "EW"))):
        cfg = f"{R}D_{dma}_CFG_0"
        if cfg in regs and regs[cfg] & 1 == 0:              # enabled: operands moved, random
            a = base + 0x100000 * (i + 1)
            over[f"{R}D_{pre}_BASE_ADDR_LOW_0"] = a
            over[f"{R}D_{pre}_BASE_ADDR_HIGH_0"] = 0
            mem[a] = rng.integers(0, 256, 0x10000, dtype=np.uint8)
            if per_kernel:
                over[cfg] = _put(cfg, regs[cfg], **{f"{dma}_DATA_MODE": 0})
    return ConvCase(name, _override(writes, over), mem, (out, -(-c // 8) * w * h * 8), "SDP",
                    ("SDP", "SDP_RDMA"))


def sdp_ops_case(name, rng, use: int, size: int, mode: int, trace="sdp_3x3x33_bs_bn_int8_1",
                 base=IN_BASE, out=OUT_BASE) -> ConvCase:
    """SDP with BS and BN both active, their ALU and MUL operands read from memory by BRDMA and
    NRDMA with DATA_USE ``use`` (0 MUL, 1 ALU, 2 BOTH), DATA_SIZE ``size`` (0 one byte, 1 two
    bytes) and DATA_MODE ``mode`` (0 per kernel, 1 per element); random input and operands."""
    writes = _base_writes(trace)
    regs = dict(writes)
    R, S = "NVDLA_SDP_RDMA.", "NVDLA_SDP."
    w = regs[R + "D_DATA_CUBE_WIDTH_0"] + 1
    h = regs[R + "D_DATA_CUBE_HEIGHT_0"] + 1
    c = regs[R + "D_DATA_CUBE_CHANNEL_0"] + 1
    k = (2 if use == 2 else 1) * (2 if size else 1)          # beats per operand atom
    over = {R + "D_SRC_BASE_ADDR_LOW_0": base, R + "D_SRC_LINE_STRIDE_0": w * 8,
            R + "D_SRC_SURFACE_STRIDE_0": w * 8 * h,
            S + "D_DST_BASE_ADDR_LOW_0": out, S + "D_DST_LINE_STRIDE_0": w * 8,
            S + "D_DST_SURFACE_STRIDE_0": w * 8 * h}
    mem = {base: _cube(rng, c, w, h)}
    for i, (dma, pre, st) in enumerate((("BRDMA", "BS", "BS"), ("NRDMA", "BN", "BN"))):
        cfg = f"{R}D_{dma}_CFG_0"
        a = base + 0x100000 * (i + 1)
        # enabled on MC (RAM_TYPE 1): the trace leaves a disabled DMA's RAM type CV (0), which
        # nv_small lacks (the model refuses it: model/sdp.py check_ram)
        over[cfg] = _put(cfg, regs.get(cfg, 0), **{f"{dma}_DISABLE": 0, f"{dma}_DATA_USE": use,
                                                   f"{dma}_DATA_SIZE": size, f"{dma}_DATA_MODE": mode,
                                                   f"{dma}_RAM_TYPE": 1})
        over[f"{R}D_{pre}_BASE_ADDR_LOW_0"] = a
        over[f"{R}D_{pre}_BASE_ADDR_HIGH_0"] = 0
        over[f"{R}D_{pre}_LINE_STRIDE_0"] = w * 8 * k
        over[f"{R}D_{pre}_SURFACE_STRIDE_0"] = w * 8 * k * h
        # small operands (-4..4), so that the output is mostly not saturated
        v = rng.integers(-4, 5, 0x2000 if size else 0x4000).astype(np.int16)
        mem[a] = v.astype("<i2").view(np.uint8) if size else v.astype(np.int8).view(np.uint8)
        dp = f"{S}D_DP_{st}_CFG_0"
        over[dp] = _put(dp, regs.get(dp, 0), **{f"{st}_BYPASS": 0, f"{st}_ALU_BYPASS": 0,
                                                f"{st}_MUL_BYPASS": 0})
        for part, mem_use in (("ALU", (1, 2)), ("MUL", (0, 2))):   # from memory when delivered
            r = f"{S}D_DP_{st}_{part}_CFG_0"
            over[r] = _put(r, regs.get(r, 0), **{f"{st}_{part}_SRC": int(use in mem_use)})
            if use not in mem_use:                # the register operand: small
                over[f"{S}D_DP_{st}_{part}_SRC_VALUE_0"] = 3 if part == "ALU" else 1
    return ConvCase(name, _override(writes, over), mem, (out, -(-c // 8) * w * h * 8), "SDP",
                    ("SDP", "SDP_RDMA"))


def sdp_geom_case(name, rng, w, h, c, line_gap=0, surf_gap=0,
                  trace="sdp_8x8x32_bypass_int8_1", base=IN_BASE, out=OUT_BASE) -> ConvCase:
    """An SDP trace's program on a w x h x c cube with strided input and output (line stride
    w*8 + line_gap, surface stride line*h + surf_gap); the input range is random bytes through
    the gaps too, the checked output range covers them (a 1x1 cube is moved packed, ignoring
    the strides: model/sdp.py, as NVIDIA's RDMA)."""
    R, S = "NVDLA_SDP_RDMA.", "NVDLA_SDP."
    ls = w * 8 + line_gap
    ss = ls * h + surf_gap
    ns = -(-c // 8)
    over = {R + "D_DATA_CUBE_WIDTH_0": w - 1, R + "D_DATA_CUBE_HEIGHT_0": h - 1,
            R + "D_DATA_CUBE_CHANNEL_0": c - 1, S + "D_DATA_CUBE_WIDTH_0": w - 1,
            S + "D_DATA_CUBE_HEIGHT_0": h - 1, S + "D_DATA_CUBE_CHANNEL_0": c - 1,
            R + "D_SRC_BASE_ADDR_LOW_0": base, R + "D_SRC_LINE_STRIDE_0": ls,
            R + "D_SRC_SURFACE_STRIDE_0": ss, S + "D_DST_BASE_ADDR_LOW_0": out,
            S + "D_DST_LINE_STRIDE_0": ls, S + "D_DST_SURFACE_STRIDE_0": ss}
    return ConvCase(name, _override(_base_writes(trace), over),
                    {base: rng.integers(0, 256, ns * ss, dtype=np.uint8)}, (out, ns * ss), "SDP",
                    ("SDP", "SDP_RDMA"))


def conv_wt_offset_case(name, seed: int, off: int) -> ConvCase:
    """A random convolution of tb/conv_cases.py with its weights moved ``off`` bytes up (a
    32-byte multiple): weight bursts then cross 4 KiB boundaries."""
    from .conv_cases import WT_BASE, random_case
    c = random_case(np.random.default_rng(seed), name, pixel=False)
    c.writes = [(n, v + off if n == "NVDLA_CDMA.D_WEIGHT_ADDR_LOW_0" else v) for n, v in c.writes]
    c.mem = {(b + off if b == WT_BASE else b): m for b, m in c.mem.items()}
    return c


def conv_pack1x1_case(name, seed: int, surf_stride: int, c: int = 45, k: int = 11) -> ConvCase:
    """A random 1x1 feature convolution of tb/conv_cases.py (c channels, k kernels) whose input
    cube is 1x1 with LINE_PACKED = SURF_PACKED = 1, D_LINE_STRIDE = 8 (the only line stride
    NVIDIA's cmod accepts with LINE_PACKED on a 1-wide cube) and D_SURF_STRIDE = ``surf_stride``
    (> 8): CDMA's 1x1 pack rule reads the ceil(c/8) atoms contiguously from the base and ignores
    the surface stride (model/cdma.fetch_feature; NVIDIA's cmod and RTL: is_packed_1x1). The
    input range holds random bytes everywhere, so a read at the surface stride sees other bytes."""
    from .conv_cases import DAT_BASE, _set, random_case
    case = random_case(np.random.default_rng(seed), name, pixel=False, wide=True,
                       geom={"w": 1, "h": 1, "c": c, "k": k, "sw": 1, "r": 1})
    _set(case, "NVDLA_CDMA.D_SURF_STRIDE_0", SURF_STRIDE=surf_stride)
    _set(case, "NVDLA_CDMA.D_DAIN_MAP_0", LINE_PACKED=1, SURF_PACKED=1)
    case.mem[DAT_BASE] = np.random.default_rng(seed + 1).integers(
        0, 256, -(-c // 8) * surf_stride, dtype=np.uint8)
    return case


def conv_data_overflow_case(name, seed: int = 18) -> ConvCase:
    """A random feature convolution of tb/conv_cases.py whose input (600 CBUF entries for seed
    18) is given one data bank (512 entries) in CDMA and CSC: nv_small never starts it (CSC
    waits for the whole input, nothing is released before the end; model/cbuf.py refuses it);
    our RTL fetches nothing and never finishes (hw/nvs_conv.v l_hang)."""
    from .conv_cases import _set, random_case
    case = random_case(np.random.default_rng(seed), name, pixel=False)
    for u in ("CDMA", "CSC"):
        _set(case, f"NVDLA_{u}.D_BANK_0", DATA_BANK=0)
    return case


def write_chain(cases: list[ConvCase], root: Path, name: str) -> Path:
    """Cases (at disjoint addresses) in one trace, every unit using its register groups in turn
    (tb.conv_cases.write_chain without moving the cases)."""
    return _write_chain(cases, root, name, shift=False)


def make_all(root: Path, seed: int = 7) -> list[Path]:
    """Every case of this module as trace directories under root (reproducible)."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    pv = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70]
    out = [
        # 20 wide, 3x3 stride 2 padded all round: outputs 10 = 4 + 3 + 3 over 3 segments,
        # inputs 8 + 6 + 6 (kw - sw = 1 column of overlap for segments 1, 2)
        write_trace(pdp_case("unit_pdp_split3_ave", rng, 20, 6, 16, (3, 3), (2, 2), (1, 1, 1, 1),
                             0, splits=((8, 6, 6), (4, 3, 3), 3)), root),
        write_trace(pdp_case("unit_pdp_split2_max", rng, 17, 5, 11, (3, 2), (2, 1), (1, 0, 0, 1),
                             1, splits=((10, 7, 7), (5, 3, 3), 2), trace="pdp_8x8x64_2x2_int8"), root),
        # unsplit, 300 output columns (more than 256: the 1024-column line buffer)
        write_trace(pdp_case("unit_pdp_w300_min", rng, 300, 3, 8, (2, 2), (1, 1), (0, 0, 1, 1), 2,
                             trace="pdp_8x8x64_2x2_min_int8_0"), root),
        # wider than one 64-column chunk; rows cross 4 KiB boundaries on read and write
        write_trace(cdp_case("unit_cdp_w150_lrn3", rng, 150, 4, 20), root),
        write_trace(cdp_case("unit_cdp_w65_lrn7", rng, 65, 3, 9, trace="cdp_8x8x32_lrn7_int8_0"), root),
        write_trace(cdp_case("unit_cdp_w129_lrn5", rng, 129, 1, 16, trace="cdp_8x8x32_lrn5_int8_0"),
                    root),
    ]
    # SDP operands from memory in every DATA_USE / DATA_SIZE / DATA_MODE (BS and BN)
    for use, size, mode in ((2, 0, 0), (2, 1, 1), (1, 0, 1), (0, 1, 0), (2, 0, 1), (1, 1, 0)):
        out.append(write_trace(sdp_ops_case(f"unit_sdp_ops_u{use}s{size}m{mode}", rng, use, size,
                                            mode), root))
    # 1x1 cubes are moved packed (strides ignored), 1x2 and 2x1 ones are not
    for n, (w, h, c) in (("1x1x40", (1, 1, 40)), ("1x2x24", (1, 2, 24)), ("2x1x17", (2, 1, 17))):
        out.append(write_trace(sdp_geom_case(f"unit_sdp_strided_{n}", rng, w, h, c, 16, 32), root))
    # weights 0xfe0 bytes above a 4 KiB boundary: the first weight burst is cut at the boundary
    out.append(write_trace(conv_wt_offset_case("unit_conv_wt4k", 24, 0xFE0), root))
    # both register groups of each unit, the second armed while the first runs
    M = 0x01000000
    out.append(write_chain([
        pdp_case("a", rng, 12, 9, 19, (3, 3), (2, 2), (1, 1, 1, 1), 0, base=IN_BASE, out=OUT_BASE),
        pdp_case("b", rng, 8, 8, 24, (2, 2), (2, 2), (0, 0, 0, 0), 1, base=IN_BASE + M,
                 out=OUT_BASE + M, trace="pdp_8x8x64_2x2_int8"),
        pdp_case("c", rng, 7, 9, 10, (3, 3), (1, 1), (0, 0, 0, 0), 2, base=IN_BASE + 2 * M,
                 out=OUT_BASE + 2 * M, trace="pdp_8x8x64_2x2_min_int8_0")], root, "unit_chain_pdp"))
    # (one base trace for all three: the LUT is not double-buffered, reprogramming it while the
    # previous operation runs would change that operation's output)
    out.append(write_chain([
        cdp_case("a", rng, 8, 8, 32, base=IN_BASE, out=OUT_BASE),
        cdp_case("b", rng, 5, 3, 40, base=IN_BASE + M, out=OUT_BASE + M),
        cdp_case("c", rng, 3, 7, 12, base=IN_BASE + 2 * M, out=OUT_BASE + 2 * M)],
        root, "unit_chain_cdp"))
    out.append(write_chain([
        sdp_case("a", rng, base=IN_BASE, out=OUT_BASE, per_kernel=True),
        sdp_case("b", rng, trace="sdp_3x3x33_bs_bn_int8_1", base=IN_BASE + M, out=OUT_BASE + M),
        sdp_case("c", rng, trace="sdp_5x24x18_bs_int8_mem_0", base=IN_BASE + 2 * M,
                 out=OUT_BASE + 2 * M)], root, "unit_chain_sdp"))
    # split width with the last segment wider / narrower than the middle ones (IN/OUT last !=
    # mid): 24 wide, 3x3 stride 2, padded all round, 12 outputs = 4 + 3 + 5 and 4 + 3 + 3 + 2
    out.append(write_trace(pdp_case("unit_pdp_split3_lastwide", rng, 24, 5, 20, (3, 3), (2, 2),
                                    (1, 1, 1, 1), 0, splits=((8, 6, 10), (4, 3, 5), 3)), root))
    out.append(write_trace(pdp_case("unit_pdp_split4_lastnarrow", rng, 24, 4, 13, (3, 3), (2, 2),
                                    (1, 1, 1, 1), 1, splits=((8, 6, 4), (4, 3, 2), 4),
                                    trace="pdp_8x8x64_2x2_int8"), root))
    # 1x1 packed input cube whose surface stride is not the packed one (CDMA's 1x1 pack rule)
    out.append(write_trace(conv_pack1x1_case("unit_conv_pack1x1", 61, 40), root))
    # all data reused (SKIP_DATA_RLS, then DATA_REUSE; the second layer's input address holds
    # other bytes) with the input filling 94 % of the data ring: a fetch by the second layer
    # would wrap onto the kept entries
    from .conv_cases import reuse_chain, write_chain as conv_chain
    out.append(conv_chain(reuse_chain(np.random.default_rng(116), "full", "f")[0], root,
                          "unit_conv_reuse_full"))
    # an input split in height over two layers: the first releases 7 of its 12 rows, the second
    # reuses the 5 kept rows (DATA_REUSE after a release) and fetches the rest
    out.append(conv_chain(reuse_chain(np.random.default_rng(103), "split", "s")[0], root,
                          "unit_conv_reuse_split"))
    # SDP lines of 20 beats: DMA requests of 16 + 4 beats (at most 16, no 4 KiB crossing)
    out.append(write_trace(sdp_geom_case("unit_sdp_strided_20x2x20", rng, 20, 2, 20, 16, 32), root))
    # CDP LE table in exponent mode starting at 2^12 (LE_INDEX_OFFSET 12): the squared sums
    # below it take the LE underflow slope from start + 2^12
    c = cdp_case("unit_cdp_le_uflow", rng, 8, 4, 24, trace="cdp_8x8x64_lrn3_int8_0")
    c.writes = _override(c.writes, {"NVDLA_CDP.S_LUT_INFO_0": _put(
        "NVDLA_CDP.S_LUT_INFO_0", dict(c.writes)["NVDLA_CDP.S_LUT_INFO_0"], LUT_LE_INDEX_OFFSET=12)})
    out.append(write_trace(c, root))
    # image input with CSC post Y-extension (kernel rows 2 and 4 at a time): unit_conv_yext2, 4
    from .conv_cases import y_extension_case
    for code in (1, 2):
        out.append(write_trace(y_extension_case(np.random.default_rng(200 + code), "unit_conv",
                                                code)[0], root))
    # an input larger than its data banks: never finishes (expects the testbench's watchdog)
    out.append(write_trace(conv_data_overflow_case("unit_conv_data_overflow"), root,
                           expect_watchdog="the input needs 600 CBUF entries, the data banks "
                                           "hold 512: nv_small never starts it"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.unit_cases", description=__doc__.splitlines()[0])
    ap.add_argument("out", help="directory for the trace directories")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    root = data.traces_root() / "nv_small"
    if not root.is_dir():
        print(f"error: NVIDIA traces not found ({root}); set NVDLA_SHARED", file=sys.stderr)
        return 2
    for d in make_all(Path(a.out), a.seed):
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
