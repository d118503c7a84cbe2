"""Calibrators against hand-constructed histograms and activations."""
import numpy as np
import pytest

from calib.calibrators import HistogramCollector, calibrate, entropy_threshold, percentile_threshold
from calib.net import Layer, Net


def test_entropy_all_mass_below_128_bins():
    # Every candidate i >= 128 sees the whole distribution unclipped and, at i = 128, one bin per
    # level: Q == P, KL = 0 at the first candidate -> threshold (128 + 0.5) bins.
    h = np.zeros(2048)
    h[1:100] = np.arange(1, 100)
    assert entropy_threshold(h, 0.01) == pytest.approx(128.5 * 0.01)


def test_entropy_uniform_keeps_everything():
    # Uniform over all 2048 bins: only i = 2048 has no folded outliers (KL = 0, 16 equal bins per
    # level); any smaller i piles the tail into the last bin, which Q spreads out -> KL > 0.
    h = np.ones(2048)
    assert entropy_threshold(h, 1.0) == pytest.approx(2048.5)


def test_entropy_drops_the_zero_bin():
    # A huge spike of zeros in bin 0 and a flat tail over bins 1..1999: with bin 0 dropped the
    # flat part decides (nothing to clip, threshold at the end); keeping the zeros lets clipping win.
    h = np.zeros(2048)
    h[0] = 1e7
    h[1:2000] = 1.0
    t_drop = entropy_threshold(h, 1.0, drop_zero_bin=True)
    t_keep = entropy_threshold(h, 1.0, drop_zero_bin=False)
    assert t_drop >= 1999.5
    assert t_keep < t_drop


def test_percentile_by_hand():
    h = np.zeros(2048, dtype=np.int64)
    h[9] = 99          # 99 % of the mass ends at the upper edge of bin 9
    h[2000] = 1
    assert percentile_threshold(h, 0.5, 99.0) == 5.0       # (9 + 1) * 0.5
    assert percentile_threshold(h, 0.5, 100.0) == 1000.5   # (2000 + 1) * 0.5


def test_histogram_accumulates_across_batches():
    c = HistogramCollector(nbins=4)
    for a in (np.array([1.0, -2.0]), np.array([4.0, 0.5])):
        c.observe_max(a)
    for a in (np.array([1.0, -2.0]), np.array([4.0, 0.5])):
        c.observe_hist(a)
    assert c.amax == 4.0
    assert c.hist.tolist() == [1, 1, 1, 1]    # bins [0,1) [1,2) [2,3) [3,4]


class _Net(Net):
    """data -> ip (identity weights, bias -1) -> relu in place -> max pool 1x1 (keeps scale)."""


def _tiny_net():
    L = [Layer("data", "Input", [], ["data"], {"shape": (1, 2, 1, 1)}),
         Layer("ip", "InnerProduct", ["data"], ["ip"], {"num_output": 2, "bias_term": True, "transpose": False},
               [np.eye(2, dtype=np.float32), np.array([-1.0, -1.0], np.float32)]),
         Layer("relu", "ReLU", ["ip"], ["ip"]),
         Layer("pool", "Pooling", ["ip"], ["pool"], {"method": "max", "global": False, "kernel": (1, 1),
                                                      "stride": (1, 1), "pad": (0, 0), "round": "ceil"})]
    net = _Net(L, (2, 1, 1))
    net.shapes = {"data": (2, 1, 1), "ip": (2, 1, 1), "relu": (2, 1, 1), "pool": (2, 1, 1)}
    return net


def test_minmax_inplace_relu_and_pool_scale():
    net = _tiny_net()
    data = [np.array([[3.0, -5.0]], np.float32).reshape(1, 2, 1, 1),
            np.array([[0.5, 2.0]], np.float32).reshape(1, 2, 1, 1)]
    s = calibrate(net, lambda: iter(data), "minmax")
    assert s["data"] == np.float32(5.0 / 127)       # max |x| over both batches
    assert s["ip"] == np.float32(6.0 / 127)         # -5 - 1
    assert s["relu"] == np.float32(2.0 / 127)       # max(0, 3 - 1), the in-place ReLU's own entry
    assert s["pool"] == s["relu"]                   # max pooling keeps its input's scale
