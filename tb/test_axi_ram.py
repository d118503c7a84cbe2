"""cocotb tests of the testbench's DBB memory tb/hdl/tb_axi_ram.v (through tb_axi_ram_axi.v, which
adds AXI4 names and the protocol checker tb_axi_check.v), run by tests/tb/test_axi_ram.py.

The independent truth is cocotbext-axi's AxiMaster (an AXI master written by others: it
splits, issues and reassembles bursts, asserts RLAST on the last beat and the IDs of every
response) and a Python byte array holding what the memory must contain: every read is compared
byte for byte with it, every write is applied to it, every response must be OKAY, and at the end
the RAM's own dump must equal it.  Traffic: pause generators on all five channels, long R and B
back-pressure while dozens of bursts are outstanding (more than the RAM's queues hold, so their
pointers wrap many times with the queues full), mixed IDs, unaligned addresses and lengths
(partial strobes), 4 KiB page crossings, an unmapped page; in fixed timing and in the seeded
random mode ($TB_RAM_SEEDS, default "x,1,2": x = fixed).  Results (failures, statistics) go to
$TB_RESULTS as JSON.
"""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi import AxiBus, AxiMaster, AxiResp

CLK_NS = 2
PAGE = 4096
PGB = 16 - 9                       # tb_axi_ram_axi AW_WORDS = 16: RAM page bits
GEN = 3                            # page-table generation used by the test
# virtual pages -> RAM pages: a block at 0x8000_0000 and a scattered, reversed block elsewhere
VPAGES = {0x80000 + i: i for i in range(12)}
VPAGES.update({0x12340 + i: 40 - i for i in range(6)})
UNMAPPED = 0x9000_0000
IDS = (0, 1, 2, 5, 0x80)
PHASE_NS = 2_000_000               # a phase that needs longer has lost a transaction


def _gen(rng: random.Random, runs):
    """Pause generator: runs of (pause?, min, max) repeated forever with random lengths."""
    while True:
        for paused, lo, hi in runs:
            for _ in range(rng.randint(lo, hi)):
                yield paused


class Ref:
    """What the memory must hold, by virtual page."""

    def __init__(self, rng: np.random.Generator):
        self.pages = {vp: rng.integers(0, 256, PAGE, dtype=np.uint8) for vp in VPAGES}

    def read(self, addr: int, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.uint8)
        i = 0
        while i < n:
            vp, off = (addr + i) >> 12, (addr + i) & 0xFFF
            k = min(n - i, PAGE - off)
            if vp in self.pages:
                out[i:i + k] = self.pages[vp][off:off + k]
            i += k
        return out

    def write(self, addr: int, data: np.ndarray) -> None:
        i = 0
        while i < data.size:
            vp, off = (addr + i) >> 12, (addr + i) & 0xFFF
            k = min(data.size - i, PAGE - off)
            if vp in self.pages:
                self.pages[vp][off:off + k] = data[i:i + k]
            i += k


def _write_files(ref: Ref) -> None:
    with open("tb_mem_pt.hex", "w") as f:
        for vp, rp in sorted(VPAGES.items()):
            f.write(f"@{vp:x}\n{(GEN << PGB) | rp:x}\n")
    with open("tb_mem_load.hex", "w") as f:
        for vp, rp in sorted(VPAGES.items()):
            words = ref.pages[vp].view("<u8")
            f.write(f"@{rp * 512:x}\n" + "".join(f"{int(w):016x}\n" for w in words))


class Checker:
    def __init__(self, dut, ref: Ref):
        self.dut, self.ref = dut, ref
        self.fails: list[str] = []
        self.reads = self.writes = 0

    def fail(self, msg: str) -> None:
        if len(self.fails) < 20:
            self.fails.append(msg)

    async def read(self, m: AxiMaster, addr: int, n: int, arid: int) -> None:
        exp = self.ref.read(addr, n)          # no write overlaps a read of the same batch
        r = await m.read(addr, n, arid=arid)
        self.reads += 1
        got = np.frombuffer(r.data, dtype=np.uint8)
        if r.resp != AxiResp.OKAY:
            self.fail(f"read 0x{addr:08x}+{n} id {arid}: resp {r.resp}")
        d = np.flatnonzero(got != exp) if got.size == n else np.array([0])
        if d.size:
            o = int(d[0])
            self.fail(f"read 0x{addr:08x}+{n} id {arid}: first differing byte at 0x{addr + o:08x}"
                      f": expected 0x{int(exp[o]):02x} got 0x{int(got[o]) if got.size > o else -1:02x}"
                      f" ({d.size} bytes differ)")

    async def write(self, m: AxiMaster, addr: int, data: np.ndarray, awid: int) -> None:
        r = await m.write(addr, data.tobytes(), awid=awid)
        self.writes += 1
        if r.resp != AxiResp.OKAY:
            self.fail(f"write 0x{addr:08x}+{data.size} id {awid}: resp {r.resp}")
        self.ref.write(addr, data)


