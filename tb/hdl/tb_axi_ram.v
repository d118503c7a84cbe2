// tb_axi_ram: the testbench's DBB memory, an AXI slave RAM that stays inside the simulator
// (a Python AXI RAM was measured 30-130x slower).  Testbench-only, not synthesizable.
//
// Address map: the 32-bit AXI address space is sparse (NVIDIA's traces spread a few KB of data
// over tens of MB), so it is mapped onto one RAM array through a page table of 4 KiB pages
// (tb/dbb.py decides which pages a test needs).  The testbench writes the page table and the RAM
// image as hex files in the simulator's working directory and pulses `load`; `dump` writes RAM
// words [dump_lo, dump_hi] to a hex file for the scoreboard.
//   tb_mem_pt.hex   : "@<virtual page>" + entry {generation[15:0], RAM page}; an entry is valid
//                     only while its generation equals the `gen` input, so a new test's table
//                     never needs clearing
//   tb_mem_load.hex : "@<word>" + 64-bit words, little-endian bytes within a word
//   tb_mem_dump.hex : written by $writememh
// Accesses to unmapped pages read 0 / are dropped, and are counted (rd_oob/wr_oob with the first
// offending address) so the testbench can report them.
//
// Timing: by default a read burst starts the cycle after its AR is dequeued, one beat per cycle,
// many bursts outstanding (in-order responses, which AXI allows).  With rnd_en=1 a seeded
// xorshift32 adds a random latency (0..31 cycles) per burst, random back-pressure on
// AR/AW/W ready and R/B valid, and reorders read bursts / write responses of different IDs
// (the second queued one may overtake the head); data stays the same, only timing changes.
module tb_axi_ram #(
    parameter AW_WORDS = 21,           // log2 of RAM depth in 64-bit words (2^21 = 16 MiB)
    parameter QD = 5                   // log2 depth of the AR / AW / B queues
) (
    input             clk,
    input             rstn,
    input             load,            // pulse: read page table + RAM image files
    input      [15:0] gen,             // current page-table generation
    input             dump,            // pulse: write RAM[dump_lo..dump_hi] to the dump file
    input      [31:0] dump_lo,
    input      [31:0] dump_hi,
    input             rnd_en,
    input      [31:0] rnd_seed,
    // AXI slave (64-bit data, INCR bursts of 8-byte beats, len = beats-1)
    input             aw_valid,
    output            aw_ready,
    input       [7:0] aw_id,
    input       [3:0] aw_len,
    input      [31:0] aw_addr,
    input             w_valid,
    output            w_ready,
    input      [63:0] w_data,
    input       [7:0] w_strb,
    input             w_last,
    output reg        b_valid,
    input             b_ready,
    output reg  [7:0] b_id,
    input             ar_valid,
    output            ar_ready,
    input       [7:0] ar_id,
    input       [3:0] ar_len,
    input      [31:0] ar_addr,
    output reg        r_valid,
    input             r_ready,
    output reg  [7:0] r_id,
    output reg        r_last,
    output reg [63:0] r_data,
    // diagnostics
    output reg [31:0] rd_oob,
    output reg [31:0] rd_oob_addr,
    output reg [31:0] wr_oob,
    output reg [31:0] wr_oob_addr,
    output reg [31:0] rd_beats,
    output reg [31:0] r_reorders,      // read bursts served before an older one (other ID)
    output reg [31:0] b_reorders,      // write responses sent before an older one (other ID)
    output reg [31:0] w_last_err,      // write beats whose WLAST disagrees with AWLEN
    output reg [31:0] wr_beats
);
    localparam DEPTH = 1 << AW_WORDS;
    localparam [QD:0] QN = 1 << QD;    // queue depth, sized like the occupancy counts
    localparam [QD:0] QN1 = QN - 1;
    localparam PGB = AW_WORDS - 9;      // RAM page number bits (512 words of 8 bytes a page)

    reg [63:0] mem [0:DEPTH-1];
    reg [16+PGB-1:0] ptab [0:(1<<20)-1];

    // ---- page translation: byte address -> {hit, RAM word index} ----
    // The page-table entry and gen are arguments, not read inside the body: Icarus re-evaluates a
    // continuous assignment calling a function only when its arguments change, so a body read of
    // ptab/gen went stale after a new load when the burst address stayed the same (the next
    // test's first write to the word after the previous test's last one went to the old page).
    function [AW_WORDS:0] xlate;       // {hit, word}
        input [16+PGB-1:0] e;          // ptab[byte address[31:12]]
        input [15:0] g;                // current generation
        input [11:3] a;                // word within the 4 KiB page
        begin
            xlate = {e[16+PGB-1:PGB] === g, e[PGB-1:0], a};   // X (never loaded) = miss
        end
    endfunction

    // ---- file load / dump ----
    // Under Verilator the RAM starts all-zero, so tb/dbb.py writes only the non-zero words of
    // never-used pages.  Under Icarus the clearing loop would cost seconds at start-up, so the RAM
    // starts X and tb/dbb.py writes every mapped page whole (TB_SIM=icarus).
