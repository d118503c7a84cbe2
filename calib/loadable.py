"""Reader for nvdla_compiler's loadables (``fast-math.nvdla``) and a per-layer listing of them.

A loadable is a FlatBuffers buffer (file identifier ``NVDA`` at bytes 4..7) whose root table
``Loadable`` (nvdla/sw ``umd/core/src/common/loadable.fbs``, version 0.7.0) holds lists of
tasks, memory entries, addresses, events, blobs, tensor descriptions, relocations and submits.
We read it with the ``flatbuffers`` package's Table accessors, every offset bounds-checked
first (the Python package has no verifier), against our own field-number tables below.

Memory entries flagged SET are filled from named blobs at given offsets; an address is a memory
id + offset + size; a task's address list indexes the loadable's address list. A DLA task's
address 0 holds the firmware's ``dla_network_desc``, whose indices (into the same task address
list) point at arrays of ``dla_common_op_desc`` (dependency graph), ``dla_operation_container``,
``dla_surface_container`` and ``dla_lut_param`` (nvdla/sw ``kmd/firmware/include/dla_interface.h``;
packed little-endian structs, each padded to a multiple of 4 bytes; the layouts are re-expressed
in ``STRUCTS`` below). An EMU (CPU) task's address 0 holds an ``emu_network_desc``
(``umd/core/src/common/include/priv/emu/emu1/A/emu_interface.h``).

Anything malformed (truncated, offsets outside the file, unknown versions or op types, addresses
outside the memory list or a memory entry) raises ``LoadableError``: one line naming the file
and the problem; ``python -m calib.loadable FILE`` prints it and exits with status 2.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flatbuffers import number_types as N
from flatbuffers.table import Table

from calib.errors import CalibError

KNOWN_VERSION = (0, 7, 0)
IDENTIFIER = b"NVDA"
MAX_READ = 1 << 26          # no descriptor array or surface we read is larger (nv_small: 64 MiB)


class LoadableError(CalibError):
    """A loadable that cannot be read: ``str(e)`` is ``"<file>: <problem>"``."""


# ---- enums (loadable.fbs, dla_interface.h) -------------------------------------------------
INTERFACE = {0: "NONE", 1: "DLA1", 2: "EMU1"}
MEM_FLAGS = {1: "ALLOC", 2: "SET", 4: "INPUT", 8: "OUTPUT"}
MEM_DOMAIN = {0: "SYSTEM", 1: "SRAM"}
EVENT_OP = {0: "WAIT", 1: "SIGNAL"}
DATA_FORMAT = {0: "UNKNOWN", 1: "NCHW", 2: "NHWC", 3: "NCxHWx"}   # 3: IType.h's, not in loadable.fbs
DATA_TYPE = {0: "UNKNOWN", 1: "FLOAT", 2: "HALF", 3: "INT16", 4: "INT8"}
DATA_CATEGORY = {0: "IMAGE", 1: "WEIGHT", 2: "FEATURE", 3: "PLANAR", 4: "BIAS"}
PIXEL_FORMAT = {0: "R8", 12: "A8B8G8R8", 13: "A8R8G8B8", 14: "B8G8R8A8", 15: "R8G8B8A8",
                16: "X8B8G8R8", 17: "X8R8G8B8", 18: "B8G8R8X8", 19: "R8G8B8X8", 36: "FEATURE",
                37: "FEATURE_X8"}
OP_NAMES = {0: "BDMA", 1: "CONV", 2: "SDP", 3: "PDP", 4: "CDP", 5: "RUBIK"}
DLA_OP_NUM = 6
MEM_TYPE = {0: "MC", 1: "CV", 2: "HW"}          # dla_mem_type: DRAM, SRAM, on-the-fly
EVENTS = {0: "-", 1: "OP_COMPLETED", 2: "OP_PROGRAMMED", 3: "OP_ENABLED", 4: "CDMA_WT_DONE",
          5: "CDMA_DT_DONE"}
PRECISION = {0: "int8", 1: "int16", 2: "fp16"}
SDP_OP_TYPE = {0: "NONE", 1: "MUL", 2: "ADD", 3: "BOTH"}
SDP_ALU = {0: "MAX", 1: "MIN", 2: "SUM", 3: "EQL"}
SDP_MODE = {0: "PER_LAYER", 1: "PER_KERNEL", 2: "PER_POINT"}
ACTIVATION = {0: "NONE", 1: "RELU", 2: "LUT", 3: "PRELU"}
POOL_MODE = {0: "avg", 1: "max", 2: "min"}
EMU_OPS = {0: "POWER", 1: "SOFTMAX"}


# ---- packed C structs --------------------------------------------------------------------
class CStruct:
    """A packed little-endian C struct: fields (name, struct-format char | CStruct, count),
    size padded to ``align`` (``__aligned(4)``). ``offsets`` maps field name -> byte offset."""

    def __init__(self, name, fields, align=4, packed=True):
        self.name, self.fields = name, []
        self.offsets: dict[str, int] = {}
        off = 0
        for f in fields:
            fname, typ, count = (f + (1,))[:3]
            size = typ.size if isinstance(typ, CStruct) else struct.calcsize("<" + typ)
            if not packed:                       # natural alignment (emu_common_op_desc)
                a = typ.align if isinstance(typ, CStruct) else size
                off = -(-off // a) * a
            self.offsets[fname] = off
            self.fields.append((fname, typ, count, off, size))
            off += size * count
        self.align = align
        self.size = -(-off // align) * align

    def unpack(self, buf, pos=0) -> dict:
        out = {}
        for fname, typ, count, off, size in self.fields:
            vals = []
            for i in range(count):
                p = pos + off + i * size
                if isinstance(typ, CStruct):
                    vals.append(typ.unpack(buf, p))
                else:
                    vals.append(struct.unpack_from("<" + typ, buf, p)[0])
            if not fname.startswith("reserved"):
                out[fname] = vals[0] if count == 1 else vals
        return out


_S = CStruct
NETWORK_DESC = _S("dla_network_desc", [
    ("operation_desc_index", "h"), ("surface_desc_index", "h"), ("dependency_graph_index", "h"),
    ("lut_data_index", "h"), ("roi_array_index", "h"), ("surface_index", "h"), ("stat_list_index", "h"),
    ("reserved1", "h"), ("op_head", "h", DLA_OP_NUM), ("num_rois", "H"), ("num_operations", "H"),
    ("num_luts", "H"), ("num_addresses", "H"), ("input_layer", "h"), ("dynamic_roi", "B"),
    ("reserved0", "B")])
CONSUMER = _S("dla_consumer", [("index", "h"), ("event", "B"), ("res", "B")])
COMMON_OP_DESC = _S("dla_common_op_desc", [
    ("index", "h"), ("roi_index", "b"), ("op_type", "B"), ("dependency_count", "B"),
    ("reserved0", "B", 3), ("consumers", CONSUMER, DLA_OP_NUM), ("fused_parent", CONSUMER)])
CVT_PARAM = _S("dla_cvt_param", [("scale", "h"), ("truncate", "B"), ("enable", "B"), ("offset", "i")])
DATA_CUBE = _S("dla_data_cube", [
    ("type", "H"), ("address", "h"), ("offset", "I"), ("size", "I"), ("width", "H"), ("height", "H"),
    ("channel", "H"), ("reserved0", "H"), ("line_stride", "I"), ("surf_stride", "I"), ("plane_stride", "I")])
CONV_SURFACE = _S("dla_conv_surface_desc", [
    ("weight_data", DATA_CUBE), ("wmb_data", DATA_CUBE), ("wgs_data", DATA_CUBE), ("src_data", DATA_CUBE),
    ("dst_data", DATA_CUBE), ("offset_u", "q"), ("in_line_uv_stride", "I")])
CONV_OP = _S("dla_conv_op_desc", [
    ("conv_mode", "B"), ("data_reuse", "B"), ("weight_reuse", "B"), ("skip_data_rls", "B"),
    ("skip_weight_rls", "B"), ("reserved0", "B"), ("entry_per_slice", "H"), ("data_format", "B"),
    ("pixel_mapping", "B"), ("fetch_grain", "H"), ("reserved_b", "B", 8), ("batch", "B"),
    ("weight_format", "B"), ("data_bank", "B"), ("weight_bank", "B"), ("batch_stride", "I"),
    ("post_extension", "B"), ("pixel_override", "B"), ("release", "H"), ("input_width_csc", "H"),
    ("input_height_csc", "H"), ("input_channel_csc", "H"), ("kernel_width_csc", "H"),
    ("kernel_height_csc", "H"), ("kernel_channel_csc", "H"), ("input_width_cmac", "H"),
    ("input_height_cmac", "H"), ("bytes_per_kernel", "I"), ("mean_ry", "h"), ("mean_gu", "h"),
    ("mean_bv", "h"), ("mean_ax", "h"), ("mean_format", "B"), ("conv_stride_x", "B"),
    ("conv_stride_y", "B"), ("pad_x_left", "B"), ("pad_x_right", "B"), ("pad_y_top", "B"),
    ("pad_y_bottom", "B"), ("dilation_x", "B"), ("dilation_y", "B"), ("reserved2", "B", 2),
    ("pra_truncate", "B"), ("in_precision", "B"), ("out_precision", "B"), ("pad_val", "h"),
    ("in_cvt", CVT_PARAM), ("out_cvt", CVT_PARAM)])
SDP_CVT = _S("dla_sdp_cvt", [("alu_cvt", CVT_PARAM), ("mul_cvt", CVT_PARAM)])
SDP_OP = _S("dla_sdp_op", [
    ("enable", "B"), ("alu_type", "B"), ("type", "B"), ("mode", "B"), ("act", "B"), ("shift_value", "B"),
    ("truncate", "B"), ("precision", "B"), ("alu_operand", "i"), ("mul_operand", "i"), ("cvt", SDP_CVT)])
SDP_SURFACE = _S("dla_sdp_surface_desc", [
    ("src_data", DATA_CUBE), ("x1_data", DATA_CUBE), ("x2_data", DATA_CUBE), ("y_data", DATA_CUBE),
    ("dst_data", DATA_CUBE)])
SDP_OP_DESC = _S("dla_sdp_op_desc", [
    ("src_precision", "B"), ("dst_precision", "B"), ("lut_index", "h"), ("out_cvt", CVT_PARAM),
    ("conv_mode", "B"), ("batch_num", "B"), ("reserved0", "H"), ("batch_stride", "I"),
    ("x1_op", SDP_OP), ("x2_op", SDP_OP), ("y_op", SDP_OP)])
PDP_SURFACE = _S("dla_pdp_surface_desc", [("src_data", DATA_CUBE), ("dst_data", DATA_CUBE)])
PDP_OP = _S("dla_pdp_op_desc", [
    ("partial_in_width_first", "H"), ("partial_in_width_mid", "H"), ("partial_in_width_last", "H"),
    ("partial_width_first", "H"), ("partial_width_mid", "H"), ("partial_width_last", "H"),
    ("split_num", "B"), ("pool_mode", "B"), ("pool_width", "B"), ("pool_height", "B"), ("stride_x", "B"),
    ("stride_y", "B"), ("pad_left", "B"), ("pad_right", "B"), ("pad_top", "B"), ("pad_bottom", "B"),
    ("precision", "B"), ("reserved0", "B"), ("padding_value", "i", 7)])
CDP_SURFACE = _S("dla_cdp_surface_desc", [("src_data", DATA_CUBE), ("dst_data", DATA_CUBE)])
CDP_OP = _S("dla_cdp_op_desc", [
    ("in_precision", "B"), ("out_precision", "B"), ("lut_index", "h"), ("in_cvt", CVT_PARAM),
    ("out_cvt", CVT_PARAM), ("local_size", "B"), ("bypass_sqsum", "B"), ("bypass_out_mul", "B"),
    ("reserved0", "B")])
BDMA_TRANSFER = _S("dla_bdma_transfer_desc", [
    ("source_address", "h"), ("destination_address", "h"), ("line_size", "I"), ("line_repeat", "I"),
    ("source_line", "I"), ("destination_line", "I"), ("surface_repeat", "I"), ("source_surface", "I"),
    ("destination_surface", "I")])
BDMA_SURFACE = _S("dla_bdma_surface_desc", [
    ("source_type", "B"), ("destination_type", "B"), ("num_transfers", "H"), ("transfers", BDMA_TRANSFER, 20)])
BDMA_OP = _S("dla_bdma_op_desc", [("num_transfers", "H"), ("reserved0", "H")])
RUBIK_SURFACE = _S("dla_rubik_surface_desc", [("src_data", DATA_CUBE), ("dst_data", DATA_CUBE)])
RUBIK_OP = _S("dla_rubik_op_desc", [("mode", "B"), ("precision", "B"), ("stride_x", "B"), ("stride_y", "B")])
FLOAT_DATA = _S("dla_float_data", [("scale", "h"), ("shifter", "b"), ("reserved0", "B")])
LUT_PARAM = _S("dla_lut_param", [
    ("linear_exp_table", "h", 65), ("linear_only_table", "h", 257), ("linear_exp_offset", "h"),
    ("linear_only_offset", "h"), ("linear_exp_start", "Q"), ("linear_exp_end", "Q"),
    ("linear_only_start", "Q"), ("linear_only_end", "Q"), ("linear_exp_underflow_slope", FLOAT_DATA),
    ("linear_exp_overflow_slope", FLOAT_DATA), ("linear_only_underflow_slope", FLOAT_DATA),
    ("linear_only_overflow_slope", FLOAT_DATA), ("hybrid_priority", "B"), ("underflow_priority", "B"),
    ("overflow_priority", "B"), ("method", "B")])
# per op type: (op descriptor, surface descriptor)
OP_STRUCTS = {0: (BDMA_OP, BDMA_SURFACE), 1: (CONV_OP, CONV_SURFACE), 2: (SDP_OP_DESC, SDP_SURFACE),
              3: (PDP_OP, PDP_SURFACE), 4: (CDP_OP, CDP_SURFACE), 5: (RUBIK_OP, RUBIK_SURFACE)}
# the unions are as large as their largest member
OP_CONTAINER_SIZE = max(s.size for s, _ in OP_STRUCTS.values())
SURFACE_CONTAINER_SIZE = max(s.size for _, s in OP_STRUCTS.values())

EMU_NETWORK_DESC = _S("emu_network_desc", [
    ("operation_desc_index", "h"), ("operation_buffer_desc_index", "h"), ("num_operations", "H")], align=256)
EMU_COMMON_OP = _S("emu_common_op_desc", [("op_type", "B"), ("input_scale_factor", "f"),
                                          ("output_scale_factor", "f")], packed=False)
EMU_POWER_OP = _S("emu_power_op_desc", [("common", EMU_COMMON_OP), ("power", "f"), ("scale", "f"),
                                        ("shift", "f")])
EMU_SOFTMAX_OP = _S("emu_softmax_op_desc", [("common", EMU_COMMON_OP), ("axis", "B")])
EMU_BUFFER = _S("emu_buffer_desc", [
    ("addressIndex", "h"), ("addressIndexOffset", "I"), ("size", "I"), ("format", "H"), ("width", "H"),
    ("height", "H"), ("channel", "H"), ("line_stride", "I"), ("surf_stride", "I")], align=256)
EMU_BUFFERS = _S("emu_buffer_descs", [("src_data", EMU_BUFFER), ("dst_data", EMU_BUFFER)])
EMU_OP_CONTAINER_SIZE = max(EMU_POWER_OP.size, EMU_SOFTMAX_OP.size)
STRUCTS = [NETWORK_DESC, CONSUMER, COMMON_OP_DESC, CVT_PARAM, DATA_CUBE, CONV_SURFACE, CONV_OP, SDP_CVT,
           SDP_OP, SDP_SURFACE, SDP_OP_DESC, PDP_SURFACE, PDP_OP, CDP_SURFACE, CDP_OP, BDMA_TRANSFER,
           BDMA_SURFACE, BDMA_OP, RUBIK_SURFACE, RUBIK_OP, FLOAT_DATA, LUT_PARAM, EMU_NETWORK_DESC,
           EMU_COMMON_OP, EMU_POWER_OP, EMU_SOFTMAX_OP, EMU_BUFFER, EMU_BUFFERS]


# ---- bounds-checked FlatBuffers access -------------------------------------------------------
class _Buf:
    def __init__(self, data: bytes, path):
        self.b = bytearray(data)
        self.path = path
        self.n = len(self.b)

    def err(self, msg):
        return LoadableError(self.path, msg)

    def need(self, pos, size, what):
        if pos < 0 or size < 0 or pos + size > self.n:
            raise self.err(f"{what}: bytes {pos}..{pos + size} outside the {self.n}-byte file"
                           " (truncated or corrupt)")

    def get(self, flags, pos, what):
        self.need(pos, flags.bytewidth, what)
        return Table(self.b, 0).Get(flags, pos)


class _Tab:
    """One FlatBuffers table, its vtable checked against the file before any field is read."""

    def __init__(self, buf: _Buf, pos: int, what: str):
        self.buf, self.what = buf, what
        soff = buf.get(N.SOffsetTFlags, pos, what)
        vt = pos - soff
        vlen = buf.get(N.VOffsetTFlags, vt, f"{what} vtable")
        if vlen < 4 or vlen % 2:
            raise buf.err(f"{what}: vtable length {vlen} is not valid")
        buf.need(vt, vlen, f"{what} vtable")
        self.olen = buf.get(N.VOffsetTFlags, vt + 2, f"{what} vtable")
        buf.need(pos, self.olen, what)
        self.t = Table(buf.b, pos)
        self.vlen = vlen

    def _off(self, fid, size):
        slot = 4 + 2 * fid
        if slot >= self.vlen:
            return 0
        o = self.t.Offset(slot)
        if o and o + size > self.olen:
            raise self.buf.err(f"{self.what}: field {fid} at {o} lies outside its {self.olen}-byte table")
        return o

    def scalar(self, fid, flags, default=0):
        o = self._off(fid, flags.bytewidth)
        return self.buf.get(flags, self.t.Pos + o, self.what) if o else default

    def struct_at(self, fid, size):
        o = self._off(fid, size)
        return self.t.Pos + o if o else None

    def _ref(self, fid, what):
        o = self._off(fid, 4)
        if not o:
            return None
        p = self.t.Pos + o
        return p + self.buf.get(N.UOffsetTFlags, p, what)

    def _vector(self, fid, elem, what):
        q = self._ref(fid, what)
        if q is None:
            return None, 0
        n = self.buf.get(N.UOffsetTFlags, q, what)
        self.buf.need(q + 4, n * elem, f"{what} ({n} elements)")
        return q + 4, n

    def string(self, fid, what, at=None):
        q = self._ref(fid, what) if at is None else at
        if q is None:
            return None
        n = self.buf.get(N.UOffsetTFlags, q, what)
        self.buf.need(q + 4, n, what)
        try:
            return bytes(self.buf.b[q + 4:q + 4 + n]).decode("utf-8")
        except UnicodeDecodeError:
            raise self.buf.err(f"{what}: not a UTF-8 string") from None

    def numbers(self, fid, flags, what) -> np.ndarray:
        start, n = self._vector(fid, flags.bytewidth, what)
        if start is None:
            return np.zeros(0, N.to_numpy_type(flags))
        return np.frombuffer(bytes(self.buf.b[start:start + n * flags.bytewidth]),
                             dtype=np.dtype(N.to_numpy_type(flags)).newbyteorder("<")).copy()

    def bytes_(self, fid, what) -> bytes:
        start, n = self._vector(fid, 1, what)
        return b"" if start is None else bytes(self.buf.b[start:start + n])

    def strings(self, fid, what) -> list[str]:
        start, n = self._vector(fid, 4, what)
        out = []
        for i in range(n):
            p = start + 4 * i
            out.append(self.string(None, f"{what}[{i}]", at=p + self.buf.get(N.UOffsetTFlags, p, what)))
        return out

    def tables(self, fid, what) -> list["_Tab"]:
        start, n = self._vector(fid, 4, what)
        out = []
        for i in range(n):
            p = start + 4 * i
            out.append(_Tab(self.buf, p + self.buf.get(N.UOffsetTFlags, p, what), f"{what}[{i}]"))
        return out


# ---- the loadable's own tables -------------------------------------------------------------
U8, U16, I16, U32, I32, U64 = N.Uint8Flags, N.Uint16Flags, N.Int16Flags, N.Uint32Flags, N.Int32Flags, N.Uint64Flags


@dataclass
class Task:
    id: int
    interface: int
    instance: int
    address_list: list
    pre_actions: list
    post_actions: list


@dataclass
class Memory:
    id: int
    domain: int
    flags: int
    size: int
    alignment: int
    contents: list
    offsets: list
    bind_id: int
    tensor_desc_id: int

    def flag_names(self):
        return "|".join(n for b, n in MEM_FLAGS.items() if self.flags & b) or "NONE"


@dataclass
class Address:
    id: int
    mem_id: int
    offset: int
    size: int


@dataclass
class Event:
    id: int
    type: int
    target: int
    val: int
    op: int


@dataclass
class Blob:
    name: str
    size: int
    interface: int
    sub_interface: int
    version: tuple
    data: bytes


@dataclass
class TensorDesc:
    name: str
    id: int
    mem_id: int
    size: int
    offset: int
    data_format: int
    data_type: int
    data_category: int
    pixel_format: int
    pixel_mapping: int
    n: int
    c: int
    h: int
    w: int
    strides: list


@dataclass
class Reloc:
    address_id: int
    write_id: int
    offset: int
    interface: int
    sub_interface: int
    reloc_type: int


@dataclass
class Submit:
    id: int
    task_ids: list


@dataclass
class Op:
    """One DLA operation: its dependency-graph entry, op descriptor and surface descriptor."""
    index: int
    op_type: int
    common: dict
    desc: dict
    surface: dict

    @property
    def name(self):
        return OP_NAMES[self.op_type]


@dataclass
class DlaTask:
    task: Task
    network: dict
    ops: list
    luts: list


@dataclass
class EmuTask:
    task: Task
    network: dict
    ops: list            # (op dict, buffers dict)


@dataclass
class Loadable:
    path: str
    version: tuple
    tasks: list
    memory: list
    addresses: list
    events: list
    blobs: dict
    tensors: list
    relocs: list
    submits: list
    images: dict = field(default_factory=dict)     # mem id -> bytearray (SET contents placed; zeros after)
    dla: list = field(default_factory=list)
    emu: list = field(default_factory=list)

    def err(self, msg):
        return LoadableError(self.path, msg)

    # -- memory access through a task's address list
    def task_address(self, task: Task, index: int, what: str) -> Address:
        if not 0 <= index < len(task.address_list):
            raise self.err(f"task {task.id}: {what} uses address index {index}, outside its"
                           f" {len(task.address_list)}-entry address list")
        aid = int(task.address_list[index])
        return self.addresses[aid]

    def read(self, task: Task, index: int, offset: int, size: int, what: str) -> bytes:
        a = self.task_address(task, index, what)
        if offset < 0 or offset + size > a.size:
            raise self.err(f"task {task.id}: {what}: bytes {offset}..{offset + size} outside address"
                           f" {a.id} ({a.size} bytes of memory {a.mem_id})")
        if size > MAX_READ:
            raise self.err(f"task {task.id}: {what}: {size} bytes is beyond any nv_small surface (corrupt size)")
        img = self.images.get(a.mem_id, b"")     # memory without SET: allocated at run time, zero here
        got = bytes(img[a.offset + offset:a.offset + offset + size])
        return got + bytes(size - len(got))

    def input_tensors(self):
        return [t for t in self.tensors if self.memory[t.mem_id].flags & 4]

    def output_tensors(self):
        return [t for t in self.tensors if self.memory[t.mem_id].flags & 8]


def _parse_root(buf: _Buf):
    if buf.n < 8:
        raise buf.err(f"{buf.n} bytes: too short for a loadable (truncated)")
    if bytes(buf.b[4:8]) != IDENTIFIER:
        raise buf.err(f"not an nvdla loadable: file identifier {bytes(buf.b[4:8])!r}, expected {IDENTIFIER!r}")
    root = _Tab(buf, buf.get(N.UOffsetTFlags, 0, "root offset"), "Loadable")
    vp = root.struct_at(0, 3)
    if vp is None:
        raise buf.err("Loadable: required field 'version' is missing")
    buf.need(vp, 3, "Loadable.version")
    version = tuple(buf.b[vp:vp + 3])
    if version != KNOWN_VERSION:
        raise buf.err(f"loadable version {'.'.join(map(str, version))}, this reader knows"
                      f" {'.'.join(map(str, KNOWN_VERSION))} (nvdla_compiler of nvdla/sw 79538ba)")
    return root, version


def parse(data: bytes, path="<loadable>") -> Loadable:
    """Decode a loadable; raises LoadableError on anything malformed."""
    buf = _Buf(data, path)
    root, version = _parse_root(buf)
    tasks = [Task(t.scalar(0, U16), t.scalar(1, U32), t.scalar(2, I16), t.numbers(3, U16, f"{t.what}.address_list"),
                  t.numbers(4, U16, f"{t.what}.pre_actions"), t.numbers(5, U16, f"{t.what}.post_actions"))
             for t in root.tables(1, "task_list")]
    memory = [Memory(t.scalar(0, U16), t.scalar(1, U8), t.scalar(2, U16), t.scalar(3, U64), t.scalar(4, U32),
                     t.strings(5, f"{t.what}.contents"), t.numbers(6, U64, f"{t.what}.offsets"),
                     t.scalar(7, U16), t.scalar(8, U16))
              for t in root.tables(2, "memory_list")]
    addresses = [Address(t.scalar(0, U16), t.scalar(1, U16), t.scalar(2, U64), t.scalar(3, U64))
                 for t in root.tables(3, "address_list")]
    events = [Event(t.scalar(0, U16), t.scalar(1, U8), t.scalar(2, U16), t.scalar(3, U32), t.scalar(4, U8))
              for t in root.tables(4, "event_list")]
    blobs = {}
    for t in root.tables(5, "blobs"):
        vp = t.struct_at(4, 3)
        b = Blob(t.string(0, f"{t.what}.name") or "", t.scalar(1, U64), t.scalar(2, U32), t.scalar(3, U32),
                 tuple(buf.b[vp:vp + 3]) if vp else (0, 0, 0), t.bytes_(5, f"{t.what}.data"))
        if b.name in blobs:
            raise buf.err(f"blob '{b.name}' appears twice")
        blobs[b.name] = b
    tensors = [TensorDesc(t.string(0, f"{t.what}.name") or "", t.scalar(1, U16), t.scalar(2, U16),
                          t.scalar(3, U64), t.scalar(4, U64), *(t.scalar(i, U8) for i in range(5, 10)),
                          *(t.scalar(i, I32) for i in range(10, 14)), [t.scalar(i, U32) for i in range(14, 22)])
               for t in root.tables(6, "tensor_desc_list")]
    relocs = [Reloc(t.scalar(0, U16), t.scalar(1, U16), t.scalar(2, U64), t.scalar(3, U32), t.scalar(4, U32),
                    t.scalar(5, U8)) for t in root.tables(7, "reloc_list")]
    submits = [Submit(t.scalar(0, U16), t.numbers(1, U16, f"{t.what}.task_id")) for t in root.tables(8, "submit_list")]
    L = Loadable(str(path), version, tasks, memory, addresses, events, blobs, tensors, relocs, submits)
    _check_lists(L)
    _place_blobs(L)
    for t in tasks:
        if t.interface == 1:
            L.dla.append(_decode_dla(L, t))
        elif t.interface == 2:
            L.emu.append(_decode_emu(L, t))
        else:
            raise L.err(f"task {t.id}: unknown interface {t.interface} (DLA1 = 1, EMU1 = 2)")
    return L


def _check_lists(L: Loadable):
    for i, m in enumerate(L.memory):
        if m.id != i:
            raise L.err(f"memory entry {i} has id {m.id} (ids must be 0..n-1 in order)")
        if len(m.contents) != len(m.offsets):
            raise L.err(f"memory {m.id}: {len(m.contents)} contents but {len(m.offsets)} offsets")
        if m.flags & ~0xF:
            raise L.err(f"memory {m.id}: unknown flags 0x{m.flags:x}")
    for i, a in enumerate(L.addresses):
        if a.id != i:
            raise L.err(f"address entry {i} has id {a.id} (ids must be 0..n-1 in order)")
        if a.mem_id >= len(L.memory):
            raise L.err(f"address {a.id}: memory id {a.mem_id} is not in the {len(L.memory)}-entry memory list")
        m = L.memory[a.mem_id]
        if a.offset > m.size:
            raise L.err(f"address {a.id}: offset {a.offset} outside memory {m.id} ({m.size} bytes)")
        a.size = min(a.size, m.size - a.offset)   # loadable.fbs: size is clipped to the memory object
    for t in L.tasks:
        for k, aid in enumerate(t.address_list):
            if aid >= len(L.addresses):
                raise L.err(f"task {t.id}: address list entry {k} = {aid} is not in the"
                            f" {len(L.addresses)}-entry address list")
        for k in list(t.pre_actions) + list(t.post_actions):
            if k >= len(L.events):
                raise L.err(f"task {t.id}: event {k} is not in the {len(L.events)}-entry event list")
    for s in L.submits:
        for k in s.task_ids:
            if k >= len(L.tasks):
                raise L.err(f"submit {s.id}: task {k} is not in the {len(L.tasks)}-entry task list")
    for td in L.tensors:
        if td.mem_id >= len(L.memory):
            raise L.err(f"tensor '{td.name}': memory id {td.mem_id} is not in the memory list")
        if td.offset + td.size > L.memory[td.mem_id].size:
            raise L.err(f"tensor '{td.name}': bytes {td.offset}..{td.offset + td.size} outside memory"
                        f" {td.mem_id} ({L.memory[td.mem_id].size} bytes)")
    for r in L.relocs:
        if r.address_id >= len(L.addresses) or r.write_id >= len(L.addresses):
            raise L.err(f"relocation of address {r.address_id} into {r.write_id}: not in the address list")


def _place_blobs(L: Loadable):
    for m in L.memory:
        if not m.flags & 2:
            continue
        ends = [int(o) + L.blobs[n].size for n, o in zip(m.contents, m.offsets) if n in L.blobs]
        img = bytearray(min(m.size, max(ends, default=0)))    # bytes past the last blob read as zero
        for name, off in zip(m.contents, m.offsets):
            b = L.blobs.get(name)
            if b is None:
                raise L.err(f"memory {m.id}: content blob '{name}' is not in the blob list")
            if len(b.data) != b.size:
                raise L.err(f"blob '{name}': size field {b.size} but {len(b.data)} data bytes")
            if int(off) + b.size > m.size:
                raise L.err(f"memory {m.id}: blob '{name}' at {int(off)}..{int(off) + b.size} outside its"
                            f" {m.size} bytes")
            img[int(off):int(off) + b.size] = b.data
        L.images[m.id] = img


def _decode_dla(L: Loadable, t: Task) -> DlaTask:
    where = f"DLA task {t.id}"
    net = NETWORK_DESC.unpack(L.read(t, 0, 0, NETWORK_DESC.size, f"{where} network descriptor"))
    n = net["num_operations"]
    if net["num_addresses"] != len(t.address_list):
        raise L.err(f"{where}: network descriptor names {net['num_addresses']} addresses, the task has"
                    f" {len(t.address_list)}")
    dep = L.read(t, net["dependency_graph_index"], 0, n * COMMON_OP_DESC.size, f"{where} dependency graph")
    opb = L.read(t, net["operation_desc_index"], 0, n * OP_CONTAINER_SIZE, f"{where} operation list")
    srf = L.read(t, net["surface_desc_index"], 0, n * SURFACE_CONTAINER_SIZE, f"{where} surface list")
    luts = []
    if net["num_luts"]:
        lb = L.read(t, net["lut_data_index"], 0, net["num_luts"] * LUT_PARAM.size, f"{where} LUT list")
        luts = [LUT_PARAM.unpack(lb, i * LUT_PARAM.size) for i in range(net["num_luts"])]
    ops = []
    for i in range(n):
        c = COMMON_OP_DESC.unpack(dep, i * COMMON_OP_DESC.size)
        ty = c["op_type"]
        if ty not in OP_STRUCTS:
            raise L.err(f"{where} operation {i}: unknown op type {ty} (known: "
                        + ", ".join(f"{k} {v}" for k, v in OP_NAMES.items()) + ")")
        if c["index"] != i:
            raise L.err(f"{where} operation {i}: dependency graph entry says index {c['index']}")
        for k, cons in enumerate(c["consumers"] + [c["fused_parent"]]):
            if not -1 <= cons["index"] < n:
                raise L.err(f"{where} operation {i}: consumer/parent {k} is operation {cons['index']},"
                            f" not one of the {n}")
        od, sd = OP_STRUCTS[ty]
        op = Op(i, ty, c, od.unpack(opb, i * OP_CONTAINER_SIZE), sd.unpack(srf, i * SURFACE_CONTAINER_SIZE))
        _check_surfaces(L, t, op, f"{where} operation {i} ({op.name})")
        if ty in (2, 4) and op.desc["lut_index"] >= 0 and op.desc["lut_index"] >= len(luts):
            raise L.err(f"{where} operation {i} ({op.name}): LUT {op.desc['lut_index']} of {len(luts)}")
        ops.append(op)
    for k, h in enumerate(net["op_head"]):
        if not -1 <= h < n:
            raise L.err(f"{where}: op_head[{OP_NAMES[k]}] = {h}, not one of the {n} operations")
    return DlaTask(t, net, ops, luts)


def _cubes(surface: dict):
    for k, v in surface.items():
        if isinstance(v, dict) and "line_stride" in v:
            yield k, v


def _check_surfaces(L, t, op, where):
    for name, cube in _cubes(op.surface):
        if cube["address"] == -1 or cube["type"] == 2:       # none, or on-the-fly / CBUF
            continue
        if cube["type"] not in MEM_TYPE:
            raise L.err(f"{where} {name}: unknown memory type {cube['type']}")
        a = L.task_address(t, cube["address"], f"{where} {name}")
        if cube["offset"] + cube["size"] > a.size:
            raise L.err(f"{where} {name}: bytes {cube['offset']}..{cube['offset'] + cube['size']} outside"
                        f" address {a.id} ({a.size} bytes of memory {a.mem_id})")


def _decode_emu(L: Loadable, t: Task) -> EmuTask:
    where = f"EMU task {t.id}"
    net = EMU_NETWORK_DESC.unpack(L.read(t, 0, 0, 6, f"{where} network descriptor"))
    n = net["num_operations"]
    opb = L.read(t, net["operation_desc_index"], 0, n * EMU_OP_CONTAINER_SIZE, f"{where} operation list")
    bfb = L.read(t, net["operation_buffer_desc_index"], 0, n * EMU_BUFFERS.size, f"{where} buffer list")
    ops = []
    for i in range(n):
        ty = opb[i * EMU_OP_CONTAINER_SIZE]
        if ty not in EMU_OPS:
            raise L.err(f"{where} operation {i}: unknown EMU op type {ty} (0 POWER, 1 SOFTMAX)")
        od = (EMU_POWER_OP if ty == 0 else EMU_SOFTMAX_OP).unpack(opb, i * EMU_OP_CONTAINER_SIZE)
        bd = EMU_BUFFERS.unpack(bfb, i * EMU_BUFFERS.size)
        for k in ("src_data", "dst_data"):
            b = bd[k]
            if b["addressIndex"] != -1:
                a = L.task_address(t, b["addressIndex"], f"{where} operation {i} {k}")
                if b["addressIndexOffset"] + b["size"] > a.size:
                    raise L.err(f"{where} operation {i} {k}: bytes {b['addressIndexOffset']}.."
                                f"{b['addressIndexOffset'] + b['size']} outside address {a.id} ({a.size} bytes)")
        ops.append((od, bd))
    return EmuTask(t, net, ops)


def load(path) -> Loadable:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadableError(path, "no such file") from None
    except IsADirectoryError:
        raise LoadableError(path, "is a directory, not a loadable") from None
    return parse(data, path)


# ---- reading surfaces ------------------------------------------------------------------------
def cube_bytes(L: Loadable, task: Task, cube: dict, what="surface") -> bytes:
    """The bytes a data cube's address + offset + size names (zero for run-time memory)."""
    return L.read(task, cube["address"], cube["offset"], cube["size"], what)


