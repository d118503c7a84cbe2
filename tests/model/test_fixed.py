"""model/fixed.py against hand-computed values (rounding ties, saturation edges, shift extremes)."""
import numpy as np
import pytest

from model.fixed import (is_saturated, round_shift, sat, sext, shift_left_sat,
                         shift_right_round_sat, shift_signed_round_sat, usat)


@pytest.mark.parametrize("v,s,want", [
    (5, 1, 3),        # +2.5 -> 3 (tie away from zero)
    (-5, 1, -3),      # -2.5 -> -3 (negative tie away from zero)
    (-9, 2, -2),      # -2.25 -> -2
    (9, 2, 2),        # 2.25 -> 2
    (-7, 2, -2),      # -1.75 -> -2
    (7, 2, 2),        # 1.75 -> 2
    (-6, 2, -2),      # -1.5 -> -2
    (6, 2, 2),        # 1.5 -> 2
    (-3, 2, -1),      # -0.75 -> -1
    (-1, 1, -1),      # -0.5 -> -1
    (1, 1, 1),        # 0.5 -> 1
    (-1, 2, 0),       # -0.25 -> 0
    (-7, 0, -7),      # s = 0 is the identity
    (0, 5, 0),
    (1 << 40, 41, 1),               # 0.5 -> 1 with a large shift
    (-(1 << 40), 41, -1),           # -0.5 -> -1
    (-(1 << 40) + 1, 41, 0),        # -0.4999.. -> 0
    (123, 63, 0),
    (-123, 63, 0),
    ((1 << 62), 63, 1),             # exactly 0.5 at the largest shift
])
def test_round_shift_scalar(v, s, want):
    assert round_shift(v, s) == want


def test_round_shift_vectorised_per_element_shift():
    got = round_shift(np.array([5, -5, -9, 100]), np.array([1, 1, 2, 0]))
    assert got.tolist() == [3, -3, -2, 100]


def test_round_shift_negative_shift_rejected():
    with pytest.raises(ValueError):
        round_shift(4, -1)


def test_sat_edges():
    assert sat(127, 8) == 127 and sat(128, 8) == 127
    assert sat(-128, 8) == -128 and sat(-129, 8) == -128
    assert sat(32768, 16) == 32767 and sat(-(1 << 40), 16) == -32768
    assert sat(np.array([-200, 0, 200]), 8).tolist() == [-128, 0, 127]
    assert usat(-1, 8) == 0 and usat(256, 8) == 255 and usat(255, 8) == 255


def test_sext():
    assert sext(0xFF, 8) == -1
    assert sext(0x7F, 8) == 127
    assert sext(0x180, 8) == -128      # only the low 8 bits count
    assert sext(0x8000, 16) == -32768


def test_shift_right_round_sat():
    assert shift_right_round_sat(253, 1, 8) == 127     # 126.5 -> 127
    assert shift_right_round_sat(255, 1, 8) == 127     # 127.5 -> 128 -> sat 127
    assert shift_right_round_sat(-255, 1, 8) == -128   # -127.5 -> -128
    assert shift_right_round_sat(-257, 1, 8) == -128   # -128.5 -> -129 -> sat -128
    assert shift_right_round_sat(-253, 1, 8) == -127   # -126.5 -> -127
    assert shift_right_round_sat(300, 0, 8) == 127     # s = 0: saturation only
    assert shift_right_round_sat(-300, 0, 8) == -128


def test_shift_left_sat():
    assert shift_left_sat(1, 6, 8) == 64
    assert shift_left_sat(1, 7, 8) == 127      # 128 saturates
    assert shift_left_sat(-1, 7, 8) == -128    # exactly representable
    assert shift_left_sat(-1, 8, 8) == -128
    assert shift_left_sat(1, 60, 16) == 32767
    assert shift_left_sat(-1, 63, 16) == -32768
    assert shift_left_sat(0, 63, 16) == 0


def test_shift_signed_round_sat():
    assert shift_signed_round_sat(5, 1, 16) == 3       # right, tie away
    assert shift_signed_round_sat(-5, 1, 16) == -3
    assert shift_signed_round_sat(5, -1, 16) == 10     # negative shift = left
    assert shift_signed_round_sat(3, -15, 16) == 32767
    assert shift_signed_round_sat(-3, -15, 16) == -32768


def test_is_saturated():
    assert is_saturated(np.array([-129, -128, 127, 128]), 8).tolist() == [True, False, False, True]
