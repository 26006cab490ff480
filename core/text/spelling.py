"""Spell-checking manuscript text offline, per book language, with a personal dictionary.

Dictionaries come from pyspellchecker, which ships word-frequency lists for a dozen languages
inside the package: nothing is downloaded. A book's ``language`` ("en", "en-GB", "fr_FR")
picks the list by its primary subtag. The English list spells the American way, so a book in
British English also accepts the British forms (``core.text.british_spelling``). Loading a
list takes most of a second, so each is loaded once per process and shared
(:func:`load_speller` is safe to call from a worker thread).

Markup needs no special care: words are runs of letters (with inner apostrophes and hyphens,
as in ``core.text.wordcount``), and the Markdown subset's markup holds no letters. Words with
digits, and words in capitals (acronyms, Fountain character cues), are not checked.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import AuthorWorksError
from core.text.british_spelling import american_forms, is_british_english

if TYPE_CHECKING:
    from spellchecker import SpellChecker

_CONTRACTION_TAILS = frozenset({"ll", "ve", "re", "d", "m"})
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_DIGIT_NEIGHBOUR_RE = re.compile(r"\d")
_loaded: dict[str, SpellChecker] = {}
_load_lock = threading.Lock()
# Whether a (lower-case) word is in a dictionary, per dictionary code: prose repeats its words,
# and a look-up in pyspellchecker costs several times a dict hit.
_known_words: dict[str, dict[str, bool]] = {}
_KNOWN_CACHE_LIMIT = 200_000


class SpellingError(AuthorWorksError):
    """A dictionary cannot be loaded, or the personal dictionary cannot be written."""


def available_languages() -> list[str]:
    """Language codes that have a bundled dictionary."""
    from spellchecker import SpellChecker

    return sorted(SpellChecker.languages())


def dictionary_language(language: str) -> str | None:
    """The bundled dictionary for a book language ("en-GB" -> "en"), None if there is none."""
    primary = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return primary if primary in available_languages() else None


def speller_is_loaded(language: str) -> bool:
    """Whether the dictionary for ``language`` is loaded already (so a SpellCheck is quick)."""
    primary = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return primary in _loaded


def load_speller(language: str) -> SpellChecker:
    """The (shared, cached) pyspellchecker instance for ``language``."""
    code = dictionary_language(language)
    if code is None:
        raise SpellingError(
            f"no spelling dictionary for language {language!r} "
            f"(available: {', '.join(available_languages())})"
        )
    with _load_lock:
        speller = _loaded.get(code)
        if speller is None:
            # In small steps: a worker thread loading it must not hold up the UI thread.
            from core.text.dictionary_load import load_spellchecker

            speller = load_spellchecker(code)
            _loaded[code] = speller
        return speller


def default_personal_dictionary_path() -> Path:
    """The personal dictionary file in the user's config folder."""
    from platformdirs import user_config_path

    return user_config_path("AuthorWorks", appauthor=False) / "dictionary.txt"


