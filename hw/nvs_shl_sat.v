// LSHIFT_SAT(v, s, OUT_W): sat_OUT_W(v * 2^s) for a signed IN_W-bit v and s in 0..2^SH_W-1.
module nvs_shl_sat #(
    parameter IN_W = 16,
    parameter SH_W = 6,
    parameter OUT_W = 32
) (
    input  wire [IN_W-1:0]  in,     // two's complement
    input  wire [SH_W-1:0]  shift,
    output wire [OUT_W-1:0] out,
    output wire             sat
);
    localparam W = IN_W + (1 << SH_W) - 1;     // exact width of v * 2^s
    wire [W-1:0] wide = {{(W-IN_W){in[IN_W-1]}}, in} << shift;
    nvs_sat #(.IN_W(W), .OUT_W(OUT_W)) u_sat (.in(wide), .out(out), .sat(sat));
endmodule
