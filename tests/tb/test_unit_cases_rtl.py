"""Synthetic PDP / CDP / SDP operations (tb/unit_cases.py) on our RTL through the cocotb
testbench: PDP split width (2 and 3 segments), a 300-column PDP output, CDP cubes wider than a
64-column line-buffer chunk (rows crossing 4 KiB), PDP, CDP and SDP run from both ping-pong
register groups in one trace (SDP with per-channel memory operands), PDP splits whose last
segment differs from the middle ones and a 1x1 packed convolution input with a non-packed
surface stride (both also bit-exact on NVIDIA's RTL), CBUF-sharing layers (all data reused,
rows kept after a release), SDP lines of 20 beats, and a convolution whose input is larger
than its data banks (never finishes, as on NVIDIA's RTL: the watchdog ends it). Truth: the golden model's
output bytes (each case's CRC), the model itself byte-exact on NVIDIA's traces; the scoreboard
also compares every checked region with the model fed by the CSB monitor."""
from __future__ import annotations

import numpy as np
import pytest

from tests.tb import assert_all_passed

from model import data

pytestmark = pytest.mark.skipif(not (data.traces_root() / "nv_small").is_dir(),
                                reason="NVIDIA traces not found (set NVDLA_SHARED): the cases "
                                       "take their register programs from them")


def test_cases_are_not_trivial():
    """Each case's golden output is mostly non-zero and varied (a program the model rejected
    or that writes nothing would make the RTL check vacuous)."""
    from tb import unit_cases as u
    from tb.conv_cases import expected
    rng = np.random.default_rng(7)
    cases = [u.pdp_case("p", rng, 20, 6, 16, (3, 3), (2, 2), (1, 1, 1, 1), 0,
                        splits=((8, 6, 6), (4, 3, 3), 3)),
             u.cdp_case("c", rng, 65, 3, 9, trace="cdp_8x8x32_lrn7_int8_0"),
             u.sdp_case("s", rng, per_kernel=True)]
    for c in cases:
        e = expected(c)
        assert e.size == c.out[1]
        assert np.count_nonzero(e) > e.size // 3, c.name
        assert len(np.unique(e)) >= 4, c.name


def test_mutant_killing_cases_tell_their_rule_apart():
    """The cases added for mutants that survived (tb/MUTANTS.md) exercise the rule they are
    for: the 1x1 packed convolution's output differs from the same program read at its strides
    (DAIN_MAP 0: the RTL without its 1x1 pack rule would compute that), and each PDP split has
    a last segment (in and out) other than the middle ones; outputs varied."""
    from tb import unit_cases as u
    from tb.conv_cases import _copy, _get, _set, expected
    c = u.conv_pack1x1_case("p", 61, 40)
    assert (_get(c, "NVDLA_CDMA.D_SURF_STRIDE_0", "SURF_STRIDE"),
            _get(c, "NVDLA_CDMA.D_LINE_STRIDE_0", "LINE_STRIDE")) == (40, 8)
    strided = _copy(c, "q")
    _set(strided, "NVDLA_CDMA.D_DAIN_MAP_0", LINE_PACKED=0, SURF_PACKED=0)
    e, e2 = expected(c), expected(strided)
    assert len(np.unique(e)) >= 4
    assert np.count_nonzero(e != e2) >= 8, "the pack rule does not change the output"
    rng = np.random.default_rng(1)
    for n, w, splits in ((3, 24, ((8, 6, 10), (4, 3, 5), 3)), (4, 24, ((8, 6, 4), (4, 3, 2), 4))):
        p = u.pdp_case(f"s{n}", rng, w, 5, 20, (3, 3), (2, 2), (1, 1, 1, 1), n % 2, splits=splits)
        pin = _get(p, "NVDLA_PDP.D_PARTIAL_WIDTH_IN_0", "PARTIAL_WIDTH_IN_LAST"), \
            _get(p, "NVDLA_PDP.D_PARTIAL_WIDTH_IN_0", "PARTIAL_WIDTH_IN_MID")
        pout = _get(p, "NVDLA_PDP.D_PARTIAL_WIDTH_OUT_0", "PARTIAL_WIDTH_OUT_LAST"), \
            _get(p, "NVDLA_PDP.D_PARTIAL_WIDTH_OUT_0", "PARTIAL_WIDTH_OUT_MID")
        assert pin[0] != pin[1] and pout[0] != pout[1], (pin, pout)
        e = expected(p)
        assert np.count_nonzero(e) > e.size // 3 and len(np.unique(e)) >= 4


@pytest.mark.rtl
def test_unit_cases_verilator(tmp_path):
    from tb.runner import run_traces, sim_available
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    from tb.conv_cases import expects_watchdog
    from tb.unit_cases import make_all
    every = make_all(tmp_path / "cases")
    hang = [d for d in every if expects_watchdog(d)]
    dirs = [d for d in every if d not in hang]
    assert [d.name for d in hang] == ["unit_conv_data_overflow"]
    res = run_traces("verilator", every, None, tag="pytest-unit-cases")
    assert_all_passed(res, dirs)
    # an input larger than its data banks never finishes (as on nv_small): the watchdog ends
    # it, naming the unit and group it waited for (the other cases of the run pass, above)
    for d in hang:
        line = res[d.name]["line"]
        assert not res[d.name]["passed"] and "watchdog" in line and "SDP register group 0" in line, line
