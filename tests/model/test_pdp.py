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
        PDP__D_DST_RAM_CFG=1, PDP_RDMA__D_SRC_RAM_CFG=1,          # MC (nv_small has no CV SRAM)
    )
    base.update(extra)
    # PDP_RDMA describes the same cube (as NVIDIA's firmware programs it from one descriptor)
    mode = base["PDP__D_OPERATION_MODE_CFG"]
    kcfg = base["PDP__D_POOLING_KERNEL_CFG"]
    base.setdefault("PDP_RDMA__D_DATA_CUBE_IN_WIDTH", w - 1)
    base.setdefault("PDP_RDMA__D_DATA_CUBE_IN_HEIGHT", h - 1)
    base.setdefault("PDP_RDMA__D_DATA_CUBE_IN_CHANNEL", c - 1)
    base.setdefault("PDP_RDMA__D_OPERATION_MODE_CFG", dict(SPLIT_NUM=mode.get("SPLIT_NUM", 0)))
    base.setdefault("PDP_RDMA__D_POOLING_KERNEL_CFG", dict(
        KERNEL_WIDTH=kcfg["KERNEL_WIDTH"], KERNEL_STRIDE_WIDTH=kcfg["KERNEL_STRIDE_WIDTH"]))
    if "PDP__D_PARTIAL_WIDTH_IN" in base:
        base.setdefault("PDP_RDMA__D_PARTIAL_WIDTH_IN", base["PDP__D_PARTIAL_WIDTH_IN"])
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


# ---------------------------------------------------------------- settings undefined on nv_small
# Measured on NVIDIA's nv_small RTL (Verilator, /work/nvidia-rtl, tb.unit_cases.pdp_case programs
# of 8x8x16 int8 cubes from memory): PAD_LEFT/TOP 2 with a 2x2 max kernel wrote a whole row's
# maximum (left) or the maximum of 7 rows (top) into every output of the first rows; PAD_RIGHT /
# PAD_BOTTOM 2 wrote the row band's maximum / a copy of an earlier output row where the window lies
# in padding; PAD_LEFT 3 with 2x2 min, pad 3 with 3x3 average, PAD_RIGHT/BOTTOM 2 with 2x2 stride 2
# (7x7 input, no window wholly in padding) hung; PAD_RIGHT/BOTTOM 3 with 3x3 stride 3 average
# wrote other bytes. nvdla_compiler asserts pad < kernel (PDPNode.cpp).
@pytest.mark.parametrize("pad,field", [((0, 2, 0, 0), "PAD_LEFT"), ((2, 0, 0, 0), "PAD_TOP"),
                                       ((0, 0, 0, 2), "PAD_RIGHT"), ((0, 0, 2, 0), "PAD_BOTTOM"),
                                       ((0, 4, 0, 0), "PAD_LEFT")])
def test_pad_not_below_kernel_is_refused(pad, field):
    top, left, bottom, right = pad
    wo, ho = (left + 8 + right - 2) // 1 + 1, (top + 8 + bottom - 2) + 1
    regs = pdp_regs(8, 8, 8, ho, wo, "max", (2, 2), (1, 1), pad=pad)
    with pytest.raises(pdp.PdpConfigError) as e:
        pdp.run(regs, Memory())
    msg = str(e.value)
    assert "\n" not in msg and "D_POOLING_PADDING_CFG_0" in msg and f"{field}=" in msg, msg
    with pytest.raises(pdp.PdpConfigError, match="PAD_"):
        pool(np.zeros((1, 8, 8), np.int8), "avg", (2, 2), (1, 1), pad)


def test_pad_one_below_kernel_is_pooled():
    # the largest legal pad (kernel - 1, here 1 of 2) still pools (NVIDIA's pdp_8x8x64_2x2_int8)
    x = cube([[1, 2], [3, 4]])
    assert pool(x, "max", (2, 2), (1, 1), (1, 1, 1, 1)).tolist() == [
        [[1, 2, 2], [3, 4, 4], [3, 4, 4]]]


