"""PDP pooling against hand-computed values (max/min with padding ignored, average with padding
values and the two-stage reciprocal division with negative ties, split-width, on-the-fly input,
padding lanes), and NVIDIA's pdp_* traces."""
import numpy as np
import pytest

from model import pdp
from model.memory import Memory
from model.pdp import pool
from model.regs import REGMAP, RegView

R1, R2, R3 = 0x10000, 0x8000, 0x5555       # reciprocals of 1, 2, 3 (16 fraction bits)


def cube(rows):
    return np.array([rows], dtype=np.int8)


def neg19(v):
    """A negative pad value as the 19-bit register field holds it."""
    return v & 0x7FFFF


# ---------------------------------------------------------------- max / min
def test_max_min_no_padding():
    x = cube([[1, -2, 3, 4], [5, 6, -7, 8], [-9, 10, 11, 12], [13, 14, 15, -16]])
    assert pool(x, "max", (2, 2), (2, 2), (0, 0, 0, 0)).tolist() == [[[6, 8], [14, 15]]]
    assert pool(x, "min", (2, 2), (2, 2), (0, 0, 0, 0)).tolist() == [[[-2, -7], [-9, -16]]]


def test_max_min_ignore_padding():
    # all -5 with padding: the padded max is still -5 (not 0, not a pad value)
    x = np.full((1, 3, 3), -5, dtype=np.int8)
    out = pool(x, "max", (3, 3), (1, 1), (1, 1, 1, 1), pad_values=(100,) * 7)
    assert out.tolist() == [[[-5] * 3] * 3]
    x = np.full((1, 3, 3), 5, dtype=np.int8)
    assert pool(x, "min", (3, 3), (1, 1), (1, 1, 1, 1)).tolist() == [[[5] * 3] * 3]


def test_max_extremes():
    x = cube([[-128, -128], [-128, 127]])
    assert pool(x, "max", (2, 2), (1, 1), (0, 0, 0, 0)).tolist() == [[[127]]]
    assert pool(x, "min", (2, 2), (1, 1), (0, 0, 0, 0)).tolist() == [[[-128]]]


# ---------------------------------------------------------------- average
def test_average_negative_ties_round_away_from_zero():
    # kernel 1x2: sums -3, 3, -5, -2 times 1/2: -1.5 -> -2, 1.5 -> 2, -2.5 -> -3, -1 -> -1
    x = cube([[-1, -2, 1, 2, -2, -3, -1, -1]])
    out = pool(x, "avg", (1, 2), (1, 2), (0, 0, 0, 0), recip=(R2, R1))
    assert out.tolist() == [[[-2, 2, -3, -1]]]


def test_average_two_stage_rounding():
    # 2x2 window with sum 1: width stage 0.5 -> 1, height stage 0.5 -> 1 (one-stage 0.25 -> 0)
    x = cube([[1, 0], [0, 0]])
    assert pool(x, "avg", (2, 2), (2, 2), (0, 0, 0, 0), recip=(R2, R2)).tolist() == [[[1]]]
    x = cube([[-1, 0], [0, 0]])
    assert pool(x, "avg", (2, 2), (2, 2), (0, 0, 0, 0), recip=(R2, R2)).tolist() == [[[-1]]]


def test_average_full_window_with_inexact_reciprocal():
    # 9 * 10 = 90; 90 * 0x5555 / 2^16 = 29.9986 -> 30; 30 * 0x5555 / 2^16 = 9.9998 -> 10
    x = np.full((1, 3, 3), 10, dtype=np.int8)
    assert pool(x, "avg", (3, 3), (1, 1), (0, 0, 0, 0), recip=(R3, R3)).tolist() == [[[10]]]


def test_average_padding_values():
    # 3x3 of 10, kernel 3x3 stride 1, pad 1 all round, P(n) = n * -2 (19-bit fields)
    x = np.full((1, 3, 3), 10, dtype=np.int8)
    pv = tuple(neg19(-2 * n) for n in range(1, 8))
    out = pool(x, "avg", (3, 3), (1, 1), (1, 1, 1, 1), pad_values=pv, recip=(R3, R3))
    # corner: 2 in-bounds rows of (10 + 10 + P(1) = 18), plus P(1) * kw = -6 for the missing
    #   row: 30 -> 30 * 0x5555/2^16 = 9.9998 -> 10 -> 3.333 -> 3
    # edge (1 missing column): 3 rows of 18 = 54 -> 17.9997 -> 18 -> 5.9999 -> 6
    # edge (1 missing row): 2 rows of 30, + (-6) = 54 -> 6
    # centre: 90 -> 10
    assert out.tolist() == [[[3, 6, 3], [6, 10, 6], [3, 6, 3]]]


