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
ZERO_PAGE_BUDGET = 256        # all-zero image pages mapped anyway while there are this few
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


def plan_pages(mem: Memory, extra=(), ram_pages: int = RAM_PAGES,
               zero_budget: int = ZERO_PAGE_BUDGET, start: int = 0) -> dict[int, int]:
    """{virtual page: RAM page} for the image's non-zero pages and the extra spans (regions the
    DUT writes), plus its all-zero pages while they are few (zero_budget): traces zero-initialise
    far more memory than they use, and an unmapped page reads 0 anyway, which is what it was
    initialised to.  RAM pages are given in address order from ``start`` (from 0 when they would
    not fit above it), so consecutive virtual pages are consecutive in the RAM."""
    want = {p for p, a in mem.pages.items() if a.any()} | span_pages(extra)
    zero = set(mem.pages) - want
    if len(zero) <= zero_budget:
        want |= zero
    if len(want) > ram_pages:
        raise DbbError(f"memory image needs {len(want)} pages of 4 KiB, the RAM holds "
                       f"{ram_pages} (tb_axi_ram AW_WORDS)")
    if start + len(want) > ram_pages:
        start = 0
    return {vp: start + i for i, vp in enumerate(sorted(want))}


def _hex_lines(words: np.ndarray) -> bytes:
    """64-bit words as 16 hex digits + newline each (vectorised; ~100x np.char.mod)."""
    n = words.size
    digits = np.frombuffer(words.astype(">u8").tobytes().hex().encode(), dtype=np.uint8)
    out = np.empty((n, 17), dtype=np.uint8)
    out[:, :16] = digits.reshape(n, 16)
    out[:, 16] = ord("\n")
    return out.tobytes()


def write_hex_image(path: Path, mem: Memory, pages: dict[int, int],
                    dirty: set[int] | None = None) -> None:
    """$readmemh image: runs of consecutive pages as an @<word> line + 64-bit words.  RAM pages
    not in ``dirty`` are known to hold zeros (never used since the RAM was cleared), so only
    their non-zero words are written (None: every page may be dirty)."""
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
        base = rp * (PAGE // 8)
        clean = dirty is not None and not any(items[k][1] in dirty for k in range(i, j + 1))
        if not clean:
            parts.append(f"@{base:x}\n".encode())
            parts.append(_hex_lines(words))
        else:
            nz = np.flatnonzero(words)
            if nz.size:
                cuts = np.flatnonzero(np.diff(nz) != 1) + 1
                for run in np.split(nz, cuts):
                    parts.append(f"@{base + int(run[0]):x}\n".encode())
                    parts.append(_hex_lines(words[run[0]:run[-1] + 1]))
        i = j + 1
    Path(path).write_bytes(b"".join(parts))


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
        self.next_page = 0               # RAM pages are handed out round-robin across loads,
        self.dirty: set[int] = set()     # so fresh (all-zero) pages need only non-zero words

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
        self.pages = plan_pages(mem, extra, start=self.next_page)
        self.gen = self.gen % 0xFFFF + 1            # 1..65535: entries of older loads are stale
        write_page_table(self.workdir / PT_FILE, self.pages, self.gen)
        # only Verilator's RAM starts cleared (tb_axi_ram.v): elsewhere every page is written
        clean_ok = os.environ.get("TB_SIM", "verilator") == "verilator"
        write_hex_image(self.workdir / LOAD_FILE, mem, self.pages,
                        self.dirty if clean_ok else None)
        self.dirty.update(self.pages.values())      # loaded, or writable by the DUT
        self.next_page = max(self.pages.values(), default=-1) + 1
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
