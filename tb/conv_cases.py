"""Synthetic convolution operations built from Python, written as trace directories
(<name>/<name>.cfg + memory files) that the trace runner plays on the RTL and on the golden model.

Each case is a direct convolution CDMA -> CSC -> CMAC -> CACC -> SDP (flying, BS/BN bypassed,
output converter on) to memory, with random shape, stride, dilation, padding on every side, pad
values, CDMA input converter, CACC clip truncate, D_BANK split, packed or strided input cubes,
kernel and channel counts that are not multiples of 8, and image (pixel) input in the packed
formats the golden model implements, with and without mean; optionally SDP sends its output on
the fly to PDP (max / min pooling with padding) which writes memory.  The expected CRC is the golden
model's (model.nvdla.NvSmall fed the same register writes): the truth is the model, which
matches NVIDIA's nv_small traces byte for byte.

    python -m tb.conv_cases OUT_DIR [--n 8] [--seed 1]      # write cases (for make sim TRACE=...)
"""
from __future__ import annotations

import argparse
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.cbuf import FLUSH_POLL, entries_per_slice
from model.cdma import PIXEL_FORMATS, pack_weights
from model.cmac import out_size
from model.memory import ATOM
from model.nvdla import NvSmall
from model.regs import REGMAP

BANK_ENTRIES = 512                       # nv_small CBUF: 32 banks x 512 entries x 8 bytes
BANKS = 32
DAT_BASE = 0x80000000
WT_BASE = 0x80400000
OUT_BASE = 0x90000000


@dataclass
class ConvCase:
    name: str
    writes: list = field(default_factory=list)       # (register full name, value)
    mem: dict = field(default_factory=dict)          # base -> bytes (uint8 array)
    out: tuple = (0, 0)                              # (base, size) checked
    notify: str = "SDP"                              # unit whose interrupt ends the case
    units: tuple = ("SDP", "CACC", "CMAC_A", "CMAC_B", "CSC", "CDMA")   # enabled, in this order


