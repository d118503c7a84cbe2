"""Int8 inference through the golden model's engine functions: a hand-computed tiny case (also
exercising the batched mosaic), and our own committed LeNet against its float reference."""
import subprocess
import sys

import numpy as np
import pytest

from calib import common, datasets as D
from calib.calibrators import calibrate
from calib.int8 import forward_int8, predict_int8
from calib.net import Net
from calib.quantize import build_plan
from model.data import REPO

from .test_caffe_import import write_model


def _round_half_away(num, shift):
    """Integer num / 2^shift rounded half away from zero (the hardware's RSHIFT rounding)."""
    q, r = divmod(abs(num), 1 << shift)
    q += 1 if 2 * r >= (1 << shift) else 0
    return q if num >= 0 else -q


def test_tiny_fc_by_hand(tmp_path):
    p, m = tmp_path / "t.prototxt", tmp_path / "t.caffemodel"
    p.write_text('layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 2 dim: 2 } } }\n'
                 'layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" inner_product_param { num_output: 1 } }\n')
    write_model(m, {"fc": [np.full((1, 4), 0.5), np.array([0.25])]})
    net = Net.load(p, m)
    scales = {"data": np.float32(1 / 127), "fc": np.float32(0.25)}
    plan = build_plan(net, scales, "per-kernel", pixel_scale=1 / 254)
    pixels = np.array([[[1, 2], [3, 255]], [[0, 0], [0, 0]], [[100, 101], [7, 9]]], np.uint8)
    got = forward_int8(plan, pixels).ravel().tolist()
    # CDMA: factor (1/254)/(1/127) = 0.5 -> scale 16384, truncate 15: q = round_half_away(p / 2), sat 8
    cv = plan.input_cvt
    assert (cv.scale, cv.truncate) == (16384, 15)
    # weights 0.5 -> Sw = 0.5/127, q = 127; bias 0.25 / (Si*Sw) = 0.25 * 127 * 254 = 8064.5 -> 8065
    # (floor(x + 0.5)); fits int16 with shift 0. Output rescale Si*Sw/So = 2/16129 -> 15-(-12)=27
    # bits of shift, scale int(2^27 * 2 / 16129) = 16643.
    op = plan.ops[0]
    assert op.w.ravel().tolist() == [127] * 4
    assert np.ravel(op.alu_operand).tolist() == [8065] and op.x1.alu_shift == 0
    assert (op.cvt_scale, op.cvt_shift) == (16643, 27)
    expect = []
    for img in pixels:
        q = [max(-128, min(127, _round_half_away(int(v), 1))) for v in img.ravel()]
        acc = 127 * sum(q) + 8065
        expect.append(max(-128, min(127, _round_half_away(acc * 16643, 27))))
    assert got == expect
    # by hand: image 0: q = [1, 1, 2, 127] -> (127 * 131 + 8065) * 16643 / 2^27 = 3.063 -> 3
    # (real 0.5 * 261/254 + 0.25 = 0.764 = 3.06 x 0.25); image 1: 8065 * 16643 / 2^27 = 1.00006 -> 1
    assert expect[0] == 3 and expect[1] == 1


def test_own_lenet_int8_close_to_float(own_lenet):
    net = Net.load(*own_lenet)
    (xtr, _), (xho, yho) = D.split_digits()
    scales = calibrate(net, common.batches_of(xtr[:1000], 1 / 256, 500), "entropy")
    f = common.float_predict(net, xho, 1 / 256)
    acc_f = (f == yho).mean() * 100
    assert acc_f >= 93.0          # our committed LeNet: 95.0 % on the held-out digits
    for mode in ("per-kernel", "per-filter"):
        plan = build_plan(net, scales, mode, pixel_scale=1 / 256)
        y8 = forward_int8(plan, xho).reshape(len(xho), -1).astype(np.float64) * plan.output_scale
        logits = net.forward(D.to_input(xho, 1 / 256))["ip2"].reshape(len(xho), -1)
        # dequantized int8 logits stay within a few output LSBs of the float ones (no saturation here)
        inside = np.abs(logits) < 120 * plan.output_scale
        assert np.median(np.abs(y8 - logits)[inside]) < 2 * plan.output_scale
        acc8 = (y8.argmax(axis=1) == yho).mean() * 100
        assert abs(acc8 - acc_f) <= 1.0, (mode, acc8, acc_f)


@pytest.mark.parametrize("tool", ["calibrate", "convert", "quantize", "evaluate", "lenet_int8", "bench",
                                  "train_lenet", "loadable", "compare_loadable", "firmware"])
