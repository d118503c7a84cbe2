"""calib.compile: the register program of a quantized Caffe net, run on the golden model through
its CSB registers (model.nvdla), against the int8 path that drives the engine functions directly
(calib.int8.forward_int8), layer by layer; register values against NVIDIA's traces; the trace
files on model.trace; bad input as one line naming the layer, exit status 2."""
import json
import subprocess
import sys

import numpy as np
import pytest

from calib import common, datasets as D, tables
from calib.calibrators import calibrate
from calib.compile import (CBUF_BANK_BYTES, compile_net, compile_plan, entries_per_slice, run_images,
                           weight_bytes)
from calib.errors import CalibError
from calib.int8 import forward_int8
from calib.net import Net
from calib.quantize import build_plan
from model.data import REPO, traces_root
from model.trace import parse_cfg, run_trace

from .test_caffe_import import write_model


def _field(cfg_cmds, name, field):
    from model.regs import REGMAP
    v = [c.args[1] for c in cfg_cmds if c.kind == "reg_write" and c.args[0] == name][-1]
    return REGMAP[name].field(field).get(v)


@pytest.mark.parametrize("trace, w, c, n, k, bpk", [
    ("nv_small/dc_24x33x55_5x5x55x25_int8_0", 24, 55, 0, 25, 55 * 25),
    ("nv_small/dc_13x15x64_5x3x64x16_int8_0", 13, 64, 0, 16, 64 * 15),
    ("nv_small-synth/img_51x96x4_1x10x4x32_A8B8G8R8_nomean_int8", 51, 4, 4, 32, 1160),
])
def test_cbuf_and_weight_sizes_as_nvidia_traces(trace, w, c, n, k, bpk):
    """D_ENTRY_PER_SLICE (entries - 1) and D_WEIGHT_BYTES as NVIDIA's own traces program them."""
    d = traces_root() / trace
    cfg = d / f"{d.name}.cfg"
    if not cfg.is_file():
        pytest.skip(f"NVIDIA trace {cfg} not found (set NVDLA_TRACES or NVDLA_SHARED)")
    cmds = parse_cfg(cfg)
    assert entries_per_slice(w, c, n) - 1 == _field(cmds, "NVDLA_CDMA.D_ENTRY_PER_SLICE_0", "ENTRIES")
    assert weight_bytes(k, bpk) == _field(cmds, "NVDLA_CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES")
    assert bpk - 1 == _field(cmds, "NVDLA_CDMA.D_WEIGHT_SIZE_0_0", "BYTE_PER_KERNEL")


@pytest.fixture(scope="module")
def own():
    from calib.common import OWN_LENET
    net = Net.load(OWN_LENET / "lenet.prototxt", OWN_LENET / "lenet.caffemodel")
    (xtr, _), (xho, yho) = D.split_digits()
    scales = calibrate(net, common.batches_of(xtr[:500], 1 / 256, 500), "entropy")
    return net, scales, xho[:24], yho[:24]


def _check_program(prog, x, workers=1):
    """Every layer of the program on the golden model's registers equals calib.int8's output."""
    r = run_images(prog, x, workers=workers)
    assert r["first"] is None, f"first difference (image, layer, (c,h,w), int8 path, program): {r['first']}"
    assert all(v == 0 for v in r["bad"].values()), r["bad"]
    np.testing.assert_array_equal(r["pred"], r["ref_pred"])
    return r


@pytest.mark.parametrize("mode, kind, fmt, fuse", [
    ("per-kernel", "int8", "A8B8G8R8", False),
    ("per-filter", "int8", "A8B8G8R8", True),
    ("per-kernel", "image", "A8B8G8R8", False),
    ("per-filter", "image", "R8", True),
])
def test_own_lenet_program_bit_exact(own, mode, kind, fmt, fuse):
    net, scales, x, y = own
    prog = compile_net(net, scales, mode, kind, fmt, pixel_scale=1 / 256, fuse_pool=fuse)
    eng = [h.engines for h in prog.layers]
    assert eng == (["CONV+SDP+PDP"] * 2 if fuse else ["CONV+SDP", "PDP"] * 2) + ["CONV+SDP"] * 2
    r = _check_program(prog, x)
    assert (r["pred"] == y).mean() > 0.8          # our LeNet: 95 % on the held-out digits


