"""The GitHub Actions workflow (.github/workflows/ci.yml), read with a YAML parser: the actions it
uses (name and major version, from a short list), its matrix (simulator x shard), that it runs
the README's test command with SHARD=i/n and uploads the JUnit reports, and that its simulator
marker expressions split the regression into disjoint parts covering every test."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WF = REPO / ".github" / "workflows" / "ci.yml"
# action -> the version the workflow must pin (major tags of actions maintained by GitHub)
ACTIONS = {"actions/checkout": "v4", "actions/setup-python": "v5", "actions/cache": "v4",
           "actions/upload-artifact": "v4"}


@pytest.fixture(scope="module")
def wf():
    return yaml.safe_load(WF.read_text())


def _steps(wf):
    return [(job, st) for job, j in wf["jobs"].items() for st in j.get("steps", [])]


def test_triggers_and_jobs(wf):
    on = wf.get("on", wf.get(True))         # YAML 1.1 reads a bare `on` key as True
    assert on is not None and {"push", "pull_request"} <= set(on), on
    assert {"guards", "test"} <= set(wf["jobs"])
    for name, job in wf["jobs"].items():
        assert job["runs-on"].startswith("ubuntu-"), (name, job["runs-on"])


def test_actions_are_known_and_pinned(wf):
    used = set()
    for job, st in _steps(wf):
        if "uses" not in st:
            assert "run" in st, f"{job}: a step with neither uses nor run: {st}"
            continue
        name, _, ver = st["uses"].partition("@")
        assert name in ACTIONS, f"{job}: unexpected action {st['uses']}"
        assert ver == ACTIONS[name], f"{job}: {name}@{ver}, expected @{ACTIONS[name]}"
        used.add(name)
    assert used == set(ACTIONS), f"actions not used: {set(ACTIONS) - used}"


def _readme_make_targets() -> set[str]:
    text = (REPO / "README.md").read_text()
    return set(re.findall(r"^\s+make (?:\w+=\S+ )*([a-z][\w-]*)", text, re.M))


def test_runs_the_readme_test_command_per_shard(wf):
    assert "test" in _readme_make_targets()
    assert re.search(r"^make test\s*$", (REPO / ".ci" / "run").read_text(), re.M), \
        ".ci/run must keep calling the README's `make test`"
    job = wf["jobs"]["test"]
    m = job["strategy"]["matrix"]
    assert set(m["sim"]) == {"model", "verilator", "icarus"}
    assert m["shard"] == list(range(1, int(job["env"]["SHARDS"]) + 1))
    runs = [st["run"] for st in job["steps"] if "run" in st]
    makes = [r for r in runs if r.lstrip().startswith("make ")]
    assert len(makes) == 1, makes
    mk = makes[0]
    assert re.match(r"make test\b", mk), mk
    assert "SHARD=${{ matrix.shard }}/${{ env.SHARDS }}" in mk
    assert "${{ matrix.marks }}" in mk
    for r in runs:                # every make command it runs is one the README documents
        for t in re.findall(r"\bmake ((?:\w+=\S+ )*)([a-z][\w-]*)", r):
            assert t[1] in _readme_make_targets(), f"`make {t[1]}` is not a README command"
    guards = [st["run"] for st in wf["jobs"]["guards"]["steps"] if "run" in st]
    assert any("ci/check_repo.sh" in r for r in guards)


def test_uploads_junit_always_and_caches(wf):
    steps = wf["jobs"]["test"]["steps"]
    up = [st for st in steps if st.get("uses", "").startswith("actions/upload-artifact")]
    assert len(up) == 1 and up[0]["if"].replace(" ", "") == "${{always()}}"
    assert "build/junit/" in up[0]["with"]["path"]
    assert "matrix.sim" in up[0]["with"]["name"] and "matrix.shard" in up[0]["with"]["name"]
    caches = [st["with"]["path"] for st in steps if st.get("uses", "").startswith("actions/cache")]
    assert any(p.strip() == ".venv" for p in caches), caches
    assert any("build/verilator" in p for p in caches), caches


_DUMP = """
def pytest_collection_finish(session):
    with open(OUT, "w") as f:
        for it in session.items:
            f.write(it.nodeid + "\\t" + " ".join(sorted({m.name for m in it.iter_markers()})) + "\\n")
"""


def _collect_markers(tmp_path) -> dict[str, set[str]]:
    """{node id: marker names} of every test, from one collection in a subprocess."""
    out = tmp_path / "markers.tsv"
    (tmp_path / "markdump.py").write_text(f"OUT = {str(out)!r}\n" + _DUMP)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "markdump",
                        "-p", "no:cacheprovider"], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    res = {}
    for ln in out.read_text().splitlines():
        nid, _, marks = ln.partition("\t")
        res[nid] = set(marks.split())
    return res


def test_matrix_marks_partition_the_regression(wf, tmp_path):
    """Each test runs in exactly one simulator part of the matrix."""
    from _pytest.mark.expression import Expression     # pytest's own -m evaluator
    parts = {inc["sim"]: Expression.compile(inc["marks"])
             for inc in wf["jobs"]["test"]["strategy"]["matrix"]["include"]}
    tests = _collect_markers(tmp_path)
    assert len(tests) > 100, f"only {len(tests)} tests collected"
    for nid, marks in tests.items():
        hits = [sim for sim, ex in parts.items() if ex.evaluate(lambda name, **kw: name in marks)]
        assert len(hits) == 1, f"{nid} (markers {sorted(marks)}) is in parts {hits}, not exactly one"
