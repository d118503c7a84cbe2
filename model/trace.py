"""NVIDIA trace tests (``<dir>/<name>.cfg`` + memory files) on the golden model.

    python -m model.trace DIR [DIR ...]

Each DIR is a trace directory or a folder of trace directories. Prints ``PASS <name>`` or
``FAIL <name>: <check, first differing byte, expected vs got>`` per trace, then
``N passed, M failed``; exit status 1 on any failure.

Trace language (facts from NVIDIA's public verif sources, nvdla/hw verif/tools/nvdla_trace_parser.py
and verif/vip/mem_model, written here from those facts):

* ``reg_write(NVDLA_UNIT.REG_0, value);``  ``poll_reg_equal(NVDLA_UNIT.REG_0, value);``
  ``reg_read_check(NVDLA_UNIT.REG_0, value);`` ``sync_notify(NVDLA_UNIT, id);``
  ``sync_wait(NVDLA_UNIT, id);`` NVIDIA's player runs one sequencer per block (unit): commands
  of different blocks interleave, a sync_wait holds its block until another block's
  sync_notify, a poll holds its block until the register reads the value. Here blocks run in
  file order unless held; when every block is held, the trace fails (the synchronous model
  cannot change anything any more) instead of hanging.
* ``mem_init(pri_mem, addr, size, PATTERN);`` PATTERN one of ALL_ZERO (0x00), ONES (0xff),
  AFIVE (0xa5), FIVEA (0x5a), ADDR (low byte of the address), RANDOM (here: a fixed seeded
  stream, since a test cannot depend on it), X (here: 0x00);
  ``mem_init(pri_mem, addr, "file.dat", PATTERN);`` fills [addr, addr + file's end offset).
* ``mem_load(pri_mem, addr, "file.dat");`` memory file: lines ``{offset:0x.., size:N,
  payload:0x.. 0x..} ,`` between ``{`` and ``}`` lines, ``#`` comment lines; missing payload
  bytes up to ``size`` are 0.
* ``intr_notify(UNIT_N, sync_id);`` sync_id fires when GLB.S_INTR_STATUS.<UNIT>_DONE_STATUS<N>
  is set (and not masked); the handler clears the bit. ``intr_notify(sync_id);`` fires on any
  unmasked status bit.
* ``check_crc(sync_id, memtype, addr, size, crc);`` once sync_id fired, the CRC (zlib.crc32) of
  the region must equal crc. ``check_file(sync_id, memtype, addr, size, "file.dat");`` the region
  must equal the memory file's bytes (NVIDIA's own player leaves this a TODO; here it compares).
  ``check_nothing(sync_id);`` only waits for sync_id. memtype is ``pri_mem`` or ``1``.
* NVIDIA's player applies all memory commands first, then runs the register sequence; so does
  this runner.

With NVIDIA's RTL output bytes present (``model.data.rtl_output_dir``), every checked region is
also compared byte for byte with what the nv_small RTL wrote.
"""
from __future__ import annotations

import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import data
from .nvdla import EngineMissing, NvSmall
from .regs import REGMAP


class TraceError(ValueError):
    """A malformed trace: the message is ``<file>:<line>: <problem>``."""


# ---------------------------------------------------------------------------------------------
# memory files
# ---------------------------------------------------------------------------------------------
_ENTRY = re.compile(r"^\{\s*offset\s*:\s*(\w+)\s*,\s*size\s*:\s*(\w+)\s*,\s*payload\s*:"
                    r"([\sA-Za-z0-9]*)\}\s*,?$")


# a memory file's entries are read into one dense image: NVIDIA's span at most a few MiB; a
# file beyond this is rejected by name rather than exhausting memory
MEM_FILE_SPAN_LIMIT = 256 << 20


def _int(tok: str, where: str) -> int:
    try:
        return int(tok, 0)
    except ValueError:
        raise TraceError(f"{where}: bad number {tok!r}") from None


