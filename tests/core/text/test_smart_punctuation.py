"""Typographic punctuation by language, as typed and over a whole text."""

from __future__ import annotations

from core.text.smart_punctuation import NBSP, quotes_for, replacement_for, smarten


def test_a_whole_text_gets_curly_quotes_dashes_and_ellipses():
    text = "\"Don't go,\" she said -- and waited... 'Fine,' he said. The Smiths' door."
    assert smarten(text, "en-GB") == (
        "“Don’t go,” she said — and waited… ‘Fine,’ he said. The Smiths’ door."
    )
    assert smarten(smarten(text, "en"), "en") == smarten(text, "en")  # already typographic


def test_quotes_follow_the_books_language():
    assert smarten('"Nein," sagte er.', "de") == "„Nein,“ sagte er."
    assert smarten('"Non", dit-il.', "fr-FR") == f"«{NBSP}Non{NBSP}», dit-il."
    assert quotes_for("xx").open_double == "“"  # unknown: English


def test_as_typed_opening_closing_apostrophe_dash_and_ellipsis():
    assert replacement_for("He said ", '"', "en") == (1, "“")
    assert replacement_for("“Go,", '"', "en") == (1, "”")
    assert replacement_for("don", "'", "en") == (1, "’")
    assert replacement_for("She said ", "'", "en") == (1, "‘")
    assert replacement_for("and -", "-", "en") == (2, "—")
    assert replacement_for("so..", ".", "en") == (3, "…")
    assert replacement_for("so", ".", "en") is None
