"""The nv_small device: sparse memory + CSB register file + engines.

Operations are launched when the last unit they need is armed: on every ``D_OP_ENABLE`` write,
each operation kind in :data:`OPS` is tried; it runs when all the units it needs (decided by the
registers of those units' consumer groups) have their consumer group enabled. After it ran, each
unit's consumer group is disarmed and its consumer pointer flips, and the done sources of the
units set their ``GLB.S_INTR_STATUS`` bits for the group that ran.

Engines (model/conv.py, sdp.py, pdp.py, cdp.py) are imported lazily: a missing one only affects
the operations that need it (:class:`EngineMissing`).
"""
from __future__ import annotations

import importlib

import numpy as np
from dataclasses import dataclass

from .memory import Memory
from .regfile import RegFile
from .regs import REGMAP, RegView


class EngineMissing(RuntimeError):
    """An operation needs an engine module that is not in the repository (yet)."""

    def __init__(self, engine: str):
        super().__init__(f"engine {engine} not implemented yet")
        self.engine = engine


@dataclass(frozen=True)
class Cond:
    """Register field test on a unit's consumer group: reg.field == value."""
    reg: str
    field: str
    value: int

    def holds(self, rf: RegFile) -> bool:
        unit = self.reg.split(".")[0][len("NVDLA_"):]
        v = rf.group_value(unit, rf.consumer[unit], self.reg)
        return REGMAP[self.reg].field(self.field).get(v) == self.value


@dataclass(frozen=True)
class OpKind:
    """One kind of operation, as data: the unit that anchors it, the condition under which the
    anchor runs this kind of operation, and extra units needed under conditions (any true)."""
    name: str
    anchor: str
    applies: tuple[Cond, ...] = ()                       # all must hold
    extra: tuple[tuple[tuple[str, ...], tuple[Cond, ...]], ...] = ()   # () conds = always

    def units(self, rf: RegFile) -> list[str] | None:
        if not all(c.holds(rf) for c in self.applies):
            return None
        units = [self.anchor]
        for us, conds in self.extra:
            if not conds or any(c.holds(rf) for c in conds):
                units += [u for u in us if u not in units]
        return units


CONV_UNITS = ("CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC")
SDP_FLYING = Cond("NVDLA_SDP.D_FEATURE_MODE_CFG_0", "FLYING_MODE", 1)

OPS: tuple[OpKind, ...] = (
    # SDP: from memory (SDP_RDMA MRDMA) or on the fly from CACC; BS/BN operands from memory need
    # SDP_RDMA too; output to memory or on the fly to PDP.
    OpKind("SDP", "SDP", (), (
        (("SDP_RDMA",), (Cond("NVDLA_SDP.D_FEATURE_MODE_CFG_0", "FLYING_MODE", 0),
                         Cond("NVDLA_SDP_RDMA.D_BRDMA_CFG_0", "BRDMA_DISABLE", 0),
                         Cond("NVDLA_SDP_RDMA.D_NRDMA_CFG_0", "NRDMA_DISABLE", 0))),
        (CONV_UNITS, (SDP_FLYING,)),
        (("PDP",), (Cond("NVDLA_SDP.D_FEATURE_MODE_CFG_0", "OUTPUT_DST", 1),)),
    )),
    # PDP reading memory (OFF_FLYING = 1) through PDP_RDMA.
    OpKind("PDP", "PDP", (Cond("NVDLA_PDP.D_OPERATION_MODE_CFG_0", "FLYING_MODE", 1),),
           ((("PDP_RDMA",), ()),)),
    # CDP always reads memory through CDP_RDMA.
    OpKind("CDP", "CDP", (), ((("CDP_RDMA",), ()),)),
)

# Data path order: (unit whose presence enables the stage, engine module). Each stage receives the
# previous stage's output as flying_in.
PIPELINE = (("CACC", "conv"), ("SDP", "sdp"), ("PDP", "pdp"), ("CDP", "cdp"))

# Done sources per unit: GLB.S_INTR_STATUS fields (suffixed with the group that ran).
DONE_BITS = {
    "SDP": ("SDP_DONE_STATUS",),
    "PDP": ("PDP_DONE_STATUS",),
    "CDP": ("CDP_DONE_STATUS",),
    "CACC": ("CACC_DONE_STATUS",),
    "CDMA": ("CDMA_DAT_DONE_STATUS", "CDMA_WT_DONE_STATUS"),
}

# Output surfaces (base, line stride, surface stride) of the units that write memory.
DST_REGS = {
    "SDP": ("NVDLA_SDP.D_DST_BASE_ADDR_LOW_0", "NVDLA_SDP.D_DST_LINE_STRIDE_0",
            "NVDLA_SDP.D_DST_SURFACE_STRIDE_0"),
    "PDP": ("NVDLA_PDP.D_DST_BASE_ADDR_LOW_0", "NVDLA_PDP.D_DST_LINE_STRIDE_0",
            "NVDLA_PDP.D_DST_SURFACE_STRIDE_0"),
    "CDP": ("NVDLA_CDP.D_DST_BASE_ADDR_LOW_0", "NVDLA_CDP.D_DST_LINE_STRIDE_0",
            "NVDLA_CDP.D_DST_SURFACE_STRIDE_0"),
}