def parse_mem_file(path: Path) -> list[tuple[int, bytes]]:
    """Entries (offset, bytes) of an NVIDIA memory file; TraceError names file and line."""
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise TraceError(f"{path}: cannot read: {e.strerror}") from None
    out: list[tuple[int, bytes]] = []
    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s in ("{", "}") or s.startswith("#") or s.startswith("//"):
            continue
        m = _ENTRY.match(s)
        where = f"{path}:{ln}"
        if not m:
            raise TraceError(f"{where}: not a '{{offset:.., size:.., payload:..}}' entry")
        off, size = _int(m.group(1), where), _int(m.group(2), where)
        if off + size > 1 << 32:
            raise TraceError(f"{where}: entry 0x{off:x}+0x{size:x} ends beyond 32-bit memory")
        toks = m.group(3).split()
        if len(toks) > size:
            raise TraceError(f"{where}: {len(toks)} payload bytes for size {size}")
        try:
            if all(len(t) == 4 and t[:2] in ("0x", "0X") for t in toks):
                payload = bytes.fromhex("".join(t[2:] for t in toks))
            else:
                payload = bytes(int(t, 0) for t in toks)
        except ValueError:
            raise TraceError(f"{where}: bad payload byte") from None
        out.append((off, payload + bytes(size - len(payload))))
    return out


_ENTRY_ANY = re.compile(r"\{\s*offset\s*:\s*(\w+)\s*,\s*size\s*:\s*(\w+)\s*,\s*payload\s*:"
                        r"([\sA-Za-z0-9]*)\}\s*,?")
_REST_OK = re.compile(r"^(\s*|\s*[{}]\s*|\s*(#|//).*)$")
_HEX_TOKS = re.compile(r"^(\s*0[xX][0-9a-fA-F]{2})*\s*$")


def _image_fast(text: str):
    """Vectorised parse of a well-formed memory file; None when anything is unusual (the exact
    per-line parser then runs, and names the bad line)."""
    entries = _ENTRY_ANY.findall(text)
    rest = _ENTRY_ANY.sub("", text)
    if not all(_REST_OK.match(ln) for ln in rest.splitlines()):
        return None
    if not entries:
        return 0, np.zeros(0, np.uint8), np.zeros(0, bool)
    try:
        offs = np.array([int(o, 0) for o, _, _ in entries], dtype=np.int64)
        sizes = np.array([int(z, 0) for _, z, _ in entries], dtype=np.int64)
    except ValueError:
        return None
    toks = [p.split() for _, _, p in entries]
    counts = np.fromiter((len(t) for t in toks), dtype=np.int64, count=len(toks))
    if np.any(counts > sizes) or np.any(offs < 0) or np.any(sizes < 0) or \
            int((offs + sizes).max()) > min(1 << 32, MEM_FILE_SPAN_LIMIT):
        return None                     # the exact parser names the line / the span
    order = np.argsort(offs, kind="stable")
    if np.any(offs[order][1:] < (offs + sizes)[order][:-1]):
        return None                     # overlapping entries: the sequential parser decides
    joined = " ".join(" ".join(t) for t in toks)
    if not _HEX_TOKS.match(joined):
        return None
    vals = np.frombuffer(bytes.fromhex(joined.replace("0x", "").replace("0X", "")
                                       .replace(" ", "")), dtype=np.uint8)
    end = int((offs + sizes).max())
    img = np.zeros(end, dtype=np.uint8)
    mask = np.zeros(end, dtype=bool)
    # every entry covers [off, off + size); payload bytes first, zeros for the rest
    starts = np.repeat(offs, sizes)
    within = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    mask[starts + within] = True
    pos_starts = np.repeat(offs, counts)
    pos_within = np.arange(int(counts.sum()), dtype=np.int64) - \
        np.repeat(np.cumsum(counts) - counts, counts)
    img[pos_starts + pos_within] = vals
    return end, img, mask


def mem_file_image(path: Path) -> tuple[int, np.ndarray, np.ndarray]:
    """(end_offset, image bytes [0, end), written mask) of a memory file. Later entries win
    where entries overlap."""
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise TraceError(f"{path}: cannot read: {e.strerror}") from None
    fast = _image_fast(text)
    if fast is not None:
        return fast
    entries = parse_mem_file(path)
    end = max((o + len(p) for o, p in entries), default=0)
    if end > MEM_FILE_SPAN_LIMIT:
        raise TraceError(f"{path}: entries span 0x{end:x} bytes, more than the "
                         f"{MEM_FILE_SPAN_LIMIT >> 20} MiB a memory file may cover")
    img = np.zeros(end, dtype=np.uint8)
    mask = np.zeros(end, dtype=bool)
    for o, p in entries:
        img[o:o + len(p)] = np.frombuffer(p, dtype=np.uint8)
        mask[o:o + len(p)] = True
    return end, img, mask


