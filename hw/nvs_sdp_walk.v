// Address walker of a feature cube in memory: issues DMA requests for every line of every
// surface (surface -> line order), each line being `line_beats` 8-byte beats starting at
// base + s*surf_stride + h*line_stride. Requests are at most 16 beats and never cross 4 KiB.
module nvs_sdp_walk (
    input  wire        clk,
    input  wire        rstn,
    input  wire        start,          // pulse: latch the configuration and begin
    input  wire [31:0] base,
    input  wire [31:0] line_stride,
    input  wire [31:0] surf_stride,
    input  wire [15:0] line_beats,     // beats per line (>= 1)
    input  wire [13:0] lines,          // lines per surface (>= 1)
    input  wire [13:0] surfs,          // surfaces (>= 1)
    output wire        req_valid,
    input  wire        req_ready,
    output wire [31:0] req_addr,
    output wire [3:0]  req_len,        // beats - 1
    output wire        busy            // requests remain to be issued
);
    reg        act;
    reg [31:0] addr, line_base, sbase, ls, ss;
    reg [15:0] rem, lb;
    reg [13:0] h, s, nl, ns;
    wire [9:0] to4k = 10'd512 - {1'b0, addr[11:3]};             // beats to the 4 KiB boundary
    wire [15:0] lim = (to4k < 10'd16) ? {6'd0, to4k} : 16'd16;
    wire [15:0] n = (rem < lim) ? rem : lim;                     // beats of this request
    assign req_valid = act;
    assign req_addr = addr;
    assign req_len = n[3:0] - 4'd1;
    assign busy = act;
    wire fire = act & req_ready;
    wire last_chunk = (rem == n);
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            act <= 1'b0;
            addr <= 32'd0; line_base <= 32'd0; sbase <= 32'd0; ls <= 32'd0; ss <= 32'd0;
            rem <= 16'd0; lb <= 16'd0;
            h <= 14'd0; s <= 14'd0; nl <= 14'd0; ns <= 14'd0;
        end else if (start) begin
            act <= 1'b1;
            addr <= base; line_base <= base; sbase <= base; ls <= line_stride; ss <= surf_stride;
            rem <= line_beats; lb <= line_beats;
            h <= 14'd0; s <= 14'd0; nl <= lines; ns <= surfs;
        end else if (fire) begin
            if (!last_chunk) begin
                addr <= addr + {13'd0, n, 3'd0};
                rem <= rem - n;
            end else begin
                rem <= lb;
                if (h + 14'd1 < nl) begin
                    h <= h + 14'd1;
                    addr <= line_base + ls;
                    line_base <= line_base + ls;
                end else begin
                    h <= 14'd0;
                    addr <= sbase + ss;             // next surface
                    line_base <= sbase + ss;
                    sbase <= sbase + ss;
                    if (s + 14'd1 < ns) s <= s + 14'd1;
                    else act <= 1'b0;
                end
            end
        end
    end
endmodule
