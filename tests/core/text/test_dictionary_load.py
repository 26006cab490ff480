"""Loading a spelling dictionary in pieces gives the library's own dictionary."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import dictionary_load
from core.text.dictionary_load import load_spellchecker, parse_in_pieces

_WORDS = st.dictionaries(
    st.text(alphabet="abcAB'éÉß-", min_size=1, max_size=8), st.integers(1, 10**6), max_size=40
)


@given(_WORDS, st.sampled_from([", ", ",\n", ",\r\n  "]), st.integers(1, 64))
@settings(max_examples=200, deadline=None)
def test_pieces_parse_like_one_json_loads_of_the_lower_cased_text(words, separator, piece):
    text = "{\n" + separator.join(f"{json.dumps(k)}: {v}" for k, v in words.items()) + "\n}"
    assert parse_in_pieces(text, piece_chars=piece) == json.loads(text.lower())


@pytest.mark.parametrize("text", ["[1, 2]", '{"a": 1, "b": [1, 2', "not json"])
def test_what_is_not_a_flat_object_is_refused(text):
    with pytest.raises(ValueError):
        parse_in_pieces(text, piece_chars=2)


def test_the_english_dictionary_is_the_one_pyspellchecker_loads():
    from spellchecker import SpellChecker

    ours = load_spellchecker("en").word_frequency
    theirs = SpellChecker(language="en", distance=2).word_frequency
    assert dict(ours.dictionary) == dict(theirs.dictionary)
    assert ours.total_words == theirs.total_words
    assert ours.unique_words == theirs.unique_words
    assert ours.longest_word_length == theirs.longest_word_length
    assert ours.letters == theirs.letters
    assert load_spellchecker("en").correction("speling") == "spelling"


def test_an_unexpected_list_falls_back_to_the_librarys_loader(tmp_path, monkeypatch):
    broken = tmp_path / "en.json.gz"
    import gzip

    broken.write_bytes(gzip.compress(b'["not", "a", "word", "list"]'))
    monkeypatch.setattr(dictionary_load, "_bundled_list", lambda code: broken)
    speller = load_spellchecker("en")  # the library's own (the bundled list) is used
    assert speller.word_frequency.unique_words > 100_000
