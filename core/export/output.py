"""Writing an export safely: into a temp file beside the target, then moved into place.

A failed or cancelled export therefore never leaves half a file at the target path, and
an existing file there is replaced only by a complete new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import ExportFailedError


def check_target(path: Path) -> Path:
    """The absolute target path, or a clear error if a file cannot be written there."""
    path = path.expanduser().absolute()
    if path.is_dir():
        raise ExportFailedError(f"{path}: is a folder; give a file name to export to")
    folder = path.parent
    if not folder.is_dir():
        raise ExportFailedError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportFailedError(f"{path}: cannot write in {folder} (permission denied)")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportFailedError(f"{path}: the file exists and is read-only")
    return path


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temp path in the target's folder; on success it replaces ``path``.

    On any error (including a cancel) the temp file is removed and ``path`` is untouched.
    """
    path = check_target(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem[:40]}-", suffix=path.suffix + ".part"
        )
    except OSError as exc:
        raise ExportFailedError(f"{path}: cannot write here ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        try:
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except OSError as exc:
            raise ExportFailedError(f"{path}: cannot write the file ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    # mkstemp makes 0600 files; an export should get the user's usual permissions.
    current = os.umask(0)
    os.umask(current)
    return current
