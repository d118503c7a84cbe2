"""tests/conftest.py's run machinery on a small stand-in suite (its own copy of the conftest in
tmp, run by a pytest subprocess): SHARD=i/n splits deterministically into disjoint parts that
cover everything and keep an xdist_group together; a run stopped midway (-x) leaves the tests it
passed in the passed-test log, and RESUME=1 runs only the others."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SUITE = '''
import pytest

@pytest.mark.parametrize("i", range(12))
def test_plain(i):
    pass

@pytest.mark.xdist_group("one-run")
@pytest.mark.parametrize("i", range(5))
def test_grouped(i):
    import os
    log = os.environ.get("WORKER_LOG")
    if log:
        with open(log, "a") as f:
            f.write(os.environ.get("PYTEST_XDIST_WORKER", "-") + " ")

def test_zz_stop():
    assert False, "interrupts the run (-x)"

def test_zz_after():
    pass
'''


@pytest.fixture
def suite(tmp_path):
    d = tmp_path / "suite"
    d.mkdir()
    shutil.copy(REPO / "tests" / "conftest.py", d / "conftest.py")
    (d / "test_s.py").write_text(SUITE)
    (d / "pytest.ini").write_text("[pytest]\nmarkers =\n    rtl: x\n    xdist_group: x\n")
    return d


def _run(d, *args, **env):
    e = {k: v for k, v in os.environ.items() if k not in ("SHARD", "RESUME", "CI", "TEST_TIER")}
    e.update(TEST_RESULTS_DIR=str(d / "results"), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", **env)
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", *args],
                       cwd=d, env=e, capture_output=True, text=True, timeout=120)
    ran = {ln.split()[1] for ln in r.stdout.splitlines() if ln.startswith(("PASSED ", "FAILED "))}
    return r, ran


def test_shards_are_disjoint_cover_all_and_keep_groups(suite):
    _, everything = _run(suite)
    assert len(everything) == 19
    parts = [_run(suite, SHARD=f"{i}/3")[1] for i in (1, 2, 3)]
    assert set().union(*parts) == everything
    assert sum(map(len, parts)) == len(everything)
    grouped = {n for n in everything if "test_grouped" in n}
    assert sum(grouped <= p for p in parts) == 1, "an xdist_group was split across shards"
    assert parts[0] == _run(suite, SHARD="1/3")[1], "not deterministic"
    r, _ = _run(suite, SHARD="4/3")
    assert r.returncode == 4 and "SHARD='4/3'" in r.stderr + r.stdout


def test_interrupted_run_resumes(suite):
    r, first = _run(suite, "-x", TEST_TIER="t")
    assert r.returncode == 1
    log = suite / "results" / "t.passed"
    passed = set(log.read_text().split())
    assert passed == {n for n in first if "zz_stop" not in n} and len(passed) == 17
    r, second = _run(suite, TEST_TIER="t", RESUME="1")
    assert second == {"test_s.py::test_zz_stop", "test_s.py::test_zz_after"}, second
    assert "17 deselected" in r.stdout
    assert "test_s.py::test_zz_after" in log.read_text().split()
    _, third = _run(suite, TEST_TIER="t")                  # without RESUME: a fresh run
    assert len(third) == 19


def test_xdist_keeps_a_group_on_one_worker(suite):
    """--dist loadgroup with pytest 9 (the conftest restores xdist's '@group' node-id suffix)."""
    log = suite / "workers.txt"
    r, ran = _run(suite, "-p", "xdist.plugin", "-n", "2", "--dist", "loadgroup", WORKER_LOG=str(log))
    assert len(ran) == 19, r.stdout[-2000:]
    workers = log.read_text().split()
    assert len(workers) == 5 and len(set(workers)) == 1, workers
    assert workers[0].startswith("gw")
