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
        (5, "condition", "if (!(a <= 4'd3)) r <= a + 4'd1;"),
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


def test_every_module_has_sites_and_a_suite():
    """Sites are found by pattern in the current hw/ (they follow edits of the RTL): every
    module of hw/ but the top has a suite and at least one mutant; a renamed or removed module
    fails here instead of silently dropping out of the sample."""
    hw_mods = {p.stem for p in mutate.runner.HW.glob("nvs_*.v")}
    assert hw_mods == set(mutate.MODULE_SUITE), (hw_mods ^ set(mutate.MODULE_SUITE))
    per = {m: 0 for m in mutate.MODULES}
    for s in mutate.sites():
        per[s.module] += 1
    assert all(per.values()), [m for m, n in per.items() if not n]
    assert set(mutate.MODULE_SUITE.values()) <= set(mutate.SUITES)
    for name, traces in mutate.SUITES.items():
        assert traces, name
        for t in traces:
            assert t == "regs" or t.startswith(("sdp_", "pdp_", "cdp_", "dc_")) or \
                t[5:] in mutate.CONV_CASES or t.startswith("unit:unit_"), (name, t)


def test_suite_traces_exist(tmp_path):
    """Every suite entry resolves to a trace directory (the synthetic ones once written)."""
    import pytest
    root = mutate.data.traces_root() / "nv_small"
    if not root.is_dir():
        pytest.skip(f"NVIDIA traces not found ({root}); set NVDLA_SHARED")
    mutate.write_conv_cases(tmp_path)
    for t in {t for ts in mutate.SUITES.values() for t in ts} - {"regs"}:
        d = mutate.resolve(t, tmp_path)
        assert (d / f"{d.name}.cfg").is_file(), t


def test_draw_is_stable_under_edits_of_another_module(tmp_path):
    """The draw hashes each mutant's text: an edit of one module leaves the others' draw."""
    (tmp_path / "m.v").write_text(SRC)
    (tmp_path / "n.v").write_text(SRC.replace("module m", "module n"))
    before = [m for m in mutate.choose(mutate.sites(tmp_path, ("m", "n")), 6, 3) if m.module == "n"]
    (tmp_path / "m.v").write_text(SRC.replace("  assign y = r & a;\n",
                                              "  // moved\n\n  assign y = r & a;\n"))
    after_all = mutate.choose(mutate.sites(tmp_path, ("m", "n")), 6, 3)
    after = [m for m in after_all if m.module == "n"]
    assert [m.key() for m in before] == [m.key() for m in after]
    assert all(m.before == SRC.splitlines()[m.line - 1] or m.module == "m" for m in after_all)
    assert len({m.key() for m in after_all}) == 6


NOTE = """# notes
### hw/m.v
before: `  assign y = r & a;`
after:  `  assign y = r | a;`
why: r is a's copy, r & a == r | a.

### hw/m.v
before: something without after
"""


def test_equivalents_note_parsed(tmp_path):
    (tmp_path / "MUTANTS.md").write_text(NOTE)
    eq = mutate.equivalents(tmp_path / "MUTANTS.md")
    assert eq == {("hw/m.v", "assign y = r & a;", "assign y = r | a;"): "r is a's copy, r & a == r | a."}
    (tmp_path / "m.v").write_text(SRC)
    m = next(s for s in mutate.sites(tmp_path, ("m",)) if s.after.strip() == "assign y = r | a;")
    assert m.key() in eq


def test_committed_equivalents_are_current_sites():
    """Every mutant tb/MUTANTS.md argues is equivalent is still a site of hw/ (found by its
    text): an entry that no longer matches after an RTL edit fails here, naming it."""
    keys = {m.key() for m in mutate.sites()}
    eq = mutate.equivalents()
    stale = [k for k in eq if k not in keys]
    assert not stale, f"tb/MUTANTS.md entries that match no current mutant: {stale}"
    assert all(eq.values()), "every equivalent needs its argument (why:)"


