"""tb/mutate.py's mutant generator on a hand-written module: each mutant changes one thing on
one line, non-blocking assignments are not turned into comparisons, comments and declarations
are left alone, and applying a mutant to a copy of hw/ changes exactly that line."""
from tb import mutate

SRC = """module m(input clk, input [3:0] a, output [3:0] y);
  reg [3:0] r; // r <= a + 1 in a comment
  assign y = r & a;
  always @(posedge clk) begin
    if (a <= 4'd3) r <= a + 4'd1;
    else begin r <= 4'd0; end
  end
endmodule
"""


def test_sites_of_a_small_module(tmp_path):
    (tmp_path / "m.v").write_text(SRC)
    got = {(m.line, m.kind, m.after.strip()) for m in mutate.sites(tmp_path, ("m",))}
    want = {
        (3, "operator", "assign y = r | a;"),
        (3, "stuck", "assign y = 0;"),
        (5, "operator", "if (a > 4'd3) r <= a + 4'd1;"),          # the comparison only
        (5, "operator", "if (a <= 4'd3) r <= a - 4'd1;"),
        (5, "constant", "if (a <= 4'd4) r <= a + 4'd1;"),
        (5, "constant", "if (a <= 4'd2) r <= a + 4'd1;"),
        (5, "constant", "if (a <= 4'd3) r <= a + 4'd2;"),
        (5, "constant", "if (a <= 4'd3) r <= a + 4'd0;"),
        (6, "constant", "else begin r <= 4'd1; end"),
    }
    assert got == want, (got - want, want - got)


def test_write_applies_one_line(tmp_path):
    m = next(x for x in mutate.sites() if x.kind == "stuck")
    root = mutate._write(m, tmp_path / "mut")
    old = (mutate.runner.HW / m.file[3:]).read_text().splitlines()
    new = (tmp_path / "mut" / m.file).read_text().splitlines()
    diff = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    assert len(old) == len(new) and diff == [m.line - 1]
    assert root.read_text().splitlines()[-1] == "hw/nvsmall_top.v"
