// nvs_pc_fifo: small synchronous FIFO (valid/ready on both sides) used by the PDP and CDP engines.
// Registered storage, first-word-fall-through read. count = entries held.
module nvs_pc_fifo #(
    parameter W  = 64,
    parameter AW = 6            // depth = 2**AW
) (
    input  wire          clk,
    input  wire          rstn,
    input  wire          in_valid,
    output wire          in_ready,
    input  wire [W-1:0]  in_data,
    output wire          out_valid,
    input  wire          out_ready,
    output wire [W-1:0]  out_data,
    output reg  [AW:0]   count
);
    reg [W-1:0]  mem [0:(1<<AW)-1];
    reg [AW-1:0] wp, rp;
    wire push = in_valid && in_ready;
    wire pop  = out_valid && out_ready;
    assign in_ready  = (count != (1 << AW));
    assign out_valid = (count != 0);
    assign out_data  = mem[rp];
    always @(posedge clk) begin
        if (push) mem[wp] <= in_data;
    end
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            wp <= {AW{1'b0}}; rp <= {AW{1'b0}}; count <= {(AW+1){1'b0}};
        end else begin
            if (push) wp <= wp + 1'b1;
            if (pop)  rp <= rp + 1'b1;
            count <= count + {{AW{1'b0}}, push} - {{AW{1'b0}}, pop};
        end
    end
endmodule
