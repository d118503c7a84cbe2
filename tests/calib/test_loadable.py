"""calib.loadable: nvdla_compiler's loadables decode; struct layouts match dla_interface.h;
corrupted input gives one clear line (LoadableError / exit status 2), never a traceback."""
import struct
import subprocess
import sys

import pytest

from calib import loadable as LD
from model.data import loadables_dir


def all_loadables():
    root = loadables_dir()
    return sorted(root.rglob("fast-math.nvdla")) if root.is_dir() else []


def need(path):
    if not path.is_file():
        pytest.skip(f"{path} not found (set NVDLA_LOADABLES or NVDLA_SHARED)")
    return path


def lenet(case):
    return need(loadables_dir() / "lenet" / case / "fast-math.nvdla")


# Offsets and sizes counted by hand from kmd/firmware/include/dla_interface.h (packed, each struct
# padded to 4 bytes): the reader's field tables must reproduce them.
HAND_LAYOUT = {
    "dla_network_desc": (40, {"op_head": 16, "num_operations": 30, "num_addresses": 34, "input_layer": 36}),
    "dla_common_op_desc": (36, {"op_type": 3, "dependency_count": 4, "consumers": 8, "fused_parent": 32}),
    "dla_cvt_param": (8, {"truncate": 2, "enable": 3, "offset": 4}),
    "dla_data_cube": (32, {"address": 2, "offset": 4, "size": 8, "width": 12, "line_stride": 20,
                           "surf_stride": 24, "plane_stride": 28}),
    "dla_conv_surface_desc": (172, {"src_data": 96, "dst_data": 128, "offset_u": 160, "in_line_uv_stride": 168}),
    "dla_conv_op_desc": (92, {"entry_per_slice": 6, "data_format": 8, "batch": 20, "batch_stride": 24,
                              "release": 30, "input_width_csc": 32, "bytes_per_kernel": 48, "mean_ry": 52,
                              "mean_format": 60, "conv_stride_x": 61, "pad_x_left": 63, "dilation_y": 68,
                              "pra_truncate": 71, "in_precision": 72, "pad_val": 74, "in_cvt": 76, "out_cvt": 84}),
    "dla_sdp_op": (32, {"shift_value": 5, "truncate": 6, "alu_operand": 8, "mul_operand": 12, "cvt": 16}),
    "dla_sdp_op_desc": (116, {"out_cvt": 4, "conv_mode": 12, "batch_stride": 16, "x1_op": 20, "x2_op": 52,
                              "y_op": 84}),
    "dla_sdp_surface_desc": (160, {"x1_data": 32, "dst_data": 128}),
    "dla_pdp_op_desc": (52, {"split_num": 12, "pool_mode": 13, "stride_x": 16, "pad_left": 18,
                             "precision": 22, "padding_value": 24}),
    "dla_cdp_op_desc": (24, {"in_cvt": 4, "out_cvt": 12, "local_size": 20, "bypass_out_mul": 22}),
    "dla_lut_param": (700, {"linear_only_table": 130, "linear_exp_offset": 644, "linear_exp_start": 648,
                            "linear_exp_underflow_slope": 680, "hybrid_priority": 696, "method": 699}),
    "dla_bdma_surface_desc": (644, {"transfers": 4}),
    "emu_common_op_desc": (12, {"input_scale_factor": 4, "output_scale_factor": 8}),
    "emu_power_op_desc": (24, {"power": 12, "shift": 20}),
    "emu_buffer_desc": (256, {"addressIndexOffset": 2, "size": 6, "format": 10, "line_stride": 18}),
}


@pytest.mark.parametrize("name", sorted(HAND_LAYOUT))
def test_struct_layout_matches_header(name):
    s = {x.name: x for x in LD.STRUCTS}[name]
    size, offs = HAND_LAYOUT[name]
    assert s.size == size
    for f, o in offs.items():
        assert s.offsets[f] == o, f"{name}.{f}"


def test_union_sizes():
    # the operation container is as large as dla_sdp_op_desc, the surface one as dla_bdma_surface_desc
    assert (LD.OP_CONTAINER_SIZE, LD.SURFACE_CONTAINER_SIZE) == (116, 644)


