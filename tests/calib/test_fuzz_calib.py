"""Property-based fuzzing (hypothesis) of calib/'s input readers and its converter CLI.

Entry points and cases per run (derandomized: the same cases every run, ``max_examples``):

| entry point                                        | cases |
|----------------------------------------------------|-------|
| calib.tables.read_cache (TensorRT cache)           | 300   |
| calib.tables.read_json (NVDLA JSON table)          | 300   |
| calib.net.Net.load, mutated prototxt               | 150   |
| calib.net.Net.load, mutated caffemodel             | 150   |
| python -m calib.convert (run_cli(main))            | 100   |

Outcome every time: the result, or a CalibError whose message is one line naming the file; the
command line exits 0 or 2 with one ``error:`` line and no traceback, and never leaves a partial
output file. An accepted table survives cache -> JSON -> cache bit-exactly.
"""
from __future__ import annotations

import json
import string
import struct

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calib import convert, tables
from calib.common import OWN_LENET
from calib.errors import CalibError, run_cli
from calib.net import Net

FUZZ = settings(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_name = st.one_of(st.sampled_from(["conv1", "pool1", "ip1", "relu1", "data", "", " ",
                                   "(Unnamed Layer* 3) [Convolution]_output", "a:b", "x\ty"]),
                  st.text(string.ascii_letters + string.digits + "_/.-:() ", min_size=1, max_size=12))
_bits = st.one_of(st.integers(0, 0xFFFFFFFF).map(lambda b: f"{b:08x}"),
                  st.sampled_from(["7f800000", "7fc00000", "ff800000", "80000000", "3c010204",
                                   "zz", "1", "123456789", ""]))


def _one_line(e: CalibError, path):
    assert "\n" not in str(e), str(e)
    assert str(e).startswith(f"{path}: "), str(e)


def _bit_exact_round_trip(tmp_path, table):
    j = tmp_path / "rt.json"
    c = tmp_path / "rt.cache"
    j.write_text(tables.format_json(table))
    back = tables.read_json(j)
    c.write_text(tables.format_cache(back))
    again = tables.read_cache(c)[0]
    assert list(again) == list(table)
    for k in table:
        assert struct.pack(">f", again[k]) == struct.pack(">f", table[k]), k


@settings(FUZZ, max_examples=300)
@given(header=st.sampled_from(["TRT-7202-EntropyCalibration2", "TRT-", "trt-1", "", "{"]),
       lines=st.lists(st.one_of(st.tuples(_name, _bits).map(lambda t: f"{t[0]}: {t[1]}"),
                                st.text(string.printable.replace("\n", "").replace("\r", ""),
                                        max_size=20)), max_size=8))
def test_read_cache_fuzz(tmp_path, header, lines):
    p = tmp_path / "t.cache"
    p.write_text("\n".join([header] + lines) + "\n")
    try:
        table, _ = tables.read_cache(p)
    except CalibError as e:
        _one_line(e, p)
        return
    assert table and all(np.isfinite(v) and v >= 0 for v in table.values())
    _bit_exact_round_trip(tmp_path, table)


_num = st.one_of(st.integers(-10 ** 40, 10 ** 40), st.sampled_from([10 ** 400, -10 ** 400]), st.floats(allow_nan=True, allow_infinity=True),
                 st.booleans(), st.none(), st.text(max_size=4))
_entry = st.one_of(st.fixed_dictionaries({"scale": _num}, optional={"min": _num, "max": _num,
                                                                    "offset": _num}),
                   st.fixed_dictionaries({"min": _num, "max": _num}),
                   st.dictionaries(st.sampled_from(["scale", "min", "max", "offset", "x"]), _num,
                                   max_size=4), _num, st.lists(_num, max_size=2))


@settings(FUZZ, max_examples=300)
@given(obj=st.one_of(*[st.dictionaries(_name, _entry, min_size=1, max_size=5)] * 4, _num,
                     st.lists(_entry, max_size=2)),
       junk=st.sampled_from([""] * 6 + ["}", ",", "\x00", "\ufeff"]))
def test_read_json_fuzz(tmp_path, obj, junk):
    p = tmp_path / "t.json"
    p.write_text(json.dumps(obj) + junk)
    try:
        table = tables.read_json(p)
    except CalibError as e:
        _one_line(e, p)
        return
    assert table and all(np.isfinite(v) and v >= 0 for v in table.values())
    _bit_exact_round_trip(tmp_path, table)


PROTO = (OWN_LENET / "lenet.prototxt").read_text()
MODEL = (OWN_LENET / "lenet.caffemodel").read_bytes()


@st.composite
def _mutated(draw, data, alphabet):
    """``data`` with a few spans deleted, replaced or inserted, or truncated."""
    out = data
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(out)))
        j = min(len(out), i + draw(st.integers(0, 8)))
        ins = draw(alphabet)
        out = out[:i] + ins + out[j:]
    if draw(st.integers(0, 7)) == 0:
        out = out[:draw(st.integers(0, len(out)))]
    return out


