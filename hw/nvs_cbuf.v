// nvs_cbuf: nv_small's convolution buffer, 128 KiB = 32 banks x 512 entries x 8 bytes (one
// entry = one int8 atom of 8 channels). Entry address = bank * 512 + row. CDMA writes the data
// banks (0 .. DATA_BANK) and the weight banks (the next WEIGHT_BANK + 1 banks); CSC reads them.
// Ports: two write ports (CDMA data, CDMA weights) and two read ports (CSC data, CSC weights),
// reads registered (data one cycle after the request). Both read ports return two consecutive
// entries (addr, addr + 1): CSC takes a data atom at any byte offset (image input) and up to 16
// weight bytes per read.
// The data banks are a ring of rd_ring entries (0 .. rd_ring-1): the data port's second entry
// after the ring's last one is entry 0 (an image line may wrap the ring).
// Data and weights live in disjoint banks, so a bank sees at most one writer; a simultaneous read
// and write of one entry returns the old contents.
module nvs_cbuf #(
    parameter AW = 14                    // 2**14 entries x 8 bytes = 128 KiB
) (
    input  wire          clk,
    input  wire          wd_en,
    input  wire [AW-1:0] wd_addr,
    input  wire [63:0]   wd_data,
    input  wire          ww_en,
    input  wire [AW-1:0] ww_addr,
    input  wire [63:0]   ww_data,
    input  wire          rd_en,
    input  wire [AW-1:0] rd_addr,
    input  wire [AW:0]   rd_ring,        // data ring size in entries
    output reg  [127:0]  rd_data,        // {entry addr+1 (ring), entry addr}
    input  wire          rw_en,
    input  wire [AW-1:0] rw_addr,
    output reg  [127:0]  rw_data         // {entry addr+1, entry addr}
);
    reg [63:0] mem [0:(1<<AW)-1];
    wire [AW:0]   rd_inc = {1'b0, rd_addr} + {{AW{1'b0}}, 1'b1};
    wire [AW-1:0] rd_addr1 = (rd_inc == rd_ring) ? {AW{1'b0}} : rd_inc[AW-1:0];
    wire [AW-1:0] rw_addr1 = rw_addr + {{(AW-1){1'b0}}, 1'b1};
    always @(posedge clk) begin
        if (wd_en) mem[wd_addr] <= wd_data;
        if (ww_en) mem[ww_addr] <= ww_data;
        if (rd_en) rd_data <= {mem[rd_addr1], mem[rd_addr]};
        if (rw_en) rw_data <= {mem[rw_addr1], mem[rw_addr]};
    end
endmodule
