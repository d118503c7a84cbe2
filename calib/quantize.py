"""Weight quantization and the derivation of every nv_small converter setting for a Caffe net
and a calibration table, the way nvdla_compiler (github nvdla/sw, umd/core/src/compiler) does it.

Facts used (read from the compiler, re-expressed here):
* Weights (WeightTranslationUnit perKernelQuantizeWts / perFilterQuantizeWts): Sw = max|W| / 127
  over the whole layer (per-kernel) or over each output channel's C*R*S weights (per-filter);
  q = clamp(floor(W / Sw + 0.5), -128, 127) (division done as W * (1/Sw) in float32).
* Conv input converter (ConvCoreNode::handleLowPrecisionConversions): CDMA CVT enabled with
  scale 1, offset 0, truncate 0 (identity: the host supplies int8 in the input's scale);
  CACC clip truncate 0.  We additionally offer the first layer fed with raw uint8 pixels, where
  the CDMA image-mode converter maps pixels to the input scale (CVT_SCALE/2^CVT_TRUNCATE =
  pixel_scale / S_input); that is our choice, not the compiler's.
* Bias (SDPBiasOp::scaleBiasToInt16, int16 path): b32 = floor(b / (Si*Sw[k]) + 0.5);
  numBits = ceil(log(|max b32|) / log(2)) + 1 (double, as written); shift = min(16, max(0, numBits - 16));
  b16 = b32 >> shift (arithmetic); SDP X1 ALU SUM with ALU_SHIFT_VALUE = shift.
* Table scales (nvdla_compiler's ParseTest + Tensor::setChannelDynamicRange): a JSON scale s is
  read as float32, stored as the range +-float32(s * 127.0f) and turned back into a scale as
  float32(|max| / 127.0) (the division in double): S = table_scale_as_compiled(s), which moves
  about 0.8 % of scales by 1 ulp. Every S below is that value.
* Input scale of a layer: the table entry of the layer that produced its input (the compiler's
  tensor scale), pooling layers included. Max pooling cannot rescale, so where a pooling entry
  differs from the scale of its input the next layer's bias and output converter use the pooling
  entry anyway; build_plan reports each such layer in Plan.notes (pool_scale="input" instead
  carries the convolution's scale through pooling, the old behaviour of this module).
* Output rescale (SDPBiasOp::performPerKernelRescaling): SDP output converter
  offset 0, (scale, shift) = scaleAndShiftFromScalar(float32(float32(Si/So) * Sw)).
  Per-filter (performPerChannelRescaling): X1 MUL per channel (BOTH with the bias),
  common truncate = shift found for max_k(Si*Sw[k]/So), each channel's int16 scale with that
  shift; output converter scale 1, shift 0.
* scaleAndShiftFromScalar (LowPrecision.h, "Impl2", the one in use): numBits =
  floor(log2 |s|) + 1; shift = 15 - numBits unless a shift is imposed; scale =
  int(2^shift * |s|) (truncation toward zero), sign restored; scale must fit int16, shift <= 63.
* PDP average uses recip = floor(2^16 / k) (KMD table 0x10000,
  0x8000, 0x5555, 0x4000, 0x3333, 0x2aaa, 0x2492, 0x2000) and pad values n*pad (pad = 0 here).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from calib.errors import CalibError
from model import sdp as _sdp
from model.regs import REGMAP


def _enc(regs: dict, name: str, **fields):
    """Register ``name`` (trace name) with these fields, encoded through the register map;
    fields of the same register accumulate. Signed values are stored in two's complement."""
    reg = REGMAP[name]
    v = regs.get(name, 0)
    for k, fv in fields.items():
        f = reg.field(k)
        v = f.put(v, int(fv) & ((1 << f.width) - 1))
    regs[name] = v

SDP_LEFT_SHIFT_MAX_PLACES = 16
PDP_RECIP = {1: 0x10000, 2: 0x8000, 3: 0x5555, 4: 0x4000, 5: 0x3333, 6: 0x2AAA, 7: 0x2492, 8: 0x2000}


# ---- compiler arithmetic -------------------------------------------------------------------
def scale_and_shift(scalar: float, shift: int | None = None, scale_bits: int = 16) -> tuple[int, int]:
    """(scale, shift) with scale * 2^-shift ~ scalar (nvdla_compiler Impl2, see module doc)."""
    a = abs(float(np.float32(scalar)))
    if a == 0:
        return 0, (shift if shift else 1)
    if shift is None or shift == 0:
        m, e = math.frexp(a)           # a = m * 2^e, 0.5 <= m < 1  ->  floor(log2 a) + 1 = e
        num_bits = e
        if num_bits > scale_bits - 1:
            raise ValueError(f"scale {scalar} is beyond the int{scale_bits} range")
        shift = (scale_bits - 1) - num_bits
    if shift > 63:
        raise ValueError(f"shift {shift} for {scalar} is out of range [0, 63]")
    if shift < 0:
        raise ValueError(f"negative shift for {scalar}")
    sc = int(np.float32(2.0 ** shift) * np.float32(a))   # float32 product, truncated as NvS32()
    if sc > (1 << (scale_bits - 1)) - 1:
        raise ValueError(f"scale {sc} for {scalar} is beyond the int{scale_bits} range")
    return (-sc if scalar < 0 else sc), int(shift)


