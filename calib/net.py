"""Caffe network import (deploy .prototxt + trained .caffemodel) and the float reference
inference in numpy with Caffe's semantics, batched (N, C, H, W) float32.

``Net.forward(x)`` returns every layer's output keyed by *layer name* (an in-place ReLU on
``ip1`` gives both ``ip1`` = before and ``relu1`` = after), which is what calibration tables
are keyed by.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from google.protobuf import text_format
from google.protobuf.message import DecodeError

from calib.caffe_schema import NetParameter
from calib.errors import CalibError, read_text

SUPPORTED = ("Input", "Data", "Convolution", "Pooling", "InnerProduct", "ReLU", "Softmax",
             "LRN", "BatchNorm", "Scale", "Eltwise", "Dropout", "Concat", "Power", "Sigmoid", "TanH",
             "Deconvolution")
# Imported (float reference) but refused by the int8 path (calib.quantize.build_plan), with the
# reason: Sigmoid/TanH (nvdla_compiler accepts them for nv_small but turns them into a
# pass-through SDP op, ../shared/nvdla-loadables/README.md), Deconvolution (nvdla_compiler: convs
# + a Rubik op, an engine nv_small lacks).
_WHY_NOT = {
    "PReLU": "per-channel PReLU slopes are not imported",
}
# Layers of a training net that a deploy evaluation skips (their blobs are not needed).
_TRAIN_ONLY = ("SoftmaxWithLoss", "Accuracy")


@dataclass
class Layer:
    name: str
    type: str
    bottoms: list[str]
    tops: list[str]
    p: dict = field(default_factory=dict)          # normalised attributes
    blobs: list[np.ndarray] = field(default_factory=list)

    @property
    def inplace(self) -> bool:
        return bool(self.bottoms) and self.bottoms == self.tops


def read_prototxt(path) -> NetParameter:
    path = Path(path)
    text = read_text(path, "a text prototxt")
    msg = NetParameter()
    try:
        text_format.Parse(text, msg)
    except text_format.ParseError as e:
        raise CalibError(path, f"prototxt parse error at {e}") from None
    if msg.layers:
        raise CalibError(path, "uses the old V1 'layers' format, which is not supported (upgrade to 'layer')")
    if not msg.layer:
        raise CalibError(path, "no layers")
    return msg


def read_caffemodel(path) -> NetParameter:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CalibError(path, "no such file") from None
    msg = NetParameter()
    try:
        msg.ParseFromString(data)
    except (DecodeError, RuntimeError, ValueError) as e:
        raise CalibError(path, f"not a caffemodel (protobuf decode failed: {e})") from None
    if msg.layers:
        raise CalibError(path, "uses the old V1 'layers' format, which is not supported")
    if not msg.layer:
        raise CalibError(path, "not a caffemodel (no layers)")
    return msg


def _blob_array(b, where, path) -> np.ndarray:
    if len(b.shape.dim):
        shape = tuple(int(d) for d in b.shape.dim)
    else:  # legacy 4-D blob
        shape = tuple(int(v) for v in (b.num, b.channels, b.height, b.width))
        while len(shape) > 1 and shape[0] == 1 and len(shape) > 1:
            shape = shape[1:]
    vals = np.asarray(b.data, dtype=np.float32) if len(b.data) else np.asarray(b.double_data, np.float32)
    if vals.size != int(np.prod(shape)):
        raise CalibError(path, f"layer '{where}': blob holds {vals.size} values but its shape {shape} needs {int(np.prod(shape))}")
    return vals.reshape(shape)


def _pair(layer, rep, h, w, default, what):
    """Caffe's (repeated value | value_h/value_w) attribute → (h, w)."""
    if h is not None or w is not None:
        return int(h if h is not None else default), int(w if w is not None else default)
    if len(rep) == 0:
        return default, default
    if len(rep) == 1:
        return int(rep[0]), int(rep[0])
    if len(rep) == 2:
        return int(rep[0]), int(rep[1])
    raise ValueError(f"{what}: {len(rep)} values (only 2-D is supported)")


