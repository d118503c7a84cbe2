"""Bad input on the RTL (cocotb tests, run by tests/tb/test_fuzz_rtl.py; results to $TB_RESULTS):

FuzzCsbTest   every read/write register of every unit written with a seeded random value, then
              $TB_FUZZ_CASES writes of random values to random unmapped CSB addresses and to the
              read-only registers (posted and non-posted); every access must complete, unmapped
              reads return 0, and a read-back of every register gives what was written to it
              (read-only ones: their reset value).
FuzzBusyTest  a second D_OP_ENABLE (SDP and SDP_RDMA, the running group) while an SDP layer runs.
              Defined behaviour (NVDLA's): OP_EN of the group that runs is already 1, writing 1
              again changes nothing - the layer finishes once, bit-exact (its output equals its
              input, a pass-through), raises its done bit once (no second interrupt within
              2x the layer's cycles), both groups idle after; the next layer (group 1) runs
              normally.
FuzzOobTest   SDP layers whose source / destination lie outside the memory the testbench maps:
              they finish (no hang); reads return 0, writes are dropped, and the testbench's
              one-line report names the address, the unit and the register that pointed there.

``make_field_cases`` writes register programs of out-of-range field values (NVIDIA's sdp/pdp/cdp
traces with fields replaced by seeded random values of their width, sizes kept small) whose
expected bytes are the golden model's; tests/tb/test_fuzz_rtl.py plays them (TraceTest).
"""
from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

import cocotb
import numpy as np
import pyuvm
from cocotb.triggers import ClockCycles

from model.regs import REGMAP

from .oob import oob_report

TESTS = ("FuzzCsbTest", "FuzzBusyTest", "FuzzOobTest")
def sdp_passthrough(w: int, h: int, c: int, src: int, dst: int) -> dict[str, int]:
    """Register values of an SDP pass-through (memory -> every stage bypassed -> memory)."""
    line, surf = w * 8, w * 8 * h
    return {
        "NVDLA_SDP_RDMA.D_DATA_CUBE_WIDTH_0": w - 1, "NVDLA_SDP_RDMA.D_DATA_CUBE_HEIGHT_0": h - 1,
        "NVDLA_SDP_RDMA.D_DATA_CUBE_CHANNEL_0": c - 1, "NVDLA_SDP_RDMA.D_SRC_BASE_ADDR_LOW_0": src,
        "NVDLA_SDP_RDMA.D_SRC_LINE_STRIDE_0": line, "NVDLA_SDP_RDMA.D_SRC_SURFACE_STRIDE_0": surf,
        "NVDLA_SDP_RDMA.D_SRC_DMA_CFG_0": 1, "NVDLA_SDP_RDMA.D_BRDMA_CFG_0": 1,
        "NVDLA_SDP_RDMA.D_NRDMA_CFG_0": 1, "NVDLA_SDP_RDMA.D_ERDMA_CFG_0": 1,
        "NVDLA_SDP_RDMA.D_FEATURE_MODE_CFG_0": 0,
        "NVDLA_SDP.D_DATA_CUBE_WIDTH_0": w - 1, "NVDLA_SDP.D_DATA_CUBE_HEIGHT_0": h - 1,
        "NVDLA_SDP.D_DATA_CUBE_CHANNEL_0": c - 1, "NVDLA_SDP.D_DST_BASE_ADDR_LOW_0": dst,
        "NVDLA_SDP.D_DST_LINE_STRIDE_0": line, "NVDLA_SDP.D_DST_SURFACE_STRIDE_0": surf,
        "NVDLA_SDP.D_DST_DMA_CFG_0": 1, "NVDLA_SDP.D_FEATURE_MODE_CFG_0": 0,
        "NVDLA_SDP.D_DATA_FORMAT_0": 0, "NVDLA_SDP.D_CVT_SCALE_0": 1, "NVDLA_SDP.D_CVT_SHIFT_0": 0,
        "NVDLA_SDP.D_CVT_OFFSET_0": 0,
        "NVDLA_SDP.D_DP_BS_CFG_0": REGMAP["NVDLA_SDP.D_DP_BS_CFG_0"].encode(BS_BYPASS=1),
        "NVDLA_SDP.D_DP_BN_CFG_0": REGMAP["NVDLA_SDP.D_DP_BN_CFG_0"].encode(BN_BYPASS=1),
        "NVDLA_SDP.D_DP_EW_CFG_0": REGMAP["NVDLA_SDP.D_DP_EW_CFG_0"].encode(EW_BYPASS=1),
    }


def _results(obj) -> None:
    out = os.environ.get("TB_RESULTS")
    if out:
        Path(out).write_text(json.dumps(obj, indent=1))


