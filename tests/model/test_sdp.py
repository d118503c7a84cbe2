"""SDP datapath pieces against hand-computed values (ties, saturation edges, PReLU, operands from
memory per element / per channel, TWO_BYTE, DATA_USE=BOTH), and NVIDIA's sdp_* traces."""
import numpy as np
import pytest

from model import sdp
from model.memory import Memory
from model.regs import REGMAP, RegView
from model.sdp import ALU_MAX, ALU_MIN, ALU_SUM, XConfig, output_convert, x_stage

I32_MAX, I32_MIN = 2**31 - 1, -2**31


def arr(*v):
    return np.array(v, dtype=np.int64)


def cfg(**kw):
    base = dict(bypass=False, alu_bypass=True, mul_bypass=True, relu_bypass=True)
    base.update(kw)
    return XConfig(**base)


# ---------------------------------------------------------------- X stage: ALU
def test_bypass_passes_data_unchanged():
    d = arr(I32_MAX, I32_MIN, 0)
    assert x_stage(d, XConfig(bypass=True, alu_bypass=False, alu_algo=ALU_SUM), 5, 7).tolist() \
        == [I32_MAX, I32_MIN, 0]


def test_alu_sum_with_shifted_negative_operand():
    # operand -3 << 4 = -48
    c = cfg(alu_bypass=False, alu_algo=ALU_SUM, alu_shift=4)
    assert x_stage(arr(100, -100), c, alu_operand=-3).tolist() == [52, -148]


def test_alu_operand_register_value_is_int16():
    # the 16-bit register field 0xFFFF is -1
    c = cfg(alu_bypass=False, alu_algo=ALU_SUM)
    assert x_stage(arr(10), c, alu_operand=0xFFFF).tolist() == [9]


def test_alu_operand_shift_saturates_to_32_bits_and_sum_is_33_bits():
    c = cfg(alu_bypass=False, alu_algo=ALU_SUM, alu_shift=20)
    # 32767 << 20 saturates to 2^31-1; 2^31-1 + 2^31-1 is exact (33 bits), then the
    # (bypassed) multiplier's truncation saturates it to int32
    assert x_stage(arr(I32_MAX, I32_MIN), c, alu_operand=0x7FFF).tolist() == [I32_MAX, -1]
    # -32768 << 20 saturates to -2^31; -2^31 + -2^31 saturates after the truncation
    assert x_stage(arr(I32_MIN, 5), c, alu_operand=0x8000).tolist() == [I32_MIN, I32_MIN + 5]


def test_alu_max_min():
    d = arr(-5, 3, 10)
    assert x_stage(d, cfg(alu_bypass=False, alu_algo=ALU_MAX), 3).tolist() == [3, 3, 10]
    assert x_stage(d, cfg(alu_bypass=False, alu_algo=ALU_MIN), 3).tolist() == [-5, 3, 3]
    # ALGO 3 behaves as SUM
    assert x_stage(d, cfg(alu_bypass=False, alu_algo=3), 3).tolist() == [-2, 6, 13]


# ---------------------------------------------------------------- X stage: MUL + truncate
def test_mul_truncate_rounds_half_away_from_zero():
    c = cfg(mul_bypass=False, mul_shift=1)
    assert x_stage(arr(5, -5, 3, -3), c, mul_operand=1).tolist() == [3, -3, 2, -2]
    c2 = cfg(mul_bypass=False, mul_shift=2)
    # -2.25 -> -2, -2.5 -> -3, -2.75 -> -3, 2.5 -> 3
    assert x_stage(arr(-9, -10, -11, 10), c2, mul_operand=1).tolist() == [-2, -3, -3, 3]


def test_mul_saturates_to_int32():
    c = cfg(mul_bypass=False, mul_shift=0)
    assert x_stage(arr(I32_MAX, I32_MIN, 1000), c, mul_operand=0x7FFF).tolist() == \
        [I32_MAX, I32_MIN, 32767000]


