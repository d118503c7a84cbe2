"""Testbench environment (pyuvm): CSB agent, DBB memory, interrupt monitor, watchdog, scoreboard.

The scoreboard holds the golden model (model.nvdla.NvSmall) as reference model: every CSB write
the monitor observes on the pins is applied to it, the same memory image is loaded into it, and
each checked region is compared three ways: the trace's CRC, NVIDIA's nv_small RTL output bytes
(../shared/nvdla-traces/nv_small-rtl-output) and the model's bytes; a mismatch names the first
differing byte.
"""
from __future__ import annotations

import os
import zlib

import numpy as np
from cocotb.triggers import ClockCycles, First, ReadOnly, RisingEdge, Timer
from pyuvm import ConfigDB, uvm_component, uvm_env, uvm_subscriber

from model.regs import REGMAP

from . import funcov
from .csb import CsbAgent, CsbBfm, CsbObs
from .dbb import DbbMemory

CLK_NS = 2                 # testbench clock period
RESET_CYCLES = 20          # reset held low
# idle cycles after reset release before the first CSB access ($TB_RESET_SETTLE overrides): a DUT
# with reset synchronizers and clock-gating enables (NVIDIA's NV_nvdla: a trace started fewer than
# ~64 cycles after reset wrote zeros or never interrupted) needs them; not counted in trace cycles
RESET_SETTLE = 1024
# idle watchdog ($TB_IDLE_LIMIT overrides, 0 = off): a trace waiting for an interrupt fails when
# the DUT shows no CSB, AXI or interrupt activity for this many cycles (tb_top idle counter).
# A trace that runs a convolution gets CONV_IDLE_FACTOR times as long: NVIDIA's conv pipeline
# computes from its convolution buffer for long stretches without any AXI traffic (longest
# measured on its RTL: 8,283 cycles on dc_4x1x8192, 5,467 on dc_35x22x54; other units and our
# RTL stay far below 5,000).
IDLE_LIMIT = 5000
CONV_IDLE_FACTOR = 4

# tb_axi_check violation codes
AXI_CODES = {
    1: "R beat of an ID with no outstanding read burst",
    2: "no RLAST on beat ARLEN+1 of a read burst",
    3: "RLAST before beat ARLEN+1 of a read burst",
    4: "B of an ID with no completed write burst",
    5: "W beat with no write address accepted",
    6: "WLAST not on beat AWLEN+1 of a write burst",
    7: "more bursts outstanding on one ID than the checker tracks (256)",
}


class WatchdogTimeout(RuntimeError):
    pass


class IdleTimeout(WatchdogTimeout):
    """No CSB, AXI or interrupt activity for the idle limit."""


class AxiViolation(RuntimeError):
    """tb_axi_check saw a lost, invented or malformed transaction on the DBB port."""


class CsbViolation(RuntimeError):
    """A CSB answer (nvdla2csb_valid / nvdla2csb_wr_complete) with no request outstanding."""


def idle_limit() -> int:
    return int(os.environ.get("TB_IDLE_LIMIT", str(IDLE_LIMIT)))


def axi_violation(dut, settle: int = 0) -> str | None:
    """The checker's first violation as one line (None when there is none)."""
    if not int(dut.chk_err.value):
        return None
    code = int(dut.chk_err_code.value)
    addr = int(dut.chk_err_addr.value)
    at = f", burst address 0x{addr:08x}" if addr or code in (2, 3, 6) else ""
    return (f"AXI protocol violation at cycle {int(dut.chk_err_cycle.value) - settle}: "
            f"{AXI_CODES.get(code, f'code {code}')} (ID 0x{int(dut.chk_err_id.value):x}{at}); "
            f"{int(dut.chk_err_count.value)} violations, {axi_counts(dut)}")


def axi_counts(dut) -> str:
    return (f"{int(dut.chk_rd_out.value)} read / {int(dut.chk_wr_out.value)} write bursts "
            f"outstanding (max {int(dut.chk_rd_out_max.value)} / {int(dut.chk_wr_out_max.value)}, "
            f"{int(dut.chk_rd_bursts.value)} / {int(dut.chk_wr_bursts.value)} completed)")


