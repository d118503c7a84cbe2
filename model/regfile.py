"""The nv_small CSB register file, as the hardware behaves, driven by ``regs.REGMAP``.

Per unit (every unit that has an ``S_POINTER_0``):

* ``S_POINTER.PRODUCER`` (bit 0, rw) selects which of the two register groups CSB writes to
  ``D_*`` registers go to (and which group CSB reads of ``D_*`` registers return);
  ``S_POINTER.CONSUMER`` (bit 16, read-only) is the group the unit runs next.
* every ``D_*`` register exists twice (group 0 and group 1); ``D_OP_ENABLE.OP_EN`` arms a group.
  While a group is armed, CSB writes to its ``D_*`` registers (``D_OP_ENABLE`` included) are
  ignored (NVIDIA's register RTL gates the group's write enable with its OP_EN); the group is
  disarmed by the unit when its operation is done.
* ``S_STATUS.STATUS_<g>`` per group: 0 idle (not armed), 1 running (armed and the consumer),
  2 pending (armed, waiting for the other group).
* ``S_*`` registers are single.

GLB: ``S_INTR_MASK`` (1 = masked), ``S_INTR_STATUS`` (write 1 to clear), ``S_INTR_SET``
(write 1 to set a status bit, reads 0).

Unmapped addresses read 0 and ignore writes; read-only registers ignore writes; writes keep only
the bits of the register's defined fields (undefined bits read 0). The device never raises on a
CSB access: name checking is the trace parser's job.

Units can own state behind ``S_*`` registers (CDP's LUT memory behind S_LUT_ACCESS_CFG /
S_LUT_ACCESS_DATA) through :meth:`RegFile.add_hook`.
"""
from __future__ import annotations

from typing import Protocol

from .regs import REGMAP, RegMap, Register, RegView

GROUPS = 2


class RegHook(Protocol):
    """Extra state a unit keeps behind some of its S_* registers (e.g. cdp.CdpLut)."""

    def write(self, reg_name: str, value: int) -> None: ...

    def read(self, reg_name: str) -> int: ...


