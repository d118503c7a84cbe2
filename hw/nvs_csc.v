// nvs_csc: the convolution sequencer of our nv_small (int8, direct convolution; feature or image
// input). Written from model/conv.py / model/cmac.py (the golden model).
//
// Output points are computed in stripes of up to NS consecutive points (raster order over
// Wout x Hout; the last two stripes of a plane split the rest evenly); loop order, outermost first:
//     kernel group kg (8 kernels) -> stripe -> channel group cg -> r -> s -> point of the stripe.
// Every cycle one (point, cg, r, s) is issued to CMAC: one 8-channel data atom and the weight set
// of (kg, cg, r, s) (8 kernels x 8 channels, held for the NS points of the step), i.e. 64 MACs.
// CACC accumulates a stripe in one of two accumulator banks (the stripe's first step clears).
//
// FEATURE input (CBUF entry = y*S*W + s*W + x, S surfaces): point (ox, oy), kernel tap (r, s) reads input
// (ix, iy) = (ox*sx + s*dx - pad_left, oy*sy + r*dy - pad_top); outside the cube every channel
// reads the CSC pad value (PAD_VALUE low byte, as int8; the converter does not apply).
// PIXEL input (CBUF line y = entries [y*line_entries, ...), padded by CDMA left/right): the kernel
// width is folded into the channels (S = 1, C = S'*n): channel j of point ox is byte
// ox*sx*n + j of line oy*sy + r - pad_top, n = DATAIN_CHANNEL_EXT + 1; bytes past the padded line
// read 0, lines above/below the image read the CSC pad value; no dilation.
// Entry numbers above are relative to the layer's base dat_base in the data ring (dat_ring
// entries; nvs_conv keeps the pointers): CBUF entry = (dat_base + entry) mod dat_ring. The first
// dat_kept entries are in CBUF at the start (data reused from the previous layer); the others are
// read once CDMA has written them (entry < dat_kept + dat_entries, or dat_done).
module nvs_csc #(
    parameter AW = 14,
    parameter PW = 4                 // log2 of the points per stripe (accumulator bank depth)
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        start,
    output wire        busy,             // issuing
    output wire        pipe_busy,        // issues still in the stage-1 / CMAC-input registers
    // config (CSC consumer group)
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
    // CBUF residency (nvs_conv)
    input  wire [AW-1:0] dat_base,
    input  wire [AW:0]   dat_ring,
    input  wire [AW:0]   dat_kept,
    // from CDMA
    input  wire [AW:0] dat_entries,
    input  wire        dat_done,
    input  wire [31:0] wt_entries,
    output wire [31:0] wt_released,
    input  wire [15:0] line_entries,
    input  wire [15:0] line_bytes,
    // CBUF read ports
    output wire          rd_en,
    output wire [AW-1:0] rd_addr,
    input  wire [127:0]  rd_data,
    output wire          rw_en,
    output wire [AW-1:0] rw_addr,
    input  wire [127:0]  rw_data,
    // accumulator banks (CACC)
    input  wire [1:0]  bank_free,        // pulse: bank b drained
    // to CMAC
    output reg         mac_valid,
    output reg  [63:0] mac_data,         // 8 channels int8
    output reg  [511:0] mac_wt,          // 8 kernels x 8 channels int8
    output reg  [PW:0] mac_pt,           // point in the stripe
    output reg         mac_bank,
    output reg         mac_first,        // first step of the stripe: clear
    output reg         mac_end           // last issue of the stripe (last step, last point)
);
    localparam NS = 1 << PW;
    // ---------------- geometry ----------------
    wire        pixel = csc_d_datain_format_datain_format;
    wire [13:0] win = {1'b0, csc_d_datain_size_ext_0_datain_width_ext} + 14'd1;
    wire [13:0] hin = {1'b0, csc_d_datain_size_ext_0_datain_height_ext} + 14'd1;
    wire [3:0]  npix = csc_d_datain_size_ext_1_datain_channel_ext[3:0] + 4'd1;   // image: bytes per pixel
    wire [13:0] kk = {1'b0, csc_d_weight_size_ext_1_weight_kernel} + 14'd1;
    wire [13:0] cc = {1'b0, csc_d_weight_size_ext_1_weight_channel_ext} + 14'd1;
    wire [5:0]  rn = {1'b0, csc_d_weight_size_ext_0_weight_height_ext} + 6'd1;
    wire [5:0]  sn = {1'b0, csc_d_weight_size_ext_0_weight_width_ext} + 6'd1;
    wire [13:0] wo = {1'b0, csc_d_dataout_size_0_dataout_width} + 14'd1;
    wire [13:0] ho = {1'b0, csc_d_dataout_size_0_dataout_height} + 14'd1;
    wire [3:0]  sx = {1'b0, csc_d_conv_stride_ext_conv_x_stride_ext} + 4'd1;
    wire [3:0]  sy = {1'b0, csc_d_conv_stride_ext_conv_y_stride_ext} + 4'd1;
    wire [5:0]  dx = pixel ? 6'd1 : {1'b0, csc_d_dilation_ext_x_dilation_ext} + 6'd1;
    wire [5:0]  dy = pixel ? 6'd1 : {1'b0, csc_d_dilation_ext_y_dilation_ext} + 6'd1;
    wire [31:0] npts = {18'd0, wo} * {18'd0, ho};
    wire [31:0] nst = (npts + NS - 1) >> PW;
    wire [26:0] crs = {13'd0, cc} * {21'd0, rn} * {21'd0, sn};
    wire [13:0] nsurf = {4'd0, csc_d_datain_size_ext_1_datain_channel_ext[12:3]} + 14'd1;
    wire [27:0] lpitch = {14'd0, nsurf} * {14'd0, win};      // feature: CBUF entries per input line
    wire [7:0]  padv = csc_d_zero_padding_value_pad_value[7:0];
    wire unused_cfg = ^{csc_d_zero_padding_value_pad_value[15:8]};

    // ---------------- weight loader ----------------
    wire        set_valid;
    wire [511:0] set_data;
    wire        set_pop;
    nvs_csc_wl #(.AW(AW)) u_wl (
        .clk(clk), .rstn(rstn), .start(start), .k(kk), .c(cc), .r_n(rn), .s_n(sn), .nst(nst), .crs(crs),
        .yx(pixel ? csc_d_post_y_extension_y_extension : 2'd0),
        .wbase({csc_d_bank_data_bank + 5'd1, 9'd0}), .wcap({csc_d_bank_weight_bank + 6'd1, 9'd0}),
        .wt_entries(wt_entries), .wt_released(wt_released),
        .rw_en(rw_en), .rw_addr(rw_addr), .rw_data(rw_data),
        .set_valid(set_valid), .set_data(set_data), .set_pop(set_pop));

    // ---------------- issuer ----------------
    reg         act;
    reg  [10:0] kg, cg;
    reg  [5:0]  rr, ss;
    reg  [PW:0] pp;                  // point in the stripe
    reg  [13:0] ox, oy;              // current point
    reg  [13:0] ox0, oy0;            // first point of the stripe
    reg  [31:0] pleft;               // points from the stripe start to the end of the plane
    reg         bank;
    reg  [1:0]  bbusy;               // bank in use (set at stripe start, cleared by bank_free)
    // stripe length: NS points, except that the last two stripes of a plane share what is left
    // evenly (no short tail stripe: every stripe of a plane with >= NS points has >= NS/2 points,
    // enough to hide the weight-set load); the stripe count stays ceil(points / NS)
    wire [31:0] half = (pleft + 32'd1) >> 1;
    wire [PW:0] np = (pleft <= NS) ? pleft[PW:0] : (pleft < 2 * NS) ? half[PW:0] : NS[PW:0];
    wire unused_half = ^half[31:PW+1];
    wire        first_step = (cg == 11'd0) && (rr == 6'd0) && (ss == 6'd0);
    wire        s_end = (ss + 6'd1 == sn);
    wire        r_end = (rr + 6'd1 == rn);
    wire        c_end = ({cg, 3'b000} + 14'd8 >= cc);
    wire        p_end = (pp + 1'b1 == np);
    wire        step_end = p_end;
    wire        stripe_end = p_end && s_end && r_end && c_end;
    wire        plane_end = stripe_end && (pleft <= NS);
    wire        k_end = ({kg, 3'b000} + 14'd8 >= kk);
    // next point in raster order
    wire        ox_wrap = (ox + 14'd1 == wo);
    wire [13:0] ox_n = ox_wrap ? 14'd0 : ox + 14'd1;
    wire [13:0] oy_n = ox_wrap ? oy + 14'd1 : oy;

    // address of this issue
    wire signed [17:0] ixs = $signed({4'd0, ox}) * $signed({14'd0, sx}) + $signed({12'd0, ss}) * $signed({12'd0, dx})
                           - $signed({13'd0, csc_d_zero_padding_pad_left});
    wire signed [17:0] iys = $signed({4'd0, oy}) * $signed({14'd0, sy}) + $signed({12'd0, rr}) * $signed({12'd0, dy})
                           - $signed({13'd0, csc_d_zero_padding_pad_top});
    wire        x_in = pixel || (ixs >= 0 && ixs < $signed({4'd0, win}));
    wire        y_in = (iys >= 0) && (iys < $signed({4'd0, hin}));
    wire        inb = x_in && y_in;
    wire [31:0] boff = {18'd0, ox} * {28'd0, sx} * {28'd0, npix} + {18'd0, cg, 3'b000};   // image byte
    wire [31:0] iy32 = {{14{iys[17]}}, iys};
    wire [31:0] ix32 = {{14{ixs[17]}}, ixs};
    wire [31:0] a_feat = iy32 * {4'd0, lpitch} + {21'd0, cg} * {18'd0, win} + ix32;
    wire [31:0] a_pix = iy32 * {16'd0, line_entries} + {3'd0, boff[31:3]};
    wire [31:0] addr = pixel ? a_pix : a_feat;
    wire [31:0] need = pixel ? addr + 32'd2 : addr + 32'd1;     // entries that must be present
    wire [AW+1:0] have_e = {1'b0, dat_kept} + {1'b0, dat_entries};
    wire        dat_ok = !inb || dat_done || (need <= {{(30-AW){1'b0}}, have_e});
    wire [AW+1:0] ph_sum = {2'b00, dat_base} + {1'b0, addr[AW:0]};     // ring position
    wire [AW+1:0] ph = (ph_sum >= {1'b0, dat_ring}) ? ph_sum - {1'b0, dat_ring} : ph_sum;
    wire unused_ph = ^{ph[AW+1:AW], addr[31:AW+1]};
    wire        bank_ok = !(first_step && pp == {(PW+1){1'b0}}) || !bbusy[bank];
    wire        go = act && set_valid && dat_ok && bank_ok;
    assign set_pop = go && step_end;
    assign rd_en = go && inb;
    assign rd_addr = ph[AW-1:0];
    assign busy = act;
    assign pipe_busy = s1_v | mac_valid;

    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            act <= 1'b0; kg <= 11'd0; cg <= 11'd0; rr <= 6'd0; ss <= 6'd0; pp <= {(PW+1){1'b0}};
            ox <= 14'd0; oy <= 14'd0; ox0 <= 14'd0; oy0 <= 14'd0; pleft <= 32'd0; bank <= 1'b0;
            bbusy <= 2'b00;
        end else begin
            bbusy <= (bbusy & ~bank_free) | ((go && first_step && pp == {(PW+1){1'b0}}) ? (2'b01 << bank) : 2'b00);
            if (start) begin
                act <= 1'b1; kg <= 11'd0; cg <= 11'd0; rr <= 6'd0; ss <= 6'd0; pp <= {(PW+1){1'b0}};
                ox <= 14'd0; oy <= 14'd0; ox0 <= 14'd0; oy0 <= 14'd0; pleft <= npts; bank <= 1'b0;
            end else if (go) begin
                if (!p_end) begin
                    pp <= pp + 1'b1; ox <= ox_n; oy <= oy_n;
                end else begin
                    pp <= {(PW+1){1'b0}};
                    if (!stripe_end) begin
                        ox <= ox0; oy <= oy0;
                        if (!s_end) ss <= ss + 6'd1;
                        else begin
                            ss <= 6'd0;
                            if (!r_end) rr <= rr + 6'd1;
                            else begin rr <= 6'd0; cg <= cg + 11'd1; end
                        end
                    end else begin
                        ss <= 6'd0; rr <= 6'd0; cg <= 11'd0;
                        bank <= ~bank;
                        if (!plane_end) begin
                            ox <= ox_n; oy <= oy_n; ox0 <= ox_n; oy0 <= oy_n;
                            pleft <= pleft - {{(31-PW){1'b0}}, np};
                        end else begin
                            ox <= 14'd0; oy <= 14'd0; ox0 <= 14'd0; oy0 <= 14'd0; pleft <= npts;
                            if (!k_end) kg <= kg + 11'd1;
                            else act <= 1'b0;
                        end
                    end
                end
            end
        end
    end

    // ---------------- stage 1: CBUF data back, select the atom ----------------
    reg         s1_v, s1_in, s1_first, s1_end, s1_bank;
    reg  [2:0]  s1_sh;
    reg  [7:0]  s1_mask;             // image: bytes inside the padded line
    reg  [PW:0] s1_pt;
    reg  [511:0] s1_wt;
    integer bj;
    reg  [7:0]  bmask;
    always @(*) begin
        for (bj = 0; bj < 8; bj = bj + 1)
            bmask[bj] = !pixel || ((boff + bj) < {16'd0, line_bytes});
    end
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            s1_v <= 1'b0; s1_in <= 1'b0; s1_first <= 1'b0; s1_end <= 1'b0; s1_bank <= 1'b0;
            s1_sh <= 3'd0; s1_mask <= 8'd0; s1_pt <= {(PW+1){1'b0}};
        end else begin
            s1_v <= go; s1_in <= inb; s1_first <= first_step; s1_end <= stripe_end; s1_bank <= bank;
            s1_sh <= pixel ? boff[2:0] : 3'd0; s1_mask <= bmask; s1_pt <= pp;
        end
    end
    always @(posedge clk) if (go) s1_wt <= set_data;
    wire [127:0] sh = rd_data >> {s1_sh, 3'b000};
    integer mj;
    reg  [63:0] atom;
    always @(*) begin
        for (mj = 0; mj < 8; mj = mj + 1)
            atom[8*mj +: 8] = !s1_in ? padv : (s1_mask[mj] ? sh[8*mj +: 8] : 8'd0);
    end
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            mac_valid <= 1'b0; mac_pt <= {(PW+1){1'b0}}; mac_bank <= 1'b0; mac_first <= 1'b0; mac_end <= 1'b0;
        end else begin
            mac_valid <= s1_v; mac_pt <= s1_pt; mac_bank <= s1_bank;
            mac_first <= s1_first; mac_end <= s1_end;
        end
    end
    always @(posedge clk) begin
        if (s1_v) begin mac_data <= atom; mac_wt <= s1_wt; end
    end
endmodule
