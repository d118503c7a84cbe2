"""DMA outside the memory the testbench maps (tb_axi_ram reads 0 there and drops writes): one
line naming the first address, the count and the unit whose address register pointed there."""
from __future__ import annotations

from model.regs import REGMAP

# the address registers that point DMA at memory (unit, register)
BASE_REGS = (
    ("SDP_RDMA", "D_SRC_BASE_ADDR_LOW_0"), ("SDP_RDMA", "D_BS_BASE_ADDR_LOW_0"),
    ("SDP_RDMA", "D_BN_BASE_ADDR_LOW_0"), ("SDP_RDMA", "D_EW_BASE_ADDR_LOW_0"),
    ("SDP", "D_DST_BASE_ADDR_LOW_0"), ("PDP_RDMA", "D_SRC_BASE_ADDR_LOW_0"),
    ("PDP", "D_DST_BASE_ADDR_LOW_0"), ("CDP_RDMA", "D_SRC_BASE_ADDR_LOW_0"),
    ("CDP", "D_DST_BASE_ADDR_LOW_0"), ("CDMA", "D_DAIN_ADDR_LOW_0_0"),
    ("CDMA", "D_WEIGHT_ADDR_LOW_0"),
)
_READ_REGS = {"SDP_RDMA", "PDP_RDMA", "CDP_RDMA", "CDMA"}


def dma_owner(ops, addr: int, write: bool) -> str:
    """Which unit's address register most plausibly pointed the DMA at ``addr``: among the
    launched operations' (model OpRecord) base registers of the right direction, the highest
    base <= addr. 'unit unknown' when none is below it."""
    best = None
    for rec in ops or ():
        vals = rec.values or {}
        for unit, reg in BASE_REGS:
            if (unit in _READ_REGS) == write:
                continue
            name = f"NVDLA_{unit}.{reg}"
            if name not in vals or name not in REGMAP:
                continue
            base = vals[name] & 0xFFFFFFFF
            if base <= addr and (best is None or base > best[0]):
                best = (base, unit, reg)
    if best is None:
        return "unit unknown"
    return f"{best[1]} (its {best[2]} = 0x{best[0]:08x})"


def oob_report(env) -> str | None:
    """One line on DMA beats outside the mapped memory in the trace just played, or None."""
    d = env.dut
    parts = []
    ops = env.scoreboard.model.ops if env.scoreboard.model is not None else []
    for kind, n, a, write in (("read", int(d.mem_rd_oob.value), int(d.mem_rd_oob_addr.value), False),
                              ("write", int(d.mem_wr_oob.value), int(d.mem_wr_oob_addr.value), True)):
        if n:
            what = "read as 0" if not write else "dropped"
            parts.append(f"{n} {kind} beats outside the mapped memory {what}, first at 0x{a:08x} "
                         f"by {dma_owner(ops, a, write)}")
    return "; ".join(parts) if parts else None


