"""Session-wide test policy.

Tests skip, with the reason, where data or a simulator is absent on a user's machine. In CI
(``CI`` set, as .ci/run's environment has it) ../shared and both simulators are present, so a
skip there means a test silently did not run: it is reported as a failure instead.

Tiers and runs (see the Makefile's ``test``/``test-quick``):

- a test marked ``slow`` belongs to the full tier only (``make test``); every other test is
  also in the quick tier (``make test-quick`` = ``-m "not slow"``); RTL tests are marked
  ``rtl``, and a test parametrized over ``sim`` gets that simulator's marker (``verilator`` /
  ``icarus``) so that ``-m`` can pick one simulator.
- ``SHARD=i/n`` (1 <= i <= n) keeps a deterministic part of the selection: tests are grouped by
  their ``xdist_group`` (tests that share one simulator run stay together) or else node id, and
  the groups dealt to the n shards by weight (``assign_shards``); every shard's process
  computes the same split from the same collection.
- every passing test is appended to ``build/results/<tier>[-shard-i-of-n].passed`` as it
  finishes (``TEST_TIER`` names the tier; ``pytest`` alone: ``adhoc``); ``RESUME=1`` deselects
  the tests listed there, so an interrupted run goes on where it stopped. Without ``RESUME``
  the file is started afresh.
"""
import os
import re
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("TEST_RESULTS_DIR", REPO / "build" / "results"))
SIMS = ("verilator", "icarus")
RTL_WEIGHT = 20          # shard balance: an RTL test costs about this many other tests


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if os.environ.get("CI") and rep.skipped and not hasattr(rep, "wasxfail"):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        rep.outcome = "failed"
        rep.longrepr = f"CI: this test was skipped, which CI does not allow ({reason})"


def pytest_itemcollected(item):
    cs = getattr(item, "callspec", None)
    sim = cs.params.get("sim") if cs is not None else None
    if sim in SIMS:
        item.add_marker(sim)


def _group(item) -> str:
    m = item.get_closest_marker("xdist_group")
    if m is not None:
        return str(m.args[0] if m.args else m.kwargs.get("name", "default"))
    return _plain_id(item.nodeid)


def _plain_id(nodeid: str) -> str:
    """Node id without the '@group' suffix pytest-xdist's loadgroup adds."""
    return re.sub(r"@[^\[\]/@]*$", "", nodeid)


def shard_spec() -> tuple[int, int] | None:
    s = os.environ.get("SHARD", "").strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d+)/(\d+)", s)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise pytest.UsageError(f"SHARD={s!r}: expected i/n with 1 <= i <= n (e.g. SHARD=1/2)")
    return int(m.group(1)), int(m.group(2))


def assign_shards(items, n: int) -> dict[str, int]:
    """{group key: shard 1..n}: groups by decreasing weight (an RTL test weighs RTL_WEIGHT,
    another test 1), each to the lightest shard so far, ties by crc32 of the key: the same
    collection gives the same split in every shard's process."""
    weight: dict[str, int] = {}
    for it in items:
        k = _group(it)
        weight[k] = weight.get(k, 0) + (RTL_WEIGHT if it.get_closest_marker("rtl") else 1)
    load = [0] * n
    out = {}
    for k in sorted(weight, key=lambda k: (-weight[k], zlib.crc32(k.encode()), k)):
        i = min(range(n), key=lambda j: (load[j], j))
        out[k] = i + 1
        load[i] += weight[k]
    return out


def passed_log() -> Path:
    tier = os.environ.get("TEST_TIER") or "adhoc"
    sh = shard_spec()
    suffix = f"-shard-{sh[0]}-of-{sh[1]}" if sh else ""
    return RESULTS / f"{tier}{suffix}.passed"


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _xdist_group_ids(config, items) -> None:
    """pytest-xdist's --dist loadgroup schedules by an '@<group>' suffix its worker adds to each
    grouped test's node id, through ``item._nodeid``, which pytest 9 no longer reads (its node id
    lives in ``item._id``): without this the groups are silently split across workers and two
    workers run one simulation into the same files. Sets the suffix where xdist did not."""
    if not (_is_worker(config) and getattr(config.option, "loadgroup", False)):
        return
    for it in items:
        m = it.get_closest_marker("xdist_group")
        if m is None or "@" in it.nodeid:
            continue
        new = f"{it.nodeid}@{_group(it)}"
        if hasattr(it, "_id"):
            from _pytest.nodeid import NodeId
            it._id = NodeId.parse(new)
        else:
            it._nodeid = new


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    _xdist_group_ids(config, items)
    keep, drop = list(items), []
    sh = shard_spec()
    if sh:
        of = assign_shards(items, sh[1])
        keep = [it for it in items if of[_group(it)] == sh[0]]
        drop = [it for it in items if of[_group(it)] != sh[0]]
    if os.environ.get("RESUME") and passed_log().is_file():
        done = set(passed_log().read_text().split("\n"))
        drop += [it for it in keep if _plain_id(it.nodeid) in done]
        keep = [it for it in keep if _plain_id(it.nodeid) not in done]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


_WORKER = False          # this process is an xdist worker (set in pytest_configure); the
                         # environment is no guide: a pytest started by a test inherits it


def pytest_configure(config):
    global _WORKER
    _WORKER = _is_worker(config)
    # functional coverage (tb/funcov.py): every simulator run of this session writes its counts
    # into a folder of its own (the xdist workers and simulators inherit it; RESUME=1 goes on
    # in the newest one): build/funcov/runs/<session>/
    if not _WORKER and not os.environ.get("TB_FUNCOV_DIR"):
        from tb.funcov import session_dir
        os.environ["TB_FUNCOV_DIR"] = str(session_dir(bool(os.environ.get("RESUME"))))


def pytest_terminal_summary(terminalreporter, config):
    """The merged functional coverage of this session's simulator runs (make funcov lists it)."""
    if _WORKER or not any(Path(os.environ.get("TB_FUNCOV_DIR", "/nonexistent")).glob("run-*.yml")):
        return
    try:
        from tb.funcov import summarize
        terminalreporter.write_line(summarize(Path(os.environ["TB_FUNCOV_DIR"])))
    except Exception as e:        # a report problem must not change the test outcome
        terminalreporter.write_line(f"functional coverage: no report ({type(e).__name__}: {e})")


def pytest_sessionstart(session):
    if _is_worker(session.config) or session.config.option.collectonly:
        return
    log = passed_log()
    log.parent.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("RESUME"):
        log.write_text("")


_call_passed: set[str] = set()


def pytest_runtest_logreport(report):
    # the controller (or a run without xdist) records each pass as soon as its teardown is
    # done, so an interrupted run keeps every finished result; CI's skip-as-failure already
    # applies to these reports
    if _WORKER:
        return
    nid = _plain_id(report.nodeid)
    if report.when == "call" and report.passed:
        _call_passed.add(nid)
    elif report.failed:
        _call_passed.discard(nid)
    if report.when == "teardown" and nid in _call_passed:
        _call_passed.discard(nid)
        with open(passed_log(), "a") as f:
            f.write(nid + "\n")
