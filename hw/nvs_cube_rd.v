// nvs_cube_rd: feature-cube reader for the PDP_RDMA and CDP_RDMA (one DMA read client).
// Reads the NVDLA feature-cube layout (8-byte atoms; byte address of atom (s, y, x) =
// base + s*surf_stride + y*line_stride + x*8) row by row and delivers the atoms, in order,
// on a valid/ready stream. Loop order, outermost first:
//   segment (split-width: seg 0 .. seg_num) -> (order_ys ? y : s) -> (order_ys ? s : y) -> x.
// Segment i covers columns [xs_i, xs_i + wn_i):
//   seg 0: xs = 0, wn = w_first;  seg i>=1: xs = w_first + (i-1)*w_mid - ov, wn = (i==seg_num ? w_last : w_mid) + ov
// Bursts are at most 16 beats and never cross a 4 KiB boundary. Several bursts may be in
// flight; a burst is issued only when the output FIFO has room for all beats in flight.
module nvs_cube_rd #(
    parameter FAW = 6                       // output FIFO depth 2**FAW beats
) (
    input  wire        clk,
    input  wire        rstn,
    input  wire        start,               // pulse: begin a new cube
    output reg         busy,                // requests still to issue
    input  wire [31:0] base,
    input  wire [31:0] line_stride,
    input  wire [31:0] surf_stride,
    input  wire [9:0]  n_surf_m1,           // surfaces - 1
    input  wire [12:0] h_m1,                // height - 1
    input  wire        order_ys,            // 1: y outer / s inner (CDP); 0: s outer / y inner (PDP)
    input  wire [7:0]  seg_num,             // segments - 1 (PDP split_num)
    input  wire [13:0] w_first,             // segment widths (counts)
    input  wire [13:0] w_mid,
    input  wire [13:0] w_last,
    input  wire signed [5:0] ov,            // column overlap of segments >= 1
    // DMA read client
    output wire        rd_req_valid,
    input  wire        rd_req_ready,
    output wire [31:0] rd_req_addr,
    output wire [3:0]  rd_req_len,
    input  wire        rd_rsp_valid,
    output wire        rd_rsp_ready,
    input  wire [63:0] rd_rsp_data,
    // atom stream
    output wire        out_valid,
    input  wire        out_ready,
    output wire [63:0] out_data
);
    localparam [FAW+1:0] DEPTH = 1 << FAW;
    reg  [7:0]  seg;
    reg  [12:0] ya;                          // outer counter (y or s)
    reg  [12:0] yb;                          // inner counter (s or y)
    reg  [13:0] col;                         // column within the segment
    reg  [14:0] nom;                         // nominal start column of the segment (before overlap)
    reg  [FAW:0] inflight;                   // beats requested and not yet consumed
    wire [FAW:0] fcount;

    wire [12:0] s_cur = order_ys ? yb : ya;
    wire [12:0] y_cur = order_ys ? ya : yb;
    wire [12:0] a_max = order_ys ? h_m1 : {3'b000, n_surf_m1};
    wire [12:0] b_max = order_ys ? {3'b000, n_surf_m1} : h_m1;

    wire        seg0   = (seg == 8'd0);
    wire [14:0] ovx    = {{9{ov[5]}}, ov};
    wire [14:0] xs     = seg0 ? 15'd0 : (nom - ovx);
    wire [14:0] wn     = seg0 ? {1'b0, w_first}
                       : (((seg == seg_num) ? {1'b0, w_last} : {1'b0, w_mid}) + ovx);

    // row start byte address: base + s*surf + y*line + xs*8 (32-bit address space, wraps)
    wire [31:0] row_addr = base + s_cur * surf_stride + y_cur * line_stride + {14'd0, xs, 3'b000};
    wire [31:0] addr     = row_addr + {15'd0, col, 3'b000};
    wire [14:0] rem      = wn - {1'b0, col};                 // beats left in this row
    wire [9:0]  to4k     = 10'd512 - {1'b0, addr[11:3]};     // beats to the next 4 KiB boundary
    wire [4:0]  r16      = (rem > 15'd16) ? 5'd16 : rem[4:0];
    wire [4:0]  nbeats   = ({5'd0, r16} > to4k) ? to4k[4:0] : r16;
    wire [FAW+1:0] infl_n = {1'b0, inflight} + {{(FAW-3){1'b0}}, nbeats};
    wire        room     = infl_n <= DEPTH;

    assign rd_req_valid = busy && room;
    assign rd_req_addr  = addr;
    assign rd_req_len   = nbeats[3:0] - 4'd1;
    wire   issue        = rd_req_valid && rd_req_ready;
    wire   last_burst   = ({1'b0, col} + {10'd0, nbeats}) >= wn;
    wire   pop          = out_valid && out_ready;

    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            busy <= 1'b0; seg <= 8'd0; ya <= 13'd0; yb <= 13'd0; col <= 14'd0; nom <= 15'd0;
            inflight <= {(FAW+1){1'b0}};
        end else begin
            inflight <= inflight + (issue ? {{(FAW-4){1'b0}}, nbeats} : {(FAW+1){1'b0}})
                                 - {{FAW{1'b0}}, pop};
            if (start) begin
                busy <= 1'b1; seg <= 8'd0; ya <= 13'd0; yb <= 13'd0; col <= 14'd0;
                nom <= {1'b0, w_first};
            end else if (issue) begin
                if (!last_burst) begin
                    col <= col + {9'd0, nbeats};
                end else begin
                    col <= 14'd0;
                    if (yb != b_max) yb <= yb + 13'd1;
                    else begin
                        yb <= 13'd0;
                        if (ya != a_max) ya <= ya + 13'd1;
                        else begin
                            ya <= 13'd0;
                            if (seg != seg_num) begin
                                seg <= seg + 8'd1;
                                if (!seg0) nom <= nom + {1'b0, w_mid};
                            end else busy <= 1'b0;
                        end
                    end
                end
            end
        end
    end

    nvs_pc_fifo #(.W(64), .AW(FAW)) u_fifo (
        .clk(clk), .rstn(rstn),
        .in_valid(rd_rsp_valid), .in_ready(rd_rsp_ready), .in_data(rd_rsp_data),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .count(fcount)
    );
    // fcount is not needed: the in-flight credit counter already bounds the FIFO fill.
    wire unused_ok = &{1'b0, fcount};
endmodule
