"""What a commenter may change: comments, and suggested changes, and nothing else.

A commenter reads a book, comments on it and suggests changes; the server takes their updates
(pushed or live) only when :func:`review_only` says the update changes the document's comments,
resolve states and suggestions, and touches its text only by proposing: inserting characters
marked as a suggested insertion, or marking characters as a suggested deletion. Deleting text,
formatting it otherwise, or changing the fields is an editor's. The check applies the
update to a copy of the document and watches what moves, so a deletion (which names no part
of the document, only the items it removes) is judged by what it removes. An update that
cannot be integrated whole (it waits for another one) is refused: integrated later, it could
change anything.
"""

from __future__ import annotations

import pycrdt

from core.review.comments import COMMENTS, RESOLVED
from core.review.suggestions import SUGGESTIONS
from core.sync.documents import FIELDS_MAP, TEXT
from core.sync.text_view import DELETE_KEY, INSERT_KEY, state_clocks

REVIEW_ROOTS = frozenset({COMMENTS, RESOLVED, SUGGESTIONS})


def _proposes(delta: list[dict[str, object]]) -> bool:
    """Whether a change of the text only proposes: inserts suggested text, or marks text as
    suggested for deletion."""
    for step in delta:
        attributes = step.get("attributes") or {}
        assert isinstance(attributes, dict)
        if "delete" in step:
            return False
        if "insert" in step:
            if not attributes.get(INSERT_KEY) or attributes.get(DELETE_KEY):
                return False
        elif attributes and (set(attributes) != {DELETE_KEY} or not attributes[DELETE_KEY]):
            return False
    return True


def review_only(state: bytes, update: bytes) -> bool:
    """Whether ``update``, applied to the document ``state``, changes only its comments."""
    probe: pycrdt.Doc = pycrdt.Doc()
    text = probe.get(TEXT, type=pycrdt.Text)
    fields = probe.get(FIELDS_MAP, type=pycrdt.Map)
    for name in REVIEW_ROOTS:
        probe.get(name, type=pycrdt.Map)
    if state:
        probe.apply_update(state)
    roots = set(probe.keys())
    moved: list[str] = []
    watches = [
        text.observe(lambda event: None if _proposes(event.delta) else moved.append(TEXT)),
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
    have = state_clocks(probe.get_state())
    wanted = state_clocks(pycrdt.get_state(update))
    return all(have.get(client, 0) >= clock for client, clock in wanted.items())
