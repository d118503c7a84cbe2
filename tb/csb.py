"""CSB agent (pyuvm): sequence item, driver, monitor.

Protocol (NVIDIA's CSB, as the RTL contract states it): a request is accepted at a clock edge where
csb2nvdla_valid && csb2nvdla_ready; csb2nvdla_addr is the word address (byte address >> 2).  A read
is answered some cycles later by nvdla2csb_valid with nvdla2csb_data; a non-posted write
(nposted=1) by a nvdla2csb_wr_complete pulse; a posted write gets no answer.  The testbench's
harness (tb/hdl/tb_top.v) exposes these as csb_valid/csb_ready/csb_addr/csb_wdat/csb_write/
csb_nposted and csb_rvalid/csb_rdata/csb_wr_complete.

The driver raises a watchdog error (never hangs) when a request is not accepted or not answered
within ``CSB_TIMEOUT`` cycles.
"""
from __future__ import annotations

from dataclasses import dataclass

from cocotb.triggers import Event, ReadOnly, RisingEdge
from pyuvm import (uvm_agent, uvm_analysis_port, uvm_driver, uvm_monitor, uvm_sequence_item,
                   uvm_sequencer, ConfigDB)

from model.regs import REGMAP

CSB_TIMEOUT = 1000   # cycles for a request to be accepted / answered


class CsbTimeout(RuntimeError):
    pass


def reg_name(byte_addr: int) -> str:
    r = REGMAP.by_addr(byte_addr)
    return r.full_name if r else f"<unmapped {byte_addr:#06x}>"


class CsbItem(uvm_sequence_item):
    """One CSB access.  addr is the BYTE address (as the register map and traces give it)."""

    def __init__(self, name="csb", addr=0, data=0, write=True, nposted=False):
        super().__init__(name)
        self.addr = addr
        self.data = data          # write data, or read data after the driver returned
        self.write = write
        self.nposted = nposted

    def __str__(self):
        kind = "W" if self.write else "R"
        return f"CSB {kind} {reg_name(self.addr)} ({self.addr:#06x}) = {self.data:#010x}"


@dataclass
class CsbObs:
    """What the monitor saw on the pins: one completed access."""
    addr: int      # byte address
    write: bool
    data: int


class CsbBfm:
    """Pin-level access to the CSB ports of tb_top, shared by driver and monitor."""

    def __init__(self, dut):
        self.dut = dut
        self.clk = dut.clk
        self.busy = Event()          # set while the driver has a request on the bus

    def idle(self):
        d = self.dut
        d.csb_valid.value = 0
        d.csb_write.value = 0
        d.csb_nposted.value = 0
        d.csb_addr.value = 0
        d.csb_wdat.value = 0

    async def access(self, addr: int, data: int, write: bool, nposted: bool) -> int:
        """Drive one request; returns the read data (0 for writes)."""
        d = self.dut
        self.busy.set()
        try:
            d.csb_addr.value = (addr >> 2) & 0xFFFF
            d.csb_wdat.value = data & 0xFFFFFFFF
            d.csb_write.value = int(write)
            d.csb_nposted.value = int(nposted)
            d.csb_valid.value = 1
            data = 0
            for _ in range(CSB_TIMEOUT):
                await ReadOnly()
                ready = d.csb_ready.value == 1
                await RisingEdge(self.clk)          # the request is taken at this edge if ready
                if ready:
                    break
            else:
                raise CsbTimeout(f"CSB request {reg_name(addr)} not accepted in {CSB_TIMEOUT} cycles")
            d.csb_valid.value = 0
            if write and not nposted:
                return 0
            for _ in range(CSB_TIMEOUT):
                await ReadOnly()
                done = write and d.csb_wr_complete.value == 1
                if not write and d.csb_rvalid.value == 1:
                    done, data = True, int(d.csb_rdata.value)
                await RisingEdge(self.clk)          # leave the read-only phase before returning
                if done:
                    return data if not write else 0
            raise CsbTimeout(f"CSB {'write' if write else 'read'} {reg_name(addr)} got no "
                             f"answer in {CSB_TIMEOUT} cycles")
        finally:
            self.busy.clear()


class CsbDriver(uvm_driver):
    def build_phase(self):
        self.bfm: CsbBfm = ConfigDB().get(self, "", "CSB_BFM")

    async def run_phase(self):
        self.bfm.idle()
        while True:
            item = await self.seq_item_port.get_next_item()
            item.error = None
            try:
                data = await self.bfm.access(item.addr, item.data, item.write, item.nposted)
                if not item.write:
                    item.data = data
            except CsbTimeout as e:          # reported by the sequence, the driver lives on
                self.bfm.idle()
                item.error = e
            self.seq_item_port.item_done()


class CsbMonitor(uvm_monitor):
    """Observes the CSB pins and publishes every completed access (CsbObs) on ``ap``.
    It samples only while a request is outstanding (woken by the BFM), so long waits for an
    interrupt cost no Python time."""

    def build_phase(self):
        self.bfm: CsbBfm = ConfigDB().get(self, "", "CSB_BFM")
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        d = self.bfm.dut
        pending: list[tuple[int, bool, bool, int]] = []   # accepted, awaiting an answer
        while True:
            if not self.bfm.busy.is_set() and not pending:
                await self.bfm.busy.wait()
            await ReadOnly()
            if pending and d.csb_rvalid.value == 1:
                a, _, _, _ = pending.pop(0)
                self.ap.write(CsbObs(a, False, int(d.csb_rdata.value)))
            elif pending and pending[0][1] and d.csb_wr_complete.value == 1:
                a, _, _, v = pending.pop(0)
                self.ap.write(CsbObs(a, True, v))
            if d.csb_valid.value == 1 and d.csb_ready.value == 1:
                a = int(d.csb_addr.value) << 2
                w = d.csb_write.value == 1
                np_ = d.csb_nposted.value == 1
                v = int(d.csb_wdat.value)
                if w and not np_:
                    self.ap.write(CsbObs(a, True, v))       # posted: complete when accepted
                else:
                    pending.append((a, w, np_, v))
            await RisingEdge(self.bfm.clk)


class CsbAgent(uvm_agent):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = CsbDriver("driver", self)
        self.monitor = CsbMonitor("monitor", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
