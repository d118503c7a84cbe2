"""Wall time of NVIDIA's trace set on the golden model (``make bench``).

    python -m model.bench [DIR ...]      (default: $NVDLA_TRACES)

Prints the wall time per trace (slowest first), the total, and the target (whole set under 60 s
on the 2-core CI machine). Exit status 1 if a trace fails or the target is missed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from . import data
from .trace import collect, run_trace

TARGET_S = 60.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m model.bench",
                                 description="Wall time of NVIDIA's trace set on the golden model.")
    ap.add_argument("dirs", nargs="*", help="trace dirs or folders of them (default $NVDLA_TRACES)")
    argv = ap.parse_args(argv).dirs
    dirs = collect(argv or [data.traces_root()])
    if not dirs:
        print(f"no trace directories under {' '.join(argv) or data.traces_root()}", file=sys.stderr)
        return 2
    rows = []
    t0 = time.perf_counter()
    for i, d in enumerate(dirs, 1):
        if sys.stderr.isatty():
            print(f"\r[{i}/{len(dirs)}] {d.name}\033[K", end="", file=sys.stderr, flush=True)
        r = run_trace(d)
        rows.append((r.seconds, d.parent.name, r))
    total = time.perf_counter() - t0
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    cpu = time.process_time()
    nfail = 0
    print(f"{'seconds':>8}  {'result':6}  trace")
    for s, group, r in sorted(rows, key=lambda x: -x[0]):
        ok = "PASS" if r.passed else "FAIL"
        nfail += not r.passed
        print(f"{s:8.3f}  {ok:6}  {group}/{r.name}")
    print(f"total: {len(rows)} traces, {total:.2f} s wall ({cpu:.2f} s CPU, "
          f"{os.cpu_count()} cores visible), target < {TARGET_S:.0f} s: "
          f"{'met' if total < TARGET_S else 'MISSED'}; {nfail} failed")
    return 1 if nfail or total >= TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
