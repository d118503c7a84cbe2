"""model/trace.py: the trace language, errors with file:line, notify/poll failures, check_file."""
import zlib

import pytest

from model.trace import TraceError, main, mem_file_image, parse_cfg, parse_mem_file, \
    pattern_bytes, run_trace


def _trace(tmp_path, name, cfg, files=None):
    d = tmp_path / name
    d.mkdir()
    (d / f"{name}.cfg").write_text(cfg)
    for k, v in (files or {}).items():
        (d / k).write_text(v)
    return d


MEM = "{\n{offset:0x0, size:4, payload:0x01 0x02 0x03 0x04} ,\n" \
      "# a comment\n{offset:0x10, size:3, payload:0xff} ,\n}\n"


def test_mem_file_grammar(tmp_path):
    p = tmp_path / "m.dat"
    p.write_text(MEM)
    assert parse_mem_file(p) == [(0, bytes([1, 2, 3, 4])), (0x10, bytes([0xFF, 0, 0]))]
    end, img, mask = mem_file_image(p)
    assert end == 0x13 and img[0x10] == 0xFF and not mask[5]


@pytest.mark.parametrize("text,problem", [
    ("{\n{offset:0x0, size:1, payload:0x01 0x02} ,\n}\n", "2 payload bytes for size 1"),
    ("{\n{offset:0x0 size:1 payload:0x01} ,\n}\n", "not a"),
    ("{\n{offset:0xZZ, size:1, payload:0x01} ,\n}\n", "bad number"),
])
def test_mem_file_errors_name_file_and_line(tmp_path, text, problem):
    p = tmp_path / "bad.dat"
    p.write_text(text)
    with pytest.raises(TraceError, match=rf"^{p}:2: .*{problem}"):
        parse_mem_file(p)


def test_patterns():
    assert pattern_bytes("ALL_ZERO", 0, 3, "x").tolist() == [0, 0, 0]
    assert pattern_bytes("ONES", 0, 2, "x").tolist() == [255, 255]
    assert pattern_bytes("AFIVE", 0, 1, "x").tolist() == [0xA5]
    assert pattern_bytes("FIVEA", 0, 1, "x").tolist() == [0x5A]
    assert pattern_bytes("ADDR", 0x1FE, 3, "x").tolist() == [0xFE, 0xFF, 0x00]
    with pytest.raises(TraceError, match="unknown mem_init pattern"):
        pattern_bytes("PURPLE", 0, 1, "f:3")


@pytest.mark.parametrize("line,problem", [
    ("reg_write(NVDLA_SDP.NOPE_0, 0x1);", "unknown register"),
    ("reg_write(NVDLA_SDP.D_CVT_SCALE_0 0x1);", "takes 2 arguments"),
    ("reg_write(NVDLA_SDP.D_CVT_SCALE_0, 0x1)", "not a command"),
    ("frobnicate(1);", "unknown command"),
    ("mem_load(sec_mem, 0x0, \"a.dat\");", "unknown memory type"),
    ("intr_notify(XYZ_0, s);", "no interrupt"),
    ("check_crc(s, 1, 0x0, 0x10);", "takes 5 arguments"),
    ("reg_write(NVDLA_SDP.D_CVT_SCALE_0, 0x100000000);", "does not fit in 32 bits"),
    ("reg_write(NVDLA_SDP.D_CVT_SCALE_0, -1);", "does not fit in 32 bits"),
    ("mem_init(pri_mem, 0xfffffff0, 0x20, ALL_ZERO);", "ends beyond 32-bit memory"),
    ("check_crc(s, 1, 0x0, 0x10, 0x1ffffffff);", "CRC 0x1ffffffff does not fit"),
])
def test_cfg_errors_name_file_and_line(tmp_path, line, problem):
    p = tmp_path / "t.cfg"
    p.write_text("// comment\n\n" + line + "\n")
    with pytest.raises(TraceError, match=rf"^{p}:3: .*{problem}"):
        parse_cfg(p)


def test_cfg_accepts_both_memtypes_and_comments(tmp_path):
    p = tmp_path / "t.cfg"
    p.write_text("reg_write(NVDLA_SDP.S_POINTER_0, 0); // trailing\n"
                 "intr_notify(SDP_0, s0);\n"
                 "check_crc(s0, 1, 0x10, 0x20, 0xabc);\ncheck_crc(s0, pri_mem, 0x10, 32, 0xabc);\n"
                 "check_nothing(s0);\n")
    cmds = parse_cfg(p)
    assert [c.kind for c in cmds] == ["reg_write", "intr_notify", "check_crc", "check_crc",
                                      "check_nothing"]
    assert cmds[2].args[2:] == cmds[3].args[2:] == [0x10, 0x20, 0xABC]
    assert cmds[1].args[1] == "SDP_DONE_STATUS0"


