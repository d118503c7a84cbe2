"""python -m calib.debug: which layer's scale or converter shift is wrong, and the fix.

    python -m calib.debug --table lenet.cache                  # default LeNet, MNIST t10k
    python -m calib.debug --table bad.json --fix fixed.json    # write the corrected table
    python -m calib.debug --table t.cache --report run.html    # self-contained HTML report

For each nv_small operation of the int8 plan (calib/quantize.py) and each converter point in it
- CDMA input converter, CACC truncate, SDP X1 ALU (bias, shifted), SDP X1 multiplier/truncate,
SDP output converter, PDP, CDP - the int8 inference of calib/int8.py (the golden model's engine
functions) is run on the evaluation images and compared with the float reference (calib/net.py)
at the same point: float range seen, integer range used (bits of the point's width), saturation
rate (outputs at the rails, over elements whose float value is nonzero), underflow rate (0 where
the float value is not), SQNR (dB) and cosine similarity; per layer the top-1 accuracy with only
that layer int8 (its int8 weights, its output quantized with the table's scale, the rest float).

Findings, most severe first: table problems (a scale the plan needs is missing, TensorRT's
"(Unnamed Layer* N)" names, entries that match no layer, a max pooling scale that contradicts its
input's), then layers whose scale contradicts the data (saturating, or using <= 5 of the 8 bits),
each with the suggested scale (the calibrator's threshold on the calibration images, never the
test images) and its predicted effect (int8 top-1 re-run with it). ``--fix`` writes the table with
every suggestion applied (same format as the input unless the name ends in .json).
Exit status 0, or 2 on bad input (one line naming the file or layer).
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from calib import common, tables
from calib import int8 as I8
from calib.calibrators import HistogramCollector, entropy_threshold, percentile_threshold
from calib.errors import CalibError, read_text, run_cli
from calib.net import conv_float, run_layer
from calib.quantize import ConvOp, HostOp, LrnOp, PoolOp, build_plan
from model import sdp as _sdp

_UNNAMED = re.compile(r"^\(Unnamed Layer\* (\d+)\)")
SAT_FLAG = 0.01          # > 1 % of the nonzero outputs at the rails: saturating
BITS_FLAG = 5            # <= 5 of 8 bits used: scale far too large
RATIO_FLAG = 2.0         # and the scale is off the data's by at least this factor


# ---------------------------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------------------------
@dataclass
class Point:
    """One converter point of one operation, measured on the evaluation images."""
    layer: str
    point: str
    setting: str
    width: int                 # bits of the integer at this point
    float_min: float
    float_max: float
    int_min: int
    int_max: int
    bits_used: int
    sat_rate: float
    underflow_rate: float
    sqnr_db: float
    cosine: float


def _bits(imin: int, imax: int) -> int:
    """Two's-complement bits needed for the range [imin, imax] (127 and -128: 8)."""
    b = 0
    if imax > 0:
        b = int(math.floor(math.log2(imax))) + 2
    if imin < 0:
        b = max(b, int(math.ceil(math.log2(-imin))) + 1)
    return b


def measure(layer, point, setting, q, f, lsb, width) -> Point:
    """q: integer values at the point, f: the float reference, lsb: real value of one q step."""
    q = np.asarray(q, dtype=np.int64).ravel()
    f = np.asarray(f, dtype=np.float64).ravel()
    lsb = np.broadcast_to(np.asarray(lsb, dtype=np.float64), q.shape) if np.ndim(lsb) == 0 else \
        np.asarray(lsb, dtype=np.float64).ravel()
    dq = q * lsb
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    nz = f != 0
    n_nz = max(1, int(nz.sum()))
    sat = int((((q >= hi) | (q <= lo)) & nz).sum()) / n_nz
    under = int(((q == 0) & nz).sum()) / n_nz
    err = float(np.sum((f - dq) ** 2))
    sig = float(np.sum(f ** 2))
    sqnr = float("inf") if err == 0 else (10 * math.log10(sig / err) if sig > 0 else float("-inf"))
    den = math.sqrt(sig * float(np.sum(dq ** 2)))
    cos = float(np.dot(f, dq) / den) if den > 0 else (1.0 if sig == 0 and not dq.any() else 0.0)
    return Point(layer, point, setting, width, float(f.min()), float(f.max()), int(q.min()),
                 int(q.max()), _bits(q.min(), q.max()), sat, under, sqnr, cos)


