// CSB slave of nvsmall_top: accepts one request per cycle (csb2nvdla_ready is always 1) and
// answers one cycle later.
//   read:               nvdla2csb_valid = 1, nvdla2csb_data = register value (0 when unmapped)
//   non-posted write:   nvdla2csb_wr_complete = 1 (nvdla2csb_valid stays 0)
//   posted write:       no response
// The request is handed to the register files as a one-cycle strobe (req_*); they return the
// read data combinationally (rd_data) in the same cycle.
module nvs_csb (
    input  wire        clk,
    input  wire        rstn,
    input  wire        csb2nvdla_valid,
    output wire        csb2nvdla_ready,
    input  wire [15:0] csb2nvdla_addr,
    input  wire [31:0] csb2nvdla_wdat,
    input  wire        csb2nvdla_write,
    input  wire        csb2nvdla_nposted,
    output reg         nvdla2csb_valid,
    output reg  [31:0] nvdla2csb_data,
    output reg         nvdla2csb_wr_complete,
    output wire        req_valid,
    output wire        req_write,
    output wire [15:0] req_addr,
    output wire [31:0] req_wdat,
    input  wire [31:0] rd_data
);
    assign csb2nvdla_ready = 1'b1;
    assign req_valid = csb2nvdla_valid;
    assign req_write = csb2nvdla_write;
    assign req_addr  = csb2nvdla_addr;
    assign req_wdat  = csb2nvdla_wdat;
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            nvdla2csb_valid <= 1'b0;
            nvdla2csb_data <= 32'd0;
            nvdla2csb_wr_complete <= 1'b0;
        end else begin
            nvdla2csb_valid <= csb2nvdla_valid & ~csb2nvdla_write;
            nvdla2csb_data <= (csb2nvdla_valid & ~csb2nvdla_write) ? rd_data : 32'd0;
            nvdla2csb_wr_complete <= csb2nvdla_valid & csb2nvdla_write & csb2nvdla_nposted;
        end
    end
endmodule
