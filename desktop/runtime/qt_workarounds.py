"""Work-arounds for defects in particular Qt for Python releases, each detected, not assumed.

PySide6 6.12.0 (its stable-ABI wheel) on Python 3.11 drops a reference to ``None`` every time
a binding returns ``None`` to Python: each call of a ``void`` method such as
``QPoint.setX`` or ``QTextCursor.insertText``, and each Python ``data()`` that returns
``None`` to Qt. Before Python 3.12 ``None`` is reference-counted like any object, so after
some tens of thousands of calls its count reaches zero and the interpreter aborts with
"Fatal Python error: none_dealloc" — in the middle of a writing session. PySide6 6.11.3 does
not have the defect, and from Python 3.12 on ``None`` is immortal, so it cannot happen there.

:func:`keep_none_alive` measures the loss once and, only if there is one, gives ``None`` so
many references (2**40) that no session can use them up. ``None`` is never freed in any
case, so the extra references cost nothing. Pin PySide6 below 6.12 (or to a fixed release)
to make this a no-op.
"""

from __future__ import annotations

import ctypes
import sys

_PROBE_CALLS = 64
_PADDING = 1 << 40
_applied = False


def none_references_lost(calls: int = _PROBE_CALLS) -> int:
    """References to ``None`` that the binding loses over ``calls`` void method calls."""
    from PySide6.QtCore import QPoint

    point = QPoint()
    before = sys.getrefcount(None)
    for _ in range(calls):
        point.setX(1)
    return before - sys.getrefcount(None)


def keep_none_alive() -> bool:
    """Protect ``None`` from a binding that loses references to it; True if it had to."""
    global _applied
    if _applied:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal None (PEP 683), or not a refcounted interpreter
    if none_references_lost() < _PROBE_CALLS // 2:
        return False
    # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
    refcount = ctypes.c_ssize_t.from_address(id(None))
    refcount.value += _PADDING
    _applied = True
    return True
