"""Testbench benchmark: NVIDIA's traces on our RTL through cocotb.

    python -m tb.bench [TRACES_ROOT] [--sims verilator,icarus] [--icarus-all] [--only engines|conv]

Engines table (sdp/pdp/cdp traces), per simulator: simulated cycles (from the trace's first CSB
access), wall seconds inside the simulator, cycles/s, and NVIDIA's nv_small RTL cycles
(summary.csv rtl_cycles, which include ~8,200 cycles of reset/idle before the trace starts).
Per simulator: the whole run's wall time, build excluded (the build is reused; a rebuild, when
the RTL changed, is timed separately). Icarus runs the quick subset unless --icarus-all.

Conv table (dc_* of nv_small, every trace of nv_small-synth; Verilator): our cycles, the MAC
and memory bounds (model/bounds.py), our cycles over the larger bound, NVIDIA's nv_small cycles
less its reset/idle cycles, wall seconds, cycles/s, and the targets of issue 9: never more
cycles than nv_small; within 1.1x of the larger bound where that bound exceeds 10,000 cycles.
While our RTL has no conv pipeline (hw/gen_top.present_units lacks a conv unit) the RTL columns
read n/a with that reason. Exit status 1 if a trace fails or a conv target is missed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from model import data

from .runner import TbSetupError, build_sim, run_traces, sim_available

BOUND_SLACK = 1.1            # our cycles may exceed the larger bound by 10% ...
BOUND_MIN = 10_000           # ... on traces whose larger bound exceeds this many cycles


def conv_engine_missing() -> str | None:
    """None when our RTL (hw/) instantiates the conv pipeline, else why it cannot run a conv
    trace. The units present are the generator's (hw/gen_top.present_units: the engines'
    <unit>_op_en ports)."""
    from model.nvdla import CONV_UNITS
    try:
        from hw.gen_top import present_units
        units = present_units()
    except (ImportError, OSError, ValueError) as e:   # WiringError is a ValueError
        return f"cannot tell which units hw/ has: {str(e).splitlines()[0]}"
    missing = [u for u in CONV_UNITS if u not in units]
    if missing:
        return f"our RTL has no conv engine ({', '.join(missing)} not instantiated in hw/)"
    return None


def conv_misses(cycles: int, bound: int, nv: int | None) -> list[str]:
    """The issue-9 targets a conv trace misses with ``cycles`` (our RTL), ``bound`` (the larger
    of the MAC and memory bounds) and ``nv`` (nv_small's cycles, None if unknown)."""
    out = []
    if nv is not None and cycles > nv:
        out.append("> nv_small")
    if bound > BOUND_MIN and cycles > BOUND_SLACK * bound:
        out.append(f"> {BOUND_SLACK}x bound")
    return out


def _fmt_int(v) -> str:
    return f"{v:,}" if isinstance(v, int) else str(v)


def conv_table(traces: list[Path], bnds: dict, results: dict | None, why_na: str | None,
               out=sys.stdout) -> int:
    """Print the conv table; ``bnds`` {name: ConvBounds or error str}, ``results`` {name: tb
    result dict} of our RTL (None when ``why_na`` says why it could not run). Returns 1 when a
    trace fails or misses a target, else 0."""
    from model.bounds import nv_small_cycles
    hdr = (f"{'trace':46s} {'result':6s} {'cycles':>10s} {'MAC bound':>10s} {'mem bound':>10s} "
           f"{'limit':>6s} {'ours/bnd':>8s} {'nv_small':>10s} {'nv/bnd':>6s} {'wall_s':>7s} "
           f"{'cycles/s':>9s}  target")
    print(hdr, file=out)
    rc = 0
    judged = {"nv": [0, []], "bound": [0, []]}       # traces judged, names missed
    failed = []
    tot_c = tot_w = 0.0
    for t in traces:
        b = bnds.get(t.name)
        nv = nv_small_cycles(t.name, t.parent.parent)
        if not hasattr(b, "bound"):
            print(f"{t.name:46s} {'ERROR':6s} bounds: {b}", file=out)
            rc = 1
            continue
        nvb = f"{nv / b.bound:6.3f}" if nv else f"{'n/a':>6s}"
        r = results.get(t.name) if results is not None else None
        if r is None:
            res, cyc, ratio, wall, cps = "n/a", "n/a", "n/a", "n/a", "n/a"
            target = "n/a" if results is None else "no result"
            rc |= results is not None
        else:
            res = "PASS" if r["passed"] else "FAIL"
            cyc, wall = int(r["cycles"]), float(r["wall"])
            ratio = f"{cyc / b.bound:8.3f}"
            cps = f"{cyc / wall:9.0f}" if wall > 0 else "n/a"
            wall = f"{wall:7.2f}"
            tot_c += cyc
            tot_w += float(r["wall"])
            if not r["passed"]:
                target, rc = "trace failed", 1
                failed.append(t.name)
            else:
                miss = conv_misses(cyc, b.bound, nv)
                if nv is not None:
                    judged["nv"][0] += 1
                    if "> nv_small" in miss:
                        judged["nv"][1].append(t.name)
                if b.bound > BOUND_MIN:
                    judged["bound"][0] += 1
                    if any(m.endswith("bound") for m in miss):
                        judged["bound"][1].append(t.name)
                target = "MISSED: " + ", ".join(miss) if miss else "met"
                rc |= bool(miss)
        print(f"{t.name:46s} {res:6s} {_fmt_int(cyc):>10s} {b.mac_cycles:>10,} "
              f"{b.mem_cycles:>10,} {b.limit:>6s} {ratio:>8s} {_fmt_int(nv):>10s} {nvb} "
              f"{wall:>7s} {cps:>9s}  {target}", file=out)
    if tot_w:
        print(f"{'total':46s} {'':6s} {int(tot_c):>10,} {'':>10s} {'':>10s} {'':>6s} {'':>8s} "
              f"{'':>10s} {'':>6s} {tot_w:7.2f} {tot_c / tot_w:9.0f}", file=out)
    if results is None:
        print(f"targets: not judged, our cycles n/a: {why_na}", file=out)
    else:
        if failed:
            print(f"{len(failed)} conv traces failed on our RTL (targets judged on passing "
                  f"traces only): {', '.join(failed)}", file=out)
        for key, what in (("nv", "never more cycles than nv_small"),
                          ("bound", f"within {BOUND_SLACK}x of the larger bound where it exceeds "
                                    f"{BOUND_MIN:,} cycles")):
            n, missed = judged[key]
            state = (f"MISSED on {len(missed)} of {n}: {', '.join(missed)}" if missed else
                     f"met on all {n}" if n else "not judged (no passing trace it applies to)")
            print(f"target {what}: {state}", file=out)
    return rc


def run_conv(root: Path, sims: list[str]) -> int:
    from model.bounds import BoundsError, conv_traces, trace_bounds
    traces = conv_traces(root)
    if not traces:
        print(f"== conv: no dc_*/nv_small-synth traces under {root}")
        return 2
    bnds: dict = {}
    for t in traces:                   # bounds from the registers of each trace's model run
        try:
            bnds[t.name] = trace_bounds(t)
        except (BoundsError, ValueError) as e:
            bnds[t.name] = str(e).splitlines()[0]
    why = None if "verilator" in sims else "Verilator not among --sims"
    why = why or sim_available("verilator") or conv_engine_missing()
    results = None
    head = f"== conv traces on verilator: {len(traces)} traces"
    if why is None:
        try:
            t0 = time.perf_counter()
            build_sim("verilator")
            tb = time.perf_counter() - t0
            t0 = time.perf_counter()
            results = run_traces("verilator", traces, None, tag="bench-conv")
            head += (f", {time.perf_counter() - t0:.1f} s wall for the whole run "
                     f"(build/check {tb:.1f} s)")
        except TbSetupError as e:
            why = str(e)
    if why is not None:
        head += f"; our cycles n/a: {why}"
    print(head)
    return conv_table(traces, bnds, results, why)


def run_engines(root: Path, sims: list[str], icarus_all: bool) -> int:
    tdir = root / "nv_small"
    traces = sorted(p for p in tdir.glob("*") if p.name.startswith(("sdp_", "pdp_", "cdp_"))
                    and (p / f"{p.name}.cfg").is_file()) if tdir.is_dir() else []
    if not traces:
        print(f"tb.bench: no sdp/pdp/cdp traces under {tdir}", file=sys.stderr)
        return 2
    from tests.tb.test_traces_rtl import ICARUS_SUBSET
    rc = 0
    for sim in sims:
        why = sim_available(sim)
        if why:
            print(f"== {sim}: skipped ({why})")
            continue
        sel = traces if (sim == "verilator" or icarus_all) else \
            [t for t in traces if t.name in ICARUS_SUBSET]
        try:
            t0 = time.perf_counter()
            build_sim(sim)
            tb = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = run_traces(sim, sel, None, tag="bench")
            wall = time.perf_counter() - t0
        except TbSetupError as e:
            print(f"== {sim}: {e}")
            rc = 1
            continue
        print(f"== {sim}: {len(sel)} traces, {wall:.1f} s wall for the whole run "
              f"(build/check {tb:.1f} s)")
        print(f"{'trace':40s} {'result':6s} {'cycles':>9s} {'wall_s':>7s} {'cycles/s':>9s} "
              f"{'nv_rtl_cycles':>13s}")
        tot_c = tot_w = 0.0
        for t in sel:
            r = res.get(t.name)
            if r is None:
                print(f"{t.name:40s} {'NORES':6s}")
                rc = 1
                continue
            ok = "PASS" if r["passed"] else "FAIL"
            rc |= not r["passed"]
            cps = r["cycles"] / r["wall"] if r["wall"] > 0 else 0.0
            tot_c += r["cycles"]
            tot_w += r["wall"]
            print(f"{t.name:40s} {ok:6s} {r['cycles']:9d} {r['wall']:7.2f} {cps:9.0f} "
                  f"{r.get('nv_cycles') or 0:13d}")
        if tot_w:
            print(f"{'total':40s} {'':6s} {int(tot_c):9d} {tot_w:7.2f} {tot_c / tot_w:9.0f}")
    return rc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.bench",
                                 description="NVIDIA's traces on our RTL: cycles, wall time, "
                                             "bounds and nv_small's cycles.")
    ap.add_argument("root", nargs="?", default=None, help="traces root (default model.data)")
    ap.add_argument("--sims", default="verilator,icarus")
    ap.add_argument("--icarus-all", action="store_true")
    ap.add_argument("--only", choices=("engines", "conv"), default=None,
                    help="only the sdp/pdp/cdp table or only the conv table")
    a = ap.parse_args(argv)
    root = Path(a.root) if a.root else data.traces_root()
    sims = [s for s in a.sims.split(",") if s]
    rc = 0
    if a.only != "conv":
        rc = max(rc, run_engines(root, sims, a.icarus_all))
    if a.only != "engines":
        rc = max(rc, run_conv(root, sims))
    return rc


if __name__ == "__main__":
    sys.exit(main())
