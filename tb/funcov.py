"""Functional coverage of the register programs the testbench runs (cocotb-coverage).

Sampled in one place: the scoreboard (tb/env.py) feeds every CSB write the monitor sees to the
golden model; when a D_OP_ENABLE write launches an operation the model records it with the
register values of every unit's consumer group (model.nvdla.OpRecord), and ``sample_op`` puts
that operation into the coverage model below.  CDP's LUT cases (LE/LO hit, underflow,
overflow, and which table the priority rules pick) depend on the data: they are classified
from the op's input cube with the golden model's own LUT index functions.

Each simulator process writes its counts to ``$TB_FUNCOV_DIR/run-<pid>.yml`` (cocotb-coverage's
YAML export) at the end of the run (the scoreboard's report phase) and, while it runs, at the
start of a trace when the last write is FLUSH_EVERY seconds old; nothing is written when
TB_FUNCOV_DIR is unset.  A pytest session (tests/conftest.py) sets it to a folder of its own,
build/funcov/runs/<UTC time>-<pid>/, inherited by the xdist workers and the simulators, and
prints the merged total at its end.  ``python -m tb.funcov`` (make funcov) merges the files of
the newest session (cocotb_coverage.merge_coverage), prints every bin covered or not, and
writes build/funcov/{merged.yml,summary.txt,holes.txt}.  Holes nv_small does not support, with the
reason, are listed in tb/funcov_waivers.toml; any other hole is a failure of ``--check``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from cocotb_coverage.coverage import CoverPoint, coverage_db, coverage_section

from model.regs import RegView

TOP = "nvdla"

ALU = {0: "MAX", 1: "MIN", 2: "SUM", 3: "ALGO3"}
PDP_METHOD = {0: "AVG", 1: "MAX", 2: "MIN"}
PIXEL_NAMES = ("R8", "A8B8G8R8", "A8R8G8B8", "B8G8R8A8", "R8G8B8A8", "X8B8G8R8", "X8R8G8B8",
               "B8G8R8X8", "R8G8B8X8", "A8Y8U8V8", "V8U8Y8A8")


def _f(v: RegView, reg: str, field: str) -> int:
    return v.f(reg, field)


# --------------------------------------------------------------------------- samples
def _sdp_sample(v: RegView) -> dict:
    s: dict = {}
    fm = "NVDLA_SDP.D_FEATURE_MODE_CFG_0"
    s["input"] = "cacc_on_the_fly" if _f(v, fm, "FLYING_MODE") else "memory"
    s["output"] = "pdp_on_the_fly" if _f(v, fm, "OUTPUT_DST") else "memory"
    for st, dma in (("BS", "BRDMA"), ("BN", "NRDMA")):
        cfg = f"NVDLA_SDP.D_DP_{st}_CFG_0"
        on = not _f(v, cfg, f"{st}_BYPASS")
        s[f"{st}.stage"] = "on" if on else "bypass"
        rd = f"NVDLA_SDP_RDMA.D_{dma}_CFG_0"
        mem_ok = not _f(v, rd, f"{dma}_DISABLE")
        mode = "per_element" if _f(v, rd, f"{dma}_DATA_MODE") else "per_channel"
        size = "2_bytes" if _f(v, rd, f"{dma}_DATA_SIZE") else "1_byte"
        use = {0: "MUL", 1: "ALU", 2: "BOTH"}.get(_f(v, rd, f"{dma}_DATA_USE"), "USE3")
        alu_on = on and not _f(v, cfg, f"{st}_ALU_BYPASS")
        mul_on = on and not _f(v, cfg, f"{st}_MUL_BYPASS")
        s[f"{st}.alu"] = ALU[_f(v, cfg, f"{st}_ALU_ALGO")] if alu_on else ("bypass" if on else None)
        s[f"{st}.mul"] = (("PRELU" if _f(v, cfg, f"{st}_MUL_PRELU") else "MUL") if mul_on
                          else ("bypass" if on else None))
        s[f"{st}.relu"] = (("bypass" if _f(v, cfg, f"{st}_RELU_BYPASS") else "RELU") if on
                           else None)
        for part, on_p in (("alu", alu_on), ("mul", mul_on)):
            src = _f(v, f"NVDLA_SDP.D_DP_{st}_{part.upper()}_CFG_0", f"{st}_{part.upper()}_SRC")
            s[f"{st}.{part}_operand"] = ((f"memory_{mode}" if src else "register") if on_p
                                        else None)
        uses_mem = on and mem_ok and any(s[f"{st}.{p}_operand"] not in (None, "register")
                                        for p in ("alu", "mul"))
        s[f"{st}.dma"] = f"{use}_{size}_{mode}" if uses_mem else None
    ew = "NVDLA_SDP.D_DP_EW_CFG_0"
    s["EW.stage"] = "bypass" if _f(v, ew, "EW_BYPASS") else "on"
    return s


def _pdp_sample(v: RegView) -> dict:
    p = "NVDLA_PDP."
    mode = p + "D_OPERATION_MODE_CFG_0"
    k = p + "D_POOLING_KERNEL_CFG_0"
    pad = p + "D_POOLING_PADDING_CFG_0"
    pads = [_f(v, pad, f) for f in ("PAD_LEFT", "PAD_TOP", "PAD_RIGHT", "PAD_BOTTOM")]
    return {
        "method": PDP_METHOD.get(_f(v, mode, "POOLING_METHOD"), "METHOD3"),
        "kernel_width": _f(v, k, "KERNEL_WIDTH") + 1,
        "kernel_height": _f(v, k, "KERNEL_HEIGHT") + 1,
        "stride_width": _f(v, k, "KERNEL_STRIDE_WIDTH") + 1,
        "stride_height": _f(v, k, "KERNEL_STRIDE_HEIGHT") + 1,
        "split": "split_width" if _f(v, mode, "SPLIT_NUM") else "one_pass",
        "input": "memory" if _f(v, mode, "FLYING_MODE") else "sdp_on_the_fly",
        "padding": "padded" if any(pads) else "none",
    }


def _cdp_sample(v: RegView) -> dict:
    c = "NVDLA_CDP."
    sq = _f(v, c + "D_FUNC_BYPASS_0", "SQSUM_BYPASS")
    mul = _f(v, c + "D_FUNC_BYPASS_0", "MUL_BYPASS")
    return {
        "window": 3 + 2 * _f(v, c + "D_LRN_CFG_0", "NORMALZ_LEN"),
        "le_function": "linear" if _f(v, c + "S_LUT_CFG_0", "LUT_LE_FUNCTION") else "exponent",
        "bypass": {(0, 0): "none", (1, 0): "sqsum", (0, 1): "mul", (1, 1): "sqsum_and_mul"}[(sq, mul)],
    }


def cdp_lut_cases(v: RegView, mem) -> set[str] | None:
    """The LUT cases the op's elements hit: 'LE.<hit|underflow|overflow>', 'LO.<...>' and the
    priority choice ('only_LE_hit', 'only_LO_hit', 'both_underflow.pick_<LE|LO>',
    'both_overflow.pick_<LE|LO>', 'hybrid.pick_<LE|LO>').  None when the input cannot be read
    back (the output overwrote it)."""
    import numpy as np
    from model import cdp
    from model.memory import ATOM, read_cube
    r = "NVDLA_CDP_RDMA."
    w = v.f(r + "D_DATA_CUBE_WIDTH_0", "WIDTH") + 1
    h = v.f(r + "D_DATA_CUBE_HEIGHT_0", "HEIGHT") + 1
    ch = v.f(r + "D_DATA_CUBE_CHANNEL_0", "CHANNEL") + 1
    src = v.raw(r + "D_SRC_BASE_ADDR_LOW_0")
    ls, ss = v.raw(r + "D_SRC_LINE_STRIDE_0"), v.raw(r + "D_SRC_SURFACE_STRIDE_0")
    dst = v.raw("NVDLA_CDP.D_DST_BASE_ADDR_LOW_0")
    n_surf = -(-ch // ATOM)
    src_end = src + (n_surf - 1) * ss + (h - 1) * ls + w * ATOM
    dls, dss = v.raw("NVDLA_CDP.D_DST_LINE_STRIDE_0"), v.raw("NVDLA_CDP.D_DST_SURFACE_STRIDE_0")
    dst_end = dst + (n_surf - 1) * dss + (h - 1) * dls + w * ATOM
    lut = v.luts.get("CDP")
    if lut is None or (src < dst_end and dst < src_end) or w * h * ch > (1 << 22):
        return None
    cfg = cdp.CdpConfig.from_regs(v)
    x = read_cube(mem, src, ch, h, w, ls, ss)
    cp = n_surf * ATOM
    fill = np.int8(np.uint8(cfg.datin_offset & 0xFF).view(np.int8))
    xp = np.full((cp, h, w), fill, dtype=np.int8)
    xp[:ch] = x.astype(np.int8)
    v9 = cdp.input_convert(xp, cfg.datin_offset, cfg.datin_scale, cfg.datin_shifter)
    sq = np.asarray(cdp.square_sum(v9, cfg.normalz_len, bool(cfg.sqsum_bypass)), dtype=np.int64)
    le = np.asarray(lut.le, dtype=np.int16)
    lo = np.asarray(lut.lo, dtype=np.int16)
    if cfg.le_function == 0:
        _, le_u, le_o, le_h = cdp._exponent_lookup(
            sq, le, cfg.le_start, cfg.le_end, cfg.le_index_offset,
            cfg.le_uflow_scale, cfg.le_uflow_shift, cfg.le_oflow_scale, cfg.le_oflow_shift)
    else:
        _, le_u, le_o, le_h = cdp._linear_lookup(
            sq, le, cfg.le_start, cfg.le_end, cfg.le_index_select,
            cfg.le_uflow_scale, cfg.le_uflow_shift, cfg.le_oflow_scale, cfg.le_oflow_shift)
    _, lo_u, lo_o, lo_h = cdp._linear_lookup(
        sq, lo, cfg.lo_start, cfg.lo_end, cfg.lo_index_select,
        cfg.lo_uflow_scale, cfg.lo_uflow_shift, cfg.lo_oflow_scale, cfg.lo_oflow_shift)
    out: set[str] = set()
    for t, (u, o, hh) in (("LE", (le_u, le_o, le_h)), ("LO", (lo_u, lo_o, lo_h))):
        for name, m in (("underflow", u), ("overflow", o), ("hit", hh)):
            if m.any():
                out.add(f"{t}.{name}")
    pick = {0: "LE", 1: "LO"}
    both_u = le_u & lo_u
    both_o = ~both_u & le_o & lo_o
    one = ~both_u & ~both_o & (le_h ^ lo_h)
    hyb = ~both_u & ~both_o & ~one
    if (one & le_h).any():
        out.add("only_LE_hit")
    if (one & lo_h).any():
        out.add("only_LO_hit")
    if both_u.any():
        out.add(f"both_underflow.pick_{pick[cfg.uflow_priority]}")
    if both_o.any():
        out.add(f"both_overflow.pick_{pick[cfg.oflow_priority]}")
    if hyb.any():
        out.add(f"hybrid.pick_{pick[cfg.hybrid_priority]}")
    return out


def _conv_sample(v: RegView) -> dict:
    d, c = "NVDLA_CDMA.", "NVDLA_CSC."
    img = _f(v, d + "D_DATAIN_FORMAT_0", "DATAIN_FORMAT") == 1
    code = _f(v, d + "D_DATAIN_FORMAT_0", "PIXEL_FORMAT")
    from model.cdma import PIXEL_FORMATS
    pf = PIXEL_FORMATS.get(code)
    s = {
        "input": "image" if img else "feature",
        "pixel_format": (pf.name if pf else f"code_{code}") if img else None,
        "mean": ("mean" if _f(v, d + "D_MEAN_FORMAT_0", "MEAN_FORMAT") else "no_mean") if img else None,
        "input_convert": "on" if _f(v, d + "D_CVT_CFG_0", "CVT_EN") else "off",
        "stride_x": _f(v, c + "D_CONV_STRIDE_EXT_0", "CONV_X_STRIDE_EXT") + 1,
        "stride_y": _f(v, c + "D_CONV_STRIDE_EXT_0", "CONV_Y_STRIDE_EXT") + 1,
        "dilation_x": _bucket(_f(v, c + "D_DILATION_EXT_0", "X_DILATION_EXT") + 1, 4),
        "dilation_y": _bucket(_f(v, c + "D_DILATION_EXT_0", "Y_DILATION_EXT") + 1, 4),
        "pad_left": _bucket(_f(v, c + "D_ZERO_PADDING_0", "PAD_LEFT"), 4, lo=0),
        "pad_top": _bucket(_f(v, c + "D_ZERO_PADDING_0", "PAD_TOP"), 4, lo=0),
        "kernel_width": _bucket(_f(v, c + "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_WIDTH_EXT") + 1, 9),
        "kernel_height": _bucket(_f(v, c + "D_WEIGHT_SIZE_EXT_0_0", "WEIGHT_HEIGHT_EXT") + 1, 9),
        "clip_truncate": "zero" if _f(v, "NVDLA_CACC.D_CLIP_CFG_0", "CLIP_TRUNCATE") == 0 else "nonzero",
    }
    # output padding on the right / bottom (windows past the input): out size beyond the input
    return s


def _bucket(x: int, top: int, lo: int = 1) -> str:
    return str(x) if x < top else f"{top}+"


# --------------------------------------------------------------------------- model
def _cp(name: str, key: str, bins: list, **kw):
    return CoverPoint(f"{TOP}.{name}", xf=lambda s, k=key: s.get(k), bins=list(bins), **kw)


SDP_STAGE_POINTS = []
for _st in ("BS", "BN"):
    SDP_STAGE_POINTS += [
        _cp(f"sdp.{_st}.stage", f"{_st}.stage", ["on", "bypass"]),
        _cp(f"sdp.{_st}.alu", f"{_st}.alu", ["MAX", "MIN", "SUM", "ALGO3", "bypass"]),
        _cp(f"sdp.{_st}.mul", f"{_st}.mul", ["MUL", "PRELU", "bypass"]),
        _cp(f"sdp.{_st}.relu", f"{_st}.relu", ["RELU", "bypass"]),
        _cp(f"sdp.{_st}.alu_operand", f"{_st}.alu_operand",
            ["register", "memory_per_channel", "memory_per_element"]),
        _cp(f"sdp.{_st}.mul_operand", f"{_st}.mul_operand",
            ["register", "memory_per_channel", "memory_per_element"]),
        _cp(f"sdp.{_st}.dma", f"{_st}.dma",
            [f"{u}_{sz}_{m}" for u in ("MUL", "ALU", "BOTH") for sz in ("1_byte", "2_bytes")
             for m in ("per_channel", "per_element")]),
    ]


@coverage_section(
    _cp("sdp.input", "input", ["memory", "cacc_on_the_fly"]),
    _cp("sdp.output", "output", ["memory", "pdp_on_the_fly"]),
    _cp("sdp.EW.stage", "EW.stage", ["bypass", "on"]),
    *SDP_STAGE_POINTS,
)
def _sample_sdp(s):
    pass


@coverage_section(
    _cp("pdp.method", "method", ["AVG", "MAX", "MIN"]),
    _cp("pdp.kernel_width", "kernel_width", list(range(1, 9))),
    _cp("pdp.kernel_height", "kernel_height", list(range(1, 9))),
    _cp("pdp.stride_width", "stride_width", list(range(1, 9))),
    _cp("pdp.stride_height", "stride_height", list(range(1, 9))),
    _cp("pdp.split", "split", ["one_pass", "split_width"]),
    _cp("pdp.input", "input", ["memory", "sdp_on_the_fly"]),
    _cp("pdp.padding", "padding", ["none", "padded"]),
)
def _sample_pdp(s):
    pass


@coverage_section(
    _cp("cdp.window", "window", [3, 5, 7, 9]),
    _cp("cdp.le_function", "le_function", ["exponent", "linear"]),
    _cp("cdp.bypass", "bypass", ["none", "sqsum", "mul", "sqsum_and_mul"]),
)
def _sample_cdp(s):
    pass


LUT_BINS = ([f"{t}.{c}" for t in ("LE", "LO") for c in ("hit", "underflow", "overflow")]
            + ["only_LE_hit", "only_LO_hit"]
            + [f"{k}.pick_{t}" for k in ("both_underflow", "both_overflow", "hybrid")
               for t in ("LE", "LO")])


@coverage_section(_cp("cdp.lut", "lut", LUT_BINS))
def _sample_lut(s):
    pass


@coverage_section(
    _cp("conv.input", "input", ["feature", "image"]),
    _cp("conv.pixel_format", "pixel_format", list(PIXEL_NAMES)),
    _cp("conv.mean", "mean", ["mean", "no_mean"]),
    _cp("conv.input_convert", "input_convert", ["off", "on"]),
    _cp("conv.stride_x", "stride_x", list(range(1, 9))),
    _cp("conv.stride_y", "stride_y", list(range(1, 9))),
    _cp("conv.dilation_x", "dilation_x", ["1", "2", "3", "4+"]),
    _cp("conv.dilation_y", "dilation_y", ["1", "2", "3", "4+"]),
    _cp("conv.pad_left", "pad_left", ["0", "1", "2", "3", "4+"]),
    _cp("conv.pad_top", "pad_top", ["0", "1", "2", "3", "4+"]),
    _cp("conv.kernel_width", "kernel_width", [str(i) for i in range(1, 9)] + ["9+"]),
    _cp("conv.kernel_height", "kernel_height", [str(i) for i in range(1, 9)] + ["9+"]),
    _cp("conv.clip_truncate", "clip_truncate", ["zero", "nonzero"]),
)
def _sample_conv(s):
    pass


# --------------------------------------------------------------------------- sampling
_state = {"dirty": False, "ops": 0, "flushed": 0.0}
FLUSH_EVERY = 20.0     # seconds between writes while a simulator runs (a YAML export ~50 ms)


def enabled() -> bool:
    return bool(os.environ.get("TB_FUNCOV_DIR"))


def sample_op(rec, model) -> None:
    """One operation the golden model launched (model.nvdla.OpRecord), with the register values
    of the consumer groups it ran with; ``model``: the NvSmall (its memory and LUTs)."""
    v = RegView(rec.values or {}, luts=model.rf.luts)
    units = set(rec.units)
    if "SDP" in units:
        _sample_sdp(_sdp_sample(v))
    if "PDP" in units:
        _sample_pdp(_pdp_sample(v))
    if "CDP" in units:
        _sample_cdp(_cdp_sample(v))
        try:
            cases = cdp_lut_cases(v, model.mem)
        except Exception:            # a program the model rejects: its failure is reported elsewhere
            cases = None
        for c in sorted(cases or ()):
            _sample_lut({"lut": c})
    if "CACC" in units:
        _sample_conv(_conv_sample(v))
    _state["dirty"] = True
    _state["ops"] += 1


def sample_new_ops(model, seen: int) -> int:
    """Sample the model's operations from index ``seen`` on; returns the new count."""
    ops = model.ops
    for rec in ops[seen:]:
        try:
            sample_op(rec, model)
        except Exception as e:       # coverage must never break a simulation: note and go on
            print(f"tb.funcov: sample failed ({type(e).__name__}: {e})", file=sys.stderr)
    return len(ops)


