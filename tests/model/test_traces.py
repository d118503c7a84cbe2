"""NVIDIA's nv_small trace tests on the golden model: CRC (or the documented expected difference)
and, byte for byte, the output NVIDIA's nv_small RTL wrote."""
import pytest

from model import data
from model.trace import parse_cfg, run_trace

ROOT = data.traces_root()
TRACES = data.trace_dirs(ROOT)


SUMMARY = data.rtl_summary(ROOT)


@pytest.mark.skipif(not TRACES, reason=f"no NVIDIA traces under {ROOT} (set $NVDLA_TRACES)")
@pytest.mark.parametrize("trace_dir", TRACES, ids=[p.name for p in TRACES])
def test_trace(trace_dir):
    rtl_dir = data.rtl_output_dir(trace_dir)
    cmds = parse_cfg(trace_dir / f"{trace_dir.name}.cfg")
    if rtl_dir.is_dir():
        for c in cmds:                  # the runner compares every checked region with these
            if c.kind == "check_crc":
                assert (rtl_dir / f"crc_{c.args[2]:x}_{c.args[3]:x}.bin").is_file()
    r = run_trace(trace_dir)
    if r.skipped:
        pytest.skip(r.skipped)
    assert r.passed, r.message
    assert r.checks == len([c for c in cmds if c.kind.startswith("check_")])
    # Independent cross-check: where NVIDIA's RTL itself failed the trace's CRC, the model must
    # report an expected difference (derived from the registers), and only there.
    row = SUMMARY.get(trace_dir.name)
    if row is not None:
        expected_diff = any("expected CRC difference" in n for n in r.notes)
        assert expected_diff == (row["rtl_result"] != "PASS"), (row, r.notes)
    if not rtl_dir.is_dir():
        pytest.skip(f"CRC checks passed; no RTL output bytes in {rtl_dir} to compare with")
