"""Three-way text merge (the editor's unsaved text against what a sync stored) and the
smallest edits between two texts that it and the CRDT text are built on."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from core.sync.text_merge import merge_text
from core.text.edits import text_edits

# Letters, a space, a newline, an accented letter, an emoji (two UTF-16 units, four UTF-8 bytes).
_TEXT = st.text(alphabet="ab \né🌍", max_size=30)


def _apply(old: str, edits: list[tuple[int, int, str]]) -> str:
    for begin, end, replacement in reversed(edits):
        old = old[:begin] + replacement + old[end:]
    return old


@given(_TEXT, _TEXT)
@settings(max_examples=300, deadline=None)
def test_text_edits_turn_one_text_into_the_other(old, new):
    edits = text_edits(old, new)
    assert _apply(old, edits) == new
    starts = [begin for begin, _end, _text in edits]
    assert starts == sorted(starts)
    assert all(a[1] <= b[0] for a, b in pairwise(edits))


def test_text_edits_of_a_small_change_are_small():
    old = "The lamp burned all night.\n\nThe sea was calm."
    new = "The lamp burned low all night.\n\nThe sea was calm!"
    assert text_edits(old, new) == [(16, 16, "low "), (44, 45, "!")]
    assert text_edits(old, old) == []


def test_edits_in_different_places_are_both_kept():
    base = "The cat sat.\nOn the mat."
    mine = "The black cat sat.\nOn the mat."
    theirs = "The cat sat.\nOn the red mat."
    assert merge_text(base, mine, theirs) == "The black cat sat.\nOn the red mat."


def test_inserts_at_one_place_keep_both_mine_first():
    assert merge_text("abc", "abc1", "abc2") == "abc12"
    assert merge_text("abc", "aXbc", "abYc") == "aXbYc"


def test_unicode_beyond_the_basic_plane_merges_by_character():
    assert merge_text("héllo 🌍 world", "héllo 🌍 big world", "hallo 🌍 world!") == (
        "hallo 🌍 big world!"
    )


def test_a_deletion_wins_over_an_edit_inside_it_and_keeps_inserts_around_it():
    base = "One. Two. Three."
    mine = "One. Three."  # deleted "Two. "
    theirs = "Zero. One. Two. Three. Four."
    assert merge_text(base, mine, theirs) == "Zero. One. Three. Four."


@given(_TEXT, _TEXT)
@settings(max_examples=200, deadline=None)
def test_a_side_that_did_not_change_takes_the_other(base, other):
    assert merge_text(base, other, base) == other
    assert merge_text(base, base, other) == other
    assert merge_text(base, other, other) == other


@given(st.text(alphabet="ab \n", min_size=1, max_size=20), st.data())
@settings(max_examples=200, deadline=None)
def test_no_inserted_character_is_lost(base, data):
    cut = data.draw(st.integers(0, len(base)))
    mine = base[:cut] + "X" + base[cut:]
    other_cut = data.draw(st.integers(0, len(base)))
    theirs = base[:other_cut] + "Y" + base[other_cut:]
    merged = merge_text(base, mine, theirs)
    assert sorted(merged) == sorted(base + "XY")
