// nvs_cube_wr: feature-cube writer for the PDP and CDP WDMA (one DMA write client).
// Takes output atoms on a valid/ready stream in loop order (outermost first)
//   segment -> (order_ys ? y : s) -> (order_ys ? s : y) -> x
// and writes atom (s, y, x) of segment i to base + s*surf_stride + y*line_stride + (xs_i + x)*8 with
//   seg 0: xs = 0, width w_first;  seg i>=1: xs = w_first + (i-1)*w_mid, width (i==seg_num ? w_last : w_mid).
// A burst (<= 16 beats, never across 4 KiB) is requested only once all its beats are buffered, so the
// data of a request always follows it without a gap. done pulses when the last request is acked.
module nvs_cube_wr #(
    parameter FAW = 5                       // input FIFO depth 2**FAW (>= 16)
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        start,
    output reg         done,                // pulse: everything written and acked
    input  wire [31:0] base,
    input  wire [31:0] line_stride,
    input  wire [31:0] surf_stride,
    input  wire [9:0]  n_surf_m1,
    input  wire [12:0] h_m1,
    input  wire        order_ys,
    input  wire [7:0]  seg_num,
    input  wire [13:0] w_first,
    input  wire [13:0] w_mid,
    input  wire [13:0] w_last,
    // atom stream in
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [63:0] in_data,
    // DMA write client
    output wire        wr_req_valid,
    input  wire        wr_req_ready,
    output wire [31:0] wr_req_addr,
    output wire [3:0]  wr_req_len,
    output wire        wr_dat_valid,
    input  wire        wr_dat_ready,
    output wire [63:0] wr_dat_data,
    output wire [7:0]  wr_dat_mask,
    input  wire        wr_ack
);
    reg         busy;                        // requests still to issue
    reg         active;                      // a cube is in progress
    reg  [7:0]  seg;
    reg  [12:0] ya, yb;
    reg  [13:0] col;
    reg  [14:0] xs;
    reg  [FAW:0] pend;                       // beats requested, not yet sent
    reg  [15:0] outst;                       // requests not yet acked
    wire [FAW:0] fcount;
    wire        f_valid;

    wire [12:0] s_cur = order_ys ? yb : ya;
    wire [12:0] y_cur = order_ys ? ya : yb;
    wire [12:0] a_max = order_ys ? h_m1 : {3'b000, n_surf_m1};
    wire [12:0] b_max = order_ys ? {3'b000, n_surf_m1} : h_m1;
    wire [14:0] wn    = (seg == 8'd0) ? {1'b0, w_first}
                      : ((seg == seg_num) ? {1'b0, w_last} : {1'b0, w_mid});

    wire [31:0] row_addr = base + s_cur * surf_stride + y_cur * line_stride + {14'd0, xs, 3'b000};
    wire [31:0] addr     = row_addr + {15'd0, col, 3'b000};
    wire [14:0] rem      = wn - {1'b0, col};
    wire [9:0]  to4k     = 10'd512 - {1'b0, addr[11:3]};
    wire [4:0]  r16      = (rem > 15'd16) ? 5'd16 : rem[4:0];
    wire [4:0]  nbeats   = ({5'd0, r16} > to4k) ? to4k[4:0] : r16;
    wire        have     = {1'b0, fcount} >= ({1'b0, pend} + {{(FAW-3){1'b0}}, nbeats});

    assign wr_req_valid = busy && have;
    assign wr_req_addr  = addr;
    assign wr_req_len   = nbeats[3:0] - 4'd1;
    wire   issue        = wr_req_valid && wr_req_ready;
    wire   last_burst   = ({1'b0, col} + {10'd0, nbeats}) >= wn;

    assign wr_dat_valid = f_valid && (pend != {(FAW+1){1'b0}});
    assign wr_dat_mask  = 8'hff;
    wire   send         = wr_dat_valid && wr_dat_ready;

    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            busy <= 1'b0; active <= 1'b0; done <= 1'b0; seg <= 8'd0; ya <= 13'd0; yb <= 13'd0;
            col <= 14'd0; xs <= 15'd0; pend <= {(FAW+1){1'b0}}; outst <= 16'd0;
        end else begin
            done  <= 1'b0;
            pend  <= pend + (issue ? {{(FAW-4){1'b0}}, nbeats} : {(FAW+1){1'b0}}) - {{FAW{1'b0}}, send};
            outst <= outst + {15'd0, issue} - {15'd0, wr_ack};
            if (start) begin
                busy <= 1'b1; active <= 1'b1; seg <= 8'd0; ya <= 13'd0; yb <= 13'd0;
                col <= 14'd0; xs <= 15'd0;
            end else begin
                if (active && !busy && pend == {(FAW+1){1'b0}} && outst == 16'd0) begin
                    active <= 1'b0; done <= 1'b1;
                end
                if (issue) begin
                    if (!last_burst) col <= col + {9'd0, nbeats};
                    else begin
                        col <= 14'd0;
                        if (yb != b_max) yb <= yb + 13'd1;
                        else begin
                            yb <= 13'd0;
                            if (ya != a_max) ya <= ya + 13'd1;
                            else begin
                                ya <= 13'd0;
                                if (seg != seg_num) begin
                                    seg <= seg + 8'd1;
                                    xs  <= xs + ((seg == 8'd0) ? {1'b0, w_first} : {1'b0, w_mid});
                                end else busy <= 1'b0;
                            end
                        end
                    end
                end
            end
        end
    end

    nvs_pc_fifo #(.W(64), .AW(FAW)) u_fifo (
        .clk(clk), .rstn(rstn),
        .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .out_valid(f_valid), .out_ready(send), .out_data(wr_dat_data), .count(fcount)
    );
endmodule