_NUMBERS = [(m.start(1), m.end(1)) for m in __import__("re").finditer(r"\b\w+: (-?\d+(?:\.\d+)?)", PROTO)]


@st.composite
def _renumbered(draw):
    """The prototxt with some of its numbers (kernel sizes, strides, pads, outputs, shape)
    replaced by edge values."""
    out, last = [], 0
    for a, b in _NUMBERS:
        out.append(PROTO[last:a])
        v = PROTO[a:b]
        if draw(st.integers(0, 3)) == 0:
            v = str(draw(st.sampled_from([-1, 0, 1, 2, 3, 7, 40, 1000, 2 ** 31 - 1, 2 ** 31])))
        out.append(v)
        last = b
    return "".join(out) + PROTO[last:]


@settings(FUZZ, max_examples=150)
@given(text=st.one_of(_renumbered(), _mutated(PROTO, st.one_of(st.text(string.printable, max_size=6),
                                      st.sampled_from(["0", "-1", "99999999999", "group: 2",
                                                       "kernel_size: 0", "stride: 0", "{", "}",
                                                       "type: \"Foo\"", "pad: 40"])))))
def test_prototxt_fuzz(tmp_path, text):
    p = tmp_path / "net.prototxt"
    p.write_text(text)
    try:
        Net.load(p, OWN_LENET / "lenet.caffemodel")
    except CalibError as e:
        assert "\n" not in str(e) and str(e).split(": ")[0] in (str(p), str(OWN_LENET / "lenet.caffemodel")), str(e)


@settings(FUZZ, max_examples=150)
@given(data=_mutated(MODEL, st.binary(max_size=6)))
def test_caffemodel_fuzz(tmp_path, data):
    m = tmp_path / "net.caffemodel"
    m.write_bytes(data)
    try:
        Net.load(OWN_LENET / "lenet.prototxt", m)
    except CalibError as e:
        assert "\n" not in str(e) and str(e).startswith(f"{m}: "), str(e)


@settings(FUZZ, max_examples=100)
@given(content=st.one_of(
    st.builds(lambda h, ls: "\n".join([h] + ls) + "\n",
              st.sampled_from(["TRT-7202-EntropyCalibration2", "TRT-x", "junk"]),
              st.lists(st.tuples(_name, _bits).map(lambda t: f"{t[0]}: {t[1]}"), max_size=4)),
    st.dictionaries(_name, _entry, max_size=3).map(json.dumps),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1"))),
    as_dir=st.integers(0, 19))
def test_convert_cli_fuzz(tmp_path, capsys, content, as_dir):
    src = tmp_path / "in.tbl"
    out = tmp_path / "out.tbl"
    out.unlink(missing_ok=True)
    if as_dir == 0:                                  # an input path that is a directory
        if src.is_file():
            src.unlink()
        src.mkdir(exist_ok=True)
    else:
        if src.is_dir():
            src.rmdir()
        src.write_text(content, encoding="latin-1")
    capsys.readouterr()
    rc = run_cli(convert.main, [str(src), str(out)])
    err = capsys.readouterr().err
    assert rc in (0, 2), rc
    if rc == 2:
        assert len(err.splitlines()) == 1 and err.startswith("error: "), err
        assert not out.exists(), "a failed conversion left an output file"
    else:
        assert tables.read_table(out)                 # complete and readable
