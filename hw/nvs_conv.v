// nvs_conv: the convolution pipeline of our nv_small, CDMA -> CBUF -> CSC -> CMAC -> CACC, with
// CACC's output streamed to SDP (flying input, SDP.D_FEATURE_MODE_CFG.FLYING_MODE = 1).
// Start: CDMA, CSC, CMAC_A, CMAC_B and CACC all have OP_EN set in their consumer groups. The units
// keep their groups for the whole layer; when the last atom has gone to SDP (and CDMA has fetched
// all WEIGHT_BYTES), op_done pulses for all five together, with the GLB done bits CDMA_DAT,
// CDMA_WT and CACC of the groups that ran.
// CBUF residency between layers (as NVIDIA's nv_small cmod/RTL; golden model: model/cbuf.py):
//   * the data banks (DATA_BANK + 1) are one ring of entries: CDMA writes a layer's input after
//     the previous layer's data, CSC reads it from its first entry not yet released; a change of
//     DATA_BANK restarts both at entry 0;
//   * CSC releases D_RELEASE.RLS_SLICES + 1 slices (input lines) at the end of a layer, none with
//     SKIP_DATA_RLS = 1; what is left is released at the next layer's start unless it reuses it;
//   * DATA_REUSE = 1 (same DATA_BANK, WEIGHT_BANK and input format as the previous layer): after
//     SKIP_DATA_RLS = 1 all data are reused and CDMA fetches nothing; else the slices left are the
//     layer's first slices and CDMA's D_DATAIN_SIZE cube follows them (nvdla_compiler's height
//     split); CSC's D_DATAIN_SIZE_EXT counts both;
//   * WEIGHT_REUSE = 1 after SKIP_WEIGHT_RLS = 1 (same banks and format): no weight fetch, CSC
//     reads the previous layer's weight bytes (our weight ring restarts at offset 0 each layer);
//   * the reuse, release and bank decisions use CSC's D_MISC_CFG / D_BANK / D_RELEASE (NVIDIA's
//     firmware writes CDMA's alike); ENTRY_PER_SLICE is not read: a slice is what CDMA writes for
//     one line (surfaces x width entries, or the padded image line), the only value nv_small's
//     cmod accepts. FETCH_GRAIN is not read (it only paces the fetch).
//   * CSC post Y-extension (image input, D_POST_Y_EXTENSION = 1/2): the weights are read in its
//     layout (model/cdma.weight_offsets_y_ext); 3 (reserved) is read as 0.
// Settings outside what nv_small accepts (the golden model rejects them with a one-line
// ConfigError); defined behaviour here:
//   * CONV_MODE (Winograd), IN/PROC_PRECISION (int16/fp16), WEIGHT_FORMAT (compressed),
//     BATCHES, PIXEL_MAPPING (semi-planar) are not read: the layer is computed as an int8 direct
//     convolution of uncompressed weights, batch 1, pitch-linear pixels. Y-extension with feature
//     input is not read.
//   * An input that does not fit the data banks next to the slices kept for it: nv_small never
//     starts it (CSC waits for the whole input; data are only released at the end of a layer).
//     Here too the layer never finishes (nothing is fetched; the testbench's watchdog reports it).
//   * A layer whose kernel group (8 kernels x C*R*S bytes) exceeds the weight banks never
//     finishes. With SKIP_WEIGHT_RLS = 1 and more weights than the weight banks (nv_small never
//     finishes) our CSC still releases kernel groups as they are done, and the layer completes.
//   * WEIGHT_REUSE = 1 after a layer that released its weights (nv_small's cmod refuses it): the
//     weights are fetched. RLS_SLICES + 1 above the layer's slices releases all of them (the
//     golden model refuses both).
module nvs_conv #(
    parameter AW = 14,
    parameter PW = 4
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        cdma_op_en,
    input  wire        csc_op_en,
    input  wire        cmac_a_op_en,
    input  wire        cmac_b_op_en,
    input  wire        cacc_op_en,
    output wire        cdma_op_done,          // pulses, all in the same cycle: the layer is done
    output wire        csc_op_done,
    output wire        cmac_a_op_done,
    output wire        cmac_b_op_done,
    output wire        cacc_op_done,          // (also GLB CACC_DONE_STATUS)
    output wire        cdma_dat_op_done,      // GLB CDMA_DAT_DONE_STATUS
    output wire        cdma_wt_op_done,       // GLB CDMA_WT_DONE_STATUS
    output wire        cdma_s_cbuf_flush_status_flush_done,   // CBUF needs no flush: always 1
    // CDMA config
    input  wire        cdma_d_datain_format_datain_format,
    input  wire [5:0]  cdma_d_datain_format_pixel_format,
    input  wire        cdma_d_datain_format_pixel_sign_override,
    input  wire [12:0] cdma_d_datain_size_0_datain_width,
    input  wire [12:0] cdma_d_datain_size_0_datain_height,
    input  wire [12:0] cdma_d_datain_size_1_datain_channel,
    input  wire [4:0]  cdma_d_pixel_offset_pixel_x_offset,
    input  wire [31:0] cdma_d_dain_addr_low_0_datain_addr_low_0,
    input  wire [31:0] cdma_d_line_stride_line_stride,
    input  wire [31:0] cdma_d_surf_stride_surf_stride,
    input  wire        cdma_d_dain_map_line_packed,
    input  wire        cdma_d_dain_map_surf_packed,
    input  wire [31:0] cdma_d_weight_addr_low_weight_addr_low,
    input  wire [31:0] cdma_d_weight_bytes_weight_bytes,
    input  wire        cdma_d_mean_format_mean_format,
    input  wire [15:0] cdma_d_mean_global_0_mean_ry,
    input  wire [15:0] cdma_d_mean_global_0_mean_gu,
    input  wire [15:0] cdma_d_mean_global_1_mean_bv,
    input  wire [15:0] cdma_d_mean_global_1_mean_ax,
    input  wire        cdma_d_cvt_cfg_cvt_en,
    input  wire [5:0]  cdma_d_cvt_cfg_cvt_truncate,
    input  wire [15:0] cdma_d_cvt_offset_cvt_offset,
    input  wire [15:0] cdma_d_cvt_scale_cvt_scale,
    input  wire [4:0]  cdma_d_zero_padding_pad_left,
    input  wire [5:0]  cdma_d_zero_padding_pad_right,
    input  wire [15:0] cdma_d_zero_padding_value_pad_value,
    input  wire [4:0]  cdma_d_bank_data_bank,
    input  wire [4:0]  cdma_d_bank_weight_bank,
    // CSC config
    input  wire        csc_d_datain_format_datain_format,
    input  wire [12:0] csc_d_datain_size_ext_0_datain_width_ext,
    input  wire [12:0] csc_d_datain_size_ext_0_datain_height_ext,
    input  wire [12:0] csc_d_datain_size_ext_1_datain_channel_ext,
    input  wire [4:0]  csc_d_weight_size_ext_0_weight_width_ext,
    input  wire [4:0]  csc_d_weight_size_ext_0_weight_height_ext,
    input  wire [12:0] csc_d_weight_size_ext_1_weight_channel_ext,
    input  wire [12:0] csc_d_weight_size_ext_1_weight_kernel,
    input  wire [12:0] csc_d_dataout_size_0_dataout_width,
    input  wire [12:0] csc_d_dataout_size_0_dataout_height,
    input  wire [2:0]  csc_d_conv_stride_ext_conv_x_stride_ext,
    input  wire [2:0]  csc_d_conv_stride_ext_conv_y_stride_ext,
    input  wire [4:0]  csc_d_dilation_ext_x_dilation_ext,
    input  wire [4:0]  csc_d_dilation_ext_y_dilation_ext,
    input  wire [4:0]  csc_d_zero_padding_pad_left,
    input  wire [4:0]  csc_d_zero_padding_pad_top,
    input  wire [15:0] csc_d_zero_padding_value_pad_value,
    input  wire [4:0]  csc_d_bank_data_bank,
    input  wire [4:0]  csc_d_bank_weight_bank,
    input  wire [1:0]  csc_d_post_y_extension_y_extension,
    input  wire        csc_d_misc_cfg_data_reuse,
    input  wire        csc_d_misc_cfg_weight_reuse,
    input  wire        csc_d_misc_cfg_skip_data_rls,
    input  wire        csc_d_misc_cfg_skip_weight_rls,
    input  wire [11:0] csc_d_release_rls_slices,
    // CACC config / status
    input  wire [4:0]  cacc_d_clip_cfg_clip_truncate,
    output wire [31:0] cacc_d_out_saturation_sat_count,
    // DMA read clients
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
    // CACC -> SDP
    output wire         cacc2sdp_valid,
    input  wire         cacc2sdp_ready,
    output wire [255:0] cacc2sdp_data
);
    // ---------------- control ----------------
    localparam IDLE = 2'd0, RUN = 2'd1, DONE = 2'd2;
    reg [1:0] state;
    wire all_en = cdma_op_en && csc_op_en && cmac_a_op_en && cmac_b_op_en && cacc_op_en;
    wire start = (state == IDLE) && all_en;
    wire csc_busy, csc_pipe, cmac_v, cacc_idle, dat_done, wt_done;
    wire dat_done_ok;                      // dat_done, never for a layer that cannot fit CBUF
    wire finished = !csc_busy && !csc_pipe && !cmac_v && cacc_idle && dat_done_ok && wt_done;
    reg  started;                          // one cycle after start (status settles)
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin state <= IDLE; started <= 1'b0; end
        else begin
            started <= start;
            case (state)
                IDLE: if (start) state <= RUN;
                RUN:  if (!started && finished) state <= DONE;
                default: state <= IDLE;
            endcase
        end
    end
    wire done = (state == DONE);
    assign cdma_op_done = done;
    assign csc_op_done = done;
    assign cmac_a_op_done = done;
    assign cmac_b_op_done = done;
    assign cacc_op_done = done;
    assign cdma_dat_op_done = done;
    assign cdma_wt_op_done = done;
    assign cdma_s_cbuf_flush_status_flush_done = 1'b1;

    // ---------------- CBUF residency across layers (as model/cbuf.py) ----------------
    // The data banks are one ring of (DATA_BANK+1)*512 entries. dwr: where CDMA writes next;
    // dbase: CSC's first entry not released; dleft: entries the last layer did not release.
    // Decided at the start from CSC's registers and the last layer's (p_*):
    //   DATA_BANK changed (or first layer): CBUF empty, both pointers 0;
    //   same DATA_BANK, WEIGHT_BANK and input format, DATA_REUSE: the dleft entries at dbase are
    //     the layer's first ones; after SKIP_DATA_RLS all the data is reused (no fetch);
    //   otherwise the left entries are released and the layer starts where CDMA writes.
    //   WEIGHT_REUSE after SKIP_WEIGHT_RLS (same banks and format): no weight fetch.
    // At the end CSC releases RLS_SLICES + 1 slices (none with SKIP_DATA_RLS).
    reg           have_prev, p_pixel, p_skip_d, p_skip_w;
    reg  [4:0]    p_dbank, p_wbank;
    reg  [AW-1:0] dbase, dwr;
    reg  [AW:0]   dleft;
    wire [AW-1:0] dat_wr_next;
    wire [31:0]   dat_need;
    wire [15:0]   line_entries, line_bytes;
    wire [AW:0]   ring = {csc_d_bank_data_bank + 6'd1, 9'd0};
    wire          bank_chg = !have_prev || (p_dbank != csc_d_bank_data_bank);
    wire          same = have_prev && (p_dbank == csc_d_bank_data_bank) && (p_wbank == csc_d_bank_weight_bank)
                         && (p_pixel == csc_d_datain_format_datain_format);
    wire          d_reuse = same && csc_d_misc_cfg_data_reuse;
    wire          d_full = d_reuse && p_skip_d;
    wire          w_reuse = same && csc_d_misc_cfg_weight_reuse && p_skip_w;
    wire [AW-1:0] l_wr = bank_chg ? {AW{1'b0}} : dwr;
    wire [AW-1:0] l_base = d_reuse ? dbase : l_wr;
    wire [AW:0]   l_kept = d_reuse ? dleft : {(AW+1){1'b0}};
    // an input that does not fit next to what is kept: nv_small never starts it (CSC waits for
    // the whole input, data are released only at the end of a layer); here nothing is fetched
    // and the layer never finishes
    wire [32:0]   fit = {{(32-AW){1'b0}}, l_kept} + {1'b0, dat_need};
    wire          l_hang = !d_full && (fit > {{(32-AW){1'b0}}, ring});
    assign dat_done_ok = dat_done && !l_hang;
    // entries per slice and what the layer releases
    wire [13:0]   nsurf_c = {4'd0, csc_d_datain_size_ext_1_datain_channel_ext[12:3]} + 14'd1;
    wire [13:0]   win_c = {1'b0, csc_d_datain_size_ext_0_datain_width_ext} + 14'd1;
    wire [13:0]   hin_c = {1'b0, csc_d_datain_size_ext_0_datain_height_ext} + 14'd1;
    wire [31:0]   eps = csc_d_datain_format_datain_format ? {16'd0, line_entries}
                                                          : {18'd0, nsurf_c} * {18'd0, win_c};
    wire [31:0]   tot_e = {18'd0, hin_c} * eps;
    wire [12:0]   rls_n = {1'b0, csc_d_release_rls_slices} + 13'd1;
    wire [12:0]   rls_c = ({1'b0, rls_n} > {1'b0, hin_c[12:0]}) ? hin_c[12:0] : rls_n;   // at most H
    wire [31:0]   rls_e = {19'd0, rls_c} * eps;
    wire [32:0]   nb_sum = {{(33-AW){1'b0}}, l_base} + {1'b0, rls_e};
    wire [32:0]   nb = (nb_sum >= {{(32-AW){1'b0}}, ring}) ? nb_sum - {{(32-AW){1'b0}}, ring} : nb_sum;
    wire [31:0]   left_e = tot_e - rls_e;
    wire unused_seq = ^{nb[32:AW], left_e[31:AW+1], tot_e[31:AW+1], hin_c[13]};
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            have_prev <= 1'b0; p_pixel <= 1'b0; p_skip_d <= 1'b0; p_skip_w <= 1'b0;
            p_dbank <= 5'd0; p_wbank <= 5'd0; dbase <= {AW{1'b0}}; dwr <= {AW{1'b0}};
            dleft <= {(AW+1){1'b0}};
        end else if (state == DONE) begin
            have_prev <= 1'b1; p_pixel <= csc_d_datain_format_datain_format;
            p_skip_d <= csc_d_misc_cfg_skip_data_rls; p_skip_w <= csc_d_misc_cfg_skip_weight_rls;
            p_dbank <= csc_d_bank_data_bank; p_wbank <= csc_d_bank_weight_bank;
            dwr <= dat_wr_next;
            if (csc_d_misc_cfg_skip_data_rls) begin
                dbase <= l_base; dleft <= tot_e[AW:0];
            end else begin
                dbase <= nb[AW-1:0]; dleft <= left_e[AW:0];
            end
        end
    end

    // ---------------- units ----------------
    wire [AW:0]  dat_entries;
    wire [31:0]  wt_entries, wt_released;
    wire         wd_en, ww_en, rd_en, rw_en;
    wire [AW-1:0] wd_addr, ww_addr, rd_addr, rw_addr;
    wire [63:0]  wd_data, ww_data;
    wire [127:0] rw_data;
    wire [127:0] rd_data;
    nvs_cdma #(.AW(AW)) u_cdma (
        .clk(clk), .rstn(rstn), .start(start),
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
        .cdma_d_bank_data_bank(cdma_d_bank_data_bank),
        .cdma_d_bank_weight_bank(cdma_d_bank_weight_bank),
        .dat_wr_start(l_wr), .dat_ring(ring), .dat_skip(d_full || l_hang), .wt_skip(w_reuse),
        .dat_wr_next(dat_wr_next), .dat_need(dat_need),
        .dat_done(dat_done), .wt_done(wt_done), .dat_entries(dat_entries), .wt_entries(wt_entries),
        .wt_released(wt_released), .line_entries(line_entries), .line_bytes(line_bytes),
        .wd_en(wd_en), .wd_addr(wd_addr), .wd_data(wd_data), .ww_en(ww_en), .ww_addr(ww_addr), .ww_data(ww_data),
        .cdma_dat_rd_req_valid(cdma_dat_rd_req_valid), .cdma_dat_rd_req_ready(cdma_dat_rd_req_ready),
        .cdma_dat_rd_req_addr(cdma_dat_rd_req_addr), .cdma_dat_rd_req_len(cdma_dat_rd_req_len),
        .cdma_dat_rd_rsp_valid(cdma_dat_rd_rsp_valid), .cdma_dat_rd_rsp_ready(cdma_dat_rd_rsp_ready),
        .cdma_dat_rd_rsp_data(cdma_dat_rd_rsp_data),
        .cdma_wt_rd_req_valid(cdma_wt_rd_req_valid), .cdma_wt_rd_req_ready(cdma_wt_rd_req_ready),
        .cdma_wt_rd_req_addr(cdma_wt_rd_req_addr), .cdma_wt_rd_req_len(cdma_wt_rd_req_len),
        .cdma_wt_rd_rsp_valid(cdma_wt_rd_rsp_valid), .cdma_wt_rd_rsp_ready(cdma_wt_rd_rsp_ready),
        .cdma_wt_rd_rsp_data(cdma_wt_rd_rsp_data));

    nvs_cbuf #(.AW(AW)) u_cbuf (
        .clk(clk), .wd_en(wd_en), .wd_addr(wd_addr), .wd_data(wd_data),
        .ww_en(ww_en), .ww_addr(ww_addr), .ww_data(ww_data),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_ring(ring), .rd_data(rd_data),
        .rw_en(rw_en), .rw_addr(rw_addr), .rw_data(rw_data));

    wire [1:0]   bank_free;
    wire         m_valid, m_bank, m_first, m_end;
    wire [63:0]  m_data;
    wire [511:0] m_wt;
    wire [PW:0]  m_pt;
    nvs_csc #(.AW(AW), .PW(PW)) u_csc (
        .clk(clk), .rstn(rstn), .start(start), .busy(csc_busy), .pipe_busy(csc_pipe),
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
        .csc_d_bank_data_bank(csc_d_bank_data_bank),
        .csc_d_bank_weight_bank(csc_d_bank_weight_bank),
        .csc_d_post_y_extension_y_extension(csc_d_post_y_extension_y_extension),
        .dat_base(l_base), .dat_ring(ring), .dat_kept(l_kept),
        .dat_entries(dat_entries), .dat_done(dat_done_ok), .wt_entries(wt_entries), .wt_released(wt_released),
        .line_entries(line_entries), .line_bytes(line_bytes),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_data(rd_data), .rw_en(rw_en), .rw_addr(rw_addr), .rw_data(rw_data),
        .bank_free(bank_free),
        .mac_valid(m_valid), .mac_data(m_data), .mac_wt(m_wt), .mac_pt(m_pt), .mac_bank(m_bank),
        .mac_first(m_first), .mac_end(m_end));

    wire         a_valid, a_bank, a_first, a_end;
    wire [151:0] a_sum;
    wire [PW:0]  a_pt;
    nvs_cmac #(.PW(PW)) u_cmac (
        .clk(clk), .rstn(rstn), .in_valid(m_valid), .in_data(m_data), .in_wt(m_wt), .in_pt(m_pt),
        .in_bank(m_bank), .in_first(m_first), .in_end(m_end),
        .out_valid(a_valid), .out_sum(a_sum), .out_pt(a_pt), .out_bank(a_bank), .out_first(a_first), .out_end(a_end));
    assign cmac_v = a_valid;

    nvs_cacc #(.PW(PW)) u_cacc (
        .clk(clk), .rstn(rstn), .start(start), .cacc_d_clip_cfg_clip_truncate(cacc_d_clip_cfg_clip_truncate),
        .in_valid(a_valid), .in_sum(a_sum), .in_pt(a_pt), .in_bank(a_bank), .in_first(a_first), .in_end(a_end),
        .bank_free(bank_free), .idle(cacc_idle), .sat_count(cacc_d_out_saturation_sat_count),
        .out_valid(cacc2sdp_valid), .out_ready(cacc2sdp_ready), .out_data(cacc2sdp_data));
endmodule
