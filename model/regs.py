"""The nv_small register map, read from ``nv_small_regs.toml`` (the single source of truth).

Names are exactly as NVIDIA's trace files spell them: ``NVDLA_SDP.D_CVT_SCALE_0``.
Addresses are CSB byte addresses (the CSB bus itself carries ``byte_addr >> 2``).

    >>> from model.regs import REGMAP
    >>> r = REGMAP["NVDLA_SDP.D_CVT_SCALE_0"]
    >>> hex(r.addr), r.field("CVT_SCALE").msb
    ('0x90c4', 15)
    >>> REGMAP.by_addr(0x90c4).full_name
    'NVDLA_SDP.D_CVT_SCALE_0'
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

REGMAP_FILE = Path(__file__).with_name("nv_small_regs.toml")
_FIELD_RE = re.compile(r"^(\w+)\[(\d+)(?::(\d+))?\]$")


class RegMapError(ValueError):
    """A malformed register map or an unknown register/field name."""


@dataclass(frozen=True)
class Field:
    name: str
    msb: int
    lsb: int

    @cached_property
    def width(self) -> int:
        return self.msb - self.lsb + 1

    @cached_property
    def mask(self) -> int:
        """Mask of the field in register position."""
        return ((1 << self.width) - 1) << self.lsb

    def get(self, value: int) -> int:
        """The field's unsigned value taken out of a 32-bit register value."""
        return (value >> self.lsb) & ((1 << self.width) - 1)

    def get_signed(self, value: int) -> int:
        """The field's value as a two's-complement number of the field's width."""
        v = self.get(value)
        return v - (1 << self.width) if v >> (self.width - 1) else v

    def put(self, value: int, fv: int) -> int:
        """``value`` with this field replaced by ``fv`` (truncated to the field width)."""
        return (value & ~self.mask & 0xFFFFFFFF) | ((fv << self.lsb) & self.mask)


@dataclass(frozen=True)
class Register:
    unit: str            # "SDP"
    name: str            # "D_CVT_SCALE_0"
    addr: int            # CSB byte address
    fields: tuple[Field, ...]
    access: str = "rw"   # rw | ro | w1c | wo
    reset: int = 0
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def full_name(self) -> str:
        return f"NVDLA_{self.unit}.{self.name}"

    @cached_property
    def dual(self) -> bool:
        """True for the per-group (ping-pong) D_* registers; S_* registers are single."""
        return self.name.startswith("D_")

    @property
    def offset(self) -> int:
        return self.addr & 0xFFF

    @cached_property
    def writable_mask(self) -> int:
        m = 0
        for f in self.fields:
            m |= f.mask
        return m

    def field(self, name: str) -> Field:
        try:
            return self._by_name[name]
        except KeyError:
            raise RegMapError(f"{self.full_name} has no field {name!r}") from None

    def decode(self, value: int) -> dict[str, int]:
        return {f.name: f.get(value) for f in self.fields}

    def encode(self, **fields: int) -> int:
        v = 0
        for k, fv in fields.items():
            v = self.field(k).put(v, fv)
        return v


