"""CDMA: the convolution DMA of nv_small (int8) - feature (DC) fetch, image (pixel) fetch with its
pixel formats and mean subtraction, the input converter, and the direct-conv weight unpacking.

Facts used (checked against NVIDIA's nv_small traces, see tests/model/test_conv.py):

* Input converter C1 (CDMA.D_CVT_CFG.CVT_EN): ``x17 - offset`` (exact), times ``scale`` (exact),
  RSHIFT_RND_SAT by CVT_TRUNCATE to 17 bits, then SAT to 8 bits. DC data are signed int8; image
  pixels are unsigned 0..255 unless D_DATAIN_FORMAT.PIXEL_SIGN_OVERRIDE = 1. Without CVT_EN the
  byte passes unchanged (no mean subtraction either).
* Image mode: the offset of each component is D_MEAN_GLOBAL (MEAN_RY/GU/BV/AX, int16) when
  D_MEAN_FORMAT = ENABLE, else D_CVT_OFFSET. Components are stored in the convolution buffer in
  canonical order R,G,B,A (Y,U,V,A), whatever the byte order in memory.
* Padding values are never converted.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .fixed import sat, shift_right_round_sat
from .memory import ATOM, Memory, read_cube


class ConfigError(ValueError):
    """A register configuration the model (or the hardware) does not support."""


# ---------------------------------------------------------------------------------------------
# C1 input converter
# ---------------------------------------------------------------------------------------------
def input_convert(x, offset, scale, truncate) -> np.ndarray:
    """CDMA input converter for int8 output.

    ``x``: input values already widened (int8 feature data as -128..127, unsigned pixels as
    0..255); ``offset``: int16 (CVT_OFFSET, or a per-element mean array broadcastable to x);
    ``scale``: int16 (CVT_SCALE); ``truncate``: 0..63 (CVT_TRUNCATE).
    """
    a = np.asarray(x, dtype=np.int64) - np.asarray(offset, dtype=np.int64)  # 18-bit SUB_EXT, exact
    m = a * np.int64(scale)                                                  # 34-bit MUL_EXT, exact
    t17 = shift_right_round_sat(m, int(truncate), 17)  # RSHIFT_RND_SAT: round half away, sat 17 b
    return np.asarray(sat(t17, 8), dtype=np.int64).astype(np.int8)  # SAT 17 -> 8 bits


@dataclass(frozen=True)
class Converter:
    enabled: bool
    offset: int
    scale: int
    truncate: int

    @classmethod
    def from_regs(cls, regs) -> "Converter":
        return cls(bool(regs.f("NVDLA_CDMA.D_CVT_CFG_0", "CVT_EN")),
                   regs.s("NVDLA_CDMA.D_CVT_OFFSET_0", "CVT_OFFSET"),
                   regs.s("NVDLA_CDMA.D_CVT_SCALE_0", "CVT_SCALE"),
                   regs.f("NVDLA_CDMA.D_CVT_CFG_0", "CVT_TRUNCATE"))


# ---------------------------------------------------------------------------------------------
# Direct-convolution feature fetch
# ---------------------------------------------------------------------------------------------
def datain_size(regs) -> tuple[int, int, int]:
    """(C, H, W) of the input CDMA fetches (D_DATAIN_SIZE_0/1; for image input C is the
    programmed channel count, W and H are pixels and lines)."""
    return (regs.f("NVDLA_CDMA.D_DATAIN_SIZE_1_0", "DATAIN_CHANNEL") + 1,
            regs.f("NVDLA_CDMA.D_DATAIN_SIZE_0_0", "DATAIN_HEIGHT") + 1,
            regs.f("NVDLA_CDMA.D_DATAIN_SIZE_0_0", "DATAIN_WIDTH") + 1)


def fetch_feature(regs, mem: Memory) -> np.ndarray:
    """The DC input cube (C, H, W) as CSC sees it: read with the CDMA strides and converted."""
    c, h, w = datain_size(regs)
    base = regs.addr64("NVDLA_CDMA.D_DAIN_ADDR_LOW_0_0", "NVDLA_CDMA.D_DAIN_ADDR_HIGH_0_0")
    line = regs.f("NVDLA_CDMA.D_LINE_STRIDE_0", "LINE_STRIDE")
    surf = regs.f("NVDLA_CDMA.D_SURF_STRIDE_0", "SURF_STRIDE")
    line_packed = regs.f("NVDLA_CDMA.D_DAIN_MAP_0", "LINE_PACKED")
    surf_packed = regs.f("NVDLA_CDMA.D_DAIN_MAP_0", "SURF_PACKED")
    if line_packed and surf_packed and w == 1 and h == 1:
        # 1x1 cube with both maps packed: CDMA fetches the surfaces as one contiguous run of
        # atoms, the strides are not used.
        line, surf = ATOM, ATOM
    x = read_cube(mem, base, c, h, w, line, surf).astype(np.int64)
    cvt = Converter.from_regs(regs)
    if cvt.enabled:
        return input_convert(x, cvt.offset, cvt.scale, cvt.truncate)
    return x.astype(np.int8)


# ---------------------------------------------------------------------------------------------
# Image (pixel) input
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PixelFormat:
    name: str
    code: int          # D_DATAIN_FORMAT.PIXEL_FORMAT value
    bytes_per_pixel: int
    order: tuple       # memory byte index of canonical component 0..n-1 (R,G,B,A / Y,U,V,A)


# Packed 8-bit formats of nv_small's PIXEL_FORMAT enumeration. Names read most significant byte
# first (A8R8G8B8: B is byte 0, A byte 3); the canonical order in CBUF is R,G,B,A (Y,U,V,A).
PIXEL_FORMATS: dict[int, PixelFormat] = {p.code: p for p in (
    PixelFormat("R8", 0, 1, (0,)),
    PixelFormat("A8B8G8R8", 12, 4, (0, 1, 2, 3)),
    PixelFormat("A8R8G8B8", 13, 4, (2, 1, 0, 3)),
    PixelFormat("B8G8R8A8", 14, 4, (1, 2, 3, 0)),
    PixelFormat("R8G8B8A8", 15, 4, (3, 2, 1, 0)),
    PixelFormat("X8B8G8R8", 16, 4, (0, 1, 2, 3)),
    PixelFormat("X8R8G8B8", 17, 4, (2, 1, 0, 3)),
    PixelFormat("B8G8R8X8", 18, 4, (1, 2, 3, 0)),
    PixelFormat("R8G8B8X8", 19, 4, (3, 2, 1, 0)),
    PixelFormat("A8Y8U8V8", 26, 4, (2, 1, 0, 3)),
    PixelFormat("V8U8Y8A8", 27, 4, (1, 2, 3, 0)),
)}
PIXEL_FORMAT_BY_NAME = {p.name: p for p in PIXEL_FORMATS.values()}


def pixel_components(raw: np.ndarray, fmt: PixelFormat) -> np.ndarray:
    """Reorder raw pixel bytes (..., bytes_per_pixel) uint8 into canonical components (..., n)."""
    return np.asarray(raw)[..., list(fmt.order)]


def convert_pixels(comp: np.ndarray, *, sign_override: bool, cvt: Converter,
                   means=None) -> np.ndarray:
    """Image-mode conversion of canonical components (..., n) uint8 -> int8.

    Pixels are unsigned unless ``sign_override``. With the converter on, the offset of
    component i is ``means[i]`` (MEAN_FORMAT = ENABLE) or CVT_OFFSET; with it off the byte passes
    unchanged.
    """
    comp = np.asarray(comp, dtype=np.uint8)
    if not cvt.enabled:
        return comp.view(np.int8)
    x = comp.view(np.int8).astype(np.int64) if sign_override else comp.astype(np.int64)
    n = comp.shape[-1]
    offset = np.asarray(means[:n], dtype=np.int64) if means is not None else cvt.offset
    return input_convert(x, offset, cvt.scale, cvt.truncate)


@dataclass(frozen=True)
class ImageSource:
    """Where CDMA reads a pitch-linear image: line y at ``base + y * line_stride``, pixel x of a
    line at byte ``(x_offset + x) * fmt.bytes_per_pixel``, W pixels by H lines."""
    fmt: PixelFormat
    base: int
    line_stride: int
    x_offset: int
    w: int
    h: int

    @classmethod
    def from_regs(cls, regs) -> "ImageSource":
        code = regs.f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "PIXEL_FORMAT")
        fmt = PIXEL_FORMATS.get(code)
        if fmt is None:
            raise ConfigError(f"CDMA.D_DATAIN_FORMAT: pixel format {code} is not a packed 8-bit "
                              f"format the model implements ({', '.join(PIXEL_FORMAT_BY_NAME)})")
        if regs.f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "PIXEL_MAPPING") != 0:
            raise ConfigError("CDMA.D_DATAIN_FORMAT: only PIXEL_MAPPING = PITCH_LINEAR is "
                              "supported")
        _, h, w = datain_size(regs)
        x_off = regs.f("NVDLA_CDMA.D_PIXEL_OFFSET_0", "PIXEL_X_OFFSET")
        # the first pixel lies inside the first atom (NVIDIA's CDMA asserts "Pixel X offset is
        # out of range" otherwise; with 4-byte pixels and offset 2 its RTL reads as if offset 0)
        if x_off * fmt.bytes_per_pixel >= ATOM:
            raise ConfigError(f"CDMA.D_PIXEL_OFFSET: PIXEL_X_OFFSET {x_off} with {fmt.bytes_per_pixel}-byte "
                              f"pixels ({fmt.name}) is beyond the first {ATOM}-byte atom "
                              f"(at most {ATOM // fmt.bytes_per_pixel - 1})")
        return cls(fmt, regs.addr64("NVDLA_CDMA.D_DAIN_ADDR_LOW_0_0",
                                    "NVDLA_CDMA.D_DAIN_ADDR_HIGH_0_0"),
                   regs.f("NVDLA_CDMA.D_LINE_STRIDE_0", "LINE_STRIDE"), x_off, w, h)


def fetch_image(regs, mem: Memory) -> tuple[np.ndarray, int]:
    """The image lines as CDMA writes them to the convolution buffer.

    Returns ``(lines, n)``: ``lines`` int8 (H, (pad_left + W + pad_right) * n), each pixel as its
    n canonical components, left/right padding pixels holding CDMA's PAD_VALUE low byte
    (not converted); ``n`` the components per pixel.
    """
    src = ImageSource.from_regs(regs)
    fmt, w, h, base = src.fmt, src.w, src.h, src.base
    line_stride, x_off = src.line_stride, src.x_offset
    pad_left = regs.f("NVDLA_CDMA.D_ZERO_PADDING_0", "PAD_LEFT")
    pad_right = regs.f("NVDLA_CDMA.D_ZERO_PADDING_0", "PAD_RIGHT")
    pad8 = regs.f("NVDLA_CDMA.D_ZERO_PADDING_VALUE_0", "PAD_VALUE") & 0xFF  # low byte, as is
    bpp = fmt.bytes_per_pixel
    n = len(fmt.order)

    # Pitch-linear: line y at base + y*LINE_STRIDE, pixel x at (PIXEL_X_OFFSET + x) * bpp.
    offs = (np.arange(h, dtype=np.int64) * line_stride)[:, None, None] \
        + ((x_off + np.arange(w, dtype=np.int64)) * bpp)[None, :, None] \
        + np.arange(bpp, dtype=np.int64)[None, None, :]
    raw = mem.gather(base, offs)                           # (H, W, bpp) uint8
    comp = pixel_components(raw, fmt)                      # (H, W, n) canonical order
    means = None
    if regs.f("NVDLA_CDMA.D_MEAN_FORMAT_0", "MEAN_FORMAT"):
        means = (regs.s("NVDLA_CDMA.D_MEAN_GLOBAL_0_0", "MEAN_RY"),
                 regs.s("NVDLA_CDMA.D_MEAN_GLOBAL_0_0", "MEAN_GU"),
                 regs.s("NVDLA_CDMA.D_MEAN_GLOBAL_1_0", "MEAN_BV"),
                 regs.s("NVDLA_CDMA.D_MEAN_GLOBAL_1_0", "MEAN_AX"))
    conv = convert_pixels(comp, sign_override=bool(
        regs.f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "PIXEL_SIGN_OVERRIDE")),
        cvt=Converter.from_regs(regs), means=means)
    lines = np.full((h, pad_left + w + pad_right, n), np.uint8(pad8).view(np.int8), dtype=np.int8)
    lines[:, pad_left:pad_left + w, :] = conv
    return lines.reshape(h, -1), n


# ---------------------------------------------------------------------------------------------
# Direct-convolution weights
# ---------------------------------------------------------------------------------------------
def _frozen(a: np.ndarray) -> np.ndarray:
    """A cached offset table, read-only so that no caller can change the cache."""
    a.setflags(write=False)
    return a


@lru_cache(maxsize=64)
def weight_offsets(k: int, c: int, r: int, s: int) -> np.ndarray:
    """Byte offset of W[k][c][r][s] (shape (K, C, R, S)) in the uncompressed DC weight blob.

    Kernels in groups of 8 (atomic K), channels in groups of 8 (atomic C); order outermost first:
    kernel group, channel group, r, s, kernel in group, channel in group. The last (partial)
    kernel and channel groups are packed tightly, without zero lanes.
    """
    kk = np.arange(k)
    cc = np.arange(c)
    kg, kl = kk // ATOM, kk % ATOM
    nk = np.minimum(ATOM, k - kg * ATOM)                 # kernels in this kernel group
    cg, cl = cc // ATOM, cc % ATOM
    ncg = np.minimum(ATOM, c - cg * ATOM)                # channels in this channel group
    # bytes before kernel group g: g * 8 * (R*S*C); inside it, channel group cg starts after
    # nk * R*S * (cg*8) bytes.
    rs = r * s
    off = (kg * ATOM * rs * c)[:, None, None, None] \
        + (nk[:, None] * rs * cg[None, :] * ATOM)[:, :, None, None] \
        + ((np.arange(r)[:, None] * s + np.arange(s)[None, :])[None, None]
           * (nk[:, None] * ncg[None, :])[:, :, None, None]) \
        + (kl[:, None] * ncg[None, :])[:, :, None, None] \
        + cl[None, :, None, None]
    return _frozen(off.astype(np.int64))


@lru_cache(maxsize=16)
def weight_offsets_y_ext(k: int, c: int, r: int, ext: int) -> np.ndarray:
    """Byte offset of W[k][c][r][0] (shape (K, C, R, 1)) for image input with CSC post
    Y-extension ``ext`` (2 or 4; C <= 8 / ext, a single channel group): the kernel rows are
    taken ``ext`` at a time, and each kernel stores its rows of one such group tightly, row
    then channel. Order outermost first: kernel group, row group a, kernel in group, row in
    group, channel. The last row group holds R - a*ext rows when R is not a multiple of ext."""
    kk = np.arange(k)
    kg, kl = kk // ATOM, kk % ATOM
    nk = np.minimum(ATOM, k - kg * ATOM)
    rr = np.arange(r)
    a, ri = rr // ext, rr % ext
    rows = np.minimum(ext, r - a * ext)                  # rows in row group a
    off = (kg * ATOM * r * c)[:, None, None] \
        + (nk[:, None] * a[None, :] * ext * c)[:, None, :] \
        + (kl[:, None] * rows[None, :] * c)[:, None, :] \
        + (ri * c)[None, None, :] \
        + np.arange(c)[None, :, None]
    return _frozen(off.astype(np.int64)[..., None])


def read_weights(mem: Memory, base: int, k: int, c: int, r: int, s: int,
                 y_ext: int = 1) -> np.ndarray:
    """Uncompressed int8 weights W (K, C, R, S) from memory (DC layout, or the image layout
    with CSC post Y-extension ``y_ext`` > 1, which needs S = 1)."""
    if y_ext > 1:
        if s != 1 or c > ATOM // y_ext:
            raise ConfigError(f"CSC.D_POST_Y_EXTENSION: Y-extension {y_ext} needs kernel width 1 "
                              f"and at most {ATOM // y_ext} channels (got S={s}, C={c})")
        return mem.gather(base, weight_offsets_y_ext(k, c, r, y_ext)).view(np.int8)
    return mem.gather(base, weight_offsets(k, c, r, s)).view(np.int8)


def pack_weights(w: np.ndarray) -> np.ndarray:
    """The inverse of read_weights: the weight blob bytes (uint8) for W (K, C, R, S)."""
    w = np.asarray(w, dtype=np.int8)
    off = weight_offsets(*w.shape)
    blob = np.zeros(int(off.max()) + 1 if off.size else 0, dtype=np.uint8)
    blob[off.reshape(-1)] = w.view(np.uint8).reshape(-1)
    return blob
