"""Where the data that is not ours lives (../shared beside the checkout, or env overrides).

Never copy these files into the repository: tests read them from here and skip, with the
reason, where they are absent.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_root() -> Path:
    """$NVDLA_SHARED, default ../shared beside the repository."""
    return Path(os.environ.get("NVDLA_SHARED", REPO.parent / "shared"))


def traces_root() -> Path:
    """$NVDLA_TRACES, default <shared>/nvdla-traces."""
    return Path(os.environ.get("NVDLA_TRACES", shared_root() / "nvdla-traces"))


def lenet_dir() -> Path:
    """$LENET_DIR, default <shared>/lenet-caffe."""
    return Path(os.environ.get("LENET_DIR", shared_root() / "lenet-caffe"))


def mnist_dir() -> Path:
    """$MNIST_DIR, default <shared>/mnist."""
    return Path(os.environ.get("MNIST_DIR", shared_root() / "mnist"))


def loadables_dir() -> Path:
    """$NVDLA_LOADABLES, default <shared>/nvdla-loadables (nvdla_compiler outputs)."""
    return Path(os.environ.get("NVDLA_LOADABLES", shared_root() / "nvdla-loadables"))


def trace_dirs(root: Path | None = None) -> list[Path]:
    """Every trace directory (one holding <name>/<name>.cfg) under root, sorted by name,
    excluding the hardware-output folder."""
    root = Path(root) if root is not None else traces_root()
    if not root.is_dir():
        return []
    found = [p.parent for p in root.rglob("*.cfg") if p.stem == p.parent.name]
    return sorted(found, key=lambda p: (p.parent.name, p.name))


def rtl_output_dir(trace_dir: Path) -> Path:
    """Where NVIDIA's nv_small RTL output bytes for a trace are kept
    ($NVDLA_RTL_OUTPUT, default <traces root>/nv_small-rtl-output/<trace>)."""
    base = os.environ.get("NVDLA_RTL_OUTPUT")
    root = Path(base) if base else Path(trace_dir).parent.parent / "nv_small-rtl-output"
    return root / Path(trace_dir).name


# NVIDIA's rtl_cycles in summary.csv count about 8,200 cycles of reset and idle before a trace
# starts (traces README); our cycle counts start at the trace's first access.
NV_RESET_IDLE_CYCLES = 8200


def rtl_summary(root: Path | None = None) -> dict[str, dict[str, str]]:
    """Rows of <traces root>/nv_small-rtl-output/summary.csv by trace name (empty if absent):
    rtl_result, base, size, expected_crc, rtl_crc, rtl_cycles."""
    import csv
    p = Path(root if root is not None else traces_root()) / "nv_small-rtl-output" / "summary.csv"
    try:
        with p.open() as f:
            return {row["trace"]: row for row in csv.DictReader(f)}
    except (OSError, KeyError, csv.Error):
        return {}


def nvidia_cycles(trace_name: str) -> int | None:
    """NVIDIA's nv_small RTL cycles for a trace (summary.csv rtl_cycles), if known."""
    row = rtl_summary().get(trace_name)
    try:
        return int(row["rtl_cycles"]) if row else None
    except (KeyError, ValueError):
        return None
