"""SDP -> PDP on-the-fly (PDP FLYING_MODE = ON_FLYING, SDP OUTPUT_DST = PDP) through the whole
testbench and our hw/nvsmall_top: no NVIDIA trace covers it, so a trace directory is generated
under build/ (SDP pass-through of a seeded random int8 cube from memory, streamed into an
average pooling 3x3 / stride 2 with padding and pad values). Truth: the expected CRC is computed
here from the golden model (model/pdp.py on the input cube; the SDP pass-through with CVT scale 1
and every stage bypassed returns its input), and the testbench also compares with the golden model
fed by its CSB monitor."""
from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "synth"
SRC, DST = 0x80000000, 0x80100000


def _make_trace() -> Path:
    from model import pdp as mpdp
    from model.memory import Memory, read_cube
    from model.regs import RegView
    w, h, c = 9, 7, 16
    kh, kw, sh, sw, pt, pl, pb, pr = 3, 3, 2, 2, 1, 1, 1, 1
    wo, ho = (pl + w + pr - kw) // sw + 1, (pt + h + pb - kh) // sh + 1
    n, osz = (c // 8) * w * h * 8, (c // 8) * wo * ho * 8
    img = np.random.default_rng(5).integers(0, 256, n, dtype=np.uint8)
    regs = {
        "NVDLA_SDP_RDMA.D_DATA_CUBE_WIDTH_0": w - 1, "NVDLA_SDP_RDMA.D_DATA_CUBE_HEIGHT_0": h - 1,
        "NVDLA_SDP_RDMA.D_DATA_CUBE_CHANNEL_0": c - 1, "NVDLA_SDP_RDMA.D_SRC_BASE_ADDR_LOW_0": SRC,
        "NVDLA_SDP_RDMA.D_SRC_LINE_STRIDE_0": w * 8, "NVDLA_SDP_RDMA.D_SRC_SURFACE_STRIDE_0": w * 8 * h,
        "NVDLA_SDP_RDMA.D_SRC_DMA_CFG_0": 1, "NVDLA_SDP_RDMA.D_BRDMA_CFG_0": 1,
        "NVDLA_SDP_RDMA.D_NRDMA_CFG_0": 1, "NVDLA_SDP_RDMA.D_ERDMA_CFG_0": 1,
        "NVDLA_SDP_RDMA.D_FEATURE_MODE_CFG_0": 0,
        "NVDLA_SDP.D_DATA_CUBE_WIDTH_0": w - 1, "NVDLA_SDP.D_DATA_CUBE_HEIGHT_0": h - 1,
        "NVDLA_SDP.D_DATA_CUBE_CHANNEL_0": c - 1,
        "NVDLA_SDP.D_FEATURE_MODE_CFG_0": 2,                         # OUTPUT_DST = PDP
        "NVDLA_SDP.D_DATA_FORMAT_0": 0, "NVDLA_SDP.D_CVT_SCALE_0": 1, "NVDLA_SDP.D_CVT_SHIFT_0": 0,
        "NVDLA_SDP.D_CVT_OFFSET_0": 0, "NVDLA_SDP.D_DP_BS_CFG_0": 1, "NVDLA_SDP.D_DP_BN_CFG_0": 1,
        "NVDLA_SDP.D_DP_EW_CFG_0": 1,
        "NVDLA_PDP.D_DATA_CUBE_IN_WIDTH_0": w - 1, "NVDLA_PDP.D_DATA_CUBE_IN_HEIGHT_0": h - 1,
        "NVDLA_PDP.D_DATA_CUBE_IN_CHANNEL_0": c - 1, "NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0": wo - 1,
        "NVDLA_PDP.D_DATA_CUBE_OUT_HEIGHT_0": ho - 1, "NVDLA_PDP.D_DATA_CUBE_OUT_CHANNEL_0": c - 1,
        "NVDLA_PDP.D_OPERATION_MODE_CFG_0": 0,                       # AVERAGE, ON_FLYING
        "NVDLA_PDP.D_POOLING_KERNEL_CFG_0": (kw - 1) | (kh - 1) << 8 | (sw - 1) << 16 | (sh - 1) << 20,
        "NVDLA_PDP.D_RECIP_KERNEL_WIDTH_0": 0x5555, "NVDLA_PDP.D_RECIP_KERNEL_HEIGHT_0": 0x5555,
        "NVDLA_PDP.D_POOLING_PADDING_CFG_0": pl | pt << 4 | pr << 8 | pb << 12,
        "NVDLA_PDP.D_POOLING_PADDING_VALUE_1_CFG_0": 5, "NVDLA_PDP.D_POOLING_PADDING_VALUE_2_CFG_0": 10,
        "NVDLA_PDP.D_POOLING_PADDING_VALUE_3_CFG_0": 15,
        "NVDLA_PDP.D_DST_BASE_ADDR_LOW_0": DST, "NVDLA_PDP.D_DST_LINE_STRIDE_0": wo * 8,
        "NVDLA_PDP.D_DST_SURFACE_STRIDE_0": wo * 8 * ho, "NVDLA_PDP.D_DST_RAM_CFG_0": 1,
    }
    # expected output: pooling of the (passed-through) input cube
    mem = Memory()
    mem.write(SRC, img)
    mem.write(DST, np.zeros(osz, dtype=np.uint8))
    cube = read_cube(mem, SRC, c, h, w, w * 8, w * 8 * h, padded=True)
    mpdp.run(RegView(regs), mem, flying_in=cube)
    crc = zlib.crc32(mem.read(DST, osz).tobytes())
    tdir = BUILD / "syn_sdp2pdp_fly"
    tdir.mkdir(parents=True, exist_ok=True)
    (tdir / "in.dat").write_text("{\n" + "".join(
        f"{{offset:0x{o:x}, size:8, payload:" + " ".join(f"0x{b:02x}" for b in img[o:o + 8]) + "} ,\n"
        for o in range(0, n, 8)) + "}\n")
    cfg = [f"mem_init(pri_mem, 0x{DST:x}, 0x{osz:x}, ALL_ZERO);", f'mem_load(pri_mem, 0x{SRC:x}, "in.dat");']
    cfg += [f"reg_write({k}, 0x{v:x});" for k, v in regs.items()]
    cfg += ["reg_write(NVDLA_PDP.D_OP_ENABLE_0, 0x1);", "reg_write(NVDLA_SDP.D_OP_ENABLE_0, 0x1);",
            "reg_write(NVDLA_SDP_RDMA.D_OP_ENABLE_0, 0x1);", "intr_notify(PDP_0, sync_id_0);",
            f"check_crc(sync_id_0, 1, 0x{DST:x}, 0x{osz:x}, 0x{crc:08x});"]
    (tdir / "syn_sdp2pdp_fly.cfg").write_text("\n".join(cfg) + "\n")
    return tdir


@pytest.mark.rtl
@pytest.mark.verilator
@pytest.mark.xdist_group("hw-sdp2pdp-fly")   # both seeds write one trace directory
@pytest.mark.parametrize("seed", [None, 1])
def test_sdp_to_pdp_on_the_fly(seed):
    top = ROOT / "hw" / "gen" / "nvs_top_wiring.v"     # instantiated by hw/nvsmall_top.v
    if not top.is_file() or not all(re.search(rf"^\s*nvs_{u}\s+\w+\s*\(", top.read_text(), re.M)
                                    for u in ("sdp", "pdp")):
        pytest.skip("hw/gen/nvs_top_wiring.v does not instantiate nvs_sdp and nvs_pdp")
    from tb.runner import run_traces, sim_available
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    tdir = _make_trace()
    res = run_traces("verilator", [tdir], seed, tag=f"pytest-fly-s{seed}")
    r = res.get(tdir.name)
    assert r is not None, f"{tdir.name}: the testbench returned no result"
    assert r["passed"], f"{tdir.name} (seed {seed}): {r.get('line') or r}"
