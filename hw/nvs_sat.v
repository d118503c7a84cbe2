// SAT(v, OUT_W): clamp a signed IN_W-bit value to the signed OUT_W-bit range (OUT_W <= IN_W).
module nvs_sat #(
    parameter IN_W = 33,
    parameter OUT_W = 32
) (
    input  wire [IN_W-1:0]  in,     // two's complement
    output wire [OUT_W-1:0] out,
    output wire             sat     // 1 when the value was clamped
);
    wire sign = in[IN_W-1];
    // fits when all bits above the OUT_W-1 sign bit equal the sign
    wire [IN_W-OUT_W:0] top = in[IN_W-1:OUT_W-1];
    wire fits = (top == {(IN_W-OUT_W+1){sign}});
    assign sat = ~fits;
    assign out = fits ? in[OUT_W-1:0]
               : sign ? {1'b1, {(OUT_W-1){1'b0}}}      // most negative
                      : {1'b0, {(OUT_W-1){1'b1}}};     // most positive
endmodule
