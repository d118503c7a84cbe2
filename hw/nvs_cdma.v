// nvs_cdma: the convolution DMA of our nv_small (int8, direct convolution, uncompressed weights).
// Written from model/cdma.py (the golden model) and the register map.
//
// Data (DMA client cdma_dat) -> CBUF data banks, a ring of dat_ring entries: from entry
// dat_wr_start (where the previous layer's data ended; nvs_conv keeps the pointer) upward, in fetch
// order, wrapping at the ring's end (entry numbers below are relative to dat_wr_start). With
// dat_skip (all data reused from the previous layer) nothing is fetched.
//   * FEATURE input (D_DATAIN_FORMAT.DATAIN_FORMAT = 0): the cube line by line, each line surface
//     by surface (8 channels), one 8-byte atom per entry: entry = y*S*W + s*W + x (S surfaces), so
//     CSC can start on the first lines while the rest arrives. A 1x1 cube with both
//     D_DAIN_MAP bits packed is read as one contiguous run of atoms (strides unused). Each byte
//     (int8) goes through the input converter when D_CVT_CFG.CVT_EN = 1.
//   * PIXEL input: line y at DAIN_ADDR + y*LINE_STRIDE + PIXEL_X_OFFSET*bpp, W pixels of bpp bytes
//     (pitch linear). Each pixel's bytes are reordered to the canonical component order
//     (R,G,B,A / Y,U,V,A) and converted (unsigned unless PIXEL_SIGN_OVERRIDE; offset = MEAN of the
//     component when D_MEAN_FORMAT = 1, else CVT_OFFSET). CBUF line = PAD_LEFT pad pixels, the W
//     pixels, PAD_RIGHT pad pixels (pad pixels = PAD_VALUE low byte, not converted), zero-filled to
//     a whole entry; line y starts at entry y * line_entries (line_entries output for CSC).
//     Formats: R8 (code 0) and the 4-byte packed formats 12..19, 26, 27 of model/cdma.PIXEL_FORMATS;
//     any other code is read as A8B8G8R8 (defined behaviour; the golden model rejects it).
//     PIXEL_X_OFFSET beyond the first 8-byte atom (offset x bytes-per-pixel >= 8, which nv_small
//     does not accept: NVIDIA's CDMA asserts) is applied as a byte offset all the same (defined
//     behaviour; the golden model rejects it).
//     Needs LINE_STRIDE and the line start address to keep pixels whole inside 4-byte lanes
//     (DAIN_ADDR and LINE_STRIDE multiples of 8).
// Weights (DMA client cdma_wt) -> CBUF weight banks used as a ring of (WEIGHT_BANK+1)*512 entries
// starting at bank DATA_BANK+1: the WEIGHT_BYTES blob in memory order, 8 bytes per entry. A read
// request is issued only when the ring has room for it: entries written - wt_released (entries
// CSC has released, absolute count) + beats in flight <= ring size.
// With wt_skip (weights reused from the previous layer) no weight is fetched: the ring and the
// entry count wt_entries keep the previous layer's weights (which started at ring offset 0).
// Done: dat_done / wt_done level signals once everything is in CBUF.
module nvs_cdma #(
    parameter AW = 14
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        start,                  // pulse: a convolution begins
    // config (CDMA consumer group)
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
    // CBUF residency (nvs_conv)
    input  wire [AW-1:0] dat_wr_start,         // first data entry this layer writes
    input  wire [AW:0]   dat_ring,             // data ring size in entries
    input  wire          dat_skip,             // fetch no data
    input  wire          wt_skip,              // fetch no weights
    output wire [AW-1:0] dat_wr_next,          // the entry after the last one written
    output wire [31:0]   dat_need,             // data entries this layer's fetch writes
    // status
    output reg         dat_done,
    output reg         wt_done,
    output reg  [AW:0] dat_entries,            // data entries written so far
    output reg  [31:0] wt_entries,             // weight entries written so far (absolute)
    input  wire [31:0] wt_released,            // weight entries CSC has released (absolute)
    output wire [15:0] line_entries,           // PIXEL input: CBUF entries per line
    output wire [15:0] line_bytes,             // PIXEL input: bytes per padded line
    // CBUF write ports
    output reg           wd_en,
    output reg  [AW-1:0] wd_addr,
    output reg  [63:0]   wd_data,
    output reg           ww_en,
    output reg  [AW-1:0] ww_addr,
    output reg  [63:0]   ww_data,
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
    input  wire [63:0] cdma_wt_rd_rsp_data
);
    // ---------------- geometry ----------------
    wire        pixel = cdma_d_datain_format_datain_format;
    wire [13:0] w = {1'b0, cdma_d_datain_size_0_datain_width} + 14'd1;
    wire [13:0] h = {1'b0, cdma_d_datain_size_0_datain_height} + 14'd1;
    wire [13:0] ns = {4'd0, cdma_d_datain_size_1_datain_channel[12:3]} + 14'd1;   // surfaces
    wire        pack1x1 = cdma_d_dain_map_line_packed && cdma_d_dain_map_surf_packed
                          && (w == 14'd1) && (h == 14'd1);
    // pixel format: bytes per pixel and the memory byte of each canonical component
    reg  [2:0]  bpp;
    reg  [7:0]  ord;                       // 4 x 2-bit: component i from byte ord[2i+1:2i]
    always @(*) begin
        bpp = 3'd4;
        case (cdma_d_datain_format_pixel_format)
            6'd0:                 begin bpp = 3'd1; ord = 8'b11_10_01_00; end   // R8
            6'd13, 6'd17, 6'd26:  ord = {2'd3, 2'd0, 2'd1, 2'd2};              // (2,1,0,3)
            6'd14, 6'd18, 6'd27:  ord = {2'd0, 2'd3, 2'd2, 2'd1};              // (1,2,3,0)
            6'd15, 6'd19:         ord = {2'd0, 2'd1, 2'd2, 2'd3};              // (3,2,1,0)
            default:              ord = {2'd3, 2'd2, 2'd1, 2'd0};              // (0,1,2,3)
        endcase
    end
    wire [41:0] cube_all = {28'd0, ns} * {28'd0, h} * {28'd0, w};   // feature entries
    wire [41:0] ns_all = {28'd0, ns};
    wire unused_cfg = ^{cdma_d_datain_size_1_datain_channel[2:0], cdma_d_weight_addr_low_weight_addr_low[2:0],
                        cdma_d_zero_padding_value_pad_value[15:8], cube_all[41:AW+1], ns_all[41:AW+1]};
    wire [31:0] pix_start = cdma_d_dain_addr_low_0_datain_addr_low_0
                          + {27'd0, cdma_d_pixel_offset_pixel_x_offset} * {29'd0, bpp};
    wire [2:0]  skip = pix_start[2:0];                                   // bytes before line start
    wire [17:0] lbytes_in = {4'd0, w} * {15'd0, bpp};                    // pixel bytes of a line
    wire [17:0] lspan = lbytes_in + {15'd0, skip};
    wire [15:0] lbeats = {1'b0, lspan[17:3]} + {15'd0, |lspan[2:0]};
    wire [7:0]  padl_b = {3'd0, cdma_d_zero_padding_pad_left} * {5'd0, bpp};
    wire [8:0]  padr_b = {3'd0, cdma_d_zero_padding_pad_right} * {6'd0, bpp};
    wire [17:0] lb_all = lbytes_in + {10'd0, padl_b} + {9'd0, padr_b};
    assign line_bytes = lb_all[15:0];
    wire [31:0] pix_need = {18'd0, h} * {16'd0, line_entries};
    assign dat_need = pixel ? pix_need : pack1x1 ? {18'd0, ns} : cube_all[31:0];
    assign dat_wr_next = wd_addr;
    wire [AW:0] wd_inc = {1'b0, wd_addr} + {{AW{1'b0}}, 1'b1};
    assign line_entries = {1'b0, lb_all[17:3]} + {15'd0, |lb_all[2:0]};

    // ---------------- data requests: line by line, all surfaces of a line ----------------
    wire        dat_busy;
    wire        dat_v;
    wire [63:0] beat;
    wire        take_w;
    wire [13:0] wbeats_line = pixel ? lbeats[13:0] : (pack1x1 ? ns : w);
    nvs_cube_rd #(.FAW(6)) u_dat_rd (
        .clk(clk), .rstn(rstn), .start(start && !dat_skip), .busy(dat_busy),
        .base(pixel ? {pix_start[31:3], 3'b000} : cdma_d_dain_addr_low_0_datain_addr_low_0),
        .line_stride(cdma_d_line_stride_line_stride),
        .surf_stride(cdma_d_surf_stride_surf_stride),
        .n_surf_m1((pixel || pack1x1) ? 10'd0 : ns[9:0] - 10'd1),
        .h_m1((pack1x1 && !pixel) ? 13'd0 : h[12:0] - 13'd1),
        .order_ys(1'b1), .seg_num(8'd0), .w_first(wbeats_line), .w_mid(14'd0), .w_last(14'd0), .ov(6'sd0),
        .rd_req_valid(cdma_dat_rd_req_valid), .rd_req_ready(cdma_dat_rd_req_ready),
        .rd_req_addr(cdma_dat_rd_req_addr), .rd_req_len(cdma_dat_rd_req_len),
        .rd_rsp_valid(cdma_dat_rd_rsp_valid), .rd_rsp_ready(cdma_dat_rd_rsp_ready), .rd_rsp_data(cdma_dat_rd_rsp_data),
        .out_valid(dat_v), .out_ready(take_w), .out_data(beat));
    wire unused_dat_busy = ^{dat_busy, lbeats[15:14], ns[13:10], h[13]};

    // ---------------- converter: one register stage after the fetch FIFO ----------------
    // One lane of the input converter (int8 output), as model/cdma.input_convert:
    //   a = x - offset (18-bit exact), m = a * scale (34-bit exact),
    //   out = SAT_8(RSHIFT_RND_SAT(m, truncate, 17)) (round half away from zero; SAT_17 then
    //   SAT_8 is SAT_8), shifting in 64 bits as the model's int64 arithmetic for truncate 0..63.
    // x is the widened input: int8 feature data sign-extended, unsigned pixels zero-extended.
    function [7:0] cvt1(input [8:0] x, input [15:0] off, input [15:0] scale, input [5:0] t);
        reg signed [17:0] a;
        reg signed [33:0] m;
        reg signed [63:0] m64, fl, r;
        reg [63:0] sticky_mask;
        reg guard, sticky;
        begin
            a = $signed({{9{x[8]}}, x}) - $signed({{2{off[15]}}, off});
            m = a * $signed(scale);
            m64 = {{30{m[33]}}, m};
            fl = m64 >>> t;
            guard = (t != 6'd0) && m64[t - 6'd1];
            sticky_mask = (t > 6'd1) ? ((64'd1 << (t - 6'd1)) - 64'd1) : 64'd0;
            sticky = |(m64 & sticky_mask);
            r = fl + {63'd0, guard & (~m64[63] | sticky)};
            cvt1 = (r > 64'sd127) ? 8'h7f : (r < -64'sd128) ? 8'h80 : r[7:0];
        end
    endfunction
    // a whole beat: pixel bytes reordered to canonical components, then converted
    function [63:0] cvt8(input [63:0] bt);
        reg [63:0] ro;
        reg [7:0]  b;
        reg [1:0]  comp;
        reg [15:0] mean, off;
        integer li;
        begin
            ro = bt;
            if (pixel && bpp == 3'd4)
                for (li = 0; li < 4; li = li + 1) begin
                    ro[8*li +: 8]      = bt[8*ord[2*li +: 2] +: 8];
                    ro[32 + 8*li +: 8] = bt[32 + 8*ord[2*li +: 2] +: 8];
                end
            cvt8 = ro;
            if (cdma_d_cvt_cfg_cvt_en)
                for (li = 0; li < 8; li = li + 1) begin
                    b = ro[8*li +: 8];
                    comp = (bpp == 3'd4) ? li[1:0] : 2'd0;
                    mean = (comp == 2'd0) ? cdma_d_mean_global_0_mean_ry
                         : (comp == 2'd1) ? cdma_d_mean_global_0_mean_gu
                         : (comp == 2'd2) ? cdma_d_mean_global_1_mean_bv
                                          : cdma_d_mean_global_1_mean_ax;
                    off = (pixel && cdma_d_mean_format_mean_format) ? mean : cdma_d_cvt_offset_cvt_offset;
                    cvt8[8*li +: 8] = cvt1({(!pixel || cdma_d_datain_format_pixel_sign_override) & b[7], b},
                                           off, cdma_d_cvt_scale_cvt_scale, cdma_d_cvt_cfg_cvt_truncate);
                end
        end
    endfunction
    reg         cv_v;                  // a converted beat is held
    reg  [63:0] cvt_out;
    wire        take;
    assign take_w = dat_v && (!cv_v || take);
    always @(posedge clk or negedge rstn) begin
        if (!rstn) cv_v <= 1'b0;
        else if (start) cv_v <= 1'b0;
        else if (take_w) cv_v <= 1'b1;
        else if (take) cv_v <= 1'b0;
    end
    always @(posedge clk) if (take_w) cvt_out <= cvt8(beat);

    // ---------------- CBUF data writer (with the image-line packer) ----------------
    localparam D_IDLE = 3'd0, D_FEAT = 3'd1, D_PADL = 3'd2, D_PIX = 3'd3, D_PADR = 3'd4,
               D_FLUSH = 3'd5, D_DONE = 3'd6;
    reg  [2:0]  dst;
    reg  [AW:0] total;                 // feature: entries expected
    reg  [13:0] line;                  // pixel: current line
    reg  [15:0] bi;                    // pixel: beat of the line
    reg  [8:0]  prem;                  // pad bytes left
    reg  [63:0] pk;                    // packer: pending bytes (lanes >= pf are 0)
    reg  [2:0]  pf;                    // packer fill
    wire [7:0]  pad8 = cdma_d_zero_padding_value_pad_value[7:0];
    // bytes offered to the packer this cycle (right-aligned, upper lanes zero)
    reg  [63:0] in_d;
    reg  [3:0]  in_n;
    reg         take_r;                // consume the converted beat
    assign take = take_r;
    wire        first_beat = (bi == 16'd0);
    wire        last_beat  = (bi + 16'd1 == lbeats);
    wire [2:0]  lo = first_beat ? skip : 3'd0;
    wire [2:0]  hi_m1 = last_beat ? (lspan[2:0] - 3'd1) : 3'd7;     // last valid lane
    wire [3:0]  nvalid = {1'b0, hi_m1} - {1'b0, lo} + 4'd1;
    wire [63:0] pixsh = cvt_out >> {lo, 3'b000};
    wire [63:0] pixmask = (nvalid == 4'd8) ? {64{1'b1}} : ~({64{1'b1}} << {nvalid, 3'b000});
    wire [3:0]  padn = (prem >= 9'd8) ? 4'd8 : prem[3:0];
    wire [63:0] padmask = (padn == 4'd8) ? {64{1'b1}} : ~({64{1'b1}} << {padn, 3'b000});
    always @(*) begin
        in_d = 64'd0; in_n = 4'd0; take_r = 1'b0;
        case (dst)
            D_FEAT: begin take_r = cv_v; end
            D_PADL, D_PADR: begin in_d = {8{pad8}} & padmask; in_n = padn; end
            D_PIX: begin
                take_r = cv_v;
                if (cv_v) begin in_d = pixsh & pixmask; in_n = nvalid; end
            end
            default: ;
        endcase
    end
    wire [127:0] comb = {64'd0, pk} | ({64'd0, in_d} << {pf, 3'b000});
    wire [4:0]   tot = {2'd0, pf} + {1'b0, in_n};
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            dst <= D_IDLE; total <= {(AW+1){1'b0}}; line <= 14'd0; bi <= 16'd0; prem <= 9'd0;
            pk <= 64'd0; pf <= 3'd0; dat_done <= 1'b0; dat_entries <= {(AW+1){1'b0}};
            wd_en <= 1'b0; wd_addr <= {AW{1'b0}}; wd_data <= 64'd0;
        end else begin
            wd_en <= 1'b0;
            if (start) begin
                dat_done <= dat_skip; dat_entries <= {(AW+1){1'b0}}; wd_addr <= dat_wr_start;
                pk <= 64'd0; pf <= 3'd0; line <= 14'd0; bi <= 16'd0;
                total <= pack1x1 ? ns_all[AW:0] : cube_all[AW:0];
                if (dat_skip) dst <= D_DONE;
                else if (pixel) begin dst <= D_PADL; prem <= {1'b0, padl_b}; end
                else dst <= D_FEAT;
            end else begin
                // packer (pixel states)
                if (dst == D_PADL || dst == D_PIX || dst == D_PADR) begin
                    if (tot >= 5'd8) begin
                        wd_en <= 1'b1; wd_data <= comb[63:0];
                        pk <= comb[127:64]; pf <= tot[2:0];
                    end else begin
                        pk <= comb[63:0]; pf <= tot[2:0];
                    end
                end
                if (wd_en) begin
                    wd_addr <= (wd_inc == dat_ring) ? {AW{1'b0}} : wd_inc[AW-1:0];
                    dat_entries <= dat_entries + {{AW{1'b0}}, 1'b1};
                end
                case (dst)
                    D_FEAT: begin
                        if (take) begin
                            wd_en <= 1'b1; wd_data <= cvt_out;
                        end
                        if (dat_entries == total) begin dst <= D_DONE; dat_done <= 1'b1; end
                    end
                    D_PADL: begin
                        prem <= prem - {5'd0, padn};
                        if (prem <= 9'd8) begin dst <= D_PIX; bi <= 16'd0; end
                    end
                    D_PIX: if (take) begin
                        bi <= bi + 16'd1;
                        if (last_beat) begin dst <= D_PADR; prem <= padr_b; end
                    end
                    D_PADR: begin
                        prem <= prem - {5'd0, padn};
                        if (prem <= 9'd8) dst <= D_FLUSH;
                    end
                    D_FLUSH: begin
                        if (pf != 3'd0) begin
                            wd_en <= 1'b1; wd_data <= pk; pk <= 64'd0; pf <= 3'd0;
                        end
                        if (line + 14'd1 == h) begin dst <= D_DONE; end
                        else begin line <= line + 14'd1; dst <= D_PADL; prem <= {1'b0, padl_b}; end
                    end
                    D_DONE: if (!wd_en) dat_done <= 1'b1;
                    default: ;
                endcase
            end
        end
    end

    // ---------------- weights: linear fetch into the ring ----------------
    wire [AW-1:0] wbase = {cdma_d_bank_data_bank + 5'd1, 9'd0};
    wire [AW:0]   wcap  = {cdma_d_bank_weight_bank + 6'd1, 9'd0};
    reg  [31:0] wt_addr;
    reg  [31:0] wt_left;               // beats still to request
    reg  [31:0] wt_issued;             // beats requested (absolute)
    reg  [31:0] wt_total;
    reg  [AW-1:0] wptr;                // ring write offset (0 .. wcap-1)
    wire [9:0]  w4k = 10'd512 - {1'b0, wt_addr[11:3]};
    wire [31:0] wlim = (w4k < 10'd16) ? {22'd0, w4k} : 32'd16;
    wire [31:0] wn = (wt_left < wlim) ? wt_left : wlim;
    wire        room = (wt_issued + wn) <= (wt_released + {{(31-AW){1'b0}}, wcap});
    assign cdma_wt_rd_req_valid = (wt_left != 32'd0) && room;
    assign cdma_wt_rd_req_addr = wt_addr;
    assign cdma_wt_rd_req_len = wn[3:0] - 4'd1;
    assign cdma_wt_rd_rsp_ready = 1'b1;
    wire wfire = cdma_wt_rd_req_valid && cdma_wt_rd_req_ready;
    wire [31:0] wbeats = {3'd0, cdma_d_weight_bytes_weight_bytes[31:3]} + {31'd0, |cdma_d_weight_bytes_weight_bytes[2:0]};
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            wt_addr <= 32'd0; wt_left <= 32'd0; wt_issued <= 32'd0; wt_total <= 32'd0;
            wptr <= {AW{1'b0}}; wt_entries <= 32'd0; wt_done <= 1'b0;
            ww_en <= 1'b0; ww_addr <= {AW{1'b0}}; ww_data <= 64'd0;
        end else begin
            ww_en <= 1'b0;
            if (start) begin
                wt_addr <= {cdma_d_weight_addr_low_weight_addr_low[31:3], 3'b000};
                wt_issued <= 32'd0; wptr <= {AW{1'b0}};
                if (wt_skip) begin
                    wt_left <= 32'd0; wt_total <= wt_entries; wt_done <= 1'b1;
                end else begin
                    wt_left <= wbeats; wt_total <= wbeats; wt_entries <= 32'd0; wt_done <= 1'b0;
                end
            end else begin
                if (wfire) begin
                    wt_addr <= wt_addr + {wn[28:0], 3'b000};
                    wt_left <= wt_left - wn;
                    wt_issued <= wt_issued + wn;
                end
                if (cdma_wt_rd_rsp_valid) begin
                    ww_en <= 1'b1; ww_addr <= wbase + wptr; ww_data <= cdma_wt_rd_rsp_data;
                    wptr <= ({1'b0, wptr} + {{AW{1'b0}}, 1'b1} == wcap) ? {AW{1'b0}} : wptr + {{(AW-1){1'b0}}, 1'b1};
                end
                // counted when the entry is written into CBUF (this edge), so a reader that sees
                // the count reads the new contents
                if (ww_en) wt_entries <= wt_entries + 32'd1;
                if (wt_entries == wt_total) wt_done <= 1'b1;
            end
        end
    end
endmodule