def sdp_operands(L: Loadable, task: Task, op: Op, which="x1") -> dict:
    """The per-channel operands an SDP op's X1/X2 (or Y) reads from memory: {'alu': int array,
    'mul': int array} (BOTH: (alu, mul) pairs per channel, int16 when precision is 1)."""
    x = op.desc[f"{which}_op"]
    cube = op.surface[f"{which}_data"]
    if not x["enable"] or x["mode"] == 0 or cube["address"] == -1:
        return {}
    dt = "<i2" if x["precision"] == 1 else "<i1"
    ch = cube["channel"]
    if x["mode"] == 2:                        # per point: a whole cube, not per-channel values
        return {"point": np.frombuffer(cube_bytes(L, task, cube, f"operation {op.index} {which}_data"),
                                       dtype=dt)}
    per = 2 if x["type"] == 3 else 1
    nbytes = ch * per * np.dtype(dt).itemsize
    raw = np.frombuffer(L.read(task, cube["address"], cube["offset"], nbytes,
                               f"operation {op.index} {which}_data"), dtype=dt).astype(np.int64)
    if per == 2:
        return {"alu": raw[0::2], "mul": raw[1::2]}
    return {"alu": raw} if x["type"] == 2 else {"mul": raw}


# ---- listing ---------------------------------------------------------------------------------
def _cube(c: dict) -> str:
    where = "on-the-fly" if c["type"] == 2 else (
        "none" if c["address"] == -1 else f"{MEM_TYPE[c['type']]} addr[{c['address']}]+{c['offset']}")
    return (f"{c['width']}x{c['height']}x{c['channel']} ({where}, {c['size']} B, line {c['line_stride']}"
            f" surf {c['surf_stride']})")


