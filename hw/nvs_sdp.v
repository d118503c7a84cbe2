// nvs_sdp: the SDP engine of nvsmall_top (nv_small: BS = X1 and BN = X2 stages, no EW/LUT).
//   MRDMA  reads the int8 input cube (memory mode) one 8-channel atom per beat,
//   BRDMA / NRDMA read the BS / BN operands (PER_KERNEL or PER_ELEMENT, ONE/TWO_BYTE, MUL/ALU/BOTH),
//   the datapath processes one atom (8 lanes) per cycle: in -> [BS] -> [BN] -> output converter,
//   WDMA writes the int8 output cube, or the atoms go to PDP on the fly (OUTPUT_DST = PDP).
// Processing order: surface (8 channels) -> line -> pixel. Channels >= C in the last surface are
// processed like the others (from whatever the input bytes are) and written as whole atoms.
// Start: SDP OP_EN and SDP_RDMA OP_EN both armed (memory mode). Done: the last write acked (or the
// last atom taken by PDP); then op_done pulses for SDP and SDP_RDMA together.
// Flying input (D_FEATURE_MODE_CFG.FLYING_MODE = 1): the atoms come from CACC (cacc2sdp_*, 8 int32
// lanes per atom, in the same surface -> line -> pixel order) instead of MRDMA; SDP_RDMA is then
// needed (and its op_done pulsed) only when BRDMA or NRDMA is enabled, as the golden model has it.
// Not supported: EW (absent in nv_small).
// Settings nv_small leaves undefined (the golden model refuses them: model/sdp.py check_rdma_cube,
// check_rdma_mode, check_ram; NVIDIA's RTL hangs, writes other bytes, or ends and hangs the next
// operation), as this RTL handles them (measured, Verilator):
//   - SDP_RDMA's width, height or channel atoms differing from SDP's: MRDMA (and a PER_ELEMENT
//     B/N RDMA) reads SDP_RDMA's cube, the datapath and WDMA process SDP's atom count from that
//     stream in order: a shorter stream hangs the layer (the testbench's idle watchdog ends it); a
//     longer one ends with shifted data when the surplus is small (3x3x33: one line or column of
//     5 surfaces) and hangs when it is not (23x13x42: 2 columns, or SDP CHANNEL 7 of 41).
//     Channels in the same 8-channel atoms: the model's bytes (the low 3 bits are unused).
//   - SDP_RDMA.D_FEATURE_MODE_CFG (FLYING_MODE, precisions, WINOGRAD, BATCH_NUMBER): not an input,
//     ignored: the input source is SDP's FLYING_MODE, the data int8.
//   - SRC/DST/BRDMA/NRDMA RAM type 0 (CV SRAM, which nv_small lacks): not inputs, ignored (memory
//     through the DBB port as with MC).
module nvs_sdp (
    input  wire        clk,
    input  wire        rstn,
    input  wire        sdp_op_en,
    output wire        sdp_op_done,
    input  wire        sdp_rdma_op_en,
    output wire        sdp_rdma_op_done,
    // SDP_RDMA config (consumer group)
    input  wire [12:0] sdp_rdma_d_data_cube_width_width,
    input  wire [12:0] sdp_rdma_d_data_cube_height_height,
    input  wire [12:0] sdp_rdma_d_data_cube_channel_channel,
    input  wire [31:0] sdp_rdma_d_src_base_addr_low_src_base_addr_low,
    input  wire [31:0] sdp_rdma_d_src_line_stride_src_line_stride,
    input  wire [31:0] sdp_rdma_d_src_surface_stride_src_surface_stride,
    input  wire        sdp_rdma_d_brdma_cfg_brdma_disable,
    input  wire [1:0]  sdp_rdma_d_brdma_cfg_brdma_data_use,
    input  wire        sdp_rdma_d_brdma_cfg_brdma_data_size,
    input  wire        sdp_rdma_d_brdma_cfg_brdma_data_mode,
    input  wire [31:0] sdp_rdma_d_bs_base_addr_low_bs_base_addr_low,
    input  wire [31:0] sdp_rdma_d_bs_line_stride_bs_line_stride,
    input  wire [31:0] sdp_rdma_d_bs_surface_stride_bs_surface_stride,
    input  wire        sdp_rdma_d_nrdma_cfg_nrdma_disable,
    input  wire [1:0]  sdp_rdma_d_nrdma_cfg_nrdma_data_use,
    input  wire        sdp_rdma_d_nrdma_cfg_nrdma_data_size,
    input  wire        sdp_rdma_d_nrdma_cfg_nrdma_data_mode,
    input  wire [31:0] sdp_rdma_d_bn_base_addr_low_bn_base_addr_low,
    input  wire [31:0] sdp_rdma_d_bn_line_stride_bn_line_stride,
    input  wire [31:0] sdp_rdma_d_bn_surface_stride_bn_surface_stride,
    // SDP config (consumer group)
    input  wire [12:0] sdp_d_data_cube_width_width,
    input  wire [12:0] sdp_d_data_cube_height_height,
    input  wire [12:0] sdp_d_data_cube_channel_channel,
    input  wire [31:0] sdp_d_dst_base_addr_low_dst_base_addr_low,
    input  wire [31:0] sdp_d_dst_line_stride_dst_line_stride,
    input  wire [31:0] sdp_d_dst_surface_stride_dst_surface_stride,
    input  wire        sdp_d_dp_bs_cfg_bs_bypass,
    input  wire        sdp_d_dp_bs_cfg_bs_alu_bypass,
    input  wire [1:0]  sdp_d_dp_bs_cfg_bs_alu_algo,
    input  wire        sdp_d_dp_bs_cfg_bs_mul_bypass,
    input  wire        sdp_d_dp_bs_cfg_bs_mul_prelu,
    input  wire        sdp_d_dp_bs_cfg_bs_relu_bypass,
    input  wire        sdp_d_dp_bs_alu_cfg_bs_alu_src,
    input  wire [5:0]  sdp_d_dp_bs_alu_cfg_bs_alu_shift_value,
    input  wire [15:0] sdp_d_dp_bs_alu_src_value_bs_alu_operand,
    input  wire        sdp_d_dp_bs_mul_cfg_bs_mul_src,
    input  wire [7:0]  sdp_d_dp_bs_mul_cfg_bs_mul_shift_value,
    input  wire [15:0] sdp_d_dp_bs_mul_src_value_bs_mul_operand,
    input  wire        sdp_d_dp_bn_cfg_bn_bypass,
    input  wire        sdp_d_dp_bn_cfg_bn_alu_bypass,
    input  wire [1:0]  sdp_d_dp_bn_cfg_bn_alu_algo,
    input  wire        sdp_d_dp_bn_cfg_bn_mul_bypass,
    input  wire        sdp_d_dp_bn_cfg_bn_mul_prelu,
    input  wire        sdp_d_dp_bn_cfg_bn_relu_bypass,
    input  wire        sdp_d_dp_bn_alu_cfg_bn_alu_src,
    input  wire [5:0]  sdp_d_dp_bn_alu_cfg_bn_alu_shift_value,
    input  wire [15:0] sdp_d_dp_bn_alu_src_value_bn_alu_operand,
    input  wire        sdp_d_dp_bn_mul_cfg_bn_mul_src,
    input  wire [7:0]  sdp_d_dp_bn_mul_cfg_bn_mul_shift_value,
    input  wire [15:0] sdp_d_dp_bn_mul_src_value_bn_mul_operand,
    input  wire        sdp_d_feature_mode_cfg_output_dst,
    input  wire        sdp_d_feature_mode_cfg_flying_mode,
    input  wire [31:0] sdp_d_cvt_offset_cvt_offset,
    input  wire [15:0] sdp_d_cvt_scale_cvt_scale,
    input  wire [5:0]  sdp_d_cvt_shift_cvt_shift,
    // DMA clients
    output wire        sdp_mrdma_rd_req_valid,
    input  wire        sdp_mrdma_rd_req_ready,
    output wire [31:0] sdp_mrdma_rd_req_addr,
    output wire [3:0]  sdp_mrdma_rd_req_len,
    input  wire        sdp_mrdma_rd_rsp_valid,
    output wire        sdp_mrdma_rd_rsp_ready,
    input  wire [63:0] sdp_mrdma_rd_rsp_data,
    output wire        sdp_brdma_rd_req_valid,
    input  wire        sdp_brdma_rd_req_ready,
    output wire [31:0] sdp_brdma_rd_req_addr,
    output wire [3:0]  sdp_brdma_rd_req_len,
    input  wire        sdp_brdma_rd_rsp_valid,
    output wire        sdp_brdma_rd_rsp_ready,
    input  wire [63:0] sdp_brdma_rd_rsp_data,
    output wire        sdp_nrdma_rd_req_valid,
    input  wire        sdp_nrdma_rd_req_ready,
    output wire [31:0] sdp_nrdma_rd_req_addr,
    output wire [3:0]  sdp_nrdma_rd_req_len,
    input  wire        sdp_nrdma_rd_rsp_valid,
    output wire        sdp_nrdma_rd_rsp_ready,
    input  wire [63:0] sdp_nrdma_rd_rsp_data,
    output wire        sdp_wdma_wr_req_valid,
    input  wire        sdp_wdma_wr_req_ready,
    output wire [31:0] sdp_wdma_wr_req_addr,
    output wire [3:0]  sdp_wdma_wr_req_len,
    output wire        sdp_wdma_wr_dat_valid,
    input  wire        sdp_wdma_wr_dat_ready,
    output wire [63:0] sdp_wdma_wr_dat_data,
    output wire [7:0]  sdp_wdma_wr_dat_mask,
    input  wire        sdp_wdma_wr_ack,
    // on-the-fly output to PDP
    output wire        sdp2pdp_valid,
    input  wire        sdp2pdp_ready,
    output wire [63:0] sdp2pdp_data,
    // on-the-fly input from CACC
    input  wire         cacc2sdp_valid,
    output wire         cacc2sdp_ready,
    input  wire [255:0] cacc2sdp_data
);
    // ---------------- control ----------------
    localparam IDLE = 2'd0, RUN = 2'd1, DONE = 2'd2;
    reg [1:0] state;
    wire flying = sdp_d_feature_mode_cfg_flying_mode;
    wire need_rdma = !flying || !sdp_rdma_d_brdma_cfg_brdma_disable || !sdp_rdma_d_nrdma_cfg_nrdma_disable;
    wire start = (state == IDLE) && sdp_op_en && (!need_rdma || sdp_rdma_op_en);
    reg  rdma_used;                    // SDP_RDMA's group takes part in this operation
    // cube geometry (registers hold size - 1)
    wire [13:0] w_in  = {1'b0, sdp_rdma_d_data_cube_width_width} + 14'd1;
    wire [13:0] h_in  = {1'b0, sdp_rdma_d_data_cube_height_height} + 14'd1;
    wire [13:0] s_in  = {4'd0, sdp_rdma_d_data_cube_channel_channel[12:3]} + 14'd1;   // surfaces of 8 ch
    wire [13:0] w_out = {1'b0, sdp_d_data_cube_width_width} + 14'd1;
    wire [13:0] h_out = {1'b0, sdp_d_data_cube_height_height} + 14'd1;
    wire [13:0] s_out = {4'd0, sdp_d_data_cube_channel_channel[12:3]} + 14'd1;
    wire [39:0] atoms = {26'd0, s_out} * {26'd0, h_out} * {26'd0, w_out};       // output atoms
    wire [27:0] hw_in = {14'd0, h_in} * {14'd0, w_in};                           // pixels per surface
    // low channel bits only matter within the last atom; MUL shift uses its low 6 bits
    wire unused_bits = ^{sdp_rdma_d_data_cube_channel_channel[2:0], sdp_d_data_cube_channel_channel[2:0],
                         sdp_d_dp_bs_mul_cfg_bs_mul_shift_value[7:6], sdp_d_dp_bn_mul_cfg_bn_mul_shift_value[7:6]};
    wire to_pdp = sdp_d_feature_mode_cfg_output_dst;
    // 1x1 pack mode (W = H = 1): the surfaces are moved as one contiguous block (the surface
    // strides are ignored), for MRDMA, WDMA and the PER_ELEMENT operand reads
    wire pack_in  = (w_in == 14'd1) && (h_in == 14'd1);
    wire pack_out = (w_out == 14'd1) && (h_out == 14'd1);

    // ---------------- MRDMA: input cube ----------------
    wire mr_busy;
    nvs_sdp_walk u_mr_walk (
        .clk(clk), .rstn(rstn), .start(start && !flying),
        .base(sdp_rdma_d_src_base_addr_low_src_base_addr_low),
        .line_stride(sdp_rdma_d_src_line_stride_src_line_stride),
        .surf_stride(sdp_rdma_d_src_surface_stride_src_surface_stride),
        .line_beats({2'd0, pack_in ? s_in : w_in}), .lines(pack_in ? 14'd1 : h_in), .surfs(pack_in ? 14'd1 : s_in),
        .req_valid(sdp_mrdma_rd_req_valid), .req_ready(sdp_mrdma_rd_req_ready),
        .req_addr(sdp_mrdma_rd_req_addr), .req_len(sdp_mrdma_rd_req_len), .busy(mr_busy));

    // ---------------- BRDMA / NRDMA: operands ----------------
    // bytes per element k = (BOTH ? 2 : 1) * (TWO_BYTE ? 2 : 1); one atom of operands = k beats
    wire       b_en = !sdp_rdma_d_brdma_cfg_brdma_disable;
    wire       n_en = !sdp_rdma_d_nrdma_cfg_nrdma_disable;
    wire [2:0] b_k = (sdp_rdma_d_brdma_cfg_brdma_data_use == 2'd2)
                     ? (sdp_rdma_d_brdma_cfg_brdma_data_size ? 3'd4 : 3'd2)
                     : (sdp_rdma_d_brdma_cfg_brdma_data_size ? 3'd2 : 3'd1);
    wire [2:0] n_k = (sdp_rdma_d_nrdma_cfg_nrdma_data_use == 2'd2)
                     ? (sdp_rdma_d_nrdma_cfg_nrdma_data_size ? 3'd4 : 3'd2)
                     : (sdp_rdma_d_nrdma_cfg_nrdma_data_size ? 3'd2 : 3'd1);
    // PER_KERNEL (mode 0): one contiguous array, k beats per surface, each vector used H*W times;
    // PER_ELEMENT (mode 1): a cube with k beats per pixel (read like PER_KERNEL in 1x1 pack mode)
    wire b_pe = sdp_rdma_d_brdma_cfg_brdma_data_mode && !pack_in;
    wire n_pe = sdp_rdma_d_nrdma_cfg_nrdma_data_mode && !pack_in;
    wire [15:0] b_beats = b_pe ? {2'd0, w_in} * {13'd0, b_k} : {2'd0, s_in} * {13'd0, b_k};
    wire [15:0] n_beats = n_pe ? {2'd0, w_in} * {13'd0, n_k} : {2'd0, s_in} * {13'd0, n_k};
    wire b_busy, n_busy;
    wire b_req_valid, n_req_valid;
    nvs_sdp_walk u_b_walk (
        .clk(clk), .rstn(rstn), .start(start && b_en),
        .base(sdp_rdma_d_bs_base_addr_low_bs_base_addr_low),
        .line_stride(sdp_rdma_d_bs_line_stride_bs_line_stride),
        .surf_stride(sdp_rdma_d_bs_surface_stride_bs_surface_stride),
        .line_beats(b_beats), .lines(b_pe ? h_in : 14'd1), .surfs(b_pe ? s_in : 14'd1),
        .req_valid(b_req_valid), .req_ready(sdp_brdma_rd_req_ready),
        .req_addr(sdp_brdma_rd_req_addr), .req_len(sdp_brdma_rd_req_len), .busy(b_busy));
    nvs_sdp_walk u_n_walk (
        .clk(clk), .rstn(rstn), .start(start && n_en),
        .base(sdp_rdma_d_bn_base_addr_low_bn_base_addr_low),
        .line_stride(sdp_rdma_d_bn_line_stride_bn_line_stride),
        .surf_stride(sdp_rdma_d_bn_surface_stride_bn_surface_stride),
        .line_beats(n_beats), .lines(n_pe ? h_in : 14'd1), .surfs(n_pe ? s_in : 14'd1),
        .req_valid(n_req_valid), .req_ready(sdp_nrdma_rd_req_ready),
        .req_addr(sdp_nrdma_rd_req_addr), .req_len(sdp_nrdma_rd_req_len), .busy(n_busy));
    assign sdp_brdma_rd_req_valid = b_req_valid;
    assign sdp_nrdma_rd_req_valid = n_req_valid;
    wire b_vvalid, n_vvalid, fire;
    wire [127:0] b_alu, b_mul, n_alu, n_mul;
    nvs_sdp_opnd u_b_opnd (
        .clk(clk), .rstn(rstn), .clear(start),
        .data_use(sdp_rdma_d_brdma_cfg_brdma_data_use), .two_byte(sdp_rdma_d_brdma_cfg_brdma_data_size),
        .k(b_k), .rep(b_pe ? 28'd1 : hw_in),
        .rsp_valid(sdp_brdma_rd_rsp_valid), .rsp_ready(sdp_brdma_rd_rsp_ready), .rsp_data(sdp_brdma_rd_rsp_data),
        .vec_valid(b_vvalid), .vec_pop(fire && b_en), .alu_ops(b_alu), .mul_ops(b_mul));
    nvs_sdp_opnd u_n_opnd (
        .clk(clk), .rstn(rstn), .clear(start),
        .data_use(sdp_rdma_d_nrdma_cfg_nrdma_data_use), .two_byte(sdp_rdma_d_nrdma_cfg_nrdma_data_size),
        .k(n_k), .rep(n_pe ? 28'd1 : hw_in),
        .rsp_valid(sdp_nrdma_rd_rsp_valid), .rsp_ready(sdp_nrdma_rd_rsp_ready), .rsp_data(sdp_nrdma_rd_rsp_data),
        .vec_valid(n_vvalid), .vec_pop(fire && n_en), .alu_ops(n_alu), .mul_ops(n_mul));

    // ---------------- datapath: one atom per cycle ----------------
    reg         o_valid;
    reg  [63:0] o_data;
    wire        o_ready;
    wire        o_take = o_valid && o_ready;
    wire        in_v = flying ? cacc2sdp_valid : sdp_mrdma_rd_rsp_valid;
    wire        in_ok = in_v && (!b_en || b_vvalid) && (!n_en || n_vvalid);
    assign fire = (state == RUN) && in_ok && (!o_valid || o_ready);
    assign sdp_mrdma_rd_rsp_ready = fire && !flying;
    assign cacc2sdp_ready = fire && flying;
    wire [63:0] lane_out;
    genvar gi;
    generate
        for (gi = 0; gi < 8; gi = gi + 1) begin : g_lane
            // memory-mode input: int8 sign-extended to int32; flying input: CACC's int32
            wire [7:0]  x8 = sdp_mrdma_rd_rsp_data[8*gi +: 8];
            wire [31:0] d0 = flying ? cacc2sdp_data[32*gi +: 32] : {{24{x8[7]}}, x8};
            wire [31:0] d1, d2;
            nvs_sdp_x u_bs (
                .d(d0),
                .alu_bypass(sdp_d_dp_bs_cfg_bs_alu_bypass), .alu_algo(sdp_d_dp_bs_cfg_bs_alu_algo),
                .alu_op(sdp_d_dp_bs_alu_cfg_bs_alu_src ? b_alu[16*gi +: 16] : sdp_d_dp_bs_alu_src_value_bs_alu_operand),
                .alu_shift(sdp_d_dp_bs_alu_cfg_bs_alu_shift_value),
                .mul_bypass(sdp_d_dp_bs_cfg_bs_mul_bypass), .mul_prelu(sdp_d_dp_bs_cfg_bs_mul_prelu),
                .mul_op(sdp_d_dp_bs_mul_cfg_bs_mul_src ? b_mul[16*gi +: 16] : sdp_d_dp_bs_mul_src_value_bs_mul_operand),
                .mul_shift(sdp_d_dp_bs_mul_cfg_bs_mul_shift_value[5:0]),
                .relu_bypass(sdp_d_dp_bs_cfg_bs_relu_bypass), .t(d1));
            wire [31:0] x1 = sdp_d_dp_bs_cfg_bs_bypass ? d0 : d1;
            nvs_sdp_x u_bn (
                .d(x1),
                .alu_bypass(sdp_d_dp_bn_cfg_bn_alu_bypass), .alu_algo(sdp_d_dp_bn_cfg_bn_alu_algo),
                .alu_op(sdp_d_dp_bn_alu_cfg_bn_alu_src ? n_alu[16*gi +: 16] : sdp_d_dp_bn_alu_src_value_bn_alu_operand),
                .alu_shift(sdp_d_dp_bn_alu_cfg_bn_alu_shift_value),
                .mul_bypass(sdp_d_dp_bn_cfg_bn_mul_bypass), .mul_prelu(sdp_d_dp_bn_cfg_bn_mul_prelu),
                .mul_op(sdp_d_dp_bn_mul_cfg_bn_mul_src ? n_mul[16*gi +: 16] : sdp_d_dp_bn_mul_src_value_bn_mul_operand),
                .mul_shift(sdp_d_dp_bn_mul_cfg_bn_mul_shift_value[5:0]),
                .relu_bypass(sdp_d_dp_bn_cfg_bn_relu_bypass), .t(d2));
            wire [31:0] x2 = sdp_d_dp_bn_cfg_bn_bypass ? x1 : d2;
            wire unused_cvt_sat;
            nvs_sdp_cvt u_cvt (
                .d(x2), .offset(sdp_d_cvt_offset_cvt_offset), .scale(sdp_d_cvt_scale_cvt_scale),
                .shift(sdp_d_cvt_shift_cvt_shift), .out(lane_out[8*gi +: 8]), .sat(unused_cvt_sat));
        end
    endgenerate
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            o_valid <= 1'b0;
            o_data <= 64'd0;
        end else if (fire) begin
            o_valid <= 1'b1;
            o_data <= lane_out;
        end else if (o_take) begin
            o_valid <= 1'b0;
        end
    end

    // ---------------- WDMA / PDP output ----------------
    wire w_busy;
    nvs_sdp_walk u_w_walk (
        .clk(clk), .rstn(rstn), .start(start && !to_pdp),
        .base(sdp_d_dst_base_addr_low_dst_base_addr_low),
        .line_stride(sdp_d_dst_line_stride_dst_line_stride),
        .surf_stride(sdp_d_dst_surface_stride_dst_surface_stride),
        .line_beats({2'd0, pack_out ? s_out : w_out}), .lines(pack_out ? 14'd1 : h_out), .surfs(pack_out ? 14'd1 : s_out),
        .req_valid(sdp_wdma_wr_req_valid), .req_ready(sdp_wdma_wr_req_ready),
        .req_addr(sdp_wdma_wr_req_addr), .req_len(sdp_wdma_wr_req_len), .busy(w_busy));
    assign sdp_wdma_wr_dat_valid = o_valid && !to_pdp;
    assign sdp_wdma_wr_dat_data = o_data;
    assign sdp_wdma_wr_dat_mask = 8'hff;
    assign sdp2pdp_valid = o_valid && to_pdp;
    assign sdp2pdp_data = o_data;
    assign o_ready = to_pdp ? sdp2pdp_ready : sdp_wdma_wr_dat_ready;

    // ---------------- completion ----------------
    reg [39:0] sent;          // atoms delivered to WDMA / PDP
    reg [31:0] wreqs, acks;   // write requests issued / acknowledged
    wire wreq_fire = sdp_wdma_wr_req_valid && sdp_wdma_wr_req_ready;
    wire all_sent = (sent == atoms);
    wire finished = all_sent && (to_pdp || (!w_busy && acks == wreqs))
                    && !mr_busy && !b_busy && !n_busy;
    assign sdp_op_done = (state == DONE);
    assign sdp_rdma_op_done = (state == DONE) && rdma_used;
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            state <= IDLE;
            rdma_used <= 1'b0;
            sent <= 40'd0;
            wreqs <= 32'd0;
            acks <= 32'd0;
        end else begin
            case (state)
                IDLE: if (start) begin
                    state <= RUN;
                    rdma_used <= need_rdma;
                    sent <= 40'd0;
                    wreqs <= 32'd0;
                    acks <= 32'd0;
                end
                RUN: begin
                    if (o_take) sent <= sent + 40'd1;
                    if (wreq_fire) wreqs <= wreqs + 32'd1;
                    if (sdp_wdma_wr_ack) acks <= acks + 32'd1;
                    if (finished) state <= DONE;
                end
                default: state <= IDLE;     // DONE: one-cycle op_done pulse
            endcase
        end
    end
endmodule
