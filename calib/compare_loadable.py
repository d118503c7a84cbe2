"""Compare our quantizer (calib.quantize.build_plan) with an nvdla_compiler loadable, field by field.

For the same Caffe net, calibration table and quantization mode, every setting the compiler put in
the loadable is set against ours: conv weights byte for byte in the compiler's layout, the SDP
operands (int16 bias, per-filter int16 multipliers) value for value, every converter (CDMA input,
CACC truncate, SDP X1 shifts, SDP output), the geometry (kernel, stride, pads, dilation, cube
sizes) and the pooling settings, and the scales the CPU softmax task is given.

Weight layout (nvdla_compiler WeightTranslationUnit, direct convolution, nv_small atomicK =
atomicC = 8): per group of 8 kernels (last group partial), per group of 8 channels (last group
partial), then r, s, k within the group, c within the group (the order CDMA reads, built by
model.cdma.pack_weights); the total padded with zeros to a multiple of 8 bytes. Image input (the compiler's default nhwc): conv1's channels are padded to
the pixel format's 4 and the kernel's columns folded into channels (c' = s * 4 + c, one column)
before that order.

    python -m calib.compare_loadable DIR|FILE [...]       # case dirs of ../shared/nvdla-loadables

Each case's cmd.txt gives the net, table and mode (``<project>`` = this repository); options
override them. Exit status 0 when no field differs, 1 when some differ, 2 on unreadable input
(with several cases, a case that cannot be compared is one ``error:`` line and the rest go on).

Branching nets: Eltwise SUM/PROD (an SDP op, or per-filter the conv's X2 stage), Concat (the
inputs' convs write into one buffer), grouped convolution (one block-diagonal conv), Power and a
Softmax between convolutions (EMU tasks), DLA tasks in order. Where the compiler is wrong or
emits what nv_small lacks, the comparison prints one ``DEVIATION`` line naming the layer (not
counted as a field): Sigmoid/TanH as pass-through SDP ops, Deconvolution's Rubik op, a PDP
kernel beyond 8, repeated stride/pad pairs read width first, Eltwise PROD's output converter
(S/So where the product is at S^2), and a grouped convolution quantized over its first group
only (the remaining weight bytes uninitialised memory, not compared).
"""
from __future__ import annotations

import shlex
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calib import loadable as LD
from calib.errors import CalibError

REPO = Path(__file__).resolve().parent.parent
CBUF_WIDTH = 8


# ---- the compiler's layouts, re-expressed -----------------------------------------------------
def dc_weight_bytes(w: np.ndarray, align=CBUF_WIDTH) -> bytes:
    """int8 weights (K, C, R, S) in the direct-convolution order the compiler writes: the order
    CDMA reads (model.cdma.pack_weights), zero-padded to a multiple of 8 bytes."""
    from model.cdma import pack_weights
    flat = np.asarray(pack_weights(np.asarray(w, np.int8)), np.uint8).tobytes()
    return flat + bytes((-len(flat)) % align)


def image_mode_weights(w: np.ndarray, pixel_channels: int = 4) -> np.ndarray:
    """Conv weights for an image (pixel) input surface: channels padded to the pixel format's
    channel count, then each kernel column folded into channels (c' = s * pc + c, width 1)."""
    k, c, r, s = w.shape
    if c > pixel_channels:
        raise ValueError(f"{c} input channels do not fit a {pixel_channels}-channel pixel format")
    w4 = np.zeros((k, pixel_channels, r, s), w.dtype)
    w4[:, :c] = w
    return w4.transpose(0, 3, 1, 2).reshape(k, s * pixel_channels, r)[..., None]   # (K, S*pc, R, 1)


# ---- a comparison --------------------------------------------------------------------------
@dataclass
class Field:
    layer: str
    name: str
    ours: object
    theirs: object

    @property
    def same(self) -> bool:
        a, b = self.ours, self.theirs
        if isinstance(a, (bytes, np.ndarray)) or isinstance(b, (bytes, np.ndarray)):
            return _as_array(a).shape == _as_array(b).shape and bool(np.array_equal(_as_array(a), _as_array(b)))
        return a == b

    def describe(self) -> str:
        a, b = self.ours, self.theirs
        if isinstance(a, (bytes, np.ndarray)) or isinstance(b, (bytes, np.ndarray)):
            A, B = _as_array(a), _as_array(b)
            if A.shape != B.shape:
                return f"{self.layer} {self.name}: ours {A.size} values, compiler's {B.size}"
            i = np.flatnonzero(A != B)
            return (f"{self.layer} {self.name}: {i.size} of {A.size} differ, first at [{i[0]}]:"
                    f" ours {A[i[0]]}, compiler's {B[i[0]]}")
        return f"{self.layer} {self.name}: ours {a}, compiler's {b}"


