"""tb/dbb.py without a simulator: page planning and the $readmemh/$writememh file formats."""
import numpy as np
import pytest

from model.memory import PAGE, Memory
from tb.dbb import (PGB, DbbError, plan_pages, read_hex_dump, span_pages, write_hex_image,
                    write_page_table)


def test_span_pages():
    assert span_pages([(0x80000ff8, 0x10)]) == {0x80000, 0x80001}
    assert span_pages([(0x1000, 0x1000), (0x5000, 0)]) == {0x1}


def test_pages_in_address_order_and_consecutive():
    mem = Memory()
    mem.write(0x90003000, np.ones(10, np.uint8))
    mem.write(0x80000000, np.ones(10, np.uint8))
    pages = plan_pages(mem, [(0xa0000040, 0x1400)])
    assert pages == {0x80000: 0, 0x90003: 1, 0xa0000: 2, 0xa0001: 3}


def test_zero_pages_mapped_only_while_few():
    mem = Memory()
    mem.fill(0x80000000, 0x10 * PAGE, 0)             # zero-initialised, 16 pages
    mem.write(0x80005000, np.ones(4, np.uint8))
    # few zero pages: all mapped
    assert len(plan_pages(mem, [(0x90000000, 8)], zero_budget=15)) == 17
    # too many: only the non-zero page and the region the DUT writes
    assert plan_pages(mem, [(0x90000000, 8)], zero_budget=14) == {0x80005: 0, 0x90000: 1}
    with pytest.raises(DbbError, match="RAM holds 2"):
        plan_pages(mem, [(0x90000000, 3 * PAGE)], ram_pages=2, zero_budget=0)


def test_hex_files(tmp_path):
    mem = Memory()
    mem.write(0x80001008, bytes(range(1, 9)))
    pages = plan_pages(mem, [(0x80000000, 0x10)])     # pages 0x80000 -> 0, 0x80001 -> 1
    write_hex_image(tmp_path / "img.hex", mem, pages)
    lines = (tmp_path / "img.hex").read_text().split()
    assert lines[0] == "@0" and len(lines) == 1 + 2 * PAGE // 8   # one run of two pages
    # byte at the lowest address is the least significant of its 64-bit word
    assert lines[1 + PAGE // 8 + 1] == "0807060504030201"
    write_page_table(tmp_path / "pt.hex", pages, gen=3)
    assert (tmp_path / "pt.hex").read_text().split() == \
        ["@80000", f"{3 << PGB:x}", "@80001", f"{(3 << PGB) | 1:x}"]
    (tmp_path / "d.hex").write_text("// comment\n@0\n0807060504030201\n00000000000000ff\n")
    got = read_hex_dump(tmp_path / "d.hex", 2)
    assert list(got[:9]) == [1, 2, 3, 4, 5, 6, 7, 8, 0xff]


def test_clean_pages_get_only_nonzero_words(tmp_path):
    mem = Memory()
    mem.fill(0x80000000, 2 * PAGE, 0)
    mem.write(0x80000010, bytes([7] * 16))            # words 2 and 3 of page 0
    mem.write(0x80001ff8, bytes([9] * 8))             # last word of page 1
    pages = plan_pages(mem, start=5)
    assert pages == {0x80000: 5, 0x80001: 6}
    write_hex_image(tmp_path / "c.hex", mem, pages, dirty=set())
    assert (tmp_path / "c.hex").read_text().split() == [
        f"@{5 * 512 + 2:x}", "0707070707070707", "0707070707070707",
        f"@{6 * 512 + 511:x}", "0909090909090909"]
    write_hex_image(tmp_path / "d.hex", mem, pages, dirty={6})   # dirty: written whole
    assert len((tmp_path / "d.hex").read_text().split()) == 1 + 2 * 512
    # pages that would not fit above start are planned from 0
    assert plan_pages(mem, start=10, ram_pages=11) == {0x80000: 0, 0x80001: 1}
