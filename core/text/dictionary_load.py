"""Loading a pyspellchecker dictionary in small steps, so that other threads keep running.

``SpellChecker(language="en")`` parses its 2.7 MB word list with one ``json.loads`` and then
gathers its letters with one ``set().union(*words)``: two calls into C that hold the GIL for
about 150 and 50 ms. Loaded on a worker thread while the studio opens, they held the UI thread
up by as much (the first paint of the window waited for them). Here the list is parsed in
pieces of some 64 KB and the letters gathered a few thousand words at a time; between pieces
the interpreter lets the UI thread run. The result is the same dictionary: the same words
(lower-cased, the later of two equal keys winning, as ``json.loads`` of the lower-cased text
gives) and the same totals.

If the bundled list is not where this pyspellchecker keeps it, or its word-frequency object
lacks the fields filled here (a newer release), the library's own loader is used instead.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spellchecker import SpellChecker

PIECE_CHARS = 64 * 1024
LETTER_BATCH = 4096
_ENTRY_END = re.compile(r',\s*"')  # the comma between two entries, and the next one's quote
_FIELDS = ("_dictionary", "_longest_word_length", "_total_words", "_unique_words", "_letters")


def _bundled_list(code: str) -> Path:
    import spellchecker

    return Path(spellchecker.__file__).parent / "resources" / f"{code}.json.gz"


def parse_in_pieces(text: str, piece_chars: int = PIECE_CHARS) -> dict[str, int]:
    """``json.loads(text.lower())`` of a flat ``{"word": count, ...}`` object, piece by piece.

    Raises ValueError if the text is not such an object (the caller then parses it whole).
    """
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise ValueError("not a JSON object")
    body = body[1:-1]
    words: dict[str, int] = {}
    start = 0
    while start < len(body):
        # A word holds no quote, so a comma, spaces and a quote after the piece's length end
        # an entry (a cut anywhere else leaves a piece json.loads refuses).
        found = _ENTRY_END.search(body, start + piece_chars)
        end = found.start() if found else len(body)
        piece = json.loads("{" + body[start:end].lower() + "}")
        if not isinstance(piece, dict):
            raise ValueError("not a JSON object")
        words.update(piece)
        start = found.start() + 1 if found else end
    return words


def load_spellchecker(code: str) -> SpellChecker:
    """``SpellChecker(language=code, distance=2)``, loaded without long holds of the GIL."""
    from spellchecker import SpellChecker

    path = _bundled_list(code)
    speller = SpellChecker(language=None, distance=2)
    frequencies = speller.word_frequency
    if not path.is_file() or not all(hasattr(frequencies, name) for name in _FIELDS):
        return SpellChecker(language=code, distance=2)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    try:
        words = parse_in_pieces(text)
    except ValueError:
        return SpellChecker(language=code, distance=2)
    del text
    keys = list(words)
    letters: set[str] = set()
    longest = 0
    for first in range(0, len(keys), LETTER_BATCH):
        batch = keys[first : first + LETTER_BATCH]
        letters.update(*batch)
        longest = max(longest, max(map(len, batch)))
    frequencies._dictionary.update(words)
    frequencies._longest_word_length = longest
    frequencies._total_words = sum(words.values())
    frequencies._unique_words = len(keys)
    frequencies._letters = letters
    return speller