@pytest.mark.skipif(not all_loadables(), reason="no loadables (set NVDLA_LOADABLES or NVDLA_SHARED)")
@pytest.mark.parametrize("path", all_loadables(), ids=lambda p: str(p.parent.relative_to(loadables_dir())))
def test_every_loadable_decodes_and_lists(path):
    L = LD.load(path)
    assert L.version == (0, 7, 0)
    assert L.dla, "every corpus loadable has a DLA task"
    for d in L.dla:
        # the compiler's descriptor blobs hold exactly num_operations entries of the union sizes
        blob = {b.name: b for b in L.blobs.values()}
        tid = d.task.id
        assert blob[f"task-{tid}-op_list"].size == d.network["num_operations"] * 116
        assert blob[f"task-{tid}-dep_graph"].size == d.network["num_operations"] * 36
        assert blob[f"task-{tid}-surf_list"].size == d.network["num_operations"] * 644
        # the firmware starts each engine at its first op: op_head[type] is the first op of that type
        for ty, h in enumerate(d.network["op_head"]):
            first = next((op.index for op in d.ops if op.op_type == ty), -1)
            assert h == first
    text = "\n".join(LD.listing(L))
    assert "op 0 CONV" in text


def test_lenet_facts():
    """Against what the network is: NVIDIA's LeNet, 28x28 input, conv 20x5x5, pool, conv 50x5x5,
    pool, ip 500 + ReLU, ip 10, softmax on the CPU."""
    L = LD.load(lenet("nvidia-per-kernel-nchw"))
    (d,) = L.dla
    assert [op.name for op in d.ops] == ["CONV", "SDP", "PDP", "CONV", "SDP", "PDP", "CONV", "SDP", "CONV", "SDP"]
    (inp,) = L.input_tensors()
    (out,) = L.output_tensors()
    assert (inp.name, inp.c, inp.h, inp.w) == ("data", 1, 28, 28)
    assert (out.name, out.c, out.h, out.w) == ("prob", 10, 1, 1)
    c1, c2, ip1, ip2 = (d.ops[i] for i in (0, 3, 6, 8))
    assert (c1.surface["dst_data"]["channel"], c1.desc["kernel_width_csc"], c1.surface["dst_data"]["width"]) == (20, 5, 24)
    assert (c2.surface["dst_data"]["channel"], c2.desc["kernel_channel_csc"]) == (50, 20)
    assert ip1.surface["dst_data"]["channel"] == 500 and ip2.surface["dst_data"]["channel"] == 10
    # weight bytes: 20*25 = 500 (padded to 8), 50*20*25, 500*800, 10*500
    assert [op.surface["weight_data"]["size"] for op in (c1, c2, ip1, ip2)] == [504, 25000, 400000, 5000]
    assert d.ops[7].desc["x1_op"]["act"] == 1 and d.ops[9].desc["x1_op"]["act"] == 0    # ReLU only after ip1
    pools = [d.ops[i].desc for i in (2, 5)]
    assert all((p["pool_mode"], p["pool_width"] + 1, p["stride_x"]) == (1, 2, 2) for p in pools)
    (e,) = L.emu
    assert e.ops[0][0]["common"]["op_type"] == 1          # softmax
    # the image-input build reads an A8B8G8R8 pixel surface
    Li = LD.load(lenet("nvidia-per-kernel-nhwc"))
    assert LD.PIXEL_FORMAT[Li.input_tensors()[0].pixel_format] == "A8B8G8R8"
    assert Li.dla[0].ops[0].desc["data_format"] == 12


# ---- corrupted input ------------------------------------------------------------------------
def small():
    return need(loadables_dir() / "nets" / "probes" / "sigmoid" / "per-kernel" / "fast-math.nvdla")


def expect_error(data, *words):
    with pytest.raises(LD.LoadableError) as e:
        LD.parse(bytes(data), "x.nvdla")
    msg = str(e.value)
    assert msg.startswith("x.nvdla: ") and "\n" not in msg
    for w in words:
        assert w in msg, msg
    return msg


def _blob_pos(data, L, name):
    pos = bytes(data).find(L.blobs[name].data)
    assert pos > 0
    return pos


