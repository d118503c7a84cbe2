// tb_top: testbench harness.  The DUT is any module with NVIDIA's NV_nvdla (nv_small) port list:
// our hw/nvsmall_top by default, or the user's RTL with -DTB_DUT=NV_nvdla.  Both DUT clocks are
// driven by the one testbench clock; the DBB AXI port is served by tb_axi_ram; the CSB port and
// the interrupt are top-level ports driven/observed by the cocotb agents (tb/csb.py, tb/env.py).
// tb_axi_check watches the DBB port (chk_*: first violation, outstanding counts); the idle
// counter counts cycles without any CSB, AXI or interrupt activity (idle_trip when it reaches
// idle_limit, 0 = off) so that a hung DUT is stopped within idle_limit cycles.
`ifndef TB_DUT
`define TB_DUT nvsmall_top
`endif
module tb_top (
    input             clk,
    input             rstn,
    // CSB (driven by tb/csb.py)
    input             csb_valid,
    output            csb_ready,
    input      [15:0] csb_addr,
    input      [31:0] csb_wdat,
    input             csb_write,
    input             csb_nposted,
    output            csb_rvalid,
    output     [31:0] csb_rdata,
    output            csb_wr_complete,
    output            intr,
    // DBB memory control (tb/dbb.py)
    input             mem_load,
    input      [15:0] mem_gen,
    input             mem_dump,
    input      [31:0] mem_dump_lo,
    input      [31:0] mem_dump_hi,
    input             mem_rnd_en,
    input      [31:0] mem_rnd_seed,
    output     [31:0] mem_rd_oob,
    output     [31:0] mem_rd_oob_addr,
    output     [31:0] mem_wr_oob,
    output     [31:0] mem_wr_oob_addr,
    output     [31:0] mem_rd_beats,
    output     [31:0] mem_wr_beats,
    output     [31:0] mem_reorders,     // responses the RAM returned out of order (random mode)
    output     [31:0] mem_wlast_err,    // DUT write beats whose WLAST disagreed with AWLEN
    // AXI protocol checker (tb_axi_check) and idle watchdog
    output            chk_err,
    output     [31:0] chk_err_count,
    output      [3:0] chk_err_code,
    output      [7:0] chk_err_id,
    output     [31:0] chk_err_addr,
    output     [63:0] chk_err_cycle,
    output     [31:0] chk_rd_out,
    output     [31:0] chk_rd_out_max,
    output     [31:0] chk_wr_out,
    output     [31:0] chk_wr_out_max,
    output     [31:0] chk_rd_bursts,
    output     [31:0] chk_wr_bursts,
    input      [31:0] idle_limit,
    input             mem_hold_r,       // test hook: read data withheld from the DUT (a DMA that
                                        // never gets its data), for the watchdog's own test
    output reg [31:0] idle_cycles,
    output reg [31:0] idle_max,         // longest idle stretch since reset (after the first
                                        // activity: the settle cycles after reset not counted)
    output reg        idle_trip,
    output reg [63:0] cycles           // clock cycles since the last reset release
);
    always @(posedge clk) cycles <= rstn ? cycles + 64'd1 : 64'd0;

    wire        aw_valid, aw_ready, w_valid, w_ready, w_last, b_valid, b_ready;
    wire        ar_valid, ar_ready, r_valid, r_ready, r_last;
    wire  [7:0] aw_id, b_id, ar_id, r_id, w_strb;
    wire  [3:0] aw_len, ar_len;
    // Address wires are 64-bit so that a DUT with 64-bit AXI addresses also connects; the
    // memory uses the low 32 bits (nv_small addresses are 32-bit).
    wire [63:0] aw_addr, ar_addr;
    wire [63:0] w_data, r_data;
    wire [31:0] r_reorders, b_reorders;
    wire        ram_r_valid, ram_r_ready;
    assign r_valid = ram_r_valid && !mem_hold_r;
    assign ram_r_ready = r_ready && !mem_hold_r;
    assign mem_reorders = r_reorders + b_reorders;

    /* verilator lint_off WIDTH */  // DUT address ports may be 32 or 64 bits wide
    /* verilator lint_off PINCONNECTEMPTY */
    `TB_DUT dut (
        .dla_core_clk(clk),
        .dla_csb_clk(clk),
        .global_clk_ovr_on(1'b0),
        .tmc2slcg_disable_clock_gating(1'b0),
        .dla_reset_rstn(rstn),
        .direct_reset_(rstn),
        .test_mode(1'b0),
        .csb2nvdla_valid(csb_valid),
        .csb2nvdla_ready(csb_ready),
        .csb2nvdla_addr(csb_addr),
        .csb2nvdla_wdat(csb_wdat),
        .csb2nvdla_write(csb_write),
        .csb2nvdla_nposted(csb_nposted),
        .nvdla2csb_valid(csb_rvalid),
        .nvdla2csb_data(csb_rdata),
        .nvdla2csb_wr_complete(csb_wr_complete),
        .nvdla_core2dbb_aw_awvalid(aw_valid),
        .nvdla_core2dbb_aw_awready(aw_ready),
        .nvdla_core2dbb_aw_awid(aw_id),
        .nvdla_core2dbb_aw_awlen(aw_len),
        .nvdla_core2dbb_aw_awaddr(aw_addr),
        .nvdla_core2dbb_w_wvalid(w_valid),
        .nvdla_core2dbb_w_wready(w_ready),
        .nvdla_core2dbb_w_wdata(w_data),
        .nvdla_core2dbb_w_wstrb(w_strb),
        .nvdla_core2dbb_w_wlast(w_last),
        .nvdla_core2dbb_b_bvalid(b_valid),
        .nvdla_core2dbb_b_bready(b_ready),
        .nvdla_core2dbb_b_bid(b_id),
        .nvdla_core2dbb_ar_arvalid(ar_valid),
        .nvdla_core2dbb_ar_arready(ar_ready),
        .nvdla_core2dbb_ar_arid(ar_id),
        .nvdla_core2dbb_ar_arlen(ar_len),
        .nvdla_core2dbb_ar_araddr(ar_addr),
        .nvdla_core2dbb_r_rvalid(r_valid),
        .nvdla_core2dbb_r_rready(r_ready),
        .nvdla_core2dbb_r_rid(r_id),
        .nvdla_core2dbb_r_rlast(r_last),
        .nvdla_core2dbb_r_rdata(r_data),
        .dla_intr(intr),
        .nvdla_pwrbus_ram_c_pd(32'd0),
        .nvdla_pwrbus_ram_ma_pd(32'd0),
        .nvdla_pwrbus_ram_mb_pd(32'd0),
        .nvdla_pwrbus_ram_p_pd(32'd0),
        .nvdla_pwrbus_ram_o_pd(32'd0),
        .nvdla_pwrbus_ram_a_pd(32'd0)
    );
    /* verilator lint_on PINCONNECTEMPTY */
    /* verilator lint_on WIDTH */

    tb_axi_check chk (
        .clk(clk), .rstn(rstn), .cyc(cycles),
        .aw_valid(aw_valid), .aw_ready(aw_ready), .aw_id(aw_id), .aw_len(aw_len),
        .aw_addr(aw_addr[31:0]),
        .w_valid(w_valid), .w_ready(w_ready), .w_last(w_last),
        .b_valid(b_valid), .b_ready(b_ready), .b_id(b_id),
        .ar_valid(ar_valid), .ar_ready(ar_ready), .ar_id(ar_id), .ar_len(ar_len),
        .ar_addr(ar_addr[31:0]),
        .r_valid(r_valid), .r_ready(r_ready), .r_last(r_last), .r_id(r_id),
        .err(chk_err), .err_count(chk_err_count), .err_code(chk_err_code), .err_id(chk_err_id),
        .err_addr(chk_err_addr), .err_cycle(chk_err_cycle),
        .rd_out(chk_rd_out), .rd_out_max(chk_rd_out_max),
        .wr_out(chk_wr_out), .wr_out_max(chk_wr_out_max),
        .rd_bursts(chk_rd_bursts), .wr_bursts(chk_wr_bursts)
    );

    // idle watchdog: any CSB request/answer, AXI handshake or interrupt edge is activity
    reg intr_q, seen;
    wire active = (csb_valid && csb_ready) || csb_rvalid || csb_wr_complete || (intr != intr_q) ||
                  (aw_valid && aw_ready) || (w_valid && w_ready) || (b_valid && b_ready) ||
                  (ar_valid && ar_ready) || (r_valid && r_ready);
    always @(posedge clk) begin
        intr_q <= intr;
        if (!rstn) begin
            idle_max <= 32'd0;
            seen <= 1'b0;
        end else if (active) begin
            seen <= 1'b1;
            if (seen && idle_cycles > idle_max) idle_max <= idle_cycles;
        end
        if (!rstn || active) begin
            idle_cycles <= 32'd0;
            idle_trip <= 1'b0;
        end else begin
            if (idle_cycles != 32'hffffffff) idle_cycles <= idle_cycles + 32'd1;
            if (idle_limit != 0 && idle_cycles + 32'd1 >= idle_limit) idle_trip <= 1'b1;
        end
    end

    tb_axi_ram ram (
        .clk(clk), .rstn(rstn),
        .load(mem_load), .gen(mem_gen), .dump(mem_dump), .dump_lo(mem_dump_lo), .dump_hi(mem_dump_hi),
        .rnd_en(mem_rnd_en), .rnd_seed(mem_rnd_seed),
        .aw_valid(aw_valid), .aw_ready(aw_ready), .aw_id(aw_id), .aw_len(aw_len),
        .aw_addr(aw_addr[31:0]),
        .w_valid(w_valid), .w_ready(w_ready), .w_data(w_data), .w_strb(w_strb), .w_last(w_last),
        .b_valid(b_valid), .b_ready(b_ready), .b_id(b_id),
        .ar_valid(ar_valid), .ar_ready(ar_ready), .ar_id(ar_id), .ar_len(ar_len),
        .ar_addr(ar_addr[31:0]),
        .r_valid(ram_r_valid), .r_ready(ram_r_ready), .r_id(r_id), .r_last(r_last), .r_data(r_data),
        .rd_oob(mem_rd_oob), .rd_oob_addr(mem_rd_oob_addr),
        .wr_oob(mem_wr_oob), .wr_oob_addr(mem_wr_oob_addr),
        .rd_beats(mem_rd_beats), .wr_beats(mem_wr_beats),
        .r_reorders(r_reorders), .b_reorders(b_reorders), .w_last_err(mem_wlast_err)
    );
endmodule
