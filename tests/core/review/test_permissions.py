"""A commenter's update is taken only when it changes comments and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pycrdt

from core.review.comments import add_comment, set_resolved
from core.review.permissions import review_only
from core.sync.documents import doc_text

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def _base() -> pycrdt.Doc:
    doc = pycrdt.Doc()
    doc.get("text", type=pycrdt.Text).insert(0, "The lamp burned low.")
    doc.get("fields", type=pycrdt.Map)["title"] = '"Night"'
    return doc


def _change(base: pycrdt.Doc, edit) -> bytes:
    mine = pycrdt.Doc()
    mine.apply_update(base.get_update())
    before = mine.get_state()
    edit(mine)
    return mine.get_update(before)


def test_a_comment_and_a_resolve_pass():
    base = _base()
    comment = _change(
        base, lambda d: add_comment(d, author="c", text="Low?", start=0, end=3, now=NOW)
    )
    assert review_only(base.get_update(), comment)
    base.apply_update(comment)
    cid = next(iter(base.get("comments", type=pycrdt.Map).keys()))
    resolve = _change(base, lambda d: set_resolved(d, cid, resolved=True, by="c", now=NOW))
    assert review_only(base.get_update(), resolve)


def test_text_fields_deletions_new_parts_and_dangling_updates_are_refused():
    base = _base()
    state = base.get_update()
    assert not review_only(
        state, _change(base, lambda d: d.get("text", type=pycrdt.Text).insert(0, "X"))
    )
    assert not review_only(
        state, _change(base, lambda d: d.get("text", type=pycrdt.Text).__delitem__(slice(0, 3)))
    )
    assert not review_only(
        state,
        _change(base, lambda d: d.get("fields", type=pycrdt.Map).__setitem__("title", '"Day"')),
    )
    assert not review_only(
        state, _change(base, lambda d: d.get("other", type=pycrdt.Map).__setitem__("x", 1))
    )
    # An update that depends on one the server has not seen waits: refused.
    ahead = pycrdt.Doc()
    ahead.apply_update(state)
    ahead.get("comments", type=pycrdt.Map)["a"] = "{}"
    middle = ahead.get_state()
    ahead.get("text", type=pycrdt.Text).insert(0, "sneaky ")
    assert not review_only(state, ahead.get_update(middle))
    assert not review_only(state, b"\x00\x01garbage")


def test_a_suggestion_passes_but_accepting_or_deleting_does_not():
    from core.review.suggestions import decide, suggest_delete, suggest_insert

    base = _base()
    state = base.get_update()
    insert = _change(base, lambda d: suggest_insert(d, at=4, text="old ", author="c", now=NOW))
    assert review_only(state, insert)
    mark = _change(base, lambda d: suggest_delete(d, start=0, end=4, author="c", now=NOW))
    assert review_only(state, mark)
    base.apply_update(insert)
    pending = next(iter(base.get("suggestions", type=pycrdt.Map).keys()))
    accept = _change(base, lambda d: decide(d, {pending}, accept=True))
    assert not review_only(base.get_update(), accept)  # accepting is an editor's
    reject = _change(base, lambda d: decide(d, {pending}, accept=False))
    assert not review_only(base.get_update(), reject)  # so is deleting text
    plain = _change(base, lambda d: d.get("text", type=pycrdt.Text).insert(0, "X", {"bold": True}))
    assert not review_only(base.get_update(), plain)


def test_a_commenter_may_take_back_only_their_own_suggested_words():
    from core.review.suggesting import suggest_edit, whole_text

    base = _base()
    typed = "The lamp burned very low."
    mine = _change(base, lambda d: suggest_edit(d, typed, author="c@x.org", now=NOW))
    base.apply_update(mine)
    assert whole_text(base) == typed and doc_text(base) == "The lamp burned low."
    state = base.get_update()
    # Fixing a typo in one's own suggestion deletes its characters: allowed for its author.
    fix = _change(
        base, lambda d: suggest_edit(d, "The lamp burned ver low.", author="c@x.org", now=NOW)
    )
    assert review_only(state, fix, author="c@x.org")
    assert not review_only(state, fix, author="d@x.org")  # someone else's: an editor's
    assert not review_only(state, fix)
    # Deleting the book's own words is never a commenter's, even beside a suggestion.
    cut = _change(base, lambda d: d.get("text", type=pycrdt.Text).__delitem__(slice(0, 1)))
    assert not review_only(state, cut, author="c@x.org")
