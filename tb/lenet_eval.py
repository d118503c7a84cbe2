"""A long TEST=lenet evaluation in resumable parts (not a test: hours of simulation).

    nice -n 10 python -m tb.lenet_eval --images 1000 --part 100 [--mode per-filter --input image]
    python -m tb.lenet_eval --images 1000 --part 100 --report     # totals of the parts done so far

Runs ``python -m tb.lenet --first K --images P`` for K = 0, P, 2P, ... (one simulator session per
part, every layer of every image against the golden model as TEST=lenet does), each part's output
in <out>/part_<K>.log and its files under <out>/part_<K>/ (--jobs parts at a time). A part whose
log has a SUMMARY line is done and its images are not run again: the same command (any --part)
after an interrupt resumes with the images no finished part covers. The calibration
table is computed once (<out>/table.json, read back bit-exactly) so every part runs the same
program. At the end (and with --report): RTL top-1, golden top-1, float top-1 over the images done,
layers bit-exact, RTL classes equal to the golden model's, cycles per image; exit status 0 when
every layer that ran was bit-exact.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_IMAGE = re.compile(r"^IMAGE img(\d+): RTL class (\S+), golden class (\d+), label (\S+)")
_LAYER = re.compile(r"^(PASS|FAIL) img(\d+) (\S+)\s.* (\d+) cycles")
_FLOAT = re.compile(r"float (\d+(?:\.\d+)?)%")
_PHASES = re.compile(r"per image (\d+(?:\.\d+)?) s")


def parse_log(text: str) -> dict:
    """Per-image classes, per-layer verdicts and cycles, float top-1 of one part's log."""
    images, layers = {}, []
    float_top1 = per_image_s = None
    head = next((ln[2:].split(", int8 input")[0].split(", image input")[0]
                 for ln in text.splitlines() if ln.startswith("# ")), "")
    for line in text.splitlines():
        m = _IMAGE.match(line)
        if m:
            rtl = int(m.group(2)) if m.group(2).isdigit() else None
            images[int(m.group(1))] = (rtl, int(m.group(3)), int(m.group(4)) if m.group(4).isdigit() else None)
            continue
        m = _LAYER.match(line)
        if m:
            layers.append((m.group(1) == "PASS", int(m.group(2)), m.group(3), int(m.group(4))))
            continue
        if line.startswith("SUMMARY"):
            m = _FLOAT.search(line)
            float_top1 = float(m.group(1)) if m else None
        elif line.startswith("PHASES"):
            m = _PHASES.search(line)
            per_image_s = float(m.group(1)) if m else None
    return {"images": images, "layers": layers, "float": float_top1, "s_per_image": per_image_s,
            "net": head,
            "done": any(ln.startswith("SUMMARY") for ln in text.splitlines())}