def test_cli_help(tool):
    r = subprocess.run([sys.executable, "-m", f"calib.{tool}", "--help"], capture_output=True, text=True,
                       cwd=REPO)
    assert r.returncode == 0 and "usage:" in r.stdout


def test_cli_bad_caffemodel_one_line(tmp_path, own_lenet):
    bad = tmp_path / "bad.caffemodel"
    bad.write_bytes(b"\x0a\xff\xff\xff")
    tab = tmp_path / "t.cache"
    tab.write_text("TRT-7202-EntropyCalibration2\ndata: 3c010a14\n")
    r = subprocess.run([sys.executable, "-m", "calib.quantize", "--prototxt", str(own_lenet[0]),
                        "--caffemodel", str(bad), "--table", str(tab)], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and str(bad) in r.stderr


def _rand_net(tmp_path, extra_layers, blobs):
    p, m = tmp_path / "r.prototxt", tmp_path / "r.caffemodel"
    p.write_text('layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 6 dim: 6 } } }\n'
                 'layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" '
                 'convolution_param { num_output: 8 kernel_size: 3 pad: 1 } }\n' + extra_layers)
    write_model(m, blobs)
    return Net.load(p, m)


def _dequant_error(net, plan, pixels, layer):
    y8, outs = forward_int8(plan, pixels, keep=True)
    ref = net.forward(D.to_input(pixels, plan.pixel_scale))[layer]
    return np.abs(outs[layer].astype(np.float64) * float(plan.scales[layer]) - ref), ref


def test_lrn_through_cdp_matches_float(tmp_path):
    rng = np.random.default_rng(1)
    w = rng.normal(0, 0.5, (8, 1, 3, 3)).astype(np.float32)
    net = _rand_net(tmp_path, 'layer { name: "norm" type: "LRN" bottom: "conv" top: "norm" '
                    'lrn_param { local_size: 5 alpha: 0.5 beta: 0.75 k: 1 } }\n',
                    {"conv": [w, rng.normal(0, 0.1, 8)]})
    pixels = rng.integers(0, 256, (20, 6, 6)).astype(np.uint8)
    scales = calibrate(net, lambda: iter([D.to_input(pixels, 1 / 256)]), "minmax")
    plan = build_plan(net, scales, "per-filter", pixel_scale=1 / 256)
    assert "CDP LRN" in "\n".join(plan.describe())
    # the CDP alone: Caffe's LRN applied to the dequantized int8 conv output it received, against
    # the dequantized CDP output: output rounding (0.5 LSB) + LUT interpolation
    from calib.net import lrn_float
    _, outs = forward_int8(plan, pixels, keep=True)
    x = outs["conv"].astype(np.float64) * float(scales["conv"])
    ref = lrn_float(x, net.layer("norm").p)
    err = np.abs(outs["norm"].astype(np.float64) * float(scales["norm"]) - ref) / float(scales["norm"])
    assert err.max() <= 1.0, err.max()
    # end to end against the float net: LRN scales its input by (k + ...)^-beta <= 1, so the int8
    # error of the conv (input + weight + output rounding, a few conv LSBs) cannot grow
    err2, _ = _dequant_error(net, plan, pixels, "norm")
    err_conv, _ = _dequant_error(net, plan, pixels, "conv")
    assert err2.max() <= err_conv.max() + 1.0 * float(scales["norm"])


def test_batchnorm_scale_relu_folded_into_conv(tmp_path):
    rng = np.random.default_rng(2)
    w = rng.normal(0, 0.5, (8, 1, 3, 3)).astype(np.float32)
    net = _rand_net(tmp_path, 'layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" }\n'
                    'layer { name: "sc" type: "Scale" bottom: "conv" top: "conv" scale_param { bias_term: true } }\n'
                    'layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }\n',
                    {"conv": [w, rng.normal(0, 0.1, 8)],
                     "bn": [rng.normal(0, 0.2, 8), rng.uniform(0.5, 2, 8), np.array([1.0])],
                     "sc": [rng.uniform(0.5, 1.5, 8), rng.normal(0, 0.2, 8)]})
    pixels = rng.integers(0, 256, (20, 6, 6)).astype(np.uint8)
    scales = calibrate(net, lambda: iter([D.to_input(pixels, 1 / 256)]), "minmax")
    for mode in ("per-kernel", "per-filter"):
        plan = build_plan(net, scales, mode, pixel_scale=1 / 256)
        assert plan.ops[0].folded == ["bn", "sc"] and plan.ops[0].relu == "relu"
        err, ref = _dequant_error(net, plan, pixels, "relu")
        assert err.max() <= 3.0 * float(scales["relu"]), (mode, err.max() / float(scales["relu"]))


def test_int8_input_mode_like_the_compiler(own_lenet):
    net = Net.load(*own_lenet)
    (xtr, _), (xho, yho) = D.split_digits()
    scales = calibrate(net, common.batches_of(xtr[:500], 1 / 256, 500), "minmax")
    plan = build_plan(net, scales, "per-kernel", input_mode="int8", pixel_scale=1 / 256)
    assert plan.input_cvt is None and "identity" in "\n".join(plan.describe())
    acc8 = (predict_int8(plan, xho[:300]) == yho[:300]).mean() * 100
    acc_f = (common.float_predict(net, xho[:300], 1 / 256) == yho[:300]).mean() * 100
    assert abs(acc8 - acc_f) <= 1.5


def test_registers_decode_back_through_the_golden_model(tmp_path):
    """The register values derived for each op, read back by the engines' own register decoders
    (XConfig.from_regs, Converter.from_regs, CdpConfig.from_regs), give the settings used."""
    from model import cdma, cdp, sdp
    from model.regs import RegView
    rng = np.random.default_rng(3)
    net = _rand_net(tmp_path, 'layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }\n'
                    'layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" '
                    'pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }\n'
                    'layer { name: "norm" type: "LRN" bottom: "pool" top: "norm" lrn_param { local_size: 3 } }\n',
                    {"conv": [rng.normal(0, 0.5, (8, 1, 3, 3)), rng.normal(0, 2.0, 8)]})
    pixels = rng.integers(0, 256, (4, 6, 6)).astype(np.uint8)
    scales = calibrate(net, lambda: iter([D.to_input(pixels, 1 / 256)]), "minmax")
    for mode in ("per-kernel", "per-filter"):
        plan = build_plan(net, scales, mode, pixel_scale=1 / 256)
        conv, pool, norm = plan.ops[:3]
        v = RegView(conv.registers())
        assert sdp.XConfig.from_regs(v, "BS") == conv.x1
        assert sdp.XConfig.from_regs(v, "BN").bypass
        cv = cdma.Converter.from_regs(v)
        assert (cv.enabled, cv.offset, cv.scale, cv.truncate) == (True, 0, conv.in_cvt.scale, conv.in_cvt.truncate)
        assert v.s("NVDLA_SDP.D_CVT_SCALE_0", "CVT_SCALE") == conv.cvt_scale
        assert v.f("NVDLA_SDP.D_CVT_SHIFT_0", "CVT_SHIFT") == conv.cvt_shift
        p = RegView(pool.registers())
        assert p.f("NVDLA_PDP.D_OPERATION_MODE_CFG_0", "POOLING_METHOD") == 0        # AVERAGE
        assert p.f("NVDLA_PDP.D_POOLING_KERNEL_CFG_0", "KERNEL_WIDTH") == 2          # 3 - 1
        assert p.f("NVDLA_PDP.D_RECIP_KERNEL_WIDTH_0", "RECIP_KERNEL_WIDTH") == 0x5555
        assert cdp.CdpConfig.from_regs(RegView(norm.registers())) == norm.cfg


def test_average_pooling_through_pdp(tmp_path):
    rng = np.random.default_rng(4)
    net = _rand_net(tmp_path, 'layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" '
                    'pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }\n',
                    {"conv": [rng.normal(0, 0.5, (8, 1, 3, 3)), rng.normal(0, 0.2, 8)]})
    pixels = rng.integers(0, 256, (10, 6, 6)).astype(np.uint8)
    scales = calibrate(net, lambda: iter([D.to_input(pixels, 1 / 256)]), "minmax")
    plan = build_plan(net, scales, "per-kernel", pixel_scale=1 / 256)
    pool = plan.ops[1]
    # Caffe: ceil((6 + 2 - 3) / 2) + 1 = 4 outputs; PDP needs 2 bottom/right pad rows for the 4th
    assert pool.out_shape == (8, 4, 4) and pool.pad == (1, 1, 2, 2) and not pool.exact
    _, outs = forward_int8(plan, pixels, keep=True)
    from calib.net import pool_float
    x = outs["conv"].astype(np.float64) * float(scales["conv"])
    ref = pool_float(x, net.layer("pool").p) / float(scales["conv"])    # in int8 units (scale kept)
    got = outs["pool"].astype(np.float64)
    # windows where Caffe also divides by 9 (all but the last row/column): PDP's 1/3 * 1/3
    # two-stage reciprocal rounding stays within one LSB
    assert np.abs(got - ref)[:, :, :3, :3].max() <= 1.0
