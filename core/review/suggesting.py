"""Suggesting mode: what a writer types into a scene's whole text becomes suggestions.

In suggesting mode the editor shows the *whole* text of the scene's Y.Text — the book's text
with every pending suggested insertion in place and every pending deletion still there
(struck through) — and the writer edits that. :func:`suggest_edit` turns the difference
between the whole text and what the editor now holds into suggestions, as Word's track
changes and Google Docs' suggesting mode do:

* typed characters become a suggested insertion (extending the writer's own insertion they
  touch, so a typed word is one suggestion, not one per key);
* deleted characters of the book's text are marked as a suggested deletion (extending the
  writer's own deletion next to them, so holding Backspace makes one); they stay in the text;
* deleting characters of the writer's *own* pending insertion takes them back for real (a
  typo in a suggestion is just fixed); someone else's pending insertion, or characters
  already proposed for deletion, are left as they are: those are decided in the Comments dock;
* typing over a selection is a replacement: its deletion and insertion share one id and are
  accepted or rejected together.

Positions here are Python string indexes into the whole text.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from datetime import datetime

import pycrdt

from core.review.suggestions import SUGGESTIONS, record_suggestion, suggestion_record
from core.sync.documents import TEXT
from core.sync.text_view import DELETE_KEY, INSERT_KEY, suggestion_of
from core.text.edits import text_edits
from core.text.offsets import to_utf8, utf8_span


@dataclass(frozen=True)
class Mark:
    """A stretch of the whole text that is part of a pending suggestion."""

    start: int
    end: int
    kind: str  # "insert" or "delete"
    suggestion_id: str
    author: str


class _Pieces:
    """The whole text's formatted pieces, with who proposed each suggested one.

    Read once from the Y.Text (its ``diff``, the costly part), then kept in step with the
    edits :func:`_apply` makes, so that a keystroke in suggesting mode reads the document
    once at most (see :class:`Suggester`).
    """

    def __init__(
        self, ytext: pycrdt.Text, meta: pycrdt.Map, authors: dict[str, str] | None = None
    ) -> None:
        # [text, kind, id] of each piece.
        self.items: list[list[str]] = [
            [str(chunk), *suggestion_of(attrs)] for chunk, attrs in ytext.diff()
        ]
        self._meta = meta
        self._authors = {} if authors is None else authors
        self._index()

    def _index(self) -> None:
        merged: list[list[str]] = []
        for item in self.items:  # neighbours of one kind and id are one piece, as diff says
            if merged and merged[-1][1:] == item[1:]:
                merged[-1][0] += item[0]
            elif item[0]:
                merged.append(item)
        self.items = merged
        self.starts = list(itertools.accumulate((len(item[0]) for item in self.items), initial=0))
        self.starts.pop()
        self.whole = "".join(item[0] for item in self.items)

    def author_of(self, suggestion_id: str) -> str:
        known = self._authors.get(suggestion_id)
        if known is not None:
            return known
        author = str(suggestion_record(self._meta, suggestion_id).get("author", ""))
        if author:  # not kept while unknown: its record may arrive after its text
            self._authors[suggestion_id] = author
        return author

    def at(self, index: int) -> tuple[str, str]:
        """(kind, id) of the character at ``index`` ("", "" outside the text)."""
        if index < 0 or index >= len(self.whole):
            return "", ""
        item = self.items[bisect.bisect_right(self.starts, index) - 1]
        return item[1], item[2]

    def runs(self, begin: int, end: int) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, id) of the pieces' parts inside ``begin:end``."""
        found = []
        first = max(0, bisect.bisect_right(self.starts, begin) - 1)
        for start, (text, kind, sid) in zip(self.starts[first:], self.items[first:], strict=True):
            if start >= end:
                break
            lo, hi = max(begin, start), min(end, start + len(text))
            if lo < hi:
                found.append((lo, hi, kind, sid))
        return found

    def own(self, index: int, kind: str, author: str) -> str:
        """The id of ``author``'s own suggestion of ``kind`` at ``index``, or ""."""
        found_kind, sid = self.at(index)
        return sid if found_kind == kind and sid and self.author_of(sid) == author else ""

    def marks(self) -> list[Mark]:
        return [
            Mark(start, start + len(text), kind, sid, self.author_of(sid))
            for start, (text, kind, sid) in zip(self.starts, self.items, strict=True)
            if kind
        ]

    # What _apply does to the Y.Text, done to the pieces (whole-text indexes, before it).

    def _split(self, index: int) -> int:
        """The position in ``items`` of the piece starting at ``index`` (made so)."""
        at = bisect.bisect_right(self.starts, index) - 1
        if at < 0:
            return 0
        if at >= len(self.items):
            return len(self.items)
        start = self.starts[at]
        if start == index:
            return at
        text, kind, sid = self.items[at]
        if index >= start + len(text):
            return at + 1
        self.items[at : at + 1] = [
            [text[: index - start], kind, sid],
            [text[index - start :], kind, sid],
        ]
        self.starts.insert(at + 1, index)
        return at + 1

    def insert(self, index: int, text: str, kind: str, sid: str) -> None:
        at = self._split(index)
        self.items.insert(at, [text, kind, sid])
        self._index()

    def restyle(self, begin: int, end: int, kind: str, sid: str) -> None:
        first = self._split(begin)
        last = self._split(end)
        for item in self.items[first:last]:
            item[1], item[2] = kind, sid
        self._index()

    def remove(self, begin: int, end: int) -> None:
        first = self._split(begin)
        last = self._split(end)
        del self.items[first:last]
        self._index()