def _opt(msg, name):
    return getattr(msg, name) if msg.HasField(name) else None


def _normalise(lp, path) -> Layer:
    """Attributes of one LayerParameter → Layer.p; unsupported ones raise naming layer+attribute."""
    L = Layer(lp.name, lp.type, list(lp.bottom), list(lp.top))

    def bad(attr, why):
        raise CalibError(path, f"layer '{lp.name}' ({lp.type}): unsupported attribute {attr}: {why}")

    t = lp.type
    if t not in SUPPORTED:
        why = _WHY_NOT.get(t, "")
        raise CalibError(path, f"layer '{lp.name}': unsupported layer type '{t}'" + (f" ({why})" if why else ""))
    if t in ("Input", "Data"):
        shapes = [tuple(int(d) for d in s.dim) for s in lp.input_param.shape]
        L.p["shape"] = shapes[0] if shapes else None
        L.p["scale"] = lp.transform_param.scale if lp.HasField("transform_param") else 1.0
    elif t in ("Convolution", "Deconvolution"):
        cp = lp.convolution_param
        L.p["group"] = int(cp.group)
        if cp.group < 1 or (cp.num_output % cp.group):
            bad("group", f"{cp.group} (must divide num_output {cp.num_output})")
        if cp.axis != 1:
            bad("axis", cp.axis)
        try:
            L.p["kernel"] = _pair(lp, cp.kernel_size, _opt(cp, "kernel_h"), _opt(cp, "kernel_w"), None, "kernel_size")
            L.p["stride"] = _pair(lp, cp.stride, _opt(cp, "stride_h"), _opt(cp, "stride_w"), 1, "stride")
            L.p["pad"] = _pair(lp, cp.pad, _opt(cp, "pad_h"), _opt(cp, "pad_w"), 0, "pad")
            L.p["dilation"] = _pair(lp, cp.dilation, None, None, 1, "dilation")
        except ValueError as e:
            bad(str(e).split(":")[0], str(e))
        if None in L.p["kernel"]:
            bad("kernel_size", "missing")
        L.p["num_output"] = cp.num_output
        L.p["bias_term"] = cp.bias_term
    elif t == "InnerProduct":
        ip = lp.inner_product_param
        if ip.axis != 1:
            bad("axis", ip.axis)
        L.p.update(num_output=ip.num_output, bias_term=ip.bias_term, transpose=ip.transpose)
    elif t == "Pooling":
        pp = lp.pooling_param
        if pp.pool == 2:
            bad("pool", "STOCHASTIC")
        L.p["method"] = "max" if pp.pool == 0 else "avg"
        L.p["global"] = pp.global_pooling
        L.p["round"] = "ceil" if pp.round_mode == 0 else "floor"
        ks = pp.kernel_size if pp.HasField("kernel_size") else None
        kh = pp.kernel_h if pp.HasField("kernel_h") else ks
        kw = pp.kernel_w if pp.HasField("kernel_w") else ks
        if not pp.global_pooling and (kh is None or kw is None):
            bad("kernel_size", "missing")
        L.p["kernel"] = (kh, kw)
        sh = pp.stride_h if pp.HasField("stride_h") else pp.stride
        sw = pp.stride_w if pp.HasField("stride_w") else pp.stride
        L.p["stride"] = (int(sh), int(sw))
        ph = pp.pad_h if pp.HasField("pad_h") else pp.pad
        pw = pp.pad_w if pp.HasField("pad_w") else pp.pad
        L.p["pad"] = (int(ph), int(pw))
    elif t == "ReLU":
        if lp.relu_param.negative_slope != 0:
            bad("negative_slope", lp.relu_param.negative_slope)
    elif t == "Softmax":
        if lp.softmax_param.axis != 1:
            bad("axis", lp.softmax_param.axis)
    elif t == "LRN":
        lr = lp.lrn_param
        if lr.norm_region != 0:
            bad("norm_region", "WITHIN_CHANNEL")
        if lr.local_size % 2 == 0:
            bad("local_size", f"{lr.local_size} (must be odd)")
        L.p.update(local_size=lr.local_size, alpha=lr.alpha, beta=lr.beta, k=lr.k)
    elif t == "BatchNorm":
        L.p["eps"] = lp.batch_norm_param.eps
    elif t == "Concat":
        cc = lp.concat_param
        axis = cc.axis if cc.HasField("axis") else (cc.concat_dim if cc.HasField("concat_dim") else 1)
        if axis != 1:
            bad("axis", f"{axis} (only channel concatenation)")
        if len(lp.bottom) < 2:
            bad("bottom", "Concat needs two or more inputs")
    elif t == "Power":
        pp = lp.power_param
        L.p.update(power=float(pp.power), scale=float(pp.scale), shift=float(pp.shift))
    elif t == "Scale":
        sp = lp.scale_param
        if sp.axis != 1 or sp.num_axes != 1:
            bad("axis/num_axes", f"{sp.axis}/{sp.num_axes} (only per-channel scale)")
        if len(lp.bottom) != 1:
            bad("bottom", "two-input Scale")
        L.p["bias_term"] = sp.bias_term
    elif t == "Eltwise":
        ep = lp.eltwise_param
        L.p["op"] = {0: "prod", 1: "sum", 2: "max"}[ep.operation]
        L.p["coeff"] = list(ep.coeff)
        if L.p["coeff"] and len(L.p["coeff"]) != len(lp.bottom):
            bad("coeff", "count differs from bottoms")
    return L


