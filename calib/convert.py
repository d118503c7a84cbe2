"""python -m calib.convert: TensorRT calibration cache <-> NVDLA JSON calibration table."""
from __future__ import annotations

import argparse
import sys

from calib import tables
from calib.errors import run_cli, write_text_atomic


def parser():
    ap = argparse.ArgumentParser(prog="python -m calib.convert", description=(
        "Convert a calibration table between TensorRT's cache format ('TRT-7202-EntropyCalibration2' "
        "header, 'name: <big-endian float32 hex>' lines) and NVDLA's JSON (--calibtable of "
        "nvdla_compiler). Scales are float32 and survive a round trip bit-exactly."))
    ap.add_argument("input", help="a .cache/.txt TensorRT cache or a .json NVDLA table (detected by content)")
    ap.add_argument("output", help="where to write; '-' for stdout")
    ap.add_argument("--to", choices=("json", "cache", "auto"), default="auto",
                    help="output format (auto: the other one than the input's)")
    ap.add_argument("--header", default=tables.DEFAULT_HEADER, help="cache header line when writing a cache")
    ap.add_argument("--prototxt", help="deploy prototxt: maps a cache written by TensorRT itself (tensor names, "
                                       "'(Unnamed Layer* N)') to the Caffe layer names nvdla_compiler looks up")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    with open(args.input, "rb") as f:
        is_json = f.read(64).lstrip().startswith(b"{")
    net = None
    if args.prototxt:
        from calib.net import Layer, Net, _normalise, read_prototxt
        proto = read_prototxt(args.prototxt)            # topology only, no weights needed
        layers = [_normalise(lp, args.prototxt) for lp in proto.layer
                  if not any(r.HasField("phase") and r.phase == 0 for r in lp.include)]
        if layers and layers[0].type not in ("Input", "Data"):
            name = proto.input[0] if proto.input else "data"
            layers.insert(0, Layer(name, "Input", [], [name]))
        net = Net(layers, (0, 0, 0), proto.name, str(args.prototxt))
    table = tables.read_table(args.input, net)
    to = args.to if args.to != "auto" else ("cache" if is_json else "json")
    text = tables.format_json(table) if to == "json" else tables.format_cache(table, args.header)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_text_atomic(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
