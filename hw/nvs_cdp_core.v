// nvs_cdp_core: CDP (LRN) datapath, one atom (8 channels of one pixel) per cycle.
// The width is processed in column chunks (segments of nvs_cube_rd/wr: seg_num+1 chunks, widths
// w_first, w_mid..., w_last), so the line buffer holds one chunk (2**WB pixels), whatever the width.
// Input atoms arrive in order chunk -> y -> surface s -> x (CDP_RDMA order_ys). Each atom is converted on
// entry (input converter, lanes of channels >= C zeroed) and kept in a 3-surface line buffer.
// When atom (s, x) arrives, output atom (s-1, x) is produced from surfaces s-2, s-1 (buffer) and s
// (the arriving atom); after the last surface of a row the last surface is flushed (its upper
// neighbour is 0). Outputs leave in order y -> s -> x.
// Per lane c (spec §6, checked against NVIDIA's cdp_* traces):
//   v9  = RSHIFT_RND_SAT((x8 - sext8(DATIN_OFFSET[7:0])) * sext16(DATIN_SCALE), DATIN_SHIFTER, 9)
//   sq  = sum of v9^2 over channels c-(n+1)..c+(n+1) (channels outside the cube count 0),
//         or v9[c] with SQSUM_BYPASS
//   lut = nvs_cdp_lut(sq)                         (int16)
//   o25 = MUL_BYPASS ? lut : lut * v9[c]          (exact)
//   out = RSHIFT_RND_SAT((o25 - sext25(DATOUT_OFFSET[24:0])) * sext16(DATOUT_SCALE), DATOUT_SHIFTER, 8)
module nvs_cdp_core #(
    parameter WB = 9                        // line buffer: 2**WB pixels per row
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        start,
    output wire        busy,
    input  wire [7:0]  seg_num,             // column chunks - 1
    input  wire [13:0] w_first,             // chunk widths (counts, <= 2**WB)
    input  wire [13:0] w_mid,
    input  wire [13:0] w_last,
    input  wire [12:0] h_m1,
    input  wire [12:0] c_m1,
    input  wire [1:0]  normalz_len,
    input  wire        sqsum_bypass,
    input  wire        mul_bypass,
    input  wire [15:0] datin_offset,
    input  wire [15:0] datin_scale,
    input  wire [4:0]  datin_shifter,
    input  wire [31:0] datout_offset,
    input  wire [15:0] datout_scale,
    input  wire [5:0]  datout_shifter,
    // LUT configuration (passed to the lanes)
    input  wire [1039:0] le_table,
    input  wire [4111:0] lo_table,
    input  wire        le_function,
    input  wire        uflow_priority,
    input  wire        oflow_priority,
    input  wire        hybrid_priority,
    input  wire [7:0]  le_index_offset,
    input  wire [5:0]  le_index_select,
    input  wire [5:0]  lo_index_select,
    input  wire [37:0] le_start, le_end, lo_start, lo_end,
    input  wire [15:0] le_uflow_scale, le_oflow_scale, lo_uflow_scale, lo_oflow_scale,
    input  wire [4:0]  le_uflow_shift, le_oflow_shift, lo_uflow_shift, lo_oflow_shift,
    output wire [31:0] sat_count,           // output-converter saturations (D_OUT_SATURATION)
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [63:0] in_data,
    output wire        out_valid,
    input  wire        out_ready,
    output wire [63:0] out_data
);
    localparam [1:0] PH_IDLE = 2'd0, PH_RUN = 2'd1, PH_FLUSH = 2'd2;
    reg  [1:0]  phase;
    reg  [7:0]  seg;
    reg  [12:0] y;
    reg  [9:0]  s;                           // surface of the next input atom
    reg  [12:0] x;                           // column of the next input atom / flush column
    reg  [1:0]  sl_cur, sl_prev, sl_prev2;   // buffer slots of surfaces s, s-1, s-2
    reg  [71:0] lbuf [0:(3<<WB)-1];          // {slot, x} -> 8 lanes x 9-bit v9
    reg  [31:0] nsat;
    wire [9:0]  s_last = c_m1[12:3];
    wire [13:0] wn     = (seg == 8'd0) ? w_first : ((seg == seg_num) ? w_last : w_mid);
    wire [12:0] x_last = wn[12:0] - 13'd1;

    assign busy = (phase != PH_IDLE);

    // ---- input converter on the arriving atom
    wire [71:0] v_in;
    wire [7:0]  lane_ok = 8'hff >> (3'd7 - c_m1[2:0]);             // lanes < C of the last surface
    genvar g;
    generate
        for (g = 0; g < 8; g = g + 1) begin : g_icvt
            // a = x8 - sext8(DATIN_OFFSET[7:0]) (9-bit exact); m = a * sext16(DATIN_SCALE) (25-bit exact)
            wire signed [8:0]  a = $signed({in_data[8*g+7], in_data[8*g +: 8]})
                                 - $signed({datin_offset[7], datin_offset[7:0]});
            wire signed [24:0] m = a * $signed(datin_scale);
            wire [8:0] v;
            wire       unused_sat;
            // v9 = RSHIFT_RND_SAT(m, DATIN_SHIFTER, 9)
            nvs_shr_rnd_sat #(.IN_W(25), .SH_W(5), .OUT_W(9)) u_shr (
                .in(m), .shift(datin_shifter), .out(v), .sat(unused_sat));
            // lanes of channels >= C (last surface only) hold 0 (the RTL zeroes invalid lanes)
            wire valid_lane = (s != s_last) || lane_ok[g];
            assign v_in[9*g +: 9] = valid_lane ? v : 9'd0;
        end
    endgenerate

    // ---- window assembly: surfaces t-1 (A), t (B), t+1 (C) for output surface t
    wire        flush   = (phase == PH_FLUSH);
    wire        emit_run = (phase == PH_RUN) && (s != 10'd0);      // output (s-1, x) as (s, x) arrives
    wire        have_a  = flush ? (s_last != 10'd0) : (s >= 10'd2);
    wire [71:0] va      = have_a ? lbuf[{(flush ? sl_prev : sl_prev2), x[WB-1:0]}] : 72'd0;
    wire [71:0] vb      = lbuf[{(flush ? sl_cur : sl_prev), x[WB-1:0]}];
    wire [71:0] vc      = flush ? 72'd0 : v_in;
    wire [215:0] vall   = {vc, vb, va};                             // 24 channels, 9 bits each

    wire        emit    = flush || (emit_run && in_valid);
    assign in_ready     = (phase == PH_RUN) && (out_ready || (s == 10'd0));
    assign out_valid    = emit;
    wire        step    = emit ? out_ready : (in_valid && in_ready);

    // squares of the 16 channels any window can reach (indices 4..19 of vall)
    wire [16:0] sqv [0:23];
    generate
        for (g = 0; g < 24; g = g + 1) begin : g_sq
            wire signed [8:0]  vv = vall[9*g +: 9];
            wire signed [17:0] p  = vv * vv;
            assign sqv[g] = p[16:0];                                // <= 2^16: bit 17 is always 0
            wire unused_p17 = p[17];
        end
    endgenerate

    wire [7:0] lane_sat;
    generate
        for (g = 0; g < 8; g = g + 1) begin : g_lane
            // square sum over the window 8+g-(n+1) .. 8+g+(n+1)
            reg [19:0] acc;
            integer j;
            wire [4:0] j_lo = 5'd7 + g[4:0] - {3'd0, normalz_len};    // 8+g-(n+1)
            wire [4:0] j_hi = 5'd9 + g[4:0] + {3'd0, normalz_len};    // 8+g+(n+1)
            always @(*) begin
                acc = 20'd0;
                for (j = 4; j < 20; j = j + 1)
                    if ((j[4:0] >= j_lo) && (j[4:0] <= j_hi))
                        acc = acc + {3'd0, sqv[j]};
            end
            wire signed [8:0]  vcen = vall[9*(8+g) +: 9];
            wire signed [21:0] sq   = sqsum_bypass ? {{13{vcen[8]}}, vcen} : {2'b00, acc};
            wire [15:0] lut;
            nvs_cdp_lut u_lut (
                .sq(sq), .le_table(le_table), .lo_table(lo_table), .le_function(le_function),
                .uflow_priority(uflow_priority), .oflow_priority(oflow_priority),
                .hybrid_priority(hybrid_priority), .le_index_offset(le_index_offset),
                .le_index_select(le_index_select), .lo_index_select(lo_index_select),
                .le_start(le_start), .le_end(le_end), .lo_start(lo_start), .lo_end(lo_end),
                .le_uflow_scale(le_uflow_scale), .le_oflow_scale(le_oflow_scale),
                .lo_uflow_scale(lo_uflow_scale), .lo_oflow_scale(lo_oflow_scale),
                .le_uflow_shift(le_uflow_shift), .le_oflow_shift(le_oflow_shift),
                .lo_uflow_shift(lo_uflow_shift), .lo_oflow_shift(lo_oflow_shift), .lut(lut));
            // multiplier: o25 = lut * v9 (exact) or lut with MUL_BYPASS
            wire signed [24:0] prod = $signed(lut) * vcen;
            wire signed [24:0] o25  = mul_bypass ? {{9{lut[15]}}, lut} : prod;
            // output converter: a = o25 - sext25(DATOUT_OFFSET[24:0]) (26-bit exact), m = a * scale (42-bit exact)
            wire signed [25:0] oa = {o25[24], o25} - {datout_offset[24], datout_offset[24:0]};
            wire signed [41:0] om = oa * $signed(datout_scale);
            wire [7:0] ob;
            // out = RSHIFT_RND_SAT(m, DATOUT_SHIFTER, 8)
            nvs_shr_rnd_sat #(.IN_W(42), .SH_W(6), .OUT_W(8)) u_ocvt (
                .in(om), .shift(datout_shifter), .out(ob), .sat(lane_sat[g]));
            assign out_data[8*g +: 8] = ob;
        end
    endgenerate
    assign sat_count = nsat;
    // int8 mode uses DATIN_OFFSET[7:0] and DATOUT_OFFSET[24:0] only (operand truncation, spec §6 L0/L7)
    wire unused_off = &{1'b0, datin_offset[15:8], datout_offset[31:25], wn[13]};  // wn <= 8192

    always @(posedge clk) begin
        if (phase == PH_RUN && in_valid && in_ready) lbuf[{sl_cur, x[WB-1:0]}] <= v_in;
    end

    // popcount of saturated lanes of an emitted atom
    reg [3:0] nsat_atom;
    integer q;
    always @(*) begin
        nsat_atom = 4'd0;
        for (q = 0; q < 8; q = q + 1) nsat_atom = nsat_atom + {3'd0, lane_sat[q]};
    end

    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            phase <= PH_IDLE; seg <= 8'd0; y <= 13'd0; s <= 10'd0; x <= 13'd0; nsat <= 32'd0;
            sl_cur <= 2'd0; sl_prev <= 2'd2; sl_prev2 <= 2'd1;
        end else begin
            if (emit && out_ready) nsat <= nsat + {28'd0, nsat_atom};
            case (phase)
                PH_IDLE: if (start) begin
                    seg <= 8'd0; y <= 13'd0; s <= 10'd0; x <= 13'd0; nsat <= 32'd0;
                    sl_cur <= 2'd0; sl_prev <= 2'd2; sl_prev2 <= 2'd1;
                    phase <= PH_RUN;
                end
                PH_RUN: if (step) begin
                    if (x != x_last) x <= x + 13'd1;
                    else begin
                        x <= 13'd0;
                        if (s != s_last) begin
                            s <= s + 10'd1;
                            // rotate slots: s+1 takes the slot of s-2
                            sl_cur <= sl_prev2; sl_prev <= sl_cur; sl_prev2 <= sl_prev;
                        end else begin
                            phase <= PH_FLUSH;
                        end
                    end
                end
                PH_FLUSH: if (step) begin
                    if (x != x_last) x <= x + 13'd1;
                    else begin
                        x <= 13'd0; s <= 10'd0;
                        sl_cur <= 2'd0; sl_prev <= 2'd2; sl_prev2 <= 2'd1;
                        if (y != h_m1) begin y <= y + 13'd1; phase <= PH_RUN; end
                        else if (seg != seg_num) begin seg <= seg + 8'd1; y <= 13'd0; phase <= PH_RUN; end
                        else phase <= PH_IDLE;
                    end
                end
                /* verilator coverage_off */ default: phase <= PH_IDLE; /* verilator coverage_on */ // unreachable: 2'd3 never assigned
            endcase
        end
    end
endmodule
