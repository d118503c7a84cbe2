"""Int8 inference of a Plan through the golden model's own engine functions (the code that passes
NVIDIA's traces): model.cdma.input_convert, model.cmac.conv_accumulate, model.cacc.truncate,
model.sdp.x_stage / output_convert, model.pdp.pool.

Batching: the engines take one (C, H, W) cube. A batch is laid side by side along W into one
wide cube ("mosaic"): each image is padded explicitly with the CSC pad value (what CSC inserts
outside the cube) and its tile width rounded up to a multiple of the x stride, so every output
window of an image lies inside its own tile; the columns between images are computed and
dropped. SDP is element-wise/per-channel and PDP per-channel, so they run on (N*C, H, W) or the
mosaic directly. An inner product runs as the convolution nvdla_compiler makes of it (kernel =
the whole input, one output pixel); with a 1x1 output the x stride is free, and stride = tile
width makes every output column one image.
"""
from __future__ import annotations

import numpy as np

from calib.quantize import ConcatOp, ConvOp, DeviationOp, EltwiseOp, HostOp, LrnOp, Plan, PoolOp
from model import cacc, cdma, cdp, cmac, pdp, sdp

CHUNK = 128   # images per engine call (bounds the im2col buffer)


def _conv_batch(op: ConvOp, x: np.ndarray) -> np.ndarray:
    """x int8 (N, C, H, W) -> CACC int32 values (N, K, Ho, Wo) via one mosaic conv_accumulate."""
    n, c, h, w = x.shape
    k, _, r, s = op.w.shape
    sy, sx = op.stride
    dy, dx = op.dilation
    top, left = op.pad
    _, ho, wo = op.out_shape
    hp = max(h + top, (ho - 1) * sy + (r - 1) * dy + 1)
    wp = max(w + left, (wo - 1) * sx + (s - 1) * dx + 1)
    if op.kind == "fc":
        sx = wp                                    # 1x1 output: one column per image
    tile = -(-wp // sx) * sx
    mosaic = np.full((c, hp, n, tile), op.pad_value, dtype=np.int8)
    mosaic[:, top:top + h, :, left:left + w] = x.transpose(1, 2, 0, 3)
    mosaic = mosaic.reshape(c, hp, n * tile)
    out_w = (n * tile - ((s - 1) * dx + 1)) // sx + 1
    acc = cmac.conv_accumulate(mosaic, op.w, stride=(sy, sx), dilation=(dy, dx), pad=(0, 0),
                               pad_value=op.pad_value, out_size=(ho, out_w))       # (K, Ho, out_w)
    cols = (np.arange(n) * (tile // sx))[:, None] + np.arange(wo)[None, :]        # (N, Wo)
    acc = acc[:, :, cols]                                                          # (K, Ho, N, Wo)
    return cacc.truncate(acc, op.clip_truncate).transpose(2, 0, 1, 3)


def _sdp_batch(op: ConvOp, d: np.ndarray) -> np.ndarray:
    """SDP X1 + output converter on (N, K, Ho, Wo) int32 -> int8 (flying mode, X2 bypassed)."""
    n, k, ho, wo = d.shape
    dk = d.transpose(1, 2, 0, 3).reshape(k, ho, n * wo)
    t = sdp.x_stage(dk, op.x1, alu_operand=op.alu_operand, mul_operand=op.mul_operand)
    y = sdp.output_convert(t, op.cvt_offset, op.cvt_scale, op.cvt_shift)
    return y.reshape(k, ho, n, wo).transpose(2, 0, 1, 3)


def _fused_eltwise_batch(conv: ConvOp, op: EltwiseOp, x: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A convolution whose SDP op also does an Eltwise (per-filter): X1 (bias, per-channel
    multiplier, truncate), X2 with the other input as per-point int8 operand (+ ReLU), then the
    Eltwise's output converter."""
    d = _conv_batch(conv, x)
    n, k, ho, wo = d.shape
    dk = d.transpose(1, 2, 0, 3).reshape(k, ho, n * wo)
    t = sdp.x_stage(dk, conv.x1, alu_operand=conv.alu_operand, mul_operand=conv.mul_operand)
    return _eltwise_stage(t, b, op)


def _eltwise_stage(t: np.ndarray, b: np.ndarray, op) -> np.ndarray:
    """An Eltwise's SDP stage on ``t`` (C, H, N*W): the second input ``b`` (N, C, H, W) as the
    per-point operand (ALU for SUM, multiplier for PROD), then the output converter."""
    n, c, h, w = b.shape
    db = b.transpose(1, 2, 0, 3).reshape(c, h, n * w).astype(np.int64)
    t = sdp.x_stage(t, op.x1(), alu_operand=db if op.op == "sum" else 0, mul_operand=db if op.op == "prod" else 0)
    y = sdp.output_convert(t, op.cvt_offset, op.cvt_scale, op.cvt_shift)
    return y.reshape(c, h, n, w).transpose(2, 0, 1, 3)


def _pool_batch(op: PoolOp, x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    _, ho, wo = op.out_shape
    y = pdp.pool(x.reshape(n * c, h, w), op.method, op.kernel, op.stride, op.pad, op.pad_values,
                 op.recip, out_size=(ho, wo))
    return y.reshape(n, c, ho, wo)


def _lrn_batch(op: LrnOp, x: np.ndarray) -> np.ndarray:
    """CDP across channels is per pixel: the batch goes side by side along W."""
    n, c, h, w = x.shape
    m = x.transpose(1, 2, 0, 3).reshape(c, h, n * w)
    y = cdp.lrn(m, op.cfg, op.le, op.lo)
    return y.reshape(c, h, n, w).transpose(2, 0, 1, 3)


def input_to_int8(plan: Plan, pixels: np.ndarray, pixel_scale: float | None = None) -> np.ndarray:
    """Input cube for the first convolution.

    pixel mode: uint8 pixels (N, H, W) or (N, C, H, W) through the CDMA image converter.
    int8 mode (nvdla_compiler's default): the host quantizes the float input x = pixel *
    pixel_scale to q = clamp(round_half_away(x / S_in)) and the CDMA converter is the identity
    (scale 1, truncate 0), applied here too."""
    x = pixels if pixels.ndim == 4 else pixels[:, None]
    cv = plan.input_cvt
    if cv is not None:
        return cdma.input_convert(x.astype(np.int64), cv.offset, cv.scale, cv.truncate)
    s_in = float(plan.scales[plan.net.layers[0].name])
    ps = pixel_scale if pixel_scale is not None else plan.pixel_scale
    r = x.astype(np.float64) * ps / s_in
    q = np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5), -128, 127).astype(np.int64)  # host rounding
    return cdma.input_convert(q, 0, 1, 0)


def _eltwise_batch(op: EltwiseOp, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The SDP op of an Eltwise: input a (MRDMA), X1 per-point int8 operand b (BRDMA), output cvt."""
    n, c, h, w = a.shape
    return _eltwise_stage(a.transpose(1, 2, 0, 3).reshape(c, h, n * w).astype(np.int64), b, op)


def _host_batch(op: HostOp, x: np.ndarray) -> np.ndarray:
    """A host (CPU) layer between hardware layers: dequantize (x * Si), the float layer, requantize
    at So (round half away from zero, saturate to int8). Our host arithmetic: the compiler's EMU
    task records only the two scales and the layer's parameters."""
    from calib.net import Layer, run_layer
    f = x.astype(np.float64) * op.si
    y = run_layer(Layer(op.name, op.type, [], [], dict(op.params)), [f.astype(np.float32)])
    r = np.asarray(y, np.float64) / op.so
    return np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5), -128, 127).astype(np.int8)


def _run_ops(plan: Plan, x: np.ndarray, keep: bool, outs: dict) -> np.ndarray:
    blobs = {plan.input_blob: x}
    convs = {op.name: op for op in plan.ops if isinstance(op, ConvOp)}
    for op in plan.ops:
        if isinstance(op, ConvOp) and op.ew is not None:
            continue                                             # runs with its Eltwise
        if isinstance(op, EltwiseOp) and op.fused:
            conv = convs[op.fused]
            y = _fused_eltwise_batch(conv, op, blobs[conv.src], blobs[op.srcs[1]])
            name, dst = op.out_name, op.dst
        elif isinstance(op, ConvOp):
            y = _sdp_batch(op, _conv_batch(op, blobs[op.src]))
            name, dst = op.out_name, op.dst
        elif isinstance(op, PoolOp):
            y, name, dst = _pool_batch(op, blobs[op.src]), op.name, op.dst
        elif isinstance(op, LrnOp):
            y, name, dst = _lrn_batch(op, blobs[op.src]), op.name, op.dst
        elif isinstance(op, EltwiseOp):
            y = _eltwise_batch(op, blobs[op.srcs[0]], blobs[op.srcs[1]])
            name, dst = op.out_name, op.dst
        elif isinstance(op, ConcatOp):
            y = np.concatenate([blobs[b] for b in op.srcs], axis=1)
            name, dst = op.name, op.dst
        elif isinstance(op, HostOp):
            if op.final and op.type == "Softmax":
                continue                                         # top-1 = argmax of its input
            y, name, dst = _host_batch(op, blobs[op.src]), op.name, op.dst
        elif isinstance(op, DeviationOp):
            raise ValueError(f"layer '{op.name}' is refused by the int8 path: {op.reason}")
        else:                                                    # pragma: no cover
            raise TypeError(type(op).__name__)
        blobs[dst] = y
        if keep:
            outs.setdefault(name, []).append(y)
    return blobs[plan.output_blob]


def run_int8(plan: Plan, q: np.ndarray, keep: bool = False):
    """Like forward_int8 from int8 input cubes q (N, C, H, W) (already in the input's scale)."""
    outs = {}
    y = _run_ops(plan, np.asarray(q, np.int8), keep, outs)
    return (y, {k: np.concatenate(v) for k, v in outs.items()}) if keep else y


def forward_int8(plan: Plan, pixels: np.ndarray, keep: bool = False, pixel_scale: float | None = None):
    """int8 outputs of the last hardware op (N, K, H, W) (and every op's output if keep)."""
    outs = {}
    res = []
    for i in range(0, len(pixels), CHUNK):
        x = input_to_int8(plan, pixels[i:i + CHUNK], pixel_scale)
        res.append(_run_ops(plan, x, keep, outs))
    y = np.concatenate(res)
    if keep:
        return y, {k: np.concatenate(v) for k, v in outs.items()}
    return y


def predict_int8(plan: Plan, pixels: np.ndarray, pixel_scale: float | None = None) -> np.ndarray:
    """Class indices: argmax of the int8 logits (softmax is monotonic; ties go to the lowest
    index, as numpy's argmax)."""
    y = forward_int8(plan, pixels, pixel_scale=pixel_scale)
    return y.reshape(len(y), -1).argmax(axis=1)
