"""tb/conv_bench.py: the MAC and memory bounds of conv traces, against values worked out by hand
from the trace names and NVIDIA's register writes (no simulator)."""
from __future__ import annotations

import pytest

from model import data


def _trace(sub: str, name: str):
    d = data.traces_root() / sub / name
    if not (d / f"{name}.cfg").is_file():
        pytest.skip(f"{d} not found")
    return d


def test_bounds_of_the_270_kernel_trace():
    from tb.conv_bench import conv_bounds
    b = conv_bounds(_trace("nv_small-synth", "dc_32x26x76_6x3x76x270_int8_0"))
    # C=76 -> 10 atoms, K=270 -> 34 groups, R*S = 3*6, output 29 x 28 (CSC DATAOUT 0x1b001c)
    assert b["mac"] == 10 * 34 * 18 * 29 * 28 == 4_969_440
    # input 32x26 with 10 surfaces of 8 bytes, WEIGHT_BYTES 0x5a300, output 34 surfaces x 812 px
    assert b["mem"] == (10 * 8 * 32 * 26 + 0x5A300 + 34 * 8 * 812) // 8


def test_bounds_of_the_8192_channel_trace():
    from tb.conv_bench import conv_bounds
    b = conv_bounds(_trace("nv_small", "dc_4x1x8192_1x1x8192x1_int8_0"))
    # 1024 channel atoms x 1 kernel group x 1x1 x 2 outputs; 32 KiB data + 8 KiB weights + 16 B out
    assert b["mac"] == 1024 * 2
    assert b["mem"] == (32768 + 8192 + 16) // 8


def test_bounds_of_an_image_trace():
    from tb.conv_bench import conv_bounds
    b = conv_bounds(_trace("nv_small-synth", "img_51x96x4_1x10x4x32_A8B8G8R8_mean_int8"))
    # kernel width folded: C = 116 -> 15 atoms, K = 32 -> 4, R = 10, S = 1, output 12 x 44
    assert b["mac"] == 15 * 4 * 10 * 12 * 44
    assert b["mem"] == (51 * 96 * 4 + 0x9100 + 4 * 8 * 12 * 44) // 8


def test_non_conv_trace_has_no_bounds():
    from tb.conv_bench import conv_bounds
    assert conv_bounds(_trace("nv_small", "sdp_1x1x1_pass_through_int8")) is None
