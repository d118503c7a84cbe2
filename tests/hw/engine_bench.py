"""cocotb bench for one engine (nvs_pdp or nvs_cdp) standalone: config ports from a trace's
register writes, a DMA-client memory model (read/write clients with latency), LUT tables for CDP.

Run by tests/hw/test_pdp_cdp_engines.py through the cocotb runner: the engine name comes in
ENGINE_UNIT ("pdp" | "cdp"), the jobs in ENGINE_JOBS (trace directory, memory-latency seed
(0: fixed latency, no back-pressure; else seeded random latency and back-pressure), result file),
all run in one simulation with a reset between them. Each result (bytes of the checked region and
the engine cycle count, op_en to op_done) goes to its .npz for the pytest side to compare.
"""
from __future__ import annotations

import os
import random
from collections import deque
from pathlib import Path

import numpy as np

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge

from model.memory import Memory
from model.regs import REGMAP
from model.trace import mem_file_image, parse_cfg, parse_mem_file, pattern_bytes

UNITS = {"pdp": ("PDP", "PDP_RDMA"), "cdp": ("CDP", "CDP_RDMA")}


def port_name(reg, fld) -> str:
    rn = reg.name[:-2] if reg.name.endswith("_0") else reg.name
    return f"{reg.unit.lower()}_{rn.lower()}_{fld.name.lower()}"


def load_trace(tdir: Path):
    cmds = parse_cfg(tdir / f"{tdir.name}.cfg")
    mem = Memory()
    regs: dict[str, int] = {}
    lut = {0: [0] * 65, 1: [0] * 257}
    lut_addr, lut_tab = 0, 0
    check = None
    for c in cmds:
        if c.kind == "mem_init":
            _, base, sz, pat = c.args
            if isinstance(sz, str):
                sz = mem_file_image(tdir / sz)[0]
            mem.write(base, pattern_bytes(pat, base, sz, str(c.line)))
        elif c.kind == "mem_load":
            for off, payload in parse_mem_file(tdir / c.args[2]):
                mem.write(c.args[1] + off, payload)
    for c in cmds:
        if c.kind == "reg_write":
            name, val = c.args
            regs[name] = val
            if name == "NVDLA_CDP.S_LUT_ACCESS_CFG_0":
                lut_addr, lut_tab = val & 0x3FF, (val >> 16) & 1
            elif name == "NVDLA_CDP.S_LUT_ACCESS_DATA_0":
                tab = lut[lut_tab]
                if lut_addr < len(tab):
                    tab[lut_addr] = val & 0xFFFF
                lut_addr += 1
        elif c.kind == "check_crc":
            check = (c.args[2], c.args[3])
    return mem, regs, lut, check


