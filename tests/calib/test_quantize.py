"""Weight/bias quantization and converter settings against hand-computed values (rules read
from nvdla_compiler, see calib/quantize.py)."""
import numpy as np
import pytest

from calib.quantize import quantize_bias, quantize_weights, scale_and_shift


@pytest.mark.parametrize("x,expect", [
    (0.5, (16384, 15)),        # floor(log2 .5) + 1 = 0 bits -> shift 15, 0.5 * 2^15
    (3.0, (24576, 13)),        # 2 bits -> shift 13, 3 * 2^13
    (-0.75, (-24576, 15)),
    (1.0, (16384, 14)),        # 1 bit -> shift 14
    (2.0**-10, (16384, 24)),   # -9 bits -> shift 24
    (0.1, (26214, 18)),        # -3 bits -> shift 18; 0.1 * 262144 = 26214.4 -> truncated
])
def test_scale_and_shift(x, expect):
    assert scale_and_shift(x) == expect


def test_scale_and_shift_imposed_shift_and_limits():
    assert scale_and_shift(0.25, 10) == (256, 10)
    assert scale_and_shift(0.3, 4) == (4, 4)             # 4.8 truncated toward zero
    with pytest.raises(ValueError):
        scale_and_shift(40000.0)                         # 16 bits before the point: no int16 scale


def test_per_kernel_weights_by_hand():
    # max |w| = 127/128 -> Sw = 2^-7 exactly; q = floor(w * 128 + 0.5), clamped
    w = np.array([[0.9921875, -0.50390625], [0.25, -0.00390625]], np.float32).reshape(2, 2, 1, 1)
    q, sw = quantize_weights(w, "per-kernel")
    assert sw.tolist() == [2.0**-7, 2.0**-7]
    assert q.ravel().tolist() == [127, -64, 32, 0]      # -64.5 -> -64 and -0.5 -> 0 (round half up)


def test_per_filter_weights_by_hand():
    w = np.array([[0.9921875, -0.50390625], [0.25, -0.12890625]], np.float32).reshape(2, 2, 1, 1)
    q, sw = quantize_weights(w, "per-filter")
    # filter 1: max 0.25 -> Sw = 0.25/127; 0.25 -> 127, -0.12890625 -> -65.48 -> -65
    assert sw[0] == np.float32(2.0**-7)
    assert sw[1] == np.float32(0.25) / np.float32(127)
    assert q.reshape(2, 2).tolist() == [[127, -64], [127, -65]]


def test_bias_by_hand():
    # Si*Sw = 2^-10: b32 = b * 1024 = [1024, -512, 102400]; |max| 102400 -> ceil(log2) = 17, +1 = 18 bits
    # -> shift 18 - 16 = 2; b16 = b32 >> 2
    b16, shift, b32 = quantize_bias(np.array([1.0, -0.5, 100.0]), 2.0**-5, np.full(3, 2.0**-5, np.float32))
    assert b32.tolist() == [1024, -512, 102400]
    assert shift == 2
    assert b16.tolist() == [256, -128, 25600]
    b16, shift, _ = quantize_bias(np.array([0.0, 0.0]), 1.0, np.ones(2, np.float32))
    assert shift == 0 and b16.tolist() == [0, 0]