def test_notify_that_never_comes_fails_naming_unit_and_group(tmp_path):
    d = _trace(tmp_path, "t1", "reg_write(NVDLA_PDP.S_POINTER_0, 1);\n"
                               "reg_write(NVDLA_PDP.D_OP_ENABLE_0, 1);\n"
                               "intr_notify(PDP_1, s);\ncheck_nothing(s);\n")
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert not r.passed and "PDP group 1 never signalled done" in r.message


@pytest.mark.parametrize("cfg,why", [
    # SDP on the fly from CACC, and SDP sending its output to PDP, armed alone
    ("reg_write(NVDLA_SDP.D_FEATURE_MODE_CFG_0, 0x1);\n", "it needs CDMA, CSC, CMAC_A, CMAC_B, "
     "CACC (SDP.D_FEATURE_MODE_CFG_0 FLYING_MODE=1), never armed)"),
    ("reg_write(NVDLA_SDP.D_FEATURE_MODE_CFG_0, 0x2);\n"
     "reg_write(NVDLA_SDP_RDMA.D_OP_ENABLE_0, 1);\n",
     "it needs PDP (SDP.D_FEATURE_MODE_CFG_0 OUTPUT_DST=1), never armed)"),
])
def test_notify_of_an_operation_missing_units_names_them_and_the_field(tmp_path, cfg, why):
    d = _trace(tmp_path, "t1", cfg + "reg_write(NVDLA_SDP.D_OP_ENABLE_0, 1);\n"
                                     "intr_notify(SDP_0, s);\ncheck_nothing(s);\n")
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert not r.passed and r.message.endswith(why), r.message


def test_notify_of_pdp_on_the_fly_alone_names_the_field(tmp_path):
    d = _trace(tmp_path, "t1", "reg_write(NVDLA_PDP.D_OPERATION_MODE_CFG_0, 0x0);\n"
                               "reg_write(NVDLA_PDP.D_OP_ENABLE_0, 1);\n"
                               "intr_notify(PDP_0, s);\ncheck_nothing(s);\n")
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert not r.passed and r.message.endswith(
        "with PDP.D_OPERATION_MODE_CFG_0 FLYING_MODE=0 it runs only within an operation of SDP, "
        "never armed)"), r.message


def test_poll_mismatch_fails_without_hanging(tmp_path):
    d = _trace(tmp_path, "t2", "poll_reg_equal(NVDLA_CDMA.S_CBUF_FLUSH_STATUS_0, 0x0);\n")
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert not r.passed and "reads 0x1" in r.message
    d = _trace(tmp_path, "t3", "poll_reg_equal(NVDLA_CDMA.S_CBUF_FLUSH_STATUS_0, 0x1);\n")
    assert run_trace(d, rtl_dir=tmp_path / "none").passed


def test_interrupt_set_fires_checks_crc_and_file(tmp_path):
    # S_INTR_SET raises SDP_DONE_STATUS0; the checks on that sync id then run on memory
    data = bytes([1, 2, 3, 4])
    crc = zlib.crc32(data + bytes(12))
    cfg = (f"mem_init(pri_mem, 0x100, 0x10, ALL_ZERO);\nmem_load(pri_mem, 0x100, \"m.dat\");\n"
           f"reg_write(NVDLA_GLB.S_INTR_SET_0, 0x1);\nintr_notify(SDP_0, s);\n"
           f"check_crc(s, 1, 0x100, 0x10, 0x{crc:x});\n"
           f"check_file(s, pri_mem, 0x100, 0x4, \"m.dat\");\n")
    d = _trace(tmp_path, "t4", cfg, {"m.dat": "{\n{offset:0x0, size:4, payload:0x01 0x02 0x03 0x04} ,\n}\n"})
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert r.passed, r.message
    assert r.checks == 2
    d = _trace(tmp_path, "t5", cfg.replace(f"0x{crc:x}", "0x1234"),
               {"m.dat": "{\n{offset:0x0, size:4, payload:0x01 0x02 0x03 0x04} ,\n}\n"})
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert not r.passed and "CRC expected 0x00001234" in r.message


def test_rtl_bytes_locate_first_difference(tmp_path):
    cfg = ("mem_init(pri_mem, 0x100, 0x10, AFIVE);\nreg_write(NVDLA_GLB.S_INTR_SET_0, 0x4);\n"
           "intr_notify(CDP_0, s);\n"
           f"check_crc(s, 1, 0x100, 0x10, 0x{zlib.crc32(bytes([0xA5] * 16)):x});\n")
    d = _trace(tmp_path, "t6", cfg)
    rtl = tmp_path / "rtl"
    rtl.mkdir()
    exp = bytearray([0xA5] * 16)
    exp[5] = 0
    (rtl / "crc_100_10.bin").write_bytes(bytes(exp))
    r = run_trace(d, rtl_dir=rtl)
    assert not r.passed and "offset 0x5" in r.message and "expected 0x00 (RTL), got 0xa5" in r.message


