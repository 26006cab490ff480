"""Offline spell-checking: misspellings, suggestions, personal dictionary, languages."""

from __future__ import annotations

import pytest

from core.text.spelling import (
    Misspelling,
    PersonalDictionary,
    SpellCheck,
    SpellingError,
    default_personal_dictionary_path,
    dictionary_language,
)
from tests.fixtures.plugin import missing_dependency


@pytest.fixture(autouse=True)
def _needs_pyspellchecker() -> None:
    try:
        import spellchecker  # noqa: F401
    except ImportError:
        missing_dependency("pyspellchecker is not installed (pip install pyspellchecker)")


@pytest.fixture
def english(_needs_pyspellchecker: None) -> SpellCheck:
    # Cheap after the first: dictionaries are loaded once per process.
    return SpellCheck("en-GB")


def test_misspellings_with_ranges_skip_markup_caps_and_digits(english):
    text = "The *keeper* lit the lamp, teh **wind** howld. NASA r2d2 don’t well-known"
    found = english.misspellings(text)
    assert [(m.word, text[m.start : m.end]) for m in found] == [("teh", "teh"), ("howld", "howld")]


def test_suggestions_ranked_and_cased(english):
    assert english.suggestions("Teh")[:1] == ["The"]
    assert "misspelling" in english.suggestions("misspeling")


def test_ignore_words_and_personal_dictionary(tmp_path):
    personal = PersonalDictionary.load(tmp_path / "dict.txt")
    check = SpellCheck("en", personal, ignore=["Gannetrock"])
    assert check.misspellings("Gannetrock and Qwzx") == [Misspelling(15, 19, "Qwzx")]
    personal.add("Qwzx")
    assert check.misspellings("Gannetrock and Qwzx") == []
    assert (tmp_path / "dict.txt").read_text(encoding="utf-8") == "Qwzx\n"
    assert "Qwzx" in PersonalDictionary.load(tmp_path / "dict.txt")
    personal.remove("Qwzx")
    assert "Qwzx" not in PersonalDictionary.load(tmp_path / "dict.txt")


def test_default_personal_dictionary_lives_in_the_config_dir(aw_isolated_dirs):
    assert str(default_personal_dictionary_path()).startswith(str(aw_isolated_dirs))


def test_languages():
    assert dictionary_language("fr_FR") == "fr"
    assert dictionary_language("tlh") is None
    with pytest.raises(SpellingError, match="no spelling dictionary"):
        SpellCheck("tlh")
    assert SpellCheck("fr").misspellings("le phare et la mer") == []
