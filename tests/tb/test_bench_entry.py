"""`make bench` entry points import and parse their arguments (their figures are not tests)."""
import importlib

import pytest


@pytest.mark.parametrize("mod", ["model.bench", "model.bounds", "tb.bench", "calib.bench"])
def test_bench_entry_imports_and_has_help(mod, capsys):
    m = importlib.import_module(mod)
    with pytest.raises(SystemExit) as e:
        m.main(["--help"])
    assert e.value.code == 0
    assert "usage" in capsys.readouterr().out.lower()
