"""DBB memory seen by the DUT: tb/hdl/tb_axi_ram.v, a Verilog AXI slave RAM inside the simulator.

The 32-bit address space is sparse (NVIDIA's traces spread a few KB over tens of MB, e.g. one
atom per 36 KB surface), so :func:`plan_pages` maps the 4 KiB pages a test uses onto the RAM
through a page table.  :class:`DbbMemory` loads a ``model.memory.Memory`` image into the RAM
(through hex files read by ``$readmemh``: much faster than per-word handle writes) and dumps
byte ranges back (``$writememh``).

    mem = DbbMemory(dut)                        # dut = tb_top handle
    await mem.load(image, extra=[(0xa0000040, 0x1400)])     # + regions the DUT will write
    data = await mem.dump(0xa0000040, 0x1400)   # numpy uint8

Unmapped pages read 0 on the bus and drop writes (counted by the RAM, reported by the tb).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from model.memory import PAGE, PAGE_BITS, Memory

RAM_WORDS = 1 << 21           # must match tb_axi_ram.AW_WORDS (16 MiB)
RAM_PAGES = RAM_WORDS * 8 // PAGE
PGB = 21 - 9                  # RAM page-number bits in a page-table entry (tb_axi_ram.PGB)
PT_FILE, LOAD_FILE, DUMP_FILE = "tb_mem_pt.hex", "tb_mem_load.hex", "tb_mem_dump.hex"


class DbbError(RuntimeError):
    """The memory image does not fit the RAM, or a dump touches unmapped memory."""


def span_pages(spans) -> set[int]:
    """Page numbers touched by (addr, size) spans."""
    out: set[int] = set()
    for a, n in spans:
        if n > 0:
            out.update(range(a >> PAGE_BITS, ((a + n - 1) >> PAGE_BITS) + 1))
    return out


def plan_pages(mem: Memory, extra=(), ram_pages: int = RAM_PAGES) -> dict[int, int]:
    """{virtual page: RAM page} for every page of the image plus the extra spans, RAM pages in
    address order (so consecutive virtual pages are consecutive in the RAM).  When the image is
    too large (traces zero-initialise far more than they use), only its non-zero pages and the
    extra spans are mapped: the rest reads 0, which is what it was initialised to."""
    want = set(mem.pages) | span_pages(extra)
    if len(want) > ram_pages:
        want = {p for p, a in mem.pages.items() if a.any()} | span_pages(extra)
    if len(want) > ram_pages:
        raise DbbError(f"memory image needs {len(want)} pages of 4 KiB, the RAM holds "
                       f"{ram_pages} (tb_axi_ram AW_WORDS)")
    return {vp: i for i, vp in enumerate(sorted(want))}


def write_hex_image(path: Path, mem: Memory, pages: dict[int, int]) -> None:
    """$readmemh image: runs of consecutive pages as an @<word> line + 64-bit words."""
    parts = []
    items = sorted(pages.items())
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1][0] == items[j][0] + 1 \
                and items[j + 1][1] == items[j][1] + 1:
            j += 1
        vp, rp = items[i]
        words = mem.read(vp << PAGE_BITS, (j - i + 1) * PAGE).view("<u8")
        parts.append(f"@{rp * (PAGE // 8):x}\n")
        parts.append("\n".join(np.char.mod("%016x", words).tolist()))
        parts.append("\n")
        i = j + 1
    Path(path).write_text("".join(parts))


def write_page_table(path: Path, pages: dict[int, int], gen: int) -> None:
    Path(path).write_text("".join(f"@{vp:x}\n{(gen << PGB) | rp:x}\n"
                                  for vp, rp in sorted(pages.items())))


def read_hex_dump(path: Path, nwords: int) -> np.ndarray:
    """Words written by $writememh (comments and @ lines skipped) as a uint8 array."""
    vals = []
    for raw in Path(path).read_text().splitlines():
        line = raw.split("//")[0].strip()
        if not line or line.startswith("@"):
            continue
        for tok in line.split():
            vals.append(int(tok, 16) if "x" not in tok.lower() else 0)   # X/Z bits read as 0
    if len(vals) != nwords:
        raise DbbError(f"{path}: {len(vals)} words dumped, expected {nwords}")
    return np.array(vals, dtype="<u8").view(np.uint8)


class DbbMemory:
    """Loads/dumps tb_axi_ram through the tb_top ports mem_load/mem_gen/mem_dump/_lo/_hi."""

    def __init__(self, dut, workdir: Path | None = None):
        self.dut = dut
        self.workdir = Path(workdir or os.getcwd())   # the simulator's cwd ($readmemh paths)
        self.pages: dict[int, int] = {}
        self.gen = 0

    async def _pulse(self, sig) -> None:
        from cocotb.triggers import RisingEdge
        clk = self.dut.clk
        await RisingEdge(clk)
        sig.value = 1
        await RisingEdge(clk)           # the RAM acts on this edge
        sig.value = 0
        await RisingEdge(clk)           # ... and is certainly done by this one

    async def load(self, mem: Memory, extra=()) -> dict[int, int]:
        """Map the image's pages plus the extra (addr, size) spans, write the files, load."""
        self.pages = plan_pages(mem, extra)
        self.gen = self.gen % 0xFFFF + 1            # 1..65535: entries of older loads are stale
        write_page_table(self.workdir / PT_FILE, self.pages, self.gen)
        write_hex_image(self.workdir / LOAD_FILE, mem, self.pages)
        self.dut.mem_gen.value = self.gen
        await self._pulse(self.dut.mem_load)
        return self.pages

    async def dump(self, addr: int, n: int) -> np.ndarray:
        """n bytes from addr as a numpy uint8 array (every page must be mapped)."""
        from cocotb.triggers import RisingEdge
        vps = range(addr >> PAGE_BITS, ((addr + n - 1) >> PAGE_BITS) + 1)
        missing = [vp for vp in vps if vp not in self.pages]
        if missing:
            raise DbbError(f"dump {addr:#x}+{n:#x}: page {missing[0] << PAGE_BITS:#x} not mapped")
        rps = [self.pages[vp] for vp in vps]
        if rps != list(range(rps[0], rps[0] + len(rps))):
            raise DbbError(f"dump {addr:#x}+{n:#x}: pages not consecutive in the RAM")
        lo = rps[0] * (PAGE // 8) + (addr & (PAGE - 1)) // 8
        hi = lo + ((addr & 7) + n - 1) // 8
        self.dut.mem_dump_lo.value = lo
        self.dut.mem_dump_hi.value = hi
        await RisingEdge(self.dut.clk)
        await self._pulse(self.dut.mem_dump)
        data = read_hex_dump(self.workdir / DUMP_FILE, hi - lo + 1)
        off = addr & 7
        return data[off:off + n].copy()
