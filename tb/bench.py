"""Testbench benchmark: NVIDIA's sdp/pdp/cdp and conv traces (dc_*, img_*, nv_small-synth) on our
RTL through cocotb, per simulator.

    python -m tb.bench [TRACES_ROOT] [--sims verilator,icarus] [--icarus-all]

Per trace: simulated cycles (from reset release), wall seconds inside the simulator,
cycles/s, and NVIDIA's nv_small RTL cycles (summary.csv rtl_cycles, which include ~8,200 cycles
of reset/idle before the trace starts).  Per simulator: the whole run's wall time, build
excluded (the build is reused; a rebuild, when the RTL changed, is timed separately).
Icarus runs the quick subset unless --icarus-all.
Conv traces add (tb/conv_bench.py): the MAC bound ceil(C/8)*ceil(K/8)*R*S*Wout*Hout, the memory
bound (bytes over the 64-bit DBB / 8), our cycles over the larger bound, and nv_small's cycles
less its reset/idle (summary.csv rtl_cycles - model.data.NV_RESET_IDLE_CYCLES).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from model import data

from .conv_bench import conv_bounds
from .runner import TbSetupError, build_sim, run_traces, sim_available


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.bench")
    ap.add_argument("root", nargs="?", default=None, help="traces root (default model.data)")
    ap.add_argument("--sims", default="verilator,icarus")
    ap.add_argument("--icarus-all", action="store_true")
    a = ap.parse_args(argv)
    root = Path(a.root) if a.root else data.traces_root()
    tdir = root / "nv_small"
    traces = sorted(p for p in tdir.glob("*") if p.name.startswith(("sdp_", "pdp_", "cdp_", "dc_", "img_"))
                    and (p / f"{p.name}.cfg").is_file()) if tdir.is_dir() else []
    sdir = root / "nv_small-synth"
    if sdir.is_dir():
        traces += sorted(p for p in sdir.glob("*") if (p / f"{p.name}.cfg").is_file())
    if not traces:
        print(f"tb.bench: no sdp/pdp/cdp traces under {tdir}", file=sys.stderr)
        return 2
    from tests.tb.test_traces_rtl import ICARUS_SUBSET
    rc = 0
    for sim in a.sims.split(","):
        why = sim_available(sim)
        if why:
            print(f"== {sim}: skipped ({why})")
            continue
        sel = traces if (sim == "verilator" or a.icarus_all) else \
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
        conv_rows = []
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
            b = conv_bounds(t) if t.name.startswith(("dc_", "img_")) else None
            if b:
                conv_rows.append((t.name, r, b))
        if tot_w:
            print(f"{'total':40s} {'':6s} {int(tot_c):9d} {tot_w:7.2f} {tot_c / tot_w:9.0f}")
        if conv_rows:
            print(f"-- {sim}: conv traces vs bounds (64 MACs/cycle; DBB 8 bytes/cycle)")
            print(f"{'trace':44s} {'cycles':>9s} {'mac_bound':>9s} {'mem_bound':>9s} "
                  f"{'x_bound':>7s} {'nv_cycles':>9s} {'x_nv':>5s} {'wall_s':>7s} {'cycles/s':>9s}")
            for name, r, b in conv_rows:
                nv = (r.get("nv_cycles") or 0) - data.NV_RESET_IDLE_CYCLES
                bound = max(b["mac"], b["mem"])
                cps = r["cycles"] / r["wall"] if r["wall"] > 0 else 0.0
                print(f"{name:44s} {r['cycles']:9d} {b['mac']:9d} {b['mem']:9d} "
                      f"{r['cycles'] / bound:7.3f} {nv:9d} {r['cycles'] / nv if nv > 0 else 0:5.2f} "
                      f"{r['wall']:7.2f} {cps:9.0f}")
            cw = sum(r["wall"] for _, r, _ in conv_rows)
            cc = sum(r["cycles"] for _, r, _ in conv_rows)
            print(f"{'conv total (wall in the simulator)':44s} {cc:9d} {'':9s} {'':9s} {'':7s} "
                  f"{'':9s} {'':5s} {cw:7.2f} {cc / cw if cw else 0:9.0f}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
