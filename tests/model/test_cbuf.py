"""CBUF residency between convolutions (model/cbuf.py, model/conv.py): data reuse (all data,
or the slices a layer did not release, as nvdla_compiler's height split), weight reuse, slice
release and the data ring, against an independent reference: each reusing layer gives the
output of a stand-alone layer that fetches the same rows (and weights) from memory."""
from __future__ import annotations

import numpy as np
import pytest

from model.cbuf import ConvBuffer
from model.cdma import ConfigError
from tb.conv_cases import _banks, _misc, _set, chain_outputs, expected, random_case, reuse_chain


def _first_diff(a, b):
    d = np.flatnonzero(a != b)
    return f"{d.size} bytes differ, first at {d[0]}: {a[d[0]]} vs {b[d[0]]}" if d.size else ""


@pytest.mark.parametrize("kind", ["split", "full", "ring", "ring_pixel"])
@pytest.mark.parametrize("seed", range(1, 7))
def test_reusing_layer_equals_stand_alone_layer(kind, seed):
    cases, refs = reuse_chain(np.random.default_rng(seed), kind[:4] if kind == "ring_pixel" else kind,
                              f"{kind}{seed}", wrap_pixel=kind == "ring_pixel")
    outs = chain_outputs(cases)
    for c, ref, got in zip(cases, refs, outs):
        want = expected(ref)
        assert np.array_equal(got, want), f"{c.name}: {_first_diff(got, want)}"


@pytest.mark.parametrize("seed", range(1, 5))
def test_reuse_is_not_a_fetch(seed):
    """The test above can fail: layer B run on an empty CBUF (the reuse bits have no effect on a
    first layer, it fetches) gives other bytes than B after A, for data and weight reuse alike
    (B's input / weight addresses hold other bytes than what A left in CBUF)."""
    for kind in ("split", "full"):
        cases, refs = reuse_chain(np.random.default_rng(seed), kind, f"{kind}{seed}")
        after_a = chain_outputs(cases)[1]
        alone = expected(cases[1])
        assert not np.array_equal(after_a, alone), kind


def test_input_larger_than_the_data_banks_is_refused():
    case = random_case(np.random.default_rng(3), "big", pixel=False)
    _banks(case, 1, 1)                    # one data bank: 512 entries
    _set(case, "NVDLA_CDMA.D_DATAIN_SIZE_0_0", DATAIN_WIDTH=63, DATAIN_HEIGHT=63)   # 64x64 atoms
    with pytest.raises(ConfigError, match="never starts"):
        expected(case)


def test_weight_reuse_after_release_is_refused():
    cases, _ = reuse_chain(np.random.default_rng(2), "full", "f")
    _misc(cases[0], SKIP_WEIGHT_RLS=0)
    _misc(cases[1], WEIGHT_REUSE=1)
    with pytest.raises(ConfigError, match="released"):
        chain_outputs(cases)


def test_skip_weight_release_with_weights_beyond_the_banks_is_refused():
    rng = np.random.default_rng(9)
    while True:
        case = random_case(rng, "w", pixel=False)
        wb = dict(case.writes)["NVDLA_CSC.D_WEIGHT_BYTES_0"]
        if wb > 4096:
            break
    _banks(case, 1, 1)
    _set(case, "NVDLA_CDMA.D_DATAIN_SIZE_0_0", DATAIN_WIDTH=0, DATAIN_HEIGHT=0)
    _misc(case, SKIP_WEIGHT_RLS=1)
    with pytest.raises(ConfigError, match="SKIP_WEIGHT_RLS"):
        expected(case)