def _as_array(x):
    if isinstance(x, bytes):
        return np.frombuffer(x, np.int8)
    return np.ravel(np.asarray(x))


def _f32_bits(x) -> str:
    return struct.pack("<f", np.float32(x)).hex()


class Comparison:
    def __init__(self, L: LD.Loadable, plan, informat: str):
        self.L, self.plan, self.informat = L, plan, informat
        self.fields: list[Field] = []
        self.notes: list[str] = list(plan.notes)
        self.skipped: list[str] = []
        self.layer_of: dict[int, object] = {}     # DLA op index -> the plan op (layer) it implements
        self.deviations: list[str] = []           # one line per layer where the compiler is wrong / uses
        self.swapped: dict = {}                   # what nv_small lacks (not counted as fields)

    def add(self, layer, name, ours, theirs):
        self.fields.append(Field(layer, name, ours, theirs))

    @property
    def differing(self):
        return [f for f in self.fields if not f.same]

    def report(self) -> list[str]:
        out = [f"{self.L.path}: {self.plan.mode}, {self.informat} input, {len(self.fields)} fields compared,"
               f" {len(self.differing)} differ, {len(self.deviations)} compiler deviations"]
        out += ["  " + n for n in self.notes]
        out += ["  DEVIATION " + x for x in self.deviations]
        out += ["  skipped: " + s for s in self.skipped]
        out += ["  DIFF " + f.describe() for f in self.differing]
        return out


