"""Positions in a text, in the three units the app meets.

Python strings count code points; Qt (the editor) and Yjs in JavaScript count UTF-16 code
units; the Rust Yjs behind pycrdt counts UTF-8 bytes. A character outside the Basic
Multilingual Plane (an emoji, many CJK extensions) is one code point, two UTF-16 units and four
bytes, so a position handed from one side to another must be converted here, once, and never
by hand at the call site.

A position that falls inside a character (half of a surrogate pair, the middle of a UTF-8
sequence) converts to the index of the character it is in: nothing is ever cut in two.
"""

from __future__ import annotations


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes (Qt's and JavaScript's length)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf8_length(text: str) -> int:
    """How many UTF-8 bytes ``text`` takes (pycrdt's Text length)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def to_utf16(text: str, index: int) -> int:
    """The UTF-16 position of the Python string index ``index`` in ``text``."""
    return utf16_length(text[:index])


def to_utf8(text: str, index: int) -> int:
    """The UTF-8 byte position of the Python string index ``index`` in ``text``."""
    return utf8_length(text[:index])


def from_utf16(text: str, position: int) -> int:
    """The Python string index of the UTF-16 position ``position`` in ``text``."""
    if text.isascii():
        return max(0, min(position, len(text)))
    units = text.encode("utf-16-le", "surrogatepass")[: 2 * max(0, position)]
    return len(units.decode("utf-16-le", errors="ignore"))


def from_utf8(text: str, position: int) -> int:
    """The Python string index of the UTF-8 byte position ``position`` in ``text``."""
    if text.isascii():
        return max(0, min(position, len(text)))
    data = text.encode("utf-8", "surrogatepass")[: max(0, position)]
    return len(data.decode("utf-8", errors="ignore"))


def utf16_span(text: str, begin: int, end: int) -> tuple[int, int]:
    """The UTF-16 (start, end) of the string slice ``text[begin:end]``."""
    start = to_utf16(text, begin)
    return start, start + utf16_length(text[begin:end])


def utf8_span(text: str, begin: int, end: int) -> tuple[int, int]:
    """The UTF-8 (start, end) of the string slice ``text[begin:end]``."""
    start = to_utf8(text, begin)
    return start, start + utf8_length(text[begin:end])
