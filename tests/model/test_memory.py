"""model/memory.py: sparse memory and the NVDLA feature-cube layout, by hand."""
import numpy as np
import pytest

from model.memory import AddressError, Memory, cube_offsets, read_cube, write_cube


def test_unwritten_reads_zero_and_page_crossing():
    m = Memory()
    assert m.read(0x12345, 4).tolist() == [0, 0, 0, 0]
    m.write(0xFFE, bytes([1, 2, 3, 4]))                 # crosses the 4 KiB page at 0x1000
    assert m.read(0xFFD, 6).tolist() == [0, 1, 2, 3, 4, 0]
    assert len(m.pages) == 2


def test_address_space_limits():
    m = Memory()
    m.write(0xFFFFFFFC, bytes([9, 9, 9, 9]))
    with pytest.raises(AddressError):
        m.write(0xFFFFFFFE, bytes([1, 2, 3]))
    with pytest.raises(AddressError):
        m.read(-1, 1)


def test_cube_layout_by_hand():
    # element (c, h, w) at (c//8)*surf + h*line + w*8 + c%8
    off = cube_offsets(9, 2, 3, line_stride=0x40, surf_stride=0x100)[..., 0]
    assert off.shape == (16, 2, 3)
    assert off[0, 0, 0] == 0
    assert off[7, 0, 0] == 7
    assert off[8, 0, 0] == 0x100
    assert off[3, 1, 2] == 0x40 + 16 + 3
    assert off[10, 1, 1] == 0x100 + 0x40 + 8 + 2


def test_write_read_cube_round_trip():
    m = Memory()
    cube = np.arange(-20, -20 + 9 * 2 * 3, dtype=np.int8).reshape(9, 2, 3)
    write_cube(m, 0x1000, cube, 0x40, 0x100)
    assert np.array_equal(read_cube(m, 0x1000, 9, 2, 3, 0x40, 0x100), cube)
    # element (8, 1, 2) is at 0x1000 + 0x100 + 0x40 + 16 + 0
    assert m.read(0x1000 + 0x100 + 0x40 + 16, 1).view(np.int8)[0] == cube[8, 1, 2]