def test_average_pad_value_zero_counts_padding_as_zero():
    # 1x2 input [4, 4], kernel 1x3, pad left 1: (0 + 4 + 4) / 3 = 2.667 -> 8*0x5555 = 2.6666 -> 3
    x = cube([[4, 4]])
    out = pool(x, "avg", (1, 3), (1, 1), (0, 1, 0, 0), recip=(R3, R1), out_size=(1, 1))
    assert out.tolist() == [[[3]]]


def test_pool_rejects_bad_input():
    with pytest.raises(pdp.PdpConfigError, match="method"):
        pool(cube([[1]]), "median", (1, 1), (1, 1), (0, 0, 0, 0))
    with pytest.raises(pdp.PdpConfigError, match=r"\(C,H,W\)"):
        pool(np.zeros((2, 2), dtype=np.int8), "max", (1, 1), (1, 1), (0, 0, 0, 0))


# ---------------------------------------------------------------- register-level runs
def regs_of(**fields_by_reg):
    vals = {}
    for name, fields in fields_by_reg.items():
        reg = REGMAP[f"NVDLA_{name.replace('__', '.')}_0"]
        vals[reg.full_name] = fields if isinstance(fields, int) else reg.encode(**fields)
    return RegView(vals)


def pdp_regs(c, h, w, ho, wo, method, kernel, stride, pad=(0, 0, 0, 0), flying=False, **extra):
    top, left, bottom, right = pad
    base = dict(
        PDP__D_DATA_CUBE_IN_WIDTH=w - 1, PDP__D_DATA_CUBE_IN_HEIGHT=h - 1,
        PDP__D_DATA_CUBE_IN_CHANNEL=c - 1, PDP__D_DATA_CUBE_OUT_WIDTH=wo - 1,
        PDP__D_DATA_CUBE_OUT_HEIGHT=ho - 1, PDP__D_DATA_CUBE_OUT_CHANNEL=c - 1,
        PDP__D_OPERATION_MODE_CFG=dict(POOLING_METHOD={"avg": 0, "max": 1, "min": 2}[method],
                                       FLYING_MODE=0 if flying else 1),
        PDP__D_POOLING_KERNEL_CFG=dict(KERNEL_HEIGHT=kernel[0] - 1, KERNEL_WIDTH=kernel[1] - 1,
                                       KERNEL_STRIDE_HEIGHT=stride[0] - 1,
                                       KERNEL_STRIDE_WIDTH=stride[1] - 1),
        PDP__D_POOLING_PADDING_CFG=dict(PAD_TOP=top, PAD_LEFT=left, PAD_BOTTOM=bottom,
                                        PAD_RIGHT=right),
        PDP__D_RECIP_KERNEL_WIDTH=R1, PDP__D_RECIP_KERNEL_HEIGHT=R1,
        PDP_RDMA__D_SRC_BASE_ADDR_LOW=0x1000, PDP_RDMA__D_SRC_LINE_STRIDE=8 * w,
        PDP_RDMA__D_SRC_SURFACE_STRIDE=8 * w * h,
        PDP__D_DST_BASE_ADDR_LOW=0x8000, PDP__D_DST_LINE_STRIDE=8 * wo,
        PDP__D_DST_SURFACE_STRIDE=8 * wo * ho,
    )
    base.update(extra)
    return regs_of(**base)


def test_run_memory_input_max_with_padding_lanes():
    # C = 3: the whole 8-lane atom is read and pooled; lanes 3..7 are written too
    mem = Memory()
    mem.write(0x1000, bytes([1, 0x80, 5, 9, 0, 0, 0, 0xF0]))   # pixel (0,0)
    mem.write(0x1008, bytes([2, 0x81, 4, 8, 0, 0, 0, 0xF1]))   # pixel (0,1)
    regs = pdp_regs(3, 1, 2, 1, 1, "max", (1, 2), (1, 2))
    assert pdp.run(regs, mem) is None
    assert mem.read(0x8000, 8).view(np.int8).tolist() == [2, -127, 5, 9, 0, 0, 0, -15]


