"""One error type for everything calib/ reads: its message is one line naming file and problem."""
from __future__ import annotations

import sys
from pathlib import Path


class CalibError(Exception):
    """Bad input: ``str(e)`` is ``"<file>: <problem>"`` on one line."""

    def __init__(self, path, problem: str):
        self.path = str(path) if path is not None else "<input>"
        self.problem = " ".join(str(problem).split())  # one line, whatever the cause said
        super().__init__(f"{self.path}: {self.problem}")


def run_cli(main, argv=None) -> int:
    """Run a command-line main(argv); a CalibError or an unreadable/unwritable file becomes one
    line on stderr and exit status 2 (no traceback)."""
    try:
        return main(argv) or 0
    except CalibError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"error: {e.filename or Path(str(e))}: no such file", file=sys.stderr)
        return 2
    except OSError as e:             # a directory given as a file, no permission, disk full ...
        what = (e.strerror or type(e).__name__).lower()
        print(f"error: {e.filename or '<output>'}: {what}", file=sys.stderr)
        return 2


def write_text_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder renamed over it:
    an interrupted or failed write never leaves a half-written file."""
    import os
    import tempfile
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_text(path, what: str) -> str:
    """The text of an input file, or a CalibError naming it: missing, or binary where ``what``
    (e.g. "a text prototxt") was expected."""
    path = Path(path)
    try:
        return path.read_text()
    except FileNotFoundError:
        raise CalibError(path, "no such file") from None
    except UnicodeDecodeError:
        raise CalibError(path, f"not {what} (binary data, not UTF-8)") from None
