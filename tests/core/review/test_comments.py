"""Comments anchored with sticky indexes: they keep covering their passage through any
edit, on every replica; threads, resolve and orphaning."""

from __future__ import annotations

from datetime import UTC, datetime

import pycrdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.review.comments import (
    ReviewError,
    add_comment,
    list_comments,
    reply,
    set_resolved,
)
from tests.fixtures.plugin import require_all

NOW = datetime(2026, 12, 7, tzinfo=UTC)
SCHEDULES = 10_000 if require_all() else 1_000
TEXT = "Mara kept the light on Gannet Rock for eleven winters."


def _doc(text: str = TEXT, client: int | None = None) -> pycrdt.Doc:
    doc = pycrdt.Doc(client_id=client) if client else pycrdt.Doc()
    doc.get("text", type=pycrdt.Text).insert(0, text)
    return doc


def _text(doc: pycrdt.Doc) -> pycrdt.Text:
    return doc.get("text", type=pycrdt.Text)


def _sync(*docs: pycrdt.Doc) -> None:
    for a in docs:
        for b in docs:
            if a is not b:
                b.apply_update(a.get_update(b.get_state()))


def test_an_anchor_keeps_its_passage_through_edits_around_and_inside():
    doc = _doc()
    at = TEXT.index("Gannet Rock")
    add_comment(doc, author="ed", text="Name it?", start=at, end=at + 11, now=NOW)
    text = _text(doc)
    text.insert(0, "Night. ")  # before
    text.insert(len("Night. ") + at + 11, ", alone,")  # right after: not taken in
    text.insert(len("Night. ") + at, "the ")  # right before: not taken in
    [comment] = list_comments(doc)
    assert comment.anchor(str(text)) == "Gannet Rock"
    inside = str(text).index("Rock")
    text.insert(inside, "Black ")
    assert list_comments(doc)[0].anchor(str(text)) == "Gannet Black Rock"


def test_a_deleted_passage_orphans_its_comment_and_keeps_the_quote():
    doc = _doc()
    at = TEXT.index("eleven")
    add_comment(doc, author="ed", text="How many?", start=at, end=at + 6, now=NOW)
    del _text(doc)[at - 1 : at + 6]
    [comment] = list_comments(doc)
    assert comment.orphaned and comment.anchor(str(_text(doc))) == ""
    assert comment.quote == "eleven"


def test_threads_replies_and_resolving_merge_from_two_devices():
    a = _doc(client=1)
    b = pycrdt.Doc(client_id=2)
    b.apply_update(a.get_update())
    cid = add_comment(a, author="ann", text="Too long?", start=0, end=4, now=NOW)
    _sync(a, b)
    reply(b, parent_id=cid, author="ben", text="Cut a line.", now=NOW)
    set_resolved(a, cid, resolved=True, by="ann", now=NOW)  # at the same time
    _sync(a, b)
    for doc in (a, b):
        [comment] = list_comments(doc)
        assert comment.resolved and comment.resolved_by == "ann"
        assert [r.text for r in comment.replies] == ["Cut a line."]


def test_bad_comments_are_refused():
    doc = _doc()
    with pytest.raises(ReviewError):
        add_comment(doc, author="ed", text="  ", start=0, end=3, now=NOW)
    with pytest.raises(ReviewError):
        add_comment(doc, author="ed", text="x", start=5, end=5, now=NOW)
    with pytest.raises(ReviewError):
        reply(doc, parent_id="nope", author="ed", text="x", now=NOW)


# ---------------------------------------------------------------- concurrent replicas

