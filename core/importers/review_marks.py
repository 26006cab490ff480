"""Comments and tracked changes carried through an import to the scenes they belong to.

A reader that finds a comment range or a tracked change (a DOCX's ``w:commentRangeStart``,
``w:ins``, ``w:del``) writes a mark into the paragraph text where it is: a private-use
character, a code (``cs7`` comment 7 starts, ``ce7`` ends, ``is3``/``ie3`` an insertion,
``ds4``/``de4`` a deletion) and another private-use character. The marks ride through the
shared structure code (chapters, scenes, Markdown) untouched, and :func:`take_marks` takes them
out of each scene's text, answering where each thing is in the text as stored: an inserted
passage is *not* in it (it is a pending suggestion), a deleted one still is. What the marks
are (authors, dates, comment texts) travels beside them in the draft (``BookDraft.review``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPEN, CLOSE = "\ue000", "\ue001"
_MARK_RE = re.compile(f"{OPEN}([cid])([se])([^{CLOSE}]+){CLOSE}")


def mark(kind: str, edge: str, ident: str) -> str:
    """The mark for the start (``edge`` "s") or end ("e") of comment ("c"), insertion ("i")
    or deletion ("d") ``ident``."""
    return f"{OPEN}{kind}{edge}{ident}{CLOSE}"


@dataclass
class SceneMarks:
    comments: list[tuple[str, int, int]] = field(default_factory=list)  # id, start, end
    insertions: list[tuple[str, int, str]] = field(default_factory=list)  # id, at, text
    deletions: list[tuple[str, int, int]] = field(default_factory=list)  # id, start, end

    def __bool__(self) -> bool:
        return bool(self.comments or self.insertions or self.deletions)


def has_marks(text: str) -> bool:
    return OPEN in text


def take_marks(text: str) -> tuple[str, SceneMarks]:
    """The text without its marks (and without inserted passages), and where they were.

    A mark whose other end is not in this text (a comment across two scenes) anchors to the
    text's start or end.
    """
    out: list[str] = []
    marks = SceneMarks()
    length = 0
    opened: dict[tuple[str, str], int] = {}
    inserting: dict[str, list[str]] = {}
    pos = 0
    for match in _MARK_RE.finditer(text):
        piece = text[pos : match.start()]
        pos = match.end()
        for parts in inserting.values():
            parts.append(piece)
        if not inserting:
            out.append(piece)
            length += len(piece)
        kind, edge, ident = match.group(1), match.group(2), match.group(3)
        if kind == "i":
            if edge == "s":
                inserting[ident] = []
            elif ident in inserting:
                inserted = "".join(inserting.pop(ident))
                if inserted:
                    marks.insertions.append((ident, length, inserted))
            continue
        if edge == "s":
            opened[(kind, ident)] = length
        else:
            start = opened.pop((kind, ident), 0)
            if length > start:
                target = marks.comments if kind == "c" else marks.deletions
                target.append((ident, start, length))
    rest = text[pos:]
    if inserting:
        for ident, parts in inserting.items():
            inserted = "".join([*parts, rest])
            if inserted:
                marks.insertions.append((ident, length, inserted))
    else:
        out.append(rest)
        length += len(rest)
    for (kind, ident), start in opened.items():
        if length > start:
            (marks.comments if kind == "c" else marks.deletions).append((ident, start, length))
    return "".join(out), marks