class Suggester:
    """Suggesting mode on one document, its pieces kept between keystrokes.

    The pieces read for one edit serve the next edit and the marks shown after it, as long
    as nothing else changed the document. Whoever applies other changes to it says so with
    :meth:`invalidate` (an undo that takes a format back deletes its markers: no new item,
    no other text); as a safety net, the state vector and the whole text are compared too.
    """

    def __init__(self, doc: pycrdt.Doc, authors: dict[str, str] | None = None) -> None:
        self.doc = doc
        self.ytext = doc.get(TEXT, type=pycrdt.Text)
        self.meta = doc.get(SUGGESTIONS, type=pycrdt.Map)
        self.authors = {} if authors is None else authors
        self._pieces: _Pieces | None = None
        self._state = b""

    def invalidate(self) -> None:
        """The document changed other than by :meth:`edit`: read it afresh next time."""
        self._pieces = None

    def pieces(self) -> _Pieces:
        state = self.doc.get_state()
        found = self._pieces
        if found is None or state != self._state or found.whole != str(self.ytext):
            found = self._pieces = _Pieces(self.ytext, self.meta, self.authors)
            self._state = state
        return found

    def marks(self) -> list[Mark]:
        """The pending suggestions' stretches of the whole text, in order."""
        return self.pieces().marks()

    def edit(
        self,
        new_whole: str,
        *,
        author: str,
        now: datetime,
        backward: bool = True,
        cursor: int | None = None,
        selection: tuple[int, int] | None = None,
    ) -> int:
        """See :func:`suggest_edit`."""
        pieces = self.pieces()
        placed = _suggest(
            self.doc, pieces, new_whole, author=author, now=now, backward=backward,
            cursor=cursor, selection=selection,
        )  # fmt: skip
        self._state = self.doc.get_state()  # the pieces follow what was just done
        return placed


def marks(doc: pycrdt.Doc, authors: dict[str, str] | None = None) -> list[Mark]:
    """The pending suggestions' stretches of the whole text, in order. ``authors`` keeps who
    made each suggestion between calls (a suggestion's author never changes; reading them
    from the document is a good part of the cost of a repaint)."""
    return Suggester(doc, authors).marks()


def suggest_edit(
    doc: pycrdt.Doc,
    new_whole: str,
    *,
    author: str,
    now: datetime,
    backward: bool = True,
    cursor: int | None = None,
    selection: tuple[int, int] | None = None,
) -> int:
    """Record the difference between the scene's whole text and ``new_whole`` (the editor's
    text after the writer's edit) as ``author``'s suggestions, in one transaction; where the
    writer's cursor goes in the whole text afterwards.

    ``backward`` says a pure deletion was made with Backspace (the cursor goes before the
    struck text) rather than Delete (after it, so the next Delete strikes the next
    character). ``cursor`` is where the editor's cursor is in ``new_whole``: typing "c" into
    "bla|cat" could be either "c" of "cc", and the cursor says which was typed.
    ``selection`` is the stretch of the whole text that was selected when the writer typed
    or pasted: all of it is replaced (a diff would keep a first letter that happens to be
    typed again, "The" overtyped by "Then" keeping its "T").
    """
    return Suggester(doc).edit(
        new_whole, author=author, now=now, backward=backward, cursor=cursor, selection=selection
    )