# CUBE_OUT_WIDTH/HEIGHT other than the windows of the padded input, measured on NVIDIA's RTL as
# above: one more column or row (8x8, 2x2 max or 3x3 average, stride 1) hung; one fewer wrote other
# bytes (max) or hung (average); fuzz_s8_002_pdp (8x8 outputs of a 6x8 kernel, strides 3x6) hung.
@pytest.mark.parametrize("ho,wo,reg", [(8, 9, "D_DATA_CUBE_OUT_WIDTH_0"),
                                       (8, 7, "D_DATA_CUBE_OUT_WIDTH_0"),
                                       (9, 8, "D_DATA_CUBE_OUT_HEIGHT_0"),
                                       (7, 8, "D_DATA_CUBE_OUT_HEIGHT_0")])
def test_output_size_other_than_the_windows_is_refused(ho, wo, reg):
    # 8x8 input, 2x2 kernel stride 1, pad bottom/right 1: (8 + 1 - 2) // 1 + 1 = 8 windows
    regs = pdp_regs(16, 8, 8, ho, wo, "max", (2, 2), (1, 1), pad=(0, 0, 1, 1))
    with pytest.raises(pdp.PdpConfigError) as e:
        pdp.run(regs, Memory())
    msg = str(e.value)
    assert "\n" not in msg and reg in msg and "holds 8 windows" in msg, msg


def test_output_size_floor_of_an_inexact_stride_is_pooled():
    # W = 5, kernel 2 stride 2: (5 - 2) // 2 + 1 = 2 windows, column 4 unused (NVIDIA's RTL
    # pools such floor fits as the model: inexact_stride_* in NVIDIA_CRC below)
    mem = Memory()
    for wc in range(5):
        mem.write(0x1000 + wc * 8, bytes([wc + 1, 0, 0, 0, 0, 0, 0, 0]))
    pdp.run(pdp_regs(1, 1, 5, 1, 2, "max", (1, 2), (1, 2)), mem)
    assert [int(mem.read(0x8000 + 8 * j, 1)[0]) for j in range(2)] == [2, 4]


# OUT_CHANNEL in other atoms than IN_CHANNEL (8 or 24 of 16) and RAM type 0 (CV SRAM, the reset
# value) hung on NVIDIA's RTL (8x8x16 2x2 max from memory); OUT_CHANNEL 9 of 16 (same 2 atoms)
# wrote the bytes of OUT_CHANNEL 16 (test_settings_nv_small_defines_match_nvidia_rtl).
@pytest.mark.parametrize("extra,what", [
    (dict(PDP__D_DATA_CUBE_OUT_CHANNEL=7), "D_DATA_CUBE_OUT_CHANNEL_0 CUBE_OUT_CHANNEL=7"),
    (dict(PDP__D_DATA_CUBE_OUT_CHANNEL=23), "D_DATA_CUBE_OUT_CHANNEL_0 CUBE_OUT_CHANNEL=23"),
    (dict(PDP__D_DST_RAM_CFG=0), "PDP.D_DST_RAM_CFG_0 DST_RAM_TYPE=0"),
    (dict(PDP_RDMA__D_SRC_RAM_CFG=0), "PDP_RDMA.D_SRC_RAM_CFG_0 SRC_RAM_TYPE=0")])
def test_output_channels_and_cv_sram_are_refused(extra, what):
    regs = pdp_regs(16, 8, 8, 8, 8, "max", (2, 2), (1, 1), pad=(0, 0, 1, 1), **extra)
    with pytest.raises(pdp.PdpConfigError) as e:
        pdp.run(regs, Memory())
    assert what in str(e.value) and "\n" not in str(e.value), str(e.value)


def test_rdma_ram_type_is_unused_on_the_fly():
    x = np.array([[[1, 2]]], dtype=np.int8)
    regs = pdp_regs(1, 1, 2, 1, 1, "max", (1, 2), (1, 2), flying=True, PDP_RDMA__D_SRC_RAM_CFG=0)
    mem = Memory()
    pdp.run(regs, mem, flying_in=x)
    assert int(mem.read(0x8000, 1)[0]) == 2


