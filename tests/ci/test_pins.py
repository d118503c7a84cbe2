"""constraints.txt pins every package requirements.txt pulls in, transitively, at the version
installed in the running environment (the one make venv built), and agrees with requirements.txt."""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, ver = line.partition("==")
            assert sep, f"{path.name}: '{line}' is not pinned with =="
            out[_norm(name)] = ver.strip()
    return out


def _closure(roots) -> set[str]:
    """The installed distributions the roots require, transitively (markers evaluated)."""
    from packaging.requirements import Requirement
    seen, todo = set(), list(roots)
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for spec in metadata.requires(n) or ():
            r = Requirement(spec)
            if r.marker is None or r.marker.evaluate({"extra": ""}):
                todo.append(_norm(r.name))
    return seen


def test_requirements_and_constraints_agree():
    req, con = _pins(REPO / "requirements.txt"), _pins(REPO / "constraints.txt")
    wrong = {n: (v, con.get(n)) for n, v in req.items() if con.get(n) != v}
    assert not wrong, f"constraints.txt disagrees with requirements.txt (requirement, constraint): {wrong}"


def test_every_installed_dependency_is_pinned_at_its_version():
    con = _pins(REPO / "constraints.txt")
    need = _closure(_pins(REPO / "requirements.txt"))
    unpinned = sorted(n for n in need if n not in con)
    assert not unpinned, f"not pinned in constraints.txt: {unpinned}"
    off = {n: (metadata.version(n), con[n]) for n in need if metadata.version(n) != con[n]}
    assert not off, f"installed version differs from constraints.txt (installed, pinned): {off}"
