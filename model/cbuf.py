"""CBUF residency across convolutions: what nv_small keeps in its convolution buffer from one
conv op to the next (data reuse, weight reuse, slice release).

Facts (NVIDIA nvdla/hw branch nv_small: cmod/cdma/NV_NVDLA_cdma.cpp
ActDataReadRequestSequenceThread / WeightReadRequestSequenceThread, cmod/csc/NV_NVDLA_csc.cpp
DataLoadSequenceThread / WeightLoadSequenceThread, vmod/nvdla/csc/NV_NVDLA_CSC_sg.v,
vmod/nvdla/cdma/NV_NVDLA_CDMA_dc.v and NV_NVDLA_CDMA_status.v):

* The data banks (D_BANK.DATA_BANK + 1 banks of 512 entries) are one ring of entries. CDMA writes
  a layer's input after the previous layer's (its write index only returns to 0 when DATA_BANK
  changes, after everything was released); CSC reads the layer's input from its own base, the
  first entry not yet released. One slice = one input line = ENTRY_PER_SLICE entries.
* CSC starts a layer only when the whole input (DATAIN_HEIGHT_EXT + 1 slices) is in CBUF, and
  releases data only at the end of a layer: D_RELEASE.RLS_SLICES + 1 slices (none with
  SKIP_DATA_RLS = 1). An input that needs more entries than the data banks (plus what is kept)
  therefore never starts: CDMA waits for free entries that are only released at the end.
* Next layer with the same DATA_BANK, WEIGHT_BANK and input format (feature / image):
    - DATA_REUSE = 1 after SKIP_DATA_RLS = 1: all data reused, CDMA fetches nothing, CSC reads
      the same entries (whatever they hold);
    - DATA_REUSE = 1 after a release: the slices left (H - RLS_SLICES - 1) stay and are the new
      layer's first slices; CDMA fetches its own (D_DATAIN_SIZE) cube right after them;
    - DATA_REUSE = 0: the left slices are released at the start, CDMA fetches its cube after
      the previous one (ring).
  A change of DATA_BANK empties CBUF and restarts both pointers at entry 0.
* Weights: with SKIP_WEIGHT_RLS = 1 a layer keeps all its weights (CSC releases nothing; the
  kernel groups of a layer whose weights exceed the weight banks are then never released and
  CDMA never finishes); the next layer with WEIGHT_REUSE = 1 and the same banks and format
  fetches no weights and CSC reads the previous layer's weight bytes from their start.
  WEIGHT_REUSE = 1 after a layer that released its weights (same banks) is refused by the cmod
  ("current layer is weight_reuse, previous layer shall be full input"). With
  SKIP_WEIGHT_RLS = 0, CSC releases each kernel group when it is done (weights stream through
  the weight banks). The first layer after reset, and a layer after a bank or format change,
  fetch as usual (the reuse bits are not looked at).
* Stale weight entries (measured on NVIDIA's nv_small RTL, chain tb.conv_cases full2): CDMA
  writes ceil(WEIGHT_BYTES / 8) entries, CSC releases at the end of a SKIP_WEIGHT_RLS = 0 layer
  only the entries it read, ceil(K x C x R x S / 8) (NV_NVDLA_CSC_wl wt_rls_cnt, per kernel
  group). With WEIGHT_BYTES padded beyond the kernels (nvdla_compiler pads to 128) the difference
  stays in CBUF and the next layer on the same banks reads it before its own weights (full2: 112
  fetched, 108 released, layer B = its weights behind 4 entries of A's tail). A layer kept with
  SKIP_WEIGHT_RLS = 1 is released at the next layer's start by WEIGHT_BYTES / 8 (last_weight_entries):
  no stale entries. The model refuses a layer that would read stale entries (ConfigError).

The model keeps the data ring's contents (int8 entries) and its pointers, and the weight bytes of
the last layer that kept them. CSC's and CDMA's settings are read from CSC's registers (the
firmware programs both units alike).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .memory import ATOM, Memory

BANK_DEPTH = 512                 # entries per bank
BANKS = 32
# the trace line a register program starts its first conv with, as NVIDIA's conv traces and
# nvdla_compiler's programs do: CDMA flushes the CBUF after reset and reports 1 when done
FLUSH_POLL = "poll_reg_equal(NVDLA_CDMA.S_CBUF_FLUSH_STATUS_0, 0x1);"


class _BlobMemory(Memory):
    """The kept weight bytes, readable through Memory.gather at address 0."""

    def __init__(self, blob: np.ndarray):
        super().__init__()
        if blob.size:
            self.write(0, blob)


@dataclass
class Layer:
    """What CSC decided at the start of a layer (``plan``)."""
    data: str             # "fetch" (after releasing what is left), "full" (reuse all), "partial"
    weights: str          # "fetch", "reuse"
    ring: int             # data ring size in entries
    base: int             # CSC's first entry of the layer
    kept: int             # entries of the input already in CBUF (partial / full reuse)


class ConvBuffer:
    """nv_small's CBUF state between convolutions (one per device)."""

    def __init__(self):
        self.data = np.zeros((BANKS * BANK_DEPTH, ATOM), np.int8)
        self.prev = None          # (data_bank, weight_bank, pixel, skip_data_rls, skip_weight_rls)
        self.base = 0             # CSC: first entry not released (absolute, mod ring)
        self.wr = 0               # CDMA: next entry written
        self.left = 0             # entries of the previous layer not released
        self.weights: np.ndarray | None = None   # bytes kept by the last SKIP_WEIGHT_RLS layer
        self.layer: Layer | None = None
        self.wt_fetched = 0       # weight entries CDMA wrote for the weights in use
        self.wt_stale = 0         # weight entries the last layer fetched but CSC did not release

    # ---- start of a layer -----------------------------------------------------------------
    def plan(self, cfg: dict, error) -> Layer:
        """cfg: data_bank, weight_bank (register values + 1 = banks), pixel, data_reuse,
        weight_reuse, skip_data_rls, skip_weight_rls. ``error``: exception class."""
        ring = cfg["data_bank"] * BANK_DEPTH
        key = (cfg["data_bank"], cfg["weight_bank"], cfg["pixel"])
        prev = self.prev
        same = prev is not None and prev[:3] == key
        if prev is None or prev[0] != cfg["data_bank"]:
            self.base = self.wr = self.left = 0          # empty, restart at entry 0
            data = "fetch"
        elif same and cfg["data_reuse"] and prev[3]:
            data = "full"
        elif same and cfg["data_reuse"]:
            data = "partial"
        else:
            self.base = (self.base + self.left) % ring   # release what the last layer left
            self.left = 0
            data = "fetch"
        if same and cfg["weight_reuse"] and prev[4]:
            weights = "reuse"
        elif same and cfg["weight_reuse"]:
            raise error("CSC.D_MISC_CFG: WEIGHT_REUSE = 1 but the previous convolution released "
                        "its weights (SKIP_WEIGHT_RLS = 0): nv_small refuses it (its cmod: "
                        "'previous layer shall be full input')")
        else:
            weights = "fetch"
        if prev is None or prev[:2] != key[:2]:
            self.wt_stale = 0                           # a bank change empties CBUF
        elif weights == "fetch" and same and self.wt_stale:
            raise error(f"CSC.D_WEIGHT_BYTES: the previous convolution fetched {self.wt_stale} "
                        "weight entries more than CSC released (WEIGHT_BYTES beyond its kernels, "
                        "SKIP_WEIGHT_RLS = 0): on nv_small this layer would read them before its "
                        "own weights (not modelled; keep the previous weights: SKIP_WEIGHT_RLS = 1)")
        if weights == "fetch":
            self.wt_fetched = -(-cfg.get("weight_bytes", 0) // ATOM)
        self.layer = Layer(data, weights, ring, self.base, self.left if data != "fetch" else 0)
        return self.layer

    # ---- data -------------------------------------------------------------------------------
    def write(self, entries: np.ndarray, error, what: str) -> None:
        """CDMA writes ``entries`` (n, 8) int8 after the kept ones."""
        L = self.layer
        n = len(entries)
        if L.kept + n > L.ring:
            raise error(f"{what}: the input needs {n} CBUF entries (+{L.kept} kept) but the data "
                        f"banks hold {L.ring}: nv_small never starts the convolution (CSC waits "
                        "for the whole input, data slices are released only at the end of a layer)")
        idx = (self.wr + np.arange(n)) % L.ring
        self.data[idx] = entries
        self.wr = (self.wr + n) % L.ring
        L.kept += n

    def read(self, rel: np.ndarray) -> np.ndarray:
        """The entries at ``rel`` (entry offsets from the layer's base), (..., 8) int8."""
        L = self.layer
        return self.data[(L.base + np.asarray(rel, np.int64)) % L.ring]

    # ---- end of a layer ---------------------------------------------------------------------
    def finish(self, cfg: dict, slices: int, eps: int, blob: np.ndarray | None, error) -> None:
        """CSC's release at the end: ``slices`` = DATAIN_HEIGHT_EXT + 1, ``eps`` entries per slice,
        ``blob`` the weight bytes the layer used (kept when SKIP_WEIGHT_RLS = 1)."""
        L = self.layer
        if cfg["skip_data_rls"]:
            self.left = slices * eps
        else:
            rls = cfg["rls_slices"]
            if rls > slices:
                raise error(f"CSC.D_RELEASE: RLS_SLICES + 1 = {rls} releases more slices than the "
                            f"layer has ({slices})")
            self.base = (L.base + rls * eps) % L.ring
            self.left = (slices - rls) * eps
        self.wt_stale = 0 if cfg["skip_weight_rls"] else \
            max(0, self.wt_fetched - -(-cfg.get("kernel_bytes", 0) // ATOM))
        if L.weights == "fetch":
            self.weights = blob if cfg["skip_weight_rls"] else None
        elif not cfg["skip_weight_rls"]:
            self.weights = None
        self.prev = (cfg["data_bank"], cfg["weight_bank"], cfg["pixel"], cfg["skip_data_rls"],
                     cfg["skip_weight_rls"])
        self.layer = None

    def weight_memory(self) -> Memory:
        return _BlobMemory(self.weights if self.weights is not None else np.zeros(0, np.uint8))


def entries_per_slice(width: int, channels: int = 0, image_components: int = 0) -> int:
    """CBUF entries (8 bytes) one input row takes: a feature row holds ceil(C/8) atoms per
    pixel; an image row its (padded) pixels' canonical components packed (D_ENTRY_PER_SLICE
    is this minus 1; NVIDIA's traces dc_24x33x55_5x5x55x25 0xa7, img_51x96x4_1x10x4x32 0x19)."""
    if image_components:
        return -(-width * image_components // 8)
    return width * -(-channels // 8)