def flush(force: bool = True) -> Path | None:
    """Write this process's counts ($TB_FUNCOV_DIR/run-<pid>.yml) when there is something new;
    ``force=False``: only if the last write is FLUSH_EVERY seconds old."""
    import time
    d = os.environ.get("TB_FUNCOV_DIR")
    if not d or not _state["dirty"]:
        return None
    if not force and time.monotonic() - _state["flushed"] < FLUSH_EVERY:
        return None
    _state["flushed"] = time.monotonic()
    p = Path(d)
    p.mkdir(parents=True, exist_ok=True)
    out = p / f"run-{os.getpid()}.yml"
    tmp = out.with_suffix(".tmp")
    coverage_db.export_to_yaml(str(tmp))
    tmp.replace(out)
    _state["dirty"] = False
    return out


# --------------------------------------------------------------------------- report
REPO = Path(__file__).resolve().parent.parent
WAIVERS = Path(__file__).with_name("funcov_waivers.toml")


def default_dir() -> Path:
    return Path(os.environ.get("TB_BUILD_DIR", REPO / "build")) / "funcov"


def session_dir(resume: bool = False, keep: int = 4) -> Path:
    """A new folder build/funcov/runs/<UTC time>-<pid> for one pytest session's files (the
    newest existing one with ``resume``); only the newest ``keep`` sessions are kept."""
    import shutil
    import time
    root = default_dir() / "runs"
    old = sorted((p for p in root.glob("*-*") if p.is_dir()), key=lambda p: p.name)
    if resume and old:
        return old[-1]
    for p in old[:max(0, len(old) - keep + 1)]:
        shutil.rmtree(p, ignore_errors=True)
    d = root / f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{os.getpid()}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def newest_session(root: Path) -> Path:
    """The newest session folder under ``root`` that holds coverage files (else root)."""
    ses = sorted((p for p in root.glob("*-*") if p.is_dir() and any(p.glob("run-*.yml"))),
                 key=lambda p: p.name)
    return ses[-1] if ses else root


