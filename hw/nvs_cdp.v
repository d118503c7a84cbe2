// nvs_cdp: Channel Data Processor (local response normalisation) engine for nv_small, INT8.
// CDP_RDMA (nvs_cube_rd, order y -> surface -> x) reads the cube, nvs_cdp_core computes the LRN per
// channel (input converter, channel-window square sum, LE/LO lookup, multiplier, output converter),
// and the WDMA (nvs_cube_wr, same order) writes the result through CDP's D_DST_* strides.
// The cube dimensions are CDP_RDMA's (CDP itself has no size registers).
// Start: CDP and CDP_RDMA op_en both set with the engine idle; both op_done pulse when the last
// write is acked.
module nvs_cdp (
    input  wire        clk,
    input  wire        rstn,
    input  wire        cdp_op_en,
    output wire        cdp_op_done,
    input  wire        cdp_rdma_op_en,
    output wire        cdp_rdma_op_done,
    // CDP_RDMA registers (consumer group)
    input  wire [12:0] cdp_rdma_d_data_cube_width_width,
    input  wire [12:0] cdp_rdma_d_data_cube_height_height,
    input  wire [12:0] cdp_rdma_d_data_cube_channel_channel,
    input  wire [31:0] cdp_rdma_d_src_base_addr_low_src_base_addr_low,
    input  wire [31:0] cdp_rdma_d_src_line_stride_src_line_stride,
    input  wire [31:0] cdp_rdma_d_src_surface_stride_src_surface_stride,
    // CDP registers (consumer group + single S_LUT_* registers)
    input  wire [1:0]  cdp_d_lrn_cfg_normalz_len,
    input  wire        cdp_d_func_bypass_sqsum_bypass,
    input  wire        cdp_d_func_bypass_mul_bypass,
    input  wire [15:0] cdp_d_datin_offset_datin_offset,
    input  wire [15:0] cdp_d_datin_scale_datin_scale,
    input  wire [4:0]  cdp_d_datin_shifter_datin_shifter,
    input  wire [31:0] cdp_d_datout_offset_datout_offset,
    input  wire [15:0] cdp_d_datout_scale_datout_scale,
    input  wire [5:0]  cdp_d_datout_shifter_datout_shifter,
    input  wire [31:0] cdp_d_dst_base_addr_low_dst_base_addr_low,
    input  wire [31:0] cdp_d_dst_line_stride_dst_line_stride,
    input  wire [31:0] cdp_d_dst_surface_stride_dst_surface_stride,
    input  wire        cdp_s_lut_cfg_lut_le_function,
    input  wire        cdp_s_lut_cfg_lut_uflow_priority,
    input  wire        cdp_s_lut_cfg_lut_oflow_priority,
    input  wire        cdp_s_lut_cfg_lut_hybrid_priority,
    input  wire [7:0]  cdp_s_lut_info_lut_le_index_offset,
    input  wire [7:0]  cdp_s_lut_info_lut_le_index_select,
    input  wire [7:0]  cdp_s_lut_info_lut_lo_index_select,
    input  wire [31:0] cdp_s_lut_le_start_low_lut_le_start_low,
    input  wire [5:0]  cdp_s_lut_le_start_high_lut_le_start_high,
    input  wire [31:0] cdp_s_lut_le_end_low_lut_le_end_low,
    input  wire [5:0]  cdp_s_lut_le_end_high_lut_le_end_high,
    input  wire [31:0] cdp_s_lut_lo_start_low_lut_lo_start_low,
    input  wire [5:0]  cdp_s_lut_lo_start_high_lut_lo_start_high,
    input  wire [31:0] cdp_s_lut_lo_end_low_lut_lo_end_low,
    input  wire [5:0]  cdp_s_lut_lo_end_high_lut_lo_end_high,
    input  wire [15:0] cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale,
    input  wire [15:0] cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale,
    input  wire [4:0]  cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift,
    input  wire [4:0]  cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift,
    input  wire [15:0] cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale,
    input  wire [15:0] cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale,
    input  wire [4:0]  cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift,
    input  wire [4:0]  cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift,
    input  wire [1039:0] cdp_lut_le_table,
    input  wire [4111:0] cdp_lut_lo_table,
    output wire [31:0] cdp_d_out_saturation_out_saturation,
    // DMA read client cdp_rdma
    output wire        cdp_rdma_rd_req_valid,
    input  wire        cdp_rdma_rd_req_ready,
    output wire [31:0] cdp_rdma_rd_req_addr,
    output wire [3:0]  cdp_rdma_rd_req_len,
    input  wire        cdp_rdma_rd_rsp_valid,
    output wire        cdp_rdma_rd_rsp_ready,
    input  wire [63:0] cdp_rdma_rd_rsp_data,
    // DMA write client cdp_wdma
    output wire        cdp_wdma_wr_req_valid,
    input  wire        cdp_wdma_wr_req_ready,
    output wire [31:0] cdp_wdma_wr_req_addr,
    output wire [3:0]  cdp_wdma_wr_req_len,
    output wire        cdp_wdma_wr_dat_valid,
    input  wire        cdp_wdma_wr_dat_ready,
    output wire [63:0] cdp_wdma_wr_dat_data,
    output wire [7:0]  cdp_wdma_wr_dat_mask,
    input  wire        cdp_wdma_wr_ack
);
    reg        running;
    reg  [1:0] cool;                         // idle cycles after done, so op_en has time to drop
    wire       wr_done;
    wire       start = !running && (cool == 2'd0) && cdp_op_en && cdp_rdma_op_en;
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            running <= 1'b0; cool <= 2'd0;
        end else begin
            if (start) running <= 1'b1;
            else if (wr_done) begin running <= 1'b0; cool <= 2'd3; end
            else if (cool != 2'd0) cool <= cool - 2'd1;
        end
    end
    assign cdp_op_done      = wr_done;
    assign cdp_rdma_op_done = wr_done;

    // column chunks of CHUNK pixels (the core's line buffer size): W = w_first + (n-2)*CHUNK + w_last
    localparam CHUNK_B = 6;                  // 64 pixels
    wire [12:0] w_m1    = cdp_rdma_d_data_cube_width_width;
    wire [7:0]  nchunk1 = {1'b0, w_m1[12:CHUNK_B]};
    wire [13:0] w_chunk = 14'd1 << CHUNK_B;
    wire [13:0] w_first = (nchunk1 == 8'd0) ? ({1'b0, w_m1} + 14'd1) : w_chunk;
    wire [13:0] w_last  = {8'd0, w_m1[CHUNK_B-1:0]} + 14'd1;
    wire [9:0]  nsurf1 = cdp_rdma_d_data_cube_channel_channel[12:3];

    wire        rd_busy, rd_valid, rd_ready;
    wire [63:0] rd_data;
    nvs_cube_rd #(.FAW(6)) u_rdma (
        .clk(clk), .rstn(rstn), .start(start), .busy(rd_busy),
        .base(cdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .line_stride(cdp_rdma_d_src_line_stride_src_line_stride),
        .surf_stride(cdp_rdma_d_src_surface_stride_src_surface_stride),
        .n_surf_m1(nsurf1), .h_m1(cdp_rdma_d_data_cube_height_height),
        .order_ys(1'b1), .seg_num(nchunk1), .w_first(w_first), .w_mid(w_chunk), .w_last(w_last), .ov(6'sd0),
        .rd_req_valid(cdp_rdma_rd_req_valid), .rd_req_ready(cdp_rdma_rd_req_ready),
        .rd_req_addr(cdp_rdma_rd_req_addr), .rd_req_len(cdp_rdma_rd_req_len),
        .rd_rsp_valid(cdp_rdma_rd_rsp_valid), .rd_rsp_ready(cdp_rdma_rd_rsp_ready),
        .rd_rsp_data(cdp_rdma_rd_rsp_data),
        .out_valid(rd_valid), .out_ready(rd_ready), .out_data(rd_data)
    );

    wire        core_busy, o_valid, o_ready;
    wire [63:0] o_data;
    nvs_cdp_core #(.WB(CHUNK_B)) u_core (
        .clk(clk), .rstn(rstn), .start(start), .busy(core_busy),
        .seg_num(nchunk1), .w_first(w_first), .w_mid(w_chunk), .w_last(w_last),
        .h_m1(cdp_rdma_d_data_cube_height_height),
        .c_m1(cdp_rdma_d_data_cube_channel_channel),
        .normalz_len(cdp_d_lrn_cfg_normalz_len),
        .sqsum_bypass(cdp_d_func_bypass_sqsum_bypass), .mul_bypass(cdp_d_func_bypass_mul_bypass),
        .datin_offset(cdp_d_datin_offset_datin_offset), .datin_scale(cdp_d_datin_scale_datin_scale),
        .datin_shifter(cdp_d_datin_shifter_datin_shifter),
        .datout_offset(cdp_d_datout_offset_datout_offset), .datout_scale(cdp_d_datout_scale_datout_scale),
        .datout_shifter(cdp_d_datout_shifter_datout_shifter),
        .le_table(cdp_lut_le_table), .lo_table(cdp_lut_lo_table),
        .le_function(cdp_s_lut_cfg_lut_le_function),
        .uflow_priority(cdp_s_lut_cfg_lut_uflow_priority), .oflow_priority(cdp_s_lut_cfg_lut_oflow_priority),
        .hybrid_priority(cdp_s_lut_cfg_lut_hybrid_priority),
        .le_index_offset(cdp_s_lut_info_lut_le_index_offset),
        // the index selects are 8-bit fields of which the low 6 bits form a signed value
        .le_index_select(cdp_s_lut_info_lut_le_index_select[5:0]),
        .lo_index_select(cdp_s_lut_info_lut_lo_index_select[5:0]),
        .le_start({cdp_s_lut_le_start_high_lut_le_start_high, cdp_s_lut_le_start_low_lut_le_start_low}),
        .le_end({cdp_s_lut_le_end_high_lut_le_end_high, cdp_s_lut_le_end_low_lut_le_end_low}),
        .lo_start({cdp_s_lut_lo_start_high_lut_lo_start_high, cdp_s_lut_lo_start_low_lut_lo_start_low}),
        .lo_end({cdp_s_lut_lo_end_high_lut_lo_end_high, cdp_s_lut_lo_end_low_lut_lo_end_low}),
        .le_uflow_scale(cdp_s_lut_le_slope_scale_lut_le_slope_uflow_scale),
        .le_oflow_scale(cdp_s_lut_le_slope_scale_lut_le_slope_oflow_scale),
        .lo_uflow_scale(cdp_s_lut_lo_slope_scale_lut_lo_slope_uflow_scale),
        .lo_oflow_scale(cdp_s_lut_lo_slope_scale_lut_lo_slope_oflow_scale),
        .le_uflow_shift(cdp_s_lut_le_slope_shift_lut_le_slope_uflow_shift),
        .le_oflow_shift(cdp_s_lut_le_slope_shift_lut_le_slope_oflow_shift),
        .lo_uflow_shift(cdp_s_lut_lo_slope_shift_lut_lo_slope_uflow_shift),
        .lo_oflow_shift(cdp_s_lut_lo_slope_shift_lut_lo_slope_oflow_shift),
        .sat_count(cdp_d_out_saturation_out_saturation),
        .in_valid(rd_valid), .in_ready(rd_ready), .in_data(rd_data),
        .out_valid(o_valid), .out_ready(o_ready), .out_data(o_data)
    );

    nvs_cube_wr #(.FAW(5)) u_wdma (
        .clk(clk), .rstn(rstn), .start(start), .done(wr_done),
        .base(cdp_d_dst_base_addr_low_dst_base_addr_low),
        .line_stride(cdp_d_dst_line_stride_dst_line_stride),
        .surf_stride(cdp_d_dst_surface_stride_dst_surface_stride),
        .n_surf_m1(nsurf1), .h_m1(cdp_rdma_d_data_cube_height_height),
        .order_ys(1'b1), .seg_num(nchunk1), .w_first(w_first), .w_mid(w_chunk), .w_last(w_last),
        .in_valid(o_valid), .in_ready(o_ready), .in_data(o_data),
        .wr_req_valid(cdp_wdma_wr_req_valid), .wr_req_ready(cdp_wdma_wr_req_ready),
        .wr_req_addr(cdp_wdma_wr_req_addr), .wr_req_len(cdp_wdma_wr_req_len),
        .wr_dat_valid(cdp_wdma_wr_dat_valid), .wr_dat_ready(cdp_wdma_wr_dat_ready),
        .wr_dat_data(cdp_wdma_wr_dat_data), .wr_dat_mask(cdp_wdma_wr_dat_mask),
        .wr_ack(cdp_wdma_wr_ack)
    );
    // informational busy flags; the index-select fields' upper 2 bits are not part of the value
    wire unused_ok = &{1'b0, rd_busy, core_busy, cdp_s_lut_info_lut_le_index_select[7:6],
                       cdp_s_lut_info_lut_lo_index_select[7:6]};
endmodule
