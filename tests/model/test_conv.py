"""Convolution pipeline (model/cdma.py, cmac.py, cacc.py, conv.py) against hand-computed values
(NVIDIA's dc_*/img_* traces run through the device in tests/model/test_traces.py)."""
from __future__ import annotations

import numpy as np
import pytest

from model import cacc, cdma, cmac, conv
from model.memory import Memory
from model.regs import RegView


# ------------------------------------------------------------------ CDMA input converter
@pytest.mark.parametrize("x, offset, scale, trunc, want", [
    (3, 0, 1, 1, 2),          # +1.5 -> 2 (tie away from zero)
    (-3, 0, 1, 1, -2),        # -1.5 -> -2
    (-10, 0, 1, 2, -3),       # -2.5 -> -3
    (-5, 0, 1, 2, -1),        # -1.25 -> -1
    (-6, 0, 1, 2, -2),        # -1.5 -> -2
    (5, 2, 3, 0, 9),          # (5-2)*3
    (7, -1, -2, 1, -8),       # (7+1)*-2 / 2
    (127, -128, 2, 0, 127),   # 510 saturates to 127
    (-128, 127, 1, 0, -128),  # -255 saturates to -128
    (127, -32768, 32767, 0, 127),   # beyond 17 bits: sat17 then sat8
    (-128, 32767, 32767, 0, -128),
    (100, 0, 1, 63, 0),       # huge truncate
])
def test_input_convert_hand_values(x, offset, scale, trunc, want):
    assert int(cdma.input_convert(np.array([x]), offset, scale, trunc)[0]) == want


def test_input_convert_large_product_shifted():
    # (127 - (-32768)) * 32767 = 1,077,870,465; / 2^24 = 64.247 -> 64 (exact 34-bit product)
    assert int(cdma.input_convert(np.array([127]), -32768, 32767, 24)[0]) == 64


# ------------------------------------------------------------------ pixel formats / image converter
# memory bytes of one pixel whose components are R=30, G=20, B=10, A(or X)=40 (names read MSB first)
RAW_RGBA = {
    "A8B8G8R8": [30, 20, 10, 40], "X8B8G8R8": [30, 20, 10, 40],
    "A8R8G8B8": [10, 20, 30, 40], "X8R8G8B8": [10, 20, 30, 40],
    "B8G8R8A8": [40, 30, 20, 10], "B8G8R8X8": [40, 30, 20, 10],
    "R8G8B8A8": [40, 10, 20, 30], "R8G8B8X8": [40, 10, 20, 30],
    # Y=30, U=20, V=10, A=40
    "A8Y8U8V8": [10, 20, 30, 40], "V8U8Y8A8": [40, 30, 20, 10],
}
# PIXEL_FORMAT enumeration of nv_small (NVDLA_CDMA.rdl, D_DATAIN_FORMAT.PIXEL_FORMAT)
ENUM = {"R8": 0, "A8B8G8R8": 12, "A8R8G8B8": 13, "B8G8R8A8": 14, "R8G8B8A8": 15, "X8B8G8R8": 16,
        "X8R8G8B8": 17, "B8G8R8X8": 18, "R8G8B8X8": 19, "A8Y8U8V8": 26, "V8U8Y8A8": 27}


@pytest.mark.parametrize("name", sorted(RAW_RGBA))
def test_pixel_component_order(name):
    fmt = cdma.PIXEL_FORMAT_BY_NAME[name]
    assert fmt.code == ENUM[name]
    got = cdma.pixel_components(np.array([RAW_RGBA[name]], dtype=np.uint8), fmt)
    assert got.tolist() == [[30, 20, 10, 40]]


def test_pixel_enum_complete():
    assert {p.name: p.code for p in cdma.PIXEL_FORMATS.values()} == ENUM
    assert cdma.PIXEL_FORMAT_BY_NAME["R8"].bytes_per_pixel == 1