def compare(L: LD.Loadable, plan, informat: str = "nchw", swapped: dict | None = None) -> Comparison:
    """Field-by-field comparison of a Plan with a decoded loadable. Plan ops map to the loadable's
    operations in order, per kind: convolutions (runs of conv ops sharing one weight surface:
    the compiler's height split) with their fused SDP ops, Eltwise to standalone SDP ops,
    pooling to PDP ops, host layers to EMU ops; DLA tasks in task order. ``swapped``: layer ->
    the repeated parameters the compiler reads width first (see repeated_value_pairs)."""
    from calib.quantize import ConcatOp, ConvOp, DeviationOp, EltwiseOp, HostOp, LrnOp, PoolOp
    C = Comparison(L, plan, informat)
    C.swapped = swapped or {}
    if not L.dla:
        raise LD.LoadableError(L.path, "no DLA task")
    convs = []                  # conv layers: runs of conv ops sharing one weight surface (height split)
    fused, sdps, pdps = {}, [], []
    for d in L.dla:
        for o in d.ops:
            if o.op_type == 1:
                wkey = (id(d),) + tuple(o.surface["weight_data"][k] for k in ("address", "offset", "size"))
                if convs and convs[-1][0] == wkey and convs[-1][2][-1].index + 2 == o.index:
                    convs[-1][2].append(o)
                else:
                    convs.append((wkey, d, [o]))
            elif o.op_type == 2:
                if o.common["fused_parent"]["index"] != -1:
                    fused[(id(d), o.common["fused_parent"]["index"])] = o
                else:
                    sdps.append((d, o))
            elif o.op_type == 3:
                pdps.append((d, o))
    emus = [(e, od, bd) for e in L.emu for od, bd in e.ops]
    used = set()                # (task, op index)
    writes = {}                 # plan blob -> (task, SDP/PDP op writing it)
    ci = pi = si = ei = 0
    for k, op in enumerate(plan.ops):
        if isinstance(op, ConvOp):
            if ci >= len(convs):
                raise LD.LoadableError(L.path, f"layer '{op.name}': the loadable has only {len(convs)} conv layers")
            _, d, parts = convs[ci]
            ci += 1
            for cv in parts:
                sd = fused.get((id(d), cv.index))
                if sd is None:
                    raise LD.LoadableError(L.path, f"layer '{op.name}': conv op {cv.index} has no fused SDP op")
                used |= {(id(d), cv.index), (id(d), sd.index)}
                C.layer_of[cv.index] = C.layer_of[sd.index] = op
            _compare_conv(C, d, op, parts, [fused[(id(d), cv.index)] for cv in parts],
                          image=(informat == "nhwc" and op.src == plan.input_blob))
            writes[op.dst] = (d, fused[(id(d), parts[0].index)])
        elif isinstance(op, EltwiseOp) and op.fused:
            d, sd = writes[op.srcs[0]]
            _compare_eltwise_fused(C, d, op, sd, writes)
            writes[op.dst] = (d, sd)
        elif isinstance(op, EltwiseOp):
            if si >= len(sdps):
                raise LD.LoadableError(L.path, f"layer '{op.name}': the loadable has only {len(sdps)} standalone SDP ops")
            d, sd = sdps[si]
            si += 1
            used.add((id(d), sd.index))
            C.layer_of[sd.index] = op
            _compare_eltwise(C, d, op, sd, writes)
            writes[op.dst] = (d, sd)
        elif isinstance(op, ConcatOp):
            _compare_concat(C, op, writes)
        elif isinstance(op, PoolOp):
            if pi >= len(pdps):
                raise LD.LoadableError(L.path, f"layer '{op.name}': the loadable has only {len(pdps)} PDP ops")
            d, pd = pdps[pi]
            pi += 1
            used.add((id(d), pd.index))
            C.layer_of[pd.index] = op
            _compare_pool(C, op, pd)
            writes[op.dst] = (d, pd)
        elif isinstance(op, HostOp):
            if op.final and op.type == "Softmax":
                _compare_emu(C, op)
                ei = len(emus)
                continue
            if ei >= len(emus):
                raise LD.LoadableError(L.path, f"layer '{op.name}': the loadable has no EMU op for it")
            e, od, bd = emus[ei]
            ei += 1
            _compare_host(C, op, od, bd)
        elif isinstance(op, LrnOp):
            C.skipped.append(f"{op.name}: LRN (the compiler rejects int8 LRN; our CDP LUT is our own)")
        elif isinstance(op, DeviationOp):
            if op.type in ("Sigmoid", "TanH"):
                if si >= len(sdps):
                    raise LD.LoadableError(L.path, f"layer '{op.name}': no standalone SDP op for it")
                d, sd = sdps[si]
                si += 1
                used.add((id(d), sd.index))
                x = {kk: sd.desc[f"{kk}_op"]["enable"] for kk in ("x1", "x2", "y")}
                oc = sd.desc["out_cvt"]
                what = ("a pass-through (X1, X2, Y bypassed, output converter disabled: the output is its input's"
                        " int8 unchanged)" if not any(x.values()) and not oc["enable"] else
                        f"stages X1/X2/Y enabled {x['x1']}/{x['x2']}/{x['y']}, lut {sd.desc['lut_index']}")
                C.deviations.append(f"{op.name} ({op.type}): the compiler emits SDP op {sd.index} as {what};"
                                    f" nv_small has no SDP LUT; our int8 path refuses the layer")
            elif op.type == "Pooling":
                if pi >= len(pdps):
                    raise LD.LoadableError(L.path, f"layer '{op.name}': no PDP op for it")
                d, pd = pdps[pi]
                pi += 1
                used.add((id(d), pd.index))
                o = pd.desc
                C.deviations.append(f"{op.name} (Pooling): the compiler emits PDP op {pd.index} with kernel"
                                    f" {o['pool_width'] + 1}x{o['pool_height'] + 1}, stride {o['stride_x']}x"
                                    f"{o['stride_y']}: {op.reason}; our int8 path refuses the layer")
            else:
                rest = [(d, o) for d in L.dla for o in d.ops if (id(d), o.index) not in used]
                kinds = {}
                for _, o in rest:
                    kinds[o.name] = kinds.get(o.name, 0) + 1
                for d, o in rest:
                    used.add((id(d), o.index))
                C.deviations.append(f"{op.name} ({op.type}): the compiler emits ops "
                                    + ", ".join(str(o.index) for _, o in rest) + " ("
                                    + ", ".join(f"{n} {kk}" for kk, n in kinds.items()) + f"): {op.reason};"
                                    " our int8 path refuses the layer")
                ci, si, pi = len(convs), len(sdps), len(pdps)
    for d in L.dla:
        for o in d.ops:
            if (id(d), o.index) not in used:
                C.skipped.append(f"task {d.task.id} op {o.index} {o.name}: no layer of our plan maps to it")
    return C


def _where(C: Comparison, d, cube, what) -> tuple:
    """(memory id, byte offset in it) of a descriptor's surface."""
    a = C.L.task_address(d.task, cube["address"], what)
    return a.mem_id, a.offset + cube["offset"]