def test_own_lenet_registers_by_hand(own):
    """A few register values of conv1 (8 kernels 1x5x5 over 28x28) worked out by hand."""
    from model.regs import REGMAP
    net, scales, _, _ = own
    # int8: 28 atoms per row, 28 rows = 784 entries -> 2 banks of 512; 8 kernels * 25 B = 200 B
    # -> 256 B, one weight bank. image: 28 px * 4 B / 8 B = 14 entries per row, 392 -> 1 bank;
    # the 5 kernel columns folded into 5 * 4 components = 20 channels: 8 * 20 * 5 = 800 B -> 896,
    # one weight bank (nvdla_compiler's LeNet loadables: data/weight banks 2/1 nchw, 1/1 nhwc).
    for kind, eps, cext, wext, wbytes, banks in (("int8", 28, 0, 4, 256, (1, 0)),
                                                 ("image", 14, 19, 0, 896, (0, 0))):
        prog = compile_net(net, scales, "per-kernel", kind, pixel_scale=1 / 256)
        w = dict(prog.layers[0].ops[0].writes)
        f = lambda n, k: REGMAP[n].field(k).get(w[n])        # noqa: E731
        assert f("NVDLA_CDMA.D_ENTRY_PER_SLICE_0", "ENTRIES") == eps - 1
        assert f("NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_CHANNEL_EXT") == cext
        assert f("NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_WIDTH_EXT") == wext
        assert f("NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") == 4
        assert f("NVDLA_CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES") == wbytes
        assert f("NVDLA_CSC.D_ATOMICS_0", "ATOMICS") == 24 * 24 - 1
        assert f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "DATAIN_FORMAT") == (kind == "image")
        assert (f("NVDLA_CDMA.D_BANK_0", "DATA_BANK"), f("NVDLA_CDMA.D_BANK_0", "WEIGHT_BANK")) == banks
        assert w["NVDLA_CSC.D_BANK_0"] == w["NVDLA_CDMA.D_BANK_0"]
        assert f("NVDLA_CSC.D_RELEASE_0", "RLS_SLICES") == 28 - 1             # every input row
        assert f("NVDLA_CDMA.D_MISC_CFG_0", "SKIP_WEIGHT_RLS") == 1            # see calib/README


def test_memory_file_text_by_hand():
    """NVIDIA's memory-file lines, written by hand: offset in hex, size, payload bytes 0xhh."""
    from calib.compile import _mem_file_text
    got = _mem_file_text(np.array([0x00, 0xAB, 0x05], np.uint8), per_line=2)
    assert got == (b"{\n{offset:0x0, size:2, payload:0x00 0xab} ,\n"
                   b"{offset:0x2, size:1, payload:0x05} ,\n}\n")
    assert _mem_file_text(np.zeros(0, np.uint8)) == b"{\n}\n"


def test_shared_blobs_are_one_file_and_each_trace_still_passes(own, tmp_path):
    """share_blobs: the weight files of several traces are one file (same inode), and every
    trace still runs bit-exact on model.trace; without it each trace has its own copy."""
    net, scales, x, _ = own
    prog = compile_net(net, scales, "per-kernel", "int8", pixel_scale=1 / 256)
    prog.share_blobs = True
    g = [prog.golden_regions(x[i], keep_bytes=True) for i in range(2)]
    d = [prog.write_layer_trace(tmp_path / "s", f"img{i}_0", 0, g[i]) for i in range(2)]
    w = prog.blobs[0].name + ".dat"
    assert (d[0] / w).stat().st_ino == (d[1] / w).stat().st_ino
    for t in d:
        r = run_trace(t)
        assert r.passed, r.message
    prog2 = compile_net(net, scales, "per-kernel", "int8", pixel_scale=1 / 256)
    e = [prog2.write_layer_trace(tmp_path / "u", f"img{i}_0", 0, g[i]) for i in range(2)]
    assert (e[0] / w).stat().st_ino != (e[1] / w).stat().st_ino
    assert (e[0] / w).read_bytes() == (d[0] / w).read_bytes()


def test_trace_files_run_on_model_trace_and_catch_a_wrong_weight(own, tmp_path):
    net, scales, x, _ = own
    prog = compile_net(net, scales, "per-filter", "image", pixel_scale=1 / 256, fuse_pool=True)
    d = prog.write_trace(tmp_path, "lenet_img0", x[0])
    res = run_trace(d)
    assert res.passed, res.message
    assert res.checks == len(prog.layers)
    # conv1's first 32 weight bytes changed (bit 6 flipped): its layer check must fail
    f = d / "conv1_weights.dat"
    lines = f.read_text().splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.startswith("{offset:0x0,"))
    head, pay = lines[i].split("payload:")
    vals = [int(t, 16) ^ 0x40 for t in pay.rstrip("} ,").split()]
    lines[i] = head + "payload:" + " ".join(f"0x{v:02x}" for v in vals) + "} ,"
    f.write_text("\n".join(lines) + "\n")
    bad = run_trace(d)
    assert not bad.passed and "check_crc" in bad.message and "line" in bad.message, bad.message
    first_check = next(c.line for c in parse_cfg(d / "lenet_img0.cfg") if c.kind == "check_crc")
    assert f"line {first_check} " in bad.message, bad.message