def _consumers(op: Op) -> str:
    out = [f"{OP_NAMES[k]} op {c['index']} on {EVENTS.get(c['event'], c['event'])}"
           for k, c in enumerate(op.common["consumers"]) if c["index"] != -1]
    fp = op.common["fused_parent"]
    s = f"deps {op.common['dependency_count']}; consumers: " + (", ".join(out) or "-")
    if fp["index"] != -1:
        s += f"; fused parent op {fp['index']} ({EVENTS.get(fp['event'], fp['event'])})"
    return s


def _sdp_x(name, x, ops) -> list[str]:
    from calib.quantize import describe_bias, describe_mul
    if not x["enable"]:
        return [f"  {name} bypass"]
    ty = SDP_OP_TYPE.get(x["type"], x["type"])
    L = [f"  {name} {ty} ALU {SDP_ALU.get(x['alu_type'], x['alu_type'])} mode {SDP_MODE.get(x['mode'], x['mode'])}"
         f" act {ACTIVATION.get(x['act'], x['act'])} operand {PRECISION.get(x['precision'], x['precision'])}"
         f" shift_value(ALU)={x['shift_value']} truncate(MUL)={x['truncate']}"]
    if x["mode"] == 0:
        L.append(f"    per-layer operands: alu {x['alu_operand']}, mul {x['mul_operand']}"
                 f" -> x {x['mul_operand'] / 2 ** x['truncate']:.8g}")
    if "alu" in ops and x["type"] in (2, 3):
        L.append("    " + describe_bias(ops["alu"], x["shift_value"]))
    if "mul" in ops and x["type"] in (1, 3):
        L.append("    " + describe_mul(ops["mul"], x["truncate"]))
    if "point" in ops:
        L.append(f"    per-point operand cube ({ops['point'].size} values, another operation's output)")
    return L


