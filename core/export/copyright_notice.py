"""The copyright page's lines, shared by the EPUB, print PDF and DOCX exporters.

A book that states its own rights (the ``copyright`` or ``rights`` metadata, as an imported
EPUB carries it: "Public domain in the USA", a Creative Commons licence) shows that statement
and nothing of ours: no "All rights reserved", no work-of-fiction notice. A book without one
gets the usual notice for an author's own novel. Links in a statement (Markdown
``[text](url)`` or a bare address) are rendered as links, never as raw Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.export.content import BookContent

FICTION_NOTICE = (
    "This is a work of fiction. Names, characters, places and incidents are the products of "
    "the author’s imagination or are used fictitiously."
)
_LINK_RE = re.compile(
    r"\[(?P<text>[^\]\n]+)\]\((?P<url>(?:https?://|mailto:)[^)\s]+)\)"
    r"|(?P<bare>https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"’”])"
)


@dataclass(frozen=True)
class NoticePart:
    """A run of a notice line: plain text, or a link's text with its address."""

    text: str
    url: str | None = None


def notice_lines(book: BookContent) -> list[str]:
    """The lines of the copyright page, each possibly with Markdown links."""
    if book.rights.strip():
        lines = [line.strip() for line in book.rights.strip().splitlines() if line.strip()]
    else:
        lines = [book.copyright_line, "All rights reserved."]
        if book.content_type == "novel":
            lines.append(FICTION_NOTICE)
    if book.publisher:
        lines.append(f"Published by {book.publisher}")
    if book.isbn:
        lines.append(f"ISBN {book.isbn}")
    return lines


def notice_parts(line: str) -> list[NoticePart]:
    """``line`` split into plain runs and links."""
    parts: list[NoticePart] = []
    at = 0
    for m in _LINK_RE.finditer(line):
        if m.start() > at:
            parts.append(NoticePart(line[at : m.start()]))
        if m.group("bare"):
            parts.append(NoticePart(m.group("bare"), m.group("bare")))
        else:
            parts.append(NoticePart(m.group("text"), m.group("url")))
        at = m.end()
    if at < len(line):
        parts.append(NoticePart(line[at:]))
    return parts


def plain_line(line: str) -> str:
    """``line`` with each Markdown link as its text (for metadata such as dc:rights)."""
    return "".join(p.text for p in notice_parts(line))
