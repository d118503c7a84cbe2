"""Calibrators: per-layer activation scales from a calibration data set, accumulated over
batches (two passes: the per-tensor max|x|, then fixed-range histograms).

Scale convention (TensorRT/NVDLA): real value = int8 value × scale, scale = threshold / 127.

entropy    TensorRT's EntropyCalibration2 procedure, as established for this project:
           |x| histogram with 2048 bins over [0, max|x|]; bin 0 (the zeros) is dropped - with it
           the input and post-ReLU scales come out 2-4x too small; for every candidate i in
           128..2048 the reference P is bins [0, i) with all outliers (bins >= i) added to the
           last kept bin, the candidate Q is built from the *unclipped* bins [0, i) merged into
           128 levels (each level's mass spread evenly over its non-empty bins); the i with the
           least KL(P || Q) gives threshold = (i + 0.5) × bin width.
minmax     threshold = max|x| over the set.
percentile threshold = the p-th percentile of |x| (from the same 2048-bin histogram, upper bin
           edge), default 99.99.
A max pooling keeps its input's scale (TensorRT's table gives pool1 the scale of conv1): the
int8 datapath cannot rescale inside PDP, so calibrate() copies it.
"""
from __future__ import annotations

import numpy as np

NBINS = 2048
NLEVELS = 128


class HistogramCollector:
    """|x| statistics of one tensor, accumulated batch by batch."""

    def __init__(self, nbins: int = NBINS):
        self.nbins = nbins
        self.amax = 0.0
        self.hist = None

    def observe_max(self, a: np.ndarray):
        if a.size:
            self.amax = max(self.amax, float(np.max(np.abs(a))))

    def observe_hist(self, a: np.ndarray):
        if self.hist is None:
            self.hist = np.zeros(self.nbins, dtype=np.int64)
        if self.amax == 0:
            return
        h, _ = np.histogram(np.abs(a).ravel(), bins=self.nbins, range=(0.0, self.amax))
        self.hist += h

    @property
    def bin_width(self) -> float:
        return self.amax / self.nbins


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    """KL(P||Q) of two unnormalised histograms; where P > 0 but Q = 0 a small epsilon stands for
    Q (the bin could not be represented), so such candidates are penalised, not infinite."""
    ps, qs = p.sum(), q.sum()
    if ps == 0 or qs == 0:
        return np.inf
    p = p / ps
    q = q / qs
    m = p > 0
    qm = np.where(q[m] > 0, q[m], 1e-12)
    return float(np.sum(p[m] * np.log(p[m] / qm)))


def entropy_threshold(hist: np.ndarray, bin_width: float, drop_zero_bin: bool = True,
                      nlevels: int = NLEVELS) -> float:
    """EntropyCalibration2 threshold from an |x| histogram (see module doc)."""
    h = hist.astype(np.float64).copy()
    if drop_zero_bin:
        h[0] = 0.0
    n = len(h)
    if h.sum() == 0:
        return n * bin_width
    best_i, best_kl = n, np.inf
    tail = np.concatenate([np.cumsum(h[::-1])[::-1], [0.0]])   # tail[i] = sum(h[i:])
    for i in range(nlevels, n + 1):
        p = h[:i].copy()
        p[i - 1] += tail[i]                      # outliers folded into the last kept bin
        ref = h[:i]                              # Q is built from the unclipped bins
        merge = i // nlevels                     # bins per level; the last level takes the rest
        lvl = np.minimum(np.arange(i) // merge, nlevels - 1)
        nz = ref > 0
        mass = np.bincount(lvl, weights=ref, minlength=nlevels)
        cnt = np.bincount(lvl, weights=nz, minlength=nlevels)
        # each level's mass spread evenly over its non-empty bins; empty bins stay empty
        q = np.where(nz, mass[lvl] / np.maximum(cnt[lvl], 1), 0.0)
        kl = _kl(p, q)
        if kl < best_kl:
            best_kl, best_i = kl, i
    return (best_i + 0.5) * bin_width


def percentile_threshold(hist: np.ndarray, bin_width: float, pct: float) -> float:
    c = np.cumsum(hist)
    if c[-1] == 0:
        return len(hist) * bin_width
    i = int(np.searchsorted(c, c[-1] * pct / 100.0))
    return (i + 1) * bin_width


def calibrate(net, batches, method: str = "entropy", percentile: float = 99.99,
              drop_zero_bin: bool = True, pool_keeps_scale: bool = True) -> dict[str, float]:
    """Scales {layer name: scale} for every layer of ``net`` (input layer included).

    ``batches`` is a callable returning a fresh iterator of float input batches (N, C, H, W)
    (two passes are made). Softmax outputs are calibrated like any other tensor (range [0, 1]).
    """
    names = [L.name for L in net.layers]
    cols = {n: HistogramCollector() for n in names}
    for x in batches():
        acts = net.forward(x)
        for n in names:
            cols[n].observe_max(acts[n])
    if method in ("entropy", "percentile"):
        for x in batches():
            acts = net.forward(x)
            for n in names:
                cols[n].observe_hist(acts[n])
    scales = {}
    for n in names:
        c = cols[n]
        if c.amax == 0:
            thr = 1.0
        elif method == "minmax":
            thr = c.amax
        elif method == "entropy":
            thr = entropy_threshold(c.hist, c.bin_width, drop_zero_bin)
        elif method == "percentile":
            thr = percentile_threshold(c.hist, c.bin_width, percentile)
        else:
            raise ValueError(f"unknown calibration method {method!r}")
        # stored as float32, the precision of both table formats
        scales[n] = float(np.float32(thr / 127.0))
    if pool_keeps_scale:
        for L in net.layers:
            if L.type == "Pooling" and L.p["method"] == "max":
                src = producer_layer(net, L.bottoms[0], before=L.name)
                scales[L.name] = scales[src]
    return scales


def producer_layer(net, blob: str, before: str) -> str:
    """Name of the last layer before ``before`` that wrote ``blob`` (in-place layers count)."""
    last = None
    for L in net.layers:
        if L.name == before:
            break
        if blob in L.tops:
            last = L.name
    if last is None:
        raise KeyError(blob)
    return last
