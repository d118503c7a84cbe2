// nvs_csc_wl: CSC's weight loader. Reads the weight ring in CBUF and delivers, in the order CSC
// uses them, the weight sets of one (kernel group kg, channel group cg, r, s): 8 kernels x 8
// channels of int8 (byte 8*kl + cl = W[8kg+kl][8cg+cl][r][s]; 0 for kernels >= K or channels >= C).
// Loop order (as the issuer's): kg -> stripe (nst per kg) -> cg -> r -> s.
// In CBUF the sets of a kernel group are packed tightly in memory order (model/cdma.weight_offsets):
// set (cg, r, s) is nk*ncg bytes, kernel-major (nk = kernels in the group, ncg = channels in the
// channel group), starting where the previous set ended; kernel group kg starts at ring entry
// kg*C*R*S (absolute). A read of entry e waits until CDMA has written it (e < wt_entries). After the
// last set of a kernel group's last stripe was read, the group's entries are released.
// Image input with CSC post Y-extension (yx = 1, 2: rows taken 2 or 4 at a time; S = 1 and
// C <= 8 / ext, one channel group): a kernel group stores its rows ext at a time, each kernel's
// rows of a group tightly (row, then channel; model/cdma.weight_offsets_y_ext): set r is then
// read kernel by kernel, C bytes each, from byte nk*a*ext*C + kl*rows(a)*C + (r - a*ext)*C of the
// kernel group (a = r / ext, rows(a) = min(ext, R - a*ext)). The sums do not change.
module nvs_csc_wl #(
    parameter AW = 14
) (
    input  wire          clk,
    input  wire          rstn,
    input  wire          start,
    input  wire [13:0]   k,              // kernels (1..8192)
    input  wire [13:0]   c,              // channels as CSC sees them
    input  wire [5:0]    r_n,            // kernel height
    input  wire [5:0]    s_n,            // kernel width
    input  wire [31:0]   nst,            // stripes per kernel group
    input  wire [26:0]   crs,            // entries per kernel group = C*R*S
    input  wire [1:0]    yx,             // post Y-extension code (0: none, 1: x2, 2: x4; 3 = 0)
    input  wire [AW-1:0] wbase,          // first entry of the weight banks
    input  wire [AW:0]   wcap,           // ring size in entries
    input  wire [31:0]   wt_entries,     // entries CDMA has written (absolute)
    output reg  [31:0]   wt_released,
    // CBUF weight read port
    output wire          rw_en,
    output wire [AW-1:0] rw_addr,
    input  wire [127:0]  rw_data,        // entries rw_addr, rw_addr + 1
    // set queue head
    output wire          set_valid,
    output wire [511:0]  set_data,
    input  wire          set_pop
);
    // ---------------- loop counters ----------------
    reg         act;
    reg  [10:0] kg;
    reg  [31:0] st;
    reg  [10:0] cg;
    reg  [5:0]  rr, ss;
    reg  [26:0] wb;                  // byte offset of the current set inside the kernel group
    reg  [6:0]  q;                   // bytes of the current set already requested
    reg  [3:0]  yk;                  // Y-extension: kernel of the set being read
    reg  [3:0]  yc;                  //              bytes of its chunk already requested
    reg  [31:0] kg_abs;              // absolute entry of the group start
    reg  [AW:0] kg_phys;             // its ring offset
    wire [13:0] kg8 = {kg, 3'b000};
    wire [13:0] krem = k - kg8;
    wire [3:0]  nk = (krem >= 14'd8) ? 4'd8 : krem[3:0];
    wire [13:0] cg8 = {cg, 3'b000};
    wire [13:0] crem = c - cg8;
    wire [3:0]  ncg = (crem >= 14'd8) ? 4'd8 : crem[3:0];
    wire [6:0]  bset = {3'd0, nk} * {3'd0, ncg};             // bytes of this set (1..64)
    // Y-extension: row group of rr, row in it, rows in it
    wire        ye = (yx == 2'd1) || (yx == 2'd2);
    wire [5:0]  ext = (yx == 2'd1) ? 6'd2 : 6'd4;
    wire [5:0]  ri = (yx == 2'd1) ? {5'd0, rr[0]} : {4'd0, rr[1:0]};
    wire [5:0]  ra = rr - ri;                                 // a * ext
    wire [5:0]  rrem = r_n - ra;
    wire [5:0]  rows = (rrem >= ext) ? ext : rrem;
    wire [29:0] ypos = {26'd0, nk} * {24'd0, ra} * {26'd0, ncg} + {26'd0, yk} * {24'd0, rows} * {26'd0, ncg}
                     + {24'd0, ri} * {26'd0, ncg} + {26'd0, yc};
    wire [29:0] pos = ye ? ypos : {3'd0, wb} + {23'd0, q};    // byte offset of the next read
    wire [26:0] e = pos[29:3];
    wire [2:0]  p = pos[2:0];
    wire [6:0]  left = bset - q;
    wire [31:0] e_abs = kg_abs + {5'd0, e};
    wire [AW+1:0] ph = {1'b0, kg_phys} + {1'b0, e[AW:0]};
    wire [AW+1:0] phw = (ph >= {1'b0, wcap}) ? ph - {1'b0, wcap} : ph;
    wire        have = e_abs < wt_entries;
    // a read returns two entries; the second is used when CDMA has written it and it is not
    // past the end of the ring (then it would be the ring's first entry)
    wire        have2 = (e_abs + 32'd1 < wt_entries) && (phw + {{(AW+1){1'b0}}, 1'b1} != {1'b0, wcap});
    wire [4:0]  avail = (have2 ? 5'd16 : 5'd8) - {2'd0, p};
    wire [4:0]  n0 = (left < {2'd0, avail}) ? left[4:0] : avail;
    wire [4:0]  yrem = {1'b0, ncg} - {1'b0, yc};              // bytes left of the kernel's chunk
    wire [4:0]  n = (ye && yrem < n0) ? yrem : n0;
    wire        ychunk_end = ({1'b0, yc} + n) >= {1'b0, ncg};
    // slots: sets started (reads begun) and not yet popped
    reg  [2:0]  used;
    wire        new_set = (q == 7'd0);
    wire        can = act && have && (!new_set || used < 3'd4);
    wire        last_read = ({3'd0, q} + {5'd0, n}) >= {3'd0, bset};
    wire unused_phw = ^phw[AW+1:AW];
    assign rw_en = can;
    assign rw_addr = wbase + phw[AW-1:0];
    // end of loops
    wire s_end = (ss + 6'd1 == s_n);
    wire r_end = (rr + 6'd1 == r_n);
    wire c_end = (cg8 + 14'd8 >= c);
    wire st_end = (st + 32'd1 == nst);
    wire k_end = (kg8 + 14'd8 >= k);
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            act <= 1'b0; kg <= 11'd0; st <= 32'd0; cg <= 11'd0; rr <= 6'd0; ss <= 6'd0;
            wb <= 27'd0; q <= 7'd0; kg_abs <= 32'd0; kg_phys <= {(AW+1){1'b0}}; wt_released <= 32'd0;
            yk <= 4'd0; yc <= 4'd0;
        end else if (start) begin
            act <= 1'b1; kg <= 11'd0; st <= 32'd0; cg <= 11'd0; rr <= 6'd0; ss <= 6'd0;
            wb <= 27'd0; q <= 7'd0; kg_abs <= 32'd0; kg_phys <= {(AW+1){1'b0}}; wt_released <= 32'd0;
            yk <= 4'd0; yc <= 4'd0;
        end else if (can) begin
            if (ychunk_end) begin yk <= yk + 4'd1; yc <= 4'd0; end
            else yc <= yc + n[3:0];
            if (!last_read) q <= q + {2'd0, n};
            else begin
                q <= 7'd0; yk <= 4'd0; yc <= 4'd0;
                wb <= wb + {20'd0, bset};
                if (!s_end) ss <= ss + 6'd1;
                else begin
                    ss <= 6'd0;
                    if (!r_end) rr <= rr + 6'd1;
                    else begin
                        rr <= 6'd0;
                        if (!c_end) cg <= cg + 11'd1;
                        else begin
                            cg <= 11'd0;
                            wb <= 27'd0;
                            if (!st_end) st <= st + 32'd1;
                            else begin
                                st <= 32'd0;
                                // kernel group done: release it, go to the next
                                kg_abs <= kg_abs + {5'd0, crs};
                                wt_released <= kg_abs + {5'd0, crs};
                                kg_phys <= (({17'd0, kg_phys} + {5'd0, crs}) >= {17'd0, wcap})
                                           ? kg_phys + crs[AW:0] - wcap : kg_phys + crs[AW:0];
                                if (!k_end) kg <= kg + 11'd1;
                                else act <= 1'b0;
                            end
                        end
                    end
                end
            end
        end
    end

    // ---------------- returned data -> flat staging -> set ----------------
    reg        t_v, t_last;
    reg  [6:0] t_q;
    reg  [2:0] t_p;
    reg  [4:0] t_n;
    reg  [3:0] t_nk, t_ncg;
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            t_v <= 1'b0; t_last <= 1'b0; t_q <= 7'd0; t_p <= 3'd0; t_n <= 5'd0; t_nk <= 4'd0; t_ncg <= 4'd0;
        end else begin
            t_v <= can; t_last <= last_read; t_q <= q; t_p <= p; t_n <= n; t_nk <= nk; t_ncg <= ncg;
        end
    end
    // bytes t_p .. t_p+t_n-1 of the two entries go to staging bytes t_q .. t_q+t_n-1 (shift + mask)
    reg  [511:0] flat;
    wire [511:0] pmask = (~({512{1'b1}} << {t_n, 3'b000})) << {t_q, 3'b000};
    wire [511:0] pdat = ({384'd0, rw_data} >> {t_p, 3'b000}) << {t_q, 3'b000};
    wire [511:0] flat_n = (flat & ~pmask) | (pdat & pmask);
    always @(posedge clk) if (t_v) flat <= flat_n;
    // remap (evaluated only when a set is pushed): kernel kl, channel cl from byte kl*ncg + cl
    function [511:0] remap(input [511:0] f, input [3:0] nk_, input [3:0] ncg_);
        integer gk, gc;
        begin
            remap = 512'd0;
            for (gk = 0; gk < 8; gk = gk + 1)
                for (gc = 0; gc < 8; gc = gc + 1)
                    if (gk < {28'd0, nk_} && gc < {28'd0, ncg_})
                        remap[8*(8*gk + gc) +: 8] = f[8*(gk*{28'd0, ncg_} + gc) +: 8];
        end
    endfunction
    // ---------------- set queue (4 deep) ----------------
    reg  [511:0] qm [0:3];
    reg  [1:0]   qw, qr;
    reg  [2:0]   qn;
    wire push = t_v && t_last;
    assign set_valid = (qn != 3'd0);
    assign set_data = qm[qr];
    always @(posedge clk) if (push) qm[qw] <= remap(flat_n, t_nk, t_ncg);
    always @(posedge clk or negedge rstn) begin
        if (!rstn) begin
            qw <= 2'd0; qr <= 2'd0; qn <= 3'd0; used <= 3'd0;
        end else if (start) begin
            qw <= 2'd0; qr <= 2'd0; qn <= 3'd0; used <= 3'd0;
        end else begin
            if (push) qw <= qw + 2'd1;
            if (set_pop) qr <= qr + 2'd1;
            qn <= qn + {2'd0, push} - {2'd0, set_pop};
            used <= used + {2'd0, can && new_set} - {2'd0, set_pop};
        end
    end
endmodule