def load_waivers(path: Path | None = None) -> dict[str, str]:
    """{'<point>/<bin>': reason} of the holes nv_small (or the testbench) cannot cover."""
    import tomllib
    path = path or WAIVERS
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text())
    return {f"{pt}/{b}": str(r) for pt, bins in data.get("waive", {}).items()
            for b, r in bins.items()}


def merge(files: list[Path], out: Path) -> dict:
    """Merge per-process YAML files with cocotb_coverage.merge_coverage; returns the merged
    database as loaded YAML ({point: {'bins:_hits': {bin: hits}, ...}})."""
    import yaml
    from cocotb_coverage.coverage import merge_coverage
    out.parent.mkdir(parents=True, exist_ok=True)
    files = [str(f) for f in files]
    if len(files) == 1:
        out.write_text(Path(files[0]).read_text())
    else:
        merge_coverage(lambda *_: None, str(out), *files)
    return yaml.safe_load(out.read_text()) or {}


def bins_of(db: dict) -> dict[str, int]:
    """{'<point>/<bin>': hits} of every cover point (names without the top prefix)."""
    out = {}
    for name, attrs in db.items():
        hits = attrs.get("bins:_hits") if isinstance(attrs, dict) else None
        if hits is None:
            continue
        pt = name[len(TOP) + 1:] if name.startswith(TOP + ".") else name
        for b, n in hits.items():
            out[f"{pt}/{b}"] = int(n)
    return out


