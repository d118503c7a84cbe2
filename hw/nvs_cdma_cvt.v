// nvs_cdma_cvt: one lane of CDMA's input converter (int8 output), as model/cdma.input_convert:
//   a = x - offset (18-bit exact), m = a * scale (34-bit exact),
//   t17 = RSHIFT_RND_SAT(m, truncate, 17) (round half away from zero), out = SAT(t17, 8).
// x is the widened input: int8 feature data sign-extended, unsigned pixels zero-extended.
module nvs_cdma_cvt (
    input  wire [8:0]  x,            // two's complement, -256..255
    input  wire [15:0] offset,       // int16
    input  wire [15:0] scale,        // int16
    input  wire [5:0]  truncate,     // 0..63
    output wire [7:0]  out
);
    wire signed [17:0] a = $signed({{9{x[8]}}, x}) - $signed({{2{offset[15]}}, offset});
    wire signed [33:0] m = a * $signed(scale);
    // shift in 64 bits so every truncate 0..63 rounds as the model's int64 arithmetic does
    wire [63:0] m64 = {{30{m[33]}}, m};
    wire [16:0] t17;
    wire unused_sat1, unused_sat2;
    nvs_shr_rnd_sat #(.IN_W(64), .SH_W(6), .OUT_W(17)) u_shr (.in(m64), .shift(truncate), .out(t17), .sat(unused_sat1));
    nvs_sat #(.IN_W(17), .OUT_W(8)) u_sat (.in(t17), .out(out), .sat(unused_sat2));
endmodule
