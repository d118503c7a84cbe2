"""tb.loadable (make SIM=... TEST=loadable): nvdla_compiler's loadables (../shared/nvdla-loadables,
$NVDLA_LOADABLES) programmed the firmware's way, layer by layer on the RTL against the golden model.

Truths: every LeNet loadable's RTL class equals calib.evaluate's int8 class (calib.int8.predict_int8
with the case's net, table and mode: our own quantizer, not the loadable's bytes), every layer that
runs is bit-exact (the testbench's CRC check against the golden model, and the RTL bytes kept on
disk equal the golden bytes); steps nothing here runs (RUBIK, CDP, EMU tasks, a PDP kernel beyond
8x8) are named on a SKIP line; bad loadables give one error line and exit status 2."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.data import loadables_dir, mnist_dir
from tb.layers import rtl_engines
from tb.runner import sim_available

REPO = Path(__file__).resolve().parents[2]
ROOT = loadables_dir()
EXT = [a for a in (("--rtl-filelist", os.environ.get("TB_RTL_FILELIST")),
                   ("--toplevel", os.environ.get("TB_TOPLEVEL"))) if a[1]]
LENET = ["nvidia-per-kernel-nchw", "nvidia-per-kernel-nhwc", "nvidia-per-filter-nchw", "nvidia-per-filter-nhwc",
         "ours-per-kernel-nchw", "ours-per-filter-nchw"]
NETS = [f"{n}/{m}" for n in ("conv-stride-dilation-bn", "bigweights", "eltwise-sum") for m in ("per-kernel", "per-filter")]
# probes the compiler accepted (the others have no loadable); the reason a step is SKIP, if one is
PROBES = {"sigmoid": None, "tanh": None, "eltwise-prod": None, "concat": None, "conv-group2": None,
          "global-avgpool": None, "big-feature": None, "conv-repeated-stride-pad": None,
          "deconvolution": "RUBIK", "power": "EMU task 1 op 0 POWER runs on the CPU",
          "softmax-middle": "EMU task 1 op 0 SOFTMAX runs on the CPU", "avgpool-10x10": "kernel 10x10 beyond PDP's 8x8",
          "lrn-fp16": "IN_PRECISION is not INT8"}


def _case(rel) -> Path:
    d = ROOT / rel
    if not (d / "fast-math.nvdla").is_file():
        pytest.skip(f"{d}/fast-math.nvdla not found (set NVDLA_LOADABLES or NVDLA_SHARED)")
    return d


def _run(*args, timeout=2400):
    ext = [v for a in EXT for v in a]
    return subprocess.run([sys.executable, "-m", "tb.loadable", *map(str, args), *ext], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def _layer_lines(lines):
    return [m.groups() for m in (re.match(r"^(PASS|FAIL|SKIP) img(\d+) (\S+)", ln) for ln in lines) if m]


def _rtl_equals_golden(out: Path, images: int, layers):
    for i in range(images):
        img = out / f"img{i}"
        layout = json.loads((img / "layout.json").read_text())
        for name in layers:
            rtl = np.frombuffer((img / "rtl" / f"{name}.bin").read_bytes(), np.uint8)
            gold = np.frombuffer((img / "golden" / f"{name}.bin").read_bytes(), np.uint8)
            assert rtl.size == gold.size == layout[name]["size"], (name, rtl.size, gold.size)
            np.testing.assert_array_equal(rtl, gold, err_msg=f"img{i} {name}")


def _int8_classes(d: Path, n: int) -> list[int]:
    """calib.evaluate's int8 class of the first n MNIST t10k images with the case's table/mode."""
    from calib import datasets as D
    from calib import tables
    from calib.common import LENET_PIXEL_SCALE
    from calib.compare_loadable import read_case
    from calib.int8 import predict_int8
    from calib.net import Net
    from calib.quantize import build_plan
    if not (mnist_dir() / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"MNIST t10k not found in {mnist_dir()} (set MNIST_DIR or NVDLA_SHARED)")
    case = read_case(d)
    if not case.caffemodel.is_file():
        pytest.skip(f"{case.caffemodel} not found (set LENET_DIR or NVDLA_SHARED)")
    net = Net.load(case.prototxt, case.caffemodel)
    plan = build_plan(net, tables.read_table(case.table, net), case.mode, input_mode="int8",
                      pixel_scale=LENET_PIXEL_SCALE, table_path=str(case.table))
    x, _ = D.mnist_test()
    return [int(v) for v in predict_int8(plan, x[:n])]


@pytest.mark.slow
@pytest.mark.parametrize("sim, case, images", [pytest.param("verilator", c, 5, id=f"verilator-{c}") for c in LENET]
                         + [pytest.param("icarus", "nvidia-per-kernel-nhwc", 1, id="icarus-nvidia-per-kernel-nhwc")])
def test_lenet_loadable_on_rtl(tmp_path, sim, case, images):
    """Every layer of every image bit-exact, RTL class = calib.evaluate's int8 class."""
    why = sim_available(sim)
    if why:
        pytest.skip(why)
    d = _case(f"lenet/{case}")
    want = _int8_classes(d, images)
    out = tmp_path / "o"
    r = _run(d, "--sim", sim, "--images", images, "--out", out)
    msg = r.stdout[-3000:] + r.stderr[-2000:]
    assert r.returncode == 0, msg
    lines = r.stdout.splitlines()
    got = _layer_lines(lines)
    names = ["conv1", "pool1", "conv2", "pool2", "relu1", "ip2"]
    assert [(v, int(i), n) for v, i, n in got] == [("PASS", i, n) for i in range(images) for n in names], msg
    for i in range(images):
        img = [ln for ln in lines if ln.startswith(f"IMAGE img{i}: ")]
        m = re.match(rf"IMAGE img{i}: RTL class (\d+), golden class (\d+)", img[0] if img else "")
        assert m and int(m.group(1)) == int(m.group(2)) == want[i], (img, want[i])
    assert any(ln.startswith(f"SUMMARY {images} images, {6 * images} layer runs on RTL: {6 * images} bit-exact, 0 failed")
               for ln in lines), msg
    _rtl_equals_golden(out, images, names)


