"""The fast matching paths give exactly the matches a plain regex scan gives."""

from __future__ import annotations

import random

import pytest

from core.store.text_match import InvalidSearchError, TextMatcher, compile_pattern, required_literal

WORDS = ["the", "The", "keeper", "Keeper", "keepers", "lamp", "a", "bay", "İstanbul", "straße",
         "sea", "don't", "x_y", "colour", "color", "ÉTÉ", "été"]  # fmt: skip
REGEXES = [r"\bkeep\w*", r"colou?r", r"\b(the|a) keeper", r"kee+p", r"(?i)THE\b", r"s\w+a",
           r"\w+er\b", r"lamp|bay", r"(?<=the )\w+", r"é\w", r"\b\w"]  # fmt: skip


def _plain_scan(matcher: TextMatcher, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in matcher.pattern.finditer(text) if m.end() > m.start()]


def test_fast_paths_agree_with_a_plain_scan():
    rng = random.Random(5)
    for _ in range(1500):
        text = " ".join(
            rng.choice(WORDS) + rng.choice(["", ",", ".\n", " "]) for _ in range(rng.randint(0, 25))
        )
        regex = rng.random() < 0.6
        query = rng.choice(REGEXES) if regex else rng.choice([*WORDS, "kee", "he k", "t "])
        matcher = TextMatcher(
            query, whole_word=rng.random() < 0.4, case_sensitive=rng.random() < 0.5, regex=regex
        )
        got = [(m.start(), m.end()) for m in matcher.matches(text)]
        assert got == _plain_scan(matcher, text), (query, text)


def test_case_insensitive_literal_reports_the_original_text():
    matcher = TextMatcher("keeper")
    text = "The KEEPER and the Keeper."
    assert [m.group() for m in matcher.matches(text)] == ["KEEPER", "Keeper"]


def test_required_literal_of_a_regex():
    assert required_literal(compile_pattern(r"\b(the|a) keeper\w*", regex=True)) == " keeper"
    assert required_literal(compile_pattern(r"colou?r", regex=True)) == "colo"
    assert required_literal(compile_pattern(r"\w+|x", regex=True)) is None


def test_regex_errors_and_inline_flags():
    with pytest.raises(InvalidSearchError, match="invalid regular expression"):
        TextMatcher("[a-", regex=True)
    with pytest.raises(InvalidSearchError, match="empty"):
        TextMatcher("")
    matcher = TextMatcher("(?i)LAMP", regex=True, whole_word=True, case_sensitive=True)
    assert [m.group() for m in matcher.matches("lamp lamps Lamp")] == ["lamp", "Lamp"]


def test_match_at_and_expand():
    matcher = TextMatcher(r"(\w+)er\b", regex=True)
    text = "keeper walker"
    m = matcher.match_at(text, 7, 6)
    assert m is not None and matcher.expand(m, r"\1ing") == "walking"
    assert matcher.match_at(text, 8, 5) is None
    with pytest.raises(InvalidSearchError, match="invalid replacement"):
        matcher.expand(m, r"\9")


def test_a_straight_quote_in_find_matches_curly_quotes_and_back():
    text = "“Don’t,” she said. 'Don't' he wrote."
    found = [(m.start(), m.end()) for m in TextMatcher("don't").matches(text)]
    assert [text[a:b] for a, b in found] == ["Don’t", "Don't"]
    assert [text[m.start() : m.end()] for m in TextMatcher('"Don').matches(text)] == ["“Don"]
    # Typing the curly form finds the straight one too; a regex is taken as written.
    assert len(list(TextMatcher("don’t").matches(text))) == 2
    assert [m.group() for m in TextMatcher("Don't", regex=True).matches(text)] == ["Don't"]
    # Case-sensitive and whole-word searches fold the same way.
    assert len(list(TextMatcher("Don't", case_sensitive=True, whole_word=True).matches(text))) == 2