def test_hang_counts_as_killed(tmp_path, monkeypatch):
    """A mutant whose run outlives the time limit is killed (the watchdog noticed), and the
    command goes on; a build failure is invalid; a failed trace stops the suite."""
    import subprocess

    class R:
        def __init__(self, rc, out=""):
            self.returncode, self.stdout, self.stderr = rc, out, "error: build failed"
    calls = []

    def fake(cmd, **kw):
        calls.append(cmd[-1])
        if cmd[-1].endswith("hang"):
            raise subprocess.TimeoutExpired(cmd, kw["timeout"])
        if cmd[-1].endswith("bad"):
            return R(1, "FAIL bad: check_crc")
        if cmd[-1].endswith("nobuild"):
            return R(2)
        if cmd[-1].endswith("wallkill"):
            r = R(2)
            r.stderr = "error: icarus run produced no results (Command failed with return code: -9)"
            return r
        return R(0, "PASS ok")
    monkeypatch.setattr(mutate.subprocess, "run", fake)
    monkeypatch.setattr(mutate, "OUT", tmp_path)
    m = next(x for x in mutate.sites() if x.kind == "stuck")
    assert mutate.run_mutant(0, m, ["t/ok", "t/hang", "t/ok2"], 5) == ("killed", "hang: timeout (hang)")
    assert calls == ["t/ok", "t/hang"]
    assert mutate.run_mutant(1, m, ["t/ok", "t/bad"], 5) == ("killed", "FAIL bad: check_crc")
    assert mutate.run_mutant(2, m, ["t/nobuild"], 5)[0] == "invalid"
    assert mutate.run_mutant(4, m, ["t/wallkill"], 5)[0] == "killed"     # the wall limit: a hang
    assert mutate.run_mutant(3, m, ["t/ok", "t/ok2"], 5) == ("survived", "")


def test_wire_values_bits_and_inline_ifs(tmp_path):
    """A wire declared with its value is an assignment (its width is not mutated); one-bit
    constants flip; an inline 'if (c) x <= y;' gets its condition inverted."""
    (tmp_path / "w.v").write_text(
        "module w(input clk, input [3:0] a, output reg q);\n"
        "  wire [W-1:0] z = a[0] & 1'b1;\n"
        "  always @(posedge clk) if (a[1]) q <= (a == 4'd2);\n"
        "endmodule\n")
    got = {(m.line, m.kind, m.after.strip()) for m in mutate.sites(tmp_path, ("w",))}
    assert got == {
        (2, "operator", "wire [W-1:0] z = a[0] | 1'b1;"),
        (2, "constant", "wire [W-1:0] z = a[0] & 1'b0;"),
        (2, "stuck", "wire [W-1:0] z = 0;"),
        (3, "condition", "always @(posedge clk) if (!(a[1])) q <= (a == 4'd2);"),
        (3, "operator", "always @(posedge clk) if (a[1]) q <= (a != 4'd2);"),
        (3, "constant", "always @(posedge clk) if (a[1]) q <= (a == 4'd3);"),
        (3, "constant", "always @(posedge clk) if (a[1]) q <= (a == 4'd1);"),
    }, got


def test_inline_pragmas_kept(tmp_path):
    """A line with an inline /* ... */ pragma is mutated like any other; the pragma stays."""
    (tmp_path / "p.v").write_text(
        "module p(input [3:0] a, output [3:0] y);\n"
        "  /* verilator coverage_off */ assign y = a + 4'd1; /* verilator coverage_on */\n"
        "endmodule\n")
    got = {(m.kind, m.after.strip()) for m in mutate.sites(tmp_path, ("p",))}
    on, off = "/* verilator coverage_on */", "/* verilator coverage_off */"
    assert got == {("operator", f"{off} assign y = a - 4'd1; {on}"),
                   ("constant", f"{off} assign y = a + 4'd2; {on}"),
                   ("constant", f"{off} assign y = a + 4'd0; {on}"),
                   ("stuck", f"{off} assign y = 0; {on}")}, got


def test_lint_sinks_and_marked_regions_left_out(tmp_path):
    """wire unused_* lint sinks (one or several lines) and lines between '// mutate: off' and
    '// mutate: on' get no mutants; the lines around them do."""
    (tmp_path / "s.v").write_text(
        "module s(input [3:0] a, output [3:0] y, output [3:0] z);\n"
        "  wire unused_x = &{1'b0, a[3],\n"
        "                    a[2] & a[1]};\n"
        "  assign y = a & 4'd1;    // mutate: off (testbench only)\n"
        "  wire q = a[0] | a[1];\n"
        "  wire r = a[2] | a[3];   // mutate: on\n"
        "  assign z = a | 4'd2;\n"
        "endmodule\n")
    lines = {m.line for m in mutate.sites(tmp_path, ("s",))}
    assert lines == {7}, lines