def _compare_eltwise(C: Comparison, d, op, sd, writes):
    n, o, s = op.name, sd.desc, sd.surface
    x = o["x1_op"]
    C.add(n, "SDP src: the first input's surface (memory, offset)", _where(C, *writes[op.srcs[0]][:1],
          writes[op.srcs[0]][1].surface["dst_data"], f"{n} input"), _where(C, d, s["src_data"], f"{n} src"))
    C.add(n, "SDP X1 per-point operand: the second input's surface (memory, offset)",
          _where(C, writes[op.srcs[1]][0], writes[op.srcs[1]][1].surface["dst_data"], f"{n} operand"),
          _where(C, d, s["x1_data"], f"{n} x1"))
    c, h, w = op.out_shape
    for k in ("src_data", "x1_data", "dst_data"):
        C.add(n, f"{k} w,h,c", (w, h, c), (s[k]["width"], s[k]["height"], s[k]["channel"]))
    _compare_per_point_stage(C, n, op, x, "X1")
    C.add(n, "SDP X1 operand converters enabled (alu, mul)", (0, 0),
          (x["cvt"]["alu_cvt"]["enable"], x["cvt"]["mul_cvt"]["enable"]))
    for k2 in ("x2_op", "y_op"):
        C.add(n, f"SDP {k2[:-3].upper()} enable", 0, o[k2]["enable"])
    C.add(n, "in/out precision", ("int8", "int8"), (LD.PRECISION.get(o["src_precision"]), LD.PRECISION.get(o["dst_precision"])))
    oc = o["out_cvt"]
    ours = (1, op.cvt_offset, op.cvt_scale, op.cvt_shift)
    theirs = (oc["enable"], oc["offset"], oc["scale"], oc["truncate"])
    rule = (1, 0) + tuple(op.compiler_cvt)
    if ours != theirs and theirs == rule:
        C.deviations.append(
            f"{n} (Eltwise {op.op.upper()}): the compiler's output converter is S_in/S_out = {rule[2]}/2^{rule[3]}"
            f" (= {rule[2] / 2 ** rule[3]:.6g}, its rule for SUM); the product of two int8 values at S_in is at"
            f" S_in^2, so the right converter is S_in^2/S_out = {op.cvt_scale}/2^{op.cvt_shift} (ours); the"
            f" compiler's output is {rule[2] / 2 ** rule[3] / (op.cvt_scale / 2 ** op.cvt_shift):.4g}x too large")
    else:
        C.add(n, "SDP CVT enable,offset,scale,shift", ours, theirs)


def _compare_per_point_stage(C: Comparison, n: str, op, x: dict, stage: str) -> None:
    """The SDP stage (X1 or X2) that takes an Eltwise's second input as a per-point int8 operand."""
    C.add(n, f"SDP {stage} enable", 1, x["enable"])
    C.add(n, f"SDP {stage} ALU", "SUM", LD.SDP_ALU.get(x["alu_type"]))
    C.add(n, f"SDP {stage} type", "ADD" if op.op == "sum" else "MUL", LD.SDP_OP_TYPE.get(x["type"]))
    C.add(n, f"SDP {stage} mode", "PER_POINT", LD.SDP_MODE.get(x["mode"]))
    C.add(n, f"SDP {stage} activation", "RELU" if op.relu else "NONE", LD.ACTIVATION.get(x["act"]))
    C.add(n, f"SDP {stage} operand precision", "int8", LD.PRECISION.get(x["precision"]))
    C.add(n, f"SDP {stage} ALU_SHIFT_VALUE, MUL_SHIFT_VALUE", (0, 0), (x["shift_value"], x["truncate"]))


def _compare_eltwise_fused(C: Comparison, d, op, sd, writes):
    """An Eltwise done by the SDP op of the convolution before it (per-filter): X2 per-point."""
    n, o, s = op.name, sd.desc, sd.surface
    x = o["x2_op"]
    C.add(n, f"SDP X2 per-point operand: '{op.srcs[1]}' (memory, offset)",
          _where(C, writes[op.srcs[1]][0], writes[op.srcs[1]][1].surface["dst_data"], f"{n} operand"),
          _where(C, d, s["x2_data"], f"{n} x2"))
    c, h, w = op.out_shape
    for k in ("x2_data", "dst_data"):
        C.add(n, f"{k} w,h,c", (w, h, c), (s[k]["width"], s[k]["height"], s[k]["channel"]))
    _compare_per_point_stage(C, n, op, x, "X2")
    C.add(n, "SDP Y enable", 0, o["y_op"]["enable"])
    oc = o["out_cvt"]
    C.add(n, "SDP CVT enable,offset,scale,shift", (1, op.cvt_offset, op.cvt_scale, op.cvt_shift),
          (oc["enable"], oc["offset"], oc["scale"], oc["truncate"]))


