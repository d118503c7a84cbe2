"""Mutation testing of our RTL: how many small bugs planted in hw/ the testbench catches.

    python -m tb.mutate [--mutants N] [--seed S] [--jobs J] [--timeout SEC] [--module M ...]
                        [--match TEXT ...] [--list] [TRACE_DIR ...]

Mutants (one change each, in a copy of hw/ under build/mutants/<n>/): a swapped operator
(+/-, ==/!=, </>=, >/<=, &/|, &&/||, ^/&, <</>>), an off-by-one constant (N'dK -> K+1, K-1;
1'b0 <-> 1'b1), an inverted condition (if (c) -> if (!(c))), a stuck signal (assign x = ... or
wire x = ... -> 0), in assign/always code and in wires declared with their value.
Sites are found by pattern on every line of the arithmetic (nvs_sdp*, nvs_pdp_core,
nvs_cdp_core, nvs_cdp_lut, nvs_sat, nvs_shl_sat, nvs_shr_rnd_sat, nvs_cmac, nvs_cacc), DMA
(nvs_dma*, nvs_cube_rd/wr, nvs_pc_fifo, nvs_cdma, nvs_cbuf) and control (nvs_csb, nvs_sdp,
nvs_pdp, nvs_cdp, nvs_conv, nvs_csc, nvs_csc_wl) modules, so they follow edits of the RTL; a
mutant is named by its file and line text, not its line number. Left out: lint sinks
(wire unused_* = ...), which drive nothing, and lines between "// mutate: off" and
"// mutate: on" comments (nvs_dma's testbench-only R back-pressure randomizer). --seed S draws N of them by a
hash of (S, file, line text, mutation): adding or editing a line of one module does not change
which mutants of the other modules are drawn.

Each mutant builds on Icarus (cheap to build) and plays its module's SUITE (MODULE_SUITE below:
the one place that says which traces kill which module's mutants) one trace at a time, fastest
first, until one fails. A trace is an NVIDIA trace name (nv_small/), "conv:<name>" (a
synthetic convolution of tb/conv_cases.py), "unit:<name>" (a synthetic PDP/CDP/SDP case of
tb/unit_cases.py; both kinds with the golden model's CRC as truth, written under
build/mutants/cases/) or "regs" (the register read-back test). A trace whose .cfg starts with
"// expect: watchdog" is a layer nv_small never finishes: it passes when the testbench's
watchdog ends it (a mutant that lets it finish is killed). J mutants at a time, each run
killed after --timeout seconds (a hang counts as killed by the watchdog: the command never
hangs). Outcome per mutant: killed (a trace failed, the testbench noticed), survived (every
trace of its suite passed), equivalent (a survivor that tb/MUTANTS.md argues cannot change
behaviour), or invalid (does not build: not counted).

Outcomes are cached in build/mutants/cache.json for the same hw/ (digest of every .v): a
killed mutant is not rerun while the trace that killed it is still in its suite, a survivor is
rerun when its suite changed (--fresh ignores the cache).
Score = killed / (killed + survived), equivalents excluded. Writes build/mutants/report.txt:
the score, every survivor (file:line, before -> after) and every mutant's outcome.
Exit status 0 (the score is a measurement, not a pass/fail), 2 on a setup problem.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from model import data

from . import runner
from .conv_cases import expects_watchdog

OUT = runner.BUILD / "mutants"
NOTE = Path(__file__).resolve().parent / "MUTANTS.md"

# The traces that judge each module's mutants, in the order they are tried (cheapest and most
# telling first; the run stops at the first failure). One trace per unit the module serves,
# then the others that exercise its rarer paths (random memory timing is not used: a mutant
# must fail deterministically).
SUITES: dict[str, tuple[str, ...]] = {
    "sdp": ("sdp_3x3x33_bs_bn_int8_1", "sdp_8x8x32_bypass_int8_1", "sdp_3x3x33_ew_int8_reg_0",
            "sdp_3x3x33_bn_int8_mem_0", "sdp_3x3x33_ew_le_lin_int8", "sdp_5x24x18_bs_int8_mem_0",
            "sdp_3x3x33_bs_int8_reg_0", "sdp_1x1x1_pass_through_int8"),
    "pdp": ("pdp_8x8x64_2x2_int8", "pdp_7x9x10_3x3_int8", "pdp_8x9x19_3x3_ave_int8_0",
            "pdp_8x8x64_2x2_min_int8_0", "pdp_12x9x19_8x3_ave_int8_0", "pdp_1x1x1_3x3_ave_int8_0"),
    "cdp": ("cdp_8x8x32_lrn3_int8_0", "cdp_1x1x31_lrn3_int8_0", "cdp_8x8x32_lrn5_int8_0",
            "cdp_8x8x64_lrn3_int8_2", "cdp_8x8x32_lrn7_int8_0", "cdp_8x8x64_lrn9_int8"),
    "conv": ("conv:feat", "conv:img", "conv:feat2", "conv:feat3", "conv:pdp", "conv:img2",
             "conv:img3", "conv:img4", "conv:img5", "conv:wide1", "unit:unit_conv_wt4k",
             "conv:wide2"),
}
# tb/unit_cases.py's synthetic PDP/CDP/SDP cases (split width, wide cubes, both register groups)
SUITES["sdp"] = SUITES["sdp"][:2] + ("unit:unit_sdp_ops_u2s0m0", "unit:unit_sdp_ops_u2s1m1",
                                     "unit:unit_sdp_strided_1x1x40", "unit:unit_sdp_strided_1x2x24",
                                     "unit:unit_sdp_strided_2x1x17") \
    + SUITES["sdp"][2:] + ("unit:unit_chain_sdp", "unit:unit_sdp_ops_u1s0m1",
                           "unit:unit_sdp_ops_u0s1m0", "unit:unit_sdp_ops_u2s0m1",
                           "unit:unit_sdp_ops_u1s1m0")
SUITES["pdp"] = SUITES["pdp"][:2] + ("unit:unit_pdp_split3_ave", "unit:unit_pdp_split2_max") \
    + SUITES["pdp"][2:] + ("unit:unit_chain_pdp", "unit:unit_pdp_w300_min")
SUITES["cdp"] = SUITES["cdp"][:2] + ("unit:unit_cdp_w65_lrn7",) + SUITES["cdp"][2:] \
    + ("unit:unit_chain_cdp",)
# traces added for survivors of earlier runs (tb/MUTANTS.md), last: they only decide mutants
# that every trace before them passes. cdp_8x8x64_lrn3_int8_0 interpolates between differing
# LE entries (exponent mode, non-zero fraction); the PDP splits have a last segment wider /
# narrower than the middle ones; unit_cdp_le_uflow squared sums under an LE table that starts
# at 2^12; unit_conv_pack1x1 a 1x1 packed cube with a non-packed
# surface stride; unit_conv_reuse_full two layers, the second reusing all of the first's data
# (which fills 94 % of the data ring: a fetch would overwrite it); unit_conv_reuse_split two
# layers, the second reusing the rows the first did not release; unit_sdp_strided_20x2x20 lines
# of 20 beats (DMA requests of 16 + 4); unit_conv_yext2/4 image input with CSC post
# Y-extension; unit_conv_data_overflow an input larger than its data
# banks (expects the watchdog: nv_small never finishes it).
SUITES["cdp"] += ("cdp_8x8x64_lrn3_int8_0", "unit:unit_cdp_le_uflow")
SUITES["pdp"] += ("unit:unit_pdp_split3_lastwide", "unit:unit_pdp_split4_lastnarrow")
SUITES["sdp"] += ("unit:unit_sdp_strided_20x2x20",)
SUITES["conv"] += ("unit:unit_conv_pack1x1", "unit:unit_conv_reuse_full", "unit:unit_conv_reuse_split",
                   "unit:unit_conv_yext2", "unit:unit_conv_yext4", "unit:unit_conv_data_overflow")
SUITES["cvt"] = SUITES["sdp"][:3] + SUITES["cdp"][:3]                          # nvs_sat, nvs_shr_rnd_sat
SUITES["rd"] = SUITES["pdp"][:4] + SUITES["cdp"][:3] + SUITES["conv"][:2] \
    + ("unit:unit_cdp_w150_lrn3",)                                              # cube_rd, pc_fifo
SUITES["wr"] = SUITES["pdp"][:4] + SUITES["cdp"][:3] + ("unit:unit_cdp_w150_lrn3",  # cube_wr
                                                          "unit:unit_chain_pdp", "unit:unit_chain_cdp")
SUITES["all"] = ("regs", SUITES["sdp"][0], SUITES["pdp"][0], SUITES["cdp"][0], "conv:feat",
                 SUITES["sdp"][1], SUITES["pdp"][1], "conv:img", SUITES["sdp"][2],
                 "unit:unit_chain_sdp", "unit:unit_chain_pdp", "unit:unit_chain_cdp")
MODULE_SUITE: dict[str, str] = {
    "nvs_sdp": "sdp", "nvs_sdp_cvt": "sdp", "nvs_sdp_opnd": "sdp", "nvs_sdp_walk": "sdp",
    "nvs_sdp_x": "sdp", "nvs_shl_sat": "sdp",
    "nvs_pdp": "pdp", "nvs_pdp_core": "pdp",
    "nvs_cdp": "cdp", "nvs_cdp_core": "cdp", "nvs_cdp_lut": "cdp",
    "nvs_sat": "cvt", "nvs_shr_rnd_sat": "cvt",
    "nvs_cube_rd": "rd", "nvs_pc_fifo": "rd", "nvs_cube_wr": "wr",
    "nvs_dma": "all", "nvs_dma_rdfifo": "all", "nvs_csb": "all",
    "nvs_cdma": "conv", "nvs_cbuf": "conv", "nvs_csc": "conv", "nvs_csc_wl": "conv",
    "nvs_cmac": "conv", "nvs_cacc": "conv", "nvs_conv": "conv",
}
MODULES = tuple(MODULE_SUITE)
# synthetic convolutions of the conv suite (NVIDIA's dc_* traces take 90 s and more each on
# Icarus): tag -> (seed of tb/conv_cases.random_case's rng, pixel input, PDP on the fly, wide).
# The image cases cover every component order of the pixel formats (img 18, img2 17, img3 15,
# img4 R8, img5 12); wide1 is a 1x1 packed cube, wide2 streams 106 KB of weights through an
# 11-bank weight ring.
CONV_CASES = {"feat": (21, False, False, False), "img": (22, True, False, False),
              "feat2": (23, False, False, False), "feat3": (24, False, False, False),
              "pdp": (25, False, True, False), "img2": (26, True, False, False),
              "img3": (33, True, False, False), "img4": (40, True, False, False),
              "img5": (34, True, False, False), "wide1": (60, False, False, True),
              "wide2": (51, False, False, True)}

# (pattern, replacement): operators with spaces around them, as our RTL is written
_OPS = [(" + ", " - "), (" - ", " + "), (" == ", " != "), (" != ", " == "), (" < ", " >= "),
        (" >= ", " < "), (" > ", " <= "), (" <= ", " > "), (" && ", " || "), (" || ", " && "),
        (" & ", " | "), (" | ", " & "), (" ^ ", " & "), (" << ", " >> "), (" >> ", " << ")]
_CONST = re.compile(r"(\d+)'d(\d+)")
_IF_OPEN = re.compile(r"\bif\s*\(")
_SPLIT = re.compile(r"[;)]|\bbegin\b|\belse\b|\bend\b|:(?![\d\w]*\])")
_LVALUE = re.compile(r"\s*[\w.]+(\[[^\]]*\])*\s*|\s*\{[^}]*\}\s*")


def _is_assignment(before: str) -> bool:
    """True when the ' <= ' after ``before`` is a non-blocking assignment (its left side is a
    bare lvalue after the statement's start), not a comparison."""
    return bool(_LVALUE.fullmatch(_SPLIT.split(before)[-1]))


_ASSIGN = re.compile(r"^(\s*assign\s+[\w\[\]:]+\s*=\s*)(.+);\s*$")
# a wire declared with its value (wire [W-1:0] x = <expr>), the part before the expression
_WIRE_INIT = re.compile(r"^\s*wire\s+(signed\s+)?(\[[^\]]*\]\s*)?\w+\s*=\s*")
_UNUSED = re.compile(r"^\s*wire\s+(\[[^\]]*\]\s*)?unused\w*\s*=")
_BIT = re.compile(r"(?<![\w'])1'b([01])\b")     # a one-bit constant: flipped


@dataclass(frozen=True)
class Mutant:
    file: str          # hw/<name>.v
    line: int          # 1-based
    kind: str          # operator / constant / condition / stuck
    before: str
    after: str         # the whole mutated line

    def describe(self) -> str:
        return f"{self.file}:{self.line} [{self.kind}] {self.before.strip()}  ->  {self.after.strip()}"

    @property
    def module(self) -> str:
        return Path(self.file).stem

    def key(self) -> tuple[str, str, str]:
        """What names the mutant independently of its line number."""
        return (self.file, " ".join(self.before.split()), " ".join(self.after.split()))


def _condition(code: str) -> tuple[int, int] | None:
    """(start, end) of the condition of the line's first 'if (...)' (its parentheses balanced:
    'if (a) x <= b;' as well as 'if (a) begin')."""
    m = _IF_OPEN.search(code)
    if not m:
        return None
    depth = 1
    for i in range(m.end(), len(code)):
        depth += {"(": 1, ")": -1}.get(code[i], 0)
        if depth == 0:
            return (m.end(), i) if i > m.end() else None
    return None


def _code(line: str) -> str:
    return line.split("//")[0]


def sites(hw: Path = runner.HW, modules=MODULES) -> list[Mutant]:
    """Every mutant of the listed modules (comments, declarations and `define lines left alone)."""
    out = []
    for mod in modules:
        p = hw / f"{mod}.v"
        if not p.is_file():
            continue
        rel = f"hw/{p.name}"
        off = sink = False
        for n, line in enumerate(p.read_text().splitlines(), 1):
            # "// mutate: off" ... "// mutate: on" (both lines included): code that is not part
            # of the design's function (the testbench-only R back-pressure of nvs_dma)
            if "mutate: off" in line:
                off = True
            if off:
                off = "mutate: on" not in line
                continue
            # lint sinks (wire unused_x = ...;, possibly over several lines) drive nothing
            if sink or _UNUSED.match(line):
                sink = not _code(line).rstrip().endswith(";")
                continue
            orig = _code(line)
            # inline /* ... */ comments (pragmas) blanked for the search, kept in the mutant
            code = re.sub(r"/\*.*?\*/", lambda c: " " * len(c.group()), orig)
            s = code.strip()
            start = 0                     # operators are looked for from here on
            d = _WIRE_INIT.match(code)
            if d:                         # wire x = <expr>;: a continuous assignment
                start = d.end()
            elif not s or s.startswith(("`", "module", "input", "output", "parameter",
                                        "localparam", "wire", "reg", "integer", "/*", "*")):
                continue
            rest = line[len(code):]
            for a, b in _OPS:
                i = code.find(a, start)
                while i >= 0:
                    if not (a == " <= " and _is_assignment(code[:i])):
                        out.append(Mutant(rel, n, "operator", line,
                                          orig[:i] + b + orig[i + len(a):] + rest))
                    i = code.find(a, i + 1)
            for m in _CONST.finditer(code):
                w, k = m.group(1), int(m.group(2))
                for k2 in sorted({k + 1, k - 1} - {-1}):
                    out.append(Mutant(rel, n, "constant", line,
                                      orig[:m.start()] + f"{w}'d{k2}" + orig[m.end():] + rest))
            for m in _BIT.finditer(code, start):
                out.append(Mutant(rel, n, "constant", line, orig[:m.start()]
                                  + f"1'b{1 - int(m.group(1))}" + orig[m.end():] + rest))
            c = _condition(code)
            if c:
                out.append(Mutant(rel, n, "condition", line, orig[:c[0]] + f"!({orig[c[0]:c[1]]})"
                                  + orig[c[1]:] + rest))
            m = _ASSIGN.match(code)
            if m:
                out.append(Mutant(rel, n, "stuck", line, f"{orig[:m.end(1)]}0{orig[m.end(2):]}{rest}"))
            elif d and code.rstrip().endswith(";") and code[start:].strip() not in ("0;", "1'b0;"):
                j = code.rstrip().rfind(";")
                out.append(Mutant(rel, n, "stuck", line, f"{orig[:start]}0{orig[j:]}{rest}"))
    return out


def choose(every: list[Mutant], n: int, seed: int) -> list[Mutant]:
    """n mutants drawn by a hash of (seed, mutant key): the draw of one module's mutants does
    not depend on the lines of another module. In hash order: the first k of a draw of n are
    the draw of k (with the outcome cache, a run stopped early is resumed by a smaller one)."""
    def h(m: Mutant) -> bytes:
        return hashlib.sha256(repr((seed,) + m.key()).encode()).digest()
    seen, uniq = set(), []
    for m in every:                       # the same text twice on a line: one mutant
        if m.key() not in seen:
            seen.add(m.key())
            uniq.append(m)
    return sorted(uniq, key=h)[:n]


def equivalents(note: Path = NOTE) -> dict[tuple[str, str, str], str]:
    """{mutant key: argument} of the mutants tb/MUTANTS.md argues are equivalent: each entry is
    a '### hw/<file>.v' heading followed by 'before: <line>', 'after: <line>' and 'why: ...'."""
    out: dict[tuple[str, str, str], str] = {}
    if not note.is_file():
        return out
    cur: dict[str, str] = {}
    for line in note.read_text().splitlines() + ["### end"]:
        if line.startswith("### "):
            if {"file", "before", "after"} <= set(cur):
                out[(cur["file"], " ".join(cur["before"].split()),
                     " ".join(cur["after"].split()))] = cur.get("why", "")
            cur = {"file": line[4:].strip()}
        else:
            k, sep, v = line.partition(":")
            if sep and k.strip() in ("before", "after", "why") and cur:
                cur[k.strip()] = v.strip().strip("`")
    return out


def _write(m: Mutant, root: Path) -> Path:
    """A copy of hw/ (and hw/gen) with the mutant applied, and its file list."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(runner.HW, root / "hw", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    p = root / m.file
    lines = p.read_text().splitlines(keepends=True)
    nl = "\n" if lines[m.line - 1].endswith("\n") else ""
    assert lines[m.line - 1].rstrip("\n") == m.before, m
    lines[m.line - 1] = m.after + nl
    p.write_text("".join(lines))
    f = root / "mutant.f"
    f.write_text(f"-y hw\n-y hw/gen\nhw/nvsmall_top.v\n")
    return f


def suite_of(m: Mutant) -> tuple[str, ...]:
    return SUITES[MODULE_SUITE[m.module]]


def resolve(name: str, cases: Path) -> Path | str:
    """Trace directory of a suite entry ("regs" stays a name)."""
    if name == "regs":
        return name
    if name.startswith("conv:"):
        return cases / f"conv_mut_{name[5:]}"
    if name.startswith("unit:"):
        return cases / "unit" / name[5:]
    return data.traces_root() / "nv_small" / name


def write_conv_cases(cases: Path) -> None:
    """The synthetic cases of the suites (conv:, unit:) under ``cases``."""
    import numpy as np
    from .conv_cases import random_case, write_trace
    from .unit_cases import make_all
    make_all(cases / "unit")
    for tag, (seed, pixel, pdp, wide) in CONV_CASES.items():
        d = cases / f"conv_mut_{tag}"
        write_trace(random_case(np.random.default_rng(seed), d.name, pixel=pixel, pdp=pdp,
                                wide=wide), cases)


def _watchdog_fail(stdout: str, name: str) -> bool:
    return any(ln.startswith(f"FAIL {name}: watchdog") for ln in stdout.splitlines())


def _run_one(fl: Path, trace, root: Path, timeout: int) -> tuple[str, str]:
    """('pass'|'fail'|'invalid'|'hang', why) of one trace (or "regs") on the mutant's build
    (a trace that expects the watchdog passes when the watchdog ends it)."""
    env = {**os.environ, "TB_WALL_LIMIT": str(timeout), "TB_BUILD_DIR": str(root / "build")}
    test = ["--test", "regs"] if trace == "regs" else ["--test", "trace", str(trace)]
    cmd = ["nice", "-n", "10", sys.executable, "-m", "tb.run", "--sim", "icarus",
           "--rtl-filelist", str(fl), "--toplevel", "nvsmall_top", *test]
    try:
        r = subprocess.run(cmd, cwd=runner.REPO, env=env, capture_output=True, text=True,
                           timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        return "hang", f"{Path(str(trace)).name}: timeout (hang)"
    fails = [ln for ln in r.stdout.splitlines() if ln.startswith("FAIL")]
    name = Path(str(trace)).name
    if expects_watchdog(trace):
        if r.returncode == 1 and _watchdog_fail(r.stdout, name):
            return "pass", ""
        if r.returncode == 0:
            return "fail", f"{name}: finished, but nv_small never finishes it (expected the watchdog)"
    if r.returncode == 0:
        return "pass", ""
    last = (r.stderr.strip().splitlines() or [""])[-1]
    if r.returncode == 2 and "return code: -9" in last:     # killed by TB_WALL_LIMIT: a hang
        return "hang", f"{Path(str(trace)).name}: simulator killed after the wall limit (hang)"
    if r.returncode == 2:
        return "invalid", last[:160]
    return "fail", (fails[0] if fails else f"{Path(str(trace)).name}: run failed")[:160]


def baseline(traces: list, timeout: int) -> str | None:
    """None when the unmutated hw/ passes every trace (one Icarus run) and "regs" the mutants
    will be judged by; else the first failure (then every mutant would count as killed)."""
    hang = [str(t) for t in traces if t != "regs" and expects_watchdog(t)]
    dirs = [str(t) for t in traces if t != "regs" and str(t) not in hang]
    runs = ([["--test", "trace", *dirs]] if dirs else []) + \
        ([["--test", "regs"]] if "regs" in traces else [])
    for d in hang:                        # each must end in the watchdog
        cmd = ["nice", "-n", "10", sys.executable, "-m", "tb.run", "--sim", "icarus",
               "--test", "trace", d]
        try:
            r = subprocess.run(cmd, cwd=runner.REPO, capture_output=True, text=True,
                               timeout=timeout + 120)
        except subprocess.TimeoutExpired:
            return f"unmutated hw/: {Path(d).name}: timeout (the testbench watchdog did not end it)"
        if r.returncode != 1 or not _watchdog_fail(r.stdout, Path(d).name):
            return f"unmutated hw/: {Path(d).name}: expected the watchdog to end it, got exit {r.returncode}"
    for test in runs:
        cmd = ["nice", "-n", "10", sys.executable, "-m", "tb.run", "--sim", "icarus", *test]
        try:
            r = subprocess.run(cmd, cwd=runner.REPO, capture_output=True, text=True,
                               timeout=timeout * max(1, len(dirs)) + 120)
        except subprocess.TimeoutExpired:
            return f"unmutated hw/: {' '.join(test[:2])}: timeout"
        if r.returncode:
            bad = [ln for ln in r.stdout.splitlines() if ln.startswith("FAIL")] or \
                (r.stderr.strip().splitlines() or ["run failed"])[-1:]
            return f"unmutated hw/: {bad[0][:200]}"
    return None


_BY: dict[int, str] = {}
_LOCK = threading.Lock()


def run_mutant(i: int, m: Mutant, traces: list, timeout: int) -> tuple[str, str]:
    """(outcome, why) of one mutant; run_mutant.by[i] = the trace that decided it."""
    root = OUT / f"{i:03d}"
    fl = _write(m, root)
    outcome, why = "survived", ""
    for t in traces:
        o, w = _run_one(fl, t, root, timeout)
        if o == "pass":
            continue
        outcome, why = ("invalid", w) if o == "invalid" else ("killed", w)
        _BY[i] = str(t)
        break
    if outcome != "survived":
        shutil.rmtree(root, ignore_errors=True)
    else:
        shutil.rmtree(root / "build", ignore_errors=True)    # keep the mutated hw/ to look at
    return outcome, why


def _trace_id(t) -> str:
    """A trace's path and a digest of its .cfg (a rewritten synthetic case is a new trace)."""
    if t == "regs":
        return "regs"
    cfg = Path(t) / f"{Path(t).name}.cfg"
    h = hashlib.sha256(cfg.read_bytes()).hexdigest()[:12] if cfg.is_file() else "-"
    return f"{t}#{h}"


def hw_digest() -> str:
    """Digest of hw/ and hw/gen/ Verilog without comments and blank space: cached outcomes are
    valid only for the same RTL code (an edited comment or pragma keeps them)."""
    h = hashlib.sha256()
    for p in sorted(runner.HW.glob("*.v")) + sorted((runner.HW / "gen").glob("*.v")):
        code = re.sub(r"/\*.*?\*/", " ", p.read_text(), flags=re.S)
        code = " ".join(_code(ln) for ln in code.splitlines())
        h.update(p.name.encode() + " ".join(code.split()).encode())
    return h.hexdigest()[:16]


class Cache:
    """build/mutants/cache.json: outcomes by mutant (and the baseline's passed traces) for one
    hw/ digest. A killed mutant stays killed while the trace that killed it is in its suite;
    a survivor or invalid mutant is reused only for the same suite."""

    def __init__(self, path: Path, digest: str, fresh: bool = False):
        import json
        self.path, self.digest = path, digest
        d = {}
        if path.is_file() and not fresh:
            try:
                d = json.loads(path.read_text())
            except ValueError:
                d = {}
        if d.get("hw") != digest:
            d = {"hw": digest, "mutants": {}, "baseline": []}
        self.d = d

    def get(self, m: Mutant, suite: list[str]):
        r = self.d["mutants"].get(repr(m.key()))
        if not r:
            return None
        if r["outcome"] == "killed" and r.get("by") in suite:
            return r["outcome"], r["why"]
        if r["suite"] == suite:
            return r["outcome"], r["why"]
        return None

    def put(self, m: Mutant, suite: list[str], outcome: str, why: str, by: str | None):
        with _LOCK:
            self.d["mutants"][repr(m.key())] = {"outcome": outcome, "why": why, "suite": suite,
                                                "by": by}
            self.save()

    def save(self):
        import json
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.d, indent=0))
        tmp.replace(self.path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.mutate", description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", type=int, default=40, help="how many mutants (default 40)")
    ap.add_argument("--seed", type=int, default=1, help="which mutants (default 1)")
    ap.add_argument("--jobs", type=int, default=max(1, min(2, (os.cpu_count() or 1) // 2)),
                    help="mutants run at once (default: half the cores, at most 2)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per trace run (default 300)")
    ap.add_argument("--module", action="append", default=None, choices=MODULES,
                    help="only this module's mutants (repeatable)")
    ap.add_argument("--budget", type=int, default=0,
                    help="seconds after which no further mutant is started (0: none); the rest "
                         "are reported as not run (cached ones still count)")
    ap.add_argument("--match", action="append", default=None, metavar="TEXT",
                    help="only the mutants whose description (file:line [kind] before -> after, "
                         "as --list prints it; blanks collapsed) contains TEXT (repeatable: any); "
                         "every matching mutant is run, --mutants and --seed are not used")
    ap.add_argument("--list", action="store_true", help="list the chosen mutants and exit")
    ap.add_argument("--fresh", action="store_true",
                    help="ignore build/mutants/cache.json (outcomes of an earlier run on the same hw/)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the check that the unmutated hw/ passes every suite trace")
    ap.add_argument("dirs", nargs="*", help="trace directories (default: each module's SUITE)")
    a = ap.parse_args(argv)
    every = sites(modules=tuple(a.module) if a.module else MODULES)
    if a.match:
        want = [" ".join(t.split()) for t in a.match]
        chosen = [m for m in choose(every, len(every), a.seed)
                  if any(t in " ".join(m.describe().split()) for t in want)]
        if not chosen:
            print(f"error: no mutant matches {a.match[0]!r} (see --list)", file=sys.stderr)
            return 2
    else:
        chosen = choose(every, a.mutants, a.seed)
    if a.list:
        for m in sorted(chosen, key=lambda m: (m.file, m.line, m.after)):
            print(f"{m.describe()}   [suite {MODULE_SUITE[m.module]}]")
        return 0
    why = runner.sim_available("icarus")
    if why:
        print(f"error: {why}", file=sys.stderr)
        return 2
    cases = OUT / "cases"
    OUT.mkdir(parents=True, exist_ok=True)
    if not a.dirs:
        write_conv_cases(cases)
    suites = {m: [Path(d) for d in a.dirs] if a.dirs else
              [resolve(t, cases) for t in suite_of(m)] for m in chosen}
    missing = sorted({str(t) for ts in suites.values() for t in ts
                      if t != "regs" and not (Path(t) / f"{Path(t).name}.cfg").is_file()})
    if missing:
        print(f"error: trace {missing[0]} not found (set NVDLA_TRACES or NVDLA_SHARED)", file=sys.stderr)
        return 2
    cache = Cache(OUT / "cache.json", hw_digest(), a.fresh)
    if not a.no_baseline:
        union = [t for t in dict.fromkeys(t for ts in suites.values() for t in ts)
                 if _trace_id(t) not in cache.d["baseline"]]
        print(f"tb.mutate: baseline: unmutated hw/ on {len(union)} traces", file=sys.stderr)
        bad = baseline(union, a.timeout) if union else None
        if bad:
            print(f"error: {bad}", file=sys.stderr)
            return 2
        cache.d["baseline"] += [_trace_id(t) for t in union]
        cache.save()
    equiv = equivalents()
    print(f"tb.mutate: {len(chosen)} of {len(every)} mutants, each against its module's suite, "
          f"{a.jobs} at a time", file=sys.stderr)
    t0 = time.perf_counter()

    def one(im):
        i, m = im
        suite = [str(t) for t in suites[m]]
        got = cache.get(m, suite)
        if not got and a.budget and time.perf_counter() - t0 > a.budget:
            return "not run", "over --budget"
        if got:
            print(f"tb.mutate: [{i + 1}/{len(chosen)}] {got[0]} (cached): {m.describe()}",
                  file=sys.stderr)
            return got
        o, w = run_mutant(i, m, suites[m], a.timeout)
        cache.put(m, suite, o, w, _BY.get(i))
        print(f"tb.mutate: [{i + 1}/{len(chosen)}] {o}: {m.describe()}", file=sys.stderr)
        return o, w
    with ThreadPoolExecutor(a.jobs) as ex:
        res = list(ex.map(one, enumerate(chosen)))
    res = [("equivalent", equiv[m.key()]) if o == "survived" and m.key() in equiv else (o, w)
           for m, (o, w) in zip(chosen, res)]
    order = sorted(range(len(chosen)), key=lambda i: (chosen[i].file, chosen[i].line, chosen[i].after))
    chosen, res = [chosen[i] for i in order], [res[i] for i in order]
    lines = []
    for m, (o, w) in zip(chosen, res):
        lines.append(f"{o:10s} {m.describe()}" + (f"   # {w}" if w else ""))
    killed = sum(o == "killed" for o, _ in res)
    surv = [m for m, (o, _) in zip(chosen, res) if o == "survived"]
    neq = sum(o == "equivalent" for o, _ in res)
    valid = killed + len(surv)
    score = 100.0 * killed / valid if valid else 0.0
    head = (f"mutation score: {killed}/{valid} killed ({score:.1f}%), {len(surv)} survived, "
            f"{neq} equivalent (tb/MUTANTS.md), "
            f"{sum(o == 'invalid' for o, _ in res)} invalid, {sum(o == 'not run' for o, _ in res)} not run; "
            f"{len(chosen)} of {len(every)} mutants (seed {a.seed}), "
            f"{time.perf_counter() - t0:.0f} s")
    text = [head, "", "survivors (each needs a test, or an argument in tb/MUTANTS.md that it is equivalent):"]
    text += [f"  {m.describe()}   [suite {MODULE_SUITE[m.module]}]" for m in surv] or ["  none"]
    text += ["", "all mutants:"] + [f"  {ln}" for ln in lines]
    (OUT / "report.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
