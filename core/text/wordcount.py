"""Word and character counts that ignore the Markdown subset's markup.

A word is a run of letters or digits, with inner apostrophes and hyphens kept in it
("don't", "well-known" are one word each); an em dash between two words separates them,
as in most word processors. Markup characters (``*``, ``#``, ``\\``) contain no letters,
so counting straight on the stored Markdown gives the same figure as on the plain text.
"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_MARKUP_RE = re.compile(r"\\(?=[\\*_#])|\*+|^#{1,6}\s+", re.MULTILINE)


def count_words(text: str) -> int:
    """The number of words in ``text`` (Markdown subset or plain)."""
    return len(WORD_RE.findall(text))


def count_characters(text: str) -> int:
    """Characters of prose, without markup and without line breaks."""
    if "\\" not in text and "#" not in text:
        # The common case, counted without building a copy: then the only markup is "*".
        return len(text) - text.count("*") - text.count("\n")
    stripped = _MARKUP_RE.sub("", text)
    return len(stripped) - stripped.count("\n")
