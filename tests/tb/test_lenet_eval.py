"""tb.lenet_eval: the totals of hand-written part logs (classes, layers bit-exact, cycles), and
a resumed evaluation runs only the images no finished part covers."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tb import lenet_eval

REPO = Path(__file__).resolve().parents[2]


def _log(first: int, rows, float_top1: float) -> str:
    """rows: (rtl class, golden class, label, conv cycles, pass?) per image; one 'conv' layer
    and one 'pool' layer of 100 cycles each image."""
    out = ["# net header"]
    for j, (r, g, lab, cyc, ok) in enumerate(rows):
        i = first + j
        out.append(f"{'PASS' if ok else 'FAIL'} img{i} conv           CONV+SDP      8x4x4     {cyc} cycles"
                   " (ideal: MACs/64 10, bytes/8 20)")
        out.append(f"PASS img{i} pool           PDP           8x2x2     100 cycles")
        out.append(f"IMAGE img{i}: RTL class {r}, golden class {g}, label {lab}")
    out.append(f"SUMMARY {len(rows)} images, ...; top-1 RTL x, golden y, float {float_top1:.1f}%; ...")
    out.append("PHASES calibration 0.0 s; per image 2.00 s (calibration and compile excluded)")
    return "\n".join(out) + "\n"


def test_totals_of_two_parts():
    a = lenet_eval.parse_log(_log(0, [(7, 7, 7, 1000, True), (2, 2, 3, 1200, True)], 50.0))
    b = lenet_eval.parse_log(_log(2, [(1, 4, 1, 1100, False), (0, 0, 0, 1000, True)], 100.0))
    assert a["done"] and b["done"] and sorted(b["images"]) == [2, 3]
    text, ok = lenet_eval.report([a, b])
    first = text.splitlines()[0]
    # RTL right on images 0, 2, 3 (3/4); golden on 0, 3 (2/4); float (50 % x 2 + 100 % x 2) / 4
    assert "top-1 RTL 75.00% (3/4), golden 50.00% (2/4), float 75.00%" in first, first
    assert "RTL class = golden class on 3/4" in first and "layers bit-exact 7/8" in first, first
    # cycles per image: (1000 + 1200 + 1100 + 1000) / 4 + 100
    assert "RTL cycles per image 1175" in first and "2.00 s wall per image" in first, first
    assert any(ln.split()[:2] == ["conv", "1075"] for ln in text.splitlines()[1:]), text
    assert not ok


def test_resume_runs_only_uncovered_images(tmp_path):
    """A finished part log covering images 0-1 and a table: --images 2 runs nothing and reports
    the part's totals; exit 0 (every layer bit-exact)."""
    (tmp_path / "table.json").write_text("{}")
    (tmp_path / "part_0.log").write_text(_log(0, [(7, 7, 7, 900, True), (2, 2, 2, 900, True)], 100.0))
    r = subprocess.run([sys.executable, "-m", "tb.lenet_eval", "--images", "2", "--part", "1",
                        "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "part " not in r.stdout                     # nothing run
    assert "TOTAL 2 images: top-1 RTL 100.00% (2/2)" in r.stdout, r.stdout


def test_finished_tmp_counts_and_running_tmp_is_skipped(tmp_path):
    """A part_<K>.tmp with a SUMMARY (its driver was stopped after the part finished) becomes a
    log and counts; with --skip-running an unfinished one (header only) keeps its images from
    being taken again: --images 4 then has nothing left to run."""
    (tmp_path / "table.json").write_text("{}")
    (tmp_path / "part_0.tmp").write_text(_log(0, [(1, 1, 1, 900, True), (2, 2, 2, 900, True)], 100.0))
    (tmp_path / "part_2.tmp").write_text("# LeNet (x), per-kernel, int8 input, 2 images of MNIST t10k "
                                         "(4 images), from index 2; RTL engines: CONV\n")
    r = subprocess.run([sys.executable, "-m", "tb.lenet_eval", "--images", "4", "--skip-running",
                        "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "part_0.log").is_file() and "part " not in r.stdout, r.stdout
    assert "TOTAL 2 images" in r.stdout, r.stdout