def _ceil(a, b):
    return -(-a // b)


def _fields(name: str, **kw) -> int:
    return REGMAP[name].encode(**kw)


def _mask(units) -> int:
    """GLB.S_INTR_MASK with the done bits of ``units`` unmasked (everything else masked)."""
    r = REGMAP["NVDLA_GLB.S_INTR_MASK_0"]
    m = 0
    for f in r.fields:
        if not any(f.name.startswith(f"{u}_DONE_MASK") for u in units):
            m = f.put(m, 1)
    return m


def random_case(rng: np.random.Generator, name: str, pixel: bool | None = None,
                pdp: bool = False, wide: bool = False, geom: dict | None = None) -> ConvCase:
    """One random direct convolution (feature or image input) that fits nv_small's CBUF; with
    ``pdp`` its SDP output goes on the fly to a PDP max/min pooling; ``wide``: feature input of
    1..8192 channels and 1..8192 kernels on a tiny plane (1x1 packed cubes included).
    ``geom`` fixes some of the random draws: sx, sy (strides), r, sw (kernel height, width),
    dx, dy (dilations), pl, pr, pt, pb (padding), fmt (pixel format code) - tb/funcov_cases.py
    asks for the settings the functional coverage found missing; for feature input also w, h
    (input plane), c (channels) and k (kernels)."""
    pixel = False if wide else pixel
    pixel = bool(rng.random() < 0.3) if pixel is None else pixel
    for _ in range(1000):
        sx, sy = (int(v) for v in rng.integers(1, 5, 2))
        if pixel:
            fmt = PIXEL_FORMATS[int(rng.choice(sorted(PIXEL_FORMATS)))]
            n = len(fmt.order)
            w, h = int(rng.integers(1, 40)), int(rng.integers(1, 20))
            sw = int(rng.integers(1, 8))               # kernel width, folded into channels
            r = int(rng.integers(1, 6))
            c_csc = sw * n
            dx = dy = 1
            pl, pr = int(rng.integers(0, 4)), int(rng.integers(0, 4))
            pt, pb = int(rng.integers(0, 3)), int(rng.integers(0, 3))
            wo = (pl + w + pr - sw) // sx + 1
            c_in = n
        elif wide:
            w, h = int(rng.integers(1, 4)), int(rng.integers(1, 3))
            c_in = int(rng.choice([int(rng.integers(1, 8193)), 8192, int(rng.integers(1, 600))]))
            c_csc = c_in
            r = sw = 1 if rng.random() < 0.7 else 2
            dx = dy = 1
            pl = pr = pt = pb = 0
            wo = out_size(w, sw, sx, dx, pl, pr)
        else:
            w, h = int(rng.integers(1, 24)), int(rng.integers(1, 16))
            c_in = int(rng.choice([int(rng.integers(1, 40)), int(rng.integers(1, 200))]))
            c_csc = c_in
            r, sw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
            dx, dy = (int(v) for v in rng.integers(1, 4, 2))
            pl, pr = int(rng.integers(0, 4)), int(rng.integers(0, 4))
            pt, pb = int(rng.integers(0, 4)), int(rng.integers(0, 4))
            wo = out_size(w, sw, sx, dx, pl, pr)
        if geom:
            g = geom
            sx, sy, r, sw = g.get("sx", sx), g.get("sy", sy), g.get("r", r), g.get("sw", sw)
            pl, pr, pt, pb = g.get("pl", pl), g.get("pr", pr), g.get("pt", pt), g.get("pb", pb)
            if pixel:
                if "fmt" in g:
                    fmt = PIXEL_FORMATS[g["fmt"]]
                    n = c_in = len(fmt.order)
                c_csc = sw * n
                wo = (pl + w + pr - sw) // sx + 1
            else:
                dx, dy = g.get("dx", dx), g.get("dy", dy)
                w, h, c_in = g.get("w", w), g.get("h", h), g.get("c", c_in)
                c_csc = c_in
                wo = out_size(w, sw, sx, dx, pl, pr)
        ho = out_size(h, r, sy, dy, pt, pb)
        k = int(rng.choice([int(rng.integers(1, 20)), int(rng.integers(1, 70))]))
        if wide and rng.random() < 0.5:
            k = int(rng.choice([int(rng.integers(1, 8193)), 8192]))
        k = geom.get("k", k) if geom else k
        if wo < 1 or ho < 1:
            continue
        macs = _ceil(c_csc, 8) * _ceil(k, 8) * r * (1 if pixel else sw) * wo * ho
        if macs > 40_000:
            continue
        # CBUF: data banks hold the whole input, weight banks at least one kernel group
        if pixel:
            bpp = n
            line_entries = _ceil((pl + w + pr) * n, ATOM)
            dat_entries = h * line_entries
        else:
            dat_entries = _ceil(c_in, 8) * h * w
        kg_entries = _ceil(8 * c_csc * r * (1 if pixel else sw), ATOM)
        wbytes = _ceil(k * c_csc * r * (1 if pixel else sw), 128) * 128   # as nvdla_compiler pads it
        dbank = _ceil(dat_entries, BANK_ENTRIES)
        wbank_min = _ceil(kg_entries, BANK_ENTRIES)
        if dbank + wbank_min > BANKS:
            continue
        wbank = int(rng.integers(wbank_min, BANKS - dbank + 1))
        break
    else:
        raise RuntimeError("random_case: no case found")

    case = ConvCase(name)
    wr = case.writes.append
    s_wt = 1 if pixel else sw
    # ---- input in memory
    if pixel:
        x_off = min(int(rng.integers(0, 3)), ATOM // bpp - 1)   # the first pixel in the first atom
        line_stride = _ceil((x_off + w) * bpp + int(rng.integers(0, 3)) * 8, 32) * 32
        img = rng.integers(0, 256, h * line_stride, dtype=np.uint8)
        case.mem[DAT_BASE] = img
        surf_stride = line_stride * h
        line_packed = surf_packed = 0
    else:
        x_off = 0
        packed = wide or rng.random() < 0.5
        line_stride = w * ATOM if packed else (w + int(rng.integers(0, 4))) * ATOM
        surf_stride = line_stride * h if packed else line_stride * h + int(rng.integers(0, 3)) * 32
        line_packed = int(line_stride == w * ATOM)
        surf_packed = int(surf_stride == line_stride * h)
        ns = _ceil(c_in, 8)
        cube = np.zeros(ns * surf_stride, dtype=np.uint8)
        for s in range(ns):
            for y in range(h):
                o = s * surf_stride + y * line_stride
                cube[o:o + w * ATOM] = rng.integers(0, 256, w * ATOM, dtype=np.uint8)
        case.mem[DAT_BASE] = cube
    wts = rng.integers(-128, 128, (k, c_csc, r, s_wt)).astype(np.int8)
    if rng.random() < 0.2:
        wts[:] = rng.integers(-128, 128, (1, 1, 1, 1))          # large sums: saturation paths
    blob = pack_weights(wts)
    case.mem[WT_BASE] = np.concatenate([blob, np.zeros(wbytes - blob.size, np.uint8)])
    # ---- converter, pads, truncation
    cvt_en = int(rng.random() < 0.5)
    trunc = int(rng.integers(0, 9))
    cvt = dict(CVT_EN=cvt_en, CVT_TRUNCATE=trunc)
    cvt_off = int(rng.integers(-20, 20)) & 0xFFFF
    # gain scale / 2^truncate about 0.3 .. 1.5, either sign (some saturation, mostly not)
    cvt_scale = (max(1, int(round((1 << trunc) * rng.uniform(0.3, 1.5))))
                 * int(rng.choice([-1, 1]))) & 0xFFFF
    pad_cdma = int(rng.integers(0, 0x10000))
    pad_csc = int(rng.integers(0, 0x10000))
    clip = int(rng.integers(0, 17))
    # SDP output converter scaled to the expected spread of CACC's output (std about 40 out of
    # +-127), so the output bytes are mostly not saturated
    std_acc = np.sqrt(c_csc * r * s_wt) * 60 * 74 / (1 << clip)
    ratio = max(std_acc, 1e-3) / 40
    if ratio > 1:
        sdp_scale = int(rng.integers(1, 5))
        sdp_shift = min(31, int(round(np.log2(ratio * sdp_scale))))
    else:
        sdp_scale, sdp_shift = max(1, int(round(rng.uniform(0.5, 2) / ratio))), 0
    sdp_off = int(rng.uniform(-0.25, 0.25) * std_acc)
    dbase = DAT_BASE
    # ---- CDMA
    wr(("NVDLA_CDMA.D_MISC_CFG_0", 0))
    wr(("NVDLA_CDMA.D_DATAIN_FORMAT_0", _fields(
        "NVDLA_CDMA.D_DATAIN_FORMAT_0", DATAIN_FORMAT=int(pixel),
        PIXEL_FORMAT=fmt.code if pixel else 0,
        PIXEL_SIGN_OVERRIDE=int(pixel and rng.random() < 0.3))))
    wr(("NVDLA_CDMA.D_DATAIN_SIZE_0_0", _fields("NVDLA_CDMA.D_DATAIN_SIZE_0_0",
                                              DATAIN_WIDTH=w - 1, DATAIN_HEIGHT=h - 1)))
    wr(("NVDLA_CDMA.D_DATAIN_SIZE_1_0", c_in - 1))
    wr(("NVDLA_CDMA.D_DATAIN_SIZE_EXT_0_0", _fields("NVDLA_CDMA.D_DATAIN_SIZE_EXT_0_0",
                                                  DATAIN_WIDTH_EXT=w - 1, DATAIN_HEIGHT_EXT=h - 1)))
    wr(("NVDLA_CDMA.D_PIXEL_OFFSET_0", x_off))
    wr(("NVDLA_CDMA.D_DAIN_ADDR_LOW_0_0", dbase))
    wr(("NVDLA_CDMA.D_LINE_STRIDE_0", line_stride))
    wr(("NVDLA_CDMA.D_SURF_STRIDE_0", surf_stride))
    wr(("NVDLA_CDMA.D_DAIN_MAP_0", _fields("NVDLA_CDMA.D_DAIN_MAP_0", LINE_PACKED=line_packed,
                                         SURF_PACKED=surf_packed)))
    wr(("NVDLA_CDMA.D_WEIGHT_FORMAT_0", 0))
    wr(("NVDLA_CDMA.D_WEIGHT_SIZE_0_0", c_csc * r * s_wt))
    wr(("NVDLA_CDMA.D_WEIGHT_SIZE_1_0", k - 1))
    wr(("NVDLA_CDMA.D_WEIGHT_ADDR_LOW_0", WT_BASE))
    wr(("NVDLA_CDMA.D_WEIGHT_BYTES_0", wbytes))
    mean = int(pixel and rng.random() < 0.5)
    wr(("NVDLA_CDMA.D_MEAN_FORMAT_0", mean))
    m = [int(v) & 0xFFFF for v in rng.integers(-100, 256, 4)]
    wr(("NVDLA_CDMA.D_MEAN_GLOBAL_0_0", m[0] | m[1] << 16))
    wr(("NVDLA_CDMA.D_MEAN_GLOBAL_1_0", m[2] | m[3] << 16))
    wr(("NVDLA_CDMA.D_CVT_CFG_0", _fields("NVDLA_CDMA.D_CVT_CFG_0", **cvt)))
    wr(("NVDLA_CDMA.D_CVT_OFFSET_0", cvt_off))
    wr(("NVDLA_CDMA.D_CVT_SCALE_0", cvt_scale))
    wr(("NVDLA_CDMA.D_CONV_STRIDE_0", _fields("NVDLA_CDMA.D_CONV_STRIDE_0",
                                            CONV_X_STRIDE=sx - 1, CONV_Y_STRIDE=sy - 1)))
    wr(("NVDLA_CDMA.D_ZERO_PADDING_0", _fields("NVDLA_CDMA.D_ZERO_PADDING_0", PAD_LEFT=pl,
                                             PAD_RIGHT=pr, PAD_TOP=pt, PAD_BOTTOM=pb)))
    wr(("NVDLA_CDMA.D_ZERO_PADDING_VALUE_0", pad_cdma))
    wr(("NVDLA_CDMA.D_BANK_0", _fields("NVDLA_CDMA.D_BANK_0", DATA_BANK=dbank - 1,
                                     WEIGHT_BANK=wbank - 1)))
    # what NVIDIA's CDMA needs beside the geometry (our RTL and the model compute it): both
    # reads from MCIF (DBB; the reset value 0 is CVIF, which nv_small lacks: nothing is fetched),
    # the CBUF entries of one input line, fetch grain 1
    eps = entries_per_slice(pl + w + pr, image_components=n) if pixel else entries_per_slice(w, c_in)
    wr(("NVDLA_CDMA.D_DAIN_RAM_TYPE_0", _fields("NVDLA_CDMA.D_DAIN_RAM_TYPE_0", DATAIN_RAM_TYPE=1)))
    wr(("NVDLA_CDMA.D_WEIGHT_RAM_TYPE_0", _fields("NVDLA_CDMA.D_WEIGHT_RAM_TYPE_0", WEIGHT_RAM_TYPE=1)))
    wr(("NVDLA_CDMA.D_ENTRY_PER_SLICE_0", _fields("NVDLA_CDMA.D_ENTRY_PER_SLICE_0", ENTRIES=eps - 1)))
    wr(("NVDLA_CDMA.D_FETCH_GRAIN_0", _fields("NVDLA_CDMA.D_FETCH_GRAIN_0", GRAINS=0)))
    # ---- CSC
    wr(("NVDLA_CSC.D_MISC_CFG_0", 0))
    wr(("NVDLA_CSC.D_DATAIN_FORMAT_0", int(pixel)))
    wr(("NVDLA_CSC.D_DATAIN_SIZE_EXT_0_0", _fields("NVDLA_CSC.D_DATAIN_SIZE_EXT_0_0",
                                                 DATAIN_WIDTH_EXT=w - 1, DATAIN_HEIGHT_EXT=h - 1)))
    wr(("NVDLA_CSC.D_DATAIN_SIZE_EXT_1_0", c_in - 1))
    wr(("NVDLA_CSC.D_WEIGHT_FORMAT_0", 0))
    wr(("NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0", _fields("NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0",
                                                 WEIGHT_WIDTH_EXT=s_wt - 1, WEIGHT_HEIGHT_EXT=r - 1)))
    wr(("NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0", _fields("NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0",
                                                 WEIGHT_CHANNEL_EXT=c_csc - 1, WEIGHT_KERNEL=k - 1)))
    wr(("NVDLA_CSC.D_WEIGHT_BYTES_0", wbytes))
    wr(("NVDLA_CSC.D_DATAOUT_SIZE_0_0", _fields("NVDLA_CSC.D_DATAOUT_SIZE_0_0",
                                              DATAOUT_WIDTH=wo - 1, DATAOUT_HEIGHT=ho - 1)))
    wr(("NVDLA_CSC.D_DATAOUT_SIZE_1_0", k - 1))
    wr(("NVDLA_CSC.D_ATOMICS_0", wo * ho - 1))
    wr(("NVDLA_CSC.D_CONV_STRIDE_EXT_0", _fields("NVDLA_CSC.D_CONV_STRIDE_EXT_0",
                                               CONV_X_STRIDE_EXT=sx - 1, CONV_Y_STRIDE_EXT=sy - 1)))
    wr(("NVDLA_CSC.D_DILATION_EXT_0", _fields("NVDLA_CSC.D_DILATION_EXT_0",
                                            X_DILATION_EXT=dx - 1, Y_DILATION_EXT=dy - 1)))
    wr(("NVDLA_CSC.D_ZERO_PADDING_0", _fields("NVDLA_CSC.D_ZERO_PADDING_0", PAD_LEFT=pl,
                                            PAD_TOP=pt)))
    wr(("NVDLA_CSC.D_ZERO_PADDING_VALUE_0", pad_csc))
    wr(("NVDLA_CSC.D_BANK_0", _fields("NVDLA_CSC.D_BANK_0", DATA_BANK=dbank - 1,
                                    WEIGHT_BANK=wbank - 1)))
    wr(("NVDLA_CSC.D_ENTRY_PER_SLICE_0", _fields("NVDLA_CSC.D_ENTRY_PER_SLICE_0", ENTRIES=eps - 1)))
    wr(("NVDLA_CMAC_A.D_MISC_CFG_0", 0))
    wr(("NVDLA_CMAC_B.D_MISC_CFG_0", 0))
    # ---- CACC, SDP (flying, to memory)
    ks = _ceil(k, 8)
    oline, osurf = wo * ATOM, wo * ho * ATOM
    wr(("NVDLA_CACC.D_MISC_CFG_0", 0))
    wr(("NVDLA_CACC.D_DATAOUT_SIZE_0_0", _fields("NVDLA_CACC.D_DATAOUT_SIZE_0_0",
                                               DATAOUT_WIDTH=wo - 1, DATAOUT_HEIGHT=ho - 1)))
    wr(("NVDLA_CACC.D_DATAOUT_SIZE_1_0", k - 1))
    wr(("NVDLA_CACC.D_DATAOUT_ADDR_0", OUT_BASE))
    wr(("NVDLA_CACC.D_LINE_STRIDE_0", oline))
    wr(("NVDLA_CACC.D_SURF_STRIDE_0", osurf))
    wr(("NVDLA_CACC.D_CLIP_CFG_0", clip))
    wr(("NVDLA_SDP.D_DATA_CUBE_WIDTH_0", wo - 1))
    wr(("NVDLA_SDP.D_DATA_CUBE_HEIGHT_0", ho - 1))
    wr(("NVDLA_SDP.D_DATA_CUBE_CHANNEL_0", k - 1))
    wr(("NVDLA_SDP.D_DST_BASE_ADDR_LOW_0", OUT_BASE))
    wr(("NVDLA_SDP.D_DST_LINE_STRIDE_0", oline))
    wr(("NVDLA_SDP.D_DST_SURFACE_STRIDE_0", osurf))
    wr(("NVDLA_SDP.D_DST_DMA_CFG_0", 1))
    wr(("NVDLA_SDP.D_FEATURE_MODE_CFG_0", _fields("NVDLA_SDP.D_FEATURE_MODE_CFG_0", FLYING_MODE=1)))
    wr(("NVDLA_SDP.D_DATA_FORMAT_0", 0))
    wr(("NVDLA_SDP.D_DP_BS_CFG_0", _fields("NVDLA_SDP.D_DP_BS_CFG_0", BS_BYPASS=1)))
    wr(("NVDLA_SDP.D_DP_BN_CFG_0", _fields("NVDLA_SDP.D_DP_BN_CFG_0", BN_BYPASS=1)))
    wr(("NVDLA_SDP.D_DP_EW_CFG_0", _fields("NVDLA_SDP.D_DP_EW_CFG_0", EW_BYPASS=1)))
    wr(("NVDLA_SDP.D_CVT_OFFSET_0", sdp_off & 0xFFFFFFFF))
    wr(("NVDLA_SDP.D_CVT_SCALE_0", min(sdp_scale, 0x7FFF)))
    wr(("NVDLA_SDP.D_CVT_SHIFT_0", sdp_shift))
    case.out = (OUT_BASE, ks * osurf)
    if pdp:
        kw, kh = (int(v) for v in rng.integers(1, 4, 2))
        sw_, sh_ = (int(v) for v in rng.integers(1, 3, 2))
        ppl, ppr, ppt, ppb = (int(v) for v in rng.integers(0, 2, 4))
        # pads below the kernel (nvdla_compiler's rule; pad >= kernel is undefined on nv_small,
        # NVIDIA's RTL hangs or writes no pooling, and the model refuses it: pdp.check_pad)
        ppl, ppr, ppt, ppb = min(ppl, kw - 1), min(ppr, kw - 1), min(ppt, kh - 1), min(ppb, kh - 1)
        pwo, pho = (ppl + wo + ppr - kw) // sw_ + 1, (ppt + ho + ppb - kh) // sh_ + 1
        if pwo < 1 or pho < 1:
            kw = kh = sw_ = sh_ = 1
            ppl = ppr = ppt = ppb = 0
            pwo, pho = wo, ho
        case.writes[:] = [(n, v) for n, v in case.writes if n != "NVDLA_SDP.D_FEATURE_MODE_CFG_0"]
        wr(("NVDLA_SDP.D_FEATURE_MODE_CFG_0", _fields("NVDLA_SDP.D_FEATURE_MODE_CFG_0",
                                                    FLYING_MODE=1, OUTPUT_DST=1)))
        P = "NVDLA_PDP."
        for reg, v in (("D_DATA_CUBE_IN_WIDTH_0", wo - 1), ("D_DATA_CUBE_IN_HEIGHT_0", ho - 1),
                       ("D_DATA_CUBE_IN_CHANNEL_0", k - 1), ("D_DATA_CUBE_OUT_WIDTH_0", pwo - 1),
                       ("D_DATA_CUBE_OUT_HEIGHT_0", pho - 1), ("D_DATA_CUBE_OUT_CHANNEL_0", k - 1)):
            wr((P + reg, v))
        # one segment (SPLIT_NUM 0): NVIDIA's PDP still takes the line width from PARTIAL_WIDTH_*
        wr((P + "D_PARTIAL_WIDTH_IN_0", _fields(P + "D_PARTIAL_WIDTH_IN_0", PARTIAL_WIDTH_IN_FIRST=wo - 1,
                                                PARTIAL_WIDTH_IN_LAST=wo - 1, PARTIAL_WIDTH_IN_MID=wo - 1)))
        wr((P + "D_PARTIAL_WIDTH_OUT_0", _fields(P + "D_PARTIAL_WIDTH_OUT_0", PARTIAL_WIDTH_OUT_FIRST=pwo - 1,
                                                 PARTIAL_WIDTH_OUT_LAST=pwo - 1, PARTIAL_WIDTH_OUT_MID=pwo - 1)))
        wr((P + "D_OPERATION_MODE_CFG_0", _fields(P + "D_OPERATION_MODE_CFG_0",
                                                  POOLING_METHOD=int(rng.integers(1, 3)),
                                                  FLYING_MODE=0)))      # MAX/MIN, ON_FLYING
        wr((P + "D_POOLING_KERNEL_CFG_0", _fields(P + "D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=kw - 1,
                                                  KERNEL_HEIGHT=kh - 1, KERNEL_STRIDE_WIDTH=sw_ - 1,
                                                  KERNEL_STRIDE_HEIGHT=sh_ - 1)))
        wr((P + "D_POOLING_PADDING_CFG_0", _fields(P + "D_POOLING_PADDING_CFG_0", PAD_LEFT=ppl,
                                                   PAD_TOP=ppt, PAD_RIGHT=ppr, PAD_BOTTOM=ppb)))
        pbase = OUT_BASE + 0x100000
        wr((P + "D_DST_BASE_ADDR_LOW_0", pbase))
        wr((P + "D_DST_LINE_STRIDE_0", pwo * ATOM))
        wr((P + "D_DST_SURFACE_STRIDE_0", pwo * pho * ATOM))
        wr((P + "D_DST_RAM_CFG_0", 1))
        case.out = (pbase, ks * pwo * pho * ATOM)
        case.notify = "PDP"
        case.units = ("PDP",) + case.units
    return case


def expected(case: ConvCase) -> np.ndarray:
    """The output bytes of the golden model for the case."""
    dev = NvSmall()
    dev.mem.write(case.out[0], np.zeros(case.out[1], np.uint8))
    for base, b in case.mem.items():
        dev.mem.write(base, b)
    for n, v in case.writes:
        dev.reg_write(n, v)
    dev.reg_write("NVDLA_GLB.S_INTR_MASK_0", _mask([case.notify]))
    for u in case.units:
        dev.reg_write(f"NVDLA_{u}.D_OP_ENABLE_0", 1)
    return dev.mem.read(*case.out)


def _memfile(path: Path, b: np.ndarray) -> None:
    lines = ["{"]
    for o in range(0, len(b), 32):
        chunk = b[o:o + 32]
        lines.append(f"{{offset:0x{o:x}, size:{len(chunk)}, payload:"
                     + " ".join(f"0x{x:02x}" for x in chunk) + "} ,")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


EXPECT_WATCHDOG = "// expect: watchdog"


def expects_watchdog(trace) -> bool:
    """True for a trace of a layer nv_small never finishes (its .cfg starts with
    EXPECT_WATCHDOG, as write_trace writes it): it passes when the testbench's watchdog ends it
    (tb.mutate), is left out of tb.coverage. ``trace``: a directory, or tb.mutate's "regs"."""
    if trace == "regs":
        return False
    cfg = Path(trace) / f"{Path(trace).name}.cfg"
    try:
        with cfg.open() as f:
            return f.readline().startswith(EXPECT_WATCHDOG)
    except OSError:
        return False


def write_trace(case: ConvCase, root: Path, expect_watchdog: str = "") -> Path:
    """Write the case as a trace directory root/<name>/ and return it. ``expect_watchdog``: the
    case is one nv_small never finishes (the reason, written into the trace as an
    EXPECT_WATCHDOG comment line); the golden model refuses it, so it is not asked and the
    check_crc line holds 0: the trace passes only by ending in the testbench's watchdog
    (tb.mutate judges it so)."""
    d = Path(root) / case.name
    d.mkdir(parents=True, exist_ok=True)
    if expect_watchdog:
        crc = 0
        out = [f"{EXPECT_WATCHDOG}: {expect_watchdog}"]
    else:
        exp = expected(case)
        crc = zlib.crc32(exp.tobytes()) & 0xFFFFFFFF
        out = [f"// synthetic conv case (tb/conv_cases.py); CRC from the golden model"]
    for i, (base, b) in enumerate(case.mem.items()):
        f = f"{case.name}_mem{i}.dat"
        _memfile(d / f, np.asarray(b, np.uint8))
        out.append(f'mem_load(pri_mem, 0x{base:x}, "{f}");')
    out.append(f"mem_init(pri_mem, 0x{case.out[0]:x}, 0x{case.out[1]:x}, ALL_ZERO);")
    out.append(f"reg_write(NVDLA_GLB.S_INTR_MASK_0, 0x{_mask([case.notify]):x});")
    out.append(FLUSH_POLL)
    for n, v in case.writes:
        out.append(f"reg_write({n}, 0x{v:x});")
    for u in case.units:
        out.append(f"reg_write(NVDLA_{u}.D_OP_ENABLE_0, 0x1);")
    out.append(f"intr_notify({case.notify}_0, sync_id_0);")
    out.append(f"check_crc(sync_id_0, 1, 0x{case.out[0]:x}, 0x{case.out[1]:x}, 0x{crc:08x});")
    (d / f"{case.name}.cfg").write_text("\n".join(out) + "\n")
    return d


def make_cases(root: Path, n: int, seed: int, pixel: bool | None = None,
               pdp: bool = False, wide: bool = False) -> list[Path]:
    rng = np.random.default_rng(seed)
    tag = "_pdp" if pdp else "_wide" if wide else ""
    return [write_trace(random_case(rng, f"conv_s{seed}_{i}{tag}", pixel, pdp, wide), root)
            for i in range(n)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.conv_cases", description=__doc__.splitlines()[0])
    ap.add_argument("out", help="directory to write the trace directories into")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    for d in make_cases(Path(a.out), a.n, a.seed):
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())


_ADDR_REGS = ("NVDLA_CDMA.D_DAIN_ADDR_LOW_0_0", "NVDLA_CDMA.D_WEIGHT_ADDR_LOW_0",
              "NVDLA_CACC.D_DATAOUT_ADDR_0", "NVDLA_SDP.D_DST_BASE_ADDR_LOW_0",
              "NVDLA_PDP.D_DST_BASE_ADDR_LOW_0")


def shifted(case: ConvCase, off: int) -> ConvCase:
    """The case with every memory address moved by ``off`` bytes."""
    c = ConvCase(case.name, [(n, v + off if n in _ADDR_REGS else v) for n, v in case.writes],
                 {b + off: m for b, m in case.mem.items()}, (case.out[0] + off, case.out[1]),
                 case.notify, case.units)
    return c


def write_chain(cases: list[ConvCase], root: Path, name: str, shift: bool = True) -> Path:
    """Several cases in one trace in alternating ping-pong groups: every unit uses its groups in
    turn (0, 1, 0, ... counted per unit, as a driver tracks them, since a unit's consumer pointer
    flips only when that unit finishes); each case is programmed and armed while the previous one
    may still run (case i waits for the interrupt of case i-2 first); every output is checked
    (CRCs from the golden model, given the same register writes in the same order)."""
    if shift:                               # case i moved by i x 16 MiB (else: already disjoint)
        cases = [shifted(c, i * 0x01000000) for i, c in enumerate(cases)]
    units = sorted({u for c in cases for u in c.units})
    notify = sorted({c.notify for c in cases})
    mask = _mask(notify)
    seq: list[tuple[str, int]] = [("NVDLA_GLB.S_INTR_MASK_0", mask)]
    waits: dict[int, int] = {}              # index in seq -> case whose interrupt comes first
    uses = {u: 0 for u in units}
    grp: list[int] = []                     # group of each case's notifying unit
    for g, c in enumerate(cases):
        if g >= 2:
            waits[len(seq)] = g - 2
        seq += [(f"NVDLA_{u}.S_POINTER_0", uses[u] % 2) for u in c.units]
        grp.append(uses[c.notify] % 2)
        for u in c.units:
            uses[u] += 1
        seq += c.writes
        seq += [(f"NVDLA_{u}.D_OP_ENABLE_0", 1) for u in c.units]
    dev = NvSmall()
    for c in cases:
        dev.mem.write(c.out[0], np.zeros(c.out[1], np.uint8))
        for base, b in c.mem.items():
            dev.mem.write(base, b)
    for n, v in seq:
        dev.reg_write(n, v)
    d = Path(root) / name
    d.mkdir(parents=True, exist_ok=True)
    out = ["// synthetic chain of cases in alternating register groups (tb/conv_cases.py); CRCs "
           "from the golden model", FLUSH_POLL]
    for ci, c in enumerate(cases):
        for mi, (base, b) in enumerate(c.mem.items()):
            f = f"{name}_c{ci}_mem{mi}.dat"
            _memfile(d / f, np.asarray(b, np.uint8))
            out.append(f'mem_load(pri_mem, 0x{base:x}, "{f}");')
        out.append(f"mem_init(pri_mem, 0x{c.out[0]:x}, 0x{c.out[1]:x}, ALL_ZERO);")
    waited = set()
    for i, (n, v) in enumerate(seq):
        if i in waits:
            g = waits[i]
            out.append(f"intr_notify({cases[g].notify}_{grp[g]}, sync_id_{g});")
            waited.add(g)
        out.append(f"reg_write({n}, 0x{v:x});")
    for g, c in enumerate(cases):
        if g not in waited:
            out.append(f"intr_notify({c.notify}_{grp[g]}, sync_id_{g});")
    for g, c in enumerate(cases):
        crc = zlib.crc32(dev.mem.read(*c.out).tobytes()) & 0xFFFFFFFF
        out.append(f"check_crc(sync_id_{g}, 1, 0x{c.out[0]:x}, 0x{c.out[1]:x}, 0x{crc:08x});")
    (d / f"{name}.cfg").write_text("\n".join(out) + "\n")
    return d


# ---------------------------------------------------------------------------------------------
# Layers that share the convolution buffer (model/cbuf.py): data / weight reuse, release, ring
# ---------------------------------------------------------------------------------------------
def _get(case: ConvCase, reg: str, fld: str) -> int:
    v = next((v for n, v in case.writes if n == reg), 0)
    return REGMAP[reg].field(fld).get(v)


def _set(case: ConvCase, reg: str, **fields) -> None:
    """Change fields of the (last) write of ``reg`` in the case; add the write when absent."""
    r = REGMAP[reg]
    for i in range(len(case.writes) - 1, -1, -1):
        if case.writes[i][0] == reg:
            v = case.writes[i][1]
            for f, fv in fields.items():
                v = r.field(f).put(v, fv)
            case.writes[i] = (reg, v)
            return
    case.writes.append((reg, r.encode(**fields)))


def _copy(case: ConvCase, name: str) -> ConvCase:
    return ConvCase(name, list(case.writes), {b: np.array(m, np.uint8) for b, m in case.mem.items()},
                    case.out, case.notify, case.units)


def _set_in_height(case: ConvCase, h_cdma: int, h_csc: int) -> None:
    _set(case, "NVDLA_CDMA.D_DATAIN_SIZE_0_0", DATAIN_HEIGHT=h_cdma - 1)
    _set(case, "NVDLA_CDMA.D_DATAIN_SIZE_EXT_0_0", DATAIN_HEIGHT_EXT=h_csc - 1)
    _set(case, "NVDLA_CSC.D_DATAIN_SIZE_EXT_0_0", DATAIN_HEIGHT_EXT=h_csc - 1)
    _set(case, "NVDLA_CDMA.D_DAIN_MAP_0", LINE_PACKED=0, SURF_PACKED=0)   # strides always read


def _set_out_height(case: ConvCase, ho: int) -> None:
    wo = _get(case, "NVDLA_CSC.D_DATAOUT_SIZE_0_0", "DATAOUT_WIDTH") + 1
    k = _get(case, "NVDLA_CSC.D_DATAOUT_SIZE_1_0", "DATAOUT_CHANNEL") + 1
    osurf = wo * ho * ATOM
    _set(case, "NVDLA_CSC.D_DATAOUT_SIZE_0_0", DATAOUT_HEIGHT=ho - 1)
    _set(case, "NVDLA_CSC.D_ATOMICS_0", ATOMICS=wo * ho - 1)
    _set(case, "NVDLA_CACC.D_DATAOUT_SIZE_0_0", DATAOUT_HEIGHT=ho - 1)
    _set(case, "NVDLA_CACC.D_SURF_STRIDE_0", SURF_STRIDE=osurf)
    _set(case, "NVDLA_SDP.D_DATA_CUBE_HEIGHT_0", HEIGHT=ho - 1)
    _set(case, "NVDLA_SDP.D_DST_SURFACE_STRIDE_0", DST_SURFACE_STRIDE=osurf)
    case.out = (case.out[0], _ceil(k, 8) * osurf)


def _misc(case: ConvCase, **fields) -> None:
    for u in ("CDMA", "CSC"):
        _set(case, f"NVDLA_{u}.D_MISC_CFG_0", **fields)


def _banks(case: ConvCase, dbank: int, wbank: int) -> None:
    for u in ("CDMA", "CSC"):
        _set(case, f"NVDLA_{u}.D_BANK_0", DATA_BANK=dbank - 1, WEIGHT_BANK=wbank - 1)


def _geom(case: ConvCase) -> dict:
    C, S = "NVDLA_CDMA.", "NVDLA_CSC."
    return dict(h=_get(case, C + "D_DATAIN_SIZE_0_0", "DATAIN_HEIGHT") + 1,
                r=_get(case, S + "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1,
                sy=_get(case, S + "D_CONV_STRIDE_EXT_0", "CONV_Y_STRIDE_EXT") + 1,
                dy=_get(case, S + "D_DILATION_EXT_0", "Y_DILATION_EXT") + 1,
                pt=_get(case, S + "D_ZERO_PADDING_0", "PAD_TOP"),
                line=_get(case, C + "D_LINE_STRIDE_0", "LINE_STRIDE"),
                dbank=_get(case, S + "D_BANK_0", "DATA_BANK") + 1,
                wbytes=_get(case, S + "D_WEIGHT_BYTES_0", "WEIGHT_BYTES"),
                pixel=_get(case, S + "D_DATAIN_FORMAT_0", "DATAIN_FORMAT"))


def _stale_weight_entries(case: ConvCase) -> int:
    """CBUF weight entries CDMA fetches (D_WEIGHT_BYTES, padded to 128 as nvdla_compiler pads
    it) beyond the ones CSC reads and releases at the end of the layer (SKIP_WEIGHT_RLS = 0:
    ceil(K x bytes per kernel / 8)). On NVIDIA's nv_small RTL the next layer on the same banks
    (no CBUF pending/clear) reads these stale entries first, before its own weights (measured:
    chain full2, 112 fetched, 108 released, layer B's output = its weights shifted by 4 entries
    of layer A's tail). A layer that keeps its weights (SKIP_WEIGHT_RLS = 1) is released at the
    next layer's start by the whole WEIGHT_BYTES (NV_NVDLA_CSC_wl last_weight_entries), no stale
    entries then. The chains of reuse_chain keep a layer's weights whenever this is > 0 and
    another layer follows."""
    kbytes = (_get(case, "NVDLA_CDMA.D_WEIGHT_SIZE_0_0", "BYTE_PER_KERNEL")
              * (_get(case, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_KERNEL") + 1))
    wbytes = _get(case, "NVDLA_CSC.D_WEIGHT_BYTES_0", "WEIGHT_BYTES")
    return _ceil(wbytes, ATOM) - _ceil(kbytes, ATOM)


def reuse_chain(rng: np.random.Generator, kind: str, name: str,
                wrap_pixel: bool = False) -> tuple[list[ConvCase], list[ConvCase]]:
    """Convolutions that share CBUF, and for each one a stand-alone equivalent (same output,
    everything fetched from memory: the independent reference).

    ``split``: a feature input split in height over two layers as nvdla_compiler splits a big
    one: layer A reads rows 0..h1-1 and releases RLS_SLICES + 1 = rls of them; layer B
    (DATA_REUSE = 1) fetches rows h1..h-1 only and convolves rows rls..h-1 (the kept h1 - rls
    rows first), usually with WEIGHT_REUSE = 1 after A's SKIP_WEIGHT_RLS = 1 (B's own weight
    address then holds other bytes). ``full``: A keeps all its data (SKIP_DATA_RLS = 1); B
    (DATA_REUSE = 1) fetches nothing (its input address holds other bytes) and applies other
    weights (or A's, reused) to A's input. ``ring``: three random layers (feature or image) on the
    same data banks, no reuse, with random release counts, a later input wrapping the end of the
    data ring (an image input with ``wrap_pixel``)."""
    for _ in range(1000):
        if kind == "ring":
            cases = [random_case(rng, f"{name}_{i}", pixel=(i == 2) if wrap_pixel else None)
                     for i in range(3)]
            g = [_geom(c) for c in cases]
            dbank = max(x["dbank"] for x in g)
            # the weight banks must hold a kernel group of every layer
            need = max(_ceil(_ceil(8 * (_get(c, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_CHANNEL_EXT") + 1)
                                   * (_get(c, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1)
                                   * (_get(c, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_WIDTH_EXT") + 1),
                                   ATOM), BANK_ENTRIES) for c in cases)
            if dbank + need > BANKS or dbank < 2:
                continue
            # a layer followed by another keeps its weights when CSC's release at its end would
            # leave stale weight entries (_stale_weight_entries): they must fit the weight banks
            keep = [i < 2 and _stale_weight_entries(c) > 0 for i, c in enumerate(cases)]
            if any(k and x["wbytes"] > (BANKS - dbank) * BANK_ENTRIES * ATOM for k, x in zip(keep, g)):
                continue
            for c, x, k in zip(cases, g, keep):
                _banks(c, dbank, BANKS - dbank)
                _set(c, "NVDLA_CSC.D_RELEASE_0", RLS_SLICES=int(rng.integers(0, x["h"])))
                _misc(c, SKIP_DATA_RLS=int(rng.random() < 0.3))
                if k:
                    _misc(c, SKIP_WEIGHT_RLS=1)
            ptrs: list = []
            chain_outputs(cases, ptrs)
            # some layer's entries run past the ring's end (the write pointer came round)
            cross = [0 < ptrs[i] < ptrs[i - 1] for i in range(1, 3)]
            if not (cross[1] if wrap_pixel else any(cross)):
                continue
            return cases, [_copy(c, c.name) for c in cases]
        a = random_case(rng, f"{name}_a", pixel=False)
        x = _geom(a)
        span = (x["r"] - 1) * x["dy"] + 1
        wbank = BANKS - x["dbank"]
        if x["wbytes"] > wbank * BANK_ENTRIES * ATOM:
            continue                 # weights kept whole (SKIP_WEIGHT_RLS) must fit the banks
        _banks(a, x["dbank"], wbank)
        wreuse = int(rng.random() < 0.75)
        b = _copy(a, f"{name}_b")
        wt_base = next(n for n in b.mem if n == WT_BASE)
        if kind == "full":
            _misc(a, SKIP_DATA_RLS=1, SKIP_WEIGHT_RLS=int(wreuse or _stale_weight_entries(a) > 0))
            _misc(b, DATA_REUSE=1, WEIGHT_REUSE=wreuse)
            ref = _copy(b, f"{name}_b")
            _misc(ref, DATA_REUSE=0, WEIGHT_REUSE=0)
            b.mem[DAT_BASE] = rng.integers(0, 256, b.mem[DAT_BASE].size, dtype=np.uint8)
            for reg, f in (("NVDLA_CDMA.D_CVT_OFFSET_0", "CVT_OFFSET"), ("NVDLA_CDMA.D_CVT_SCALE_0", "CVT_SCALE")):
                _set(b, reg, **{f: int(rng.integers(0, 0x10000))})
            new_w = rng.integers(0, 256, b.mem[wt_base].size, dtype=np.uint8)
            b.mem[wt_base] = new_w
            if not wreuse:
                ref.mem[wt_base] = new_w.copy()
            return [a, b], [_copy(a, a.name), ref]
        # split
        h, pt = x["h"], x["pt"]
        if h < 2 or h < span:
            continue
        h1 = int(rng.integers(max(1, span - pt), h)) if max(1, span - pt) < h else 0
        if h1 < 1:
            continue
        rls = int(rng.integers(1, h1 + 1))
        hb = h - rls
        pb = int(rng.integers(0, 3))
        hoa = out_size(h1, x["r"], x["sy"], x["dy"], pt, 0)
        hob = out_size(hb, x["r"], x["sy"], x["dy"], 0, pb)
        if hoa < 1 or hob < 1:
            continue
        _set_in_height(a, h1, h1)
        _set_out_height(a, hoa)
        _set(a, "NVDLA_CDMA.D_ZERO_PADDING_0", PAD_BOTTOM=0)
        _set(a, "NVDLA_CSC.D_RELEASE_0", RLS_SLICES=rls - 1)
        _misc(a, SKIP_WEIGHT_RLS=int(wreuse or _stale_weight_entries(a) > 0))
        for c in (b,):
            _set(c, "NVDLA_CSC.D_ZERO_PADDING_0", PAD_TOP=0)
            _set(c, "NVDLA_CDMA.D_ZERO_PADDING_0", PAD_TOP=0, PAD_BOTTOM=pb)
            _set_out_height(c, hob)
        ref = _copy(b, f"{name}_b")
        _set_in_height(b, h - h1, hb)
        _set(b, "NVDLA_CDMA.D_DAIN_ADDR_LOW_0_0", DATAIN_ADDR_LOW_0=DAT_BASE + h1 * x["line"])
        _misc(b, DATA_REUSE=1, WEIGHT_REUSE=wreuse)
        _set_in_height(ref, hb, hb)
        _set(ref, "NVDLA_CDMA.D_DAIN_ADDR_LOW_0_0", DATAIN_ADDR_LOW_0=DAT_BASE + rls * x["line"])
        if wreuse:
            b.mem[wt_base] = rng.integers(0, 256, b.mem[wt_base].size, dtype=np.uint8)
        return [a, b], [_copy(a, a.name), ref]
    raise RuntimeError(f"reuse_chain: no {kind} case found")


def chain_outputs(cases: list[ConvCase], wr_ptrs: list | None = None) -> list[np.ndarray]:
    """The golden model's output bytes of each case, the cases run one after the other on one
    device (CBUF carried over), each from its own memory (addresses shifted as write_chain).
    ``wr_ptrs``: gets CDMA's data write pointer after each case (model/cbuf.py)."""
    cases = [shifted(c, i * 0x01000000) for i, c in enumerate(cases)]
    dev = NvSmall()
    outs = []
    for c in cases:
        dev.mem.write(c.out[0], np.zeros(c.out[1], np.uint8))
        for base, b in c.mem.items():
            dev.mem.write(base, b)
    uses: dict[str, int] = {}
    for c in cases:
        for u in c.units:                          # the group each unit runs next
            dev.reg_write(f"NVDLA_{u}.S_POINTER_0", uses.get(u, 0) % 2)
            uses[u] = uses.get(u, 0) + 1
        for n, v in c.writes:
            dev.reg_write(n, v)
        for u in c.units:
            dev.reg_write(f"NVDLA_{u}.D_OP_ENABLE_0", 1)
        outs.append(dev.mem.read(*c.out))
        if wr_ptrs is not None:
            wr_ptrs.append(dev.cbuf.wr)
    return outs


def y_extension_case(rng: np.random.Generator, name: str, code: int) -> tuple[ConvCase, ConvCase]:
    """An image-input convolution with CSC post Y-extension ``code`` (1: rows 2 at a time, 2: 4
    at a time; kernel channels C <= 8 / ext) and its weights in the Y-extension layout
    (model/cdma.weight_offsets_y_ext), and the same convolution without it (the DC layout):
    both give the same output."""
    from model.cdma import read_weights, weight_offsets_y_ext
    from model.memory import Memory
    ext = 1 << code
    for _ in range(10000):
        case = random_case(rng, name, pixel=True)
        c = _get(case, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_CHANNEL_EXT") + 1
        r = _get(case, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1
        if c <= ATOM // ext and r > 1:
            break
    else:
        raise RuntimeError("y_extension_case: no case found")
    k = _get(case, "NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_KERNEL") + 1
    m = Memory()
    m.write(0, case.mem[WT_BASE])
    w = read_weights(m, 0, k, c, r, 1)
    off = weight_offsets_y_ext(k, c, r, ext)
    blob = np.zeros(case.mem[WT_BASE].size, np.uint8)
    blob[off.reshape(-1)] = w.view(np.uint8).reshape(-1)
    ye = _copy(case, f"{name}_yext{ext}")
    ye.mem[WT_BASE] = blob
    _set(ye, "NVDLA_CSC.D_POST_Y_EXTENSION_0", Y_EXTENSION=code)
    return ye, case