class IntrMonitor(uvm_component):
    """Watches dla_intr; ``wait(cycles)`` returns when it is high, or raises WatchdogTimeout.
    Waiting costs no Python time per cycle (one trigger on the rising edge or the deadline)."""

    def build_phase(self):
        self.dut = ConfigDB().get(self, "", "DUT")
        self.rises = 0
        self.settle = 0

    async def run_phase(self):
        while True:
            await RisingEdge(self.dut.intr)
            self.rises += 1

    async def wait(self, cycles: int) -> bool:
        """True when dla_intr is high, False after ``cycles``; raises AxiViolation as soon as
        the protocol checker flags one, IdleTimeout when the idle watchdog trips."""
        d = self.dut
        await ReadOnly()
        self._raise()
        if d.intr.value == 1:
            await RisingEdge(d.clk)
            return True
        res = await First(RisingEdge(d.intr), Timer(cycles * CLK_NS, "ns"),
                          RisingEdge(d.chk_err), RisingEdge(d.idle_trip))
        await RisingEdge(d.clk)
        if d.intr.value == 1:
            return True
        self._raise()
        return isinstance(res, RisingEdge) and res.signal._name == d.intr._name

    def _raise(self) -> None:
        d = self.dut
        v = axi_violation(d, self.settle)
        if v:
            raise AxiViolation(v)
        if int(d.idle_trip.value) and d.intr.value != 1:
            raise IdleTimeout(f"idle watchdog: no CSB, AXI or interrupt activity for "
                              f"{int(d.idle_cycles.value)} cycles (limit {int(d.idle_limit.value)}"
                              f", TB_IDLE_LIMIT={idle_limit()}) "
                              f"at cycle {int(d.cycles.value) - self.settle}")


class Scoreboard(uvm_subscriber):
    """Reference model fed by the CSB monitor; compares checked regions (see module doc)."""

    def build_phase(self):
        self.model = None
        self.model_error: str | None = None
        self.model_checks = 0
        self._ops_seen = 0             # operations of the model already sampled (tb/funcov.py)

    def start(self, image) -> None:
        """New trace: a fresh golden model with the trace's memory image (a model.memory.Memory)."""
        self.model_error = None
        self.model_checks = 0          # regions compared with the golden model
        self._ops_seen = 0
        funcov.flush(force=False)      # functional coverage so far (every FLUSH_EVERY s)
        try:
            from model.nvdla import NvSmall
            self.model = NvSmall()
            self.model.mem.pages = {k: v.copy() for k, v in image.pages.items()}
        except Exception as e:  # the golden model is optional for running the RTL
            self.model, self.model_error = None, f"golden model unavailable: {e}"

    def write(self, obs: CsbObs):
        if self.model is None or not obs.write:
            return
        try:
            self.model.csb_write(obs.addr, obs.data)
        except Exception as e:   # EngineMissing or a model bug: note it, keep the RTL run going
            if self.model_error is None:
                self.model_error = f"golden model: {type(e).__name__}: {e}"
        # functional coverage: every operation an OP_ENABLE launched, with its groups' registers
        if funcov.enabled() and len(self.model.ops) > self._ops_seen:
            self._ops_seen = funcov.sample_new_ops(self.model, self._ops_seen)

    def report_phase(self):
        funcov.flush()

    def ew_reason(self, base: int, size: int) -> str | None:
        """The golden model's "expected CRC difference" reason for the region, if any."""
        if self.model is None or self.model_error is not None:
            return None
        from model.trace import ew_crc_reason
        dev = self.model
        ops = {r.op_index for r in dev.regions if r.start < base + size and r.end > base}
        return ew_crc_reason(dev, ops)

    @staticmethod
    def first_diff(base: int, exp: np.ndarray, got: np.ndarray, src: str) -> str | None:
        d = np.flatnonzero(exp != got)
        if d.size == 0:
            return None
        off = int(d[0])
        return (f"first differing byte vs {src} at offset 0x{off:x} (0x{base + off:x}): "
                f"expected 0x{int(exp[off]):02x}, RTL wrote 0x{int(got[off]):02x}; "
                f"{d.size} bytes differ")

    def check(self, base: int, size: int, got: np.ndarray, exp_crc: int | None,
              rtl: np.ndarray | None, expected_file: np.ndarray | None = None
              ) -> tuple[bool, str, list[str]]:
        """(passed, failure message, notes).  NVIDIA's RTL bytes, where present, are the truth
        for the CRC (the two SDP EW traces fail their CRC on nv_small: no EW stage)."""
        notes: list[str] = []
        fails: list[str] = []
        got_crc = zlib.crc32(got.tobytes()) & 0xFFFFFFFF
        if expected_file is not None:
            m = self.first_diff(base, expected_file, got, "the check file")
            if m:
                fails.append(m)
        if rtl is not None:
            m = self.first_diff(base, rtl, got, "NVIDIA's nv_small RTL output")
            if m:
                fails.append(m)
            if exp_crc is not None and got_crc != exp_crc and not m:
                notes.append(f"CRC 0x{got_crc:08x} != trace's 0x{exp_crc:08x}, but equals the "
                             f"nv_small RTL output (judged by the RTL bytes)")
        elif exp_crc is not None and got_crc != exp_crc:
            # no RTL bytes (a trace outside ../shared): the golden model's rule for the SDP EW
            # stage nv_small lacks decides, as on the model (model.trace.ew_crc_reason); the bytes
            # are then judged by the golden model below
            reason = self.ew_reason(base, size)
            if reason:
                notes.append(f"{reason} (no RTL bytes: judged by the golden model)")
            else:
                fails.append(f"CRC expected 0x{exp_crc:08x} got 0x{got_crc:08x} (no RTL bytes to "
                             f"locate the difference)")
        if self.model is not None and self.model_error is None:
            mb = self.model.mem.read(base, size)
            self.model_checks += 1
            m = self.first_diff(base, mb, got, "the golden model")
            if m:
                fails.append(m)
        elif self.model_error:
            notes.append(self.model_error)
        return (not fails), "; ".join(fails), notes


