// nvs_cmac: the convolution MAC array of our nv_small: 8 kernels x 8 channels = 64 int8 x int8
// multiplies every cycle, summed per kernel (exact: |sum| <= 8 * 2^14, 19 bits), one register
// stage. Tags (stripe point, bank, first/end flags) travel with the sums to CACC.
module nvs_cmac #(
    parameter PW = 4
) (
    input  wire         clk,
    input  wire         rstn,
    input  wire         in_valid,
    input  wire [63:0]  in_data,         // channel c at [8c+7:8c]
    input  wire [511:0] in_wt,           // kernel k, channel c at [8(8k+c)+7 : 8(8k+c)]
    input  wire [PW:0]  in_pt,
    input  wire         in_bank,
    input  wire         in_first,
    input  wire         in_end,
    output reg          out_valid,
    output reg  [151:0] out_sum,         // kernel k at [19k+18:19k], two's complement
    output reg  [PW:0]  out_pt,
    output reg          out_bank,
    output reg          out_first,
    output reg          out_end
);
    // the 64 products and 8 sums (evaluated in the clocked block when an issue arrives)
    function [151:0] macs(input [63:0] x, input [511:0] wt);
        integer k, c;
        reg signed [18:0] acc;
        begin
            macs = 152'd0;
            for (k = 0; k < 8; k = k + 1) begin
                acc = 19'sd0;
                for (c = 0; c < 8; c = c + 1)
                    acc = acc + $signed(x[8*c +: 8]) * $signed(wt[8*(8*k + c) +: 8]);
                macs[19*k +: 19] = acc;
            end
        end
    endfunction
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            out_valid <= 1'b0; out_pt <= {(PW+1){1'b0}}; out_bank <= 1'b0; out_first <= 1'b0; out_end <= 1'b0;
            out_sum <= 152'd0;
        end else begin
            out_valid <= in_valid; out_pt <= in_pt; out_bank <= in_bank; out_first <= in_first; out_end <= in_end;
            if (in_valid) out_sum <= macs(in_data, in_wt);
        end
    end
endmodule