def load_mem_file(mem, base: int, path: Path) -> None:
    """mem_load: write the file's bytes at base + offset (bytes the file does not list are left
    as they are)."""
    end, img, mask = mem_file_image(path)
    if end == 0:
        return
    # contiguous runs of listed bytes
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    for a, b in zip(edges[::2], edges[1::2]):
        mem.write(base + int(a), img[a:b])


def pattern_bytes(pattern: str, base: int, n: int, where: str) -> np.ndarray:
    """Bytes of an NVIDIA mem_init pattern (verif/vip/mem_model pattern set)."""
    if pattern in ("ALL_ZERO", "ZEROS", "X"):
        return np.zeros(n, dtype=np.uint8)
    if pattern in ("ONES", "ALL_ONE", "ALL_ONES"):
        return np.full(n, 0xFF, dtype=np.uint8)
    if pattern == "AFIVE":
        return np.full(n, 0xA5, dtype=np.uint8)
    if pattern == "FIVEA":
        return np.full(n, 0x5A, dtype=np.uint8)
    if pattern == "ADDR":
        return ((base + np.arange(n, dtype=np.int64)) & 0xFF).astype(np.uint8)
    if pattern == "RANDOM":
        return np.random.default_rng(base).integers(0, 256, n, dtype=np.uint8)
    raise TraceError(f"{where}: unknown mem_init pattern {pattern!r}")


# ---------------------------------------------------------------------------------------------
# trace files
# ---------------------------------------------------------------------------------------------
@dataclass
class Cmd:
    kind: str
    args: list
    line: int
    text: str


_CMD = re.compile(r"^(\w+)\s*\((.*)\)\s*;\s*(//.*)?$")
_MEMTYPES = {"pri_mem": "pri_mem", "1": "pri_mem"}
_INTR = re.compile(r"^([A-Za-z_]+?)_(\d+)$")


_SEQ_KINDS = ("reg_write", "poll_reg_equal", "reg_read_check", "sync_notify", "sync_wait")


def _block(c: Cmd) -> str:
    """The block (sequencer) a sequence command belongs to: NVDLA_<UNIT>."""
    return c.args[0].split(".")[0]


def _u32(tok: str, where: str, what: str = "value") -> int:
    v = _int(tok, where)
    if not 0 <= v <= 0xFFFFFFFF:
        raise TraceError(f"{where}: {what} {tok} does not fit in 32 bits")
    return v


def _region(base_tok: str, size_tok: str, where: str) -> tuple[int, int]:
    base, size = _u32(base_tok, where, "address"), _u32(size_tok, where, "size")
    if base + size > 1 << 32:
        raise TraceError(f"{where}: region {base_tok}+{size_tok} ends beyond 32-bit memory")
    return base, size


def _reg(name: str, where: str) -> str:
    if name not in REGMAP:
        raise TraceError(f"{where}: unknown register {name!r}")
    return name


def _memtype(tok: str, where: str) -> str:
    mt = _MEMTYPES.get(tok.lower())
    if mt is None:
        raise TraceError(f"{where}: unknown memory type {tok!r} (nv_small has pri_mem only)")
    return mt


def _file(tok: str, where: str) -> str:
    if len(tok) < 2 or tok[0] != '"' or tok[-1] != '"':
        raise TraceError(f"{where}: expected a quoted file name, got {tok!r}")
    return tok[1:-1]


def _nargs(kind, args, ns, where):
    if len(args) not in ns:
        raise TraceError(f"{where}: {kind} takes {' or '.join(map(str, ns))} arguments, "
                         f"got {len(args)}")


