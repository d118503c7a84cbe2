"""CACC of nv_small (int8): accumulator saturation and the output truncation to 32 bits.

* The RTL accumulator is 34-bit signed and saturating (NV_NVDLA_CACC_CALC_int8); the model sums
  exactly and saturates the final sum to 34 bits (the two differ only if a partial sum leaves
  the 34-bit range and comes back, which no sane layer does).
* CLIP_TRUNCATE (CACC.D_CLIP_CFG, 0..31): RSHIFT_RND_SAT(acc, clip, 32) - round half away from
  zero, then saturate to int32. This is what CACC sends to SDP (flying mode).
* RTL detail kept here: the rounding's sticky bit sees only the 15 bits just below the guard
  bit (the RTL shifts {acc, 16'b0} right by clip and keeps 16 fraction bits). For clip <= 16
  that is every bit, the ordinary rounding; for clip 17..31 a negative value whose visible
  fraction bits are exactly a tie rounds away from zero even when lower, invisible bits are
  set (it should then round toward zero; NVIDIA's C model does).
"""
from __future__ import annotations

import numpy as np

from .fixed import is_saturated, sat

ACC_BITS = 34
OUT_BITS = 32
STICKY_BITS = 15


def rtl_round_shift(acc, clip: int) -> np.ndarray:
    """Right shift by ``clip`` rounding half away from zero, with the RTL's 15-bit sticky."""
    a = np.asarray(acc, dtype=np.int64)
    s = int(clip)
    if s == 0:
        return a.copy()
    floor = a >> s
    guard = (a >> (s - 1)) & 1
    nst = min(s - 1, STICKY_BITS)          # sticky bits visible: s-2 .. s-1-nst
    low = s - 1 - nst
    sticky = ((a >> low) & ((1 << nst) - 1)) != 0 if nst > 0 else np.zeros(a.shape, bool)
    point5 = guard.astype(bool) & ((a >= 0) | sticky)   # +0.5 away from zero, exact ties too
    return floor + point5


def truncate(acc_int64, clip_truncate: int) -> np.ndarray:
    """int64 CACC output: SAT_34 of the accumulation, then RSHIFT_RND_SAT(., clip, 32)."""
    acc = np.asarray(sat(np.asarray(acc_int64, dtype=np.int64), ACC_BITS))   # 34-bit accumulator
    return np.asarray(sat(rtl_round_shift(acc, clip_truncate), OUT_BITS), dtype=np.int64)


def saturation_count(acc_int64, clip_truncate: int) -> int:
    """Number of outputs the 32-bit truncation saturated (CACC.D_OUT_SATURATION)."""
    acc = np.asarray(sat(np.asarray(acc_int64, dtype=np.int64), ACC_BITS))
    return int(np.count_nonzero(is_saturated(rtl_round_shift(acc, clip_truncate), OUT_BITS)))
