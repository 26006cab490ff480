"""Offline spell-checking: misspellings, suggestions, personal dictionary, languages."""

from __future__ import annotations

import pytest

from core.text.british_spelling import american_forms, is_british_english
from core.text.spelling import (
    Misspelling,
    PersonalDictionary,
    SpellCheck,
    SpellingError,
    default_personal_dictionary_path,
    dictionary_language,
    speller_is_loaded,
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


def test_british_books_accept_british_and_american_spellings():
    british, american = SpellCheck("en-GB"), SpellCheck("en")
    text = "The colour of the centre: a draught, travelled, realised, catalogue, defence."
    assert british.misspellings(text) == []
    flagged = {m.word for m in american.misspellings(text)}
    assert {"colour", "centre", "draught", "realised", "defence"} <= flagged
    assert british.misspellings("color center draft traveled realized catalog defense") == []
    # The rules only map British forms: typos of either are still typos.
    assert [m.word for m in british.misspellings("colur centree tourch teh")] == [
        "colur",
        "centree",
        "tourch",
        "teh",
    ]


def test_british_forms_map_to_american_by_rule():
    assert "color" in american_forms("colour")
    assert "favorite" in american_forms("favourite")
    assert "organization" in american_forms("organisation")
    assert "analyzed" in american_forms("analysed")
    assert "theater" in american_forms("theatre")
    assert "analog" in american_forms("analogue")
    assert "licenses" in american_forms("licences")
    assert "modeling" in american_forms("modelling")
    assert "maneuver" in american_forms("manoeuvre")
    assert "drafts" in american_forms("draughts")
    assert american_forms("lamp") == set()
    assert is_british_english("en-GB") and is_british_english("en_au")
    assert not is_british_english("en") and not is_british_english("en-US")
    assert not is_british_english("fr-GB")


def test_verdicts_are_remembered_until_the_personal_dictionary_changes(tmp_path):
    personal = PersonalDictionary.load(tmp_path / "dict.txt")
    check = SpellCheck("en", personal)
    assert speller_is_loaded("en-US")
    assert [m.word for m in check.misspellings("Qwzx and Qwzx")] == ["Qwzx", "Qwzx"]
    personal.add("Qwzx")
    assert check.misspellings("Qwzx") == []
    personal.remove("Qwzx")
    assert [m.word for m in check.misspellings("Qwzx")] == ["Qwzx"]
    check.ignore(["qwzx"])
    assert check.misspellings("Qwzx") == []


def test_british_forms_a_writer_met_and_possessives_with_curly_apostrophes():
    british, american = SpellCheck("en-GB"), SpellCheck("en-US")
    prose = "The neighbourhood was centred on jewellery; centring the men’s and children’s coats."
    assert british.misspellings(prose) == []
    # Possessives are right in any English, with a straight or curly apostrophe ...
    assert american.misspellings("the men's coats, the children’s toys, Holmes’s pipe") == []
    # ... but only of words that are right themselves.
    assert [m.word for m in american.misspellings("the mne’s coats")] == ["mne’s"]
    # The American list does not take British forms for an American book.
    assert [m.word for m in american.misspellings("neighbourhood")] == ["neighbourhood"]


def test_contractions_of_right_words_are_right_with_either_apostrophe():
    check = SpellCheck("en-GB")
    prose = "“That’ll be hers,” Holmes’d said. Who've we here? They’re late; I'm not."
    assert check.misspellings(prose) == []
    # A contraction of a misspelling is still one.
    assert [m.word for m in check.misspellings("Thta’ll do.")] == ["Thta’ll"]