class DmaModel:
    """One read client and one write client of the engine, served from a Memory."""

    def __init__(self, dut, mem: Memory, rd: str, wr: str, seed: int):
        self.dut, self.mem, self.rd, self.wr = dut, mem, rd, wr
        self.rng = random.Random(seed) if seed else None
        self.rbeats: deque = deque()      # (ready_cycle, data)
        self.wreqs: deque = deque()       # [addr, beats_left]
        self.acks: deque = deque()        # ready cycles
        self.cycle = 0

    def sig(self, name):
        return getattr(self.dut, name)

    def lat(self) -> int:
        return 4 + (self.rng.randint(0, 20) if self.rng else 0)

    async def run(self):
        d, rd, wr = self.dut, self.rd, self.wr
        rsp_valid = 0
        while True:
            await FallingEdge(d.clk)
            self.cycle += 1
            bp = self.rng is not None and self.rng.random() < 0.3
            # --- read requests (always accepted unless back-pressure)
            rq_ready = 0 if bp else 1
            if rq_ready and int(self.sig(f"{rd}_rd_req_valid").value):
                addr = int(self.sig(f"{rd}_rd_req_addr").value)
                n = int(self.sig(f"{rd}_rd_req_len").value) + 1
                t0 = self.cycle + self.lat()
                t0 = max(t0, self.rbeats[-1][0] if self.rbeats else 0)
                for i in range(n):
                    data = int.from_bytes(self.mem.read(addr + 8 * i, 8).tobytes(), "little")
                    self.rbeats.append((t0 + i, data))
            self.sig(f"{rd}_rd_req_ready").value = rq_ready
            # --- read responses (in order)
            rsp_valid = 1 if (self.rbeats and self.rbeats[0][0] <= self.cycle) else 0
            if rsp_valid:
                self.sig(f"{rd}_rd_rsp_data").value = self.rbeats[0][1]
                if int(self.sig(f"{rd}_rd_rsp_ready").value):
                    self.rbeats.popleft()
            self.sig(f"{rd}_rd_rsp_valid").value = rsp_valid
            # --- write requests and data
            wq_ready = 0 if bp else 1
            if wq_ready and int(self.sig(f"{wr}_wr_req_valid").value):
                self.wreqs.append([int(self.sig(f"{wr}_wr_req_addr").value),
                                   int(self.sig(f"{wr}_wr_req_len").value) + 1])
            self.sig(f"{wr}_wr_req_ready").value = wq_ready
            wd_ready = 0 if (self.rng is not None and self.rng.random() < 0.2) else 1
            if wd_ready and int(self.sig(f"{wr}_wr_dat_valid").value):
                assert self.wreqs, "write data beat without a request"
                req = self.wreqs[0]
                data = int(self.sig(f"{wr}_wr_dat_data").value).to_bytes(8, "little")
                mask = int(self.sig(f"{wr}_wr_dat_mask").value)
                for b in range(8):
                    if mask >> b & 1:
                        self.mem.write(req[0] + b, data[b:b + 1])
                req[0] += 8
                req[1] -= 1
                if req[1] == 0:
                    self.wreqs.popleft()
                    self.acks.append(self.cycle + self.lat())
            self.sig(f"{wr}_wr_dat_ready").value = wd_ready
            ack = 1 if (self.acks and self.acks[0] <= self.cycle) else 0
            if ack:
                self.acks.popleft()
            self.sig(f"{wr}_wr_ack").value = ack


async def feed_flying(dut, atoms, seed):
    """SDP -> PDP on-the-fly stream: one atom per accepted transfer (random gaps with a seed)."""
    rng = random.Random(seed) if seed else None
    i = 0
    while True:
        await FallingEdge(dut.clk)
        if i < len(atoms) and not (rng and rng.random() < 0.3):
            dut.sdp2pdp_valid.value = 1
            dut.sdp2pdp_data.value = atoms[i]
            if int(dut.sdp2pdp_ready.value):
                i += 1
        else:
            dut.sdp2pdp_valid.value = 0


