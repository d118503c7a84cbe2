"""tb/coverage.py's reading of Verilator's coverage.dat: points of one module's instances are
merged (a point is hit when any instance hit it), line and branch points count as line, toggle
points as toggle, points outside hw/ (the harness) are left out. Hand-written data."""
from tb import coverage, runner


def _pt(page, f, line, comment, hier, count, col="0"):
    kv = {"t": page.split("/")[0][2:], "page": page, "f": f, "l": str(line), "n": col,
          "o": comment, "h": hier}
    return "C '" + "".join(f"\x01{k}\x02{v}" for k, v in kv.items()) + f"' {count}\n"


def test_summary_per_module(tmp_path):
    sdp = str(runner.HW / "nvs_sdp.v")
    fifo = str(runner.HW / "nvs_pc_fifo.v")
    tb = str(runner.TB_HDL / "tb_axi_ram.v")
    dat = tmp_path / "coverage.dat"
    dat.write_text("# SystemC::Coverage-3\n" + "".join([
        _pt("v_line/nvs_sdp", sdp, 10, "block", "TOP.tb_top.dut.u_sdp", 3),
        _pt("v_line/nvs_sdp", sdp, 11, "block", "TOP.tb_top.dut.u_sdp", 0),
        _pt("v_branch/nvs_sdp", sdp, 12, "if", "TOP.tb_top.dut.u_sdp", 0),
        _pt("v_branch/nvs_sdp", sdp, 12, "else", "TOP.tb_top.dut.u_sdp", 7),
        _pt("v_toggle/nvs_sdp", sdp, 5, "x[0]", "TOP.tb_top.dut.u_sdp", 1),
        _pt("v_toggle/nvs_sdp", sdp, 5, "x[1]", "TOP.tb_top.dut.u_sdp", 0),
        # two instances of one FIFO: line 7 hit only in the second
        _pt("v_line/nvs_pc_fifo", fifo, 7, "block", "TOP.tb_top.dut.a", 0),
        _pt("v_line/nvs_pc_fifo", fifo, 7, "block", "TOP.tb_top.dut.b", 2),
        _pt("v_line/nvs_pc_fifo", fifo, 8, "block", "TOP.tb_top.dut.a", 0),
        _pt("v_line/nvs_pc_fifo__A5", fifo, 8, "block", "TOP.tb_top.dut.b", 0),  # a parameter variant
        _pt("v_line/tb_axi_ram", tb, 3, "block", "TOP.tb_top.ram", 9),
    ]))
    rows = {(m, k): (h, t) for m, k, h, t in coverage.summarize(coverage.parse_dat(dat))}
    assert rows == {("nvs_sdp", "line"): (2, 4), ("nvs_sdp", "toggle"): (1, 2),
                    ("nvs_pc_fifo", "line"): (1, 2)}
