"""Mutation testing of our RTL: how many small bugs planted in hw/ the testbench catches.

    python -m tb.mutate [--mutants N] [--seed S] [--jobs J] [--timeout SEC] [TRACE_DIR ...]

Mutants (one change each, in a copy of hw/ under build/mutants/<n>/): a swapped operator
(+/-, ==/!=, </>=, >/<=, &/|, &&/||, ^/&, <</>>), an off-by-one constant (N'dK -> K+1, K-1),
an inverted condition (if (c) -> if (!(c))), a stuck signal (assign x = ... -> assign x = 0).
They are drawn, reproducibly (--seed), from every such site of the arithmetic (nvs_sdp*,
nvs_pdp_core, nvs_cdp_core, nvs_cdp_lut, nvs_sat, nvs_shl_sat, nvs_shr_rnd_sat), DMA (nvs_dma*,
nvs_cube_rd/wr, nvs_pc_fifo) and control (nvs_csb, nvs_sdp, nvs_pdp, nvs_cdp) modules. Each
mutant builds on Icarus (cheap to build) and plays the traces (default: the quick tier's and
Icarus subset's sdp/pdp/cdp traces) in one run, J mutants at a time, each killed after
--timeout seconds (a hang counts as killed: the testbench noticed). Outcome per mutant:
killed (a trace failed), survived (all passed), or invalid (does not build: not counted).

Writes build/mutants/report.txt: the score and every survivor (file:line, before -> after).
Exit status 0 (the score is a measurement, not a pass/fail), 2 on a setup problem.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from model import data

from . import runner

OUT = runner.BUILD / "mutants"
MODULES = ("nvs_sdp", "nvs_sdp_cvt", "nvs_sdp_opnd", "nvs_sdp_walk", "nvs_sdp_x", "nvs_pdp",
           "nvs_pdp_core", "nvs_cdp", "nvs_cdp_core", "nvs_cdp_lut", "nvs_sat", "nvs_shl_sat",
           "nvs_shr_rnd_sat", "nvs_dma", "nvs_dma_rdfifo", "nvs_cube_rd", "nvs_cube_wr",
           "nvs_pc_fifo", "nvs_csb")
TRACES = ("sdp_3x3x33_bs_bn_int8_1", "sdp_8x8x32_bypass_int8_1", "pdp_8x8x64_2x2_int8",
          "pdp_7x9x10_3x3_int8", "cdp_8x8x32_lrn3_int8_0")
# (pattern, replacement): operators with spaces around them, as our RTL is written
_OPS = [(" + ", " - "), (" - ", " + "), (" == ", " != "), (" != ", " == "), (" < ", " >= "),
        (" >= ", " < "), (" > ", " <= "), (" <= ", " > "), (" && ", " || "), (" || ", " && "),
        (" & ", " | "), (" | ", " & "), (" ^ ", " & "), (" << ", " >> "), (" >> ", " << ")]
_CONST = re.compile(r"(\d+)'d(\d+)")
_IF = re.compile(r"\bif\s*\((.+)\)\s*(begin)?\s*$")
_SPLIT = re.compile(r"[;)]|\bbegin\b|\belse\b|\bend\b|:(?![\d\w]*\])")
_LVALUE = re.compile(r"\s*[\w.]+(\[[^\]]*\])*\s*|\s*\{[^}]*\}\s*")


def _is_assignment(before: str) -> bool:
    """True when the ' <= ' after ``before`` is a non-blocking assignment (its left side is a
    bare lvalue after the statement's start), not a comparison."""
    return bool(_LVALUE.fullmatch(_SPLIT.split(before)[-1]))


_ASSIGN = re.compile(r"^(\s*assign\s+[\w\[\]:]+\s*=\s*)(.+);\s*$")


@dataclass(frozen=True)
class Mutant:
    file: str          # hw/<name>.v
    line: int          # 1-based
    kind: str          # operator / constant / condition / stuck
    before: str
    after: str         # the whole mutated line

    def describe(self) -> str:
        return f"{self.file}:{self.line} [{self.kind}] {self.before.strip()}  ->  {self.after.strip()}"


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
        for n, line in enumerate(p.read_text().splitlines(), 1):
            code = _code(line)
            s = code.strip()
            if not s or s.startswith(("`", "module", "input", "output", "parameter", "localparam",
                                      "wire", "reg", "integer", "/*", "*")):
                continue
            rest = line[len(code):]
            for a, b in _OPS:
                i = code.find(a)
                while i >= 0:
                    if not (a == " <= " and _is_assignment(code[:i])):
                        out.append(Mutant(rel, n, "operator", line,
                                          code[:i] + b + code[i + len(a):] + rest))
                    i = code.find(a, i + 1)
            for m in _CONST.finditer(code):
                w, k = m.group(1), int(m.group(2))
                for k2 in ({k + 1, k - 1} - {-1}):
                    out.append(Mutant(rel, n, "constant", line,
                                      code[:m.start()] + f"{w}'d{k2}" + code[m.end():] + rest))
            m = _IF.search(code)
            if m:
                out.append(Mutant(rel, n, "condition", line, code[:m.start(1)] + f"!({m.group(1)})"
                                  + code[m.end(1):] + rest))
            m = _ASSIGN.match(code)
            if m:
                out.append(Mutant(rel, n, "stuck", line, f"{m.group(1)}0;{rest}"))
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


def run_mutant(i: int, m: Mutant, traces: list[Path], timeout: int) -> tuple[str, str]:
    root = OUT / f"{i:03d}"
    fl = _write(m, root)
    env = {**os.environ, "TB_WALL_LIMIT": str(timeout), "TB_BUILD_DIR": str(root / "build")}
    cmd = [sys.executable, "-m", "tb.run", "--sim", "icarus", "--rtl-filelist", str(fl),
           "--toplevel", "nvsmall_top", *map(str, traces)]
    try:
        r = subprocess.run(cmd, cwd=runner.REPO, env=env, capture_output=True, text=True,
                           timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        return "killed", "timeout (hang)"
    fails = [ln for ln in r.stdout.splitlines() if ln.startswith("FAIL")]
    if r.returncode == 0:
        outcome, why = "survived", ""
    elif r.returncode == 2 or "no result" in r.stdout and not fails:
        outcome, why = "invalid", (r.stderr.strip().splitlines() or [""])[-1][:160]
    else:
        outcome, why = "killed", (fails[0] if fails else "run failed")[:160]
    if outcome != "survived":
        shutil.rmtree(root, ignore_errors=True)
    return outcome, why


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.mutate", description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", type=int, default=24, help="how many mutants (default 24)")
    ap.add_argument("--seed", type=int, default=1, help="which mutants (default 1)")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per mutant (default 600)")
    ap.add_argument("dirs", nargs="*", help="trace directories (default: 5 sdp/pdp/cdp traces)")
    a = ap.parse_args(argv)
    why = runner.sim_available("icarus")
    if why:
        print(f"error: {why}", file=sys.stderr)
        return 2
    traces = [Path(d) for d in a.dirs] or [data.traces_root() / "nv_small" / t for t in TRACES]
    missing = [t for t in traces if not (t / f"{t.name}.cfg").is_file()]
    if missing:
        print(f"error: trace {missing[0]} not found (set NVDLA_TRACES or NVDLA_SHARED)", file=sys.stderr)
        return 2
    every = sites()
    chosen = sorted(random.Random(a.seed).sample(every, min(a.mutants, len(every))),
                    key=lambda m: (m.file, m.line))
    print(f"tb.mutate: {len(chosen)} of {len(every)} mutants, {len(traces)} traces, "
          f"{a.jobs} at a time", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.jobs) as ex:
        res = list(ex.map(lambda im: run_mutant(im[0], im[1], traces, a.timeout), enumerate(chosen)))
    lines = []
    for m, (o, w) in zip(chosen, res):
        lines.append(f"{o:8s} {m.describe()}" + (f"   # {w}" if w and o != "survived" else ""))
    killed = sum(o == "killed" for o, _ in res)
    surv = [m for m, (o, _) in zip(chosen, res) if o == "survived"]
    valid = killed + len(surv)
    score = 100.0 * killed / valid if valid else 0.0
    head = (f"mutation score: {killed}/{valid} killed ({score:.1f}%), {len(surv)} survived, "
            f"{len(res) - valid} invalid; {len(chosen)} of {len(every)} mutants (seed {a.seed}), "
            f"{time.perf_counter() - t0:.0f} s")
    text = [head, "", "survivors (each needs a test, or a note that it is equivalent):"]
    text += [f"  {m.describe()}" for m in surv] or ["  none"]
    text += ["", "all mutants:"] + [f"  {ln}" for ln in lines]
    (OUT / "report.txt").write_text("\n".join(text) + "\n")
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
