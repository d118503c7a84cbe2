"""CDP (cross-channel data processor, LRN) of nv_small, int8 only, bit-exact.

Datapath per output element (c, h, w), every width and rounding point named:

1. CDP_RDMA reads the int8 cube (C, H, W) in the feature-cube layout (model/memory.py).
   Channels outside [0, C) -- the padding lanes of the last surface and the channels before 0 /
   after the last surface -- are filled with the raw byte ``(int8)DATIN_OFFSET``.
2. Input converter (``input_convert``): ``a = x8 - sext8(DATIN_OFFSET)`` (9-bit exact),
   ``m = a * sext16(DATIN_SCALE)`` (25-bit exact), ``v9 = RSHIFT_RND_SAT(m, DATIN_SHIFTER, 9)``.
   So every filled channel converts to v9 = 0.
3. Square sum over the channel window ``c-(n+1) .. c+(n+1)``, n = NORMALZ_LEN (3/5/7/9
   channels): ``sq = sum v9^2`` (exact, < 2^20); with SQSUM_BYPASS ``sq = v9[c]`` (not squared).
4. LE table (65 entries, exponent or linear) and LO table (257 entries, linear) lookups with
   under/overflow slopes (``lut_lookup``), then the priority selection -> int16 ``lut``.
5. Multiplier: ``o = lut * v9[c]`` (25-bit exact), or ``o = lut`` with MUL_BYPASS.
6. Output converter (``output_convert``): ``a = o - sext25(DATOUT_OFFSET)`` (26-bit exact),
   ``m = a * sext16(DATOUT_SCALE)``, ``out = RSHIFT_RND_SAT(m, DATOUT_SHIFTER, 8)``.
7. CDP WDMA writes whole atoms through D_DST_* strides: the padding lanes c >= C of the last
   surface are written too, with what the datapath computed for them.

The LUT memory is loaded through S_LUT_ACCESS_CFG_0 / S_LUT_ACCESS_DATA_0 (``CdpLut``).

Where NVIDIA's cmod and RTL differ we follow the RTL (no NVIDIA trace distinguishes them):
* the LUT index logic sees only start[21:0] as a 22-bit signed value (``_index_start``), the
  slope arithmetic the full 38-bit start/end;
* the exponent-mode underflow base start + 2^LE_INDEX_OFFSET is kept in 39 bits signed;
* padding lanes: the RTL zeroes the converted value of invalid lanes, the cmod fills the raw
  offset byte; both give v9 = 0;
* slopes: the RTL keeps the full product (no 56-bit saturation) and saturates the sum to
  int16; this equals the cmod's CONV(.., 56) + CLIP16 for every int16 table entry.
Facts from NVIDIA's public nv_small sources (cmod/cdp, vmod/nvdla/cdp); checked against the
15 cdp_* NVIDIA traces and the nv_small RTL output bytes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fixed import sat, sext, shift_right_round_sat
from .memory import ATOM, read_cube, write_cube

I64 = np.int64
LE_ENTRIES = 65
LO_ENTRIES = 257
INTERP_BITS = 56     # width of the LUT slope/interpolation intermediate (CONV(v, s, 56))
FRAC_BITS = 16       # precision of the interpolation fraction


class CdpError(ValueError):
    """A CDP configuration the model cannot run (one-line message)."""


# ------------------------------------------------------------------------- LUT memory
class CdpLut:
    """The CDP lookup-table memory behind NVDLA_CDP.S_LUT_ACCESS_CFG_0 / S_LUT_ACCESS_DATA_0.

    S_LUT_ACCESS_CFG_0: LUT_ADDR[9:0], LUT_TABLE_ID[16] (0 = LE, 1 = LO), LUT_ACCESS_TYPE[17]
    (0 = READ, 1 = WRITE). Each S_LUT_ACCESS_DATA_0 write (access type WRITE) stores
    LUT_DATA[15:0] at the current address; each DATA read (access type READ) returns the entry.
    Either access auto-increments the address, which stops at the last entry (64 for LE,
    256 for LO), so extra accesses hit the last entry again. An address beyond the table
    (possible through LUT_ADDR) stores nothing, reads entry 0 (the RTL read mux default), and
    keeps incrementing (10-bit wrap).
    These registers are single (not ping-pong).
    """

    CFG = "S_LUT_ACCESS_CFG_0"
    DATA = "S_LUT_ACCESS_DATA_0"

    def __init__(self):
        self.le = np.zeros(LE_ENTRIES, dtype=np.int16)
        self.lo = np.zeros(LO_ENTRIES, dtype=np.int16)
        self.addr = 0          # 10-bit LUT_ADDR counter
        self.table_id = 0      # 0 = LE (raw), 1 = LO (density)
        self.access_type = 0   # 0 = READ, 1 = WRITE

    @staticmethod
    def _short(reg_name: str) -> str:
        name = reg_name.split(".")[-1]
        if name not in (CdpLut.CFG, CdpLut.DATA):
            raise CdpError(f"CdpLut: {reg_name!r} is not a CDP LUT access register")
        return name

    def _table(self) -> np.ndarray:
        return self.lo if self.table_id else self.le

    def _advance(self) -> None:
        last = LO_ENTRIES - 1 if self.table_id else LE_ENTRIES - 1
        if self.addr != last:
            self.addr = (self.addr + 1) & 0x3FF

    def write(self, reg_name: str, value: int) -> None:
        name = self._short(reg_name)
        value = int(value) & 0xFFFFFFFF
        if name == self.CFG:
            self.addr = value & 0x3FF
            self.table_id = (value >> 16) & 1
            self.access_type = (value >> 17) & 1
        elif self.access_type == 1:           # DATA write, access type WRITE
            t = self._table()
            if self.addr < t.size:
                t[self.addr] = sext(value & 0xFFFF, 16)
            self._advance()

    def read(self, reg_name: str) -> int:
        name = self._short(reg_name)
        if name == self.CFG:
            return (self.access_type << 17) | (self.table_id << 16) | self.addr
        t = self._table()
        # RTL read mux: an address beyond the table returns entry 0
        v = int(t[self.addr if self.addr < t.size else 0]) & 0xFFFF
        if self.access_type == 0:             # DATA read, access type READ
            self._advance()
        return v


# ------------------------------------------------------------------------- configuration
@dataclass
class CdpConfig:
    """Every register field the CDP datapath uses, already decoded (signed where signed)."""
    normalz_len: int = 0          # D_LRN_CFG.NORMALZ_LEN: 0..3 -> window 3/5/7/9
    sqsum_bypass: int = 0         # D_FUNC_BYPASS.SQSUM_BYPASS
    mul_bypass: int = 0           # D_FUNC_BYPASS.MUL_BYPASS
    datin_offset: int = 0         # D_DATIN_OFFSET[15:0] raw (only the low 8 bits matter for int8)
    datin_scale: int = 1          # int16
    datin_shifter: int = 0        # 5-bit unsigned
    datout_offset: int = 0        # D_DATOUT_OFFSET[31:0] raw (low 25 bits used)
    datout_scale: int = 1         # int16
    datout_shifter: int = 0       # 6-bit unsigned
    le_function: int = 0          # S_LUT_CFG.LUT_LE_FUNCTION: 0 = EXPONENT, 1 = LINEAR
    uflow_priority: int = 0       # 0 = LE, 1 = LO
    oflow_priority: int = 0
    hybrid_priority: int = 0
    le_index_offset: int = 0      # int8
    le_index_select: int = 0      # 6-bit signed
    lo_index_select: int = 0      # 6-bit signed
    le_start: int = 0             # 38-bit signed
    le_end: int = 0
    lo_start: int = 0
    lo_end: int = 0
    le_uflow_scale: int = 0       # int16
    le_oflow_scale: int = 0
    lo_uflow_scale: int = 0
    lo_oflow_scale: int = 0
    le_uflow_shift: int = 0       # 5-bit signed (negative = shift left)
    le_oflow_shift: int = 0
    lo_uflow_shift: int = 0
    lo_oflow_shift: int = 0

    @classmethod
    def from_regs(cls, regs) -> "CdpConfig":
        def f(reg, field):
            return regs.f(f"NVDLA_CDP.{reg}_0", field)

        def s(reg, field):
            return regs.s(f"NVDLA_CDP.{reg}_0", field)

        def start38(name):
            # {HIGH[5:0], LOW[31:0]}: a 38-bit two's-complement value ("S_LUT_LE_START" ->
            # registers S_LUT_LE_START_HIGH_0/_LOW_0, fields LUT_LE_START_HIGH/_LOW)
            fld = name[len("S_"):]
            return sext((f(f"{name}_HIGH", f"{fld}_HIGH") << 32) | f(f"{name}_LOW", f"{fld}_LOW"), 38)

        return cls(
            normalz_len=f("D_LRN_CFG", "NORMALZ_LEN"),
            sqsum_bypass=f("D_FUNC_BYPASS", "SQSUM_BYPASS"),
            mul_bypass=f("D_FUNC_BYPASS", "MUL_BYPASS"),
            datin_offset=f("D_DATIN_OFFSET", "DATIN_OFFSET"),
            datin_scale=s("D_DATIN_SCALE", "DATIN_SCALE"),
            datin_shifter=f("D_DATIN_SHIFTER", "DATIN_SHIFTER"),
            datout_offset=f("D_DATOUT_OFFSET", "DATOUT_OFFSET"),
            datout_scale=s("D_DATOUT_SCALE", "DATOUT_SCALE"),
            datout_shifter=f("D_DATOUT_SHIFTER", "DATOUT_SHIFTER"),
            le_function=f("S_LUT_CFG", "LUT_LE_FUNCTION"),
            uflow_priority=f("S_LUT_CFG", "LUT_UFLOW_PRIORITY"),
            oflow_priority=f("S_LUT_CFG", "LUT_OFLOW_PRIORITY"),
            hybrid_priority=f("S_LUT_CFG", "LUT_HYBRID_PRIORITY"),
            le_index_offset=s("S_LUT_INFO", "LUT_LE_INDEX_OFFSET"),
            # the index selects are 8-bit fields of which the low 6 bits form a signed value
            le_index_select=sext(f("S_LUT_INFO", "LUT_LE_INDEX_SELECT"), 6),
            lo_index_select=sext(f("S_LUT_INFO", "LUT_LO_INDEX_SELECT"), 6),
            le_start=start38("S_LUT_LE_START"),
            le_end=start38("S_LUT_LE_END"),
            lo_start=start38("S_LUT_LO_START"),
            lo_end=start38("S_LUT_LO_END"),
            le_uflow_scale=s("S_LUT_LE_SLOPE_SCALE", "LUT_LE_SLOPE_UFLOW_SCALE"),
            le_oflow_scale=s("S_LUT_LE_SLOPE_SCALE", "LUT_LE_SLOPE_OFLOW_SCALE"),
            lo_uflow_scale=s("S_LUT_LO_SLOPE_SCALE", "LUT_LO_SLOPE_UFLOW_SCALE"),
            lo_oflow_scale=s("S_LUT_LO_SLOPE_SCALE", "LUT_LO_SLOPE_OFLOW_SCALE"),
            le_uflow_shift=s("S_LUT_LE_SLOPE_SHIFT", "LUT_LE_SLOPE_UFLOW_SHIFT"),
            le_oflow_shift=s("S_LUT_LE_SLOPE_SHIFT", "LUT_LE_SLOPE_OFLOW_SHIFT"),
            lo_uflow_shift=s("S_LUT_LO_SLOPE_SHIFT", "LUT_LO_SLOPE_UFLOW_SHIFT"),
            lo_oflow_shift=s("S_LUT_LO_SLOPE_SHIFT", "LUT_LO_SLOPE_OFLOW_SHIFT"),
        )


# ------------------------------------------------------------------------- pure primitives
def input_convert(x, offset: int, scale: int, shifter: int) -> np.ndarray:
    """CDP input converter, int8 mode -> 9-bit signed values (int64 array).

    offset: D_DATIN_OFFSET raw; only its low 8 bits are used, as int8 (the int8 path
    truncates the operand to 8 bits). scale: int16. shifter: 5-bit unsigned.
    """
    a = np.asarray(x, dtype=I64) - sext(int(offset) & 0xFF, 8)    # 9-bit, exact
    m = a * sext(int(scale) & 0xFFFF, 16)                            # 25-bit, exact
    return shift_right_round_sat(m, int(shifter) & 0x1F, 9)          # RSHIFT_RND_SAT -> 9 bits


def output_convert(o, offset: int, scale: int, shifter: int) -> np.ndarray:
    """CDP output converter, int8 mode -> int8 array.

    o: the 25-bit multiplier output. offset: D_DATOUT_OFFSET raw, low 25 bits as signed.
    scale: int16. shifter: 6-bit unsigned.
    """
    a = np.asarray(o, dtype=I64) - sext(int(offset) & 0x1FFFFFF, 25)   # 26-bit, exact
    m = a * sext(int(scale) & 0xFFFF, 16)                                # 42-bit, exact
    out = shift_right_round_sat(m, int(shifter) & 0x3F, 8)               # RSHIFT_RND_SAT -> 8 bits
    return out.astype(np.int8)


def square_sum(v9: np.ndarray, normalz_len: int, bypass: bool = False) -> np.ndarray:
    """Sum of squares over the channel window c-(n+1)..c+(n+1) (axis 0), n = normalz_len.

    v9 (C, ...) holds the converted values; channels outside [0, C) count as 0 (they hold
    the offset byte, which converts to 0). With bypass the result is v9 itself (not squared).
    """
    v = np.asarray(v9, dtype=I64)
    if bypass:
        return v.copy()
    r = int(normalz_len) + 1
    sq = v * v
    pad = np.zeros((r,) + sq.shape[1:], dtype=I64)
    cs = np.cumsum(np.concatenate([pad, sq, pad], axis=0), axis=0)     # exact, < 2^20
    cs = np.concatenate([np.zeros((1,) + sq.shape[1:], dtype=I64), cs], axis=0)
    c = sq.shape[0]
    return cs[2 * r + 1:2 * r + 1 + c] - cs[:c]


def _conv56(v, shift):
    """CONV(v, s, 56): v / 2^s rounded half away from zero, saturated to 56 bits signed.

    s is a signed 5-bit shift (-16..15); s < 0 multiplies by 2^-s (exact, then saturates)."""
    v = np.asarray(v, dtype=I64)
    s = int(shift)
    if s >= 0:
        return shift_right_round_sat(v, s, INTERP_BITS)
    k = -s
    # clamp before the left shift so it cannot overflow int64; anything clamped saturates anyway
    lim = 1 << (INTERP_BITS - 1 - k)
    return sat(np.clip(v, -lim - 1, lim) << k, INTERP_BITS)


def _clip16(v):
    """CLIP16: saturate the table result to int16."""
    return sat(v, 16)


def _interp(table: np.ndarray, idx: np.ndarray, frac16: np.ndarray) -> np.ndarray:
    """Linear interpolation between entries idx and idx+1 with a 16-bit fraction:
    CLIP16(T[idx] + CONV((T[idx+1] - T[idx]) * frac16, 16, 56))."""
    t = table.astype(I64)
    y0 = t[idx]
    y1 = t[np.minimum(idx + 1, t.size - 1)]
    return _clip16(y0 + _conv56((y1 - y0) * frac16, FRAC_BITS))


def _frac16(frac, bits):
    """Scale a fraction of ``bits`` bits (array) to 16 bits: >> (bits-16) or << (16-bits)."""
    bits = np.asarray(bits, dtype=I64)
    return np.where(bits > FRAC_BITS, frac >> np.maximum(bits - FRAC_BITS, 0),
                    frac << np.maximum(FRAC_BITS - bits, 0))


SQ_BITS = 22   # width of the square sum path in the RTL LUT index logic (pPP_BW + 1)


def _index_start(start: int) -> np.int64:
    """The table start as the RTL index logic sees it: only its low 22 bits, signed.

    The nv_small RTL (CDP LUT_CTRL unit) compares and subtracts start[21:0] as a 22-bit signed
    number when it decides underflow / index / fraction, while the slope (under/overflow)
    arithmetic uses the full 38-bit start. The cmod uses the full 38 bits everywhere; the two
    agree whenever start lies in [-2^21, 2^21), as in all NVIDIA traces. We follow the RTL."""
    return I64(sext(int(start) & ((1 << SQ_BITS) - 1), SQ_BITS))


def _linear_lookup(sq, table, start, end, sel, uscale, ushift, oscale, oshift):
    """A linear table of N = table.size entries (N-1 intervals of 2^sel).
    Returns (value int16-range int64, underflow, overflow, hit)."""
    n_last = table.size - 1
    d = sq - _index_start(start)
    if sel >= 0:
        idx = d >> sel
        frac = d & ((1 << sel) - 1)                   # d mod 2^sel (d > 0 where used)
        frac16 = _frac16(frac, np.full(d.shape, sel))
    else:
        # d << -sel; a shift past 24 puts any d >= 1 far beyond the table (no int64 overflow)
        idx = np.where(d > 0, np.minimum(d, 1 << 40) << min(-sel, 24), d)
        frac16 = np.zeros_like(d)                     # no fraction bits for sel < 0
    under = (idx < 0) | (d <= 0)
    over = ~under & (idx >= n_last)
    hit = ~under & ~over
    y_under = _clip16(table[0].astype(I64) + _conv56((sq - I64(start)) * uscale, ushift))
    y_over = _clip16(table[n_last].astype(I64) + _conv56((sq - I64(end)) * oscale, oshift))
    safe_idx = np.where(hit, idx, 0)
    y_hit = _interp(table, safe_idx, np.where(hit, frac16, 0))
    y = np.where(under, y_under, np.where(over, y_over, y_hit))
    return y, under, over, hit


def _exponent_lookup(sq, table, start, end, index_offset, uscale, ushift, oscale, oshift):
    """The LE table in exponent mode: entry i covers d = sq - start in [2^(i+off), 2^(i+off+1)).
    Returns (value, underflow, overflow, hit)."""
    n_last = table.size - 1
    off = int(index_offset)
    d = sq - _index_start(start)
    pos = d > 0
    # floor(log2 d) exactly (d < 2^53): frexp gives d = m * 2^e with m in [0.5, 1)
    _, e = np.frexp(np.where(pos, d, 1).astype(np.float64))
    log2d = np.where(pos, e.astype(I64) - 1, 0)
    idx = log2d - off
    under = (idx < 0) | ~pos
    over = ~under & (idx >= n_last)
    hit = ~under & ~over
    # underflow slope starts at start + 2^off (the lower edge of entry 0), or start if off < 0.
    # RTL (cdp intp): start + 2^off[6:0] kept in 39 bits signed, so 2^off vanishes for off >= 39
    uflow_base = sext(int(start) + (0 if off < 0 else (1 << off)), 39)
    y_under = _clip16(table[0].astype(I64) + _conv56((sq - uflow_base) * uscale, ushift))
    y_over = _clip16(table[n_last].astype(I64) + _conv56((sq - I64(end)) * oscale, oshift))
    L = np.where(hit, log2d, 0)
    frac = np.where(hit, d - (I64(1) << L), 0)        # d - 2^L, L bits
    frac16 = _frac16(frac, L)
    y_hit = _interp(table, np.where(hit, idx, 0), frac16)
    y = np.where(under, y_under, np.where(over, y_over, y_hit))
    return y, under, over, hit


def lut_lookup(sq, cfg: CdpConfig, le, lo):
    """LE/LO lookup and priority selection of square sums -> int16-range int64 array.

    Priority: both underflow -> UFLOW_PRIORITY (0 = LE, 1 = LO); else both overflow ->
    OFLOW_PRIORITY; else exactly one table hit -> that table; else (both hit, or one under-
    and the other overflow) -> HYBRID_PRIORITY."""
    sq = np.asarray(sq, dtype=I64)
    le = np.asarray(le, dtype=np.int16)
    lo = np.asarray(lo, dtype=np.int16)
    if le.size != LE_ENTRIES or lo.size != LO_ENTRIES:
        raise CdpError(f"cdp: LE/LO tables must have {LE_ENTRIES}/{LO_ENTRIES} entries, "
                       f"got {le.size}/{lo.size}")
    if cfg.le_function == 0:
        y_le, le_u, le_o, le_h = _exponent_lookup(
            sq, le, cfg.le_start, cfg.le_end, cfg.le_index_offset,
            cfg.le_uflow_scale, cfg.le_uflow_shift, cfg.le_oflow_scale, cfg.le_oflow_shift)
    else:
        y_le, le_u, le_o, le_h = _linear_lookup(
            sq, le, cfg.le_start, cfg.le_end, cfg.le_index_select,
            cfg.le_uflow_scale, cfg.le_uflow_shift, cfg.le_oflow_scale, cfg.le_oflow_shift)
    y_lo, lo_u, lo_o, lo_h = _linear_lookup(
        sq, lo, cfg.lo_start, cfg.lo_end, cfg.lo_index_select,
        cfg.lo_uflow_scale, cfg.lo_uflow_shift, cfg.lo_oflow_scale, cfg.lo_oflow_shift)
    both_u = le_u & lo_u
    both_o = ~both_u & le_o & lo_o
    one_hit = ~both_u & ~both_o & (le_h ^ lo_h)
    pick_lo = np.where(both_u, bool(cfg.uflow_priority),
                       np.where(both_o, bool(cfg.oflow_priority),
                                np.where(one_hit, lo_h, bool(cfg.hybrid_priority))))
    return np.where(pick_lo, y_lo, y_le)


def lrn(x_int8, cfg: CdpConfig, le_int16, lo_int16, out_channels: int | None = None) -> np.ndarray:
    """The whole CDP datapath on an int8 cube (C, H, W) -> int8 (out_channels, H, W).

    Channels c >= C (up to out_channels, default C) are the hardware's padding lanes: their
    input is the raw byte (int8)DATIN_OFFSET, like every channel outside [0, C) in a window.
    """
    x = np.asarray(x_int8)
    if x.ndim != 3:
        raise CdpError(f"cdp.lrn: expected a (C, H, W) cube, got shape {x.shape}")
    c = x.shape[0]
    co = c if out_channels is None else int(out_channels)
    if co < c:
        raise CdpError(f"cdp.lrn: out_channels {co} < C {c}")
    if not 0 <= cfg.normalz_len <= 3:
        raise CdpError(f"cdp: NORMALZ_LEN {cfg.normalz_len} out of range 0..3")
    fill = np.int8(sext(cfg.datin_offset & 0xFF, 8))              # raw fill byte
    xp = np.full((co,) + x.shape[1:], fill, dtype=np.int8)
    xp[:c] = x.astype(np.int8)
    v9 = input_convert(xp, cfg.datin_offset, cfg.datin_scale, cfg.datin_shifter)
    # window channels beyond the padded cube hold the fill byte too -> v9 = 0 (square_sum pads 0)
    fill_v9 = int(input_convert(np.array([fill]), cfg.datin_offset, cfg.datin_scale,
                                cfg.datin_shifter)[0])
    assert fill_v9 == 0
    sq = square_sum(v9, cfg.normalz_len, bool(cfg.sqsum_bypass))
    lut = lut_lookup(sq, cfg, le_int16, lo_int16)                  # int16 range
    o25 = lut if cfg.mul_bypass else lut * v9                       # 25-bit exact product
    return output_convert(o25, cfg.datout_offset, cfg.datout_scale, cfg.datout_shifter)


# ------------------------------------------------------------------------- engine
def run(regs, mem) -> None:
    """Run one CDP operation: read the cube through CDP_RDMA, write the result through the
    CDP D_DST_* registers (whole atoms: ceil(C/8)*8 lanes)."""
    def rd(name, field):
        return regs.f(f"NVDLA_CDP_RDMA.{name}_0", field)

    w = rd("D_DATA_CUBE_WIDTH", "WIDTH") + 1
    h = rd("D_DATA_CUBE_HEIGHT", "HEIGHT") + 1
    c = rd("D_DATA_CUBE_CHANNEL", "CHANNEL") + 1
    fmt_in = rd("D_DATA_FORMAT", "INPUT_DATA")
    fmt = regs.f("NVDLA_CDP.D_DATA_FORMAT_0", "INPUT_DATA_TYPE")
    if fmt_in != 0 or fmt != 0:
        raise CdpError(f"cdp: only INT8 is modelled (CDP_RDMA format {fmt_in}, CDP format {fmt})")
    src = regs.addr64("NVDLA_CDP_RDMA.D_SRC_BASE_ADDR_LOW_0", "NVDLA_CDP_RDMA.D_SRC_BASE_ADDR_HIGH_0")
    src_line = rd("D_SRC_LINE_STRIDE", "SRC_LINE_STRIDE")
    src_surf = rd("D_SRC_SURFACE_STRIDE", "SRC_SURFACE_STRIDE")
    dst = regs.addr64("NVDLA_CDP.D_DST_BASE_ADDR_LOW_0", "NVDLA_CDP.D_DST_BASE_ADDR_HIGH_0")
    dst_line = regs.f("NVDLA_CDP.D_DST_LINE_STRIDE_0", "DST_LINE_STRIDE")
    dst_surf = regs.f("NVDLA_CDP.D_DST_SURFACE_STRIDE_0", "DST_SURFACE_STRIDE")
    lut = regs.luts.get("CDP")
    if lut is None:
        raise CdpError("cdp: no LUT memory (regs.luts['CDP']) given")
    cfg = CdpConfig.from_regs(regs)
    x = read_cube(mem, src, c, h, w, src_line, src_surf)
    cp = -(-c // ATOM) * ATOM
    out = lrn(x, cfg, lut.le, lut.lo, out_channels=cp)
    write_cube(mem, dst, out, dst_line, dst_surf)