def test_convert_pixels_unsigned_signed_mean():
    on = cdma.Converter(True, 0, 1, 0)
    comp = np.array([[200, 255, 0, 100]], dtype=np.uint8)
    # unsigned: 200 -> sat 127, 255 -> 127, 0, 100
    assert cdma.convert_pixels(comp, sign_override=False, cvt=on).tolist() == [[127, 127, 0, 100]]
    # sign override: bytes are int8 (200 = -56, 255 = -1)
    assert cdma.convert_pixels(comp, sign_override=True, cvt=on).tolist() == [[-56, -1, 0, 100]]
    # per-component means replace CVT_OFFSET: 200-100, 255-110, 0-120, 100-130
    assert cdma.convert_pixels(comp, sign_override=False, cvt=on,
                               means=(100, 110, 120, 130)).tolist() == [[100, 127, -120, -30]]
    # converter off: the byte passes as is (no mean subtraction)
    off = cdma.Converter(False, 5, 3, 1)
    assert cdma.convert_pixels(comp, sign_override=False, cvt=off,
                               means=(100, 110, 120, 130)).tolist() == [[-56, -1, 0, 100]]
    # scale 2, truncate 2, offset 1: (200-1)*2/4 = 99.5 -> 100 (tie away); (0-1)*2/4 = -0.5 -> -1
    sc = cdma.Converter(True, 1, 2, 2)
    assert cdma.convert_pixels(np.array([200, 0], np.uint8), sign_override=False,
                               cvt=sc).tolist() == [100, -1]


# ------------------------------------------------------------------ DC weight layout
def test_weight_offsets_hand_layout():
    # K=9 (one full kernel group + 1), C=10 (one full channel group + 2), R=1, S=2.
    # Kernel group 0 (8 kernels): channel group 0: s0 -> bytes 0..63 (k*8+c), s1 -> 64..127;
    # channel group 1 (2 ch): s0 -> 128..143 (k*2+c'), s1 -> 144..159.
    # Kernel group 1 (1 kernel) at 160: cg0 s0 160..167, s1 168..175; cg1 s0 176,177, s1 178,179.
    off = cdma.weight_offsets(9, 10, 1, 2)
    assert off.shape == (9, 10, 1, 2)
    assert off[0, 0, 0, 0] == 0
    assert off[3, 5, 0, 1] == 64 + 3 * 8 + 5
    assert off[7, 9, 0, 0] == 128 + 7 * 2 + 1
    assert off[2, 8, 0, 1] == 144 + 2 * 2 + 0
    assert off[8, 0, 0, 0] == 160
    assert off[8, 3, 0, 1] == 171
    assert off[8, 9, 0, 0] == 177
    assert off[8, 9, 0, 1] == 179
    assert sorted(off.reshape(-1).tolist()) == list(range(180))   # tight packing


def test_read_weights_roundtrip():
    rng = np.random.default_rng(1)
    w = rng.integers(-128, 128, size=(11, 13, 3, 2), dtype=np.int64).astype(np.int8)
    mem = Memory()
    mem.write(0x1000, cdma.pack_weights(w))
    assert np.array_equal(cdma.read_weights(mem, 0x1000, 11, 13, 3, 2), w)
    # the blob is W in the documented loop order (first bytes: kernel 0..7, channel 0..7 of r0 s0)
    blob = cdma.pack_weights(w)
    assert blob[:8].view(np.int8).tolist() == w[0, :8, 0, 0].tolist()
    assert blob[8:16].view(np.int8).tolist() == w[1, :8, 0, 0].tolist()


# ------------------------------------------------------------------ CSC/CMAC windowing
def test_pad_value_used_outside_cube():
    x = np.array([[[1, 2], [3, 4]]], dtype=np.int8)           # (1, 2, 2)
    w = np.zeros((1, 1, 3, 3), dtype=np.int8)
    w[0, 0, 1, 1] = 1                                           # centre
    w[0, 0, 0, 0] = 10                                          # top-left
    out = cmac.conv_accumulate(x, w, pad=(1, 1), pad_value=-2, out_size=(2, 2))
    # out[y,x] = x[y,x] + 10 * X'[y-1, x-1], X' = -2 outside
    assert out.tolist() == [[[1 - 20, 2 - 20], [3 - 20, 4 + 10]]]
    assert out.dtype == np.int64


def test_stride_and_dilation():
    v = (10 * np.arange(5)[:, None] + np.arange(5)[None, :]).astype(np.int8)[None]   # v[y,x]=10y+x
    w = np.array([[[[1, 2], [3, 4]]]], dtype=np.int8)
    out = cmac.conv_accumulate(v, w, stride=(2, 1), dilation=(1, 2), out_size=(2, 3))
    # out[y,x] = 1*v[2y][x] + 2*v[2y][x+2] + 3*v[2y+1][x] + 4*v[2y+1][x+2]
    assert out[0, 0, 0] == 0 + 2 * 2 + 3 * 10 + 4 * 12
    assert out[0, 1, 2] == 22 + 2 * 24 + 3 * 32 + 4 * 34
    assert out[0, 0, 1] == 1 + 2 * 3 + 3 * 11 + 4 * 13
    assert out.shape == (1, 2, 3)


