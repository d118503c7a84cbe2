"""A program of hardware layers run layer by layer on the RTL, every layer against the golden model:
the runner shared by ``TEST=lenet`` (tb/lenet.py, calib.compile's programs) and ``TEST=loadable``
(tb/loadable.py, nvdla_compiler loadables programmed the firmware's way).

A *program* is a calib.compile.Program (or one built like it): ``layers`` (HwLayer: name, engines,
``out`` Surface, macs, bytes_moved; a layer may carry ``unsupported``, the reason nothing here can
run it), ``golden_regions(x, keep_bytes=True)`` ({layer: (addr, size, crc, bytes)}, layers the
golden model cannot run absent), ``write_layer_trace(dir, name, k, golden)``,
``write_trace(dir, name, x, golden=)`` (the whole program as one trace), ``describe()``.

Per image, each layer becomes one trace (NVIDIA's format); all run in one simulator session.
Output: one line per layer (PASS/FAIL with the first differing (c, h, w), SKIP with the reason),
per image the RTL's and the golden model's class (and the caller's references), then SUMMARY.
On disk under ``out``: img<i>/golden/<layer>.bin, img<i>/rtl/<layer>.bin, img<i>/layout.json,
img<i>/layers/<trace>/, img<i>/whole/<trace>/, dumps/ (tb.diff's keep-dumps), results.json.

Progress: a layer's line is printed as soon as the simulator has finished it (the testbench rewrites
its results file after every trace). Resume: every finished trace's result is kept in
``out/results.json`` under a digest of the trace's files, the simulator, seed, RTL build and the
testbench's and golden model's Python; a rerun with the same output directory (after an
interrupt, say) plays only the traces without a result there (``fresh=True`` ignores them).
"""
from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from pathlib import Path

import numpy as np

from model.memory import ATOM

# the register units each hardware-layer engine needs (TOML names)
ENGINE_UNITS = {"SDP": ("SDP",), "PDP": ("PDP",), "CDP": ("CDP",),
                "CONV": ("CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC")}


def rtl_engines(rtl_filelist=None) -> set[str]:
    """Engines the DUT has: every engine for an external RTL (NVIDIA's NV_nvdla has them all);
    for our hw/nvsmall_top the units the wiring generator finds engines for
    (hw/gen_top.present_units)."""
    if rtl_filelist:
        return set(ENGINE_UNITS)
    from hw.gen_top import present_units
    have = set(present_units())
    return {e for e, units in ENGINE_UNITS.items() if set(units) <= have}


def layer_engines(engines: str) -> set[str]:
    return set(engines.split("+"))


def first_diff(surface, exp: np.ndarray, got: np.ndarray) -> tuple[str, int]:
    """'(c, h, w) expected/got' of the first differing element (in address order) over the
    channels that hold data, and how many of those elements differ (tb.diff.compare's
    data-channel figures: padding lanes are not elements of the layer's output)."""
    from tb.diff import Layout, compare
    lay = Layout("cube", c=surface.c, h=surface.h, w=surface.w, line_stride=surface.line_stride,
                 surf_stride=ATOM if surface.packed else surface.surf_stride, base=surface.addr)
    rep = compare(exp, got, lay, ("golden", "RTL"))
    if not rep.data_mismatches:
        nb = int((np.asarray(exp) != np.asarray(got)).sum())
        return f"only padding lanes differ ({nb} bytes)", 0
    (c, h, w), (e, g) = rep.data_first, rep.data_first_values
    return (f"first difference at (c,h,w)=({c},{h},{w}): golden {e}, RTL {g}; "
            f"{rep.data_mismatches} of {rep.data_total} elements differ"), rep.data_mismatches


