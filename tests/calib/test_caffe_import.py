"""Caffe import through our own schema and the float reference, against hand-computed values;
malformed/unsupported inputs give one line naming the file and the problem."""
import numpy as np
import pytest

from calib.caffe_schema import NetParameter
from calib.errors import CalibError
from calib.net import Net, pool_out_size

from .conftest import shared_lenet

SMALL = """name: "small"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 4 dim: 4 } } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
        convolution_param { num_output: 2 kernel_size: 2 stride: 1 pad: 0 } }
layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool"
        pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "fc" type: "InnerProduct" bottom: "pool" top: "fc" inner_product_param { num_output: 1 } }
"""


def write_model(path, layers):
    """A .caffemodel from {layer: [arrays]} with our schema."""
    net = NetParameter(name="hand")
    for name, arrs in layers.items():
        lp = net.layer.add(name=name)
        for a in arrs:
            b = lp.blobs.add()
            b.shape.dim.extend(a.shape)
            b.data.extend(np.asarray(a, np.float32).ravel().tolist())
    path.write_bytes(net.SerializeToString())


@pytest.fixture
def small(tmp_path):
    p, m = tmp_path / "small.prototxt", tmp_path / "small.caffemodel"
    p.write_text(SMALL)
    w = np.zeros((2, 1, 2, 2), np.float32)
    w[0] = 1.0                      # channel 0: sum of the 2x2 window
    w[1, 0, 0, 0] = -1.0            # channel 1: minus the top-left pixel
    write_model(m, {"conv": [w, np.array([0.5, 1.0])],
                    "fc": [np.array([[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]]), np.array([-1.0])]})
    return p, m


def test_small_net_by_hand(small):
    net = Net.load(*small)
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)    # rows 0-3, 4-7, 8-11, 12-15
    acts = net.forward(x)
    # conv ch0 at (0,0): 0+1+4+5 + 0.5 = 10.5; at (2,2): 10+11+14+15 + 0.5 = 50.5
    assert acts["conv"][0, 0, 0, 0] == 10.5 and acts["conv"][0, 0, 2, 2] == 50.5
    # conv ch1 = 1 - x[y, x]: (0,0) -> 1, (0,1) -> 0, (1,0) -> -3 before the ReLU
    assert acts["conv"][0, 1, 1, 0] == -3.0
    assert acts["relu"][0, 1, 1, 0] == 0.0 and acts["relu"][0, 1, 0, 0] == 1.0
    # 3x3 -> Caffe ceil mode: ceil((3 - 2) / 2) + 1 = 2 outputs; the last window is cut to 1 pixel
    assert acts["pool"].shape == (1, 2, 2, 2)
    assert acts["pool"][0, 0, 1, 1] == 50.5 and acts["pool"][0, 0, 0, 0] == 30.5   # max(10.5,14.5,26.5,30.5)
    assert acts["pool"][0, 1, 0, 0] == 1.0
    # fc = pool[0,0,0,0] + 2 * pool[1,1,1] - 1 = 30.5 + 2*0 - 1
    assert acts["fc"].ravel()[0] == 29.5


def test_pool_sizes_and_average_by_hand():
    p = {"global": False, "kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "round": "ceil"}
    assert pool_out_size(p, 6, 6) == (4, 4)          # ceil((6+2-3)/2)+1 = 4, (4-1)*2 = 6 < 6+1
    assert pool_out_size(dict(p, pad=(0, 0)), 6, 6) == (3, 3)   # ceil(3/2)+1 = 3
    assert pool_out_size(dict(p, round="floor"), 6, 6) == (3, 3)
    from calib.net import pool_float
    x = np.ones((1, 1, 2, 2), np.float32)
    y = pool_float(x, {"global": False, "kernel": (2, 2), "stride": (1, 1), "pad": (1, 1),
                       "round": "ceil", "method": "avg"})
    # output (0,0) covers rows/cols -1..0: one real pixel of 4 window positions -> 1/4
    assert y.shape == (1, 1, 3, 3) and y[0, 0, 0, 0] == 0.25 and y[0, 0, 1, 1] == 1.0


def test_lrn_batchnorm_scale_eltwise_by_hand(tmp_path):
    p, m = tmp_path / "n.prototxt", tmp_path / "n.caffemodel"
    p.write_text("""
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 1 dim: 1 } } }
layer { name: "bn" type: "BatchNorm" bottom: "data" top: "bn" batch_norm_param { eps: 0 } }
layer { name: "sc" type: "Scale" bottom: "bn" top: "sc" scale_param { bias_term: true } }
layer { name: "sum" type: "Eltwise" bottom: "sc" bottom: "data" top: "sum" eltwise_param { coeff: 1 coeff: -2 } }
layer { name: "lrn" type: "LRN" bottom: "data" top: "lrn" lrn_param { local_size: 3 alpha: 3 beta: 1 k: 1 } }
""")
    write_model(m, {"bn": [np.array([2.0, 4.0, 6.0]), np.array([8.0, 8.0, 8.0]), np.array([2.0])],
                    "sc": [np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0])]})
    net = Net.load(p, m)
    x = np.array([1.0, 2.0, 3.0], np.float32).reshape(1, 3, 1, 1)
    a = net.forward(x)
    # BatchNorm: mean/2 = (1,2,3), var/2 = 4 -> (x - mean) / 2 = 0
    np.testing.assert_allclose(a["bn"].ravel(), [0, 0, 0])
    np.testing.assert_allclose(a["sc"].ravel(), [0, 1, 0])
    np.testing.assert_allclose(a["sum"].ravel(), [-2, -3, -6])
    # LRN ch0: 1 + 3/3 * (0 + 1 + 4) = 6 -> 1/6 ; ch1: 1 + (1+4+9) = 15 -> 2/15 ; ch2: 1 + 13 -> 3/14
    np.testing.assert_allclose(a["lrn"].ravel(), [1 / 6, 2 / 15, 3 / 14], rtol=1e-6)