def test_ring_pointers_by_hand():
    """Two layers of 300 entries on one data bank (512): the second starts at 300 and wraps;
    D_RELEASE 2 of 3 slices leaves one slice for a partial reuse; SKIP_DATA_RLS keeps all."""
    cb = ConvBuffer()
    cfg = dict(data_bank=1, weight_bank=1, pixel=0, data_reuse=0, weight_reuse=0,
               skip_data_rls=0, skip_weight_rls=0, rls_slices=3)
    L = cb.plan(cfg, ConfigError)
    assert (L.data, L.base, L.kept) == ("fetch", 0, 0)
    cb.write(np.full((300, 8), 1, np.int8), ConfigError, "t")
    cb.finish(cfg, 3, 100, None, ConfigError)
    assert (cb.base, cb.wr, cb.left) == (300, 300, 0)
    L = cb.plan(cfg, ConfigError)
    cb.write(np.arange(300 * 8, dtype=np.int64).reshape(300, 8).astype(np.int8), ConfigError, "t")
    assert cb.wr == 88                                          # 600 mod 512
    assert np.array_equal(cb.read([212])[0], np.arange(212 * 8, 213 * 8).astype(np.int8))  # entry 0
    cb.finish(dict(cfg, rls_slices=2), 3, 100, None, ConfigError)
    assert (cb.base, cb.left) == (500, 100)
    L = cb.plan(dict(cfg, data_reuse=1), ConfigError)
    assert (L.data, L.base, L.kept) == ("partial", 500, 100)
    cb.write(np.zeros((100, 8), np.int8), ConfigError, "t")    # one new slice after the kept one
    assert cb.wr == 188
    cb.finish(dict(cfg, skip_data_rls=1), 2, 100, None, ConfigError)
    L = cb.plan(dict(cfg, data_reuse=1), ConfigError)
    assert (L.data, L.base, L.kept) == ("full", 500, 200)
    with pytest.raises(ConfigError, match="D_RELEASE"):
        cb.finish(cfg, 2, 100, None, ConfigError)               # 3 slices of 2
    cb.finish(dict(cfg, rls_slices=2), 2, 100, None, ConfigError)
    assert (cb.base, cb.left) == (188, 0)
    L = cb.plan(dict(cfg, data_bank=2), ConfigError)            # bank change: empty, from 0
    assert (L.data, L.base, L.kept, cb.wr) == ("fetch", 0, 0, 0)


def test_next_layer_after_stale_weight_entries_is_refused():
    """Chain full2 (reuse_chain rng 102) made plain: A (43 kernels of 10 x 2 x 1 = 860 bytes,
    WEIGHT_BYTES 896) releases its weights at its end, B on the same banks fetches its own. CSC
    released ceil(860 / 8) = 108 of the 112 entries CDMA wrote: on NVIDIA's nv_small RTL B's
    output is that of its weights behind A's last 4 entries (measured, tb.conv_cases
    _stale_weight_entries); the model refuses it. With A keeping its weights (SKIP_WEIGHT_RLS
    = 1, released whole at B's start) B is its stand-alone self (also bit-exact on NVIDIA)."""
    cases, refs = reuse_chain(np.random.default_rng(102), "full", "f")
    a, b = cases
    _misc(a, SKIP_DATA_RLS=0, SKIP_WEIGHT_RLS=0)
    _misc(b, DATA_REUSE=0, WEIGHT_REUSE=0)
    with pytest.raises(ConfigError, match=r"^CSC.D_WEIGHT_BYTES: the previous convolution fetched 4 "):
        chain_outputs([a, b])
    _misc(a, SKIP_WEIGHT_RLS=1)
    got = chain_outputs([a, b])[1]
    want = expected(b)
    assert np.array_equal(got, want), _first_diff(got, want)


@pytest.mark.parametrize("kind", ["split", "full", "ring", "ring_pixel"])
def test_chains_leave_no_stale_weight_entries(kind):
    """Every layer of the regression's chains that another layer follows keeps its weights or
    releases all CDMA fetched (else the model refuses the chain: test above)."""
    from tb.conv_cases import _stale_weight_entries, _get
    for seed in range(100, 110):
        cases, _ = reuse_chain(np.random.default_rng(seed), kind[:4] if kind == "ring_pixel" else kind,
                               f"{kind}{seed}", wrap_pixel=kind == "ring_pixel")
        for c in cases[:-1]:
            assert _get(c, "NVDLA_CSC.D_MISC_CFG_0", "SKIP_WEIGHT_RLS") or not _stale_weight_entries(c), c.name