# PDP_RDMA registers differing from PDP's, measured on NVIDIA's RTL as above (8x8x16, 2x2 max):
# width 12 or 6 (PDP 8), height 7 (PDP 8), channel 24 (PDP 16), split-mode partial input widths
# or kernel width: hang; height 9: wrong second surface, then the next (legal) operation hangs;
# SPLIT_NUM 1 (PDP 0): other bytes. Equal to PDP's results (accepted): channel 10 (same 2 atoms),
# KERNEL_CFG 0xfa and PARTIAL_WIDTH_IN without split, PAD_WIDTH 7, DATA_FORMAT 1.
@pytest.mark.parametrize("reg,val", [
    ("PDP_RDMA__D_DATA_CUBE_IN_WIDTH", 11), ("PDP_RDMA__D_DATA_CUBE_IN_WIDTH", 5),
    ("PDP_RDMA__D_DATA_CUBE_IN_HEIGHT", 8), ("PDP_RDMA__D_DATA_CUBE_IN_HEIGHT", 6),
    ("PDP_RDMA__D_DATA_CUBE_IN_CHANNEL", 23), ("PDP_RDMA__D_OPERATION_MODE_CFG", 1)])
def test_rdma_cube_differing_from_pdp_is_refused(reg, val):
    regs = pdp_regs(16, 8, 8, 8, 8, "max", (2, 2), (1, 1), pad=(0, 0, 1, 1), **{reg: val})
    with pytest.raises(pdp.PdpConfigError) as e:
        pdp.run(regs, Memory())
    name = reg.split("__")[1]
    msg = str(e.value)
    assert "\n" not in msg and f"PDP_RDMA.{name}_0" in msg and f"PDP.{name}_0" in msg, msg


def test_rdma_split_widths_and_kernel_differing_are_refused():
    split = dict(PDP__D_OPERATION_MODE_CFG=dict(POOLING_METHOD=1, FLYING_MODE=1, SPLIT_NUM=1),
                 PDP__D_PARTIAL_WIDTH_IN=dict(PARTIAL_WIDTH_IN_FIRST=3, PARTIAL_WIDTH_IN_LAST=3),
                 PDP__D_PARTIAL_WIDTH_OUT=dict(PARTIAL_WIDTH_OUT_FIRST=1, PARTIAL_WIDTH_OUT_LAST=1))
    for extra, field in ((dict(PDP_RDMA__D_PARTIAL_WIDTH_IN=dict(PARTIAL_WIDTH_IN_FIRST=4,
                                                                 PARTIAL_WIDTH_IN_LAST=2)),
                          "PARTIAL_WIDTH_IN_FIRST"),
                         (dict(PDP_RDMA__D_POOLING_KERNEL_CFG=dict(KERNEL_WIDTH=1)),
                          "KERNEL_WIDTH")):
        regs = pdp_regs(1, 1, 8, 1, 4, "max", (1, 3), (1, 2), pad=(0, 1, 0, 0), **split, **extra)
        with pytest.raises(pdp.PdpConfigError, match=f"PDP_RDMA.D_.*{field}="):
            pdp.run(regs, Memory())


def test_rdma_fields_nv_small_ignores_are_accepted():
    # as NVIDIA's RTL: same output as with PDP_RDMA = PDP (channel atoms equal; kernel, partial
    # widths without split, pad width and data format unused)
    mem = Memory()
    mem.write(0x1000, bytes(range(1, 9)) + bytes(range(11, 19)))      # 2 columns, 8 lanes
    want = None
    for extra in ({}, dict(PDP_RDMA__D_DATA_CUBE_IN_CHANNEL=0),
                  dict(PDP_RDMA__D_POOLING_KERNEL_CFG=0xFA, PDP_RDMA__D_PARTIAL_WIDTH_IN=0x3FF,
                       PDP_RDMA__D_POOLING_PADDING_CFG=7, PDP_RDMA__D_DATA_FORMAT=1)):
        regs = pdp_regs(3, 1, 2, 1, 1, "max", (1, 2), (1, 2), **extra)
        pdp.run(regs, mem)
        got = mem.read(0x8000, 8).tolist()
        want = want or got
        assert got == want == list(range(11, 19)), (extra, got)


