"""Synthetic PDP / CDP / SDP operations (tb/unit_cases.py) on our RTL through the cocotb
testbench: PDP split width (2 and 3 segments), a 300-column PDP output, CDP cubes wider than a
64-column line-buffer chunk (rows crossing 4 KiB), and PDP, CDP and SDP run from both ping-pong
register groups in one trace (SDP with per-channel memory operands). Truth: the golden model's
output bytes (each case's CRC), the model itself byte-exact on NVIDIA's traces; the scoreboard
also compares every checked region with the model fed by the CSB monitor."""
from __future__ import annotations

import numpy as np
import pytest

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


@pytest.mark.rtl
def test_unit_cases_verilator(tmp_path):
    from tb.runner import run_traces, sim_available
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    from tb.unit_cases import make_all
    dirs = make_all(tmp_path / "cases")
    res = run_traces("verilator", dirs, None, tag="pytest-unit-cases")
    bad = [res[d.name]["line"] if d.name in res else f"{d.name}: no result" for d in dirs
           if d.name not in res or not res[d.name]["passed"]]
    assert not bad, f"{len(bad)} of {len(dirs)} cases failed: " + " | ".join(bad[:4])
    for d in dirs:
        assert res[d.name]["model_checks"] >= 1, f"{d.name}: not compared with the golden model"