def _suggest(
    doc: pycrdt.Doc,
    pieces: _Pieces,
    new_whole: str,
    *,
    author: str,
    now: datetime,
    backward: bool,
    cursor: int | None,
    selection: tuple[int, int] | None,
) -> int:
    ytext, meta = doc.get(TEXT, type=pycrdt.Text), doc.get(SUGGESTIONS, type=pycrdt.Map)
    old = pieces.whole
    edits = _over_selection(old, new_whole, selection) or text_edits(old, new_whole)
    if not edits:
        return len(new_whole) if cursor is None else cursor
    if len(edits) == 1 and cursor is not None:
        edits = [_slide(old, edits[0], cursor)]
    placed = 0
    shift = 0  # how much the edits before the last one moved it
    with doc.transaction():
        for number, (begin, end, replacement) in enumerate(reversed(edits)):
            taken, place = _apply(
                ytext, meta, pieces, begin, end, replacement, author=author, now=now,
                backward=backward,
            )  # fmt: skip
            if number == 0:
                placed = place
            else:
                shift += len(replacement) - taken
    return placed + shift


def _over_selection(
    old: str, new: str, selection: tuple[int, int] | None
) -> list[tuple[int, int, str]]:
    """The edit replacing the selected ``old[a:b]``, when ``new`` is that (else none)."""
    if selection is None:
        return []
    a, b = selection
    kept = len(old) - b
    if not (0 <= a < b <= len(old)) or len(new) < a + kept:
        return []
    if new[:a] != old[:a] or new[len(new) - kept :] != old[b:]:
        return []
    return [(a, b, new[a : len(new) - kept])]


def _slide(old: str, edit: tuple[int, int, str], cursor: int) -> tuple[int, int, str]:
    """The same insertion (or deletion) moved along a run of repeated characters, to where
    the cursor says it was made."""
    begin, end, replacement = edit
    if replacement and begin == end:  # an insertion: it ends at the cursor
        while begin + len(replacement) > cursor and begin > 0 and old[begin - 1] == replacement[-1]:
            replacement = old[begin - 1] + replacement[:-1]
            begin -= 1
        while (
            begin + len(replacement) < cursor and begin < len(old) and old[begin] == replacement[0]
        ):
            replacement = replacement[1:] + old[begin]
            begin += 1
        return begin, begin, replacement
    if not replacement:  # a deletion: the cursor is where it began
        while begin > cursor and old[begin - 1] == old[end - 1]:
            begin, end = begin - 1, end - 1
        while begin < cursor and end < len(old) and old[begin] == old[end]:
            begin, end = begin + 1, end + 1
    return begin, end, replacement


def _apply(
    ytext: pycrdt.Text,
    meta: pycrdt.Map,
    pieces: _Pieces,
    begin: int,
    end: int,
    replacement: str,
    *,
    author: str,
    now: datetime,
    backward: bool,
) -> tuple[int, int]:
    """One edit of the whole text as suggestions: (characters really removed, the cursor)."""
    old = pieces.whole
    runs = pieces.runs(begin, end)
    strike = [(lo, hi) for lo, hi, kind, _sid in runs if not kind]
    retract = [
        (lo, hi)
        for lo, hi, kind, sid in runs
        if kind == "insert" and pieces.author_of(sid) == author
    ]
    deletion = ""
    if strike:
        # Holding Backspace (or Delete) grows one suggestion, not one per character.
        deletion = pieces.own(end, "delete", author) or pieces.own(begin - 1, "delete", author)
        deletion = record_suggestion(meta, "delete", author, now, deletion or None)
    if replacement:
        insertion = deletion if strike else ""
        if not insertion:
            insertion = pieces.own(begin - 1, "insert", author) or pieces.own(end, "insert", author)
        insertion = record_suggestion(meta, "insert", author, now, insertion or None)
        # After the struck text, as Word puts a replacement.
        ytext.insert(to_utf8(old, end), replacement, {INSERT_KEY: insertion, DELETE_KEY: None})
        pieces.insert(end, replacement, "insert", insertion)
    # From the last run, so the earlier offsets stay true (all are before ``end``).
    for lo, hi in sorted(strike + retract, reverse=True):
        start, stop = utf8_span(old, lo, hi)
        if (lo, hi) in retract:
            del ytext[start:stop]
            pieces.remove(lo, hi)
        else:
            ytext.format(start, stop, {DELETE_KEY: deletion})
            pieces.restyle(lo, hi, "delete", deletion)
    taken = sum(hi - lo for lo, hi in retract)
    if replacement:
        return taken, end - taken + len(replacement)
    return taken, begin if backward else end - taken


def whole_text(doc: pycrdt.Doc) -> str:
    """The scene's text with every pending suggestion in it (what suggesting mode shows)."""
    return str(doc.get(TEXT, type=pycrdt.Text))
