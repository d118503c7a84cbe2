// nvs_cacc: the convolution accumulator of our nv_small. Two banks of 2**PW points x 8 kernels;
// the first step of a stripe writes the CMAC sum, later steps add (exact 40-bit sums: C*R*S
// products of |x| <= 2^14 stay below 2^38). When the stripe's last issue arrives the bank is full;
// it is then drained to SDP one point (8 kernels = one atom) per cycle through the output
// truncation (nvs_cacc_trunc: SAT_34, CLIP_TRUNCATE rounding shift, SAT_32), banks in the order
// they filled, and released to CSC (bank_free). sat_count counts saturated lanes (D_OUT_SATURATION).
module nvs_cacc #(
    parameter PW = 4
) (
    input  wire         clk,
    input  wire         rstn,
    input  wire         start,
    input  wire [4:0]   cacc_d_clip_cfg_clip_truncate,
    input  wire         in_valid,
    input  wire [151:0] in_sum,
    input  wire [PW:0]  in_pt,
    input  wire         in_bank,
    input  wire         in_first,
    input  wire         in_end,
    output reg  [1:0]   bank_free,
    output wire         idle,            // nothing held or being sent
    output reg  [31:0]  sat_count,
    // to SDP (flying input): 8 int32 lanes, kernel k at [32k+31:32k]
    output reg          out_valid,
    input  wire         out_ready,
    output reg  [255:0] out_data
);
    localparam NS = 1 << PW;
    reg [39:0] acc [0:2*NS*8-1];
    integer k;
    wire [PW:0] base_i = {in_bank, in_pt[PW-1:0]};
    always @(posedge clk) begin
        if (in_valid)
            for (k = 0; k < 8; k = k + 1)
                acc[{base_i, k[2:0]}] <= (in_first ? 40'd0 : acc[{base_i, k[2:0]}])
                                             + {{21{in_sum[19*k + 18]}}, in_sum[19*k +: 19]};
    end
    wire unused_pt = in_pt[PW];
    // ---------------- drain ----------------
    reg  [1:0]  full;
    reg  [PW:0] cnt0, cnt1;          // points held per bank
    reg         db;                  // bank to drain next
    reg  [PW:0] dp;                  // point being drained
    wire [PW:0] dcnt = db ? cnt1 : cnt0;
    wire        load = full[db] && (!out_valid || out_ready);
    wire [PW:0] rbase = {db, dp[PW-1:0]};
    wire [255:0] tr;
    wire [7:0]  ts;
    genvar gk;
    generate
        for (gk = 0; gk < 8; gk = gk + 1) begin : g_tr
            nvs_cacc_trunc u_tr (.acc(acc[{rbase, gk[2:0]}]), .clip(cacc_d_clip_cfg_clip_truncate),
                                 .out(tr[32*gk +: 32]), .sat(ts[gk]));
        end
    endgenerate
    wire [3:0] nsat = {3'd0, ts[0]} + {3'd0, ts[1]} + {3'd0, ts[2]} + {3'd0, ts[3]}
                    + {3'd0, ts[4]} + {3'd0, ts[5]} + {3'd0, ts[6]} + {3'd0, ts[7]};
    assign idle = (full == 2'b00) && !out_valid;
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            full <= 2'b00; cnt0 <= {(PW+1){1'b0}}; cnt1 <= {(PW+1){1'b0}}; db <= 1'b0; dp <= {(PW+1){1'b0}};
            bank_free <= 2'b00; sat_count <= 32'd0; out_valid <= 1'b0; out_data <= 256'd0;
        end else begin
            bank_free <= 2'b00;
            if (start) begin
                full <= 2'b00; db <= 1'b0; dp <= {(PW+1){1'b0}}; sat_count <= 32'd0;
            end else begin
                if (in_valid && in_end) begin
                    full[in_bank] <= 1'b1;
                    if (in_bank) cnt1 <= in_pt + 1'b1; else cnt0 <= in_pt + 1'b1;
                end
                if (out_valid && out_ready) out_valid <= 1'b0;
                if (load) begin
                    out_valid <= 1'b1;
                    out_data <= tr;
                    sat_count <= sat_count + {28'd0, nsat};
                    if (dp + 1'b1 == dcnt) begin
                        dp <= {(PW+1){1'b0}};
                        full[db] <= 1'b0;
                        bank_free[db] <= 1'b1;
                        db <= ~db;
                    end else dp <= dp + 1'b1;
                end
            end
        end
    end
endmodule
