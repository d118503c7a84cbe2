"""The HTML report of a LeNet run (calib.debug --report) opens in headless Debian chromium
without errors, shows every layer of the net, decodes every embedded plot, and for a failing
golden-vs-RTL check kept on disk shows its heat map."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from calib.common import OWN_LENET
from tb import diff

REPO = Path(__file__).resolve().parents[2]
LAYERS = ("data", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "prob")


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium not installed (make chromium, as root: apt-get install chromium)")
    return exe


def _failing_dump(root: Path):
    """A kept check whose RTL side differs in one channel group (a hand-made cube)."""
    lay = diff.Layout("cube", c=16, h=4, w=5, line_stride=40, surf_stride=160, base=0x1000)
    rng = np.random.default_rng(3)
    g = rng.integers(0, 256, 320, dtype=np.uint8)
    r = g.copy()
    r[160:320] ^= 0x40                      # surface 1 (channels 8..15) wrong
    diff.write_check_dump(root, "sdp_made_up", "check_crc_line7", 0x1000, 320,
                          {"golden": g, "rtl": r}, lay)


def test_report_renders_in_headless_chromium(tmp_path):
    exe = _chromium()
    dumps = tmp_path / "dumps"
    _failing_dump(dumps)
    out = tmp_path / "run.html"
    r = subprocess.run([sys.executable, "-m", "calib.debug", "--prototxt", OWN_LENET / "lenet.prototxt",
                        "--caffemodel", OWN_LENET / "lenet.caffemodel", "--limit", "100",
                        "--calib-limit", "100", "--report", out, "--dumps", dumps],
                       cwd=REPO, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "src=\"http" not in text and "<link" not in text       # self-contained
    prof = tmp_path / "profile"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={prof}"]
    res = subprocess.run([exe, *flags, "--enable-logging=stderr", "--v=0", "--dump-dom",
                          out.as_uri()], capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    assert "</html>" in dom
    console = [ln for ln in res.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    for name in LAYERS:
        assert f"data-layer=\"{name}\"" in dom, name
    for name in ("data", "conv1", "pool1", "conv2", "pool2", "relu1", "ip2"):
        assert f"data-hist=\"{name}\"" in dom, name
    assert "data-heatmap=\"sdp_made_up/check_crc_line7_1000_140\"" in dom
    assert "channel-group" in dom
    n = int(re.search(r'data-images="(\d+)"', dom).group(1))
    ok = int(re.search(r'data-images-ok="(\d+)"', dom).group(1))
    assert n >= 9 and ok == n, (n, ok)
    shot = tmp_path / "shot.png"
    res = subprocess.run([exe, *flags, f"--screenshot={shot}", "--window-size=1200,3000",
                          out.as_uri()], capture_output=True, text=True, timeout=180)
    assert res.returncode == 0 and shot.stat().st_size > 10_000, res.stderr[-2000:]


def test_report_bad_dumps_path(tmp_path):
    r = subprocess.run([sys.executable, "-m", "calib.debug", "--limit", "20", "--calib-limit", "20",
                        "--report", tmp_path / "r.html", "--dumps", tmp_path / "nope"],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "nope" in r.stderr


def test_diff_report_of_dumps_alone(tmp_path):
    exe = _chromium()
    dumps = tmp_path / "dumps"
    _failing_dump(dumps)
    g = np.arange(64, dtype=np.uint8)
    diff.write_check_dump(dumps, "sdp_ok", "check_crc_line3", 0, 64, {"golden": g, "rtl": g},
                          diff.Layout("cube", c=8, h=2, w=4, line_stride=32, surf_stride=64))
    out = tmp_path / "d.html"
    r = subprocess.run([sys.executable, "-m", "tb.diff", dumps, "--report", out], cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr           # a check differs
    res = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--no-first-run", f"--user-data-dir={tmp_path / 'p'}", "--dump-dom",
                          out.as_uri()], capture_output=True, text=True, timeout=180)
    assert res.returncode == 0
    assert 'data-heatmap="sdp_made_up/check_crc_line7_1000_140"' in res.stdout
    assert 'data-check="sdp_ok/check_crc_line3_0_40"' in res.stdout
