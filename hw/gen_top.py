"""Generate hw/gen/nvs_top_wiring.v: every register file, engine and the DMA of our nv_small RTL,
wired to each other BY NAME. hw/nvsmall_top.v instantiates it next to the CSB slave.

Written by hw/gen_regs.py (run `.venv/bin/python hw/gen_regs.py`; `--check` tests it is current).
Inputs: model/nv_small_regs.toml (register fields, S_INTR_STATUS bits), the ENGINES table below
and the port lists of the engine modules and of nvs_dma (parsed from their Verilog headers).

The naming convention (the whole contract between an engine and this wiring):
  * A unit (a register file, e.g. PDP_RDMA) is present when some engine has a port `<unit>_op_en`
    (`unit` lower case). Its register file nvs_regs_<unit> is generated and connected:
      outputs  <unit>_op_en, <unit>_consumer, every field of every non-"ro" register
               (<unit>_<reg without _0>_<field>, lower case; the consumer group of D_* ones),
               <unit>_lut_le_table / _lo_table for units with a LUT (gen_regs.LUT_UNITS),
      inputs   <unit>_op_done (an engine must drive it) and the fields of "ro" registers
               (driven by the engine output of that name, else tied to 0).
  * Every other engine port is a net of the same name: the ports of that name of all engines and
    of nvs_dma are connected to each other (exactly one output each). So DMA clients are wired by
    giving engine and nvs_dma the same port names (<client>_rd_req_valid ...), and engine-to-engine
    streams (sdp2pdp_valid/_ready/_data) by giving both engines the same port names.
  * The ports of nvs_dma named aw_* w_* b_* ar_* r_* are the AXI (DBB) port of this module.
  * Interrupts: an S_INTR_STATUS field <P>_DONE_STATUS<g> is set by the pulse <p>_op_done when
    some engine (or register file) has that net, for group g of <u>_consumer, where u is the
    longest present unit equal to p or a prefix "p_..." of it (CDMA_DAT_DONE_STATUS0 ->
    cdma_dat_op_done & ~cdma_consumer). Bits whose pulse does not exist are 0.
  * clk and rstn are the clock and the active-low reset.
The generator fails with one line naming the module and port when a net has no driver, two
drivers, or ports of different widths.

Adding a unit, e.g. CDMA with its engine module nvs_cdma (file hw/nvs_cdma.v or hw/*/nvs_cdma.v):
give nvs_cdma ports named by the convention (cdma_op_en, cdma_op_done, cdma_d_misc_cfg_conv_mode,
cdma_dat_rd_req_valid ...), add "nvs_cdma" to ENGINES, add the matching client ports to nvs_dma,
run hw/gen_regs.py. A unit read by several engines (or an engine reading several units) needs no
more: the units come from the op_en ports. Adding a register field: one edit in the TOML and the
port of that name on the engine that uses it.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from hw import gen_regs as R  # noqa: E402

ENGINES = ("nvs_conv", "nvs_sdp", "nvs_pdp", "nvs_cdp")   # engine modules, instantiated as u_<name without nvs_>
DMA = "nvs_dma"                               # the AXI DMA; its AXI ports become this module's ports
AXI_PREFIXES = ("aw_", "w_", "b_", "ar_", "r_")
MODULE = "nvs_top_wiring"
OUT = R.GEN / f"{MODULE}.v"


class WiringError(ValueError):
    """An inconsistency between the engine port lists, nvs_dma and the register map (one line
    naming the module/port and the problem; hw/gen_regs.py prints it and exits with status 2)."""


@dataclass(frozen=True)
class Port:
    name: str
    dir: str      # "input" / "output"
    width: int


_DECL = re.compile(r"^(input|output|inout)\s+(?:wire\s+|reg\s+)?(?:signed\s+)?(?:\[\s*(\d+)\s*:\s*(\d+)\s*\]\s*)?(\w+)$")


def module_file(name: str) -> Path:
    hits = sorted(R.HW.rglob(f"{name}.v"))
    if not hits:
        raise WiringError(f"module {name}: no file {name}.v under hw/")
    return hits[0]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def ports(name: str) -> list[Port]:
    """ANSI port list of module `name` (Verilog-2001 header, numeric ranges)."""
    path = module_file(name)
    txt = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    txt = re.sub(r"//[^\n]*", "", txt)
    m = re.search(rf"\bmodule\s+{name}\s*(?:#\s*\(.*?\)\s*)?\((.*?)\)\s*;", txt, re.S)
    if not m:
        raise WiringError(f"{_rel(path)}: no ANSI header of module {name}")
    out, cur = [], None
    for item in (" ".join(s.split()) for s in m.group(1).split(",")):
        d = _DECL.match(item)
        if d:
            cur = (d.group(1), int(d.group(2)) - int(d.group(3)) + 1 if d.group(2) else 1)
            out.append(Port(d.group(4), *cur))
        elif cur and re.fullmatch(r"\w+", item):
            out.append(Port(item, *cur))
        else:
            raise WiringError(f"{_rel(path)}: port '{item}' of {name}: not a plain "
                              "'input|output wire [N:M] name' declaration")
    return out


def present_units(engine_ports: dict[str, list[Port]] | None = None) -> list[str]:
    """Units (TOML names) with a `<unit>_op_en` port on some engine, in address order."""
    ep = engine_ports or {e: ports(e) for e in ENGINES}
    names = {p.name for ps in ep.values() for p in ps}
    units = [u for u in R.REGMAP.unit_base if u != "GLB" and f"{u.lower()}_op_en" in names]
    return sorted(units, key=lambda u: R.REGMAP.unit_base[u])


def regfile_ports(unit: str) -> list[Port]:
    """The ports of generated nvs_regs_<unit> that the wiring connects by name."""
    u = unit.lower()
    out = [Port(f"{u}_op_en", "output", 1), Port(f"{u}_consumer", "output", 1),
           Port(f"{u}_op_done", "input", 1)]
    lut = R.LUT_UNITS.get(unit)
    if lut:
        out += [Port(f"{u}_lut_le_table", "output", lut[0] * 16),
                Port(f"{u}_lut_lo_table", "output", lut[1] * 16)]
    for reg in sorted(R.REGMAP.unit_regs(unit), key=lambda r: r.addr):
        if not R.special(unit, reg):
            out += [Port(R.sig(unit, reg, f), "input" if reg.access == "ro" else "output", f.width)
                    for f in reg.fields]
    return out


def instance(module: str, inst: str, conns: list[tuple[str, str]]) -> list[str]:
    return [f"    {module} {inst} ("] + [",\n".join(f"        .{p}({n})" for p, n in conns)] + ["    );"]


def connect(eng: dict[str, list[Port]], dma: list[Port], units: list[str], axi: list[Port]):
    """Nets by name -> {width, drv, use, owner}, and the "ro" field inputs nobody drives (tied
    to 0). Raises WiringError for no driver, two drivers, different widths, a stray DMA port."""
    nets: dict[str, dict] = {}

    def add(owner: str, p: Port):
        n = nets.setdefault(p.name, {"width": p.width, "drv": [], "use": [], "owner": owner})
        if n["width"] != p.width:
            raise WiringError(f"{owner}.{p.name}: {p.width} bits, but {n['owner']}.{p.name} has {n['width']}")
        (n["drv"] if p.dir == "output" else n["use"]).append(owner)

    for unit in units:
        for p in regfile_ports(unit):
            add(f"nvs_regs_{unit.lower()}", p)
    for e, ps in eng.items():
        for p in ps:
            if p.name not in ("clk", "rstn"):
                add(e, p)
    for p in dma:
        if p.name not in ("clk", "rstn") and p not in axi:
            if p.name not in nets:
                raise WiringError(f"{DMA}.{p.name}: no engine has a port of that name")
            add(DMA, p)
    ro_fields = {p.name for u in units for p in regfile_ports(u)
                 if p.dir == "input" and not p.name.endswith("_op_done")}
    tied = []
    for name, n in nets.items():
        if len(n["drv"]) > 1:
            raise WiringError(f"net {name}: driven by {' and '.join(n['drv'])}")
        if not n["drv"]:
            if name not in ro_fields:
                raise WiringError(f"{n['use'][0]}.{name}: input with no driver (no engine, "
                                  "register file or nvs_dma output of that name)")
            tied.append(name)
    return nets, tied


def gen_wiring() -> str:
    eng = {e: ports(e) for e in ENGINES}
    dma = ports(DMA)
    units = present_units(eng)
    axi = [p for p in dma if p.name.startswith(AXI_PREFIXES)]
    nets, tied = connect(eng, dma, units, axi)
    regfile_nets = {p.name for u in units for p in regfile_ports(u)}
    o = [R.HEADER.replace("model/nv_small_regs.toml", "model/nv_small_regs.toml and the engine port lists"
                          ).rstrip("\n"),
         "// nvs_top_wiring: the register files, engines and DMA of nvsmall_top, connected by name",
         "// (convention and how to add a unit: hw/gen_top.py). Engines: " + ", ".join(ENGINES) + ".",
         f"module {MODULE} (",
         "    input  wire        clk,",
         "    input  wire        rstn,",
         "    input  wire        csb_req_valid,   // one CSB request (nvs_csb)",
         "    input  wire        csb_req_write,",
         "    input  wire [15:0] csb_req_addr,    // word address",
         "    input  wire [31:0] csb_req_wdat,",
         "    output wire [31:0] csb_rd_data,     // read data of the request (combinational)",
         "    output wire        dla_intr,"]
    o.append(",\n".join(f"    {p.dir:<6} wire {R.rng(p.width):<7}{p.name}" for p in axi))
    o.append(");")
    o.append("    // ---- nets between engines, register files and nvs_dma (done pulses, DMA clients, streams)")
    for name, n in nets.items():
        if name not in regfile_nets or name.endswith("_op_done"):
            o.append(f"    wire {R.rng(n['width'])}{name};")
    o += ["    /* verilator lint_off UNUSEDSIGNAL */",
          "    // (not every config field is used by our datapath: EW, SDP LUT, perf enables, CYA)"]
    rdmux = []
    glb_base = R.REGMAP.unit_base["GLB"]
    o += [f"    // ---- NVDLA_GLB (byte base 0x{glb_base:04x})",
          f"    wire        glb_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h{glb_base >> 12:02x});",
          "    wire [31:0] glb_rd_data;",
          "    wire [31:0] glb_done_in;",
          "    nvs_regs_glb u_regs_glb (.clk(clk), .rstn(rstn), .req_valid(glb_sel), .req_write(csb_req_write),",
          "        .req_addr(csb_req_addr[9:0]), .req_wdat(csb_req_wdat), .rd_data(glb_rd_data),"
          " .done_in(glb_done_in), .dla_intr(dla_intr));"]
    rdmux.append("(glb_sel ? glb_rd_data : 32'd0)")
    for unit in units:
        u = unit.lower()
        base = R.REGMAP.unit_base[unit]
        o += [f"    // ---- NVDLA_{unit} (byte base 0x{base:04x})",
              f"    wire        {u}_sel = csb_req_valid && (csb_req_addr[15:10] == 6'h{base >> 12:02x});",
              f"    wire [31:0] {u}_rd_data;"]
        conns = [("clk", "clk"), ("rstn", "rstn"), ("req_valid", f"{u}_sel"), ("req_write", "csb_req_write"),
                 ("req_addr", "csb_req_addr[9:0]"), ("req_wdat", "csb_req_wdat"), ("rd_data", f"{u}_rd_data")]
        for p in regfile_ports(unit):
            bare = p.name[len(u) + 1:]
            conns.append((bare if bare in ("op_en", "consumer", "op_done") else p.name, p.name))
            if bare != "op_done":
                o.append(f"    wire {R.rng(p.width)}{p.name};")
            if p.name in tied:
                o.append(f"    assign {p.name} = {p.width}'d0;")
        o += instance(f"nvs_regs_{u}", f"u_regs_{u}", conns)
        rdmux.append(f"({u}_sel ? {u}_rd_data : 32'd0)")
    o.append("    // read data of the accepted request (0 for unmapped units)")
    o.append("    assign csb_rd_data = " + "\n                       | ".join(rdmux) + ";")
    o.append("    /* verilator lint_on UNUSEDSIGNAL */")
    # interrupts: S_INTR_STATUS fields <P>_DONE_STATUS<g>
    bits = []
    for f in R.REGMAP.reg("GLB", "S_INTR_STATUS_0").fields:
        m = re.fullmatch(r"(\w+)_DONE_STATUS([01])", f.name)
        pulse = f"{m.group(1).lower()}_op_done" if m else None
        if pulse not in nets:
            continue
        p = m.group(1).lower()
        owner = max((u.lower() for u in units if p == u.lower() or p.startswith(u.lower() + "_")),
                    key=len, default=None)
        if owner is None:
            raise WiringError(f"GLB.S_INTR_STATUS.{f.name}: no present unit owns {pulse}")
        bits.append((f.lsb, f.msb, f"{pulse} & {'~' if m.group(2) == '0' else ' '}{owner}_consumer"))
    o.append("    // GLB S_INTR_STATUS: a done pulse sets the bit of the group that finished")
    o.append("    assign glb_done_in = " + R.concat(32, bits, ",\n" + " " * 26) + ";")
    for e, ps in eng.items():
        o.append(f"    // engine {e} ({_rel(module_file(e))})")
        o += instance(e, "u_" + e.removeprefix("nvs_"), [(p.name, p.name) for p in ps])
    o.append(f"    // AXI DMA ({_rel(module_file(DMA))})")
    o += instance(DMA, "u_dma", [(p.name, p.name) for p in dma])
    o.append("endmodule")
    return "\n".join(o) + "\n"


def outputs() -> dict[Path, str]:
    return {OUT: gen_wiring()}