def report(parts: list[dict]) -> tuple[str, bool]:
    imgs = {k: v for p in parts for k, v in p["images"].items()}
    layers = [x for p in parts for x in p["layers"]]
    n = len(imgs)
    if not n:
        return "no part finished yet", True
    lab = [v for v in imgs.values() if v[2] is not None]
    rtl_ok = sum(v[0] == v[2] for v in lab)
    gold_ok = sum(v[1] == v[2] for v in lab)
    same = sum(v[0] == v[1] for v in imgs.values())
    npass = sum(x[0] for x in layers)
    fl = [(p["float"], len(p["images"])) for p in parts if p["float"] is not None]
    ftop = sum(f * k for f, k in fl) / max(1, sum(k for _, k in fl))
    cyc: dict[int, int] = {}
    per_layer: dict[str, list[int]] = {}
    for _, i, name, c in layers:
        cyc[i] = cyc.get(i, 0) + c
        per_layer.setdefault(name, []).append(c)
    spi = [p["s_per_image"] for p in parts if p["s_per_image"]]
    lines = [f"{n} images: top-1 RTL {100 * rtl_ok / len(lab):.2f}% ({rtl_ok}/{len(lab)}), golden "
             f"{100 * gold_ok / len(lab):.2f}% ({gold_ok}/{len(lab)}), float {ftop:.2f}%; RTL class = golden "
             f"class on {same}/{n}; layers bit-exact {npass}/{len(layers)}; RTL cycles per image "
             f"{sum(cyc.values()) / max(1, len(cyc)):.0f}"
             + (f"; {sum(spi) / len(spi):.2f} s wall per image" if spi else "")]
    lines += [f"  net: {h}" for h in sorted({p.get("net", "") for p in parts}) if h]
    for name, cs in per_layer.items():
        lines.append(f"  {name:14s} {sum(cs) / len(cs):9.0f} cycles per image (min {min(cs)}, max {max(cs)})")
    return "\n".join(lines), npass == len(layers)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.lenet_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--part", type=int, default=100, help="images per simulator session")
    ap.add_argument("--mode", default="per-kernel")
    ap.add_argument("--input", default="int8")
    ap.add_argument("--sim", default="verilator")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--start", type=int, default=0, help="first image index this run takes (default 0)")
    ap.add_argument("--skip-running", action="store_true",
                    help="leave the images of unfinished parts (part_<K>.tmp, e.g. of another run still "
                         "going) alone")
    ap.add_argument("--jobs", type=int, default=1, help="parts run at the same time (default 1)")
    ap.add_argument("--reverse", action="store_true",
                    help="run the parts from the last image down (a second run beside a first one "
                         "meets it in the middle; a part already finished is never run again)")
    ap.add_argument("--report", action="store_true", help="only print the totals of the parts done")
    ap.add_argument("extra", nargs="*", help="more tb.lenet options after --")
    a = ap.parse_args(argv)
    out = a.out or REPO / "build" / "lenet-eval" / f"{a.mode}-{a.input}"
    out.mkdir(parents=True, exist_ok=True)
    table = out / "table.json"
    if not a.report and not table.is_file():
        from calib import tables
        from calib.compile import load_scales
        from calib.net import Net
        from tb.lenet import _net_files, parser
        args = parser().parse_args([])
        args.prototxt, args.caffemodel = _net_files(args)
        net = Net.load(args.prototxt, args.caffemodel)
        scales = load_scales(args, net)
        tmp = table.with_suffix(".tmp.json")
        tables.write_json(tmp, scales)
        back = tables.read_table(tmp, net)
        bad = [k for k in scales if float(back[k]) != float(scales[k])]
        if bad:
            print(f"error: {tmp}: the table does not read back exactly ({bad[0]})", file=sys.stderr)
            return 2
        tmp.replace(table)
    parts, covered = [], set()
    for tmp in sorted(out.glob("part_*.tmp")):           # a part whose driver was stopped
        text = tmp.read_text()
        if any(ln.startswith("SUMMARY") for ln in text.splitlines()):
            tmp.replace(tmp.with_suffix(".log"))         # ... finished: it counts
        elif a.skip_running:                              # ... still running: not taken again
            m = re.search(r", (\d+) images of ", text)
            k = re.search(r"from index (\d+)", text)
            if m:
                k0 = int(k.group(1)) if k else 0
                covered |= set(range(k0, k0 + int(m.group(1))))
    for log in sorted(out.glob("part_*.log")):          # parts done earlier (any part size)
        p = parse_log(log.read_text())
        if p["done"] and not covered & set(p["images"]):
            parts.append(p)
            covered |= set(p["images"])
    todo = [i for i in range(a.start, a.images) if i not in covered]
    chunks = []                                          # consecutive images, at most --part each
    for i in todo:
        if chunks and chunks[-1][-1] == i - 1 and len(chunks[-1]) < a.part:
            chunks[-1].append(i)
        else:
            chunks.append([i])
    if a.reverse:                   # from the last image down: a second run beside a first one
        chunks.reverse()
    if a.report:
        chunks = []
    running: list = []

    def finish(job):
        k, n, log, proc, f = job
        proc.wait()
        f.close()
        log.with_suffix(".tmp").replace(log)
        p = parse_log(log.read_text())
        print(f"part {k}..{k + n - 1}: " + report([p])[0].splitlines()[0], flush=True)
        if p["done"]:
            parts.append(p)
    try:
        for ch in chunks:
            while len(running) >= a.jobs:
                for job in list(running):
                    if job[3].poll() is not None:
                        running.remove(job)
                        finish(job)
                time.sleep(1)
            k, n = ch[0], len(ch)
            log = out / f"part_{k}.log"
            cmd = [sys.executable, "-m", "tb.lenet", "--sim", a.sim, "--first", str(k), "--images", str(n),
                   "--mode", a.mode, "--input", a.input, "--table", str(table),
                   "--out", str(out / f"part_{k}")] + a.extra
            print(f"part {k}..{k + n - 1}: {' '.join(cmd[1:])}", flush=True)
            f = open(log.with_suffix(".tmp"), "w")
            running.append((k, n, log, subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=REPO), f))
        for job in running:
            finish(job)
    except KeyboardInterrupt:
        for job in running:
            job[3].terminate()
        raise
    text, ok = report(parts)
    print(f"TOTAL {text}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
