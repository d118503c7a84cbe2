"""The functional-coverage hole cases (tb/funcov_cases.py) on our RTL: SDP operands from memory
in every DMA mode and ALU algorithm, PDP kernels/strides 1-8 and split width from memory, CDP
bypass modes, convolutions with strides 5-8, kernels 6-9, dilations 2-6, padding 3-5 and every
pixel format.  Truth: the golden model (its CRC in each case; the scoreboard also compares the
bytes with the model fed by the CSB monitor)."""
from __future__ import annotations

import pytest

from tests.tb import assert_all_passed

from model import data

KINDS = ("sdp", "pdp", "conv", "cdp")


@pytest.mark.rtl
@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_funcov_hole_cases_verilator(tmp_path, kind):
    from tb.runner import sim_available
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    from tb.funcov_cases import make_all
    from tb.runner import run_traces
    traces = data.traces_root() / "nv_small"
    if kind == "cdp" and not (traces / "cdp_8x8x32_lrn3_int8_0").is_dir():
        pytest.skip(f"NVIDIA trace cdp_8x8x32_lrn3_int8_0 not found under {traces}")
    dirs = make_all(tmp_path, 1, traces)[kind]
    res = run_traces("verilator", dirs, None, tag=f"pytest-funcov-{kind}")
    assert_all_passed(res, dirs)