def parse_cfg(path: Path) -> list[Cmd]:
    """Commands of a trace .cfg file, checked (register names, numbers, files named)."""
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise TraceError(f"{path}: cannot read: {e.strerror}") from None
    cmds: list[Cmd] = []
    for ln, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("//"):
            continue
        where = f"{path}:{ln}"
        m = _CMD.match(s)
        if not m:
            raise TraceError(f"{where}: not a command 'name(args);': {s[:60]!r}")
        kind = m.group(1)
        body = m.group(2).strip()
        args = [a.strip() for a in body.split(",")] if body else []
        if kind in ("reg_write", "poll_reg_equal", "reg_read_check"):
            _nargs(kind, args, (2,), where)
            a = [_reg(args[0], where), _u32(args[1], where)]
        elif kind == "mem_init":
            _nargs(kind, args, (4,), where)
            if args[2].startswith('"'):
                size_or_file = _file(args[2], where)
                base = _u32(args[1], where, "address")
            else:
                base, size_or_file = _region(args[1], args[2], where)
            a = [_memtype(args[0], where), base, size_or_file, args[3]]
            if not isinstance(size_or_file, str):
                pattern_bytes(args[3], 0, 0, where)          # validate the pattern name now
        elif kind == "mem_load":
            _nargs(kind, args, (3,), where)
            a = [_memtype(args[0], where), _u32(args[1], where, "address"), _file(args[2], where)]
        elif kind == "intr_notify":
            _nargs(kind, args, (1, 2), where)
            if len(args) == 2:
                mi = _INTR.match(args[0])
                if not mi:
                    raise TraceError(f"{where}: interrupt id {args[0]!r} is not UNIT_N")
                fname = f"{mi.group(1).upper()}_DONE_STATUS{mi.group(2)}"
                try:
                    REGMAP["NVDLA_GLB.S_INTR_STATUS_0"].field(fname)
                except Exception:
                    raise TraceError(f"{where}: no interrupt {args[0]!r} "
                                     f"(GLB.S_INTR_STATUS has no {fname})") from None
                a = [args[1], fname, args[0]]
            else:
                a = [args[0], None, None]
        elif kind == "check_crc":
            _nargs(kind, args, (5,), where)
            a = [args[0], _memtype(args[1], where), *_region(args[2], args[3], where),
                 _u32(args[4], where, "CRC")]
        elif kind == "check_file":
            _nargs(kind, args, (5,), where)
            a = [args[0], _memtype(args[1], where), *_region(args[2], args[3], where),
                 _file(args[4], where)]
        elif kind in ("sync_notify", "sync_wait"):
            _nargs(kind, args, (2,), where)
            unit = args[0][len("NVDLA_"):] if args[0].startswith("NVDLA_") else None
            if unit not in REGMAP.unit_base:
                raise TraceError(f"{where}: unknown block {args[0]!r}")
            a = [args[0], args[1]]
        elif kind == "check_nothing":
            _nargs(kind, args, (1,), where)
            a = [args[0]]
        else:
            raise TraceError(f"{where}: unknown command {kind!r}")
        cmds.append(Cmd(kind, a, ln, s))
    return cmds


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------
@dataclass
class TraceResult:
    name: str
    passed: bool
    message: str = ""                          # FAIL reason
    skipped: str | None = None                 # engine missing: reason
    notes: list[str] = field(default_factory=list)   # expected differences etc.
    seconds: float = 0.0
    checks: int = 0
    bad_input: bool = False                    # failed because the trace itself is malformed

    def line(self) -> str:
        if self.passed:
            extra = f" ({'; '.join(self.notes)})" if self.notes else ""
            return f"PASS {self.name}{extra}"
        return f"FAIL {self.name}: {self.message}"


class _Fail(Exception):
    pass


def ew_crc_reason(dev: NvSmall, ops: set[int]) -> str | None:
    """Why a CRC may legitimately differ on nv_small: an SDP op in ``ops`` programmed its EW stage
    (D_DP_EW_CFG.EW_BYPASS=0), a stage nv_small does not have (registers without effect)."""
    for i in sorted(ops):
        rec = dev.ops[i]
        if "SDP" in rec.units and rec.values is not None:
            v = rec.values.get("NVDLA_SDP.D_DP_EW_CFG_0", REGMAP["NVDLA_SDP.D_DP_EW_CFG_0"].reset)
            if REGMAP["NVDLA_SDP.D_DP_EW_CFG_0"].field("EW_BYPASS").get(v) == 0:
                return ("expected CRC difference: SDP EW not bypassed (D_DP_EW_CFG.EW_BYPASS=0) "
                        "but nv_small has no EW stage, the model ignores it like the RTL")
    return None