def test_cache_reuses_kills_while_the_killer_stays(tmp_path):
    """A killed mutant is reused while the trace that killed it is in its suite; a survivor
    only for the very same suite; another hw/ digest starts afresh."""
    m = next(x for x in mutate.sites() if x.kind == "stuck")
    c = mutate.Cache(tmp_path / "c.json", "d1")
    c.put(m, ["a", "b"], "killed", "FAIL b", "b")
    assert mutate.Cache(tmp_path / "c.json", "d1").get(m, ["x", "b", "y"]) == ("killed", "FAIL b")
    assert mutate.Cache(tmp_path / "c.json", "d1").get(m, ["a"]) is None
    c.put(m, ["a", "b"], "survived", "", None)
    assert c.get(m, ["a", "b"]) == ("survived", "")
    assert c.get(m, ["a", "b", "c"]) is None
    assert mutate.Cache(tmp_path / "c.json", "d2").get(m, ["a", "b"]) is None
    assert mutate.Cache(tmp_path / "c.json", "d1", fresh=True).get(m, ["a", "b"]) is None


def test_hw_digest_ignores_comments(tmp_path, monkeypatch):
    (tmp_path / "gen").mkdir()
    (tmp_path / "a.v").write_text("module a; assign x = y; // one\nendmodule\n")
    monkeypatch.setattr(mutate.runner, "HW", tmp_path)
    d = mutate.hw_digest()
    (tmp_path / "a.v").write_text("module a; /* pragma */ assign x = y; // two\nendmodule\n")
    assert mutate.hw_digest() == d
    (tmp_path / "a.v").write_text("module a; assign x = ~y;\nendmodule\n")
    assert mutate.hw_digest() != d


def test_match_selects_mutants_by_text(capsys):
    """--match TEXT keeps exactly the mutants whose description contains TEXT (blanks
    collapsed), with no sampling; a TEXT that matches nothing is a setup error (exit 2)."""
    every = mutate.sites(modules=("nvs_pdp_core",))
    m = next(x for x in every if x.kind == "stuck")
    text = " ".join(m.describe().split())
    assert mutate.main(["--module", "nvs_pdp_core", "--match", text.replace(" ", "   "),
                        "--list"]) == 0
    out = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert len(out) == 1 and " ".join(out[0].split()).startswith(text), out
    assert mutate.main(["--module", "nvs_pdp_core", "--match", "no such line", "--list"]) == 2
    assert "no mutant matches" in capsys.readouterr().err


def test_trace_that_expects_the_watchdog(tmp_path, monkeypatch):
    """A trace whose .cfg starts with '// expect: watchdog' passes only when the testbench's
    watchdog ends it: a mutant that lets the layer finish (or fail otherwise) is killed."""
    from tb.conv_cases import EXPECT_WATCHDOG
    d = tmp_path / "hangs"
    d.mkdir()
    (d / "hangs.cfg").write_text(f"{EXPECT_WATCHDOG}: never finishes\n")

    class R:
        def __init__(self, rc, out):
            self.returncode, self.stdout, self.stderr = rc, out, ""
    outs = iter([R(1, "FAIL hangs: watchdog: intr_notify(SDP_0) never raised"),
                 R(0, "PASS hangs"), R(1, "FAIL hangs: check_crc line 9: CRC expected 0x0")])
    monkeypatch.setattr(mutate.subprocess, "run", lambda cmd, **kw: next(outs))
    assert mutate.expects_watchdog(d) and not mutate.expects_watchdog("regs")
    assert mutate._run_one(tmp_path / "f", d, tmp_path, 5) == ("pass", "")
    o, why = mutate._run_one(tmp_path / "f", d, tmp_path, 5)
    assert o == "fail" and "expected the watchdog" in why
    assert mutate._run_one(tmp_path / "f", d, tmp_path, 5)[0] == "fail"
