"""cocotb + pyuvm tests on tb_top (run by tb/runner.py; configured through environment variables).

TraceTest    plays every trace directory of $TB_TRACES (os.pathsep-separated) in one simulator
             run, resetting the DUT between traces; memory timing randomized when $TB_SEED is set,
             or every trace once per seed of $TB_SEEDS (comma-separated).
             Prints the model runner's PASS/FAIL lines; results to $TB_RESULTS (JSON).
RegTest      write/read-back of every register of the units present ($TB_UNITS, default the
             GLB/CDMA/CSC/CMAC_A/CMAC_B/CACC/SDP/PDP/CDP units), both ping-pong groups, plus the GLB interrupt set/clear and
             the CDP LUT memories (S_LUT_ACCESS_CFG/DATA, auto-increment).
UnmappedTest accesses to unmapped CSB addresses complete (reads return 0) and do not hang.
PyOpTest     operations built from Python (register writes by name): SDP pass-through in both
             ping-pong groups, checked against the input bytes and the golden model.
Results of RegTest/UnmappedTest/PyOpTest go to $TB_RESULTS as {"failures": [...], "checked": N}.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cocotb
import pyuvm
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from pyuvm import ConfigDB, uvm_test

from model.regs import REGMAP

from . import funcov
from .env import CLK_NS, CsbViolation, NvdlaEnv
from .sequences import RegSequence, TraceSequence

DEFAULT_UNITS = ("GLB", "CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC", "SDP_RDMA", "SDP", "PDP_RDMA", "PDP",
                 "CDP_RDMA", "CDP")


def _start_clock(dut):
    impl = "gpi"   # cocotb's C clock (much faster than a Python coroutine, needed on Icarus)
    cocotb.start_soon(Clock(dut.clk, CLK_NS, "ns", impl=impl).start())
    dut.rstn.value = 0
    dut.mem_load.value = 0
    dut.mem_dump.value = 0
    dut.mem_dump_lo.value = 0
    dut.mem_dump_hi.value = 0
    dut.mem_rnd_en.value = 0
    dut.mem_rnd_seed.value = 0
    dut.idle_limit.value = 0
    dut.mem_hold_r.value = 0


def _write_results(obj) -> None:
    out = os.environ.get("TB_RESULTS")
    if out:
        Path(out).write_text(json.dumps(obj, indent=1))


class _Base(uvm_test):
    def build_phase(self):
        self.dut = cocotb.top
        ConfigDB().set(None, "*", "DUT", self.dut)
        _start_clock(self.dut)
        self.env = NvdlaEnv("env", self)


@pyuvm.test()
class TraceTest(_Base):
    async def run_phase(self):
        self.raise_objection()
        traces = [Path(p) for p in os.environ.get("TB_TRACES", "").split(os.pathsep) if p]
        seed = os.environ.get("TB_SEED")
        seed = int(seed) if seed not in (None, "") else None
        try:
            await self.env.reset(seed)
        except CsbViolation:
            pass                          # each trace resets again and reports it as its FAIL
        # $TB_SEEDS (comma-separated): every trace once per seed in this one run, results keyed
        # "<trace>|<seed>" (many seeds without a simulator start each)
        many = [int(x) for x in os.environ.get("TB_SEEDS", "").split(",") if x.strip()]
        jobs = ([(t, s, f"{t.name}|{s}") for t in traces for s in many] if many
                else [(t, seed, t.name) for t in traces])
        results = {}
        last = time.monotonic()
        prof = None
        if os.environ.get("TB_PROFILE"):          # cProfile of the cocotb side -> $TB_PROFILE
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        for t, s, key in jobs:
            r = await TraceSequence(t.name, self.env, t, s).play()
            results[key] = r
            cocotb.log.info(r["line"])
            # the results so far, for a run that stops early; at most once a second (thousands
            # of traces in one run would otherwise rewrite a growing file per trace)
            if time.monotonic() - last >= 1.0:
                _write_results(results)
                last = time.monotonic()
        if prof is not None:
            prof.disable()
            prof.dump_stats(os.environ["TB_PROFILE"])
        npass = sum(r["passed"] for r in results.values())
        cocotb.log.info(f"{npass} passed, {len(results) - npass} failed")
        _write_results(results)
        funcov.flush()                    # before a failing assert ends the run
        self.drop_objection()
        assert npass == len(results), "some traces failed (see the FAIL lines)"


def _units() -> list[str]:
    u = os.environ.get("TB_UNITS")
    return u.split(",") if u else list(DEFAULT_UNITS)


# registers the read-back test leaves alone: writing them starts work, or they are ports into
# LUT memories (tested separately), not storage
_SIDE_EFFECT = {"D_OP_ENABLE_0", "S_LUT_ACCESS_DATA_0", "S_INTR_SET_0", "S_INTR_STATUS_0"}


@pyuvm.test()
class RegTest(_Base):
    async def run_phase(self):
        self.raise_objection()
        try:
            await self.env.reset(None)
        except CsbViolation as e:          # one FAIL line, no traceback
            _write_results({"failures": [str(e)], "checked": 1})
            self.drop_objection()
            raise AssertionError(str(e)) from None
        seq = RegSequence("regs", self.env)
        fails: list[str] = []
        checked = 0

        def expect(name, got, want):
            nonlocal checked
            checked += 1
            if got != want:
                fails.append(f"{name}: read 0x{got:08x}, expected 0x{want:08x}")

        for unit in _units():
            regs = [r for r in REGMAP.unit_regs(unit) if r.name not in _SIDE_EFFECT]
            # reset values first (nothing written yet)
            for r in regs:
                if r.access != "wo" and r.name != "S_POINTER_0":
                    expect(r.full_name + " (reset)", await seq.read(r.full_name),
                           r.reset & r.writable_mask if r.access != "ro" else r.reset)
            ptr = f"NVDLA_{unit}.S_POINTER_0"
            has_groups = ptr in REGMAP
            pats = {0: 0xA5A5A5A5, 1: 0x5A5A5A5A}
            for g in ((0, 1) if has_groups else (0,)):
                if has_groups:
                    await seq.write(ptr, g)
                    expect(ptr, await seq.read(ptr) & 1, g)
                for i, r in enumerate(regs):
                    if r.access in ("rw",) and r.name != "S_POINTER_0":
                        v = (pats[g] ^ (0xFFFFFFFF if i % 2 else 0)) & 0xFFFFFFFF
                        await seq.write(r.full_name, v)
            for g in ((1, 0) if has_groups else (0,)):
                if has_groups:
                    await seq.write(ptr, g)
                for i, r in enumerate(regs):
                    if r.access == "rw" and r.name != "S_POINTER_0":
                        v = (pats[g] ^ (0xFFFFFFFF if i % 2 else 0)) & 0xFFFFFFFF
                        # single (S_*) registers hold the last value written
                        last = 1 if has_groups else 0
                        want = v if r.dual else (pats[last] ^ (0xFFFFFFFF if i % 2 else 0))
                        expect(f"{r.full_name} group {g}" if r.dual else r.full_name,
                               await seq.read(r.full_name), want & r.writable_mask)
            if has_groups:
                await seq.write(ptr, 0)
        if "GLB" in _units():
            await self._glb_intr(seq, expect)
        if "CDP" in _units():
            await self._cdp_lut(seq, expect)
        _write_results({"failures": fails, "checked": checked})
        for f in fails:
            print("FAIL", f, flush=True)
        print(f"RegTest: {checked} checks, {len(fails)} failures", flush=True)
        self.drop_objection()
        assert not fails, f"{len(fails)} register read-back failures, first: {fails[0]}"

    async def _cdp_lut(self, seq, expect):
        """CDP LUT memories behind S_LUT_ACCESS_CFG/DATA: LE (65 entries) and LO (257) written
        with auto-increment, then read back the same way."""
        cfg = "NVDLA_CDP.S_LUT_ACCESS_CFG_0"
        for tid, n in ((0, 65), (1, 257)):
            vals = [(i * 0x1357 + 0x2468 + tid * 0x9E37) & 0xFFFF for i in range(n)]
            await seq.write_fields(cfg, LUT_ADDR=0, LUT_TABLE_ID=tid, LUT_ACCESS_TYPE=1)
            for v in vals:
                await seq.write("NVDLA_CDP.S_LUT_ACCESS_DATA_0", v)
            await seq.write_fields(cfg, LUT_ADDR=0, LUT_TABLE_ID=tid, LUT_ACCESS_TYPE=0)
            for i, v in enumerate(vals):
                got = await seq.read("NVDLA_CDP.S_LUT_ACCESS_DATA_0") & 0xFFFF
                expect(f"CDP LUT {'LO' if tid else 'LE'}[{i}]", got, v)

    async def _glb_intr(self, seq, expect):
        """S_INTR_SET sets a status bit, dla_intr follows (unmasked), S_INTR_STATUS is w1c."""
        st = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"]
        await seq.write("NVDLA_GLB.S_INTR_MASK_0", 0)
        for f in st.fields:
            bit = f.mask
            await seq.write("NVDLA_GLB.S_INTR_SET_0", bit)
            expect(f"GLB.S_INTR_STATUS after S_INTR_SET.{f.name}",
                   await seq.read("NVDLA_GLB.S_INTR_STATUS_0"), bit)
            expect(f"dla_intr after S_INTR_SET.{f.name}", int(self.dut.intr.value), 1)
            await seq.write("NVDLA_GLB.S_INTR_STATUS_0", bit)
            expect(f"GLB.S_INTR_STATUS after w1c {f.name}",
                   await seq.read("NVDLA_GLB.S_INTR_STATUS_0"), 0)
            await RisingEdge(self.dut.clk)
            await RisingEdge(self.dut.clk)
            expect(f"dla_intr after w1c {f.name}", int(self.dut.intr.value), 0)


@pyuvm.test()
class UnmappedTest(_Base):
    async def run_phase(self):
        self.raise_objection()
        await self.env.reset(None)
        seq = RegSequence("unmapped", self.env)
        fails = []
        probes = [0xFFFC, 0x0FFC, 0x1FF0, 0x9FFC, 0xEFF8]
        probes = [a for a in probes if REGMAP.by_addr(a) is None]
        for a in probes:
            await seq.write_addr(a, 0xDEADBEEF)
            await seq.write_addr(a, 0x12345678, nposted=True)   # must complete
            v = await seq.read_addr(a)
            if v != 0:
                fails.append(f"unmapped 0x{a:04x} read 0x{v:08x}, expected 0")
        # the bus still works afterwards
        await seq.write("NVDLA_GLB.S_INTR_MASK_0", 0x3)
        v = await seq.read("NVDLA_GLB.S_INTR_MASK_0")
        if v != 0x3:
            fails.append(f"GLB.S_INTR_MASK after unmapped accesses read 0x{v:x}, expected 0x3")
        _write_results({"failures": fails, "checked": len(probes) + 1})
        self.drop_objection()
        assert not fails, "; ".join(fails)


@pyuvm.test()
class PyOpTest(_Base):
    """Operations built from Python (register writes by name): two SDP pass-through ops on
    seeded random int8 cubes, one per ping-pong group.  Truth: a pass-through with CVT scale 1
    and every stage bypassed returns its input bytes; the scoreboard also compares with the
    golden model fed by the CSB monitor."""

    async def run_phase(self):
        import numpy as np
        from model.memory import Memory
        self.raise_objection()
        seed = int(os.environ.get("TB_SEED") or 0) or None
        rng = np.random.default_rng(1234)
        w, h, c = 5, 3, 24                        # C a multiple of 8: whole atoms
        line, surf = w * 8, w * 8 * h
        size = surf * (c // 8)
        mem = Memory()
        ins = {}
        for g in (0, 1):
            ins[g] = rng.integers(0, 256, size, dtype=np.uint8)
            mem.write(0x80000000 + g * 0x10000, ins[g])
        outs = {g: (0x80100000 + g * 0x10000, size) for g in (0, 1)}
        self.env.scoreboard.start(mem)
        await self.env.dbb.load(mem, list(outs.values()))
        await self.env.reset(seed)
        seq = RegSequence("pyop", self.env)
        fails = []
        for g in (0, 1):
            src, (dst, _) = 0x80000000 + g * 0x10000, outs[g]
            for unit in ("SDP_RDMA", "SDP"):
                await seq.write_fields(f"NVDLA_{unit}.S_POINTER_0", PRODUCER=g)
            regs = {
                "NVDLA_SDP_RDMA.D_DATA_CUBE_WIDTH_0": w - 1,
                "NVDLA_SDP_RDMA.D_DATA_CUBE_HEIGHT_0": h - 1,
                "NVDLA_SDP_RDMA.D_DATA_CUBE_CHANNEL_0": c - 1,
                "NVDLA_SDP_RDMA.D_SRC_BASE_ADDR_LOW_0": src,
                "NVDLA_SDP_RDMA.D_SRC_LINE_STRIDE_0": line,
                "NVDLA_SDP_RDMA.D_SRC_SURFACE_STRIDE_0": surf,
                "NVDLA_SDP_RDMA.D_SRC_DMA_CFG_0": 1,
                "NVDLA_SDP_RDMA.D_BRDMA_CFG_0": 1,          # BRDMA_DISABLE
                "NVDLA_SDP_RDMA.D_NRDMA_CFG_0": 1,
                "NVDLA_SDP_RDMA.D_ERDMA_CFG_0": 1,
                "NVDLA_SDP_RDMA.D_FEATURE_MODE_CFG_0": 0,
                "NVDLA_SDP.D_DATA_CUBE_WIDTH_0": w - 1,
                "NVDLA_SDP.D_DATA_CUBE_HEIGHT_0": h - 1,
                "NVDLA_SDP.D_DATA_CUBE_CHANNEL_0": c - 1,
                "NVDLA_SDP.D_DST_BASE_ADDR_LOW_0": dst,
                "NVDLA_SDP.D_DST_LINE_STRIDE_0": line,
                "NVDLA_SDP.D_DST_SURFACE_STRIDE_0": surf,
                "NVDLA_SDP.D_DST_DMA_CFG_0": 1,
                "NVDLA_SDP.D_FEATURE_MODE_CFG_0": 0,
                "NVDLA_SDP.D_DATA_FORMAT_0": 0,
                "NVDLA_SDP.D_CVT_SCALE_0": 1,
                "NVDLA_SDP.D_CVT_SHIFT_0": 0,
                "NVDLA_SDP.D_CVT_OFFSET_0": 0,
            }
            for name, v in regs.items():
                await seq.write(name, v)
            await seq.write_fields("NVDLA_SDP.D_DP_BS_CFG_0", BS_BYPASS=1)
            await seq.write_fields("NVDLA_SDP.D_DP_BN_CFG_0", BN_BYPASS=1)
            await seq.write_fields("NVDLA_SDP.D_DP_EW_CFG_0", EW_BYPASS=1)
            await seq.write("NVDLA_SDP_RDMA.D_OP_ENABLE_0", 1)
            await seq.write("NVDLA_SDP.D_OP_ENABLE_0", 1)
            try:
                await seq.wait_done("SDP", g, 100_000)
            except Exception as e:
                fails.append(f"group {g}: {e}")
                continue
            got = await self.env.dbb.dump(dst, size)
            m = self.env.scoreboard.first_diff(dst, ins[g], got, "the input (pass-through)")
            if m:
                fails.append(f"group {g}: {m}")
            ok, msg, notes = self.env.scoreboard.check(dst, size, got, None, None)
            if not ok:
                fails.append(f"group {g}: {msg}")
        _write_results({"failures": fails, "checked": 2})
        self.drop_objection()
        assert not fails, "; ".join(fails)
