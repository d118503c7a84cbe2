"""The nv_small convolution pipeline CDMA -> CSC -> CMAC -> CACC (int8, direct convolution,
feature or image input). ``run`` returns what CACC streams to SDP: int64 (K, Ho, Wo) values in
the int32 range.

Feature (DC) input: CDMA reads and converts the cube; CSC windows it with stride, dilation,
top/left padding (CSC.D_ZERO_PADDING) and its pad value (CSC.D_ZERO_PADDING_VALUE low byte).

Image (pixel) input: CDMA stores each line as pixels of n canonical components (left/right
padding pixels hold CDMA's PAD_VALUE low byte). CSC sees the kernel with width 1 and its width
folded into the channels (CSC WEIGHT_WIDTH_EXT = 0, WEIGHT_CHANNEL_EXT + 1 = S * n): the
"channel" j of output column x is byte ``x * stride_x * n + j`` of the (padded) line, with
n = CSC.D_DATAIN_SIZE_EXT_1.DATAIN_CHANNEL_EXT + 1. Lines above/below the image read the CSC
pad value. The weights use the ordinary DC layout for (K, S*n, R, 1) (or, with CSC post
Y-extension, rows grouped 2 or 4 at a time: cdma.weight_offsets_y_ext). Dilation does not apply
to image input.
"""
from __future__ import annotations

import numpy as np

from . import cacc, cdma, cmac
from .cbuf import ConvBuffer
from .cdma import ConfigError
from .memory import ATOM, Memory

CSC = "NVDLA_CSC."
USES_CBUF = True           # model.nvdla passes the device's ConvBuffer to run()


def _csc(regs, reg, field):
    return regs.f(CSC + reg, field)


