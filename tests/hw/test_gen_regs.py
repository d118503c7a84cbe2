"""The committed generated RTL (hw/gen/*.v: register files and nvs_top_wiring.v) is exactly what
hw/gen_regs.py produces from model/nv_small_regs.toml and the engine port lists."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_regfiles_are_current():
    r = subprocess.run([sys.executable, str(ROOT / "hw" / "gen_regs.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_register_of_present_units_is_decoded():
    sys.path.insert(0, str(ROOT))
    from hw.gen_top import present_units  # noqa: E402
    from model.regs import REGMAP  # noqa: E402
    for unit in present_units():
        text = (ROOT / "hw" / "gen" / f"nvs_regs_{unit.lower()}.v").read_text()
        for reg in REGMAP.unit_regs(unit):
            word = f"10'h{(reg.addr & 0xFFF) >> 2:03x}"
            assert word in text, f"{reg.full_name} not decoded in nvs_regs_{unit.lower()}.v"