def _cases() -> int:
    return int(os.environ.get("TB_FUZZ_CASES", "200"))


def _rng():
    return np.random.default_rng(int(os.environ.get("TB_FUZZ_SEED", "1")))


def _base():
    from .test_nvdla import _Base
    return _Base


@pyuvm.test()
class FuzzCsbTest(_base()):
    async def run_phase(self):
        from .sequences import RegSequence
        from .test_nvdla import DEFAULT_UNITS, _SIDE_EFFECT
        self.raise_objection()
        rng = _rng()
        await self.env.reset(None)
        seq = RegSequence("fuzz-csb", self.env)
        fails: list[str] = []
        want: dict[str, int] = {}
        regs = [r for u in DEFAULT_UNITS for r in REGMAP.unit_regs(u)]
        for r in regs:
            if r.access == "rw" and r.name not in _SIDE_EFFECT and r.name != "S_POINTER_0":
                v = int(rng.integers(0, 1 << 32))
                await seq.write(r.full_name, v)
                want[r.full_name] = v & r.writable_mask
        ro = [r for r in REGMAP if r.access == "ro"]
        n, kinds = _cases(), {"unmapped write": 0, "unmapped read": 0, "read-only write": 0}
        for i in range(n):
            v = int(rng.integers(0, 1 << 32))
            k = int(rng.integers(0, 3))
            if k == 2:
                r = ro[int(rng.integers(0, len(ro)))]
                await seq.write_addr(r.addr, v, nposted=bool(rng.integers(0, 2)))
                kinds["read-only write"] += 1
                continue
            while True:
                a = int(rng.integers(0, 0x4000)) * 4
                if REGMAP.by_addr(a) is None:
                    break
            if k == 0:
                await seq.write_addr(a, v, nposted=bool(rng.integers(0, 2)))
                kinds["unmapped write"] += 1
            else:
                got = await seq.read_addr(a)
                kinds["unmapped read"] += 1
                if got != 0:
                    fails.append(f"unmapped 0x{a:04x} read 0x{got:08x}, expected 0")
        checked = 0
        for name, v in want.items():
            got = await seq.read(name)
            checked += 1
            if got != v:
                fails.append(f"{name}: read 0x{got:08x} after the fuzzed accesses, wrote 0x{v:08x}")
        for r in ro:
            if r.unit not in DEFAULT_UNITS:
                continue
            got = await seq.read(r.full_name)
            checked += 1
            if got != r.reset:
                fails.append(f"{r.full_name} (read-only): read 0x{got:08x}, reset 0x{r.reset:08x}")
        _results({"failures": fails, "checked": checked, "cases": n, "kinds": kinds})
        self.drop_objection()
        assert not fails, f"{len(fails)} failures, first: {fails[0]}"


async def _sdp_layer(seq, env, g: int, regs: dict[str, int]) -> None:
    for unit in ("SDP_RDMA", "SDP"):
        await seq.write_fields(f"NVDLA_{unit}.S_POINTER_0", PRODUCER=g)
    for name, v in regs.items():
        await seq.write(name, v)
    await seq.write("NVDLA_SDP_RDMA.D_OP_ENABLE_0", 1)
    await seq.write("NVDLA_SDP.D_OP_ENABLE_0", 1)


