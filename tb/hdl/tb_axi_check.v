// tb_axi_check: AXI protocol checker on the DBB port (testbench-only, passive, not synthesizable).
//
// Watches every handshake between the DUT (master) and tb_axi_ram (slave) and flags, on the
// cycle it happens, a transaction that is lost, invented or malformed:
//   code 1  R beat of an ID with no outstanding read burst (a response without a request)
//   code 2  R beat ARLEN+1 of a burst without RLAST (burst longer than requested)
//   code 3  RLAST before beat ARLEN+1 (burst shorter than requested)
//   code 4  B of an ID with no write burst whose data is complete (a response without a request)
//   code 5  W beat with no write address accepted (this RAM never takes W before its AW)
//   code 6  WLAST not on beat AWLEN+1 of its burst
//   code 7  checker capacity: more than 2^QD bursts outstanding on one ID (or in the AW order)
// Same-ID responses come in request order (AXI), so a per-ID FIFO of (ARLEN, ARADDR) tells which
// burst an R beat belongs to; W data follows the AW order.  The first violation's code, ID,
// address (of the burst concerned, 0 when there is none) and cycle are held for the report;
// `err` rises with it so the testbench can stop the trace at once.  Outstanding counts and
// their maxima are outputs.  Every AR must see exactly ARLEN+1 beats and every AW exactly one
// B: what is still outstanding at the end of a trace is a lost transaction (rd_out/wr_out).
module tb_axi_check #(
    parameter QD = 8                   // log2 of the outstanding bursts tracked per ID
) (
    input             clk,
    input             rstn,
    input      [63:0] cyc,
    input             aw_valid, aw_ready,
    input       [7:0] aw_id,
    input       [3:0] aw_len,
    input      [31:0] aw_addr,
    input             w_valid, w_ready, w_last,
    input             b_valid, b_ready,
    input       [7:0] b_id,
    input             ar_valid, ar_ready,
    input       [7:0] ar_id,
    input       [3:0] ar_len,
    input      [31:0] ar_addr,
    input             r_valid, r_ready, r_last,
    input       [7:0] r_id,
    output reg        err,             // a violation was seen since reset
    output reg [31:0] err_count,
    output reg  [3:0] err_code,        // first violation
    output reg  [7:0] err_id,
    output reg [31:0] err_addr,
    output reg [63:0] err_cycle,
    output reg [31:0] rd_out,          // read bursts accepted and not yet completed (RLAST)
    output reg [31:0] rd_out_max,
    output reg [31:0] wr_out,          // write bursts accepted and not yet answered (B)
    output reg [31:0] wr_out_max,
    output reg [31:0] rd_bursts,       // bursts completed
    output reg [31:0] wr_bursts
);
    localparam N = 1 << QD;
    wire ar_f = ar_valid && ar_ready;
    wire r_f  = r_valid && r_ready;
    wire aw_f = aw_valid && aw_ready;
    wire w_f  = w_valid && w_ready;
    wire b_f  = b_valid && b_ready;

    // ---- read side: per-ID FIFO of outstanding bursts ----
    reg  [3:0]  rq_len  [0:256*N-1];
    reg  [31:0] rq_addr [0:256*N-1];
    reg  [QD:0] rq_wp [0:255];
    reg  [QD:0] rq_rp [0:255];
    reg  [3:0]  r_beat [0:255];        // beats of the head burst already seen
    wire [QD:0] ar_cnt  = rq_wp[ar_id] - rq_rp[ar_id];
    wire [QD:0] r_cnt   = rq_wp[r_id] - rq_rp[r_id];
    wire [QD-1:0] r_head = rq_rp[r_id][QD-1:0];
    wire [3:0]  r_len   = rq_len[{r_id, r_head}];
    wire [31:0] r_addr  = rq_addr[{r_id, r_head}];
    wire        r_end   = r_beat[r_id] == r_len;     // this beat is the burst's last

    // ---- write side: AW order FIFO (W follows it), per-ID counts ----
    reg  [7:0]  aq_id   [0:N-1];
    reg  [3:0]  aq_len  [0:N-1];
    reg  [31:0] aq_addr [0:N-1];
    reg  [QD:0] aq_wp, aq_rp;
    reg  [3:0]  w_beat;
    reg  [QD:0] b_done [0:255];        // bursts of this ID with all data written, awaiting B
    wire [QD:0] aq_cnt = aq_wp - aq_rp;
    wire [QD-1:0] aq_h = aq_rp[QD-1:0];
    wire        w_have = aq_cnt != 0;
    wire        w_end  = w_beat == aq_len[aq_h];

    // ---- this cycle's violation (the last one found wins when several coincide) ----
    wire        b_ok   = b_done[b_id] != 0;
    wire        w_done = w_f && w_have && (w_end || w_last);     // a burst's data completes
    reg  [3:0]  code;
    reg  [7:0]  cid;
    reg  [31:0] caddr;
    always @(*) begin
        code = 4'd0; cid = 8'd0; caddr = 32'd0;
        if (ar_f && ar_cnt == N) begin
            code = 4'd7; cid = ar_id; caddr = ar_addr;
        end
        if (r_f && r_cnt == 0) begin
            code = 4'd1; cid = r_id;
        end else if (r_f && r_end && !r_last) begin
            code = 4'd2; cid = r_id; caddr = r_addr;
        end else if (r_f && r_last && !r_end) begin
            code = 4'd3; cid = r_id; caddr = r_addr;
        end
        if (aw_f && aq_cnt == N) begin
            code = 4'd7; cid = aw_id; caddr = aw_addr;
        end
        if (w_f && !w_have) begin
            code = 4'd5; cid = 8'd0; caddr = 32'd0;
        end else if (w_done && w_end != w_last) begin
            code = 4'd6; cid = aq_id[aq_h]; caddr = aq_addr[aq_h];
        end
        if (b_f && !b_ok) begin
            code = 4'd4; cid = b_id; caddr = 32'd0;
        end
    end
    wire        ar_push = ar_f && ar_cnt != N;
    wire        r_pop   = r_f && r_cnt != 0 && (r_end || r_last);
    wire        aw_push = aw_f && aq_cnt != N;
    wire        b_pop   = b_f && b_ok;
    wire [31:0] rd_n = rd_out + {31'd0, ar_push} - {31'd0, r_pop};
    wire [31:0] wr_n = wr_out + {31'd0, aw_push} - {31'd0, b_pop};

    integer i;
    always @(posedge clk) begin
        if (!rstn) begin
            for (i = 0; i < 256; i = i + 1) begin
                rq_wp[i] <= 0; rq_rp[i] <= 0; r_beat[i] <= 0; b_done[i] <= 0;
            end
            aq_wp <= 0; aq_rp <= 0; w_beat <= 0;
            err <= 0; err_count <= 0; err_code <= 0; err_id <= 0; err_addr <= 0; err_cycle <= 0;
            rd_out <= 0; rd_out_max <= 0; wr_out <= 0; wr_out_max <= 0;
            rd_bursts <= 0; wr_bursts <= 0;
        end else begin
            if (ar_push) begin
                rq_len[{ar_id, rq_wp[ar_id][QD-1:0]}]  <= ar_len;
                rq_addr[{ar_id, rq_wp[ar_id][QD-1:0]}] <= ar_addr;
                rq_wp[ar_id] <= rq_wp[ar_id] + 1'b1;
            end
            if (r_f && r_cnt != 0) begin
                if (r_end || r_last) begin
                    r_beat[r_id] <= 0;
                    rq_rp[r_id] <= rq_rp[r_id] + 1'b1;
                    rd_bursts <= rd_bursts + 1;
                end else
                    r_beat[r_id] <= r_beat[r_id] + 1'b1;
            end
            // W data follows the AW order (W of an AW accepted this very cycle is flagged:
            // tb_axi_ram takes an AW's data from the cycle after it accepted the AW)
            if (aw_push) begin
                aq_id[aq_wp[QD-1:0]]   <= aw_id;
                aq_len[aq_wp[QD-1:0]]  <= aw_len;
                aq_addr[aq_wp[QD-1:0]] <= aw_addr;
                aq_wp <= aq_wp + 1'b1;
            end
            if (w_f && w_have) begin
                if (w_end || w_last) begin
                    w_beat <= 0;
                    aq_rp <= aq_rp + 1'b1;
                end else
                    w_beat <= w_beat + 1'b1;
            end
            if (b_pop) wr_bursts <= wr_bursts + 1;
            // per-ID bursts with complete data awaiting B (one completing this cycle counts
            // from the next)
            if (w_done && b_pop && b_id == aq_id[aq_h])
                b_done[b_id] <= b_done[b_id];
            else begin
                if (w_done) b_done[aq_id[aq_h]] <= b_done[aq_id[aq_h]] + 1'b1;
                if (b_pop) b_done[b_id] <= b_done[b_id] - 1'b1;
            end
            rd_out <= rd_n;
            wr_out <= wr_n;
            if (rd_n > rd_out_max) rd_out_max <= rd_n;
            if (wr_n > wr_out_max) wr_out_max <= wr_n;
            if (code != 0) begin
                err <= 1;
                err_count <= err_count + 1;
                if (!err) begin
                    err_code <= code; err_id <= cid; err_addr <= caddr; err_cycle <= cyc;
                end
            end
        end
    end
endmodule