def geometry(regs) -> dict:
    """Convolution geometry read from the CSC registers."""
    return dict(
        k=_csc(regs, "D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_KERNEL") + 1,
        c=_csc(regs, "D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_CHANNEL_EXT") + 1,
        r=_csc(regs, "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1,
        s=_csc(regs, "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_WIDTH_EXT") + 1,
        stride=(_csc(regs, "D_CONV_STRIDE_EXT_0", "CONV_Y_STRIDE_EXT") + 1,
                _csc(regs, "D_CONV_STRIDE_EXT_0", "CONV_X_STRIDE_EXT") + 1),
        dilation=(_csc(regs, "D_DILATION_EXT_0", "Y_DILATION_EXT") + 1,
                  _csc(regs, "D_DILATION_EXT_0", "X_DILATION_EXT") + 1),
        pad=(_csc(regs, "D_ZERO_PADDING_0", "PAD_TOP"), _csc(regs, "D_ZERO_PADDING_0", "PAD_LEFT")),
        # pad value: low byte as int8, inserted after the converter (not converted)
        pad_value=int(np.uint8(_csc(regs, "D_ZERO_PADDING_VALUE_0", "PAD_VALUE") & 0xFF)
                      .view(np.int8)),
        out=(_csc(regs, "D_DATAOUT_SIZE_0_0", "DATAOUT_HEIGHT") + 1,
             _csc(regs, "D_DATAOUT_SIZE_0_0", "DATAOUT_WIDTH") + 1),
        clip=regs.f("NVDLA_CACC.D_CLIP_CFG_0", "CLIP_TRUNCATE"),
    )


def _check(regs):
    if regs.f("NVDLA_CDMA.D_MISC_CFG_0", "CONV_MODE") != 0:
        raise ConfigError("CDMA.D_MISC_CFG: CONV_MODE = WINOGRAD is not supported by nv_small")
    for unit in ("CDMA", "CSC"):
        for fld in ("IN_PRECISION", "PROC_PRECISION"):
            if regs.f(f"NVDLA_{unit}.D_MISC_CFG_0", fld) != 0:
                raise ConfigError(f"{unit}.D_MISC_CFG: {fld} is not INT8 (the only nv_small "
                                  "precision)")
    if regs.f("NVDLA_CDMA.D_WEIGHT_FORMAT_0", "WEIGHT_FORMAT") != 0:
        raise ConfigError("CDMA.D_WEIGHT_FORMAT: compressed weights are not supported by nv_small")
    if regs.f("NVDLA_CDMA.D_BATCH_NUMBER_0", "BATCHES") != 0:
        raise ConfigError("CDMA.D_BATCH_NUMBER: batches are not supported by nv_small")


def y_extension(regs) -> int:
    """CSC post Y-extension (image input): kernel rows taken 1, 2 or 4 at a time
    (CSC.D_POST_Y_EXTENSION.Y_EXTENSION = 0, 1, 2; 3 is reserved)."""
    code = _csc(regs, "D_POST_Y_EXTENSION_0", "Y_EXTENSION")
    if code > 2:
        raise ConfigError(f"CSC.D_POST_Y_EXTENSION: Y_EXTENSION = {code} is reserved (0, 1, 2 "
                          "= 1, 2, 4 rows)")
    return 1 << code


def weights(regs, mem: Memory, g: dict, y_ext: int = 1) -> np.ndarray:
    base = regs.addr64("NVDLA_CDMA.D_WEIGHT_ADDR_LOW_0", "NVDLA_CDMA.D_WEIGHT_ADDR_HIGH_0")
    return cdma.read_weights(mem, base, g["k"], g["c"], g["r"], g["s"], y_ext)


def cbuf_config(regs) -> dict:
    """The CSC settings that decide CBUF residency (model/cbuf.py)."""
    m = "D_MISC_CFG_0"
    return dict(data_bank=_csc(regs, "D_BANK_0", "DATA_BANK") + 1,
                weight_bank=_csc(regs, "D_BANK_0", "WEIGHT_BANK") + 1,
                pixel=_csc(regs, "D_DATAIN_FORMAT_0", "DATAIN_FORMAT"),
                data_reuse=_csc(regs, m, "DATA_REUSE"), weight_reuse=_csc(regs, m, "WEIGHT_REUSE"),
                skip_data_rls=_csc(regs, m, "SKIP_DATA_RLS"),
                skip_weight_rls=_csc(regs, m, "SKIP_WEIGHT_RLS"),
                rls_slices=_csc(regs, "D_RELEASE_0", "RLS_SLICES") + 1,
                weight_bytes=_csc(regs, "D_WEIGHT_BYTES_0", "WEIGHT_BYTES"),
                kernel_bytes=(_csc(regs, "D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_KERNEL") + 1)
                * (_csc(regs, "D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_CHANNEL_EXT") + 1)
                * (_csc(regs, "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1)
                * (_csc(regs, "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_WIDTH_EXT") + 1))


def _csc_cube(regs) -> tuple[int, int, int]:
    return (_csc(regs, "D_DATAIN_SIZE_EXT_1_0", "DATAIN_CHANNEL_EXT") + 1,
            _csc(regs, "D_DATAIN_SIZE_EXT_0_0", "DATAIN_HEIGHT_EXT") + 1,
            _csc(regs, "D_DATAIN_SIZE_EXT_0_0", "DATAIN_WIDTH_EXT") + 1)


def _feature_entries(x: np.ndarray) -> np.ndarray:
    """A (C, H, W) int8 cube as CBUF entries in CDMA's order: entry y*S*W + s*W + x holds
    channels 8s..8s+7 of (y, x) (S surfaces; lanes past C are 0)."""
    c, h, w = x.shape
    s = -(-c // ATOM)
    p = np.zeros((s * ATOM, h, w), np.int8)
    p[:c] = x
    return p.reshape(s, ATOM, h, w).transpose(2, 0, 3, 1).reshape(-1, ATOM)


def _line_entries(regs) -> tuple[int, int]:
    """Image input: (CBUF entries per line, bytes per padded line) of CDMA's lines."""
    src = cdma.ImageSource.from_regs(regs)
    n = len(src.fmt.order)
    nb = (regs.f("NVDLA_CDMA.D_ZERO_PADDING_0", "PAD_LEFT") + src.w
          + regs.f("NVDLA_CDMA.D_ZERO_PADDING_0", "PAD_RIGHT")) * n
    return -(-nb // ATOM), nb


def _weight_blob(regs, mem: Memory) -> np.ndarray:
    base = regs.addr64("NVDLA_CDMA.D_WEIGHT_ADDR_LOW_0", "NVDLA_CDMA.D_WEIGHT_ADDR_HIGH_0")
    n = regs.f("NVDLA_CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES")
    return mem.read(base, -(-n // ATOM) * ATOM)


def _check_weight_banks(regs, cfg):
    wbytes = regs.f("NVDLA_CSC.D_WEIGHT_BYTES_0", "WEIGHT_BYTES")
    cap = cfg["weight_bank"] * 512 * ATOM
    if cfg["skip_weight_rls"] and wbytes > cap:
        raise ConfigError(f"CSC.D_MISC_CFG: SKIP_WEIGHT_RLS = 1 with {wbytes} weight bytes but "
                          f"{cfg['weight_bank']} weight banks ({cap} bytes): nv_small never "
                          "releases a kernel group then, CDMA never fetches the rest")


def accumulate(regs, mem: Memory, cbuf: ConvBuffer | None = None) -> np.ndarray:
    """Exact CMAC sums (before CACC), int64 (K, Ho, Wo). ``cbuf``: the device's CBUF state
    (data and weight reuse between convolutions, model/cbuf.py); None = an empty CBUF (a first
    layer)."""
    _check(regs)
    g = geometry(regs)
    y_ext = y_extension(regs)
    cbuf = ConvBuffer() if cbuf is None else cbuf
    cfg = cbuf_config(regs)
    _check_weight_banks(regs, cfg)
    pixel = regs.f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "DATAIN_FORMAT") == 1
    L = cbuf.plan(cfg, ConfigError)
    if pixel and g["s"] != 1:
        raise ConfigError("CSC.D_WEIGHT_SIZE_EXT_0: image input needs WEIGHT_WIDTH_EXT = 0 "
                          "(kernel width folded into the channels)")
    if not pixel and y_ext != 1:
        raise ConfigError("CSC.D_POST_Y_EXTENSION: Y-extension is only for image input")
    # weights: from memory, or the bytes the previous layer kept in CBUF
    if L.weights == "reuse":
        kept = cbuf.weights
        need = int(cdma.weight_offsets(g["k"], g["c"], g["r"], g["s"]).max()) + 1 if y_ext == 1 \
            else int(cdma.weight_offsets_y_ext(g["k"], g["c"], g["r"], y_ext).max()) + 1
        if kept is None or need > kept.size:
            raise ConfigError(f"CSC.D_MISC_CFG: WEIGHT_REUSE = 1 but the layer needs {need} weight "
                              f"bytes and CBUF keeps {0 if kept is None else kept.size}")
        w = cdma.read_weights(cbuf.weight_memory(), 0, g["k"], g["c"], g["r"], g["s"], y_ext)
        blob = kept
    else:
        w = weights(regs, mem, g, y_ext)
        blob = _weight_blob(regs, mem) if cfg["skip_weight_rls"] else None
    cc, hc, wc = _csc_cube(regs)
    if not pixel:                                                    # FEATURE
        eps = -(-cc // ATOM) * wc
        if L.data != "full":
            xf = cdma.fetch_feature(regs, mem)
            cbuf.write(_feature_entries(xf), ConfigError, "CDMA.D_DATAIN_SIZE")
        if L.data == "fetch":
            x = xf
        else:                       # the kept slices, then the new ones, as CSC reads them
            if hc * eps > L.kept:
                raise ConfigError(f"CSC.D_DATAIN_SIZE_EXT: {hc} slices of {eps} entries but CBUF "
                                  f"holds {L.kept} entries of this layer: nv_small waits forever")
            cidx = np.arange(cc)
            rel = (np.arange(hc)[None, :, None] * eps + (cidx // ATOM)[:, None, None] * wc
                   + np.arange(wc)[None, None, :])
            x = np.take_along_axis(cbuf.read(rel), (cidx % ATOM)[:, None, None, None],
                                   axis=3)[..., 0]
        cbuf.finish(cfg, hc, eps, blob, ConfigError)
        if x.shape[0] < g["c"]:
            raise ConfigError(f"CSC kernel has {g['c']} channels but the CDMA cube has "
                              f"{x.shape[0]}")
        x = x[:g["c"]]
        return cmac.conv_accumulate(x, w, g["stride"], g["dilation"], g["pad"], g["pad_value"],
                                    g["out"])
    # PIXEL: image input, kernel width folded into the channels
    le, nb = _line_entries(regs)
    if L.data != "full":
        lines, _ = cdma.fetch_image(regs, mem)
        ent = np.zeros((lines.shape[0], le * ATOM), np.int8)
        ent[:, :lines.shape[1]] = lines
        cbuf.write(ent.reshape(-1, ATOM), ConfigError, "CDMA.D_DATAIN_SIZE")
    if L.data != "fetch":
        if hc * le > L.kept:
            raise ConfigError(f"CSC.D_DATAIN_SIZE_EXT: {hc} lines of {le} entries but CBUF holds "
                              f"{L.kept} entries of this layer: nv_small waits forever")
        rel = np.arange(hc)[:, None] * le + np.arange(le)[None, :]
        lines = cbuf.read(rel).reshape(hc, le * ATOM)[:, :nb]
    cbuf.finish(cfg, hc, le, blob, ConfigError)
    # CSC steps through the line by stride_x * its input channel count (not the format's).
    n_csc = _csc(regs, "D_DATAIN_SIZE_EXT_1_0", "DATAIN_CHANNEL_EXT") + 1
    ho, wo = g["out"]
    sy, sx = g["stride"]
    cols = (np.arange(wo) * sx * n_csc)[None, :] + np.arange(g["c"])[:, None]     # (C', Wo)
    need = int(cols.max()) + 1
    if need > lines.shape[1]:      # bytes past the padded line read as 0 in the buffer
        lines = np.concatenate([lines, np.zeros((lines.shape[0], need - lines.shape[1]),
                                                dtype=np.int8)], axis=1)
    x = lines[:, cols].transpose(1, 0, 2)                                   # (C', H, Wo)
    # Image mode has no dilation: CSC steps the kernel rows one line at a time (the Y-extension
    # only regroups rows, the sums are the same).
    return cmac.conv_accumulate(x, w, (sy, 1), (1, 1), (g["pad"][0], 0), g["pad_value"],
                                (ho, wo))


def run(regs, mem: Memory, padded: bool = False, cbuf: ConvBuffer | None = None) -> np.ndarray:
    """The CACC output streamed to SDP: int64 (K, Ho, Wo) in the int32 range.

    CACC streams whole atoms of 8 channels: the lanes of kernels K..ceil(K/8)*8-1 carry 0 (no
    weights, sum 0), and SDP converts and writes them like real channels (trace
    dc_4x1x8192_1x1x8192x1_int8_0: the RTL writes SDP(0) in those lanes). ``padded=True``
    returns those ceil(K/8)*8 channels.
    """
    acc = accumulate(regs, mem, cbuf)
    out = cacc.truncate(acc, regs.f("NVDLA_CACC.D_CLIP_CFG_0", "CLIP_TRUNCATE"))
    if padded and out.shape[0] % 8:
        kp = -(-out.shape[0] // 8) * 8
        out = np.concatenate([out, np.zeros((kp - out.shape[0],) + out.shape[1:], np.int64)])
    return out