# ---------------------------------------------------------------------------------------------
# table reading (tolerant: every problem becomes a finding, not an exception)
# ---------------------------------------------------------------------------------------------
@dataclass
class Finding:
    layer: str
    kind: str              # missing | unnamed | unknown | contradicts | saturating | underused
    message: str
    severity: float
    suggestion: dict = field(default_factory=dict)     # {layer: new scale} (or rename)
    rename: dict = field(default_factory=dict)         # {table entry: layer name}
    predicted: str = ""

    def line(self) -> str:
        s = f"[{self.kind}] {self.layer}: {self.message}"
        if self.suggestion:
            s += "; suggest " + ", ".join(f"{k} scale {v:.6g} (threshold {127 * v:.4g})"
                                          for k, v in self.suggestion.items())
        if self.rename:
            s += "; rename " + ", ".join(f"'{k}' -> '{v}'" for k, v in self.rename.items())
        if self.predicted:
            s += f" -> {self.predicted}"
        return s


def read_raw(path) -> tuple[dict, str]:
    """{entry name: float32 scale} in file order and the format ('cache' or 'json'); names are
    kept as written (TensorRT's unnamed ones too)."""
    p = Path(path)
    text = read_text(p, "a calibration table")
    if text.lstrip().startswith("{"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise CalibError(p, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
        if not isinstance(obj, dict) or not obj:
            raise CalibError(p, "expected a non-empty object {layer: {scale, ...}}")
        out = {}
        for name, ent in obj.items():
            if not isinstance(ent, dict) or not any(isinstance(ent.get(k), (int, float))
                                                    and not isinstance(ent.get(k), bool)
                                                    for k in ("scale", "max")):
                raise CalibError(p, f"entry '{name}': expected an object with 'scale' (or 'min'/'max')")
            s = ent.get("scale") or max(abs(ent.get("min", 0)), abs(ent.get("max", 0))) / 127.0
            if not math.isfinite(float(s)) or float(s) < 0:
                raise CalibError(p, f"entry '{name}': scale {s} (must be finite and >= 0)")
            out[name] = np.float32(s)
        return out, "json"
    return tables.read_cache(p, allow_unnamed=True)[0], "cache"


def resolve_names(raw: dict, net, path) -> tuple[dict, list[Finding]]:
    """Layer-name table from the raw entries, and the naming problems found."""
    findings: list[Finding] = []
    names = [L.name for L in net.layers]
    after_input = [L.name for L in net.layers if L.type not in ("Input", "Data")]
    unnamed = [n for n in raw if _UNNAMED.match(n)]
    if unnamed:
        try:                                  # a cache written by TensorRT itself
            mapped = tables.trt_to_layer_names(raw, net, path)
            inv = {}
            for t in raw:
                m = _UNNAMED.match(t)
                key = f"#{m.group(1)}" if m else t
                inv[t] = tables.trt_tensor_names(net)[key]
            for t in unnamed:
                findings.append(Finding(inv[t], "unnamed", f"entry '{t}' is TensorRT's tensor name "
                                        f"for layer '{inv[t]}' (nvdla_compiler looks scales up by "
                                        f"Caffe layer name; the whole table uses TensorRT's tensor "
                                        f"names)", 90, rename={t: inv[t]}))
            return mapped, findings
        except CalibError:
            pass
    table = {}
    for t, s in raw.items():
        m = _UNNAMED.match(t)
        if m:
            i = int(m.group(1))
            if i >= len(after_input):
                findings.append(Finding(t, "unknown", f"TensorRT entry '{t}': the net has only "
                                        f"{len(after_input)} layers after the input", 80))
                continue
            lay = after_input[i]
            findings.append(Finding(lay, "unnamed", f"entry '{t}' is TensorRT's unnamed tensor of "
                                    f"layer {i} after the input, i.e. '{lay}'; nvdla_compiler "
                                    f"would not find '{lay}'", 90, rename={t: lay}))
            if lay in raw:
                findings.append(Finding(lay, "contradicts", f"both '{lay}' and '{t}' give a scale "
                                        f"for '{lay}' ({float(raw[lay]):.6g} vs {float(s):.6g})", 70))
                continue
            table[lay] = s
        elif t in names:
            table[t] = s
        else:
            findings.append(Finding(t, "unknown", f"entry '{t}' matches no layer of {net.source}",
                                    30))
    return table, findings


# ---------------------------------------------------------------------------------------------
# the debugger
# ---------------------------------------------------------------------------------------------
def _fake_quant(x, s):
    return np.clip(np.sign(x) * np.floor(np.abs(x) / s + 0.5), -128, 127) * s


class Debugger:
    """Holds the float reference activations of the calibration and evaluation images (computed
    once) and analyses tables against them."""

    def __init__(self, net, calib_pixels, eval_pixels, eval_labels, pixel_scale: float,
                 mode: str = "per-kernel", method: str = "entropy"):
        self.net, self.mode, self.method, self.ps = net, mode, method, pixel_scale
        self.ex, self.ey = eval_pixels, np.asarray(eval_labels)
        from calib.datasets import to_input
        self.cacts = net.forward(to_input(calib_pixels, pixel_scale))
        self.eacts = net.forward(to_input(eval_pixels, pixel_scale))
        self.float_top1 = self._top1(self.eacts[net.layers[-1].name])
        self._suggest = {}

    def _top1(self, out) -> float:
        return float((out.reshape(len(out), -1).argmax(axis=1) == self.ey).mean() * 100)

    # ---- what the data says a scale should be ------------------------------------------
    def data_scale(self, name: str) -> float:
        if name not in self._suggest:
            a = self.cacts[name]
            c = HistogramCollector()
            c.observe_max(a)
            if c.amax == 0:
                thr = 1.0
            elif self.method == "minmax":
                thr = c.amax
            else:
                c.observe_hist(a)
                thr = entropy_threshold(c.hist, c.bin_width) if self.method == "entropy" else \
                    percentile_threshold(c.hist, c.bin_width, 99.99)
            self._suggest[name] = float(np.float32(thr / 127.0))
        return self._suggest[name]

    def good_table(self) -> dict:
        """Every layer calibrated on the calibration images (max pooling keeps its input's)."""
        from calib.calibrators import producer_layer
        t = {L.name: np.float32(self.data_scale(L.name)) for L in self.net.layers}
        for L in self.net.layers:
            if L.type == "Pooling" and L.p["method"] == "max":
                t[L.name] = t[producer_layer(self.net, L.bottoms[0], before=L.name)]
        return t

    def needed(self) -> list[str]:
        """Table entries the int8 plan reads: the input, each conv/fc output (the fused ReLU's
        name when there is one), each LRN."""
        plan = build_plan(self.net, {L.name: 1.0 for L in self.net.layers}, self.mode,
                          pixel_scale=self.ps)
        out = [self.net.layers[0].name]
        for op in plan.ops:
            if isinstance(op, ConvOp):
                out.append(op.out_name)
            elif isinstance(op, LrnOp):
                out.append(op.name)
        return out

    # ---- instrumented int8 run ---------------------------------------------------------
    def int8_points(self, plan) -> tuple[list[Point], dict, float]:
        """(points, {op out name: int8 output (N,C,H,W)}, int8 top-1)."""
        net, A = self.net, self.eacts
        pts: list[Point] = []
        outs = {}
        x = np.concatenate([I8.input_to_int8(plan, self.ex[i:i + I8.CHUNK])
                            for i in range(0, len(self.ex), I8.CHUNK)])
        in_name = net.layers[0].name
        if plan.input_cvt is not None:
            cv = plan.input_cvt
            pts.append(measure(in_name, "CDMA in-cvt",
                               f"CVT_SCALE={cv.scale} CVT_TRUNCATE={cv.truncate} OFFSET={cv.offset}",
                               x, A[in_name], plan.scales[in_name], 8))
        prev_float = A[in_name]
        outs[in_name] = x
        for op in plan.ops:
            if isinstance(op, HostOp):
                continue
            if isinstance(op, ConvOp):
                L = net.layer(op.name)
                acc = np.concatenate([I8._conv_batch(op, x[i:i + I8.CHUNK])
                                      for i in range(0, len(x), I8.CHUNK)])
                k = op.out_shape[0]
                lsb = (op.si * op.sw.astype(np.float64) * 2.0 ** op.clip_truncate).reshape(1, k, 1, 1)
                lsb = np.broadcast_to(lsb, acc.shape)
                wf = L.blobs[0] if L.type == "Convolution" else \
                    (L.blobs[0].T if L.p["transpose"] else L.blobs[0]).reshape(op.w.shape)
                fin = prev_float.reshape((len(x),) + tuple(op.in_shape))
                if L.type == "Convolution":
                    fconv = conv_float(fin, wf, None, L.p["stride"], L.p["pad"], L.p["dilation"])
                else:
                    fconv = (fin.reshape(len(x), -1) @ wf.reshape(k, -1).T).reshape(len(x), k, 1, 1)
                pts.append(measure(op.name, "CACC truncate", f"CLIP_TRUNCATE={op.clip_truncate}",
                                   acc, fconv, lsb, 32))
                x1 = op.x1
                a = acc + (np.ravel(op.alu_operand).astype(np.int64) << x1.alu_shift).reshape(1, k, 1, 1)
                pre = A[op.folded[-1] if op.folded else op.name]
                pts.append(measure(op.name, "SDP X1 ALU", f"bias int16 << ALU_SHIFT_VALUE={x1.alu_shift}",
                                   a, pre, lsb, 33))
                dk = acc.transpose(1, 2, 0, 3).reshape(k, acc.shape[2], -1)
                t = _sdp.x_stage(dk, x1, alu_operand=op.alu_operand, mul_operand=op.mul_operand)
                t = t.reshape(k, acc.shape[2], len(x), acc.shape[3]).transpose(2, 0, 1, 3)
                fo = A[op.out_name]
                if x1.mul_bypass:
                    pts.append(measure(op.name, "SDP X1 truncate", f"MUL bypass, MUL_SHIFT_VALUE={x1.mul_shift}"
                                       + (", ReLU" if not x1.relu_bypass else ""), t, fo, lsb, 32))
                else:
                    m = np.ravel(op.mul_operand)
                    pts.append(measure(op.name, "SDP X1 mul+truncate",
                                       f"MUL [{m.min()}..{m.max()}] >> {x1.mul_shift}"
                                       + (", ReLU" if not x1.relu_bypass else ""), t, fo, op.so, 32))
                y = _sdp.output_convert(t.transpose(1, 2, 0, 3).reshape(k, acc.shape[2], -1),
                                        op.cvt_offset, op.cvt_scale, op.cvt_shift)
                y = y.reshape(k, acc.shape[2], len(x), acc.shape[3]).transpose(2, 0, 1, 3)
                pts.append(measure(op.out_name, "SDP output cvt",
                                   f"CVT_SCALE={op.cvt_scale} CVT_SHIFT={op.cvt_shift}", y, fo, op.so, 8))
                x, prev_float, outs[op.out_name] = y, fo, y
            elif isinstance(op, PoolOp):
                x = np.concatenate([I8._pool_batch(op, x[i:i + I8.CHUNK])
                                    for i in range(0, len(x), I8.CHUNK)])
                prev_float = A[op.name]
                pts.append(measure(op.name, "PDP", f"{op.method} {op.kernel} stride {op.stride}",
                                   x, prev_float, op.scale, 8))
                outs[op.name] = x
            elif isinstance(op, LrnOp):
                x = I8._lrn_batch(op, x)
                prev_float = A[op.name]
                c = op.cfg
                pts.append(measure(op.name, "CDP", f"DATOUT_SCALE={c.datout_scale} "
                                   f"DATOUT_SHIFTER={c.datout_shifter}", x, prev_float, op.so, 8))
                outs[op.name] = x
        return pts, outs, self._top1(x)

    def layer_alone(self, scales: dict, name: str) -> float:
        """Top-1 with only ``name`` int8 (int8 weights for conv/fc, output fake-quantized with the
        table's scale), everything else float: restart the float net after that layer."""
        net, A = self.net, self.eacts
        names = [L.name for L in net.layers]
        i = names.index(name)
        L = net.layers[i]
        s = float(scales[name])
        y = A[name]
        if L.type in ("Convolution", "InnerProduct"):
            from calib.quantize import quantize_weights
            q, sw = quantize_weights(L.blobs[0], self.mode)
            Lq = type(L)(**{**L.__dict__})
            Lq.blobs = [q.astype(np.float32) * sw.reshape((-1,) + (1,) * (q.ndim - 1))] + L.blobs[1:]
            bottoms = self._blob_before(i, L.bottoms[0])
            y = run_layer(Lq, [bottoms])
        y = _fake_quant(y, s) if s > 0 else y
        blobs = {}
        for L2 in net.layers[:i]:
            for t in L2.tops:
                blobs[t] = A[L2.name]
        for t in L.tops:
            blobs[t] = y
        for L2 in net.layers[i + 1:]:
            y = run_layer(L2, [blobs[b] for b in L2.bottoms])
            for t in L2.tops:
                blobs[t] = y
        return self._top1(y)

    def _blob_before(self, i, blob):
        for L in reversed(self.net.layers[:i]):
            if blob in L.tops:
                return self.eacts[L.name]
        raise KeyError(blob)

    def int8_top1(self, scales) -> float:
        plan = build_plan(self.net, scales, self.mode, pixel_scale=self.ps)
        return float((I8.predict_int8(plan, self.ex) == self.ey).mean() * 100)

    def _max_pools(self):
        """(max-pooling layer, the layer whose output it pools) in network order."""
        from calib.calibrators import producer_layer
        return [(L, producer_layer(self.net, L.bottoms[0], before=L.name)) for L in self.net.layers
                if L.type == "Pooling" and L.p["method"] == "max"]

    # ---- analysis ----------------------------------------------------------------------
    def analyse(self, raw: dict, path="table") -> "Analysis":
        net = self.net
        table, findings = resolve_names(raw, net, path)
        needed = self.needed()
        fixed = {k: float(v) for k, v in table.items()}
        for f in findings:                                   # renames are part of the fix
            for t, lay in f.rename.items():
                if lay not in fixed and t in raw:
                    fixed[lay] = float(raw[t])
        for name in needed:
            if name not in table:
                s = self.data_scale(name)
                what = "the network input" if name == needed[0] else "an operation output"
                findings.append(Finding(name, "missing", f"no scale for '{name}' ({what} the int8 "
                                        f"plan needs; nvdla_compiler stops here)", 100,
                                        suggestion={name: s}))
                fixed[name] = s
        # max pooling keeps its input's scale; other unused entries filled for completeness
        for L, src in self._max_pools():
            if L.name in table and src in fixed and \
                    abs(float(table[L.name]) / fixed[src] - 1) > 1e-3:
                findings.append(Finding(L.name, "contradicts", f"scale {float(table[L.name]):.6g} "
                                        f"differs from its input '{src}' ({fixed[src]:.6g}): max "
                                        f"pooling cannot rescale, yet the next layer takes its input "
                                        f"scale from this entry (as nvdla_compiler does)", 60,
                                        suggestion={L.name: fixed[src]}))
                fixed[L.name] = fixed[src]
        for name in needed:
            if not fixed.get(name, 0) > 0:
                s = self.data_scale(name)
                findings.append(Finding(name, "contradicts", f"scale {fixed.get(name)} is not > 0",
                                        100, suggestion={name: s}))
                fixed[name] = s
        used = dict(fixed)
        plan = build_plan(net, used, self.mode, pixel_scale=self.ps, table_path=str(path))
        pts, outs, top1 = self.int8_points(plan)
        by_out = {p.layer: p for p in pts if p.point in ("SDP output cvt", "CDMA in-cvt", "CDP")}
        rows = []
        scale_findings = []
        for name in needed:
            p = by_out.get(name)
            s, ds = used[name], self.data_scale(name)
            ratio = s / ds if ds > 0 else 1.0
            alone = self.layer_alone(used, name)
            rows.append({"layer": name, "scale": s, "data_scale": ds, "ratio": ratio,
                         "alone_top1": alone, "bits_used": p.bits_used if p else None,
                         "sat_rate": p.sat_rate if p else None,
                         "underflow_rate": p.underflow_rate if p else None,
                         "sqnr_db": p.sqnr_db if p else None, "cosine": p.cosine if p else None})
            if p is None or any(f.layer == name and f.kind == "missing" for f in findings):
                continue
            if p.sat_rate > SAT_FLAG and ratio < 1 / RATIO_FLAG:
                scale_findings.append(Finding(name, "saturating", f"scale {s:.6g} (threshold "
                                      f"{127 * s:.4g}) is {1 / ratio:.3g}x below the data's: "
                                      f"{100 * p.sat_rate:.1f} % of the nonzero outputs at the rails, "
                                      f"SQNR {p.sqnr_db:.1f} dB, that layer alone int8 "
                                      f"{alone:.2f} % (float {self.float_top1:.2f} %)",
                                      40 + 10 * abs(math.log2(ratio)), suggestion={name: ds}))
            elif p.bits_used <= BITS_FLAG and ratio > RATIO_FLAG:
                scale_findings.append(Finding(name, "underused", f"scale {s:.6g} (threshold "
                                      f"{127 * s:.4g}) is {ratio:.3g}x above the data's: only "
                                      f"{p.bits_used} of 8 bits used (|q| <= "
                                      f"{max(abs(p.int_min), abs(p.int_max))}), underflow "
                                      f"{100 * p.underflow_rate:.1f} %, SQNR {p.sqnr_db:.1f} dB, "
                                      f"that layer alone int8 {alone:.2f} %",
                                      40 + 10 * abs(math.log2(ratio)), suggestion={name: ds}))
        findings += scale_findings
        for f in scale_findings:
            fixed.update(f.suggestion)
        for L, src in self._max_pools():         # a corrected input scale carries through max pooling
            if L.name in fixed and src in fixed:
                fixed[L.name] = fixed[src]
        findings.sort(key=lambda f: -f.severity)
        an = Analysis(self.float_top1, top1, pts, rows, findings, fixed, used, outs, plan)
        an.eacts = self.eacts
        if findings:
            an.fixed_top1 = self.int8_top1(fixed)
            for f in findings:
                if f.suggestion or f.rename:
                    one = dict(used)
                    one.update(f.suggestion)
                    same = all(abs(one.get(n, 0) - fixed.get(n, 0)) <= 1e-12 for n in needed)
                    t1 = an.fixed_top1 if same or not f.suggestion else self.int8_top1(one)
                    before = "no int8 plan" if f.kind == "missing" else f"int8 top-1 {top1:.2f} %"
                    f.predicted = f"{before} -> {t1:.2f} % (float {self.float_top1:.2f} %)"
        return an


@dataclass
class Analysis:
    float_top1: float
    int8_top1: float
    points: list
    rows: list
    findings: list
    fixed: dict                   # the corrected table (layer names)
    used: dict                    # the scales the int8 run used
    outs: dict = field(repr=False, default_factory=dict)
    plan: object = field(repr=False, default=None)
    fixed_top1: float | None = None
    eacts: dict = field(repr=False, default=None)

    def lines(self) -> list[str]:
        out = [f"float top-1 {self.float_top1:.2f} %, int8 top-1 {self.int8_top1:.2f} % "
               f"({self.int8_top1 - self.float_top1:+.2f} points)"]
        out.append(f"{'layer':10s} {'point':20s} {'float range':>21s} {'int range':>17s} bits "
                   f"{'sat%':>6s} {'unfl%':>6s} {'SQNR dB':>8s} {'cos':>7s}  setting")
        for p in self.points:
            out.append(f"{p.layer:10s} {p.point:20s} {p.float_min:10.4g} {p.float_max:10.4g} "
                       f"{p.int_min:8d} {p.int_max:8d} {p.bits_used:2d}/{p.width:<2d} "
                       f"{100 * p.sat_rate:6.2f} {100 * p.underflow_rate:6.2f} {p.sqnr_db:8.2f} "
                       f"{p.cosine:7.4f}  {p.setting}")
        out.append(f"{'layer':10s} {'scale':>12s} {'data scale':>12s} {'ratio':>7s} "
                   f"{'alone int8 top-1':>17s}")
        for r in self.rows:
            out.append(f"{r['layer']:10s} {r['scale']:12.6g} {r['data_scale']:12.6g} "
                       f"{r['ratio']:7.3g} {r['alone_top1']:16.2f}%")
        if not self.findings:
            out.append("no problem found")
        else:
            out.append("findings (most severe first):")
            out += [f"  {i}. {f.line()}" for i, f in enumerate(self.findings, 1)]
            out.append(f"all suggestions applied: int8 top-1 {self.fixed_top1:.2f} % "
                       f"(float {self.float_top1:.2f} %)")
        return out

    def to_dict(self) -> dict:
        return {"float_top1": self.float_top1, "int8_top1": self.int8_top1,
                "fixed_top1": self.fixed_top1, "points": [asdict(p) for p in self.points],
                "rows": self.rows, "findings": [asdict(f) for f in self.findings],
                "fixed": self.fixed}


def write_fixed(path, fixed: dict, fmt: str, net):
    order = [L.name for L in net.layers]
    t = {n: np.float32(fixed[n]) for n in order if n in fixed}
    if str(path).endswith(".json") or fmt == "json" and not str(path).endswith((".cache", ".txt")):
        tables.write_json(path, t)
    else:
        tables.write_cache(path, t)


def parser():
    ap = argparse.ArgumentParser(prog="python -m calib.debug", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    common.add_model_args(ap)
    common.add_data_args(ap)
    ap.add_argument("--table", help="calibration table to check (TensorRT cache or NVDLA JSON); "
                                    "default: calibrate now (a good table)")
    ap.add_argument("--mode", choices=("per-kernel", "per-filter"), default="per-kernel")
    ap.add_argument("--method", choices=("entropy", "minmax", "percentile"), default="entropy",
                    help="calibrator behind the suggested scales")
    ap.add_argument("--calib-limit", type=int, default=1000,
                    help="calibration images behind the suggestions (default 1000)")
    ap.add_argument("--fix", help="write the corrected table here")
    ap.add_argument("--report", help="write a self-contained HTML report here")
    ap.add_argument("--dumps", help="kept RTL dumps (KEEP_DUMPS) whose failing checks get a heat "
                                    "map in the report")
    ap.add_argument("--json", action="store_true", help="print the analysis as JSON")
    return ap


def run(args, out=print) -> Analysis:
    net = common.load_net(args)
    if args.limit is None:
        args.limit = 1000
    x, y, what = common.eval_set(args)
    cx, cwhat = common.calib_pixels(args)
    cx = cx[:args.calib_limit]
    common.check_not_test_set(cx, x)
    if args.dumps and not Path(args.dumps).exists():
        raise CalibError(args.dumps, "no such directory (the dumps for the report)")
    dbg = Debugger(net, cx, x, y, args.pixel_scale, args.mode, args.method)
    if args.table:
        raw, fmt = read_raw(args.table)
        path = args.table
    else:
        raw = dbg.good_table()
        fmt, path = "cache", "(calibrated now)"
    an = dbg.analyse(raw, path)
    if args.json:
        out(json.dumps(an.to_dict(), indent=1, default=float))
    else:
        out(f"# {args.prototxt}, table {path}; evaluation {what}, suggestions from {cwhat} "
            f"(first {len(cx)}), {args.mode}")
        for line in an.lines():
            out(line)
    if args.fix:
        write_fixed(args.fix, an.fixed, fmt, net)
        out(f"# corrected table written to {args.fix}")
    if args.report:
        from calib.report import write_report
        write_report(args.report, an, net=net, title=f"{Path(str(args.prototxt)).name} / {path}",
                     dumps=args.dumps)
        out(f"# report written to {args.report}")
    return an


def main(argv=None):
    run(parser().parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