`ifdef VERILATOR
    integer z;
    initial for (z = 0; z < DEPTH; z = z + 1) mem[z] = 64'd0;
`endif
    always @(posedge clk) begin
        if (load) begin
            $readmemh("tb_mem_pt.hex", ptab);
            $readmemh("tb_mem_load.hex", mem);
        end
        if (dump) $writememh("tb_mem_dump.hex", mem, dump_lo, dump_hi);
    end

    // ---- seeded randomness (xorshift32) ----
    reg [31:0] rs;
    wire [31:0] rs1 = rs ^ (rs << 13);
    wire [31:0] rs2 = rs1 ^ (rs1 >> 17);
    wire [31:0] rs_next = rs2 ^ (rs2 << 5);
    reg [63:0] cyc;
    always @(posedge clk) begin
        if (!rstn) begin
            rs <= (rnd_seed == 0) ? 32'h2545f491 : rnd_seed;
            cyc <= 0;
        end else begin
            rs <= rs_next;
            cyc <= cyc + 1;
        end
    end
    // each gate is high 3 cycles out of 4 on average in random mode, always high otherwise
    wire g_ar = !rnd_en || (rs[1:0] != 0);
    wire g_r  = !rnd_en || (rs[3:2] != 0);
    wire g_aw = !rnd_en || (rs[5:4] != 0);
    wire g_w  = !rnd_en || (rs[7:6] != 0);
    wire g_b  = !rnd_en || (rs[9:8] != 0);
    wire [63:0] lat_r = rnd_en ? {59'd0, rs[14:10]} : 64'd0;
    wire [63:0] lat_b = rnd_en ? {59'd0, rs[19:15]} : 64'd0;

    // ================= read side =================
    reg  [7:0]  arq_id   [0:QN-1];
    reg  [3:0]  arq_len  [0:QN-1];
    reg  [31:0] arq_addr [0:QN-1];
    reg  [63:0] arq_t    [0:QN-1];
    reg  [QD:0] arq_wp, arq_rp;
    // queue occupancy: the (QD+1)-bit pointer difference, kept at QD+1 bits (the subtraction in
    // a comparison with a 32-bit constant would be done at 32 bits and go wrong after a wrap)
    wire [QD:0] arq_cnt = arq_wp - arq_rp;
    wire arq_full  = arq_cnt == QN;
    wire arq_empty = arq_cnt == {(QD+1){1'b0}};
    assign ar_ready = rstn && !arq_full && g_ar;

    wire [QD-1:0] rq0 = arq_rp[QD-1:0];
    wire [QD-1:0] rq1 = rq0 + 1'b1;
    wire swap_r = rnd_en && rs[20] && arq_cnt >= 2 && arq_id[rq1] != arq_id[rq0]
                  && cyc >= arq_t[rq1];

    reg        rb_act;                 // a burst is being returned
    reg [7:0]  rb_id;
    reg [3:0]  rb_left;                // beats left after the current one
    reg [31:0] rb_addr;
    wire [AW_WORDS:0] rx = xlate(ptab[rb_addr[31:12]], gen, rb_addr[11:3]);

    always @(posedge clk) begin
        if (!rstn) begin
            arq_wp <= 0; arq_rp <= 0; rb_act <= 0;
            r_valid <= 0; r_id <= 0; r_last <= 0; r_data <= 0;
            rd_oob <= 0; rd_oob_addr <= 0; rd_beats <= 0; r_reorders <= 0;
        end else begin
            if (ar_valid && ar_ready) begin
                arq_id[arq_wp[QD-1:0]]   <= ar_id;
                arq_len[arq_wp[QD-1:0]]  <= ar_len;
                arq_addr[arq_wp[QD-1:0]] <= ar_addr;
                arq_t[arq_wp[QD-1:0]]    <= cyc + lat_r;
                arq_wp <= arq_wp + 1;
            end
            if (r_valid && r_ready) r_valid <= 0;
            if ((!r_valid || r_ready) && g_r) begin
                if (rb_act) begin
                    r_valid <= 1;
                    r_id    <= rb_id;
                    r_last  <= (rb_left == 0);
                    r_data  <= rx[AW_WORDS] ? mem[rx[AW_WORDS-1:0]] : 64'd0;
                    if (!rx[AW_WORDS]) begin
                        if (rd_oob == 0) rd_oob_addr <= rb_addr;
                        rd_oob <= rd_oob + 1;
                    end
                    rd_beats <= rd_beats + 1;
                    rb_addr <= rb_addr + 8;
                    rb_left <= rb_left - 1;
                    if (rb_left == 0) rb_act <= 0;
                end
            end
            // start the next burst when the current one hands out its last beat (no bubble);
            // random mode may serve the second queued burst first when its ID differs from the
            // head's (AXI orders responses only within one ID): the head moves into its slot
            if ((!rb_act || ((!r_valid || r_ready) && g_r && rb_left == 0)) && !arq_empty) begin
                if (swap_r) begin
                    r_reorders <= r_reorders + 1;
                    rb_act  <= 1;
                    rb_id   <= arq_id[rq1];
                    rb_left <= arq_len[rq1];
                    rb_addr <= {arq_addr[rq1][31:3], 3'b000};
                    arq_id[rq1]   <= arq_id[rq0];
                    arq_len[rq1]  <= arq_len[rq0];
                    arq_addr[rq1] <= arq_addr[rq0];
                    arq_t[rq1]    <= arq_t[rq0];
                    arq_rp  <= arq_rp + 1;
                end else if (cyc >= arq_t[rq0]) begin
                    rb_act  <= 1;
                    rb_id   <= arq_id[rq0];
                    rb_left <= arq_len[rq0];
                    rb_addr <= {arq_addr[rq0][31:3], 3'b000};
                    arq_rp  <= arq_rp + 1;
                end
            end
        end
    end

    // ================= write side =================
    reg  [7:0]  awq_id   [0:QN-1];
    reg  [3:0]  awq_len  [0:QN-1];
    reg  [31:0] awq_addr [0:QN-1];
    reg  [QD:0] awq_wp, awq_rp;
    wire [QD:0] awq_cnt = awq_wp - awq_rp;
    wire awq_full  = awq_cnt == QN;
    wire awq_empty = awq_cnt == {(QD+1){1'b0}};
    assign aw_ready = rstn && !awq_full && g_aw;

    reg  [7:0]  bq_id [0:QN-1];
    reg  [63:0] bq_t  [0:QN-1];
    reg  [QD:0] bq_wp, bq_rp;
    wire [QD:0] bq_cnt = bq_wp - bq_rp;
    wire bq_full  = bq_cnt >= QN1;       // one slot kept for the burst in progress
    wire bq_empty = bq_cnt == {(QD+1){1'b0}};

    wire [QD-1:0] bq0 = bq_rp[QD-1:0];
    wire [QD-1:0] bq1 = bq0 + 1'b1;
    wire swap_b = rnd_en && rs[21] && bq_cnt >= 2 && bq_id[bq1] != bq_id[bq0]
                  && cyc >= bq_t[bq1];

    reg        wb_act;
    reg [7:0]  wb_id;
    reg [31:0] wb_addr;
    reg g_w_q;
    always @(posedge clk) g_w_q <= g_w;
    assign w_ready = rstn && wb_act && !bq_full && g_w_q;

    wire [AW_WORDS:0] wx = xlate(ptab[wb_addr[31:12]], gen, wb_addr[11:3]);
    wire [63:0] bm;                    // byte strobes -> bit mask
    genvar gj;
    generate
        for (gj = 0; gj < 8; gj = gj + 1) begin : g_bm
            assign bm[8*gj +: 8] = {8{w_strb[gj]}};
        end
    endgenerate
    wire w_fire = w_valid && w_ready;
    reg [3:0] wb_left;                 // beats of the burst after the current one (from AWLEN)

    always @(posedge clk) begin
        if (!rstn) begin
            awq_wp <= 0; awq_rp <= 0; bq_wp <= 0; bq_rp <= 0; wb_act <= 0;
            b_valid <= 0; b_id <= 0; b_reorders <= 0;
            wr_oob <= 0; wr_oob_addr <= 0; wr_beats <= 0; w_last_err <= 0; wb_left <= 0;
        end else begin
            if (aw_valid && aw_ready) begin
                awq_id[awq_wp[QD-1:0]]   <= aw_id;
                awq_len[awq_wp[QD-1:0]]  <= aw_len;
                awq_addr[awq_wp[QD-1:0]] <= aw_addr;
                awq_wp <= awq_wp + 1;
            end
            if (w_fire) begin
                if (w_last != (wb_left == 0)) w_last_err <= w_last_err + 1;   // AXI: WLAST on beat AWLEN+1
                wb_left <= wb_left - 1;
                if (wx[AW_WORDS])
                    mem[wx[AW_WORDS-1:0]] <= (mem[wx[AW_WORDS-1:0]] & ~bm) | (w_data & bm);
                else begin
                    if (wr_oob == 0) wr_oob_addr <= wb_addr;
                    wr_oob <= wr_oob + 1;
                end
                wr_beats <= wr_beats + 1;
                wb_addr <= wb_addr + 8;
                if (w_last) begin
                    wb_act <= 0;
                    bq_id[bq_wp[QD-1:0]] <= wb_id;
                    bq_t[bq_wp[QD-1:0]]  <= cyc + lat_b;
                    bq_wp <= bq_wp + 1;
                end
            end
            if ((!wb_act || (w_fire && w_last)) && !awq_empty) begin
                wb_act  <= 1;
                wb_id   <= awq_id[awq_rp[QD-1:0]];
                wb_left <= awq_len[awq_rp[QD-1:0]];
                wb_addr <= {awq_addr[awq_rp[QD-1:0]][31:3], 3'b000};
                awq_rp  <= awq_rp + 1;
            end
            if (b_valid && b_ready) b_valid <= 0;
            if ((!b_valid || b_ready) && g_b && !bq_empty) begin
                if (swap_b) begin          // second response first (different ID), as for reads
                    b_reorders <= b_reorders + 1;
                    b_valid <= 1;
                    b_id    <= bq_id[bq1];
                    bq_id[bq1] <= bq_id[bq0];
                    bq_t[bq1]  <= bq_t[bq0];
                    bq_rp   <= bq_rp + 1;
                end else if (cyc >= bq_t[bq0]) begin
                    b_valid <= 1;
                    b_id    <= bq_id[bq0];
                    bq_rp   <= bq_rp + 1;
                end
            end
        end
    end
endmodule
