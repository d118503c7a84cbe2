"""SDP (single data point processor) of nv_small, int8: the BS (X1) and BN (X2) stages and the
output converter, plus SDP_RDMA input/operand fetch and the WDMA output.

nv_small has no EW (Y) stage and no SDP LUT: the D_DP_EW_* and S_LUT_* registers are ignored
(NVIDIA's nv_small RTL gives the same bytes whatever they hold).

Datapath per element (all integer, int64 carriers with the hardware widths named):

    d (int32: CACC output in flying mode, or a sign-extended int8 read by SDP_RDMA)
    d = X(d, BS) unless BS_BYPASS
    d = X(d, BN) unless BN_BYPASS
    out = CVT(d)  -> int8

X stage (``x_stage``): ALU (MAX/MIN/SUM with a left-shifted, 32-bit-saturated operand; 33-bit
exact result) -> MUL (x int16 operand, 49-bit exact; PReLU passes non-negative values) ->
truncate (RSHIFT_RND_SAT to 32 bits) -> ReLU.

Refused (SdpConfigError, one line naming the registers), as undefined on nv_small, whenever
SDP_RDMA takes part (memory input, or BRDMA/NRDMA enabled): SDP_RDMA's cube width or height
other than SDP's, or its channels in other 8-channel atoms (check_rdma_cube); SDP_RDMA's
FLYING_MODE other than SDP's, or its IN/PROC_PRECISION other than INT8 (check_rdma_mode); and a
CV SRAM RAM type (0, the reset value) on a DMA that runs: SRC_RAM_TYPE with memory input,
BRDMA/NRDMA_RAM_TYPE when enabled, DST_RAM_TYPE with output to memory (check_ram). All measured
on NVIDIA's RTL (hangs, other bytes, or an operation that ends but hangs the next one).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fixed import sat, sext, shift_left_sat, shift_right_round_sat
from .memory import ATOM, Memory, atom_lanes, cube_offsets, read_cube, write_cube
from .regs import RegView

# ALU algorithms (D_DP_BS_CFG.BS_ALU_ALGO); 3 behaves as SUM in the hardware.
ALU_MAX, ALU_MIN, ALU_SUM = 0, 1, 2
# Operand DMA data use (D_BRDMA_CFG.BRDMA_DATA_USE)
USE_MUL, USE_ALU, USE_BOTH = 0, 1, 2


class SdpConfigError(ValueError):
    """An SDP configuration the model (and nv_small) does not support."""


@dataclass
class XConfig:
    """One X stage (BS = X1 or BN = X2) as the D_DP_B?_CFG / _ALU_CFG / _MUL_CFG registers set it.

    ``alu_src`` / ``mul_src``: 0 = operand from the register, 1 = from memory (B/N RDMA).
    ``alu_shift``: 6-bit left shift of the ALU operand; ``mul_shift``: right shift after the
    multiplier (only its low 6 bits are used by the hardware).
    """
    bypass: bool = True
    alu_bypass: bool = True
    alu_algo: int = ALU_SUM
    alu_src: int = 0
    alu_shift: int = 0
    mul_bypass: bool = True
    mul_prelu: bool = False
    mul_src: int = 0
    mul_shift: int = 0
    relu_bypass: bool = True

    @classmethod
    def from_regs(cls, regs: RegView, stage: str) -> "XConfig":
        """stage: 'BS' or 'BN'."""
        cfg = f"NVDLA_SDP.D_DP_{stage}_CFG_0"
        alu = f"NVDLA_SDP.D_DP_{stage}_ALU_CFG_0"
        mul = f"NVDLA_SDP.D_DP_{stage}_MUL_CFG_0"
        return cls(
            bypass=bool(regs.f(cfg, f"{stage}_BYPASS")),
            alu_bypass=bool(regs.f(cfg, f"{stage}_ALU_BYPASS")),
            alu_algo=regs.f(cfg, f"{stage}_ALU_ALGO"),
            alu_src=regs.f(alu, f"{stage}_ALU_SRC"),
            alu_shift=regs.f(alu, f"{stage}_ALU_SHIFT_VALUE"),
            mul_bypass=bool(regs.f(cfg, f"{stage}_MUL_BYPASS")),
            mul_prelu=bool(regs.f(cfg, f"{stage}_MUL_PRELU")),
            mul_src=regs.f(mul, f"{stage}_MUL_SRC"),
            mul_shift=regs.f(mul, f"{stage}_MUL_SHIFT_VALUE"),
            relu_bypass=bool(regs.f(cfg, f"{stage}_RELU_BYPASS")),
        )


def _rshift_rnd_sat_49(v, shift: int, out_bits: int):
    """RSHIFT_RND_SAT of a 49-bit value (the SDP truncate and CVT shifters): round half away
    from zero, saturate to out_bits. RTL quirk (NV_NVDLA_HLS_shiftrightsu/-satsu): a shift of
    49 or more (the 6-bit field allows up to 63) gives 0."""
    if shift >= 49:
        return np.zeros(np.shape(v), dtype=np.int64)
    return shift_right_round_sat(v, shift, out_bits)


def x_stage(d, cfg: XConfig, alu_operand=0, mul_operand=0) -> np.ndarray:
    """One X stage on int32 data ``d`` (any shape, typically (C,H,W)); returns int32 values in int64.

    Operands are int16 values: a scalar (register), per channel (C,1,1) or per element (C,H,W);
    they broadcast against ``d``. With ``cfg.bypass`` the data passes unchanged.
    """
    d = np.asarray(d, dtype=np.int64)
    if cfg.bypass:
        return d
    # ---- ALU: the int16 operand is shifted left by ALU_SHIFT_VALUE (6 bits) and saturated to
    # 32 bits (LSHIFT_SAT); MAX/MIN/SUM with the int32 data give an exact 33-bit result.
    if cfg.alu_bypass:
        a = d
    else:
        op = shift_left_sat(sext(np.asarray(alu_operand, dtype=np.int64), 16),
                            cfg.alu_shift & 0x3F, 32)
        if cfg.alu_algo == ALU_MAX:
            a = np.maximum(d, op)
        elif cfg.alu_algo == ALU_MIN:
            a = np.minimum(d, op)
        else:                      # SUM (2) and the reserved 3
            a = d + op             # 33-bit exact, no saturation here
    a = np.asarray(a, dtype=np.int64)
    # ---- MUL + truncate: m = a * int16 (49-bit exact), then RSHIFT_RND_SAT(m, MUL_SHIFT[5:0], 32)
    # (round half away from zero, saturate to int32). A bypassed multiplier still truncates
    # (m = a). PReLU: non-negative a skips the multiplier AND the truncation: low 32 bits of a.
    shift = cfg.mul_shift & 0x3F
    if cfg.mul_bypass:
        t = _rshift_rnd_sat_49(a, shift, 32)
    else:
        mop = sext(np.asarray(mul_operand, dtype=np.int64), 16)
        t = _rshift_rnd_sat_49(a * mop, shift, 32)
        if cfg.mul_prelu:
            t = np.where(a >= 0, sext(a, 32), t)
    t = np.asarray(t, dtype=np.int64)
    # ---- ReLU
    if not cfg.relu_bypass:
        t = np.maximum(t, 0)
    return t


def output_convert(d, offset: int, scale: int, shift: int) -> np.ndarray:
    """SDP output converter: ``sat8(RSHIFT_RND_SAT((d - offset) * scale, shift, 17))`` as int8.

    d int32, offset int32 (33-bit exact difference), scale int16 (49-bit exact product),
    shift 6 bits. Saturation to 17 bits after the rounding shift, then to 8 bits.
    """
    d = np.asarray(d, dtype=np.int64)
    s = d - sext(offset, 32)                                        # 33-bit exact
    p = s * sext(scale, 16)                                         # 49-bit exact
    t17 = _rshift_rnd_sat_49(p, shift & 0x3F, 17)                  # round half away, sat 17
    return np.asarray(sat(t17, 8), dtype=np.int64).astype(np.int8)  # sat 8


# ------------------------------------------------------------------------------------------
# register-level engine

_R = "NVDLA_SDP_RDMA."
_S = "NVDLA_SDP."


def _operands(regs: RegView, mem: Memory, dma: str, prefix: str, c: int, h: int, w: int):
    """Memory operands of one X stage from its RDMA (dma 'BRDMA' -> BS_*, 'NRDMA' -> BN_*).

    Returns (alu, mul): int64 arrays broadcastable to (Cp,H,W), or None where the DMA does not
    deliver that operand. Element size is 1 or 2 bytes (ONE_BYTE sign-extended, TWO_BYTE
    little-endian int16); with DATA_USE = BOTH each element holds the ALU operand first (lower
    address) then the MUL operand. PER_KERNEL: one element per channel, packed, no strides;
    PER_ELEMENT: a feature cube of such elements with the BS_/BN_ line and surface strides
    (a 1x1 cube is read packed, like PER_KERNEL).
    """
    cfg = f"{_R}D_{dma}_CFG_0"
    if regs.f(cfg, f"{dma}_DISABLE"):
        return None, None
    use = regs.f(cfg, f"{dma}_DATA_USE")
    size = 2 if regs.f(cfg, f"{dma}_DATA_SIZE") else 1
    per_elem = regs.f(cfg, f"{dma}_DATA_MODE")
    n_op = 2 if use == USE_BOTH else 1
    bpe = size * n_op
    base = regs.raw(f"{_R}D_{prefix}_BASE_ADDR_LOW_0")
    cp = -(-c // ATOM) * ATOM
    if per_elem and not (w == 1 and h == 1):
        line = regs.raw(f"{_R}D_{prefix}_LINE_STRIDE_0")
        surf = regs.raw(f"{_R}D_{prefix}_SURFACE_STRIDE_0")
        off = cube_offsets(c, h, w, line, surf, bpe)           # (Cp,H,W,bpe)
    else:
        # PER_KERNEL, and PER_ELEMENT of a 1x1 cube (the RDMA's "1x1 pack" mode reads the
        # surfaces as one contiguous block, ignoring the strides)
        off = (np.arange(cp, dtype=np.int64)[:, None] * bpe
               + np.arange(bpe, dtype=np.int64)[None, :])[:, None, None, :]  # (Cp,1,1,bpe)
    raw = mem.gather(base, off).astype(np.int64)
    vals = []
    for k in range(n_op):
        b = raw[..., k * size:(k + 1) * size]
        v = b[..., 0] if size == 1 else b[..., 0] | (b[..., 1] << 8)
        vals.append(sext(v, 8 * size))                          # ONE_BYTE: int8 sign-extended
    if use == USE_BOTH:
        return vals[0], vals[1]
    if use == USE_ALU:
        return vals[0], None
    return None, vals[0]


def _stage_operands(regs, mem, cfg: XConfig, stage: str, dma: str, c, h, w):
    if cfg.bypass:
        return 0, 0
    m_alu, m_mul = _operands(regs, mem, dma, stage, c, h, w)
    reg_alu = regs.f(f"{_S}D_DP_{stage}_ALU_SRC_VALUE_0", f"{stage}_ALU_OPERAND")
    reg_mul = regs.f(f"{_S}D_DP_{stage}_MUL_SRC_VALUE_0", f"{stage}_MUL_OPERAND")
    # An operand selected from memory while its DMA does not deliver it reads as 0.
    alu = (m_alu if m_alu is not None else 0) if cfg.alu_src else reg_alu
    mul = (m_mul if m_mul is not None else 0) if cfg.mul_src else reg_mul
    return alu, mul


def rdma_used(regs: RegView) -> bool:
    """SDP_RDMA takes part: memory input (FLYING_MODE = OFF) or a B/N operand DMA enabled (as
    model/nvdla.py arms it)."""
    return (not regs.f(f"{_S}D_FEATURE_MODE_CFG_0", "FLYING_MODE")
            or not regs.f(f"{_R}D_BRDMA_CFG_0", "BRDMA_DISABLE")
            or not regs.f(f"{_R}D_NRDMA_CFG_0", "NRDMA_DISABLE"))


def check_rdma_cube(regs: RegView) -> None:
    """SDP_RDMA programmed for the cube SDP processes, as NVIDIA's firmware and nvdla_compiler do
    (both from one surface descriptor). NVIDIA's RTL (23x13x42 BS from memory) hangs or writes
    other bytes when SDP_RDMA's width or height differs from SDP's (either larger or smaller),
    hangs when SDP_RDMA's channels span fewer 8-channel atoms, and with SDP's spanning fewer
    (CHANNEL 7 or 33 of 41) the operation ends with the model's bytes but the next one hangs.
    Channels in the same atoms (40 for 41, either unit) give the model's bytes, and so does the
    next operation."""
    bad = regs.first_difference(_R, _S, (("D_DATA_CUBE_WIDTH_0", "WIDTH", "WIDTH", 0),
                                         ("D_DATA_CUBE_HEIGHT_0", "HEIGHT", "HEIGHT", 0),
                                         ("D_DATA_CUBE_CHANNEL_0", "CHANNEL", "CHANNEL", 3)))
    if bad:
        raise SdpConfigError(f"SDP: {bad}: SDP_RDMA must read the cube SDP processes, undefined "
                             f"on nv_small")


def check_rdma_mode(regs: RegView) -> None:
    """SDP_RDMA.D_FEATURE_MODE_CFG_0 as SDP runs: FLYING_MODE equal to SDP's (NVIDIA's RTL hangs
    with SDP_RDMA flying and SDP reading memory), IN_PRECISION and PROC_PRECISION INT8 (0; the
    reset value is 0x14, INT16: IN_PRECISION 1 or 2 write other bytes, PROC_PRECISION 1 ends
    but hangs the next operation; the reserved IN_PRECISION 3 gave int8 bytes, refused too).
    WINOGRAD, OUT_PRECISION and BATCH_NUMBER are ignored by
    nv_small's SDP_RDMA (NVIDIA's RTL: the model's bytes, and for the next operation too)."""
    reg = f"{_R}D_FEATURE_MODE_CFG_0"
    fly_r, fly_s = regs.f(reg, "FLYING_MODE"), regs.f(f"{_S}D_FEATURE_MODE_CFG_0", "FLYING_MODE")
    if fly_r != fly_s:
        raise SdpConfigError(f"SDP: SDP_RDMA.D_FEATURE_MODE_CFG_0 FLYING_MODE={fly_r} != "
                             f"SDP.D_FEATURE_MODE_CFG_0 FLYING_MODE={fly_s}: undefined on nv_small")
    for f in ("IN_PRECISION", "PROC_PRECISION"):
        v = regs.f(reg, f)
        if v:
            raise SdpConfigError(f"SDP: SDP_RDMA.D_FEATURE_MODE_CFG_0 {f}={v}: only INT8 (0) is "
                                 f"defined for nv_small's int8 SDP (the reset value is INT16)")