def test_mul_shift_edges():
    d = arr(I32_MIN)
    # -2^31 * -32768 = 2^46: shift 47 -> 0.5 -> 1; shift 48 -> 0.25 -> 0
    assert x_stage(d, cfg(mul_bypass=False, mul_shift=47), mul_operand=0x8000).tolist() == [1]
    assert x_stage(d, cfg(mul_bypass=False, mul_shift=48), mul_operand=0x8000).tolist() == [0]
    # RTL shifter: a shift >= its 49-bit input width gives 0, even for -1 * ...
    assert x_stage(arr(-7, 7), cfg(mul_bypass=False, mul_shift=49), mul_operand=1).tolist() \
        == [0, 0]
    # only the low 6 bits of MUL_SHIFT_VALUE are used: 65 acts as 1
    assert x_stage(arr(5), cfg(mul_bypass=False, mul_shift=65), mul_operand=1).tolist() == [3]


def test_bypassed_multiplier_still_truncates():
    assert x_stage(arr(5, -5), cfg(mul_bypass=True, mul_shift=1)).tolist() == [3, -3]


def test_prelu():
    c = cfg(mul_bypass=False, mul_prelu=True, mul_shift=1)
    # negative: -5 * 3 = -15, /2 = -7.5 -> -8; non-negative passes, not multiplied nor shifted
    assert x_stage(arr(-5, 7, 0), c, mul_operand=3).tolist() == [-8, 7, 0]


def test_prelu_passes_low_32_bits_of_33_bit_alu_result():
    c = cfg(alu_bypass=False, alu_algo=ALU_SUM, mul_bypass=False, mul_prelu=True)
    # 2^31-1 + 1 = 2^31 (33-bit, non-negative) -> low 32 bits -> -2^31 (wraps, no saturation)
    assert x_stage(arr(I32_MAX), c, alu_operand=1, mul_operand=2).tolist() == [I32_MIN]


def test_relu():
    c = cfg(relu_bypass=False)
    assert x_stage(arr(-5, 0, 5), c).tolist() == [0, 0, 5]


def test_per_channel_and_per_element_operands_broadcast():
    d = np.zeros((2, 1, 2), dtype=np.int64)
    c = cfg(alu_bypass=False, alu_algo=ALU_SUM)
    per_ch = np.array([1, -2]).reshape(2, 1, 1)
    assert x_stage(d, c, per_ch).tolist() == [[[1, 1]], [[-2, -2]]]
    per_el = np.array([[[1, 2]], [[3, 4]]])
    assert x_stage(d, c, per_el).tolist() == [[[1, 2]], [[3, 4]]]


# ---------------------------------------------------------------- output converter
def test_output_convert_offset_scale_shift():
    assert output_convert(arr(100), -28, 3, 2).tolist() == [96]      # (128*3)/4
    assert output_convert(arr(0), 0xFFFFFFFF, 1, 0).tolist() == [1]  # offset register -1


def test_output_convert_negative_ties():
    # -2.5 -> -3, 2.5 -> 3, -2.25 -> -2, -1.5 -> -2
    assert output_convert(arr(-10, 10, -9, -6), 0, 1, 2).tolist() == [-3, 3, -2, -2]


def test_output_convert_saturation_edges():
    # 33-bit exact subtraction before any saturation: (2^31-1) - (-2^31) = 2^32 - 1 -> 127
    assert output_convert(arr(I32_MAX), 0x80000000, 1, 0).tolist() == [127]
    assert output_convert(arr(I32_MIN), 0x7FFFFFFF, 1, 0).tolist() == [-128]
    assert output_convert(arr(127, 128, -128, -129), 0, 1, 0).tolist() == [127, 127, -128, -128]
    # negative scale (16-bit register 0xFFFF = -1)
    assert output_convert(arr(5), 0, 0xFFFF, 0).tolist() == [-5]
    # 255.5 -> 256 -> saturates; 253/2 = 126.5 -> 127
    assert output_convert(arr(511, 253), 0, 1, 1).tolist() == [127, 127]
    assert output_convert(arr(-257, -255), 0, 1, 1).tolist() == [-128, -128]
    # shifter quirk: shift >= 49 gives 0
    assert output_convert(arr(-1000, 1000), 0, 1, 50).tolist() == [0, 0]
    assert output_convert(arr(1000), 0, 1, 3).dtype == np.int8


