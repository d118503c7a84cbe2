// nvsmall_top: our own nv_small-compatible NVDLA (CSB, GLB, AXI DMA, SDP, PDP, CDP), written from
// the specification. Its port list is exactly that of NVIDIA's NV_nvdla for nv_small, so one
// testbench drives both.
//
// Clocking/reset: one clock domain. dla_core_clk clocks everything; dla_csb_clk must be the same
// clock (the testbench drives both with one clock). Reset: dla_reset_rstn AND direct_reset_
// (active low, asynchronous assert). Clock-gating/test/power inputs are ignored.
//
// Structure:
//   nvs_csb                CSB slave (request accepted every cycle, response one cycle later)
//   nvs_regs_<unit>        generated register files (hw/gen_regs.py, region marked below)
//   nvs_dma                AXI DMA, arbitrates the read/write clients onto the one AXI port
//   nvs_sdp / nvs_pdp / nvs_cdp   engines (config from the regfile outputs, memory via DMA ports)
//
// ---- Interfaces between the engines and this top (contract for hw/nvs_pdp.v, hw/nvs_cdp.v) ----
// Config:   every register field of the unit's consumer group, named
//           <unit_lower>_<reg_lower without trailing _0>_<field_lower>, e.g. pdp_d_pooling_kernel_cfg_kernel_width,
//           pdp_rdma_d_data_cube_in_width_cube_in_width, cdp_s_lut_cfg_lut_le_function.
// Control:  <unit>_op_en (in: consumer group armed), <unit>_op_done (out: one-cycle pulse when the
//           group is finished, i.e. for the engine unit after its last write was acked), for the
//           unit and its RDMA unit separately: pdp_op_en/pdp_op_done, pdp_rdma_op_en/pdp_rdma_op_done,
//           cdp_op_en/..., cdp_rdma_op_en/..., sdp_op_en/..., sdp_rdma_op_en/...
//           Start when op_en is 1 and the engine is idle; after op_done the regfile clears that
//           group's OP_EN and flips CONSUMER on the next edge (the engine must go idle with op_done).
// CDP LUT:  cdp_lut_le_table[1039:0] (65 x int16, entry i at [16i+15:16i]),
//           cdp_lut_lo_table[4111:0] (257 x int16), loaded through S_LUT_ACCESS_CFG/DATA.
// DMA:      read clients sdp_mrdma, sdp_brdma, sdp_nrdma, pdp_rdma, cdp_rdma; write clients
//           sdp_wdma, pdp_wdma, cdp_wdma, with the port names of the RTL contract
//           (<c>_rd_req_valid/_ready/_addr[31:0]/_len[3:0], <c>_rd_rsp_valid/_ready/_data[63:0];
//            <c>_wr_req_valid/_ready/_addr/_len, <c>_wr_dat_valid/_ready/_data[63:0]/_mask[7:0], <c>_wr_ack).
// PDP flying input from SDP (SDP.D_FEATURE_MODE_CFG.OUTPUT_DST = PDP):
//           sdp2pdp_valid (SDP out), sdp2pdp_ready (PDP out), sdp2pdp_data[63:0] (SDP out):
//           one 8-byte atom per transfer = the 8 int8 channels (lane i at [8i+7:8i]) of one pixel,
//           in SDP processing order: surface (8 channels) -> line h -> pixel w. Lanes of channels
//           >= C in the last surface are don't-care.
// Module port lists expected by this top (all names above, plus clk and rstn):
//   nvs_pdp: clk, rstn, pdp_op_en, pdp_op_done, pdp_rdma_op_en, pdp_rdma_op_done, pdp_* and
//            pdp_rdma_* config fields it uses, pdp_rdma_rd_*, pdp_wdma_wr_*, sdp2pdp_*.
//   nvs_cdp: clk, rstn, cdp_op_en, cdp_op_done, cdp_rdma_op_en, cdp_rdma_op_done, cdp_* and
//            cdp_rdma_* config fields it uses, cdp_lut_le_table, cdp_lut_lo_table, cdp_rdma_rd_*, cdp_wdma_wr_*.
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

    // ---------------- engine done pulses -> GLB interrupt status ----------------
    wire sdp_op_done, sdp_rdma_op_done, pdp_op_done, pdp_rdma_op_done, cdp_op_done, cdp_rdma_op_done;
    // the convolution units CDMA, CSC, CMAC_A, CMAC_B, CACC finish together (hw/nvs_conv.v)
    wire conv_op_done;
    wire cdma_op_done = conv_op_done, csc_op_done = conv_op_done, cmac_a_op_done = conv_op_done,
         cmac_b_op_done = conv_op_done, cacc_op_done = conv_op_done;
    wire [31:0] glb_done_in;
    wire        glb_intr;

    // BEGIN GENERATED REGS (hw/gen_regs.py: wires, register files, CSB read mux)
    /* verilator lint_off UNUSEDSIGNAL */
    // (not every config field is used by our datapath: EW, SDP LUT, perf enables, CYA)
    // ---- NVDLA_GLB (byte base 0x1000)
    wire        glb_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h01);
    wire [31:0] glb_rd_data;
    nvs_regs_glb u_regs_glb (.clk(clk), .rstn(rstn), .req_valid(glb_sel), .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]), .req_wdat(csb_req_wdat), .rd_data(glb_rd_data), .done_in(glb_done_in), .dla_intr(glb_intr));
    // ---- NVDLA_CDMA (byte base 0x3000)
    wire        cdma_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h03);
    wire [31:0] cdma_rd_data;
    wire        cdma_op_en, cdma_consumer;
    wire [3:0] cdma_s_arbiter_arb_weight;
    wire [3:0] cdma_s_arbiter_arb_wmb;
    wire cdma_s_cbuf_flush_status_flush_done;
    wire cdma_d_misc_cfg_conv_mode;
    wire [1:0] cdma_d_misc_cfg_in_precision;
    wire [1:0] cdma_d_misc_cfg_proc_precision;
    wire cdma_d_misc_cfg_data_reuse;
    wire cdma_d_misc_cfg_weight_reuse;
    wire cdma_d_misc_cfg_skip_data_rls;
    wire cdma_d_misc_cfg_skip_weight_rls;
    wire cdma_d_datain_format_datain_format;
    wire [5:0] cdma_d_datain_format_pixel_format;
    wire cdma_d_datain_format_pixel_mapping;
    wire cdma_d_datain_format_pixel_sign_override;
    wire [12:0] cdma_d_datain_size_0_datain_width;
    wire [12:0] cdma_d_datain_size_0_datain_height;
    wire [12:0] cdma_d_datain_size_1_datain_channel;
    wire [12:0] cdma_d_datain_size_ext_0_datain_width_ext;
    wire [12:0] cdma_d_datain_size_ext_0_datain_height_ext;
    wire [4:0] cdma_d_pixel_offset_pixel_x_offset;
    wire [2:0] cdma_d_pixel_offset_pixel_y_offset;
    wire cdma_d_dain_ram_type_datain_ram_type;
    wire [31:0] cdma_d_dain_addr_high_0_datain_addr_high_0;
    wire [31:0] cdma_d_dain_addr_low_0_datain_addr_low_0;
    wire [31:0] cdma_d_dain_addr_high_1_datain_addr_high_1;
    wire [31:0] cdma_d_dain_addr_low_1_datain_addr_low_1;
    wire [31:0] cdma_d_line_stride_line_stride;
    wire [31:0] cdma_d_line_uv_stride_uv_line_stride;
    wire [31:0] cdma_d_surf_stride_surf_stride;
    wire cdma_d_dain_map_line_packed;
    wire cdma_d_dain_map_surf_packed;
    wire [9:0] cdma_d_reserved_x_cfg_rsv_per_line;
    wire [9:0] cdma_d_reserved_x_cfg_rsv_per_uv_line;
    wire [2:0] cdma_d_reserved_y_cfg_rsv_height;
    wire [4:0] cdma_d_reserved_y_cfg_rsv_y_index;
    wire [4:0] cdma_d_batch_number_batches;
    wire [31:0] cdma_d_batch_stride_batch_stride;
    wire [13:0] cdma_d_entry_per_slice_entries;
    wire [11:0] cdma_d_fetch_grain_grains;
    wire cdma_d_weight_format_weight_format;
    wire [17:0] cdma_d_weight_size_0_byte_per_kernel;
    wire [12:0] cdma_d_weight_size_1_weight_kernel;
    wire cdma_d_weight_ram_type_weight_ram_type;
    wire [31:0] cdma_d_weight_addr_high_weight_addr_high;
    wire [31:0] cdma_d_weight_addr_low_weight_addr_low;
    wire [31:0] cdma_d_weight_bytes_weight_bytes;
    wire [31:0] cdma_d_wgs_addr_high_wgs_addr_high;
    wire [31:0] cdma_d_wgs_addr_low_wgs_addr_low;
    wire [31:0] cdma_d_wmb_addr_high_wmb_addr_high;
    wire [31:0] cdma_d_wmb_addr_low_wmb_addr_low;
    wire [27:0] cdma_d_wmb_bytes_wmb_bytes;
    wire cdma_d_mean_format_mean_format;
    wire [15:0] cdma_d_mean_global_0_mean_ry;
    wire [15:0] cdma_d_mean_global_0_mean_gu;
    wire [15:0] cdma_d_mean_global_1_mean_bv;
    wire [15:0] cdma_d_mean_global_1_mean_ax;
    wire cdma_d_cvt_cfg_cvt_en;
    wire [5:0] cdma_d_cvt_cfg_cvt_truncate;
    wire [15:0] cdma_d_cvt_offset_cvt_offset;
    wire [15:0] cdma_d_cvt_scale_cvt_scale;
    wire [2:0] cdma_d_conv_stride_conv_x_stride;
    wire [2:0] cdma_d_conv_stride_conv_y_stride;
    wire [4:0] cdma_d_zero_padding_pad_left;
    wire [5:0] cdma_d_zero_padding_pad_right;
    wire [4:0] cdma_d_zero_padding_pad_top;
    wire [5:0] cdma_d_zero_padding_pad_bottom;
    wire [15:0] cdma_d_zero_padding_value_pad_value;
    wire [4:0] cdma_d_bank_data_bank;
    wire [4:0] cdma_d_bank_weight_bank;
    wire cdma_d_nan_flush_to_zero_nan_to_zero;
    wire [31:0] cdma_d_nan_input_data_num_nan_data_num;
    assign cdma_d_nan_input_data_num_nan_data_num = 32'd0;
    wire [31:0] cdma_d_nan_input_weight_num_nan_weight_num;
    assign cdma_d_nan_input_weight_num_nan_weight_num = 32'd0;
    wire [31:0] cdma_d_inf_input_data_num_inf_data_num;
    assign cdma_d_inf_input_data_num_inf_data_num = 32'd0;
    wire [31:0] cdma_d_inf_input_weight_num_inf_weight_num;
    assign cdma_d_inf_input_weight_num_inf_weight_num = 32'd0;
    wire cdma_d_perf_enable_dma_en;
    wire [31:0] cdma_d_perf_dat_read_stall_dat_rd_stall;
    assign cdma_d_perf_dat_read_stall_dat_rd_stall = 32'd0;
    wire [31:0] cdma_d_perf_wt_read_stall_wt_rd_stall;
    assign cdma_d_perf_wt_read_stall_wt_rd_stall = 32'd0;
    wire [31:0] cdma_d_perf_dat_read_latency_dat_rd_latency;
    assign cdma_d_perf_dat_read_latency_dat_rd_latency = 32'd0;
    wire [31:0] cdma_d_perf_wt_read_latency_wt_rd_latency;
    assign cdma_d_perf_wt_read_latency_wt_rd_latency = 32'd0;
    wire [31:0] cdma_d_cya_cya;
    nvs_regs_cdma u_regs_cdma (
        .clk(clk),
        .rstn(rstn),
        .req_valid(cdma_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(cdma_rd_data),
        .op_en(cdma_op_en),
        .consumer(cdma_consumer),
        .op_done(cdma_op_done),
        .cdma_s_arbiter_arb_weight(cdma_s_arbiter_arb_weight),
        .cdma_s_arbiter_arb_wmb(cdma_s_arbiter_arb_wmb),
        .cdma_s_cbuf_flush_status_flush_done(cdma_s_cbuf_flush_status_flush_done),
        .cdma_d_misc_cfg_conv_mode(cdma_d_misc_cfg_conv_mode),
        .cdma_d_misc_cfg_in_precision(cdma_d_misc_cfg_in_precision),
        .cdma_d_misc_cfg_proc_precision(cdma_d_misc_cfg_proc_precision),
        .cdma_d_misc_cfg_data_reuse(cdma_d_misc_cfg_data_reuse),
        .cdma_d_misc_cfg_weight_reuse(cdma_d_misc_cfg_weight_reuse),
        .cdma_d_misc_cfg_skip_data_rls(cdma_d_misc_cfg_skip_data_rls),
        .cdma_d_misc_cfg_skip_weight_rls(cdma_d_misc_cfg_skip_weight_rls),
        .cdma_d_datain_format_datain_format(cdma_d_datain_format_datain_format),
        .cdma_d_datain_format_pixel_format(cdma_d_datain_format_pixel_format),
        .cdma_d_datain_format_pixel_mapping(cdma_d_datain_format_pixel_mapping),
        .cdma_d_datain_format_pixel_sign_override(cdma_d_datain_format_pixel_sign_override),
        .cdma_d_datain_size_0_datain_width(cdma_d_datain_size_0_datain_width),
        .cdma_d_datain_size_0_datain_height(cdma_d_datain_size_0_datain_height),
        .cdma_d_datain_size_1_datain_channel(cdma_d_datain_size_1_datain_channel),
        .cdma_d_datain_size_ext_0_datain_width_ext(cdma_d_datain_size_ext_0_datain_width_ext),
        .cdma_d_datain_size_ext_0_datain_height_ext(cdma_d_datain_size_ext_0_datain_height_ext),
        .cdma_d_pixel_offset_pixel_x_offset(cdma_d_pixel_offset_pixel_x_offset),
        .cdma_d_pixel_offset_pixel_y_offset(cdma_d_pixel_offset_pixel_y_offset),
        .cdma_d_dain_ram_type_datain_ram_type(cdma_d_dain_ram_type_datain_ram_type),
        .cdma_d_dain_addr_high_0_datain_addr_high_0(cdma_d_dain_addr_high_0_datain_addr_high_0),
        .cdma_d_dain_addr_low_0_datain_addr_low_0(cdma_d_dain_addr_low_0_datain_addr_low_0),
        .cdma_d_dain_addr_high_1_datain_addr_high_1(cdma_d_dain_addr_high_1_datain_addr_high_1),
        .cdma_d_dain_addr_low_1_datain_addr_low_1(cdma_d_dain_addr_low_1_datain_addr_low_1),
        .cdma_d_line_stride_line_stride(cdma_d_line_stride_line_stride),
        .cdma_d_line_uv_stride_uv_line_stride(cdma_d_line_uv_stride_uv_line_stride),
        .cdma_d_surf_stride_surf_stride(cdma_d_surf_stride_surf_stride),
        .cdma_d_dain_map_line_packed(cdma_d_dain_map_line_packed),
        .cdma_d_dain_map_surf_packed(cdma_d_dain_map_surf_packed),
        .cdma_d_reserved_x_cfg_rsv_per_line(cdma_d_reserved_x_cfg_rsv_per_line),
        .cdma_d_reserved_x_cfg_rsv_per_uv_line(cdma_d_reserved_x_cfg_rsv_per_uv_line),
        .cdma_d_reserved_y_cfg_rsv_height(cdma_d_reserved_y_cfg_rsv_height),
        .cdma_d_reserved_y_cfg_rsv_y_index(cdma_d_reserved_y_cfg_rsv_y_index),
        .cdma_d_batch_number_batches(cdma_d_batch_number_batches),
        .cdma_d_batch_stride_batch_stride(cdma_d_batch_stride_batch_stride),
        .cdma_d_entry_per_slice_entries(cdma_d_entry_per_slice_entries),
        .cdma_d_fetch_grain_grains(cdma_d_fetch_grain_grains),
        .cdma_d_weight_format_weight_format(cdma_d_weight_format_weight_format),
        .cdma_d_weight_size_0_byte_per_kernel(cdma_d_weight_size_0_byte_per_kernel),
        .cdma_d_weight_size_1_weight_kernel(cdma_d_weight_size_1_weight_kernel),
        .cdma_d_weight_ram_type_weight_ram_type(cdma_d_weight_ram_type_weight_ram_type),
        .cdma_d_weight_addr_high_weight_addr_high(cdma_d_weight_addr_high_weight_addr_high),
        .cdma_d_weight_addr_low_weight_addr_low(cdma_d_weight_addr_low_weight_addr_low),
        .cdma_d_weight_bytes_weight_bytes(cdma_d_weight_bytes_weight_bytes),
        .cdma_d_wgs_addr_high_wgs_addr_high(cdma_d_wgs_addr_high_wgs_addr_high),
        .cdma_d_wgs_addr_low_wgs_addr_low(cdma_d_wgs_addr_low_wgs_addr_low),
        .cdma_d_wmb_addr_high_wmb_addr_high(cdma_d_wmb_addr_high_wmb_addr_high),
        .cdma_d_wmb_addr_low_wmb_addr_low(cdma_d_wmb_addr_low_wmb_addr_low),
        .cdma_d_wmb_bytes_wmb_bytes(cdma_d_wmb_bytes_wmb_bytes),
        .cdma_d_mean_format_mean_format(cdma_d_mean_format_mean_format),
        .cdma_d_mean_global_0_mean_ry(cdma_d_mean_global_0_mean_ry),
        .cdma_d_mean_global_0_mean_gu(cdma_d_mean_global_0_mean_gu),
        .cdma_d_mean_global_1_mean_bv(cdma_d_mean_global_1_mean_bv),
        .cdma_d_mean_global_1_mean_ax(cdma_d_mean_global_1_mean_ax),
        .cdma_d_cvt_cfg_cvt_en(cdma_d_cvt_cfg_cvt_en),
        .cdma_d_cvt_cfg_cvt_truncate(cdma_d_cvt_cfg_cvt_truncate),
        .cdma_d_cvt_offset_cvt_offset(cdma_d_cvt_offset_cvt_offset),
        .cdma_d_cvt_scale_cvt_scale(cdma_d_cvt_scale_cvt_scale),
        .cdma_d_conv_stride_conv_x_stride(cdma_d_conv_stride_conv_x_stride),
        .cdma_d_conv_stride_conv_y_stride(cdma_d_conv_stride_conv_y_stride),
        .cdma_d_zero_padding_pad_left(cdma_d_zero_padding_pad_left),
        .cdma_d_zero_padding_pad_right(cdma_d_zero_padding_pad_right),
        .cdma_d_zero_padding_pad_top(cdma_d_zero_padding_pad_top),
        .cdma_d_zero_padding_pad_bottom(cdma_d_zero_padding_pad_bottom),
        .cdma_d_zero_padding_value_pad_value(cdma_d_zero_padding_value_pad_value),
        .cdma_d_bank_data_bank(cdma_d_bank_data_bank),
        .cdma_d_bank_weight_bank(cdma_d_bank_weight_bank),
        .cdma_d_nan_flush_to_zero_nan_to_zero(cdma_d_nan_flush_to_zero_nan_to_zero),
        .cdma_d_nan_input_data_num_nan_data_num(cdma_d_nan_input_data_num_nan_data_num),
        .cdma_d_nan_input_weight_num_nan_weight_num(cdma_d_nan_input_weight_num_nan_weight_num),
        .cdma_d_inf_input_data_num_inf_data_num(cdma_d_inf_input_data_num_inf_data_num),
        .cdma_d_inf_input_weight_num_inf_weight_num(cdma_d_inf_input_weight_num_inf_weight_num),
        .cdma_d_perf_enable_dma_en(cdma_d_perf_enable_dma_en),
        .cdma_d_perf_dat_read_stall_dat_rd_stall(cdma_d_perf_dat_read_stall_dat_rd_stall),
        .cdma_d_perf_wt_read_stall_wt_rd_stall(cdma_d_perf_wt_read_stall_wt_rd_stall),
        .cdma_d_perf_dat_read_latency_dat_rd_latency(cdma_d_perf_dat_read_latency_dat_rd_latency),
        .cdma_d_perf_wt_read_latency_wt_rd_latency(cdma_d_perf_wt_read_latency_wt_rd_latency),
        .cdma_d_cya_cya(cdma_d_cya_cya)
    );
    // ---- NVDLA_CSC (byte base 0x4000)
    wire        csc_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h04);
    wire [31:0] csc_rd_data;
    wire        csc_op_en, csc_consumer;
    wire csc_d_misc_cfg_conv_mode;
    wire [1:0] csc_d_misc_cfg_in_precision;
    wire [1:0] csc_d_misc_cfg_proc_precision;
    wire csc_d_misc_cfg_data_reuse;
    wire csc_d_misc_cfg_weight_reuse;
    wire csc_d_misc_cfg_skip_data_rls;
    wire csc_d_misc_cfg_skip_weight_rls;
    wire csc_d_datain_format_datain_format;
    wire [12:0] csc_d_datain_size_ext_0_datain_width_ext;
    wire [12:0] csc_d_datain_size_ext_0_datain_height_ext;
    wire [12:0] csc_d_datain_size_ext_1_datain_channel_ext;
    wire [4:0] csc_d_batch_number_batches;
    wire [1:0] csc_d_post_y_extension_y_extension;
    wire [13:0] csc_d_entry_per_slice_entries;
    wire csc_d_weight_format_weight_format;
    wire [4:0] csc_d_weight_size_ext_0_weight_width_ext;
    wire [4:0] csc_d_weight_size_ext_0_weight_height_ext;
    wire [12:0] csc_d_weight_size_ext_1_weight_channel_ext;
    wire [12:0] csc_d_weight_size_ext_1_weight_kernel;
    wire [31:0] csc_d_weight_bytes_weight_bytes;
    wire [27:0] csc_d_wmb_bytes_wmb_bytes;
    wire [12:0] csc_d_dataout_size_0_dataout_width;
    wire [12:0] csc_d_dataout_size_0_dataout_height;
    wire [12:0] csc_d_dataout_size_1_dataout_channel;
    wire [20:0] csc_d_atomics_atomics;
    wire [11:0] csc_d_release_rls_slices;
    wire [2:0] csc_d_conv_stride_ext_conv_x_stride_ext;
    wire [2:0] csc_d_conv_stride_ext_conv_y_stride_ext;
    wire [4:0] csc_d_dilation_ext_x_dilation_ext;
    wire [4:0] csc_d_dilation_ext_y_dilation_ext;
    wire [4:0] csc_d_zero_padding_pad_left;
    wire [4:0] csc_d_zero_padding_pad_top;
    wire [15:0] csc_d_zero_padding_value_pad_value;
    wire [4:0] csc_d_bank_data_bank;
    wire [4:0] csc_d_bank_weight_bank;
    wire [1:0] csc_d_pra_cfg_pra_truncate;
    wire [31:0] csc_d_cya_cya;
    nvs_regs_csc u_regs_csc (
        .clk(clk),
        .rstn(rstn),
        .req_valid(csc_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(csc_rd_data),
        .op_en(csc_op_en),
        .consumer(csc_consumer),
        .op_done(csc_op_done),
        .csc_d_misc_cfg_conv_mode(csc_d_misc_cfg_conv_mode),
        .csc_d_misc_cfg_in_precision(csc_d_misc_cfg_in_precision),
        .csc_d_misc_cfg_proc_precision(csc_d_misc_cfg_proc_precision),
        .csc_d_misc_cfg_data_reuse(csc_d_misc_cfg_data_reuse),
        .csc_d_misc_cfg_weight_reuse(csc_d_misc_cfg_weight_reuse),
        .csc_d_misc_cfg_skip_data_rls(csc_d_misc_cfg_skip_data_rls),
        .csc_d_misc_cfg_skip_weight_rls(csc_d_misc_cfg_skip_weight_rls),
        .csc_d_datain_format_datain_format(csc_d_datain_format_datain_format),
        .csc_d_datain_size_ext_0_datain_width_ext(csc_d_datain_size_ext_0_datain_width_ext),
        .csc_d_datain_size_ext_0_datain_height_ext(csc_d_datain_size_ext_0_datain_height_ext),
        .csc_d_datain_size_ext_1_datain_channel_ext(csc_d_datain_size_ext_1_datain_channel_ext),
        .csc_d_batch_number_batches(csc_d_batch_number_batches),
        .csc_d_post_y_extension_y_extension(csc_d_post_y_extension_y_extension),
        .csc_d_entry_per_slice_entries(csc_d_entry_per_slice_entries),
        .csc_d_weight_format_weight_format(csc_d_weight_format_weight_format),
        .csc_d_weight_size_ext_0_weight_width_ext(csc_d_weight_size_ext_0_weight_width_ext),
        .csc_d_weight_size_ext_0_weight_height_ext(csc_d_weight_size_ext_0_weight_height_ext),
        .csc_d_weight_size_ext_1_weight_channel_ext(csc_d_weight_size_ext_1_weight_channel_ext),
        .csc_d_weight_size_ext_1_weight_kernel(csc_d_weight_size_ext_1_weight_kernel),
        .csc_d_weight_bytes_weight_bytes(csc_d_weight_bytes_weight_bytes),
        .csc_d_wmb_bytes_wmb_bytes(csc_d_wmb_bytes_wmb_bytes),
        .csc_d_dataout_size_0_dataout_width(csc_d_dataout_size_0_dataout_width),
        .csc_d_dataout_size_0_dataout_height(csc_d_dataout_size_0_dataout_height),
        .csc_d_dataout_size_1_dataout_channel(csc_d_dataout_size_1_dataout_channel),
        .csc_d_atomics_atomics(csc_d_atomics_atomics),
        .csc_d_release_rls_slices(csc_d_release_rls_slices),
        .csc_d_conv_stride_ext_conv_x_stride_ext(csc_d_conv_stride_ext_conv_x_stride_ext),
        .csc_d_conv_stride_ext_conv_y_stride_ext(csc_d_conv_stride_ext_conv_y_stride_ext),
        .csc_d_dilation_ext_x_dilation_ext(csc_d_dilation_ext_x_dilation_ext),
        .csc_d_dilation_ext_y_dilation_ext(csc_d_dilation_ext_y_dilation_ext),
        .csc_d_zero_padding_pad_left(csc_d_zero_padding_pad_left),
        .csc_d_zero_padding_pad_top(csc_d_zero_padding_pad_top),
        .csc_d_zero_padding_value_pad_value(csc_d_zero_padding_value_pad_value),
        .csc_d_bank_data_bank(csc_d_bank_data_bank),
        .csc_d_bank_weight_bank(csc_d_bank_weight_bank),
        .csc_d_pra_cfg_pra_truncate(csc_d_pra_cfg_pra_truncate),
        .csc_d_cya_cya(csc_d_cya_cya)
    );
    // ---- NVDLA_CMAC_A (byte base 0x5000)
    wire        cmac_a_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h05);
    wire [31:0] cmac_a_rd_data;
    wire        cmac_a_op_en, cmac_a_consumer;
    wire cmac_a_d_misc_cfg_conv_mode;
    wire [1:0] cmac_a_d_misc_cfg_proc_precision;
    nvs_regs_cmac_a u_regs_cmac_a (
        .clk(clk),
        .rstn(rstn),
        .req_valid(cmac_a_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(cmac_a_rd_data),
        .op_en(cmac_a_op_en),
        .consumer(cmac_a_consumer),
        .op_done(cmac_a_op_done),
        .cmac_a_d_misc_cfg_conv_mode(cmac_a_d_misc_cfg_conv_mode),
        .cmac_a_d_misc_cfg_proc_precision(cmac_a_d_misc_cfg_proc_precision)
    );
    // ---- NVDLA_CMAC_B (byte base 0x6000)
    wire        cmac_b_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h06);
    wire [31:0] cmac_b_rd_data;
    wire        cmac_b_op_en, cmac_b_consumer;
    wire cmac_b_d_misc_cfg_conv_mode;
    wire [1:0] cmac_b_d_misc_cfg_proc_precision;
    nvs_regs_cmac_b u_regs_cmac_b (
        .clk(clk),
        .rstn(rstn),
        .req_valid(cmac_b_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(cmac_b_rd_data),
        .op_en(cmac_b_op_en),
        .consumer(cmac_b_consumer),
        .op_done(cmac_b_op_done),
        .cmac_b_d_misc_cfg_conv_mode(cmac_b_d_misc_cfg_conv_mode),
        .cmac_b_d_misc_cfg_proc_precision(cmac_b_d_misc_cfg_proc_precision)
    );
    // ---- NVDLA_CACC (byte base 0x7000)
    wire        cacc_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h07);
    wire [31:0] cacc_rd_data;
    wire        cacc_op_en, cacc_consumer;
    wire cacc_d_misc_cfg_conv_mode;
    wire [1:0] cacc_d_misc_cfg_proc_precision;
    wire [12:0] cacc_d_dataout_size_0_dataout_width;
    wire [12:0] cacc_d_dataout_size_0_dataout_height;
    wire [12:0] cacc_d_dataout_size_1_dataout_channel;
    wire [31:0] cacc_d_dataout_addr_dataout_addr;
    wire [4:0] cacc_d_batch_number_batches;
    wire [23:0] cacc_d_line_stride_line_stride;
    wire [23:0] cacc_d_surf_stride_surf_stride;
    wire cacc_d_dataout_map_line_packed;
    wire cacc_d_dataout_map_surf_packed;
    wire [4:0] cacc_d_clip_cfg_clip_truncate;
    wire [31:0] cacc_d_out_saturation_sat_count;
    wire [31:0] cacc_d_cya_cya;
    nvs_regs_cacc u_regs_cacc (
        .clk(clk),
        .rstn(rstn),
        .req_valid(cacc_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(cacc_rd_data),
        .op_en(cacc_op_en),
        .consumer(cacc_consumer),
        .op_done(cacc_op_done),
        .cacc_d_misc_cfg_conv_mode(cacc_d_misc_cfg_conv_mode),
        .cacc_d_misc_cfg_proc_precision(cacc_d_misc_cfg_proc_precision),
        .cacc_d_dataout_size_0_dataout_width(cacc_d_dataout_size_0_dataout_width),
        .cacc_d_dataout_size_0_dataout_height(cacc_d_dataout_size_0_dataout_height),
        .cacc_d_dataout_size_1_dataout_channel(cacc_d_dataout_size_1_dataout_channel),
        .cacc_d_dataout_addr_dataout_addr(cacc_d_dataout_addr_dataout_addr),
        .cacc_d_batch_number_batches(cacc_d_batch_number_batches),
        .cacc_d_line_stride_line_stride(cacc_d_line_stride_line_stride),
        .cacc_d_surf_stride_surf_stride(cacc_d_surf_stride_surf_stride),
        .cacc_d_dataout_map_line_packed(cacc_d_dataout_map_line_packed),
        .cacc_d_dataout_map_surf_packed(cacc_d_dataout_map_surf_packed),
        .cacc_d_clip_cfg_clip_truncate(cacc_d_clip_cfg_clip_truncate),
        .cacc_d_out_saturation_sat_count(cacc_d_out_saturation_sat_count),
        .cacc_d_cya_cya(cacc_d_cya_cya)
    );
    // ---- NVDLA_SDP_RDMA (byte base 0x8000)
    wire        sdp_rdma_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h08);
    wire [31:0] sdp_rdma_rd_data;
    wire        sdp_rdma_op_en, sdp_rdma_consumer;
    wire [12:0] sdp_rdma_d_data_cube_width_width;
    wire [12:0] sdp_rdma_d_data_cube_height_height;
    wire [12:0] sdp_rdma_d_data_cube_channel_channel;
    wire [31:0] sdp_rdma_d_src_base_addr_low_src_base_addr_low;
    wire [31:0] sdp_rdma_d_src_base_addr_high_src_base_addr_high;
    wire [31:0] sdp_rdma_d_src_line_stride_src_line_stride;
    wire [31:0] sdp_rdma_d_src_surface_stride_src_surface_stride;
    wire sdp_rdma_d_brdma_cfg_brdma_disable;
    wire [1:0] sdp_rdma_d_brdma_cfg_brdma_data_use;
    wire sdp_rdma_d_brdma_cfg_brdma_data_size;
    wire sdp_rdma_d_brdma_cfg_brdma_data_mode;
    wire sdp_rdma_d_brdma_cfg_brdma_ram_type;
    wire [31:0] sdp_rdma_d_bs_base_addr_low_bs_base_addr_low;
    wire [31:0] sdp_rdma_d_bs_base_addr_high_bs_base_addr_high;
    wire [31:0] sdp_rdma_d_bs_line_stride_bs_line_stride;
    wire [31:0] sdp_rdma_d_bs_surface_stride_bs_surface_stride;
    wire [31:0] sdp_rdma_d_bs_batch_stride_bs_batch_stride;
    wire sdp_rdma_d_nrdma_cfg_nrdma_disable;
    wire [1:0] sdp_rdma_d_nrdma_cfg_nrdma_data_use;
    wire sdp_rdma_d_nrdma_cfg_nrdma_data_size;
    wire sdp_rdma_d_nrdma_cfg_nrdma_data_mode;
    wire sdp_rdma_d_nrdma_cfg_nrdma_ram_type;
    wire [31:0] sdp_rdma_d_bn_base_addr_low_bn_base_addr_low;
    wire [31:0] sdp_rdma_d_bn_base_addr_high_bn_base_addr_high;
    wire [31:0] sdp_rdma_d_bn_line_stride_bn_line_stride;
    wire [31:0] sdp_rdma_d_bn_surface_stride_bn_surface_stride;
    wire [31:0] sdp_rdma_d_bn_batch_stride_bn_batch_stride;
    wire sdp_rdma_d_erdma_cfg_erdma_disable;
    wire [1:0] sdp_rdma_d_erdma_cfg_erdma_data_use;
    wire sdp_rdma_d_erdma_cfg_erdma_data_size;
    wire sdp_rdma_d_erdma_cfg_erdma_data_mode;
    wire sdp_rdma_d_erdma_cfg_erdma_ram_type;
    wire [31:0] sdp_rdma_d_ew_base_addr_low_ew_base_addr_low;
    wire [31:0] sdp_rdma_d_ew_base_addr_high_ew_base_addr_high;
    wire [31:0] sdp_rdma_d_ew_line_stride_ew_line_stride;
    wire [31:0] sdp_rdma_d_ew_surface_stride_ew_surface_stride;
    wire [31:0] sdp_rdma_d_ew_batch_stride_ew_batch_stride;
    wire sdp_rdma_d_feature_mode_cfg_flying_mode;
    wire sdp_rdma_d_feature_mode_cfg_winograd;
    wire [1:0] sdp_rdma_d_feature_mode_cfg_in_precision;
    wire [1:0] sdp_rdma_d_feature_mode_cfg_proc_precision;
    wire [1:0] sdp_rdma_d_feature_mode_cfg_out_precision;
    wire [4:0] sdp_rdma_d_feature_mode_cfg_batch_number;
    wire sdp_rdma_d_src_dma_cfg_src_ram_type;
    wire [31:0] sdp_rdma_d_status_nan_input_num_status_nan_input_num;
    assign sdp_rdma_d_status_nan_input_num_status_nan_input_num = 32'd0;
    wire [31:0] sdp_rdma_d_status_inf_input_num_status_inf_input_num;
    assign sdp_rdma_d_status_inf_input_num_status_inf_input_num = 32'd0;
    wire sdp_rdma_d_perf_enable_perf_dma_en;
    wire sdp_rdma_d_perf_enable_perf_nan_inf_count_en;
    wire [31:0] sdp_rdma_d_perf_mrdma_read_stall_mrdma_stall;
    assign sdp_rdma_d_perf_mrdma_read_stall_mrdma_stall = 32'd0;
    wire [31:0] sdp_rdma_d_perf_brdma_read_stall_brdma_stall;
    assign sdp_rdma_d_perf_brdma_read_stall_brdma_stall = 32'd0;
    wire [31:0] sdp_rdma_d_perf_nrdma_read_stall_nrdma_stall;
    assign sdp_rdma_d_perf_nrdma_read_stall_nrdma_stall = 32'd0;
    wire [31:0] sdp_rdma_d_perf_erdma_read_stall_erdma_stall;
    assign sdp_rdma_d_perf_erdma_read_stall_erdma_stall = 32'd0;
    nvs_regs_sdp_rdma u_regs_sdp_rdma (
        .clk(clk),
        .rstn(rstn),
        .req_valid(sdp_rdma_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(sdp_rdma_rd_data),
        .op_en(sdp_rdma_op_en),
        .consumer(sdp_rdma_consumer),
        .op_done(sdp_rdma_op_done),
        .sdp_rdma_d_data_cube_width_width(sdp_rdma_d_data_cube_width_width),
        .sdp_rdma_d_data_cube_height_height(sdp_rdma_d_data_cube_height_height),
        .sdp_rdma_d_data_cube_channel_channel(sdp_rdma_d_data_cube_channel_channel),
        .sdp_rdma_d_src_base_addr_low_src_base_addr_low(sdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .sdp_rdma_d_src_base_addr_high_src_base_addr_high(sdp_rdma_d_src_base_addr_high_src_base_addr_high),
        .sdp_rdma_d_src_line_stride_src_line_stride(sdp_rdma_d_src_line_stride_src_line_stride),
        .sdp_rdma_d_src_surface_stride_src_surface_stride(sdp_rdma_d_src_surface_stride_src_surface_stride),
        .sdp_rdma_d_brdma_cfg_brdma_disable(sdp_rdma_d_brdma_cfg_brdma_disable),
        .sdp_rdma_d_brdma_cfg_brdma_data_use(sdp_rdma_d_brdma_cfg_brdma_data_use),
        .sdp_rdma_d_brdma_cfg_brdma_data_size(sdp_rdma_d_brdma_cfg_brdma_data_size),
        .sdp_rdma_d_brdma_cfg_brdma_data_mode(sdp_rdma_d_brdma_cfg_brdma_data_mode),
        .sdp_rdma_d_brdma_cfg_brdma_ram_type(sdp_rdma_d_brdma_cfg_brdma_ram_type),
        .sdp_rdma_d_bs_base_addr_low_bs_base_addr_low(sdp_rdma_d_bs_base_addr_low_bs_base_addr_low),
        .sdp_rdma_d_bs_base_addr_high_bs_base_addr_high(sdp_rdma_d_bs_base_addr_high_bs_base_addr_high),
        .sdp_rdma_d_bs_line_stride_bs_line_stride(sdp_rdma_d_bs_line_stride_bs_line_stride),
        .sdp_rdma_d_bs_surface_stride_bs_surface_stride(sdp_rdma_d_bs_surface_stride_bs_surface_stride),
        .sdp_rdma_d_bs_batch_stride_bs_batch_stride(sdp_rdma_d_bs_batch_stride_bs_batch_stride),
        .sdp_rdma_d_nrdma_cfg_nrdma_disable(sdp_rdma_d_nrdma_cfg_nrdma_disable),
        .sdp_rdma_d_nrdma_cfg_nrdma_data_use(sdp_rdma_d_nrdma_cfg_nrdma_data_use),
        .sdp_rdma_d_nrdma_cfg_nrdma_data_size(sdp_rdma_d_nrdma_cfg_nrdma_data_size),
        .sdp_rdma_d_nrdma_cfg_nrdma_data_mode(sdp_rdma_d_nrdma_cfg_nrdma_data_mode),
        .sdp_rdma_d_nrdma_cfg_nrdma_ram_type(sdp_rdma_d_nrdma_cfg_nrdma_ram_type),
        .sdp_rdma_d_bn_base_addr_low_bn_base_addr_low(sdp_rdma_d_bn_base_addr_low_bn_base_addr_low),
        .sdp_rdma_d_bn_base_addr_high_bn_base_addr_high(sdp_rdma_d_bn_base_addr_high_bn_base_addr_high),
        .sdp_rdma_d_bn_line_stride_bn_line_stride(sdp_rdma_d_bn_line_stride_bn_line_stride),
        .sdp_rdma_d_bn_surface_stride_bn_surface_stride(sdp_rdma_d_bn_surface_stride_bn_surface_stride),
        .sdp_rdma_d_bn_batch_stride_bn_batch_stride(sdp_rdma_d_bn_batch_stride_bn_batch_stride),
        .sdp_rdma_d_erdma_cfg_erdma_disable(sdp_rdma_d_erdma_cfg_erdma_disable),
        .sdp_rdma_d_erdma_cfg_erdma_data_use(sdp_rdma_d_erdma_cfg_erdma_data_use),
        .sdp_rdma_d_erdma_cfg_erdma_data_size(sdp_rdma_d_erdma_cfg_erdma_data_size),
        .sdp_rdma_d_erdma_cfg_erdma_data_mode(sdp_rdma_d_erdma_cfg_erdma_data_mode),
        .sdp_rdma_d_erdma_cfg_erdma_ram_type(sdp_rdma_d_erdma_cfg_erdma_ram_type),
        .sdp_rdma_d_ew_base_addr_low_ew_base_addr_low(sdp_rdma_d_ew_base_addr_low_ew_base_addr_low),
        .sdp_rdma_d_ew_base_addr_high_ew_base_addr_high(sdp_rdma_d_ew_base_addr_high_ew_base_addr_high),
        .sdp_rdma_d_ew_line_stride_ew_line_stride(sdp_rdma_d_ew_line_stride_ew_line_stride),
        .sdp_rdma_d_ew_surface_stride_ew_surface_stride(sdp_rdma_d_ew_surface_stride_ew_surface_stride),
        .sdp_rdma_d_ew_batch_stride_ew_batch_stride(sdp_rdma_d_ew_batch_stride_ew_batch_stride),
        .sdp_rdma_d_feature_mode_cfg_flying_mode(sdp_rdma_d_feature_mode_cfg_flying_mode),
        .sdp_rdma_d_feature_mode_cfg_winograd(sdp_rdma_d_feature_mode_cfg_winograd),
        .sdp_rdma_d_feature_mode_cfg_in_precision(sdp_rdma_d_feature_mode_cfg_in_precision),
        .sdp_rdma_d_feature_mode_cfg_proc_precision(sdp_rdma_d_feature_mode_cfg_proc_precision),
        .sdp_rdma_d_feature_mode_cfg_out_precision(sdp_rdma_d_feature_mode_cfg_out_precision),
        .sdp_rdma_d_feature_mode_cfg_batch_number(sdp_rdma_d_feature_mode_cfg_batch_number),
        .sdp_rdma_d_src_dma_cfg_src_ram_type(sdp_rdma_d_src_dma_cfg_src_ram_type),
        .sdp_rdma_d_status_nan_input_num_status_nan_input_num(sdp_rdma_d_status_nan_input_num_status_nan_input_num),
        .sdp_rdma_d_status_inf_input_num_status_inf_input_num(sdp_rdma_d_status_inf_input_num_status_inf_input_num),
        .sdp_rdma_d_perf_enable_perf_dma_en(sdp_rdma_d_perf_enable_perf_dma_en),
        .sdp_rdma_d_perf_enable_perf_nan_inf_count_en(sdp_rdma_d_perf_enable_perf_nan_inf_count_en),
        .sdp_rdma_d_perf_mrdma_read_stall_mrdma_stall(sdp_rdma_d_perf_mrdma_read_stall_mrdma_stall),
        .sdp_rdma_d_perf_brdma_read_stall_brdma_stall(sdp_rdma_d_perf_brdma_read_stall_brdma_stall),
        .sdp_rdma_d_perf_nrdma_read_stall_nrdma_stall(sdp_rdma_d_perf_nrdma_read_stall_nrdma_stall),
        .sdp_rdma_d_perf_erdma_read_stall_erdma_stall(sdp_rdma_d_perf_erdma_read_stall_erdma_stall)
    );
    // ---- NVDLA_SDP (byte base 0x9000)
    wire        sdp_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h09);
    wire [31:0] sdp_rd_data;
    wire        sdp_op_en, sdp_consumer;
    wire [9:0] sdp_s_lut_access_cfg_lut_addr;
    wire sdp_s_lut_access_cfg_lut_table_id;
    wire sdp_s_lut_access_cfg_lut_access_type;
    wire [15:0] sdp_s_lut_access_data_lut_data;
    wire sdp_s_lut_cfg_lut_le_function;
    wire sdp_s_lut_cfg_lut_uflow_priority;
    wire sdp_s_lut_cfg_lut_oflow_priority;
    wire sdp_s_lut_cfg_lut_hybrid_priority;
    wire [7:0] sdp_s_lut_info_lut_le_index_offset;
    wire [7:0] sdp_s_lut_info_lut_le_index_select;
    wire [7:0] sdp_s_lut_info_lut_lo_index_select;
    wire [31:0] sdp_s_lut_le_start_lut_le_start;
    wire [31:0] sdp_s_lut_le_end_lut_le_end;
    wire [31:0] sdp_s_lut_lo_start_lut_lo_start;
    wire [31:0] sdp_s_lut_lo_end_lut_lo_end;
    wire [15:0] sdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale;
    wire [15:0] sdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale;
    wire [4:0] sdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift;
    wire [4:0] sdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift;
    wire [15:0] sdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale;
    wire [15:0] sdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale;
    wire [4:0] sdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift;
    wire [4:0] sdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift;
    wire [12:0] sdp_d_data_cube_width_width;
    wire [12:0] sdp_d_data_cube_height_height;
    wire [12:0] sdp_d_data_cube_channel_channel;
    wire [31:0] sdp_d_dst_base_addr_low_dst_base_addr_low;
    wire [31:0] sdp_d_dst_base_addr_high_dst_base_addr_high;
    wire [31:0] sdp_d_dst_line_stride_dst_line_stride;
    wire [31:0] sdp_d_dst_surface_stride_dst_surface_stride;
    wire sdp_d_dp_bs_cfg_bs_bypass;
    wire sdp_d_dp_bs_cfg_bs_alu_bypass;
    wire [1:0] sdp_d_dp_bs_cfg_bs_alu_algo;
    wire sdp_d_dp_bs_cfg_bs_mul_bypass;
    wire sdp_d_dp_bs_cfg_bs_mul_prelu;
    wire sdp_d_dp_bs_cfg_bs_relu_bypass;
    wire sdp_d_dp_bs_alu_cfg_bs_alu_src;
    wire [5:0] sdp_d_dp_bs_alu_cfg_bs_alu_shift_value;
    wire [15:0] sdp_d_dp_bs_alu_src_value_bs_alu_operand;
    wire sdp_d_dp_bs_mul_cfg_bs_mul_src;
    wire [7:0] sdp_d_dp_bs_mul_cfg_bs_mul_shift_value;
    wire [15:0] sdp_d_dp_bs_mul_src_value_bs_mul_operand;
    wire sdp_d_dp_bn_cfg_bn_bypass;
    wire sdp_d_dp_bn_cfg_bn_alu_bypass;
    wire [1:0] sdp_d_dp_bn_cfg_bn_alu_algo;
    wire sdp_d_dp_bn_cfg_bn_mul_bypass;
    wire sdp_d_dp_bn_cfg_bn_mul_prelu;
    wire sdp_d_dp_bn_cfg_bn_relu_bypass;
    wire sdp_d_dp_bn_alu_cfg_bn_alu_src;
    wire [5:0] sdp_d_dp_bn_alu_cfg_bn_alu_shift_value;
    wire [15:0] sdp_d_dp_bn_alu_src_value_bn_alu_operand;
    wire sdp_d_dp_bn_mul_cfg_bn_mul_src;
    wire [7:0] sdp_d_dp_bn_mul_cfg_bn_mul_shift_value;
    wire [15:0] sdp_d_dp_bn_mul_src_value_bn_mul_operand;
    wire sdp_d_dp_ew_cfg_ew_bypass;
    wire sdp_d_dp_ew_cfg_ew_alu_bypass;
    wire [1:0] sdp_d_dp_ew_cfg_ew_alu_algo;
    wire sdp_d_dp_ew_cfg_ew_mul_bypass;
    wire sdp_d_dp_ew_cfg_ew_mul_prelu;
    wire sdp_d_dp_ew_cfg_ew_lut_bypass;
    wire sdp_d_dp_ew_alu_cfg_ew_alu_src;
    wire sdp_d_dp_ew_alu_cfg_ew_alu_cvt_bypass;
    wire [31:0] sdp_d_dp_ew_alu_src_value_ew_alu_operand;
    wire [31:0] sdp_d_dp_ew_alu_cvt_offset_value_ew_alu_cvt_offset;
    wire [15:0] sdp_d_dp_ew_alu_cvt_scale_value_ew_alu_cvt_scale;
    wire [5:0] sdp_d_dp_ew_alu_cvt_truncate_value_ew_alu_cvt_truncate;
    wire sdp_d_dp_ew_mul_cfg_ew_mul_src;
    wire sdp_d_dp_ew_mul_cfg_ew_mul_cvt_bypass;
    wire [31:0] sdp_d_dp_ew_mul_src_value_ew_mul_operand;
    wire [31:0] sdp_d_dp_ew_mul_cvt_offset_value_ew_mul_cvt_offset;
    wire [15:0] sdp_d_dp_ew_mul_cvt_scale_value_ew_mul_cvt_scale;
    wire [5:0] sdp_d_dp_ew_mul_cvt_truncate_value_ew_mul_cvt_truncate;
    wire [9:0] sdp_d_dp_ew_truncate_value_ew_truncate;
    wire sdp_d_feature_mode_cfg_flying_mode;
    wire sdp_d_feature_mode_cfg_output_dst;
    wire sdp_d_feature_mode_cfg_winograd;
    wire sdp_d_feature_mode_cfg_nan_to_zero;
    wire [4:0] sdp_d_feature_mode_cfg_batch_number;
    wire sdp_d_dst_dma_cfg_dst_ram_type;
    wire [31:0] sdp_d_dst_batch_stride_dst_batch_stride;
    wire [1:0] sdp_d_data_format_proc_precision;
    wire [1:0] sdp_d_data_format_out_precision;
    wire [31:0] sdp_d_cvt_offset_cvt_offset;
    wire [15:0] sdp_d_cvt_scale_cvt_scale;
    wire [5:0] sdp_d_cvt_shift_cvt_shift;
    wire sdp_d_status_status_unequal;
    assign sdp_d_status_status_unequal = 1'd0;
    wire [31:0] sdp_d_status_nan_input_num_status_nan_input_num;
    assign sdp_d_status_nan_input_num_status_nan_input_num = 32'd0;
    wire [31:0] sdp_d_status_inf_input_num_status_inf_input_num;
    assign sdp_d_status_inf_input_num_status_inf_input_num = 32'd0;
    wire [31:0] sdp_d_status_nan_output_num_status_nan_output_num;
    assign sdp_d_status_nan_output_num_status_nan_output_num = 32'd0;
    wire sdp_d_perf_enable_perf_dma_en;
    wire sdp_d_perf_enable_perf_lut_en;
    wire sdp_d_perf_enable_perf_sat_en;
    wire sdp_d_perf_enable_perf_nan_inf_count_en;
    wire [31:0] sdp_d_perf_wdma_write_stall_wdma_stall;
    assign sdp_d_perf_wdma_write_stall_wdma_stall = 32'd0;
    wire [31:0] sdp_d_perf_lut_uflow_lut_uflow;
    assign sdp_d_perf_lut_uflow_lut_uflow = 32'd0;
    wire [31:0] sdp_d_perf_lut_oflow_lut_oflow;
    assign sdp_d_perf_lut_oflow_lut_oflow = 32'd0;
    wire [31:0] sdp_d_perf_out_saturation_out_saturation;
    assign sdp_d_perf_out_saturation_out_saturation = 32'd0;
    wire [31:0] sdp_d_perf_lut_hybrid_lut_hybrid;
    assign sdp_d_perf_lut_hybrid_lut_hybrid = 32'd0;
    wire [31:0] sdp_d_perf_lut_le_hit_lut_le_hit;
    assign sdp_d_perf_lut_le_hit_lut_le_hit = 32'd0;
    wire [31:0] sdp_d_perf_lut_lo_hit_lut_lo_hit;
    assign sdp_d_perf_lut_lo_hit_lut_lo_hit = 32'd0;
    nvs_regs_sdp u_regs_sdp (
        .clk(clk),
        .rstn(rstn),
        .req_valid(sdp_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(sdp_rd_data),
        .op_en(sdp_op_en),
        .consumer(sdp_consumer),
        .op_done(sdp_op_done),
        .sdp_s_lut_access_cfg_lut_addr(sdp_s_lut_access_cfg_lut_addr),
        .sdp_s_lut_access_cfg_lut_table_id(sdp_s_lut_access_cfg_lut_table_id),
        .sdp_s_lut_access_cfg_lut_access_type(sdp_s_lut_access_cfg_lut_access_type),
        .sdp_s_lut_access_data_lut_data(sdp_s_lut_access_data_lut_data),
        .sdp_s_lut_cfg_lut_le_function(sdp_s_lut_cfg_lut_le_function),
        .sdp_s_lut_cfg_lut_uflow_priority(sdp_s_lut_cfg_lut_uflow_priority),
        .sdp_s_lut_cfg_lut_oflow_priority(sdp_s_lut_cfg_lut_oflow_priority),
        .sdp_s_lut_cfg_lut_hybrid_priority(sdp_s_lut_cfg_lut_hybrid_priority),
        .sdp_s_lut_info_lut_le_index_offset(sdp_s_lut_info_lut_le_index_offset),
        .sdp_s_lut_info_lut_le_index_select(sdp_s_lut_info_lut_le_index_select),
        .sdp_s_lut_info_lut_lo_index_select(sdp_s_lut_info_lut_lo_index_select),
        .sdp_s_lut_le_start_lut_le_start(sdp_s_lut_le_start_lut_le_start),
        .sdp_s_lut_le_end_lut_le_end(sdp_s_lut_le_end_lut_le_end),
        .sdp_s_lut_lo_start_lut_lo_start(sdp_s_lut_lo_start_lut_lo_start),
        .sdp_s_lut_lo_end_lut_lo_end(sdp_s_lut_lo_end_lut_lo_end),
        .sdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale(sdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale),
        .sdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale(sdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale),
        .sdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift(sdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift),
        .sdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift(sdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift),
        .sdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale(sdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale),
        .sdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale(sdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale),
        .sdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift(sdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift),
        .sdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift(sdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift),
        .sdp_d_data_cube_width_width(sdp_d_data_cube_width_width),
        .sdp_d_data_cube_height_height(sdp_d_data_cube_height_height),
        .sdp_d_data_cube_channel_channel(sdp_d_data_cube_channel_channel),
        .sdp_d_dst_base_addr_low_dst_base_addr_low(sdp_d_dst_base_addr_low_dst_base_addr_low),
        .sdp_d_dst_base_addr_high_dst_base_addr_high(sdp_d_dst_base_addr_high_dst_base_addr_high),
        .sdp_d_dst_line_stride_dst_line_stride(sdp_d_dst_line_stride_dst_line_stride),
        .sdp_d_dst_surface_stride_dst_surface_stride(sdp_d_dst_surface_stride_dst_surface_stride),
        .sdp_d_dp_bs_cfg_bs_bypass(sdp_d_dp_bs_cfg_bs_bypass),
        .sdp_d_dp_bs_cfg_bs_alu_bypass(sdp_d_dp_bs_cfg_bs_alu_bypass),
        .sdp_d_dp_bs_cfg_bs_alu_algo(sdp_d_dp_bs_cfg_bs_alu_algo),
        .sdp_d_dp_bs_cfg_bs_mul_bypass(sdp_d_dp_bs_cfg_bs_mul_bypass),
        .sdp_d_dp_bs_cfg_bs_mul_prelu(sdp_d_dp_bs_cfg_bs_mul_prelu),
        .sdp_d_dp_bs_cfg_bs_relu_bypass(sdp_d_dp_bs_cfg_bs_relu_bypass),
        .sdp_d_dp_bs_alu_cfg_bs_alu_src(sdp_d_dp_bs_alu_cfg_bs_alu_src),
        .sdp_d_dp_bs_alu_cfg_bs_alu_shift_value(sdp_d_dp_bs_alu_cfg_bs_alu_shift_value),
        .sdp_d_dp_bs_alu_src_value_bs_alu_operand(sdp_d_dp_bs_alu_src_value_bs_alu_operand),
        .sdp_d_dp_bs_mul_cfg_bs_mul_src(sdp_d_dp_bs_mul_cfg_bs_mul_src),
        .sdp_d_dp_bs_mul_cfg_bs_mul_shift_value(sdp_d_dp_bs_mul_cfg_bs_mul_shift_value),
        .sdp_d_dp_bs_mul_src_value_bs_mul_operand(sdp_d_dp_bs_mul_src_value_bs_mul_operand),
        .sdp_d_dp_bn_cfg_bn_bypass(sdp_d_dp_bn_cfg_bn_bypass),
        .sdp_d_dp_bn_cfg_bn_alu_bypass(sdp_d_dp_bn_cfg_bn_alu_bypass),
        .sdp_d_dp_bn_cfg_bn_alu_algo(sdp_d_dp_bn_cfg_bn_alu_algo),
        .sdp_d_dp_bn_cfg_bn_mul_bypass(sdp_d_dp_bn_cfg_bn_mul_bypass),
        .sdp_d_dp_bn_cfg_bn_mul_prelu(sdp_d_dp_bn_cfg_bn_mul_prelu),
        .sdp_d_dp_bn_cfg_bn_relu_bypass(sdp_d_dp_bn_cfg_bn_relu_bypass),
        .sdp_d_dp_bn_alu_cfg_bn_alu_src(sdp_d_dp_bn_alu_cfg_bn_alu_src),
        .sdp_d_dp_bn_alu_cfg_bn_alu_shift_value(sdp_d_dp_bn_alu_cfg_bn_alu_shift_value),
        .sdp_d_dp_bn_alu_src_value_bn_alu_operand(sdp_d_dp_bn_alu_src_value_bn_alu_operand),
        .sdp_d_dp_bn_mul_cfg_bn_mul_src(sdp_d_dp_bn_mul_cfg_bn_mul_src),
        .sdp_d_dp_bn_mul_cfg_bn_mul_shift_value(sdp_d_dp_bn_mul_cfg_bn_mul_shift_value),
        .sdp_d_dp_bn_mul_src_value_bn_mul_operand(sdp_d_dp_bn_mul_src_value_bn_mul_operand),
        .sdp_d_dp_ew_cfg_ew_bypass(sdp_d_dp_ew_cfg_ew_bypass),
        .sdp_d_dp_ew_cfg_ew_alu_bypass(sdp_d_dp_ew_cfg_ew_alu_bypass),
        .sdp_d_dp_ew_cfg_ew_alu_algo(sdp_d_dp_ew_cfg_ew_alu_algo),
        .sdp_d_dp_ew_cfg_ew_mul_bypass(sdp_d_dp_ew_cfg_ew_mul_bypass),
        .sdp_d_dp_ew_cfg_ew_mul_prelu(sdp_d_dp_ew_cfg_ew_mul_prelu),
        .sdp_d_dp_ew_cfg_ew_lut_bypass(sdp_d_dp_ew_cfg_ew_lut_bypass),
        .sdp_d_dp_ew_alu_cfg_ew_alu_src(sdp_d_dp_ew_alu_cfg_ew_alu_src),
        .sdp_d_dp_ew_alu_cfg_ew_alu_cvt_bypass(sdp_d_dp_ew_alu_cfg_ew_alu_cvt_bypass),
        .sdp_d_dp_ew_alu_src_value_ew_alu_operand(sdp_d_dp_ew_alu_src_value_ew_alu_operand),
        .sdp_d_dp_ew_alu_cvt_offset_value_ew_alu_cvt_offset(sdp_d_dp_ew_alu_cvt_offset_value_ew_alu_cvt_offset),
        .sdp_d_dp_ew_alu_cvt_scale_value_ew_alu_cvt_scale(sdp_d_dp_ew_alu_cvt_scale_value_ew_alu_cvt_scale),
        .sdp_d_dp_ew_alu_cvt_truncate_value_ew_alu_cvt_truncate(sdp_d_dp_ew_alu_cvt_truncate_value_ew_alu_cvt_truncate),
        .sdp_d_dp_ew_mul_cfg_ew_mul_src(sdp_d_dp_ew_mul_cfg_ew_mul_src),
        .sdp_d_dp_ew_mul_cfg_ew_mul_cvt_bypass(sdp_d_dp_ew_mul_cfg_ew_mul_cvt_bypass),
        .sdp_d_dp_ew_mul_src_value_ew_mul_operand(sdp_d_dp_ew_mul_src_value_ew_mul_operand),
        .sdp_d_dp_ew_mul_cvt_offset_value_ew_mul_cvt_offset(sdp_d_dp_ew_mul_cvt_offset_value_ew_mul_cvt_offset),
        .sdp_d_dp_ew_mul_cvt_scale_value_ew_mul_cvt_scale(sdp_d_dp_ew_mul_cvt_scale_value_ew_mul_cvt_scale),
        .sdp_d_dp_ew_mul_cvt_truncate_value_ew_mul_cvt_truncate(sdp_d_dp_ew_mul_cvt_truncate_value_ew_mul_cvt_truncate),
        .sdp_d_dp_ew_truncate_value_ew_truncate(sdp_d_dp_ew_truncate_value_ew_truncate),
        .sdp_d_feature_mode_cfg_flying_mode(sdp_d_feature_mode_cfg_flying_mode),
        .sdp_d_feature_mode_cfg_output_dst(sdp_d_feature_mode_cfg_output_dst),
        .sdp_d_feature_mode_cfg_winograd(sdp_d_feature_mode_cfg_winograd),
        .sdp_d_feature_mode_cfg_nan_to_zero(sdp_d_feature_mode_cfg_nan_to_zero),
        .sdp_d_feature_mode_cfg_batch_number(sdp_d_feature_mode_cfg_batch_number),
        .sdp_d_dst_dma_cfg_dst_ram_type(sdp_d_dst_dma_cfg_dst_ram_type),
        .sdp_d_dst_batch_stride_dst_batch_stride(sdp_d_dst_batch_stride_dst_batch_stride),
        .sdp_d_data_format_proc_precision(sdp_d_data_format_proc_precision),
        .sdp_d_data_format_out_precision(sdp_d_data_format_out_precision),
        .sdp_d_cvt_offset_cvt_offset(sdp_d_cvt_offset_cvt_offset),
        .sdp_d_cvt_scale_cvt_scale(sdp_d_cvt_scale_cvt_scale),
        .sdp_d_cvt_shift_cvt_shift(sdp_d_cvt_shift_cvt_shift),
        .sdp_d_status_status_unequal(sdp_d_status_status_unequal),
        .sdp_d_status_nan_input_num_status_nan_input_num(sdp_d_status_nan_input_num_status_nan_input_num),
        .sdp_d_status_inf_input_num_status_inf_input_num(sdp_d_status_inf_input_num_status_inf_input_num),
        .sdp_d_status_nan_output_num_status_nan_output_num(sdp_d_status_nan_output_num_status_nan_output_num),
        .sdp_d_perf_enable_perf_dma_en(sdp_d_perf_enable_perf_dma_en),
        .sdp_d_perf_enable_perf_lut_en(sdp_d_perf_enable_perf_lut_en),
        .sdp_d_perf_enable_perf_sat_en(sdp_d_perf_enable_perf_sat_en),
        .sdp_d_perf_enable_perf_nan_inf_count_en(sdp_d_perf_enable_perf_nan_inf_count_en),
        .sdp_d_perf_wdma_write_stall_wdma_stall(sdp_d_perf_wdma_write_stall_wdma_stall),
        .sdp_d_perf_lut_uflow_lut_uflow(sdp_d_perf_lut_uflow_lut_uflow),
        .sdp_d_perf_lut_oflow_lut_oflow(sdp_d_perf_lut_oflow_lut_oflow),
        .sdp_d_perf_out_saturation_out_saturation(sdp_d_perf_out_saturation_out_saturation),
        .sdp_d_perf_lut_hybrid_lut_hybrid(sdp_d_perf_lut_hybrid_lut_hybrid),
        .sdp_d_perf_lut_le_hit_lut_le_hit(sdp_d_perf_lut_le_hit_lut_le_hit),
        .sdp_d_perf_lut_lo_hit_lut_lo_hit(sdp_d_perf_lut_lo_hit_lut_lo_hit)
    );
    // ---- NVDLA_PDP_RDMA (byte base 0xa000)
    wire        pdp_rdma_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h0a);
    wire [31:0] pdp_rdma_rd_data;
    wire        pdp_rdma_op_en, pdp_rdma_consumer;
    wire [12:0] pdp_rdma_d_data_cube_in_width_cube_in_width;
    wire [12:0] pdp_rdma_d_data_cube_in_height_cube_in_height;
    wire [12:0] pdp_rdma_d_data_cube_in_channel_cube_in_channel;
    wire pdp_rdma_d_flying_mode_flying_mode;
    wire [31:0] pdp_rdma_d_src_base_addr_low_src_base_addr_low;
    wire [31:0] pdp_rdma_d_src_base_addr_high_src_base_addr_high;
    wire [31:0] pdp_rdma_d_src_line_stride_src_line_stride;
    wire [31:0] pdp_rdma_d_src_surface_stride_src_surface_stride;
    wire pdp_rdma_d_src_ram_cfg_src_ram_type;
    wire [1:0] pdp_rdma_d_data_format_input_data;
    wire [7:0] pdp_rdma_d_operation_mode_cfg_split_num;
    wire [3:0] pdp_rdma_d_pooling_kernel_cfg_kernel_width;
    wire [3:0] pdp_rdma_d_pooling_kernel_cfg_kernel_stride_width;
    wire [3:0] pdp_rdma_d_pooling_padding_cfg_pad_width;
    wire [9:0] pdp_rdma_d_partial_width_in_partial_width_in_first;
    wire [9:0] pdp_rdma_d_partial_width_in_partial_width_in_last;
    wire [9:0] pdp_rdma_d_partial_width_in_partial_width_in_mid;
    wire pdp_rdma_d_perf_enable_dma_en;
    wire [31:0] pdp_rdma_d_perf_read_stall_perf_read_stall;
    assign pdp_rdma_d_perf_read_stall_perf_read_stall = 32'd0;
    wire [31:0] pdp_rdma_d_cya_cya;
    nvs_regs_pdp_rdma u_regs_pdp_rdma (
        .clk(clk),
        .rstn(rstn),
        .req_valid(pdp_rdma_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(pdp_rdma_rd_data),
        .op_en(pdp_rdma_op_en),
        .consumer(pdp_rdma_consumer),
        .op_done(pdp_rdma_op_done),
        .pdp_rdma_d_data_cube_in_width_cube_in_width(pdp_rdma_d_data_cube_in_width_cube_in_width),
        .pdp_rdma_d_data_cube_in_height_cube_in_height(pdp_rdma_d_data_cube_in_height_cube_in_height),
        .pdp_rdma_d_data_cube_in_channel_cube_in_channel(pdp_rdma_d_data_cube_in_channel_cube_in_channel),
        .pdp_rdma_d_flying_mode_flying_mode(pdp_rdma_d_flying_mode_flying_mode),
        .pdp_rdma_d_src_base_addr_low_src_base_addr_low(pdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .pdp_rdma_d_src_base_addr_high_src_base_addr_high(pdp_rdma_d_src_base_addr_high_src_base_addr_high),
        .pdp_rdma_d_src_line_stride_src_line_stride(pdp_rdma_d_src_line_stride_src_line_stride),
        .pdp_rdma_d_src_surface_stride_src_surface_stride(pdp_rdma_d_src_surface_stride_src_surface_stride),
        .pdp_rdma_d_src_ram_cfg_src_ram_type(pdp_rdma_d_src_ram_cfg_src_ram_type),
        .pdp_rdma_d_data_format_input_data(pdp_rdma_d_data_format_input_data),
        .pdp_rdma_d_operation_mode_cfg_split_num(pdp_rdma_d_operation_mode_cfg_split_num),
        .pdp_rdma_d_pooling_kernel_cfg_kernel_width(pdp_rdma_d_pooling_kernel_cfg_kernel_width),
        .pdp_rdma_d_pooling_kernel_cfg_kernel_stride_width(pdp_rdma_d_pooling_kernel_cfg_kernel_stride_width),
        .pdp_rdma_d_pooling_padding_cfg_pad_width(pdp_rdma_d_pooling_padding_cfg_pad_width),
        .pdp_rdma_d_partial_width_in_partial_width_in_first(pdp_rdma_d_partial_width_in_partial_width_in_first),
        .pdp_rdma_d_partial_width_in_partial_width_in_last(pdp_rdma_d_partial_width_in_partial_width_in_last),
        .pdp_rdma_d_partial_width_in_partial_width_in_mid(pdp_rdma_d_partial_width_in_partial_width_in_mid),
        .pdp_rdma_d_perf_enable_dma_en(pdp_rdma_d_perf_enable_dma_en),
        .pdp_rdma_d_perf_read_stall_perf_read_stall(pdp_rdma_d_perf_read_stall_perf_read_stall),
        .pdp_rdma_d_cya_cya(pdp_rdma_d_cya_cya)
    );
    // ---- NVDLA_PDP (byte base 0xb000)
    wire        pdp_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h0b);
    wire [31:0] pdp_rd_data;
    wire        pdp_op_en, pdp_consumer;
    wire [12:0] pdp_d_data_cube_in_width_cube_in_width;
    wire [12:0] pdp_d_data_cube_in_height_cube_in_height;
    wire [12:0] pdp_d_data_cube_in_channel_cube_in_channel;
    wire [12:0] pdp_d_data_cube_out_width_cube_out_width;
    wire [12:0] pdp_d_data_cube_out_height_cube_out_height;
    wire [12:0] pdp_d_data_cube_out_channel_cube_out_channel;
    wire [1:0] pdp_d_operation_mode_cfg_pooling_method;
    wire pdp_d_operation_mode_cfg_flying_mode;
    wire [7:0] pdp_d_operation_mode_cfg_split_num;
    wire pdp_d_nan_flush_to_zero_nan_to_zero;
    wire [9:0] pdp_d_partial_width_in_partial_width_in_first;
    wire [9:0] pdp_d_partial_width_in_partial_width_in_last;
    wire [9:0] pdp_d_partial_width_in_partial_width_in_mid;
    wire [9:0] pdp_d_partial_width_out_partial_width_out_first;
    wire [9:0] pdp_d_partial_width_out_partial_width_out_last;
    wire [9:0] pdp_d_partial_width_out_partial_width_out_mid;
    wire [3:0] pdp_d_pooling_kernel_cfg_kernel_width;
    wire [3:0] pdp_d_pooling_kernel_cfg_kernel_height;
    wire [3:0] pdp_d_pooling_kernel_cfg_kernel_stride_width;
    wire [3:0] pdp_d_pooling_kernel_cfg_kernel_stride_height;
    wire [16:0] pdp_d_recip_kernel_width_recip_kernel_width;
    wire [16:0] pdp_d_recip_kernel_height_recip_kernel_height;
    wire [2:0] pdp_d_pooling_padding_cfg_pad_left;
    wire [2:0] pdp_d_pooling_padding_cfg_pad_top;
    wire [2:0] pdp_d_pooling_padding_cfg_pad_right;
    wire [2:0] pdp_d_pooling_padding_cfg_pad_bottom;
    wire [18:0] pdp_d_pooling_padding_value_1_cfg_pad_value_1x;
    wire [18:0] pdp_d_pooling_padding_value_2_cfg_pad_value_2x;
    wire [18:0] pdp_d_pooling_padding_value_3_cfg_pad_value_3x;
    wire [18:0] pdp_d_pooling_padding_value_4_cfg_pad_value_4x;
    wire [18:0] pdp_d_pooling_padding_value_5_cfg_pad_value_5x;
    wire [18:0] pdp_d_pooling_padding_value_6_cfg_pad_value_6x;
    wire [18:0] pdp_d_pooling_padding_value_7_cfg_pad_value_7x;
    wire [31:0] pdp_d_src_base_addr_low_src_base_addr_low;
    wire [31:0] pdp_d_src_base_addr_high_src_base_addr_high;
    wire [31:0] pdp_d_src_line_stride_src_line_stride;
    wire [31:0] pdp_d_src_surface_stride_src_surface_stride;
    wire [31:0] pdp_d_dst_base_addr_low_dst_base_addr_low;
    wire [31:0] pdp_d_dst_base_addr_high_dst_base_addr_high;
    wire [31:0] pdp_d_dst_line_stride_dst_line_stride;
    wire [31:0] pdp_d_dst_surface_stride_dst_surface_stride;
    wire pdp_d_dst_ram_cfg_dst_ram_type;
    wire [1:0] pdp_d_data_format_input_data;
    wire [31:0] pdp_d_inf_input_num_inf_input_num;
    assign pdp_d_inf_input_num_inf_input_num = 32'd0;
    wire [31:0] pdp_d_nan_input_num_nan_input_num;
    assign pdp_d_nan_input_num_nan_input_num = 32'd0;
    wire [31:0] pdp_d_nan_output_num_nan_output_num;
    assign pdp_d_nan_output_num_nan_output_num = 32'd0;
    wire pdp_d_perf_enable_dma_en;
    wire [31:0] pdp_d_perf_write_stall_perf_write_stall;
    assign pdp_d_perf_write_stall_perf_write_stall = 32'd0;
    wire [31:0] pdp_d_cya_cya;
    nvs_regs_pdp u_regs_pdp (
        .clk(clk),
        .rstn(rstn),
        .req_valid(pdp_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(pdp_rd_data),
        .op_en(pdp_op_en),
        .consumer(pdp_consumer),
        .op_done(pdp_op_done),
        .pdp_d_data_cube_in_width_cube_in_width(pdp_d_data_cube_in_width_cube_in_width),
        .pdp_d_data_cube_in_height_cube_in_height(pdp_d_data_cube_in_height_cube_in_height),
        .pdp_d_data_cube_in_channel_cube_in_channel(pdp_d_data_cube_in_channel_cube_in_channel),
        .pdp_d_data_cube_out_width_cube_out_width(pdp_d_data_cube_out_width_cube_out_width),
        .pdp_d_data_cube_out_height_cube_out_height(pdp_d_data_cube_out_height_cube_out_height),
        .pdp_d_data_cube_out_channel_cube_out_channel(pdp_d_data_cube_out_channel_cube_out_channel),
        .pdp_d_operation_mode_cfg_pooling_method(pdp_d_operation_mode_cfg_pooling_method),
        .pdp_d_operation_mode_cfg_flying_mode(pdp_d_operation_mode_cfg_flying_mode),
        .pdp_d_operation_mode_cfg_split_num(pdp_d_operation_mode_cfg_split_num),
        .pdp_d_nan_flush_to_zero_nan_to_zero(pdp_d_nan_flush_to_zero_nan_to_zero),
        .pdp_d_partial_width_in_partial_width_in_first(pdp_d_partial_width_in_partial_width_in_first),
        .pdp_d_partial_width_in_partial_width_in_last(pdp_d_partial_width_in_partial_width_in_last),
        .pdp_d_partial_width_in_partial_width_in_mid(pdp_d_partial_width_in_partial_width_in_mid),
        .pdp_d_partial_width_out_partial_width_out_first(pdp_d_partial_width_out_partial_width_out_first),
        .pdp_d_partial_width_out_partial_width_out_last(pdp_d_partial_width_out_partial_width_out_last),
        .pdp_d_partial_width_out_partial_width_out_mid(pdp_d_partial_width_out_partial_width_out_mid),
        .pdp_d_pooling_kernel_cfg_kernel_width(pdp_d_pooling_kernel_cfg_kernel_width),
        .pdp_d_pooling_kernel_cfg_kernel_height(pdp_d_pooling_kernel_cfg_kernel_height),
        .pdp_d_pooling_kernel_cfg_kernel_stride_width(pdp_d_pooling_kernel_cfg_kernel_stride_width),
        .pdp_d_pooling_kernel_cfg_kernel_stride_height(pdp_d_pooling_kernel_cfg_kernel_stride_height),
        .pdp_d_recip_kernel_width_recip_kernel_width(pdp_d_recip_kernel_width_recip_kernel_width),
        .pdp_d_recip_kernel_height_recip_kernel_height(pdp_d_recip_kernel_height_recip_kernel_height),
        .pdp_d_pooling_padding_cfg_pad_left(pdp_d_pooling_padding_cfg_pad_left),
        .pdp_d_pooling_padding_cfg_pad_top(pdp_d_pooling_padding_cfg_pad_top),
        .pdp_d_pooling_padding_cfg_pad_right(pdp_d_pooling_padding_cfg_pad_right),
        .pdp_d_pooling_padding_cfg_pad_bottom(pdp_d_pooling_padding_cfg_pad_bottom),
        .pdp_d_pooling_padding_value_1_cfg_pad_value_1x(pdp_d_pooling_padding_value_1_cfg_pad_value_1x),
        .pdp_d_pooling_padding_value_2_cfg_pad_value_2x(pdp_d_pooling_padding_value_2_cfg_pad_value_2x),
        .pdp_d_pooling_padding_value_3_cfg_pad_value_3x(pdp_d_pooling_padding_value_3_cfg_pad_value_3x),
        .pdp_d_pooling_padding_value_4_cfg_pad_value_4x(pdp_d_pooling_padding_value_4_cfg_pad_value_4x),
        .pdp_d_pooling_padding_value_5_cfg_pad_value_5x(pdp_d_pooling_padding_value_5_cfg_pad_value_5x),
        .pdp_d_pooling_padding_value_6_cfg_pad_value_6x(pdp_d_pooling_padding_value_6_cfg_pad_value_6x),
        .pdp_d_pooling_padding_value_7_cfg_pad_value_7x(pdp_d_pooling_padding_value_7_cfg_pad_value_7x),
        .pdp_d_src_base_addr_low_src_base_addr_low(pdp_d_src_base_addr_low_src_base_addr_low),
        .pdp_d_src_base_addr_high_src_base_addr_high(pdp_d_src_base_addr_high_src_base_addr_high),
        .pdp_d_src_line_stride_src_line_stride(pdp_d_src_line_stride_src_line_stride),
        .pdp_d_src_surface_stride_src_surface_stride(pdp_d_src_surface_stride_src_surface_stride),
        .pdp_d_dst_base_addr_low_dst_base_addr_low(pdp_d_dst_base_addr_low_dst_base_addr_low),
        .pdp_d_dst_base_addr_high_dst_base_addr_high(pdp_d_dst_base_addr_high_dst_base_addr_high),
        .pdp_d_dst_line_stride_dst_line_stride(pdp_d_dst_line_stride_dst_line_stride),
        .pdp_d_dst_surface_stride_dst_surface_stride(pdp_d_dst_surface_stride_dst_surface_stride),
        .pdp_d_dst_ram_cfg_dst_ram_type(pdp_d_dst_ram_cfg_dst_ram_type),
        .pdp_d_data_format_input_data(pdp_d_data_format_input_data),
        .pdp_d_inf_input_num_inf_input_num(pdp_d_inf_input_num_inf_input_num),
        .pdp_d_nan_input_num_nan_input_num(pdp_d_nan_input_num_nan_input_num),
        .pdp_d_nan_output_num_nan_output_num(pdp_d_nan_output_num_nan_output_num),
        .pdp_d_perf_enable_dma_en(pdp_d_perf_enable_dma_en),
        .pdp_d_perf_write_stall_perf_write_stall(pdp_d_perf_write_stall_perf_write_stall),
        .pdp_d_cya_cya(pdp_d_cya_cya)
    );
    // ---- NVDLA_CDP_RDMA (byte base 0xc000)
    wire        cdp_rdma_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h0c);
    wire [31:0] cdp_rdma_rd_data;
    wire        cdp_rdma_op_en, cdp_rdma_consumer;
    wire [12:0] cdp_rdma_d_data_cube_width_width;
    wire [12:0] cdp_rdma_d_data_cube_height_height;
    wire [12:0] cdp_rdma_d_data_cube_channel_channel;
    wire [31:0] cdp_rdma_d_src_base_addr_low_src_base_addr_low;
    wire [31:0] cdp_rdma_d_src_base_addr_high_src_base_addr_high;
    wire [31:0] cdp_rdma_d_src_line_stride_src_line_stride;
    wire [31:0] cdp_rdma_d_src_surface_stride_src_surface_stride;
    wire cdp_rdma_d_src_dma_cfg_src_ram_type;
    wire cdp_rdma_d_src_compression_en_src_compression_en;
    wire [1:0] cdp_rdma_d_operation_mode_operation_mode;
    wire [1:0] cdp_rdma_d_data_format_input_data;
    wire cdp_rdma_d_perf_enable_dma_en;
    wire [31:0] cdp_rdma_d_perf_read_stall_perf_read_stall;
    assign cdp_rdma_d_perf_read_stall_perf_read_stall = 32'd0;
    wire [31:0] cdp_rdma_d_cya_cya;
    nvs_regs_cdp_rdma u_regs_cdp_rdma (
        .clk(clk),
        .rstn(rstn),
        .req_valid(cdp_rdma_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(cdp_rdma_rd_data),
        .op_en(cdp_rdma_op_en),
        .consumer(cdp_rdma_consumer),
        .op_done(cdp_rdma_op_done),
        .cdp_rdma_d_data_cube_width_width(cdp_rdma_d_data_cube_width_width),
        .cdp_rdma_d_data_cube_height_height(cdp_rdma_d_data_cube_height_height),
        .cdp_rdma_d_data_cube_channel_channel(cdp_rdma_d_data_cube_channel_channel),
        .cdp_rdma_d_src_base_addr_low_src_base_addr_low(cdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .cdp_rdma_d_src_base_addr_high_src_base_addr_high(cdp_rdma_d_src_base_addr_high_src_base_addr_high),
        .cdp_rdma_d_src_line_stride_src_line_stride(cdp_rdma_d_src_line_stride_src_line_stride),
        .cdp_rdma_d_src_surface_stride_src_surface_stride(cdp_rdma_d_src_surface_stride_src_surface_stride),
        .cdp_rdma_d_src_dma_cfg_src_ram_type(cdp_rdma_d_src_dma_cfg_src_ram_type),
        .cdp_rdma_d_src_compression_en_src_compression_en(cdp_rdma_d_src_compression_en_src_compression_en),
        .cdp_rdma_d_operation_mode_operation_mode(cdp_rdma_d_operation_mode_operation_mode),
        .cdp_rdma_d_data_format_input_data(cdp_rdma_d_data_format_input_data),
        .cdp_rdma_d_perf_enable_dma_en(cdp_rdma_d_perf_enable_dma_en),
        .cdp_rdma_d_perf_read_stall_perf_read_stall(cdp_rdma_d_perf_read_stall_perf_read_stall),
        .cdp_rdma_d_cya_cya(cdp_rdma_d_cya_cya)
    );
    // ---- NVDLA_CDP (byte base 0xd000)
    wire        cdp_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h0d);
    wire [31:0] cdp_rd_data;
    wire        cdp_op_en, cdp_consumer;
    wire [1039:0] cdp_lut_le_table;
    wire [4111:0] cdp_lut_lo_table;
    wire cdp_s_lut_cfg_lut_le_function;
    wire cdp_s_lut_cfg_lut_uflow_priority;
    wire cdp_s_lut_cfg_lut_oflow_priority;
    wire cdp_s_lut_cfg_lut_hybrid_priority;
    wire [7:0] cdp_s_lut_info_lut_le_index_offset;
    wire [7:0] cdp_s_lut_info_lut_le_index_select;
    wire [7:0] cdp_s_lut_info_lut_lo_index_select;
    wire [31:0] cdp_s_lut_le_start_low_lut_le_start_low;
    wire [5:0] cdp_s_lut_le_start_high_lut_le_start_high;
    wire [31:0] cdp_s_lut_le_end_low_lut_le_end_low;
    wire [5:0] cdp_s_lut_le_end_high_lut_le_end_high;
    wire [31:0] cdp_s_lut_lo_start_low_lut_lo_start_low;
    wire [5:0] cdp_s_lut_lo_start_high_lut_lo_start_high;
    wire [31:0] cdp_s_lut_lo_end_low_lut_lo_end_low;
    wire [5:0] cdp_s_lut_lo_end_high_lut_lo_end_high;
    wire [15:0] cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale;
    wire [15:0] cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale;
    wire [4:0] cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift;
    wire [4:0] cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift;
    wire [15:0] cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale;
    wire [15:0] cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale;
    wire [4:0] cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift;
    wire [4:0] cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift;
    wire cdp_d_func_bypass_sqsum_bypass;
    wire cdp_d_func_bypass_mul_bypass;
    wire [31:0] cdp_d_dst_base_addr_low_dst_base_addr_low;
    wire [31:0] cdp_d_dst_base_addr_high_dst_base_addr_high;
    wire [31:0] cdp_d_dst_line_stride_dst_line_stride;
    wire [31:0] cdp_d_dst_surface_stride_dst_surface_stride;
    wire cdp_d_dst_dma_cfg_dst_ram_type;
    wire cdp_d_dst_compression_en_dst_compression_en;
    wire [1:0] cdp_d_data_format_input_data_type;
    wire cdp_d_nan_flush_to_zero_nan_to_zero;
    wire [1:0] cdp_d_lrn_cfg_normalz_len;
    wire [15:0] cdp_d_datin_offset_datin_offset;
    wire [15:0] cdp_d_datin_scale_datin_scale;
    wire [4:0] cdp_d_datin_shifter_datin_shifter;
    wire [31:0] cdp_d_datout_offset_datout_offset;
    wire [15:0] cdp_d_datout_scale_datout_scale;
    wire [5:0] cdp_d_datout_shifter_datout_shifter;
    wire [31:0] cdp_d_nan_input_num_nan_input_num;
    assign cdp_d_nan_input_num_nan_input_num = 32'd0;
    wire [31:0] cdp_d_inf_input_num_inf_input_num;
    assign cdp_d_inf_input_num_inf_input_num = 32'd0;
    wire [31:0] cdp_d_nan_output_num_nan_output_num;
    assign cdp_d_nan_output_num_nan_output_num = 32'd0;
    wire [31:0] cdp_d_out_saturation_out_saturation;
    wire cdp_d_perf_enable_dma_en;
    wire cdp_d_perf_enable_lut_en;
    wire [31:0] cdp_d_perf_write_stall_perf_write_stall;
    assign cdp_d_perf_write_stall_perf_write_stall = 32'd0;
    wire [31:0] cdp_d_perf_lut_uflow_perf_lut_uflow;
    assign cdp_d_perf_lut_uflow_perf_lut_uflow = 32'd0;
    wire [31:0] cdp_d_perf_lut_oflow_perf_lut_oflow;
    assign cdp_d_perf_lut_oflow_perf_lut_oflow = 32'd0;
    wire [31:0] cdp_d_perf_lut_hybrid_perf_lut_hybrid;
    assign cdp_d_perf_lut_hybrid_perf_lut_hybrid = 32'd0;
    wire [31:0] cdp_d_perf_lut_le_hit_perf_lut_le_hit;
    assign cdp_d_perf_lut_le_hit_perf_lut_le_hit = 32'd0;
    wire [31:0] cdp_d_perf_lut_lo_hit_perf_lut_lo_hit;
    assign cdp_d_perf_lut_lo_hit_perf_lut_lo_hit = 32'd0;
    wire [31:0] cdp_d_cya_cya;
    nvs_regs_cdp u_regs_cdp (
        .clk(clk),
        .rstn(rstn),
        .req_valid(cdp_sel),
        .req_write(csb_req_write),
        .req_addr(csb_req_addr[9:0]),
        .req_wdat(csb_req_wdat),
        .rd_data(cdp_rd_data),
        .op_en(cdp_op_en),
        .consumer(cdp_consumer),
        .op_done(cdp_op_done),
        .cdp_lut_le_table(cdp_lut_le_table),
        .cdp_lut_lo_table(cdp_lut_lo_table),
        .cdp_s_lut_cfg_lut_le_function(cdp_s_lut_cfg_lut_le_function),
        .cdp_s_lut_cfg_lut_uflow_priority(cdp_s_lut_cfg_lut_uflow_priority),
        .cdp_s_lut_cfg_lut_oflow_priority(cdp_s_lut_cfg_lut_oflow_priority),
        .cdp_s_lut_cfg_lut_hybrid_priority(cdp_s_lut_cfg_lut_hybrid_priority),
        .cdp_s_lut_info_lut_le_index_offset(cdp_s_lut_info_lut_le_index_offset),
        .cdp_s_lut_info_lut_le_index_select(cdp_s_lut_info_lut_le_index_select),
        .cdp_s_lut_info_lut_lo_index_select(cdp_s_lut_info_lut_lo_index_select),
        .cdp_s_lut_le_start_low_lut_le_start_low(cdp_s_lut_le_start_low_lut_le_start_low),
        .cdp_s_lut_le_start_high_lut_le_start_high(cdp_s_lut_le_start_high_lut_le_start_high),
        .cdp_s_lut_le_end_low_lut_le_end_low(cdp_s_lut_le_end_low_lut_le_end_low),
        .cdp_s_lut_le_end_high_lut_le_end_high(cdp_s_lut_le_end_high_lut_le_end_high),
        .cdp_s_lut_lo_start_low_lut_lo_start_low(cdp_s_lut_lo_start_low_lut_lo_start_low),
        .cdp_s_lut_lo_start_high_lut_lo_start_high(cdp_s_lut_lo_start_high_lut_lo_start_high),
        .cdp_s_lut_lo_end_low_lut_lo_end_low(cdp_s_lut_lo_end_low_lut_lo_end_low),
        .cdp_s_lut_lo_end_high_lut_lo_end_high(cdp_s_lut_lo_end_high_lut_lo_end_high),
        .cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale(cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale),
        .cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale(cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale),
        .cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift(cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift),
        .cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift(cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift),
        .cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale(cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale),
        .cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale(cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale),
        .cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift(cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift),
        .cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift(cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift),
        .cdp_d_func_bypass_sqsum_bypass(cdp_d_func_bypass_sqsum_bypass),
        .cdp_d_func_bypass_mul_bypass(cdp_d_func_bypass_mul_bypass),
        .cdp_d_dst_base_addr_low_dst_base_addr_low(cdp_d_dst_base_addr_low_dst_base_addr_low),
        .cdp_d_dst_base_addr_high_dst_base_addr_high(cdp_d_dst_base_addr_high_dst_base_addr_high),
        .cdp_d_dst_line_stride_dst_line_stride(cdp_d_dst_line_stride_dst_line_stride),
        .cdp_d_dst_surface_stride_dst_surface_stride(cdp_d_dst_surface_stride_dst_surface_stride),
        .cdp_d_dst_dma_cfg_dst_ram_type(cdp_d_dst_dma_cfg_dst_ram_type),
        .cdp_d_dst_compression_en_dst_compression_en(cdp_d_dst_compression_en_dst_compression_en),
        .cdp_d_data_format_input_data_type(cdp_d_data_format_input_data_type),
        .cdp_d_nan_flush_to_zero_nan_to_zero(cdp_d_nan_flush_to_zero_nan_to_zero),
        .cdp_d_lrn_cfg_normalz_len(cdp_d_lrn_cfg_normalz_len),
        .cdp_d_datin_offset_datin_offset(cdp_d_datin_offset_datin_offset),
        .cdp_d_datin_scale_datin_scale(cdp_d_datin_scale_datin_scale),
        .cdp_d_datin_shifter_datin_shifter(cdp_d_datin_shifter_datin_shifter),
        .cdp_d_datout_offset_datout_offset(cdp_d_datout_offset_datout_offset),
        .cdp_d_datout_scale_datout_scale(cdp_d_datout_scale_datout_scale),
        .cdp_d_datout_shifter_datout_shifter(cdp_d_datout_shifter_datout_shifter),
        .cdp_d_nan_input_num_nan_input_num(cdp_d_nan_input_num_nan_input_num),
        .cdp_d_inf_input_num_inf_input_num(cdp_d_inf_input_num_inf_input_num),
        .cdp_d_nan_output_num_nan_output_num(cdp_d_nan_output_num_nan_output_num),
        .cdp_d_out_saturation_out_saturation(cdp_d_out_saturation_out_saturation),
        .cdp_d_perf_enable_dma_en(cdp_d_perf_enable_dma_en),
        .cdp_d_perf_enable_lut_en(cdp_d_perf_enable_lut_en),
        .cdp_d_perf_write_stall_perf_write_stall(cdp_d_perf_write_stall_perf_write_stall),
        .cdp_d_perf_lut_uflow_perf_lut_uflow(cdp_d_perf_lut_uflow_perf_lut_uflow),
        .cdp_d_perf_lut_oflow_perf_lut_oflow(cdp_d_perf_lut_oflow_perf_lut_oflow),
        .cdp_d_perf_lut_hybrid_perf_lut_hybrid(cdp_d_perf_lut_hybrid_perf_lut_hybrid),
        .cdp_d_perf_lut_le_hit_perf_lut_le_hit(cdp_d_perf_lut_le_hit_perf_lut_le_hit),
        .cdp_d_perf_lut_lo_hit_perf_lut_lo_hit(cdp_d_perf_lut_lo_hit_perf_lut_lo_hit),
        .cdp_d_cya_cya(cdp_d_cya_cya)
    );
    // read data of the accepted request (0 for unmapped units)
    assign csb_rd_data = (glb_sel ? glb_rd_data : 32'd0)
                       | (cdma_sel ? cdma_rd_data : 32'd0)
                       | (csc_sel ? csc_rd_data : 32'd0)
                       | (cmac_a_sel ? cmac_a_rd_data : 32'd0)
                       | (cmac_b_sel ? cmac_b_rd_data : 32'd0)
                       | (cacc_sel ? cacc_rd_data : 32'd0)
                       | (sdp_rdma_sel ? sdp_rdma_rd_data : 32'd0)
                       | (sdp_sel ? sdp_rd_data : 32'd0)
                       | (pdp_rdma_sel ? pdp_rdma_rd_data : 32'd0)
                       | (pdp_sel ? pdp_rd_data : 32'd0)
                       | (cdp_rdma_sel ? cdp_rdma_rd_data : 32'd0)
                       | (cdp_sel ? cdp_rd_data : 32'd0);
    /* verilator lint_on UNUSEDSIGNAL */
    // END GENERATED REGS

    // S_INTR_STATUS bits: SDP 0/1, CDP 2/3, PDP 4/5, CDMA_DAT 16/17, CDMA_WT 18/19, CACC 20/21
    // (suffix = register group that finished)
    wire cdma_dat_done_pulse, cdma_wt_done_pulse, cacc_done_pulse;
    assign cdma_s_cbuf_flush_status_flush_done = 1'b1;     // CBUF needs no flush: always done
    assign glb_done_in = {10'd0,
                          cacc_done_pulse & cacc_consumer, cacc_done_pulse & ~cacc_consumer,
                          cdma_wt_done_pulse & cdma_consumer, cdma_wt_done_pulse & ~cdma_consumer,
                          cdma_dat_done_pulse & cdma_consumer, cdma_dat_done_pulse & ~cdma_consumer,
                          10'd0,
                          pdp_op_done &  pdp_consumer, pdp_op_done & ~pdp_consumer,
                          cdp_op_done &  cdp_consumer, cdp_op_done & ~cdp_consumer,
                          sdp_op_done &  sdp_consumer, sdp_op_done & ~sdp_consumer};
    assign dla_intr = glb_intr;

    // ---------------- DMA clients ----------------
    wire        sdp_mrdma_rd_req_valid, sdp_mrdma_rd_req_ready, sdp_mrdma_rd_rsp_valid, sdp_mrdma_rd_rsp_ready;
    wire [31:0] sdp_mrdma_rd_req_addr;
    wire [3:0]  sdp_mrdma_rd_req_len;
    wire [63:0] sdp_mrdma_rd_rsp_data;
    wire        sdp_brdma_rd_req_valid, sdp_brdma_rd_req_ready, sdp_brdma_rd_rsp_valid, sdp_brdma_rd_rsp_ready;
    wire [31:0] sdp_brdma_rd_req_addr;
    wire [3:0]  sdp_brdma_rd_req_len;
    wire [63:0] sdp_brdma_rd_rsp_data;
    wire        sdp_nrdma_rd_req_valid, sdp_nrdma_rd_req_ready, sdp_nrdma_rd_rsp_valid, sdp_nrdma_rd_rsp_ready;
    wire [31:0] sdp_nrdma_rd_req_addr;
    wire [3:0]  sdp_nrdma_rd_req_len;
    wire [63:0] sdp_nrdma_rd_rsp_data;
    wire        pdp_rdma_rd_req_valid, pdp_rdma_rd_req_ready, pdp_rdma_rd_rsp_valid, pdp_rdma_rd_rsp_ready;
    wire [31:0] pdp_rdma_rd_req_addr;
    wire [3:0]  pdp_rdma_rd_req_len;
    wire [63:0] pdp_rdma_rd_rsp_data;
    wire        cdp_rdma_rd_req_valid, cdp_rdma_rd_req_ready, cdp_rdma_rd_rsp_valid, cdp_rdma_rd_rsp_ready;
    wire [31:0] cdp_rdma_rd_req_addr;
    wire [3:0]  cdp_rdma_rd_req_len;
    wire [63:0] cdp_rdma_rd_rsp_data;
    wire        sdp_wdma_wr_req_valid, sdp_wdma_wr_req_ready, sdp_wdma_wr_dat_valid, sdp_wdma_wr_dat_ready;
    wire [31:0] sdp_wdma_wr_req_addr;
    wire [3:0]  sdp_wdma_wr_req_len;
    wire [63:0] sdp_wdma_wr_dat_data;
    wire [7:0]  sdp_wdma_wr_dat_mask;
    wire        sdp_wdma_wr_ack;
    wire        pdp_wdma_wr_req_valid, pdp_wdma_wr_req_ready, pdp_wdma_wr_dat_valid, pdp_wdma_wr_dat_ready;
    wire [31:0] pdp_wdma_wr_req_addr;
    wire [3:0]  pdp_wdma_wr_req_len;
    wire [63:0] pdp_wdma_wr_dat_data;
    wire [7:0]  pdp_wdma_wr_dat_mask;
    wire        pdp_wdma_wr_ack;
    wire        cdp_wdma_wr_req_valid, cdp_wdma_wr_req_ready, cdp_wdma_wr_dat_valid, cdp_wdma_wr_dat_ready;
    wire [31:0] cdp_wdma_wr_req_addr;
    wire [3:0]  cdp_wdma_wr_req_len;
    wire [63:0] cdp_wdma_wr_dat_data;
    wire [7:0]  cdp_wdma_wr_dat_mask;
    wire        cdp_wdma_wr_ack;
    wire        cdma_dat_rd_req_valid, cdma_dat_rd_req_ready, cdma_dat_rd_rsp_valid, cdma_dat_rd_rsp_ready;
    wire [31:0] cdma_dat_rd_req_addr;
    wire [3:0]  cdma_dat_rd_req_len;
    wire [63:0] cdma_dat_rd_rsp_data;
    wire        cdma_wt_rd_req_valid, cdma_wt_rd_req_ready, cdma_wt_rd_rsp_valid, cdma_wt_rd_rsp_ready;
    wire [31:0] cdma_wt_rd_req_addr;
    wire [3:0]  cdma_wt_rd_req_len;
    wire [63:0] cdma_wt_rd_rsp_data;
    // CACC -> SDP on-the-fly stream (8 int32 lanes per atom)
    wire         cacc2sdp_valid, cacc2sdp_ready;
    wire [255:0] cacc2sdp_data;
    // SDP -> PDP on-the-fly stream
    wire        sdp2pdp_valid, sdp2pdp_ready;
    wire [63:0] sdp2pdp_data;

    // ---------------- engines ----------------
    // SDP engine
    nvs_sdp u_sdp (
        .clk(clk), .rstn(rstn), .sdp_op_en(sdp_op_en), .sdp_op_done(sdp_op_done), .sdp_rdma_op_en(sdp_rdma_op_en),
        .sdp_rdma_op_done(sdp_rdma_op_done), .sdp_rdma_d_data_cube_width_width(sdp_rdma_d_data_cube_width_width),
        .sdp_rdma_d_data_cube_height_height(sdp_rdma_d_data_cube_height_height),
        .sdp_rdma_d_data_cube_channel_channel(sdp_rdma_d_data_cube_channel_channel),
        .sdp_rdma_d_src_base_addr_low_src_base_addr_low(sdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .sdp_rdma_d_src_line_stride_src_line_stride(sdp_rdma_d_src_line_stride_src_line_stride),
        .sdp_rdma_d_src_surface_stride_src_surface_stride(sdp_rdma_d_src_surface_stride_src_surface_stride),
        .sdp_rdma_d_brdma_cfg_brdma_disable(sdp_rdma_d_brdma_cfg_brdma_disable),
        .sdp_rdma_d_brdma_cfg_brdma_data_use(sdp_rdma_d_brdma_cfg_brdma_data_use),
        .sdp_rdma_d_brdma_cfg_brdma_data_size(sdp_rdma_d_brdma_cfg_brdma_data_size),
        .sdp_rdma_d_brdma_cfg_brdma_data_mode(sdp_rdma_d_brdma_cfg_brdma_data_mode),
        .sdp_rdma_d_bs_base_addr_low_bs_base_addr_low(sdp_rdma_d_bs_base_addr_low_bs_base_addr_low),
        .sdp_rdma_d_bs_line_stride_bs_line_stride(sdp_rdma_d_bs_line_stride_bs_line_stride),
        .sdp_rdma_d_bs_surface_stride_bs_surface_stride(sdp_rdma_d_bs_surface_stride_bs_surface_stride),
        .sdp_rdma_d_nrdma_cfg_nrdma_disable(sdp_rdma_d_nrdma_cfg_nrdma_disable),
        .sdp_rdma_d_nrdma_cfg_nrdma_data_use(sdp_rdma_d_nrdma_cfg_nrdma_data_use),
        .sdp_rdma_d_nrdma_cfg_nrdma_data_size(sdp_rdma_d_nrdma_cfg_nrdma_data_size),
        .sdp_rdma_d_nrdma_cfg_nrdma_data_mode(sdp_rdma_d_nrdma_cfg_nrdma_data_mode),
        .sdp_rdma_d_bn_base_addr_low_bn_base_addr_low(sdp_rdma_d_bn_base_addr_low_bn_base_addr_low),
        .sdp_rdma_d_bn_line_stride_bn_line_stride(sdp_rdma_d_bn_line_stride_bn_line_stride),
        .sdp_rdma_d_bn_surface_stride_bn_surface_stride(sdp_rdma_d_bn_surface_stride_bn_surface_stride),
        .sdp_d_data_cube_width_width(sdp_d_data_cube_width_width),
        .sdp_d_data_cube_height_height(sdp_d_data_cube_height_height),
        .sdp_d_data_cube_channel_channel(sdp_d_data_cube_channel_channel),
        .sdp_d_dst_base_addr_low_dst_base_addr_low(sdp_d_dst_base_addr_low_dst_base_addr_low),
        .sdp_d_dst_line_stride_dst_line_stride(sdp_d_dst_line_stride_dst_line_stride),
        .sdp_d_dst_surface_stride_dst_surface_stride(sdp_d_dst_surface_stride_dst_surface_stride),
        .sdp_d_dp_bs_cfg_bs_bypass(sdp_d_dp_bs_cfg_bs_bypass),
        .sdp_d_dp_bs_cfg_bs_alu_bypass(sdp_d_dp_bs_cfg_bs_alu_bypass),
        .sdp_d_dp_bs_cfg_bs_alu_algo(sdp_d_dp_bs_cfg_bs_alu_algo),
        .sdp_d_dp_bs_cfg_bs_mul_bypass(sdp_d_dp_bs_cfg_bs_mul_bypass),
        .sdp_d_dp_bs_cfg_bs_mul_prelu(sdp_d_dp_bs_cfg_bs_mul_prelu),
        .sdp_d_dp_bs_cfg_bs_relu_bypass(sdp_d_dp_bs_cfg_bs_relu_bypass),
        .sdp_d_dp_bs_alu_cfg_bs_alu_src(sdp_d_dp_bs_alu_cfg_bs_alu_src),
        .sdp_d_dp_bs_alu_cfg_bs_alu_shift_value(sdp_d_dp_bs_alu_cfg_bs_alu_shift_value),
        .sdp_d_dp_bs_alu_src_value_bs_alu_operand(sdp_d_dp_bs_alu_src_value_bs_alu_operand),
        .sdp_d_dp_bs_mul_cfg_bs_mul_src(sdp_d_dp_bs_mul_cfg_bs_mul_src),
        .sdp_d_dp_bs_mul_cfg_bs_mul_shift_value(sdp_d_dp_bs_mul_cfg_bs_mul_shift_value),
        .sdp_d_dp_bs_mul_src_value_bs_mul_operand(sdp_d_dp_bs_mul_src_value_bs_mul_operand),
        .sdp_d_dp_bn_cfg_bn_bypass(sdp_d_dp_bn_cfg_bn_bypass),
        .sdp_d_dp_bn_cfg_bn_alu_bypass(sdp_d_dp_bn_cfg_bn_alu_bypass),
        .sdp_d_dp_bn_cfg_bn_alu_algo(sdp_d_dp_bn_cfg_bn_alu_algo),
        .sdp_d_dp_bn_cfg_bn_mul_bypass(sdp_d_dp_bn_cfg_bn_mul_bypass),
        .sdp_d_dp_bn_cfg_bn_mul_prelu(sdp_d_dp_bn_cfg_bn_mul_prelu),
        .sdp_d_dp_bn_cfg_bn_relu_bypass(sdp_d_dp_bn_cfg_bn_relu_bypass),
        .sdp_d_dp_bn_alu_cfg_bn_alu_src(sdp_d_dp_bn_alu_cfg_bn_alu_src),
        .sdp_d_dp_bn_alu_cfg_bn_alu_shift_value(sdp_d_dp_bn_alu_cfg_bn_alu_shift_value),
        .sdp_d_dp_bn_alu_src_value_bn_alu_operand(sdp_d_dp_bn_alu_src_value_bn_alu_operand),
        .sdp_d_dp_bn_mul_cfg_bn_mul_src(sdp_d_dp_bn_mul_cfg_bn_mul_src),
        .sdp_d_dp_bn_mul_cfg_bn_mul_shift_value(sdp_d_dp_bn_mul_cfg_bn_mul_shift_value),
        .sdp_d_dp_bn_mul_src_value_bn_mul_operand(sdp_d_dp_bn_mul_src_value_bn_mul_operand),
        .sdp_d_feature_mode_cfg_output_dst(sdp_d_feature_mode_cfg_output_dst),
        .sdp_d_feature_mode_cfg_flying_mode(sdp_d_feature_mode_cfg_flying_mode),
        .sdp_d_cvt_offset_cvt_offset(sdp_d_cvt_offset_cvt_offset),
        .sdp_d_cvt_scale_cvt_scale(sdp_d_cvt_scale_cvt_scale), .sdp_d_cvt_shift_cvt_shift(sdp_d_cvt_shift_cvt_shift),
        .sdp_mrdma_rd_req_valid(sdp_mrdma_rd_req_valid), .sdp_mrdma_rd_req_ready(sdp_mrdma_rd_req_ready),
        .sdp_mrdma_rd_req_addr(sdp_mrdma_rd_req_addr), .sdp_mrdma_rd_req_len(sdp_mrdma_rd_req_len),
        .sdp_mrdma_rd_rsp_valid(sdp_mrdma_rd_rsp_valid), .sdp_mrdma_rd_rsp_ready(sdp_mrdma_rd_rsp_ready),
        .sdp_mrdma_rd_rsp_data(sdp_mrdma_rd_rsp_data), .sdp_brdma_rd_req_valid(sdp_brdma_rd_req_valid),
        .sdp_brdma_rd_req_ready(sdp_brdma_rd_req_ready), .sdp_brdma_rd_req_addr(sdp_brdma_rd_req_addr),
        .sdp_brdma_rd_req_len(sdp_brdma_rd_req_len), .sdp_brdma_rd_rsp_valid(sdp_brdma_rd_rsp_valid),
        .sdp_brdma_rd_rsp_ready(sdp_brdma_rd_rsp_ready), .sdp_brdma_rd_rsp_data(sdp_brdma_rd_rsp_data),
        .sdp_nrdma_rd_req_valid(sdp_nrdma_rd_req_valid), .sdp_nrdma_rd_req_ready(sdp_nrdma_rd_req_ready),
        .sdp_nrdma_rd_req_addr(sdp_nrdma_rd_req_addr), .sdp_nrdma_rd_req_len(sdp_nrdma_rd_req_len),
        .sdp_nrdma_rd_rsp_valid(sdp_nrdma_rd_rsp_valid), .sdp_nrdma_rd_rsp_ready(sdp_nrdma_rd_rsp_ready),
        .sdp_nrdma_rd_rsp_data(sdp_nrdma_rd_rsp_data), .sdp_wdma_wr_req_valid(sdp_wdma_wr_req_valid),
        .sdp_wdma_wr_req_ready(sdp_wdma_wr_req_ready), .sdp_wdma_wr_req_addr(sdp_wdma_wr_req_addr),
        .sdp_wdma_wr_req_len(sdp_wdma_wr_req_len), .sdp_wdma_wr_dat_valid(sdp_wdma_wr_dat_valid),
        .sdp_wdma_wr_dat_ready(sdp_wdma_wr_dat_ready), .sdp_wdma_wr_dat_data(sdp_wdma_wr_dat_data),
        .sdp_wdma_wr_dat_mask(sdp_wdma_wr_dat_mask), .sdp_wdma_wr_ack(sdp_wdma_wr_ack), .sdp2pdp_valid(sdp2pdp_valid),
        .sdp2pdp_ready(sdp2pdp_ready), .sdp2pdp_data(sdp2pdp_data),
        .cacc2sdp_valid(cacc2sdp_valid), .cacc2sdp_ready(cacc2sdp_ready), .cacc2sdp_data(cacc2sdp_data));
    // PDP engine (hw/nvs_pdp.v)
    nvs_pdp u_pdp (
        .clk(clk), .rstn(rstn), .pdp_op_en(pdp_op_en), .pdp_op_done(pdp_op_done), .pdp_rdma_op_en(pdp_rdma_op_en),
        .pdp_rdma_op_done(pdp_rdma_op_done),
        .pdp_d_data_cube_in_width_cube_in_width(pdp_d_data_cube_in_width_cube_in_width),
        .pdp_d_data_cube_in_height_cube_in_height(pdp_d_data_cube_in_height_cube_in_height),
        .pdp_d_data_cube_in_channel_cube_in_channel(pdp_d_data_cube_in_channel_cube_in_channel),
        .pdp_d_data_cube_out_width_cube_out_width(pdp_d_data_cube_out_width_cube_out_width),
        .pdp_d_data_cube_out_height_cube_out_height(pdp_d_data_cube_out_height_cube_out_height),
        .pdp_d_operation_mode_cfg_pooling_method(pdp_d_operation_mode_cfg_pooling_method),
        .pdp_d_operation_mode_cfg_flying_mode(pdp_d_operation_mode_cfg_flying_mode),
        .pdp_d_operation_mode_cfg_split_num(pdp_d_operation_mode_cfg_split_num),
        .pdp_d_partial_width_in_partial_width_in_first(pdp_d_partial_width_in_partial_width_in_first),
        .pdp_d_partial_width_in_partial_width_in_last(pdp_d_partial_width_in_partial_width_in_last),
        .pdp_d_partial_width_in_partial_width_in_mid(pdp_d_partial_width_in_partial_width_in_mid),
        .pdp_d_partial_width_out_partial_width_out_first(pdp_d_partial_width_out_partial_width_out_first),
        .pdp_d_partial_width_out_partial_width_out_last(pdp_d_partial_width_out_partial_width_out_last),
        .pdp_d_partial_width_out_partial_width_out_mid(pdp_d_partial_width_out_partial_width_out_mid),
        .pdp_d_pooling_kernel_cfg_kernel_width(pdp_d_pooling_kernel_cfg_kernel_width),
        .pdp_d_pooling_kernel_cfg_kernel_height(pdp_d_pooling_kernel_cfg_kernel_height),
        .pdp_d_pooling_kernel_cfg_kernel_stride_width(pdp_d_pooling_kernel_cfg_kernel_stride_width),
        .pdp_d_pooling_kernel_cfg_kernel_stride_height(pdp_d_pooling_kernel_cfg_kernel_stride_height),
        .pdp_d_recip_kernel_width_recip_kernel_width(pdp_d_recip_kernel_width_recip_kernel_width),
        .pdp_d_recip_kernel_height_recip_kernel_height(pdp_d_recip_kernel_height_recip_kernel_height),
        .pdp_d_pooling_padding_cfg_pad_left(pdp_d_pooling_padding_cfg_pad_left),
        .pdp_d_pooling_padding_cfg_pad_top(pdp_d_pooling_padding_cfg_pad_top),
        .pdp_d_pooling_padding_value_1_cfg_pad_value_1x(pdp_d_pooling_padding_value_1_cfg_pad_value_1x),
        .pdp_d_pooling_padding_value_2_cfg_pad_value_2x(pdp_d_pooling_padding_value_2_cfg_pad_value_2x),
        .pdp_d_pooling_padding_value_3_cfg_pad_value_3x(pdp_d_pooling_padding_value_3_cfg_pad_value_3x),
        .pdp_d_pooling_padding_value_4_cfg_pad_value_4x(pdp_d_pooling_padding_value_4_cfg_pad_value_4x),
        .pdp_d_pooling_padding_value_5_cfg_pad_value_5x(pdp_d_pooling_padding_value_5_cfg_pad_value_5x),
        .pdp_d_pooling_padding_value_6_cfg_pad_value_6x(pdp_d_pooling_padding_value_6_cfg_pad_value_6x),
        .pdp_d_pooling_padding_value_7_cfg_pad_value_7x(pdp_d_pooling_padding_value_7_cfg_pad_value_7x),
        .pdp_d_dst_base_addr_low_dst_base_addr_low(pdp_d_dst_base_addr_low_dst_base_addr_low),
        .pdp_d_dst_line_stride_dst_line_stride(pdp_d_dst_line_stride_dst_line_stride),
        .pdp_d_dst_surface_stride_dst_surface_stride(pdp_d_dst_surface_stride_dst_surface_stride),
        .pdp_rdma_d_src_base_addr_low_src_base_addr_low(pdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .pdp_rdma_d_src_line_stride_src_line_stride(pdp_rdma_d_src_line_stride_src_line_stride),
        .pdp_rdma_d_src_surface_stride_src_surface_stride(pdp_rdma_d_src_surface_stride_src_surface_stride),
        .pdp_rdma_d_data_cube_in_height_cube_in_height(pdp_rdma_d_data_cube_in_height_cube_in_height),
        .pdp_rdma_d_data_cube_in_channel_cube_in_channel(pdp_rdma_d_data_cube_in_channel_cube_in_channel),
        .pdp_rdma_d_operation_mode_cfg_split_num(pdp_rdma_d_operation_mode_cfg_split_num),
        .pdp_rdma_d_pooling_kernel_cfg_kernel_width(pdp_rdma_d_pooling_kernel_cfg_kernel_width),
        .pdp_rdma_d_pooling_kernel_cfg_kernel_stride_width(pdp_rdma_d_pooling_kernel_cfg_kernel_stride_width),
        .pdp_rdma_d_partial_width_in_partial_width_in_first(pdp_rdma_d_partial_width_in_partial_width_in_first),
        .pdp_rdma_d_partial_width_in_partial_width_in_last(pdp_rdma_d_partial_width_in_partial_width_in_last),
        .pdp_rdma_d_partial_width_in_partial_width_in_mid(pdp_rdma_d_partial_width_in_partial_width_in_mid),
        .pdp_rdma_d_data_cube_in_width_cube_in_width(pdp_rdma_d_data_cube_in_width_cube_in_width),
        .sdp2pdp_valid(sdp2pdp_valid), .sdp2pdp_ready(sdp2pdp_ready), .sdp2pdp_data(sdp2pdp_data),
        .pdp_rdma_rd_req_valid(pdp_rdma_rd_req_valid), .pdp_rdma_rd_req_ready(pdp_rdma_rd_req_ready),
        .pdp_rdma_rd_req_addr(pdp_rdma_rd_req_addr), .pdp_rdma_rd_req_len(pdp_rdma_rd_req_len),
        .pdp_rdma_rd_rsp_valid(pdp_rdma_rd_rsp_valid), .pdp_rdma_rd_rsp_ready(pdp_rdma_rd_rsp_ready),
        .pdp_rdma_rd_rsp_data(pdp_rdma_rd_rsp_data), .pdp_wdma_wr_req_valid(pdp_wdma_wr_req_valid),
        .pdp_wdma_wr_req_ready(pdp_wdma_wr_req_ready), .pdp_wdma_wr_req_addr(pdp_wdma_wr_req_addr),
        .pdp_wdma_wr_req_len(pdp_wdma_wr_req_len), .pdp_wdma_wr_dat_valid(pdp_wdma_wr_dat_valid),
        .pdp_wdma_wr_dat_ready(pdp_wdma_wr_dat_ready), .pdp_wdma_wr_dat_data(pdp_wdma_wr_dat_data),
        .pdp_wdma_wr_dat_mask(pdp_wdma_wr_dat_mask), .pdp_wdma_wr_ack(pdp_wdma_wr_ack));
    // CDP engine (hw/nvs_cdp.v)
    nvs_cdp u_cdp (
        .clk(clk), .rstn(rstn), .cdp_op_en(cdp_op_en), .cdp_op_done(cdp_op_done), .cdp_rdma_op_en(cdp_rdma_op_en),
        .cdp_rdma_op_done(cdp_rdma_op_done), .cdp_rdma_d_data_cube_width_width(cdp_rdma_d_data_cube_width_width),
        .cdp_rdma_d_data_cube_height_height(cdp_rdma_d_data_cube_height_height),
        .cdp_rdma_d_data_cube_channel_channel(cdp_rdma_d_data_cube_channel_channel),
        .cdp_rdma_d_src_base_addr_low_src_base_addr_low(cdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .cdp_rdma_d_src_line_stride_src_line_stride(cdp_rdma_d_src_line_stride_src_line_stride),
        .cdp_rdma_d_src_surface_stride_src_surface_stride(cdp_rdma_d_src_surface_stride_src_surface_stride),
        .cdp_d_lrn_cfg_normalz_len(cdp_d_lrn_cfg_normalz_len),
        .cdp_d_func_bypass_sqsum_bypass(cdp_d_func_bypass_sqsum_bypass),
        .cdp_d_func_bypass_mul_bypass(cdp_d_func_bypass_mul_bypass),
        .cdp_d_datin_offset_datin_offset(cdp_d_datin_offset_datin_offset),
        .cdp_d_datin_scale_datin_scale(cdp_d_datin_scale_datin_scale),
        .cdp_d_datin_shifter_datin_shifter(cdp_d_datin_shifter_datin_shifter),
        .cdp_d_datout_offset_datout_offset(cdp_d_datout_offset_datout_offset),
        .cdp_d_datout_scale_datout_scale(cdp_d_datout_scale_datout_scale),
        .cdp_d_datout_shifter_datout_shifter(cdp_d_datout_shifter_datout_shifter),
        .cdp_d_dst_base_addr_low_dst_base_addr_low(cdp_d_dst_base_addr_low_dst_base_addr_low),
        .cdp_d_dst_line_stride_dst_line_stride(cdp_d_dst_line_stride_dst_line_stride),
        .cdp_d_dst_surface_stride_dst_surface_stride(cdp_d_dst_surface_stride_dst_surface_stride),
        .cdp_s_lut_cfg_lut_le_function(cdp_s_lut_cfg_lut_le_function),
        .cdp_s_lut_cfg_lut_uflow_priority(cdp_s_lut_cfg_lut_uflow_priority),
        .cdp_s_lut_cfg_lut_oflow_priority(cdp_s_lut_cfg_lut_oflow_priority),
        .cdp_s_lut_cfg_lut_hybrid_priority(cdp_s_lut_cfg_lut_hybrid_priority),
        .cdp_s_lut_info_lut_le_index_offset(cdp_s_lut_info_lut_le_index_offset),
        .cdp_s_lut_info_lut_le_index_select(cdp_s_lut_info_lut_le_index_select),
        .cdp_s_lut_info_lut_lo_index_select(cdp_s_lut_info_lut_lo_index_select),
        .cdp_s_lut_le_start_low_lut_le_start_low(cdp_s_lut_le_start_low_lut_le_start_low),
        .cdp_s_lut_le_start_high_lut_le_start_high(cdp_s_lut_le_start_high_lut_le_start_high),
        .cdp_s_lut_le_end_low_lut_le_end_low(cdp_s_lut_le_end_low_lut_le_end_low),
        .cdp_s_lut_le_end_high_lut_le_end_high(cdp_s_lut_le_end_high_lut_le_end_high),
        .cdp_s_lut_lo_start_low_lut_lo_start_low(cdp_s_lut_lo_start_low_lut_lo_start_low),
        .cdp_s_lut_lo_start_high_lut_lo_start_high(cdp_s_lut_lo_start_high_lut_lo_start_high),
        .cdp_s_lut_lo_end_low_lut_lo_end_low(cdp_s_lut_lo_end_low_lut_lo_end_low),
        .cdp_s_lut_lo_end_high_lut_lo_end_high(cdp_s_lut_lo_end_high_lut_lo_end_high),
        .cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale(cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale),
        .cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale(cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale),
        .cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift(cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift),
        .cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift(cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift),
        .cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale(cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale),
        .cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale(cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale),
        .cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift(cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift),
        .cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift(cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift),
        .cdp_lut_le_table(cdp_lut_le_table), .cdp_lut_lo_table(cdp_lut_lo_table),
        .cdp_d_out_saturation_out_saturation(cdp_d_out_saturation_out_saturation),
        .cdp_rdma_rd_req_valid(cdp_rdma_rd_req_valid), .cdp_rdma_rd_req_ready(cdp_rdma_rd_req_ready),
        .cdp_rdma_rd_req_addr(cdp_rdma_rd_req_addr), .cdp_rdma_rd_req_len(cdp_rdma_rd_req_len),
        .cdp_rdma_rd_rsp_valid(cdp_rdma_rd_rsp_valid), .cdp_rdma_rd_rsp_ready(cdp_rdma_rd_rsp_ready),
        .cdp_rdma_rd_rsp_data(cdp_rdma_rd_rsp_data), .cdp_wdma_wr_req_valid(cdp_wdma_wr_req_valid),
        .cdp_wdma_wr_req_ready(cdp_wdma_wr_req_ready), .cdp_wdma_wr_req_addr(cdp_wdma_wr_req_addr),
        .cdp_wdma_wr_req_len(cdp_wdma_wr_req_len), .cdp_wdma_wr_dat_valid(cdp_wdma_wr_dat_valid),
        .cdp_wdma_wr_dat_ready(cdp_wdma_wr_dat_ready), .cdp_wdma_wr_dat_data(cdp_wdma_wr_dat_data),
        .cdp_wdma_wr_dat_mask(cdp_wdma_wr_dat_mask), .cdp_wdma_wr_ack(cdp_wdma_wr_ack));

    // Convolution pipeline CDMA -> CBUF -> CSC -> CMAC -> CACC (hw/nvs_conv.v), CACC -> SDP on the fly
    nvs_conv u_conv (
        .clk(clk), .rstn(rstn), .cdma_op_en(cdma_op_en), .csc_op_en(csc_op_en), .cmac_a_op_en(cmac_a_op_en),
        .cmac_b_op_en(cmac_b_op_en), .cacc_op_en(cacc_op_en), .conv_op_done(conv_op_done),
        .cdma_dat_done_pulse(cdma_dat_done_pulse), .cdma_wt_done_pulse(cdma_wt_done_pulse),
        .cacc_done_pulse(cacc_done_pulse),
        .cdma_d_datain_format_datain_format(cdma_d_datain_format_datain_format),
        .cdma_d_datain_format_pixel_format(cdma_d_datain_format_pixel_format),
        .cdma_d_datain_format_pixel_sign_override(cdma_d_datain_format_pixel_sign_override),
        .cdma_d_datain_size_0_datain_width(cdma_d_datain_size_0_datain_width),
        .cdma_d_datain_size_0_datain_height(cdma_d_datain_size_0_datain_height),
        .cdma_d_datain_size_1_datain_channel(cdma_d_datain_size_1_datain_channel),
        .cdma_d_pixel_offset_pixel_x_offset(cdma_d_pixel_offset_pixel_x_offset),
        .cdma_d_dain_addr_low_0_datain_addr_low_0(cdma_d_dain_addr_low_0_datain_addr_low_0),
        .cdma_d_line_stride_line_stride(cdma_d_line_stride_line_stride),
        .cdma_d_surf_stride_surf_stride(cdma_d_surf_stride_surf_stride),
        .cdma_d_dain_map_line_packed(cdma_d_dain_map_line_packed),
        .cdma_d_dain_map_surf_packed(cdma_d_dain_map_surf_packed),
        .cdma_d_weight_addr_low_weight_addr_low(cdma_d_weight_addr_low_weight_addr_low),
        .cdma_d_weight_bytes_weight_bytes(cdma_d_weight_bytes_weight_bytes),
        .cdma_d_mean_format_mean_format(cdma_d_mean_format_mean_format),
        .cdma_d_mean_global_0_mean_ry(cdma_d_mean_global_0_mean_ry),
        .cdma_d_mean_global_0_mean_gu(cdma_d_mean_global_0_mean_gu),
        .cdma_d_mean_global_1_mean_bv(cdma_d_mean_global_1_mean_bv),
        .cdma_d_mean_global_1_mean_ax(cdma_d_mean_global_1_mean_ax),
        .cdma_d_cvt_cfg_cvt_en(cdma_d_cvt_cfg_cvt_en),
        .cdma_d_cvt_cfg_cvt_truncate(cdma_d_cvt_cfg_cvt_truncate),
        .cdma_d_cvt_offset_cvt_offset(cdma_d_cvt_offset_cvt_offset),
        .cdma_d_cvt_scale_cvt_scale(cdma_d_cvt_scale_cvt_scale),
        .cdma_d_zero_padding_pad_left(cdma_d_zero_padding_pad_left),
        .cdma_d_zero_padding_pad_right(cdma_d_zero_padding_pad_right),
        .cdma_d_zero_padding_value_pad_value(cdma_d_zero_padding_value_pad_value),
        .cdma_d_bank_data_bank(cdma_d_bank_data_bank), .cdma_d_bank_weight_bank(cdma_d_bank_weight_bank),
        .csc_d_datain_format_datain_format(csc_d_datain_format_datain_format),
        .csc_d_datain_size_ext_0_datain_width_ext(csc_d_datain_size_ext_0_datain_width_ext),
        .csc_d_datain_size_ext_0_datain_height_ext(csc_d_datain_size_ext_0_datain_height_ext),
        .csc_d_datain_size_ext_1_datain_channel_ext(csc_d_datain_size_ext_1_datain_channel_ext),
        .csc_d_weight_size_ext_0_weight_width_ext(csc_d_weight_size_ext_0_weight_width_ext),
        .csc_d_weight_size_ext_0_weight_height_ext(csc_d_weight_size_ext_0_weight_height_ext),
        .csc_d_weight_size_ext_1_weight_channel_ext(csc_d_weight_size_ext_1_weight_channel_ext),
        .csc_d_weight_size_ext_1_weight_kernel(csc_d_weight_size_ext_1_weight_kernel),
        .csc_d_dataout_size_0_dataout_width(csc_d_dataout_size_0_dataout_width),
        .csc_d_dataout_size_0_dataout_height(csc_d_dataout_size_0_dataout_height),
        .csc_d_conv_stride_ext_conv_x_stride_ext(csc_d_conv_stride_ext_conv_x_stride_ext),
        .csc_d_conv_stride_ext_conv_y_stride_ext(csc_d_conv_stride_ext_conv_y_stride_ext),
        .csc_d_dilation_ext_x_dilation_ext(csc_d_dilation_ext_x_dilation_ext),
        .csc_d_dilation_ext_y_dilation_ext(csc_d_dilation_ext_y_dilation_ext),
        .csc_d_zero_padding_pad_left(csc_d_zero_padding_pad_left),
        .csc_d_zero_padding_pad_top(csc_d_zero_padding_pad_top),
        .csc_d_zero_padding_value_pad_value(csc_d_zero_padding_value_pad_value),
        .csc_d_bank_data_bank(csc_d_bank_data_bank), .csc_d_bank_weight_bank(csc_d_bank_weight_bank),
        .cacc_d_clip_cfg_clip_truncate(cacc_d_clip_cfg_clip_truncate),
        .cacc_d_out_saturation_sat_count(cacc_d_out_saturation_sat_count),
        .cdma_dat_rd_req_valid(cdma_dat_rd_req_valid), .cdma_dat_rd_req_ready(cdma_dat_rd_req_ready),
        .cdma_dat_rd_req_addr(cdma_dat_rd_req_addr), .cdma_dat_rd_req_len(cdma_dat_rd_req_len),
        .cdma_dat_rd_rsp_valid(cdma_dat_rd_rsp_valid), .cdma_dat_rd_rsp_ready(cdma_dat_rd_rsp_ready),
        .cdma_dat_rd_rsp_data(cdma_dat_rd_rsp_data), .cdma_wt_rd_req_valid(cdma_wt_rd_req_valid),
        .cdma_wt_rd_req_ready(cdma_wt_rd_req_ready), .cdma_wt_rd_req_addr(cdma_wt_rd_req_addr),
        .cdma_wt_rd_req_len(cdma_wt_rd_req_len), .cdma_wt_rd_rsp_valid(cdma_wt_rd_rsp_valid),
        .cdma_wt_rd_rsp_ready(cdma_wt_rd_rsp_ready), .cdma_wt_rd_rsp_data(cdma_wt_rd_rsp_data),
        .cacc2sdp_valid(cacc2sdp_valid), .cacc2sdp_ready(cacc2sdp_ready), .cacc2sdp_data(cacc2sdp_data));

    // ---------------- DMA ----------------
    nvs_dma u_dma (
        .clk(clk), .rstn(rstn),
        .sdp_mrdma_rd_req_valid(sdp_mrdma_rd_req_valid), .sdp_mrdma_rd_req_ready(sdp_mrdma_rd_req_ready), .sdp_mrdma_rd_req_addr(sdp_mrdma_rd_req_addr),
        .sdp_mrdma_rd_req_len(sdp_mrdma_rd_req_len), .sdp_mrdma_rd_rsp_valid(sdp_mrdma_rd_rsp_valid), .sdp_mrdma_rd_rsp_ready(sdp_mrdma_rd_rsp_ready),
        .sdp_mrdma_rd_rsp_data(sdp_mrdma_rd_rsp_data), .sdp_brdma_rd_req_valid(sdp_brdma_rd_req_valid), .sdp_brdma_rd_req_ready(sdp_brdma_rd_req_ready),
        .sdp_brdma_rd_req_addr(sdp_brdma_rd_req_addr), .sdp_brdma_rd_req_len(sdp_brdma_rd_req_len), .sdp_brdma_rd_rsp_valid(sdp_brdma_rd_rsp_valid),
        .sdp_brdma_rd_rsp_ready(sdp_brdma_rd_rsp_ready), .sdp_brdma_rd_rsp_data(sdp_brdma_rd_rsp_data), .sdp_nrdma_rd_req_valid(sdp_nrdma_rd_req_valid),
        .sdp_nrdma_rd_req_ready(sdp_nrdma_rd_req_ready), .sdp_nrdma_rd_req_addr(sdp_nrdma_rd_req_addr), .sdp_nrdma_rd_req_len(sdp_nrdma_rd_req_len),
        .sdp_nrdma_rd_rsp_valid(sdp_nrdma_rd_rsp_valid), .sdp_nrdma_rd_rsp_ready(sdp_nrdma_rd_rsp_ready), .sdp_nrdma_rd_rsp_data(sdp_nrdma_rd_rsp_data),
        .pdp_rdma_rd_req_valid(pdp_rdma_rd_req_valid), .pdp_rdma_rd_req_ready(pdp_rdma_rd_req_ready), .pdp_rdma_rd_req_addr(pdp_rdma_rd_req_addr),
        .pdp_rdma_rd_req_len(pdp_rdma_rd_req_len), .pdp_rdma_rd_rsp_valid(pdp_rdma_rd_rsp_valid), .pdp_rdma_rd_rsp_ready(pdp_rdma_rd_rsp_ready),
        .pdp_rdma_rd_rsp_data(pdp_rdma_rd_rsp_data), .cdp_rdma_rd_req_valid(cdp_rdma_rd_req_valid), .cdp_rdma_rd_req_ready(cdp_rdma_rd_req_ready),
        .cdp_rdma_rd_req_addr(cdp_rdma_rd_req_addr), .cdp_rdma_rd_req_len(cdp_rdma_rd_req_len), .cdp_rdma_rd_rsp_valid(cdp_rdma_rd_rsp_valid),
        .cdp_rdma_rd_rsp_ready(cdp_rdma_rd_rsp_ready), .cdp_rdma_rd_rsp_data(cdp_rdma_rd_rsp_data),
        .cdma_dat_rd_req_valid(cdma_dat_rd_req_valid), .cdma_dat_rd_req_ready(cdma_dat_rd_req_ready), .cdma_dat_rd_req_addr(cdma_dat_rd_req_addr),
        .cdma_dat_rd_req_len(cdma_dat_rd_req_len), .cdma_dat_rd_rsp_valid(cdma_dat_rd_rsp_valid), .cdma_dat_rd_rsp_ready(cdma_dat_rd_rsp_ready),
        .cdma_dat_rd_rsp_data(cdma_dat_rd_rsp_data), .cdma_wt_rd_req_valid(cdma_wt_rd_req_valid), .cdma_wt_rd_req_ready(cdma_wt_rd_req_ready),
        .cdma_wt_rd_req_addr(cdma_wt_rd_req_addr), .cdma_wt_rd_req_len(cdma_wt_rd_req_len), .cdma_wt_rd_rsp_valid(cdma_wt_rd_rsp_valid),
        .cdma_wt_rd_rsp_ready(cdma_wt_rd_rsp_ready), .cdma_wt_rd_rsp_data(cdma_wt_rd_rsp_data), .sdp_wdma_wr_req_valid(sdp_wdma_wr_req_valid),
        .sdp_wdma_wr_req_ready(sdp_wdma_wr_req_ready), .sdp_wdma_wr_req_addr(sdp_wdma_wr_req_addr), .sdp_wdma_wr_req_len(sdp_wdma_wr_req_len),
        .sdp_wdma_wr_dat_valid(sdp_wdma_wr_dat_valid), .sdp_wdma_wr_dat_ready(sdp_wdma_wr_dat_ready), .sdp_wdma_wr_dat_data(sdp_wdma_wr_dat_data),
        .sdp_wdma_wr_dat_mask(sdp_wdma_wr_dat_mask), .sdp_wdma_wr_ack(sdp_wdma_wr_ack), .pdp_wdma_wr_req_valid(pdp_wdma_wr_req_valid),
        .pdp_wdma_wr_req_ready(pdp_wdma_wr_req_ready), .pdp_wdma_wr_req_addr(pdp_wdma_wr_req_addr), .pdp_wdma_wr_req_len(pdp_wdma_wr_req_len),
        .pdp_wdma_wr_dat_valid(pdp_wdma_wr_dat_valid), .pdp_wdma_wr_dat_ready(pdp_wdma_wr_dat_ready), .pdp_wdma_wr_dat_data(pdp_wdma_wr_dat_data),
        .pdp_wdma_wr_dat_mask(pdp_wdma_wr_dat_mask), .pdp_wdma_wr_ack(pdp_wdma_wr_ack), .cdp_wdma_wr_req_valid(cdp_wdma_wr_req_valid),
        .cdp_wdma_wr_req_ready(cdp_wdma_wr_req_ready), .cdp_wdma_wr_req_addr(cdp_wdma_wr_req_addr), .cdp_wdma_wr_req_len(cdp_wdma_wr_req_len),
        .cdp_wdma_wr_dat_valid(cdp_wdma_wr_dat_valid), .cdp_wdma_wr_dat_ready(cdp_wdma_wr_dat_ready), .cdp_wdma_wr_dat_data(cdp_wdma_wr_dat_data),
        .cdp_wdma_wr_dat_mask(cdp_wdma_wr_dat_mask), .cdp_wdma_wr_ack(cdp_wdma_wr_ack), .aw_valid(nvdla_core2dbb_aw_awvalid),
        .aw_ready(nvdla_core2dbb_aw_awready), .aw_id(nvdla_core2dbb_aw_awid), .aw_len(nvdla_core2dbb_aw_awlen),
        .aw_addr(nvdla_core2dbb_aw_awaddr), .w_valid(nvdla_core2dbb_w_wvalid), .w_ready(nvdla_core2dbb_w_wready),
        .w_data(nvdla_core2dbb_w_wdata), .w_strb(nvdla_core2dbb_w_wstrb), .w_last(nvdla_core2dbb_w_wlast),
        .b_valid(nvdla_core2dbb_b_bvalid), .b_ready(nvdla_core2dbb_b_bready), .b_id(nvdla_core2dbb_b_bid),
        .ar_valid(nvdla_core2dbb_ar_arvalid), .ar_ready(nvdla_core2dbb_ar_arready), .ar_id(nvdla_core2dbb_ar_arid),
        .ar_len(nvdla_core2dbb_ar_arlen), .ar_addr(nvdla_core2dbb_ar_araddr), .r_valid(nvdla_core2dbb_r_rvalid),
        .r_ready(nvdla_core2dbb_r_rready), .r_id(nvdla_core2dbb_r_rid), .r_last(nvdla_core2dbb_r_rlast),
        .r_data(nvdla_core2dbb_r_rdata));
endmodule