def quantize_weights(w: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """(int8 weights, per-output-channel scales float32 (K,)) for 'per-kernel' or 'per-filter'."""
    w = np.asarray(w, dtype=np.float32)
    k = w.shape[0]
    flat = np.abs(w.reshape(k, -1))
    if mode == "per-kernel":
        sw = np.full(k, np.float32(flat.max()) / np.float32(127), dtype=np.float32)
    elif mode == "per-filter":
        sw = (flat.max(axis=1) / np.float32(127)).astype(np.float32)
    else:
        raise ValueError(f"unknown quantization mode {mode!r}")
    sw = np.where(sw == 0, np.float32(1), sw).astype(np.float32)   # an all-zero filter
    inv = (np.float32(1) / sw).astype(np.float32)
    q = np.floor(w * inv.reshape((k,) + (1,) * (w.ndim - 1)) + np.float32(0.5))  # round half up
    return np.clip(q, -128, 127).astype(np.int8), sw


def quantize_bias(b: np.ndarray, si: float, sw: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """(int16 bias, ALU left shift, int32 bias before the shift) for acc LSB = Si*Sw[k]."""
    b32 = np.floor(np.asarray(b, np.float32) / (np.float32(si) * sw) + np.float32(0.5)).astype(np.int64)
    m = int(np.max(np.abs(b32))) if b32.size else 0
    num_bits = (math.ceil(math.log(m) / math.log(2)) + 1) if m > 0 else 0   # not log2: 2^29 -> 30
    shift = min(SDP_LEFT_SHIFT_MAX_PLACES, max(0, num_bits - 16))
    b16 = b32 >> shift                                   # arithmetic shift (floor), as the compiler
    if np.any(np.abs(b16) > 32767):
        raise ValueError("bias does not fit int16 even after the maximum left shift")
    return b16.astype(np.int64), shift, b32


# ---- one wording for converter settings (used by describe() here and by calib.loadable) ----------
def describe_cdma_cvt(offset: int, scale: int, truncate: int, enable: int = 1) -> str:
    """CDMA input converter: q = sat8(round((x - offset) * scale / 2^truncate))."""
    if not enable:
        return "CDMA CVT_EN=0  -> input used as stored"
    return (f"CDMA CVT_EN=1 CVT_OFFSET={offset} CVT_SCALE={scale} CVT_TRUNCATE={truncate}"
            f"  -> q_in = (x - {offset}) * {scale / 2 ** truncate:.8g}")


def describe_sdp_cvt(offset: int, scale: int, shift: int) -> str:
    """SDP output converter: y = sat8(round((x - offset) * scale / 2^shift))."""
    return f"SDP CVT_OFFSET={offset} CVT_SCALE={scale} CVT_SHIFT={shift}  -> x {scale / 2 ** shift:.8g}"


def describe_bias(b16, shift: int) -> str:
    """SDP X1 ALU SUM with a per-channel int16 operand, left-shifted by ALU_SHIFT_VALUE."""
    b = np.ravel(b16)
    return (f"SDP X1 ALU SUM src=MEM per-channel int16 bias [{b.min()}..{b.max()}] ALU_SHIFT_VALUE={shift}"
            f"  -> bias = b16 * 2^{shift} accumulator LSBs")


def describe_mul(m, shift: int) -> str:
    """SDP X1 MUL with a per-channel int16 operand, result right-shifted by MUL_SHIFT_VALUE."""
    m = np.ravel(m)
    return (f"SDP X1 MUL src=MEM per-channel int16 [{m.min()}..{m.max()}] MUL_SHIFT_VALUE={shift}"
            f"  -> x m[k]/2^{shift} in [{m.min() / 2 ** shift:.6g}..{m.max() / 2 ** shift:.6g}]")


# ---- the plan --------------------------------------------------------------------------------
@dataclass
class InputCvt:
    """CDMA input converter (C1): q = sat8(round((x - offset) * scale / 2^truncate))."""
    offset: int
    scale: int
    truncate: int
    mode: str                      # 'pixel' (uint8 pixels, image mode) or 'int8' (identity)
    meaning: float                 # the real factor the converter stands for

    def describe(self):
        return ["  " + describe_cdma_cvt(self.offset, self.scale, self.truncate)
                + f"  (wanted {self.meaning:.8g}, {self.mode} input)"]


@dataclass
class ConvOp:
    name: str                      # the Convolution / InnerProduct layer
    relu: str | None               # a ReLU fused into SDP X1
    out_name: str                  # the table entry of the output (relu's when fused)
    kind: str                      # 'conv' or 'fc'
    si: float
    so: float
    w: np.ndarray                  # int8 (K, C, R, S)
    sw: np.ndarray                 # float32 (K,)
    stride: tuple
    pad: tuple                     # (top, left); bottom/right follow from out size
    dilation: tuple
    out_shape: tuple               # (K, Ho, Wo)
    in_shape: tuple
    pad_value: int = 0
    in_cvt: InputCvt | None = None
    clip_truncate: int = 0
    x1: _sdp.XConfig = field(default_factory=_sdp.XConfig)
    alu_operand: np.ndarray | int = 0     # (K,1,1) int16
    mul_operand: np.ndarray | int = 0     # (K,1,1) int16 or 0
    cvt_offset: int = 0
    cvt_scale: int = 1
    cvt_shift: int = 0
    bias_float: np.ndarray | None = None
    bias32: np.ndarray | None = None
    folded: list = field(default_factory=list)
    src: str = ""                  # the blob it reads (Caffe top name)
    dst: str = ""                  # the blob it writes
    group: int = 1                 # Caffe group: w is block-diagonal (K, C, R, S), as the compiler squashes it
    concat: str | None = None      # the Concat layer whose buffer it writes into ...
    concat_c0: int = 0             # ... at this channel offset
    table_so: float | None = None  # the layer's own table scale where an Eltwise/Concat replaced it
    ew: object = None              # an EltwiseOp done in this op's SDP (X2), per-filter

    def registers(self) -> dict[str, int]:
        """The converter/quantization registers of this op (trace names -> raw 32-bit values);
        addresses, sizes and strides are the memory layout's business, not set here."""
        r: dict[str, int] = {}
        cv = self.in_cvt or InputCvt(0, 1, 0, "int8", 1.0)
        _enc(r, "NVDLA_CDMA.D_CVT_CFG_0", CVT_EN=1, CVT_TRUNCATE=cv.truncate)
        _enc(r, "NVDLA_CDMA.D_CVT_OFFSET_0", CVT_OFFSET=cv.offset)
        _enc(r, "NVDLA_CDMA.D_CVT_SCALE_0", CVT_SCALE=cv.scale)
        _enc(r, "NVDLA_CDMA.D_ZERO_PADDING_VALUE_0", PAD_VALUE=self.pad_value)
        _enc(r, "NVDLA_CSC.D_ZERO_PADDING_VALUE_0", PAD_VALUE=self.pad_value)
        _enc(r, "NVDLA_CACC.D_CLIP_CFG_0", CLIP_TRUNCATE=self.clip_truncate)
        x = self.x1
        _enc(r, "NVDLA_SDP.D_DP_BS_CFG_0", BS_BYPASS=x.bypass, BS_ALU_BYPASS=x.alu_bypass, BS_ALU_ALGO=x.alu_algo,
             BS_MUL_BYPASS=x.mul_bypass, BS_MUL_PRELU=x.mul_prelu, BS_RELU_BYPASS=x.relu_bypass)
        _enc(r, "NVDLA_SDP.D_DP_BS_ALU_CFG_0", BS_ALU_SRC=x.alu_src, BS_ALU_SHIFT_VALUE=x.alu_shift)
        _enc(r, "NVDLA_SDP.D_DP_BS_MUL_CFG_0", BS_MUL_SRC=x.mul_src, BS_MUL_SHIFT_VALUE=x.mul_shift)
        use = 2 if not x.mul_bypass else 1          # BRDMA_DATA_USE: MUL 0, ALU 1, BOTH 2
        _enc(r, "NVDLA_SDP_RDMA.D_BRDMA_CFG_0", BRDMA_DISABLE=0, BRDMA_DATA_USE=use, BRDMA_DATA_SIZE=1,
             BRDMA_DATA_MODE=0)                     # two-byte operands, one per output channel
        _enc(r, "NVDLA_SDP.D_DP_BN_CFG_0", BN_BYPASS=1, BN_ALU_BYPASS=1, BN_MUL_BYPASS=1, BN_RELU_BYPASS=1)
        _enc(r, "NVDLA_SDP.D_CVT_OFFSET_0", CVT_OFFSET=self.cvt_offset)
        _enc(r, "NVDLA_SDP.D_CVT_SCALE_0", CVT_SCALE=self.cvt_scale)
        _enc(r, "NVDLA_SDP.D_CVT_SHIFT_0", CVT_SHIFT=self.cvt_shift)
        return r

    def describe(self, mode):
        fused = "".join(" + " + n for n in self.folded + ([self.relu] if self.relu else []))
        L = [f"{self.name} ({self.kind}{fused}): in scale Si={self.si:.6g},"
             f" out scale So={self.so:.6g} ({self.out_name}), weights {self.w.shape} {mode}"
             f" Sw={'%.6g' % self.sw[0] if mode == 'per-kernel' else '[%.4g..%.4g]' % (self.sw.min(), self.sw.max())}"]
        if self.in_cvt:
            L += self.in_cvt.describe()
        else:
            L.append("  CDMA CVT_EN=1 CVT_OFFSET=0 CVT_SCALE=1 CVT_TRUNCATE=0  -> identity (input already int8 in Si)")
        L.append(f"  CSC/CDMA PAD_VALUE={self.pad_value} (real 0)  CACC CLIP_TRUNCATE={self.clip_truncate}"
                 f"  -> acc LSB = Si*Sw = {self.si * float(self.sw.max()):.6g}"
                 + ("" if mode == "per-kernel" else " (max over k)"))
        x = self.x1
        b = np.ravel(self.alu_operand)
        recon = b.astype(np.float64) * 2.0 ** x.alu_shift * self.si * self.sw.astype(np.float64)
        err = float(np.max(np.abs(recon - self.bias_float))) if self.bias_float is not None else 0.0
        L.append("  " + describe_bias(b, x.alu_shift) + f" of Si*Sw[k], max |error| {err:.3g}")
        if x.mul_bypass:
            L.append(f"  SDP X1 MUL bypass, MUL_SHIFT_VALUE={x.mul_shift}")
        else:
            m = np.ravel(self.mul_operand)
            want = self.si * self.sw.astype(np.float64) / self.so
            got = m / 2.0 ** x.mul_shift
            L.append("  " + describe_mul(m, x.mul_shift)
                     + f" = Si*Sw[k]/So, max rel. error {np.max(np.abs(got / want - 1)):.3g}")
        L.append(f"  SDP X1 RELU {'on' if not x.relu_bypass else 'bypass'};  X2 "
                 + (f"does Eltwise {self.ew.name} (below), the output converter is its" if self.ew is not None
                    else "bypass"))
        want = self.si * float(self.sw[0]) / self.so if x.mul_bypass else 1.0
        L.append("  " + describe_sdp_cvt(self.cvt_offset, self.cvt_scale, self.cvt_shift)
                 + f" (wanted {want:.8g}{' = Si*Sw/So' if x.mul_bypass else ''})")
        return L


@dataclass
class PoolOp:
    name: str
    method: str
    kernel: tuple
    stride: tuple
    pad: tuple            # (top, left, bottom, right)
    pad_values: tuple
    recip: tuple
    out_shape: tuple
    in_shape: tuple
    scale: float
    exact: bool = True    # False when Caffe's AVE divisor differs at the ceil-mode edge
    table_scale: float | None = None     # the table's own entry, where it differs from `scale`

    def registers(self) -> dict[str, int]:
        r: dict[str, int] = {}
        (kh, kw), (sh, sw) = self.kernel, self.stride
        t, l, b, rt = self.pad
        _enc(r, "NVDLA_PDP.D_OPERATION_MODE_CFG_0", POOLING_METHOD={"avg": 0, "max": 1, "min": 2}[self.method])
        _enc(r, "NVDLA_PDP.D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=kw - 1, KERNEL_HEIGHT=kh - 1,
             KERNEL_STRIDE_WIDTH=sw - 1, KERNEL_STRIDE_HEIGHT=sh - 1)
        _enc(r, "NVDLA_PDP.D_POOLING_PADDING_CFG_0", PAD_LEFT=l, PAD_TOP=t, PAD_RIGHT=rt, PAD_BOTTOM=b)
        _enc(r, "NVDLA_PDP.D_RECIP_KERNEL_WIDTH_0", RECIP_KERNEL_WIDTH=self.recip[0])
        _enc(r, "NVDLA_PDP.D_RECIP_KERNEL_HEIGHT_0", RECIP_KERNEL_HEIGHT=self.recip[1])
        for n, v in enumerate(self.pad_values, start=1):
            _enc(r, f"NVDLA_PDP.D_POOLING_PADDING_VALUE_{n}_CFG_0", **{f"PAD_VALUE_{n}X": v})
        return r

    def describe(self, mode=None):
        L = [f"{self.name} (PDP {self.method} pooling, input scale {self.scale:.6g}"
             + (f", table entry {self.table_scale:.6g}" if self.table_scale is not None else "")
             + f"): kernel {self.kernel}"
             f" stride {self.stride} pad(t,l,b,r) {self.pad} out {self.out_shape}"]
        if self.method == "avg":
            L.append(f"  RECIP_KERNEL_WIDTH=0x{self.recip[0]:x} ({self.recip[0] / 65536:.6g} ~ 1/{self.kernel[1]})"
                     f" RECIP_KERNEL_HEIGHT=0x{self.recip[1]:x} ({self.recip[1] / 65536:.6g} ~ 1/{self.kernel[0]})"
                     f" PAD_VALUE_1..7X={list(self.pad_values)} (n x int8(0.0))")
            if not self.exact:
                L.append("  note: Caffe divides edge windows by a smaller area; PDP divides by the kernel")
        return L


@dataclass
class LrnOp:
    """CDP local response normalisation across channels (our derivation; nvdla_compiler's LRN
    LUT programming was not used): input converter identity (v = int8 x), square sum SQ over
    the window, LE and LO tables both LINEAR from SQ = 0 holding lut = round(2^frac_bits *
    (k + alpha/n * Si^2 * SQ)^-beta) (LO: 4x finer over the first quarter, preferred when both
    hit), multiplier on (lut * v), output converter scale/2^shift = Si / (So * 2^frac_bits)."""
    name: str
    si: float
    so: float
    cfg: object               # model.cdp.CdpConfig
    le: np.ndarray            # int16 (65,)
    lo: np.ndarray            # int16 (257,)
    frac_bits: int
    local_size: int
    alpha: float
    beta: float
    k: float
    out_shape: tuple

    def registers(self) -> dict[str, int]:
        """CDP registers; the LE/LO tables go through S_LUT_ACCESS_CFG/DATA (see .le/.lo)."""
        r: dict[str, int] = {}
        c = self.cfg
        P = "NVDLA_CDP."
        _enc(r, P + "D_LRN_CFG_0", NORMALZ_LEN=c.normalz_len)
        _enc(r, P + "D_FUNC_BYPASS_0", SQSUM_BYPASS=c.sqsum_bypass, MUL_BYPASS=c.mul_bypass)
        _enc(r, P + "D_DATIN_OFFSET_0", DATIN_OFFSET=c.datin_offset)
        _enc(r, P + "D_DATIN_SCALE_0", DATIN_SCALE=c.datin_scale)
        _enc(r, P + "D_DATIN_SHIFTER_0", DATIN_SHIFTER=c.datin_shifter)
        _enc(r, P + "D_DATOUT_OFFSET_0", DATOUT_OFFSET=c.datout_offset)
        _enc(r, P + "D_DATOUT_SCALE_0", DATOUT_SCALE=c.datout_scale)
        _enc(r, P + "D_DATOUT_SHIFTER_0", DATOUT_SHIFTER=c.datout_shifter)
        _enc(r, P + "S_LUT_CFG_0", LUT_LE_FUNCTION=c.le_function, LUT_UFLOW_PRIORITY=c.uflow_priority,
             LUT_OFLOW_PRIORITY=c.oflow_priority, LUT_HYBRID_PRIORITY=c.hybrid_priority)
        _enc(r, P + "S_LUT_INFO_0", LUT_LE_INDEX_OFFSET=c.le_index_offset, LUT_LE_INDEX_SELECT=c.le_index_select,
             LUT_LO_INDEX_SELECT=c.lo_index_select)
        for tab in ("LE", "LO"):
            for edge in ("START", "END"):
                v = getattr(c, f"{tab.lower()}_{edge.lower()}") & ((1 << 38) - 1)
                _enc(r, P + f"S_LUT_{tab}_{edge}_LOW_0", **{f"LUT_{tab}_{edge}_LOW": v & 0xFFFFFFFF})
                _enc(r, P + f"S_LUT_{tab}_{edge}_HIGH_0", **{f"LUT_{tab}_{edge}_HIGH": v >> 32})
            _enc(r, P + f"S_LUT_{tab}_SLOPE_SCALE_0",
                 **{f"LUT_{tab}_SLOPE_UFLOW_SCALE": getattr(c, f"{tab.lower()}_uflow_scale"),
                    f"LUT_{tab}_SLOPE_OFLOW_SCALE": getattr(c, f"{tab.lower()}_oflow_scale")})
            _enc(r, P + f"S_LUT_{tab}_SLOPE_SHIFT_0",
                 **{f"LUT_{tab}_SLOPE_UFLOW_SHIFT": getattr(c, f"{tab.lower()}_uflow_shift"),
                    f"LUT_{tab}_SLOPE_OFLOW_SHIFT": getattr(c, f"{tab.lower()}_oflow_shift")})
        return r

    def describe(self, mode=None):
        c = self.cfg
        return [f"{self.name} (CDP LRN, window {self.local_size}): Si={self.si:.6g} So={self.so:.6g}",
                f"  DATIN_OFFSET=0 DATIN_SCALE=1 DATIN_SHIFTER=0 -> v = int8 x (real Si*v)  NORMALZ_LEN={c.normalz_len}",
                f"  LE LINEAR start 0 end {c.le_end} INDEX_SELECT={c.le_index_select} (entries every 2^{c.le_index_select}"
                f" of SQ = sum v^2);  LO LINEAR start 0 end {c.lo_end} INDEX_SELECT={c.lo_index_select};"
                f" HYBRID_PRIORITY=LO, under/overflow slopes 0",
                f"  LUT = (k + alpha/n * Si^2 * SQ)^-beta * 2^{self.frac_bits}: LE[0]={self.le[0]}"
                f" ({self.le[0] / 2 ** self.frac_bits:.6g}) .. LE[64]={self.le[64]} ({self.le[64] / 2 ** self.frac_bits:.6g})",
                f"  DATOUT_OFFSET=0 DATOUT_SCALE={c.datout_scale} DATOUT_SHIFTER={c.datout_shifter}"
                f" -> x {c.datout_scale / 2 ** c.datout_shifter:.8g} (wanted Si/(So*2^{self.frac_bits})"
                f" = {self.si / (self.so * 2 ** self.frac_bits):.8g})"]


def derive_lrn(name, p, si, so, out_shape) -> LrnOp:
    from model import cdp as _cdp
    n = int(p["local_size"])
    if n not in (3, 5, 7, 9):
        raise ValueError(f"LRN local_size {n}: CDP supports 3, 5, 7 or 9")
    sq_max = n * 128 * 128                               # |v| <= 128
    sel_le = max(0, math.ceil(math.log2(sq_max)) - 6)    # 64 intervals of 2^sel cover SQ
    sel_lo = max(0, sel_le - 2 - 2)                      # 256 intervals over a quarter of that

    def f(sq):
        return (p["k"] + p["alpha"] / n * (si * si) * np.asarray(sq, np.float64)) ** (-p["beta"])

    fmax = float(max(f(0), f(sq_max)))
    frac_bits = int(math.floor(math.log2(32767 / fmax)))
    le = np.round(f(np.arange(65) * 2.0 ** sel_le) * 2.0 ** frac_bits)
    lo = np.round(f(np.arange(257) * 2.0 ** sel_lo) * 2.0 ** frac_bits)
    sc, sh = scale_and_shift(si / (so * 2.0 ** frac_bits))
    cfg = _cdp.CdpConfig(normalz_len=(n - 3) // 2, datin_offset=0, datin_scale=1, datin_shifter=0,
                         datout_offset=0, datout_scale=sc, datout_shifter=sh, le_function=1,
                         uflow_priority=1, oflow_priority=0, hybrid_priority=1,
                         le_index_select=sel_le, lo_index_select=sel_lo,
                         le_start=0, le_end=1 << (sel_le + 6), lo_start=0, lo_end=1 << (sel_lo + 8))
    return LrnOp(name, si, so, cfg, np.clip(le, -32768, 32767).astype(np.int16),
                 np.clip(lo, -32768, 32767).astype(np.int16), frac_bits, n, p["alpha"], p["beta"], p["k"],
                 out_shape)


@dataclass
class HostOp:
    name: str
    type: str
    src: str = ""
    dst: str = ""
    si: float = 0.0                # scale of its int8 input
    so: float = 0.0                # scale of its int8 output (a non-final host op)
    params: dict = field(default_factory=dict)
    final: bool = True             # the net's last layer (top-1 = argmax of its input)
    in_shape: tuple = ()

    def describe(self, mode=None):
        return [f"{self.name} ({self.type}): on the host (float, after dequantization)"
                + ("" if self.final else f", input scale {self.si:.6g}, output requantized at {self.so:.6g}")]


@dataclass
class EltwiseOp:
    """Caffe Eltwise SUM/PROD as nvdla_compiler lowers it: one SDP op reading the first input
    from memory (MRDMA) and the second as an X1 per-point int8 operand (BRDMA, PER_ELEMENT, one
    byte), X1 ALU SUM (type ADD) or MUL (type MUL) with shift 0, ReLU fused when one follows,
    output converter offset 0. Both inputs must be at one scale S (the compiler's
    updateScalingFactors gives the first input's tensor the second's scale), so SUM's output
    converter is S/So. PROD's product is at S^2: ours S^2/So (the compiler writes S/So, as for SUM)."""
    name: str
    op: str                        # 'sum' or 'prod'
    srcs: tuple                    # (blob read as the SDP input, blob read as the X1 operand)
    dst: str
    relu: str | None
    out_name: str                  # table entry of the output (relu's when fused)
    si: float                      # the common input scale S
    so: float
    cvt_scale: int
    cvt_shift: int
    compiler_cvt: tuple            # (scale, shift) by the compiler's rule (S/So for SUM and PROD)
    out_shape: tuple
    cvt_offset: int = 0
    fused: str | None = None       # per-filter: the convolution whose SDP does it (X2, see build_plan)

    def x1(self) -> _sdp.XConfig:
        if self.op == "sum":
            return _sdp.XConfig(bypass=False, alu_bypass=False, alu_algo=_sdp.ALU_SUM, alu_src=1, alu_shift=0,
                                mul_bypass=True, mul_shift=0, relu_bypass=self.relu is None)
        return _sdp.XConfig(bypass=False, alu_bypass=True, mul_bypass=False, mul_src=1, mul_shift=0,
                            relu_bypass=self.relu is None)

    def describe(self, mode=None):
        what = "S_in/S_out" if self.op == "sum" else "S_in^2/S_out"
        where = (f"in the SDP op of {self.fused}, X2" if self.fused else f"SDP, input {self.srcs[0]} from memory, X1")
        return [f"{self.name} (Eltwise {self.op.upper()}{' + ' + self.relu if self.relu else ''}: {where}"
                f" {'ALU SUM' if self.op == 'sum' else 'MUL'} per-point int8 operand {self.srcs[1]}):"
                f" S_in={self.si:.6g} S_out={self.so:.6g}",
                "  " + describe_sdp_cvt(self.cvt_offset, self.cvt_scale, self.cvt_shift) + f" (wanted {what})"]


@dataclass
class ConcatOp:
    """Caffe Concat (channels): no operation; its inputs' convolutions write into one buffer at
    their channel offsets (nvdla_compiler's concat surfaces)."""
    name: str
    srcs: tuple
    dst: str
    offsets: tuple                 # channel offset of each input
    out_shape: tuple
    scale: float

    def describe(self, mode=None):
        return [f"{self.name} (Concat, no operation): inputs {', '.join(self.srcs)} written at channel offsets"
                f" {', '.join(map(str, self.offsets))} of one buffer, scale {self.scale:.6g}"]


@dataclass
class DeviationOp:
    """A layer our int8 path refuses (with the reason) where nvdla_compiler emits something
    wrong or what nv_small lacks; only in plans built with deviations=True (for
    calib.compare_loadable), never run."""
    name: str
    type: str
    reason: str
    scale: float = 0.0
    params: dict = field(default_factory=dict)

    def describe(self, mode=None):
        return [f"{self.name} ({self.type}): refused by the int8 path: {self.reason}"]


@dataclass
class Plan:
    net: object
    mode: str
    ops: list
    scales: dict
    input_cvt: InputCvt | None
    output_scale: float
    output_name: str
    input_mode: str = "pixel"
    pixel_scale: float = 1.0
    notes: list = field(default_factory=list)     # one line per pooling entry contradicting its input
    input_blob: str = ""                          # the net's input blob
    output_blob: str = ""                         # the blob whose int8 values are the result

    def describe(self) -> list[str]:
        out = [f"int8 plan for {self.net.name or 'net'} ({self.mode}, {self.input_mode} input)"]
        for op in self.ops:
            out += op.describe(self.mode)
        return out + self.notes


def table_scale_as_compiled(s) -> float:
    """The scale nvdla_compiler uses for a table entry s: float32(float32(s*127.0f) / 127.0)."""
    mx = np.float32(np.float32(s) * np.float32(127.0))
    return float(np.float32(float(abs(mx)) / 127.0))


def _scale(scales, name, path="calibration table", roundtrip=True):
    if name not in scales:
        raise CalibError(path, f"no scale for layer '{name}'")
    s = float(scales[name])
    if not s > 0:
        raise CalibError(path, f"scale of layer '{name}' is {s}, must be > 0")
    return table_scale_as_compiled(s) if roundtrip else s


# why each refused layer type is refused (our compiler's reason; the compiler's deviation)
REFUSED = {
    "Sigmoid": "nv_small's SDP has no LUT to compute it (nvdla_compiler accepts it and silently passes the data through: a pass-through SDP op)",
    "TanH": "nv_small's SDP has no LUT to compute it (nvdla_compiler accepts it and silently passes the data through: a pass-through SDP op)",
    "Deconvolution": "nvdla_compiler lowers it to convolutions and a Rubik (contract) op; nv_small has no Rubik engine",
}


def build_plan(net, scales: dict, mode: str = "per-kernel", input_mode: str = "pixel",
               pixel_scale: float | None = None, table_path: str = "calibration table",
               pool_scale: str = "table", scale_roundtrip: bool = True, deviations: bool = False,
               group_quant: str = "layer") -> Plan:
    """Group the net into nv_small operations and derive every setting, as nvdla_compiler does
    by default. pool_scale="input" carries a pooling layer's input scale through it instead of
    taking its table entry; scale_roundtrip=False uses the table's scales as written (both
    differ from the compiler; see the module doc).

    The net may branch: every op names the blob it reads (``src``/``srcs``) and writes
    (``dst``). deviations=True puts a DeviationOp where the int8 path refuses a layer the
    compiler accepts wrongly (Sigmoid, TanH, Deconvolution, PDP kernels over 8) instead of
    raising (for calib.compare_loadable). group_quant="first-group" quantizes a grouped
    convolution as nvdla_compiler does (its scale from the first K/group kernels only, see
    compare_loadable); the default takes the whole layer."""
    if mode not in ("per-kernel", "per-filter"):
        raise ValueError(f"unknown quantization mode {mode!r}")
    if pool_scale not in ("table", "input"):
        raise ValueError(f"unknown pool_scale {pool_scale!r}")
    if group_quant not in ("layer", "first-group"):
        raise ValueError(f"unknown group_quant {group_quant!r}")
    layers = net.layers
    in_name = layers[0].name
    notes = []
    # Eltwise: the compiler gives the first input's tensor the second input's scale
    # (engine_ast::Graph::updateScalingFactors, case 1: both producers have one output edge);
    # Concat: ours writes every input at the concat's scale (the compiler: at each input's own).
    override: dict[str, str] = {}
    writer: dict[str, str] = {layers[0].tops[0]: in_name}
    consumers: dict[str, int] = {}
    for L in layers[1:]:
        for b in L.bottoms:
            consumers[b] = consumers.get(b, 0) + 1
        if L.type == "Eltwise" and L.p["op"] in ("sum", "prod") and len(L.bottoms) == 2:
            override[writer[L.bottoms[0]]] = writer[L.bottoms[1]]
        elif L.type == "Concat":
            for b in L.bottoms:
                if writer[b] != L.name:
                    override.setdefault(writer[b], L.name)
        for t in L.tops:
            writer[t] = L.name

    def scale_of(name):                           # the table entry as this plan uses it
        seen = set()
        while name in override and name not in seen:
            seen.add(name)
            name = override[name]
        return _scale(scales, name, table_path, scale_roundtrip)

    def own_scale(name):
        return _scale(scales, name, table_path, scale_roundtrip)

    in_blob = layers[0].tops[0]
    bscale = {in_blob: own_scale(in_name)}
    bshape = {in_blob: tuple(net.input_shape)}
    bop: dict[str, object] = {}                   # blob -> the op that writes it
    ops = []
    input_cvt = None
    if input_mode == "pixel":
        pf = pixel_scale if pixel_scale is not None else float(layers[0].p.get("scale", 1.0))
        sc, sh = scale_and_shift(pf / bscale[in_blob])
        input_cvt = InputCvt(0, sc, sh, "pixel", pf / bscale[in_blob])
    elif input_mode != "int8":
        raise ValueError(f"unknown input mode {input_mode!r}")

    def refuse(L, why):
        raise CalibError(net.source, f"layer '{L.name}' ({L.type}): {why}")

    def fusable(j, prev):
        """layers[j] works in place on the output of layers[prev] and nothing else reads it first."""
        return j < len(layers) and layers[j].bottoms and layers[j].bottoms[0] in layers[prev].tops

    i = 1
    while i < len(layers):
        L = layers[i]
        src = L.bottoms[0] if L.bottoms else None
        if src is not None and src not in bscale:
            refuse(L, f"its input '{src}' comes from a layer the int8 path does not run")
        if L.type in ("Convolution", "InnerProduct"):
            relu = None
            j = i + 1
            folded = []        # BatchNorm / Scale layers folded into the weights (as the compiler's
            while (j < len(layers) and layers[j].type in ("BatchNorm", "Scale")   # math optimisation)
                   and fusable(j, j - 1)):
                folded.append(layers[j])
                j += 1
            if j < len(layers) and layers[j].type == "ReLU" and fusable(j, j - 1):
                relu = layers[j].name
                j += 1
            out_name = relu or (folded[-1].name if folded else L.name)
            dst = layers[j - 1].tops[0]
            so = scale_of(out_name)
            cur_scale, cur_shape = bscale[src], bshape[src]
            c, h, w = cur_shape
            group = 1
            if L.type == "Convolution":
                wf = L.blobs[0]
                group = L.p.get("group", 1)
                if group > 1:        # block-diagonal, as the compiler's squashWeightGroups
                    kg, cg = wf.shape[0] // group, wf.shape[1]
                    full = np.zeros((wf.shape[0], c) + wf.shape[2:], np.float32)
                    for g in range(group):
                        full[g * kg:(g + 1) * kg, g * cg:(g + 1) * cg] = wf[g * kg:(g + 1) * kg]
                    wf = full
                stride, pad, dil = L.p["stride"], L.p["pad"], L.p["dilation"]
                kind = "conv"
            else:
                wf = (L.blobs[0].T if L.p["transpose"] else L.blobs[0]).reshape(L.p["num_output"], c, h, w)
                stride, pad, dil = (1, 1), (0, 0), (1, 1)
                kind = "fc"
            k = wf.shape[0]
            bias = L.blobs[1].astype(np.float32) if L.p["bias_term"] else np.zeros(k, np.float32)
            wf, bias = fold_affine(wf, bias, folded)
            if group > 1 and group_quant == "first-group":
                if mode != "per-kernel":
                    refuse(L, "the compiler's grouped-convolution quantization is reproduced per-kernel only")
                _, sw0 = quantize_weights(wf[:k // group], mode)
                sw = np.full(k, sw0[0], np.float32)
                inv = np.float32(1) / sw[0]
                wq = np.clip(np.floor(wf * inv + np.float32(0.5)), -128, 127).astype(np.int8)
            else:
                wq, sw = quantize_weights(wf, mode)
            b16, bshift, b32 = quantize_bias(bias, cur_scale, sw)
            op = ConvOp(L.name, relu, out_name, kind, cur_scale, so, wq, sw, tuple(stride), tuple(pad),
                        tuple(dil), net.shapes[out_name], cur_shape, folded=[f.name for f in folded],
                        in_cvt=input_cvt if src == in_blob else None, bias_float=bias, bias32=b32,
                        src=src, dst=dst, group=group)
            if so != own_scale(out_name):
                op.table_so = own_scale(out_name)
            try:
                if mode == "per-kernel":      # float32(float32(Si/So) * Sw), as the compiler
                    sc, sh = scale_and_shift(float((np.float32(cur_scale) / np.float32(so)) * sw[0]))
                    op.x1 = _sdp.XConfig(bypass=False, alu_bypass=False, alu_algo=_sdp.ALU_SUM, alu_src=1,
                                         alu_shift=bshift, mul_bypass=True, mul_shift=0,
                                         relu_bypass=relu is None)
                    op.mul_operand = 0
                    op.cvt_scale, op.cvt_shift = sc, sh
                else:
                    resc = (np.float32(cur_scale) / np.float32(so)) * sw          # float32 as the compiler
                    _, common = scale_and_shift(float(resc.max()))
                    mul = np.array([scale_and_shift(float(r), common)[0] for r in resc], dtype=np.int64)
                    op.x1 = _sdp.XConfig(bypass=False, alu_bypass=False, alu_algo=_sdp.ALU_SUM, alu_src=1,
                                         alu_shift=bshift, mul_bypass=False, mul_src=1, mul_shift=common,
                                         relu_bypass=relu is None)
                    op.mul_operand = mul.reshape(k, 1, 1)
                    op.cvt_scale, op.cvt_shift = 1, 0
            except ValueError as e:
                raise CalibError(table_path, f"layer '{L.name}': {e}") from None
            op.alu_operand = b16.reshape(k, 1, 1)
            ops.append(op)
            bscale[dst], bshape[dst], bop[dst] = so, net.shapes[out_name], op
            i = j
            continue
        if src == in_blob and L.type not in ("Softmax", "Concat"):
            refuse(L, "the int8 path needs a convolution or inner product as the first layer")
        if L.type == "Eltwise":
            if L.p["op"] == "max":
                refuse(L, "Eltwise MAX: nvdla_compiler rejects it (addElementWise parameter check)")
            if len(L.bottoms) != 2:
                refuse(L, f"{len(L.bottoms)} inputs: nv_small's SDP adds or multiplies two (X1 per-point operand)")
            if L.p["coeff"] and any(float(cf) != 1.0 for cf in L.p["coeff"]):
                refuse(L, f"coefficients {L.p['coeff']}: the compiler's SDP op has none")
            b0, b1 = L.bottoms
            for b in (b0, b1):
                if b not in bscale:
                    refuse(L, f"its input '{b}' comes from a layer the int8 path does not run")
            if bscale[b0] != bscale[b1]:
                p0 = bop.get(b0)
                refuse(L, f"its inputs' scales differ ({bscale[b0]:.8g}, {bscale[b1]:.8g}) and the first input"
                          f" '{b0}' comes from {type(p0).__name__ if p0 else 'the input'}, which cannot rescale")
            relu = None
            j = i + 1
            if j < len(layers) and layers[j].type == "ReLU" and fusable(j, i):
                relu = layers[j].name
                j += 1
            out_name = relu or L.name
            dst = layers[j - 1].tops[0]
            S, so = bscale[b0], scale_of(out_name)
            try:
                rule = scale_and_shift(float(np.float32(S) / np.float32(so)))   # float32 / float32
                ours = rule if L.p["op"] == "sum" else scale_and_shift(float(np.float32(S) * np.float32(S)
                                                                             / np.float32(so)))
            except ValueError as e:
                raise CalibError(table_path, f"layer '{L.name}': {e}") from None
            op = EltwiseOp(L.name, L.p["op"], (b0, b1), dst, relu, out_name, S, so, ours[0], ours[1], rule,
                           net.shapes[L.name])
            # per-filter: the convolution just before (its rescale is in X1, its output converter
            # the identity) does the Eltwise in its own SDP op: X2 with the other input as the
            # per-point operand, then the Eltwise's output converter (nvdla_compiler's SDP fusion;
            # the convolution's output is then never rounded to int8 on its own)
            prev = ops[-1] if ops else None
            if (mode == "per-filter" and isinstance(prev, ConvOp) and prev.dst in (b0, b1) and prev.relu is None
                    and consumers.get(prev.dst, 0) == 1 and prev.concat is None):
                other = b0 if prev.dst == b1 else b1
                op.srcs, op.fused = (prev.dst, other), prev.name
                prev.ew = op
            ops.append(op)
            bscale[dst], bshape[dst], bop[dst] = so, net.shapes[L.name], op
            i = j
            continue
        if L.type == "Concat":
            offs, c0 = [], 0
            for b in L.bottoms:
                if b not in bscale:
                    refuse(L, f"its input '{b}' comes from a layer the int8 path does not run")
                p0 = bop.get(b)
                if not isinstance(p0, ConvOp) or p0.concat is not None:
                    refuse(L, f"its input '{b}' is not a convolution's own output: only convolutions write into"
                              " a concat buffer (SDP at a channel offset)")
                if consumers.get(b, 0) > 1:
                    refuse(L, f"its input '{b}' is also read by another layer (its values live only in the concat buffer)")
                if c0 % 8:
                    refuse(L, f"input '{b}' would start at channel {c0}, not a multiple of 8 (one atom): SDP writes"
                              " whole atoms")
                p0.concat, p0.concat_c0 = L.name, c0
                offs.append(c0)
                c0 += bshape[b][0]
            so = scale_of(L.name)
            ops.append(ConcatOp(L.name, tuple(L.bottoms), L.tops[0], tuple(offs), net.shapes[L.name], so))
            bscale[L.tops[0]], bshape[L.tops[0]] = so, net.shapes[L.name]
            i += 1
            continue
        if L.type == "Pooling":
            cur_scale = bscale[src]
            c, h, w = bshape[src]
            p = L.p
            if p["global"]:
                kh, kw, sh_, sw_, ph, pw = h, w, 1, 1, 0, 0
            else:
                (kh, kw), (sh_, sw_), (ph, pw) = p["kernel"], p["stride"], p["pad"]
            _, ho, wo = net.shapes[L.name]
            pb = max(0, (ho - 1) * sh_ + kh - h - ph)
            pr = max(0, (wo - 1) * sw_ + kw - w - pw)
            bad = [(what, v, lim) for what, v, lim in (("kernel", max(kh, kw), 8), ("stride", max(sh_, sw_), 16),
                                                       ("padding", max(ph, pw, pb, pr), 7)) if v > lim]
            if bad:
                what, v, lim = bad[0]
                why = f"pooling {what} {v} exceeds PDP's limit {lim}"
                if not deviations:
                    raise CalibError(net.source, f"layer '{L.name}': {why}")
                ops.append(DeviationOp(L.name, "Pooling", why + " (nvdla_compiler emits it unchecked)",
                                       own_scale(L.name), dict(kernel=(kh, kw), stride=(sh_, sw_))))
                bscale[L.tops[0]], bshape[L.tops[0]] = own_scale(L.name), net.shapes[L.name]
                i += 1
                continue
            exact = True
            if p["method"] == "avg":
                exact = (pb <= ph) and (pr <= pw)
            op = PoolOp(L.name, p["method"], (kh, kw), (sh_, sw_), (ph, pw, pb, pr), (0,) * 7,
                        (PDP_RECIP[kw], PDP_RECIP[kh]), net.shapes[L.name], (c, h, w), cur_scale, exact)
            op.src, op.dst = src, L.tops[0]
            ops.append(op)
            entry = scale_of(L.name)
            out_scale = cur_scale
            if entry != cur_scale:
                used = entry if pool_scale == "table" else cur_scale
                notes.append(f"note: {L.name}: table scale {entry:.8g} differs from its input's {cur_scale:.8g};"
                             f" PDP cannot rescale, the next layer takes {used:.8g}"
                             + (" (the pooling entry, as nvdla_compiler)" if pool_scale == "table"
                                else " (the input's, not the compiler's choice)"))
                op.table_scale = entry
                if pool_scale == "table":
                    out_scale = entry
            bscale[op.dst], bshape[op.dst], bop[op.dst] = out_scale, net.shapes[L.name], op
            i += 1
            continue
        if L.type == "LRN":
            so = scale_of(L.name)
            try:
                op = derive_lrn(L.name, L.p, bscale[src], so, net.shapes[L.name])
            except ValueError as e:
                raise CalibError(net.source, f"layer '{L.name}': {e}") from None
            op.src, op.dst = src, L.tops[0]
            ops.append(op)
            bscale[op.dst], bshape[op.dst], bop[op.dst] = so, net.shapes[L.name], op
            i += 1
            continue
        if L.type in ("Softmax", "Power"):
            final = i == len(layers) - 1
            so = scale_of(L.name)
            op = HostOp(L.name, L.type, src, L.tops[0], bscale[src], so,
                        dict(L.p) if L.type == "Power" else {}, final, bshape[src])
            ops.append(op)
            bscale[op.dst], bshape[op.dst], bop[op.dst] = so, net.shapes[L.name], op
            i += 1
            continue
        if L.type == "Dropout":
            bscale[L.tops[0]], bshape[L.tops[0]] = bscale[src], bshape[src]
            if src in bop:
                bop[L.tops[0]] = bop[src]
            i += 1
            continue
        if L.type in REFUSED:
            if not deviations:
                refuse(L, f"not run by the int8 path: {REFUSED[L.type]}")
            ops.append(DeviationOp(L.name, L.type, REFUSED[L.type], own_scale(L.name), dict(L.p)))
            bscale[L.tops[0]], bshape[L.tops[0]] = own_scale(L.name), net.shapes[L.name]
            i += 1
            continue
        raise CalibError(net.source, f"layer '{L.name}' ({L.type}): not supported by the int8 path yet")
    hw = [op for op in ops if not isinstance(op, (HostOp, ConcatOp, DeviationOp))]
    if not hw:
        raise CalibError(net.source, "no layer runs on nv_small")
    last_top = layers[-1].tops[0]
    final_host = isinstance(ops[-1], HostOp) and ops[-1].final and ops[-1].type == "Softmax"
    out_blob = ops[-1].src if final_host else last_top
    last = bop.get(out_blob, hw[-1])
    out_name = (last.out_name if isinstance(last, (ConvOp, EltwiseOp)) else last.name)
    if isinstance(ops[-1], ConcatOp):
        out_name = ops[-1].name
    pf = pixel_scale if pixel_scale is not None else float(layers[0].p.get("scale", 1.0))
    return Plan(net, mode, ops, dict(scales), input_cvt, bscale.get(out_blob, 0.0), out_name, input_mode, pf, notes,
                in_blob, out_blob)


def fold_affine(w, b, folded):
    """Fold BatchNorm (y = (x - mean) / sqrt(var + eps)) and Scale (y = g x + beta) layers that
    follow a convolution into its float weights and bias, per output channel."""
    w = np.asarray(w, np.float64)
    b = np.asarray(b, np.float64)
    for F in folded:
        if F.type == "BatchNorm":
            f = float(F.blobs[2].ravel()[0])
            f = 0.0 if f == 0 else 1.0 / f
            mean, var = F.blobs[0].astype(np.float64) * f, F.blobs[1].astype(np.float64) * f
            g, beta = 1.0 / np.sqrt(var + F.p["eps"]), -mean / np.sqrt(var + F.p["eps"])
        else:
            g = F.blobs[0].astype(np.float64).ravel()
            beta = F.blobs[1].astype(np.float64).ravel() if F.p["bias_term"] else 0.0
        w = w * np.reshape(g, (-1,) + (1,) * (w.ndim - 1))
        b = b * g + beta
    return w.astype(np.float32), np.asarray(b, np.float32)


# ---- command line ------------------------------------------------------------------------------
def parser():
    import argparse
    from calib import common
    ap = argparse.ArgumentParser(prog="python -m calib.quantize", description=(
        "Quantize a Caffe net's weights (per-kernel or per-filter) and derive every nv_small converter "
        "setting from a calibration table; prints each setting with its float meaning."))
    common.add_model_args(ap)
    ap.add_argument("--table", required=True, help="calibration table (NVDLA JSON or TensorRT cache)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"), default="per-kernel")
    ap.add_argument("--input", choices=("pixel", "int8"), default="pixel",
                    help="pixel: first layer reads uint8 pixels through the CDMA converter; int8: host "
                         "supplies int8 input (compiler default: converter identity)")
    ap.add_argument("--npz", help="also save int8 weights, int16 operands and settings to this .npz")
    return ap


def main(argv=None):
    from calib import common, tables
    args = parser().parse_args(argv)
    net = common.load_net(args)
    scales = tables.read_table(args.table, net)
    plan = build_plan(net, scales, args.mode, args.input, args.pixel_scale, table_path=args.table)
    print("\n".join(plan.describe()))
    if args.npz:
        arrs = {}
        for op in plan.ops:
            if isinstance(op, ConvOp):
                arrs[f"{op.name}.weight_int8"] = op.w
                arrs[f"{op.name}.bias_int16"] = np.ravel(op.alu_operand)
                if not op.x1.mul_bypass:
                    arrs[f"{op.name}.mul_int16"] = np.ravel(op.mul_operand)
                arrs[f"{op.name}.settings"] = np.array(
                    [op.x1.alu_shift, op.x1.mul_shift, op.cvt_offset, op.cvt_scale, op.cvt_shift, op.clip_truncate])
        np.savez(args.npz, **arrs)
    return 0


if __name__ == "__main__":
    import sys
    from calib.errors import run_cli
    sys.exit(run_cli(main))