edits = st.lists(
    st.tuples(
        st.integers(0, 2),  # replica
        st.sampled_from(["insert", "delete"]),
        st.floats(0, 1),  # where
        st.text(alphabet="xyz 🌙é", min_size=1, max_size=4),
        st.integers(1, 6),  # how much to delete
        st.booleans(),  # sync everything after this edit
    ),
    max_size=30,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=edits,
    anchors=st.lists(st.tuples(st.floats(0, 0.9), st.integers(1, 8)), min_size=1, max_size=20),
)
def test_every_anchor_ends_on_the_same_text_on_every_replica(edits, anchors):
    base = _doc("The lamp burned low over the harbour wall, and the tide came in at dusk.", 10)
    replicas = [pycrdt.Doc(client_id=c) for c in (1, 2, 3)]
    for replica in replicas:
        replica.apply_update(base.get_update())
    made = set()
    for i, (where, size) in enumerate(anchors):
        replica = replicas[i % 3]
        body = str(_text(replica))
        start = int(where * (len(body) - 1))
        end = min(len(body), start + size)
        made.add(
            add_comment(replica, author=f"r{i % 3}", text=f"c{i}", start=start, end=end, now=NOW)
        )
    for replica_index, kind, where, piece, size, sync_now in edits:
        replica = replicas[replica_index]
        text = _text(replica)
        body = str(text)
        # pycrdt positions are UTF-8 bytes: edit at a character boundary.
        at = int(where * len(body))
        offset = len(body[:at].encode())
        if kind == "insert":
            text.insert(offset, piece)
        elif body:
            stop = min(len(body), at + size)
            del text[offset : offset + len(body[at:stop].encode())]
        if sync_now:
            _sync(*replicas)
    _sync(*replicas)
    views = []
    for replica in replicas:
        body = str(_text(replica))
        views.append(sorted((c.id, c.anchor(body), c.orphaned) for c in list_comments(replica)))
    assert views[0] == views[1] == views[2]
    assert {v[0] for v in views[0]} == made  # no comment lost, none twice


# ---------------------------------------------------------------- with suggestions too


actions = st.lists(
    st.tuples(
        st.integers(0, 2),  # replica
        st.sampled_from(
            ["insert", "delete", "suggest_insert", "suggest_delete", "accept", "reject"]
        ),
        st.floats(0, 1),
        st.integers(1, 6),
        st.booleans(),  # sync everything after this step
    ),
    max_size=30,
)


# 10,000 schedules in CI (AUTHORWORKS_REQUIRE_ALL=1), 1,000 here.
@settings(max_examples=SCHEDULES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=actions, anchors=st.lists(st.tuples(st.floats(0, 0.9), st.integers(1, 8)), max_size=20)
)
def test_anchors_and_suggestions_agree_on_every_replica(steps, anchors):
    from core.review.suggestions import decide, list_suggestions, suggest_delete, suggest_insert
    from core.sync.documents import doc_text
    from core.sync.text_view import edit_accepted

    base = _doc("The lamp burned low over the harbour wall, and the tide came in at dusk.", 10)
    replicas = [pycrdt.Doc(client_id=c) for c in (1, 2, 3)]
    for replica in replicas:
        replica.apply_update(base.get_update())
    for i, (where, size) in enumerate(anchors):
        replica = replicas[i % 3]
        body = doc_text(replica)
        start = int(where * (len(body) - 1))
        add_comment(
            replica,
            author="r",
            text=f"c{i}",
            start=start,
            end=min(len(body), start + size),
            now=NOW,
        )
    accepted_tokens: list[str] = []
    for counter, (replica_index, kind, where, size, sync_now) in enumerate(steps):
        replica = replicas[replica_index]
        body = doc_text(replica)
        at = int(where * len(body))
        # One character no other step writes: deleting runs of the text can never make another
        # copy of it (with "<12>", deleting the "1" made a second "<2>" out of thin air).
        token = f"<{chr(0x4E00 + counter)}>"
        if kind == "insert":
            edit_accepted(_text(replica), body[:at] + token + body[at:])
        elif kind == "delete" and body:
            edit_accepted(_text(replica), body[:at] + body[at + size :])
        elif kind == "suggest_insert":
            suggest_insert(replica, at=at, text=token, author="s", now=NOW)
        elif kind == "suggest_delete" and at < len(body):
            suggest_delete(replica, start=at, end=min(len(body), at + size), author="s", now=NOW)
        elif kind in ("accept", "reject"):
            pending = list_suggestions(replica)
            if pending:
                chosen = pending[int(where * (len(pending) - 1))]
                if kind == "accept" and chosen.kind == "insert":
                    accepted_tokens.append(chosen.text)
                decide(replica, {chosen.id}, accept=kind == "accept")
        if sync_now:
            _sync(*replicas)
    _sync(*replicas)
    texts = [doc_text(r) for r in replicas]
    assert texts[0] == texts[1] == texts[2]
    pending = [sorted((s.id, s.kind, s.text, s.at) for s in list_suggestions(r)) for r in replicas]
    assert pending[0] == pending[1] == pending[2]
    for mark in (c for token in accepted_tokens for c in token if c >= "\u4e00"):
        # An accepted insertion is in the text at most once (none if someone deleted it, or
        # rejected it elsewhere at the same time), never twice.
        assert texts[0].count(mark) <= 1
    views = [
        sorted((c.id, c.anchor(texts[0]), c.orphaned) for c in list_comments(r)) for r in replicas
    ]
    assert views[0] == views[1] == views[2]
