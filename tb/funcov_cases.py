"""Synthetic register programs for the functional-coverage holes of NVIDIA's traces (tb/funcov.py):
SDP with BS/BN operands from memory in every DMA mode (per channel / per element, 1 / 2 bytes,
MUL / ALU / BOTH) and every ALU algorithm, ReLU bypassed; PDP from memory with every kernel
size 1-8 and stride 1-8 (width and height), AVG/MAX/MIN, padding, split width; CDP with its
square sum and multiplier bypassed; convolutions with strides 5-8, kernels 6-9, dilations 2-3,
padding 3-5 and every pixel format; CDP LUT windows hitting every LUT case with both priorities.  Each case is a trace directory whose expected CRC is the
golden model's (tb/conv_cases.write_trace), played on the RTL by tests/tb/test_funcov_cases_rtl.py.

    python -m tb.funcov_cases OUT_DIR [--seed 1]
"""
from __future__ import annotations

import argparse
import zlib
from pathlib import Path

import numpy as np

from model.memory import ATOM
from model.regs import REGMAP

from .conv_cases import ConvCase, random_case, write_trace

SRC = 0x80000000
BS_BASE = 0x80200000
BN_BASE = 0x80400000
DST = 0x90000000


def _enc(name: str, **kw) -> int:
    return REGMAP[name].encode(**kw)


