// tb_axi_ram_axi: tb_axi_ram with AXI4 signal names (s_axi_*) and the protocol checker
// tb_axi_check on the same bus, for the RAM's own tests (tests/tb/test_axi_ram.py drives it with
// cocotbext-axi's AxiMaster).  Bursts of at most 16 beats of 8 bytes (xLEN[3:0], xSIZE 3, INCR,
// what nv_small's DBB port issues); BRESP/RRESP are always OKAY.
module tb_axi_ram_axi #(
    parameter AW_WORDS = 16,
    parameter QD = 5
) (
    input             clk,
    input             rstn,
    input             load,
    input      [15:0] gen,
    input             dump,
    input      [31:0] dump_lo,
    input      [31:0] dump_hi,
    input             rnd_en,
    input      [31:0] rnd_seed,
    input       [7:0] s_axi_awid,
    input      [31:0] s_axi_awaddr,
    input       [7:0] s_axi_awlen,
    input       [2:0] s_axi_awsize,
    input       [1:0] s_axi_awburst,
    input             s_axi_awvalid,
    output            s_axi_awready,
    input      [63:0] s_axi_wdata,
    input       [7:0] s_axi_wstrb,
    input             s_axi_wlast,
    input             s_axi_wvalid,
    output            s_axi_wready,
    output      [7:0] s_axi_bid,
    output      [1:0] s_axi_bresp,
    output            s_axi_bvalid,
    input             s_axi_bready,
    input       [7:0] s_axi_arid,
    input      [31:0] s_axi_araddr,
    input       [7:0] s_axi_arlen,
    input       [2:0] s_axi_arsize,
    input       [1:0] s_axi_arburst,
    input             s_axi_arvalid,
    output            s_axi_arready,
    output      [7:0] s_axi_rid,
    output     [63:0] s_axi_rdata,
    output      [1:0] s_axi_rresp,
    output            s_axi_rlast,
    output            s_axi_rvalid,
    input             s_axi_rready,
    output     [31:0] rd_oob,
    output     [31:0] wr_oob,
    output     [31:0] rd_beats,
    output     [31:0] wr_beats,
    output     [31:0] r_reorders,
    output     [31:0] b_reorders,
    output     [31:0] w_last_err,
    output            chk_err,
    output     [31:0] chk_err_count,
    output      [3:0] chk_err_code,
    output     [31:0] chk_rd_out,
    output     [31:0] chk_rd_out_max,
    output     [31:0] chk_wr_out,
    output     [31:0] chk_wr_out_max
);
    // xLEN[7:4], xSIZE, xBURST: the master is set up for nv_small's bursts (see above)
    wire unused = &{1'b0, s_axi_awlen[7:4], s_axi_awsize, s_axi_awburst, s_axi_arlen[7:4],
                    s_axi_arsize, s_axi_arburst};
    assign s_axi_bresp = 2'b00;
    assign s_axi_rresp = 2'b00;
    reg [63:0] cyc;
    always @(posedge clk) cyc <= rstn ? cyc + 64'd1 : 64'd0;
    /* verilator lint_off PINCONNECTEMPTY */
    tb_axi_ram #(.AW_WORDS(AW_WORDS), .QD(QD)) ram (
        .clk(clk), .rstn(rstn), .load(load), .gen(gen), .dump(dump), .dump_lo(dump_lo),
        .dump_hi(dump_hi), .rnd_en(rnd_en), .rnd_seed(rnd_seed),
        .aw_valid(s_axi_awvalid), .aw_ready(s_axi_awready), .aw_id(s_axi_awid),
        .aw_len(s_axi_awlen[3:0]), .aw_addr(s_axi_awaddr),
        .w_valid(s_axi_wvalid), .w_ready(s_axi_wready), .w_data(s_axi_wdata),
        .w_strb(s_axi_wstrb), .w_last(s_axi_wlast),
        .b_valid(s_axi_bvalid), .b_ready(s_axi_bready), .b_id(s_axi_bid),
        .ar_valid(s_axi_arvalid), .ar_ready(s_axi_arready), .ar_id(s_axi_arid),
        .ar_len(s_axi_arlen[3:0]), .ar_addr(s_axi_araddr),
        .r_valid(s_axi_rvalid), .r_ready(s_axi_rready), .r_id(s_axi_rid),
        .r_last(s_axi_rlast), .r_data(s_axi_rdata),
        .rd_oob(rd_oob), .rd_oob_addr(), .wr_oob(wr_oob), .wr_oob_addr(),
        .rd_beats(rd_beats), .r_reorders(r_reorders), .b_reorders(b_reorders),
        .w_last_err(w_last_err), .wr_beats(wr_beats)
    );
    tb_axi_check chk (
        .clk(clk), .rstn(rstn), .cyc(cyc),
        .aw_valid(s_axi_awvalid), .aw_ready(s_axi_awready), .aw_id(s_axi_awid),
        .aw_len(s_axi_awlen[3:0]), .aw_addr(s_axi_awaddr),
        .w_valid(s_axi_wvalid), .w_ready(s_axi_wready), .w_last(s_axi_wlast),
        .b_valid(s_axi_bvalid), .b_ready(s_axi_bready), .b_id(s_axi_bid),
        .ar_valid(s_axi_arvalid), .ar_ready(s_axi_arready), .ar_id(s_axi_arid),
        .ar_len(s_axi_arlen[3:0]), .ar_addr(s_axi_araddr),
        .r_valid(s_axi_rvalid), .r_ready(s_axi_rready), .r_last(s_axi_rlast), .r_id(s_axi_rid),
        .err(chk_err), .err_count(chk_err_count), .err_code(chk_err_code), .err_id(),
        .err_addr(), .err_cycle(), .rd_out(chk_rd_out), .rd_out_max(chk_rd_out_max),
        .wr_out(chk_wr_out), .wr_out_max(chk_wr_out_max), .rd_bursts(), .wr_bursts()
    );
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
