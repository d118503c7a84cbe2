"""Run NVIDIA trace directories (or the register tests) on the RTL through cocotb.

    python -m tb.run --sim verilator --test trace DIR [DIR ...]   # PASS/FAIL lines as model.trace
    python -m tb.run --sim icarus --test regs
    python -m tb.run --sim verilator --rtl-filelist my.f --toplevel NV_nvdla --test trace DIR

DIR is a trace directory or a folder of them.  --seed N randomizes memory latency/back-pressure.
Exit status 1 on any failure, 2 on a usage/setup problem.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from model.trace import collect

from .runner import SIMS, TbSetupError, run_tests, run_traces


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.run", description=__doc__.splitlines()[0])
    ap.add_argument("--sim", default="verilator", choices=SIMS)
    ap.add_argument("--test", default="trace", choices=("trace", "regs", "unmapped", "pyop"))
    ap.add_argument("--seed", type=int, default=None, help="randomized memory timing seed")
    ap.add_argument("--rtl-filelist", default=None, help="build this .f file list instead of hw/")
    ap.add_argument("--toplevel", default=None, help="DUT module of --rtl-filelist (NV_nvdla)")
    ap.add_argument("--keep-dumps", default=None, metavar="DIR",
                    help="keep every checked region (RTL, golden, NVIDIA bytes + layout) under "
                         "DIR/<trace>/ for python -m tb.diff")
    ap.add_argument("--waves", action="store_true",
                    help="write an FST per trace (build/<sim>-waves, one run per trace); also $WAVES=1")
    ap.add_argument("--waves-dir", default=None, metavar="DIR",
                    help="where the FSTs go (default build/waves/<sim>)")
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        if a.test != "trace":
            tc = {"regs": "RegTest", "unmapped": "UnmappedTest", "pyop": "PyOpTest"}[a.test]
            from .runner import BUILD
            out = BUILD / a.sim / f"results-{a.test}-{os.getpid()}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            env = {"TB_RESULTS": str(out)}
            if a.seed is not None:
                env["TB_SEED"] = str(a.seed)
            try:
                run_tests(a.sim, tc, env, f"{a.test}-{os.getpid()}", a.rtl_filelist, a.toplevel)
            except (RuntimeError, SystemExit):
                pass                              # the failures are in the results file
            res = json.loads(out.read_text()) if out.is_file() else {"failures": ["no result"]}
            out.unlink(missing_ok=True)
            for f in res["failures"]:
                print(f"FAIL {f}")
            print(f"{a.test}: {res.get('checked', 0)} checks, {len(res['failures'])} failures")
            return 1 if res["failures"] else 0
        dirs = collect(a.dirs)
        if not dirs:
            print(f"no trace directory (<dir>/<dir>.cfg) in {a.dirs}", file=sys.stderr)
            return 2
        if a.keep_dumps and Path(a.keep_dumps).exists() and not Path(a.keep_dumps).is_dir():
            print(f"error: --keep-dumps {a.keep_dumps}: not a directory", file=sys.stderr)
            return 2
        waves = a.waves or a.waves_dir is not None or os.environ.get("WAVES", "") in ("1", "true", "yes")
        wdir = None
        if waves:
            from .runner import BUILD
            wdir = Path(a.waves_dir) if a.waves_dir else BUILD / "waves" / a.sim
            if wdir.exists() and not wdir.is_dir():
                print(f"error: --waves-dir {wdir}: not a directory", file=sys.stderr)
                return 2
        res = run_traces(a.sim, dirs, a.seed, a.rtl_filelist, a.toplevel,
                         keep_dumps=a.keep_dumps, waves_dir=wdir)
    except TbSetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    npass = nfail = 0
    for d in dirs:
        r = res.get(d.name)
        if r is None:
            print(f"FAIL {d.name}: no result (simulator stopped early, see its log)")
            nfail += 1
            continue
        print(r["line"])
        if "waves" in r:
            print(f"waves {d.name}: {r['waves'] or 'no FST written (see the simulator log)'}")
        npass += r["passed"]
        nfail += not r["passed"]
    print(f"{npass} passed, {nfail} failed ({time.perf_counter() - t0:.1f} s, {a.sim})")
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
