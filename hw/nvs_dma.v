// nvs_dma: the AXI DMA shared by the engines (nv_small DBB port: 64-bit data, 32-bit address).
// Read clients (AXI ARID = client index): 0=sdp_mrdma, 1=sdp_brdma, 2=sdp_nrdma, 3=pdp_rdma, 4=cdp_rdma,
// 5=cdma_dat, 6=cdma_wt.
// Write clients (AXI AWID = client index): 0=sdp_wdma, 1=pdp_wdma, 2=cdp_wdma.
// * Reads: round-robin among clients whose response buffer (nvs_dma_rdfifo) has room for all
//   beats in flight plus the new request; any number of requests may be outstanding, so memory
//   latency is hidden. R beats are routed by RID; responses of one client return in request order
//   (one AXI ID per client). The credits guarantee buffer space, so r_ready can stay 1; in
//   simulation the plusarg +nvs_dma_rready_seed=<n> (n != 0; the testbench passes its memory
//   SEED) makes r_ready fall pseudo-randomly (xorshift32 seeded by n: one cycle in four, and
//   now and then for up to 63 cycles), exercising the R back-pressure path a real DMA uses.
//   Off by default and under SYNTHESIS; data and order are unchanged, only timing.
// * Writes: round-robin among clients; the granted request goes out on AW while its len+1 data
//   beats are streamed from the same client on W (wlast on the last); the next request is granted
//   after the last beat. B responses pulse <client>_wr_ack by BID. b_ready is always 1.
// Requests never cross 4 KiB (the clients guarantee it) and are 8-byte aligned.
module nvs_dma (
    input  wire        clk,
    input  wire        rstn,
    input  wire        sdp_mrdma_rd_req_valid,
    output wire        sdp_mrdma_rd_req_ready,
    input  wire [31:0] sdp_mrdma_rd_req_addr,
    input  wire [3:0]  sdp_mrdma_rd_req_len,
    output wire        sdp_mrdma_rd_rsp_valid,
    input  wire        sdp_mrdma_rd_rsp_ready,
    output wire [63:0] sdp_mrdma_rd_rsp_data,
    input  wire        sdp_brdma_rd_req_valid,
    output wire        sdp_brdma_rd_req_ready,
    input  wire [31:0] sdp_brdma_rd_req_addr,
    input  wire [3:0]  sdp_brdma_rd_req_len,
    output wire        sdp_brdma_rd_rsp_valid,
    input  wire        sdp_brdma_rd_rsp_ready,
    output wire [63:0] sdp_brdma_rd_rsp_data,
    input  wire        sdp_nrdma_rd_req_valid,
    output wire        sdp_nrdma_rd_req_ready,
    input  wire [31:0] sdp_nrdma_rd_req_addr,
    input  wire [3:0]  sdp_nrdma_rd_req_len,
    output wire        sdp_nrdma_rd_rsp_valid,
    input  wire        sdp_nrdma_rd_rsp_ready,
    output wire [63:0] sdp_nrdma_rd_rsp_data,
    input  wire        pdp_rdma_rd_req_valid,
    output wire        pdp_rdma_rd_req_ready,
    input  wire [31:0] pdp_rdma_rd_req_addr,
    input  wire [3:0]  pdp_rdma_rd_req_len,
    output wire        pdp_rdma_rd_rsp_valid,
    input  wire        pdp_rdma_rd_rsp_ready,
    output wire [63:0] pdp_rdma_rd_rsp_data,
    input  wire        cdp_rdma_rd_req_valid,
    output wire        cdp_rdma_rd_req_ready,
    input  wire [31:0] cdp_rdma_rd_req_addr,
    input  wire [3:0]  cdp_rdma_rd_req_len,
    output wire        cdp_rdma_rd_rsp_valid,
    input  wire        cdp_rdma_rd_rsp_ready,
    output wire [63:0] cdp_rdma_rd_rsp_data,
    input  wire        cdma_dat_rd_req_valid,
    output wire        cdma_dat_rd_req_ready,
    input  wire [31:0] cdma_dat_rd_req_addr,
    input  wire [3:0]  cdma_dat_rd_req_len,
    output wire        cdma_dat_rd_rsp_valid,
    input  wire        cdma_dat_rd_rsp_ready,
    output wire [63:0] cdma_dat_rd_rsp_data,
    input  wire        cdma_wt_rd_req_valid,
    output wire        cdma_wt_rd_req_ready,
    input  wire [31:0] cdma_wt_rd_req_addr,
    input  wire [3:0]  cdma_wt_rd_req_len,
    output wire        cdma_wt_rd_rsp_valid,
    input  wire        cdma_wt_rd_rsp_ready,
    output wire [63:0] cdma_wt_rd_rsp_data,
    input  wire        sdp_wdma_wr_req_valid,
    output wire        sdp_wdma_wr_req_ready,
    input  wire [31:0] sdp_wdma_wr_req_addr,
    input  wire [3:0]  sdp_wdma_wr_req_len,
    input  wire        sdp_wdma_wr_dat_valid,
    output wire        sdp_wdma_wr_dat_ready,
    input  wire [63:0] sdp_wdma_wr_dat_data,
    input  wire [7:0]  sdp_wdma_wr_dat_mask,
    output wire        sdp_wdma_wr_ack,
    input  wire        pdp_wdma_wr_req_valid,
    output wire        pdp_wdma_wr_req_ready,
    input  wire [31:0] pdp_wdma_wr_req_addr,
    input  wire [3:0]  pdp_wdma_wr_req_len,
    input  wire        pdp_wdma_wr_dat_valid,
    output wire        pdp_wdma_wr_dat_ready,
    input  wire [63:0] pdp_wdma_wr_dat_data,
    input  wire [7:0]  pdp_wdma_wr_dat_mask,
    output wire        pdp_wdma_wr_ack,
    input  wire        cdp_wdma_wr_req_valid,
    output wire        cdp_wdma_wr_req_ready,
    input  wire [31:0] cdp_wdma_wr_req_addr,
    input  wire [3:0]  cdp_wdma_wr_req_len,
    input  wire        cdp_wdma_wr_dat_valid,
    output wire        cdp_wdma_wr_dat_ready,
    input  wire [63:0] cdp_wdma_wr_dat_data,
    input  wire [7:0]  cdp_wdma_wr_dat_mask,
    output wire        cdp_wdma_wr_ack,
    output reg         aw_valid,
    input  wire        aw_ready,
    output reg  [7:0]  aw_id,
    output reg  [3:0]  aw_len,
    output reg  [31:0] aw_addr,
    output wire        w_valid,
    input  wire        w_ready,
    output wire [63:0] w_data,
    output wire [7:0]  w_strb,
    output wire        w_last,
    input  wire        b_valid,
    output wire        b_ready,
    input  wire [7:0]  b_id,
    output reg         ar_valid,
    input  wire        ar_ready,
    output reg  [7:0]  ar_id,
    output reg  [3:0]  ar_len,
    output reg  [31:0] ar_addr,
    input  wire        r_valid,
    output wire        r_ready,
    input  wire [7:0]  r_id,
    input  wire        r_last,
    input  wire [63:0] r_data
);
    localparam NR = 7;
    localparam NW = 3;
    // ---------------- read clients packed ----------------
    wire [NR-1:0]    rq_valid = {cdma_wt_rd_req_valid, cdma_dat_rd_req_valid, cdp_rdma_rd_req_valid, pdp_rdma_rd_req_valid, sdp_nrdma_rd_req_valid, sdp_brdma_rd_req_valid, sdp_mrdma_rd_req_valid};
    wire [NR*32-1:0] rq_addr  = {cdma_wt_rd_req_addr, cdma_dat_rd_req_addr, cdp_rdma_rd_req_addr, pdp_rdma_rd_req_addr, sdp_nrdma_rd_req_addr, sdp_brdma_rd_req_addr, sdp_mrdma_rd_req_addr};
    wire [NR*4-1:0]  rq_len   = {cdma_wt_rd_req_len, cdma_dat_rd_req_len, cdp_rdma_rd_req_len, pdp_rdma_rd_req_len, sdp_nrdma_rd_req_len, sdp_brdma_rd_req_len, sdp_mrdma_rd_req_len};
    wire [NR-1:0]    rs_ready = {cdma_wt_rd_rsp_ready, cdma_dat_rd_rsp_ready, cdp_rdma_rd_rsp_ready, pdp_rdma_rd_rsp_ready, sdp_nrdma_rd_rsp_ready, sdp_brdma_rd_rsp_ready, sdp_mrdma_rd_rsp_ready};
    wire [NR-1:0]    rs_valid;
    wire [NR*64-1:0] rs_data;
    wire [NR-1:0]    can_issue;
    reg  [NR-1:0]    rgrant;               // one-hot grant of this cycle
    wire             ar_free = !ar_valid || ar_ready;
    wire [NR-1:0]    rd_req_ready = ar_free ? rgrant : {NR{1'b0}};
    assign sdp_mrdma_rd_req_ready = rd_req_ready[0];
    assign sdp_mrdma_rd_rsp_valid = rs_valid[0];
    assign sdp_mrdma_rd_rsp_data = rs_data[63:0];
    assign sdp_brdma_rd_req_ready = rd_req_ready[1];
    assign sdp_brdma_rd_rsp_valid = rs_valid[1];
    assign sdp_brdma_rd_rsp_data = rs_data[127:64];
    assign sdp_nrdma_rd_req_ready = rd_req_ready[2];
    assign sdp_nrdma_rd_rsp_valid = rs_valid[2];
    assign sdp_nrdma_rd_rsp_data = rs_data[191:128];
    assign pdp_rdma_rd_req_ready = rd_req_ready[3];
    assign pdp_rdma_rd_rsp_valid = rs_valid[3];
    assign pdp_rdma_rd_rsp_data = rs_data[255:192];
    assign cdp_rdma_rd_req_ready = rd_req_ready[4];
    assign cdp_rdma_rd_rsp_valid = rs_valid[4];
    assign cdp_rdma_rd_rsp_data = rs_data[319:256];
    assign cdma_dat_rd_req_ready = rd_req_ready[5];
    assign cdma_dat_rd_rsp_valid = rs_valid[5];
    assign cdma_dat_rd_rsp_data = rs_data[383:320];
    assign cdma_wt_rd_req_ready = rd_req_ready[6];
    assign cdma_wt_rd_rsp_valid = rs_valid[6];
    assign cdma_wt_rd_rsp_data = rs_data[447:384];
    // ---- optional R back-pressure (simulation only, see the header) ----
`ifdef SYNTHESIS    // mutate: off (tb/mutate.py): testbench-only R back-pressure, any pattern is legal
    wire        rr_en = 1'b0;
    wire [31:0] rr_seed = 32'd1;
`else
    reg         rr_en;
    reg  [31:0] rr_seed;
    initial begin
        rr_en = 1'b0;
        rr_seed = 32'd1;
        if ($value$plusargs("nvs_dma_rready_seed=%d", rr_seed)) rr_en = (rr_seed != 32'd0);
        if (rr_seed == 32'd0) rr_seed = 32'd1;
    end
`endif
    reg  [31:0] rr_s;                      // xorshift32 state
    reg  [5:0]  rr_hold;                   // cycles of a long stall left
    wire [31:0] rr_1 = rr_s ^ (rr_s << 13);
    wire [31:0] rr_2 = rr_1 ^ (rr_1 >> 17);
    wire [31:0] rr_n = rr_2 ^ (rr_2 << 5);
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            rr_s <= rr_seed;
            rr_hold <= 6'd0;
        end else if (rr_en) begin
            rr_s <= rr_n;
            if (rr_hold != 6'd0) rr_hold <= rr_hold - 6'd1;
            else if (rr_s[9:2] == 8'd0) rr_hold <= rr_s[15:10];     // 1 in 256: a long stall
        end
    end                 // mutate: on
    assign r_ready = !rr_en || (rr_s[1:0] != 2'b00 && rr_hold == 6'd0);
    genvar gi;
    generate
        for (gi = 0; gi < NR; gi = gi + 1) begin : g_rd
            nvs_dma_rdfifo #(.AW(6)) u_fifo (
                .clk(clk), .rstn(rstn),
                .issue(rd_req_ready[gi] & rq_valid[gi]),
                .issue_beats({1'b0, rq_len[4*gi+3:4*gi]} + 5'd1),
                .req_len(rq_len[4*gi+3:4*gi]),
                .can_issue(can_issue[gi]),
                .push(r_valid && r_ready && r_id == gi),
                .push_data(r_data),
                .rsp_valid(rs_valid[gi]), .rsp_ready(rs_ready[gi]),
                .rsp_data(rs_data[64*gi+63:64*gi]));
        end
    endgenerate
    // round-robin: the first eligible client after the last granted one
    reg [2:0] rlast;
    // each combinational block has its own loop variables: a variable shared by two
    // always @(*) blocks re-triggers both forever at time 0 in Icarus
    integer ri, rk, si, wi, wk, ti;
    always @(*) begin
        rgrant = {NR{1'b0}};
        for (ri = NR; ri >= 1; ri = ri - 1) begin
            rk = ({29'd0, rlast} + ri) % NR;
            if (rq_valid[rk] && can_issue[rk]) rgrant = ({{(NR-1){1'b0}}, 1'b1} << rk);
        end
    end
    reg [2:0] rsel;
    always @(*) begin
        rsel = 3'd0;
        for (si = 0; si < NR; si = si + 1)
            if (rgrant[si]) rsel = si[2:0];
    end
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            ar_valid <= 1'b0;
            ar_id <= 8'd0;
            ar_len <= 4'd0;
            ar_addr <= 32'd0;
            rlast <= 3'd0;
        end else if (ar_free) begin
            ar_valid <= |rgrant;
            if (|rgrant) begin
                ar_id <= {5'd0, rsel};
                ar_len <= rq_len[4*rsel +: 4];
                ar_addr <= rq_addr[32*rsel +: 32];
                rlast <= rsel;
            end
        end
    end
    // r_last is implied by the per-client beat accounting
    wire unused_r_last = r_last;

    // ---------------- write clients ----------------
    wire [NW-1:0]    wq_valid = {cdp_wdma_wr_req_valid, pdp_wdma_wr_req_valid, sdp_wdma_wr_req_valid};
    wire [NW*32-1:0] wq_addr  = {cdp_wdma_wr_req_addr, pdp_wdma_wr_req_addr, sdp_wdma_wr_req_addr};
    wire [NW*4-1:0]  wq_len   = {cdp_wdma_wr_req_len, pdp_wdma_wr_req_len, sdp_wdma_wr_req_len};
    wire [NW-1:0]    wd_valid = {cdp_wdma_wr_dat_valid, pdp_wdma_wr_dat_valid, sdp_wdma_wr_dat_valid};
    wire [NW*64-1:0] wd_data  = {cdp_wdma_wr_dat_data, pdp_wdma_wr_dat_data, sdp_wdma_wr_dat_data};
    wire [NW*8-1:0]  wd_mask  = {cdp_wdma_wr_dat_mask, pdp_wdma_wr_dat_mask, sdp_wdma_wr_dat_mask};
    reg        wbusy;                      // a burst's data is being streamed
    reg [1:0]  wcl;                        // client of that burst
    reg [3:0]  wcnt;                       // beats left - 1
    reg [1:0]  wlastc;
    reg [NW-1:0] wgrant;
    always @(*) begin
        wgrant = {NW{1'b0}};
        for (wi = NW; wi >= 1; wi = wi - 1) begin
            wk = ({30'd0, wlastc} + wi) % NW;
            if (wq_valid[wk]) wgrant = ({{(NW-1){1'b0}}, 1'b1} << wk);
        end
    end
    reg [1:0] wsel;
    always @(*) begin
        wsel = 2'd0;
        for (ti = 0; ti < NW; ti = ti + 1)
            if (wgrant[ti]) wsel = ti[1:0];
    end
    wire aw_free = !aw_valid || aw_ready;
    wire wstart = !wbusy && aw_free && (|wgrant);
    wire [NW-1:0] wr_req_ready = wstart ? wgrant : {NW{1'b0}};
    assign w_valid = wbusy && wd_valid[wcl];
    assign w_data = wd_data[64*wcl +: 64];
    assign w_strb = wd_mask[8*wcl +: 8];
    assign w_last = (wcnt == 4'd0);
    wire [NW-1:0] wr_dat_ready = (wbusy && w_ready) ? ({{(NW-1){1'b0}}, 1'b1} << wcl) : {NW{1'b0}};
    assign b_ready = 1'b1;
    assign sdp_wdma_wr_req_ready = wr_req_ready[0];
    assign sdp_wdma_wr_dat_ready = wr_dat_ready[0];
    assign sdp_wdma_wr_ack = b_valid && b_id == 8'd0;
    assign pdp_wdma_wr_req_ready = wr_req_ready[1];
    assign pdp_wdma_wr_dat_ready = wr_dat_ready[1];
    assign pdp_wdma_wr_ack = b_valid && b_id == 8'd1;
    assign cdp_wdma_wr_req_ready = wr_req_ready[2];
    assign cdp_wdma_wr_dat_ready = wr_dat_ready[2];
    assign cdp_wdma_wr_ack = b_valid && b_id == 8'd2;
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            aw_valid <= 1'b0;
            aw_id <= 8'd0;
            aw_len <= 4'd0;
            aw_addr <= 32'd0;
            wbusy <= 1'b0;
            wcl <= 2'd0;
            wcnt <= 4'd0;
            wlastc <= 2'd0;
        end else begin
            if (aw_ready) aw_valid <= 1'b0;
            if (wstart) begin
                aw_valid <= 1'b1;
                aw_id <= {6'd0, wsel};
                aw_len <= wq_len[4*wsel +: 4];
                aw_addr <= wq_addr[32*wsel +: 32];
                wbusy <= 1'b1;
                wcl <= wsel;
                wcnt <= wq_len[4*wsel +: 4];
                wlastc <= wsel;
            end else if (w_valid && w_ready) begin
                if (wcnt == 4'd0) wbusy <= 1'b0;
                else wcnt <= wcnt - 4'd1;
            end
        end
    end
endmodule