def summarize(src: Path, dest: Path | None = None) -> str:
    """Merge ``src``'s files, write the report under ``dest`` (default: src's parent), return
    its first line (for pytest's terminal summary)."""
    import io
    from contextlib import redirect_stdout
    dest = dest or default_dir()
    buf = io.StringIO()
    with redirect_stdout(buf):
        report(src, dest)
    return buf.getvalue().splitlines()[0] + f" (make funcov: {dest / 'summary.txt'})"


def report(src: Path, dest: Path, check: bool = False) -> int:
    files = sorted(src.glob("run-*.yml"))
    if not files:
        print(f"tb.funcov: no coverage files in {src} (run the RTL regression first: make test, "
              f"or make test-quick)", file=sys.stderr)
        return 2
    db = merge(files, dest / "merged.yml")
    bins = bins_of(db)
    waivers = load_waivers()
    stale = sorted(k for k in waivers if k not in bins)
    covered = sorted(k for k, n in bins.items() if n > 0)
    holes = sorted(k for k, n in bins.items() if n == 0)
    open_ = [h for h in holes if h not in waivers]
    lines = [f"functional coverage: {len(covered)}/{len(bins)} bins covered "
             f"({100 * len(covered) / max(1, len(bins)):.1f} %), {len(holes)} holes "
             f"({len(holes) - len(open_)} waived, {len(open_)} open), from {len(files)} "
             f"simulator runs in {src}"]
    lines.append("")
    lines.append("covered (hits):")
    lines += [f"  {k:48s} {bins[k]}" for k in covered]
    lines.append("")
    lines.append("holes:")
    lines += [f"  {k:48s} " + (f"waived: {waivers[k]}" if k in waivers else "OPEN") for k in holes]
    for k in stale:
        lines.append(f"  (waiver for unknown bin {k} in {WAIVERS.name})")
    text = "\n".join(lines) + "\n"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "summary.txt").write_text(text)
    (dest / "holes.txt").write_text("".join(
        f"{k}\t{'waived: ' + waivers[k] if k in waivers else 'OPEN'}\n" for k in holes))
    print(text, end="")
    print(f"written: {dest / 'summary.txt'}, {dest / 'holes.txt'}, {dest / 'merged.yml'}")
    if check and open_:
        print(f"tb.funcov: {len(open_)} open holes: {', '.join(open_)}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m tb.funcov", description=(
        "Merge the functional coverage of the last pytest run's simulator processes and list "
        "covered bins and holes (build/funcov/summary.txt, holes.txt, merged.yml)."))
    ap.add_argument("--dir", type=Path, default=None,
                    help="where the per-run YAML files are (default: the newest pytest "
                         "session under build/funcov/runs)")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default build/funcov)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when a hole is neither covered nor waived in tb/funcov_waivers.toml")
    a = ap.parse_args(argv)
    dest = a.out or default_dir()
    return report(a.dir or newest_session(default_dir() / "runs"), dest, a.check)


if __name__ == "__main__":
    sys.exit(main())
