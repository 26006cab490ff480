from core.text import count_characters, count_words


def test_words_ignore_markup():
    assert count_words("*Hello* **world**") == 2
    assert count_words("# Chapter One\n\nShe ran.\n\n* * *\n\nHe didn't.") == 6


def test_hyphens_apostrophes_dashes():
    assert count_words("a well-known fact") == 3
    assert count_words("don’t stop—ever") == 3


def test_non_latin_words():
    assert count_words("Καλημέρα κόσμε, привет мир") == 4


def test_empty():
    assert count_words("") == 0
    assert count_words("* * *") == 0


def test_characters_without_markup():
    assert count_characters("*ab* **c**") == 4
    assert count_characters("# T\n\nab") == 3
