"""model/regs.py: the register map and field get/put, against NVIDIA's nv_small facts."""
import pytest

from model.regs import REGMAP, Field, RegMapError, RegView


def test_field_get_put():
    f = Field("X", 7, 4)
    assert f.width == 4 and f.mask == 0xF0
    assert f.get(0xAB) == 0xA
    assert f.put(0xFF, 0x3) == 0x3F
    assert f.put(0, 0x1F) == 0xF0          # truncated to the field width
    assert Field("S", 15, 0).get_signed(0xFFFF) == -1
    assert Field("S", 15, 0).get_signed(0x7FFF) == 32767
    assert Field("B", 31, 31).get(0x80000000) == 1


def test_unit_bases_of_nv_small():
    # nv_small's CSB decode (no BDMA/CVIF): GLB 0x1000, CDMA 0x3000 ... CDP 0xd000
    want = {"GLB": 0x1000, "CDMA": 0x3000, "CSC": 0x4000, "CMAC_A": 0x5000, "CMAC_B": 0x6000,
            "CACC": 0x7000, "SDP_RDMA": 0x8000, "SDP": 0x9000, "PDP_RDMA": 0xA000,
            "PDP": 0xB000, "CDP_RDMA": 0xC000, "CDP": 0xD000}
    for u, b in want.items():
        assert REGMAP.unit_base[u] == b


def test_lookup_by_name_and_address():
    r = REGMAP["NVDLA_SDP.D_CVT_SCALE_0"]
    assert r.addr == 0x90C4                     # SDP base + 0xc4
    assert REGMAP.by_addr(0x90C4) is r
    assert REGMAP.by_addr(0x90C5) is None
    assert REGMAP["NVDLA_GLB.S_INTR_STATUS_0"].field("SDP_DONE_STATUS0").lsb == 0
    assert REGMAP["NVDLA_GLB.S_INTR_STATUS_0"].field("CACC_DONE_STATUS1").lsb == 21
    with pytest.raises(RegMapError):
        REGMAP["NVDLA_SDP.NO_SUCH_0"]
    with pytest.raises(RegMapError):
        r.field("NOPE")


def test_reset_values_from_rtl():
    # NVIDIA's nv_small register RTL resets these bypass/disable bits to 1
    assert REGMAP["NVDLA_SDP_RDMA.D_BRDMA_CFG_0"].reset & 1 == 1
    assert REGMAP["NVDLA_SDP.D_DP_EW_CFG_0"].field("EW_BYPASS").get(
        REGMAP["NVDLA_SDP.D_DP_EW_CFG_0"].reset) == 1
    assert REGMAP["NVDLA_CDMA.S_CBUF_FLUSH_STATUS_0"].reset == 1
    assert REGMAP["NVDLA_GLB.S_NVDLA_HW_VERSION_0"].reset == 0x303031   # major 0x31, minor 0x3030


def test_regview_reads_reset_and_signed():
    v = RegView({"NVDLA_SDP.D_CVT_OFFSET_0": 0xFFFFFFFE})
    assert v.s("NVDLA_SDP.D_CVT_OFFSET_0", "CVT_OFFSET") == -2
    assert v.f("NVDLA_SDP.D_DP_BS_CFG_0", "BS_BYPASS") == 1       # never written: reset