def check_ram(regs: RegView) -> None:
    """The memory interface MC (RAM type 1) on every SDP DMA that runs: nv_small has no CV SRAM.
    NVIDIA's RTL hangs with SRC_RAM_TYPE or DST_RAM_TYPE 0 and with BRDMA_RAM_TYPE 0 on
    23x13x42 (BS per element; on 3x3x33 it ended), and with NRDMA_RAM_TYPE 0 the operation ends
    but the next one hangs; the reset value of the RAM types is 0, so a program must write them,
    as NVIDIA's traces and firmware do (a disabled DMA's RAM type is not read)."""
    rams = []
    if not regs.f(f"{_S}D_FEATURE_MODE_CFG_0", "FLYING_MODE"):
        rams.append((f"{_R}D_SRC_DMA_CFG_0", "SRC_RAM_TYPE"))
    for dma in ("BRDMA", "NRDMA"):
        if not regs.f(f"{_R}D_{dma}_CFG_0", f"{dma}_DISABLE"):
            rams.append((f"{_R}D_{dma}_CFG_0", f"{dma}_RAM_TYPE"))
    if not to_pdp(regs):
        rams.append((f"{_S}D_DST_DMA_CFG_0", "DST_RAM_TYPE"))
    bad = regs.first_cv_sram(rams)
    if bad:
        raise SdpConfigError(f"SDP: {bad}")


