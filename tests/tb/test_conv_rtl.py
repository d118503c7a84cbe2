"""Synthetic convolutions built from Python (tb/conv_cases.py) on our RTL through the cocotb
testbench: random shapes (1..200 channels, 1..70 kernels, neither a multiple of 8), strides,
dilations, padding on every side, pad values, CDMA input converter, CACC clip truncate, D_BANK
splits, packed/strided input cubes and image input in every packed pixel format of the golden
model, with and without mean. Truth: the golden model (its CRC is written into each case, and the
scoreboard compares the RTL's bytes with the model fed by the CSB monitor).

What NVIDIA's shared conv traces do not cover is covered here; nothing is keyed to them."""
from __future__ import annotations

import pytest

from tests.tb import assert_all_passed

CASES = 10          # per seed


def _skip(sim: str):
    from tb.runner import sim_available
    why = sim_available(sim)
    if why:
        pytest.skip(why)


def _run(tmp_path, sim: str, case_seed: int, n: int, mem_seed, pixel=None, tag="", pdp=False,
         wide=False):
    from tb.conv_cases import make_cases
    from tb.runner import run_traces
    dirs = make_cases(tmp_path / "cases", n, case_seed, pixel, pdp, wide)
    res = run_traces(sim, dirs, mem_seed, tag=f"pytest-conv{tag}-{case_seed}-{mem_seed}")
    assert_all_passed(res, dirs)
    return res


@pytest.mark.rtl
@pytest.mark.parametrize("case_seed,mem_seed", [(1, None), (2, None), (3, 5)])
def test_synthetic_conv_verilator(tmp_path, case_seed, mem_seed):
    _skip("verilator")
    _run(tmp_path, "verilator", case_seed, CASES, mem_seed)


@pytest.mark.rtl
def test_synthetic_image_conv_verilator(tmp_path):
    """Image input only: every pixel format path, means, sign override, x offset."""
    _skip("verilator")
    _run(tmp_path, "verilator", 11, CASES, None, pixel=True, tag="-img")


@pytest.mark.rtl
@pytest.mark.parametrize("mem_seed", [None, 2])
def test_synthetic_wide_conv_verilator(tmp_path, mem_seed):
    """1..8192 channels and 1..8192 kernels on tiny planes (1x1 packed cubes, weights streamed
    through the weight-bank ring many times over)."""
    _skip("verilator")
    _run(tmp_path, "verilator", 41, 8, mem_seed, tag="-wide", wide=True)


@pytest.mark.rtl
def test_synthetic_conv_icarus(tmp_path):
    """Quick Icarus subset: one feature and one image case."""
    _skip("icarus")
    from tb.conv_cases import random_case, write_trace
    from tb.runner import run_traces
    import numpy as np
    rng = np.random.default_rng(21)
    dirs = [write_trace(random_case(rng, "conv_icarus_feat", pixel=False), tmp_path),
            write_trace(random_case(rng, "conv_icarus_img", pixel=True), tmp_path)]
    res = run_traces("icarus", dirs, None, tag="pytest-conv-icarus")
    for d in dirs:
        assert d.name in res and res[d.name]["passed"], res.get(d.name, {}).get("line")
        assert res[d.name]["model_checks"] >= 1


@pytest.mark.rtl
def test_conv_that_cannot_finish_fails_through_the_watchdog(tmp_path):
    """Documented RTL behaviour: a layer whose kernel group (8 kernels x C*R*S bytes) does not fit
    the weight banks never finishes; the testbench's watchdog fails it naming the unit it waited
    for, the group and the cycles, without hanging; the next case of the same run still passes."""
    _skip("verilator")
    import numpy as np
    from tb.conv_cases import random_case, write_trace
    from tb.runner import run_traces
    rng = np.random.default_rng(5)
    while True:
        case = random_case(rng, "conv_wt_overflow", pixel=False)
        w = dict(case.writes)
        c = (w["NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0"] & 0x1FFF) + 1
        r = ((w["NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0"] >> 16) & 0x1F) + 1
        s = (w["NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0"] & 0x1F) + 1
        if 8 * c * r * s > 2 * 4096:             # a kernel group needs more than 2 banks
            break
    # one weight bank (WEIGHT_BANK = 0) in CDMA and CSC
    case.writes = [(n, v & ~(0x1F << 16) if n.endswith(".D_BANK_0") else v) for n, v in case.writes]
    bad = write_trace(case, tmp_path)
    ok = write_trace(random_case(np.random.default_rng(6), "conv_after", pixel=False), tmp_path)
    res = run_traces("verilator", [bad, ok], None, tag="pytest-conv-wd")
    line = res[bad.name]["line"]
    assert not res[bad.name]["passed"]
    assert "watchdog" in line and "SDP register group 0" in line and " cycles" in line, line
    assert res[ok.name]["passed"], res[ok.name]["line"]