def describe_op(L: Loadable, d: DlaTask, op: Op) -> list[str]:
    from calib.quantize import PDP_RECIP, describe_cdma_cvt, describe_sdp_cvt
    o, s = op.desc, op.surface
    out = [f"op {op.index} {op.name}: {_consumers(op)}"]
    if op.op_type == 1:
        ic = o["in_cvt"]
        out += [f"  in  {_cube(s['src_data'])} format {PIXEL_FORMAT.get(o['data_format'], o['data_format'])}"
                f" {PRECISION.get(o['in_precision'])}",
                f"  out {_cube(s['dst_data'])}",
                f"  weights {_cube(s['weight_data'])}, {o['bytes_per_kernel']} B per kernel,"
                f" kernel {o['kernel_width_csc']}x{o['kernel_height_csc']}x{o['kernel_channel_csc']}"
                f" (CSC input {o['input_width_csc']}x{o['input_height_csc']}x{o['input_channel_csc']},"
                f" CMAC output {o['input_width_cmac']}x{o['input_height_cmac']})",
                f"  stride {o['conv_stride_x']}x{o['conv_stride_y']} pad l{o['pad_x_left']} r{o['pad_x_right']}"
                f" t{o['pad_y_top']} b{o['pad_y_bottom']} dilation {o['dilation_x']}x{o['dilation_y']}"
                f" post_extension {o['post_extension']} pixel_override {o['pixel_override']}"
                f" mean {o['mean_format']}:{o['mean_ry']},{o['mean_gu']},{o['mean_bv']},{o['mean_ax']}",
                f"  CBUF data banks {o['data_bank']} weight banks {o['weight_bank']} entry_per_slice"
                f" {o['entry_per_slice']} fetch_grain {o['fetch_grain']} release {o['release']}"
                f" reuse data {o['data_reuse']} weight {o['weight_reuse']}",
                "  " + describe_cdma_cvt(ic["offset"], ic["scale"], ic["truncate"], ic["enable"]),
                f"  CSC/CDMA PAD_VALUE={o['pad_val']}  CACC CLIP_TRUNCATE={o['pra_truncate']}"
                f"  -> acc / 2^{o['pra_truncate']};  out_cvt {o['out_cvt']}"]
    elif op.op_type == 2:
        oc = o["out_cvt"]
        ops = {k: sdp_operands(L, d.task, op, k) for k in ("x1", "x2", "y")}
        out += [f"  in  {_cube(s['src_data'])}", f"  out {_cube(s['dst_data'])}"]
        for k in ("x1", "x2", "y"):
            out += _sdp_x(k.upper(), o[f"{k}_op"], ops[k])
        out.append("  " + describe_sdp_cvt(oc["offset"], oc["scale"], oc["truncate"])
                   + ("" if oc["enable"] else " (converter disabled)")
                   + f"  lut {o['lut_index']}")
    elif op.op_type == 3:
        kw, kh = o["pool_width"] + 1, o["pool_height"] + 1
        rw, rh = PDP_RECIP.get(kw), PDP_RECIP.get(kh)
        out += [f"  in  {_cube(s['src_data'])}", f"  out {_cube(s['dst_data'])}",
                f"  {POOL_MODE.get(o['pool_mode'], o['pool_mode'])} pooling kernel {kw}x{kh} stride"
                f" {o['stride_x']}x{o['stride_y']} pad l{o['pad_left']} r{o['pad_right']} t{o['pad_top']}"
                f" b{o['pad_bottom']} split {o['split_num']} {PRECISION.get(o['precision'])}",
                f"  padding values {o['padding_value']}"
                + (f"; average: RECIP_KERNEL_WIDTH=0x{rw:x} ({rw / 65536:.6g} ~ 1/{kw})"
                   f" RECIP_KERNEL_HEIGHT=0x{rh:x} ({rh / 65536:.6g} ~ 1/{kh}) (the firmware's table)"
                   if o["pool_mode"] == 0 and rw and rh else "")]
    elif op.op_type == 4:
        ic, oc = o["in_cvt"], o["out_cvt"]
        out += [f"  in  {_cube(s['src_data'])}", f"  out {_cube(s['dst_data'])}",
                f"  LRN local_size {o['local_size']} bypass sqsum {o['bypass_sqsum']} out_mul {o['bypass_out_mul']}"
                f" {PRECISION.get(o['in_precision'])}->{PRECISION.get(o['out_precision'])} lut {o['lut_index']}",
                f"  DATIN offset {ic['offset']} scale {ic['scale']} shifter {ic['truncate']}"
                f" -> x {ic['scale'] / 2 ** ic['truncate']:.8g};  DATOUT offset {oc['offset']} scale {oc['scale']}"
                f" shifter {oc['truncate']} -> x {oc['scale'] / 2 ** oc['truncate']:.8g}"]
    elif op.op_type == 5:
        out += [f"  in  {_cube(s['src_data'])}", f"  out {_cube(s['dst_data'])}",
                f"  mode {o['mode']} precision {o['precision']} stride {o['stride_x']}x{o['stride_y']}"
                "  (nv_small has no Rubik engine)"]
    else:
        out.append(f"  {o['num_transfers']} transfers (nv_small has no BDMA engine)")
    return out