# ---------------------------------------------------------------- register-level runs
def regs_of(**fields_by_reg):
    """RegView from {reg_name: {field: value}} (names without the NVDLA_ prefix)."""
    vals = {}
    for name, fields in fields_by_reg.items():
        reg = REGMAP[f"NVDLA_{name.replace('__', '.')}_0"]
        vals[reg.full_name] = fields if isinstance(fields, int) else reg.encode(**fields)
    return RegView(vals)


def _cube_regs(c, h, w, **extra):
    base = dict(
        SDP__D_DATA_CUBE_WIDTH=w - 1, SDP__D_DATA_CUBE_HEIGHT=h - 1,
        SDP__D_DATA_CUBE_CHANNEL=c - 1,
        SDP_RDMA__D_DATA_CUBE_WIDTH=w - 1, SDP_RDMA__D_DATA_CUBE_HEIGHT=h - 1,
        SDP_RDMA__D_DATA_CUBE_CHANNEL=c - 1,
        SDP__D_CVT_SCALE=1,
        SDP__D_DP_BS_CFG=dict(BS_BYPASS=1), SDP__D_DP_BN_CFG=dict(BN_BYPASS=1),
        # MC memory interface and an INT8 SDP_RDMA (the reset values are CV SRAM and INT16)
        SDP_RDMA__D_SRC_DMA_CFG=1, SDP__D_DST_DMA_CFG=1,
    )
    base.update(extra)
    fly = base.get("SDP__D_FEATURE_MODE_CFG", {})
    fly = fly.get("FLYING_MODE", 0) if isinstance(fly, dict) else fly & 1
    base.setdefault("SDP_RDMA__D_FEATURE_MODE_CFG", dict(FLYING_MODE=fly))
    return regs_of(**base)