class NvdlaEnv(uvm_env):
    def build_phase(self):
        self.dut = ConfigDB().get(self, "", "DUT")
        self.bfm = CsbBfm(self.dut)
        ConfigDB().set(self, "*", "CSB_BFM", self.bfm)
        self.csb = CsbAgent("csb", self)
        self.intr = IntrMonitor("intr", self)
        self.scoreboard = Scoreboard("scoreboard", self)
        self.dbb = DbbMemory(self.dut)

    def connect_phase(self):
        self.csb.monitor.ap.connect(self.scoreboard.analysis_export)

    async def reset(self, seed: int | None) -> None:
        """Reset the DUT and the memory's timing; rnd mode on when seed is not None."""
        d = self.dut
        d.mem_rnd_en.value = int(seed is not None)
        d.mem_rnd_seed.value = (seed or 0) & 0xFFFFFFFF
        d.idle_limit.value = max(0, idle_limit()) & 0xFFFFFFFF
        d.rstn.value = 0
        for _ in range(RESET_CYCLES - 1):
            await RisingEdge(d.clk)
        # in reset no request is outstanding: the CSB answers must be low (NVIDIA's csb_master
        # resets both flops to 0); a DUT that answers here would complete an access it never got
        await ReadOnly()
        high = [n for n, sig in (("nvdla2csb_valid", d.csb_rvalid),
                                 ("nvdla2csb_wr_complete", d.csb_wr_complete))
                if str(sig.value) == "1"]
        await RisingEdge(d.clk)
        d.rstn.value = 1
        if high:
            raise CsbViolation(f"CSB: {' and '.join(high)} high in reset (no request outstanding)")
        await RisingEdge(d.clk)
        # idle cycles after reset before the first CSB access (a DUT may need them to settle);
        # not counted in a trace's cycles
        settle = int(os.environ.get("TB_RESET_SETTLE", str(RESET_SETTLE)))
        if settle:
            await ClockCycles(d.clk, settle)
        self.settle_cycles = settle
        self.intr.settle = settle


def reg_addr(name: str) -> int:
    return REGMAP[name].addr