# Programs of tb.unit_cases.pdp_case (int8 cubes from memory; input bytes from
# default_rng(seed)) with PDP_RDMA fields nv_small's RTL does not use (or compares by atoms),
# OUT_CHANNEL in IN_CHANNEL's atoms, the largest legal pads, and strides that leave input
# columns/rows unused (floor; NVIDIA's pdp_* traces all fit exactly): CRC32 of the output bytes
# NVIDIA's nv_small RTL wrote (Verilator build of /work/nvidia-rtl/nv_small.f, TOPLEVEL=NV_nvdla,
# KEEP_DUMPS rtl.bin of each program written by tb.conv_cases.write_trace, 2026-12-01).
_R = "NVDLA_PDP_RDMA."
NVIDIA_CRC = {
    # name: (seed, w, h, c, kernel, stride, pad (l, t, r, b), method, PDP_RDMA overrides, CRC)
    "rdma_channel_same_atoms": (1, 8, 8, 16, (2, 2), (1, 1), (0, 0, 1, 1), 1,
                                {_R + "D_DATA_CUBE_IN_CHANNEL_0": 9}, 0x8EAFF488),
    "rdma_kernel_no_split": (2, 8, 8, 16, (2, 2), (1, 1), (0, 0, 1, 1), 1,
                             {_R + "D_POOLING_KERNEL_CFG_0": 0xFA}, 0xCEA9EF5F),
    "rdma_partial_width_no_split": (3, 8, 8, 16, (2, 2), (1, 1), (0, 0, 1, 1), 1,
                                    {_R + "D_PARTIAL_WIDTH_IN_0": 2 | 5 << 10 | 7 << 20},
                                    0xEBC04CBE),
    "rdma_pad_width_and_format": (4, 8, 8, 16, (2, 2), (1, 1), (0, 0, 1, 1), 1,
                                  {_R + "D_POOLING_PADDING_CFG_0": 7, _R + "D_DATA_FORMAT_0": 1},
                                  0x69A7D7BD),
    "out_channel_same_atoms": (33, 8, 8, 16, (2, 2), (1, 1), (0, 0, 1, 1), 1,
                               {"NVDLA_PDP.D_DATA_CUBE_OUT_CHANNEL_0": 8}, 0x4C6BADFC),
    "inexact_stride_avg": (22, 8, 8, 16, (3, 3), (2, 2), (1, 1, 0, 0), 0, {}, 0xC5D6D569),
    "inexact_stride_max_pad": (23, 9, 10, 16, (3, 3), (3, 3), (1, 2, 1, 1), 1, {}, 0x7B3F50E3),
    "pad_kernel_minus_1_max": (5, 8, 8, 16, (2, 2), (1, 1), (1, 1, 1, 1), 1, {}, 0xE843E28A),
    "pad_kernel_minus_1_avg": (6, 8, 9, 16, (3, 3), (1, 1), (2, 2, 2, 2), 0, {}, 0x2172DE55),
}


def nvidia_case(name):
    from tb.unit_cases import _override, pdp_case
    seed, w, h, c, k, s, pad, method, over, _ = NVIDIA_CRC[name]
    trace = "pdp_8x9x19_3x3_ave_int8_0" if method == 0 else "pdp_8x8x64_2x2_int8"
    case = pdp_case(name, np.random.default_rng(seed), w, h, c, k, s, pad, method, trace=trace)
    case.writes[:] = _override(case.writes, over)
    return case


@pytest.mark.parametrize("name", sorted(NVIDIA_CRC))
def test_settings_nv_small_defines_match_nvidia_rtl(name):
    import zlib
    from model import data
    from tb.conv_cases import expected
    if not (data.traces_root() / "nv_small" / "pdp_8x8x64_2x2_int8").is_dir():
        pytest.skip(f"NVIDIA traces not found under {data.traces_root()} (base register programs)")
    got = zlib.crc32(expected(nvidia_case(name)).tobytes()) & 0xFFFFFFFF
    want = NVIDIA_CRC[name][-1]
    assert got == want, f"{name}: CRC 0x{got:08x}, NVIDIA's RTL wrote 0x{want:08x}"


# NVIDIA's traces for this unit (CRC + RTL bytes) run in tests/model/test_traces.py.