def test_conv_accumulate_extremes_exact():
    # 8192 channels of (-128)*(-128): 8192 * 16384 = 2^27 exactly
    x = np.full((8192, 1, 1), -128, dtype=np.int8)
    w = np.full((2, 8192, 1, 1), -128, dtype=np.int8)
    w[1] = 127
    out = cmac.conv_accumulate(x, w, out_size=(1, 1))
    assert out[:, 0, 0].tolist() == [1 << 27, -128 * 127 * 8192]


# ------------------------------------------------------------------ CACC
@pytest.mark.parametrize("acc, clip, want", [
    (12345, 0, 12345),
    (6, 2, 2), (-6, 2, -2), (-5, 2, -1), (-10, 2, -3), (10, 2, 3),   # round half away
    (1 << 31, 0, (1 << 31) - 1), (-(1 << 31) - 1, 0, -(1 << 31)),   # saturate to int32
    (1 << 40, 8, 1 << 25),          # 34-bit accumulator saturates first: (2^33-1)/256 -> 2^25
    (-(1 << 40), 8, -(1 << 25)),    # -2^33 / 256 exactly
    ((1 << 33) - 1, 31, 4),         # 3.99999... -> 4
    # RTL sticky sees only the 15 bits below the guard bit:
    (-(1 << 15) + 1, 16, 0),        # clip 16: -0.49998 -> 0 (bit 0 is still visible)
    (-(1 << 16) + 1, 17, -1),       # clip 17: -0.499992 looks like -0.5 (bit 0 invisible) -> -1
    (-(1 << 16) + 2, 17, 0),        # bit 1 visible -> -0.49998 -> 0
    (-(1 << 19) + 16, 20, 0),       # clip 20: bit 4 is the lowest visible bit -> 0
    (-(1 << 19) + 15, 20, -1),      # bits 0..3 invisible: taken as the tie -0.5 -> -1
    ((1 << 19) + 1, 20, 1),         # positive: +0.5000x -> 1 regardless
    (-(1 << 19), 20, -1),           # exact tie -0.5 -> -1
])
def test_cacc_truncate(acc, clip, want):
    assert int(cacc.truncate(np.array([acc]), clip)[0]) == want


# NVIDIA's dc_*/img_* traces (CRC + RTL bytes) run through the device in tests/model/test_traces.py.


def test_weight_offsets_y_extension_hand_layout():
    # K=2, C=3, R=3, Y-extension 2: rows grouped (0,1) then (2). Kernel group (2 kernels):
    # row group 0: k0 rows 0,1 x 3 ch -> bytes 0..5, k1 -> 6..11; row group 1: k0 12..14, k1 15..17
    off = cdma.weight_offsets_y_ext(2, 3, 3, 2)[..., 0]
    assert off[0, 0, 0] == 0 and off[0, 2, 1] == 5
    assert off[1, 2, 1] == 11 and off[1, 0, 0] == 6
    assert off[0, 1, 2] == 13 and off[1, 0, 2] == 15
    assert sorted(off.reshape(-1).tolist()) == list(range(18))


def _encode(values: dict) -> dict:
    """{"UNIT.REG": {FIELD: v}} -> RegView values by full trace name."""
    from model.regs import REGMAP
    out = {}
    for name, fields in values.items():
        full = f"NVDLA_{name}_0"
        out[full] = REGMAP[full].encode(**fields)
    return out