def _ceil(a, b):
    return -(-a // b)


# ------------------------------------------------------------------------------------ SDP
DMA_MODES = [(use, size, mode) for use in (0, 1, 2) for size in (0, 1) for mode in (0, 1)]


def sdp_case(rng, name: str, stages: dict) -> ConvCase:
    """SDP memory -> BS -> BN -> CVT -> memory.  ``stages``: {'BS'|'BN': dict(algo, mul
    ('MUL'|'PRELU'|None), relu, use, size, mode)}; a stage not named is bypassed."""
    w, h, c = int(rng.integers(1, 9)), int(rng.integers(1, 6)), int(rng.integers(1, 41))
    cp = _ceil(c, ATOM) * ATOM
    line, surf = w * ATOM, w * h * ATOM
    case = ConvCase(name, notify="SDP", units=("SDP", "SDP_RDMA"))
    case.mem[SRC] = rng.integers(0, 256, surf * cp // ATOM, dtype=np.uint8)
    S, R = "NVDLA_SDP.", "NVDLA_SDP_RDMA."
    wr = case.writes.append
    for unit, pre in ((R, R), (S, S)):
        wr((pre + "D_DATA_CUBE_WIDTH_0", w - 1))
        wr((pre + "D_DATA_CUBE_HEIGHT_0", h - 1))
        wr((pre + "D_DATA_CUBE_CHANNEL_0", c - 1))
    wr((R + "D_SRC_BASE_ADDR_LOW_0", SRC))
    wr((R + "D_SRC_LINE_STRIDE_0", line))
    wr((R + "D_SRC_SURFACE_STRIDE_0", surf))
    wr((R + "D_SRC_DMA_CFG_0", 1))
    wr((R + "D_FEATURE_MODE_CFG_0", 0))
    wr((R + "D_ERDMA_CFG_0", _enc(R + "D_ERDMA_CFG_0", ERDMA_DISABLE=1)))
    for st, dma, base in (("BS", "BRDMA", BS_BASE), ("BN", "NRDMA", BN_BASE)):
        cfg = stages.get(st)
        if cfg is None:
            wr((S + f"D_DP_{st}_CFG_0", _enc(S + f"D_DP_{st}_CFG_0", **{f"{st}_BYPASS": 1})))
            wr((R + f"D_{dma}_CFG_0", _enc(R + f"D_{dma}_CFG_0", **{f"{dma}_DISABLE": 1})))
            continue
        use, size, mode = cfg["use"], cfg["size"], cfg["mode"]
        alu_mem, mul_mem = use in (1, 2), use in (0, 2)
        mul = cfg.get("mul", "MUL")
        algo = cfg.get("algo")
        wr((S + f"D_DP_{st}_CFG_0", _enc(
            S + f"D_DP_{st}_CFG_0", **{f"{st}_BYPASS": 0, f"{st}_ALU_BYPASS": int(algo is None),
                                      f"{st}_ALU_ALGO": algo or 0,
                                      f"{st}_MUL_BYPASS": int(mul is None),
                                      f"{st}_MUL_PRELU": int(mul == "PRELU"),
                                      f"{st}_RELU_BYPASS": int(not cfg.get("relu", True))})))
        wr((S + f"D_DP_{st}_ALU_CFG_0", _enc(S + f"D_DP_{st}_ALU_CFG_0", **{
            f"{st}_ALU_SRC": int(alu_mem), f"{st}_ALU_SHIFT_VALUE": int(rng.integers(0, 5))})))
        wr((S + f"D_DP_{st}_ALU_SRC_VALUE_0", int(rng.integers(0, 1 << 16))))
        wr((S + f"D_DP_{st}_MUL_CFG_0", _enc(S + f"D_DP_{st}_MUL_CFG_0", **{
            f"{st}_MUL_SRC": int(mul_mem), f"{st}_MUL_SHIFT_VALUE": int(rng.integers(0, 12))})))
        wr((S + f"D_DP_{st}_MUL_SRC_VALUE_0", int(rng.integers(0, 1 << 16))))
        wr((R + f"D_{dma}_CFG_0", _enc(R + f"D_{dma}_CFG_0", **{
            f"{dma}_DISABLE": 0, f"{dma}_DATA_USE": use, f"{dma}_DATA_SIZE": size,
            f"{dma}_DATA_MODE": mode, f"{dma}_RAM_TYPE": 1})))
        bpe = (2 if size else 1) * (2 if use == 2 else 1)
        oline, osurf = w * ATOM * bpe, w * h * ATOM * bpe
        wr((R + f"D_{st}_BASE_ADDR_LOW_0", base))
        wr((R + f"D_{st}_LINE_STRIDE_0", oline))
        wr((R + f"D_{st}_SURFACE_STRIDE_0", osurf))
        n = osurf * cp // ATOM if mode else cp * bpe
        case.mem[base] = rng.integers(0, 256, n, dtype=np.uint8)
    wr((S + "D_DP_EW_CFG_0", _enc(S + "D_DP_EW_CFG_0", EW_BYPASS=1)))
    wr((S + "D_FEATURE_MODE_CFG_0", 0))
    wr((S + "D_DATA_FORMAT_0", 0))
    wr((S + "D_DST_BASE_ADDR_LOW_0", DST))
    wr((S + "D_DST_LINE_STRIDE_0", line))
    wr((S + "D_DST_SURFACE_STRIDE_0", surf))
    wr((S + "D_DST_DMA_CFG_0", 1))
    wr((S + "D_CVT_OFFSET_0", int(rng.integers(-64, 64)) & 0xFFFFFFFF))
    wr((S + "D_CVT_SCALE_0", int(rng.integers(1, 64))))
    wr((S + "D_CVT_SHIFT_0", int(rng.integers(4, 20))))
    case.out = (DST, surf * cp // ATOM)
    return case


def sdp_cases(rng) -> list[ConvCase]:
    out = []
    algos = (0, 1, 2, 3)
    for i, (use, size, mode) in enumerate(DMA_MODES):
        j = (i + 5) % len(DMA_MODES)
        bn_use, bn_size, bn_mode = DMA_MODES[j]
        st = {"BS": dict(use=use, size=size, mode=mode, algo=algos[i % 4],
                         mul=("MUL", "PRELU")[i % 2], relu=bool(i % 3)),
              "BN": dict(use=bn_use, size=bn_size, mode=bn_mode, algo=algos[(i + 1) % 4],
                         mul=("PRELU", "MUL")[i % 2], relu=bool((i + 1) % 3))}
        out.append(sdp_case(rng, f"fc_sdp_{i:02d}", st))
    return out


# ------------------------------------------------------------------------------------ PDP
def pdp_case(rng, name: str, method: int, kw: int, kh: int, sw: int, sh: int,
             pad: bool = False, splits: int = 1) -> ConvCase:
    """PDP from memory (PDP_RDMA, OFF_FLYING): pooling ``method`` (0 AVG, 1 MAX, 2 MIN), kernel
    kw x kh, stride sw x sh, optional padding (< kernel), ``splits`` > 1: split width."""
    P, R = "NVDLA_PDP.", "NVDLA_PDP_RDMA."
    pl = pr = pt = pb = 0
    if pad and splits == 1:
        pl, pr = int(rng.integers(0, min(kw, 8))), int(rng.integers(0, min(kw, 8)))
        pt, pb = int(rng.integers(0, min(kh, 8))), int(rng.integers(0, min(kh, 8)))
    c = int(rng.integers(1, 25))
    if splits > 1:
        kw = max(kw, sw)
        outs = [int(rng.integers(1, 4)) for _ in range(3)]        # first, mid, last
        wo = outs[0] + (splits - 2) * outs[1] + outs[2]
        in_f, in_m, in_l = (outs[0] - 1) * sw + kw, outs[1] * sw, outs[2] * sw
        w = in_f + (splits - 2) * in_m + in_l
    else:
        wo = int(rng.integers(1, 5))
        w = max(1, (wo - 1) * sw + kw - pl - pr)
        wo = (pl + w + pr - kw) // sw + 1
    ho = int(rng.integers(1, 4))
    h = max(1, (ho - 1) * sh + kh - pt - pb)
    ho = (pt + h + pb - kh) // sh + 1
    cs = _ceil(c, ATOM)
    line, surf = w * ATOM, w * h * ATOM
    oline, osurf = wo * ATOM, wo * ho * ATOM
    case = ConvCase(name, notify="PDP", units=("PDP", "PDP_RDMA"))
    case.mem[SRC] = rng.integers(0, 256, surf * cs, dtype=np.uint8)
    wr = case.writes.append
    kcfg_r = _enc(R + "D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=kw - 1, KERNEL_STRIDE_WIDTH=sw - 1)
    kcfg = _enc(P + "D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=kw - 1, KERNEL_HEIGHT=kh - 1,
                KERNEL_STRIDE_WIDTH=sw - 1, KERNEL_STRIDE_HEIGHT=sh - 1)
    for reg, v in (("D_DATA_CUBE_IN_WIDTH_0", w - 1), ("D_DATA_CUBE_IN_HEIGHT_0", h - 1),
                   ("D_DATA_CUBE_IN_CHANNEL_0", c - 1), ("D_FLYING_MODE_0", 1),
                   ("D_SRC_BASE_ADDR_LOW_0", SRC), ("D_SRC_LINE_STRIDE_0", line),
                   ("D_SRC_SURFACE_STRIDE_0", surf), ("D_SRC_RAM_CFG_0", 1),
                   ("D_DATA_FORMAT_0", 0), ("D_OPERATION_MODE_CFG_0", splits - 1),
                   ("D_POOLING_KERNEL_CFG_0", kcfg_r), ("D_POOLING_PADDING_CFG_0", pl)):
        wr((R + reg, v))
    for reg, v in (("D_DATA_CUBE_IN_WIDTH_0", w - 1), ("D_DATA_CUBE_IN_HEIGHT_0", h - 1),
                   ("D_DATA_CUBE_IN_CHANNEL_0", c - 1), ("D_DATA_CUBE_OUT_WIDTH_0", wo - 1),
                   ("D_DATA_CUBE_OUT_HEIGHT_0", ho - 1), ("D_DATA_CUBE_OUT_CHANNEL_0", c - 1),
                   ("D_OPERATION_MODE_CFG_0", _enc(P + "D_OPERATION_MODE_CFG_0",
                                                   POOLING_METHOD=method, FLYING_MODE=1,
                                                   SPLIT_NUM=splits - 1)),
                   ("D_POOLING_KERNEL_CFG_0", kcfg),
                   ("D_RECIP_KERNEL_WIDTH_0", (1 << 16) // kw),
                   ("D_RECIP_KERNEL_HEIGHT_0", (1 << 16) // kh),
                   ("D_POOLING_PADDING_CFG_0", _enc(P + "D_POOLING_PADDING_CFG_0", PAD_LEFT=pl,
                                                    PAD_TOP=pt, PAD_RIGHT=pr, PAD_BOTTOM=pb)),
                   ("D_SRC_BASE_ADDR_LOW_0", SRC), ("D_SRC_LINE_STRIDE_0", line),
                   ("D_SRC_SURFACE_STRIDE_0", surf), ("D_DST_BASE_ADDR_LOW_0", DST),
                   ("D_DST_LINE_STRIDE_0", oline), ("D_DST_SURFACE_STRIDE_0", osurf),
                   ("D_DST_RAM_CFG_0", 1), ("D_DATA_FORMAT_0", 0)):
        wr((P + reg, v))
    for n in range(1, 8):
        wr((P + f"D_POOLING_PADDING_VALUE_{n}_CFG_0", int(rng.integers(0, 64)) * n))
    if splits > 1:
        pin = _enc(P + "D_PARTIAL_WIDTH_IN_0", PARTIAL_WIDTH_IN_FIRST=in_f - 1,
                   PARTIAL_WIDTH_IN_MID=in_m - 1, PARTIAL_WIDTH_IN_LAST=in_l - 1)
        pout = _enc(P + "D_PARTIAL_WIDTH_OUT_0", PARTIAL_WIDTH_OUT_FIRST=outs[0] - 1,
                    PARTIAL_WIDTH_OUT_MID=outs[1] - 1, PARTIAL_WIDTH_OUT_LAST=outs[2] - 1)
        wr((R + "D_PARTIAL_WIDTH_IN_0", pin))
        wr((P + "D_PARTIAL_WIDTH_IN_0", pin))
        wr((P + "D_PARTIAL_WIDTH_OUT_0", pout))
    case.out = (DST, osurf * cs)
    return case


def pdp_cases(rng) -> list[ConvCase]:
    out = []
    for k in range(1, 9):                 # kernel k x (9-k), strides cycling 1..8
        s = (k % 8) + 1
        out.append(pdp_case(rng, f"fc_pdp_k{k}", k % 3, k, 9 - k, min(s, k) if k > 1 else 1,
                            s, pad=k > 1))
    for s in range(1, 9):                 # strides s x s with a kernel of 8
        out.append(pdp_case(rng, f"fc_pdp_s{s}", (s + 1) % 3, 8, 8, s, s, pad=bool(s % 2)))
    for i, n in enumerate((2, 3, 4)):     # split width
        out.append(pdp_case(rng, f"fc_pdp_split{n}", i, 3, 2, 2, 1, splits=n))
    return out


# ------------------------------------------------------------------------------------ conv
CONV_GEOMS = ([{"sx": s, "sy": s} for s in (5, 6, 7, 8)]
              + [{"sw": k, "r": k} for k in (6, 7, 8, 9)]
              + [{"dx": 2, "dy": 3}, {"dx": 3, "dy": 2}, {"dx": 4, "dy": 5}, {"dx": 6, "dy": 4}]
              + [{"pl": 4, "pt": 3, "sw": 5, "r": 4}, {"pl": 5, "pt": 4, "sw": 6, "r": 5}])


def conv_cases(rng) -> list[ConvCase]:
    from model.cdma import PIXEL_FORMATS
    out = [random_case(rng, f"fc_conv_{i:02d}", pixel=False, geom=g)
           for i, g in enumerate(CONV_GEOMS)]
    out += [random_case(rng, f"fc_img_{p.name}", pixel=True, geom={"fmt": code})
            for code, p in sorted(PIXEL_FORMATS.items())]
    return out


# ------------------------------------------------------------------------------------ CDP
def _lut_edits(le_start: int, le_sel: int, lo_start: int, lo_sel: int, prio: int) -> dict:
    """S_LUT_* values of linear LE (65 entries) / LO (257) tables starting at le/lo_start with
    2^sel wide entries, every priority bit = prio."""
    C = "NVDLA_CDP."
    le_end, lo_end = le_start + (64 << le_sel), lo_start + (256 << lo_sel)
    return {C + "S_LUT_CFG_0": _enc(C + "S_LUT_CFG_0", LUT_LE_FUNCTION=1, LUT_UFLOW_PRIORITY=prio,
                                    LUT_OFLOW_PRIORITY=prio, LUT_HYBRID_PRIORITY=prio),
            C + "S_LUT_INFO_0": _enc(C + "S_LUT_INFO_0", LUT_LE_INDEX_SELECT=le_sel,
                                     LUT_LO_INDEX_SELECT=lo_sel),
            C + "S_LUT_LE_START_LOW_0": le_start, C + "S_LUT_LE_END_LOW_0": le_end,
            C + "S_LUT_LO_START_LOW_0": lo_start, C + "S_LUT_LO_END_LOW_0": lo_end}


# (case suffix, register edits) on NVIDIA's cdp_8x8x32_lrn3_int8_0: the square sum / the
# multiplier bypassed, and linear LUT windows that both cover the trace's square sums (115..139),
# so the hybrid priority picks, once LE and once LO (NVIDIA's cdp traces cover the other cases)
CDP_VARIANTS = (
    [(f"bypass{v}", {"NVDLA_CDP.D_FUNC_BYPASS_0": v}) for v in (1, 2, 3)]
    + [(f"lut_prio{p}", _lut_edits(105, 0, 115, 0, p)) for p in (0, 1)]
)


def cdp_variants(root: Path, traces_dir: Path) -> list[Path]:
    """NVIDIA's cdp_8x8x32_lrn3_int8_0 with the registers of CDP_VARIANTS changed; expected CRC
    from the golden model."""
    from model.trace import TraceRunner
    name = "cdp_8x8x32_lrn3_int8_0"
    src = traces_dir / name
    text = (src / f"{name}.cfg").read_text().splitlines()
    out = []
    for suffix, edits in CDP_VARIANTS:
        d = Path(root) / f"fc_cdp_{suffix}"
        d.mkdir(parents=True, exist_ok=True)
        lines = [f"// {name} with " + ", ".join(f"{k} = 0x{v:x}" for k, v in edits.items())
                 + " (tb/funcov_cases.py)"]
        for ln in text:
            s = ln.strip()
            reg = s[len("reg_write("):s.index(",")] if s.startswith("reg_write(") else None
            if reg in edits:
                s = f"reg_write({reg}, 0x{edits[reg]:x});"
            elif s.startswith("mem_load("):
                a = s[len("mem_load("):s.rindex(")")].split(",")
                f = a[2].strip().strip('"')
                s = f'mem_load({a[0].strip()}, {a[1].strip()}, "{src / f}");'
            lines.append(s)
        cfg = d / f"{d.name}.cfg"
        cfg.write_text("\n".join(lines) + "\n")
        runner = TraceRunner(d, d / "no-rtl")
        r = runner.run()
        if runner.dev is None or not (r.passed or "CRC expected" in r.message):
            raise RuntimeError(f"{d.name}: the golden model rejects it: {r.line()}")
        fixed = []
        for s in lines:
            if s.startswith("check_crc("):
                a = [x.strip() for x in s[len("check_crc("):s.rindex(")")].split(",")]
                base, size = int(a[2], 0), int(a[3], 0)
                crc = zlib.crc32(runner.dev.mem.read(base, size).tobytes()) & 0xFFFFFFFF
                s = f"check_crc({a[0]}, {a[1]}, 0x{base:x}, 0x{size:x}, 0x{crc:08x});"
            fixed.append(s)
        cfg.write_text("\n".join(fixed) + "\n")
        out.append(d)
    return out


def make_all(root: Path, seed: int = 1, traces_dir: Path | None = None) -> dict[str, list[Path]]:
    rng = np.random.default_rng(seed)
    out = {"sdp": [write_trace(c, root) for c in sdp_cases(rng)],
           "pdp": [write_trace(c, root) for c in pdp_cases(rng)],
           "conv": [write_trace(c, root) for c in conv_cases(rng)]}
    if traces_dir is not None and (traces_dir / "cdp_8x8x32_lrn3_int8_0").is_dir():
        out["cdp"] = cdp_variants(root, traces_dir)
    return out


def main(argv=None) -> int:
    from model import data
    ap = argparse.ArgumentParser(prog="python -m tb.funcov_cases", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    for kind, dirs in make_all(a.out, a.seed, data.traces_root() / "nv_small").items():
        for d in dirs:
            print(kind, d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