@pytest.mark.rtl
def test_synthetic_conv_to_pdp_on_the_fly_verilator(tmp_path):
    """CACC -> SDP -> PDP, both on the fly (SDP OUTPUT_DST = PDP, PDP ON_FLYING max/min pooling
    with padding): PDP writes memory and raises the interrupt."""
    _skip("verilator")
    _run(tmp_path, "verilator", 31, 6, None, tag="-pdp", pdp=True)


@pytest.mark.rtl
@pytest.mark.parametrize("mem_seed", [None, 3])
def test_conv_layers_in_both_register_groups_verilator(tmp_path, mem_seed):
    """Three convolutions (the second one on the fly into PDP) programmed back to back into
    alternating register groups (conv units and SDP: 0, 1, 0; PDP: its group 0), each armed
    while the previous one may still run, as a network runs them: every output equals the
    golden model's."""
    _skip("verilator")
    import numpy as np
    from tb.conv_cases import random_case, write_chain
    from tb.runner import run_traces
    rng = np.random.default_rng(61)
    cases = [random_case(rng, f"l{i}", pdp=(i == 1)) for i in range(3)]
    d = write_chain(cases, tmp_path, "conv_chain")
    res = run_traces("verilator", [d], mem_seed, tag=f"pytest-conv-chain-{mem_seed}")
    assert d.name in res and res[d.name]["passed"], res.get(d.name, {}).get("line")
    assert res[d.name]["model_checks"] >= 3


@pytest.mark.rtl
@pytest.mark.parametrize("mem_seed", [None, 1, 2, 3])
def test_layers_sharing_cbuf_verilator(tmp_path, mem_seed):
    """Convolutions that share CBUF (tb/conv_cases.reuse_chain), each chain in alternating
    register groups: a feature input split in height over two layers (the second fetches only
    its new rows, reuses the slices the first did not release (D_RELEASE) and usually its
    weights: WEIGHT_REUSE after SKIP_WEIGHT_RLS, its own weight address holding other bytes),
    all data reused after SKIP_DATA_RLS (the second layer's input address holding other bytes),
    and three layers on the same data banks whose inputs run past the end of the data ring
    (feature cubes, and image lines). Every output equals the golden model's, which equals the stand-alone layers'
    (tests/model/test_cbuf.py); fixed and random memory timing."""
    _skip("verilator")
    import numpy as np
    from tb.conv_cases import reuse_chain, write_chain
    from tb.runner import run_traces
    dirs = []
    for kind in ("split", "full", "ring", "ring_pixel"):
        for seed in (1, 2, 3):
            cases, _ = reuse_chain(np.random.default_rng(100 + seed), kind[:4] if kind == "ring_pixel"
                                   else kind, f"{kind}{seed}", wrap_pixel=kind == "ring_pixel")
            dirs.append(write_chain(cases, tmp_path, f"cbuf_{kind}{seed}"))
    res = run_traces("verilator", dirs, mem_seed, tag=f"pytest-conv-cbuf-{mem_seed}")
    assert_all_passed(res, dirs, "chains", model_checks=2)


@pytest.mark.rtl
@pytest.mark.parametrize("mem_seed", [None, 2])
def test_image_conv_with_post_y_extension_verilator(tmp_path, mem_seed):
    """Image input with CSC post Y-extension (kernel rows 2 or 4 at a time, C <= 8 / ext) and
    its weights in the Y-extension layout: the RTL's output equals the golden model's, which
    equals the same convolution without Y-extension (tb.conv_cases.y_extension_case)."""
    _skip("verilator")
    import numpy as np
    from tb.conv_cases import expected, write_trace, y_extension_case
    from tb.runner import run_traces
    dirs = []
    for code in (1, 2):
        for seed in (1, 2, 3, 4):
            ye, plain = y_extension_case(np.random.default_rng(200 + seed), f"yext_s{seed}", code)
            assert np.array_equal(expected(ye), expected(plain)), ye.name
            dirs.append(write_trace(ye, tmp_path))
    res = run_traces("verilator", dirs, mem_seed, tag=f"pytest-conv-yext-{mem_seed}")
    assert_all_passed(res, dirs, model_checks=None)
