"""Suggesting mode: the writer's edits of the whole text become suggestions, never edits."""

from __future__ import annotations

from datetime import UTC, datetime

import pycrdt
from hypothesis import given, settings
from hypothesis import strategies as st

from core.review.suggesting import Suggester, marks, suggest_edit, whole_text
from core.review.suggestions import decide, list_suggestions, pending_ids
from core.sync.documents import doc_text

NOW = datetime(2026, 12, 7, tzinfo=UTC)
BOOK = "The cat sat on the mat."


def _doc(text: str = BOOK) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    doc.get("text", type=pycrdt.Text).insert(0, text)
    return doc


def _type(doc: pycrdt.Doc, at: int, typed: str, author: str = "ann") -> int:
    whole = whole_text(doc)
    cursor = at
    for char in typed:  # one key at a time, as the editor sends them
        whole = whole_text(doc)
        cursor = suggest_edit(
            doc, whole[:cursor] + char + whole[cursor:], author=author, now=NOW, cursor=cursor + 1
        )
    return cursor


def _backspace(doc: pycrdt.Doc, cursor: int, times: int, author: str = "ann") -> int:
    for _ in range(times):
        whole = whole_text(doc)
        cursor = suggest_edit(
            doc,
            whole[: cursor - 1] + whole[cursor:],
            author=author,
            now=NOW,
            backward=True,
            cursor=cursor - 1,
        )
    return cursor


def test_typing_a_word_is_one_insertion_the_book_does_not_have_yet():
    doc = _doc()
    cursor = _type(doc, 4, "black ")
    assert cursor == 10
    assert whole_text(doc) == "The black cat sat on the mat."
    assert doc_text(doc) == BOOK  # the book's text is unchanged until accepted
    [only] = list_suggestions(doc)
    assert (only.kind, only.text, only.author, only.at) == ("insert", "black ", "ann", 4)


def test_backspace_strikes_words_as_one_deletion_and_steps_over_them():
    doc = _doc()
    end = BOOK.index(" on") + 0
    cursor = _backspace(doc, end, 3)  # "sat" struck, one key at a time
    assert cursor == end - 3  # before the struck word, ready for the next Backspace
    assert whole_text(doc) == BOOK  # still there, struck through
    [only] = list_suggestions(doc)
    assert (only.kind, only.text) == ("delete", "sat")
    # Backspace over text already struck moves on without another suggestion.
    assert _backspace(doc, end, 1) == end - 1
    assert len(list_suggestions(doc)) == 1


def test_delete_key_strikes_forward_and_the_cursor_goes_past():
    doc = _doc()
    whole = whole_text(doc)
    cursor = suggest_edit(doc, whole[:4] + whole[5:], author="ann", now=NOW, backward=False)
    assert cursor == 5
    whole = whole_text(doc)
    cursor = suggest_edit(doc, whole[:5] + whole[6:], author="ann", now=NOW, backward=False)
    assert cursor == 6
    [only] = list_suggestions(doc)
    assert only.text == "ca"


def test_a_typo_in_ones_own_suggestion_is_simply_fixed():
    doc = _doc()
    cursor = _type(doc, 4, "blakc")
    cursor = _backspace(doc, cursor, 2)
    cursor = _type(doc, cursor, "ck ")
    assert whole_text(doc) == "The black cat sat on the mat."
    [only] = list_suggestions(doc)
    assert only.text == "black "


def test_someone_elses_suggestion_is_left_for_the_editor_to_decide():
    doc = _doc()
    _type(doc, 4, "black ", author="bob")
    whole = whole_text(doc)
    # Ann selects "black cat" and deletes it: Bob's word stays his suggestion, "cat" is struck.
    start, stop = whole.index("black"), whole.index("cat") + 3
    suggest_edit(doc, whole[:start] + whole[stop:], author="ann", now=NOW)
    assert whole_text(doc) == whole
    kinds = {(s.author, s.kind, s.text) for s in list_suggestions(doc)}
    assert kinds == {("bob", "insert", "black "), ("ann", "delete", "cat")}


def test_typing_over_a_selection_is_one_replacement():
    doc = _doc()
    whole = whole_text(doc)
    at = whole.index("cat")
    cursor = suggest_edit(doc, whole[:at] + "dog" + whole[at + 3 :], author="ann", now=NOW)
    assert whole_text(doc) == "The catdog sat on the mat."  # struck, then the new word
    assert cursor == at + 6
    [only] = list_suggestions(doc)
    assert (only.kind, only.deleted, only.text) == ("replace", "cat", "dog")
    decide(doc, {only.id}, accept=True)
    assert doc_text(doc) == "The dog sat on the mat." == whole_text(doc)


def test_marks_say_what_each_stretch_is_and_whose():
    doc = _doc()
    _type(doc, 4, "old ")
    _backspace(doc, whole_text(doc).index(" mat"), 3)
    found = [(m.kind, whole_text(doc)[m.start : m.end], m.author) for m in marks(doc)]
    assert found == [("insert", "old ", "ann"), ("delete", "the", "ann")]


edits = st.lists(
    st.tuples(
        st.floats(0, 1), st.integers(0, 4), st.text(alphabet="ab \n", max_size=3), st.booleans()
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(edits)
def test_whatever_is_typed_the_book_is_untouched_and_reject_all_restores_it(steps):
    doc = _doc("ab ba\nab")
    kept = Suggester(doc)  # what the studio holds: its pieces follow its own edits
    for where, cut, typed, backward in steps:
        whole = whole_text(doc)
        at = int(where * len(whole))
        new = whole[:at] + typed + whole[at + cut :]
        cursor = kept.edit(new, author="ann", now=NOW, backward=backward)
        assert 0 <= cursor <= len(whole_text(doc))
        assert doc_text(doc) == "ab ba\nab"
        followed = kept._pieces
        assert kept.marks() == marks(doc)  # kept in step = read afresh
        assert kept._pieces is followed  # and not read again to get there
    accepted = pycrdt.Doc()
    accepted.apply_update(doc.get_update())
    decide(doc, pending_ids(doc), accept=False)
    assert whole_text(doc) == "ab ba\nab" and not list_suggestions(doc)
    # Accepting them all keeps every character typed and drops every one struck.
    struck = sum(m.end - m.start for m in marks(accepted) if m.kind == "delete")
    total = len(whole_text(accepted))
    decide(accepted, pending_ids(accepted), accept=True)
    assert len(doc_text(accepted)) == total - struck
