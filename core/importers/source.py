"""Reading an import's bytes safely: size limits, encodings and binary files.

Manuscripts come from everywhere: UTF-8 with or without a BOM, UTF-16 from Windows tools,
Latin-1 or Windows-1252 from old word processors. Text is decoded once, here, and every
importer gets ``str``. Anything that is not text gets a one-line error naming the file.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from core.errors import ImportFailedError

# ~5 million words of prose: far beyond any single manuscript, small enough to stay responsive.
MAX_TEXT_BYTES = 32 * 1024 * 1024
# Compressed formats (DOCX, EPUB) may carry large images; their text is limited when read.
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024

_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def fail(path: Path, problem: str) -> ImportFailedError:
    """The error for a file that cannot be imported (always one line, whatever a parser said)."""
    return ImportFailedError(f"{path}: {' '.join(problem.split())}")


def _size_mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def check_file(path: Path, *, limit: int) -> int:
    """The file's size, with clear errors for missing, unreadable, empty or huge files."""
    try:
        if path.is_dir():
            raise fail(path, "is a folder, not a manuscript file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise fail(path, "no such file") from None
    except PermissionError:
        raise fail(path, "permission denied") from None
    except OSError as exc:
        raise fail(path, f"cannot read the file ({exc.strerror})") from None
    if size > limit:
        raise fail(
            path, f"the file is {_size_mb(size)}, over the import limit of {_size_mb(limit)}"
        )
    if size == 0:
        raise fail(path, "the file is empty")
    return size


def read_bytes(path: Path, *, limit: int) -> bytes:
    """The file's bytes, with clear errors for missing, unreadable, empty or huge files."""
    check_file(path, limit=limit)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail(path, "no such file") from None
    except PermissionError:
        raise fail(path, "permission denied") from None
    except OSError as exc:
        raise fail(path, f"cannot read the file ({exc.strerror})") from None
    if not data.strip():
        raise fail(path, "the file is empty")
    return data


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: Path) -> str:
    """Decode a text file's bytes, or raise a clear error for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise fail(path, f"the text is not valid {encoding.upper()}") from None
    if b"\x00" in data:
        utf16 = _looks_utf16(data)
        if utf16:
            try:
                return data.decode(utf16)
            except UnicodeDecodeError:
                pass
        raise fail(path, "this is a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[: 1024 * 1024]))
    encoding = matches[0].encoding if matches else "cp1252"
    if matches:
        # Short Western European texts score the same in several Latin code pages, and the
        # detector's first pick is then arbitrary (often cp1250); Windows-1252 is by far the
        # likeliest of them, so it wins every tie.
        best = matches[0]
        for match in matches:
            if (
                match.encoding in _WESTERN
                and match.chaos <= best.chaos + 0.01
                and match.coherence >= best.coherence - 0.05
            ):
                encoding = "cp1252" if match.encoding != "iso8859_15" else match.encoding
                break
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("latin-1")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text[:65536]) * 0.01:
        raise fail(path, "this is a binary file, not text")
    return text


def read_text_file(path: Path) -> str:
    """A text manuscript as ``str``, line endings normalised to ``\\n``."""
    text = decode_text(read_bytes(path, limit=MAX_TEXT_BYTES), path)
    return text.replace("\r\n", "\n").replace("\r", "\n")