def _compare_concat(C: Comparison, op, writes):
    """Every input's convolution writes into one buffer at its channel offset (surface stride
    per 8 channels): same memory, offset = the first input's + c0/8 * surface stride."""
    d0, s0 = writes[op.srcs[0]]
    dst0 = s0.surface["dst_data"]
    m0, off0 = _where(C, d0, dst0, f"{op.name} input 0")
    for b, c0 in zip(op.srcs[1:], op.offsets[1:]):
        d, sd = writes[b]
        C.add(op.name, f"input '{b}' at channel {c0}: (memory, offset)",
              (m0, off0 + c0 // 8 * dst0["surf_stride"]), _where(C, d, sd.surface["dst_data"], f"{op.name} {b}"))
    outs = [t for t in C.L.tensors if t.name == op.name]
    if outs:
        t = outs[0]
        C.add(op.name, "output tensor (memory, c)", (m0, op.out_shape[0]), (t.mem_id, t.c))


def _compare_host(C: Comparison, op, od, bd):
    from calib.quantize import table_scale_as_compiled
    n, c = op.name, od["common"]
    C.add(n, "EMU op", op.type.upper(), LD.EMU_OPS.get(c["op_type"]))
    C.add(n, "EMU input scale (float32 bits)", _f32_bits(op.si), _f32_bits(c["input_scale_factor"]))
    C.add(n, "EMU output scale (float32 bits)", _f32_bits(op.so), _f32_bits(c["output_scale_factor"]))
    if op.type == "Power":
        for k in ("power", "scale", "shift"):
            C.add(n, f"EMU power {k} (float32 bits)", _f32_bits(op.params[k]), _f32_bits(od[k]))
    else:
        C.add(n, "EMU softmax axis", 1, od["axis"])
    ch, h, w = op.in_shape
    src = bd["src_data"]
    C.add(n, "EMU src w,h,c", (w, h, ch), (src["width"], src["height"], src["channel"]))


def _compare_conv(C: Comparison, d, op, parts, sdps, image: bool):
    """One conv layer: the compiler may split it by height into several conv ops (same weights),
    each with its fused SDP op; every part's settings are compared, the geometry as a whole."""
    n0 = op.name
    K, ho, wo = op.out_shape
    cin, hin, win = op.in_shape
    sy, sx = op.stride
    dy, dx = op.dilation
    top, left = op.pad
    if len(parts) > 1:
        C.notes.append(f"{n0}: split by the compiler into {len(parts)} conv ops (ops "
                       + ", ".join(str(p.index) for p in parts) + ") by output height")
        C.add(n0, "output height (sum of parts)", ho, sum(p.surface["dst_data"]["height"] for p in parts))
        C.add(n0, "pad top (first part), bottom (last part)", (top, top),
              (parts[0].desc["pad_y_top"], parts[-1].desc["pad_y_bottom"]))
    for i, (cv, sd) in enumerate(zip(parts, sdps)):
        _compare_conv_part(C, d, op, cv, sd, image, f"{n0}[part {i}]" if len(parts) > 1 else n0,
                           whole=len(parts) == 1)


def _compare_conv_part(C: Comparison, d, op, cv, sd, image: bool, n: str, whole: bool):
    L, t = C.L, d.task
    o, s = cv.desc, cv.surface
    w = op.w
    if image:
        w = image_mode_weights(w)
    k, c, r, sw_ = w.shape
    ours_w = dc_weight_bytes(w)
    wc = s["weight_data"]
    theirs_w = L.read(t, wc["address"], wc["offset"], wc["size"], f"{n} weights")
    if op.group > 1:
        # nvdla_compiler squashes the groups into one block-diagonal convolution, then quantizes
        # only its pre-squash count of values (K*C/group*R*S, the first K/group kernels): those
        # kernels' bytes are compared, the rest of the blob is uninitialised memory
        kv = (k // op.group) // 8 * 8
        nb = kv * c * r * sw_
        C.add(n, f"weight bytes of kernels 0..{kv - 1} (group 0)", ours_w[:nb], theirs_w[:nb])
        ndiff = int(np.count_nonzero(np.frombuffer(ours_w[nb:], np.int8) != np.frombuffer(theirs_w[nb:], np.int8)))
        C.deviations.append(
            f"{n} (Convolution group {op.group}): the compiler quantizes the squashed block-diagonal weights over"
            f" only their first {len(ours_w[:nb])} values (the count before squashing): the per-kernel weight scale"
            f" comes from kernels 0..{k // op.group - 1} alone (Sw = {float(op.sw[0]):.8g}) and the {len(ours_w) - nb}"
            f" weight bytes of kernels {kv}..{k - 1} are uninitialised memory (not compared; {ndiff} of them differ"
            f" from that quantization); our int8 path takes Sw over the whole layer")
    else:
        C.add(n, "weight bytes", ours_w, theirs_w)
    C.add(n, "bytes_per_kernel", c * r * sw_, o["bytes_per_kernel"])
    C.add(n, "kernel w,h,c", (sw_, r, c), (o["kernel_width_csc"], o["kernel_height_csc"], o["kernel_channel_csc"]))
    cin, hin, win = op.in_shape
    K, ho, wo = op.out_shape
    src, dst = s["src_data"], s["dst_data"]
    if not image:
        C.add(n, "input w,c", (win, cin), (src["width"], src["channel"]))
    C.add(n, "output w,c", (wo, K), (dst["width"], dst["channel"]))
    if whole:
        if not image:
            C.add(n, "input h", hin, src["height"])
        C.add(n, "output h", ho, dst["height"])
    sy, sx = op.stride
    dy, dx = op.dilation
    top, left = op.pad               # Caffe pads both sides alike (convolution output sizes floor)
    C.add(n, "stride x,y", (sx, sy), (o["conv_stride_x"], o["conv_stride_y"]))
    C.add(n, "dilation x,y", (dx, dy), (o["dilation_x"], o["dilation_y"]))
    C.add(n, "pad left,right", (left, left), (o["pad_x_left"], o["pad_x_right"]))
    if whole:
        C.add(n, "pad top,bottom", (top, top), (o["pad_y_top"], o["pad_y_bottom"]))
    if op.name in C.swapped:
        _swapped_geometry(C, op, n, o, dst, whole)
    cvt = op.in_cvt
    ours_in = (1, cvt.scale, cvt.truncate, cvt.offset) if cvt else (1, 1, 0, 0)
    ic = o["in_cvt"]
    theirs_in = (ic["enable"], ic["scale"], ic["truncate"], ic["offset"])
    if theirs_in[0] == 0 and ours_in[1:] == (1, 0, 0):
        # a disabled converter passes int8 through, as an enabled identity one does (the compiler
        # disables it on the later parts of a height-split convolution)
        C.notes.append(f"{n}: CDMA converter disabled where ours is the identity (same mapping)")
        theirs_in = (1, 1, 0, 0)
    C.add(n, "CDMA CVT en,scale,truncate,offset (mapping)", ours_in, theirs_in)
    C.add(n, "PAD_VALUE", op.pad_value, o["pad_val"])
    C.add(n, "CACC CLIP_TRUNCATE", op.clip_truncate, o["pra_truncate"])
    C.add(n, "in/out precision", ("int8", "int8"), (LD.PRECISION.get(o["in_precision"]), LD.PRECISION.get(o["out_precision"])))
    # SDP
    x = sd.desc["x1_op"]
    per_filter = not op.x1.mul_bypass
    C.add(n, "SDP X1 enable", 1, x["enable"])
    C.add(n, "SDP X1 ALU", "SUM", LD.SDP_ALU.get(x["alu_type"]))
    C.add(n, "SDP X1 type", "BOTH" if per_filter else "ADD", LD.SDP_OP_TYPE.get(x["type"]))
    C.add(n, "SDP X1 mode", "PER_KERNEL", LD.SDP_MODE.get(x["mode"]))
    C.add(n, "SDP X1 activation", "RELU" if op.relu else "NONE", LD.ACTIVATION.get(x["act"]))
    C.add(n, "SDP X1 operand precision", "int16", LD.PRECISION.get(x["precision"]))
    C.add(n, "SDP X1 ALU_SHIFT_VALUE", op.x1.alu_shift, x["shift_value"])
    C.add(n, "SDP X1 MUL_SHIFT_VALUE (truncate)", op.x1.mul_shift if per_filter else 0, x["truncate"])
    opnd = LD.sdp_operands(L, t, sd, "x1")
    C.add(n, "SDP X1 bias int16", np.ravel(op.alu_operand).astype(np.int64), opnd.get("alu", np.zeros(0, np.int64)))
    if per_filter:
        C.add(n, "SDP X1 multiplier int16", np.ravel(op.mul_operand).astype(np.int64),
              opnd.get("mul", np.zeros(0, np.int64)))
    if op.ew is not None:            # X2, Y and the output converter belong to the fused Eltwise
        return
    for k2 in ("x2_op", "y_op"):
        C.add(n, f"SDP {k2[:-3].upper()} enable", 0, sd.desc[k2]["enable"])
    oc = sd.desc["out_cvt"]
    C.add(n, "SDP CVT enable,offset,scale,shift", (1, op.cvt_offset, op.cvt_scale, op.cvt_shift),
          (oc["enable"], oc["offset"], oc["scale"], oc["truncate"]))


def _swapped_geometry(C: Comparison, op, n, o, dst, whole):
    """A layer whose repeated stride/pad values differ: nvdla_compiler takes the first value as the
    width one (Caffe: height). Each geometry field that differs from ours is checked against
    that reading instead: equal -> one deviation line (not a field), else it stays a difference."""
    which = C.swapped[op.name]
    sy, sx = op.stride
    top, left = op.pad
    csy, csx = (sx, sy) if "stride" in which else (sy, sx)
    ctop, cleft = (left, top) if "pad" in which else (top, left)
    cin, hin, win = op.in_shape
    k, r, s_ = op.w.shape[0], op.w.shape[2], op.w.shape[3]
    dy, dx = op.dilation
    cho = (hin + 2 * ctop - dy * (r - 1) - 1) // csy + 1
    cwo = (win + 2 * cleft - dx * (s_ - 1) - 1) // csx + 1
    predicted = {"stride x,y": (csx, csy), "pad left,right": (cleft, cleft), "pad top,bottom": (ctop, ctop),
                 "output w,c": (cwo, k), "output h": cho}
    moved = []
    for f in [f for f in C.fields if f.layer == n and f.name in predicted and not f.same]:
        if f.theirs == predicted[f.name]:
            C.fields.remove(f)
            moved.append(f"{f.name} {f.theirs} (Caffe: {f.ours})")
    if moved:
        C.deviations.append(f"{n} (Convolution): repeated {'/'.join(which)} values read width first by the compiler"
                            f" (Caffe: height first): " + "; ".join(moved)
                            + "; our int8 path reads them in Caffe's order")


def _compare_pool(C: Comparison, op, pd):
    n, o = op.name, pd.desc
    C.add(n, "PDP method", op.method, LD.POOL_MODE.get(o["pool_mode"]))
    kh, kw = op.kernel
    C.add(n, "PDP kernel w,h", (kw, kh), (o["pool_width"] + 1, o["pool_height"] + 1))
    sh, sw = op.stride
    C.add(n, "PDP stride x,y", (sw, sh), (o["stride_x"], o["stride_y"]))
    t, l, b, r = op.pad
    C.add(n, "PDP pad left,right,top,bottom", (l, r, t, b), (o["pad_left"], o["pad_right"], o["pad_top"], o["pad_bottom"]))
    C.add(n, "PDP padding values", list(op.pad_values), list(o["padding_value"]))
    c, ho, wo = op.out_shape
    dst = pd.surface["dst_data"]
    C.add(n, "PDP output w,h,c", (wo, ho, c), (dst["width"], dst["height"], dst["channel"]))


def _compare_emu(C: Comparison, op):
    from calib.quantize import table_scale_as_compiled
    softmax = [od for e in C.L.emu for od, _ in e.ops if od["common"]["op_type"] == 1]
    if not softmax:
        C.skipped.append(f"{op.name}: no EMU softmax op in the loadable")
        return
    common = softmax[-1]["common"]
    plan = C.plan
    C.add(op.name, "EMU softmax input scale (float32 bits)", _f32_bits(plan.output_scale),
          _f32_bits(common["input_scale_factor"]))
    if op.name in plan.scales:
        C.add(op.name, "EMU softmax output scale (float32 bits)",
              _f32_bits(table_scale_as_compiled(plan.scales[op.name])), _f32_bits(common["output_scale_factor"]))


# ---- cases (cmd.txt) ------------------------------------------------------------------------
@dataclass
class Case:
    loadable: Path
    prototxt: Path
    caffemodel: Path
    table: Path
    mode: str
    informat: str


def read_case(path: Path) -> Case:
    """The net, table, mode and input format a corpus loadable was compiled with (its cmd.txt)."""
    path = Path(path)
    f = path / "fast-math.nvdla" if path.is_dir() else path
    cmd = f.parent / "cmd.txt"
    if not cmd.is_file():
        raise CalibError(cmd, "no such file (give --prototxt, --caffemodel, --table and --mode)")
    try:
        toks = shlex.split(cmd.read_text())
    except ValueError as e:
        raise CalibError(cmd, f"cannot split the command line: {e}") from None
    opts = {}
    for i, tk in enumerate(toks):
        if tk.startswith("--") and i + 1 < len(toks) and not toks[i + 1].startswith("--"):
            opts[tk[2:]] = toks[i + 1]

    def p(key):
        if key not in opts:
            raise CalibError(cmd, f"no --{key} in the command")
        v = opts[key].replace("<project>", str(REPO))
        q = Path(v)
        return q if q.is_absolute() else (f.parent / q)

    if opts.get("cprecision", "int8") != "int8":
        raise CalibError(cmd, f"compiled with --cprecision {opts['cprecision']}: no int8 settings to compare")
    return Case(f, p("prototxt"), p("caffemodel"), p("calibtable"), opts.get("quantizationMode", "per-kernel"),
                opts.get("informat", "nhwc"))


def compare_case(case: Case, **plan_kw) -> Comparison:
    """Our plan for the case's net, table and mode against its loadable. The plan is built with
    deviations=True (layers our int8 path refuses become one deviation line each) and, for a
    grouped convolution, the compiler's group quantization (group_quant="first-group"), so that
    everything else about the layer can be compared."""
    from calib import tables
    from calib.net import Net
    from calib.quantize import build_plan
    L = LD.load(case.loadable)
    net = Net.load(case.prototxt, case.caffemodel)
    scales = tables.read_table(case.table, net)
    plan_kw.setdefault("deviations", True)
    if any(getattr(x, "p", {}).get("group", 1) > 1 for x in net.layers if x.type == "Convolution"):
        plan_kw.setdefault("group_quant", "first-group")
    plan = build_plan(net, scales, case.mode, input_mode="int8", table_path=str(case.table), **plan_kw)
    swapped = repeated_value_pairs(case.prototxt)
    cmp = compare(L, plan, case.informat, swapped)
    cmp.notes += repeated_value_notes(case.prototxt)
    return cmp


def repeated_value_pairs(prototxt) -> dict:
    """{layer: [parameter, ...]} for every convolution whose repeated kernel_size/stride/pad/dilation
    pair holds two different values (nvdla_compiler reads such a pair width first)."""
    from calib.net import read_prototxt
    out = {}
    for lp in read_prototxt(prototxt).layer:
        if lp.type not in ("Convolution", "Deconvolution"):
            continue
        cp = lp.convolution_param
        odd = [k for k in ("kernel_size", "stride", "pad", "dilation")
               if len(getattr(cp, k)) == 2 and getattr(cp, k)[0] != getattr(cp, k)[1]]
        if odd:
            out[lp.name] = odd
    return out


def repeated_value_notes(prototxt) -> list[str]:
    """nvdla_compiler reads a repeated kernel_size/stride/pad/dilation pair width first (Caffe:
    height first): name every layer where that changes the geometry."""
    return [f"{name}: repeated {'/'.join(odd)} values differ; nvdla_compiler takes the first as the"
            " width (Caffe: height), so its geometry for this layer is not Caffe's (a compiler bug; see the"
            " deviation line)" for name, odd in repeated_value_pairs(prototxt).items()]


def parser():
    import argparse
    ap = argparse.ArgumentParser(prog="python -m calib.compare_loadable", description=(
        "Compare our quantizer's settings with an nvdla_compiler loadable field by field (weights and biases "
        "byte for byte, SDP operands, every converter). Net, table and mode come from the case's cmd.txt "
        "unless given."))
    ap.add_argument("cases", nargs="+", type=Path, help="case directories or fast-math.nvdla files")
    ap.add_argument("--prototxt", type=Path)
    ap.add_argument("--caffemodel", type=Path)
    ap.add_argument("--table", type=Path)
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"))
    ap.add_argument("--informat", choices=("nchw", "nhwc"))
    ap.add_argument("--pool-scale", choices=("table", "input"), default="table",
                    help="input scale after pooling: the pooling layer's table entry (nvdla_compiler, default) "
                         "or its input's scale")
    ap.add_argument("--no-scale-roundtrip", action="store_true",
                    help="use the table's scales as written (the compiler stores +-127*scale in float32)")
    ap.add_argument("--all", action="store_true", help="also list the fields that agree")
    return ap


def main(argv=None):
    import sys
    args = parser().parse_args(argv)
    worst = 0
    for c in args.cases:
        if len(args.cases) > 1:          # several cases: one that cannot be compared is one line, go on
            try:
                worst = max(worst, _main_case(args, c))
            except CalibError as e:
                print(f"error: {e}", file=sys.stderr)
                worst = 2
        else:
            worst = _main_case(args, c)
    return worst


def _main_case(args, c) -> int:
    if all(getattr(args, k) for k in ("prototxt", "caffemodel", "table", "mode")):
        f = c / "fast-math.nvdla" if c.is_dir() else c
        case = Case(f, args.prototxt, args.caffemodel, args.table, args.mode, args.informat or "nchw")
    else:
        case = read_case(c)
        for k in ("prototxt", "caffemodel", "table", "mode", "informat"):
            if getattr(args, k):
                setattr(case, k, getattr(args, k))
    cmp = compare_case(case, pool_scale=args.pool_scale, scale_roundtrip=not args.no_scale_roundtrip)
    print("\n".join(cmp.report()))
    if args.all:
        for f in cmp.fields:
            if f.same:
                print(f"  same {f.layer} {f.name}")
    return 1 if cmp.differing else 0


if __name__ == "__main__":
    import sys
    from calib.errors import run_cli
    sys.exit(run_cli(main))
