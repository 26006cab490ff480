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
from core.text.offsets import utf8_length

INSERT_KEY = "suggest_insert"
DELETE_KEY = "suggest_delete"


def _chunks(ytext: pycrdt.Text) -> list[tuple[str, dict[str, Any] | None]]:
    return [(str(text), attrs) for text, attrs in ytext.diff()]


def _pending_insert(attrs: dict[str, Any] | None) -> bool:
    return bool(attrs) and bool(attrs.get(INSERT_KEY))  # type: ignore[union-attr]


def accepted_text(ytext: pycrdt.Text) -> str:
    """The text without pending suggested insertions."""
    chunks = _chunks(ytext)
    if len(chunks) == 1 and not chunks[0][1]:
        return chunks[0][0]
    return "".join(text for text, attrs in chunks if not _pending_insert(attrs))


def edit_accepted(ytext: pycrdt.Text, new_text: str) -> None:
    """Make ``new_text`` the accepted view of ``ytext`` with the fewest edits, leaving every
    pending insertion where it is (characters typed next to one go outside it)."""
    from core.sync.documents import apply_text_edit

    chunks = _chunks(ytext)
    if not any(a for _t, a in chunks):  # no suggestion at all: plain edits
        apply_text_edit(ytext, "".join(t for t, _a in chunks), new_text)
        return
    # The accepted pieces: (accepted start index, the piece, its UTF-8 offset in the
    # whole text). Pending insertions only move the offsets on.
    pieces: list[tuple[int, str, int]] = []
    accepted_at = position = 0
    for text, attrs in chunks:
        if not _pending_insert(attrs):
            pieces.append((accepted_at, text, position))
            accepted_at += len(text)
        position += utf8_length(text)
    total = position
    old = "".join(text for _a, text, _p in pieces)

    def runs_of(begin: int, end: int) -> list[tuple[int, int]]:
        """The UTF-8 ranges of the whole text holding accepted characters begin:end."""
        runs = []
        for start, text, offset in pieces:
            lo, hi = max(begin, start), min(end, start + len(text))
            if lo < hi:
                a = offset + utf8_length(text[: lo - start])
                runs.append((a, a + utf8_length(text[lo - start : hi - start])))
        return runs

    def offset_of(index: int) -> int:
        """Where accepted character ``index`` is in the whole text (the end: ``total``)."""
        for start, text, offset in pieces:
            if start <= index < start + len(text):
                return offset + utf8_length(text[: index - start])
        return total

    for begin, end, replacement in reversed(text_edits(old, new_text)):
        runs = runs_of(begin, end) if end > begin else []
        at = runs[0][0] if runs else offset_of(begin)
        # From the last run: a pending insertion inside the range is someone's suggestion,
        # left alone.
        for start, stop in reversed(runs):
            del ytext[start:stop]
        if replacement:
            # Explicitly unformatted: Y.Text gives inserted text the attributes of the text
            # before it, and the writer's words are no one's suggestion.
            ytext.insert(at, replacement, {INSERT_KEY: None, DELETE_KEY: None})


class View:
    """Positions between the whole text and its accepted view, read once from the Y.Text
    (for the many conversions of one pass: anchoring every comment, say)."""

    def __init__(self, ytext: pycrdt.Text) -> None:
        # For each accepted piece: (accepted start, whole-text start, length).
        self.pieces: list[tuple[int, int, int]] = []
        self.accepted_starts: list[int] = []
        self.whole_starts: list[int] = []
        accepted = whole = 0
        for text, attrs in _chunks(ytext):
            if not _pending_insert(attrs):
                self.pieces.append((accepted, whole, len(text)))
                self.accepted_starts.append(accepted)
                self.whole_starts.append(whole)
                accepted += len(text)
            whole += len(text)
        self.accepted_length = accepted
        self.whole_length = whole

    def to_full(self, index: int) -> int:
        """The whole-text index of accepted index ``index``."""
        at = bisect.bisect_right(self.accepted_starts, index) - 1
        if at < 0:  # no accepted text at all: after whatever is pending
            return self.whole_length
        accepted, whole, length = self.pieces[at]
        if index < accepted + length:
            return whole + index - accepted
        # Past the last accepted character: the end of the whole text.
        return self.whole_length if at == len(self.pieces) - 1 else whole + length

    def to_accepted(self, index: int) -> int:
        """The accepted index of whole-text index ``index`` (inside a pending insertion:
        where the insertion would go)."""
        at = bisect.bisect_right(self.whole_starts, index) - 1
        if at < 0:
            return 0
        accepted, whole, length = self.pieces[at]
        return accepted + min(index - whole, length)


def to_full(ytext: pycrdt.Text, index: int) -> int:
    """The index in the whole text (``str(ytext)``) of accepted-view index ``index``."""
    return View(ytext).to_full(index)


def to_accepted(ytext: pycrdt.Text, index: int) -> int:
    """The accepted-view index of whole-text index ``index`` (inside a pending insertion:
    where the insertion would go)."""
    return View(ytext).to_accepted(index)
