"""Calibration tables: TensorRT's calibration cache and NVDLA's JSON calibration table.

A table is an ordered ``{layer name: numpy.float32 scale}`` (real = int8 × scale). Both formats
are keyed by the Caffe *layer* names nvdla_compiler looks up, in-place layers included (a ReLU
applied in place on ``ip1`` has its own ``relu1`` entry); "(Unnamed Layer* N)" names are refused.

TensorRT cache (text):   first line the header, e.g. ``TRT-7202-EntropyCalibration2``, then one
                         ``<name>: <8 hex digits>`` line per tensor, the hex being the big-endian
                         IEEE float32 bits of the scale.
NVDLA JSON (--calibtable): ``{"<name>": {"scale": s, "min": 0, "max": 0, "offset": 0}, ...}``;
                         a scale may instead be given by min/max (scale = max(|min|,|max|)/127).
Scales are float32 in both: cache -> JSON -> cache is bit-exact because every float32 is printed
as the shortest decimal of its exact double value, which parses back to the same float32.
"""
from __future__ import annotations

import json
import math
import re
import struct
from pathlib import Path

import numpy as np

from calib.errors import CalibError, read_text, write_text_atomic

DEFAULT_HEADER = "TRT-7202-EntropyCalibration2"
_UNNAMED = re.compile(r"\(Unnamed Layer\*")
_UNNAMED_IDX = re.compile(r"^\(Unnamed Layer\* (\d+)\) \[[^\]]*\]_output$")
_HEX = re.compile(r"^[0-9a-fA-F]{1,8}$")


def _check_name(path, name, where, allow_unnamed=False):
    if not name:
        raise CalibError(path, f"{where}: empty layer name")
    if _UNNAMED.search(name) and not allow_unnamed:
        raise CalibError(path, f"{where}: '{name}' is a TensorRT unnamed layer, not a Caffe layer name"
                               " (give the prototxt to map TensorRT tensor names to layer names)")


def _check_scale(path, name, s, where):
    if not math.isfinite(float(s)) or float(s) < 0:
        raise CalibError(path, f"{where}: scale of '{name}' is {float(s)} (must be finite and >= 0)")


def bits_to_scale(hexstr: str) -> np.float32:
    return np.frombuffer(int(hexstr, 16).to_bytes(4, "big"), dtype=">f4")[0].astype(np.float32)


def scale_to_bits(s) -> str:
    return struct.pack(">f", np.float32(s)).hex()


# ---- TensorRT cache ------------------------------------------------------------------------
def read_cache(path, allow_unnamed: bool = False) -> tuple[dict[str, np.float32], str]:
    """(table, header) from a TensorRT calibration cache. With allow_unnamed, TensorRT's own
    "(Unnamed Layer* N) [Type]_output" tensor names are kept (see trt_to_layer_names)."""
    path = Path(path)
    text = read_text(path, "a TensorRT calibration cache")
    lines = text.splitlines()
    if not lines or not lines[0].strip().startswith("TRT-"):
        raise CalibError(path, "line 1: missing 'TRT-<version>-<calibrator>' header")
    header = lines[0].strip()
    table: dict[str, np.float32] = {}
    for no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        name, sep, val = line.rpartition(":")
        name, val = name.strip(), val.strip()
        if not sep or not name:
            raise CalibError(path, f"line {no}: expected '<name>: <hex float32>', got {line.strip()!r}")
        if not _HEX.match(val):
            raise CalibError(path, f"line {no}: '{val}' is not 8 hex digits of a float32")
        _check_name(path, name, f"line {no}", allow_unnamed)
        if name in table:
            raise CalibError(path, f"line {no}: duplicate entry '{name}'")
        s = bits_to_scale(val)
        _check_scale(path, name, s, f"line {no}")
        table[name] = s
    if not table:
        raise CalibError(path, "no entries")
    return table, header


def format_cache(table: dict, header: str = DEFAULT_HEADER) -> str:
    out = [header]
    for name, s in table.items():
        _check_name("<table>", name, "entry")
        out.append(f"{name}: {scale_to_bits(s)}")
    return "\n".join(out) + "\n"


def write_cache(path, table: dict, header: str = DEFAULT_HEADER):
    write_text_atomic(path, format_cache(table, header))