# ---- a synthetic network: stride, padding, dilation, odd channel counts, max + average pooling,
# LRN, inner products, a layer whose weights need passes on nv_small's CBUF -------------------
SYNTH = """name: "synth"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 20 dim: 20 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
        convolution_param { num_output: 12 kernel_size: 3 stride: 2 pad: 1 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "conv2" type: "Convolution" bottom: "conv1" top: "conv2"
        convolution_param { num_output: 20 kernel_size: 3 dilation: 2 pad: 2 } }
layer { name: "pool1" type: "Pooling" bottom: "conv2" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "norm1" type: "LRN" bottom: "pool1" top: "norm1" lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 } }
layer { name: "conv3" type: "Convolution" bottom: "norm1" top: "conv3" convolution_param { num_output: 36 kernel_size: 1 } }
layer { name: "pool2" type: "Pooling" bottom: "conv3" top: "pool2"
        pooling_param { pool: AVE kernel_size: 3 stride: 1 pad: 1 } }
layer { name: "ip1" type: "InnerProduct" bottom: "pool2" top: "ip1" inner_product_param { num_output: 150 } }
layer { name: "relu2" type: "ReLU" bottom: "ip1" top: "ip1" }
layer { name: "ip2" type: "InnerProduct" bottom: "ip1" top: "ip2" inner_product_param { num_output: 10 } }
"""
BIG = """name: "big"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 32 dim: 64 dim: 64 } } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
        convolution_param { num_output: 8 kernel_size: 3 pad: 1 } }
"""


def _random_net(tmp_path, text, shapes, seed=1):
    p, m = tmp_path / "n.prototxt", tmp_path / "n.caffemodel"
    p.write_text(text)
    rng = np.random.default_rng(seed)
    blobs = {}
    for name, wshape in shapes.items():
        fan = int(np.prod(wshape[1:]))
        blobs[name] = [rng.normal(0, np.sqrt(2 / fan), wshape), rng.normal(0, 0.1, wshape[0])]
    write_model(m, blobs)
    net = Net.load(p, m)
    x = rng.uniform(0, 1, (64,) + tuple(net.input_shape)).astype(np.float32)
    scales = calibrate(net, lambda: iter([x]), "entropy")
    pixels = rng.integers(0, 256, (6,) + tuple(net.input_shape)).astype(np.uint8)
    return net, scales, pixels, p


SYNTH_SHAPES = {"conv1": (12, 3, 3, 3), "conv2": (20, 12, 3, 3), "conv3": (36, 20, 1, 1),
                "ip1": (150, 900), "ip2": (10, 150)}


@pytest.mark.parametrize("mode, kind, fuse", [("per-kernel", "int8", False), ("per-filter", "int8", False),
                                              ("per-kernel", "image", False), ("per-filter", "int8", True)])
def test_synthetic_net_bit_exact(tmp_path, mode, kind, fuse):
    net, scales, pixels, _ = _random_net(tmp_path, SYNTH, SYNTH_SHAPES)
    prog = compile_net(net, scales, mode, kind, "A8B8G8R8", pixel_scale=1 / 255, fuse_pool=fuse)
    if fuse:     # conv2 + max pooling and conv3 + average pooling run SDP -> PDP on the fly
        assert [h.engines for h in prog.layers] == ["CONV+SDP", "CONV+SDP+PDP", "CDP", "CONV+SDP+PDP",
                                                    "CONV+SDP", "CONV+SDP"]
        _check_program(prog, pixels)
        return
    assert [h.engines for h in prog.layers] == ["CONV+SDP", "CONV+SDP", "PDP", "CDP", "CONV+SDP", "PDP",
                                                "CONV+SDP", "CONV+SDP"]
    assert [h.out.c for h in prog.layers] == [12, 20, 20, 20, 36, 36, 150, 10]
    ip1 = prog.layers[6]
    # 150 x 900 int8 weights = 135,000 bytes > the 31 weight banks beside ip1's one data bank
    assert 150 * 900 > 31 * CBUF_BANK_BYTES and len(ip1.ops) == 2
    _check_program(prog, pixels)


def test_big_feature_split_in_height(tmp_path):
    """A 32x64x64 input (the whole 128 KiB CBUF, as nvdla_compiler's big-feature probe) is split
    into passes of input rows; the output is still bit-exact."""
    net, scales, pixels, _ = _random_net(tmp_path, BIG, {"conv": (8, 32, 3, 3)})
    prog = compile_net(net, scales, "per-kernel", "int8", pixel_scale=1 / 255)
    (hl,) = prog.layers
    assert len(hl.ops) >= 2
    _check_program(prog, pixels[:2])