class TraceRunner:
    def __init__(self, trace_dir: Path, rtl_dir: Path | None = None):
        self.dir = Path(trace_dir)
        self.name = self.dir.name
        self.cfg = self.dir / f"{self.name}.cfg"
        self.rtl_dir = Path(rtl_dir) if rtl_dir is not None else data.rtl_output_dir(self.dir)
        self.dev: NvSmall | None = None
        self.notes: list[str] = []
        self.nchecks = 0
        self.cur: Cmd | None = None        # command being executed (for error messages)

    def _where(self, cmd: Cmd) -> str:
        return f"{self.cfg}:{cmd.line}"

    def run(self) -> TraceResult:
        t0 = time.perf_counter()
        try:
            self.dev = NvSmall()
            cmds = parse_cfg(self.cfg)
            self._execute(cmds)
            res = TraceResult(self.name, True, notes=self.notes)
        except TraceError as e:
            res = TraceResult(self.name, False, str(e), bad_input=True)
        except EngineMissing as e:
            res = TraceResult(self.name, False, str(e), skipped=str(e))
        except _Fail as e:
            res = TraceResult(self.name, False, str(e), notes=self.notes)
        except Exception as e:          # an engine rejecting its configuration, a model bug
            at = f" at {self.cfg.name}:{self.cur.line}" if self.cur is not None else ""
            msg = str(e).splitlines()[0] if str(e) else ""
            res = TraceResult(self.name, False, f"{type(e).__name__}{at}: {msg}")
        res.seconds = time.perf_counter() - t0
        res.checks = self.nchecks
        return res

    # ---- execution ---------------------------------------------------------------------
    def _execute(self, cmds: list[Cmd]) -> None:
        dev = self.dev
        # memory commands first (NVIDIA's players do the same)
        for c in cmds:
            self.cur = c
            if c.kind == "mem_init":
                _, base, size_or_file, pat = c.args
                if isinstance(size_or_file, str):
                    size = mem_file_image(self._path(size_or_file, c))[0]
                else:
                    size = size_or_file
                dev.mem.write(base, pattern_bytes(pat, base, size, self._where(c)))
            elif c.kind == "mem_load":
                _, base, fname = c.args
                load_mem_file(dev.mem, base, self._path(fname, c))
        # interrupt handler: every notify registered up front, in order
        self.notifies = [c for c in cmds if c.kind == "intr_notify"]
        self.fired: set[str] = set()
        self.checks: dict[str, list[Cmd]] = {}
        known = {c.args[0] for c in self.notifies}
        for c in cmds:
            if c.kind.startswith("check_"):
                if c.args[0] not in known:
                    raise TraceError(f"{self._where(c)}: sync id {c.args[0]!r} has no intr_notify")
                self.checks.setdefault(c.args[0], []).append(c)
        # register sequence: one queue per block (unit), as NVIDIA's player runs a sequencer
        # per block; blocks interleave in file order unless a sync_wait (or a poll not yet
        # satisfied) holds a block back until another block's command releases it.
        self._sequence([c for c in cmds if c.kind in _SEQ_KINDS])
        self._service()
        for c in self.notifies:
            if c.args[0] not in self.fired:
                if c.args[1] is None:
                    raise _Fail(f"intr_notify({c.args[0]}) at line {c.line}: no interrupt came")
                unit, grp = c.args[2].rsplit("_", 1)
                raise _Fail(f"intr_notify({c.args[2]}, {c.args[0]}) at line {c.line}: "
                            f"{unit.upper()} group {grp} never signalled done "
                            f"({c.args[1]} not set{self._why_not(unit.upper(), int(grp))})")

    def _sequence(self, seq: list[Cmd]) -> None:
        dev = self.dev
        queues: dict[str, list[Cmd]] = {}
        for c in seq:
            queues.setdefault(_block(c), []).append(c)
        heads = {b: 0 for b in queues}
        notified: set[str] = set()

        def blocked_reason(c: Cmd) -> str | None:
            if c.kind == "sync_wait" and c.args[1] not in notified:
                return f"sync_wait({c.args[0]}, {c.args[1]}) at line {c.line}: never notified"
            if c.kind == "poll_reg_equal":
                got = dev.reg_read(c.args[0])
                if got != c.args[1]:
                    return (f"poll_reg_equal({c.args[0]}) at line {c.line}: expected "
                            f"0x{c.args[1]:x}, reads 0x{got:x}")
            return None

        while True:
            ready = sorted((q[heads[b]].line, b) for b, q in queues.items() if heads[b] < len(q))
            if not ready:
                return
            for _, b in ready:
                c = queues[b][heads[b]]
                if blocked_reason(c) is None:
                    break
            else:
                # every block waits: nothing in the (synchronous) model can change that
                raise _Fail(blocked_reason(queues[ready[0][1]][heads[ready[0][1]]]))
            heads[b] += 1
            self.cur = c
            if c.kind == "reg_write":
                dev.reg_write(*c.args)
                self._service()
            elif c.kind == "reg_read_check":
                got = dev.reg_read(c.args[0])
                if got != c.args[1]:
                    raise _Fail(f"reg_read_check({c.args[0]}) at line {c.line}: expected "
                                f"0x{c.args[1]:x}, reads 0x{got:x}")
            elif c.kind == "sync_notify":
                notified.add(c.args[1])

    def _why_not(self, unit: str, grp: int) -> str:
        rf = self.dev.rf
        fname = f"{unit}_DONE_MASK{grp}"
        try:
            if rf.intr_mask() & REGMAP["NVDLA_GLB.S_INTR_MASK_0"].field(fname).mask:
                return f", and masked by GLB.S_INTR_MASK.{fname}"
        except Exception:
            pass
        if unit in rf.groups:
            armed = [u for u in rf.pp_units if rf.status(u, rf.consumer[u])]
            return (f"; armed units waiting: {', '.join(armed) or 'none'}"
                    f"{self._unarmed_needs(unit, armed)}")
        return ""

    def _unarmed_needs(self, unit: str, armed: list[str]) -> str:
        """The units an armed operation of ``unit`` waits for that the program never armed, and
        the register fields that make the operation need them (e.g. SDP's FLYING_MODE = ON needs
        the convolution pipeline, OUTPUT_DST = PDP needs PDP)."""
        from .nvdla import OPS
        rf = self.dev.rf
        for kind in OPS:
            if kind.anchor != unit or unit not in armed or kind.units(rf) is None:
                continue
            for us, conds in kind.extra:
                held = [c for c in conds if c.holds(rf)]
                missing = [u for u in us if u not in armed]
                if missing and (held or not conds):
                    why = " or ".join(f"{c.reg[len('NVDLA_'):]} {c.field}={c.value}" for c in held)
                    return (f"; it needs {', '.join(missing)}{f' ({why})' if why else ''}, "
                            f"never armed")
        for kind in OPS:
            # the unit alone runs no operation of its own (e.g. PDP on the fly): it takes part in
            # the operation of another unit's anchor, which was never armed
            if kind.anchor != unit or unit not in armed or kind.units(rf) is not None:
                continue
            failed = [c for c in kind.applies if not c.holds(rf)]
            hosts = [k.anchor for k in OPS if k.anchor not in armed
                     and any(unit in us for us, _ in k.extra)]
            if failed and hosts:
                c = failed[0]
                u = c.reg.split(".")[0][len("NVDLA_"):]
                v = REGMAP[c.reg].field(c.field).get(rf.group_value(u, rf.consumer[u], c.reg))
                return (f"; with {c.reg[len('NVDLA_'):]} {c.field}={v} it runs only within an "
                        f"operation of {' or '.join(hosts)}, never armed")
        return ""

    def _path(self, fname: str, c: Cmd) -> Path:
        p = Path(fname)
        p = p if p.is_absolute() else self.dir / p
        if not p.is_file():
            raise TraceError(f"{self._where(c)}: memory file {fname!r} not found")
        return p

    def _service(self) -> None:
        """Fire every registered notify whose (unmasked) done bit is set, in order; the handler
        clears the bit (write 1 to S_INTR_STATUS), then the checks bound to it run."""
        rf = self.dev.rf
        for c in self.notifies:
            sync, fname = c.args[0], c.args[1]
            if sync in self.fired:
                continue
            pending = rf.intr_status & ~rf.intr_mask()
            if fname is None:
                bit = pending & -pending if pending else 0
            else:
                bit = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"].field(fname).mask & pending
            if not bit:
                continue
            rf.write_name("NVDLA_GLB.S_INTR_STATUS_0", bit)
            self.fired.add(sync)
            for chk in self.checks.get(sync, []):
                self._check(chk)

    # ---- checks ------------------------------------------------------------------------
    def _check(self, c: Cmd) -> None:
        self.nchecks += 1
        if c.kind == "check_nothing":
            return
        _, _, base, size = c.args[:4]
        got = self.dev.mem.read(base, size)
        what = f"{c.kind} line {c.line} [0x{base:x}+0x{size:x}]"
        rtl = self._rtl_bytes(base, size)
        if c.kind == "check_file":
            end, img, _ = mem_file_image(self._path(c.args[4], c))
            exp = np.zeros(size, dtype=np.uint8)
            k = min(size, end)
            exp[:k] = img[:k]
            if not np.array_equal(got, exp):
                raise _Fail(f"{what}: {self._first_diff(base, exp, got, 'file')}")
        else:
            exp_crc = c.args[4]
            got_crc = zlib.crc32(got.tobytes()) & 0xFFFFFFFF
            if got_crc != exp_crc:
                ops = self._ops_writing(base, size)
                reason = ew_crc_reason(self.dev, ops)
                if reason is None:
                    loc = self._first_diff(base, rtl, got, "RTL") if rtl is not None else \
                        "no RTL bytes to locate the difference"
                    raise _Fail(f"{what}: CRC expected 0x{exp_crc:08x} got 0x{got_crc:08x}; {loc}")
                if rtl is None:
                    self.notes.append(reason + " (RTL bytes absent: not compared)")
                elif np.array_equal(got, rtl):
                    self.notes.append(reason + f"; matches the RTL bytes (RTL CRC "
                                      f"0x{zlib.crc32(rtl.tobytes()) & 0xFFFFFFFF:08x})")
        if rtl is not None and not np.array_equal(got, rtl):
            raise _Fail(f"{what}: differs from the RTL output: {self._first_diff(base, rtl, got, 'RTL')}")

    def _rtl_bytes(self, base: int, size: int) -> np.ndarray | None:
        p = self.rtl_dir / f"crc_{base:x}_{size:x}.bin"
        if not p.is_file():
            return None
        b = np.frombuffer(p.read_bytes(), dtype=np.uint8)
        if b.size != size:
            raise TraceError(f"{p}: {b.size} bytes, the checked region has {size}")
        return b

    def _ops_writing(self, base: int, size: int) -> set[int]:
        return {r.op_index for r in self.dev.regions if r.start < base + size and r.end > base}

    def _first_diff(self, base: int, exp: np.ndarray, got: np.ndarray, src: str) -> str:
        d = np.flatnonzero(exp != got)
        if d.size == 0:
            return "no byte differs"
        off = int(d[0])
        addr = base + off
        r = self.dev.region_at(addr)
        if r is not None:
            s, ln, b = r.locate(addr)
            loc = (f" = {r.writer} output (op #{r.op_index} {r.op}) surface {s}, line {ln}, "
                   f"byte {b}")
        else:
            loc = " (no operation wrote there)"
        return (f"first differing byte at offset 0x{off:x} (0x{addr:x}){loc}: expected "
                f"0x{int(exp[off]):02x} ({src}), got 0x{int(got[off]):02x}; "
                f"{d.size} bytes differ")