def test_truncated():
    data = small().read_bytes()
    for cut in (0, 3, 7, 100, len(data) // 2, len(data) - 1):
        expect_error(data[:cut])


def test_not_a_loadable_and_wrong_version():
    data = bytearray(small().read_bytes())
    expect_error(b"\x08\x00\x00\x00PK\x03\x04" + bytes(100), "not an nvdla loadable")
    L = LD.parse(bytes(data))
    # the version struct: find it through the reader's own table access
    buf = LD._Buf(bytes(data), "x")
    root = LD._Tab(buf, buf.get(LD.N.UOffsetTFlags, 0, "root"), "Loadable")
    vp = root.struct_at(0, 3)
    assert tuple(data[vp:vp + 3]) == L.version
    data[vp + 1] = 8
    expect_error(data, "version 0.8.0")


def test_unknown_op_type():
    data = bytearray(small().read_bytes())
    L = LD.parse(bytes(data))
    p = _blob_pos(data, L, "task-0-dep_graph")
    data[p + 36 + 3] = 9                      # op 1's op_type
    expect_error(data, "operation 1", "unknown op type 9")


def test_surface_outside_memory():
    data = bytearray(small().read_bytes())
    L = LD.parse(bytes(data))
    p = _blob_pos(data, L, "task-0-surf_list")
    src = p + LD.CONV_SURFACE.offsets["src_data"]
    struct.pack_into("<h", data, src + 2, 77)              # address index 77: not in the task's list
    expect_error(data, "operation 0 (CONV) src_data", "address index 77")
    data = bytearray(small().read_bytes())
    struct.pack_into("<I", data, src + 4, 1 << 20)         # offset 1 MiB into a small buffer
    expect_error(data, "operation 0 (CONV) src_data", "outside address")


def _address_entry_field(data, k, fid):
    buf = LD._Buf(bytes(data), "x")
    root = LD._Tab(buf, buf.get(LD.N.UOffsetTFlags, 0, "root"), "Loadable")
    t = root.tables(3, "address_list")[k]
    return t.t.Pos + t._off(fid, 2)


def test_address_outside_memory_list():
    data = bytearray(small().read_bytes())
    pos = _address_entry_field(data, 2, 1)                # address 2's mem_id
    struct.pack_into("<H", data, pos, 999)
    expect_error(data, "address 2", "memory id 999")


def test_cli_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.nvdla"
    bad.write_bytes(small().read_bytes()[:1000])
    r = subprocess.run([sys.executable, "-m", "calib.loadable", str(bad)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and str(bad) in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "calib.loadable", str(tmp_path / "missing.nvdla")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no such file" in r.stderr


def test_fuzz_byte_flips():
    """Random byte changes and cuts: the reader either decodes or raises LoadableError."""
    hyp = pytest.importorskip("hypothesis")
    st = hyp.strategies
    data = small().read_bytes()

    @hyp.settings(max_examples=150, deadline=None, derandomize=True)
    @hyp.given(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=8),
               st.integers(8, len(data)))
    def run(flips, cut):
        b = bytearray(data[:cut])
        for p, v in flips:
            if p < len(b):
                b[p] = v
        try:
            L = LD.parse(bytes(b), "fuzz.nvdla")
            LD.listing(L)
        except LD.LoadableError as e:
            assert "\n" not in str(e)
    run()


def test_listing_with_layer_names():
    p = need(loadables_dir() / "lenet" / "ours-per-kernel-nchw" / "fast-math.nvdla")
    r = subprocess.run([sys.executable, "-m", "calib.loadable", "--layers", str(p)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for name in ("= conv1:", "= pool1:", "= conv2:", "= pool2:", "= ip1 + relu1:", "= ip2:"):
        assert name in out
    assert "SDP CVT_OFFSET=0 CVT_SCALE=" in out and "-> x " in out


def test_wrong_offsets():
    data = bytearray(small().read_bytes())
    bad = bytearray(data)
    struct.pack_into("<I", bad, 0, len(data) + 100)             # root table beyond the file
    expect_error(bad, "outside the")
    # the memory list's vector offset pointing past the end of the file
    buf = LD._Buf(bytes(data), "x")
    root = LD._Tab(buf, buf.get(LD.N.UOffsetTFlags, 0, "root"), "Loadable")
    slot = root.t.Pos + root._off(2, 4)
    bad = bytearray(data)
    struct.pack_into("<I", bad, slot, len(data))
    expect_error(bad, "memory_list")
    # a memory entry's blob offset beyond the memory's size
    L = LD.parse(bytes(data))
    m = next(m for m in L.memory if m.contents)
    t = root.tables(2, "memory_list")[m.id]
    start, n = t._vector(6, 8, "offsets")
    bad = bytearray(data)
    struct.pack_into("<Q", bad, start, m.size + 8)
    expect_error(bad, f"memory {m.id}", "outside its")