def test_memory_input_per_element_two_byte_both_operands_and_padding_lanes():
    C, H, W = 10, 2, 3
    SRC, SLS, SSS = 0x1000, 32, 64
    BS, BLS, BSS = 0x4000, 128, 256
    DST, DLS, DSS = 0x8000, 24, 48
    mem = Memory()
    x = lambda c, h, w: c - 5 + 3 * h + w          # noqa: E731  input value
    alu = lambda c: 10 * (c + 1)                    # noqa: E731  per-element ALU operand
    mul = lambda c: (c % 3) - 1                     # noqa: E731  per-element MUL operand
    for c in range(16):                             # whole atoms: lanes 10..15 are padding
        for h in range(H):
            for w in range(W):
                mem.write(SRC + (c // 8) * SSS + h * SLS + w * 8 + c % 8,
                          bytes([x(c, h, w) & 0xFF]))
                a, m = alu(c) & 0xFFFF, mul(c) & 0xFFFF
                # TWO_BYTE + BOTH: per element 4 bytes: ALU (LE int16) then MUL (LE int16)
                mem.write(BS + (c // 8) * BSS + h * BLS + w * 32 + (c % 8) * 4,
                          bytes([a & 0xFF, a >> 8, m & 0xFF, m >> 8]))
    regs = _cube_regs(
        C, H, W,
        SDP_RDMA__D_SRC_BASE_ADDR_LOW=SRC, SDP_RDMA__D_SRC_LINE_STRIDE=SLS,
        SDP_RDMA__D_SRC_SURFACE_STRIDE=SSS,
        SDP_RDMA__D_BRDMA_CFG=dict(BRDMA_DISABLE=0, BRDMA_RAM_TYPE=1,
                                   BRDMA_DATA_USE=2, BRDMA_DATA_SIZE=1,
                                   BRDMA_DATA_MODE=1),
        SDP_RDMA__D_BS_BASE_ADDR_LOW=BS, SDP_RDMA__D_BS_LINE_STRIDE=BLS,
        SDP_RDMA__D_BS_SURFACE_STRIDE=BSS,
        SDP__D_DP_BS_CFG=dict(BS_BYPASS=0, BS_ALU_BYPASS=0, BS_ALU_ALGO=ALU_SUM, BS_MUL_BYPASS=0,
                              BS_MUL_PRELU=0, BS_RELU_BYPASS=1),
        SDP__D_DP_BS_ALU_CFG=dict(BS_ALU_SRC=1), SDP__D_DP_BS_MUL_CFG=dict(BS_MUL_SRC=1,
                                                                        BS_MUL_SHIFT_VALUE=1),
        SDP__D_DST_BASE_ADDR_LOW=DST, SDP__D_DST_LINE_STRIDE=DLS, SDP__D_DST_SURFACE_STRIDE=DSS,
    )
    assert sdp.run(regs, mem) is None

    def out(c, h, w):
        return int(mem.read(DST + (c // 8) * DSS + h * DLS + w * 8 + c % 8, 1).view(np.int8)[0])
    assert out(0, 0, 0) == -3     # (-5 + 10) * -1 = -5, /2 -> -2.5 -> -3
    assert out(3, 1, 0) == -21    # (1 + 40) * -1 = -41 -> -20.5 -> -21
    assert out(2, 0, 2) == 15     # (-1 + 30) * 1 = 29 -> 14.5 -> 15
    assert out(1, 1, 2) == 0      # mul operand 0
    assert out(9, 1, 2) == -55    # (9 + 100) * -1 -> -54.5 -> -55
    # padding lanes are written with what the datapath makes of the padding input lanes
    assert out(11, 1, 1) == 65    # (10 + 120) * 1 -> 65
    assert out(10, 0, 0) == 0
    # nothing written beyond the cube's atoms (line gap between W*8=24 and the next line)
    assert mem.read(DST + 2 * DSS, 8).tolist() == [0] * 8


def test_per_kernel_one_byte_alu_operand_on_bn_stage_max():
    C, H, W = 3, 1, 2
    mem = Memory()
    mem.write(0x100, bytes([0x05, 0xFB, 0x01, 0xF0, 0x0A, 0x7F, 0x80, 0x00]))  # x lanes pixel 0
    mem.write(0x108, bytes([0x00, 0x00, 0x02, 0, 0, 0, 0, 0]))                 # pixel 1
    # PER_KERNEL ONE_BYTE ALU operands, packed per channel: -2, -6, 3 (sign-extended bytes)
    mem.write(0x300, bytes([0xFE, 0xFA, 0x03, 0, 0, 0, 0, 0]))
    regs = _cube_regs(
        C, H, W,
        SDP_RDMA__D_SRC_BASE_ADDR_LOW=0x100, SDP_RDMA__D_SRC_LINE_STRIDE=16,
        SDP_RDMA__D_SRC_SURFACE_STRIDE=16,
        SDP_RDMA__D_NRDMA_CFG=dict(NRDMA_DISABLE=0, NRDMA_RAM_TYPE=1,
                                   NRDMA_DATA_USE=1, NRDMA_DATA_SIZE=0,
                                   NRDMA_DATA_MODE=0),
        SDP_RDMA__D_BN_BASE_ADDR_LOW=0x300,
        SDP__D_DP_BN_CFG=dict(BN_BYPASS=0, BN_ALU_BYPASS=0, BN_ALU_ALGO=ALU_MAX, BN_MUL_BYPASS=1,
                              BN_RELU_BYPASS=1),
        SDP__D_DP_BN_ALU_CFG=dict(BN_ALU_SRC=1),
        SDP__D_DST_BASE_ADDR_LOW=0x200, SDP__D_DST_LINE_STRIDE=16, SDP__D_DST_SURFACE_STRIDE=16,
    )
    sdp.run(regs, mem)
    got = mem.read(0x200, 16).view(np.int8).tolist()
    # pixel 0: max(5,-2)=5, max(-5,-6)=-5, max(1,3)=3; pixel 1: max(0,-2)=0, max(0,-6)=0, max(2,3)=3
    assert got[0:3] == [5, -5, 3]
    assert got[8:11] == [0, 0, 3]


def test_flying_input_to_pdp_returns_cube_and_writes_nothing():
    C, H, W = 2, 1, 2
    fin = np.array([[[100000, -100000]], [[512, -512]]], dtype=np.int64)
    regs = _cube_regs(C, H, W, SDP__D_FEATURE_MODE_CFG=dict(FLYING_MODE=1, OUTPUT_DST=1),
                      SDP__D_CVT_SHIFT=10, SDP__D_DST_BASE_ADDR_LOW=0x200)
    mem = Memory()
    out = sdp.run(regs, mem, flying_in=fin)
    # 100000/1024 = 97.66 -> 98; 512/1024 = 0.5 -> 1, -0.5 -> -1; whole atom: 8 lanes, the
    # padding lanes (flying input 0) convert to 0 here
    assert out.dtype == np.int8 and out.shape == (8, 1, 2)
    assert out[:2].tolist() == [[[98, -98]], [[1, -1]]]
    assert not out[2:].any()
    assert mem.pages == {}


def test_flying_padding_lanes_reach_pdp_converted():
    # CVT offset -3: the zero padding lanes of the flying input become 3 (whole atoms go to PDP)
    regs = _cube_regs(1, 1, 1, SDP__D_FEATURE_MODE_CFG=dict(FLYING_MODE=1, OUTPUT_DST=1),
                      SDP__D_CVT_OFFSET=(-3) & 0xFFFFFFFF)
    out = sdp.run(regs, Memory(), flying_in=np.array([[[10]]]))
    assert out[:, 0, 0].tolist() == [13, 3, 3, 3, 3, 3, 3, 3]


def test_flying_mode_without_input_is_a_clear_error():
    regs = _cube_regs(1, 1, 1, SDP__D_FEATURE_MODE_CFG=dict(FLYING_MODE=1))
    with pytest.raises(sdp.SdpConfigError, match="FLYING_MODE"):
        sdp.run(regs, Memory())


def test_1x1_cube_is_moved_packed_ignoring_surface_stride():
    # W = H = 1: the RDMA/WDMA move all surfaces as one contiguous block
    mem = Memory()
    mem.write(0x100, bytes(range(1, 17)))         # 16 channels, packed
    regs = _cube_regs(16, 1, 1, SDP_RDMA__D_SRC_BASE_ADDR_LOW=0x100,
                      SDP_RDMA__D_SRC_LINE_STRIDE=0x40, SDP_RDMA__D_SRC_SURFACE_STRIDE=0x40,
                      SDP__D_DST_BASE_ADDR_LOW=0x400, SDP__D_DST_LINE_STRIDE=0x40,
                      SDP__D_DST_SURFACE_STRIDE=0x40)
    sdp.run(regs, mem)
    assert mem.read(0x400, 16).tolist() == list(range(1, 17))


# NVIDIA's traces for this unit (CRC + RTL bytes) run in tests/model/test_traces.py.



def test_per_kernel_one_byte_both_and_two_byte_mul_only():
    # BS: PER_KERNEL ONE_BYTE BOTH -> bytes per channel: ALU then MUL (sign-extended)
    # BN: PER_KERNEL TWO_BYTE MUL only -> little-endian int16 per channel
    C, H, W = 2, 1, 1
    mem = Memory()
    mem.write(0x100, bytes([3, 0xFD, 0, 0, 0, 0, 0, 0]))               # x = 3, -3
    mem.write(0x300, bytes([0xFF, 0x02, 0x05, 0xFE] + [0] * 12))       # (alu,mul): (-1,2) (5,-2)
    mem.write(0x400, bytes([0x00, 0x01, 0xFF, 0xFF] + [0] * 12))       # mul 256, -1
    regs = _cube_regs(
        C, H, W,
        SDP_RDMA__D_SRC_BASE_ADDR_LOW=0x100, SDP_RDMA__D_SRC_LINE_STRIDE=8,
        SDP_RDMA__D_SRC_SURFACE_STRIDE=8,
        SDP_RDMA__D_BRDMA_CFG=dict(BRDMA_DISABLE=0, BRDMA_RAM_TYPE=1,
                                   BRDMA_DATA_USE=2, BRDMA_DATA_SIZE=0,
                                   BRDMA_DATA_MODE=0),
        SDP_RDMA__D_BS_BASE_ADDR_LOW=0x300,
        SDP_RDMA__D_NRDMA_CFG=dict(NRDMA_DISABLE=0, NRDMA_RAM_TYPE=1,
                                   NRDMA_DATA_USE=0, NRDMA_DATA_SIZE=1,
                                   NRDMA_DATA_MODE=0),
        SDP_RDMA__D_BN_BASE_ADDR_LOW=0x400,
        SDP__D_DP_BS_CFG=dict(BS_BYPASS=0, BS_ALU_BYPASS=0, BS_ALU_ALGO=ALU_SUM, BS_MUL_BYPASS=0,
                              BS_RELU_BYPASS=1),
        SDP__D_DP_BS_ALU_CFG=dict(BS_ALU_SRC=1), SDP__D_DP_BS_MUL_CFG=dict(BS_MUL_SRC=1),
        SDP__D_DP_BN_CFG=dict(BN_BYPASS=0, BN_ALU_BYPASS=1, BN_MUL_BYPASS=0, BN_RELU_BYPASS=1),
        SDP__D_DP_BN_MUL_CFG=dict(BN_MUL_SRC=1, BN_MUL_SHIFT_VALUE=8),
        SDP__D_DST_BASE_ADDR_LOW=0x200, SDP__D_DST_LINE_STRIDE=8, SDP__D_DST_SURFACE_STRIDE=8,
    )
    sdp.run(regs, mem)
    # ch0: (3 + -1) * 2 = 4; BN: 4 * 256 >> 8 = 4
    # ch1: (-3 + 5) * -2 = -4; BN: -4 * -1 = 4, / 256 = 0.0156 -> 0
    assert mem.read(0x200, 2).view(np.int8).tolist() == [4, 0]


# ------------------------------------------------------------- settings nv_small leaves undefined
# Measured on NVIDIA's nv_small RTL (Verilator, tb TraceTest; programs = NVIDIA's
# sdp_23x13x42_bs_int8_mem_0 trace with one register changed, "next" = the unmodified program
# run after it in group 1): SDP_RDMA width/height other than SDP's (22 vs 20, 12 vs 10, 12 vs 14):
# other bytes or a hang; SDP_RDMA CHANNEL 7 (SDP 41): hang; SDP CHANNEL 7 or 33 (SDP_RDMA 41): the
# model's bytes but the next operation hangs; SDP_RDMA FLYING_MODE 1 (SDP 0): hang; SDP_RDMA
# IN_PRECISION 1 or 2: other bytes; PROC_PRECISION 1: the next operation hangs; SRC_RAM_TYPE 0,
# DST_RAM_TYPE 0, BRDMA_RAM_TYPE 0 (BS from memory): hang; NRDMA_RAM_TYPE 0 (NRDMA enabled on
# sdp_3x3x33_bs_bn_int8_1): the next operation hangs.
@pytest.mark.parametrize("extra,names", [
    (dict(SDP_RDMA__D_DATA_CUBE_WIDTH=4), ("SDP_RDMA.D_DATA_CUBE_WIDTH_0 WIDTH=4",
                                           "SDP.D_DATA_CUBE_WIDTH_0 WIDTH=2")),
    (dict(SDP_RDMA__D_DATA_CUBE_HEIGHT=0), ("SDP_RDMA.D_DATA_CUBE_HEIGHT_0 HEIGHT=0",
                                            "SDP.D_DATA_CUBE_HEIGHT_0 HEIGHT=1")),
    (dict(SDP__D_DATA_CUBE_CHANNEL=7), ("SDP_RDMA.D_DATA_CUBE_CHANNEL_0 CHANNEL=9",
                                        "SDP.D_DATA_CUBE_CHANNEL_0 CHANNEL=7", "atoms")),
    (dict(SDP_RDMA__D_FEATURE_MODE_CFG=dict(FLYING_MODE=1)),
     ("SDP_RDMA.D_FEATURE_MODE_CFG_0 FLYING_MODE=1", "SDP.D_FEATURE_MODE_CFG_0 FLYING_MODE=0")),
    (dict(SDP_RDMA__D_FEATURE_MODE_CFG=dict(IN_PRECISION=1)),
     ("SDP_RDMA.D_FEATURE_MODE_CFG_0 IN_PRECISION=1",)),
    (dict(SDP_RDMA__D_FEATURE_MODE_CFG=0x14), ("SDP_RDMA.D_FEATURE_MODE_CFG_0 IN_PRECISION=1",)),
    (dict(SDP_RDMA__D_FEATURE_MODE_CFG=dict(PROC_PRECISION=1)),
     ("SDP_RDMA.D_FEATURE_MODE_CFG_0 PROC_PRECISION=1",)),
    (dict(SDP_RDMA__D_SRC_DMA_CFG=0), ("SDP_RDMA.D_SRC_DMA_CFG_0 SRC_RAM_TYPE=0",)),
    (dict(SDP__D_DST_DMA_CFG=0), ("SDP.D_DST_DMA_CFG_0 DST_RAM_TYPE=0",)),
    (dict(SDP_RDMA__D_BRDMA_CFG=dict(BRDMA_DISABLE=0, BRDMA_RAM_TYPE=0)),
     ("SDP_RDMA.D_BRDMA_CFG_0 BRDMA_RAM_TYPE=0",)),
    (dict(SDP_RDMA__D_NRDMA_CFG=dict(NRDMA_DISABLE=0, NRDMA_RAM_TYPE=0)),
     ("SDP_RDMA.D_NRDMA_CFG_0 NRDMA_RAM_TYPE=0",)),
])
def test_settings_nv_small_leaves_undefined_are_refused(extra, names):
    regs = _cube_regs(10, 2, 3, **extra)
    with pytest.raises(sdp.SdpConfigError) as e:
        sdp.run(regs, Memory())
    msg = str(e.value)
    assert "\n" not in msg and all(n in msg for n in names), msg


def test_unused_dma_settings_are_not_checked():
    # flying input, output to PDP, B/N DMAs disabled: SDP_RDMA takes no part (its cube, mode and
    # RAM types are not read) and no memory is written (DST_RAM_TYPE unused)
    regs = _cube_regs(1, 1, 1, SDP__D_FEATURE_MODE_CFG=dict(FLYING_MODE=1, OUTPUT_DST=1),
                      SDP_RDMA__D_FEATURE_MODE_CFG=0x14, SDP_RDMA__D_DATA_CUBE_WIDTH=5,
                      SDP_RDMA__D_SRC_DMA_CFG=0, SDP__D_DST_DMA_CFG=0)
    out = sdp.run(regs, Memory(), flying_in=np.array([[[7]]]))
    assert out[:, 0, 0].tolist() == [7, 0, 0, 0, 0, 0, 0, 0]


# Settings nv_small defines, NVIDIA's RTL's CRC of the output region (dumps of the runs above):
# NVIDIA's trace with the register changed, and (#) the unmodified program after it also gave
# NVIDIA's bytes. 0x07a0b0d3 is sdp_23x13x42_bs_int8_mem_0's own check_crc: these fields are
# ignored, or (channels) counted in 8-channel atoms.
_BIG, _SMALL = "sdp_23x13x42_bs_int8_mem_0", "sdp_3x3x33_bs_bn_int8_1"
NVIDIA_CRC = {
    "sdp_channel_same_atoms": (_BIG, {"SDP.D_DATA_CUBE_CHANNEL_0": 40}, 0x07A0B0D3),      # 41
    "rdma_channel_same_atoms": (_BIG, {"SDP_RDMA.D_DATA_CUBE_CHANNEL_0": 40}, 0x07A0B0D3),  # 41
    "rdma_winograd": (_BIG, {"SDP_RDMA.D_FEATURE_MODE_CFG_0": 0x2}, 0x07A0B0D3),            # 0
    "rdma_out_precision": (_BIG, {"SDP_RDMA.D_FEATURE_MODE_CFG_0": 0x40}, 0x07A0B0D3),      # 0
    "rdma_batch_number": (_BIG, {"SDP_RDMA.D_FEATURE_MODE_CFG_0": 0x100}, 0x07A0B0D3),      # 0
    "sdp_batch_number": (_BIG, {"SDP.D_FEATURE_MODE_CFG_0": 0x108}, 0x07A0B0D3),            # 8
    "sdp_winograd": (_BIG, {"SDP.D_FEATURE_MODE_CFG_0": 0xC}, 0x07A0B0D3),                  # 8
    # NRDMA enabled (per element, ALU operand, MC; was disabled) while the BN stage takes its
    # operands from registers: the fetched operands are unused (the trace's own check_crc)
    "nrdma_enabled_mc": (_SMALL, {"SDP_RDMA.D_NRDMA_CFG_0": 0x32}, 0xDB8D3A94),
}


@pytest.mark.parametrize("name", sorted(NVIDIA_CRC))
def test_settings_nv_small_defines_match_nvidia_rtl(name, tmp_path):
    import zlib
    from model import data
    from model.trace import TraceRunner, parse_cfg
    trace, over, want = NVIDIA_CRC[name]
    src = data.traces_root() / "nv_small" / trace
    if not src.is_dir():
        pytest.skip(f"NVIDIA traces not found under {data.traces_root()} (base register programs)")
    lines, check = [], None
    for c in parse_cfg(src / f"{trace}.cfg"):
        if c.kind == "reg_write" and c.args[0][len("NVDLA_"):] in over:
            lines.append(f"reg_write({c.args[0]}, 0x{over[c.args[0][len('NVDLA_'):]]:x});")
        elif c.kind == "mem_load":
            lines.append(f'mem_load(pri_mem, 0x{c.args[1]:x}, "{src / c.args[2]}");')
        elif c.kind == "check_crc":
            check = (c.args[2], c.args[3])
            lines.append(f"check_nothing({c.args[0]});")
        else:
            lines.append(c.text)
    assert check is not None and sum(f"NVDLA_{r}," in ln for r in over for ln in lines) == 1
    d = tmp_path / name
    d.mkdir()
    (d / f"{name}.cfg").write_text("\n".join(lines) + "\n")
    runner = TraceRunner(d, d / "no-rtl")
    r = runner.run()
    assert r.passed, r.message
    got = zlib.crc32(runner.dev.mem.read(*check).tobytes()) & 0xFFFFFFFF
    assert got == want, f"{name}: CRC 0x{got:08x}, NVIDIA's RTL wrote 0x{want:08x}"
