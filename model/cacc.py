"""CACC of nv_small (int8): accumulator saturation and the output truncation to 32 bits.

* The RTL accumulator is 34-bit signed and saturating (NV_NVDLA_CACC_CALC_int8); the model sums
  exactly and saturates the final sum to 34 bits (the two differ only if a partial sum leaves
  the 34-bit range and comes back, which no sane layer does).
* CLIP_TRUNCATE (CACC.D_CLIP_CFG, 0..31): RSHIFT_RND_SAT(acc, clip, 32) - round half away from
  zero, then saturate to int32. This is what CACC sends to SDP (flying mode).
"""
from __future__ import annotations

import numpy as np

from .fixed import is_saturated, sat, shift_right_round_sat

ACC_BITS = 34
OUT_BITS = 32


def truncate(acc_int64, clip_truncate: int) -> np.ndarray:
    """int64 CACC output: SAT_34 of the accumulation, then RSHIFT_RND_SAT(., clip, 32)."""
    acc = np.asarray(sat(np.asarray(acc_int64, dtype=np.int64), ACC_BITS))  # 34-bit accumulator
    return np.asarray(shift_right_round_sat(acc, int(clip_truncate), OUT_BITS), dtype=np.int64)


def saturation_count(acc_int64, clip_truncate: int) -> int:
    """Number of outputs the 32-bit truncation saturated (CACC.D_OUT_SATURATION)."""
    from .fixed import round_shift
    acc = np.asarray(sat(np.asarray(acc_int64, dtype=np.int64), ACC_BITS))
    return int(np.count_nonzero(is_saturated(round_shift(acc, int(clip_truncate)), OUT_BITS)))
