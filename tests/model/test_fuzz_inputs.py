"""Property-based fuzzing (hypothesis) of the model's input readers and its CSB register file.

Entry points and cases per run (derandomized: the same cases every run, ``max_examples``):

| entry point                                  | cases |
|----------------------------------------------|-------|
| model.trace.parse_cfg (trace .cfg)           | 300   |
| model.trace.parse_mem_file / mem_file_image  | 300   |
| python -m model.trace (main) on a bad trace  | 60    |
| NvSmall CSB register programs                | 150   |
| TraceRunner, fuzzed sdp/pdp/cdp programs     | 3 x 40 |

Outcome every time: the result, or a TraceError whose message is one line starting with
``<file>:<line>:`` (or ``<file>:``); the command line prints one line and exits 2 for a
malformed trace; the register file never raises and keeps only the map's fields.
"""
from __future__ import annotations

import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import trace as T
from model.nvdla import NvSmall
from model.regs import REGMAP

FUZZ = settings(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

REG_NAMES = sorted(REGMAP.registers)
KINDS = ["reg_write", "poll_reg_equal", "reg_read_check", "mem_init", "mem_load", "intr_notify",
         "check_crc", "check_file", "check_nothing", "sync_notify", "sync_wait", "frob"]
_hex = st.integers(-5, (1 << 40)).map(hex)
_token = st.one_of(
    st.sampled_from(REG_NAMES), _hex, st.integers(0, 1 << 33).map(str),
    st.sampled_from(["pri_mem", "sec_mem", "1", "ALL_ZERO", "RANDOM", "PURPLE", "SDP_0", "PDP_1",
                     "CDP_0", "XYZ_9", "sync_id_0", "NVDLA_SDP", "NVDLA_FOO", '"in.dat"', '"',
                     '""', "0xZZ", "", " "]),
    st.text(string.printable, max_size=12))


@st.composite
def cfg_line(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(string.printable.replace("\n", "").replace("\r", ""), max_size=40))
    args = draw(st.lists(_token, max_size=6))
    end = draw(st.sampled_from([");", ");", ");", ")", "); // c", ";"]))
    return f"{draw(st.sampled_from(KINDS))}({', '.join(args)}{end}"


def _one_line_error(e: T.TraceError, path: Path):
    msg = str(e)
    assert "\n" not in msg, msg
    assert msg.startswith(f"{path}:"), msg


@settings(FUZZ, max_examples=300)
@given(lines=st.lists(cfg_line(), min_size=1, max_size=8))
def test_parse_cfg_fuzz(tmp_path, lines):
    p = tmp_path / "t.cfg"
    p.write_text("\n".join(lines) + "\n")
    try:
        cmds = T.parse_cfg(p)
    except T.TraceError as e:
        _one_line_error(e, p)
        return
    for c in cmds:                                   # accepted: every number is 32-bit
        assert c.kind in KINDS
        for a in c.args:
            if isinstance(a, int):
                assert 0 <= a <= 0xFFFFFFFF, (c.text, a)


SPAN = 1 << 20           # the span limit while fuzzing (the reader's is 256 MiB)
_byte = st.one_of(st.integers(0, 255).map(lambda b: f"0x{b:02x}"),
                  st.sampled_from(["0x1", "256", "0x100", "zz", "7", "0XFF"]))


@st.composite
def mem_entry(draw):
    if draw(st.integers(0, 14)) == 0:
        return draw(st.sampled_from(["", "{", "}", "# note", "// note", "garbage", "{offset:1}",
                                     "{offset:0x0, size:1, payload:0x01 0x02} ,"]))
    off = draw(st.one_of(st.integers(0, 0x100), st.sampled_from([1 << 32, (1 << 32) - 1, 1 << 40, SPAN - 4])))
    size = draw(st.integers(0, 12))
    n = draw(st.integers(0, size + (1 if draw(st.integers(0, 9)) == 0 else 0)))
    pay = [draw(_byte) if draw(st.integers(0, 19)) == 0 else f"0x{draw(st.integers(0, 255)):02x}"
           for _ in range(n)]
    return f"{{offset:{off:#x}, size:{size}, payload:{' '.join(pay)}}} ,"


@settings(FUZZ, max_examples=300)
@given(entries=st.lists(mem_entry(), max_size=10))
def test_mem_file_fuzz_fast_and_exact_parsers_agree(tmp_path, entries):
    """The vectorised reader (mem_file_image) gives the image the per-line parser's entries
    define (later entries win), or both reject the file with the same one-line error."""
    p = tmp_path / "m.dat"
    p.write_text("{\n" + "\n".join(entries) + "\n}\n")
    keep, T.MEM_FILE_SPAN_LIMIT = T.MEM_FILE_SPAN_LIMIT, SPAN   # small images: a fast test
    try:
        _mem_case(p)
    finally:
        T.MEM_FILE_SPAN_LIMIT = keep


def _mem_case(p):
    try:
        ents = T.parse_mem_file(p)
    except T.TraceError as e:
        _one_line_error(e, p)
        with pytest.raises(T.TraceError) as e2:
            T.mem_file_image(p)
        assert str(e2.value) == str(e)
        return
    want_end = max((o + len(b) for o, b in ents), default=0)
    if want_end > T.MEM_FILE_SPAN_LIMIT:
        with pytest.raises(T.TraceError, match=f"more than the {SPAN >> 20} MiB") as e:
            T.mem_file_image(p)
        _one_line_error(e.value, p)
        return
    end, img, mask = T.mem_file_image(p)
    assert end == want_end
    want = np.zeros(want_end, np.uint8)
    wmask = np.zeros(want_end, bool)
    for o, b in ents:
        want[o:o + len(b)] = np.frombuffer(b, np.uint8)
        wmask[o:o + len(b)] = True
    np.testing.assert_array_equal(img, want)
    np.testing.assert_array_equal(mask, wmask)


@settings(FUZZ, max_examples=60)
@given(lines=st.lists(cfg_line(), min_size=1, max_size=5))
def test_trace_cli_on_bad_traces(tmp_path, capsys, lines):
    """python -m model.trace on a trace its parser rejects: one FAIL line naming file:line,
    exit status 2 (bad input), no traceback."""
    d = tmp_path / "bad"
    d.mkdir(exist_ok=True)
    cfg = d / "bad.cfg"
    cfg.write_text("\n".join(lines) + "\n")
    try:
        T.parse_cfg(cfg)
        return                                        # well formed: not this test's subject
    except T.TraceError:
        pass
    capsys.readouterr()
    rc = T.main([str(d)])
    out = capsys.readouterr()
    assert rc == 2, (rc, out.out)
    fails = [ln for ln in out.out.splitlines() if ln.startswith("FAIL")]
    assert len(fails) == 1 and f"{cfg}:" in fails[0], out.out
    assert "Traceback" not in out.out + out.err


_SKIP = {"D_OP_ENABLE_0", "S_POINTER_0", "S_LUT_ACCESS_CFG_0", "S_LUT_ACCESS_DATA_0"}
_PLAIN = [r for r in REGMAP if r.unit != "GLB" and r.name not in _SKIP]
_MAPPED = {r.addr for r in REGMAP}


@settings(FUZZ, max_examples=150)
@given(prog=st.lists(st.tuples(
    st.one_of(st.sampled_from(_PLAIN).map(lambda r: r.addr), st.integers(0, 0x1_0000_0000 - 1)),
    st.integers(0, 0xFFFFFFFF)), min_size=1, max_size=40))
def test_csb_register_programs(prog):
    """Writes of any 32-bit value to any address (unmapped, read-only, out of the CSB window)
    never raise; a read returns what the map's fields keep (rw), the reset value (ro), or 0
    (unmapped)."""
    dev = NvSmall()
    last: dict[int, int] = {}
    for addr, val in prog:
        if addr in _MAPPED and REGMAP.by_addr(addr) not in _PLAIN:
            continue                                  # launches work or switches groups
        dev.csb_write(addr, val)
        last[addr] = val
    for addr, val in last.items():
        reg = REGMAP.by_addr(addr)
        got = dev.csb_read(addr)
        if reg is None:
            assert got == 0, f"unmapped 0x{addr:x} read 0x{got:x}"
        elif reg.access == "rw":
            mask = sum(((1 << (f.msb - f.lsb + 1)) - 1) << f.lsb for f in reg.fields)
            assert got == val & mask, f"{reg.full_name}: wrote 0x{val:x}, read 0x{got:x}"
        elif reg.access == "ro":
            assert got == reg.reset, f"{reg.full_name} (read-only) changed to 0x{got:x}"


# ---- register programs that launch work: a real trace of each unit with its register values
# replaced by any 32-bit value (fields out of range, modes, addresses, strides), cube sizes kept
# small (0..15 per dimension field) so that a case cannot legitimately run for hours
from model import data as _data  # noqa: E402

PROGRAM_TRACES = ("sdp_3x3x33_bs_bn_int8_1", "pdp_8x8x64_2x2_int8", "cdp_8x8x32_lrn3_int8_0")
_SIZE = ("WIDTH", "HEIGHT", "CHANNEL")
_MODEL_BUG = ("IndexError", "KeyError", "TypeError", "AttributeError", "ZeroDivisionError",
              "OverflowError", "MemoryError", "UnboundLocalError", "AssertionError", "NameError")


def _program(name):
    d = _data.traces_root() / "nv_small" / name
    if not (d / f"{name}.cfg").is_file():
        pytest.skip(f"NVIDIA trace {d} not found (set NVDLA_TRACES or NVDLA_SHARED)")
    return d, T.parse_cfg(d / f"{name}.cfg")


@settings(FUZZ, max_examples=40)
@pytest.mark.parametrize("name", PROGRAM_TRACES)
@given(data=st.data())
def test_register_programs_on_the_model(tmp_path, name, data):
    """A program of out-of-range register values ends in PASS or one FAIL line naming the trace
    file and line or the unit's configuration problem; never a Python error of the model, never
    longer than the alarm allows (no hang)."""
    import signal
    src, cmds = _program(name)
    lines = []
    for c in cmds:
        if c.kind == "reg_write" and "OP_ENABLE" not in c.args[0] and data.draw(st.integers(0, 2)) == 0:
            reg = c.args[0]
            big = any(s in reg for s in _SIZE)
            v = data.draw(st.integers(0, 15) if big else st.integers(0, 0xFFFFFFFF), label=reg)
            lines.append(f"reg_write({reg}, 0x{v:x});")
        elif c.kind == "mem_load":
            lines.append(f'mem_load(pri_mem, 0x{c.args[1]:x}, "{src / c.args[2]}");')
        else:
            lines.append(c.text)
    d = tmp_path / name
    d.mkdir(exist_ok=True)
    (d / f"{name}.cfg").write_text("\n".join(lines) + "\n")

    def hang(*_):
        raise TimeoutError(f"{name}: the model ran longer than 60 s on a fuzzed program")
    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        r = T.TraceRunner(d, rtl_dir=tmp_path / "no-rtl").run()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    line = r.line()
    assert "\n" not in line, line
    assert "TimeoutError" not in line, line
    assert not r.message.startswith(_MODEL_BUG), f"a Python error in the model: {line}"
