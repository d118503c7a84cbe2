"""Our own LeNet: the training script is deterministic and reproduces the committed model."""
import numpy as np
import pytest

from calib import train_lenet
from calib.common import OWN_LENET


def test_training_is_deterministic():
    a = train_lenet.train(epochs=1, log=lambda *_: None)
    b = train_lenet.train(epochs=1, log=lambda *_: None)
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]), k


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    P = train_lenet.init_params(rng)
    x = rng.uniform(0, 1, (3, 1, 28, 28)).astype(np.float32)
    y = np.array([1, 7, 3])
    P64 = {k: v.astype(np.float64) for k, v in P.items()}
    _, g = train_lenet.forward_backward(P64, x.astype(np.float64), y)
    for name, idx in (("conv1.w", (2, 0, 1, 3)), ("conv2.w", (5, 3, 2, 2)), ("ip1.w", (10, 100)),
                      ("ip2.b", (4,))):
        eps = 1e-6
        Pp = {k: v.copy() for k, v in P64.items()}
        Pm = {k: v.copy() for k, v in P64.items()}
        Pp[name][idx] += eps
        Pm[name][idx] -= eps
        num = (train_lenet.forward_backward(Pp, x.astype(np.float64), y)[0]
               - train_lenet.forward_backward(Pm, x.astype(np.float64), y)[0]) / (2 * eps)
        assert g[name][idx] == pytest.approx(num, rel=1e-3, abs=1e-7), name


@pytest.mark.slow
def test_retraining_reproduces_the_committed_model(tmp_path):
    train_lenet.main(["--out", str(tmp_path)])
    assert (tmp_path / "lenet.prototxt").read_text() == (OWN_LENET / "lenet.prototxt").read_text()
    assert (tmp_path / "lenet.caffemodel").read_bytes() == (OWN_LENET / "lenet.caffemodel").read_bytes()
