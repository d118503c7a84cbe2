"""cocotb tests of the AXI protocol checker tb/hdl/tb_axi_check.v, driven directly (run by
tests/tb/test_axi_ram.py): legal read and write sequences raise nothing and count their bursts;
each kind of violation (hand-built handshake sequences) raises its code with the ID, the burst
address and the cycle it happened.  Results to $TB_RESULTS as JSON."""
from __future__ import annotations

import json
import os
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

IN = ("aw_valid", "aw_ready", "aw_id", "aw_len", "aw_addr", "w_valid", "w_ready", "w_last",
      "b_valid", "b_ready", "b_id", "ar_valid", "ar_ready", "ar_id", "ar_len", "ar_addr",
      "r_valid", "r_ready", "r_last", "r_id")


class Drv:
    def __init__(self, dut):
        self.dut = dut
        self.cyc = 0

    async def reset(self):
        for s in IN:
            getattr(self.dut, s).value = 0
        self.dut.rstn.value = 0
        await ClockCycles(self.dut.clk, 2)
        self.dut.rstn.value = 1

    async def step(self, **sig):
        """One clock with these handshakes (both sides of a channel given as one name)."""
        d = self.dut
        self.cyc += 1
        d.cyc.value = 1000 + self.cyc
        for s in IN:
            getattr(d, s).value = 0
        for k, v in sig.items():
            if k in ("ar", "r", "aw", "w", "b"):
                getattr(d, f"{k}_valid").value = v
                getattr(d, f"{k}_ready").value = v
            else:
                getattr(d, k).value = v
        await RisingEdge(d.clk)
        for s in IN:
            getattr(d, s).value = 0

    async def out(self) -> dict:
        await RisingEdge(self.dut.clk)
        await ReadOnly()
        names = ("err", "err_count", "err_code", "err_id", "err_addr", "err_cycle", "rd_out",
                 "rd_out_max", "wr_out", "wr_out_max", "rd_bursts", "wr_bursts")
        o = {n: int(getattr(self.dut, n).value) for n in names}
        await RisingEdge(self.dut.clk)
        return o


# (name, steps, expected outputs): a step is a dict of handshakes; the violation cycle is
# 1000 + the 1-based index of the offending step
CASES = [
    ("legal reads", [dict(ar=1, ar_id=1, ar_len=3, ar_addr=0x100),
                     dict(ar=1, ar_id=2, ar_len=0, ar_addr=0x200),
                     dict(r=1, r_id=2, r_last=1),
                     dict(r=1, r_id=1), dict(r=1, r_id=1), dict(r=1, r_id=1),
                     dict(r=1, r_id=1, r_last=1)],
     dict(err=0, rd_out=0, rd_out_max=2, rd_bursts=2)),
    ("legal writes", [dict(aw=1, aw_id=4, aw_len=1, aw_addr=0x600),
                      dict(aw=1, aw_id=9, aw_len=0, aw_addr=0x700, w=1),
                      dict(w=1, w_last=1), dict(w=1, w_last=1), dict(b=1, b_id=9),
                      dict(b=1, b_id=4)],
     dict(err=0, wr_out=0, wr_out_max=2, wr_bursts=2)),
    ("R without request", [dict(r=1, r_id=7, r_last=1)],
     dict(err=1, err_code=1, err_id=7, err_addr=0, err_cycle=1001)),
    ("RLAST early", [dict(ar=1, ar_id=1, ar_len=1, ar_addr=0x340), dict(),
                     dict(r=1, r_id=1, r_last=1)],
     dict(err=1, err_code=3, err_id=1, err_addr=0x340, err_cycle=1003)),
    ("RLAST missing", [dict(ar=1, ar_id=3, ar_len=0, ar_addr=0x500), dict(r=1, r_id=3)],
     dict(err=1, err_code=2, err_id=3, err_addr=0x500, err_cycle=1002)),
    ("second burst of an ID answered as the first", [
        dict(ar=1, ar_id=6, ar_len=1, ar_addr=0x800), dict(ar=1, ar_id=6, ar_len=3, ar_addr=0x900),
        dict(r=1, r_id=6), dict(r=1, r_id=6, r_last=1),
        dict(r=1, r_id=6), dict(r=1, r_id=6, r_last=1)],
     dict(err=1, err_code=3, err_id=6, err_addr=0x900, err_cycle=1006, rd_out=0)),
    ("B without request", [dict(b=1, b_id=3)],
     dict(err=1, err_code=4, err_id=3, err_cycle=1001)),
    ("B before the data", [dict(aw=1, aw_id=5, aw_len=0, aw_addr=0xA00), dict(b=1, b_id=5)],
     dict(err=1, err_code=4, err_id=5, err_cycle=1002)),
    ("W without AW", [dict(w=1, w_last=1)], dict(err=1, err_code=5, err_cycle=1001)),
    ("WLAST early", [dict(aw=1, aw_id=4, aw_len=1, aw_addr=0x600), dict(w=1, w_last=1)],
     dict(err=1, err_code=6, err_id=4, err_addr=0x600, err_cycle=1002)),
    ("lost read (never answered)", [dict(ar=1, ar_id=2, ar_len=0, ar_addr=0x40)],
     dict(err=0, rd_out=1)),
]


@cocotb.test()
async def checker_test(dut):
    cocotb.start_soon(Clock(dut.clk, 2, "ns").start())
    fails, checked = [], 0
    for name, steps, want in CASES:
        drv = Drv(dut)
        await drv.reset()
        for st in steps:
            await drv.step(**st)
        got = await drv.out()
        for k, v in want.items():
            checked += 1
            if got[k] != v:
                fails.append(f"{name}: {k} = {got[k]:#x}, expected {v:#x}")
    out = os.environ.get("TB_RESULTS")
    if out:
        Path(out).write_text(json.dumps({"failures": fails, "checked": checked}))
    assert not fails, fails