# ---- bad input ---------------------------------------------------------------------------------
def _cli(*args):
    r = subprocess.run([sys.executable, "-m", "calib.compile", *map(str, args)], cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr.strip()


@pytest.fixture
def small_table(tmp_path):
    net, scales, _, p = _random_net(tmp_path, SYNTH, SYNTH_SHAPES)
    t = tmp_path / "table.json"
    tables.write_json(t, scales)
    return p, tmp_path / "n.caffemodel", t, scales


def test_cli_compiles_and_runs(small_table, tmp_path):
    p, m, t, _ = small_table
    code, out, err = _cli("--prototxt", p, "--caffemodel", m, "--table", t, "--pixel-scale", 1 / 255,
                          "--out", tmp_path / "tr", "--images", 1, "--limit", 1)
    assert code == 0, err
    d = next((tmp_path / "tr").iterdir())
    assert run_trace(d).passed


def test_missing_scale_names_the_layer(small_table, tmp_path):
    p, m, t, scales = small_table
    bad = {k: float(v) for k, v in scales.items() if k != "norm1"}
    t2 = tmp_path / "t2.json"
    tables.write_json(t2, bad)
    code, _, err = _cli("--prototxt", p, "--caffemodel", m, "--table", t2)
    assert code == 2 and len(err.splitlines()) == 1 and "norm1" in err, err


def test_memory_window_too_small_names_the_layer(small_table):
    p, m, t, _ = small_table
    code, _, err = _cli("--prototxt", p, "--caffemodel", m, "--table", t, "--mem-size", 0x3000)
    assert code == 2 and len(err.splitlines()) == 1 and "layer '" in err and "memory window" in err, err


@pytest.mark.parametrize("layer, words", [
    ('layer { name: "act" type: "Sigmoid" bottom: "conv" top: "act" }', ("'act'", "Sigmoid", "LUT")),
    ('layer { name: "act" type: "TanH" bottom: "conv" top: "act" }', ("'act'", "TanH", "passes")),
    ('layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" pooling_param { pool: MAX kernel_size: 10 stride: 1 } }',
     ("'pool'", "kernel 10", "limit 8")),
])
def test_layers_nvdla_compiler_miscompiles_are_refused(tmp_path, layer, words):
    text = ('layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 8 dim: 12 dim: 12 } } }\n'
            'layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 8 kernel_size: 3 } }\n'
            + layer + "\n")
    p, m = tmp_path / "n.prototxt", tmp_path / "n.caffemodel"
    p.write_text(text)
    write_model(m, {"conv": [np.ones((8, 8, 3, 3)) * 0.01, np.zeros(8)]})
    t = tmp_path / "t.json"
    names = ["data", "conv"] + [n for n in ("act", "pool") if f'"{n}"' in layer]
    t.write_text(json.dumps({n: {"scale": 0.01, "min": 0, "max": 0, "offset": 0} for n in names}))
    code, _, err = _cli("--prototxt", p, "--caffemodel", m, "--table", t)
    assert code == 2 and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, err


def test_repeated_stride_and_pad_in_caffe_order(tmp_path):
    """Caffe reads repeated kernel/stride/pad values as (height, width); nvdla_compiler swaps them.
    stride 1,2 pad 0,1 on 8x8 with a 3x3 kernel: Caffe gives 6 rows, 4 columns."""
    text = ('layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 8 dim: 8 } } }\n'
            'layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param '
            '{ num_output: 4 kernel_size: 3 stride: 1 stride: 2 pad: 0 pad: 1 } }\n')
    p, m = tmp_path / "n.prototxt", tmp_path / "n.caffemodel"
    p.write_text(text)
    rng = np.random.default_rng(3)
    write_model(m, {"conv": [rng.normal(0, 0.3, (4, 1, 3, 3)), rng.normal(0, 0.1, 4)]})
    net = Net.load(p, m)
    x = rng.uniform(0, 1, (32, 1, 8, 8)).astype(np.float32)
    scales = calibrate(net, lambda: iter([x]), "minmax")
    prog = compile_net(net, scales, "per-kernel", "int8", pixel_scale=1 / 255)
    assert (prog.layers[0].out.h, prog.layers[0].out.w) == (6, 4)
    pixels = rng.integers(0, 256, (4, 1, 8, 8)).astype(np.uint8)
    _check_program(prog, pixels)
    # and the int8 output follows the float reference (not a transposed geometry)
    y8 = forward_int8(prog.plan, pixels).astype(np.float64) * float(scales["conv"])
    yf = net.forward(pixels.astype(np.float32) / 255)["conv"]
    assert np.max(np.abs(y8 - yf)) < 0.05 * np.max(np.abs(yf)) + 3 * float(scales["conv"])
