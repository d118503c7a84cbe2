// RSHIFT_RND_SAT(v, s, OUT_W): signed right shift by s with rounding to nearest, ties away from
// zero (+2.5 -> 3, -2.5 -> -3), then saturation to OUT_W bits. Rounding happens before the
// saturation. s = 0 is a plain saturation; s >= IN_W gives 0 (as NVIDIA's RTL shifter does).
// Integer form: f = floor(v / 2^s); guard = bit s-1 of v; sticky = OR of bits s-2..0;
// result = f + (guard & (v >= 0 | sticky)).
module nvs_shr_rnd_sat #(
    parameter IN_W = 49,
    parameter SH_W = 6,
    parameter OUT_W = 32
) (
    input  wire [IN_W-1:0]  in,     // two's complement
    input  wire [SH_W-1:0]  shift,
    output wire [OUT_W-1:0] out,
    output wire             sat
);
    wire sign = in[IN_W-1];
    wire big = ({{(32-SH_W){1'b0}}, shift} >= IN_W);
    // floor(v / 2^s): arithmetic shift
    wire [IN_W-1:0] fl = $signed(in) >>> shift;
    // guard bit (s >= 1) and sticky bits below it
    wire [IN_W-1:0] lowmask = ({{(IN_W-1){1'b0}}, 1'b1} << shift) - 1'b1;    // bits s-1..0
    wire [IN_W-1:0] gmask = (shift == 0) ? {IN_W{1'b0}} : ({{(IN_W-1){1'b0}}, 1'b1} << (shift - 1'b1));
    wire guard = |(in & gmask);
    wire sticky = |(in & lowmask & ~gmask);
    wire rnd = guard & (~sign | sticky);
    // floor + round fits IN_W bits: for s >= 1 |floor| <= 2^(IN_W-2)
    wire [IN_W-1:0] r = fl + {{(IN_W-1){1'b0}}, rnd};
    wire [OUT_W-1:0] s_out;
    wire s_sat;
    nvs_sat #(.IN_W(IN_W), .OUT_W(OUT_W)) u_sat (.in(r), .out(s_out), .sat(s_sat));
    assign out = big ? {OUT_W{1'b0}} : s_out;
    assign sat = big ? 1'b0 : s_sat;
endmodule
