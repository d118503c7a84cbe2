"""Helpers shared by the testbench tests."""


def assert_all_passed(res: dict, dirs, what: str = "cases", model_checks: int | None = 1) -> None:
    """Every trace of ``dirs`` has a passing result in ``res`` (tb.runner.run_traces' dict), with
    at least ``model_checks`` comparisons with the golden model each (None: not required)."""
    bad = [res[d.name]["line"] if d.name in res else f"{d.name}: no result" for d in dirs
           if d.name not in res or not res[d.name]["passed"]]
    assert not bad, f"{len(bad)} of {len(dirs)} {what} failed: " + " | ".join(bad[:4])
    if model_checks is not None:
        for d in dirs:
            assert res[d.name]["model_checks"] >= model_checks, \
                f"{d.name}: compared with the golden model {res[d.name]['model_checks']} times, " \
                f"expected at least {model_checks}"