def _slots(rng: random.Random, count: int, maxlen: int):
    """``count`` disjoint (addr, length) spans in random order over the two mapped blocks, at
    unaligned addresses; cells are not page-aligned, so some spans cross a 4 KiB page."""
    blocks = [(0x8000_0000, 12 * PAGE), (0x1234_0000, 6 * PAGE)]
    cell = sum(n for _, n in blocks) // count
    spans = []
    for base, size in blocks:
        for start in range(base, base + size - cell + 1, cell):
            n = rng.randint(1, min(maxlen, cell))
            spans.append((start + rng.randint(0, cell - n), n))
    rng.shuffle(spans)
    return spans


async def _phase(chk: Checker, coros, what: str) -> None:
    tasks = [cocotb.start_soon(c) for c in coros]

    async def _all():
        for t in tasks:
            await t
    try:
        await with_timeout(_all(), PHASE_NS, "ns")
    except Exception as e:
        for t in tasks:
            t.cancel()
        chk.fail(f"{what}: {type(e).__name__}: {e} (a transaction was lost or never answered)")


async def _mode(dut, m: AxiMaster, seed: int | None, stats: dict) -> list[str]:
    rng = random.Random(seed or 99)
    ref = Ref(np.random.default_rng(seed or 7))
    _write_files(ref)
    dut.rnd_en.value = int(seed is not None)
    dut.rnd_seed.value = seed or 0
    dut.gen.value = GEN
    dut.rstn.value = 0
    await ClockCycles(dut.clk, 5)
    dut.load.value = 1
    await RisingEdge(dut.clk)
    dut.load.value = 0
    dut.rstn.value = 1
    await ClockCycles(dut.clk, 5)
    chk = Checker(dut, ref)
    wi, ri = m.write_if, m.read_if

    def pauses(long_r=False, long_b=False):
        g = random.Random(rng.random())
        ri.ar_channel.set_pause_generator(_gen(g, [(False, 0, 6), (True, 0, 3)]))
        wi.aw_channel.set_pause_generator(_gen(g, [(False, 0, 6), (True, 0, 3)]))
        wi.w_channel.set_pause_generator(_gen(g, [(False, 1, 8), (True, 0, 4)]))
        ri.r_channel.set_pause_generator(_gen(g, [(True, 150, 400), (False, 5, 40)] if long_r
                                              else [(False, 1, 10), (True, 0, 3)]))
        wi.b_channel.set_pause_generator(_gen(g, [(True, 150, 400), (False, 2, 20)] if long_b
                                              else [(False, 1, 10), (True, 0, 3)]))

    # 1: many outstanding reads (up to 16 beats each) while R is held back for long stretches
    pauses(long_r=True)
    spans = _slots(rng, 160, 128)
    await _phase(chk, [chk.read(m, a, n, rng.choice(IDS)) for a, n in spans], "reads under R back-pressure")
    # 2: many outstanding writes (partial strobes) while B is held back
    pauses(long_b=True)
    spans = _slots(rng, 160, 128)
    await _phase(chk, [chk.write(m, a, np.frombuffer(rng.randbytes(n), np.uint8), rng.choice(IDS))
                       for a, n in spans], "writes under B back-pressure")
    # 3: reads and writes mixed on disjoint spans, all channels paused at random, long R and B
    pauses(long_r=True, long_b=True)
    spans = _slots(rng, 200, 100)
    co = []
    for i, (a, n) in enumerate(spans):
        if i % 2:
            co.append(chk.write(m, a, np.frombuffer(rng.randbytes(n), np.uint8), rng.choice(IDS)))
        else:
            co.append(chk.read(m, a, n, rng.choice(IDS)))
    await _phase(chk, co, "mixed reads and writes")
    # 4: everything read back in whole pages, then the RAM's own dump against the reference
    pauses()
    await _phase(chk, [chk.read(m, vp * PAGE, PAGE, IDS[i % len(IDS)])
                       for i, vp in enumerate(sorted(VPAGES))], "read-back of every page")
    # 5: an unmapped page reads 0 and drops writes, both counted
    oob_r, oob_w = int(dut.rd_oob.value), int(dut.wr_oob.value)
    r = await with_timeout(m.read(UNMAPPED + 8, 64, arid=3), PHASE_NS, "ns")
    if r.data != bytes(64):
        chk.fail(f"unmapped read 0x{UNMAPPED + 8:x} returned non-zero data")
    await with_timeout(m.write(UNMAPPED, b"\xff" * 32, awid=3), PHASE_NS, "ns")
    await ClockCycles(dut.clk, 4)
    if int(dut.rd_oob.value) - oob_r != 8 or int(dut.wr_oob.value) - oob_w != 4:
        chk.fail(f"out-of-map counts: reads +{int(dut.rd_oob.value) - oob_r} (expected 8), "
                 f"writes +{int(dut.wr_oob.value) - oob_w} (expected 4)")
    # dump of each mapped RAM page equals the reference
    for vp, rp in sorted(VPAGES.items()):
        dut.dump_lo.value, dut.dump_hi.value = rp * 512, rp * 512 + 511
        dut.dump.value = 1
        await RisingEdge(dut.clk)
        dut.dump.value = 0
        await RisingEdge(dut.clk)
        words = [int(x, 16) for x in Path("tb_mem_dump.hex").read_text().split()
                 if not x.startswith("@") and not x.startswith("//")]
        got = np.array(words, dtype="<u8").view(np.uint8)
        d = np.flatnonzero(got != ref.pages[vp])
        if d.size:
            chk.fail(f"RAM dump page 0x{vp:x}: first differing byte at 0x{vp * PAGE + int(d[0]):08x}"
                     f" ({d.size} bytes differ)")
    # the protocol checker on the same bus, and the RAM's own WLAST check
    await ClockCycles(dut.clk, 4)
    if int(dut.chk_err.value):
        chk.fail(f"protocol checker: {int(dut.chk_err_count.value)} violations, first code "
                 f"{int(dut.chk_err_code.value)}")
    if int(dut.chk_rd_out.value) or int(dut.chk_wr_out.value):
        chk.fail(f"outstanding at the end: {int(dut.chk_rd_out.value)} read and "
                 f"{int(dut.chk_wr_out.value)} write bursts")
    if int(dut.w_last_err.value):
        chk.fail(f"{int(dut.w_last_err.value)} WLAST errors")
    key = "fixed" if seed is None else f"seed{seed}"
    stats[key] = {"reads": chk.reads, "writes": chk.writes,
                  "rd_beats": int(dut.rd_beats.value), "wr_beats": int(dut.wr_beats.value),
                  "max_rd_outstanding": int(dut.chk_rd_out_max.value),
                  "max_wr_outstanding": int(dut.chk_wr_out_max.value),
                  "r_reorders": int(dut.r_reorders.value), "b_reorders": int(dut.b_reorders.value)}
    return [f"{key}: {f}" for f in chk.fails]


@cocotb.test()
async def ram_test(dut):
    cocotb.start_soon(Clock(dut.clk, CLK_NS, "ns").start())
    for s in ("load", "dump", "rnd_en"):
        getattr(dut, s).value = 0
    dut.dump_lo.value = dut.dump_hi.value = dut.rnd_seed.value = 0
    dut.rstn.value = 0
    await ClockCycles(dut.clk, 2)
    m = AxiMaster(AxiBus.from_prefix(dut, "s_axi"), dut.clk, dut.rstn, reset_active_level=False,
                  max_burst_len=16)
    seeds = [None if s == "x" else int(s)
             for s in os.environ.get("TB_RAM_SEEDS", "x,1,2").split(",") if s]
    fails, stats = [], {}
    for seed in seeds:
        fails += await _mode(dut, m, seed, stats)
    out = os.environ.get("TB_RESULTS")
    if out:
        Path(out).write_text(json.dumps({"failures": fails, "stats": stats}, indent=1))
    assert not fails, f"{len(fails)} failures, first: {fails[0]}"
