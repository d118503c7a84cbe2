// SDP operand collector (behind BRDMA / NRDMA): gathers the `k` beats (k = bytes per element,
// 1/2/4) that hold the operands of one atom (8 channels) and decodes them into 8 ALU and 8 MUL
// int16 operands. Memory format per element: ONE_BYTE = int8 (sign-extended), TWO_BYTE = int16
// little-endian; DATA_USE MUL (0) / ALU (1) / BOTH (2: ALU operand first, then MUL operand).
// A vector is presented `rep` times (PER_KERNEL: once per pixel of the surface; PER_ELEMENT: 1).
module nvs_sdp_opnd (
    input  wire         clk,
    input  wire         rstn,
    input  wire         clear,         // start of an operation
    input  wire [1:0]   data_use,
    input  wire         two_byte,
    input  wire [2:0]   k,             // beats per atom: 1, 2 or 4
    input  wire [27:0]  rep,           // pops per vector (>= 1)
    input  wire         rsp_valid,
    output wire         rsp_ready,
    input  wire [63:0]  rsp_data,
    output wire         vec_valid,
    input  wire         vec_pop,
    output reg  [127:0] alu_ops,       // lane i at [16i+15:16i]
    output reg  [127:0] mul_ops
);
    reg [255:0] buf_q;
    reg [2:0]   cnt;
    reg [27:0]  rc;
    assign vec_valid = (cnt == k);
    assign rsp_ready = (cnt < k);
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            buf_q <= 256'd0;
            cnt <= 3'd0;
            rc <= 28'd0;
        end else if (clear) begin
            cnt <= 3'd0;
            rc <= 28'd0;
        end else begin
            if (rsp_valid && rsp_ready) begin
                buf_q[64*cnt[1:0] +: 64] <= rsp_data;
                cnt <= cnt + 3'd1;
            end
            if (vec_pop && vec_valid) begin
                if (rc + 28'd1 < rep) rc <= rc + 28'd1;
                else begin
                    rc <= 28'd0;
                    cnt <= 3'd0;
                end
            end
        end
    end
    integer i;
    reg [15:0] v0, v1;
    always @(*) begin
        alu_ops = 128'd0;
        mul_ops = 128'd0;
        for (i = 0; i < 8; i = i + 1) begin
            if (data_use == 2'd2) begin
                // BOTH: element = {ALU, MUL}, each 1 or 2 bytes
                if (two_byte) begin
                    v0 = buf_q[32*i +: 16];
                    v1 = buf_q[32*i+16 +: 16];
                end else begin
                    v0 = {{8{buf_q[16*i+7]}}, buf_q[16*i +: 8]};
                    v1 = {{8{buf_q[16*i+15]}}, buf_q[16*i+8 +: 8]};
                end
                alu_ops[16*i +: 16] = v0;
                mul_ops[16*i +: 16] = v1;
            end else begin
                v0 = two_byte ? buf_q[16*i +: 16] : {{8{buf_q[8*i+7]}}, buf_q[8*i +: 8]};
                v1 = v0;
                if (data_use == 2'd1) alu_ops[16*i +: 16] = v0;
                else mul_ops[16*i +: 16] = v1;
            end
        end
    end
endmodule