# ---- NVDLA JSON ------------------------------------------------------------------------------
def read_json(path) -> dict[str, np.float32]:
    path = Path(path)
    text = read_text(path, "a JSON calibration table")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise CalibError(path, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if not isinstance(obj, dict) or not obj:
        raise CalibError(path, "expected a non-empty object {layer: {scale, min, max, offset}}")
    table: dict[str, np.float32] = {}
    for name, ent in obj.items():
        _check_name(path, name, "entry")
        if not isinstance(ent, dict):
            raise CalibError(path, f"entry '{name}': expected an object with 'scale' (or 'min'/'max')")
        for k in ("scale", "min", "max", "offset"):
            if k in ent and (isinstance(ent[k], bool) or not isinstance(ent[k], (int, float))):
                raise CalibError(path, f"entry '{name}': '{k}' is not a number")
            if k in ent and isinstance(ent[k], int) and abs(ent[k]) > 1e300:
                raise CalibError(path, f"entry '{name}': '{k}' is out of range ({len(str(ent[k]))} digits)")
        if "scale" in ent and float(ent["scale"]) != 0:
            s = _f32(ent["scale"])
        elif "min" in ent and "max" in ent and (ent["min"] or ent["max"]):
            s = _f32(max(abs(ent["min"]), abs(ent["max"])) / 127.0)
        elif "scale" in ent:
            s = np.float32(0.0)
        else:
            raise CalibError(path, f"entry '{name}': no 'scale' and no 'min'/'max'")
        if ent.get("offset", 0) != 0:
            raise CalibError(path, f"entry '{name}': offset {ent['offset']} (only symmetric int8, offset 0)")
        _check_scale(path, name, s, f"entry '{name}'")
        table[name] = s
    return table


def _f32(x) -> np.float32:
    """float32 of a JSON number; beyond float32's range: inf (then refused by _check_scale)."""
    with np.errstate(over="ignore"):
        return np.float32(x)


def format_json(table: dict) -> str:
    obj = {}
    for name, s in table.items():
        _check_name("<table>", name, "entry")
        obj[name] = {"scale": float(np.float32(s)), "min": 0, "max": 0, "offset": 0}
    return json.dumps(obj, indent=4) + "\n"


def write_json(path, table: dict):
    write_text_atomic(path, format_json(table))


def read_table(path, net=None) -> dict[str, np.float32]:
    """Either format, chosen by content (a JSON object starts with '{'). With ``net``, a cache
    written by TensorRT itself (tensor names, "(Unnamed Layer* N)") is mapped to layer names."""
    p = Path(path)
    try:
        head = p.read_bytes()[:64].lstrip()
    except FileNotFoundError:
        raise CalibError(p, "no such file") from None
    if head.startswith(b"{"):
        return read_json(p)
    table = read_cache(p, allow_unnamed=net is not None)[0]
    if net is not None and any(_UNNAMED.search(n) for n in table):
        table = trt_to_layer_names(table, net, p)
    return table


def trt_tensor_names(net) -> dict[str, str]:
    """{TensorRT tensor name: Caffe layer name} for a cache TensorRT's Caffe parser wrote.

    Facts (NVIDIA's resnet50 table in github nvdla/sw umd/utils/calibdata, .txt vs .json): the
    parser makes one TensorRT layer per Caffe layer after the input, numbered from 0 in order;
    a layer's output tensor is named after its top blob, except when a later layer writes the
    same blob in place: then it is "(Unnamed Layer* <index>) [<TensorRT type>]_output" and only
    the last layer of the in-place chain gets the blob's name. The input keeps its name."""
    out = {net.input_name: net.input_layer}
    layers = [L for L in net.layers if L.type not in ("Input", "Data")]
    for i, L in enumerate(layers):
        later_writer = any(L.tops[0] in M.tops for M in layers[i + 1:])
        out[f"#{i}" if later_writer else L.tops[0]] = L.name
    return out


def trt_to_layer_names(table: dict, net, path="<table>") -> dict[str, np.float32]:
    names = trt_tensor_names(net)
    res: dict[str, np.float32] = {}
    for t, s in table.items():
        m = _UNNAMED_IDX.match(t)
        key = f"#{m.group(1)}" if m else t
        if key not in names:
            raise CalibError(path, f"entry '{t}' matches no layer of {net.source or 'the net'}")
        res[names[key]] = s
    order = [L.name for L in net.layers]
    return {n: res[n] for n in order if n in res}
