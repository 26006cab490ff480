"""A scene's text as the book has it, when suggested changes are pending in its Y.Text.

A suggested insertion is in the Y.Text already, its characters carrying the format attribute
``suggest_insert`` (the suggestion's id); a suggested deletion is characters carrying
``suggest_delete``. Keeping suggestions in the text itself is what makes accepting and
rejecting safe on any number of replicas at once: accepting an insertion removes an attribute,
rejecting it deletes its characters — both the same whoever does it first, never applied twice.

Everything that reads or writes a scene's text as prose (the library's rows, the editor, the
live room's editor binding) works on the *accepted view*: the text without pending insertions
(pending deletions are still there, not yet deleted). :func:`accepted_text` reads it and
:func:`edit_accepted` writes an edit of it into the Y.Text, around the suggestions. A text with
no suggestion is its own accepted view, and costs nothing more.
"""

from __future__ import annotations

import bisect
from typing import Any

import pycrdt

from core.text.edits import text_edits
from core.text.offsets import from_utf8, utf8_length

INSERT_KEY = "suggest_insert"
DELETE_KEY = "suggest_delete"


def _chunks(ytext: pycrdt.Text) -> list[tuple[str, dict[str, Any] | None]]:
    return [(str(text), attrs) for text, attrs in ytext.diff()]


def _pending_insert(attrs: dict[str, Any] | None) -> bool:
    return bool(attrs) and bool(attrs.get(INSERT_KEY))  # type: ignore[union-attr]


def suggestion_of(attrs: dict[str, Any] | None) -> tuple[str, str]:
    """(kind, suggestion id) of a piece of text by its format: ("insert", ID) for a pending
    insertion, ("delete", ID) for a pending deletion, ("", "") for the book's own text."""
    if attrs:
        if attrs.get(INSERT_KEY):
            return "insert", str(attrs[INSERT_KEY])
        if attrs.get(DELETE_KEY):
            return "delete", str(attrs[DELETE_KEY])
    return "", ""


def accepted_text(ytext: pycrdt.Text) -> str:
    """The text without pending suggested insertions."""
    chunks = _chunks(ytext)
    if len(chunks) == 1 and not chunks[0][1]:
        return chunks[0][0]
    return "".join(text for text, attrs in chunks if not _pending_insert(attrs))


def edit_accepted(ytext: pycrdt.Text, new_text: str) -> bool:
    """Make ``new_text`` the accepted view of ``ytext`` with the fewest edits, leaving every
    pending insertion where it is (characters typed next to one go outside it); whether it
    changed anything."""
    from core.sync.documents import apply_text_edit

    chunks = _chunks(ytext)
    if not any(a for _t, a in chunks):  # no suggestion at all: plain edits
        old = "".join(t for t, _a in chunks)
        apply_text_edit(ytext, old, new_text)
        return old != new_text
    view = View(ytext, chunks)
    edits = text_edits(view.accepted, new_text)
    for begin, end, replacement in reversed(edits):
        runs = view.runs(begin, end)
        at = runs[0][0] if runs else view.utf8_of(begin)
        # From the last run: a pending insertion inside the range is someone's suggestion,
        # left alone.
        for start, stop in reversed(runs):
            del ytext[start:stop]
        if replacement:
            # Explicitly unformatted: Y.Text gives inserted text the attributes of the text
            # before it, and the writer's words are no one's suggestion.
            ytext.insert(at, replacement, {INSERT_KEY: None, DELETE_KEY: None})
    return bool(edits)


