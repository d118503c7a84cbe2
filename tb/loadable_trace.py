"""An nvdla_compiler loadable's DLA task as one trace directory (NVIDIA's trace format) for the RTL:
the register writes NVIDIA's firmware issues (calib.firmware.Runner, played on the golden model
and recorded), the memory the task starts from (SET blobs and a given int8 input), an interrupt
wait after each operation as the firmware waits, and the CRC of every output tensor from the
golden model (one device for the whole task: its CBUF state carries from op to op, model/cbuf.py).

    python -m tb.loadable_trace FILE.nvdla OUT_DIR [--seed 1]     # random int8 input
    make SIM=verilator TEST=trace TRACE=OUT_DIR/<name>
"""
from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import numpy as np

from model.regs import REGMAP
from tb.conv_cases import _memfile

_SKIP = {"NVDLA_GLB.S_INTR_STATUS_0"}          # the firmware's interrupt clear: intr_notify does it


def _input_shape(runner) -> tuple[int, int, int]:
    src = runner.first.surface["src_data"]
    return src["channel"], src["height"], src["width"]


def record(runner, q: np.ndarray):
    """Play the task on a fresh golden-model device, recording (full name, value) writes and where
    each operation's done interrupt comes. Returns (device, memory before, steps) with steps a
    list of (writes, notify unit, group)."""
    dev = runner.new_device()
    runner.bind_input(dev, q)
    mem0 = {base: np.array(p) for base, p in dev.mem.pages.items()}
    rf = dev.rf
    log: list[tuple[str, int]] = []
    steps: list = []
    wr_reg = rf.write_reg                      # (write_name goes through write_reg)

    def write_reg(reg, value):
        if reg.full_name not in _SKIP:
            log.append((reg.full_name, int(value)))
        else:                                  # an operation ended: its done interrupt came
            st = int(value)
            r = REGMAP["NVDLA_GLB.S_INTR_STATUS_0"]
            unit, g = next(((u, gg) for u in ("SDP", "PDP") for gg in (0, 1)
                            if st & r.field(f"{u}_DONE_STATUS{gg}").mask), ("SDP", 0))
            steps.append((list(log), unit, g))
            log.clear()
        wr_reg(reg, value)

    rf.write_reg = write_reg
    try:
        runner.run(dev, q)
    finally:
        rf.write_reg = wr_reg
    return dev, mem0, steps


def write(loadable: Path, out: Path, q: np.ndarray | None = None, seed: int = 1,
          name: str | None = None) -> tuple[Path, object]:
    """The trace directory out/<name> and the golden device after the run."""
    from calib import firmware as FW
    from calib import loadable as LD
    L = LD.load(loadable)
    runner = FW.Runner(L)
    if q is None:
        q = np.random.default_rng(seed).integers(-128, 128, _input_shape(runner)).astype(np.int8)
    dev, mem0, steps = record(runner, q)
    name = name or f"{Path(loadable).parent.parent.name}-{Path(loadable).parent.name}"
    d = Path(out) / name
    d.mkdir(parents=True, exist_ok=True)
    lines = [f"// {loadable}: calib.firmware's register writes (tb/loadable_trace.py); CRCs from the "
             "golden model"]
    for m in L.memory:
        base = runner.base[m.id]
        n = -(-max(m.size, 1) // 32) * 32
        data = np.concatenate([mem0.get(p, np.zeros(4096, np.uint8))
                               for p in range(base >> 12, (base + n + 4095) >> 12)])[:n]
        if data.any():
            f = f"{name}_m{m.id}.dat"
            _memfile(d / f, data)
            lines.append(f'mem_load(pri_mem, 0x{base:x}, "{f}");')
        else:
            lines.append(f"mem_init(pri_mem, 0x{base:x}, 0x{n:x}, ALL_ZERO);")
    r = REGMAP["NVDLA_GLB.S_INTR_MASK_0"]
    lines.append(f"reg_write(NVDLA_GLB.S_INTR_MASK_0, 0x{_mask_sdp_pdp(r):x});")
    for i, (writes, unit, g) in enumerate(steps):
        for n, v in writes:
            lines.append(f"reg_write({n}, 0x{v:x});")
        lines.append(f"intr_notify({unit}_{g}, sync_id_{i});")
    last = len(steps) - 1
    for t in L.output_tensors():
        m = L.memory[t.mem_id]
        base = runner.base[m.id]
        crc = zlib.crc32(dev.mem.read(base, m.size).tobytes()) & 0xFFFFFFFF
        lines.append(f"check_crc(sync_id_{last}, 1, 0x{base:x}, 0x{m.size:x}, 0x{crc:08x});")
    (d / f"{name}.cfg").write_text("\n".join(lines) + "\n")
    return d, dev


def _mask_sdp_pdp(r) -> int:
    m = 0
    for f in r.fields:
        if not (f.name.startswith("SDP_DONE_MASK") or f.name.startswith("PDP_DONE_MASK")):
            m = f.put(m, 1)
    return m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.loadable_trace", description=__doc__.splitlines()[0])
    ap.add_argument("loadable", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if not a.loadable.is_file():
        print(f"{a.loadable}: no such loadable", file=sys.stderr)
        return 2
    try:
        d, _ = write(a.loadable, a.out, seed=a.seed)
    except (ValueError, RuntimeError) as e:
        print(f"{a.loadable}: {e}", file=sys.stderr)
        return 2
    print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
