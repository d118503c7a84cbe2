"""Functional coverage (tb/funcov.py): the sample decoding of register values, the merge of
per-process files (sums of hits), the hole list with waivers, and the committed waiver list
naming only bins of the model."""
from __future__ import annotations

import yaml

from model.regs import REGMAP, RegView


def _enc(name, **kw):
    return REGMAP[name].encode(**kw)


def test_sdp_sample_decodes_stage_modes_and_operands():
    from tb.funcov import _sdp_sample
    v = RegView({
        "NVDLA_SDP.D_FEATURE_MODE_CFG_0": _enc("NVDLA_SDP.D_FEATURE_MODE_CFG_0", FLYING_MODE=1, OUTPUT_DST=1),
        "NVDLA_SDP.D_DP_BS_CFG_0": _enc("NVDLA_SDP.D_DP_BS_CFG_0", BS_BYPASS=0, BS_ALU_BYPASS=0,
                                        BS_ALU_ALGO=1, BS_MUL_BYPASS=0, BS_MUL_PRELU=1,
                                        BS_RELU_BYPASS=1),
        "NVDLA_SDP.D_DP_BS_ALU_CFG_0": _enc("NVDLA_SDP.D_DP_BS_ALU_CFG_0", BS_ALU_SRC=1),
        "NVDLA_SDP.D_DP_BS_MUL_CFG_0": _enc("NVDLA_SDP.D_DP_BS_MUL_CFG_0", BS_MUL_SRC=0),
        "NVDLA_SDP_RDMA.D_BRDMA_CFG_0": _enc("NVDLA_SDP_RDMA.D_BRDMA_CFG_0", BRDMA_DISABLE=0,
                                             BRDMA_DATA_USE=1, BRDMA_DATA_SIZE=1, BRDMA_DATA_MODE=1),
        "NVDLA_SDP.D_DP_BN_CFG_0": _enc("NVDLA_SDP.D_DP_BN_CFG_0", BN_BYPASS=1),
    })
    s = _sdp_sample(v)
    assert s["input"] == "cacc_on_the_fly" and s["output"] == "pdp_on_the_fly"
    assert s["BS.stage"] == "on" and s["BS.alu"] == "MIN" and s["BS.mul"] == "PRELU"
    assert s["BS.relu"] == "bypass"
    assert s["BS.alu_operand"] == "memory_per_element" and s["BS.mul_operand"] == "register"
    assert s["BS.dma"] == "ALU_2_bytes_per_element"
    assert s["BN.stage"] == "bypass" and s["BN.alu"] is None and s["BN.dma"] is None
    assert s["EW.stage"] == "bypass"          # EW_CFG reset value 0x53: EW_BYPASS = 1


def test_pdp_and_conv_samples():
    from tb.funcov import _conv_sample, _pdp_sample
    p = _pdp_sample(RegView({
        "NVDLA_PDP.D_OPERATION_MODE_CFG_0": _enc("NVDLA_PDP.D_OPERATION_MODE_CFG_0",
                                                 POOLING_METHOD=2, FLYING_MODE=0, SPLIT_NUM=2),
        "NVDLA_PDP.D_POOLING_KERNEL_CFG_0": _enc("NVDLA_PDP.D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=7,
                                                 KERNEL_HEIGHT=2, KERNEL_STRIDE_WIDTH=4),
    }))
    assert (p["method"], p["kernel_width"], p["kernel_height"], p["stride_width"], p["split"],
            p["input"], p["padding"]) == ("MIN", 8, 3, 5, "split_width", "sdp_on_the_fly", "none")
    c = _conv_sample(RegView({
        "NVDLA_CDMA.D_DATAIN_FORMAT_0": _enc("NVDLA_CDMA.D_DATAIN_FORMAT_0", DATAIN_FORMAT=1,
                                             PIXEL_FORMAT=13),
        "NVDLA_CSC.D_DILATION_EXT_0": _enc("NVDLA_CSC.D_DILATION_EXT_0", X_DILATION_EXT=9),
        "NVDLA_CSC.D_ZERO_PADDING_0": _enc("NVDLA_CSC.D_ZERO_PADDING_0", PAD_TOP=3),
        "NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0": _enc("NVDLA_CSC.D_WEIGHT_SIZE_EXT_0_0",
                                                WEIGHT_WIDTH_EXT=10),
    }))
    assert c["input"] == "image" and c["pixel_format"] == "A8R8G8B8" and c["mean"] == "no_mean"
    assert c["dilation_x"] == "4+" and c["dilation_y"] == "1" and c["pad_top"] == "3"
    assert c["kernel_width"] == "9+" and c["stride_x"] == 1


def _db(hits):
    """A cocotb-coverage YAML export with two points (what export_to_yaml writes)."""
    out = {"nvdla": {"type": "<class 'cocotb_coverage.coverage.CoverItem'>", "size": 4,
                     "coverage": 0, "cover_percentage": 0.0},
           "nvdla.u": {"type": "<class 'cocotb_coverage.coverage.CoverItem'>", "size": 4,
                       "coverage": 0, "cover_percentage": 0.0}}
    for pt, bins in hits.items():
        cov = sum(1 for n in bins.values() if n)
        out[f"nvdla.u.{pt}"] = {"type": "<class 'cocotb_coverage.coverage.CoverPoint'>",
                                "size": len(bins), "coverage": cov, "weight": 1, "at_least": 1,
                                "cover_percentage": 100.0 * cov / len(bins), "bins:_hits": bins}
    return out


def test_merge_sums_hits_and_lists_holes_with_waivers(tmp_path, monkeypatch):
    import tb.funcov as fc
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "run-1.yml").write_text(yaml.dump(_db({"a": {"x": 2, "y": 0}, "b": {"p": 0, "q": 0}})))
    (runs / "run-2.yml").write_text(yaml.dump(_db({"a": {"x": 1, "y": 0}, "b": {"p": 3, "q": 0}})))
    w = tmp_path / "w.toml"
    w.write_text('[waive."u.b"]\nq = "not in nv_small"\n')
    monkeypatch.setattr(fc, "WAIVERS", w)
    assert fc.report(runs, tmp_path, check=True) == 1          # u.a/y is open
    bins = fc.bins_of(yaml.safe_load((tmp_path / "merged.yml").read_text()))
    assert bins == {"u.a/x": 3, "u.a/y": 0, "u.b/p": 3, "u.b/q": 0}
    holes = (tmp_path / "holes.txt").read_text().splitlines()
    assert holes == ["u.a/y\tOPEN", "u.b/q\twaived: not in nv_small"]
    summary = (tmp_path / "summary.txt").read_text()
    assert summary.startswith("functional coverage: 2/4 bins covered (50.0 %), 2 holes (1 waived, 1 open)")


def test_no_files_is_one_line_exit_2(tmp_path, capsys):
    from tb.funcov import main
    assert main(["--dir", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no coverage files" in err[0]


def test_waivers_name_bins_of_the_model():
    import tb.funcov as fc
    from cocotb_coverage.coverage import coverage_db
    known = set()
    for name, item in coverage_db.items():
        if name.startswith("nvdla.") and hasattr(item, "detailed_coverage"):
            known |= {f"{name[6:]}/{b}" for b in item.detailed_coverage}
    w = fc.load_waivers()
    assert w, "tb/funcov_waivers.toml lists no waiver"
    assert not set(w) - known, f"waivers for bins the model lacks: {sorted(set(w) - known)}"
    assert all(len(r) > 10 for r in w.values())
