"""Sequences: register access by name (built from Python) and NVIDIA trace playback.

    seq = RegSequence("cfg", env)
    await seq.write("NVDLA_SDP.D_CVT_SCALE_0", 1)                   # by name (model/regs.py REGMAP)
    await seq.write_fields("NVDLA_SDP.D_DP_BS_CFG_0", BS_BYPASS=1)  # fields, others 0
    v = await seq.read("NVDLA_GLB.S_INTR_STATUS_0")

    res = await TraceSequence("t", env, trace_dir, seed=None).play()   # dict: passed, line, ...

Trace files are parsed by the golden model's parser (model/trace.py: parse_cfg, pattern_bytes,
mem_file_image; memory files kept while unchanged); this module only plays the parsed commands
on the RTL.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from pyuvm import uvm_sequence

from model import data
from model.memory import Memory
from model.bounds import op_bounds
from model.regs import REGMAP, RegView

from .csb import CsbItem
from .env import (CONV_IDLE_FACTOR, AxiViolation, CsbViolation, IdleTimeout, NvdlaEnv,
                  WatchdogTimeout, axi_counts, axi_violation, idle_limit)

# watchdog: cycles an interrupt (or a poll) may take, as a multiple of NVIDIA's nv_small cycles
# for the trace (summary.csv), else of the work its registers program (work_cycles), never
# below WATCHDOG_MIN.  A hung DUT is stopped much sooner by the idle watchdog (env.IDLE_LIMIT).
WATCHDOG_MIN = 20_000
WATCHDOG_FACTOR = 10
# units with S_STATUS (per-group idle/running/pending), for the report of a hung trace
STATUS_UNITS = ("CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC", "SDP_RDMA", "SDP", "PDP_RDMA", "PDP",
                "CDP_RDMA", "CDP")
_STATE = {0: "idle", 1: "running", 2: "pending", 3: "state 3"}

# cube registers (unit of D_OP_ENABLE -> name pattern, register suffixes, fields)
_CUBES = {
    "SDP": ("NVDLA_SDP.D_DATA_CUBE_{}_0", ("WIDTH", "HEIGHT", "CHANNEL"), ("WIDTH", "HEIGHT", "CHANNEL")),
    "PDP": ("NVDLA_PDP.D_DATA_CUBE_IN_{}_0", ("WIDTH", "HEIGHT", "CHANNEL"),
            ("CUBE_IN_WIDTH", "CUBE_IN_HEIGHT", "CUBE_IN_CHANNEL")),
    "CDP": ("NVDLA_CDP_RDMA.D_DATA_CUBE_{}_0", ("WIDTH", "HEIGHT", "CHANNEL"), ("WIDTH", "HEIGHT", "CHANNEL")),
}


def _fv(vals: dict, name: str, field: str) -> int:
    r = REGMAP[name]
    return r.field(field).get(vals.get(name, r.reset))


def work_cycles(cmds) -> int:
    """A cycle estimate of the work a trace programs, from the registers it writes: per
    D_OP_ENABLE of SDP/PDP/CDP (and their RDMAs) the input cube's elements, per convolution
    (CACC enable) the larger of its MAC and memory bounds (model.bounds.op_bounds: atoms as CSC
    computes them, bytes over the 64-bit DBB).
    On NVIDIA's traces nv_small needs 0.3-4x this (more only on tiny traces)."""
    vals: dict[str, int] = {}
    total = 0
    for c in cmds:
        if c.kind != "reg_write":
            continue
        name, v = c.args
        vals[name] = v
        if not (name.endswith(".D_OP_ENABLE_0") and v & 1):
            continue
        unit = name.split(".")[0][len("NVDLA_"):]
        base = unit.replace("_RDMA", "")
        if base in _CUBES:
            pat, regs, flds = _CUBES[base]
            n = 1
            for r, f in zip(regs, flds):
                n *= _fv(vals, pat.format(r), f) + 1
            total += n
        elif unit == "CACC":
            total += op_bounds(RegView(vals)).bound
    return total


_MEM_FILES: dict = {}          # (device, inode, size, mtime) -> mem_file_image + listed runs
_MEM_FILES_BYTES = 256 << 20   # the cache holds at most this many image bytes (oldest dropped)


