"""Review in an exported DOCX: open comments as Word comments, pending suggestions as tracked
changes (``w:ins``, ``w:del``), so an editor working in Word (or LibreOffice) sees them and
can accept, reject and answer them there.

The scene texts come marked (:mod:`core.review.export_marks`); :class:`ReviewRuns` writes a
paragraph's spans as runs, wrapping each run of an insertion or a deletion in its change and
placing comment ranges where the marks are. A change or a comment may go on over several
paragraphs: the writer keeps its state from one paragraph to the next.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from core.export.docx_runs import append_run
from core.importers.review_marks import CLOSE, OPEN
from core.text import Span

_MARK_RE = re.compile(f"({OPEN}[cid][se][^{CLOSE}]+{CLOSE})")
_W_R, _W_RPR = qn("w:r"), qn("w:rPr")


def has_review_marks(spans: Any) -> bool:
    return any(OPEN in span.text for span in spans)


class ReviewRuns:
    """Writes marked spans into paragraphs of one document."""

    def __init__(self, doc: Any, review: dict[str, dict[str, dict[str, str]]]) -> None:
        self.doc = doc
        self.comments = review.get("comments", {})
        self.changes = review.get("changes", {})
        self._comment_ids: dict[str, str] = {}  # our comment id -> Word's
        self._change: tuple[str, str] | None = None  # ("i" or "d", suggestion id)
        self._next_id = 1000

    def add_runs(self, paragraph: Any, spans: list[Span] | tuple[Span, ...]) -> None:
        p = paragraph._p
        for span in spans:
            for piece in _MARK_RE.split(span.text):
                if not piece:
                    continue
                if piece.startswith(OPEN):
                    self._mark(p, piece[1], piece[2], piece[3:-1])
                else:
                    self._run(p, span, piece)

    def _mark(self, p: Any, kind: str, edge: str, ident: str) -> None:
        if kind in "id":
            self._change = (kind, ident) if edge == "s" else None
            return
        if edge == "s":
            info = self.comments.get(ident)
            if info is None:
                return
            made = self.doc.comments.add_comment(
                text=info.get("text", ""),
                author=info.get("author", "") or "Unknown",
                initials="".join(w[:1] for w in info.get("author", "").split()[:2]).upper(),
            )
            word_id = self._comment_ids[ident] = str(made.comment_id)
            etree.SubElement(p, qn("w:commentRangeStart")).set(qn("w:id"), word_id)
            return
        word_id = self._comment_ids.pop(ident, "")
        if not word_id:
            return
        etree.SubElement(p, qn("w:commentRangeEnd")).set(qn("w:id"), word_id)
        reference = etree.SubElement(p, _W_R)
        style = etree.SubElement(etree.SubElement(reference, _W_RPR), qn("w:rStyle"))
        style.set(qn("w:val"), "CommentReference")
        etree.SubElement(reference, qn("w:commentReference")).set(qn("w:id"), word_id)

    def _run(self, p: Any, span: Span, text: str) -> None:
        parent = p
        deleting = False
        if self._change is not None:
            kind, ident = self._change
            info = self.changes.get(ident, {})
            wrapper = etree.SubElement(p, qn("w:ins" if kind == "i" else "w:del"))
            self._next_id += 1
            wrapper.set(qn("w:id"), str(self._next_id))
            wrapper.set(qn("w:author"), info.get("author", "") or "Unknown")
            if info.get("date"):
                wrapper.set(qn("w:date"), info["date"][:19] + "Z")
            parent = wrapper
            deleting = kind == "d"
        append_run(parent, text, bold=span.bold, italic=span.italic, deleted=deleting)
