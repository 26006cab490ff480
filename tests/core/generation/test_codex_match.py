"""Codex mentions: names and aliases, whole words, case rules, order of first mention."""

from __future__ import annotations

from core.generation.codex_match import CodexMatcher


def make() -> CodexMatcher:
    return CodexMatcher(
        [
            ["Mara Quill", "the keeper"],  # 0
            ["Ann"],  # 1
            ["Will"],  # 2
            ["O'Brien"],  # 3
            ["Gannet Rock"],  # 4
            ["Mara"],  # 5 (another entry sharing a first name)
            ["W."],  # 6: a lone initial is never matched
        ]
    )


def test_whole_words_and_aliases():
    m = make()
    assert m.mentioned("Anna met the Keeper at dawn.") == [0]
    assert m.mentioned("Ann's boat") == [1]


def test_capitalised_names_need_capitals():
    m = make()
    assert m.mentioned("I will go.") == []
    assert m.mentioned("Will went.") == [2]
    assert m.mentioned("gannet rock") == []


def test_multiword_names_across_line_breaks_and_punctuation():
    m = make()
    assert m.mentioned("up on Gannet\nRock,") == [4]
    # Typographic and straight apostrophes alike.
    assert m.mentioned("Mister O’Brien") == [3] == m.mentioned("Mister O'Brien")
    assert m.mentioned("O Brienne") == []


def test_order_of_first_mention_across_texts_and_shared_names():
    m = make()
    assert m.mentioned("Will", "Mara Quill and Ann") == [2, 0, 5, 1]
    assert m.mentioned("", "W. said") == []