def _mem_file_cached(path: Path):
    """model.trace.mem_file_image of ``path`` plus its listed byte runs [(offset, bytes)],
    reused while the file (by inode, size and mtime; hard links share one entry) is unchanged."""
    from model.trace import mem_file_image
    st = path.stat()
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    hit = _MEM_FILES.get(key)
    if hit is None:
        end, img, mask = mem_file_image(path)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
        runs = [(int(a), img[a:b]) for a, b in zip(edges[::2], edges[1::2])]
        while _MEM_FILES and sum(v[1].size for v in _MEM_FILES.values()) + img.size > _MEM_FILES_BYTES:
            _MEM_FILES.pop(next(iter(_MEM_FILES)))
        hit = _MEM_FILES[key] = (end, img, mask, runs)
    return hit


class CsbSequence(uvm_sequence):
    """Base: CSB accesses by register name or byte address through the CSB agent's sequencer."""

    def __init__(self, name: str, env: NvdlaEnv):
        super().__init__(name)
        self.env = env

    async def body(self):                 # used only when started as a plain uvm_sequence
        pass

    async def _do(self, item: CsbItem) -> CsbItem:
        await self.start_item(item)
        await self.finish_item(item)
        if getattr(item, "error", None):
            raise item.error
        return item

    async def write_addr(self, addr: int, value: int, nposted: bool = False) -> None:
        await self._do(CsbItem("w", addr, value, True, nposted))

    async def read_addr(self, addr: int) -> int:
        return (await self._do(CsbItem("r", addr, 0, False))).data

    async def write(self, name: str, value: int, nposted: bool = False) -> None:
        await self.write_addr(REGMAP[name].addr, value, nposted)

    async def write_fields(self, name: str, **fields: int) -> None:
        await self.write(name, REGMAP[name].encode(**fields))

    async def read(self, name: str) -> int:
        return await self.read_addr(REGMAP[name].addr)

    def _start(self):
        # a sequence used through its helper methods needs its sequencer set
        self.sequencer = self.env.csb.seqr
        return self


class RegSequence(CsbSequence):
    def __init__(self, name: str, env: NvdlaEnv):
        super().__init__(name, env)
        self._start()

    async def wait_done(self, unit: str, group: int, cycles: int = WATCHDOG_MIN) -> int:
        """Wait for GLB.S_INTR_STATUS.<unit>_DONE_STATUS<group>, clear it (w1c); returns the
        cycles waited.  WatchdogTimeout names unit, group and cycles when it never comes."""
        st = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"]
        bit = st.field(f"{unit}_DONE_STATUS{group}").mask
        start = int(self.env.dut.cycles.value)
        while True:
            left = cycles - (int(self.env.dut.cycles.value) - start)
            if left <= 0 or not await self.env.intr.wait(left):
                n = int(self.env.dut.cycles.value) - start
                raise WatchdogTimeout(f"watchdog: {unit} register group {group} never raised "
                                      f"its interrupt in {n} cycles")
            if await self.read("NVDLA_GLB.S_INTR_STATUS_0") & bit:
                await self.write("NVDLA_GLB.S_INTR_STATUS_0", bit)
                return int(self.env.dut.cycles.value) - start


class TraceFail(Exception):
    pass