@pyuvm.test()
class FuzzBusyTest(_base()):
    async def run_phase(self):
        from model.memory import Memory
        from .sequences import RegSequence
        self.raise_objection()
        rng = _rng()
        w, h, c = 32, 16, 32
        size = w * h * c
        src = {g: 0x80000000 + g * 0x100000 for g in (0, 1)}
        dst = {g: 0x80800000 + g * 0x100000 for g in (0, 1)}
        ins = {g: rng.integers(0, 256, size, dtype=np.uint8) for g in (0, 1)}
        mem = Memory()
        for g in (0, 1):
            mem.write(src[g], ins[g])
        self.env.scoreboard.start(mem)
        await self.env.dbb.load(mem, [(dst[g], size) for g in (0, 1)])
        await self.env.reset(None)
        seq = RegSequence("fuzz-busy", self.env)
        fails: list[str] = []
        st_sdp = "NVDLA_SDP.S_STATUS_0"
        await seq.write("NVDLA_GLB.S_INTR_MASK_0", 0)
        t0 = int(self.dut.cycles.value)
        await _sdp_layer(seq, self.env, 0, sdp_passthrough(w, h, c, src[0], dst[0]))
        await ClockCycles(self.dut.clk, 200)
        s = await seq.read(st_sdp)
        if s & 3 != 1:
            fails.append(f"SDP.S_STATUS 0x{s:08x} 200 cycles after OP_EN: group 0 not running "
                         f"(the layer is too short for this test)")
        # the second OP_EN of the running group (both units)
        await seq.write("NVDLA_SDP_RDMA.D_OP_ENABLE_0", 1)
        await seq.write("NVDLA_SDP.D_OP_ENABLE_0", 1)
        second = {"SDP": 1, "SDP_RDMA": 1}
        try:
            await seq.wait_done("SDP", 0, 200_000)
        except Exception as e:
            fails.append(f"layer in group 0 after a second OP_EN: {e}")
        took = int(self.dut.cycles.value) - t0
        got = await self.env.dbb.dump(dst[0], size)
        m = self.env.scoreboard.first_diff(dst[0], ins[0], got, "the input (pass-through)")
        if m:
            fails.append(f"group 0 output after a second OP_EN while busy: {m}")
        # no second run: no second done bit within 2x the layer's cycles, both groups idle
        await ClockCycles(self.dut.clk, 2 * took)
        st = await seq.read("NVDLA_GLB.S_INTR_STATUS_0")
        if st & REGMAP["NVDLA_GLB.S_INTR_STATUS_0"].field("SDP_DONE_STATUS0").mask:
            fails.append(f"GLB.S_INTR_STATUS 0x{st:08x}: SDP group 0 finished a second time "
                         f"(the second OP_EN started another run)")
            await seq.write("NVDLA_GLB.S_INTR_STATUS_0", st)
        for u in ("SDP", "SDP_RDMA"):
            s = await seq.read(f"NVDLA_{u}.S_STATUS_0")
            if s & 0x30003:
                fails.append(f"{u}.S_STATUS 0x{s:08x} after the layer: not idle")
        # the next layer, group 1, runs normally
        await _sdp_layer(seq, self.env, 1, sdp_passthrough(w, h, c, src[1], dst[1]))
        try:
            await seq.wait_done("SDP", 1, 200_000)
            got = await self.env.dbb.dump(dst[1], size)
            m = self.env.scoreboard.first_diff(dst[1], ins[1], got, "the input (pass-through)")
            if m:
                fails.append(f"group 1 output after the busy test: {m}")
        except Exception as e:
            fails.append(f"layer in group 1 after the busy test: {e}")
        _results({"failures": fails, "checked": 2, "cycles": took, "second_op_en": second})
        self.drop_objection()
        assert not fails, "; ".join(fails)


@pyuvm.test()
class FuzzOobTest(_base()):
    async def run_phase(self):
        from model.memory import Memory
        from .sequences import RegSequence
        self.raise_objection()
        rng = _rng()
        w, h, c = 4, 3, 16
        size = w * h * c
        mapped_src, mapped_dst = 0x80000000, 0x80100000
        cases = {"source unmapped": (0x40000000, mapped_dst, "read", "SDP_RDMA"),
                 "destination unmapped": (mapped_src, 0x50000000, "write", "SDP (its D_DST")}
        res, fails = {}, []
        for label, (src, dst, kind, unit) in cases.items():
            mem = Memory()
            mem.write(mapped_src, rng.integers(0, 256, size, dtype=np.uint8))
            self.env.scoreboard.start(mem)
            await self.env.dbb.load(mem, [(mapped_dst, size)])
            await self.env.reset(None)
            seq = RegSequence("fuzz-oob", self.env)
            await seq.write("NVDLA_GLB.S_INTR_MASK_0", 0)
            await _sdp_layer(seq, self.env, 0, sdp_passthrough(w, h, c, src, dst))
            try:
                cyc = await seq.wait_done("SDP", 0, 100_000)
                line = oob_report(self.env) or "no access outside the mapped memory reported"
            except Exception as e:
                cyc, line = None, f"{type(e).__name__}: {e}"
            res[label] = {"cycles": cyc, "line": line}
            print(f"FuzzOobTest {label}: {line}", flush=True)
            want = f"{kind} beats outside the mapped memory"
            addr = f"0x{(src if kind == 'read' else dst):08x}"
            if cyc is None or want not in line or addr not in line or unit not in line:
                fails.append(f"{label}: expected a report of {kind}s at {addr} by {unit}: {line}")
        _results({"failures": fails, "cases": res})
        self.drop_objection()
        assert not fails, "; ".join(fails)


# --------------------------------------------------------------------------- field fuzzing
FIELD_TRACES = ("sdp_3x3x33_bs_bn_int8_1", "sdp_23x13x42_bs_int8_mem_0", "pdp_8x8x64_2x2_int8",
                "pdp_7x9x10_3x3_int8", "cdp_8x8x32_lrn3_int8_0")
_SIZE = ("WIDTH", "HEIGHT", "CHANNEL")
_ADDR = ("ADDR", "STRIDE")


