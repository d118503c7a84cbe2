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