class TraceSequence(CsbSequence):
    """Plays one NVIDIA trace directory on the DUT (memory commands first, as NVIDIA's player)."""

    def __init__(self, name: str, env: NvdlaEnv, trace_dir: Path, seed: int | None = None):
        super().__init__(name, env)
        self._start()
        self.dir = Path(trace_dir)
        self.tname = self.dir.name
        self.cfg = self.dir / f"{self.tname}.cfg"
        self.seed = seed
        ref = data.nvidia_cycles(self.tname)
        self.nv_cycles = ref
        self.watchdog = max(WATCHDOG_MIN, WATCHDOG_FACTOR * (ref or 0))   # work: see play()
        self.notes: list[str] = []
        self.producer: dict[str, int] = {}          # unit -> group its registers go to
        self.enabled: dict[tuple[str, int], int] = {}   # (unit, group) -> trace line enabled

    def _path(self, fname: str, line: int) -> Path:
        from model.trace import TraceError
        p = Path(fname)
        p = p if p.is_absolute() else self.dir / p
        if not p.is_file():
            raise TraceError(f"{self.cfg}:{line}: memory file {fname!r} not found")
        return p

    def image(self, cmds) -> tuple[Memory, list[tuple[int, int]]]:
        """Memory image of the trace's mem_init/mem_load commands, and the checked spans.
        Memory files are read by the golden model's vectorised reader (model.trace.
        mem_file_image: entries in file order, later ones win) and kept while unchanged
        (_mem_file_cached): the traces of a compiled network share their weight files."""
        from model.trace import pattern_bytes
        mem, spans = Memory(), []
        for c in cmds:
            if c.kind == "mem_init":
                _, base, size_or_file, pat = c.args
                size = (_mem_file_cached(self._path(size_or_file, c.line))[0]
                        if isinstance(size_or_file, str) else size_or_file)
                mem.write(base, pattern_bytes(pat, base, size, f"{self.cfg}:{c.line}"))
            elif c.kind == "mem_load":
                _, base, fname = c.args
                for off, run in _mem_file_cached(self._path(fname, c.line))[3]:
                    mem.write(base + off, run)
            elif c.kind in ("check_crc", "check_file"):
                spans.append((c.args[2], c.args[3]))
        return mem, spans

    async def play(self) -> dict:
        from model.trace import TraceError, mem_file_image, parse_cfg
        t0 = time.perf_counter()
        env = self.env
        res = {"name": self.tname, "passed": False, "cycles": 0, "nv_cycles": self.nv_cycles,
               "seed": self.seed, "checks": 0}
        try:
            cmds = parse_cfg(self.cfg)
            if self.nv_cycles is None:     # no summary.csv row: scale with the programmed work
                self.watchdog = max(WATCHDOG_MIN, WATCHDOG_FACTOR * work_cycles(cmds))
            res["watchdog"] = self.watchdog
            mem, spans = self.image(cmds)
            env.scoreboard.start(mem)
            await env.dbb.load(mem, spans)
            await env.reset(self.seed)
            # test hook ($TB_HOLD_R: trace names): read data withheld from the DUT
            env.dut.mem_hold_r.value = int(self.tname in os.environ.get("TB_HOLD_R", "").split(","))
            conv = any(c.kind == "reg_write" and c.args[0] == "NVDLA_CACC.D_OP_ENABLE_0"
                       and c.args[1] & 1 for c in cmds)
            res["idle_limit"] = max(0, idle_limit()) * (CONV_IDLE_FACTOR if conv else 1)
            env.dut.idle_limit.value = res["idle_limit"] & 0xFFFFFFFF
            fired: set[str] = set()
            for c in cmds:
                if c.kind == "reg_write":
                    self._track(c)
                    await self.write(*c.args)
                elif c.kind in ("poll_reg_equal", "reg_read_check"):
                    await self._poll(c)
                elif c.kind == "intr_notify":
                    await self._intr(c)
                    fired.add(c.args[0])
                elif c.kind in ("check_crc", "check_file", "check_nothing"):
                    if c.args[0] not in fired:
                        raise TraceError(f"{self.cfg}:{c.line}: check before its intr_notify "
                                         f"({c.args[0]})")
                    res["checks"] += 1
                    if c.kind == "check_nothing":
                        continue
                    _, _, base, size = c.args[:4]
                    got = await env.dbb.dump(base, size)
                    exp_crc = c.args[4] if c.kind == "check_crc" else None
                    exp_file = None
                    if c.kind == "check_file":
                        end, img, _ = _mem_file_cached(self._path(c.args[4], c.line))[:3]
                        exp_file = np.zeros(size, dtype=np.uint8)
                        exp_file[:min(size, end)] = img[:min(size, end)]
                    nv = self._rtl_bytes(base, size)
                    self._keep_dump(c, base, size, got, nv, exp_file)
                    ok, msg, notes = env.scoreboard.check(base, size, got, exp_crc, nv, exp_file)
                    self.notes += notes
                    if not ok:
                        raise TraceFail(f"{c.kind} line {c.line} [0x{base:x}+0x{size:x}]: {msg}")
            v = axi_violation(env.dut, env.settle_cycles)
            if v:
                raise AxiViolation(v)
            if int(env.dut.chk_rd_out.value) or int(env.dut.chk_wr_out.value):
                raise AxiViolation(f"AXI: transactions never answered at the end of the trace: "
                                   f"{axi_counts(env.dut)}")
            res["passed"] = True
        except (TraceFail, WatchdogTimeout, AxiViolation, CsbViolation) as e:
            res["message"] = str(e)
        except TraceError as e:
            res["message"] = str(e)
        except Exception as e:  # CSB timeout, memory window problem, ...: fail this trace only
            res["message"] = f"{type(e).__name__}: {e}"
        res["cycles"] = int(env.dut.cycles.value) - getattr(env, "settle_cycles", 0)
        res["model_checks"] = env.scoreboard.model_checks
        oob_r, oob_w = int(env.dut.mem_rd_oob.value), int(env.dut.mem_wr_oob.value)
        res["oob_reads"], res["oob_writes"] = oob_r, oob_w
        res["reorders"] = int(env.dut.mem_reorders.value)
        d = env.dut
        res["axi"] = {"rd_bursts": int(d.chk_rd_bursts.value), "wr_bursts": int(d.chk_wr_bursts.value),
                      "rd_outstanding_max": int(d.chk_rd_out_max.value),
                      "wr_outstanding_max": int(d.chk_wr_out_max.value),
                      "rd_outstanding": int(d.chk_rd_out.value),
                      "wr_outstanding": int(d.chk_wr_out.value),
                      "violations": int(d.chk_err_count.value)}
        res["idle_max"] = max(int(d.idle_max.value), int(d.idle_cycles.value) if not res["passed"] else 0)
        wl = int(env.dut.mem_wlast_err.value)
        if wl and res["passed"]:        # an AXI protocol error of the DUT fails the trace
            res["passed"], res["message"] = False, f"{wl} write beats with WLAST not matching AWLEN"
        from .oob import oob_report           # not judged (only checked regions are), but named
        oob = oob_report(env)
        if oob:
            self.notes.append(oob)
        res["wall"] = time.perf_counter() - t0
        res["notes"] = self.notes
        res["line"] = (f"PASS {self.tname}" + (f" ({'; '.join(self.notes)})" if self.notes else "")
                       if res["passed"] else f"FAIL {self.tname}: {res.get('message', '')}")
        return res

    def _keep_dump(self, c, base: int, size: int, got, nv, exp_file) -> None:
        """$TB_DUMP_DIR set (make ... KEEP_DUMPS=<dir>): the checked region as the RTL wrote
        it, the golden model's bytes, NVIDIA's RTL bytes / the check file, and its layout, for
        python -m tb.diff."""
        root = os.environ.get("TB_DUMP_DIR")
        if not root:
            return
        from .diff import Layout, layout_from_model, write_check_dump
        model = self.env.scoreboard.model
        ok = model is not None and self.env.scoreboard.model_error is None
        lay = layout_from_model(model, base, size) if ok else Layout("raw", w=size, base=base)
        d = write_check_dump(Path(root), self.tname, f"{c.kind}_line{c.line}", base, size,
                             {"rtl": got, "golden": model.mem.read(base, size) if ok else None,
                              "nvidia": nv, "file": exp_file}, lay)
        self.notes.append(f"dump kept in {d}")

    def _rtl_bytes(self, base: int, size: int):
        p = data.rtl_output_dir(self.dir) / f"crc_{base:x}_{size:x}.bin"
        if not p.is_file():
            return None
        b = np.frombuffer(p.read_bytes(), dtype=np.uint8)
        return b if b.size == size else None

    async def _poll(self, c) -> None:
        name, want = c.args
        start = int(self.env.dut.cycles.value)
        while True:
            got = await self.read(name)
            if got == want:
                return
            if c.kind == "reg_read_check":
                raise TraceFail(f"reg_read_check({name}) line {c.line}: expected 0x{want:x}, "
                                f"read 0x{got:x}")
            v = axi_violation(self.env.dut, self.env.settle_cycles)
            if v:
                raise AxiViolation(v)
            now = int(self.env.dut.cycles.value)
            if now - start > self.watchdog:
                raise WatchdogTimeout(f"poll_reg_equal({name}, 0x{want:x}) line {c.line}: still "
                                      f"0x{got:x} after {now - start} cycles")
            for _ in range(16):
                await self._idle_cycle()

    async def _idle_cycle(self):
        from cocotb.triggers import RisingEdge
        await RisingEdge(self.env.dut.clk)

    async def _intr(self, c) -> None:
        """Wait for the notify's GLB.S_INTR_STATUS bit (any unmasked bit when it names none),
        clear it (write 1), or fail naming unit, group and cycles after the watchdog limit."""
        sync, fname, ident = c.args
        st = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"]
        want = st.field(fname).mask if fname else 0xFFFFFFFF
        start = int(self.env.dut.cycles.value)
        while True:
            left = self.watchdog - (int(self.env.dut.cycles.value) - start)
            try:
                ok = left > 0 and await self.env.intr.wait(left)
            except IdleTimeout as e:
                what = (f"{ident.rsplit('_', 1)[0].upper()} register group "
                        f"{ident.rsplit('_', 1)[1]} never raised its interrupt" if ident else
                        "no interrupt")
                raise IdleTimeout(f"watchdog: intr_notify({ident + ', ' if ident else ''}{sync}) "
                                  f"line {c.line}: {what}: {e}; "
                                  f"units: {await self.unit_report()}") from None
            if not ok:
                await self._timeout(c, start)
            status = await self.read("NVDLA_GLB.S_INTR_STATUS_0")
            bit = status & want
            if bit:
                bit &= -bit
                await self.write("NVDLA_GLB.S_INTR_STATUS_0", bit)
                return
            for _ in range(16):          # another unit's interrupt: let ours come
                await self._idle_cycle()

    def _track(self, c) -> None:
        """Which unit/group the trace enabled (for the report of a hung trace)."""
        name, v = c.args
        unit, _, reg = name.partition(".")
        unit = unit[len("NVDLA_"):]
        if reg == "S_POINTER_0":
            self.producer[unit] = REGMAP[name].field("PRODUCER").get(v)
        elif reg == "D_OP_ENABLE_0" and v & 1:
            self.enabled[(unit, self.producer.get(unit, 0))] = c.line

    async def unit_report(self) -> str:
        """What each unit was doing: S_STATUS per group of every unit that is not idle or that
        the trace enabled (read over CSB), and the AXI transactions outstanding."""
        parts = []
        for u in STATUS_UNITS:
            name = f"NVDLA_{u}.S_STATUS_0"
            if name not in REGMAP:
                continue
            try:
                st = await self.read(name)
            except Exception as e:          # CSB not answering: say so, keep the rest
                parts.append(f"{u} S_STATUS unreadable ({type(e).__name__})")
                continue
            for g, sh in ((0, 0), (1, 16)):
                state = (st >> sh) & 3
                line = self.enabled.get((u, g))
                if state or line:
                    en = f", enabled line {line}" if line else ""
                    parts.append(f"{u} group {g} {_STATE[state]}{en}")
        busy = "; ".join(parts) if parts else "every unit idle, none enabled"
        return f"{busy}; AXI {axi_counts(self.env.dut)}"

    async def _timeout(self, c, start: int):
        sync, fname, ident = c.args
        n = int(self.env.dut.cycles.value) - start
        if ident:
            unit, grp = ident.rsplit("_", 1)
            unit = unit.upper()
            detail = ""
            try:
                s = await self.read(f"NVDLA_{unit}.S_STATUS_0")
                ptr = await self.read(f"NVDLA_{unit}.S_POINTER_0")
                detail = (f"; {unit}.S_STATUS=0x{s:08x} (group0 {s & 3}, group1 {(s >> 16) & 3}), "
                          f"S_POINTER=0x{ptr:08x}")
            except Exception:
                pass
            raise WatchdogTimeout(f"watchdog: intr_notify({ident}, {sync}) line {c.line}: {unit} "
                                  f"register group {grp} never raised its interrupt in {n} cycles"
                                  f"{detail}")
        raise WatchdogTimeout(f"watchdog: intr_notify({sync}) line {c.line}: no interrupt in "
                              f"{n} cycles")
