"""TensorRT cache and NVDLA JSON tables: hand-written files in both formats, bit-exact round
trips, malformed files give one line naming file and problem."""
import json
import struct
import subprocess
import sys

import numpy as np
import pytest

from calib import tables
from calib.errors import CalibError
from model.data import REPO

# Hand-written cache: 3f800000 = 1.0, 3e000000 = 0.125, 40400000 = 3.0, 3c010a14 = an
# arbitrary TensorRT-like scale; bits per IEEE 754 by hand (sign, exponent-127, 1.mantissa).
CACHE = """TRT-7202-EntropyCalibration2
data: 3c010a14
conv1: 3f800000
pool1: 3e000000
relu1: 40400000
"""

JSON = """{
  "data":  {"scale": 0.0078125, "min": 0, "max": 0, "offset": 0},
  "conv1": {"scale": 1.0, "min": 0, "max": 0, "offset": 0},
  "ip1":   {"min": -2.54, "max": 12.7, "offset": 0},
  "relu1": {"scale": 3, "min": 0, "max": 0, "offset": 0}
}
"""


def test_read_hand_written_cache(tmp_path):
    p = tmp_path / "lenet.cache"
    p.write_text(CACHE)
    t, header = tables.read_cache(p)
    assert header == "TRT-7202-EntropyCalibration2"
    assert list(t) == ["data", "conv1", "pool1", "relu1"]
    assert t["conv1"] == 1.0 and t["pool1"] == 0.125 and t["relu1"] == 3.0
    # 0x3c010a14: exponent 0x78 = 120 -> 2^-7; mantissa 0x010a14 = 68116 -> (1 + 68116 / 2^23) / 128
    assert t["data"] == np.float32((1 + 68116 / 2**23) / 128)


def test_read_hand_written_json(tmp_path):
    p = tmp_path / "lenet.json"
    p.write_text(JSON)
    t = tables.read_json(p)
    assert t["data"] == np.float32(2.0**-7)
    assert t["conv1"] == np.float32(1.0)
    assert t["ip1"] == np.float32(12.7 / 127)        # min/max form: max(|min|, |max|) / 127
    assert t["relu1"] == np.float32(3.0)


def test_cache_json_cache_is_bit_exact(tmp_path):
    # awkward float32 bit patterns: smallest subnormal, largest finite, 1 ulp above 1, tiny scales
    words = ["00000001", "7f7fffff", "3f800001", "3c010a14", "3a83126f", "3d7fc2eb", "00000000"]
    text = "TRT-7202-EntropyCalibration2\n" + "".join(f"t{i}: {w}\n" for i, w in enumerate(words))
    c1 = tmp_path / "a.cache"
    c1.write_text(text)
    t1, _ = tables.read_cache(c1)
    j = tmp_path / "a.json"
    tables.write_json(j, t1)
    c2 = tmp_path / "b.cache"
    tables.write_cache(c2, tables.read_json(j))
    assert c2.read_text() == text
    for i, w in enumerate(words):       # and via the stdlib's own decoding of the JSON number
        assert struct.pack(">f", json.loads(j.read_text())[f"t{i}"]["scale"]).hex() == w


def test_json_cache_json_round_trip(tmp_path):
    p = tmp_path / "t.json"
    p.write_text(JSON)
    t = tables.read_json(p)
    c = tmp_path / "t.cache"
    tables.write_cache(c, t)
    assert tables.read_cache(c)[0] == t
    assert c.read_text().splitlines()[3] == "ip1: " + struct.pack(">f", np.float32(12.7 / 127)).hex()


def test_json_has_compiler_fields(tmp_path):
    p = tmp_path / "t.cache"
    p.write_text(CACHE)
    obj = json.loads(tables.format_json(tables.read_cache(p)[0]))
    assert obj["relu1"] == {"scale": 3.0, "min": 0, "max": 0, "offset": 0}