class View:
    """Positions between the whole text and its accepted view, read once from the Y.Text
    (for the many conversions of one pass: anchoring every comment, an edit's ranges)."""

    def __init__(
        self, ytext: pycrdt.Text, chunks: list[tuple[str, dict[str, Any] | None]] | None = None
    ) -> None:
        # For each accepted piece: (accepted start, whole-text start, UTF-8 start, its text).
        # Pending insertions only move the whole-text and UTF-8 starts on.
        self.pieces: list[tuple[int, int, int, str]] = []
        self.accepted_starts: list[int] = []
        self.whole_starts: list[int] = []
        accepted = whole = offset = 0
        for text, attrs in _chunks(ytext) if chunks is None else chunks:
            if not _pending_insert(attrs):
                self.pieces.append((accepted, whole, offset, text))
                self.accepted_starts.append(accepted)
                self.whole_starts.append(whole)
                accepted += len(text)
            whole += len(text)
            offset += utf8_length(text)
        self.accepted = "".join(piece[3] for piece in self.pieces)
        self.whole_length = whole
        self.utf8_length = offset

    def to_full(self, index: int) -> int:
        """The whole-text index of accepted index ``index`` (after any pending insertion
        right before it; the end of the whole text at the end)."""
        at = bisect.bisect_right(self.accepted_starts, index) - 1
        if at < 0:  # no accepted text at all: after whatever is pending
            return self.whole_length
        accepted, whole, _offset, text = self.pieces[at]
        if index < accepted + len(text):
            return whole + index - accepted
        return self.whole_length  # only the last piece ends before ``index``

    def to_accepted(self, index: int) -> int:
        """The accepted index of whole-text index ``index`` (inside a pending insertion:
        where the insertion would go)."""
        at = bisect.bisect_right(self.whole_starts, index) - 1
        if at < 0:
            return 0
        accepted, whole, _offset, text = self.pieces[at]
        return accepted + min(index - whole, len(text))

    def utf8_of(self, index: int) -> int:
        """The UTF-8 offset (pycrdt's) of accepted index ``index``, placed as :meth:`to_full`."""
        at = bisect.bisect_right(self.accepted_starts, index) - 1
        if at >= 0:
            accepted, _whole, offset, text = self.pieces[at]
            if index < accepted + len(text):
                return offset + utf8_length(text[: index - accepted])
        return self.utf8_length

    def runs(self, begin: int, end: int) -> list[tuple[int, int]]:
        """The UTF-8 ranges of the whole text holding accepted characters ``begin:end``
        (more than one where pending insertions sit between them)."""
        runs = []
        for accepted, _whole, offset, text in self.pieces:
            lo, hi = max(begin, accepted), min(end, accepted + len(text))
            if lo < hi:
                a = offset + utf8_length(text[: lo - accepted])
                runs.append((a, a + utf8_length(text[lo - accepted : hi - accepted])))
        return runs


def state_clocks(state_vector: bytes) -> dict[int, int]:
    """A state vector read: for each client, how many of its items a document has."""
    decoder = pycrdt.Decoder(state_vector)
    clocks = {}
    for _ in range(decoder.read_var_uint()):
        client = decoder.read_var_uint()
        clocks[client] = decoder.read_var_uint()
    return clocks


def sticky_at(
    ytext: pycrdt.Text, index: int, assoc: pycrdt.Assoc = pycrdt.Assoc.AFTER
) -> dict[str, Any]:
    """A sticky index (as JSON) at accepted index ``index``, leaning on the character after
    it (``AFTER``) or before it (``BEFORE``). At the very end there is no character after it,
    and pycrdt cannot make one: it leans on the one before."""
    view = View(ytext)
    whole = str(ytext)
    position = max(0, min(view.to_full(index), len(whole)))
    if position >= len(whole):
        assoc = pycrdt.Assoc.BEFORE
    sticky = pycrdt.StickyIndex.new(ytext, utf8_length(whole[:position]), assoc)
    return dict(sticky.to_json())


def sticky_index(
    ytext: pycrdt.Text, sticky: Any, *, whole: str, view: View, clocks: dict[int, int]
) -> int | None:
    """Where a sticky index (as JSON) is now, as an accepted index; None for one this
    document cannot place: a form it does not read, or a character it has not received yet
    (pycrdt would panic on that, so it waits for the document to catch up)."""
    if not isinstance(sticky, dict):
        return None
    item = sticky.get("item")
    if isinstance(item, dict):
        try:
            if int(item.get("clock", 0)) >= clocks.get(int(item.get("client", -1)), 0):
                return None
        except (TypeError, ValueError):
            return None
    try:
        position = pycrdt.StickyIndex.from_json(sticky, ytext).get_index()
    except (ValueError, KeyError, TypeError):
        return None
    return view.to_accepted(from_utf8(whole, position))
