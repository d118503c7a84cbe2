"""Bounds of a convolution trace for the benchmark (tb/bench.py): the MAC bound and the memory
bound of nv_small's convolution pipeline, from the trace's register writes.

* MAC bound: ceil(C/8) * ceil(K/8) * R * S * Wout * Hout cycles: 64 MACs per cycle (8 channels x
  8 kernels) on the atoms actually computed, with C, R, S as CSC sees them (image input: the
  kernel width folded into C, S = 1).
* Memory bound: the bytes moved over the 64-bit DBB / 8: the input cube (every line's atoms, or
  the image lines' bytes), the weights (WEIGHT_BYTES), the output SDP writes (ceil(K/8) * 8 bytes
  per output point).
"""
from __future__ import annotations

from pathlib import Path

from model.regs import REGMAP


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def conv_bounds(trace_dir: Path) -> dict | None:
    """{'mac': cycles, 'mem': cycles} of the (last) convolution a trace programs, else None."""
    from model.trace import parse_cfg
    d = Path(trace_dir)
    vals: dict[str, int] = {}
    for c in parse_cfg(d / f"{d.name}.cfg"):
        if c.kind == "reg_write":
            vals[c.args[0]] = c.args[1]

    def f(reg: str, field: str) -> int:
        name = f"NVDLA_{reg}"
        return REGMAP[name].field(field).get(vals.get(name, REGMAP[name].reset))

    if "NVDLA_CSC.D_WEIGHT_SIZE_EXT_1_0" not in vals:
        return None
    k = f("CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_KERNEL") + 1
    c = f("CSC.D_WEIGHT_SIZE_EXT_1_0", "WEIGHT_CHANNEL_EXT") + 1
    r = f("CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1
    s = f("CSC.D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_WIDTH_EXT") + 1
    wo = f("CSC.D_DATAOUT_SIZE_0_0", "DATAOUT_WIDTH") + 1
    ho = f("CSC.D_DATAOUT_SIZE_0_0", "DATAOUT_HEIGHT") + 1
    mac = _ceil(c, 8) * _ceil(k, 8) * r * s * wo * ho
    w = f("CDMA.D_DATAIN_SIZE_0_0", "DATAIN_WIDTH") + 1
    h = f("CDMA.D_DATAIN_SIZE_0_0", "DATAIN_HEIGHT") + 1
    cin = f("CDMA.D_DATAIN_SIZE_1_0", "DATAIN_CHANNEL") + 1
    if f("CDMA.D_DATAIN_FORMAT_0", "DATAIN_FORMAT"):
        from model.cdma import PIXEL_FORMATS
        fmt = PIXEL_FORMATS.get(f("CDMA.D_DATAIN_FORMAT_0", "PIXEL_FORMAT"))
        bpp = fmt.bytes_per_pixel if fmt else 4
        data = h * w * bpp
    else:
        data = _ceil(cin, 8) * h * w * 8
    wt = f("CDMA.D_WEIGHT_BYTES_0", "WEIGHT_BYTES")
    out = _ceil(k, 8) * wo * ho * 8
    return {"mac": mac, "mem": _ceil(data + wt + out, 8)}
