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
override them. Exit status 0 when no field differs, 1 when some differ, 2 on unreadable input.
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

    def add(self, layer, name, ours, theirs):
        self.fields.append(Field(layer, name, ours, theirs))

    @property
    def differing(self):
        return [f for f in self.fields if not f.same]

    def report(self) -> list[str]:
        out = [f"{self.L.path}: {self.plan.mode}, {self.informat} input, {len(self.fields)} fields compared,"
               f" {len(self.differing)} differ"]
        out += ["  " + n for n in self.notes]
        out += ["  skipped: " + s for s in self.skipped]
        out += ["  DIFF " + f.describe() for f in self.differing]
        return out


def compare(L: LD.Loadable, plan, informat: str = "nchw") -> Comparison:
    """Field-by-field comparison of a Plan with a decoded loadable."""
    from calib.quantize import ConvOp, HostOp, LrnOp, PoolOp
    C = Comparison(L, plan, informat)
    if len(L.dla) != 1:
        raise LD.LoadableError(L.path, f"{len(L.dla)} DLA tasks: only single-DLA-task loadables are compared")
    d = L.dla[0]
    ops = d.ops
    convs = []                  # conv layers: runs of conv ops sharing one weight surface (height split)
    for o in ops:
        if o.op_type != 1:
            continue
        wkey = tuple(o.surface["weight_data"][k] for k in ("address", "offset", "size"))
        if convs and convs[-1][0] == wkey and convs[-1][1][-1].index + 2 == o.index:
            convs[-1][1].append(o)
        else:
            convs.append((wkey, [o]))
    fused = {o.common["fused_parent"]["index"]: o for o in ops if o.op_type == 2
             and o.common["fused_parent"]["index"] != -1}
    pdps = [o for o in ops if o.op_type == 3]
    used = set()
    ci = pi = 0
    for k, op in enumerate(plan.ops):
        if isinstance(op, ConvOp):
            if ci >= len(convs):
                raise LD.LoadableError(L.path, f"layer '{op.name}': the loadable has only {len(convs)} conv ops")
            parts = convs[ci][1]
            ci += 1
            for cv in parts:
                sd = fused.get(cv.index)
                if sd is None:
                    raise LD.LoadableError(L.path, f"layer '{op.name}': conv op {cv.index} has no fused SDP op")
                used |= {cv.index, sd.index}
                C.layer_of[cv.index] = C.layer_of[sd.index] = op
            _compare_conv(C, d, op, parts, [fused[cv.index] for cv in parts], image=(informat == "nhwc" and ci == 1))
        elif isinstance(op, PoolOp):
            if pi >= len(pdps):
                raise LD.LoadableError(L.path, f"layer '{op.name}': the loadable has only {len(pdps)} PDP ops")
            pd = pdps[pi]
            pi += 1
            used.add(pd.index)
            C.layer_of[pd.index] = op
            _compare_pool(C, op, pd)
        elif isinstance(op, HostOp):
            _compare_emu(C, op)
        elif isinstance(op, LrnOp):
            C.skipped.append(f"{op.name}: LRN (the compiler rejects int8 LRN; our CDP LUT is our own)")
    for o in ops:
        if o.index not in used:
            C.skipped.append(f"op {o.index} {o.name}: no layer of our plan maps to it")
    return C


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
    for k2 in ("x2_op", "y_op"):
        C.add(n, f"SDP {k2[:-3].upper()} enable", 0, sd.desc[k2]["enable"])
    oc = sd.desc["out_cvt"]
    C.add(n, "SDP CVT enable,offset,scale,shift", (1, op.cvt_offset, op.cvt_scale, op.cvt_shift),
          (oc["enable"], oc["offset"], oc["scale"], oc["truncate"]))


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
    from calib import tables
    from calib.net import Net
    from calib.quantize import build_plan
    L = LD.load(case.loadable)
    net = Net.load(case.prototxt, case.caffemodel)
    scales = tables.read_table(case.table, net)
    plan = build_plan(net, scales, case.mode, input_mode="int8", table_path=str(case.table), **plan_kw)
    cmp = compare(L, plan, case.informat)
    cmp.notes += repeated_value_notes(case.prototxt)
    return cmp


def repeated_value_notes(prototxt) -> list[str]:
    """nvdla_compiler reads a repeated kernel_size/stride/pad/dilation pair width first (Caffe:
    height first): name every layer where that changes the geometry."""
    from calib.net import read_prototxt
    out = []
    for lp in read_prototxt(prototxt).layer:
        if lp.type not in ("Convolution", "Deconvolution"):
            continue
        cp = lp.convolution_param
        odd = [k for k in ("kernel_size", "stride", "pad", "dilation")
               if len(getattr(cp, k)) == 2 and getattr(cp, k)[0] != getattr(cp, k)[1]]
        if odd:
            out.append(f"{lp.name}: repeated {'/'.join(odd)} values differ; nvdla_compiler takes the first as the"
                       " width (Caffe: height), so its geometry for this layer is not Caffe's (a compiler bug;"
                       " differences below in this layer come from it)")
    return out


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
    args = parser().parse_args(argv)
    worst = 0
    for c in args.cases:
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
        worst = max(worst, 1 if cmp.differing else 0)
    return worst


if __name__ == "__main__":
    import sys
    from calib.errors import run_cli
    sys.exit(run_cli(main))