@pytest.mark.parametrize("text,problem", [
    ("data: 3c010a14\n", "header"),
    ("TRT-7202-EntropyCalibration2\ndata 3c010a14\n", "line 2"),
    ("TRT-7202-EntropyCalibration2\ndata: 3c01zz14\n", "not 8 hex digits"),
    ("TRT-7202-EntropyCalibration2\ndata: 3c010a14\ndata: 3c010a14\n", "duplicate"),
    ("TRT-7202-EntropyCalibration2\n(Unnamed Layer* 3) [Activation]_output: 3c010a14\n", "unnamed"),
    ("TRT-7202-EntropyCalibration2\nx: 7fc00000\n", "finite"),
    ("TRT-7202-EntropyCalibration2\n", "no entries"),
])
def test_malformed_cache(tmp_path, text, problem):
    p = tmp_path / "bad.cache"
    p.write_text(text)
    with pytest.raises(CalibError) as e:
        tables.read_cache(p)
    msg = str(e.value)
    assert msg.startswith(str(p)) and problem in msg and "\n" not in msg


@pytest.mark.parametrize("text,problem", [
    ('{"data": {"scale": 0.1,}', "invalid JSON at line 1"),
    ('[1, 2]', "expected a non-empty object"),
    ('{"data": 0.5}', "expected an object"),
    ('{"data": {"scale": "big"}}', "not a number"),
    ('{"data": {"scale": -1}}', "must be finite"),
    ('{"data": {"offset": 0}}', "no 'scale'"),
    ('{"data": {"scale": 0.5, "offset": 3}}', "offset"),
])
def test_malformed_json(tmp_path, text, problem):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(CalibError) as e:
        tables.read_json(p)
    msg = str(e.value)
    assert msg.startswith(str(p)) and problem in msg and "\n" not in msg


def test_convert_cli_round_trip_and_errors(tmp_path):
    c = tmp_path / "in.cache"
    c.write_text(CACHE)
    j, c2 = tmp_path / "out.json", tmp_path / "back.cache"
    run = lambda *a: subprocess.run([sys.executable, "-m", "calib.convert", *map(str, a)],
                                    capture_output=True, text=True, cwd=REPO)
    assert run(c, j).returncode == 0
    assert run(j, c2).returncode == 0
    assert c2.read_text() == CACHE
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = run(bad, tmp_path / "x.cache")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and str(bad) in r.stderr and "Traceback" not in r.stderr


def test_tensorrt_names_mapped_to_layer_names(tmp_path):
    """A cache as TensorRT's Caffe parser writes it: in-place chains (conv -> BatchNorm -> Scale ->
    ReLU on one blob; ip1 -> relu1) give "(Unnamed Layer* N)" to all but the last writer."""
    proto = tmp_path / "n.prototxt"
    proto.write_text("""
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 8 dim: 8 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 2 kernel_size: 3 } }
layer { name: "bn1" type: "BatchNorm" bottom: "conv1" top: "conv1" }
layer { name: "sc1" type: "Scale" bottom: "conv1" top: "conv1" }
layer { name: "relu_c" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "ip1" type: "InnerProduct" bottom: "pool1" top: "ip1" inner_product_param { num_output: 4 } }
layer { name: "relu1" type: "ReLU" bottom: "ip1" top: "ip1" }
layer { name: "prob" type: "Softmax" bottom: "ip1" top: "prob" }
""")
    cache = tmp_path / "trt.cache"
    cache.write_text("""TRT-7202-EntropyCalibration2
data: 3c010a14
(Unnamed Layer* 0) [Convolution]_output: 3f800000
(Unnamed Layer* 1) [Scale]_output: 40000000
(Unnamed Layer* 2) [Scale]_output: 40400000
conv1: 40800000
pool1: 40800000
(Unnamed Layer* 5) [Fully Connected]_output: 3e000000
ip1: 3d800000
prob: 3c010204
""")
    with pytest.raises(CalibError, match="prototxt"):
        tables.read_table(cache)                      # unnamed entries need the topology
    out = tmp_path / "t.json"
    r = subprocess.run([sys.executable, "-m", "calib.convert", str(cache), str(out), "--prototxt", str(proto)],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    t = {k: v["scale"] for k, v in json.loads(out.read_text()).items()}
    assert t == {"data": float(np.float32((1 + 68116 / 2**23) / 128)), "conv1": 1.0, "bn1": 2.0, "sc1": 3.0,
                 "relu_c": 4.0, "pool1": 4.0, "ip1": 0.125, "relu1": 0.0625,
                 "prob": struct.unpack(">f", bytes.fromhex("3c010204"))[0]}