class RegMap:
    """All units and registers; look up by full name, unit+name or CSB byte address."""

    def __init__(self, path: Path = REGMAP_FILE):
        try:
            data = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise RegMapError(f"{path}: {e}") from None
        self.unit_base: dict[str, int] = {}
        self.registers: dict[str, Register] = {}
        self._addr: dict[int, Register] = {}
        for unit, u in data["units"].items():
            base = u["base"]
            self.unit_base[unit] = base
            for name, spec in u["regs"].items():
                fields = []
                for ftxt in spec["fields"].split():
                    m = _FIELD_RE.match(ftxt)
                    if not m:
                        raise RegMapError(f"{path}: {unit}.{name}: bad field {ftxt!r}")
                    msb = int(m.group(2))
                    lsb = int(m.group(3)) if m.group(3) is not None else msb
                    fields.append(Field(m.group(1), msb, lsb))
                reg = Register(unit, name, base + spec["offset"], tuple(fields),
                               spec.get("access", "rw"), spec.get("reset", 0))
                reg._by_name.update({f.name: f for f in fields})
                if reg.addr in self._addr:
                    raise RegMapError(f"{path}: {reg.full_name} overlaps "
                                      f"{self._addr[reg.addr].full_name}")
                self.registers[reg.full_name] = reg
                self._addr[reg.addr] = reg
        self.unit_of_base = {b: u for u, b in self.unit_base.items()}

    def __getitem__(self, full_name: str) -> Register:
        try:
            return self.registers[full_name]
        except KeyError:
            raise RegMapError(f"unknown register {full_name!r}") from None

    def __contains__(self, full_name: str) -> bool:
        return full_name in self.registers

    def __iter__(self):
        return iter(self.registers.values())

    def reg(self, unit: str, name: str) -> Register:
        return self[f"NVDLA_{unit}.{name}"]

    def by_addr(self, addr: int) -> Register | None:
        """The register at a CSB byte address, or None for an unmapped address."""
        return self._addr.get(addr)

    def unit_regs(self, unit: str) -> list[Register]:
        return [r for r in self.registers.values() if r.unit == unit]


REGMAP = RegMap()


class RegView:
    """Register values seen by one launched operation: for each unit, the ping-pong group it
    is consuming. Engines read their configuration only through this, by trace name:

        >>> v = RegView({"NVDLA_SDP.D_CVT_SCALE_0": 0xFFFF})
        >>> v.f("NVDLA_SDP.D_CVT_SCALE_0", "CVT_SCALE"), v.s("NVDLA_SDP.D_CVT_SCALE_0", "CVT_SCALE")
        (65535, -1)

    Registers never written read as their reset value (0 unless the map says otherwise).
    ``luts`` carries per-unit lookup-table memories (e.g. ``luts["CDP"]``) for engines that
    have them.
    """

    def __init__(self, values: dict[str, int] | None = None, luts: dict | None = None,
                 regmap: RegMap = REGMAP):
        self.values = dict(values or {})
        self.luts = dict(luts or {})
        self.regmap = regmap

    def raw(self, full_name: str) -> int:
        reg = self.regmap[full_name]
        return self.values.get(full_name, reg.reset) & 0xFFFFFFFF

    def f(self, full_name: str, field_name: str) -> int:
        """Unsigned field value."""
        return self.regmap[full_name].field(field_name).get(self.raw(full_name))

    def s(self, full_name: str, field_name: str) -> int:
        """Field value as two's complement of the field's width."""
        return self.regmap[full_name].field(field_name).get_signed(self.raw(full_name))

    def first_difference(self, a: str, b: str, pairs) -> str | None:
        """Two units programmed for one cube (a DMA and its engine): ``pairs`` of (register,
        field of unit ``a``, field of unit ``b``, shift), ``a``/``b`` the units' prefixes
        ("NVDLA_PDP_RDMA."). The first pair whose values differ once shifted right by ``shift``
        (3: compared by 8-channel atoms), named "A.REG F=x != B.REG G=y"; None when all agree."""
        for reg, fa, fb, shift in pairs:
            va, vb = self.f(a + reg, fa), self.f(b + reg, fb)
            if va >> shift != vb >> shift:
                atoms = " (8-channel atoms differ)" if shift else ""
                return f"{a[6:-1]}.{reg} {fa}={va} != {b[6:-1]}.{reg} {fb}={vb}{atoms}"
        return None

    def first_cv_sram(self, rams) -> str | None:
        """The first of ``rams`` ((register, RAM_TYPE field) of the DMAs that run) not on the
        memory interface MC (1): nv_small has no CV SRAM (0, the reset value); None if all MC."""
        for reg, f in rams:
            v = self.f(reg, f)
            if v != 1:
                return (f"{reg[len('NVDLA_'):]} {f}={v} (CV SRAM): nv_small has no CV SRAM "
                        f"interface, program 1 (MC)")
        return None

    def addr64(self, low_name: str, high_name: str) -> int:
        """A 64-bit address from a LOW/HIGH register pair (nv_small uses only the low 32 bits)."""
        return (self.raw(high_name) << 32) | self.raw(low_name)