def test_image_pipeline_hand_case():
    """R8 image 3x2 with PIXEL_X_OFFSET 1, mean, converter, left padding (CDMA pad value), top
    padding (CSC pad value), kernel 2 wide folded into 2 channels, 2 rows; computed by hand."""
    mem = Memory()
    mem.write(0x1000, bytes([9, 1, 2, 3]))          # line 0; byte 0 skipped by PIXEL_X_OFFSET
    mem.write(0x1020, bytes([9, 4, 5, 6]))          # line 1 (LINE_STRIDE 0x20)
    mem.write(0x2000, bytes([1, 10, 2, 20]))        # W[k0][c0,c1][r0], then [r1]
    regs = RegView(_encode({
        "CDMA.D_DATAIN_FORMAT": dict(DATAIN_FORMAT=1, PIXEL_FORMAT=0),
        "CDMA.D_DATAIN_SIZE_0": dict(DATAIN_WIDTH=2, DATAIN_HEIGHT=1),
        "CDMA.D_DATAIN_SIZE_1": dict(DATAIN_CHANNEL=0),
        "CDMA.D_PIXEL_OFFSET": dict(PIXEL_X_OFFSET=1),
        "CDMA.D_DAIN_ADDR_LOW_0": dict(DATAIN_ADDR_LOW_0=0x1000),
        "CDMA.D_LINE_STRIDE": dict(LINE_STRIDE=0x20),
        "CDMA.D_ZERO_PADDING": dict(PAD_LEFT=1, PAD_TOP=1),
        "CDMA.D_ZERO_PADDING_VALUE": dict(PAD_VALUE=0x1105),   # low byte 5 (left/right pad)
        "CDMA.D_MEAN_FORMAT": dict(MEAN_FORMAT=1),
        "CDMA.D_MEAN_GLOBAL_0": dict(MEAN_RY=1),
        "CDMA.D_CVT_CFG": dict(CVT_EN=1, CVT_TRUNCATE=1),
        "CDMA.D_CVT_OFFSET": dict(CVT_OFFSET=100),              # replaced by the mean
        "CDMA.D_CVT_SCALE": dict(CVT_SCALE=2),
        "CDMA.D_WEIGHT_ADDR_LOW": dict(WEIGHT_ADDR_LOW=0x2000),
        "CSC.D_DATAIN_SIZE_EXT_1": dict(DATAIN_CHANNEL_EXT=0),
        "CSC.D_WEIGHT_SIZE_EXT_0": dict(WEIGHT_WIDTH_EXT=0, WEIGHT_HEIGHT_EXT=1),
        "CSC.D_WEIGHT_SIZE_EXT_1": dict(WEIGHT_CHANNEL_EXT=1, WEIGHT_KERNEL=0),
        "CSC.D_ZERO_PADDING": dict(PAD_TOP=1),
        "CSC.D_ZERO_PADDING_VALUE": dict(PAD_VALUE=0xFD),      # -3 (top/bottom rows)
        "CSC.D_DATAOUT_SIZE_0": dict(DATAOUT_WIDTH=2, DATAOUT_HEIGHT=1),
    }))
    # converted pixels: (p - 1) * 2 / 2 = p - 1 -> lines [5 | 0 1 2] and [5 | 3 4 5]
    # out[y][x] = 1*L[y-1][x] + 10*L[y-1][x+1] + 2*L[y][x] + 20*L[y][x+1], L[-1] = -3
    want = [[[-33 + 10, -33 + 20, -33 + 42], [5 + 70, 10 + 86, 21 + 108]]]
    assert conv.run(regs, mem).tolist() == want
    assert conv.run(regs, mem, padded=True).shape == (8, 2, 3)


@pytest.mark.parametrize("fmt, x_off, ok", [(0, 7, True), (0, 8, False), (16, 1, True), (16, 2, False)])
def test_pixel_x_offset_stays_in_the_first_atom(fmt, x_off, ok):
    """PIXEL_X_OFFSET places the first pixel inside the first 8-byte atom: up to 7 for R8, 1 for a
    4-byte format (NVIDIA's CDMA asserts beyond; its RTL read a 4-byte image with offset 2 as if
    the offset were 0, and matched the model for offsets 1 and R8 0..7 as sampled)."""
    regs = RegView(_encode({
        "CDMA.D_DATAIN_FORMAT": dict(DATAIN_FORMAT=1, PIXEL_FORMAT=fmt),
        "CDMA.D_DATAIN_SIZE_0": dict(DATAIN_WIDTH=3, DATAIN_HEIGHT=0),
        "CDMA.D_PIXEL_OFFSET": dict(PIXEL_X_OFFSET=x_off),
    }))
    if ok:
        assert cdma.ImageSource.from_regs(regs).x_offset == x_off
    else:
        with pytest.raises(cdma.ConfigError, match=r"PIXEL_X_OFFSET %d .* beyond the first 8-byte atom" % x_off):
            cdma.ImageSource.from_regs(regs)