class Net:
    """A deploy network: layers in order, with weights; ``forward`` runs the float reference."""

    def __init__(self, layers: list[Layer], input_shape: tuple, name: str = "", source: str = ""):
        self.layers = layers
        self.input_shape = tuple(input_shape)   # (C, H, W)
        self.name = name
        self.source = source
        self.input_name = layers[0].tops[0]
        self.input_layer = layers[0].name

    @classmethod
    def load(cls, prototxt, caffemodel) -> "Net":
        proto = read_prototxt(prototxt)
        model = read_caffemodel(caffemodel)
        weights = {lp.name: lp for lp in model.layer}
        layers: list[Layer] = []
        input_shape = None
        for lp in proto.layer:
            if any(r.phase == 0 and r.HasField("phase") for r in lp.include):
                continue  # TRAIN-only layer
            if lp.type in _TRAIN_ONLY:
                continue
            L = _normalise(lp, prototxt)
            if L.type in ("Input", "Data"):
                if layers:
                    raise CalibError(prototxt, f"layer '{L.name}': a second input layer is not supported")
                shape = L.p["shape"]
                if shape is None and len(proto.input_shape):
                    shape = tuple(int(d) for d in proto.input_shape[0].dim)
                if shape is None and len(proto.input_dim) == 4:
                    shape = tuple(proto.input_dim)
                if shape is None or len(shape) != 4:
                    raise CalibError(prototxt, f"layer '{L.name}': input shape (N,C,H,W) not given")
                input_shape = shape[1:]
            elif not layers:
                if proto.input and (len(proto.input_shape) or len(proto.input_dim) == 4):
                    shape = (tuple(int(d) for d in proto.input_shape[0].dim) if len(proto.input_shape)
                             else tuple(proto.input_dim))
                    layers.append(Layer(proto.input[0], "Input", [], [proto.input[0]], {"shape": shape, "scale": 1.0}))
                    input_shape = shape[1:]
                else:
                    raise CalibError(prototxt, "the net has no Input layer and no input/input_shape")
            if L.type in ("Convolution", "Deconvolution", "InnerProduct", "BatchNorm", "Scale"):
                wl = weights.get(L.name)
                if wl is None or not len(wl.blobs):
                    raise CalibError(caffemodel, f"no weights for layer '{L.name}'")
                L.blobs = [_blob_array(b, L.name, caffemodel) for b in wl.blobs]
            layers.append(L)
        net = cls(layers, input_shape, proto.name, str(prototxt))
        net._check_shapes(prototxt, caffemodel)
        return net

    # ---- shape pass: validates the weights against the topology -------------------------
    def _check_shapes(self, prototxt, caffemodel):
        shapes = {self.input_name: self.input_shape}
        self.shapes = {self.input_layer: self.input_shape}
        for L in self.layers[1:]:
            for b in L.bottoms:
                if b not in shapes:
                    raise CalibError(prototxt, f"layer '{L.name}': bottom '{b}' is not produced by an earlier layer")
            s = shapes[L.bottoms[0]]
            if L.type == "Convolution":
                (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (L.p[k] for k in ("kernel", "stride", "pad", "dilation"))
                g = L.p["group"]
                if s[0] % g:
                    raise CalibError(prototxt, f"layer '{L.name}': group {g} does not divide its {s[0]} input channels")
                want = (L.p["num_output"], s[0] // g, kh, kw)
                if L.blobs[0].shape != want:
                    raise CalibError(caffemodel, f"layer '{L.name}': weight shape {L.blobs[0].shape}, expected {want}")
                ho = (s[1] + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
                wo = (s[2] + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
                out = (L.p["num_output"], ho, wo)
            elif L.type == "Deconvolution":
                (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (L.p[k] for k in ("kernel", "stride", "pad", "dilation"))
                g = L.p["group"]
                want = (s[0], L.p["num_output"] // g, kh, kw)
                if L.blobs[0].shape != want:
                    raise CalibError(caffemodel, f"layer '{L.name}': weight shape {L.blobs[0].shape}, expected {want}")
                out = (L.p["num_output"], sh * (s[1] - 1) + dh * (kh - 1) + 1 - 2 * ph,
                       sw * (s[2] - 1) + dw * (kw - 1) + 1 - 2 * pw)
            elif L.type == "Concat":
                for b in L.bottoms[1:]:
                    if shapes[b][1:] != s[1:]:
                        raise CalibError(prototxt, f"layer '{L.name}': bottoms differ in height/width")
                out = (sum(shapes[b][0] for b in L.bottoms),) + tuple(s[1:])
            elif L.type == "InnerProduct":
                k = int(np.prod(s))
                want = (k, L.p["num_output"]) if L.p["transpose"] else (L.p["num_output"], k)
                if L.blobs[0].shape != want:
                    raise CalibError(caffemodel, f"layer '{L.name}': weight shape {L.blobs[0].shape}, expected {want}")
                out = (L.p["num_output"], 1, 1)
            elif L.type == "Pooling":
                out = (s[0],) + pool_out_size(L.p, s[1], s[2])
            elif L.type == "Eltwise":
                for b in L.bottoms[1:]:
                    if shapes[b] != s:
                        raise CalibError(prototxt, f"layer '{L.name}': bottoms have different shapes")
                out = s
            else:
                out = s
            if L.type in ("Convolution", "Deconvolution", "InnerProduct") and L.p["bias_term"]:
                if len(L.blobs) < 2 or L.blobs[1].size != L.p["num_output"]:
                    raise CalibError(caffemodel, f"layer '{L.name}': bias blob missing or of wrong size")
            if L.type in ("BatchNorm",) and (len(L.blobs) < 3 or L.blobs[0].size != s[0]):
                raise CalibError(caffemodel, f"layer '{L.name}': BatchNorm needs 3 blobs of {s[0]} channels")
            if L.type == "Scale" and L.blobs[0].size != s[0]:
                raise CalibError(caffemodel, f"layer '{L.name}': Scale blob size {L.blobs[0].size} != {s[0]} channels")
            for t in L.tops:
                shapes[t] = out
            self.shapes[L.name] = out

    def layer(self, name) -> Layer:
        for L in self.layers:
            if L.name == name:
                return L
        raise KeyError(name)

    # ---- float reference ----------------------------------------------------------------
    def forward(self, x: np.ndarray, keep_all: bool = True) -> dict[str, np.ndarray]:
        """x: (N, C, H, W) float (already scaled as the deploy net expects).
        Returns {layer name: output} for every layer (and the input under the input layer's name)."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim == 3:
            x = x[:, None]
        blobs = {self.input_name: x}
        acts = {self.input_layer: x}
        for L in self.layers[1:]:
            ins = [blobs[b] for b in L.bottoms]
            y = run_layer(L, ins)
            for t in L.tops:
                blobs[t] = y
            if keep_all:
                acts[L.name] = y
        if not keep_all:
            acts[self.layers[-1].name] = y
        return acts


def pool_out_size(p, h, w):
    """Caffe's pooling output size: ceil((in + 2 pad - k) / stride) + 1, minus one when the last
    window would start inside the right/bottom padding (FLOOR round_mode uses floor)."""
    if p["global"]:
        return (1, 1)
    out = []
    for n, k, s, pd in ((h, p["kernel"][0], p["stride"][0], p["pad"][0]),
                        (w, p["kernel"][1], p["stride"][1], p["pad"][1])):
        f = math.ceil if p["round"] == "ceil" else math.floor
        o = int(f((n + 2 * pd - k) / s)) + 1
        if pd and (o - 1) * s >= n + pd:
            o -= 1
        out.append(o)
    return tuple(out)


def im2col(x: np.ndarray, kh, kw, sh, sw, dh, dw, ho, wo) -> np.ndarray:
    """(N, C, Hp, Wp) → (N, C*kh*kw, ho*wo) patches (C-major, then r, then s, like KCRS weights)."""
    n, c = x.shape[:2]
    cols = np.empty((n, c, kh, kw, ho, wo), dtype=x.dtype)
    for r in range(kh):
        for s in range(kw):
            cols[:, :, r, s] = x[:, :, r * dh: r * dh + sh * (ho - 1) + 1: sh, s * dw: s * dw + sw * (wo - 1) + 1: sw]
    return cols.reshape(n, c * kh * kw, ho * wo)


def conv_float(x, w, b, stride, pad, dilation):
    n, c, h, wd = x.shape
    k, _, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, pad, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho = (h + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    wo = (wd + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    cols = im2col(xp, kh, kw, sh, sw, dh, dw, ho, wo)
    # one GEMM over the whole batch: numpy's broadcast batched matmul (w[None] @ cols) takes a
    # non-BLAS loop for float32, ~30x slower
    ckk = cols.shape[1]
    y = (w.reshape(k, ckk) @ cols.transpose(1, 0, 2).reshape(ckk, n * ho * wo)) \
        .reshape(k, n, ho, wo).transpose(1, 0, 2, 3).copy()
    if b is not None:
        y += b.reshape(1, k, 1, 1)
    return y


def deconv_float(x, w, b, p):
    """Caffe's Deconvolution (group 1): the transpose of a convolution; w is (C_in, K, kh, kw)."""
    if p.get("group", 1) != 1:
        raise CalibError("Deconvolution", "grouped deconvolution is not modelled")
    n, c, h, wd = x.shape
    _, k, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = p["stride"], p["pad"], p["dilation"]
    full = np.zeros((n, k, sh * (h - 1) + dh * (kh - 1) + 1, sw * (wd - 1) + dw * (kw - 1) + 1), np.float32)
    for r in range(kh):
        for s_ in range(kw):
            contrib = np.einsum("nchw,ck->nkhw", x, w[:, :, r, s_])
            full[:, :, r * dh: r * dh + sh * (h - 1) + 1: sh, s_ * dw: s_ * dw + sw * (wd - 1) + 1: sw] += contrib
    y = full[:, :, ph: full.shape[2] - ph, pw: full.shape[3] - pw]
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y


def pool_float(x, p):
    n, c, h, w = x.shape
    if p["global"]:
        kh, kw, sh, sw, ph, pw = h, w, 1, 1, 0, 0
    else:
        (kh, kw), (sh, sw), (ph, pw) = p["kernel"], p["stride"], p["pad"]
    ho, wo = pool_out_size(p, h, w)
    # Loop over the kh*kw kernel offsets (vectorised over N, C and all outputs). MAX ignores the
    # padding (pad with -inf); AVE sums zeros there and divides by Caffe's pool size: the window
    # clipped to the padded input (not to the extra ceil-mode overhang).
    eh = max(0, (ho - 1) * sh + kh - h - ph)
    ew = max(0, (wo - 1) * sw + kw - w - pw)
    fill = -np.inf if p["method"] == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (ph, eh), (pw, ew)), constant_values=fill)
    acc = None
    for r in range(kh):
        for s in range(kw):
            v = xp[:, :, r: r + sh * (ho - 1) + 1: sh, s: s + sw * (wo - 1) + 1: sw]
            acc = v.copy() if acc is None else (np.maximum(acc, v) if p["method"] == "max" else acc + v)
    if p["method"] == "max":
        return acc
    y0 = np.arange(ho) * sh - ph
    x0 = np.arange(wo) * sw - pw
    area = ((np.minimum(y0 + kh, h + ph) - y0)[:, None] * (np.minimum(x0 + kw, w + pw) - x0)[None, :])
    return (acc / area).astype(x.dtype)


def lrn_float(x, p):
    n = p["local_size"]
    sq = np.pad(x * x, ((0, 0), ((n - 1) // 2, (n - 1) // 2), (0, 0), (0, 0)))
    c = x.shape[1]
    ssum = sum(sq[:, i:i + c] for i in range(n))
    return x * (p["k"] + p["alpha"] / n * ssum) ** (-p["beta"])


def run_layer(L: Layer, ins: list[np.ndarray]) -> np.ndarray:
    x = ins[0]
    t = L.type
    if t == "Convolution":
        g = L.p.get("group", 1)
        b = L.blobs[1] if L.p["bias_term"] else None
        if g == 1:
            return conv_float(x, L.blobs[0], b, L.p["stride"], L.p["pad"], L.p["dilation"])
        cg, kg = x.shape[1] // g, L.blobs[0].shape[0] // g
        return np.concatenate([conv_float(x[:, i * cg:(i + 1) * cg], L.blobs[0][i * kg:(i + 1) * kg],
                                          None if b is None else b[i * kg:(i + 1) * kg],
                                          L.p["stride"], L.p["pad"], L.p["dilation"]) for i in range(g)], axis=1)
    if t == "Concat":
        return np.concatenate(ins, axis=1)
    if t == "Power":
        return ((L.p["shift"] + L.p["scale"] * x) ** L.p["power"]).astype(np.float32)
    if t == "Sigmoid":
        return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)
    if t == "TanH":
        return np.tanh(x).astype(np.float32)
    if t == "Deconvolution":
        return deconv_float(x, L.blobs[0], L.blobs[1] if L.p["bias_term"] else None, L.p)
    if t == "InnerProduct":
        w = L.blobs[0].T if L.p["transpose"] else L.blobs[0]
        y = x.reshape(x.shape[0], -1) @ w.T
        if L.p["bias_term"]:
            y = y + L.blobs[1].reshape(1, -1)
        return y.reshape(y.shape[0], -1, 1, 1)
    if t == "Pooling":
        return pool_float(x, L.p)
    if t == "ReLU":
        return np.maximum(x, 0)
    if t == "Softmax":
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if t == "LRN":
        return lrn_float(x, L.p)
    if t == "BatchNorm":
        mean, var, f = L.blobs[0], L.blobs[1], float(L.blobs[2].ravel()[0])
        f = 0.0 if f == 0 else 1.0 / f
        return ((x - (mean * f).reshape(1, -1, 1, 1)) /
                np.sqrt((var * f).reshape(1, -1, 1, 1) + L.p["eps"])).astype(np.float32)
    if t == "Scale":
        y = x * L.blobs[0].reshape(1, -1, 1, 1)
        if L.p["bias_term"]:
            y = y + L.blobs[1].reshape(1, -1, 1, 1)
        return y
    if t == "Eltwise":
        op, coeff = L.p["op"], L.p["coeff"] or [1.0] * len(ins)
        if op == "sum":
            return sum(c * a for c, a in zip(coeff, ins))
        if op == "prod":
            return np.prod(ins, axis=0)
        return np.max(ins, axis=0)
    if t == "Dropout":
        return x
    raise CalibError(L.name, f"unsupported layer type {t}")
