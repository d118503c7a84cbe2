"""python -m calib.calibrate: run a calibrator over the calibration set and write the table."""
from __future__ import annotations

import argparse
import sys
import time

from calib import common, tables
from calib.calibrators import calibrate
from calib.errors import run_cli


def parser():
    ap = argparse.ArgumentParser(prog="python -m calib.calibrate", description=(
        "Calibrate a Caffe net: per-layer activation scales (real = int8 x scale) over the "
        "calibration set, written as NVDLA JSON (--calibtable) and/or a TensorRT cache."))
    common.add_model_args(ap)
    common.add_data_args(ap)
    ap.add_argument("--method", choices=("entropy", "minmax", "percentile"), default="entropy",
                    help="entropy = TensorRT EntropyCalibration2 procedure (default)")
    ap.add_argument("--percentile", type=float, default=99.99, help="for --method percentile")
    ap.add_argument("--keep-zero-bin", action="store_true",
                    help="entropy: keep bin 0 (the zeros) in the histogram (TensorRT-like tables drop it)")
    ap.add_argument("--json", help="write the NVDLA JSON calibration table here")
    ap.add_argument("--cache", help="write the TensorRT calibration cache here")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    net = common.load_net(args)
    x, what = common.calib_pixels(args)
    t = time.time()
    scales = calibrate(net, common.batches_of(x, args.pixel_scale, args.batch), args.method,
                       args.percentile, drop_zero_bin=not args.keep_zero_bin)
    print(f"# {args.method} calibration of {args.prototxt} on {what}: {time.time() - t:.1f} s", file=sys.stderr)
    sys.stdout.write(tables.format_cache(scales))
    if args.json:
        tables.write_json(args.json, scales)
    if args.cache:
        tables.write_cache(args.cache, scales)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