def _digest(trace: Path, salt: str) -> str:
    h = hashlib.sha1(salt.encode())
    for f in sorted(Path(trace).iterdir()):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _code_digest() -> str:
    """The testbench's and the golden model's Python: a result is reused only while they are
    unchanged (the RTL and the harness Verilog are in the build stamp)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha1()
    for f in sorted([*root.glob("tb/*.py"), *root.glob("model/*.py"), *root.glob("model/*.toml")]):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


class _Results:
    """The results of this run's traces as they come (polling the testbench's results file while
    the simulator runs in a thread), merged with those of earlier runs (resume)."""

    def __init__(self, out: Path, keys: dict[str, str], fresh: bool):
        self.path = out / "results.json"
        self.live = out / "results-live.json"
        self.keys = keys                   # trace name -> digest
        self.done: dict[str, dict] = {}
        self.old: dict[str, dict] = {}
        if not fresh and self.path.is_file():
            try:
                self.old = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self.old = {}
        for name, key in keys.items():
            r = self.old.get(key)
            if r is not None:
                self.done[name] = r
        self.resumed = len(self.done)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def todo(self) -> list[str]:
        return [n for n in self.keys if n not in self.done]

    def start(self, fn) -> None:
        self.live.unlink(missing_ok=True)

        def body():
            try:
                fn(self.live)
            except BaseException as e:      # handed to the main thread by wait()
                self.error = e
        self.thread = threading.Thread(target=body, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        try:
            got = json.loads(self.live.read_text())
        except (OSError, ValueError):         # not there yet, or being rewritten
            return
        if isinstance(got, dict):
            new = {k: v for k, v in got.items() if k in self.keys and k not in self.done}
            if new:
                self.done.update(new)
                self.save()

    def save(self) -> None:
        for name, r in self.done.items():
            self.old[self.keys[name]] = r
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.old, indent=1))
        tmp.replace(self.path)

    def wait(self, names) -> None:
        """Until every trace in ``names`` has a result or the simulator has stopped."""
        while self.thread is not None and any(n not in self.done for n in names):
            if not self.thread.is_alive():
                self.thread.join()
                self._poll()
                self.thread = None
                break
            self._poll()
            time.sleep(0.5)
        if self.error is not None:
            e, self.error = self.error, None
            raise e

    def get(self, name):
        return self.done.get(name)


def run_program(prog, x, y, args, out: Path, tag: str, have: set[str], *, what: str = "",
                image_refs: dict | None = None, summary_refs: dict | None = None,
                golden_class=None, t0: float | None = None, first: int = 0,
                phase: dict | None = None) -> int:
    """Run ``prog`` on the RTL for inputs ``x`` (labels ``y``, -1 unknown), report, return the exit
    status (0: every layer that ran bit-exact; 1 otherwise). ``args``: sim, seed, rtl_filelist,
    toplevel, waves, whole, fresh. ``image_refs``: {name: per-image class} printed on each
    IMAGE line (e.g. calib.evaluate's int8 class); ``summary_refs``: {name: per-image class}
    whose top-1 the summary adds (e.g. float). ``golden_class(i, golden)``: the golden class of
    image i (default: argmax of the last layer's output). ``t0``: start of the wall time reported.
    ``first``: the index of x[0] in the caller's image set (names img<first + i>). ``phase``: a
    dict of wall seconds per phase the caller started (e.g. calibration, compile); given, this
    adds golden model, trace writing, simulator session and report, and prints a PHASES line."""
    from tb.runner import TbSetupError, build_sim, run_traces
    t0 = time.perf_counter() if t0 is None else t0
    image_refs, summary_refs = image_refs or {}, summary_refs or {}
    laps = phase if phase is not None else {}

    def lap(name, since):
        now = time.perf_counter()
        laps[name] = laps.get(name, 0.0) + now - since
        return now
    t = time.perf_counter()
    # golden runs and traces
    traces, plan, golden = [], [], []          # plan: (image, layer index, trace dir or None)
    layout = {h.name: h.out.layout() for h in prog.layers}
    for i in range(len(x)):
        g = prog.golden_regions(x[i], keep_bytes=True)
        golden.append(g)
        t = lap("golden model", t)
        img = out / f"img{first + i}"
        (img / "golden").mkdir(parents=True, exist_ok=True)
        (img / "rtl").mkdir(parents=True, exist_ok=True)
        (img / "layout.json").write_text(json.dumps(layout, indent=1))
        for h in prog.layers:
            if h.name in g:
                (img / "golden" / f"{h.name}.bin").write_bytes(g[h.name][3].tobytes())
        if all(h.name in g for h in prog.layers):
            prog.write_trace(img / "whole", f"{tag}_img{first + i}", x[i], golden=g)
        for k, h in enumerate(prog.layers):
            if h.name in g and layer_engines(h.engines) <= have:
                d = prog.write_layer_trace(img / "layers", f"img{first + i}_{k}_{_ident(h.name)}", k, g)
                traces.append(d)
                plan.append((i, k, d))
            else:
                plan.append((i, k, None))
        t = lap("trace writing", t)
    res = None
    if traces:
        try:
            bdir = build_sim(args.sim, args.rtl_filelist, args.toplevel, waves=bool(args.waves))
        except TbSetupError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        stamp = (bdir / ".tb_build_stamp").read_text()
        salt = f"{args.sim}|{args.seed}|{stamp}|waves={bool(args.waves)}|{_code_digest()}"
        res = _Results(out, {d.name: _digest(d, salt) for d in traces}, getattr(args, "fresh", False))
        todo = [d for d in traces if d.name in set(res.todo())]
        if res.resumed:
            print(f"# resumed: {res.resumed} of {len(traces)} layer traces already done in "
                  f"{res.path} (--fresh to run them again)")
        if todo:
            print(f"# {len(todo)} layer traces on {args.sim} in one simulator session; lines follow "
                  "as layers finish", flush=True)

            def sim(live):
                ts = time.perf_counter()
                r = run_traces(args.sim, todo, args.seed, args.rtl_filelist, args.toplevel,
                               keep_dumps=out / "dumps",
                               waves_dir=out / "waves" if args.waves else None, results=live)
                res.done.update({k: v for k, v in r.items() if k in res.keys})
                res.save()
                lap("simulator session", ts)
            res.start(sim)
    # report
    n_run = n_pass = n_skip = 0
    cycles = [0] * len(x)
    rtl_pred = [None] * len(x)
    gold_pred = []
    missing = {}
    nl = len(prog.layers)
    try:
        for i in range(len(x)):
            blocked = None
            lay_cyc: dict[int, int] = {}         # layer -> cycles of its own trace, this image
            for k, h in enumerate(prog.layers):
                _, _, d = plan[i * nl + k]
                if d is not None:
                    try:
                        res.wait([d.name])
                    except TbSetupError as e:
                        print(f"error: {e}", file=sys.stderr)
                        return 2
                shape = f"{h.out.c}x{h.out.h}x{h.out.w}"
                if d is None:
                    n_skip += 1
                    why = getattr(h, "unsupported", None)
                    if why:
                        blocked = blocked or h.name
                        missing[h.name] = why.split("; not run")[0]
                        print(f"SKIP img{first + i} {h.name:14s} {h.engines:13s} {shape:9s} {why}")
                    elif h.name not in golden[i]:
                        missing[h.name] = f"after {blocked}"
                        print(f"SKIP img{first + i} {h.name:14s} {h.engines:13s} {shape:9s} not run: its input "
                              f"comes after {blocked}, which neither the golden model nor the RTL runs")
                    else:
                        lack = sorted(layer_engines(h.engines) - have)
                        missing[h.name] = f"no {'/'.join(lack)}"
                        print(f"SKIP img{first + i} {h.name:14s} {h.engines:13s} {shape:9s} RTL has no "
                              f"{'/'.join(lack)} engine (golden output used for the next layer)")
                    continue
                n_run += 1
                gb = golden[i][h.name][3]
                r = res.get(d.name)
                # the check's dump as tb.diff keeps it: dumps/<trace>/<check>_<base>_<size>/rtl.bin
                dump = next(iter((out / "dumps" / d.name).glob(f"*_{h.out.addr:x}_{h.out.size:x}/rtl.bin")), None)
                rb = np.frombuffer(dump.read_bytes(), np.uint8) if dump is not None else None
                if rb is not None:
                    (out / f"img{first + i}" / "rtl" / f"{h.name}.bin").write_bytes(rb.tobytes())
                cyc = r.get("cycles", 0) if r else 0
                lay_cyc[k] = cyc
                j = getattr(h, "chain_from", k)
                if j < k and cyc:
                    # a CBUF-reuse conv's trace replays layers j..k-1 first: its own share is
                    # what the chain took beyond their own traces (no cycle counted twice)
                    cyc = max(0, cyc - sum(lay_cyc.get(m, 0) for m in range(j, k)))
                cycles[i] += cyc
                if r and args.waves and "waves" not in r:     # a result read while the run went on
                    wf = (out / "waves" / f"{d.name}.fst").resolve()
                    r["waves"] = str(wf) if wf.is_file() else None
                if r and "waves" in r:
                    print(f"waves img{first + i} {h.name}: {r['waves'] or 'no FST written (see the simulator log)'}")
                if r is not None and r["passed"]:
                    n_pass += 1
                    ideal = (f" (ideal: MACs/64 {h.macs // 64}, bytes/8 {h.bytes_moved // 8})"
                             if h.bytes_moved else "")
                    print(f"PASS img{first + i} {h.name:14s} {h.engines:13s} {shape:9s} {cyc} cycles{ideal}", flush=True)
                    if k == nl - 1 and rb is not None:
                        rtl_pred[i] = int(h.out.read_from(rb).reshape(-1).argmax())
                else:
                    why = r.get("message", "") if r else "no result (simulator stopped early)"
                    loc = ""
                    if rb is not None and rb.size == gb.size:
                        loc, _ = first_diff(h.out, gb, rb)
                        if k == nl - 1:
                            rtl_pred[i] = int(h.out.read_from(rb).reshape(-1).argmax())
                    print(f"FAIL img{first + i} {h.name:14s} {h.engines:13s} {shape:9s} {cyc} cycles: "
                          f"{loc or why}" + (f" [{why}]" if loc and why else ""), flush=True)
            if golden_class is not None:
                gp = golden_class(i, golden[i])
            else:
                last = prog.layers[-1]
                gp = (int(last.out.read_from(golden[i][last.name][3]).reshape(-1).argmax())
                      if last.name in golden[i] else None)
            gold_pred.append(gp)
            lab = int(y[i])
            refs = "".join(f", {n} {v[i]}" for n, v in image_refs.items())
            print(f"IMAGE img{first + i}: RTL class {rtl_pred[i] if rtl_pred[i] is not None else 'n/a (last layer not run)'}, "
                  f"golden class {gp if gp is not None else 'n/a'}{refs}, label {lab if lab >= 0 else 'n/a'}",
                  flush=True)
    except KeyboardInterrupt:
        if res is not None:
            res._poll()
            res.save()
            print(f"\ninterrupted: {len(res.done)} of {len(traces)} layer traces done, kept in {res.path}; "
                  "the same command resumes", file=sys.stderr)
        raise
    if res is not None and res.thread is not None:
        res.thread.join()                    # its last save; every result is in already
        res.thread = None
    t = time.perf_counter()
    whole_ok = True
    if args.whole:
        if any(d is None for _, _, d in plan):
            print("WHOLE skipped: the RTL lacks an engine of this network")
        else:
            dirs = [next((out / f"img{first + i}" / "whole").iterdir()) for i in range(len(x))]
            wres = run_traces(args.sim, dirs, args.seed, args.rtl_filelist, args.toplevel)
            for i, d in enumerate(dirs):
                r = wres.get(d.name)
                ok = bool(r and r["passed"])
                whole_ok &= ok
                print(f"WHOLE img{first + i}: {'PASS' if ok else 'FAIL'} all {nl} layers chained in one trace"
                      + (f", {r['cycles']} cycles" if r else "") + ("" if ok else f": {r.get('message', '') if r else 'no result'}"))
    lab_ok = bool((np.asarray(y) >= 0).all())

    def top1(p):
        if not lab_ok or p is None or any(v is None for v in p):
            return "n/a"
        return f"{100 * np.mean(np.array(p) == y):.1f}%"
    wall = time.perf_counter() - t0
    macs = sum(h.macs for h in prog.layers)
    moved = sum(h.bytes_moved for h in prog.layers)
    skipped = ", ".join(f"{k}: {v}" for k, v in missing.items()) or "none"
    refs = "".join(f", {n} {top1(v)}" for n, v in summary_refs.items())
    print(f"SUMMARY {len(x)} images, {n_run} layer runs on RTL: {n_pass} bit-exact, {n_run - n_pass} failed; "
          f"{n_skip} skipped ({skipped}); "
          f"top-1 RTL {top1(rtl_pred)}, golden {top1(gold_pred)}{refs}; "
          f"RTL cycles per image {np.mean(cycles):.0f} over the layers run (ideal for the whole net: "
          f"MACs/64 = {macs // 64}, bytes/8 = {moved // 8}); wall {wall:.1f} s")
    if phase is not None:
        lap("report", t)
        rtl_wall = sum(r.get("wall", 0.0) for r in (res.done.values() if res is not None else ()))
        print("PHASES " + ", ".join(f"{k} {v:.1f} s" for k, v in laps.items())
              + f"; in the simulator: {rtl_wall:.1f} s playing traces ({sum(cycles) / max(rtl_wall, 1e-9):.0f} cycles/s)"
              + f"; per image {(wall - laps.get('calibration', 0) - laps.get('compile', 0)) / max(len(x), 1):.2f} s"
              " (calibration and compile excluded)")
    return 0 if n_pass == n_run and whole_ok else 1


def _ident(name: str) -> str:
    import re
    return re.sub(r"[^A-Za-z0-9]+", "_", name)


def add_run_args(ap) -> None:
    """The options TEST=lenet and TEST=loadable share."""
    ap.add_argument("--sim", default="verilator", choices=("verilator", "icarus"))
    ap.add_argument("--images", type=int, default=3, help="number of test images (default 3)")
    ap.add_argument("--seed", type=int, default=None, help="randomized memory timing seed")
    ap.add_argument("--rtl-filelist", default=None)
    ap.add_argument("--toplevel", default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--whole", action="store_true",
                    help="also run each image's whole program as one chained trace (every layer's check "
                         "in one run; needs every engine in the DUT)")
    ap.add_argument("--waves", action="store_true",
                    help="an FST per layer trace of every image under <out>/waves/ (one simulator run "
                         "per trace, separate waves build; paths printed)")
    ap.add_argument("--fresh", action="store_true",
                    help="run every layer trace again, ignoring the results an earlier (interrupted) "
                         "run left in <out>/results.json")

