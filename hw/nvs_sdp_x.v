// One lane of an SDP X stage (BS or BN): ALU -> MUL -> truncate -> ReLU, int32 in, int32 out.
//   ALU (unless alu_bypass): opnd = LSHIFT_SAT(alu_op, alu_shift, 32);
//        algo 0 MAX: max(d, opnd), 1 MIN: min(d, opnd), 2/3 SUM: d + opnd   (33-bit exact, no sat)
//   MUL: prelu && a >= 0      -> t = a[31:0] (wraps, no truncation)
//        mul_bypass           -> t = RSHIFT_RND_SAT(a, mul_shift, 32)
//        else                 -> t = RSHIFT_RND_SAT(a * mul_op, mul_shift, 32)   (49-bit exact product)
//   ReLU (unless relu_bypass): t = max(t, 0)
module nvs_sdp_x (
    input  wire [31:0] d,
    input  wire        alu_bypass,
    input  wire [1:0]  alu_algo,
    input  wire [15:0] alu_op,       // int16 operand (register or memory)
    input  wire [5:0]  alu_shift,
    input  wire        mul_bypass,
    input  wire        mul_prelu,
    input  wire [15:0] mul_op,       // int16 operand
    input  wire [5:0]  mul_shift,    // low 6 bits of MUL_SHIFT_VALUE
    input  wire        relu_bypass,
    output wire [31:0] t
);
    wire [31:0] opnd;
    wire unused_shl_sat;
    nvs_shl_sat #(.IN_W(16), .SH_W(6), .OUT_W(32)) u_shl (.in(alu_op), .shift(alu_shift), .out(opnd), .sat(unused_shl_sat));
    wire signed [32:0] d33 = {d[31], d};
    wire signed [32:0] o33 = {opnd[31], opnd};
    wire signed [32:0] sum = d33 + o33;                 // exact 33-bit
    reg  signed [32:0] a;
    always @(*) begin
        if (alu_bypass) a = d33;
        else case (alu_algo)
            2'd0: a = (d33 > o33) ? d33 : o33;          // MAX
            2'd1: a = (d33 < o33) ? d33 : o33;          // MIN
            default: a = sum;                            // SUM
        endcase
    end
    wire signed [48:0] prod = a * $signed(mul_op);      // exact 33x16 -> 49-bit
    wire [48:0] m = mul_bypass ? {{16{a[32]}}, a} : prod;
    wire [31:0] trt;
    wire unused_trt_sat;
    nvs_shr_rnd_sat #(.IN_W(49), .SH_W(6), .OUT_W(32)) u_trt (.in(m), .shift(mul_shift), .out(trt), .sat(unused_trt_sat));
    wire [31:0] pre = (mul_prelu && !a[32]) ? a[31:0] : trt;   // PReLU: non-negative passes untruncated
    assign t = (!relu_bypass && pre[31]) ? 32'd0 : pre;
endmodule