class RegFile:
    """CSB register file of all units; addresses are CSB byte addresses."""

    def __init__(self, regmap: RegMap = REGMAP):
        self.regmap = regmap
        # units with ping-pong groups (they have an S_POINTER_0)
        self.pp_units = [u for u in regmap.unit_base if f"NVDLA_{u}.S_POINTER_0" in regmap]
        self.producer = {u: 0 for u in self.pp_units}
        self.consumer = {u: 0 for u in self.pp_units}
        # D_* register values per unit and group: {unit: [ {full_name: value}, {...} ]}
        self.groups: dict[str, list[dict[str, int]]] = {u: [{} for _ in range(GROUPS)]
                                                         for u in self.pp_units}
        # S_* (single) register values
        self.single: dict[str, int] = {}
        self.hooks: dict[str, RegHook] = {}      # full register name -> hook
        self.luts: dict[str, RegHook] = {}       # unit -> hook object (handed to engines)
        self.intr_status = 0
        self.on_op_enable = None                 # callback(unit) set by the device
        self._op_en = {u: f"NVDLA_{u}.D_OP_ENABLE_0" for u in self.pp_units}

    # ---- hooks -------------------------------------------------------------------------
    def add_hook(self, unit: str, obj: RegHook, reg_names: list[str]) -> None:
        """Route CSB writes/reads of ``reg_names`` (full names) of ``unit`` to ``obj``; the
        object is also handed to engines as ``RegView.luts[unit]``."""
        for n in reg_names:
            self.regmap[n]  # raises on a bad name: this is a programming error, not CSB traffic
            self.hooks[n] = obj
        self.luts[unit] = obj

    # ---- CSB access by address ---------------------------------------------------------
    def write(self, addr: int, value: int) -> None:
        reg = self.regmap.by_addr(addr)
        if reg is None:
            return                                   # unmapped: ignored
        self.write_reg(reg, value)

    def read(self, addr: int) -> int:
        reg = self.regmap.by_addr(addr)
        if reg is None:
            return 0                                 # unmapped: reads 0
        return self.read_reg(reg)

    # ---- access by Register ------------------------------------------------------------
    def write_reg(self, reg: Register, value: int) -> None:
        value &= 0xFFFFFFFF
        name, unit = reg.full_name, reg.unit
        if unit == "GLB":
            self._write_glb(reg, value)
            return
        if reg.access == "ro":
            return
        v = value & reg.writable_mask
        if reg.name == "S_POINTER_0" and unit in self.producer:
            self.producer[unit] = reg.field("PRODUCER").get(v)   # CONSUMER is read-only
            return
        if reg.dual and unit in self.groups:
            g = self.producer[unit]
            if self.op_enabled(unit, g):
                return          # an armed group is locked: its D_* writes (OP_EN too) are ignored
            self.groups[unit][g][name] = v
            if reg.name == "D_OP_ENABLE_0" and (v & 1) and self.on_op_enable is not None:
                self.on_op_enable(unit)
            return
        if reg.access != "wo":
            self.single[name] = v
        hook = self.hooks.get(name)
        if hook is not None:
            hook.write(name, v)

    def read_reg(self, reg: Register) -> int:
        name, unit = reg.full_name, reg.unit
        if reg.access == "wo":
            return 0
        if unit == "GLB":
            if reg.name == "S_INTR_STATUS_0":
                return self.intr_status
            return self.single.get(name, reg.reset)
        if reg.name == "S_POINTER_0" and unit in self.producer:
            return self.producer[unit] | (self.consumer[unit] << 16)
        if reg.name == "S_STATUS_0" and unit in self.groups:
            return self.status(unit, 0) | (self.status(unit, 1) << 16)
        if reg.dual and unit in self.groups:
            return self.groups[unit][self.producer[unit]].get(name, reg.reset)
        hook = self.hooks.get(name)
        if hook is not None and hasattr(hook, "read"):
            return hook.read(name) & 0xFFFFFFFF
        return self.single.get(name, reg.reset)

    def _write_glb(self, reg: Register, value: int) -> None:
        if reg.access == "ro":
            return
        v = value & reg.writable_mask
        if reg.name == "S_INTR_STATUS_0":          # write 1 to clear
            self.intr_status &= ~v & 0xFFFFFFFF
        elif reg.name == "S_INTR_SET_0":           # write 1 to set, reads 0
            self.intr_status |= v
        else:
            self.single[reg.full_name] = v

    # ---- by name -----------------------------------------------------------------------
    def write_name(self, full_name: str, value: int) -> None:
        self.write_reg(self.regmap[full_name], value)

    def read_name(self, full_name: str) -> int:
        return self.read_reg(self.regmap[full_name])

    # ---- ping-pong state used by the device --------------------------------------------
    def group_value(self, unit: str, group: int, full_name: str) -> int:
        reg = self.regmap[full_name]
        if reg.dual:
            return self.groups[unit][group].get(full_name, reg.reset)
        return self.read_reg(reg)

    def op_enabled(self, unit: str, group: int) -> bool:
        return bool(self.groups[unit][group].get(self._op_en[unit], 0) & 1)

    def status(self, unit: str, group: int) -> int:
        """S_STATUS per group: 0 idle, 1 running (armed consumer), 2 pending (armed other)."""
        if not self.op_enabled(unit, group):
            return 0
        return 1 if self.consumer[unit] == group else 2

    def consumer_view_values(self, unit: str) -> dict[str, int]:
        """All register values a unit's next operation sees: its consumer group's D_* registers
        and its S_* registers."""
        g = self.consumer[unit]
        vals = dict(self.groups[unit][g])
        prefix = f"NVDLA_{unit}."
        for k, v in self.single.items():
            if k.startswith(prefix):
                vals[k] = v
        return vals

    def view(self, units) -> RegView:
        vals: dict[str, int] = {}
        for u in units:
            vals.update(self.consumer_view_values(u))
        return RegView(vals, luts=self.luts, regmap=self.regmap)

    def complete(self, unit: str) -> int:
        """End of a unit's operation: clear OP_EN of its consumer group and flip the consumer.
        Returns the group that ran."""
        g = self.consumer[unit]
        self.groups[unit][g][f"NVDLA_{unit}.D_OP_ENABLE_0"] = 0
        self.consumer[unit] = g ^ 1
        return g

    def set_intr(self, field_name: str) -> None:
        """A done source: sets the S_INTR_STATUS bit (the hardware sets it whatever the mask;
        the mask only gates the interrupt line)."""
        f = self.regmap["NVDLA_GLB.S_INTR_STATUS_0"].field(field_name)
        self.intr_status |= f.mask

    def intr_mask(self) -> int:
        return self.read_name("NVDLA_GLB.S_INTR_MASK_0")
