"""Lower bounds on the cycles of a convolution on nv_small (``make bench``'s conv table).

Two bounds per convolution operation, both from the registers the operation ran with, decoded
by the golden model's own readers (conv.geometry, cdma.datain_size / ImageSource, sdp.cube,
pdp.out_cube):

* **MAC bound** ``ceil(C/8) * ceil(K/8) * R * S * Wout * Hout``: CMAC multiplies one atom of 8
  input channels by 8 kernels (64 int8 MACs) per cycle, and the atoms it must compute are
  whole channel and kernel groups. C, R, S are the kernel as CSC sees it
  (CSC.D_WEIGHT_SIZE_EXT_*): in image mode the kernel width is folded into the channels
  (S = 1, C = kernel width x components), so an image layer of 4 components and a 29-wide
  kernel costs ceil(116/8) = 15 channel atoms per row, not ceil(4/8) * 29. With CSC's post
  Y-extension e (image input, C <= 8/e; a performance option of image mode) e kernel rows share
  one atom: ``ceil(C*e/8) * ceil(R/e)`` in place of ``ceil(C/8) * R`` (from NVIDIA's format
  description; no shared trace uses it).
* **memory bound** ``bytes / 8``: every byte crosses the 64-bit DBB once, 8 bytes a cycle:
  the input CDMA fetches (feature: ceil(C/8) surfaces of H x W 8-byte atoms; image: the
  64-bit beats each line's W x bytes-per-pixel span touches), the weights
  (CDMA.D_WEIGHT_BYTES) and the output (ceil(C/8) x W x H atoms of SDP's cube, or of PDP's
  output cube when SDP sends on the fly to PDP). SDP operands read from memory (BS/BN
  per-channel or per-element data; no shared conv trace has any) are not counted, so it stays
  a lower bound.

No real device beats the larger of the two. ``trace_bounds`` runs a trace on the golden model
(which also checks it) and sums the bounds of every operation that used the convolution
pipeline (CACC among its units).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cdma, conv, data, pdp, sdp
from .memory import ATOM
from .nvdla import CONV_UNITS
from .regs import RegView

MACS_PER_CYCLE = ATOM * ATOM      # CMAC_A + CMAC_B: 8 channels x 8 kernels
DBB_BYTES = 8                     # nv_small's DBB data bus is 64 bits


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class ConvBounds:
    mac_cycles: int               # ceil(C/8)*ceil(K/8)*R*S*Wout*Hout
    in_bytes: int
    wt_bytes: int
    out_bytes: int
    ops: int = 1

    @property
    def mem_bytes(self) -> int:
        return self.in_bytes + self.wt_bytes + self.out_bytes

    @property
    def mem_cycles(self) -> int:
        return _ceil(self.mem_bytes, DBB_BYTES)

    @property
    def bound(self) -> int:
        """The larger of the two bounds."""
        return max(self.mac_cycles, self.mem_cycles)

    @property
    def limit(self) -> str:
        """Which bound is the larger: 'MAC' or 'memory'."""
        return "MAC" if self.mac_cycles >= self.mem_cycles else "memory"

    def __add__(self, o: "ConvBounds") -> "ConvBounds":
        """Several operations: MAC cycles and bytes add; ``bound`` of the sum is the larger of
        the summed parts (still a lower bound when operations overlap)."""
        return ConvBounds(self.mac_cycles + o.mac_cycles, self.in_bytes + o.in_bytes,
                          self.wt_bytes + o.wt_bytes, self.out_bytes + o.out_bytes,
                          self.ops + o.ops)


def mac_cycles(regs) -> int:
    """ceil(C/8) * ceil(K/8) * R * S * Hout * Wout with CSC's kernel and output sizes (rows
    grouped by the post Y-extension of image input)."""
    g = conv.geometry(regs)
    ho, wo = g["out"]
    e = conv.y_extension(regs) if regs.f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "DATAIN_FORMAT") else 1
    return _ceil(g["c"] * e, ATOM) * _ceil(g["k"], ATOM) * _ceil(g["r"], e) * g["s"] * ho * wo


def input_bytes(regs) -> int:
    """Bytes CDMA moves over the DBB for the input: whole 8-byte atoms of a feature cube, or the
    64-bit beats touched by each line of an image."""
    if regs.f("NVDLA_CDMA.D_DATAIN_FORMAT_0", "DATAIN_FORMAT") == 0:      # FEATURE
        c, h, w = cdma.datain_size(regs)
        return _ceil(c, ATOM) * h * w * ATOM
    src = cdma.ImageSource.from_regs(regs)
    bpp = src.fmt.bytes_per_pixel
    start = src.base + np.arange(src.h, dtype=np.int64) * src.line_stride + src.x_offset * bpp
    end = start + src.w * bpp
    beats = -(-end // DBB_BYTES) - start // DBB_BYTES
    return int(beats.sum()) * DBB_BYTES


def weight_bytes(regs) -> int:
    """The weight bytes CDMA fetches (CDMA.D_WEIGHT_BYTES), whole beats."""
    return _ceil(regs.f("NVDLA_CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES"), DBB_BYTES) * DBB_BYTES


def output_bytes(regs) -> int:
    """Bytes written for the output cube: whole atoms of SDP's cube, or of PDP's output cube
    when SDP sends its output on the fly to PDP."""
    c, h, w = pdp.out_cube(regs) if sdp.to_pdp(regs) else sdp.cube(regs)
    return _ceil(c, ATOM) * h * w * ATOM


def op_bounds(regs) -> ConvBounds:
    """Both bounds of one convolution operation from its registers (a RegView, or anything
    with the RegView readers)."""
    return ConvBounds(mac_cycles(regs), input_bytes(regs), weight_bytes(regs),
                      output_bytes(regs))


class BoundsError(ValueError):
    """A trace whose bounds cannot be computed (one line naming the trace)."""


def trace_bounds(trace_dir) -> ConvBounds:
    """The summed bounds of every convolution operation of a trace, the registers taken from its
    run on the golden model (BoundsError if the model fails it or it has no convolution)."""
    from .trace import TraceRunner
    runner = TraceRunner(Path(trace_dir))
    res = runner.run()
    if not res.passed:
        raise BoundsError(f"{runner.name}: fails on the golden model: {res.message}")
    total = None
    for rec in runner.dev.ops:
        if all(u in rec.units for u in CONV_UNITS) and rec.values is not None:
            b = op_bounds(RegView(rec.values))
            total = b if total is None else total + b
    if total is None:
        raise BoundsError(f"{runner.name}: no convolution operation (no op ran CDMA..CACC)")
    return total


def nv_small_cycles(name: str, root=None) -> int | None:
    """NVIDIA's nv_small RTL cycles of a trace (summary.csv) less its reset/idle cycles."""
    row = data.rtl_summary(root).get(name)
    try:
        return int(row["rtl_cycles"]) - data.NV_RESET_IDLE_CYCLES if row else None
    except (KeyError, ValueError):
        return None


