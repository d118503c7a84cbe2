"""python -m calib.evaluate: top-1 accuracy, float reference and int8 through the golden model."""
from __future__ import annotations

import argparse
import sys
import time

from calib import common, tables
from calib.errors import run_cli
from calib.int8 import predict_int8
from calib.quantize import build_plan


def parser():
    ap = argparse.ArgumentParser(prog="python -m calib.evaluate", description=(
        "Top-1 accuracy of the float reference and of int8 inference through the golden model's "
        "engine functions (CDMA converter, CMAC, CACC, SDP, PDP) with a calibration table."))
    common.add_model_args(ap)
    common.add_data_args(ap)
    ap.add_argument("--table", required=True, help="calibration table (NVDLA JSON or TensorRT cache)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter", "both"), default="both")
    ap.add_argument("--input", choices=("pixel", "int8"), default="pixel",
                    help="pixel: uint8 pixels through the CDMA converter; int8: host-quantized input, "
                         "converter identity (nvdla_compiler's default)")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    net = common.load_net(args)
    scales = tables.read_table(args.table, net)
    x, y, what = common.eval_set(args)
    t = time.time()
    acc_f = (common.float_predict(net, x, args.pixel_scale) == y).mean() * 100
    print(f"float  top-1 on {what}: {acc_f:.2f}%  ({len(x) / (time.time() - t):.0f} images/s)")
    for mode in (("per-kernel", "per-filter") if args.mode == "both" else (args.mode,)):
        plan = build_plan(net, scales, mode, args.input, pixel_scale=args.pixel_scale, table_path=args.table)
        t = time.time()
        acc = (predict_int8(plan, x) == y).mean() * 100
        print(f"int8   top-1 on {what} ({mode}, {args.input} input): {acc:.2f}%  (float {acc - acc_f:+.2f} points, "
              f"{len(x) / (time.time() - t):.0f} images/s through the golden model)")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