def test_run_split_width_matches_hand_values():
    # W = 8, increasing values, max kernel 3 stride 2 pad left 1: outputs x1, x3, x5, x7.
    # Two splits: first 4 input columns -> 2 outputs; last starts kw-sw = 1 column early
    # (columns 3..7) -> 2 outputs.
    mem = Memory()
    for wc in range(8):
        mem.write(0x1000 + wc * 8, bytes([10 * wc, 0, 0, 0, 0, 0, 0, 0]))
    regs = pdp_regs(1, 1, 8, 1, 4, "max", (1, 3), (1, 2), pad=(0, 1, 0, 0),
                    PDP__D_OPERATION_MODE_CFG=dict(POOLING_METHOD=1, FLYING_MODE=1, SPLIT_NUM=1),
                    PDP__D_PARTIAL_WIDTH_IN=dict(PARTIAL_WIDTH_IN_FIRST=3,
                                                 PARTIAL_WIDTH_IN_LAST=3,
                                                 PARTIAL_WIDTH_IN_MID=0),
                    PDP__D_PARTIAL_WIDTH_OUT=dict(PARTIAL_WIDTH_OUT_FIRST=1,
                                                  PARTIAL_WIDTH_OUT_LAST=1,
                                                  PARTIAL_WIDTH_OUT_MID=0))
    pdp.run(regs, mem)
    got = [int(mem.read(0x8000 + 8 * j, 1)[0]) for j in range(4)]
    assert got == [10, 30, 50, 70]


def test_run_split_width_average_left_pad_only_in_first_split():
    # average 1x2 stride 2, pad left 1, three splits; x = 2,4,6,8,10 (W=5) -> windows
    # (pad,2) (4,6) (8,10): with pad value 0: 1, 5, 9
    mem = Memory()
    for wc in range(5):
        mem.write(0x1000 + wc * 8, bytes([2 * (wc + 1), 0, 0, 0, 0, 0, 0, 0]))
    regs = pdp_regs(1, 1, 5, 1, 3, "avg", (1, 2), (1, 2), pad=(0, 1, 0, 0),
                    PDP__D_RECIP_KERNEL_WIDTH=R2,
                    PDP__D_OPERATION_MODE_CFG=dict(POOLING_METHOD=0, FLYING_MODE=1, SPLIT_NUM=2),
                    PDP__D_PARTIAL_WIDTH_IN=dict(PARTIAL_WIDTH_IN_FIRST=0,
                                                 PARTIAL_WIDTH_IN_MID=1,
                                                 PARTIAL_WIDTH_IN_LAST=1),
                    PDP__D_PARTIAL_WIDTH_OUT=dict(PARTIAL_WIDTH_OUT_FIRST=0,
                                                  PARTIAL_WIDTH_OUT_MID=0,
                                                  PARTIAL_WIDTH_OUT_LAST=0))
    pdp.run(regs, mem)
    assert [int(mem.read(0x8000 + 8 * j, 1)[0]) for j in range(3)] == [1, 5, 9]


def test_run_on_the_fly_input():
    x = np.array([[[1, 2], [3, 4]], [[-1, -2], [-3, -5]]], dtype=np.int8)   # (C=2,H=2,W=2)
    regs = pdp_regs(2, 2, 2, 1, 1, "avg", (2, 2), (2, 2), flying=True,
                    PDP__D_RECIP_KERNEL_WIDTH=R2, PDP__D_RECIP_KERNEL_HEIGHT=R2)
    mem = Memory()
    pdp.run(regs, mem, flying_in=x)
    # (1+2+3+4) = 10 -> 5 -> 2.5 -> 3 ; -11 -> -5.5 -> -6 -> -3
    assert mem.read(0x8000, 8).view(np.int8).tolist() == [3, -3, 0, 0, 0, 0, 0, 0]


def test_run_on_the_fly_without_input_is_a_clear_error():
    regs = pdp_regs(1, 1, 1, 1, 1, "max", (1, 1), (1, 1), flying=True)
    with pytest.raises(pdp.PdpConfigError, match="ON_FLYING"):
        pdp.run(regs, Memory())


# NVIDIA's traces for this unit (CRC + RTL bytes) run in tests/model/test_traces.py.
