"""calib.firmware: nvdla_compiler's LeNet loadables programmed onto the golden model the firmware's
way give, image for image, the int8 logits of calib.int8 with the same net, table and mode (an
independent path: the compiler's own weight/operand bytes and descriptors against our plan)."""
import numpy as np
import pytest

from calib import datasets as D
from calib import firmware as FW
from calib import loadable as LD
from calib import tables
from calib.common import LENET_PIXEL_SCALE
from calib.compare_loadable import read_case
from calib.int8 import forward_int8, input_to_int8
from calib.net import Net
from calib.quantize import build_plan
from model.data import loadables_dir, mnist_dir
from model.regs import REGMAP

ROOT = loadables_dir()
LENET = ["nvidia-per-kernel-nchw", "nvidia-per-kernel-nhwc", "nvidia-per-filter-nchw", "nvidia-per-filter-nhwc",
         "ours-per-kernel-nchw", "ours-per-filter-nchw"]


def setup(rel):
    d = ROOT / rel
    if not (d / "fast-math.nvdla").is_file():
        pytest.skip(f"{d} not found (set NVDLA_LOADABLES or NVDLA_SHARED)")
    case = read_case(d)
    if not case.caffemodel.is_file():
        pytest.skip(f"{case.caffemodel} not found")
    net = Net.load(case.prototxt, case.caffemodel)
    plan = build_plan(net, tables.read_table(case.table, net), case.mode, input_mode="int8",
                      pixel_scale=LENET_PIXEL_SCALE)
    return case, plan


def images(n):
    if not (mnist_dir() / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip("MNIST t10k not found")
    x, y = D.mnist_test()
    return x[:n], y[:n]


@pytest.mark.parametrize("case_name", LENET + ["../stress/seed1017-per-filter-pool", "../stress/seed4081-per-filter"])
def test_lenet_loadable_bit_exact_with_calib_int8(case_name):
    case, plan = setup(f"lenet/{case_name}")
    x, y = images(12)
    L = LD.load(case.loadable)
    logits, steps = FW.run_images(L, input_to_int8(plan, x), keep=True)
    ref, outs = forward_int8(plan, x, keep=True)
    np.testing.assert_array_equal(logits, ref.reshape(len(x), -1))
    # every layer's output cube, not only the logits: conv1 pool1 conv2 pool2 relu1 ip2
    for got, name in zip(steps, ["conv1", "pool1", "conv2", "pool2", "relu1", "ip2"]):
        np.testing.assert_array_equal(got, outs[name], err_msg=name)
    # real predictions: the LeNets' int8 top-1 on these 12 digits (the stress tables are random)
    if "stress" not in case_name:
        assert (logits.argmax(1) == y).mean() >= 11 / 12
        q = input_to_int8(plan, x)
        assert 0 < np.count_nonzero(q == 127) < q.size // 20      # input in range, not saturated


def test_register_writes_follow_the_descriptors():
    case, plan = setup("lenet/nvidia-per-kernel-nchw")
    r = FW.Runner(LD.load(case.loadable))
    assert [k for k, _, _ in r.order] == ["conv", "pdp", "conv", "pdp", "conv", "conv"]
    _, conv1, sdp1 = r.order[0]
    w = dict(r.conv_writes(conv1).list)
    # conv1: 28x28x1 in, 24x24x20 out, 5x5 kernel, 25 bytes per kernel (values from the descriptors,
    # which test_loadable checks against the network)
    size = REGMAP["NVDLA_CDMA.D_DATAIN_SIZE_0_0"]
    v = w["NVDLA_CDMA.D_DATAIN_SIZE_0_0"]
    assert (size.field("DATAIN_WIDTH").get(v), size.field("DATAIN_HEIGHT").get(v)) == (27, 27)
    assert w["NVDLA_CDMA.D_WEIGHT_SIZE_0_0"] == 24 and w["NVDLA_CDMA.D_WEIGHT_SIZE_1_0"] == 19
    assert w["NVDLA_CSC.D_ATOMICS_0"] == 24 * 24 - 1
    s, rdma = r.sdp_writes(sdp1)
    s = dict(s.list)
    assert rdma                                          # the bias comes from memory
    assert s["NVDLA_SDP.D_CVT_SCALE_0"] == sdp1.desc["out_cvt"]["scale"]
    assert s["NVDLA_SDP.D_CVT_SHIFT_0"] == sdp1.desc["out_cvt"]["truncate"]


def test_unsupported_op_is_one_line():
    case, _ = setup("lenet/nvidia-per-kernel-nchw")
    data = bytearray(case.loadable.read_bytes())
    L = LD.parse(bytes(data))
    pos = bytes(data).find(L.blobs["task-0-dep_graph"].data)
    data[pos + 2 * 36 + 3] = 4                      # op 2 (the first PDP) now claims to be CDP
    with pytest.raises(LD.LoadableError) as e:
        FW.Runner(LD.parse(bytes(data), "x.nvdla"))
    assert "operation 2 (CDP)" in str(e.value) and "\n" not in str(e.value)


def test_missing_interrupt_is_an_error_not_a_hang(monkeypatch):
    """PDP enabled without its RDMA never runs on the model: the missing PDP_DONE is reported."""
    case, plan = setup("lenet/ours-per-kernel-nchw")
    x, _ = images(1)
    r = FW.Runner(LD.load(case.loadable))
    dev = r.new_device()
    play = r._play

    def without_pdp_rdma(dev, uw, enable, done, what):
        return play(dev, uw, [u for u in enable if u != "PDP_RDMA"], done, what)
    monkeypatch.setattr(r, "_play", without_pdp_rdma)
    with pytest.raises(LD.LoadableError) as e:
        r.run(dev, input_to_int8(plan, x)[0])
    assert "operation 2 (PDP)" in str(e.value) and "PDP_DONE_STATUS" in str(e.value)


def test_descriptor_the_model_refuses_is_one_line():
    """A conv descriptor asking for Winograd (nv_small has none): the model's refusal is one line."""
    case, plan = setup("lenet/ours-per-kernel-nchw")
    x, _ = images(1)
    r = FW.Runner(LD.load(case.loadable))
    conv1 = r.order[0][1]
    conv1.desc["conv_mode"] = 1
    with pytest.raises(LD.LoadableError) as e:
        r.run(r.new_device(), input_to_int8(plan, x)[0])
    assert "operation 0 (CONV)" in str(e.value) and "\n" not in str(e.value)
