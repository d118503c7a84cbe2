"""CSC windowing + CMAC multiply-accumulate of nv_small (int8): exact convolution sums.

CSC feeds CMAC, for each output point, the input atoms under the (strided, dilated) kernel
window; positions outside the input cube read the CSC pad value (PAD_VALUE low byte as int8,
inserted after the CDMA converter, never converted). CMAC multiplies int8 x int8 exactly and
sums; the sums here are exact (int64). Channels beyond the kernel's channel count contribute
nothing (the weights have no entries there).

Implementation: im2col + floating-point matmul, exact: every product |w*x| <= 2^14 is an integer
and every partial sum of the n = C*R*S products an integer below n * 2^14, so float32 is exact
while n * 2^14 < 2^24 and float64 otherwise (below 2^53); the result is cast back to int64.
"""
from __future__ import annotations

import numpy as np

_COLS_BYTES = 32 << 20     # im2col block budget (float64)


def out_size(in_size: int, kernel: int, stride: int, dilation: int, pad_before: int,
             pad_after: int) -> int:
    """Output length of a convolution along one axis."""
    return (in_size + pad_before + pad_after - ((kernel - 1) * dilation + 1)) // stride + 1


def im2col(x: np.ndarray, r: int, s: int, stride=(1, 1), dilation=(1, 1), pad=(0, 0),
           pad_value: int = 0, out_size=(1, 1)) -> np.ndarray:
    """Windows of x (C, H, W) as (C, R, S, Ho, Wo): element x[c, y*sy + i*dy - top,
    x*sx + j*dx - left], pad_value outside the cube."""
    c, h, w = x.shape
    sy, sx = stride
    dy, dx = dilation
    top, left = pad
    ho, wo = out_size
    rows = (np.arange(ho) * sy)[:, None] + (np.arange(r) * dy)[None, :] - top   # (Ho, R)
    cols = (np.arange(wo) * sx)[:, None] + (np.arange(s) * dx)[None, :] - left  # (Wo, S)
    # One padded copy covering every index the windows touch.
    y0, y1 = min(0, int(rows.min())), max(h, int(rows.max()) + 1)
    x0, x1 = min(0, int(cols.min())), max(w, int(cols.max()) + 1)
    p = np.full((c, y1 - y0, x1 - x0), pad_value, dtype=x.dtype)
    p[:, -y0:-y0 + h, -x0:-x0 + w] = x
    # one strided slice per kernel tap (i, j): rows y*sy + i*dy - top, columns x*sx + j*dx - left
    win = np.empty((c, r, s, ho, wo), dtype=x.dtype)
    for i in range(r):
        a = int(rows[0, i]) - y0 if ho else 0
        for j in range(s):
            b = int(cols[0, j]) - x0 if wo else 0
            win[:, i, j] = p[:, a:a + (ho - 1) * sy + 1:sy, b:b + (wo - 1) * sx + 1:sx]
    return win


def conv_accumulate(x_int8: np.ndarray, w_int8: np.ndarray, stride=(1, 1), dilation=(1, 1),
                    pad=(0, 0), pad_value: int = 0, out_size=None) -> np.ndarray:
    """Exact int8 convolution sums, int64 (K, Ho, Wo).

    x_int8 (C, H, W), w_int8 (K, C, R, S); stride=(sy, sx), dilation=(dy, dx), pad=(top, left);
    pad_value: the int8 value read outside the cube; out_size=(Ho, Wo) (default: as many
    outputs as fit with no bottom/right padding).
    """
    x = np.asarray(x_int8)
    w = np.asarray(w_int8)
    if x.ndim != 3 or w.ndim != 4 or w.shape[1] != x.shape[0]:
        raise ValueError(f"conv_accumulate: x {x.shape} and w {w.shape} do not match "
                         "(want x (C,H,W), w (K,C,R,S))")
    k, c, r, s = w.shape
    if out_size is None:
        out_size = (out_size_1d(x.shape[1], r, stride[0], dilation[0], pad[0]),
                    out_size_1d(x.shape[2], s, stride[1], dilation[1], pad[1]))
    ho, wo = out_size
    # Exact in floating point: every product is an integer of at most 2^14 in magnitude, so
    # every partial sum of n = C*R*S products is an integer below n * 2^14; float32 holds those
    # exactly while that bound is under 2^24 (n <= 1023), float64 up to 2^53.
    ft = np.float32 if c * r * s * (1 << 14) < (1 << 24) else np.float64
    wm = w.reshape(k, c * r * s).astype(ft)
    xf = x.astype(ft)
    out = np.empty((k, ho, wo), dtype=np.int64)
    # Output rows in blocks so the im2col matrix stays below ~_COLS_BYTES.
    rows = max(1, _COLS_BYTES // max(1, c * r * s * wo * np.dtype(ft).itemsize))
    sy, top = stride[0], pad[0]
    for y0 in range(0, ho, rows):
        n = min(rows, ho - y0)
        cols = im2col(xf, r, s, stride, dilation, (top - y0 * sy, pad[1]), float(pad_value),
                      (n, wo))
        out[:, y0:y0 + n, :] = (wm @ cols.reshape(c * r * s, n * wo)).astype(np.int64) \
            .reshape(k, n, wo)
    return out


def out_size_1d(n: int, k: int, stride: int, dil: int, pad_before: int) -> int:
    return out_size(n, k, stride, dil, pad_before, 0)