def conv_traces(root=None) -> list[Path]:
    """The conv traces of ``make bench``: dc_* of nv_small and every trace of nv_small-synth."""
    root = Path(root) if root is not None else data.traces_root()
    out = [d for d in data.trace_dirs(root / "nv_small") if d.name.startswith("dc_")]
    return out + data.trace_dirs(root / "nv_small-synth")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m model.bounds",
                                 description="MAC and memory bounds of the conv traces beside "
                                             "NVIDIA's nv_small cycles.")
    ap.add_argument("root", nargs="?", default=None, help="traces root (default model.data)")
    a = ap.parse_args(argv)
    root = Path(a.root) if a.root else data.traces_root()
    traces = conv_traces(root)
    if not traces:
        print(f"model.bounds: no conv traces under {root}", file=sys.stderr)
        return 2
    print(f"{'trace':46s} {'MAC bound':>10s} {'mem bound':>10s} {'limit':>6s} "
          f"{'nv_small':>10s} {'bound/nv':>8s}")
    rc = 0
    for t in traces:
        try:
            b = trace_bounds(t)
        except (BoundsError, cdma.ConfigError) as e:
            print(f"{t.name:46s} {e}")
            rc = 1
            continue
        nv = nv_small_cycles(t.name, root)
        ratio = f"{b.bound / nv:8.1%}" if nv else f"{'n/a':>8s}"
        print(f"{t.name:46s} {b.mac_cycles:10d} {b.mem_cycles:10d} {b.limit:>6s} "
              f"{nv if nv is not None else 'n/a':>10} {ratio}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
