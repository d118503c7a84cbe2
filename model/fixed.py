"""Integer arithmetic primitives of nv_small's datapaths, numpy-vectorised.

Every rounding and saturation point of the engines goes through one of these, so a reader
can find the rule in one place. All functions take Python ints or numpy integer arrays and
compute in int64 (every nv_small intermediate fits: the widest is the 56-bit CDP LUT
interpolation); results are int64 arrays (or ints for scalar input).
"""
from __future__ import annotations

import numpy as np

_I64 = np.int64


def _arr(v):
    return np.asarray(v, dtype=_I64)


def _out(r, like):
    return int(r) if np.ndim(like) == 0 and not isinstance(like, np.ndarray) else r


def sat(v, width: int):
    """SAT(v, n): clamp to the two's-complement range [-2^(n-1), 2^(n-1)-1]."""
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    return _out(np.clip(_arr(v), lo, hi), v)


def usat(v, width: int):
    """Clamp to the unsigned range [0, 2^n - 1]."""
    return _out(np.clip(_arr(v), 0, (1 << width) - 1), v)


def sext(v, width: int):
    """Take the low ``width`` bits of v as a two's-complement number (wrap, no saturation)."""
    a = _arr(v) & ((1 << width) - 1)
    return _out(np.where(a >> (width - 1), a - (1 << width), a), v)


def is_saturated(v, width: int):
    """True where v lies outside the signed ``width``-bit range (used by saturation counters)."""
    a = _arr(v)
    return (a < -(1 << (width - 1))) | (a > (1 << (width - 1)) - 1)


def round_shift(v, shift):
    """Arithmetic right shift by ``shift`` >= 0 rounding to nearest, ties away from zero.

    Integer form of ac_fixed AC_RND_INF: f = floor(v / 2^s); guard g = bit s-1 of v;
    sticky st = any of bits s-2..0; result f + (g and (v >= 0 or st)).
    +2.5 -> 3, -2.5 -> -3, -2.25 -> -2. ``shift`` may be an array (per-element shifts).
    """
    a = _arr(v)
    if np.ndim(shift) == 0:                      # one shift for all elements (the usual case)
        n = int(shift)
        if n < 0:
            raise ValueError("round_shift: negative shift")
        if n == 0:
            return _out(a.copy() if a is v else a, v)
        guard = (a >> _I64(n - 1)) & 1
        if n > 1:
            guard = guard & ((a >= 0) | ((a & ((_I64(1) << _I64(n - 1)) - 1)) != 0))
        else:
            guard = guard & (a >= 0)
        return _out((a >> _I64(n)) + guard, v)
    s = _arr(shift)
    if np.any(s < 0):
        raise ValueError("round_shift: negative shift")
    s_m1 = np.maximum(s - 1, 0)
    floor = a >> s
    guard = np.where(s > 0, (a >> s_m1) & 1, 0)
    sticky = np.where(s > 1, (a & ((_I64(1) << s_m1) - 1)) != 0, False)
    return _out(floor + (guard & ((a >= 0) | sticky)), v)


def shift_right_round_sat(v, shift, width: int):
    """RSHIFT_RND_SAT(v, s, n): round-half-away-from-zero right shift, then saturate to n bits.

    Rounding happens before saturation. s = 0 gives sat_n(v).
    """
    return sat(round_shift(v, shift), width)


def shift_left_sat(v, shift, width: int):
    """LSHIFT_SAT(v, s, n): v * 2^s saturated to n bits (shift in 0..63)."""
    a = _arr(v)
    s = _arr(shift)
    lim = 1 << (width - 1)
    # Shifting by >= 48 would overflow int64; any nonzero v saturates long before that.
    big = s >= 48
    shifted = np.where(big, np.sign(a) * lim * 2, a << np.where(big, 0, s))
    return sat(_out(shifted, v), width)


def shift_signed_round_sat(v, shift, width: int):
    """Shift by a signed amount: shift >= 0 is a rounding right shift, shift < 0 a left shift;
    the result saturates to ``width`` bits (CDP LUT CONV(v, s, n), with s a signed field)."""
    a = _arr(v)
    s = _arr(shift)
    right = round_shift(a, np.maximum(s, 0))
    left = a << np.maximum(-s, 0)
    return sat(_out(np.where(s >= 0, right, left), v), width)
