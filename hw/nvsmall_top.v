// nvsmall_top: our own nv_small-compatible NVDLA (CSB, GLB, AXI DMA, SDP, PDP, CDP), written from
// the specification. Its port list is exactly that of NVIDIA's NV_nvdla for nv_small, so one
// testbench drives both.
//
// Clocking/reset: one clock domain. dla_core_clk clocks everything; dla_csb_clk must be the same
// clock (the testbench drives both with one clock). Reset: dla_reset_rstn AND direct_reset_
// (active low, asynchronous assert). Clock-gating/test/power inputs are ignored.
//
// Structure:
//   nvs_csb         CSB slave (request accepted every cycle, response one cycle later), here
//   nvs_top_wiring  GENERATED (hw/gen/nvs_top_wiring.v by hw/gen_regs.py + hw/gen_top.py):
//                   the register files nvs_regs_<unit>, GLB and its interrupt bits, the CSB read
//                   mux, the engines (nvs_sdp, nvs_pdp, nvs_cdp) and the AXI DMA nvs_dma, all
//                   connected by port name. The naming convention an engine follows (config
//                   fields <unit>_<reg>_<field>, <unit>_op_en/_op_done, DMA client and stream
//                   ports) and how to add a unit are in hw/gen_top.py's docstring.
//   the AXI (DBB) port of nvs_dma, mapped here onto NV_nvdla's nvdla_core2dbb_* names.
//
// Streams between engines (same port name on both engines, so connected in nvs_top_wiring):
//   sdp2pdp_valid (SDP out), sdp2pdp_ready (PDP out), sdp2pdp_data[63:0] (SDP out): PDP flying
//           input (SDP.D_FEATURE_MODE_CFG.OUTPUT_DST = PDP), one 8-byte atom per transfer = the
//           8 int8 channels (lane i at [8i+7:8i]) of one pixel, in SDP processing order: surface
//           (8 channels) -> line h -> pixel w. Lanes of channels >= C in the last surface are don't-care.
// DMA clients (nvs_dma): read sdp_mrdma, sdp_brdma, sdp_nrdma, pdp_rdma, cdp_rdma; write sdp_wdma,
//   pdp_wdma, cdp_wdma (<c>_rd_req_valid/_ready/_addr[31:0]/_len[3:0], <c>_rd_rsp_valid/_ready/_data[63:0];
//   <c>_wr_req_valid/_ready/_addr/_len, <c>_wr_dat_valid/_ready/_data[63:0]/_mask[7:0], <c>_wr_ack).
module nvsmall_top (
    input  wire        dla_core_clk,
    input  wire        dla_csb_clk,
    input  wire        global_clk_ovr_on,
    input  wire        tmc2slcg_disable_clock_gating,
    input  wire        dla_reset_rstn,
    input  wire        direct_reset_,
    input  wire        test_mode,
    input  wire        csb2nvdla_valid,
    output wire        csb2nvdla_ready,
    input  wire [15:0] csb2nvdla_addr,
    input  wire [31:0] csb2nvdla_wdat,
    input  wire        csb2nvdla_write,
    input  wire        csb2nvdla_nposted,
    output wire        nvdla2csb_valid,
    output wire [31:0] nvdla2csb_data,
    output wire        nvdla2csb_wr_complete,
    output wire        nvdla_core2dbb_aw_awvalid,
    input  wire        nvdla_core2dbb_aw_awready,
    output wire [7:0]  nvdla_core2dbb_aw_awid,
    output wire [3:0]  nvdla_core2dbb_aw_awlen,
    output wire [31:0] nvdla_core2dbb_aw_awaddr,
    output wire        nvdla_core2dbb_w_wvalid,
    input  wire        nvdla_core2dbb_w_wready,
    output wire [63:0] nvdla_core2dbb_w_wdata,
    output wire [7:0]  nvdla_core2dbb_w_wstrb,
    output wire        nvdla_core2dbb_w_wlast,
    input  wire        nvdla_core2dbb_b_bvalid,
    output wire        nvdla_core2dbb_b_bready,
    input  wire [7:0]  nvdla_core2dbb_b_bid,
    output wire        nvdla_core2dbb_ar_arvalid,
    input  wire        nvdla_core2dbb_ar_arready,
    output wire [7:0]  nvdla_core2dbb_ar_arid,
    output wire [3:0]  nvdla_core2dbb_ar_arlen,
    output wire [31:0] nvdla_core2dbb_ar_araddr,
    input  wire        nvdla_core2dbb_r_rvalid,
    output wire        nvdla_core2dbb_r_rready,
    input  wire [7:0]  nvdla_core2dbb_r_rid,
    input  wire        nvdla_core2dbb_r_rlast,
    input  wire [63:0] nvdla_core2dbb_r_rdata,
    output wire        dla_intr,
    input  wire [31:0] nvdla_pwrbus_ram_c_pd,
    input  wire [31:0] nvdla_pwrbus_ram_ma_pd,
    input  wire [31:0] nvdla_pwrbus_ram_mb_pd,
    input  wire [31:0] nvdla_pwrbus_ram_p_pd,
    input  wire [31:0] nvdla_pwrbus_ram_o_pd,
    input  wire [31:0] nvdla_pwrbus_ram_a_pd
);
    wire clk = dla_core_clk;
    wire rstn = dla_reset_rstn & direct_reset_;
    // Inputs without function here (single clock domain, no clock gating, no RAM power control).
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_inputs = dla_csb_clk ^ global_clk_ovr_on ^ tmc2slcg_disable_clock_gating ^ test_mode
                       ^ (|nvdla_pwrbus_ram_c_pd) ^ (|nvdla_pwrbus_ram_ma_pd) ^ (|nvdla_pwrbus_ram_mb_pd)
                       ^ (|nvdla_pwrbus_ram_p_pd) ^ (|nvdla_pwrbus_ram_o_pd) ^ (|nvdla_pwrbus_ram_a_pd);
    /* verilator lint_on UNUSEDSIGNAL */

    // ---------------- CSB ----------------
    wire        csb_req_valid, csb_req_write;
    wire [15:0] csb_req_addr;
    wire [31:0] csb_req_wdat, csb_rd_data;
    nvs_csb u_csb (
        .clk(clk), .rstn(rstn),
        .csb2nvdla_valid(csb2nvdla_valid), .csb2nvdla_ready(csb2nvdla_ready),
        .csb2nvdla_addr(csb2nvdla_addr), .csb2nvdla_wdat(csb2nvdla_wdat),
        .csb2nvdla_write(csb2nvdla_write), .csb2nvdla_nposted(csb2nvdla_nposted),
        .nvdla2csb_valid(nvdla2csb_valid), .nvdla2csb_data(nvdla2csb_data),
        .nvdla2csb_wr_complete(nvdla2csb_wr_complete),
        .req_valid(csb_req_valid), .req_write(csb_req_write), .req_addr(csb_req_addr),
        .req_wdat(csb_req_wdat), .rd_data(csb_rd_data));

    // ---------------- register files, engines, DMA (generated, wired by name) ----------------
    nvs_top_wiring u_units (
        .clk(clk), .rstn(rstn),
        .csb_req_valid(csb_req_valid), .csb_req_write(csb_req_write), .csb_req_addr(csb_req_addr),
        .csb_req_wdat(csb_req_wdat), .csb_rd_data(csb_rd_data), .dla_intr(dla_intr),
        // AXI: nvs_dma's <channel>_<signal> on NV_nvdla's nvdla_core2dbb_<channel>_<channel><signal>
        .aw_valid(nvdla_core2dbb_aw_awvalid), .aw_ready(nvdla_core2dbb_aw_awready),
        .aw_id(nvdla_core2dbb_aw_awid), .aw_len(nvdla_core2dbb_aw_awlen), .aw_addr(nvdla_core2dbb_aw_awaddr),
        .w_valid(nvdla_core2dbb_w_wvalid), .w_ready(nvdla_core2dbb_w_wready), .w_data(nvdla_core2dbb_w_wdata),
        .w_strb(nvdla_core2dbb_w_wstrb), .w_last(nvdla_core2dbb_w_wlast), .b_valid(nvdla_core2dbb_b_bvalid),
        .b_ready(nvdla_core2dbb_b_bready), .b_id(nvdla_core2dbb_b_bid), .ar_valid(nvdla_core2dbb_ar_arvalid),
        .ar_ready(nvdla_core2dbb_ar_arready), .ar_id(nvdla_core2dbb_ar_arid), .ar_len(nvdla_core2dbb_ar_arlen),
        .ar_addr(nvdla_core2dbb_ar_araddr), .r_valid(nvdla_core2dbb_r_rvalid),
        .r_ready(nvdla_core2dbb_r_rready), .r_id(nvdla_core2dbb_r_rid), .r_last(nvdla_core2dbb_r_rlast),
        .r_data(nvdla_core2dbb_r_rdata));
endmodule
