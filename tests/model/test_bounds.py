"""model/bounds.py: the MAC and memory bounds of convolutions, against hand-computed cases and the
figures measured from NVIDIA's traces (issue 9)."""
from __future__ import annotations

import pytest

from model import bounds, data
from model.regs import REGMAP, RegView

TRACES = data.traces_root()


def _encode(values: dict) -> dict:
    """{"UNIT.REG": {FIELD: v}} -> {full register name: value}."""
    return {f"NVDLA_{n}_0": REGMAP[f"NVDLA_{n}_0"].encode(**f) for n, f in values.items()}


# A direct convolution: input 5 wide, 4 high, 11 channels (2 surfaces, the second with 3
# channels); 10 kernels 3 wide x 2 high; output 3 x 3; SDP on the fly, writing memory.
DC_REGS = {
    "CDMA.D_DATAIN_FORMAT": dict(DATAIN_FORMAT=0),
    "CDMA.D_DATAIN_SIZE_0": dict(DATAIN_WIDTH=4, DATAIN_HEIGHT=3),
    "CDMA.D_DATAIN_SIZE_1": dict(DATAIN_CHANNEL=10),
    "CDMA.D_DAIN_ADDR_LOW_0": dict(DATAIN_ADDR_LOW_0=0x80000000),
    "CDMA.D_LINE_STRIDE": dict(LINE_STRIDE=40),
    "CDMA.D_SURF_STRIDE": dict(SURF_STRIDE=160),
    "CDMA.D_WEIGHT_ADDR_LOW": dict(WEIGHT_ADDR_LOW=0x80010000),
    "CDMA.D_WEIGHT_BYTES": dict(WEIGHT_BYTES=660),                 # 10 * 11 * 2 * 3
    "CSC.D_WEIGHT_SIZE_EXT_0": dict(WEIGHT_WIDTH_EXT=2, WEIGHT_HEIGHT_EXT=1),
    "CSC.D_WEIGHT_SIZE_EXT_1": dict(WEIGHT_CHANNEL_EXT=10, WEIGHT_KERNEL=9),
    "CSC.D_DATAOUT_SIZE_0": dict(DATAOUT_WIDTH=2, DATAOUT_HEIGHT=2),
    "SDP.D_FEATURE_MODE_CFG": dict(FLYING_MODE=1),
    "SDP.D_DATA_CUBE_WIDTH": dict(WIDTH=2),
    "SDP.D_DATA_CUBE_HEIGHT": dict(HEIGHT=2),
    "SDP.D_DATA_CUBE_CHANNEL": dict(CHANNEL=9),
    "SDP.D_DP_BS_CFG": dict(BS_BYPASS=1),
    "SDP.D_DP_BN_CFG": dict(BN_BYPASS=1),
    "SDP.D_DP_EW_CFG": dict(EW_BYPASS=1),
    "SDP.D_CVT_SCALE": dict(CVT_SCALE=1),
    "SDP.D_DST_BASE_ADDR_LOW": dict(DST_BASE_ADDR_LOW=0x80020000),
    "SDP.D_DST_DMA_CFG": dict(DST_RAM_TYPE=1),
    "SDP.D_DST_LINE_STRIDE": dict(DST_LINE_STRIDE=24),
    "SDP.D_DST_SURFACE_STRIDE": dict(DST_SURFACE_STRIDE=72),
}
# by hand: MAC ceil(11/8) * ceil(10/8) * 2 * 3 * 3 * 3 = 2 * 2 * 6 * 9 = 216 cycles;
# input 2 surfaces * 4 * 5 atoms * 8 = 320 B, weights 660 B -> 83 beats = 664 B,
# output 2 surfaces * 3 * 3 atoms * 8 = 144 B: 1128 B / 8 = 141 cycles
DC_HAND = dict(mac_cycles=216, in_bytes=320, wt_bytes=664, out_bytes=144)


def test_dc_op_bounds_hand_case():
    b = bounds.op_bounds(RegView(_encode(DC_REGS)))
    assert (b.mac_cycles, b.in_bytes, b.wt_bytes, b.out_bytes) == tuple(DC_HAND.values())
    assert b.mem_cycles == 141
    assert (b.bound, b.limit) == (216, "MAC")


