"""What a commenter may change: comments, and suggested changes, and nothing else.

A commenter reads a book, comments on it and suggests changes; the server takes their updates
(pushed or live) only when :func:`review_only` says the update changes the document's comments,
resolve states and suggestions, and touches its text only by proposing: inserting characters
marked as a suggested insertion, or marking characters as a suggested deletion, or deleting
characters of their own pending insertion (a typo in one's suggestion, fixed in suggesting
mode; someone else's suggestion is the editor's to reject).
Deleting the book's text, formatting it otherwise, or changing the fields is an editor's. The
check applies the update to a copy of the document and watches what moves, so a deletion
(which names no part of the document, only the items it removes) is judged by what it
removes. An update that cannot be integrated whole (it waits for another one) is refused:
integrated later, it could change anything.
"""

from __future__ import annotations

import pycrdt

from core.review.comments import COMMENTS, RESOLVED
from core.review.suggestions import SUGGESTIONS, suggestion_record
from core.sync.documents import FIELDS_MAP, TEXT
from core.sync.text_view import (
    DELETE_KEY,
    INSERT_KEY,
    accepted_text,
    state_clocks,
    suggestion_of,
)

REVIEW_ROOTS = frozenset({COMMENTS, RESOLVED, SUGGESTIONS})


def _proposes(delta: list[dict[str, object]], deleted: list[bool]) -> bool:
    """Whether a change of the text only proposes: inserts suggested text, or marks text as
    suggested for deletion (a deletion is noted in ``deleted``, judged once applied)."""
    for step in delta:
        attributes = step.get("attributes") or {}
        assert isinstance(attributes, dict)
        if "delete" in step:
            deleted.append(True)
            continue
        if "insert" in step:
            if not attributes.get(INSERT_KEY) or attributes.get(DELETE_KEY):
                return False
        elif attributes and (set(attributes) != {DELETE_KEY} or not attributes[DELETE_KEY]):
            return False
    return True


def _pending(text: pycrdt.Text) -> dict[str, str]:
    """Each pending insertion's characters, by suggestion id."""
    found: dict[str, str] = {}
    for chunk, attrs in text.diff():
        kind, key = suggestion_of(attrs)
        if kind == "insert":
            found[key] = found.get(key, "") + str(chunk)
    return found


def review_only(state: bytes, update: bytes, *, author: str | None = None) -> bool:
    """Whether ``update``, applied to the document ``state``, changes only its comments and
    suggestions (deleting characters only of ``author``'s own pending insertions)."""
    probe: pycrdt.Doc = pycrdt.Doc()
    text = probe.get(TEXT, type=pycrdt.Text)
    fields = probe.get(FIELDS_MAP, type=pycrdt.Map)
    for name in REVIEW_ROOTS:
        probe.get(name, type=pycrdt.Map)
    if state:
        probe.apply_update(state)
    roots = set(probe.keys())
    before, pending = accepted_text(text), _pending(text)
    meta = probe.get(SUGGESTIONS, type=pycrdt.Map)
    # Read before the update is applied: it cannot make itself the author of a suggestion.
    owners = {key: str(suggestion_record(meta, key).get("author", "")) for key in pending}
    moved: list[str] = []
    deleted: list[bool] = []
    watches = [
        text.observe(lambda event: None if _proposes(event.delta, deleted) else moved.append(TEXT)),
        fields.observe(lambda _event: moved.append(FIELDS_MAP)),
    ]
    try:
        probe.apply_update(update)
    except ValueError:
        return False
    finally:
        text.unobserve(watches[0])
        fields.unobserve(watches[1])
    if moved or set(probe.keys()) - roots - REVIEW_ROOTS:
        return False
    if deleted:
        if author is None or accepted_text(text) != before:
            return False  # it deleted the book's own text, not only suggested characters
        after = _pending(text)
        for key, inserted in pending.items():
            if owners.get(key) != author and after.get(key, "") != inserted:
                return False  # someone else's suggestion: rejecting it is an editor's
    have = state_clocks(probe.get_state())
    wanted = state_clocks(pycrdt.get_state(update))
    return all(have.get(client, 0) >= clock for client, clock in wanted.items())
