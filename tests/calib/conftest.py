"""Shared fixtures of the calib tests."""
import os

import pytest

import calib
from calib.common import OWN_LENET
from model.data import lenet_dir, mnist_dir

if "OPENBLAS_NUM_THREADS" not in os.environ or os.environ["OPENBLAS_NUM_THREADS"] == "1":
    calib.limit_blas_threads(1)   # a shared 2-core machine: threaded BLAS is several times slower


def shared_lenet():
    d = lenet_dir()
    if not (d / "lenet.prototxt").is_file() or not (d / "lenet.caffemodel").is_file():
        pytest.skip(f"NVIDIA's LeNet not found in {d} (set LENET_DIR or NVDLA_SHARED)")
    return d / "lenet.prototxt", d / "lenet.caffemodel"


def shared_mnist():
    d = mnist_dir()
    if not (d / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"MNIST t10k not found in {d} (set MNIST_DIR or NVDLA_SHARED)")
    return d


@pytest.fixture
def own_lenet():
    return OWN_LENET / "lenet.prototxt", OWN_LENET / "lenet.caffemodel"
