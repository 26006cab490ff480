"""Who a comment @mentions: by email, or by the name before the @ when it is unique."""

from __future__ import annotations

from datetime import UTC, datetime

import pycrdt

from core.review.comments import add_comment, reply
from core.review.mentions import mentioned, new_comments

PEOPLE = {"ann@example.org": "u-ann", "ann@elsewhere.net": "u-ann2", "ben@example.org": "u-ben"}


def test_mentions_by_email_and_by_unique_name():
    assert mentioned("@ben what do you think?", PEOPLE) == {"u-ben"}
    assert mentioned("@ann", PEOPLE) == set()  # two Anns: the name alone is not enough
    assert mentioned("Ask @ann@elsewhere.net.", PEOPLE) == {"u-ann2"}
    assert mentioned("mail ann@example.org", PEOPLE) == set()  # an address is no mention
    assert mentioned("@BEN, @nobody", PEOPLE) == {"u-ben"}


def test_new_comments_are_what_an_update_adds():
    now = datetime.now(UTC)
    doc = pycrdt.Doc()
    doc.get("text", type=pycrdt.Text).insert(0, "The lamp burned low.")
    first = add_comment(doc, author="a", text="one", start=0, end=3, now=now)
    state = doc.get_update()
    before = doc.get_state()
    reply(doc, parent_id=first, author="b", text="@ben two", now=now)
    added = new_comments(state, doc.get_update(before))
    assert [c["text"] for c in added] == ["@ben two"]
    assert new_comments(doc.get_update(), doc.get_update(before)) == []  # nothing new
