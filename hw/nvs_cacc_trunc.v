// nvs_cacc_trunc: CACC's output truncation of one lane, as model/cacc.truncate:
//   a = SAT_34(acc); out = SAT_32(RSHIFT_RND(a, clip)) rounding half away from zero, where the
//   rounding's sticky bit sees only the 15 bits just below the guard bit (NVIDIA's RTL shifts
//   {acc, 16'b0} right by clip and keeps 16 fraction bits). clip = 0: out = SAT_32(a).
module nvs_cacc_trunc (
    input  wire [39:0] acc,          // exact sum, two's complement
    input  wire [4:0]  clip,         // CLIP_TRUNCATE 0..31
    output wire [31:0] out,
    output wire        sat           // the 32-bit saturation clamped
);
    wire [33:0] a;
    wire unused_sat34;
    nvs_sat #(.IN_W(40), .OUT_W(34)) u_s34 (.in(acc), .out(a), .sat(unused_sat34));
    wire [33:0] fl = $signed(a) >>> clip;
    wire [5:0]  s1 = {1'b0, clip} - 6'd1;                                 // guard bit index
    wire        guard = (clip != 5'd0) && a[s1];
    wire [5:0]  low = (clip > 5'd16) ? {1'b0, clip} - 6'd16 : 6'd0;      // lowest sticky bit
    wire [33:0] below_g = (clip == 5'd0) ? 34'd0 : ((34'd1 << s1) - 34'd1);  // bits s-2..0
    wire [33:0] below_l = (34'd1 << low) - 34'd1;                        // bits low-1..0
    wire        sticky = |(a & below_g & ~below_l);
    wire        rnd = guard & (~a[33] | sticky);
    wire [33:0] r = fl + {33'd0, rnd};
    nvs_sat #(.IN_W(34), .OUT_W(32)) u_s32 (.in(r), .out(out), .sat(sat));
endmodule