def run_trace(trace_dir, rtl_dir=None) -> TraceResult:
    return TraceRunner(Path(trace_dir), rtl_dir).run()


def collect(paths) -> list[Path]:
    """Trace directories named by paths (a trace directory, or a folder of them)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if (p / f"{p.name}.cfg").is_file():
            out.append(p)
        elif p.is_dir():
            out += data.trace_dirs(p)
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m model.trace DIR [DIR ...]", file=sys.stderr)
        return 2
    dirs = []
    for a in argv:
        found = collect([a])
        if not found:
            print(f"{a}: no trace directory (<dir>/<dir>.cfg) found", file=sys.stderr)
            return 2
        dirs += found
    npass = nfail = nbad = 0
    t0 = time.perf_counter()
    tty = sys.stderr.isatty()
    for i, d in enumerate(dirs, 1):
        if tty:                         # progress on the terminal; the PASS/FAIL lines stay clean
            print(f"\r[{i}/{len(dirs)}] {d.name} ...\033[K", end="", file=sys.stderr, flush=True)
        r = run_trace(d)
        if tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
        print(r.line(), flush=True)
        if r.passed:
            npass += 1
        else:
            nfail += 1
            nbad += r.bad_input
    print(f"{npass} passed, {nfail} failed ({time.perf_counter() - t0:.1f} s)")
    # exit 2 when a trace could not be read (bad input), 1 when one ran and failed
    return 2 if nbad else 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
