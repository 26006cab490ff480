"""Finding the codex entries that a piece of text mentions, by name or alias.

Text and names are cut into words (``\\w+``) and looked up in a dict keyed by the first word,
so a scan costs one regex pass over the text plus a dict lookup per word, whatever the size
of the codex. Names match whole words only ("Ann" is not found in "Anna"), across any
punctuation or spacing (a name split over a line still matches). Matching ignores case,
except that a capitalised name only matches a capitalised word, so that the character
"Will" is not found in "I will go".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class _Name:
    entry_index: int
    words: tuple[str, ...]  # case-folded
    capitalised: bool


class CodexMatcher:
    """Matches names and aliases of a fixed list of entries against text."""

    def __init__(self, names_per_entry: Sequence[Iterable[str]]) -> None:
        """``names_per_entry[i]`` is the name and aliases of entry ``i``."""
        self._by_first_word: dict[str, list[_Name]] = {}
        for index, names in enumerate(names_per_entry):
            for raw in names:
                words = _WORD_RE.findall(raw or "")
                if not words or sum(len(w) for w in words) < 2:
                    continue  # an initial alone ("W.") would match too much
                name = _Name(index, tuple(w.casefold() for w in words), words[0][0].isupper())
                self._by_first_word.setdefault(name.words[0], []).append(name)
        for candidates in self._by_first_word.values():
            # Longest names first, so "Mara Vale" is tried before "Mara".
            candidates.sort(key=lambda n: -len(n.words))
        self.size = len(names_per_entry)

    def mentioned(self, *texts: str) -> list[int]:
        """Indexes of the entries mentioned in ``texts``, in order of first mention."""
        found: dict[int, None] = {}
        lookup = self._by_first_word
        for text in texts:
            if not text:
                continue
            words = _WORD_RE.findall(text)
            folded = [w.casefold() for w in words]
            for i, word in enumerate(folded):
                candidates = lookup.get(word)
                if candidates is None:
                    continue
                for name in candidates:
                    if name.capitalised and not words[i][0].isupper():
                        continue
                    n = len(name.words)
                    if n == 1 or tuple(folded[i : i + n]) == name.words:
                        found.setdefault(name.entry_index, None)
        return list(found)