@pytest.mark.slow
@pytest.mark.parametrize("rel", NETS + [f"probes/{p}" for p in PROBES])
def test_synthetic_loadable_on_rtl(tmp_path, rel):
    """The synthetic nets and the compiler's probes: every layer our RTL has the engines for is
    bit-exact; a step nothing here runs is one SKIP line with the reason, and the rest SKIP."""
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    sub = "fp16" if rel.endswith("lrn-fp16") else ("per-kernel" if rel.startswith("probes/") else "")
    d = _case(f"nets/{rel}/{sub}".rstrip("/"))
    out = tmp_path / "o"
    r = _run(d, "--sim", "verilator", "--images", 1, "--out", out)
    msg = r.stdout[-3000:] + r.stderr[-2000:]
    assert "Traceback" not in r.stderr, msg
    assert r.returncode == 0, msg
    lines = r.stdout.splitlines()
    got = _layer_lines(lines)
    assert got and all(v != "FAIL" for v, _, _ in got), msg
    reason = PROBES.get(rel.split("/", 1)[1]) if rel.startswith("probes/") else None
    skips = [ln for ln in lines if ln.startswith("SKIP ")]
    if reason is None:
        have = rtl_engines(os.environ.get("TB_RTL_FILELIST"))
        assert not skips or not {"CONV", "SDP", "PDP"} <= have, msg
    else:
        assert skips and reason in skips[0], msg
        assert all("not run" in ln for ln in skips), msg
    passed = [n for v, _, n in got if v == "PASS"]
    _rtl_equals_golden(out, 1, passed)


def test_bad_loadables_one_line_exit_2(tmp_path):
    """Truncated, foreign and missing files: one 'error: <file>: ...' line, exit status 2, before
    any simulator starts."""
    cases = [tmp_path / "random.nvdla", tmp_path / "missing.nvdla", tmp_path]
    (tmp_path / "random.nvdla").write_bytes(bytes(range(256)) * 8)
    src = ROOT / "lenet" / "nvidia-per-kernel-nchw" / "fast-math.nvdla"
    if src.is_file():
        (tmp_path / "trunc.nvdla").write_bytes(src.read_bytes()[:5000])
        bad = bytearray(src.read_bytes())
        bad[4:8] = b"XXXX"
        (tmp_path / "ident.nvdla").write_bytes(bytes(bad))
        cases += [tmp_path / "trunc.nvdla", tmp_path / "ident.nvdla"]
    for f in cases:
        r = _run(f, "--images", 1, "--out", tmp_path / "o", timeout=300)
        err = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert r.returncode == 2, (f, r.stdout[-1000:], r.stderr[-1000:])
        assert len(err) == 1 and err[0].startswith("error: ") and str(f.name) in err[0], (f, r.stderr)