@dataclass
class PersonalDictionary:
    """Words the writer has taught the spell-checker: one a line in a UTF-8 text file."""

    path: Path
    words: set[str] = field(default_factory=set)
    #: Counts changes, so that checkers that remember verdicts know to forget them.
    revision: int = field(default=0, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> PersonalDictionary:
        """Read the dictionary at ``path`` (default: the user's); a missing file is empty."""
        path = path or default_personal_dictionary_path()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        except (OSError, UnicodeDecodeError) as exc:
            raise SpellingError(f"{path}: cannot read the personal dictionary ({exc})") from None
        return cls(path, {line.strip() for line in lines if line.strip()})

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        word = _normalise(word)
        return word in self.words or word.lower() in self.words

    def add(self, word: str) -> None:
        """Learn ``word`` and save the file."""
        word = _normalise(word.strip())
        if word and word not in self.words:
            self.words.add(word)
            self.revision += 1
            self.save()

    def remove(self, word: str) -> None:
        """Forget ``word`` and save the file."""
        word = _normalise(word.strip())
        if word in self.words:
            self.words.discard(word)
            self.revision += 1
            self.save()

    def save(self) -> None:
        """Write the file atomically (a temp file moved into place)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".dictionary-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write("".join(f"{w}\n" for w in sorted(self.words, key=str.casefold)))
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise SpellingError(
                f"{self.path}: cannot save the personal dictionary ({exc})"
            ) from None


def _normalise(word: str) -> str:
    return word.replace("’", "'")


@dataclass(frozen=True)
class Misspelling:
    start: int
    end: int
    word: str


class SpellCheck:
    """Checks words of one language, knowing the personal dictionary and words to ignore."""

    def __init__(
        self,
        language: str,
        personal: PersonalDictionary | None = None,
        ignore: Iterable[str] = (),
    ) -> None:
        self.language = language
        self.speller = load_speller(language)
        code = dictionary_language(language) or language
        self._known_words = _known_words.setdefault(code, {})
        # The English list spells the American way: a British book accepts both.
        self._british = is_british_english(language)
        self.personal = personal
        self.ignored: set[str] = {w.casefold() for w in ignore}
        # Verdicts per word, valid for one revision of the personal dictionary.
        self._verdicts: dict[str, bool] = {}
        self._verdicts_revision = personal.revision if personal is not None else 0

    def ignore(self, words: Iterable[str]) -> None:
        """Treat ``words`` as correct (codex names, "Ignore all" in a session)."""
        self.ignored.update(w.casefold() for w in words)
        self._verdicts.clear()

    def _remembered(self) -> dict[str, bool]:
        revision = self.personal.revision if self.personal is not None else 0
        if revision != self._verdicts_revision or len(self._verdicts) >= _KNOWN_CACHE_LIMIT:
            self._verdicts.clear()
            self._verdicts_revision = revision
        return self._verdicts

    def is_correct(self, word: str) -> bool:
        word = _normalise(word)
        if len(word) < 2 or word.isupper() or _DIGIT_NEIGHBOUR_RE.search(word):
            return True
        if word.casefold() in self.ignored or (self.personal is not None and word in self.personal):
            return True
        if self._known(word):
            return True
        # Possessives: "men's", "children’s", "the Smiths'" are right when the noun is.
        if len(word) > 3 and word[-2:] in ("'s", "'S") and self.is_correct(word[:-2]):
            return True
        if len(word) > 3 and word.endswith("s'") and self.is_correct(word[:-1]):
            return True
        # Contractions the word list lacks: "that’ll", "Holmes’d", "who’ve" are right when the
        # word before the apostrophe is.
        head, apostrophe, tail = word.rpartition("'")
        if apostrophe and tail.lower() in _CONTRACTION_TAILS and len(head) > 1:
            return self.is_correct(head)
        # "well-known", "sea-green": right when every part is a word.
        parts = word.split("-")
        return len(parts) > 1 and all(p and self._known(p) for p in parts)

    def _known(self, word: str) -> bool:
        lower = word.lower()
        if self._in_list(lower):
            return True
        return self._british and any(self._in_list(w) for w in american_forms(lower))

    def _in_list(self, lower: str) -> bool:
        known = self._known_words.get(lower)
        if known is None:
            if len(self._known_words) >= _KNOWN_CACHE_LIMIT:
                self._known_words.clear()
            known = self._known_words[lower] = bool(self.speller.known([lower]))
        return known

    def misspellings(self, text: str) -> list[Misspelling]:
        """The misspelled words of ``text`` with their character ranges."""
        found = []
        verdicts = self._remembered()
        for m in _WORD_RE.finditer(text):
            end = m.end()
            # "abc123": a word glued to digits is a code or a name, not prose.
            if end < len(text) and text[end].isdigit():
                continue
            if m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            word = m.group()
            correct = verdicts.get(word)
            if correct is None:
                correct = verdicts[word] = self.is_correct(word)
            if not correct:
                found.append(Misspelling(m.start(), end, word))
        return found

    def suggestions(self, word: str, limit: int = 8) -> list[str]:
        """Likely corrections of ``word``, most common first, in the word's capitalisation."""
        plain = _normalise(word).lower()
        speller = self.speller
        # One edit is fast and usually enough; two edits only when that finds nothing.
        candidates = set(speller.known(speller.edit_distance_1(plain)))
        if not candidates and len(plain) <= 12:
            candidates = set(speller.known(speller.edit_distance_2(plain)))
        candidates.discard(plain)
        ranked = sorted(candidates, key=lambda w: (-speller.word_usage_frequency(w), w))
        return [_match_case(word, w) for w in ranked[:limit]]


def _match_case(original: str, suggestion: str) -> str:
    if original[:1].isupper() and original[1:].islower():
        return suggestion[:1].upper() + suggestion[1:]
    if original.isupper():
        return suggestion.upper()
    return suggestion