def test_dc_pipeline_hand_case():
    """9-channel 1x1 cube, both maps packed (surfaces contiguous, SURF_STRIDE unused), input
    converter on, 3x3 kernel over pad 1: the pad value enters unconverted."""
    mem = Memory()
    mem.write(0x4000, bytes([1, 2, 3, 4, 5, 6, 7, 8, 9]))   # ch 0..7, then ch 8 (next atom)
    wt = np.zeros(81, dtype=np.uint8)
    wt[0] = 1                  # channel group 0, (r0, s0), channel 0
    wt[32:40] = 1              # channel group 0, (r1, s1), channels 0..7
    wt[72 + 4] = 1             # channel group 1 (1 channel) starts at 72, (r1, s1)
    mem.write(0x5000, wt)
    regs = RegView(_encode({
        "CDMA.D_DATAIN_FORMAT": dict(DATAIN_FORMAT=0),
        "CDMA.D_DATAIN_SIZE_0": dict(DATAIN_WIDTH=0, DATAIN_HEIGHT=0),
        "CDMA.D_DATAIN_SIZE_1": dict(DATAIN_CHANNEL=8),
        "CDMA.D_DAIN_ADDR_LOW_0": dict(DATAIN_ADDR_LOW_0=0x4000),
        "CDMA.D_LINE_STRIDE": dict(LINE_STRIDE=8),
        "CDMA.D_SURF_STRIDE": dict(SURF_STRIDE=0x1000),
        "CDMA.D_DAIN_MAP": dict(LINE_PACKED=1, SURF_PACKED=1),
        "CDMA.D_CVT_CFG": dict(CVT_EN=1, CVT_TRUNCATE=1),
        "CDMA.D_CVT_OFFSET": dict(CVT_OFFSET=1),
        "CDMA.D_CVT_SCALE": dict(CVT_SCALE=3),
        "CDMA.D_MEAN_FORMAT": dict(MEAN_FORMAT=1),             # no effect on feature input
        "CDMA.D_MEAN_GLOBAL_0": dict(MEAN_RY=50),
        "CDMA.D_WEIGHT_ADDR_LOW": dict(WEIGHT_ADDR_LOW=0x5000),
        "CSC.D_WEIGHT_SIZE_EXT_0": dict(WEIGHT_WIDTH_EXT=2, WEIGHT_HEIGHT_EXT=2),
        "CSC.D_WEIGHT_SIZE_EXT_1": dict(WEIGHT_CHANNEL_EXT=8, WEIGHT_KERNEL=0),
        "CSC.D_ZERO_PADDING": dict(PAD_LEFT=1, PAD_TOP=1),
        "CSC.D_ZERO_PADDING_VALUE": dict(PAD_VALUE=0x0107),    # low byte 7
        "CSC.D_DATAOUT_SIZE_0": dict(DATAOUT_WIDTH=0, DATAOUT_HEIGHT=0),
        "CACC.D_CLIP_CFG": dict(CLIP_TRUNCATE=1),
    }))
    # converted: (x - 1) * 3 / 2 rounded half away: 0 2 3 5 6 8 9 11 12 (sum 56); corner pad 7
    assert conv.accumulate(regs, mem).tolist() == [[[56 + 7]]]
    assert conv.run(regs, mem).tolist() == [[[32]]]           # 63 / 2 = 31.5 -> 32


def _naive_conv(x, w, stride, dil, pad, pad_value, out):
    k_, c_, r_, s_ = w.shape
    o = np.zeros((k_,) + tuple(out), dtype=np.int64)
    for k in range(k_):
        for y in range(out[0]):
            for xx in range(out[1]):
                t = 0
                for c in range(c_):
                    for i in range(r_):
                        for j in range(s_):
                            yy = y * stride[0] + i * dil[0] - pad[0]
                            xi = xx * stride[1] + j * dil[1] - pad[1]
                            inside = 0 <= yy < x.shape[1] and 0 <= xi < x.shape[2]
                            t += int(w[k, c, i, j]) * (int(x[c, yy, xi]) if inside else pad_value)
                o[k, y, xx] = t
    return o


@pytest.mark.parametrize("budget", [1, 1 << 30])
def test_conv_accumulate_matches_loops_any_block_size(monkeypatch, budget):
    monkeypatch.setattr(cmac, "_COLS_BYTES", budget)    # 1: one output row per im2col block
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, (10, 9, 7)).astype(np.int8)
    w = rng.integers(-128, 128, (3, 10, 3, 2)).astype(np.int8)
    args = ((2, 1), (2, 3), (3, 2), -7, (6, 5))
    assert np.array_equal(cmac.conv_accumulate(x, w, *args), _naive_conv(x, w, *args))