_ENGINES: dict[str, object] = {}


def engine(name: str):
    """The engine module model.<name>, imported on first use."""
    mod = _ENGINES.get(name)
    if mod is None:
        try:
            mod = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__package__}.{name}":
                raise EngineMissing(name) from None
            raise
        _ENGINES[name] = mod
    return mod


@dataclass
class WrittenRegion:
    """A memory span an operation wrote, and the layout of the surface it belongs to."""
    start: int
    end: int              # exclusive
    op: str               # "SDP", "PDP", "CDP"
    op_index: int
    writer: str           # unit that wrote memory
    base: int
    line_stride: int
    surf_stride: int

    def locate(self, addr: int) -> tuple[int, int, int]:
        """(surface, line, byte) of an address inside this surface."""
        off = addr - self.base
        s = off // self.surf_stride if self.surf_stride else 0
        r = off - s * self.surf_stride
        ln = r // self.line_stride if self.line_stride else 0
        return s, ln, r - ln * self.line_stride


class TrackingMemory(Memory):
    """Memory that logs the spans written while an operation runs."""

    def __init__(self):
        super().__init__()
        self.log: list[tuple[int, int]] | None = None

    def write(self, addr, data):
        super().write(addr, data)
        if self.log is not None:
            n = len(data) if isinstance(data, (bytes, bytearray)) else np.asarray(data).nbytes
            self.log.append((addr, addr + n))


@dataclass
class OpRecord:
    kind: str
    units: list[str]
    groups: dict[str, int]
    values: dict[str, int] | None = None     # the register values the operation ran with
    error: str | None = None


class NvSmall:
    """nv_small: CSB registers + memory + engines; operations run synchronously when armed."""

    def __init__(self):
        self.mem = TrackingMemory()
        self.rf = RegFile()
        self.rf.on_op_enable = self._on_op_enable
        self.regions: list[WrittenRegion] = []
        self.ops: list[OpRecord] = []
        from .cbuf import ConvBuffer
        self.cbuf = ConvBuffer()             # convolution buffer residency between conv ops
        self._install_hooks()

    def _install_hooks(self):
        try:
            cdp = engine("cdp")
        except EngineMissing:
            return
        lut_cls = getattr(cdp, "CdpLut", None)
        if lut_cls is not None:
            self.rf.add_hook("CDP", lut_cls(), ["NVDLA_CDP.S_LUT_ACCESS_CFG_0",
                                                "NVDLA_CDP.S_LUT_ACCESS_DATA_0"])

    # ---- CSB ---------------------------------------------------------------------------
    def csb_write(self, addr: int, value: int) -> None:
        self.rf.write(addr, value)

    def csb_read(self, addr: int) -> int:
        return self.rf.read(addr)

    def reg_write(self, full_name: str, value: int) -> None:
        self.rf.write_name(full_name, value)

    def reg_read(self, full_name: str) -> int:
        return self.rf.read_name(full_name)

    # ---- launching ---------------------------------------------------------------------
    def _on_op_enable(self, unit: str) -> None:
        launched = True
        while launched:                # one launch can make another ready (both groups armed)
            launched = False
            for kind in OPS:
                a = kind.anchor           # the anchor is always needed: skip unarmed kinds early
                if not self.rf.op_enabled(a, self.rf.consumer[a]):
                    continue
                units = kind.units(self.rf)
                if units and all(self.rf.op_enabled(u, self.rf.consumer[u]) for u in units):
                    self._run(kind, units)
                    launched = True

    def _run(self, kind: OpKind, units: list[str]) -> None:
        rf = self.rf
        view = rf.view(units)
        rec = OpRecord(kind.name, units, {u: rf.consumer[u] for u in units}, view.values)
        self.ops.append(rec)
        self.mem.log = []
        try:
            x = None
            for unit, mod_name in PIPELINE:
                if unit not in units:
                    continue
                mod = engine(mod_name)
                if getattr(mod, "USES_CBUF", False):   # CBUF state carries over (model/cbuf.py)
                    x = mod.run(view, self.mem, cbuf=self.cbuf)
                else:
                    x = mod.run(view, self.mem) if x is None else mod.run(view, self.mem, flying_in=x)
        except EngineMissing as e:
            rec.error = str(e)
            self.mem.log = None
            raise
        finally:
            log, self.mem.log = self.mem.log, None
            self._record_regions(kind, units, view, log or [])
            for u in units:
                g = rf.complete(u)
                for f in DONE_BITS.get(u, ()):
                    rf.set_intr(f"{f}{g}")

    def _record_regions(self, kind: OpKind, units, view: RegView, log) -> None:
        writer = next((u for u in reversed([p[0] for p in PIPELINE]) if u in units
                       and u in DST_REGS), None)
        if writer is None or not log:
            return
        b, ls, ss = (view.raw(n) for n in DST_REGS[writer])
        idx = len(self.ops) - 1
        for s, e in log:
            self.regions.append(WrittenRegion(s, e, kind.name, idx, writer, b, ls, ss))

    def region_at(self, addr: int) -> WrittenRegion | None:
        """The last recorded written span covering addr."""
        for r in reversed(self.regions):
            if r.start <= addr < r.end:
                return r
        return None
