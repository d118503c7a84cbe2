// Per-client read response buffer of nvs_dma with credit accounting.
// The DMA issues a read request for this client only when `can_issue` (free space covers all
// beats in flight plus the new request), so the AXI R channel is never blocked by a slow client
// (no head-of-line blocking between clients, no deadlock when one engine waits for another).
module nvs_dma_rdfifo #(
    parameter AW = 6                       // log2(depth); depth >= 32 (two 16-beat bursts)
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        issue,              // a request of `issue_beats` beats is sent on AR
    input  wire [4:0]  issue_beats,        // 1..16
    input  wire [3:0]  req_len,            // length (beats-1) of the request the client presents
    output wire        can_issue,
    input  wire        push,               // one R beat for this client
    input  wire [63:0] push_data,
    output wire        rsp_valid,
    input  wire        rsp_ready,
    output wire [63:0] rsp_data
);
    localparam [AW:0] DEPTH = {1'b1, {AW{1'b0}}};
    reg [63:0] mem [0:(1 << AW) - 1];
    reg [AW-1:0] wptr, rptr;
    reg [AW:0] count;                      // beats held
    reg [AW:0] pend;                       // beats requested, not yet returned
    wire pop = rsp_valid & rsp_ready;
    assign rsp_valid = (count != 0);
    assign rsp_data = mem[rptr];
    // space check: count + pend + (req_len + 1) <= DEPTH
    wire [AW+1:0] need = {1'b0, count} + {1'b0, pend} + {{(AW-3){1'b0}}, req_len} + 1'b1;
    assign can_issue = (need <= {1'b0, DEPTH});
    always @(posedge clk) begin
        if (push) mem[wptr] <= push_data;
    end
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            wptr <= 0;
            rptr <= 0;
            count <= 0;
            pend <= 0;
        end else begin
            if (push) wptr <= wptr + 1'b1;
            if (pop) rptr <= rptr + 1'b1;
            count <= count + {{AW{1'b0}}, push} - {{AW{1'b0}}, pop};
            pend <= pend + (issue ? {{(AW-4){1'b0}}, issue_beats} : {(AW+1){1'b0}}) - {{AW{1'b0}}, push};
        end
    end
endmodule
