// One lane of the SDP output converter (int8 out):
//   s = d - offset (33-bit exact); p = s * scale (49-bit exact);
//   t17 = RSHIFT_RND_SAT(p, shift, 17); out = SAT(t17, 8).
module nvs_sdp_cvt (
    input  wire [31:0] d,
    input  wire [31:0] offset,
    input  wire [15:0] scale,
    input  wire [5:0]  shift,
    output wire [7:0]  out,
    output wire        sat           // saturation in either step
);
    wire signed [32:0] s = $signed({d[31], d}) - $signed({offset[31], offset});
    wire signed [48:0] p = s * $signed(scale);
    wire [16:0] t17;
    wire sat1, sat2;
    nvs_shr_rnd_sat #(.IN_W(49), .SH_W(6), .OUT_W(17)) u_shr (.in(p), .shift(shift), .out(t17), .sat(sat1));
    nvs_sat #(.IN_W(17), .OUT_W(8)) u_sat (.in(t17), .out(out), .sat(sat2));
    assign sat = sat1 | sat2;
endmodule