def test_cli_malformed_trace_one_line(tmp_path, capsys):
    _trace(tmp_path, "bad", "reg_write(NVDLA_SDP.D_CVT_SCALE_0, 0x1);\nwhat is this\n")
    rc = main([str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert rc == 2                       # bad input (a trace that cannot be read), not a FAIL
    assert out[0].startswith("FAIL bad: ") and out[0].endswith(":2: not a command 'name(args);': 'what is this'")
    assert out[-1].startswith("0 passed, 1 failed")


def test_engine_error_is_a_one_line_fail(tmp_path, monkeypatch):
    import model.nvdla as nvdla

    class Broken:
        @staticmethod
        def run(regs, mem, flying_in=None):
            raise ValueError("unsupported configuration\nsecond line")

    monkeypatch.setitem(nvdla._ENGINES, "sdp", Broken)
    d = _trace(tmp_path, "t7", "reg_write(NVDLA_SDP_RDMA.D_OP_ENABLE_0, 1);\n"
                               "reg_write(NVDLA_SDP.D_OP_ENABLE_0, 1);\n")
    r = run_trace(d, rtl_dir=tmp_path / "none")
    assert not r.passed
    assert r.message == "ValueError at t7.cfg:2: unsupported configuration"


@pytest.mark.parametrize("text,want", [
    # regular file (vectorised path)
    ("{\n{offset:0x2, size:2, payload:0x0a 0x0b} ,\n{offset:0x5, size:2, payload:0x0c} ,\n}\n",
     {2: 0x0A, 3: 0x0B, 5: 0x0C, 6: 0x00}),
    # decimal numbers and single-digit bytes (exact per-line path)
    ("{\n{offset:3, size:2, payload:7 0x8} ,\n}\n", {3: 7, 4: 8}),
    # overlapping entries: the later one wins, zero tail included (sequential semantics)
    ("{\n{offset:0x0, size:4, payload:0x01 0x02 0x03 0x04} ,\n"
     "{offset:0x2, size:2, payload:0x09} ,\n}\n", {0: 1, 1: 2, 2: 9, 3: 0}),
])
def test_mem_load_leaves_unlisted_bytes(tmp_path, text, want):
    from model.memory import Memory
    from model.trace import load_mem_file
    p = tmp_path / "m.dat"
    p.write_text(text)
    m = Memory()
    m.fill(0x1000, 8, 0xEE)
    load_mem_file(m, 0x1000, p)
    got = m.read(0x1000, 8).tolist()
    assert got == [want.get(i, 0xEE) for i in range(8)]


def test_sync_wait_holds_its_block_until_notified(tmp_path):
    # CSC's OP_EN is written first in the file but waits for CACC's notify, so the CSC write
    # happens after the CACC write; a wait that is never notified fails (no hang).
    cfg = ("sync_wait(NVDLA_CSC, go);\nreg_write(NVDLA_CSC.D_MISC_CFG_0, 0x1);\n"
           "reg_write(NVDLA_CACC.D_MISC_CFG_0, 0x1);\nsync_notify(NVDLA_CACC, go);\n"
           "reg_read_check(NVDLA_CSC.D_MISC_CFG_0, 0x1);\n")
    assert run_trace(_trace(tmp_path, "s1", cfg), rtl_dir=tmp_path / "none").passed
    # same program, but the check in CSC's block runs before CSC's write is released: it is
    # ordered after the write within the CSC block, so it still sees 0x1
    cfg2 = ("sync_wait(NVDLA_CSC, go);\nreg_write(NVDLA_CSC.D_MISC_CFG_0, 0x1);\n"
            "reg_read_check(NVDLA_CSC.D_MISC_CFG_0, 0x1);\n"
            "sync_notify(NVDLA_CACC, go);\n")
    assert run_trace(_trace(tmp_path, "s2", cfg2), rtl_dir=tmp_path / "none").passed
    r = run_trace(_trace(tmp_path, "s3", "sync_wait(NVDLA_CSC, never);\n"),
                  rtl_dir=tmp_path / "none")
    assert not r.passed and "sync_wait(NVDLA_CSC, never) at line 1: never notified" in r.message
    with pytest.raises(TraceError, match="unknown block"):
        p = tmp_path / "bad.cfg"
        p.write_text("sync_notify(NVDLA_FOO, x);\n")
        parse_cfg(p)
