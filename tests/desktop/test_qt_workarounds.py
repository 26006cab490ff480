"""The None reference work-around for PySide6 6.12.0 on Python 3.11."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from desktop.runtime.qt_workarounds import keep_none_alive, none_references_lost

# Enough void calls to use up None's ordinary reference count on an affected binding.
_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QPoint
    from desktop.runtime.qt_workarounds import keep_none_alive
    calls = sys.getrefcount(None) + 1000
    if sys.argv[1] == "protected":
        keep_none_alive()
    point = QPoint()
    for _ in range(calls):
        point.setX(1)
    print("survived")
    """
)


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_a_protected_process_survives_many_void_calls() -> None:
    result = _run("protected")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "survived"


def test_the_probe_matches_what_the_binding_does() -> None:
    lost = none_references_lost()
    affected = _run("unprotected").returncode != 0
    assert affected == (lost > 0)
    if affected:
        assert keep_none_alive() is True
        assert sys.getrefcount(None) > 1 << 39