def test_unsupported_steps_named_on_the_golden_model():
    """Without a simulator: the layers of the probes with a RUBIK op, an EMU POWER task and a
    softmax between two DLA tasks; the golden model runs the layers before the unsupported step
    and each of them as a layer trace passes on the golden model (model.trace)."""
    import tempfile

    from calib import loadable as LD
    from model.trace import run_trace
    from tb.loadable import build
    for probe, kind, unsupported in (("deconvolution", "RUBIK", "RUBIK"), ("power", "CPU", "POWER"),
                                     ("softmax-middle", "CPU", "SOFTMAX")):
        d = _case(f"nets/probes/{probe}/per-kernel")
        prog = build(LD.load(d / "fast-math.nvdla"))
        bad = [h for h in prog.layers if getattr(h, "unsupported", None)]
        assert bad and bad[0].engines == kind and unsupported in bad[0].unsupported, [h.name for h in prog.layers]
        k = prog.layers.index(bad[0])
        t = prog.binder.first.surface["src_data"]
        q = np.random.default_rng(1).integers(-128, 128, (t["channel"], t["height"], t["width"])).astype(np.int8)
        g = prog.golden_regions(q, keep_bytes=True)
        assert [h.name for h in prog.layers if h.name in g] == [h.name for h in prog.layers[:k]]
        with tempfile.TemporaryDirectory() as tmp:
            for j in range(k):
                res = run_trace(prog.write_layer_trace(Path(tmp), f"l{j}", j, g))
                assert res.passed, (probe, j, res)


@pytest.mark.parametrize("rel", ["nets/eltwise-sum/per-kernel", "nets/probes/big-feature/per-kernel",
                                 "nets/probes/concat/per-kernel"])
def test_layer_traces_replay_on_the_golden_model(tmp_path, rel):
    """A layer trace holds everything its step reads (an Eltwise operand from an earlier layer, the
    rows another convolution wrote into the same buffer, the weights a WEIGHT_REUSE convolution
    keeps in CBUF from the one before): replayed alone on a fresh golden model it gives the bytes
    of the whole loadable's run."""
    from calib import loadable as LD
    from model.trace import run_trace
    from tb.loadable import build
    d = _case(rel)
    prog = build(LD.load(d / "fast-math.nvdla"))
    t = prog.binder.first.surface["src_data"]
    q = np.random.default_rng(2).integers(-128, 128, (t["channel"], t["height"], t["width"])).astype(np.int8)
    g = prog.golden_regions(q, keep_bytes=True)
    assert all(h.name in g for h in prog.layers)
    for k in range(len(prog.layers)):
        res = run_trace(prog.write_layer_trace(tmp_path, f"l{k}", k, g))
        assert res.passed, (rel, prog.layers[k].name, res)


def test_resume_after_interrupt(tmp_path):
    """A second run with the same output directory plays no simulator: every layer's result
    comes from <out>/results.json, with the same lines; --fresh plays them again."""
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    d = _case("nets/probes/global-avgpool/per-kernel")
    out = tmp_path / "o"
    r1 = _run(d, "--images", 1, "--out", out, timeout=900)
    assert r1.returncode == 0, r1.stdout[-2000:] + r1.stderr[-2000:]
    first = [ln for ln in r1.stdout.splitlines() if re.match(r"^(PASS|FAIL|SKIP) ", ln)]
    assert len(first) == 2 and "layer traces on verilator in one simulator session" in r1.stdout
    saved = json.loads((out / "results.json").read_text())
    assert len(saved) == 2 and all(v["passed"] for v in saved.values())
    r2 = _run(d, "--images", 1, "--out", out, timeout=900)
    assert r2.returncode == 0
    assert "# resumed: 2 of 2 layer traces" in r2.stdout and "simulator session" not in r2.stdout, r2.stdout[-2000:]
    assert [ln for ln in r2.stdout.splitlines() if re.match(r"^(PASS|FAIL|SKIP) ", ln)] == first
    # as if interrupted after the first layer: only the second one runs again
    key = next(k for k, v in saved.items() if "img0_1_" in v.get("line", ""))
    del saved[key]
    (out / "results.json").write_text(json.dumps(saved))
    r3 = _run(d, "--images", 1, "--out", out, timeout=900)
    assert r3.returncode == 0, r3.stdout[-2000:] + r3.stderr[-2000:]
    assert "# resumed: 1 of 2 layer traces" in r3.stdout and "# 1 layer traces on verilator" in r3.stdout
    assert [ln for ln in r3.stdout.splitlines() if re.match(r"^(PASS|FAIL|SKIP) ", ln)] == first