async def run_one(dut, unit: str, tdir: Path, seed: int, result: str):
    """Reset the engine, configure it from the trace, run it to op_done, save the checked region."""
    mem, regs, lut, check = load_trace(tdir)
    dut.rstn.value = 0
    # config ports (consumer group = the one the trace wrote; traces use group 0)
    for u in UNITS[unit]:
        for reg in REGMAP.unit_regs(u):
            val = regs.get(reg.full_name, reg.reset)
            for fld in reg.fields:
                name = port_name(reg, fld)
                if hasattr(dut, name) and reg.access != "ro":
                    getattr(dut, name).value = fld.get(val)
    fly = None
    if unit == "pdp" and not (regs.get("NVDLA_PDP.D_OPERATION_MODE_CFG_0", 0) >> 4) & 1:
        # ON_FLYING: stream the cube stored at PDP.D_SRC_BASE_ADDR (surface -> y -> x atoms), as SDP would
        f = REGMAP["NVDLA_PDP.D_DATA_CUBE_IN_WIDTH_0"].fields[0]
        w = f.get(regs.get("NVDLA_PDP.D_DATA_CUBE_IN_WIDTH_0", 0)) + 1
        h = REGMAP["NVDLA_PDP.D_DATA_CUBE_IN_HEIGHT_0"].fields[0].get(
            regs.get("NVDLA_PDP.D_DATA_CUBE_IN_HEIGHT_0", 0)) + 1
        c = REGMAP["NVDLA_PDP.D_DATA_CUBE_IN_CHANNEL_0"].fields[0].get(
            regs.get("NVDLA_PDP.D_DATA_CUBE_IN_CHANNEL_0", 0)) + 1
        base = regs.get("NVDLA_PDP.D_SRC_BASE_ADDR_LOW_0", 0)
        ls = regs.get("NVDLA_PDP.D_SRC_LINE_STRIDE_0", 0)
        ss = regs.get("NVDLA_PDP.D_SRC_SURFACE_STRIDE_0", 0)
        fly = [int.from_bytes(mem.read(base + sf * ss + y * ls + x * 8, 8).tobytes(), "little")
               for sf in range(-(-c // 8)) for y in range(h) for x in range(w)]
    if unit == "cdp":
        dut.cdp_lut_le_table.value = sum((v & 0xFFFF) << (16 * i) for i, v in enumerate(lut[0]))
        dut.cdp_lut_lo_table.value = sum((v & 0xFFFF) << (16 * i) for i, v in enumerate(lut[1]))
        rd, wr = "cdp_rdma", "cdp_wdma"
    else:
        dut.sdp2pdp_valid.value = 0
        dut.sdp2pdp_data.value = 0
        rd, wr = "pdp_rdma", "pdp_wdma"
    for n in (f"{unit}_op_en", f"{unit}_rdma_op_en"):
        getattr(dut, n).value = 0
    for n in (f"{rd}_rd_req_ready", f"{rd}_rd_rsp_valid", f"{wr}_wr_req_ready",
              f"{wr}_wr_dat_ready", f"{wr}_wr_ack"):
        getattr(dut, n).value = 0
    getattr(dut, f"{rd}_rd_rsp_data").value = 0
    for _ in range(3):
        await RisingEdge(dut.clk)
    dut.rstn.value = 1
    dma = DmaModel(dut, mem, rd, wr, seed)
    task = cocotb.start_soon(dma.run())
    ftask = cocotb.start_soon(feed_flying(dut, fly, seed)) if fly is not None else None
    await FallingEdge(dut.clk)
    getattr(dut, f"{unit}_op_en").value = 1
    rdma_en = regs.get(f"NVDLA_{UNITS[unit][1]}.D_OP_ENABLE_0", 0) & 1
    getattr(dut, f"{unit}_rdma_op_en").value = rdma_en
    start = dma.cycle
    limit = 200000
    while True:
        await FallingEdge(dut.clk)
        if int(getattr(dut, f"{unit}_op_done").value):
            break
        assert dma.cycle - start < limit, f"{unit}: no op_done after {limit} cycles ({tdir.name})"
    cycles = dma.cycle - start
    getattr(dut, f"{unit}_op_en").value = 0
    getattr(dut, f"{unit}_rdma_op_en").value = 0
    for _ in range(4):
        await FallingEdge(dut.clk)
    task.cancel()
    if ftask is not None:
        ftask.cancel()
    base, size = check
    np.savez(result, data=mem.read(base, size), cycles=cycles)
    dut._log.info(f"{tdir.name} seed {seed}: op_done after {cycles} cycles")


@cocotb.test()
async def run_engine(dut):
    """ENGINE_JOBS: os.pathsep-separated jobs 'trace_dir|seed|result.npz', run one after another."""
    unit = os.environ["ENGINE_UNIT"]
    Clock(dut.clk, 10, unit="ns").start()
    for job in os.environ["ENGINE_JOBS"].split(os.pathsep):
        tdir, seed, result = job.split("|")
        await run_one(dut, unit, Path(tdir), int(seed), result)