def _fuzz_value(rng, reg) -> int:
    """Each field of ``reg`` a random value of its width (cube sizes at most 15, addresses and
    strides kept in 3 of 4 cases by the caller)."""
    v = 0
    for f in reg.fields:
        width = f.msb - f.lsb + 1
        top = min(1 << width, 16) if any(s in f.name for s in _SIZE) else 1 << width
        v = f.put(v, int(rng.integers(0, top)))
    return v


REFUSED = "// refused by the golden model: "


def refusal(d: Path) -> str | None:
    """The golden model's one-line refusal of a make_field_cases program (None: it ran)."""
    for ln in (Path(d) / f"{Path(d).name}.cfg").read_text().splitlines()[:3]:
        if ln.startswith(REFUSED):
            return ln[len(REFUSED):]
    return None


def make_field_cases(root: Path, n: int, seed: int, traces_dir: Path) -> list[Path]:
    """``n`` programs from NVIDIA's traces with register fields replaced by random values, each
    as a trace directory whose check is the golden model's CRC (check_nothing where the model
    rejects the configuration, an expected refusal whose one-line reason the cfg's second line
    holds, ``refusal(d)``: then the RTL only has to finish or be stopped by the watchdog)."""
    from model.trace import TraceRunner, parse_cfg
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        name = FIELD_TRACES[i % len(FIELD_TRACES)]
        src = traces_dir / name
        cmds = parse_cfg(src / f"{name}.cfg")
        # 1..4 register writes of the program get random field values (GLB, pointers and
        # OP_ENABLE are kept: the interrupt must stay unmasked, the program launch the same)
        cand = [j for j, c in enumerate(cmds) if c.kind == "reg_write"
                and "OP_ENABLE" not in c.args[0] and "S_POINTER" not in c.args[0]
                and not c.args[0].startswith("NVDLA_GLB.")
                and REGMAP[c.args[0]].access == "rw"
                and not (any(a in c.args[0] for a in _ADDR) and rng.random() < 0.75)]
        pick = set(int(j) for j in rng.choice(cand, size=min(len(cand), int(rng.integers(1, 5))),
                                             replace=False))
        lines = [f"// fuzzed from {name} (tb/fuzz.py make_field_cases, seed {seed}, case {i}): "
                 + ", ".join(cmds[j].args[0] for j in sorted(pick))]
        for j, c in enumerate(cmds):
            if j in pick:
                lines.append(f"reg_write({c.args[0]}, 0x{_fuzz_value(rng, REGMAP[c.args[0]]):x});")
            elif c.kind == "mem_load":
                lines.append(f'mem_load(pri_mem, 0x{c.args[1]:x}, "{src / c.args[2]}");')
            else:
                lines.append(c.text)
        d = Path(root) / f"fuzz_s{seed}_{i:03d}_{name.split('_')[0]}"
        d.mkdir(parents=True, exist_ok=True)
        cfg = d / f"{d.name}.cfg"
        cfg.write_text("\n".join(lines) + "\n")
        # expected bytes: the golden model's (its CRC into each check; check_nothing if rejected)
        runner = TraceRunner(d, d / "no-rtl")
        r = runner.run()
        usable = runner.dev is not None and (r.passed or "CRC expected" in r.message)
        fixed = []
        if not usable:
            # an expected refusal: the model names the setting nv_small leaves undefined; the
            # RTL only has to end (PASS of check_nothing, or its watchdog)
            fixed.append(REFUSED + " ".join(r.message.split()))
        for ln in lines:
            if ln.startswith("check_crc("):
                a = [x.strip() for x in ln[len("check_crc("):ln.rindex(")")].split(",")]
                base, size = int(a[2], 0), int(a[3], 0)
                if not usable:
                    fixed.append(f"check_nothing({a[0]});")
                    continue
                crc = zlib.crc32(runner.dev.mem.read(base, size).tobytes()) & 0xFFFFFFFF
                fixed.append(f"check_crc({a[0]}, {a[1]}, 0x{base:x}, 0x{size:x}, 0x{crc:08x});")
            else:
                fixed.append(ln)
        cfg.write_text("\n".join(fixed) + "\n")
        out.append(d)
    return out


def main(argv=None) -> int:
    import argparse
    from model import data
    ap = argparse.ArgumentParser(prog="python -m tb.fuzz", description=(
        "Write the fuzzed register programs of tests/tb/test_fuzz_rtl.py as trace directories "
        "(replay one with make SIM=verilator TEST=trace TRACE=<dir>)."))
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    for d in make_field_cases(a.out, a.n, a.seed, data.traces_root() / "nv_small"):
        why = refusal(d)
        print(d if why is None else f"{d}  (refused by the golden model: {why})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
