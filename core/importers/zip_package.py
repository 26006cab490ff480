"""Opening the zip packages that DOCX and EPUB files are, with bounds on what they unpack to.

A small file can claim to unpack into gigabytes (a "zip bomb"). The central directory says
how large each member is, and :mod:`zipfile` never inflates a member past the size it
declares (a member that lies fails its CRC check instead), so checking the declared sizes
before anything is read bounds the memory and time an import can take.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from core.importers.source import MAX_ARCHIVE_BYTES, check_file, fail

# Markup (XML, XHTML, HTML) is parsed into trees about ten times its size: 128 MB of it is
# several novels' worth and still fits in memory.
MAX_MARKUP_BYTES = 128 * 1024 * 1024
# Everything a package unpacks to, images included.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
# Deflate manages about 1000:1 on repeated bytes; real documents stay far below 100:1.
SUSPICIOUS_RATIO = 200
_RATIO_CHECK_FROM = 8 * 1024 * 1024
_MARKUP_SUFFIXES = {".xml", ".xhtml", ".html", ".htm", ".opf", ".ncx", ".rels", ".svg"}


def open_package(path: Path, kind: str) -> zipfile.ZipFile:
    """The file as a zip archive, after checking it is one and that it unpacks to a sane size.

    ``kind`` ("DOCX", "EPUB") names the format in error messages.
    """
    check_file(path, limit=MAX_ARCHIVE_BYTES)  # missing, empty, folder and size errors
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise fail(
            path, f"not a valid {kind} file (it is not a zip archive, or it is damaged)"
        ) from None
    try:
        check_unpacked_size(archive, path)
    except BaseException:
        archive.close()
        raise
    return archive


def check_unpacked_size(archive: zipfile.ZipFile, path: Path) -> None:
    """Raise ImportFailedError if the archive would unpack to more than the limits allow."""
    markup = total = 0
    for info in archive.infolist():
        total += info.file_size
        if PurePosixPath(info.filename).suffix.lower() in _MARKUP_SUFFIXES:
            markup += info.file_size
        if info.file_size > _RATIO_CHECK_FROM and info.file_size > SUSPICIOUS_RATIO * max(
            info.compress_size, 1
        ):
            raise fail(
                path,
                f"{info.filename} inside it would unpack to {_mb(info.file_size)} from "
                f"{_mb(info.compress_size)} (a zip bomb?); not importing it",
            )
    if markup > MAX_MARKUP_BYTES:
        raise fail(
            path,
            f"its text would unpack to {_mb(markup)}; the import limit is {_mb(MAX_MARKUP_BYTES)}",
        )
    if total > MAX_UNPACKED_BYTES:
        raise fail(
            path,
            f"it would unpack to {_mb(total)}; the import limit is {_mb(MAX_UNPACKED_BYTES)}",
        )


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """One member's bytes; a damaged member is a one-line error naming it."""
    try:
        return archive.read(name)
    except KeyError:
        raise fail(path, f"{name} is missing from the package") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise fail(path, f"{name} inside it is damaged ({exc})") from None
    except NotImplementedError:
        raise fail(
            path, f"{name} inside it uses a compression method that is not supported"
        ) from None


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.0f} MB"
