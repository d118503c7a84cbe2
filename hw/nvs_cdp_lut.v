// nvs_cdp_lut: CDP lookup for one lane: LE table (65 x int16, exponent or linear index) and
// LO table (257 x int16, linear index), under/overflow slopes, interpolation, priority select.
// Arithmetic (facts checked against NVIDIA's cdp_* traces, see model/cdp.py):
//  * index logic uses start[21:0] as a 22-bit signed number: d = sq - sext22(start)
//  * LINEAR, sel = 6-bit signed index select: sel >= 0: idx = d >> sel, frac = d mod 2^sel,
//    frac16 = sel > 16 ? frac >> (sel-16) : frac << (16-sel); sel < 0: idx = d << min(-sel,24),
//    frac16 = 0.  EXPONENT (LE only): L = floor(log2 d), idx = L - LE_INDEX_OFFSET (int8),
//    frac = d - 2^L scaled the same way with L bits.
//  * underflow (d <= 0 or idx < 0): T[0] + CONV((sq - base) * UFLOW_SCALE, UFLOW_SHIFT) with
//    base = start (38-bit) or, in exponent mode, sext39(start + 2^off) (off >= 0; 2^off dropped
//    for off >= 39); overflow (idx >= N-1): T[N-1] + CONV((sq - end) * OFLOW_SCALE, OFLOW_SHIFT);
//    hit: T[idx] + CONV((T[idx+1] - T[idx]) * frac16, 16). Each sum saturates to int16.
//  * CONV(v, s): s signed 5-bit; s >= 0: v / 2^s rounded half away from zero; s < 0: v * 2^-s.
//  * select: both underflow -> UFLOW_PRIORITY (1 = LO); else both overflow -> OFLOW_PRIORITY;
//    else exactly one hit -> that table; else HYBRID_PRIORITY.
module nvs_cdp_lut (
    input  wire signed [21:0] sq,            // square sum (or v9 with SQSUM_BYPASS)
    input  wire [1039:0] le_table,           // entry i at [16i+15:16i]
    input  wire [4111:0] lo_table,
    input  wire        le_function,          // 0 EXPONENT, 1 LINEAR
    input  wire        uflow_priority,
    input  wire        oflow_priority,
    input  wire        hybrid_priority,
    input  wire [7:0]  le_index_offset,      // int8
    input  wire [5:0]  le_index_select,      // 6-bit signed
    input  wire [5:0]  lo_index_select,
    input  wire [37:0] le_start, le_end, lo_start, lo_end,   // 38-bit signed
    input  wire [15:0] le_uflow_scale, le_oflow_scale, lo_uflow_scale, lo_oflow_scale,
    input  wire [4:0]  le_uflow_shift, le_oflow_shift, lo_uflow_shift, lo_oflow_shift,
    output reg  [15:0] lut
);
    // CONV(v, s) (v exact, 80-bit): s >= 0 -> round half away from zero of v / 2^s; s < 0 -> v * 2^-s
    function signed [79:0] conv;
        input signed [79:0] v;
        input [5:0] s;                          // signed 6-bit (slope shifts are 5-bit signed)
        reg signed [79:0] fl;
        reg g, st;
        reg [79:0] m;
        begin
            if (s[5]) conv = v <<< (6'd0 - s);
            else if (s == 6'd0) conv = v;
            else begin
                fl = v >>> s;
                g  = v[{1'b0, s} - 7'd1];
                m  = (80'd1 << (s - 6'd1)) - 80'd1;
                st = |(v & m);
                conv = fl + {79'd0, g & (~v[79] | st)};
            end
        end
    endfunction
    // SAT16: saturate to int16
    function [15:0] sat16;
        input signed [79:0] v;
        begin
            if (v > 80'sd32767) sat16 = 16'h7fff;
            else if (v < -80'sd32768) sat16 = 16'h8000;
            else sat16 = v[15:0];
        end
    endfunction
    function signed [79:0] s16;
        input [15:0] v;
        begin s16 = {{64{v[15]}}, v}; end
    endfunction
    function [15:0] frac_scale;                 // fraction of `bits` bits to 16 bits
        input [63:0] frac;
        input [5:0] bits;
        // t[63:16] is 0 by construction (frac < 2^bits): waived
        /* verilator lint_off UNUSEDSIGNAL */
        reg [63:0] t;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            if (bits > 6'd16) t = frac >> (bits - 6'd16);
            else              t = frac << (6'd16 - bits);
            frac_scale = t[15:0];                   // frac < 2^bits, so the result fits 16 bits
        end
    endfunction

    wire signed [79:0] sqx = {{58{sq[21]}}, sq};
    wire signed [79:0] le_st = {{42{le_start[37]}}, le_start};
    wire signed [79:0] le_en = {{42{le_end[37]}}, le_end};
    wire signed [79:0] lo_st = {{42{lo_start[37]}}, lo_start};
    wire signed [79:0] lo_en = {{42{lo_end[37]}}, lo_end};

    reg signed [63:0] d_le, d_lo, idx_le, idx_lo, fr;
    reg [15:0] f16_le, f16_lo;
    reg le_u, le_o, le_h, lo_u, lo_o, lo_h;
    reg [6:0] L;
    reg signed [79:0] ubase, y_le, y_lo, t0, t1;
    reg [6:0] ia_le;
    reg [8:0] ia_lo;
    integer b;
    always @(*) begin
        // ---------------- LE table
        d_le = sqx[63:0] - {{42{le_start[21]}}, le_start[21:0]};       // index start: 22-bit signed
        f16_le = 16'd0; L = 7'd0; idx_le = 64'sd0; ubase = le_st; fr = 64'sd0; le_u = 1'b0;
        if (!le_function) begin
            // exponent: L = floor(log2 d)
            for (b = 0; b < 64; b = b + 1)
                if (d_le[b]) L = b[6:0];
            idx_le = $signed({57'd0, L}) - $signed({{56{le_index_offset[7]}}, le_index_offset});
            le_u = (d_le <= 64'sd0) || (idx_le < 64'sd0);
            fr = d_le - (64'sd1 <<< L);
            f16_le = frac_scale(fr, L[5:0]);
            // underflow base: start + 2^off (off >= 0), kept 39 bits signed
            if (!le_index_offset[7]) begin
                ubase = le_st + ((le_index_offset < 8'd39) ? (80'sd1 <<< le_index_offset) : 80'sd0);
                ubase = {{41{ubase[38]}}, ubase[38:0]};
            end
        end else begin
            if (!le_index_select[5]) begin
                idx_le = d_le >>> le_index_select;
                fr = d_le & ((64'sd1 <<< le_index_select) - 64'sd1);
                f16_le = frac_scale(fr, le_index_select);
            end else begin
                idx_le = (d_le > 64'sd0) ? (d_le <<< (((6'd0 - le_index_select) > 6'd24) ? 6'd24 : (6'd0 - le_index_select))) : d_le;
            end
            le_u = (d_le <= 64'sd0) || (idx_le < 64'sd0);
        end
        le_o = !le_u && (idx_le >= 64'sd64);
        le_h = !le_u && !le_o;
        ia_le = le_h ? idx_le[6:0] : 7'd0;
        t0 = s16(le_table[16*ia_le +: 16]);
        t1 = s16(le_table[16*(ia_le + 7'd1) +: 16]);
        if (le_u)      y_le = s16(le_table[15:0]) + conv((sqx - ubase) * s16(le_uflow_scale), {le_uflow_shift[4], le_uflow_shift});
        else if (le_o) y_le = s16(le_table[16*64 +: 16]) + conv((sqx - le_en) * s16(le_oflow_scale), {le_oflow_shift[4], le_oflow_shift});
        else           y_le = t0 + conv((t1 - t0) * $signed({64'd0, f16_le}), 6'd16);

        // ---------------- LO table (always linear)
        d_lo = sqx[63:0] - {{42{lo_start[21]}}, lo_start[21:0]};
        f16_lo = 16'd0;
        if (!lo_index_select[5]) begin
            idx_lo = d_lo >>> lo_index_select;
            fr = d_lo & ((64'sd1 <<< lo_index_select) - 64'sd1);
            f16_lo = frac_scale(fr, lo_index_select);
        end else begin
            idx_lo = (d_lo > 64'sd0) ? (d_lo <<< (((6'd0 - lo_index_select) > 6'd24) ? 6'd24 : (6'd0 - lo_index_select))) : d_lo;
        end
        lo_u = (d_lo <= 64'sd0) || (idx_lo < 64'sd0);
        lo_o = !lo_u && (idx_lo >= 64'sd256);
        lo_h = !lo_u && !lo_o;
        ia_lo = lo_h ? idx_lo[8:0] : 9'd0;
        t0 = s16(lo_table[16*ia_lo +: 16]);
        t1 = s16(lo_table[16*(ia_lo + 9'd1) +: 16]);
        if (lo_u)      y_lo = s16(lo_table[15:0]) + conv((sqx - lo_st) * s16(lo_uflow_scale), {lo_uflow_shift[4], lo_uflow_shift});
        else if (lo_o) y_lo = s16(lo_table[16*256 +: 16]) + conv((sqx - lo_en) * s16(lo_oflow_scale), {lo_oflow_shift[4], lo_oflow_shift});
        else           y_lo = t0 + conv((t1 - t0) * $signed({64'd0, f16_lo}), 6'd16);

        // ---------------- priority select
        if (le_u && lo_u)            lut = uflow_priority ? sat16(y_lo) : sat16(y_le);
        else if (le_o && lo_o)       lut = oflow_priority ? sat16(y_lo) : sat16(y_le);
        else if (le_h != lo_h)       lut = lo_h ? sat16(y_lo) : sat16(y_le);
        else                         lut = hybrid_priority ? sat16(y_lo) : sat16(y_le);
    end
endmodule