def cube(regs: RegView) -> tuple[int, int, int]:
    """(C, H, W) of the cube SDP processes (its input and its output: SDP does not resize)."""
    return (regs.f(f"{_S}D_DATA_CUBE_CHANNEL_0", "CHANNEL") + 1,
            regs.f(f"{_S}D_DATA_CUBE_HEIGHT_0", "HEIGHT") + 1,
            regs.f(f"{_S}D_DATA_CUBE_WIDTH_0", "WIDTH") + 1)


def to_pdp(regs: RegView) -> bool:
    """SDP sends its output on the fly to PDP (D_FEATURE_MODE_CFG.OUTPUT_DST = PDP) instead of
    writing memory."""
    return bool(regs.f(f"{_S}D_FEATURE_MODE_CFG_0", "OUTPUT_DST"))


def run(regs: RegView, mem: Memory, flying_in=None):
    """Run one SDP operation. When OUTPUT_DST = PDP returns the int8 cube streamed to PDP, else
    writes the output cube to memory and returns None. Either way the hardware moves whole
    8-channel atoms: the returned cube has Cp = ceil(C/8)*8 channels (``[:C]`` is the data, the
    rest is what the datapath made of the padding lanes; PDP pools them too) and the memory
    write covers the padding lanes of the last surface.

    flying_in: the CACC output (K,H,W) int64 (FLYING_MODE = ON); its channels beyond K up to
    the next multiple of 8 are taken as 0.
    """
    c, h, w = cube(regs)
    if regs.f(f"{_S}D_DATA_FORMAT_0", "PROC_PRECISION") or regs.f(f"{_S}D_DATA_FORMAT_0",
                                                                    "OUT_PRECISION"):
        raise SdpConfigError("SDP: only INT8 processing/output precision is modelled")
    if rdma_used(regs):
        check_rdma_cube(regs)
        check_rdma_mode(regs)
    check_ram(regs)
    # 1x1 pack mode (W = H = 1): MRDMA and WDMA move the surfaces as one contiguous block,
    # i.e. the surface stride is ignored and taken as one atom (RTL cfg_mode_1x1_pack).
    pack1x1 = w == 1 and h == 1
    flying = regs.f(f"{_S}D_FEATURE_MODE_CFG_0", "FLYING_MODE")

    # ---- input: int32 per element, all Cp lanes (the padding lanes run through the datapath)
    if flying:
        if flying_in is None:
            raise SdpConfigError("SDP: FLYING_MODE=ON but no CACC input given")
        d = atom_lanes(flying_in, c, h, w, np.int64, SdpConfigError, "SDP: ")
    else:
        # SDP_RDMA MRDMA: int8 cube, each byte sign-extended to 32 bits
        d = read_cube(mem, regs.raw(f"{_R}D_SRC_BASE_ADDR_LOW_0"), c, h, w,
                      regs.raw(f"{_R}D_SRC_LINE_STRIDE_0"),
                      ATOM if pack1x1 else regs.raw(f"{_R}D_SRC_SURFACE_STRIDE_0"),
                      padded=True).astype(np.int64)

    for stage, dma in (("BS", "BRDMA"), ("BN", "NRDMA")):
        cfg = XConfig.from_regs(regs, stage)
        alu, mul = _stage_operands(regs, mem, cfg, stage, dma, c, h, w)
        d = x_stage(d, cfg, alu, mul)

    out = output_convert(d, regs.raw(f"{_S}D_CVT_OFFSET_0"),
                         regs.f(f"{_S}D_CVT_SCALE_0", "CVT_SCALE"),
                         regs.f(f"{_S}D_CVT_SHIFT_0", "CVT_SHIFT"))
    if to_pdp(regs):
        return out
    write_cube(mem, regs.raw(f"{_S}D_DST_BASE_ADDR_LOW_0"), out,
               regs.raw(f"{_S}D_DST_LINE_STRIDE_0"),
               ATOM if pack1x1 else regs.raw(f"{_S}D_DST_SURFACE_STRIDE_0"))
    return None
