"""Sparse byte-addressable memory (32-bit address space) and NVDLA's feature-cube layout.

Feature cube layout (nv_small, int8, atom = 8 bytes): channels split in surfaces of 8,
element (c, h, w) at ``base + (c // 8) * surf_stride + h * line_stride + w * 8 + c % 8``.
The DMAs move whole atoms, so a cube of C channels occupies ceil(C / 8) full surfaces.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

ADDR_BITS = 32
PAGE_BITS = 12
PAGE = 1 << PAGE_BITS
ATOM = 8  # bytes per memory atom = channels per surface for int8


class AddressError(ValueError):
    """An access outside the 32-bit address space."""


def _page_spans(addr: int, n: int):
    """(page number, offset in page, offset in the access, length) of each page an access of
    n bytes at addr touches."""
    pos = 0
    while pos < n:
        a = addr + pos
        off = a & (PAGE - 1)
        k = min(PAGE - off, n - pos)
        yield a >> PAGE_BITS, off, pos, k
        pos += k


def atom_lanes(cube, c: int, h: int, w: int, dtype, error=ValueError, who: str = "") -> np.ndarray:
    """An on-the-fly input cube (from CACC or SDP) as the whole 8-channel atoms the hardware
    streams: shape (ceil(c/8)*8, h, w), lanes the producer did not send are 0. Raises ``error``
    (message prefixed by ``who``) when the cube does not match the programmed (c, h, w)."""
    fin = np.asarray(cube)
    if fin.ndim != 3 or fin.shape[1:] != (h, w) or fin.shape[0] < c:
        raise error(f"{who}on-the-fly input shape {fin.shape} does not match the programmed cube "
                    f"{(c, h, w)}")
    cp = -(-c // ATOM) * ATOM
    out = np.zeros((cp, h, w), dtype=dtype)
    n = min(cp, fin.shape[0])
    out[:n] = fin[:n]
    return out


class Memory:
    """Sparse memory of 4 KiB numpy pages; unwritten bytes read as 0."""

    def __init__(self):
        self.pages: dict[int, np.ndarray] = {}

    def _check(self, addr: int, n: int):
        if addr < 0 or n < 0 or addr + n > (1 << ADDR_BITS):
            raise AddressError(f"memory access 0x{addr:x}+0x{n:x} outside the 32-bit address space")

    def read(self, addr: int, n: int) -> np.ndarray:
        """n bytes from addr as a new uint8 array."""
        self._check(addr, n)
        out = np.zeros(n, dtype=np.uint8)
        for pno, off, pos, k in _page_spans(addr, n):
            page = self.pages.get(pno)
            if page is not None:
                out[pos:pos + k] = page[off:off + k]
        return out

    def write(self, addr: int, data) -> None:
        """Write bytes (bytes, or an array viewed as uint8) at addr."""
        buf = np.frombuffer(bytes(data), dtype=np.uint8) if isinstance(data, (bytes, bytearray)) \
            else np.ascontiguousarray(data).view(np.uint8).reshape(-1)
        n = buf.size
        self._check(addr, n)
        for pno, off, pos, k in _page_spans(addr, n):
            page = self.pages.get(pno)
            if page is None:
                page = self.pages[pno] = np.zeros(PAGE, dtype=np.uint8)
            page[off:off + k] = buf[pos:pos + k]

    def fill(self, addr: int, n: int, value: int = 0) -> None:
        self.write(addr, np.full(n, value & 0xFF, dtype=np.uint8))

    # ---- gathers/scatters by offset arrays (used by every layout below) ----
    def gather(self, base: int, offsets: np.ndarray) -> np.ndarray:
        """Bytes at base + offsets (any shape) as uint8, reading one span."""
        offsets = np.asarray(offsets, dtype=np.int64)
        if offsets.size == 0:
            return np.zeros(offsets.shape, dtype=np.uint8)
        lo, hi = int(offsets.min()), int(offsets.max())
        span = self.read(base + lo, hi - lo + 1)
        return span[offsets - lo]

    def scatter(self, base: int, offsets: np.ndarray, values: np.ndarray) -> None:
        """Write values (uint8-viewable, same shape as offsets) at base + offsets."""
        offsets = np.asarray(offsets, dtype=np.int64).reshape(-1)
        if offsets.size == 0:
            return
        vals = np.asarray(values).astype(np.uint8, copy=False).reshape(-1) \
            if np.asarray(values).dtype.itemsize == 1 else \
            (np.asarray(values).reshape(-1) & 0xFF).astype(np.uint8)
        lo, hi = int(offsets.min()), int(offsets.max())
        span = self.read(base + lo, hi - lo + 1)
        span[offsets - lo] = vals
        self.write(base + lo, span)


@lru_cache(maxsize=256)
def cube_offsets(c: int, h: int, w: int, line_stride: int, surf_stride: int,
                 elem_bytes: int = 1) -> np.ndarray:
    """Byte offsets, shape (ceil(c/8)*8, h, w, elem_bytes), of a feature cube whose channels
    are padded to whole surfaces. Element (c, y, x) byte j sits at
    ``(c//8)*surf_stride + y*line_stride + x*8*elem_bytes + (c%8)*elem_bytes + j``.
    Cached per geometry; the returned table is read-only."""
    cp = -(-c // ATOM) * ATOM
    ch = np.arange(cp, dtype=np.int64)
    off = ((ch // ATOM) * surf_stride + (ch % ATOM) * elem_bytes)[:, None, None, None] \
        + (np.arange(h, dtype=np.int64) * line_stride)[None, :, None, None] \
        + (np.arange(w, dtype=np.int64) * ATOM * elem_bytes)[None, None, :, None] \
        + np.arange(elem_bytes, dtype=np.int64)[None, None, None, :]
    off.setflags(write=False)
    return off


def read_cube(mem: Memory, base: int, c: int, h: int, w: int, line_stride: int,
              surf_stride: int, padded: bool = False) -> np.ndarray:
    """An int8 feature cube (C, H, W) from memory; ``padded`` keeps the ceil(C/8)*8 lanes."""
    raw = mem.gather(base, cube_offsets(c, h, w, line_stride, surf_stride)[..., 0])
    cube = raw.view(np.int8)
    return cube if padded else cube[:c]


def write_cube(mem: Memory, base: int, cube: np.ndarray, line_stride: int,
               surf_stride: int) -> None:
    """Write an int8 cube (C, H, W); C should already be a multiple of 8 when the hardware
    writes the padding lanes of the last surface (pass the padded cube)."""
    c, h, w = cube.shape
    off = cube_offsets(c, h, w, line_stride, surf_stride)[:c, ..., 0]
    mem.scatter(base, off, np.asarray(cube).astype(np.int8).view(np.uint8))


def read_elements(mem: Memory, base: int, c: int, h: int, w: int, line_stride: int,
                  surf_stride: int, elem_bytes: int) -> np.ndarray:
    """A cube of little-endian multi-byte elements as raw uint8, shape (Cp, H, W, elem_bytes)."""
    return mem.gather(base, cube_offsets(c, h, w, line_stride, surf_stride, elem_bytes))