def test_image_op_bounds_hand_case():
    """Image mode: a 3-wide kernel over 4-component pixels is C = 12 for CSC (S = 1); lines that
    start mid-beat (PIXEL_X_OFFSET) cost whole beats; SDP sends on the fly to PDP, which writes
    the output."""
    regs = RegView(_encode({
        "CDMA.D_DATAIN_FORMAT": dict(DATAIN_FORMAT=1, PIXEL_FORMAT=12),   # A8B8G8R8, 4 B/pixel
        "CDMA.D_DATAIN_SIZE_0": dict(DATAIN_WIDTH=3, DATAIN_HEIGHT=2),    # 4 pixels x 3 lines
        "CDMA.D_DATAIN_SIZE_1": dict(DATAIN_CHANNEL=3),
        "CDMA.D_PIXEL_OFFSET": dict(PIXEL_X_OFFSET=1),
        "CDMA.D_DAIN_ADDR_LOW_0": dict(DATAIN_ADDR_LOW_0=0x1000),
        "CDMA.D_LINE_STRIDE": dict(LINE_STRIDE=0x40),
        "CDMA.D_WEIGHT_BYTES": dict(WEIGHT_BYTES=216),                  # 9 * 12 * 2
        "CSC.D_WEIGHT_SIZE_EXT_0": dict(WEIGHT_WIDTH_EXT=0, WEIGHT_HEIGHT_EXT=1),
        "CSC.D_WEIGHT_SIZE_EXT_1": dict(WEIGHT_CHANNEL_EXT=11, WEIGHT_KERNEL=8),
        "CSC.D_DATAOUT_SIZE_0": dict(DATAOUT_WIDTH=1, DATAOUT_HEIGHT=1),
        "SDP.D_FEATURE_MODE_CFG": dict(FLYING_MODE=1, OUTPUT_DST=1),
        "SDP.D_DATA_CUBE_WIDTH": dict(WIDTH=1),
        "SDP.D_DATA_CUBE_HEIGHT": dict(HEIGHT=1),
        "SDP.D_DATA_CUBE_CHANNEL": dict(CHANNEL=8),
        "PDP.D_DATA_CUBE_IN_CHANNEL": dict(CUBE_IN_CHANNEL=8),
        "PDP.D_DATA_CUBE_OUT_WIDTH": dict(CUBE_OUT_WIDTH=0),
        "PDP.D_DATA_CUBE_OUT_HEIGHT": dict(CUBE_OUT_HEIGHT=0),
    }))
    b = bounds.op_bounds(regs)
    # MAC: ceil(12/8) * ceil(9/8) * R 2 * S 1 * 2 * 2 = 32
    assert b.mac_cycles == 32
    # each line: bytes 0x..04 .. 0x..13 (4 pixels from pixel 1) touch beats 0..2: 3 beats = 24 B
    assert b.in_bytes == 3 * 24
    assert b.wt_bytes == 216
    assert b.out_bytes == 2 * 1 * 1 * 8            # PDP's 1x1 output, 9 channels = 2 atoms
    assert (b.mem_cycles, b.bound, b.limit) == ((72 + 216 + 16) // 8, 38, "memory")


def test_image_y_extension_groups_rows():
    """CSC post Y-extension 2 (code 1): 3 channels, 5 kernel rows -> rows taken 2 at a time, one
    atom of 6 channels per row pair: ceil(6/8) * ceil(5/2) = 3 atoms per kernel group and output
    (5 without the extension); 8 kernels, output 2 x 2: 12 cycles."""
    fields = {
        "CDMA.D_DATAIN_FORMAT": dict(DATAIN_FORMAT=1, PIXEL_FORMAT=12),
        "CSC.D_WEIGHT_SIZE_EXT_0": dict(WEIGHT_WIDTH_EXT=0, WEIGHT_HEIGHT_EXT=4),
        "CSC.D_WEIGHT_SIZE_EXT_1": dict(WEIGHT_CHANNEL_EXT=2, WEIGHT_KERNEL=7),
        "CSC.D_DATAOUT_SIZE_0": dict(DATAOUT_WIDTH=1, DATAOUT_HEIGHT=1),
        "CSC.D_POST_Y_EXTENSION": dict(Y_EXTENSION=1),
    }
    assert bounds.mac_cycles(RegView(_encode(fields))) == 12
    fields["CSC.D_POST_Y_EXTENSION"] = dict(Y_EXTENSION=0)
    assert bounds.mac_cycles(RegView(_encode(fields))) == 20
    fields["CSC.D_POST_Y_EXTENSION"] = dict(Y_EXTENSION=3)
    with pytest.raises(ValueError, match="Y_EXTENSION = 3 is reserved"):
        bounds.mac_cycles(RegView(_encode(fields)))


def _cfg_line(name: str, value: int) -> str:
    return f"reg_write(NVDLA_{name}_0, 0x{value:x});"


def _conv_trace(tmp_path, groups=(0,)):
    """A trace running the DC case once per ping-pong group in ``groups``."""
    units = ("CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC", "SDP")
    lines = ["mem_init(pri_mem, 0x80000000, 0x140, RANDOM);",
             "mem_init(pri_mem, 0x80010000, 0x2a0, RANDOM);"]
    for g in groups:
        lines += [_cfg_line(f"{u}.S_POINTER", g) for u in units]
        lines += [_cfg_line(n, REGMAP[f"NVDLA_{n}_0"].encode(**f)) for n, f in DC_REGS.items()]
        lines += [_cfg_line(f"{u}.D_OP_ENABLE", 1) for u in units]
    for g in groups:
        lines += [f"intr_notify(SDP_{g}, done{g});", f"check_nothing(done{g});"]
    d = tmp_path / "dc_hand"
    d.mkdir()
    (d / "dc_hand.cfg").write_text("\n".join(lines) + "\n")
    return d


def test_trace_bounds_one_conv(tmp_path):
    b = bounds.trace_bounds(_conv_trace(tmp_path))
    assert (b.ops, b.mac_cycles, b.in_bytes, b.wt_bytes, b.out_bytes) == (1, *DC_HAND.values())


def test_trace_bounds_two_convs_add(tmp_path):
    b = bounds.trace_bounds(_conv_trace(tmp_path, groups=(0, 1)))
    assert (b.ops, b.mac_cycles, b.mem_bytes) == (2, 2 * 216, 2 * 1128)


def test_trace_without_conv_is_one_line_error(tmp_path):
    d = tmp_path / "noconv"
    d.mkdir()
    (d / "noconv.cfg").write_text("reg_write(NVDLA_GLB.S_INTR_SET_0, 0x1);\n"
                                  "intr_notify(s);\ncheck_nothing(s);\n")
    with pytest.raises(bounds.BoundsError, match="^noconv: no convolution operation"):
        bounds.trace_bounds(d)


# ---- NVIDIA's traces (../shared): MAC bounds computed by hand from each cfg's CSC registers
# (C = WEIGHT_CHANNEL_EXT + 1, K = WEIGHT_KERNEL + 1, R/S = WEIGHT_HEIGHT/WIDTH_EXT + 1,
# Wout/Hout = DATAOUT_WIDTH/HEIGHT + 1), and the ratios the issue measured from summary.csv.
SHARED = [
    # trace, MAC bound by hand, memory bound by hand or None, bound/nv_small as in the issue
    ("nv_small-synth/dc_32x26x76_6x3x76x270_int8_0", 10 * 34 * 3 * 6 * 29 * 28, None, 0.995),
    ("nv_small/dc_35x22x54_6x8x54x29_int8_0", 7 * 4 * 8 * 6 * 36 * 24, None, 0.976),
    ("nv_small/dc_24x33x55_5x5x55x25_int8_0", 7 * 4 * 5 * 5 * 7 * 12, None, 0.74),
    # image: CSC C = 0x73 + 1 = 116 (29-wide kernel x 4 components), S = 1, R = 10, K = 32,
    # output 12 x 44; memory: 96 lines of 51 x 4 = 204 B -> 26 beats, weights 0x9100 B,
    # output 4 surfaces x 12 x 44 atoms: (96 * 26 * 8 + 37120 + 16896) / 8 = 9248
    ("nv_small-synth/img_51x96x4_1x10x4x32_A8B8G8R8_mean_int8", 15 * 4 * 10 * 1 * 12 * 44, 9248,
     0.967),
    ("nv_small-synth/img_51x96x4_1x10x4x32_V8U8Y8A8_nomean_int8", 15 * 4 * 10 * 1 * 12 * 44, 9248,
     0.967),
]


def _shared(rel):
    d = TRACES / rel
    if not (d / f"{d.name}.cfg").is_file():
        pytest.skip(f"{d} absent (../shared traces not available)")
    return d


@pytest.mark.parametrize("rel,mac,mem,ratio", SHARED, ids=[s[0].split("/")[1] for s in SHARED])
def test_shared_trace_bounds(rel, mac, mem, ratio):
    d = _shared(rel)
    b = bounds.trace_bounds(d)
    assert b.mac_cycles == mac
    if mem is not None:
        assert b.mem_cycles == mem
    assert b.limit == "MAC"
    nv = bounds.nv_small_cycles(d.name)
    if nv is None:
        pytest.skip("summary.csv absent")
    assert round(b.bound / nv, 3) == pytest.approx(ratio, abs=0.0015)


def test_dc_4x1x8192_memory_bound():
    """8 KB of weights and 32 KB of data (issue 9: about 5k cycles; nv_small about 19k): input
    1024 surfaces x 4 atoms = 32768 B, weights 0x2000 B, output 1 surface x 2 atoms (CSC output
    2 x 1) = 16 B: 40976 / 8 = 5122 cycles; MAC ceil(8192/8) * 1 * 1 * 1 * 2 = 2048."""
    d = _shared("nv_small/dc_4x1x8192_1x1x8192x1_int8_0")
    b = bounds.trace_bounds(d)
    assert (b.in_bytes, b.wt_bytes, b.out_bytes) == (32768, 8192, 16)
    assert (b.mem_cycles, b.mac_cycles, b.limit) == (5122, 2048, "memory")
    nv = bounds.nv_small_cycles(d.name)
    if nv is not None:
        assert 18_000 < nv < 20_000


def test_conv_trace_set():
    if not (TRACES / "nv_small").is_dir():
        pytest.skip(f"{TRACES} absent")
    names = [d.name for d in bounds.conv_traces()]
    assert len(names) == len(set(names))
    assert all(n.startswith(("dc_", "img_")) for n in names)
    assert "dc_32x26x76_6x3x76x270_int8_0" in names and "dc_4x1x8192_1x1x8192x1_int8_0" in names
    assert sum(n.startswith("img_") for n in names) == 12