def _layer_note(plan_op) -> str:
    """What our quantizer says the op stands for (calib.quantize), one line."""
    from calib.quantize import ConvOp, PoolOp
    if isinstance(plan_op, ConvOp):
        sw = plan_op.sw.astype(np.float64)
        want = plan_op.si * sw / plan_op.so
        rng = f"{want[0]:.8g}" if np.all(want == want[0]) else f"[{want.min():.6g}..{want.max():.6g}] per channel"
        return (f"  = {plan_op.name}{' + ' + plan_op.relu if plan_op.relu else ''}: Si={plan_op.si:.6g}"
                f" So={plan_op.so:.6g} Sw={sw.max():.6g}; acc LSB Si*Sw, rescale Si*Sw/So = {rng}")
    if isinstance(plan_op, PoolOp):
        return f"  = {plan_op.name}: {plan_op.method} pooling at scale {plan_op.scale:.6g}"
    return ""


def listing(L: Loadable, layers: dict | None = None) -> list[str]:
    """The whole loadable, one block per operation; ``layers`` (DLA op index -> calib.quantize op,
    e.g. from calib.compare_loadable) adds each op's layer name and float meaning."""
    out = [f"{L.path}: loadable {'.'.join(map(str, L.version))}, {len(L.tasks)} tasks, {len(L.memory)} memory"
           f" entries, {len(L.addresses)} addresses, {len(L.blobs)} blobs"]
    for m in L.memory:
        names = ", ".join(f"{n}@{int(o)}" for n, o in zip(m.contents, m.offsets))
        out.append(f"  memory {m.id}: {MEM_DOMAIN.get(m.domain, m.domain)} {m.flag_names()} {m.size} B"
                   + (f" bind {m.bind_id} tensor {m.tensor_desc_id}" if m.flags & 12 else "")
                   + (f" [{names}]" if names else ""))
    for t in L.tensors:
        out.append(f"  tensor '{t.name}' (id {t.id}): memory {t.mem_id}+{t.offset} {t.size} B, NCHW"
                   f" {t.n}x{t.c}x{t.h}x{t.w}, {DATA_FORMAT.get(t.data_format, t.data_format)}"
                   f" {DATA_TYPE.get(t.data_type, t.data_type)} {DATA_CATEGORY.get(t.data_category, t.data_category)}"
                   f" {PIXEL_FORMAT.get(t.pixel_format, t.pixel_format)}, strides {t.strides[:3]}")
    for s in L.submits:
        out.append(f"  submit {s.id}: tasks {list(map(int, s.task_ids))}")
    for t in L.tasks:
        ev = lambda ids: ", ".join(f"{EVENT_OP.get(L.events[i].op)} {L.events[i].val}" for i in ids) or "-"
        out.append(f"task {t.id} {INTERFACE.get(t.interface)}: addresses {list(map(int, t.address_list))},"
                   f" pre {ev(t.pre_actions)}, post {ev(t.post_actions)}")
        for d in L.dla:
            if d.task is t:
                n = d.network
                out.append(f"  network: {n['num_operations']} operations, {n['num_luts']} LUTs, heads "
                           + ", ".join(f"{OP_NAMES[k]} {h}" for k, h in enumerate(n["op_head"]) if h != -1)
                           + f", input layer {n['input_layer']}")
                for i, lut in enumerate(d.luts):
                    le, lo = np.array(lut["linear_exp_table"]), np.array(lut["linear_only_table"])
                    out.append(f"  LUT {i}: method {'LINEAR' if lut['method'] else 'EXPONENTIAL'}, LE table"
                               f" [{le.min()}..{le.max()}] offset {lut['linear_exp_offset']} range"
                               f" {lut['linear_exp_start']}..{lut['linear_exp_end']}, LO table [{lo.min()}..{lo.max()}]"
                               f" offset {lut['linear_only_offset']} range {lut['linear_only_start']}.."
                               f"{lut['linear_only_end']}, priority hybrid {lut['hybrid_priority']} underflow"
                               f" {lut['underflow_priority']} overflow {lut['overflow_priority']}")
                for op in d.ops:
                    lines = describe_op(L, d, op)
                    if layers and op.index in layers:
                        lines.insert(1, _layer_note(layers[op.index]))
                    out += ["  " + x for x in lines]
        for e in L.emu:
            if e.task is t:
                for i, (od, bd) in enumerate(e.ops):
                    c = od["common"]
                    extra = (f" axis {od['axis']}" if c["op_type"] == 1 else
                             f" power {od['power']} scale {od['scale']} shift {od['shift']}")
                    out.append(f"  emu op {i} {EMU_OPS[c['op_type']]}{extra}: input scale {c['input_scale_factor']:.8g}"
                               f" output scale {c['output_scale_factor']:.8g}; src addr[{bd['src_data']['addressIndex']}]"
                               f"+{bd['src_data']['addressIndexOffset']} {bd['src_data']['width']}x"
                               f"{bd['src_data']['height']}x{bd['src_data']['channel']} -> dst addr"
                               f"[{bd['dst_data']['addressIndex']}]+{bd['dst_data']['addressIndexOffset']}")
    return out


# ---- command line ------------------------------------------------------------------------------
def parser():
    import argparse
    ap = argparse.ArgumentParser(prog="python -m calib.loadable", description=(
        "Decode an nvdla_compiler loadable (.nvdla): memory, tensors, tasks, and per DLA operation every "
        "setting with its float meaning."))
    ap.add_argument("loadable", nargs="+", type=Path, help="fast-math.nvdla file(s)")
    ap.add_argument("--layers", action="store_true",
                    help="name each op's Caffe layer and its scales (net and table from the cmd.txt beside it)")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    for p in args.loadable:
        layers = None
        if args.layers:
            from calib.compare_loadable import compare_case, read_case
            layers = compare_case(read_case(p)).layer_of
        print("\n".join(listing(load(p), layers)))
    return 0


if __name__ == "__main__":
    import sys
    from calib.errors import run_cli
    sys.exit(run_cli(main))