def test_shared_lenet_structure():
    net = Net.load(*shared_lenet())
    assert [L.name for L in net.layers] == ["data", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1",
                                            "ip2", "prob"]
    assert net.layer("conv1").blobs[0].shape == (20, 1, 5, 5)
    assert net.layer("ip1").blobs[0].shape == (500, 800)
    assert net.shapes["pool2"] == (50, 4, 4)


def _err(fn):
    with pytest.raises(CalibError) as e:
        fn()
    msg = str(e.value)
    assert "\n" not in msg
    return msg


def test_malformed_prototxt(tmp_path, small):
    _, m = small
    p = tmp_path / "bad.prototxt"
    p.write_text('layer { name: "data" type: "Input" top: "data"\n  bogus_field: 3 }\n')
    msg = _err(lambda: Net.load(p, m))
    assert msg.startswith(str(p)) and "2:" in msg and "bogus_field" in msg
    p.write_text('layer { name: "data" type: "Input" top: "data" ')
    assert _err(lambda: Net.load(p, m)).startswith(str(p))


@pytest.mark.parametrize("edit,words", [
    (('type: "Convolution"', 'type: "PReLU"'), ["'conv'", "unsupported layer type 'PReLU'"]),
    (("stride: 1 pad: 0", "stride: 1 pad: 0 group: 2"), ["'conv'", "group"]),
    (("pool: MAX", "pool: STOCHASTIC"), ["'pool'", "pool", "STOCHASTIC"]),
    (('bottom: "conv" top: "conv" }', 'bottom: "conv" top: "conv" relu_param { negative_slope: 0.1 } }'),
     ["'relu'", "negative_slope"]),
    (('bottom: "pool" top: "fc"', 'bottom: "nothing" top: "fc"'), ["'fc'", "bottom 'nothing'"]),
])
def test_unsupported_layer_or_attribute(tmp_path, small, edit, words):
    _, m = small
    p = tmp_path / "u.prototxt"
    p.write_text(SMALL.replace(*edit))
    msg = _err(lambda: Net.load(p, m))
    assert msg.startswith(str(p))
    for w in words:
        assert w in msg


def test_malformed_caffemodel(tmp_path, small):
    p, m = small
    good = m.read_bytes()
    bad = tmp_path / "trunc.caffemodel"
    bad.write_bytes(good[:len(good) // 2])
    msg = _err(lambda: Net.load(p, bad))
    assert msg.startswith(str(bad)) and "caffemodel" in msg
    bad.write_bytes(b"\x00\x01\x02 definitely not protobuf")
    assert _err(lambda: Net.load(p, bad)).startswith(str(bad))
    nofc = tmp_path / "nofc.caffemodel"
    write_model(nofc, {"conv": [np.zeros((2, 1, 2, 2)), np.zeros(2)]})
    assert "no weights for layer 'fc'" in _err(lambda: Net.load(p, nofc))
    wrong = tmp_path / "wrong.caffemodel"
    write_model(wrong, {"conv": [np.zeros((3, 1, 2, 2)), np.zeros(3)], "fc": [np.zeros((1, 8)), np.zeros(1)]})
    assert "weight shape" in _err(lambda: Net.load(p, wrong))
    assert "no such file" in _err(lambda: Net.load(p, tmp_path / "missing.caffemodel"))
